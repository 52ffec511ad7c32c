"""The Azure sync against the local Azure stand-in (real SDK, DefaultAzureCredential through the
stand-in's managed-identity endpoint) with a recognisable bearer token: the token appears in no output,
no file of the data, cache and home folders, and no JSON report; a sync killed with SIGKILL between two
vaults, then run again, ends with every job exactly once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.mock_azure import PAGE_SIZE, Fault, MockAzure, load_fleet

REPO = Path(__file__).resolve().parents[2]
EXPECTED_JOBS = 8  # rsv-prod-weu: 6 jobs (and 2 records quarantined); rsv-dr-neu: 2 jobs


@pytest.fixture
def azure():
    with MockAzure(page_size=PAGE_SIZE) as server:
        yield server


def folders(tmp_path: Path) -> dict[str, Path]:
    made = {name: tmp_path / name for name in ("data", "cache", "home")}
    for folder in made.values():
        folder.mkdir()
    return made


def env_for(azure: MockAzure, places: dict[str, Path], with_identity: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AZURE_", "IDENTITY_", "MSI_", "IMDS_")) and k != "BACKUP_TRIAGE_DB"}
    env.update({"HOME": str(places["home"]), "BACKUP_TRIAGE_CACHE_DIR": str(places["cache"]),
                "XDG_DATA_HOME": str(places["data"]), "XDG_CACHE_HOME": str(places["cache"])})
    if with_identity:
        env.update(azure.managed_identity_env())
    return env


def sync_args(azure: MockAzure, db: Path, vaults, *extra: str) -> list[str]:
    return [sys.executable, "-m", "loaders", "jobs", "sync", "--base-url", azure.base_url, "--db", str(db),
            "--retry-total", "1", "--vault", vaults["rsv-prod-weu"].arm_id, "--vault", vaults["rsv-dr-neu"].arm_id,
            *extra]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)


def stored(db: Path, env: dict[str, str]) -> tuple[int, int]:
    code = ("import sys, json; from loaders.jobs.store import open_store\n"
            "with open_store(sys.argv[1], read_only=True) as s:\n"
            "    print(json.dumps(s.connection.execute('SELECT count(*), count(DISTINCT (vault_id, job_id)) "
            "FROM jobs').fetchone()))")
    result = subprocess.run([sys.executable, "-c", code, str(db)], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return tuple(json.loads(result.stdout))


def test_the_bearer_token_is_nowhere(tmp_path: Path, azure: MockAzure) -> None:
    vaults = load_fleet(azure)
    places = folders(tmp_path)
    env = env_for(azure, places)
    db = places["data"] / "fleet.duckdb"
    azure.inject(Fault("vaults/rsv-dr-neu/backupjobs", status=500, times=None))  # one vault fails: an error text
    outputs = [run(sync_args(azure, db, vaults), env), run(sync_args(azure, db, vaults, "--json"), env)]
    assert any(r.returncode == 1 for r in outputs), [r.stderr for r in outputs]
    for command in (["info", "--json"], ["quarantine", "--json"], ["info"]):
        outputs.append(run([sys.executable, "-m", "loaders", "jobs", *command, "--db", str(db)], env))
    lint = run([sys.executable, "-m", "loaders", "lint", "docs_source", "--format", "sarif"], env)
    outputs.append(lint)
    token = azure.token
    assert token.startswith("mock-bearer-") and any(r.headers.get("authorization") == f"Bearer {token}"
                                                    for r in azure.requests)
    for result in outputs:
        assert token not in result.stdout and token not in result.stderr, result.args
    for folder in places.values():
        for path in folder.rglob("*"):
            if path.is_file():
                assert token.encode() not in path.read_bytes(), path
    assert token.encode() not in db.read_bytes()


def test_sync_killed_between_vaults_then_run_again(tmp_path: Path, azure: MockAzure) -> None:
    vaults = load_fleet(azure)
    places = folders(tmp_path)
    env = env_for(azure, places)
    db = places["data"] / "fleet.duckdb"
    stall = Fault("vaults/rsv-dr-neu/backupjobs", delay=20, times=None)
    azure.inject(stall)
    process = subprocess.Popen(sync_args(azure, db, vaults), cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any("rsv-dr-neu" in r.path.lower() for r in azure.requests):
        time.sleep(0.1)
    assert process.poll() is None, "the sync ended before the second vault"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    stall.times = 0  # the stand-in answers again
    rows, distinct = stored(db, env)
    assert rows == distinct and rows <= EXPECTED_JOBS
    again = run(sync_args(azure, db, vaults), env)
    assert again.returncode == 0, again.stderr
    assert stored(db, env) == (EXPECTED_JOBS, EXPECTED_JOBS)
