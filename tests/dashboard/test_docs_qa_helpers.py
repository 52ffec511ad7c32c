"""Docs QA view-model helpers: filters, order, table rows, exports, file excerpts, coverage matrix."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from dashboard.core.i18n import translate
from dashboard.docs_qa import findings as qa
from dashboard.docs_qa.coverage import coverage_matrix, differences
from dashboard.docs_qa.labels import cell_text, locale_label, severity_label
from loaders.docs.graph import GuideGraph, load_graph
from loaders.docs.lint import Finding, lint
from loaders.docs.parse import parse_text

REPO = Path(__file__).resolve().parents[2]
TREE = REPO / "tests" / "data" / "docs_qa" / "tree"


def finding(rule="TS003", severity="warning", path="it-it/a.md", line=1, locale="it-it", message="m",
            alias="step-numbering", **extra) -> Finding:
    return Finding(rule, alias, severity, path, line, None, locale, message, **extra)


@pytest.fixture(scope="module")
def tree_report():
    return lint([TREE], base=TREE)


def test_fixture_tree_findings_are_the_planted_defects(tree_report) -> None:
    found = {(f.rule, f.path, f.line, f.severity) for f in tree_report.findings}
    assert found == {
        ("TS102", "it-it/agent-errors.md", 14, "error"),  # cause 2 missing from the cause list
        ("TS102", "it-it/agent-errors.md", 18, "error"),  # its cause section missing
        ("TS003", "it-it/agent-errors.md", 22, "warning"),  # steps 1, 2, 4
        ("TS108", "de-de/disk-errors.md", 4, "warning"),  # ms.date older than the source
    }


def test_filter_options_list_only_what_occurs() -> None:
    findings = [finding(), finding("TS001", "error", "en-us/b.md", alias="cause-link-target", locale="en-us"),
                finding("TS014", "warning", "notes/c.md", alias="line-endings", locale=None)]
    options = qa.filter_options(findings)
    assert options.severities == ("error", "warning")
    assert options.rules == ("TS001", "TS003", "TS014")
    assert options.rule_aliases["TS001"] == "cause-link-target"
    assert options.locales == (qa.NO_LOCALE, "en-us", "it-it")
    assert options.articles == ("a", "b", "c")


def test_filters_combine_and_empty_means_all(tree_report) -> None:
    findings = tree_report.findings
    assert qa.filter_findings(findings, qa.FindingFilter()) == findings
    warnings = qa.filter_findings(findings, qa.FindingFilter(severities=["warning"]))
    assert {f.rule for f in warnings} == {"TS003", "TS108"}
    italian_warnings = qa.filter_findings(findings, qa.FindingFilter(severities=["warning"], locales=["it-it"]))
    assert [f.rule for f in italian_warnings] == ["TS003"]
    disk = qa.filter_findings(findings, qa.FindingFilter(articles=["disk-errors"]))
    assert [f.path for f in disk] == ["de-de/disk-errors.md"]
    assert qa.filter_findings(findings, qa.FindingFilter(rules=["TS001"])) == []
    unlocated = finding(locale=None)
    assert qa.filter_findings([unlocated], qa.FindingFilter(locales=[qa.NO_LOCALE])) == [unlocated]


def test_sort_orders() -> None:
    findings = [finding("TS003", "warning", "b.md", 5), finding("TS001", "error", "c.md", 1, alias="x"),
                finding("TS008", "info", "a.md", 9, alias="y"), finding("TS003", "warning", "a.md", 2)]
    assert [(f.path, f.line) for f in qa.sort_findings(findings, "severity")] == [
        ("c.md", 1), ("a.md", 2), ("b.md", 5), ("a.md", 9)]
    assert [(f.path, f.line) for f in qa.sort_findings(findings, "file")] == [
        ("a.md", 2), ("a.md", 9), ("b.md", 5), ("c.md", 1)]
    assert [f.rule for f in qa.sort_findings(findings, "rule")] == ["TS001", "TS003", "TS003", "TS008"]


def test_table_rows_and_keys(tree_report) -> None:
    rows = qa.table_rows(tree_report.findings)
    by_rule = {row.rule: row for row in rows}
    step = by_rule["TS003 step-numbering"]
    assert step.location == "it-it/agent-errors.md:22:1" and step.source == ""
    assert "1, 2, 4" in step.message
    outdated = by_rule["TS108 translation-outdated"]
    assert outdated.source == "en-us/disk-errors.md:4"
    keys = [row.key for row in rows]
    assert len(set(keys)) == len(keys)  # the two TS102 findings differ only by line and message
    assert keys == [qa.finding_key(f) for f in tree_report.findings]
    assert qa.rows_digest(keys) == qa.rows_digest(list(keys)) != qa.rows_digest(keys[:1])


def test_exports_hold_exactly_the_findings_shown(tree_report) -> None:
    shown = qa.filter_findings(tree_report.findings, qa.FindingFilter(severities=["error"]))
    report = qa.filtered_report(tree_report, shown)
    assert tree_report.findings != report.findings  # the run's own report is left as it is

    rows = list(csv.DictReader(io.StringIO(qa.export(report, "csv"))))
    assert [(r["rule"], r["path"], r["line"], r["source_path"], r["source_line"]) for r in rows] == [
        ("TS102", "it-it/agent-errors.md", "14", "en-us/agent-errors.md", "15"),
        ("TS102", "it-it/agent-errors.md", "18", "en-us/agent-errors.md", "25"),
    ]
    assert list(rows[0]) == list(qa.CSV_COLUMNS)

    sarif = json.loads(qa.export(report, "sarif"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [14, 18]
    assert all(r["level"] == "error" for r in results)

    data = json.loads(qa.export(report, "json"))
    assert [f["line"] for f in data["findings"]] == [14, 18]
    assert data["summary"]["errors"] == 2 and data["summary"]["warnings"] == 0


def test_excerpt_marks_the_finding_line() -> None:
    lines = qa.excerpt("it-it/agent-errors.md", 22, TREE, context=2)
    assert lines.error is None
    assert lines.first == 20
    text = lines.numbered().splitlines()
    assert text[0].startswith("  20 | 1. ")
    assert [t for t in text if t.startswith(">")] == ["> 22 | 4. Eseguire di nuovo il backup."]
    assert len(text) == 3  # the file ends at line 22: no empty line after the final newline


def test_excerpt_counts_lines_as_the_parser_does(tmp_path) -> None:
    (tmp_path / "a.md").write_bytes(b"\xef\xbb\xbfone\r\ntwo\rthree\nbad \xff byte\nfive\n")
    lines = qa.excerpt("a.md", 4, tmp_path, context=1)
    assert lines.lines == ("three", "bad \ufffd byte", "five")
    assert lines.first == 3
    assert qa.excerpt("a.md", 1, tmp_path, context=0).lines == ("one",)  # BOM removed


def test_excerpt_of_an_unreadable_file_says_why(tmp_path) -> None:
    missing = qa.excerpt("gone.md", 3, tmp_path)
    assert missing.lines == () and missing.error
    absolute = tmp_path / "abs.md"
    absolute.write_text("x\n", encoding="utf-8")
    assert qa.excerpt(str(absolute), 1, REPO).lines == ("x",)


def test_coverage_matrix_of_the_fixture_tree(tree_report) -> None:
    coverage = coverage_matrix(load_graph(TREE, cache=False), "en-us", tree_report.findings)
    assert coverage.locales == ("en-us", "de-de", "it-it")
    status = {(row.article, loc): cell.status for row in coverage.rows for loc, cell in row.cells.items()}
    assert status == {
        ("agent-errors", "en-us"): "source", ("agent-errors", "de-de"): "missing",
        ("agent-errors", "it-it"): "differs",
        ("disk-errors", "en-us"): "source", ("disk-errors", "de-de"): "stale", ("disk-errors", "it-it"): "missing",
    }
    italian = coverage.cell("agent-errors", "it-it")
    assert italian.differences.missing_causes == ("no-outbound-network",)
    assert italian.differences.count == 1 and italian.findings == 3
    german = coverage.cell("disk-errors", "de-de")
    assert german.differences.count == 0 and german.findings == 1
    assert str(german.date) == "2024-01-15" and str(german.source_date) == "2024-05-02"
    assert coverage.counts()["missing"] == 2


def test_coverage_of_the_built_in_articles_is_complete(docs_source_dir) -> None:
    coverage = coverage_matrix(load_graph(docs_source_dir), "en-us")
    assert coverage.locales[0] == "en-us" and len(coverage.locales) == 6
    assert coverage.rows
    for row in coverage.rows:
        assert {cell.status for loc, cell in row.cells.items() if loc != "en-us"} == {"complete"}, row.article


ARTICLE = """---
title: T
ms.date: {date}
---
# T

## <a name="e1"></a>E1

- **Cause 1: [A](#a)**
- **Cause 2: [B](#b)**

## <a name="e2"></a>E2

- **Cause 1: [A](#a)**

## Causes

### <a name="a"></a>A

Text.

### <a name="b"></a>B

Text.
"""


def test_differences_find_reordered_and_extra_ids() -> None:
    source = parse_text(ARTICLE.format(date="05/01/2024"), "en-us/x.md", "en-us")
    reordered = ARTICLE.replace("Cause 1: [A](#a)**\n- **Cause 2: [B](#b)",
                                "Cause 1: [B](#b)**\n- **Cause 2: [A](#a)", 1)
    reordered = reordered.replace("### <a name=\"b\"></a>B",
                                  "### <a name=\"c\"></a>C\n\nMore.\n\n### <a name=\"b\"></a>B")
    translation = parse_text(reordered.format(date="06/01/2024"), "it-it/x.md", "it-it")
    diff = differences(source, translation)
    assert diff.reordered_errors == ("e1",)
    assert diff.extra_causes == ("c",) and diff.missing_causes == () and diff.missing_errors == ()
    assert diff.count == 2
    coverage = coverage_matrix(GuideGraph.from_articles([source, translation]), "en-us")
    assert coverage.cell("x", "it-it").status == "differs"  # newer than the source, but not the same


def test_a_tree_without_source_language_marks_translations_unpaired() -> None:
    only = parse_text(ARTICLE.format(date="05/01/2024"), "it-it/x.md", "it-it")
    coverage = coverage_matrix(GuideGraph.from_articles([only]), "en-us")
    assert not coverage.has_source
    assert coverage.locales == ("it-it",)
    assert coverage.cell("x", "it-it").status == "no-source"


def test_labels_in_the_readers_language(tree_report) -> None:
    coverage = coverage_matrix(load_graph(TREE), "en-us")
    cell = coverage.cell("agent-errors", "it-it")
    assert cell_text(cell, "en-us") == "≠ Differs · 1 difference"
    assert cell_text(cell, "de-de") == "≠ " + translate("Differs", "de-de") + " · " + translate_plural_de(1)
    assert cell_text(coverage.cell("agent-errors", "de-de"), "it-it") == "✗ " + translate("Missing", "it-it")
    assert severity_label("error", "ja-jp") == translate("Error", "ja-jp") != "Error"
    assert severity_label("warning", "en-us", marked=True) == "▲ Warning"
    assert locale_label("it-it", "de-de") == "Italienisch (it-it)"
    assert locale_label(qa.NO_LOCALE, "fr-fr") == translate("No language folder", "fr-fr")


def translate_plural_de(count: int) -> str:
    from dashboard.core.i18n import translate_plural

    return translate_plural("{count} difference", "{count} differences", count, "de-de")
