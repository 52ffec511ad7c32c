"""The report that travels: `python -m loaders jobs report` on the hand-built fleet of
tests/support/fleet_stores.py (`monday_fleet`, answers worked out in tests/jobs/test_fleet_changes.py), in
two languages, as Markdown and as self-contained HTML; the HTML opened offline in Chromium."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from loaders.jobs.report import REPORT_LOCALES
from loaders.jobs.report.labels import catalog_path
from tests.support.fleet_stores import make_monday_store
from tests.support.html_probe import probe
from tests.support.jobs_cli import run_jobs

REPORT_DIR = Path(__file__).resolve().parents[2] / "loaders" / "jobs" / "report"


@pytest.fixture(scope="module")
def monday_db(tmp_path_factory) -> Path:
    # Its latest job starts on Jan 14 at 22:00: the report is read as of Jan 14 23:00, so "7d" is nights 7-13.
    return make_monday_store(tmp_path_factory.mktemp("report") / "fleet.duckdb")


def markdown(db: Path, locale: str, *extra: str) -> str:
    done = run_jobs("report", "--db", str(db), "--since", "7d", "--format", "markdown", "--locale", locale, *extra)
    assert done.returncode == 0, done.stderr
    return done.stdout


def rows(text: str, title: str) -> list[list[str]]:
    """The table under the heading `title` of a Markdown digest."""
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in section.splitlines()
            if line.startswith("|") and not line.startswith("|---")][1:]


def test_markdown_digest_in_english(monday_db) -> None:
    text = markdown(monday_db, "en-us")
    assert text.startswith("# Fleet backup report\n")
    assert "Jan 7, 2026, 11:00:00 PM – Jan 14, 2026, 11:00:00 PM (UTC)" in text
    assert "- Regions: all" in text
    assert rows(text, "Key figures")[0] == ["Jobs", "329", "334"]  # 47 VMs × 7 nights; before, r5-gone too
    assert [r[0] for r in rows(text, "New error codes")] == ["M", "B", "C"]
    assert [r[0] for r in rows(text, "Rising error codes")] == ["A", "R"]
    assert [r[:2] for r in rows(text, "Incidents")] == [["M", "Vault v8 (r6)"], ["R", "Vault v5 (r3)"],
                                                        ["B", "Vault v3 (r2)"], ["A", "Region r1"]]
    assert rows(text, "VMs without any job")[0][:2] == ["r5-gone", "v7"]
    assert text.rstrip().endswith("The charts are in the HTML report.")


def test_markdown_digest_in_italian_with_a_filter(monday_db) -> None:
    text = markdown(monday_db, "it", "--region", "r1")
    assert text.startswith("# Report dei backup della flotta\n")
    assert "14 gen 2026" in text  # Italian medium dates
    assert "- Aree: r1" in text
    assert [r[:2] for r in rows(text, "Incidenti")] == [["A", "Area r1"]]
    assert rows(text, "Dati principali")[0][0] == "Processi"
    assert "_Nessuno._" in text.split("## Codici di errore in calo", 1)[1].split("##", 1)[0]


def test_html_report_is_self_contained(monday_db, tmp_path) -> None:
    out = tmp_path / "report.html"
    done = run_jobs("report", "--db", str(monday_db), "--since", "7d", "--out", str(out), "--locale", "de")
    assert done.returncode == 0, done.stderr
    assert f"written to {out}" in done.stdout
    html = out.read_text(encoding="utf-8")
    page = probe(html)
    assert not [attrs for tag, attrs in page.elements if attrs.get("src") or attrs.get("href")]  # nothing to fetch
    assert len(re.findall(r'<div id="chart-\d"', html)) == 3
    assert "Sicherungsbericht der Flotte" in html and 'lang="de"' in html
    assert html.count("plotly.js v") >= 1  # the bundle itself, inline


def test_report_rejects_what_it_cannot_do(monday_db, tmp_path) -> None:
    assert run_jobs("report", "--db", str(monday_db), "--locale", "xx").returncode == 2
    bad = run_jobs("report", "--db", str(monday_db), "--since", "week")
    assert bad.returncode == 2 and "7d or 48h" in bad.stderr
    missing = run_jobs("report", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "no store at" in missing.stdout


def test_every_report_message_is_translated() -> None:
    ids = {m for _f, _l, m, _c, _x in extract_from_dir(str(REPORT_DIR), keywords={"T_": None})}
    assert len(ids) > 40
    for locale in REPORT_LOCALES:
        with catalog_path(locale).open("rb") as handle:
            catalog = read_po(handle)
        untranslated = sorted(i for i in ids if catalog.get(i) is None or not catalog.get(i).string)
        assert not untranslated, (locale, untranslated)
