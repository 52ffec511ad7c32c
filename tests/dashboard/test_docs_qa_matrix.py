"""The articles × languages matrix, from parsed articles and real lint findings."""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.docs_qa import grid
from dashboard.docs_qa.labels import matrix_cell_style, matrix_cell_text
from dashboard.docs_qa.matrix import build_matrix, cell_findings, vintage_label
from loaders.docs.graph import load_graph
from loaders.docs.lint import lint, load_config

REPO = Path(__file__).resolve().parents[2]
TREE = REPO / "tests" / "data" / "docs_qa" / "tree"
SLUG = "backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout"


def header(date: str, extra: str = "") -> str:
    return f"---\ntitle: Backup\ndescription: Causes and fixes.\nms.date: {date}\n{extra}---\n\n"


def matrix_of(root: Path):
    report = lint([root], config=load_config(start=root), base=root)
    return build_matrix(load_graph(root, cache=False).articles(), report.findings, root), report


def test_fixture_tree_cells_count_findings_and_mark_missing_and_stale():
    matrix, report = matrix_of(TREE)
    assert matrix.locales == ("en-us", "de-de", "it-it")
    assert matrix.articles == ("agent-errors", "disk-errors")
    italian = matrix.cell("agent-errors", "it-it")
    assert italian.state == "current" and italian.tone == "error"
    assert dict(italian.shown.counts) == {"error": 2, "warning": 1, "info": 0}
    assert matrix.cell("agent-errors", "de-de").state == "missing"
    assert matrix.cell("agent-errors", "de-de").tone == "missing"
    german = matrix.cell("disk-errors", "de-de")
    assert german.state == "stale" and german.stale_reason == "date" and german.tone == "warning"
    assert matrix.cell("disk-errors", "en-us").state == "source" and matrix.cell("disk-errors", "en-us").tone == "clean"
    assert [f.rule for f in cell_findings(report.findings, italian)] == ["TS102", "TS102", "TS003"]
    # every finding of the run is in exactly one cell
    assert sum(c.shown.total for c in matrix.cells.values() if c.shown) == len(report.findings)


def test_grid_texts_and_styles_follow_the_cells():
    matrix, _ = matrix_of(TREE)
    texts = grid.matrix_table(matrix, "en-us")
    styles = grid.matrix_styles(matrix)
    assert texts.shape == styles.shape == (2, 3)
    assert texts.loc["agent-errors", "it-it"] == "✖ 2 ▲ 1"
    assert "#f4c7c3" in styles.loc["agent-errors", "it-it"]  # the error colour
    assert "bold" in styles.loc["disk-errors", "de-de"]  # stale stands out
    assert grid.picked_cell(matrix, [(1, "de-de")]) == ("disk-errors", "de-de")
    assert grid.picked_cell(matrix, [(7, "de-de")]) is None and grid.picked_cell(matrix, [(0, "article")]) is None


def test_vintage_folders_machine_translation_and_source_commit(tmp_path: Path):
    body = "# Backup\n\nRestart the agent.\n"
    files = {
        "en-us/2024-01-01/a/guide.md": header("01/01/2024", "ms.sourcegitcommit: aaa\n") + body,
        "en-us/2024-06-01/a/guide.md": header("06/01/2024", "ms.sourcegitcommit: bbb\n") + body,
        "it-it/2024-01-05/a/guide.md": header("06/01/2024", "ms.sourcegitcommit: aaa\nms.translationtype: MT\n")
        + "# Backup\n\nRiavviare l'agente.\n",
        "it-it/2024-07-01/a/guide.md": header("06/01/2024", "ms.sourcegitcommit: bbb\nms.translationtype: HT\n")
        + "# Backup\n\nRiavviare l'agente.\n",
        "de-de/2024-02-01/a/guide.md": header("06/01/2024", "ms.translationtype: MT\n")
        + "# Sicherung\n\nDen Agent neu starten.\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    matrix, _ = matrix_of(tmp_path)
    italian = matrix.cell("guide", "it-it")
    assert [v.label for v in italian.vintages] == ["2024-07-01", "2024-01-05"]  # newest first
    assert italian.shown.label == "2024-07-01" and italian.state == "current" and not italian.machine_translated
    older = italian.pick("2024-01-05")
    assert older.machine_translated and older.state == "stale" and older.stale_reason == "commit"
    assert italian.pick("1999-01-01") == italian
    german = matrix.cell("guide", "de-de")
    assert german.machine_translated and german.state == "current"  # no commit to compare with
    assert matrix_cell_text(german, "en-us").endswith("· MT")
    assert "bold" in matrix_cell_style(german)
    assert matrix.cell("guide", "en-us").shown.label == "2024-06-01"


def test_vintage_label_reads_the_date_folder_else_the_date():
    import datetime as dt

    assert vintage_label("cs-cz/2017-10-09/articles/x.md", "cs-cz", dt.date(2017, 8, 17)) == "2017-10-09"
    assert vintage_label("cs-cz/articles/x.md", "cs-cz", dt.date(2017, 8, 17)) == "2017-08-17"
    assert vintage_label("x.md", "cs-cz", None) == ""


@pytest.mark.corpus
def test_corpus_articles_matrix(corpus_dir):
    root = corpus_dir / "articles"
    matrix, report = matrix_of(root)
    assert matrix.articles == (SLUG,)
    locales = sorted(p.name for p in root.iterdir() if p.is_dir())
    assert sorted(matrix.locales) == locales and matrix.locales[0] == "en-us"
    for locale in locales:
        folders = sorted(p.name for p in (root / locale).iterdir() if p.is_dir())
        cell = matrix.cell(SLUG, locale)
        assert cell.shown.label == folders[-1], locale  # the newest vintage stands for the locale
        assert sorted(v.label for v in cell.vintages) == folders
    czech = matrix.cell(SLUG, "cs-cz").pick("2017-10-09")
    broken = [f for f in cell_findings(report.findings, czech) if f.alias == "cause-link-target"]
    assert len(broken) == 5 and all(len(f.locations) > 1 for f in broken)
    # machine translations are read from the files' own ms.translationtype
    text = (root / "cs-cz" / "2017-10-09" / "articles" / "backup" / f"{SLUG}.md").read_text(encoding="utf-8")
    assert czech.machine_translated == ("ms.translationtype: MT" in text)
    assert matrix.cell(SLUG, "en-us").state == "source"
    assert all(matrix.cell(SLUG, loc).state == "stale" for loc in locales if loc != "en-us")
