"""lint(progress=...) reports how far a run is: once the files are read, then after each file."""
from __future__ import annotations

from pathlib import Path

from loaders.docs.lint import lint, load_config

TREE = Path(__file__).resolve().parents[1] / "data" / "docs_qa" / "tree"


def test_progress_counts_every_checked_file():
    calls: list[tuple[int, int]] = []
    report = lint([TREE], config=load_config(start=TREE), base=TREE,
                  progress=lambda done, total: calls.append((done, total)))
    total = len(report.files)
    assert total == 4
    assert calls == [(done, total) for done in range(total + 1)]
