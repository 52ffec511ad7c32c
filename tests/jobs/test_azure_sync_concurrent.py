"""Concurrent sync over many vaults, against the stand-in over real HTTP with the real SDK: the
result equals the service's truth, the pool stays within its bounds and the shared read budget,
failing vaults are named and caught up next run, and a `kill -9` mid-sync loses nothing."""
from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from loaders.jobs.azure import SyncStatus
from loaders.jobs.azure.client import SyncOptions
from loaders.jobs.azure.sync import SYNC_SOURCE, sync_vaults
from loaders.jobs.catalog import load_catalog
from loaders.jobs.store import Store, open_store
from tests.support.mock_azure import TEST_CATALOG, Fault, MockAzure
from tests.support.mock_azure.generated import add_generated_fleet

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 20, 12, 0, 0)
FAST = SyncOptions(retry_total=2, retry_backoff_factor=0.01, retry_backoff_max=0.02, read_timeout=3.0,
                   connection_timeout=2.0, reads_per_second=0, concurrency=4, low_reads_pause=0.2)


@pytest.fixture(scope="module")
def catalog() -> Any:
    return load_catalog(TEST_CATALOG)


@pytest.fixture
def azure() -> MockAzure:
    with MockAzure(page_size=5) as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "fleet.duckdb") as opened:
        yield opened


def sync(store: Store, azure: MockAzure, catalog: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("options", FAST)
    scopes = kwargs.pop("scopes", None) or [v.arm_id for v in azure.vaults.values()]
    return sync_vaults(store, azure.credential(), scopes, base_url=azure.base_url, catalog=catalog, **kwargs)


def truth(azure: MockAzure) -> set[tuple[str, str]]:
    return {(v.key, j["name"].lower()) for v in azure.vaults.values() for j in v.jobs}


def stored_keys(store: Store) -> list[tuple[str, str]]:
    return [tuple(r) for r in store.connection.execute("SELECT vault_id, job_id FROM jobs").fetchall()]


def test_vaults_are_read_at_once_within_the_pool_and_the_store_equals_the_service(tmp_path, store, azure,
                                                                                    catalog) -> None:
    add_generated_fleet(azure, subscriptions=2, vaults_per_subscription=4, jobs_per_vault=12, end=NOW, days=5,
                        running_per_vault=1)
    azure.latency = 0.1
    with open_store(tmp_path / "one-at-a-time.duckdb") as baseline:
        started = time.monotonic()
        assert sync(baseline, azure, catalog, options=replace(FAST, concurrency=1)).ok
        one_at_a_time = time.monotonic() - started
    assert azure.peak_in_flight == 1
    statuses: list[SyncStatus] = []
    started = time.monotonic()
    report = sync(store, azure, catalog, status=statuses.append)
    elapsed = time.monotonic() - started

    assert report.ok, report.lines()
    assert report.concurrency == 4 and azure.peak_in_flight == 4
    # 8 vaults x (1 vault GET + 3 pages) at 0.1 s each: four at a time is much faster.
    assert elapsed < 0.6 * one_at_a_time, (elapsed, one_at_a_time)
    keys = stored_keys(store)
    assert len(keys) == len(set(keys)) and set(keys) == truth(azure)
    assert all(v.complete and v.adds_up and v.read == 12 for v in report.vaults)
    assert statuses[-1].vaults_done == statuses[-1].vaults_total == 8 and statuses[-1].jobs == 96
    assert [s.vaults_done for s in statuses] == sorted(s.vaults_done for s in statuses)

    # A second sync asks each vault once, from its watermark (the running job) minus the overlap.
    azure.requests.clear()
    again = sync(store, azure, catalog, now=NOW + dt.timedelta(minutes=5))
    assert again.ok and again.total("inserted") == 0
    lists = azure.job_list_requests()
    assert len(lists) == 8 and all(r.param("$skiptoken") is None for r in lists)
    assert len(azure.requests) == 16  # and each vault's region, as vault ids name none
    assert again.total("read") < 8 * 12


def test_throttling_pauses_every_reader_and_low_remaining_reads_slow_all_down(store, azure, catalog) -> None:
    add_generated_fleet(azure, subscriptions=1, vaults_per_subscription=4, jobs_per_vault=10, end=NOW, days=5)
    vault = next(iter(azure.vaults.values()))
    azure.inject(Fault(f"vaults/{vault.name}/backupjobs", status=429, retry_after="1", page=1))
    report = sync(store, azure, catalog)
    assert report.ok and report.pauses >= 1
    [throttled] = [r for r in azure.requests if r.status == 429]
    # Requests that arrived after the 429 reached the client (those sent while it was on its way
    # back are let through): nobody asked anything during the rest of the second the service asked for.
    later = [r for r in azure.requests if r.at > throttled.at + 0.2]
    assert later and min(r.at for r in later) - throttled.at >= 0.9
    assert set(stored_keys(store)) == truth(azure)

    azure.requests.clear()
    azure.reads_remaining = 50  # below the threshold from now on
    low = sync(store, azure, catalog, since=NOW - dt.timedelta(days=5))
    assert low.ok and low.pauses >= 3
    times = sorted(r.at for r in azure.requests)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # Every reader waits out each pause: the requests come in bursts with the pause between them.
    assert sum(gap >= 0.15 for gap in gaps) >= 2  # 12 requests, 4 readers: three bursts at least


def test_failing_vaults_are_named_and_caught_up_by_the_next_sync(store, azure, catalog) -> None:
    vaults = add_generated_fleet(azure, subscriptions=1, vaults_per_subscription=6, jobs_per_vault=8, end=NOW,
                                 days=5)
    denied, missing, throttled, flaky, dropped, repeated = vaults
    faults = [azure.inject(Fault(f"vaults/{denied.name}/backupjobs", status=403, times=None)),
              azure.inject(Fault(f"vaults/{missing.name}", status=404, times=None)),
              azure.inject(Fault(f"vaults/{throttled.name}/backupjobs", status=429, retry_after="0", times=None))]
    azure.inject(Fault(f"vaults/{flaky.name}/backupjobs", status=503, page=2))
    azure.inject(Fault(f"vaults/{dropped.name}/backupjobs", drop=True, page=1))
    azure.inject(Fault(f"vaults/{repeated.name}/backupjobs", repeat=True, page=1))

    report = sync(store, azure, catalog)
    by_name = {v.vault_name: v for v in report.vaults}
    assert {v.vault_name for v in report.failed} == {denied.name, missing.name, throttled.name}
    assert by_name[denied.name].error.startswith("HTTP 403") and "Backup Reader" in by_name[denied.name].error
    assert by_name[missing.name].error.startswith("HTTP 404")
    assert by_name[throttled.name].error.startswith("HTTP 429") and by_name[throttled.name].throttled == 3
    failed_line = [line for line in report.lines() if line.startswith("failed")]
    assert failed_line and all(name in failed_line[0] for name in (denied.name, missing.name, throttled.name))
    # The survivors: a 503 retried, a connection dropped mid-body retried, a page served twice counted once.
    for vault in (flaky, dropped, repeated):
        assert by_name[vault.name].ok and by_name[vault.name].inserted == 8, by_name[vault.name].summary()
    assert by_name[repeated.name].repeated == 5
    for vault in (denied, missing, throttled):
        assert store.get_watermark(SYNC_SOURCE, vault.key) is None
    assert len(stored_keys(store)) == 24

    for fault in faults:
        azure.faults.remove(fault)
    azure.requests.clear()
    again = sync(store, azure, catalog, now=NOW + dt.timedelta(minutes=10))
    assert again.ok, again.lines()
    assert set(stored_keys(store)) == truth(azure) and len(stored_keys(store)) == 48
    for vault in (denied, missing, throttled):
        [first] = [r for r in azure.job_list_requests(vault) if r.param("$skiptoken") is None]
        assert "startTime eq '2026-10-21 12:10:00 PM'" in first.param("$filter")  # the initial window again


def test_an_expired_token_fails_the_vault_it_hit_with_the_remedy(store, azure, catalog) -> None:
    first, second = add_generated_fleet(azure, subscriptions=1, vaults_per_subscription=2, jobs_per_vault=4,
                                        end=NOW, days=5)
    azure.inject(Fault(f"vaults/{first.name}/backupjobs", status=401, times=None))
    report = sync(store, azure, catalog)
    [failed] = report.failed
    assert failed.vault_name == first.name and failed.error.startswith("HTTP 401 ExpiredAuthenticationToken")
    assert "sign in again" in failed.error
    assert [v for v in report.vaults if v.vault_name == second.name][0].ok
    assert azure.token not in "\n".join(report.lines())


# -------------------------------------------------------------------------------------------------
# kill -9


def _rows(db: Path) -> tuple[list[Any], list[Any]]:
    with open_store(db, read_only=True) as opened:
        jobs = opened.connection.execute(
            "SELECT * EXCLUDE (ingest_time) FROM jobs ORDER BY vault_id, job_id").fetchall()
        marks = opened.connection.execute(
            "SELECT scope, watermark FROM sync_state ORDER BY scope").fetchall()
    return jobs, marks


def _cli_sync(azure: MockAzure, db: Path, quiet: bool = True) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AZURE_", "IDENTITY_", "MSI_", "IMDS_")) and k != "BACKUP_TRIAGE_DB"}
    env.update(azure.managed_identity_env())
    args = [sys.executable, "-m", "loaders", "jobs", "sync", "--base-url", azure.base_url, "--db", str(db),
            "--retry-total", "1", "--concurrency", "3"] + (["--quiet"] if quiet else [])
    for vault in azure.vaults.values():
        args += ["--vault", vault.arm_id]
    return subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _first_stored_jobs(process: subprocess.Popen) -> threading.Event:
    """Set when the sync's progress on stderr first reports stored jobs ("N jobs" with N > 0)."""
    seen = threading.Event()

    def watch() -> None:
        for line in process.stderr:
            found = re.search(r"vaults(?:, \d+ failed)?, ([\d,]+) jobs", line)
            if found and int(found.group(1).replace(",", "")) > 0:
                seen.set()

    threading.Thread(target=watch, daemon=True).start()
    return seen


def test_kill_9_mid_sync_then_a_rerun_gives_the_store_of_an_uninterrupted_sync(tmp_path, azure) -> None:
    # Times relative to the real clock (the command reads up to now); each vault's running job fixes
    # its watermark, so both stores must agree on it to the second.
    end = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    add_generated_fleet(azure, subscriptions=2, vaults_per_subscription=3, jobs_per_vault=30, end=end, days=3,
                        running_per_vault=1)
    clean = tmp_path / "uninterrupted.duckdb"
    done = _cli_sync(azure, clean)
    assert done.wait(timeout=120) == 0, done.stderr.read()

    azure.latency = 0.15  # slow enough to be killed in the middle
    azure.requests.clear()
    killed_db = tmp_path / "killed.duckdb"
    victim = _cli_sync(azure, killed_db, quiet=False)
    stored_some = _first_stored_jobs(victim)
    deadline = time.monotonic() + 60
    # Killed once half the pages were served and a progress line has counted stored jobs: on a loaded
    # machine the writer can lag the requests, and a kill before its first commit proves nothing.
    while not (len(azure.job_list_requests()) >= 28 and stored_some.is_set()) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    interrupted_jobs, interrupted_marks = _rows(killed_db)
    assert 0 < len(interrupted_jobs) < 180 and len(interrupted_marks) < 6  # it really stopped half-way

    azure.latency = 0.0
    rerun = _cli_sync(azure, killed_db)
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read()
    assert _rows(killed_db) == _rows(clean)
    assert len(_rows(clean)[0]) == 180 and len(_rows(clean)[1]) == 6


def test_status_line_says_vaults_jobs_rate_and_time_left() -> None:
    assert SyncStatus(0, 100, 0, 0.0).line() == "0/100 vaults, 0 jobs, 0 jobs/s, ETA --"
    status = SyncStatus(25, 100, 25_000, 10.0, failed=2)
    assert status.rate == 2500 and status.eta == 30
    assert status.line() == "25/100 vaults, 2 failed, 25,000 jobs, 2,500 jobs/s, ETA 30 s"
    assert SyncStatus(1, 100, 10, 40.0).line().endswith("ETA 1 h 06 min")
    assert replace(status, vaults_done=100).eta == 0
