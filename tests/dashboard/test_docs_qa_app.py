"""The Docs QA page in the real app, through Streamlit's AppTest (dashboard/app.py, ?page=docs-qa)."""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.core.i18n import translate
from dashboard.core.render import escape_markdown
from dashboard.docs_qa.findings import SORT_ORDERS
from dashboard.docs_qa.labels import locale_label
from loaders.docs.load import parse_article

REPO = Path(__file__).resolve().parents[2]
TREE = REPO / "tests" / "data" / "docs_qa" / "tree"
TABLE_PREFIX = "docs_qa_table_"


def open_page(run_app, docs: Path | None, **query: str):
    return run_app(docs, page="docs-qa", **query)


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def findings_table(app):
    tables = [frame for frame in app.dataframe if (frame.key or "").startswith(TABLE_PREFIX)]
    assert len(tables) == 1, [frame.key for frame in app.dataframe]
    return tables[0]


def matrix_frame(app):
    frames = [frame for frame in app.dataframe if (frame.key or "").startswith("docs_qa_matrix_")]
    assert len(frames) == 1, [frame.key for frame in app.dataframe]
    return frames[0]


def matrix_table(app):
    return matrix_frame(app).value


def cell_findings(app):
    return next(frame.value for frame in app.dataframe if "places" in frame.value.columns)


def click_cell(app, article: str, locale: str):
    """What a click on a matrix cell does: Streamlit stores the cell under the grid's key."""
    frame = matrix_frame(app)
    row = list(frame.value.index).index(article)
    app.session_state[frame.key] = {"selection": {"rows": [], "columns": [], "cells": [[row, locale]]}}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def multiselect(app, state_key: str):
    found = [box for box in app.multiselect if (box.key or "").startswith(state_key + "__")]
    assert len(found) == 1, [box.key for box in app.multiselect]
    return found[0]


def select_row(app, row: int):
    """What a click on a table row does: Streamlit stores the selection under the table's key."""
    app.session_state[findings_table(app).key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_fixture_tree_shows_findings_coverage_and_rules(run_app) -> None:
    app = open_page(run_app, TREE)
    assert app.title[0].value == "Docs QA"
    assert metrics(app) == {"Files": "4", "Errors": "2", "Warnings": "2", "Info": "0"}
    assert any("fails" in e.value for e in app.error)  # the CI verdict: error findings fail the run

    table = findings_table(app).value
    assert list(table.columns) == ["rule", "severity", "location", "places", "locale", "message", "source"]
    assert list(table.places) == [1, 1, 1, 1]
    rows = table.to_dict("records")
    # Errors first, then by file and line.
    assert [(r["rule"], r["location"], r["source"]) for r in rows] == [
        ("TS102 cause-mismatch", "it-it/agent-errors.md:14", "en-us/agent-errors.md:15"),
        ("TS102 cause-mismatch", "it-it/agent-errors.md:18", "en-us/agent-errors.md:25"),
        ("TS108 translation-outdated", "de-de/disk-errors.md:4:1", "en-us/disk-errors.md:4"),
        ("TS003 step-numbering", "it-it/agent-errors.md:22:1", ""),
    ]
    assert "numbering goes 1, 2, 4" in rows[3]["message"]
    assert [r["severity"] for r in rows] == ["✖ Error", "✖ Error", "▲ Warning", "▲ Warning"]

    matrix = matrix_table(app)
    assert list(matrix.columns) == ["en-us", "de-de", "it-it"]
    assert matrix.loc["agent-errors", "it-it"] == "✖ 2 ▲ 1"
    assert matrix.loc["agent-errors", "de-de"] == "✗ Missing"
    assert matrix.loc["disk-errors", "de-de"] == "▲ 1 · ↺"
    assert matrix.loc["disk-errors", "en-us"] == "✓"

    details = next(frame for frame in app.dataframe if "missing_causes" in frame.value.columns).value
    italian = details[(details.article == "agent-errors") & (details.locale == "it-it")].iloc[0]
    assert italian.missing_causes == "no-outbound-network" and italian.findings == 3

    rules = next(frame for frame in app.dataframe if "description" in frame.value.columns).value
    step_rule = rules[rules.id == "TS003"].iloc[0]
    assert step_rule.alias == "step-numbering" and step_rule.severity == "Warning" and step_rule.description


def test_clicking_a_finding_shows_its_lines(run_app) -> None:
    app = open_page(run_app, TREE)
    assert not app.code  # nothing selected yet
    select_row(app, 3)  # the step gap
    excerpt = app.code[0].value
    assert "> 22 | 4. Eseguire di nuovo il backup." in excerpt
    assert "  21 | 2. Riavviare il servizio" in excerpt
    assert app.code[0].language in (None, "", "plaintext")

    select_row(app, 1)  # a translation finding: the translation's lines, then the source's
    translated, source = app.code[0].value, app.code[1].value
    assert "> 18 | ### <a name=\"agent-service-stopped\"></a>Il servizio" in translated
    assert "> 25 | ### <a name=\"no-outbound-network\"></a>The VM has no outbound network" in source
    captions = [c.value for c in app.caption]
    assert "File: " + escape_markdown("it-it/agent-errors.md:18") in captions
    assert "Source: " + escape_markdown("en-us/agent-errors.md:25") in captions


def test_filters_narrow_the_table_and_survive_a_language_switch(run_app) -> None:
    app = open_page(run_app, TREE)
    multiselect(app, "docs_qa_severities").set_value(["warning"]).run()
    assert [r["rule"] for r in findings_table(app).value.to_dict("records")] == [
        "TS108 translation-outdated", "TS003 step-numbering"]
    app.multiselect(key="docs_qa_articles__field").set_value(["agent-errors"]).run()
    assert [r["rule"] for r in findings_table(app).value.to_dict("records")] == ["TS003 step-numbering"]

    app.selectbox(key="ui_locale_picker").set_value("it-it").run()
    assert not app.exception
    assert app.title[0].value == translate("Docs QA", "it-it") != "Docs QA"
    rows = findings_table(app).value.to_dict("records")
    assert [r["rule"] for r in rows] == ["TS003 step-numbering"]
    assert rows[0]["severity"] == "▲ " + translate("Warning", "it-it")
    assert multiselect(app, "docs_qa_severities").value == ["warning"]
    assert multiselect(app, "docs_qa_severities").label == translate("Severity", "it-it")
    # The matrix follows the filters too: one article, its warnings only.
    assert list(matrix_table(app).index) == ["agent-errors"]
    assert matrix_table(app).loc["agent-errors", "it-it"] == "▲ 1"
    assert matrix_frame(app).value.loc["agent-errors", "de-de"] == "✗ " + translate("Missing", "it-it")


def test_filters_shape_the_matrix_cells_and_the_labelled_downloads(run_app) -> None:
    app = open_page(run_app, TREE)
    app.multiselect(key="docs_qa_rules__field").set_value(["TS102"]).run()
    matrix = matrix_table(app)
    assert list(matrix.columns) == ["en-us", "de-de", "it-it"]
    assert matrix.loc["agent-errors", "it-it"] == "✖ 2"  # the step-numbering warning is filtered out
    assert matrix.loc["disk-errors", "de-de"] == "✓ · ↺"  # still stale, its TS108 warning filtered out
    click_cell(app, "agent-errors", "it-it")
    assert set(cell_findings(app).rule) == {"TS102 cause-mismatch"}
    details = next(frame for frame in app.dataframe if "missing_causes" in frame.value.columns).value
    assert details[(details.article == "agent-errors") & (details.locale == "it-it")].iloc[0].findings == 2

    multiselect(app, "docs_qa_locales").set_value(["it-it"]).run()
    assert list(matrix_table(app).columns) == ["it-it"]
    assert list(matrix_table(app).index) == ["agent-errors", "disk-errors"]
    assert matrix_table(app).loc["disk-errors", "it-it"] == "✗ Missing"

    labels = [d.proto.label for d in app.get("download_button")]
    assert labels == ["Download CSV", "Download SARIF", "Download JSON",
                      "Download filtered CSV", "Download filtered SARIF", "Download filtered JSON"]
    helps = [d.proto.help for d in app.get("download_button")]
    assert "`python -m loaders lint . --format csv`" in helps[0]
    assert "`python -m loaders lint . --format csv --rule TS102 --locale it-it`" in helps[3]

    # the clicked cell (agent-errors, it-it) leaves the matrix: the drill-down does not point at it
    app.multiselect(key="docs_qa_articles__field").set_value(["disk-errors"]).run()
    assert not app.exception
    assert list(matrix_table(app).index) == ["disk-errors"]  # no TS102 finding in it: the table is empty
    assert len(findings_table(app).value) == 0
    assert app.selectbox(key="docs_qa_cell_article__en-us").value != "agent-errors"


def test_filters_offer_no_english_only_select_all(run_app) -> None:
    app = open_page(run_app, TREE, lang="it-it")
    assert len(app.multiselect) == 4
    for box in app.multiselect:
        assert box.proto.HasField("select_all") and box.proto.select_all == 0, box.label
    # The sort order always has a value: no button to clear it.
    assert sort_box(app).proto.HasField("default") and sort_box(app).value == SORT_ORDERS[0]
    sort_box(app).set_value(SORT_ORDERS[1]).run()
    assert not app.exception and sort_box(app).value == SORT_ORDERS[1]


def sort_box(app):
    return next(box for box in app.selectbox if (box.key or "").startswith("docs_qa_sort__"))


def test_filters_survive_a_page_switch(run_app) -> None:
    app = open_page(run_app, TREE)
    app.multiselect(key="docs_qa_rules__field").set_value(["TS102"]).run()
    assert len(findings_table(app).value) == 2
    app.switch_page("guide/page.py").run()
    assert not app.exception
    app.switch_page("docs_qa/page.py").run()
    assert not app.exception
    assert app.multiselect(key="docs_qa_rules__field").value == ["TS102"]
    assert len(findings_table(app).value) == 2


def test_built_in_articles_have_no_error_findings(run_app) -> None:
    app = open_page(run_app, None)
    assert int(metrics(app)["Files"]) >= 12
    assert metrics(app)["Errors"] == "0"
    assert any("passes" in s.value for s in app.success)
    matrix = matrix_table(app)
    assert list(matrix.columns) == ["en-us", "de-de", "es-es", "fr-fr", "it-it", "ja-jp"]
    assert set(matrix.to_numpy().ravel()) == {"✓"}  # no findings, nothing missing, nothing stale


@pytest.mark.corpus
def test_corpus_locale_folder_shows_the_real_step_gap(run_app, corpus_dir) -> None:
    folder = corpus_dir / "articles" / "it-it"
    article_path = folder / "2017-10-05" / "articles" / "backup" / \
        "backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout.md"
    # Where the gap is, read from the file itself: the first step of a numbered list whose number
    # is not the previous one plus one.
    article = parse_article(article_path)
    gaps = [(block, step) for cause in article.causes for block in cause.blocks if block.kind == "steps"
            for previous, step in zip(block.steps, block.steps[1:], strict=False)
            if previous.number is not None and step.number is not None and step.number != previous.number + 1]
    assert len(gaps) == 1, "the it-it 2017-10-05 article no longer has exactly one step gap"
    block, step = gaps[0]
    numbers = [s.number for s in block.steps]
    assert numbers[:3] == [1, 2, 4] and step.number == 4

    app = open_page(run_app, folder)
    rows = findings_table(app).value.to_dict("records")
    shown = "2017-10-05/articles/backup/backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout.md"
    step_rows = [r for r in rows if r["rule"] == "TS003 step-numbering" and r["location"].startswith(shown + ":")]
    assert len(step_rows) == 1
    assert step_rows[0]["location"] == f"{shown}:{step.line}:1"
    assert "numbering goes " + ", ".join(map(str, numbers)) in step_rows[0]["message"]
    assert step_rows[0]["locale"] == "it-it"
    # No en-us articles in a single-locale folder: the page says translations cannot be compared.
    expected = translate("This folder has no {language} articles, so translations cannot be compared.", "en-us",
                         language=locale_label("en-us", "en-us"))
    assert expected in [i.value for i in app.info]
    assert list(matrix_table(app).columns) == ["it-it"]

    select_row(app, rows.index(step_rows[0]))
    assert f"> {step.line} | 4. " in app.code[0].value


def test_unusable_configuration_and_bad_files_are_reported_not_raised(run_app, tmp_path) -> None:
    docs = tmp_path / "docs"
    (docs / "en-us").mkdir(parents=True)
    (docs / "en-us" / "binary.md").write_bytes(b"\x00\xff\xfe garbage \x89PNG\r\n\x1a\n")
    (docs / "en-us" / "empty.md").write_bytes(b"")
    app = open_page(run_app, docs)
    rows = findings_table(app).value.to_dict("records")
    assert {r["location"].split(":")[0] for r in rows} >= {"en-us/binary.md"}
    assert metrics(app)["Files"] == "2"

    (docs / "pyproject.toml").write_text('[tool.backup-triage.lint]\nsource-locale = "english"\n', encoding="utf-8")
    app = open_page(run_app, docs)
    assert not app.dataframe
    assert any("source-locale" in e.value and "english" in e.value for e in app.error), [e.value for e in app.error]


def test_missing_folder_says_so(run_app, tmp_path) -> None:
    app = open_page(run_app, tmp_path / "nowhere")
    assert not app.dataframe
    assert "does not exist" in app.error[0].value


def test_clicking_a_matrix_cell_lists_its_findings_with_lines_and_source(run_app) -> None:
    app = open_page(run_app, TREE)
    assert not app.code
    click_cell(app, "agent-errors", "it-it")
    assert app.selectbox(key="docs_qa_cell_article__en-us").value == "agent-errors"
    assert app.selectbox(key="docs_qa_cell_locale__en-us").value == "it-it"
    cell = cell_findings(app)
    assert [(r["rule"], r["line"]) for r in cell.to_dict("records")] == [
        ("TS102 cause-mismatch", 14), ("TS102 cause-mismatch", 18), ("TS003 step-numbering", 22)]
    codes = [c.value for c in app.code]
    # each translation finding: its own lines, then the source's beside them
    assert "> 14 | - **Causa 1: [Il servizio" in codes[0]
    assert "> 15 | - **Cause 2: [The VM has no outbound network]" in codes[1]
    assert "> 22 | 4. Eseguire di nuovo il backup." in codes[4]
    captions = [c.value for c in app.caption]
    assert "Source: " + escape_markdown("en-us/agent-errors.md:15") in captions

    # choosing another language in the box moves the drill-down although the grid still holds the click
    app.selectbox(key="docs_qa_cell_locale__en-us").set_value("de-de").run()
    assert not app.exception
    assert any("has no" in w.value and "de-de" in w.value for w in app.warning)


def test_a_missing_translation_and_a_clean_cell_say_so(run_app) -> None:
    app = click_cell(open_page(run_app, TREE), "disk-errors", "en-us")
    assert [s.value for s in app.success if "No findings in this version" in s.value]


@pytest.mark.corpus
def test_corpus_matrix_shows_newest_vintages_and_reaches_the_broken_cause_links(run_app, corpus_dir) -> None:
    app = open_page(run_app, corpus_dir / "articles")
    matrix = matrix_table(app)
    slug = "backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout"
    assert list(matrix.index) == [slug]  # one article, whatever its vintages
    assert matrix.columns[0] == "en-us" and len(matrix.columns) == 15
    czech = matrix.loc[slug, "cs-cz"]
    assert "MT" in czech and "↺" in czech and "(4)" in czech  # machine translated, stale, 4 vintages

    click_cell(app, slug, "cs-cz")
    versions = app.radio[0]
    assert versions.options[0].startswith("2018-01-29") and len(versions.options) == 4
    versions.set_value("2017-10-09").run()
    assert not app.exception
    cell = cell_findings(app)
    broken = cell[cell.rule == "TS001 cause-link-target"]
    assert len(broken) == 5 and set(broken.places) == {4, 5}  # each target links from several places
    # every place of every broken target is shown as code
    places = [c.value for c in app.caption if "(place " in c.value]
    assert len(places) == int(broken.places.sum())


def test_check_again_reads_files_whose_change_the_folder_does_not_show(run_app, tmp_path) -> None:
    import os
    import shutil

    docs = tmp_path / "tree"
    shutil.copytree(TREE, docs)
    app = open_page(run_app, docs)
    assert metrics(app)["Warnings"] == "2"
    # the step gap fixed with the same size and modification time: a plain rerun keeps the report
    article = docs / "it-it" / "agent-errors.md"
    stat = article.stat()
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("4. Eseguire di nuovo", "3. Eseguire di nuovo"), encoding="utf-8")
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    app.run()
    assert metrics(app)["Warnings"] == "2"
    app.button(key="docs_qa_rerun").click().run()
    assert not app.exception
    assert metrics(app)["Warnings"] == "1"
    downloads = app.get("download_button")
    assert [d.proto.label for d in downloads] == ["Download CSV", "Download SARIF", "Download JSON"]


def structure_frame(app):
    return next(frame.value for frame in app.dataframe if "difference" in frame.value.columns)


def test_structure_side_by_side_of_the_clicked_cell(run_app) -> None:
    app = click_cell(open_page(run_app, TREE), "agent-errors", "it-it")
    assert app.selectbox(key="docs_qa_compare_locale__en-us").value == "en-us"
    only = structure_frame(app)  # only the differences, to begin with
    assert only.to_dict("records") == [{
        "item": "    Cause · no-outbound-network", "left": "The VM has no outbound network", "left_line": 15,
        "right": "", "right_line": None, "difference": "✗ Missing"}]
    app.toggle(key="docs_qa_only_differences").set_value(False).run()
    every = structure_frame(app)
    assert list(every["item"])[:2] == ["Error · agentdownerror", "    Cause · agent-service-stopped"]
    assert "Restart-Service -Name SampleGuestAgent" in list(every["left"])
    app.selectbox(key="docs_qa_compare_locale__en-us").set_value("de-de").run()
    assert any("No version of this article" in i.value for i in app.info)


@pytest.mark.corpus
def test_corpus_bench_tree_checks_and_draws_its_matrix(run_app, corpus_dir) -> None:
    folder = corpus_dir / "bench"
    app = open_page(run_app, folder)
    matrix = matrix_table(app)
    articles = {p.stem for p in folder.rglob("*.md") if "includes" not in p.parts}
    assert set(matrix.index) >= articles
    assert set(matrix.columns) == {p.name for p in folder.iterdir() if p.is_dir()}
    assert int(metrics(app)["Files"].replace(",", "")) == len(list(folder.rglob("*.md")))
    table = findings_table(app).value
    assert table.places.max() > 1  # some finding there concerns several lines, and says so


def test_matrix_and_side_by_side_speak_italian(run_app) -> None:
    app = click_cell(open_page(run_app, TREE, lang="it-it"), "agent-errors", "it-it")
    headers = [h.value for h in app.header] + [h.value for h in app.subheader]
    for english in ("Articles × languages", "Findings of one article in one language", "Structure side by side"):
        assert translate(english, "it-it") in headers and translate(english, "it-it") != english
    assert matrix_table(app).loc["agent-errors", "de-de"] == "✗ " + translate("Missing", "it-it")
