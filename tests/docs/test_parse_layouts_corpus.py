"""Every troubleshooting layout of the real corpus: each article yields errors with guidance, error
tables yield one error per row (rows counted here from the tokens), the 2016 numbered cause
sections all come through, and the translations of one version of an article share their ids —
so an English job message finds the translated row."""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from dashboard.guide.view import cause_views
from loaders.docs import align, load_tree, parse_article
from loaders.docs.graph import GuideGraph
from loaders.docs.inline import strip_sxs
from loaders.docs.model import Article, Error
from loaders.docs.parse import markdown_parser
from loaders.docs.textio import decode
from loaders.guidance.sections import resolve_guidance
from loaders.jobs.catalog import Catalog, CatalogEntry

pytestmark = pytest.mark.corpus

TARGET = "backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout.md"
VMS = "backup-azure-vms-troubleshoot.md"
MARS = "backup-azure-mars-troubleshoot.md"
SLOW = "backup-azure-troubleshoot-slow-backup-performance-issue.md"
TABLE_LAYOUTS = ("error-table", "section-table")


@pytest.fixture(scope="module")
def siblings(corpus_dir: Path) -> list[Article]:
    return load_tree([corpus_dir / "siblings"], cache=False)


@pytest.fixture(scope="module")
def target_articles(corpus_dir: Path) -> list[Article]:
    return load_tree([corpus_dir / "articles"], cache=False)


def _named(articles: list[Article], name: str) -> list[Article]:
    return [article for article in articles if Path(article.path).name == name]


def _has_guidance(article: Article, error: Error) -> bool:
    causes = [article.cause(ref.target) for ref in error.cause_refs]
    if any(cause is not None and any(block.source.strip() for block in cause.blocks) for cause in causes):
        return True
    return any(block.kind != "heading" and block.source.strip() for block in error.blocks)


def _body_rows(path: str) -> list[int]:
    """Rows per table, read straight from the markdown-it tokens of the file."""
    text = strip_sxs(decode(Path(path).read_bytes()).text.replace("\r\n", "\n"))
    rows: list[int] = []
    in_body = False
    for token in markdown_parser().parse(text):
        if token.type == "table_open":
            rows.append(0)
        elif token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            in_body = False
        elif token.type == "tr_open" and in_body:
            rows[-1] += 1
    return rows


def test_every_troubleshooting_article_yields_errors_with_guidance(siblings, target_articles):
    articles = siblings + target_articles
    assert len(articles) >= 80
    for article in articles:
        guided = [error for error in article.errors if _has_guidance(article, error)]
        assert guided, f"{article.path}: no error with guidance ({len(article.errors)} errors)"


@pytest.mark.parametrize("name", [VMS, MARS])
def test_error_tables_yield_one_error_per_row(siblings, name):
    articles = [a for a in _named(siblings, name) if a.locale != "en-us"]  # en-us MARS mixes table shapes
    assert len(articles) >= 9
    for article in articles:
        rows = _body_rows(article.path)
        from_tables = [error for error in article.errors if error.layout in TABLE_LAYOUTS]
        if name == VMS:
            assert len(from_tables) == sum(rows), article.path
            assert all(error.layout == "error-table" for error in from_tables), article.path
        else:  # one section per error, each with a one-row table
            assert rows and all(count == 1 for count in rows), article.path
            assert len(from_tables) == len(rows), article.path
        for error in from_tables:
            assert error.messages and error.cause_refs, f"{article.path}: {error.id}"
            assert all(article.cause(ref.target) is not None for ref in error.cause_refs)


def test_english_error_tables_yield_one_error_per_row(siblings):
    (article,) = [a for a in _named(siblings, VMS) if a.locale == "en-us"]
    assert len([e for e in article.errors if e.layout == "error-table"]) == sum(_body_rows(article.path))
    # the sections with "Error code" lines are still read as before
    assert len([e for e in article.errors if e.layout == "code-lines"]) >= 30


def test_table_row_solutions_reach_the_guide(siblings):
    article = next(a for a in _named(siblings, MARS) if a.locale == "it-it")
    error = next(e for e in article.errors if e.layout == "section-table" and len(e.cause_refs) > 1)
    views = cause_views(article, error)
    assert [view.id for view in views] == error.causes
    assert all(view.cause is not None and view.cause.markdown.strip() for view in views)
    # the causes come from the "possible causes" cell of the row, as written in the article
    row = next(line for line in article.text.splitlines() if line.startswith("|") and views[0].title[:25] in line)
    assert all(view.title[:25] in row for view in views)
    assert error.numeric_codes, error.messages


def test_2016_numbered_cause_sections_all_come_through(target_articles):
    articles = [a for a in _named(target_articles, TARGET) if "/2017-04-" in a.path.replace("\\", "/")]
    assert len(articles) >= 4
    numbered = re.compile(r"^##\s+(?:<a [^>]*></a>)?\s*\S+\s+(\d)\s*:", re.M)
    orders = set()
    for article in articles:
        written = [int(n) for n in numbered.findall(article.text)]
        (error,) = article.errors
        assert error.layout == "numbered-sections"
        assert [ref.number for ref in error.cause_refs] == written == [1, 2, 3, 4], article.path
        lines = [article.cause(ref.target).line for ref in error.cause_refs]
        assert lines == sorted(lines)
        orders.add(tuple(error.causes))
    assert len(orders) == 1  # anchored, unanchored, translated or English: the same ids in every locale


def test_translations_of_one_version_share_ids(siblings):
    groups: dict[tuple[str, object], list[Article]] = defaultdict(list)
    for article in siblings:
        groups[(Path(article.path).name, article.metadata.get("ms.date"))].append(article)
    shared = {key: group for key, group in groups.items() if len(group) > 1}
    assert {name for name, _ in shared} == {VMS, MARS, SLOW}
    for (name, date), group in shared.items():
        alignment = align(group)
        assert all(len(labels) == len(group) for labels in alignment.errors.values()), (name, date)
        assert alignment.order_disagreements() == {}, (name, date)
        assert all(len(labels) == len(group) for labels in alignment.causes.values()), (name, date)


def test_cause_sections_give_the_problem_its_causes_in_order(siblings):
    for article in _named(siblings, SLOW):
        (error,) = article.errors
        assert error.layout in ("cause-sections", "numbered-sections"), article.path
        assert len(error.causes) == 4
        lines = [article.cause(target).line for target in error.causes]
        assert lines == sorted(lines)


def test_english_message_finds_the_translated_row(corpus_dir: Path):
    english = parse_article(corpus_dir / "siblings/en-us/2025-11-12/articles/backup" / VMS)
    italian = parse_article(corpus_dir / "siblings/it-it/2017-10-13/articles/backup" / VMS)
    graph = GuideGraph.from_articles([english, italian])
    rows = [e for e in english.errors if e.layout == "error-table" and italian.error(e.id) is not None]
    assert len(rows) >= 10
    slug = Path(VMS).stem
    for number, row in enumerate(rows):
        message = row.messages[0]
        entry = CatalogEntry(f"TableRow{number}Error", message, slug, row.id, ("Backup",), "platform")
        catalog = Catalog(entries={entry.code: entry})
        found = resolve_guidance(catalog, graph, message + " - please retry", "it-it")
        assert found.status == "found" and found.locale_used == "it-it", message
        assert found.section is italian.error(row.id)
        assert found.section.title != row.title  # the Italian row, not the English one
        match = graph.find_error(row.id, "it-it")
        assert match is not None and match.locale == "it-it" and match.error.line == found.section.line


def test_graph_json_names_the_layout_of_every_error(siblings):
    from loaders.docs.graph_cli import graph_json

    payload = graph_json(siblings)
    layouts = {error["layout"] for article in payload["articles"] for error in article["errors"]}
    assert {"error-table", "section-table", "cause-sections", "numbered-sections", "code-lines"} <= layouts
    assert "" not in layouts
    for article, shown in zip(siblings, payload["articles"], strict=False):
        assert [e["layout"] for e in shown["errors"]] == [e.layout for e in article.errors]
