"""The DuckDB file every job source writes into and every fleet view reads from.

Tables: `jobs` (JOBS_DDL, one row per (vault_id, job_id)), `quarantine` (rejected records with
their location and reason), `sync_state` (one watermark per source and scope), `job_sources`
(every source of a job that more than one source delivered; a job with one source has no rows
there, so the sample and single-source stores pay nothing for it) and `meta`
(schema version, a write counter, timestamps). Opening a file applies the pending migrations in
order, so files written by older versions keep working.

Upserts are set-based: the incoming batch is handed to DuckDB as an Arrow table; one semi-join
finds the stored rows with the same keys, those are deleted and the batch is appended, merged with
them (see Store.upsert_jobs). There is deliberately no primary-key index on `jobs`: at millions of
rows an ART index on two strings costs more memory than the 2 GB budget allows, while a hash join
against the (small) batch is fast. Measured on 2 cores: 1.4 M rows in 100k batches in about 6 s,
5 M rows in about 35 s with a peak of about 0.7 GB for the whole process.
"""
from __future__ import annotations

import datetime as dt
import operator
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import platformdirs
import pyarrow as pa
import pyarrow.compute as pc

from loaders.jobs.schema import (
    JOB_COLUMNS,
    JOBS_DDL,
    QUARANTINE_COLUMNS,
    SCHEMA_VERSION,
    JobRow,
    QuarantineRow,
)
from loaders.jobs.timeutil import naive_utc, utc_now

DB_ENV_VAR = "BACKUP_TRIAGE_DB"
APP_NAME = "backup-triage"
DB_FILE_NAME = "fleet.duckdb"
RAW_TEXT_LIMIT = 2000  # characters of an offending record kept in the quarantine
LOCK_WAIT_SECONDS = 10.0


class StoreError(RuntimeError):
    """The store file cannot be opened or used; the message says which file and why."""


class StoreLockedError(StoreError):
    """Another process holds the write lock on the store file."""


@dataclass(frozen=True)
class UpsertResult:
    inserted: int
    updated: int
    duplicates: int = 0  # rows of the batch superseded by a later row with the same key

    @property
    def written(self) -> int:
        return self.inserted + self.updated


@dataclass(frozen=True)
class DeleteReport:
    """What `Store.delete_source` or `Store.clear` removed."""

    jobs: int
    quarantined: int
    watermarks: int  # sync_state rows: the next sync of those scopes reads from its first window again

    def summary(self) -> str:
        return (f"deleted {self.jobs} jobs, {self.quarantined} quarantined records and {self.watermarks} sync "
                "watermarks")


@dataclass(frozen=True)
class StoreInfo:
    path: str
    schema_version: int
    jobs: int
    sources: dict[str, int]
    quarantined: int
    last_ingest_time: dt.datetime | None
    last_sync_time: dt.datetime | None
    version: str
    read_only: bool = False

    def lines(self) -> list[str]:
        out = [
            f"store:           {self.path}",
            f"schema version:  {self.schema_version}",
            f"jobs:            {self.jobs}",
            f"quarantined:     {self.quarantined}",
            f"last ingest:     {_fmt_time(self.last_ingest_time)}",
            f"last sync:       {_fmt_time(self.last_sync_time)}",
            "sources:" + ("" if self.sources else "         (none)"),
        ]
        out += [f"  {source}: {count}" for source, count in sorted(self.sources.items())]
        return out


def _fmt_time(value: dt.datetime | None) -> str:
    return "never" if value is None else value.isoformat(sep=" ", timespec="seconds") + " UTC"


def default_db_path() -> Path:
    """`$BACKUP_TRIAGE_DB`, else `<user data dir>/backup-triage/fleet.duckdb`."""
    env = os.environ.get(DB_ENV_VAR)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DB_FILE_NAME


# ---------------------------------------------------------------------------------------------
# Schema and migrations

META_DDL = "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
SYNC_STATE_DDL = """
CREATE TABLE IF NOT EXISTS sync_state (
    source VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    watermark VARCHAR,
    updated_at TIMESTAMP,
    PRIMARY KEY (source, scope)
)
"""
QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS quarantine (
    source VARCHAR NOT NULL,
    location VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    raw VARCHAR,
    quarantined_at TIMESTAMP NOT NULL
)
"""


JOB_SOURCES_DDL = """
CREATE TABLE IF NOT EXISTS job_sources (
    vault_id VARCHAR NOT NULL,
    job_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL
)
"""


def _ddl_column_types(ddl: str) -> dict[str, str]:
    """Column name -> SQL type, read from a CREATE TABLE statement of one column per line."""
    types: dict[str, str] = {}
    for line in ddl.splitlines():
        match = re.match(r"\s+([a-z_][a-z0-9_]*)\s+([A-Z]+)", line)
        if match:
            types[match.group(1)] = match.group(2)
    return types


JOB_COLUMN_TYPES = _ddl_column_types(JOBS_DDL)


@dataclass(frozen=True)
class Migration:
    version: int  # schema version the file has after this migration
    description: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def _migrate_to_v1(con: duckdb.DuckDBPyConnection) -> None:
    """Baseline. Files from before versioning may already hold a `jobs` table with fewer columns:
    keep their rows and add whatever columns are missing."""
    con.execute(JOBS_DDL)
    present = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'jobs'"
    ).fetchall()}
    for name in JOB_COLUMNS:
        if name not in present:
            con.execute(f'ALTER TABLE jobs ADD COLUMN "{name}" {JOB_COLUMN_TYPES[name]}')
    con.execute(SYNC_STATE_DDL)
    con.execute(QUARANTINE_DDL)


def _migrate_to_v2(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(JOB_SOURCES_DDL)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "jobs, sync_state, quarantine and meta tables; complete pre-versioning jobs tables",
              _migrate_to_v1),
    Migration(2, "job_sources: the sources of jobs delivered by more than one source", _migrate_to_v2),
)
assert MIGRATIONS[-1].version == SCHEMA_VERSION, "every schema version needs a migration"


def _first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> tuple | None:
    """First row of a query, always consuming the whole result: DuckDB refuses further work on a
    connection whose last result was left unfinished."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    row = _first_row(con, sql, params)
    return None if row is None else row[0]


def _file_schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has_meta = _scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'")
    if not has_meta:
        return 0
    value = _scalar(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    return int(value) if value is not None else 0


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection, path: object = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """One write transaction. DuckDB errors become StoreError naming the file (a read-only
    folder, for one, only fails at commit, when the write-ahead log cannot be created); a
    rollback after a failed commit, which DuckDB has already ended, does not hide the cause."""
    try:
        con.begin()
    except duckdb.Error as exc:
        raise StoreError(f"{_where(path)}cannot write to the store: {_first_line(exc)}") from exc
    try:
        yield con
        con.commit()
    except BaseException as exc:
        try:
            con.rollback()
        except duckdb.Error:
            pass  # no transaction left to roll back
        if isinstance(exc, duckdb.Error) and _is_damage(exc):
            raise _damaged(path, exc) from exc
        if isinstance(exc, duckdb.Error):
            raise StoreError(f"{_where(path)}cannot write to the store: {_first_line(exc)}") from exc
        raise


# What DuckDB says about a file that is not a database, or one whose blocks no longer check out.
_DAMAGE_SIGNS = ("not a valid duckdb database", "corrupt database", "could not read enough bytes", "checksum")


def _is_damage(exc: BaseException) -> bool:
    return any(sign in str(exc).lower() for sign in _DAMAGE_SIGNS)


def _damaged(path: object, exc: BaseException) -> StoreError:
    return StoreError(
        f"{path} is damaged or is not a job store ({_first_line(exc)}). It was left as it is: restore a copy, "
        "or move it aside and the next import or sample starts a new store at this path"
    )


@contextmanager
def _reading(path: object) -> Iterator[None]:
    """Queries of the store: a DuckDB error (a damaged block) becomes one StoreError naming the file."""
    try:
        yield
    except duckdb.Error as exc:
        if _is_damage(exc):
            raise _damaged(path, exc) from exc
        raise StoreError(f"{path}: cannot read the store: {_first_line(exc)}") from exc


def _where(path: object) -> str:
    return f"{path}: " if path is not None else ""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def migrate(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Apply pending migrations in order, each in its own transaction; return those applied."""
    current = _file_schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"store schema version {current} is newer than this program understands ({SCHEMA_VERSION})"
        )
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        with _transaction(con):
            con.execute(META_DDL)
            migration.apply(con)
            _set_meta(con, "schema_version", str(migration.version))
            if _get_meta(con, "store_id") is None:
                _set_meta(con, "store_id", uuid.uuid4().hex)
                _set_meta(con, "data_version", "0")
            _set_meta(con, f"migrated_v{migration.version}", utc_now().isoformat())
        applied.append(migration)
    return applied


def _get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    return _scalar(con, "SELECT value FROM meta WHERE key = ?", [key])


def _set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


# ---------------------------------------------------------------------------------------------
# Rows in: anything job-shaped becomes one Arrow table with JOB_COLUMNS in order

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
}
JOBS_ARROW_SCHEMA = pa.schema([(name, ARROW_TYPES[JOB_COLUMN_TYPES[name]]) for name in JOB_COLUMNS])
KEY_COLUMNS = ("vault_id", "job_id")


_JOB_ROW_VALUES = operator.attrgetter(*JOB_COLUMNS)


def _rows_to_arrow(rows: Iterable[JobRow]) -> pa.Table:
    tuples = [_JOB_ROW_VALUES(row) if isinstance(row, JobRow) else _reject_row(row) for row in rows]
    columns = list(zip(*tuples, strict=False)) if tuples else [[] for _ in JOB_COLUMNS]
    return pa.table(
        [pa.array(col, type=JOBS_ARROW_SCHEMA.field(i).type) for i, col in enumerate(columns)],
        schema=JOBS_ARROW_SCHEMA,
    )


def _reject_row(row: Any) -> tuple:
    raise TypeError(f"upsert_jobs expects JobRow items, got {type(row).__name__}")


def _conform_column(array: pa.ChunkedArray, target: pa.DataType, name: str) -> pa.ChunkedArray:
    if array.type == target:
        return array
    if pa.types.is_timestamp(target) and pa.types.is_timestamp(array.type) and array.type.tz:
        # Arrow keeps instants in UTC underneath, so dropping the zone yields naive UTC.
        array = array.cast(pa.timestamp(array.type.unit, tz="UTC"))
        return array.cast(target)
    if pa.types.is_timestamp(target) and pa.types.is_null(array.type):
        return pa.chunked_array([pa.nulls(len(array), target)])
    try:
        return array.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ValueError(f"column {name!r}: cannot use {array.type} as {target}: {exc}") from exc


def to_jobs_arrow(rows: Any, source: str, ingest_time: dt.datetime) -> pa.Table:
    """Normalise a batch (pyarrow.Table, pandas.DataFrame or iterable of JobRow) to JOBS_ARROW_SCHEMA.

    Keys are lower-cased; missing `source` / `ingest_time` values are filled in. Extra columns
    are ignored; missing ones (other than source and ingest_time) are an error.
    """
    if isinstance(rows, pa.Table):
        table = rows
    elif hasattr(rows, "columns") and hasattr(rows, "dtypes"):  # pandas.DataFrame
        table = pa.Table.from_pandas(rows, preserve_index=False)
    else:
        table = _rows_to_arrow(rows)
    n = table.num_rows
    missing = [c for c in JOB_COLUMNS if c not in table.column_names and c not in ("source", "ingest_time")]
    if missing:
        raise ValueError(f"job rows lack columns: {', '.join(missing)}")
    arrays = []
    for fld in JOBS_ARROW_SCHEMA:
        if fld.name in table.column_names:
            arrays.append(_conform_column(table.column(fld.name), fld.type, fld.name))
        else:
            arrays.append(pa.chunked_array([pa.nulls(n, fld.type)]))
    out = pa.Table.from_arrays(arrays, schema=JOBS_ARROW_SCHEMA)
    for key in KEY_COLUMNS:
        column = out.column(key)
        bad = column.null_count + pc.sum(pc.equal(pc.utf8_length(column), 0)).as_py() if n else 0
        if bad:
            raise ValueError(f"{bad} job row(s) have an empty {key}")
        out = out.set_column(out.schema.get_field_index(key), key, pc.utf8_lower(column))
    source_idx = out.schema.get_field_index("source")
    out = out.set_column(source_idx, "source", pc.fill_null(out.column("source"), source))
    time_idx = out.schema.get_field_index("ingest_time")
    out = out.set_column(time_idx, "ingest_time",
                         pc.fill_null(out.column("ingest_time"), pa.scalar(ingest_time, pa.timestamp("us"))))
    return out


_COLUMN_LIST = ", ".join(f'"{c}"' for c in JOB_COLUMNS)
_GUIDE_COLUMNS = ("guide_article", "guide_error_id", "error_category")
# The batch row takes the stored row's guidance only when it has none better of its own.
_TAKE_NEW_GUIDE = (
    "(e.vault_id IS NULL OR e.source = b.source OR e.error_category IS NULL"
    " OR (b.error_category IS NOT NULL AND (b.guide_article IS NOT NULL OR e.guide_article IS NULL)))"
)


def _merged_column(name: str) -> str:
    if name in KEY_COLUMNS or name in ("source", "ingest_time"):
        return f'b."{name}"'
    if name in _GUIDE_COLUMNS:
        return f'CASE WHEN {_TAKE_NEW_GUIDE} THEN b."{name}" ELSE e."{name}" END'
    return (f'CASE WHEN e.vault_id IS NULL OR e.source = b.source THEN b."{name}" '
            f'ELSE coalesce(b."{name}", e."{name}") END')


_MERGED_SELECT = ", ".join(_merged_column(c) for c in JOB_COLUMNS)


def _record_mixed_sources(con: duckdb.DuckDBPyConnection, incoming: str) -> None:
    """Inside an upsert: where a batch row meets a stored row of another source, both sources are
    remembered (the stored row's source column only names the latest)."""
    con.execute(
        "INSERT INTO job_sources SELECT DISTINCT vault_id, job_id, source FROM ("
        "SELECT e.vault_id, e.job_id, e.source FROM upsert_existing e JOIN " + incoming + " b "
        "ON e.vault_id = b.vault_id AND e.job_id = b.job_id WHERE e.source <> b.source "
        "UNION SELECT b.vault_id, b.job_id, b.source FROM upsert_existing e JOIN " + incoming + " b "
        "ON e.vault_id = b.vault_id AND e.job_id = b.job_id WHERE e.source <> b.source) AS mixed "
        "WHERE NOT EXISTS (SELECT 1 FROM job_sources s WHERE s.vault_id = mixed.vault_id "
        "AND s.job_id = mixed.job_id AND s.source = mixed.source)")


def _clip(text: str | None) -> str | None:
    if text is None or len(text) <= RAW_TEXT_LIMIT:
        return text
    return text[:RAW_TEXT_LIMIT] + f"… [{len(text) - RAW_TEXT_LIMIT} more characters]"


# ---------------------------------------------------------------------------------------------
# The store


@dataclass
class Store:
    path: Path
    connection: duckdb.DuckDBPyConnection
    read_only: bool = False
    applied_migrations: list[Migration] = field(default_factory=list)

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection to the same database for use in another thread."""
        return self.connection.cursor()

    # -- jobs ---------------------------------------------------------------------------------
    def upsert_jobs(self, rows: Any, source: str) -> UpsertResult:
        """Insert new jobs and update existing ones, keyed by (vault_id, job_id).

        Within one batch the last row of a key wins. A row replaces a stored row from the same
        source; a row from another source only overrides the values it has, so a Log Analytics
        failure code and a REST error message of one job end up side by side. Runs in one
        transaction: a failure leaves the store as it was.
        """
        self._require_writable()
        now = utc_now()
        batch = to_jobs_arrow(rows, source, now)
        if batch.num_rows == 0:
            return UpsertResult(0, 0)
        con = self.connection
        view = f"incoming_{uuid.uuid4().hex}"
        con.register(view, batch)
        try:
            distinct = _scalar(con, f"SELECT count(*) FROM (SELECT DISTINCT vault_id, job_id FROM {view})")
            duplicates = batch.num_rows - distinct
            with _transaction(con, self.path):
                incoming = view
                if duplicates:
                    incoming = "upsert_batch"
                    con.register("numbered_batch", batch.append_column(
                        "batch_ordinal", pa.array(range(batch.num_rows), pa.int64())))
                    con.execute(
                        f"CREATE OR REPLACE TEMP TABLE upsert_batch AS SELECT {_COLUMN_LIST} FROM numbered_batch "
                        "QUALIFY row_number() OVER (PARTITION BY vault_id, job_id ORDER BY batch_ordinal DESC) = 1"
                    )
                    con.unregister("numbered_batch")
                updated = 0
                if _scalar(con, "SELECT EXISTS (SELECT 1 FROM jobs)"):
                    con.execute(
                        "CREATE OR REPLACE TEMP TABLE upsert_existing AS "
                        f"SELECT j.rowid AS stored_rowid, j.* FROM jobs j SEMI JOIN {incoming} b "
                        "ON j.vault_id = b.vault_id AND j.job_id = b.job_id"
                    )
                    updated = _scalar(con, "SELECT count(*) FROM upsert_existing")
                if updated:
                    _record_mixed_sources(con, incoming)
                    con.execute("DELETE FROM jobs WHERE rowid IN (SELECT stored_rowid FROM upsert_existing)")
                    con.execute(
                        f"INSERT INTO jobs ({_COLUMN_LIST}) SELECT {_MERGED_SELECT} FROM {incoming} b "
                        "LEFT JOIN upsert_existing e ON e.vault_id = b.vault_id AND e.job_id = b.job_id"
                    )
                else:
                    con.execute(f"INSERT INTO jobs ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM {incoming}")
                self._touch("last_ingest_time", now)
        finally:
            for table in ("upsert_existing", "upsert_batch"):
                try:
                    con.execute(f"DROP TABLE IF EXISTS {table}")
                except duckdb.Error:
                    pass  # temporary; gone with the connection anyway
            con.unregister(view)
        return UpsertResult(inserted=distinct - updated, updated=updated, duplicates=duplicates)

    def job_sources(self, vault_id: str, job_id: str) -> list[str]:
        """Every source that delivered this job, sorted (empty when the store does not hold it)."""
        key = [vault_id.lower(), job_id.lower()]
        held = _first_row(self.connection, "SELECT source FROM jobs WHERE vault_id = ? AND job_id = ?", key)
        if held is None:
            return []
        others = self.connection.execute(
            "SELECT source FROM job_sources WHERE vault_id = ? AND job_id = ?", key).fetchall()
        return sorted({held[0], *(r[0] for r in others)})

    def held_keys(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (vault id, job id) keys the store holds (compared lower-cased)."""
        pairs = sorted({(v.lower(), j.lower()) for v, j in keys})
        if not pairs:
            return set()
        rows = self.connection.execute(
            "SELECT j.vault_id, j.job_id FROM jobs j SEMI JOIN (SELECT unnest(?) AS vault_id, unnest(?) AS job_id) k "
            "ON j.vault_id = k.vault_id AND j.job_id = k.job_id", [[p[0] for p in pairs], [p[1] for p in pairs]]
        ).fetchall()
        return {(v, j) for v, j in rows}

    def job_count(self) -> int:
        return _scalar(self.connection, "SELECT count(*) FROM jobs")

    # -- quarantine ---------------------------------------------------------------------------
    def add_quarantine(self, rows: Iterable[QuarantineRow], replace_sources: Iterable[str] = ()) -> int:
        """Record rejected records. A record at the same (source, location) replaces the earlier
        one; `replace_sources` first drops everything recorded for those sources, so a re-imported
        file is described by its latest import only. Returns the number recorded."""
        self._require_writable()
        now = utc_now()
        latest: dict[tuple[str, str], tuple] = {}
        for row in rows:
            latest[(row.source, row.location)] = (
                row.source, row.location, row.reason, _clip(row.raw), row.quarantined_at or now)
        replace_sources = list(replace_sources)
        if replace_sources:
            self._drop_quarantine(replace_sources)
        if not latest:
            return 0
        batch = pa.table(
            list(zip(*latest.values(), strict=False)),
            schema=pa.schema([("source", pa.string()), ("location", pa.string()), ("reason", pa.string()),
                              ("raw", pa.string()), ("quarantined_at", pa.timestamp("us"))]),
        )
        con = self.connection
        view = f"quarantine_{uuid.uuid4().hex}"
        con.register(view, batch)
        try:
            with _transaction(con, self.path):
                con.execute(f"DELETE FROM quarantine USING {view} AS b "
                            "WHERE quarantine.source = b.source AND quarantine.location = b.location")
                con.execute(f"INSERT INTO quarantine SELECT * FROM {view}")
                self._touch("last_quarantine_time", now)
        finally:
            con.unregister(view)
        return len(latest)

    def _drop_quarantine(self, sources: list[str]) -> None:
        con = self.connection
        with _transaction(con, self.path):
            deleted = con.execute("DELETE FROM quarantine WHERE list_contains(?, source)", [sources]).fetchall()
            if deleted and deleted[0][0]:
                self._touch("last_quarantine_time", utc_now())

    def quarantine(self, limit: int | None = 100, source: str | None = None) -> list[QuarantineRow]:
        """Rejected records, newest first."""
        sql = f"SELECT {', '.join(QUARANTINE_COLUMNS)} FROM quarantine"
        params: list[Any] = []
        if source is not None:
            sql += " WHERE source = ?"
            params.append(source)
        sql += " ORDER BY quarantined_at DESC, source, location"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        with _reading(self.path):
            return [QuarantineRow(*r) for r in self.connection.execute(sql, params).fetchall()]

    def quarantine_count(self) -> int:
        with _reading(self.path):
            return _scalar(self.connection, "SELECT count(*) FROM quarantine")

    # -- sync state ---------------------------------------------------------------------------
    def get_watermark(self, source: str, scope: str = "") -> str | None:
        return _scalar(self.connection, "SELECT watermark FROM sync_state WHERE source = ? AND scope = ?",
                       [source, scope])

    def set_watermark(self, source: str, scope: str, watermark: str | dt.datetime | None) -> None:
        """Remember how far `source` got for `scope` (a vault id, a workspace...). Datetimes are
        stored as naive-UTC ISO strings."""
        self._require_writable()
        if isinstance(watermark, dt.datetime):
            watermark = naive_utc(watermark).isoformat()
        now = utc_now()
        con = self.connection
        with _transaction(con, self.path):
            con.execute("INSERT OR REPLACE INTO sync_state VALUES (?, ?, ?, ?)", [source, scope, watermark, now])
            self._touch("last_sync_time", now)

    def sync_states(self) -> list[tuple[str, str, str | None, dt.datetime | None]]:
        return self.connection.execute(
            "SELECT source, scope, watermark, updated_at FROM sync_state ORDER BY source, scope"
        ).fetchall()

    # -- removing data ------------------------------------------------------------------------
    def delete_source(self, source: str) -> DeleteReport:
        """Delete the jobs, quarantined records and sync watermarks of one source label ("sample",
        "azure-rest", "log-analytics:export.csv"). A label ending in ":" names every label it starts:
        "log-analytics:" is all Log Analytics files, "rest:" all REST files. One transaction."""
        self._require_writable()
        if not source:
            raise ValueError("name a source label, such as 'sample'")
        matches = "starts_with(source, ?)" if source.endswith(":") else "source = ?"
        return self._delete(f"WHERE {matches}", [source])

    def clear(self) -> DeleteReport:
        """Empty the store: every job, quarantined record and sync watermark. The schema and the store's
        identity stay; the times of the last ingest and sync are forgotten with the data. One transaction."""
        self._require_writable()
        return self._delete("", [])

    def was_emptied(self) -> bool:
        """Someone deleted data from this store (`delete_source`, `clear`): an empty store that was
        emptied on purpose is not a new one."""
        return _get_meta(self.connection, "last_delete_time") is not None

    def _delete(self, where: str, params: list[Any]) -> DeleteReport:
        con = self.connection
        counts = []
        with _transaction(con, self.path):
            for table in ("jobs", "quarantine", "sync_state"):
                counts.append(_scalar(con, f"SELECT count(*) FROM {table} {where}", params))
                con.execute(f"DELETE FROM {table} {where}", params)
            con.execute(f"DELETE FROM job_sources {where}", params)
            con.execute("DELETE FROM job_sources WHERE NOT EXISTS (SELECT 1 FROM jobs j "
                        "WHERE j.vault_id = job_sources.vault_id AND j.job_id = job_sources.job_id)")
            now = utc_now()
            if not _scalar(con, "SELECT count(*) FROM jobs"):
                con.execute("DELETE FROM meta WHERE key = 'last_ingest_time'")
            if not _scalar(con, "SELECT count(*) FROM sync_state"):
                con.execute("DELETE FROM meta WHERE key = 'last_sync_time'")
            self._touch("last_delete_time", now)
        return DeleteReport(*counts)

    # -- bookkeeping --------------------------------------------------------------------------
    def version(self) -> str:
        """Changes on every write (and differs between store files): use it as a cache key."""
        con = self.connection
        store_id = _get_meta(con, "store_id") or ""
        return f"{store_id}:{_get_meta(con, 'data_version') or '0'}"

    def schema_version(self) -> int:
        return _file_schema_version(self.connection)

    def info(self) -> StoreInfo:
        con = self.connection
        with _reading(self.path):
            sources = dict(con.execute("SELECT source, count(*) FROM jobs GROUP BY source").fetchall())
            return self._info(sources)

    def _info(self, sources: dict[str, int]) -> StoreInfo:
        con = self.connection
        return StoreInfo(
            path=str(self.path),
            schema_version=self.schema_version(),
            jobs=sum(sources.values()),
            sources=sources,
            quarantined=self.quarantine_count(),
            last_ingest_time=_parse_meta_time(_get_meta(con, "last_ingest_time")),
            last_sync_time=_parse_meta_time(_get_meta(con, "last_sync_time")),
            version=self.version(),
            read_only=self.read_only,
        )

    def _touch(self, key: str, when: dt.datetime) -> None:
        """Inside a write transaction: stamp `key` and bump the write counter."""
        con = self.connection
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
        )
        _set_meta(con, key, when.isoformat())

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")


def _parse_meta_time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


# ---------------------------------------------------------------------------------------------
# Opening


def _is_lock_error(exc: Exception) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def _is_write_refused(exc: Exception) -> bool:
    text = str(exc).lower()
    return "read-only file system" in text or "permission denied" in text


def _connect(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.ConnectionException as exc:
            if "different configuration" in str(exc) and read_only:
                # This process already has the file open for writing; share that instance.
                con = duckdb.connect(str(path), read_only=False)
                break
            raise StoreError(f"{path}: {exc}") from exc
        except duckdb.IOException as exc:
            if _is_damage(exc):
                raise _damaged(path, exc) from exc
            if not read_only and _is_write_refused(exc):
                raise StoreError(f"{path}: cannot open the store for writing: {_first_line(exc)}; what it holds "
                                 "is unchanged and can still be read (python -m loaders jobs info)") from exc
            if not _is_lock_error(exc):
                raise StoreError(f"{path}: cannot open store: {exc}") from exc
            if time.monotonic() >= deadline:
                raise StoreLockedError(
                    f"{path} is in use by another process (DuckDB allows one writer, or readers only): {exc}"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        except duckdb.Error as exc:
            if _is_damage(exc):
                raise _damaged(path, exc) from exc
            raise StoreError(f"{path}: cannot open store: {exc}") from exc
    con.execute("SET TimeZone = 'UTC'")
    return con


def open_store(path: str | os.PathLike[str] | None = None, read_only: bool = False,
               lock_wait: float = LOCK_WAIT_SECONDS) -> Store:
    """Open (creating and migrating as needed) the job store at `path` (default: default_db_path()).

    `read_only=True` is for readers such as the dashboard: several processes can read at once,
    while a writer needs the file to itself. A missing or outdated file is first created or
    migrated through a short read-write open. Waits up to `lock_wait` seconds for a lock.
    """
    target = Path(path).expanduser() if path is not None else default_db_path()
    if str(target) != ":memory:":
        if target.is_dir():
            raise StoreError(f"{target} is a folder; give the path of a store file (such as fleet.duckdb)")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = ("a file is in the way" if isinstance(exc, (FileExistsError, NotADirectoryError))
                      else exc.strerror or str(exc))
            raise StoreError(f"{target}: cannot create its folder {target.parent}: {reason}") from exc
    try:
        return _open(target, read_only, lock_wait)
    except duckdb.Error as exc:  # reading the schema version of a file that opened but is damaged
        if _is_damage(exc):
            raise _damaged(target, exc) from exc
        raise StoreError(f"{target}: cannot open store: {_first_line(exc)}") from exc


def _open(target: Path, read_only: bool, lock_wait: float) -> Store:
    applied: list[Migration] = []
    if read_only and str(target) != ":memory:":
        if not target.exists():
            with open_store(target, read_only=False, lock_wait=lock_wait) as init:
                applied = init.applied_migrations
        con = _connect(target, True, lock_wait)
        if _file_schema_version(con) < SCHEMA_VERSION:
            con.close()
            with open_store(target, read_only=False, lock_wait=lock_wait) as upgrade:
                applied = upgrade.applied_migrations
            con = _connect(target, True, lock_wait)
        elif _file_schema_version(con) > SCHEMA_VERSION:
            con.close()
            raise StoreError(f"{target}: schema version is newer than this program understands ({SCHEMA_VERSION})")
        return Store(target, con, read_only=True, applied_migrations=applied)
    con = _connect(target, False, lock_wait)
    try:
        applied = migrate(con)
    except StoreError as exc:
        con.close()
        raise StoreError(f"{target}: {exc}") from exc
    except duckdb.Error as exc:
        con.close()
        if _is_damage(exc):
            raise _damaged(target, exc) from exc
        raise StoreError(f"{target}: cannot prepare store: {exc}") from exc
    return Store(target, con, read_only=False, applied_migrations=applied)
