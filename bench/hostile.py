"""Linearity benchmark: parse time per byte of hostile and real Markdown as the document grows.

`python -m bench.hostile [--sizes 0.25,0.5,1] [--big 10]` parses each pathological pattern at each size
(MB) and a real-article file grown to `--big` MB, prints seconds per MB, and rewrites the "## Hostile
documents" section of bench/RESULTS.md. The bound: for every pattern, the time per byte at the largest
size stays within LINEARITY_BOUND times the time per byte at the smallest (quadratic growth over a
fourfold size would show as about 4×). The exit code is 1 when any pattern breaks it.

Times are the process's CPU time: on a machine shared with other work, wall-clock time grows with the
load of the other processes (four- to eightfold in practice), CPU time with the work the parser does.
The wall-clock time of the real-article file is reported beside it.
"""
from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from pathlib import Path

from bench.results import machine, package_version, write_section

REPO = Path(__file__).resolve().parents[1]
CORPUS_ARTICLES = REPO.parent / "shared" / "corpus" / "articles"
LINEARITY_BOUND = 2.0
MB = 2**20


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: unit * (size // len(unit))


def _lines(line: str) -> Callable[[int], str]:
    return lambda size: (line + "\n") * (size // (len(line) + 1))


# What each pattern makes a markdown parser do: scan for a closer it never finds, nest, or backtrack.
PATTERNS: dict[str, Callable[[int], str]] = {
    "run of `[`": _repeat("["),
    "run of backticks": _repeat("`"),
    "emphasis openers `*_`": _repeat("*_"),
    "unclosed `<a`": _repeat("<a "),
    "quotes nested 5,000 deep, repeated": _lines("> " * 5000 + "x"),
    "bullets nested, repeated": _lines("- " * 200 + "x"),
    "table rows": _lines("| a | b | c |"),
    "cause-link lines": _lines("Cause 1: [t](#x)"),
}


def _corpus_article(size: int) -> str:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(CORPUS_ARTICLES.glob("*/*/**/*.md"))]
    joined = "\n\n".join(texts)
    return (joined * (size // len(joined) + 1))[:size]


def _time_parse(text: str) -> float:
    """CPU seconds to parse `text`."""
    from loaders.docs.parse import parse_text

    start = time.process_time()
    article = parse_text(text, "en-us/bench.md")
    elapsed = time.process_time() - start
    internal = [p for p in article.problems if p.kind == "internal"]
    if internal:
        raise SystemExit(f"the parser failed: {internal[0].message}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default="0.25,0.5,1", help="document sizes in MB, comma-separated")
    options.add_argument("--big", type=float, default=10.0, help="size in MB of the real-article file")
    options.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = options.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",")]
    rows, failures = [], []
    for name, make in PATTERNS.items():
        per_mb = []
        for size in sizes:
            seconds = _time_parse(make(int(size * MB)))
            per_mb.append(seconds / size)
            print(f"{name}: {size} MB in {seconds:.2f} s ({seconds / size:.2f} s/MB)", flush=True)
        ratio = per_mb[-1] / per_mb[0] if per_mb[0] > 0 else 1.0
        if ratio > LINEARITY_BOUND:
            failures.append(name)
        rows.append((name, per_mb, ratio))
    wall_start = time.perf_counter()
    big_seconds = _time_parse(_corpus_article(int(args.big * MB)))
    big_wall = time.perf_counter() - wall_start
    print(f"real articles, {args.big} MB: {big_seconds:.2f} s CPU, {big_wall:.2f} s wall", flush=True)

    header = "| pattern | " + " | ".join(f"s/MB at {s:g} MB" for s in sizes) + " | largest ÷ smallest |"
    table = [header, "|---|" + "---:|" * (len(sizes) + 1)]
    table += [f"| {name} | " + " | ".join(f"{v:.2f}" for v in per_mb) + f" | {ratio:.2f} |"
              for name, per_mb, ratio in rows]
    slowest = max(rows, key=lambda row: row[1][-1])
    verdict = "met" if not failures else "not met: " + ", ".join(failures)
    text = "\n".join([
        "## Hostile documents",
        "",
        f"`python -m bench.hostile --sizes {args.sizes} --big {args.big:g}` — {time.strftime('%Y-%m-%d')}; "
        f"machine: {machine('markdown-it-py ' + package_version('markdown-it-py'))}; {platform.system()}.",
        "Each pattern is one document of the given size, parsed once by `parse_text` (front matter, layout "
        "recognition, problems). CPU seconds per MB (wall-clock time on this shared machine is several times "
        "higher under load):",
        "",
        *table,
        "",
        f"- time per byte, largest ÷ smallest size: at most **{max(r[2] for r in rows):.2f}** "
        f"(bound ≤ {LINEARITY_BOUND}: {verdict})",
        f"- slowest pattern: {slowest[0]}, {slowest[1][-1]:.1f} s per MB",
        f"- real articles (the corpus, repeated) as one {args.big:g} MB file: {big_seconds:.1f} s CPU "
        f"({big_seconds / args.big:.2f} s per MB), {big_wall:.1f} s wall",
    ])
    print(text)
    if not args.no_write:
        write_section("## Hostile documents", text)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
