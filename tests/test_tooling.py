"""The tree stays clean under the ruff configuration of pyproject.toml (line length, imports, bugbear,
pyupgrade, complexity), checked by the ruff pinned in requirements-dev.txt."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    beside = Path(sys.executable).parent / "ruff"
    command = [str(beside)] if beside.is_file() else [sys.executable, "-m", "ruff"]
    return subprocess.run(
        [*command, "check", "--no-cache", "--output-format", "concise", *args],
        cwd=REPO, input=stdin, capture_output=True, text=True, timeout=300,
    )


def test_the_tree_is_clean_under_ruff() -> None:
    result = _ruff(".")
    assert result.returncode == 0, f"ruff check . found:\n{result.stdout}{result.stderr}"


def test_the_configuration_applies_to_the_tree() -> None:
    # A module that breaks the configured rules, checked as if it were in loaders/: an exclusion or a
    # lost rule selection would let the whole-tree check pass without checking anything.
    module = (
        "def late(items):\n"
        "    return [lambda: item for item in items]\n"
        f"WIDE = {'x' * 130!r}\n"
    )
    result = _ruff("--stdin-filename", "loaders/configuration_probe.py", "-", stdin=module)
    assert result.returncode == 1, result.stdout + result.stderr
    found = {line.split(" ")[1] for line in result.stdout.splitlines() if line.startswith("loaders/")}
    assert {"E501", "B023"} <= found, result.stdout
