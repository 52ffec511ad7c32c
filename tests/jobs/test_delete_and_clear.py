"""Removing data: `Store.delete_source` / `jobs delete --source` take one source out (the sample next to
real imports), `Store.clear` / `jobs clear` empty the store; counts before and after, on a real store."""
from __future__ import annotations

import datetime as dt
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.jobs.catalog import load_catalog
from loaders.jobs.importers import import_files
from loaders.jobs.sample import generate_sample
from loaders.jobs.store import Store, StoreError, open_store
from tests.support.jobs_cli import REPO, jobs_env, run_jobs

DATA = REPO / "tests" / "data" / "jobs"
NOW = dt.datetime(2024, 5, 6, 12)
IMPORTS = [DATA / "az-cli-list.json", DATA / "la-export.csv", DATA / "la-bad-rows.csv"]


def counts(store: Store) -> dict[str, int]:
    con = store.connection
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("jobs", "quarantine", "sync_state")}


def by_source(store: Store, table: str) -> dict[str, int]:
    return dict(store.connection.execute(f"SELECT source, count(*) FROM {table} GROUP BY source").fetchall())


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A store holding the sample, three imported files (one with rejected rows) and a sync watermark."""
    db = tmp_path / "fleet.duckdb"
    with open_store(db) as store:
        generate_sample(store, vms=12, days=3, seed=2, now=NOW)
        import_files(store, IMPORTS, catalog=load_catalog(DATA / "catalog.yaml"))
        store.set_watermark("azure-rest", "/subscriptions/s/resourcegroups/rg/providers/microsoft.recoveryservices/"
                            "vaults/v1", NOW)
    return db


def test_delete_source_removes_that_source_only(mixed: Path) -> None:
    with open_store(mixed) as store:
        jobs = by_source(store, "jobs")
        before, version = counts(store), store.version()
        assert jobs["sample"] > 0 and set(jobs) == {"sample", "az-cli:az-cli-list.json",
                                                     "log-analytics:la-export.csv", "log-analytics:la-bad-rows.csv"}
        report = store.delete_source("sample")
        assert (report.jobs, report.quarantined, report.watermarks) == (jobs["sample"], 0, 0)
        assert counts(store) == {**before, "jobs": before["jobs"] - jobs["sample"]}
        assert store.info().sources == {k: v for k, v in jobs.items() if k != "sample"}
        assert store.version() != version  # the dashboard's caches see the change

        quarantined = by_source(store, "quarantine")
        prefix = store.delete_source("log-analytics:")
        assert prefix.jobs == jobs["log-analytics:la-export.csv"] + jobs["log-analytics:la-bad-rows.csv"]
        assert prefix.quarantined == quarantined["log-analytics:la-bad-rows.csv"] > 0
        assert store.info().sources == {"az-cli:az-cli-list.json": jobs["az-cli:az-cli-list.json"]}

        synced = store.delete_source("azure-rest")
        assert (synced.jobs, synced.watermarks) == (0, 1) and store.sync_states() == []
        assert store.info().last_sync_time is None

        assert store.delete_source("no-such-source") == type(report)(0, 0, 0)
        with pytest.raises(ValueError):
            store.delete_source("")


def test_clear_empties_the_store_and_keeps_it_usable(mixed: Path) -> None:
    with open_store(mixed) as store:
        before, schema = counts(store), store.schema_version()
        report = store.clear()
        assert (report.jobs, report.quarantined, report.watermarks) == (
            before["jobs"], before["quarantine"], before["sync_state"])
        assert counts(store) == {"jobs": 0, "quarantine": 0, "sync_state": 0}
        info = store.info()
        assert (info.jobs, info.quarantined, info.sources, info.schema_version) == (0, 0, {}, schema)
        assert info.last_ingest_time is None and info.last_sync_time is None
        [again] = import_files(store, [DATA / "az-cli-list.json"], catalog=load_catalog(DATA / "catalog.yaml"))
        assert again.inserted == store.job_count() == 4
    with open_store(mixed, read_only=True) as reader, pytest.raises(StoreError):
        reader.clear()




def info(db: Path) -> dict:
    return json.loads(run_jobs("info", "--db", str(db), "--json").stdout)


def test_the_commands_delete_a_source_then_clear(tmp_path: Path) -> None:
    db = tmp_path / "fleet.duckdb"
    assert run_jobs("sample", "--vms", "12", "--days", "3", "--now", "2024-05-06T12:00:00Z", "--quiet",
               "--db", str(db)).returncode == 0
    assert run_jobs("import", *map(str, IMPORTS), "--db", str(db)).returncode == 0
    before = info(db)
    sample_jobs = before["sources"]["sample"]

    deleted = run_jobs("delete", "--source", "sample", "--db", str(db), stdin=subprocess.DEVNULL)
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.strip() == f"deleted {sample_jobs} jobs, 0 quarantined records and 0 sync watermarks"
    after = info(db)
    assert "sample" not in after["sources"] and after["jobs"] == before["jobs"] - sample_jobs
    assert after["quarantined"] == before["quarantined"] > 0

    nothing = run_jobs("delete", "--source", "smaple", "--db", str(db), stdin=subprocess.DEVNULL)
    assert nothing.returncode == 0 and "deleted 0 jobs" in nothing.stdout
    assert "the store holds jobs of: az-cli:az-cli-list.json, log-analytics:la-bad-rows.csv" in nothing.stdout

    cleared = run_jobs("clear", "--yes", "--db", str(db))
    assert cleared.returncode == 0, cleared.stderr
    assert cleared.stdout.strip() == (f"deleted {after['jobs']} jobs, {after['quarantined']} quarantined records "
                                      "and 0 sync watermarks")
    emptied = info(db)
    assert (emptied["jobs"], emptied["quarantined"], emptied["sources"]) == (0, 0, {})
    assert "jobs:            0" in run_jobs("info", "--db", str(db)).stdout

    missing = run_jobs("clear", "--yes", "--db", str(tmp_path / "typo.duckdb"))
    assert missing.returncode == 0 and "no store at" in missing.stdout and not (tmp_path / "typo.duckdb").exists()


def answer_on_a_terminal(answer: str, *args: str) -> tuple[int, str]:
    """Run a jobs command with a terminal as its standard input and `answer` typed into it."""
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "loaders", "jobs", *args]
    with subprocess.Popen(command, cwd=REPO, env=jobs_env(), stdin=terminal, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        os.close(terminal)
        os.write(controller, answer.encode() + b"\n")
        out, _ = process.communicate(timeout=120)
    os.close(controller)
    return process.returncode, out


def test_on_a_terminal_the_commands_ask_first(mixed: Path) -> None:
    jobs = info(mixed)["jobs"]
    code, out = answer_on_a_terminal("n", "clear", "--db", str(mixed))
    assert code == 1 and "Delete every job, quarantined record and sync watermark in" in out
    assert "nothing deleted" in out and info(mixed)["jobs"] == jobs

    code, out = answer_on_a_terminal("y", "delete", "--source", "sample", "--db", str(mixed))
    assert code == 0 and "Delete the jobs, quarantined records and sync watermarks of source 'sample'" in out
    assert "sample" not in info(mixed)["sources"]
