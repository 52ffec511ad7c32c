"""What the Data page does to the store, without Streamlit: sample, uploads, quarantine, sync discovery."""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path

import pytest

from dashboard.core import fleet_store, store_actions
from loaders.jobs.importers import import_files
from loaders.jobs.sample import SAMPLE_SOURCE
from loaders.jobs.store import StoreError, open_store

JOBS_DATA = Path(__file__).resolve().parents[1] / "data" / "jobs"
NOW = dt.datetime(2026, 3, 2, 14)


def expected_counts(name: str) -> dict[str, int]:
    """The counts the importers' own fixture expects for the file `name`."""
    return json.loads((JOBS_DATA / name.rsplit(".", 1)[0]).with_suffix(".expected.json").read_text())["counts"]


def upload(name: str, as_name: str | None = None) -> store_actions.Upload:
    return store_actions.Upload(as_name or name, (JOBS_DATA / name).read_bytes())


def test_uploads_import_like_files_and_keep_their_names(tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    seen: list[tuple[float, str]] = []
    reports = store_actions.import_uploads([upload("la-bad-rows.csv"), upload("az-cli-list.json")], db,
                                          progress=lambda fraction, name: seen.append((fraction, name)))
    assert [r.path for r in reports] == ["la-bad-rows.csv", "az-cli-list.json"]
    assert seen == [(0.5, "la-bad-rows.csv"), (1.0, "az-cli-list.json")]
    for report, name in zip(reports, ("la-bad-rows.csv", "az-cli-list.json"), strict=False):
        counts = expected_counts(name)
        assert {k: getattr(report, k) for k in counts} == counts
        assert report.adds_up
    # The quarantine names the file as uploaded, with its line.
    rejected, total = store_actions.quarantine(db)
    assert total == reports[0].quarantined + reports[1].quarantined
    assert {r.location.split(":")[0] for r in rejected} == {"la-bad-rows.csv"}


def test_uploads_give_the_same_result_as_importing_the_files(tmp_path) -> None:
    names = ["la-export.csv", "rest-bad-records.json", "az-cli-damaged.json"]
    via_upload = store_actions.import_uploads([upload(n) for n in names], tmp_path / "a.duckdb")
    with open_store(tmp_path / "b.duckdb") as store:
        direct = import_files(store, [JOBS_DATA / n for n in names])
    assert store_actions.import_rows(via_upload) == [
        {**row, "file": name} for row, name in zip(store_actions.import_rows(direct), names, strict=False)]


def test_uploads_with_the_same_name_or_a_path_stay_inside_and_apart(tmp_path) -> None:
    data = (JOBS_DATA / "la-export.csv").read_bytes()
    uploads = [store_actions.Upload("../../etc/jobs.csv", data), store_actions.Upload("jobs.csv", b"not a job export"),
               store_actions.Upload("..", data)]
    reports = store_actions.import_uploads(uploads, tmp_path / "fleet.duckdb")
    assert [r.path for r in reports] == ["../../etc/jobs.csv", "jobs.csv", ".."]
    assert reports[0].inserted > 0 and reports[2].updated == reports[0].inserted  # same rows again: updated
    assert reports[1].error  # not recognised: reported, not silently skipped
    assert not (tmp_path.parent / "etc").exists()
    assert store_actions.safe_name("../../etc/jobs.csv", 0) == "jobs.csv"
    assert store_actions.safe_name("C:\\Users\\me\\export.json", 0) == "export.json"
    assert store_actions.safe_name("..", 2) == "upload-3"


def test_sample_creation_reports_progress_and_fills_the_store(tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    fractions: list[float] = []
    report = store_actions.create_sample(db, vms=30, days=5, seed=11, now=NOW,
                                        progress=lambda fraction, _detail: fractions.append(fraction))
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    with open_store(db, read_only=True) as store:
        assert store.job_count() == report.jobs == report.inserted
    again = store_actions.create_sample(db, vms=30, days=5, seed=11, now=NOW)
    assert (again.inserted, again.updated) == (0, report.jobs)  # repeatable: updated, not duplicated


def test_first_start_sample_is_made_once(tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    results: list[object] = []

    def start() -> None:
        results.append(store_actions.create_sample(db, vms=20, days=3, now=NOW, only_if_new=True))

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    made = [r for r in results if r is not None]
    assert len(made) == 1
    with open_store(db, read_only=True) as store:
        assert store.job_count() == made[0].jobs


def test_a_store_is_new_only_before_anything_was_written(tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    with open_store(db) as store:
        assert fleet_store.store_is_new(store)
        store.set_watermark("rest", "vault-a", NOW)
        assert not fleet_store.store_is_new(store)


def test_readers_wait_for_a_writer_in_the_same_process(tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    store_actions.create_sample(db, vms=10, days=2, now=NOW)
    with fleet_store.reading(db) as store:
        count = store.job_count()
    # A write while another thread holds a reader waits for it instead of failing on DuckDB's lock.
    entered = threading.Event()
    release = threading.Event()

    def reader() -> None:
        with fleet_store.reading(db):
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=reader)
    thread.start()
    entered.wait(5)
    timer = threading.Timer(0.3, release.set)
    timer.start()
    report = store_actions.create_sample(db, vms=10, days=2, now=NOW)
    thread.join()
    assert report.updated == count


def test_signature_changes_when_the_store_is_written(tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    before = fleet_store.file_signature(db)
    store_actions.create_sample(db, vms=5, days=2, now=NOW)
    after = fleet_store.file_signature(db)
    assert before != after
    assert fleet_store.file_signature(db) == after


def test_scopes_are_read_one_per_line_without_repeats() -> None:
    text = "00000000-0000-0000-0000-000000000001\n /subscriptions/x/resourceGroups/rg/providers/" \
           "Microsoft.RecoveryServices/vaults/v1 , 00000000-0000-0000-0000-000000000001\n\n"
    assert store_actions.parse_scopes(text) == [
        "00000000-0000-0000-0000-000000000001",
        "/subscriptions/x/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1"]


@pytest.mark.parametrize("name", ["la-query-truncated.json", "la-utf16.csv", "la-non-utf8.csv"])
def test_damaged_or_unusual_uploads_are_reported_with_counts_that_add_up(tmp_path, name) -> None:
    report, = store_actions.import_uploads([upload(name)], tmp_path / "fleet.duckdb")
    assert report.path == name
    assert report.adds_up
    counts = expected_counts(name)
    assert {k: getattr(report, k) for k in counts} == counts


def test_an_idle_dashboard_lets_other_writers_in(tmp_path, monkeypatch) -> None:
    db = tmp_path / "fleet.duckdb"
    store_actions.create_sample(db, vms=5, days=2, now=NOW)
    monkeypatch.setattr(fleet_store, "IDLE_SECONDS", 0.2)
    with fleet_store.reading(db) as store:
        jobs = store.job_count()
    # While the shared read-only connection is open, DuckDB refuses a writer on the same file...
    with pytest.raises(StoreError):
        open_store(db, lock_wait=0.1)
    # ...and once it has been idle for IDLE_SECONDS it is closed.
    deadline = time.monotonic() + 5
    while True:
        try:
            with open_store(db, lock_wait=0.1) as store:
                assert store.job_count() == jobs
            break
        except StoreError:
            assert time.monotonic() < deadline, "the idle connection was never closed"
            time.sleep(0.1)
    with fleet_store.reading(db) as store:  # and reopened on the next read
        assert store.job_count() == jobs
    fleet_store.release(db)


def sample_and_import(db: Path) -> dict[str, int]:
    """A store with a small sample fleet and one imported export (with its rejected records)."""
    store_actions.create_sample(db, vms=15, days=3, now=NOW)
    store_actions.import_uploads([upload("la-bad-rows.csv"), upload("az-cli-list.json")], db)
    with open_store(db, read_only=True) as store:
        return store.info().sources


def test_removing_the_sample_keeps_every_imported_job(tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    sources = sample_and_import(db)
    with open_store(db, read_only=True) as store:
        before = store.info()
    assert sources[SAMPLE_SOURCE] > 0 and len(sources) > 1
    assert store_actions.remove_sample(db) == sources[SAMPLE_SOURCE]
    with open_store(db, read_only=True) as store:
        after = store.info()
    assert after.sources == {name: count for name, count in sources.items() if name != SAMPLE_SOURCE}
    assert after.quarantined == before.quarantined
    assert after.version != before.version  # the dashboard's cached figures are read again
    assert store_actions.remove_sample(db) == 0  # nothing left to remove


def test_clearing_the_store_deletes_everything_and_says_how_much(tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    sample_and_import(db)
    with open_store(db) as store:
        store.set_watermark("azure-rest", "vault-a", NOW)
        before = store.info()
    report = store_actions.clear_store(db)
    assert report == store_actions.ClearReport(jobs=before.jobs, rejected=before.quarantined, sync_scopes=1)
    with open_store(db, read_only=True) as store:
        assert store.job_count() == 0 and store.quarantine_count() == 0 and not store.sync_states()
        assert store.version() != before.version
        # Emptied on purpose: the dashboard's first start does not fill it with the sample again.
        assert not fleet_store.store_is_new(store)
    assert store_actions.create_sample(db, vms=5, days=1, now=NOW, only_if_new=True) is None
