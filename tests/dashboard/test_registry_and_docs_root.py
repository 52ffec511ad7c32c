"""Page registry and docs-folder choice."""
from __future__ import annotations

import os

from babel.messages.pofile import read_po

from dashboard.core import docs_root, messages
from dashboard.core.registry import PAGES, PageSpec, default_page


def test_registered_pages_exist_with_unique_urls_and_translatable_titles() -> None:
    with messages.POT_PATH.open("rb") as handle:
        ids = {m.id for m in read_po(handle)}
    assert PAGES, "no pages registered"
    assert len({p.url_path for p in PAGES}) == len(PAGES)
    for spec in PAGES:
        assert spec.path.is_file(), spec.script
        assert spec.title in ids and (not spec.help or spec.help in ids)
        assert spec.url_path and "/" not in spec.url_path
    assert "guide" in {p.url_path for p in list(PAGES)}


def test_the_fleet_opens_first() -> None:
    """A team lead opening the dashboard lands on the fleet; the menu lists it first."""
    assert default_page(list(PAGES)).url_path == "fleet"
    assert list(PAGES)[0].url_path == "fleet"


def test_every_registered_page_has_its_module() -> None:
    for spec in PAGES:
        assert spec.path.is_file(), spec.script
        assert spec.path.name == "page.py" and spec.path.parent.parent.name == "dashboard", spec.script


def test_default_page_choice() -> None:
    a = PageSpec("guide/page.py", "a", "A", ":material/help:")
    b = PageSpec("guide/page.py", "b", "B", ":material/help:", default=True)
    assert default_page([a, b]) is b
    assert default_page([a, b], "a") is a
    assert default_page([a, b], "/A/") is a
    assert default_page([a, b], "nope") is b
    assert default_page([a]) is a


def test_docs_path_precedence(tmp_path) -> None:
    env = {docs_root.ENV_VAR: str(tmp_path / "from-env")}
    assert docs_root.choose_docs_path(str(tmp_path / "field"), env) == ((tmp_path / "field").resolve(), "field")
    assert docs_root.choose_docs_path("  ", env) == ((tmp_path / "from-env").resolve(), "env")
    assert docs_root.choose_docs_path(None, {}) == (docs_root.DEFAULT_DOCS_DIR, "default")
    # Relative paths are read from the repository root, where the app is started.
    assert docs_root.choose_docs_path("docs_source", {})[0] == docs_root.REPO_DIR / "docs_source"
    os.environ.setdefault("HOME", str(tmp_path))
    assert docs_root.choose_docs_path("~/x", {})[0] == (docs_root.Path(os.environ["HOME"]) / "x").resolve()


def test_inspect_layouts(tmp_path, corpus_dir) -> None:
    assert docs_root.inspect_docs_root(tmp_path / "missing").status == "missing"
    (tmp_path / "file.md").write_text("# x\n", encoding="utf-8")
    assert docs_root.inspect_docs_root(tmp_path / "file.md").status == "not-a-folder"
    empty = tmp_path / "empty"
    (empty / "en-us").mkdir(parents=True)
    (empty / "en-us" / "notes.txt").write_text("x", encoding="utf-8")
    assert docs_root.inspect_docs_root(empty).status == "empty"

    tree = docs_root.inspect_docs_root(docs_root.DEFAULT_DOCS_DIR, "default")
    assert tree.status == "ok" and tree.layout == "locale-tree" and "en-us" in tree.locale_folders

    single = docs_root.inspect_docs_root(corpus_dir / "articles" / "it-it" / "2017-10-05")
    assert single.status == "ok" and single.layout == "single-locale" and single.folder_locale == "it-it"
    assert single.markdown_count >= 1



def test_locale_folders_are_read_as_the_loader_reads_them(tmp_path) -> None:
    """it_IT and es-419 are locales, api-docs is not: the graph would read them the same way."""
    for name in ("en-us", "it_IT", "es-419", "api-docs"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.md").write_text("# A\n", encoding="utf-8")
    tree = docs_root.inspect_docs_root(tmp_path)
    assert tree.layout == "locale-tree" and tree.locale_folders == ("en-us", "es-419", "it-it")
    single = docs_root.inspect_docs_root(tmp_path / "it_IT")
    assert single.layout == "single-locale" and single.folder_locale == "it-it"
    assert docs_root.inspect_docs_root(tmp_path / "api-docs").folder_locale is None

def test_signature_changes_when_an_article_changes(tmp_path) -> None:
    article = tmp_path / "en-us" / "a.md"
    article.parent.mkdir()
    article.write_text("# one\n", encoding="utf-8")
    before = docs_root.markdown_signature(tmp_path)
    article.write_text("# one, edited\n", encoding="utf-8")
    os.utime(article, ns=(before[0][1] + 10**9, before[0][1] + 10**9))
    after = docs_root.markdown_signature(tmp_path)
    assert before != after
    (tmp_path / "en-us" / "b.md").write_text("# two\n", encoding="utf-8")
    assert len(docs_root.markdown_signature(tmp_path)) == 2
