"""The fleet index: a compact copy of the jobs table in a connection's temporary tables.

Integer VM keys, enum-coded filter columns, jobs sorted by start time, per-day counts, and every failed
backup already placed between the successes around it. The first query on a connection builds it; it is
rebuilt only when the store's data version changes. It reads the row ids of `jobs`, so `jobs` must be a
table.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.queries.sql import earliest_value, error_key, in_list, quote, timestamp_literal, vm_key
from loaders.jobs.schema import BACKUP, FAILED, SUCCESS_STATUSES

# Filter field -> jobs column, for the columns coded as enums in the index.
ENTITY_FIELDS = (("subscriptions", "subscription_id"), ("vaults", "vault_name"), ("regions", "region"),
                 ("os_types", "os_type"))
JOB_FIELDS = (("operations", "operation"), ("statuses", "status"))
CODED_COLUMNS = tuple(column for _, column in ENTITY_FIELDS + JOB_FIELDS)
INDEX_TABLES = ("fleet_index_meta", "fleet_vms", "fleet_names", "fleet_attributes", "fleet_jobs", "fleet_days",
                "fleet_failed", "fleet_successes", "fleet_placed")


@dataclass(frozen=True)
class FleetIndex:
    """What the views need to know about the index of a connection: the values of each coded column."""

    version: str
    values: dict[str, list[str]]

    def code_in(self, column: str, values: Sequence[str], table: str = "") -> str:
        """SQL condition "column is one of values" on the enum codes (unknown values match nothing)."""
        known = self.values[column]
        codes = sorted(known.index(v) for v in set(values) if v in known)
        if not codes:
            return "false"
        qualified = f"{table}.{column}" if table else column
        if codes[-1] < 63:  # a bit test is about twice as fast as IN on a million rows
            return f"(({sum(1 << c for c in codes)}::UBIGINT >> enum_code({qualified})) & 1) = 1"
        return f"enum_code({qualified}) IN ({', '.join(map(str, codes))})"

    def entity(self, f: FleetFilter) -> str:
        conditions = [self.code_in(column, getattr(f, attr)) for attr, column in ENTITY_FIELDS if getattr(f, attr)]
        return " AND ".join(conditions) or "true"

    def jobs(self, f: FleetFilter) -> str:
        """Operation and status conditions of `f`."""
        conditions = [self.code_in(column, getattr(f, attr)) for attr, column in JOB_FIELDS if getattr(f, attr)]
        return " AND ".join(conditions) or "true"

    def scope(self, f: FleetFilter) -> str:
        """Period and operation/status conditions of `f` (the entity conditions are separate)."""
        return (f"(start_time >= {timestamp_literal(f.start)} AND start_time < {timestamp_literal(f.end)} "
                f"AND {self.jobs(f)})")


def _data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever the jobs change. The store keeps a write counter in its `meta` table (what
    `Store.version()` reads); a bare jobs table gets a fingerprint of its rows instead."""
    try:
        meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('store_id', 'data_version')").fetchall())
    except (duckdb.CatalogException, duckdb.BinderException):
        meta = {}
    if "data_version" in meta:
        return f"store:{meta.get('store_id')}:{meta['data_version']}"
    count, last_row, digest = con.execute(
        "SELECT count(*), max(rowid), bit_xor(hash(vault_id, job_id, status, start_time, vm_id, error_code)) FROM jobs"
    ).fetchone()
    return f"table:{count}:{last_row}:{digest}"


def fleet_index(con: duckdb.DuckDBPyConnection) -> FleetIndex:
    """The fleet index of this connection, (re)built when the data changed since it was built."""
    version = _data_version(con)
    try:
        row = con.execute("SELECT version, coded_values FROM fleet_index_meta").fetchone()
    except duckdb.CatalogException:
        row = None
    if row is not None and row[0] == version:
        return FleetIndex(version, json.loads(row[1]))
    return _build_index(con, version)


def _build_index(con: duckdb.DuckDBPyConnection, version: str) -> FleetIndex:
    lists = con.execute(
        "SELECT " + ", ".join(f"list(DISTINCT {c} ORDER BY {c}) FILTER (WHERE {c} IS NOT NULL)" for c in CODED_COLUMNS)
        + " FROM jobs"
    ).fetchone()
    values = {column: list(found or []) for column, found in zip(CODED_COLUMNS, lists, strict=False)}
    index = FleetIndex(version, values)

    def coded(column: str) -> str:
        if not values[column]:
            return f"CAST(NULL AS VARCHAR) AS {column}"
        return f"CAST(j.{column} AS ENUM({', '.join(map(quote, values[column]))})) AS {column}"

    con.execute("DROP TABLE IF EXISTS fleet_index_meta")  # a failed rebuild must not look finished
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_vms AS
        SELECT CAST(row_number() OVER (ORDER BY vm_id) AS INTEGER) AS vm, vm_id
        FROM (SELECT DISTINCT {vm_key()} AS vm_id FROM jobs WHERE vm_id IS NOT NULL OR vm_name IS NOT NULL)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fleet_names AS
        SELECT CAST(row_number() OVER (ORDER BY vm_name) AS INTEGER) AS name, vm_name
        FROM (SELECT DISTINCT vm_name FROM jobs WHERE vm_name IS NOT NULL)""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_coded AS
        SELECT j.rowid AS row, v.vm, n.name, j.start_time, {', '.join(coded(c) for c in CODED_COLUMNS)},
               coalesce(j.is_scheduled, true) AS scheduled,
               coalesce(j.operation = '{BACKUP}' AND j.status IN {in_list(SUCCESS_STATUSES)}, false) AS backup_ok
        FROM jobs j LEFT JOIN fleet_vms v ON v.vm_id = {vm_key('j')} LEFT JOIN fleet_names n ON n.vm_name = j.vm_name
        WHERE j.start_time IS NOT NULL""")
    # One id per combination of the attributes a VM is shown with, so that a view finds them with one
    # integer instead of five columns.
    shown = ("name", "vault_name", "subscription_id", "region", "os_type")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_attributes AS
        SELECT CAST(row_number() OVER () AS INTEGER) AS attributes, *
        FROM (SELECT DISTINCT {', '.join(shown)} FROM fleet_coded WHERE vm IS NOT NULL)""")
    # Sorted by start time, so that the period filters skip whole row groups.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_jobs AS
        SELECT c.*, a.attributes
        FROM fleet_coded c LEFT JOIN fleet_attributes a
          ON {' AND '.join(f'a.{column} IS NOT DISTINCT FROM c.{column}' for column in shown)} AND c.vm IS NOT NULL
        ORDER BY c.start_time""")
    con.execute("DROP TABLE fleet_coded")
    # Jobs per day and value of every filter column: the views count whole days from here.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_days AS
        SELECT CAST(start_time AS DATE) AS day, {', '.join(CODED_COLUMNS)}, count(*) AS jobs
        FROM fleet_jobs GROUP BY ALL ORDER BY day""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_failed AS
        SELECT f.*, j.job_id, {error_key('j')} AS error_code,
               j.error_message, j.error_category, j.guide_article, j.guide_error_id
        FROM fleet_jobs f JOIN jobs j ON j.rowid = f.row
        WHERE {index.code_in('status', (FAILED,), 'f')}
        ORDER BY f.start_time""")
    # Every failed backup between the latest success that started strictly before it and the earliest one
    # starting at or after it, looked up in the VM's list of success times: failures are few, so this is
    # much cheaper than ordering every VM's whole history in a window. Failures with the same success
    # before them form a run; each carries the error of its run's first failure.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fleet_successes AS
        SELECT vm, list(start_time ORDER BY start_time) AS times FROM fleet_jobs
        WHERE vm IS NOT NULL AND backup_ok GROUP BY vm""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_placed AS
        WITH placed AS (
            SELECT f.vm, f.start_time, f.job_id, f.scheduled, f.error_code, f.error_message,
                   list_max(list_filter(s.times, lambda t: t < f.start_time)) AS prev_success,
                   list_min(list_filter(s.times, lambda t: t >= f.start_time)) AS next_success
            FROM fleet_failed f LEFT JOIN fleet_successes s USING (vm)
            WHERE f.vm IS NOT NULL AND {index.code_in('operation', (BACKUP,), 'f')}),
        firsts AS (
            SELECT vm, prev_success, {earliest_value("{'code': error_code, 'message': error_message}")} AS first
            FROM placed GROUP BY vm, prev_success)
        SELECT p.vm, p.start_time, p.scheduled, p.prev_success, p.next_success,
               f.first.code AS run_error_code, f.first.message AS run_error_message
        FROM placed p JOIN firsts f ON f.vm = p.vm AND f.prev_success IS NOT DISTINCT FROM p.prev_success
        ORDER BY p.start_time""")
    con.execute("CREATE OR REPLACE TEMP TABLE fleet_index_meta AS SELECT ? AS version, ? AS coded_values",
                [version, json.dumps(values)])
    return index


def drop_index(con: duckdb.DuckDBPyConnection) -> None:
    """Free the memory of this connection's fleet index (the next query rebuilds it)."""
    for table in INDEX_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
