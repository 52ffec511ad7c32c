"""`sync_vaults` with the real SDK against a local ARM server over real HTTP (tests/mock_azure)."""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ClientAuthenticationError

from loaders.jobs.azure.client import SyncOptions
from loaders.jobs.azure.sync import SYNC_SOURCE, SyncReport, sync_vaults
from loaders.jobs.catalog import load_catalog
from loaders.jobs.importers import import_files
from loaders.jobs.store import Store, open_store
from tests.support.mock_azure import PAGE_SIZE, TEST_CATALOG, Fault, MockAzure, MockVault, expected, load_fleet

NOW = dt.datetime(2026, 11, 20, 12, 0, 0)
FAST = SyncOptions(retry_total=2, retry_backoff_factor=0.01, retry_backoff_max=0.02, read_timeout=2.0,
                   connection_timeout=2.0, reads_per_second=0)
JOB = "0b6f9a10-0000-4000-8000-0000000000{:02d}".format


@pytest.fixture(scope="module")
def catalog() -> Any:
    return load_catalog(TEST_CATALOG)


@pytest.fixture
def azure() -> MockAzure:
    with MockAzure(page_size=PAGE_SIZE) as server:
        yield server


@pytest.fixture
def vaults(azure: MockAzure) -> dict[str, MockVault]:
    return load_fleet(azure)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "fleet.duckdb") as opened:
        yield opened


def sync(store: Store, azure: MockAzure, scopes: list[str], catalog: Any, **kwargs: Any) -> SyncReport:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("options", FAST)
    return sync_vaults(store, azure.credential(), scopes, base_url=azure.base_url, catalog=catalog, **kwargs)


def stored_jobs(store: Store) -> dict[str, dict[str, Any]]:
    cursor = store.connection.execute("SELECT * FROM jobs")
    columns = [d[0] for d in cursor.description]
    return {row[columns.index("job_id")]: dict(zip(columns, row, strict=False)) for row in cursor.fetchall()}


def plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def vault_report(report: SyncReport, name: str) -> Any:
    [found] = [v for v in report.vaults if v.vault_name == name]
    return found


def job(vault: MockVault, number: int) -> dict[str, Any]:
    [found] = [j for j in vault.jobs if isinstance(j, dict) and j.get("name") == JOB(number)]
    return found


# -------------------------------------------------------------------------------------------------
# What is stored


def test_first_sync_stores_exactly_what_the_service_served(store, azure, vaults, catalog) -> None:
    want = expected()
    report = sync(store, azure, [v.arm_id for v in vaults.values()], catalog)
    assert report.ok, report.lines()

    for name, counts in want["vaults"].items():
        got = vault_report(report, name)
        assert got.complete and got.adds_up, got.summary()
        for key, value in counts.items():
            assert plain(getattr(got, key)) == value, (name, key)
        assert store.get_watermark(SYNC_SOURCE, got.vault_id) == counts["watermark"]

    jobs = stored_jobs(store)
    # Not stored: the job before the window, the MAB job (filtered by the service), the two bad items.
    assert set(jobs) == set(want["jobs"])
    for job_id, fields in want["jobs"].items():
        for key, value in fields.items():
            actual = plain(jobs[job_id][key])
            if isinstance(value, float):
                assert actual == pytest.approx(value, abs=1e-9), (job_id, key)
            else:
                assert actual == value, (job_id, key)

    quarantined = store.quarantine(limit=None, source=SYNC_SOURCE)
    assert sorted((q.location.split(" [")[0], q.reason) for q in quarantined) == sorted(
        (q["location"], q["reason"]) for q in want["quarantine"])
    assert all(q.location.endswith(" [RG-Backup-WEU, sync 2026-11-20T12:00:00Z]") for q in quarantined)
    assert any("unexpected text where a job should be" in (q.raw or "") for q in quarantined)


def test_requests_follow_the_service_contract(store, azure, vaults, catalog) -> None:
    vault = vaults["rsv-prod-weu"]
    sync(store, azure, [vault.arm_id], catalog)

    lists = azure.job_list_requests(vault)
    assert len(lists) == 3
    assert [r.param("$filter") for r in lists] == [expected()["first_filter"]] * 3
    # nextLink carried api-version 2019-05-13; the SDK puts its own back on every page.
    assert [r.param("api-version") for r in lists] == ["2026-10-01"] * 3
    assert lists[0].param("$skiptoken") is None
    assert lists[1].param("$skiptoken") and lists[2].param("$skiptoken") != lists[1].param("$skiptoken")
    assert lists[1].path.startswith("/Subscriptions/")  # the absolute nextLink was followed as given

    details = azure.detail_requests(vault)
    assert sorted(r.path.rsplit("/", 1)[1] for r in details) == [JOB(3), JOB(4)]
    [vault_get] = [r for r in azure.requests if r.path.lower() == vault.key]
    assert vault_get.param("api-version") == "2026-11-01"
    assert all(r.headers.get("authorization") == f"Bearer {azure.token}" for r in azure.requests)


def test_synced_rows_equal_the_rows_of_the_same_page_imported_from_a_file(tmp_path, azure, vaults, catalog) -> None:
    vault = vaults["rsv-dr-neu"]
    with open_store(tmp_path / "live.duckdb") as live:
        assert sync(live, azure, [vault.arm_id], catalog).ok
        live_rows = stored_jobs(live)
    page = tmp_path / "backupJobs-page.json"
    page.write_text(json.dumps({"value": vault.jobs}), encoding="utf-8")
    with open_store(tmp_path / "file.duckdb") as filed:
        [imported] = import_files(filed, [page], catalog=catalog)
        assert imported.error is None and imported.inserted == 2
        file_rows = stored_jobs(filed)

    assert live_rows.keys() == file_rows.keys() == {JOB(21), JOB(22)}
    differ = {"source", "ingest_time", "region"}
    for job_id in live_rows:
        assert {k: v for k, v in live_rows[job_id].items() if k not in differ} == \
               {k: v for k, v in file_rows[job_id].items() if k not in differ}
    # Jobs carry no region; the sync takes the vault's.
    assert {r["region"] for r in live_rows.values()} == {"northeurope"}
    assert {r["region"] for r in file_rows.values()} == {None}


# -------------------------------------------------------------------------------------------------
# Incremental and idempotent


def test_next_sync_starts_at_the_watermark_and_duplicates_nothing(store, azure, vaults, catalog) -> None:
    vault = vaults["rsv-prod-weu"]
    assert sync(store, azure, [vault.arm_id], catalog).ok
    assert store.get_watermark(SYNC_SOURCE, vault.key) == "2026-11-20T10:15:00"  # the job still running
    first_count = store.job_count()

    running = job(vault, 5)["properties"]
    running.update(status="Completed", endTime="2026-11-20T12:30:00Z", duration="PT2H15M")
    vault.jobs.append({**job(vault, 2), "id": vault.job_id(JOB(12)), "name": JOB(12),
                       "properties": {**job(vault, 2)["properties"], "startTime": "2026-11-21T01:00:00Z",
                                      "endTime": "2026-11-21T01:20:00Z"}})
    azure.requests.clear()
    later = dt.datetime(2026, 11, 21, 12, 0, 0)
    second = sync(store, azure, [vault.arm_id], catalog, now=later)

    [r] = second.vaults
    [request] = azure.job_list_requests(vault)
    assert request.param("$filter") == ("backupManagementType eq 'AzureIaasVM' and startTime eq "
                                        "'2026-11-20 08:15:00 AM' and endTime eq '2026-11-21 12:00:00 PM'")
    # Read: the finished job, the new one, and the non-job item no filter can keep out.
    assert (r.pages, r.read, r.inserted, r.updated, r.quarantined) == (1, 3, 1, 1, 1)
    jobs = stored_jobs(store)
    assert store.job_count() == first_count + 1 == len(jobs)
    assert jobs[JOB(5)]["status"] == "Completed"
    assert plain(jobs[JOB(5)]["end_time"]) == "2026-11-20T12:30:00"
    assert store.get_watermark(SYNC_SOURCE, vault.key) == "2026-11-21T12:00:00"

    # Reading the whole history again changes nothing but the ingest time.
    before = {k: {c: v for c, v in row.items() if c != "ingest_time"} for k, row in stored_jobs(store).items()}
    azure.requests.clear()
    again = sync(store, azure, [vault.arm_id], catalog, now=later, since=dt.datetime(2026, 10, 21, 12))
    [r] = again.vaults
    # 31 days: two windows, each also served the non-job item.
    assert (r.read, r.inserted, r.updated, r.quarantined, r.repeated) == (10, 0, 7, 3, 0)
    after = {k: {c: v for c, v in row.items() if c != "ingest_time"} for k, row in stored_jobs(store).items()}
    assert after == before
    # Errors learnt from job details are reused, not fetched again nor wiped by the bare list items.
    assert azure.detail_requests(vault) == []
    assert after[JOB(3)]["error_code"] == "UserErrorGuestAgentStatusUnavailable"


def test_since_later_than_the_watermark_leaves_the_watermark(store, azure, vaults, catalog) -> None:
    vault = vaults["rsv-prod-weu"]
    assert sync(store, azure, [vault.arm_id], catalog).ok
    report = sync(store, azure, [vault.arm_id], catalog, now=dt.datetime(2026, 11, 25),
                  since=dt.datetime(2026, 11, 24))
    assert report.ok and report.vaults[0].watermark is None
    assert "watermark stays" in report.vaults[0].warnings[0]
    assert store.get_watermark(SYNC_SOURCE, vault.key) == "2026-11-20T10:15:00"


def test_a_long_first_sync_reads_consecutive_windows(store, azure, vaults, catalog) -> None:
    vault = vaults["rsv-prod-weu"]
    options = replace(FAST, initial_days=90, max_window_days=30)
    report = sync(store, azure, [vault.arm_id], catalog, options=options)
    assert report.ok
    filters = list(dict.fromkeys(r.param("$filter") for r in azure.job_list_requests(vault)))
    assert filters == [
        "backupManagementType eq 'AzureIaasVM' and startTime eq '2026-08-22 12:00:00 PM' "
        "and endTime eq '2026-09-21 12:00:00 PM'",
        "backupManagementType eq 'AzureIaasVM' and startTime eq '2026-09-21 12:00:00 PM' "
        "and endTime eq '2026-10-21 12:00:00 PM'",
        "backupManagementType eq 'AzureIaasVM' and startTime eq '2026-10-21 12:00:00 PM' "
        "and endTime eq '2026-11-20 12:00:00 PM'",
    ]
    assert JOB(9) in stored_jobs(store)  # 2026-09-01, only in the first window


# -------------------------------------------------------------------------------------------------
# Failures


def test_throttling_is_retried_after_retry_after(store, azure, vaults, catalog) -> None:
    vault = vaults["rsv-prod-weu"]
    azure.inject(Fault("vaults/rsv-prod-weu/backupjobs", status=429, retry_after="1", page=2))
    started = time.monotonic()
    report = sync(store, azure, [vault.arm_id], catalog)
    elapsed = time.monotonic() - started

    assert report.ok
    [r] = report.vaults
    assert (r.pages, r.inserted, r.throttled) == (3, 6, 1)
    second_page = [q.status for q in azure.job_list_requests(vault) if q.param("$skiptoken") ==
                   azure.job_list_requests(vault)[1].param("$skiptoken")]
    assert second_page == [429, 200]
    assert elapsed >= 1.0  # Retry-After honoured
    assert "throttled 1x" in r.summary()


def test_a_vault_that_keeps_failing_is_reported_and_the_others_sync(store, azure, vaults, catalog) -> None:
    azure.inject(Fault("vaults/rsv-dr-neu", status=500, times=None))
    report = sync(store, azure, [v.arm_id for v in vaults.values()], catalog)

    assert not report.ok
    [failed] = report.failed
    assert failed.vault_name == "rsv-dr-neu"
    assert failed.error.startswith("HTTP 500 InternalServerError")
    assert "rsv-dr-neu (rg-dr-neu, 8e1d7b3a-2c4f-4a6e-9b8d-0f1e2d3c4b5a): FAILED: HTTP 500" in failed.summary()
    assert [q.status for q in azure.job_list_requests(vaults["rsv-dr-neu"])] == [500] * (FAST.retry_total + 1)
    assert store.get_watermark(SYNC_SOURCE, vaults["rsv-dr-neu"].key) is None
    jobs = stored_jobs(store)
    assert JOB(21) not in jobs and JOB(1) in jobs and JOB(31) in jobs
    assert vault_report(report, "rsv-prod-weu").ok and vault_report(report, "rsv-prod-weu-2").ok
    assert any(line.startswith("total: 2 of 3 vaults synced") for line in report.lines())


def test_missing_permission_names_the_role(store, azure, vaults, catalog) -> None:
    azure.inject(Fault("vaults/rsv-dr-neu/backupjobs", status=403, times=None))
    report = sync(store, azure, [vaults["rsv-dr-neu"].arm_id], catalog)
    [r] = report.vaults
    assert r.error.startswith("HTTP 403 AuthorizationFailed") and "Backup Reader" in r.error
    assert len(azure.job_list_requests(vaults["rsv-dr-neu"])) == 1  # a 403 is not retried


def test_slow_responses_are_retried_and_a_vault_that_never_answers_is_reported(store, azure, vaults, catalog) -> None:
    options = replace(FAST, read_timeout=0.3)
    azure.inject(Fault("vaults/rsv-prod-weu/backupjobs", delay=0.8, page=1, times=1))
    azure.inject(Fault("vaults/rsv-dr-neu", delay=0.8, times=None))
    report = sync(store, azure, [vaults["rsv-prod-weu"].arm_id, vaults["rsv-dr-neu"].arm_id], catalog,
                  options=options)

    ok = vault_report(report, "rsv-prod-weu")
    assert ok.ok and ok.inserted == 6
    assert len(azure.job_list_requests(vaults["rsv-prod-weu"])) == 4  # page 1 twice
    slow = vault_report(report, "rsv-dr-neu")
    assert slow.error.startswith("no response within the read timeout")
    assert len(azure.job_list_requests(vaults["rsv-dr-neu"])) == options.retry_total + 1


def test_a_damaged_page_is_quarantined_and_the_rest_of_the_list_still_read(store, azure, vaults, catalog) -> None:
    vault = vaults["rsv-prod-weu"]
    azure.inject(Fault("vaults/rsv-prod-weu/backupjobs", corrupt="item", page=2, times=None))
    report = sync(store, azure, [vault.arm_id], catalog)

    [r] = report.vaults
    assert r.ok and r.complete and r.damaged_pages == 1 and r.pages == 3
    # Page 2 is [job 2, job 1 (cut short), job 6]: the intact two are kept, page 3 is still reached.
    assert (r.read, r.inserted, r.quarantined) == (7, 5, 2)
    jobs = stored_jobs(store)
    assert JOB(2) in jobs and JOB(6) in jobs and JOB(1) not in jobs
    pages_requested = [q.param("$skiptoken") for q in azure.job_list_requests(vault)]
    assert len(pages_requested) == 4 and pages_requested[1] == pages_requested[2]  # the damaged page, asked twice
    [damage] = [q for q in store.quarantine(limit=None, source=SYNC_SOURCE)
                if q.location.startswith("rsv-prod-weu/page 2 [")]
    assert "not a readable job list" in damage.reason and "2 intact job(s) kept" in damage.reason
    assert JOB(1) in damage.raw
    assert store.get_watermark(SYNC_SOURCE, vault.key) == "2026-11-20T10:15:00"


def test_a_page_damaged_once_is_read_again(store, azure, vaults, catalog) -> None:
    vault = vaults["rsv-prod-weu"]
    azure.inject(Fault("vaults/rsv-prod-weu/backupjobs", corrupt="truncate", page=2, times=1))
    report = sync(store, azure, [vault.arm_id], catalog)
    [r] = report.vaults
    assert r.ok and r.damaged_pages == 0 and r.inserted == 6
    assert len(azure.job_list_requests(vault)) == 4


def test_a_cut_off_page_without_its_next_link_fails_the_vault_and_keeps_what_it_can(store, azure, vaults,
                                                                                    catalog) -> None:
    vault = vaults["rsv-prod-weu"]
    azure.inject(Fault("vaults/rsv-prod-weu/backupjobs", corrupt="truncate", page=1, times=None))
    report = sync(store, azure, [vault.arm_id, vaults["rsv-dr-neu"].arm_id], catalog)

    r = vault_report(report, "rsv-prod-weu")
    assert not r.ok and "page 1 is damaged" in r.error and "later pages were not fetched" in r.error
    assert store.get_watermark(SYNC_SOURCE, vault.key) is None  # the next sync reads it all again
    jobs = stored_jobs(store)
    assert JOB(5) in jobs and JOB(3) not in jobs  # the first job of the page survived the cut
    assert vault_report(report, "rsv-dr-neu").ok
    assert [q for q in store.quarantine(limit=None, source=SYNC_SOURCE)
            if q.location.startswith("rsv-prod-weu/page 1 [")]


def test_no_credential_fails_every_vault_without_reaching_the_service(store, azure, vaults, catalog) -> None:
    class NoLogin:
        def get_token(self, *scopes: str, **kwargs: Any) -> Any:
            raise ClientAuthenticationError("no account signed in")

    report = sync_vaults(store, NoLogin(), [v.arm_id for v in vaults.values()], base_url=azure.base_url,
                         catalog=catalog, options=FAST, now=NOW)
    assert report.credential_error and "no usable Azure credential: no account signed in" in report.credential_error
    assert len(report.failed) == 3 and not report.ok
    assert azure.requests == []
    assert store.job_count() == 0


def test_failed_jobs_without_error_details_are_looked_up_within_a_budget(store, azure, vaults, catalog) -> None:
    vault = vaults["rsv-prod-weu"]
    report = sync(store, azure, [vault.arm_id], catalog, options=replace(FAST, max_detail_fetches=1))
    [r] = report.vaults
    assert r.ok and r.details_fetched == 1 and len(azure.detail_requests(vault)) == 1
    assert "1 failed job(s) listed without error details were not looked up" in r.warnings[0]
    jobs = stored_jobs(store)
    # Page 1 lists job 4 before job 3: job 4 got the lookup, job 3 stays a visible 'unknown' failure.
    assert jobs[JOB(4)]["error_code"] == "BackUpOperationFailed"
    assert jobs[JOB(3)]["error_category"] == "unknown" and jobs[JOB(3)]["status"] == "Failed"


# -------------------------------------------------------------------------------------------------
# Scopes, progress, secrets


def test_a_subscription_scope_syncs_every_vault_it_lists(store, azure, vaults, catalog) -> None:
    azure.page_size = 1  # the vault list comes in two pages too
    report = sync(store, azure, ["/subscriptions/3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"], catalog)
    assert report.ok
    assert sorted(v.vault_name for v in report.vaults) == ["rsv-prod-weu", "rsv-prod-weu-2"]
    listing = [r for r in azure.requests if r.path.lower().endswith("/providers/microsoft.recoveryservices/vaults")]
    assert len(listing) == 2 and listing[0].param("api-version") == "2026-11-01"
    # The list gave each vault's region: no extra request per vault.
    vault_paths = (vaults["rsv-prod-weu"].key, vaults["rsv-prod-weu-2"].key)
    assert not [r for r in azure.requests if r.path.lower() in vault_paths]
    assert {row["region"] for row in stored_jobs(store).values()} == {"westeurope"}


def test_a_subscription_that_cannot_be_listed_is_reported(store, azure, vaults, catalog) -> None:
    azure.inject(Fault("8e1d7b3a-2c4f-4a6e-9b8d-0f1e2d3c4b5a/providers", status=403, times=None))
    report = sync(store, azure, ["8e1d7b3a-2c4f-4a6e-9b8d-0f1e2d3c4b5a", vaults["rsv-prod-weu-2"].arm_id], catalog)
    assert not report.ok
    [message] = report.scope_errors
    assert message.startswith("subscription 8e1d7b3a-2c4f-4a6e-9b8d-0f1e2d3c4b5a: cannot list its vaults: "
                              "HTTP 403 AuthorizationFailed")
    assert "Backup Reader" in message
    assert [v.vault_name for v in report.vaults] == ["rsv-prod-weu-2"] and report.vaults[0].ok


def test_invalid_scopes_are_named(store, azure, vaults, catalog) -> None:
    bad = vaults["rsv-prod-weu"].arm_id + "/backupJobs/" + JOB(1)
    report = sync(store, azure, ["not-a-scope", bad], catalog)
    assert len(report.scope_errors) == 2 and "'not-a-scope'" in report.scope_errors[0]
    assert report.vaults == [] and azure.requests == []


def test_progress_reports_vaults_done_out_of_total(store, azure, vaults, catalog) -> None:
    calls: list[tuple[int, int, str]] = []
    sync(store, azure, [v.arm_id for v in vaults.values()], catalog,
         progress=lambda done, total, message: calls.append((done, total, message)))
    assert calls[0][:2] == (0, 3) and calls[-1][:2] == (3, 3)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    assert {c[1] for c in calls} == {3}
    assert any(message == "rsv-prod-weu: page 3, 8 jobs read" for _, _, message in calls)


def test_the_token_is_sent_but_never_logged_reported_or_stored(tmp_path, azure, vaults, catalog, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    azure.inject(Fault("vaults/rsv-dr-neu/backupjobs", status=500, times=None))
    azure.inject(Fault("vaults/rsv-prod-weu/backupjobs", status=429, retry_after="1", page=1))
    db = tmp_path / "fleet.duckdb"
    with open_store(db) as opened:
        report = sync(opened, azure, [v.arm_id for v in vaults.values()], catalog)
    assert any(r.headers.get("authorization") == f"Bearer {azure.token}" for r in azure.requests)
    assert "Authorization" in caplog.text  # the SDK did log request headers...
    shown = "\n".join(report.lines()) + json.dumps(report.as_dict()) + caplog.text
    assert azure.token not in shown  # ...with the token redacted
    for path in tmp_path.iterdir():
        assert azure.token.encode() not in path.read_bytes(), path


def test_a_client_factory_replaces_the_default_client(store, azure, vaults, catalog) -> None:
    from azure.mgmt.recoveryservicesbackup import RecoveryServicesBackupClient

    made: list[str] = []

    def factory(subscription_id: str) -> RecoveryServicesBackupClient:
        made.append(subscription_id)
        return RecoveryServicesBackupClient(azure.credential(), subscription_id, azure.base_url, retry_total=0)

    report = sync_vaults(store, None, [v.arm_id for v in vaults.values()], client_factory=factory,
                         catalog=catalog, options=FAST, now=NOW)
    assert report.ok, report.lines()
    # one per subscription
    assert made == ["3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "8e1d7b3a-2c4f-4a6e-9b8d-0f1e2d3c4b5a"]
    assert store.job_count() == 9


def test_a_sync_stopped_half_way_loses_nothing_and_the_rerun_duplicates_nothing(store, azure, vaults, catalog) -> None:
    vault = vaults["rsv-prod-weu"]

    class Stop(Exception):
        pass

    def stop_after_page_1(done: int, total: int, message: str) -> None:
        if message.startswith("rsv-prod-weu: page 1"):
            raise Stop()

    with pytest.raises(Stop):  # the caller's exception, not turned into a vault failure
        sync(store, azure, [vault.arm_id], catalog, progress=stop_after_page_1)
    assert store.job_count() == 3  # page 1 was stored as soon as it was read
    assert store.get_watermark(SYNC_SOURCE, vault.key) is None

    report = sync(store, azure, [vault.arm_id], catalog)
    [r] = report.vaults
    assert r.ok and (r.read, r.inserted, r.updated, r.quarantined) == (8, 3, 3, 2)
    assert store.job_count() == 6
    assert store.connection.execute("SELECT count(*) - count(DISTINCT (vault_id, job_id)) FROM jobs").fetchone() == (0,)
    assert store.get_watermark(SYNC_SOURCE, vault.key) == "2026-11-20T10:15:00"
