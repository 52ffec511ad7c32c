"""Docs lint speed against markdownlint-cli2 on the same files.

`python -m bench.lint [--repeat N] [--no-write]` lints every file under ../shared/corpus/bench/
with all rules (`python -m loaders lint`, parse included, as a fresh process each time) and, in the
same run and interleaved with it, runs markdownlint-cli2 (default configuration) on the same files;
it prints both wall times and rewrites the "## Lint" section of bench/RESULTS.md.

markdownlint-cli2 is installed on first use with
`npm install --prefix bench/.work markdownlint-cli2@0.24.1` (bench/.work is not versioned).
Target: our full lint takes at most half the wall time of markdownlint-cli2.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.results import cpu_model, write_section

REPO = Path(__file__).resolve().parents[1]
CORPUS_BENCH = REPO.parent / "shared" / "corpus" / "bench"
WORK = REPO / "bench" / ".work"
MARKDOWNLINT_VERSION = "0.24.1"
MARKDOWNLINT = WORK / "node_modules" / ".bin" / "markdownlint-cli2"

TARGET = 0.5


def _ensure_markdownlint() -> Path | None:
    if MARKDOWNLINT.exists():
        return MARKDOWNLINT
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: markdownlint-cli2 baseline skipped", file=sys.stderr)
        return None
    WORK.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "install", "--prefix", str(WORK), f"markdownlint-cli2@{MARKDOWNLINT_VERSION}", "--no-audit", "--no-fund",
         "--loglevel=error"],
        capture_output=True, text=True,
    )
    if result.returncode != 0 or not MARKDOWNLINT.exists():
        print(f"npm install of markdownlint-cli2 failed: {result.stderr.strip()[:500]}", file=sys.stderr)
        return None
    return MARKDOWNLINT


def _timed(command: list[str], cwd: Path,
           env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    return time.perf_counter() - start, result


def _ours(files: list[Path], scratch: Path) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    seconds, result = _timed(
        [sys.executable, "-m", "loaders", "lint", str(CORPUS_BENCH), "--format", "json",
         "-o", str(scratch / "lint.json")],
        cwd=scratch, env=env,
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"lint failed ({result.returncode}): {result.stderr[-800:]}")
    import json

    data = json.loads((scratch / "lint.json").read_text(encoding="utf-8"))
    if data["summary"]["files"] != len(files):
        raise SystemExit(f"lint checked {data['summary']['files']} files, expected {len(files)}")
    return seconds, len(data["findings"])


def _theirs(tool: Path, files: list[Path], scratch: Path) -> tuple[float, int]:
    # run from an empty folder so no configuration file is found: the default rule set
    seconds, result = _timed([str(tool), f"{CORPUS_BENCH.as_posix()}/**/*.md"], cwd=scratch)
    if result.returncode not in (0, 1):
        raise SystemExit(f"markdownlint-cli2 failed ({result.returncode}): {result.stderr[-800:]}")
    output = result.stderr + result.stdout
    linted = re.search(r"Linting: (\d+) file", output)
    if linted is None or int(linted.group(1)) != len(files):
        raise SystemExit(f"markdownlint-cli2 did not lint the {len(files)} files: {output[:300]}")
    found = re.search(r"Summary: (\d+) (?:issue|error)", output)
    return seconds, int(found.group(1)) if found else -1


def _node_version() -> str:
    node = shutil.which("node")
    if node is None:
        return "no node"
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m bench.lint", description=__doc__.split("\n\n")[0])
    options.add_argument("--repeat", type=int, default=5, help="runs of each tool, interleaved (default 5)")
    options.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = options.parse_args(argv)
    files = sorted(CORPUS_BENCH.rglob("*.md"))
    if not files:
        print(f"no Markdown files under {CORPUS_BENCH}", file=sys.stderr)
        return 2
    size = sum(f.stat().st_size for f in files)
    tool = _ensure_markdownlint()
    ours: list[float] = []
    theirs: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as scratch_name:
        scratch = Path(scratch_name)
        # one untimed round each so both read the files and load their code from a warm disk cache
        _, findings = _ours(files, scratch)
        baseline_findings = _theirs(tool, files, scratch)[1] if tool else None
        for _ in range(args.repeat):
            ours.append(_ours(files, scratch)[0])
            if tool:
                theirs.append(_theirs(tool, files, scratch)[0])
    ours_best, ours_median = min(ours), statistics.median(ours)
    lines = [
        "## Lint\n",
        f"`python -m bench.lint` — {dt.date.today().isoformat()}; machine: {os.cpu_count()} cores ({cpu_model()}), "
        f"Python {platform.python_version()}, node {_node_version()}, {platform.system()}.",
        f"Input: every file under `../shared/corpus/bench/` — {len(files)} files, {size / 1e6:.2f} MB. Each tool runs "
        f"as a fresh process (start-up included), {args.repeat} times, interleaved.\n",
        "| run | best s | median s | findings |",
        "|---|---:|---:|---:|",
        f"| `python -m loaders lint` (parse + all {len(_rules())} rules) "
        f"| {ours_best:.2f} | {ours_median:.2f} | {findings} |",
    ]
    if theirs:
        theirs_best, theirs_median = min(theirs), statistics.median(theirs)
        ratio = ours_median / theirs_median
        lines.append(f"| markdownlint-cli2 {MARKDOWNLINT_VERSION}, default config (baseline) | {theirs_best:.2f} | "
                     f"{theirs_median:.2f} | {baseline_findings} |")
        verdict = "met" if ratio <= TARGET else "NOT met"
        lines.append(f"\n- ours/markdownlint-cli2 (medians): **{ratio:.2f}** (target ≤ {TARGET}: {verdict}); "
                     f"best to best {ours_best / theirs_best:.2f}")
    else:
        lines.append("\n- markdownlint-cli2 could not be installed here: no ratio this run")
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_write:
        write_section("## Lint", section)
    return 0


def _rules() -> list:
    from loaders.docs.lint.rules import ALL_RULES

    return list(ALL_RULES)


if __name__ == "__main__":
    raise SystemExit(main())
