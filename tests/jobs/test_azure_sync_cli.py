"""`python -m loaders jobs sync` run as a user would, in a subprocess, with DefaultAzureCredential
getting its token from the local server's managed-identity endpoint."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.mock_azure import PAGE_SIZE, Fault, MockAzure, MockVault, load_fleet

REPO = Path(__file__).resolve().parents[2]
FLEET_NOW = dt.datetime(2026, 11, 20, 12, 0, 0, tzinfo=dt.UTC)  # the fleet's times assume this "now"


def shift_to_now(vaults: dict[str, MockVault]) -> None:
    """Move every job time so the fleet ends now: the command reads up to the real current time."""
    delta = dt.datetime.now(dt.UTC).replace(microsecond=0) - FLEET_NOW

    def shift(props: dict[str, Any]) -> None:
        for key in ("startTime", "endTime"):
            value = props.get(key)
            try:
                moment = dt.datetime.fromisoformat(value)
            except (TypeError, ValueError):
                continue  # deliberately bad values stay bad
            props[key] = (moment + delta).isoformat().replace("+00:00", "Z")

    for vault in vaults.values():
        for body in [*vault.jobs, *vault.details.values()]:
            if isinstance(body, dict) and isinstance(body.get("properties"), dict):
                shift(body["properties"])


@pytest.fixture
def azure() -> MockAzure:
    with MockAzure(page_size=PAGE_SIZE) as server:
        yield server


@pytest.fixture
def vaults(azure: MockAzure) -> dict[str, MockVault]:
    fleet = load_fleet(azure)
    shift_to_now(fleet)
    return fleet


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AZURE_", "IDENTITY_", "MSI_", "IMDS_")) and k != "BACKUP_TRIAGE_DB"}
    env.update(extra)
    return env


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", "jobs", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def sync(azure: MockAzure, db: Path, *args: str) -> subprocess.CompletedProcess:
    return run("sync", *args, "--base-url", azure.base_url, "--db", str(db), "--retry-total", "1",
               env=clean_env(**azure.managed_identity_env()))


def test_sync_reads_the_vaults_and_a_rerun_adds_nothing(tmp_path, azure, vaults) -> None:
    db = tmp_path / "fleet.duckdb"
    first = sync(azure, db, "--vault", vaults["rsv-prod-weu"].arm_id, "--vault", vaults["rsv-dr-neu"].arm_id)
    assert first.returncode == 0, first.stderr
    assert ("rsv-prod-weu (RG-Backup-WEU, 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b): 3 pages, read 8 = 6 inserted"
            " + 0 updated + 2 quarantined + 0 repeated (2 job details fetched)") in first.stdout
    assert ("rsv-dr-neu (rg-dr-neu, 8e1d7b3a-2c4f-4a6e-9b8d-0f1e2d3c4b5a): 1 pages, read 2 = 2 inserted"
            " + 0 updated + 0 quarantined + 0 repeated") in first.stdout
    assert "total: 2 of 2 vaults synced; read 10 = 8 inserted + 0 updated + 2 quarantined + 0 repeated" in first.stdout
    assert "jobs quarantine --source azure-rest" in first.stdout
    # Progress: each vault as it finishes (in whichever order), then the running totals.
    assert re.search(r"^\[[12]/2\] rsv-dr-neu \(rg-dr-neu", first.stderr, re.MULTILINE), first.stderr
    assert re.search(r"^  2/2 vaults, 10 jobs, [\d,]+ jobs/s, ETA 0 s$", first.stderr, re.MULTILINE), first.stderr
    # The token came from the managed-identity endpoint through DefaultAzureCredential...
    assert [r.path for r in azure.requests][0] == "/msi/token"
    assert all(r.headers.get("authorization") == f"Bearer {azure.token}" for r in azure.requests[1:])
    # ...and never shows up in what the command printed.
    assert azure.token not in first.stdout + first.stderr

    info = run("info", "--db", str(db), "--json", env=clean_env())
    payload = json.loads(info.stdout)
    assert payload["sources"] == {"azure-rest": 8} and payload["last_sync_time"]

    again = sync(azure, db, "--vault", vaults["rsv-prod-weu"].arm_id, "--vault", vaults["rsv-dr-neu"].arm_id)
    assert again.returncode == 0, again.stderr
    [total] = [line for line in again.stdout.splitlines() if line.startswith("total:")]
    # Incremental: only the job still running (it holds the watermark back) and the non-job item come again.
    assert total == "total: 2 of 2 vaults synced; read 2 = 0 inserted + 1 updated + 1 quarantined + 0 repeated"
    assert json.loads(run("info", "--db", str(db), "--json", env=clean_env()).stdout)["jobs"] == 8


def test_a_failing_vault_is_named_with_its_status_and_exit_status_is_1(tmp_path, azure, vaults) -> None:
    azure.inject(Fault("vaults/rsv-dr-neu/backupjobs", status=500, times=None))
    result = sync(azure, tmp_path / "fleet.duckdb", "--subscription", "8e1d7b3a-2c4f-4a6e-9b8d-0f1e2d3c4b5a",
                  "--vault", vaults["rsv-prod-weu-2"].arm_id, "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    by_name = {v["vault_name"]: v for v in report["vaults"]}
    assert by_name["rsv-prod-weu-2"]["ok"] and by_name["rsv-prod-weu-2"]["inserted"] == 1
    assert not by_name["rsv-dr-neu"]["ok"]
    assert by_name["rsv-dr-neu"]["error"].startswith("HTTP 500 InternalServerError")
    assert by_name["rsv-dr-neu"]["responses"] == {"500": 2}  # one try and one retry (--retry-total 1)


def test_since_is_used_as_the_start_of_the_window(tmp_path, azure, vaults) -> None:
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=100)).strftime("%Y-%m-%d")
    result = sync(azure, tmp_path / "fleet.duckdb", "--vault", vaults["rsv-prod-weu-2"].arm_id, "--since", since)
    assert result.returncode == 0, result.stderr
    filters = [r.param("$filter") for r in azure.job_list_requests(vaults["rsv-prod-weu-2"])]
    start = dt.datetime.strptime(since, "%Y-%m-%d").strftime("%Y-%m-%d %I:%M:%S %p")
    assert filters[0].startswith(f"backupManagementType eq 'AzureIaasVM' and startTime eq '{start}'")
    assert len(filters) == 4  # 100 days and some hours, in windows of at most 30 days


def test_without_a_credential_exit_status_is_2_and_nothing_is_written(tmp_path, azure, vaults) -> None:
    db = tmp_path / "fleet.duckdb"
    result = run("sync", "--vault", vaults["rsv-prod-weu"].arm_id, "--base-url", azure.base_url, "--db", str(db),
                 env=clean_env(AZURE_TOKEN_CREDENTIALS="EnvironmentCredential"))
    assert result.returncode == 2
    assert "error: no usable Azure credential" in result.stderr and "az login" in result.stderr
    assert azure.requests == [] and not db.exists()


@pytest.mark.parametrize("args, message", [
    ((), "name at least one --vault or --subscription"),
    (("--vault", "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"),
     "is neither a subscription id nor a Recovery Services vault resource id"),
    (("--subscription", "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "--since", "last week"), "is not a date"),
])
def test_usage_errors_exit_with_status_2(tmp_path, args, message) -> None:
    result = run("sync", *args, "--db", str(tmp_path / "fleet.duckdb"), env=clean_env())
    assert result.returncode == 2
    assert message in result.stderr
