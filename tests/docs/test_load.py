"""The one load pipeline: discovery, the parse cache shared by graph and lint, safe parallel parsing."""
from __future__ import annotations

import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from loaders.docs import load, load_graph
from loaders.docs.lint import lint
from loaders.docs.parse import parse_text

TREE = Path(__file__).resolve().parents[1] / "data" / "graph"
GRAPH_FILES = sorted(TREE.rglob("*.md"))


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths the pipeline hands to the parser in this process (small trees are parsed inline)."""
    seen: list[str] = []
    real = load.parse_text

    def counting(data, path="<memory>", locale=None):
        seen.append(str(path))
        return real(data, path, locale)

    monkeypatch.setattr(load, "parse_text", counting)
    return seen


def test_second_load_comes_from_the_cache_and_equals_the_first(cache_dir: Path, parses: list[str]) -> None:
    first = load.load_files(GRAPH_FILES)
    assert [r.cached for r in first] == [False] * len(GRAPH_FILES) and len(parses) == len(GRAPH_FILES)
    second = load.load_files(GRAPH_FILES)
    assert [r.cached for r in second] == [True] * len(GRAPH_FILES)
    assert len(parses) == len(GRAPH_FILES)  # nothing parsed again
    assert [r.article for r in second] == [r.article for r in first]  # text, problems, includes and all


def test_the_lint_reads_and_fills_the_same_cache(cache_dir: Path, parses: list[str], tmp_path: Path) -> None:
    tree = tmp_path / "docs"
    shutil.copytree(TREE, tree)
    load_graph(tree)
    assert len(parses) == 3 and len(list(cache_dir.rglob("*.pickle"))) == 3
    report = lint([tree], base=tree)
    assert len(report.files) == 3
    assert len(parses) == 3  # every article came from what the graph stored
    (tree / "de-de" / "widget-errors.md").write_text("# Geändert\n", encoding="utf-8")
    lint([tree], base=tree)
    assert parses[3:] == [str(tree / "de-de" / "widget-errors.md")]
    load_graph(tree)
    assert len(parses) == 4  # and the graph reads what the lint stored


def test_a_cached_article_read_elsewhere_equals_a_fresh_parse(cache_dir: Path, tmp_path: Path) -> None:
    # no front matter, a fence never closed on line 1, and a folder naming no known language:
    # the locale problem and the fence problem share line 1; the cached copy keeps the parser's order
    text = "```\nnever closed\n"
    for folder in ("en-us", "xx-yy", "it-it"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.md").write_text(text, encoding="utf-8")
    (original,) = load.load_files([tmp_path / "en-us" / "a.md"])
    assert not original.cached
    (moved,) = load.load_files([tmp_path / "xx-yy" / "a.md"])
    assert moved.cached
    fresh = load.parse_article(tmp_path / "xx-yy" / "a.md")
    assert [p.kind for p in fresh.problems] == ["locale", "unclosed-fence"]
    assert moved.article == fresh
    (given,) = load.load_files([tmp_path / "it-it" / "a.md"], locales=["xx-yy"])
    assert given.cached and given.article == parse_text(text, str(tmp_path / "it-it" / "a.md"), "xx-yy")


def test_discovery_of_articles_and_of_everything_the_lint_checks(tmp_path: Path) -> None:
    (tmp_path / "en-us" / "includes").mkdir(parents=True)
    for name in ("en-us/a.md", "en-us/B.MD", "en-us/c.markdown", "en-us/notes.txt", "en-us/includes/part.md"):
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    (tmp_path / "en-us" / "folder.md").mkdir()
    (tmp_path / "empty").mkdir()
    articles = load.discover([tmp_path, tmp_path / "empty", tmp_path / "gone.md"])
    assert [p.relative_to(tmp_path).as_posix() for p in articles.files] == ["en-us/B.MD", "en-us/a.md"]
    assert [(e.path, e.kind) for e in articles.errors] == [
        (str(tmp_path / "empty"), "no-articles"), (str(tmp_path / "gone.md"), "missing")]
    everything = load.discover([tmp_path / "en-us", tmp_path / "en-us" / "a.md"], suffixes=load.MARKDOWN_SUFFIXES,
                               skip_includes=False, one_entry_per_file=True)
    assert [p.name for p in everything.files] == ["B.MD", "a.md", "c.markdown", "part.md"]


_forks: list[int] = []
_counting_forks = threading.Event()
os.register_at_fork(before=lambda: _forks.append(1) if _counting_forks.is_set() else None)


def parsing_process(article) -> int:
    """Where an article was parsed (a `derive` function: it runs where the parser ran)."""
    return os.getpid()


def test_parsing_from_a_multi_threaded_process_uses_workers_without_forking(many_articles: list[Path]) -> None:
    paths = many_articles
    sequential = load.load_files(paths, use_cache=False, workers=1, derive=parsing_process)
    assert {r.derived for r in sequential} == {os.getpid()}
    _forks.clear()
    _counting_forks.set()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:  # the caller is not the only thread
            method = pool.submit(lambda: load.worker_context().get_start_method()).result()
            parallel = pool.submit(load.load_files, paths, use_cache=False, workers=2, derive=parsing_process).result()
        threaded_forks = len(_forks)
        if threading.active_count() == 1:  # the count does see forks: the same parse from a lone thread
            load.load_files(paths, use_cache=False, workers=2)
            assert len(_forks) > threaded_forks
    finally:
        _counting_forks.clear()
    assert method != "fork" and threaded_forks == 0
    workers = {r.derived for r in parallel}
    assert os.getpid() not in workers and len(workers) == 2  # parsed in two other processes
    assert [r.article for r in parallel] == [r.article for r in sequential]
    assert parallel[7].article.errors[1].id == "widget-full-7"
