"""Where a docs tree sits on disk says nothing about its languages: only folders from the docs root down count."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.docs_qa.matrix import build_matrix
from loaders.docs import load_graph
from loaders.docs.lint import lint
from loaders.docs.locale import locale_under

TREE = Path(__file__).resolve().parents[1] / "data" / "graph"
BROKEN_LINK = "\n**Cause 9: [Nowhere](#no-such-section)**\n"


def _tree(parent: Path) -> Path:
    """A docs folder under `parent`: en-us and it-it folders, and one article with no locale folder."""
    docs = parent / "docs"
    for locale in ("en-us", "it-it"):
        (docs / locale).mkdir(parents=True)
        shutil.copy(TREE / locale / "widget-errors.md", docs / locale / "widget-errors.md")
    loose = (TREE / "en-us" / "widget-errors.md").read_text(encoding="utf-8") + BROKEN_LINK
    (docs / "loose-errors.md").write_text(loose, encoding="utf-8")
    italian = docs / "it-it" / "widget-errors.md"
    italian.write_text(italian.read_text(encoding="utf-8") + BROKEN_LINK, encoding="utf-8")
    return docs


@pytest.mark.parametrize("parent", ["de-de", "my-qa", "wt-qa", "it", "qa"])
def test_a_locale_named_folder_above_the_docs_root_is_not_a_locale(tmp_path: Path, cache_dir: Path,
                                                                    parent: str) -> None:
    docs = _tree(tmp_path / parent)
    graph = load_graph(docs)
    by_file = {Path(article.path).relative_to(docs).as_posix(): article.locale for article in graph.articles()}
    assert by_file == {"en-us/widget-errors.md": "en-us", "it-it/widget-errors.md": "it-it",
                       "loose-errors.md": "en-us"}

    report = lint([docs], base=docs)
    located = {Path(f.path).as_posix(): f.locale for f in report.findings if f.alias == "cause-link-target"}
    assert located == {"it-it/widget-errors.md": "it-it", "loose-errors.md": "en-us"}

    matrix = build_matrix(graph.articles(), report.findings, docs)
    assert matrix.locales == ("en-us", "it-it")


def test_the_docs_root_itself_may_be_the_locale_folder(tmp_path: Path, cache_dir: Path) -> None:
    docs = _tree(tmp_path / "de-de")
    graph = load_graph(docs / "it-it")
    assert [article.locale for article in graph.articles()] == ["it-it"]


def test_a_file_under_no_given_folder_reads_all_its_folders() -> None:
    assert locale_under("/srv/de-de/docs/a.md", ["/srv/de-de/docs"]) is None
    assert locale_under("/srv/de-de/docs/it-it/2017-10-05/a.md", ["/srv/de-de/docs"]) == "it-it"
    assert locale_under("/srv/de-de/docs/a.md", ["/elsewhere"]) == "de-de"
    assert locale_under("docs/zh-tw/a.md", ["docs", "docs/zh-tw"]) == "zh-tw"


ENGLISH_TABLES = Path(__file__).resolve().parents[1] / "data" / "table_pair" / "en-us" / "widget-backup.md"


def test_an_error_table_and_its_japanese_translation_share_ids(tmp_path: Path, cache_dir: Path) -> None:
    docs = tmp_path / "ja-jp" / "checkout" / "docs"  # a locale-named folder above the root changes nothing
    (docs / "en-us").mkdir(parents=True)
    (docs / "ja-jp").mkdir()
    shutil.copy(ENGLISH_TABLES, docs / "en-us" / "widget-backup.md")
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "parse" / "error_table_two_columns.md",
                docs / "ja-jp" / "widget-backup.md")
    graph = load_graph(docs)
    (english,) = graph.articles("en-us")
    (japanese,) = graph.articles("ja-jp")
    assert [e.layout for e in english.errors] == ["error-table"] * 4
    assert [e.id for e in japanese.errors] == [e.id for e in english.errors]
    assert "usererrorwidgetdiskfull" in [e.id for e in english.errors]
