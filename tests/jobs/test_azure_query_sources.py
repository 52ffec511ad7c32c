"""`--source resource-graph` (azure-mgmt-resourcegraph) and `--source log-analytics`
(azure-monitor-query) against the stand-in over real HTTP: the same emulated fleet read through
REST, Resource Graph and Log Analytics gives the same jobs, one row per job, its sources kept."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from loaders.jobs.azure.client import SyncOptions
from loaders.jobs.azure.log_analytics import LA_SOURCE, sync_log_analytics
from loaders.jobs.azure.log_analytics import jobs_query as la_query
from loaders.jobs.azure.resource_graph import ARG_SOURCE, sync_resource_graph
from loaders.jobs.azure.resource_graph import jobs_query as arg_query
from loaders.jobs.azure.sync import SYNC_SOURCE, sync_vaults
from loaders.jobs.catalog import load_catalog
from loaders.jobs.store import open_store
from tests.support.mock_azure import TEST_CATALOG, Fault, MockAzure
from tests.support.mock_azure.generated import add_generated_fleet
from tests.support.mock_azure.query_apis import add_workspace

NOW = dt.datetime(2026, 11, 20, 12, 0, 0)
FAST = SyncOptions(retry_total=1, retry_backoff_factor=0.01, retry_backoff_max=0.02, read_timeout=3.0,
                   reads_per_second=0, concurrency=4, initial_days=12)
WORKSPACE = "0a1b2c3d-0000-4000-8000-00000000aaaa"


@pytest.fixture(scope="module")
def catalog() -> Any:
    return load_catalog(TEST_CATALOG)


@pytest.fixture
def azure() -> MockAzure:
    with MockAzure(page_size=7) as server:
        vaults = add_generated_fleet(server, subscriptions=2, vaults_per_subscription=2, jobs_per_vault=15, end=NOW,
                                     days=10, running_per_vault=1)
        add_workspace(server, WORKSPACE, vaults)
        yield server


def keys(store: Any) -> set[tuple[str, str]]:
    return {tuple(r) for r in store.connection.execute("SELECT vault_id, job_id FROM jobs").fetchall()}


def core(store: Any) -> dict[tuple[str, str], tuple]:
    rows = store.connection.execute(
        "SELECT vault_id, job_id, vm_name, status, operation, start_time, error_category FROM jobs").fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def truth(azure: MockAzure) -> set[tuple[str, str]]:
    return {(v.key, j["name"].lower()) for v in azure.vaults.values() for j in v.jobs}


def test_resource_graph_reads_every_subscription_in_pages_of_the_last_14_days(tmp_path, azure, catalog) -> None:
    subs = sorted({v.subscription_id for v in azure.vaults.values()})
    with open_store(tmp_path / "arg.duckdb") as store:
        report = sync_resource_graph(store, azure.credential(), subs, base_url=azure.base_url, catalog=catalog,
                                     options=FAST, now=NOW, page_rows=25)
        assert report.ok, report.lines()
        assert keys(store) == truth(azure)
        [scope] = report.scopes
        assert (scope.requests, scope.read, scope.inserted, scope.collapsed) == (3, 60, 60, 0)
        posts = [r for r in azure.requests if r.method == "POST"]
        assert [r.param("api-version") for r in posts] == ["2021-03-01"] * 3
        bodies = [json.loads(r.body) for r in posts]
        assert bodies[0]["subscriptions"] == subs and bodies[0]["query"] == arg_query(NOW - dt.timedelta(days=14))
        assert "datetime(2026-11-06T12:00:00Z)" in bodies[0]["query"] and "order by id asc" in bodies[0]["query"]
        assert [b["options"].get("$skipToken") is None for b in bodies] == [True, False, False]
        assert all(b["options"]["$top"] == 25 for b in bodies)
        assert store.get_watermark(ARG_SOURCE, ",".join(subs)) == "2026-11-20T12:00:00"

        azure.requests.clear()
        again = sync_resource_graph(store, azure.credential(), subs, base_url=azure.base_url, catalog=catalog,
                                    options=FAST, now=NOW + dt.timedelta(hours=1), page_rows=25)
        assert again.ok and again.total("inserted") == 0
        [post] = [json.loads(r.body) for r in azure.requests if r.method == "POST"]
        assert "datetime(2026-11-20T10:00:00Z)" in post["query"]  # from the watermark minus the overlap


def test_resource_graph_failure_is_reported_and_the_watermark_stays(tmp_path, azure, catalog) -> None:
    azure.inject(Fault("microsoft.resourcegraph/resources", status=403, times=None))
    with open_store(tmp_path / "arg.duckdb") as store:
        report = sync_resource_graph(store, azure.credential(), [next(iter(azure.vaults.values())).subscription_id],
                                     base_url=azure.base_url, catalog=catalog, options=FAST, now=NOW)
        assert not report.ok and report.scopes[0].error.startswith("HTTP 403")
        assert store.sync_states() == []


def test_log_analytics_keeps_the_latest_record_per_job_and_collapses_v1_twins(tmp_path, azure, catalog) -> None:
    with open_store(tmp_path / "la.duckdb") as store:
        report = sync_log_analytics(store, azure.credential(), [WORKSPACE], endpoint=azure.base_url,
                                    catalog=catalog, options=FAST, now=NOW)
        assert report.ok, report.lines()
        assert keys(store) == truth(azure)
        [scope] = report.scopes
        # 60 jobs: 56 finished with two records, 4 running with one; every record twice (V1 and V2).
        assert len(azure.workspaces[WORKSPACE]) == (56 * 2 + 4) * 2
        assert scope.read == len(azure.workspaces[WORKSPACE]) and scope.inserted == 60
        assert scope.read == scope.inserted + scope.updated + scope.quarantined + scope.collapsed
        statuses = dict(store.connection.execute("SELECT status, count(*) FROM jobs GROUP BY 1").fetchall())
        assert statuses.get("InProgress") == 4  # the final record won for every finished job
        codes = {r[0] for r in store.connection.execute(
            "SELECT error_code FROM jobs WHERE status = 'Failed'").fetchall()}
        assert codes and codes <= {"BCMV2VMNotFound", "UserErrorGuestAgentStatusUnavailable", "ResourceNotFound"}
        posts = [json.loads(r.body) for r in azure.requests if r.method == "POST"]
        assert len(posts) == 12  # one per day of the 12 days read
        assert posts[0]["query"] == la_query(NOW - dt.timedelta(days=12), NOW - dt.timedelta(days=11))
        assert store.get_watermark(LA_SOURCE, WORKSPACE) == "2026-11-20T12:00:00"

        azure.requests.clear()
        again = sync_log_analytics(store, azure.credential(), [WORKSPACE], endpoint=azure.base_url,
                                   catalog=catalog, options=FAST, now=NOW + dt.timedelta(hours=1))
        assert again.ok and again.total("inserted") == 0
        [post] = [json.loads(r.body) for r in azure.requests if r.method == "POST"]
        assert "TimeGenerated > datetime(2026-11-20T10:00:00Z)" in post["query"]


def test_the_three_sources_load_the_same_jobs_and_one_store_keeps_them_once(tmp_path, azure, catalog) -> None:
    subs = sorted({v.subscription_id for v in azure.vaults.values()})
    stores = {}
    for name in ("rest", "arg", "la", "all"):
        stores[name] = open_store(tmp_path / f"{name}.duckdb")
    try:
        def rest(store: Any) -> None:
            assert sync_vaults(store, azure.credential(), [v.arm_id for v in azure.vaults.values()],
                               base_url=azure.base_url, catalog=catalog, options=FAST, now=NOW).ok

        def arg(store: Any) -> None:
            assert sync_resource_graph(store, azure.credential(), subs, base_url=azure.base_url, catalog=catalog,
                                       options=FAST, now=NOW).ok

        def la(store: Any) -> None:
            assert sync_log_analytics(store, azure.credential(), [WORKSPACE], endpoint=azure.base_url,
                                      catalog=catalog, options=FAST, now=NOW).ok

        rest(stores["rest"])
        arg(stores["arg"])
        la(stores["la"])
        assert keys(stores["rest"]) == keys(stores["arg"]) == keys(stores["la"]) == truth(azure)
        assert core(stores["rest"]) == core(stores["arg"])
        la_core, rest_core = core(stores["la"]), core(stores["rest"])
        assert {k: v[:4] for k, v in la_core.items()} == {k: v[:4] for k, v in rest_core.items()}

        for load in (rest, arg, la):
            load(stores["all"])
        assert keys(stores["all"]) == truth(azure) and stores["all"].job_count() == 60
        vault_id, job_id = sorted(truth(azure))[0]
        assert stores["all"].job_sources(vault_id, job_id) == sorted([SYNC_SOURCE, ARG_SOURCE, LA_SOURCE])
        # The Log Analytics code name and the REST message of a failure end up on one row.
        both = stores["all"].connection.execute(
            "SELECT count(*) FROM jobs WHERE status = 'Failed' AND error_code IS NOT NULL "
            "AND error_code_int IS NOT NULL AND error_message IS NOT NULL").fetchone()[0]
        failed = stores["all"].connection.execute("SELECT count(*) FROM jobs WHERE status = 'Failed'").fetchone()[0]
        assert failed and both == failed
    finally:
        for store in stores.values():
            store.close()


def test_the_command_syncs_from_resource_graph_and_log_analytics(tmp_path, azure) -> None:
    repo = Path(__file__).resolve().parents[2]
    end = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    azure.vaults.clear()
    vaults = add_generated_fleet(azure, subscriptions=1, vaults_per_subscription=2, jobs_per_vault=5, end=end, days=3)
    add_workspace(azure, WORKSPACE, vaults)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AZURE_", "IDENTITY_", "MSI_", "IMDS_")) and k != "BACKUP_TRIAGE_DB"}
    env.update(azure.managed_identity_env())
    db = str(tmp_path / "fleet.duckdb")
    base = [sys.executable, "-m", "loaders", "jobs", "sync", "--base-url", azure.base_url, "--db", db]
    arg = subprocess.run([*base, "--source", "resource-graph", "--subscription", vaults[0].subscription_id],
                         cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert arg.returncode == 0, arg.stderr
    assert "read 10 = 10 inserted + 0 updated + 0 quarantined + 0 collapsed" in arg.stdout
    la = subprocess.run([*base, "--source", "log-analytics", "--workspace", WORKSPACE], cwd=repo, env=env,
                        capture_output=True, text=True, timeout=120)
    assert la.returncode == 0, la.stderr
    assert "total: 1 of 1 scopes synced from azure-log-analytics; read 40 = 0 inserted + 10 updated" in la.stdout
    assert azure.token not in arg.stdout + arg.stderr + la.stdout + la.stderr
