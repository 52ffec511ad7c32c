"""The DuckDB job store: upserts, merging across sources, quarantine, watermarks, versions,
migrations and locking, on real store files."""
from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from loaders.jobs.schema import JOB_COLUMNS, SCHEMA_VERSION, JobRow, QuarantineRow
from loaders.jobs.store import (
    DB_ENV_VAR,
    StoreError,
    StoreLockedError,
    default_db_path,
    open_store,
)

REPO = Path(__file__).resolve().parents[2]
VAULT = "/subscriptions/sub-a/resourcegroups/rg-a/providers/microsoft.recoveryservices/vaults/vault-a"
START = dt.datetime(2024, 5, 2, 22, 30)


def job(job_id: str, **changes: object) -> JobRow:
    row = JobRow(
        vault_id=VAULT, job_id=job_id, subscription_id="sub-a", resource_group="rg-a", vault_name="vault-a",
        region="westeurope",
        vm_id=f"/subscriptions/sub-a/resourcegroups/rg-a/providers/microsoft.compute/virtualmachines/{job_id}",
        vm_name=f"vm-{job_id}", os_type="Linux", backup_management_type="AzureIaasVM", operation="Backup",
        status="Completed", is_scheduled=True, start_time=START, end_time=START + dt.timedelta(minutes=20),
        duration_s=1200.0, error_code_int=None, error_code=None, error_message=None, guide_article=None,
        guide_error_id=None, error_category=None, source="test", ingest_time=None,
    )
    return dataclasses.replace(row, **changes)


def stored(store, job_id: str) -> dict:
    cursor = store.connection.execute("SELECT * FROM jobs WHERE job_id = ?", [job_id])
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    assert len(rows) == 1, f"{len(rows)} rows for {job_id}"
    return dict(zip(names, rows[0], strict=False))


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "fleet.duckdb") as opened:
        yield opened


def test_new_store_has_the_shared_schema(store) -> None:
    columns = [r[0] for r in store.connection.execute("DESCRIBE jobs").fetchall()]
    assert columns == list(JOB_COLUMNS)
    tables = {r[0] for r in store.connection.execute("SHOW TABLES").fetchall()}
    assert {"jobs", "quarantine", "sync_state", "meta"} <= tables
    assert store.schema_version() == SCHEMA_VERSION


def test_reimport_updates_instead_of_duplicating(store) -> None:
    rows = [job(f"j{i}") for i in range(5)]
    first = store.upsert_jobs(rows, "test")
    again = store.upsert_jobs(rows, "test")
    assert (first.inserted, first.updated) == (5, 0)
    assert (again.inserted, again.updated) == (0, 5)
    assert store.job_count() == 5


def test_keys_are_case_insensitive(store) -> None:
    store.upsert_jobs([job("ABC-1", vault_id=VAULT.upper())], "test")
    result = store.upsert_jobs([job("abc-1")], "test")
    assert (result.inserted, result.updated) == (0, 1)
    assert stored(store, "abc-1")["vault_id"] == VAULT


def test_last_row_of_a_key_in_one_batch_wins(store) -> None:
    result = store.upsert_jobs([job("j1", status="InProgress"), job("j2"), job("j1", status="Failed")], "test")
    assert (result.inserted, result.updated, result.duplicates) == (2, 0, 1)
    assert stored(store, "j1")["status"] == "Failed"


def test_same_source_replaces_the_row(store) -> None:
    store.upsert_jobs([job("j1", status="Failed", error_code="X", error_category="unknown", source="sample")], "sample")
    store.upsert_jobs([job("j1", status="Completed", source="sample")], "sample")
    row = stored(store, "j1")
    assert row["status"] == "Completed"
    assert row["error_code"] is None and row["error_category"] is None


def test_other_source_fills_in_without_erasing(store) -> None:
    # Log Analytics knows the code name; the REST job carries the number and the message.
    store.upsert_jobs([job("j1", status="Failed", error_code="UserErrorGuestAgentStatusUnavailable",
                           guide_article="vm-agent-extension-failures", guide_error_id="agent-down",
                           error_category="agent", region="westeurope", source="log-analytics:a.csv")], "la")
    store.upsert_jobs([job("j1", status="Failed", region=None, error_code_int=400123,
                           error_message="VM Agent unable to communicate with Azure Backup",
                           error_category="unknown", source="rest:p.json")], "rest")
    row = stored(store, "j1")
    assert row["error_code"] == "UserErrorGuestAgentStatusUnavailable"
    assert row["error_code_int"] == 400123
    assert row["error_message"] == "VM Agent unable to communicate with Azure Backup"
    assert row["region"] == "westeurope"
    assert (row["guide_article"], row["error_category"]) == ("vm-agent-extension-failures", "agent")
    assert row["source"] == "rest:p.json"


def test_dataframe_and_arrow_batches(store) -> None:
    frame = pd.DataFrame([dataclasses.asdict(job(f"d{i}")) for i in range(3)])
    frame["start_time"] = pd.to_datetime(["2024-05-03T00:30:00+02:00"] * 3, utc=True)
    frame = frame.drop(columns=["source", "ingest_time"])
    result = store.upsert_jobs(frame, "frame")
    assert (result.inserted, result.updated) == (3, 0)
    row = stored(store, "d0")
    assert row["start_time"] == dt.datetime(2024, 5, 2, 22, 30)  # naive UTC
    assert row["source"] == "frame" and row["ingest_time"] is not None

    table = pa.Table.from_pandas(pd.DataFrame([dataclasses.asdict(job("a1"))]), preserve_index=False)
    assert store.upsert_jobs(table, "arrow").inserted == 1
    assert store.upsert_jobs([], "nothing").inserted == 0


def test_invalid_batches_leave_the_store_unchanged(store) -> None:
    store.upsert_jobs([job("keep")], "test")
    version = store.version()
    with pytest.raises(ValueError, match="vault_id"):
        store.upsert_jobs([job("x1"), job("x2", vault_id="")], "test")
    with pytest.raises(ValueError, match="lack columns"):
        store.upsert_jobs(pd.DataFrame({"vault_id": [VAULT], "job_id": ["x3"]}), "test")
    with pytest.raises(TypeError):
        store.upsert_jobs([{"vault_id": VAULT}], "test")
    assert store.job_count() == 1
    assert store.version() == version


def test_version_changes_on_every_write_only(store, tmp_path: Path) -> None:
    seen = [store.version()]
    assert store.version() == seen[0]  # reading does not change it
    store.upsert_jobs([job("j1")], "test")
    seen.append(store.version())
    store.add_quarantine([QuarantineRow("test", "f.csv:2", "bad date", "raw")])
    seen.append(store.version())
    store.set_watermark("rest", VAULT, "2024-05-01T00:00:00")
    seen.append(store.version())
    assert len(set(seen)) == 4
    with open_store(tmp_path / "other.duckdb") as other:
        assert other.version() != seen[0]


def test_quarantine_keeps_location_reason_and_raw_text(store) -> None:
    store.add_quarantine([
        QuarantineRow("log-analytics:a.csv", "a.csv:3", "expected 13 fields", "x,y"),
        QuarantineRow("log-analytics:a.csv", "a.csv:7", "JobUniqueId is empty", ",,,"),
        QuarantineRow("rest:p.json", "p.json:$.value[2]", "no vault", "{" + "x" * 5000 + "}"),
    ])
    assert store.quarantine_count() == 3
    rows = store.quarantine(limit=None, source="log-analytics:a.csv")
    assert {(r.location, r.reason) for r in rows} == {("a.csv:3", "expected 13 fields"),
                                                      ("a.csv:7", "JobUniqueId is empty")}
    [long] = store.quarantine(source="rest:p.json")
    assert len(long.raw) < 2100 and "more characters" in long.raw
    assert len(store.quarantine(limit=1)) == 1
    # The same record quarantined again replaces the earlier entry.
    store.add_quarantine([QuarantineRow("log-analytics:a.csv", "a.csv:3", "expected 13 fields, found 5", "x,y")])
    assert store.quarantine_count() == 3
    assert store.quarantine(limit=1)[0].reason == "expected 13 fields, found 5"


def test_watermarks_per_source_and_scope(store) -> None:
    assert store.get_watermark("rest", VAULT) is None
    store.set_watermark("rest", VAULT, dt.datetime(2024, 5, 3, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    store.set_watermark("rest", "other-vault", "page-token-7")
    store.set_watermark("rest", VAULT, dt.datetime(2024, 5, 4))
    assert store.get_watermark("rest", VAULT) == "2024-05-04T00:00:00"
    assert store.get_watermark("rest", "other-vault") == "page-token-7"
    assert store.get_watermark("log-analytics", VAULT) is None
    assert len(store.sync_states()) == 2
    assert store.info().last_sync_time is not None


def test_info_summarises_the_store(store) -> None:
    empty = store.info()
    assert (empty.jobs, empty.sources, empty.last_ingest_time) == (0, {}, None)
    store.upsert_jobs([job("a", source=None), job("b", source=None)], "sample")
    store.upsert_jobs([job("c", source="rest:x.json")], "rest:x.json")
    info = store.info()
    assert info.jobs == 3
    assert info.sources == {"sample": 2, "rest:x.json": 1}
    assert info.schema_version == SCHEMA_VERSION
    assert info.path == str(store.path)
    assert info.last_ingest_time is not None and info.last_sync_time is None
    text = "\n".join(info.lines())
    assert "jobs:            3" in text and "sample: 2" in text


def test_default_path_follows_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "env.duckdb"))
    assert default_db_path() == tmp_path / "env.duckdb"
    with open_store() as opened:
        assert opened.path == tmp_path / "env.duckdb"
    monkeypatch.delenv(DB_ENV_VAR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path().parts[-2:] == ("backup-triage", "fleet.duckdb")


def _write_legacy_store(path: Path) -> None:
    """A file from before schema versioning: a jobs table with fewer columns, no meta table."""
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE jobs (vault_id VARCHAR, job_id VARCHAR, vault_name VARCHAR, status VARCHAR,
                   start_time TIMESTAMP, error_code VARCHAR, source VARCHAR)""")
    con.execute("INSERT INTO jobs VALUES (?, 'old-1', 'vault-a', 'Failed', '2024-01-01 22:30:00', "
                "'UserErrorGuestAgentStatusUnavailable', 'az-cli:old.json')", [VAULT])
    con.close()


def test_migrates_a_store_from_before_versioning(tmp_path: Path) -> None:
    path = tmp_path / "legacy.duckdb"
    _write_legacy_store(path)
    with open_store(path) as store:
        assert [m.version for m in store.applied_migrations] == [1, 2]
        assert store.schema_version() == SCHEMA_VERSION
        columns = [r[0] for r in store.connection.execute("DESCRIBE jobs").fetchall()]
        assert set(columns) == set(JOB_COLUMNS)
        old = stored(store, "old-1")
        assert (old["status"], old["error_code"], old["region"]) == (
            "Failed", "UserErrorGuestAgentStatusUnavailable", None)
        result = store.upsert_jobs([job("old-1", status="Failed", error_code=None, region="westeurope",
                                        source="rest:new.json")], "rest")
        assert (result.inserted, result.updated) == (0, 1)
        merged = stored(store, "old-1")
        assert (merged["error_code"], merged["region"]) == ("UserErrorGuestAgentStatusUnavailable", "westeurope")
    with open_store(path) as again:
        assert again.applied_migrations == []


def test_read_only_open_migrates_first(tmp_path: Path) -> None:
    path = tmp_path / "legacy.duckdb"
    _write_legacy_store(path)
    with open_store(path, read_only=True) as reader:
        assert reader.read_only and reader.schema_version() == SCHEMA_VERSION
        assert reader.job_count() == 1


def test_refuses_a_store_from_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    with open_store(path) as store:
        store.connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer"):
        open_store(path)
    with pytest.raises(StoreError, match="newer"):
        open_store(path, read_only=True)


def test_read_only_store(tmp_path: Path) -> None:
    path = tmp_path / "new" / "fleet.duckdb"
    with open_store(path, read_only=True) as reader:  # a missing file is created empty first
        assert reader.job_count() == 0
        with pytest.raises(StoreError, match="read-only"):
            reader.upsert_jobs([job("x")], "test")
        with pytest.raises(StoreError, match="read-only"):
            reader.set_watermark("a", "b", "c")


def test_reader_in_the_same_process_as_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "fleet.duckdb"
    with open_store(path) as writer:
        writer.upsert_jobs([job("j1")], "test")
        with open_store(path, read_only=True) as reader:
            assert reader.job_count() == 1
            writer.upsert_jobs([job("j2")], "test")
            assert reader.job_count() == 2
            assert reader.version() == writer.version()


HOLD_WRITER = """
import sys, time
from loaders.jobs.store import open_store
store = open_store(sys.argv[1])
print("open", flush=True)
time.sleep(float(sys.argv[2]))
store.close()
"""


def test_a_second_writer_process_gets_a_clear_lock_error(tmp_path: Path) -> None:
    path = tmp_path / "fleet.duckdb"
    open_store(path).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(path), "5"], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        began = time.monotonic()
        with pytest.raises(StoreLockedError, match="in use by another process"):
            open_store(path, lock_wait=0.3)
        assert time.monotonic() - began < 3
    finally:
        holder.kill()
        holder.wait()
    with open_store(path, lock_wait=2) as store:  # free again once the holder is gone
        assert store.job_count() == 0


def test_readers_in_several_processes(tmp_path: Path) -> None:
    path = tmp_path / "fleet.duckdb"
    with open_store(path) as store:
        store.upsert_jobs([job("j1"), job("j2")], "test")
    code = ("import sys; from loaders.jobs.store import open_store; "
            "s = open_store(sys.argv[1], read_only=True); print(s.job_count()); import time; time.sleep(1)")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=REPO, stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=30)[0].strip() for p in procs]
    assert outputs == ["2", "2"]
    assert all(p.returncode == 0 for p in procs)


def test_quarantine_of_a_source_can_be_replaced_as_a_whole(store) -> None:
    store.add_quarantine([QuarantineRow("rest:a.json", "a.json:3", "no vault"),
                          QuarantineRow("rest:a.json", "a.json:9", "no vault"),
                          QuarantineRow("rest:b.json", "b.json:2", "no vault")])
    store.add_quarantine([QuarantineRow("rest:a.json", "a.json:4", "bad date")], replace_sources=["rest:a.json"])
    assert sorted(q.location for q in store.quarantine(limit=None)) == ["a.json:4", "b.json:2"]
    store.add_quarantine([], replace_sources=["rest:a.json"])
    assert [q.location for q in store.quarantine(limit=None)] == ["b.json:2"]


@pytest.mark.parametrize("content", [b"hello, not a database\n", bytes(range(256)) * 400],
                         ids=["text", "binary"])
def test_a_file_that_is_not_a_store_is_refused_by_name(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fleet.duckdb"
    path.write_bytes(content)
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"fleet\.duckdb.*not a valid DuckDB database"):
            open_store(path, read_only=read_only)
    assert path.read_bytes() == content  # left as it was


def test_paths_that_cannot_hold_a_store_are_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "folder.duckdb").mkdir()
    with pytest.raises(StoreError, match=r"folder\.duckdb is a folder"):
        open_store(tmp_path / "folder.duckdb")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(StoreError, match=r"cannot create its folder .*file\.txt: a file is in the way"):
        open_store(tmp_path / "file.txt" / "fleet.duckdb")


def test_a_store_that_cannot_be_written_gives_store_errors_and_stays_usable(tmp_path: Path) -> None:
    """Writes to a folder that refuses new files (read-only) only fail at commit, when DuckDB
    creates its write-ahead log; a folder in the log's place fails the same way, even for root."""
    path = tmp_path / "fleet.duckdb"
    with open_store(path) as store:
        store.upsert_jobs([job("kept")], "test")
        store.connection.execute("CHECKPOINT")  # no log file left
        (tmp_path / "fleet.duckdb.wal").mkdir()
        writes = (lambda: store.upsert_jobs([job("new")], "test"),
                  lambda: store.add_quarantine([QuarantineRow("test", "f:1", "bad")]),
                  lambda: store.set_watermark("test", "scope", "w"))
        for write in writes:
            with pytest.raises(StoreError, match=r"fleet\.duckdb: cannot write to the store: .*wal"):
                write()
        assert store.job_count() == 1 and store.quarantine_count() == 0
    (tmp_path / "fleet.duckdb.wal").rmdir()
    with open_store(path) as store:
        assert store.job_count() == 1
        store.upsert_jobs([job("new")], "test")
        assert store.job_count() == 2


def test_a_job_delivered_by_two_sources_is_one_row_that_names_both(tmp_path: Path) -> None:
    with open_store(tmp_path / "two.duckdb") as store:
        store.upsert_jobs([job("j-1", source="azure-rest"), job("j-2", source="azure-rest")], "azure-rest")
        assert store.job_sources(VAULT, "j-1") == ["azure-rest"]
        store.upsert_jobs([job("J-1", error_code="UserErrorGuestAgentStatusUnavailable",
                               source="azure-log-analytics")], "azure-log-analytics")
        store.upsert_jobs([job("j-1", source="azure-log-analytics")], "azure-log-analytics")  # again: no new entry
        assert store.job_count() == 2
        assert store.job_sources(VAULT, "j-1") == ["azure-log-analytics", "azure-rest"]
        assert store.job_sources(VAULT, "j-2") == ["azure-rest"]
        assert store.connection.execute("SELECT count(*) FROM job_sources").fetchone() == (2,)
        assert store.job_sources(VAULT, "missing") == []
        store.delete_source("azure-log-analytics")
        assert store.job_sources(VAULT, "j-1") == []  # its latest source went, and the job with it
        assert store.connection.execute("SELECT count(*) FROM job_sources").fetchone() == (0,)
