"""Fleet views pushed down to Log Analytics: the exact KQL of each view (golden files in
tests/data/jobs/pushdown), sent through azure-monitor-query to the stand-in's query API over real
HTTP, and the mapping of its tabular answers."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from loaders.jobs.catalog import load_catalog
from loaders.jobs.pushdown import VIEW_NAMES, PushdownCache, fleet_queries, parse_source, run_views
from loaders.jobs.queries.filters import FleetFilter
from tests.support.golden import assert_golden
from tests.support.mock_azure import TEST_CATALOG, MockAzure

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "jobs" / "pushdown"
NOW = dt.datetime(2026, 11, 20, 12, 0, 0)
PERIOD = FleetFilter.last_days(NOW, 7, vaults=("rsv-prod-weu", "rsv-dr-neu"), operations=("Backup",))
WORKSPACES = ["0a1b2c3d-0000-4000-8000-00000000aaaa", "0a1b2c3d-0000-4000-8000-00000000bbbb"]


@pytest.fixture(scope="module")
def catalog() -> Any:
    return load_catalog(TEST_CATALOG)


@pytest.fixture
def azure() -> MockAzure:
    with MockAzure() as server:
        yield server


def table(columns: list[tuple[str, str]], rows: list[list[Any]]) -> dict[str, Any]:
    return {"tables": [{"name": "PrimaryResult", "columns": [{"name": n, "type": t} for n, t in columns],
                        "rows": rows}]}


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_each_view_is_one_summarize_query_with_the_filter_in_it(view: str) -> None:
    [query] = fleet_queries(PERIOD, NOW, 24, (view,))
    assert_golden(query.kql + "\n", DATA / f"{view}.expected.kql")
    assert 'VaultName in~ ("rsv-dr-neu", "rsv-prod-weu")' in query.kql and 'JobOperation in~ ("Backup")' in query.kql
    assert "| summarize" in query.kql.rsplit(";", 1)[1]  # the statement that answers aggregates


def test_views_are_sent_to_every_workspace_and_their_answers_mapped(azure, catalog) -> None:
    azure.la_answers = [
        table([("jobs", "long"), ("completed", "long"), ("warnings", "long"), ("failed", "long"),
               ("in_progress", "long"), ("cancelled", "long"), ("vms", "long"), ("failing_vms", "long")],
              [[1200, 1100, 20, 70, 10, 0, 300, 41]]),
        table([("day", "datetime"), ("JobFailureCode", "string"), ("failed", "long")],
              [["2026-11-18T00:00:00Z", "UserErrorGuestAgentStatusUnavailable", 5],
               ["2026-11-18T00:00:00Z", "ExtensionSnapshotFailedNoNetwork", 2],
               ["2026-11-18T00:00:00Z", "SomethingNew", 1],
               ["2026-11-19T00:00:00Z", "UserErrorGuestAgentStatusUnavailable", 3]]),
        table([("JobFailureCode", "string"), ("failed", "long"), ("vms", "long")],
              [["UserErrorGuestAgentStatusUnavailable", 8, 6], ["None", 2, 2]]),
    ]
    frames = run_views(azure.credential(), WORKSPACES, PERIOD, NOW, views=("kpis", "daily-failures", "top-codes"),
                       endpoint=azure.base_url, catalog=catalog)
    posts = [r for r in azure.requests if r.method == "POST"]
    assert [r.path for r in posts] == [f"/v1/workspaces/{WORKSPACES[0]}/query"] * 3
    bodies = [json.loads(r.body) for r in posts]
    assert [b["query"] for b in bodies] == [q.kql for q in fleet_queries(PERIOD, NOW, 24,
                                                                         ("kpis", "daily-failures", "top-codes"))]
    assert all(b["workspaces"] == WORKSPACES[1:] for b in bodies)
    assert all(r.headers.get("authorization") == f"Bearer {azure.token}" for r in posts)

    assert frames["kpis"].to_dict("records") == [{"jobs": 1200, "completed": 1100, "warnings": 20, "failed": 70,
                                                  "in_progress": 10, "cancelled": 0, "vms": 300, "failing_vms": 41}]
    daily = frames["daily-failures"]
    assert list(daily.columns) == ["day", "category", "failed"]
    assert [(r.day, r.category, r.failed) for r in daily.itertuples()] == [
        (dt.datetime(2026, 11, 18), "agent", 5), (dt.datetime(2026, 11, 18), "network", 2),
        (dt.datetime(2026, 11, 18), "unknown", 1), (dt.datetime(2026, 11, 19), "agent", 3)]
    top = frames["top-codes"]
    assert top.to_dict("records") == [
        {"error_code": "UserErrorGuestAgentStatusUnavailable", "failed": 8, "vms": 6, "category": "agent"},
        {"error_code": None, "failed": 2, "vms": 2, "category": "unknown"}]


def test_answers_are_cached_per_filter_state(azure, catalog) -> None:
    cache = PushdownCache()
    answer = table([("JobFailureCode", "string"), ("failed", "long"), ("vms", "long")], [["X", 1, 1]])
    azure.la_answers = [answer, answer]
    for _ in range(2):
        run_views(azure.credential(), WORKSPACES, PERIOD, NOW, views=("top-codes",), endpoint=azure.base_url,
                  catalog=catalog, cache=cache)
    assert len([r for r in azure.requests if r.method == "POST"]) == 1
    run_views(azure.credential(), WORKSPACES, FleetFilter.last_days(NOW, 3), NOW, views=("top-codes",),
              endpoint=azure.base_url, catalog=catalog, cache=cache)
    assert len([r for r in azure.requests if r.method == "POST"]) == 2


def test_source_names_the_workspaces() -> None:
    assert parse_source("log-analytics:a, b") == ["a", "b"]
    with pytest.raises(ValueError, match="log-analytics:"):
        parse_source("azure-rest")
    with pytest.raises(ValueError, match="at least one workspace"):
        parse_source("log-analytics:")


def test_the_command_prints_the_kql_and_the_aggregates(azure) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "IDENTITY_", "MSI_", "IMDS_"))}
    env.update(azure.managed_identity_env())
    azure.la_answers = [table([("JobFailureCode", "string"), ("failed", "long"), ("vms", "long")],
                              [["UserErrorGuestAgentStatusUnavailable", 8, 6]])]
    done = subprocess.run([sys.executable, "-m", "loaders", "jobs", "query", "--source",
                           "log-analytics:" + ",".join(WORKSPACES), "--view", "top-codes", "--now",
                           "2026-11-20T12:00:00Z", "--show-kql", "--base-url", azure.base_url],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("== top-codes ==\nlet jobs = AddonAzureBackupJobs\n")
    assert "UserErrorGuestAgentStatusUnavailable       8    6    agent" in done.stdout
    assert azure.token not in done.stdout + done.stderr
