"""The Data page in the real app through AppTest: store status, sample, uploads, rejected records, sync."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import store_actions, widgets
from dashboard.core.formatting import format_integer, format_megabytes
from dashboard.core.i18n import translate, translate_plural
from loaders.jobs.store import DB_ENV_VAR, open_store
from tests.support.apps import started_app
from tests.support.fleet_stores import make_sample_store

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
JOBS_DATA = Path(__file__).resolve().parents[1] / "data" / "jobs"
UPLOAD_KEY = "data.upload"


@pytest.fixture
def open_data(monkeypatch) -> Callable[..., AppTest]:
    def run(db: Path, **query: str) -> AppTest:
        monkeypatch.setenv(DB_ENV_VAR, str(db))
        return started_app({"page": "data", **query})

    return run


def tiles(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def subheaders(app: AppTest) -> list[str]:
    return [s.value for s in app.subheader]


def test_store_status_is_shown_in_the_reader_language(open_data, tmp_path) -> None:
    db = make_sample_store(tmp_path / "fleet.duckdb", vms=20, days=5)
    with open_store(db, read_only=True) as store:
        jobs = store.job_count()
    app = open_data(db, lang="es-es")
    assert app.title[0].value == translate("Data", "es-es")
    assert tiles(app)[translate("Jobs", "es-es")] == format_integer(jobs, "es-es")
    text = " ".join(m.value for m in app.markdown).replace("\\", "")
    assert translate("Last sync: {time}", "es-es", time=translate("never", "es-es")) in text
    assert translate("Store: {path}", "es-es", path=str(db)) in text
    sources = f"{translate('sample fleet', 'es-es')} ({format_integer(jobs, 'es-es')})"
    assert translate("Sources: {sources}", "es-es", sources=sources) in text
    assert translate("Rejected records", "es-es") in subheaders(app)


def test_generating_the_sample_shows_what_was_made(open_data, tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    app = open_data(db)
    assert tiles(app)["Jobs"] == "0"
    app.number_input[0].set_value(25)
    app.number_input[1].set_value(4)
    app.button[0].click().run()  # the form's submit button
    assert not app.exception
    with open_store(db, read_only=True) as store:
        jobs = store.job_count()
    assert jobs > 0
    success = " ".join(s.value for s in app.success)
    assert f"{format_integer(jobs, 'en-us')} jobs" in success and "25 VMs over 4 days" in success
    assert tiles(app)["Jobs"] == format_integer(jobs, "en-us")


def test_uploaded_files_are_imported_with_per_file_counts_and_rejected_records(open_data, tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    app = open_data(db)
    uploader = app.get("file_uploader")[0]
    names = ["la-bad-rows.csv", "az-cli-list.json"]
    files = [(name, (JOBS_DATA / name).read_bytes(), "application/octet-stream") for name in names]
    junk = ("junk.csv", b"foo,bar,baz\n1,2\n", "text/csv")  # no job export at all: rejected as a whole
    uploader.set_value([*files, junk])
    app.run()
    import_button = next(b for b in app.button if b.label == "Import")
    import_button.click().run()
    assert not app.exception
    table = next(frame.value for frame in app.dataframe if "inserted" in frame.value.columns)
    assert list(table["file"]) == [*names, "junk.csv"]
    for _, row in table.iloc[:2].iterrows():
        counts = json.loads((JOBS_DATA / row["file"].rsplit(".", 1)[0]).with_suffix(".expected.json").read_text())
        assert {k: row[k] for k in counts["counts"]} == counts["counts"]
    junk_row = table.iloc[2]
    assert junk_row["read"] == 0 and junk_row["format"] == "not recognised" and junk_row["problem"]
    assert table.iloc[1]["problem"] == ""  # a clean file: an empty cell, not "None"
    rejected = next(frame.value for frame in app.dataframe if "reason" in frame.value.columns)
    assert len(rejected) == int(table["quarantined"].sum()) + 1 > 1
    assert set(rejected["location"].str.split(":").str[0]) == {"la-bad-rows.csv", "junk.csv"}
    assert all(reason for reason in rejected["reason"])
    assert app.warning  # a file had problems: said so, not hidden
    # The store summary at the top counts what was just imported.
    with open_store(db, read_only=True) as store:
        assert tiles(app)["Jobs"] == format_integer(store.job_count(), "en-us") != "0"
        assert tiles(app)["Rejected records"] == format_integer(store.quarantine_count(), "en-us")
    assert any(m.value.startswith("**3 files read**") for m in app.markdown)


def test_the_sync_section_is_offered(open_data, tmp_path) -> None:
    app = open_data(tmp_path / "fleet.duckdb")
    assert "Sync from Azure" in subheaders(app)
    assert [b for b in app.button if b.label == "Sync now"]


def test_a_sync_needs_a_scope(open_data, tmp_path) -> None:
    app = open_data(tmp_path / "fleet.duckdb")
    next(b for b in app.button if b.label == "Sync now").click().run()
    assert "Enter at least one subscription or vault." in [w.value for w in app.warning]


def test_the_uploader_words_are_drawn_in_the_reader_language(open_data, tmp_path) -> None:
    app = open_data(tmp_path / "fleet.duckdb", lang="fr-fr")
    styles = " ".join(element.proto.body for element in app.get("html"))
    assert widgets.key_class(UPLOAD_KEY) in styles
    for text in (translate("Choose files", "fr-fr"), translate("Drop the files here", "fr-fr"),
                 translate("or drag them here · up to {size} per file", "fr-fr", size=format_megabytes(200, "fr-fr"))):
        assert widgets.css_string(text) in styles
    assert format_megabytes(200, "fr-fr").endswith("Mo")  # the unit in French


def button(app: AppTest, label: str):
    found = [b for b in app.button if b.label == label]
    return found[0] if found else None


def sample_and_import(db: Path) -> dict[str, int]:
    make_sample_store(db, vms=20, days=5)
    store_actions.import_uploads([store_actions.Upload(name, (JOBS_DATA / name).read_bytes())
                                 for name in ("la-bad-rows.csv", "az-cli-list.json")], db)
    with open_store(db, read_only=True) as store:
        return store.info().sources


def test_deleting_asks_first_and_a_cancel_deletes_nothing(open_data, tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    sources = sample_and_import(db)
    app = open_data(db, lang="de-de")
    remove = button(app, translate("Remove the sample fleet", "de-de"))
    assert remove is not None and button(app, translate("Clear the store", "de-de")) is not None
    remove.click().run()
    sample = format_integer(sources["sample"], "de-de")
    yes = translate_plural("Yes, delete {jobs} job", "Yes, delete {jobs} jobs", sources["sample"], "de-de",
                           jobs=sample)
    assert button(app, yes) is not None
    assert any(sample in w.value for w in app.warning)
    button(app, translate("Cancel", "de-de")).click().run()
    assert button(app, yes) is None
    with open_store(db, read_only=True) as store:
        assert store.info().sources == sources  # nothing deleted
    button(app, translate("Clear the store", "de-de")).click().run()
    assert button(app, translate("Yes, empty the store", "de-de")) is not None
    button(app, translate("Cancel", "de-de")).click().run()
    with open_store(db, read_only=True) as store:
        assert store.info().sources == sources


def test_no_sample_no_remove_button(open_data, tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    upload = store_actions.Upload("az-cli-list.json", (JOBS_DATA / "az-cli-list.json").read_bytes())
    store_actions.import_uploads([upload], db)
    app = open_data(db)
    assert button(app, "Remove the sample fleet") is None
    assert button(app, "Clear the store") is not None
    empty = open_data(tmp_path / "empty.duckdb")
    assert button(empty, "Remove the sample fleet") is None and button(empty, "Clear the store") is None


def test_removing_the_sample_fleet_keeps_the_imported_jobs(open_data, tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    sources = sample_and_import(db)
    app = open_data(db)
    button(app, "Remove the sample fleet").click().run()
    button(app, f"Yes, delete {format_integer(sources['sample'], 'en-us')} jobs").click().run()
    assert not app.exception
    assert f"Sample fleet removed: {format_integer(sources['sample'], 'en-us')} jobs deleted." in \
        [s.value for s in app.success]
    imported = sum(count for name, count in sources.items() if name != "sample")
    assert tiles(app)["Jobs"] == format_integer(imported, "en-us")
    assert button(app, "Remove the sample fleet") is None  # no sample left


def test_clearing_the_store_empties_it_for_good(open_data, tmp_path, monkeypatch) -> None:
    db = tmp_path / "fleet.duckdb"
    sources = sample_and_import(db)
    with open_store(db, read_only=True) as store:
        rejected = store.quarantine_count()
    app = open_data(db)
    button(app, "Clear the store").click().run()
    button(app, "Yes, empty the store").click().run()
    assert not app.exception
    jobs = format_integer(sum(sources.values()), "en-us")
    assert any(s.value.startswith(f"The store is empty: {jobs} jobs, {format_integer(rejected, 'en-us')} rejected")
               for s in app.success)
    assert tiles(app)["Jobs"] == "0" and tiles(app)["Rejected records"] == "0"
    # The Fleet page says the store is empty instead of filling it with the sample again.
    fleet = AppTest.from_file(str(APP), default_timeout=120)
    fleet.query_params["page"] = "fleet"
    fleet.run()
    assert not fleet.exception and fleet.warning and not fleet.metric
    with open_store(db, read_only=True) as store:
        assert store.job_count() == 0
