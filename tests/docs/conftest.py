from __future__ import annotations

from pathlib import Path

import pytest

from loaders.docs import cache as article_cache
from loaders.docs import load

GRAPH_TREE = Path(__file__).resolve().parents[1] / "data" / "graph"


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A parse cache of this test's own."""
    directory = tmp_path / "cache"
    monkeypatch.setenv(article_cache.CACHE_ENV, str(directory))
    monkeypatch.delenv(article_cache.NO_CACHE_ENV, raising=False)
    return directory


@pytest.fixture()
def many_articles(tmp_path: Path) -> list[Path]:
    """Enough copies of one article, each with its own error id, to be parsed in worker processes."""
    source = (GRAPH_TREE / "en-us" / "widget-errors.md").read_text(encoding="utf-8")
    paths = []
    for number in range(load.PARALLEL_THRESHOLD + 6):
        path = tmp_path / f"article-{number:02d}.md"
        path.write_text(source.replace("widget-full", f"widget-full-{number}"), encoding="utf-8")
        paths.append(path)
    return paths
