"""Fleet questions a team lead asks, answered in SQL over the `jobs` table of the store.

Every function takes a DuckDB connection and a `FleetFilter` and returns a pandas DataFrame or a small
dataclass; `fleet_summary` answers all of them for one filter state (what the Fleet page and the benchmark
call). All SQL of the fleet views lives in this module.

Definitions (the same everywhere):

* **Scope.** A job is in scope when its start time is in `[start, end)` and it matches every non-empty
  filter field (subscription ids, vault names, regions, OS types, operations, statuses). Times are naive UTC.
* **VM.** A VM is identified by its ARM id; jobs whose source gave no VM id fall back to
  `<vault id>/<lower-cased VM name>`, and jobs with neither are counted as jobs but never as a VM.
  Name, vault, subscription, region and OS of a VM are those of its latest job in scope.
* **Error code.** The string code name, else the integer code as text; a failed job with neither is
  grouped by its raw message. Unknown codes keep their raw message and the category "unknown".
* **Success rate** = (Completed + CompletedWithWarnings) / (Completed + CompletedWithWarnings + Failed).
  Cancelled and still-running jobs are neither a success nor a failure; no finished job gives None.
* **Backup history of a VM.** All its finished backups (operation Backup, status Completed,
  CompletedWithWarnings or Failed), scheduled or on-demand, ordered by start time. The filters choose which
  VMs are in scope, not which of their backups count (a streak needs the successes that end it, and a VM
  that moved vault keeps its history); histories look back before `start` but never past `end`.
* **Run.** A maximal stretch of failed backups in a VM's history; the next successful backup ends it (a
  success starting at the very same moment as a failure counts as after it). A job without a trigger flag
  counts as scheduled. A **failure streak** counts the *scheduled* failed backups of a run:
  `current_streak` is that of the run still open at the end of the period, `longest_streak` the largest
  among runs with a failure in the period (or still open).
* **Time to recover** of a run = start of the success that ends it − start of its first failure, for runs
  whose first failure is in the period, attributed to the error code of that first failure.
* **Last success** = start time (the recovery point) of the latest successful backup that started before
  the end of the period (or before `now` for the RPO breach).

How: the first query on a connection builds a compact copy of the jobs table (the *fleet index*: integer
VM keys, enum-coded filter columns, sorted by start time, and every failed backup already placed between
the successes around it) in temporary tables, and rebuilds it only when the store's data version changes.
Each view is then one SQL statement over a few shared relations ("blocks"); a view on its own inlines the
blocks it needs as CTEs, `fleet_summary` materialises them once per filter state so that the index is
scanned a handful of times rather than once or more per view. The index reads the row ids of `jobs`, so
`jobs` must be a table.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd

from loaders.jobs.schema import (
    BACKUP,
    CANCELLED,
    COMPLETED,
    COMPLETED_WITH_WARNINGS,
    FAILED,
    RUNNING_STATUSES,
    SUCCESS_STATUSES,
    UNKNOWN_CATEGORY,
)
from loaders.jobs.timeutil import naive_utc


def _vm_key(table: str = "") -> str:
    """The VM of a job row (CASE rather than coalesce: the fallback string is built only when needed)."""
    t = f"{table}." if table else ""
    return f"(CASE WHEN {t}vm_id IS NULL THEN {t}vault_id || '/' || lower({t}vm_name) ELSE {t}vm_id END)"


def _error_key(table: str = "") -> str:
    t = f"{table}." if table else ""
    return f"coalesce({t}error_code, CAST({t}error_code_int AS VARCHAR))"


@dataclass(frozen=True)
class FleetFilter:
    """One filter state of the fleet views. Empty tuples mean "all"; `end` is exclusive; naive UTC."""

    start: dt.datetime
    end: dt.datetime
    subscriptions: tuple[str, ...] = ()
    vaults: tuple[str, ...] = ()  # vault names
    regions: tuple[str, ...] = ()
    os_types: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", naive_utc(self.start))
        object.__setattr__(self, "end", naive_utc(self.end))
        if self.end <= self.start:
            raise ValueError(f"empty period: end {self.end} is not after start {self.start}")
        for name in ("subscriptions", "vaults", "regions", "os_types", "operations", "statuses"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(sorted(set(value))))

    @classmethod
    def last_days(cls, now: dt.datetime, days: int, **filters: Any) -> FleetFilter:
        """The `days` days up to `now` (exclusive)."""
        now = naive_utc(now)
        return cls(start=now - dt.timedelta(days=days), end=now, **filters)

    @property
    def length(self) -> dt.timedelta:
        return self.end - self.start

    def previous(self) -> FleetFilter:
        """The period of the same length just before this one, with the same other filters."""
        return replace(self, start=self.start - self.length, end=self.start)


# ---------------------------------------------------------------------------------------------------------
# The fleet index
# ---------------------------------------------------------------------------------------------------------
# Filter field -> jobs column, for the columns coded as enums in the index.
_ENTITY_FIELDS = (("subscriptions", "subscription_id"), ("vaults", "vault_name"), ("regions", "region"),
                  ("os_types", "os_type"))
_JOB_FIELDS = (("operations", "operation"), ("statuses", "status"))
_CODED = tuple(column for _, column in _ENTITY_FIELDS + _JOB_FIELDS)
_INDEX_TABLES = ("fleet_index_meta", "fleet_vms", "fleet_names", "fleet_attributes", "fleet_jobs", "fleet_days",
                 "fleet_failed", "fleet_successes", "fleet_placed")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join(map(_quote, values)) + ")"


def _timestamp(value: dt.datetime) -> str:
    """A timestamp literal (our own datetimes only, so no quoting concerns)."""
    return f"TIMESTAMP '{value.isoformat(sep=' ')}'"


@dataclass(frozen=True)
class _Index:
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
        conditions = [self.code_in(column, getattr(f, attr)) for attr, column in _ENTITY_FIELDS if getattr(f, attr)]
        return " AND ".join(conditions) or "true"

    def jobs(self, f: FleetFilter) -> str:
        """Operation and status conditions of `f`."""
        conditions = [self.code_in(column, getattr(f, attr)) for attr, column in _JOB_FIELDS if getattr(f, attr)]
        return " AND ".join(conditions) or "true"

    def scope(self, f: FleetFilter) -> str:
        """Period and operation/status conditions of `f` (the entity conditions are separate)."""
        return f"(start_time >= {_timestamp(f.start)} AND start_time < {_timestamp(f.end)} AND {self.jobs(f)})"


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


def _index(con: duckdb.DuckDBPyConnection) -> _Index:
    """The fleet index of this connection, (re)built when the data changed since it was built."""
    version = _data_version(con)
    try:
        row = con.execute("SELECT version, coded_values FROM fleet_index_meta").fetchone()
    except duckdb.CatalogException:
        row = None
    if row is not None and row[0] == version:
        return _Index(version, json.loads(row[1]))
    return _build_index(con, version)


def _build_index(con: duckdb.DuckDBPyConnection, version: str) -> _Index:
    lists = con.execute(
        "SELECT " + ", ".join(f"list(DISTINCT {c} ORDER BY {c}) FILTER (WHERE {c} IS NOT NULL)" for c in _CODED)
        + " FROM jobs"
    ).fetchone()
    values = {column: list(found or []) for column, found in zip(_CODED, lists)}
    index = _Index(version, values)

    def coded(column: str) -> str:
        if not values[column]:
            return f"CAST(NULL AS VARCHAR) AS {column}"
        return f"CAST(j.{column} AS ENUM({', '.join(map(_quote, values[column]))})) AS {column}"

    con.execute("DROP TABLE IF EXISTS fleet_index_meta")  # a failed rebuild must not look finished
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_vms AS
        SELECT CAST(row_number() OVER (ORDER BY vm_id) AS INTEGER) AS vm, vm_id
        FROM (SELECT DISTINCT {_vm_key()} AS vm_id FROM jobs WHERE vm_id IS NOT NULL OR vm_name IS NOT NULL)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fleet_names AS
        SELECT CAST(row_number() OVER (ORDER BY vm_name) AS INTEGER) AS name, vm_name
        FROM (SELECT DISTINCT vm_name FROM jobs WHERE vm_name IS NOT NULL)""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_coded AS
        SELECT j.rowid AS row, v.vm, n.name, j.start_time, {', '.join(coded(c) for c in _CODED)},
               coalesce(j.is_scheduled, true) AS scheduled,
               coalesce(j.operation = '{BACKUP}' AND j.status IN {_in(SUCCESS_STATUSES)}, false) AS backup_ok
        FROM jobs j LEFT JOIN fleet_vms v ON v.vm_id = {_vm_key('j')} LEFT JOIN fleet_names n ON n.vm_name = j.vm_name
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
        SELECT CAST(start_time AS DATE) AS day, {', '.join(_CODED)}, count(*) AS jobs
        FROM fleet_jobs GROUP BY ALL ORDER BY day""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fleet_failed AS
        SELECT f.*, j.job_id, {_error_key('j')} AS error_code,
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
            SELECT vm, prev_success, {_earliest("{'code': error_code, 'message': error_message}")} AS first
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
    for table in _INDEX_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")


# ---------------------------------------------------------------------------------------------------------
# Blocks shared by the views
# ---------------------------------------------------------------------------------------------------------
def _latest(column: str) -> str:
    """The value of `column` on the latest row (by start time, then job id), NULL included."""
    return f"arg_max({{'v': {column}}}, (start_time, job_id)).v"


def _earliest(column: str) -> str:
    return f"arg_min({{'v': {column}}}, (start_time, job_id)).v"


class _Blocks:
    """The relations the views share, for one filter state:

    * `cube` — jobs in scope per UTC day, status, region and vault (`current`); with `with_previous`, also
      those of the previous period (`NOT current`), from the same scan;
    * `failures` — failed jobs in scope (`in_scope`) or, with `with_previous`, in the previous period
      (`in_previous`), with their error fields;
    * `vm_facts` — per VM: the attributes of its latest job in scope (NULL when it has none), the start of its
      latest successful backup before the end of the period (`before_end`) and before `now`
      (`before_now`); with `with_previous`, whether it has a job in the previous period and its latest
      success before the previous period's `now`;
    * `scope_vms` — VMs with a job in scope, with the attributes of their latest job in scope;
    * `runs` — one row per run of failures of the VMs in scope, as seen at the end of the period: first
      and last failure, the success that ended it (NULL while open), the error of its first failure and how
      many of its failures were scheduled.
    """

    ORDER = ("cube", "failures", "vm_facts", "scope_vms", "runs")
    NEEDS = {"scope_vms": ("vm_facts",), "runs": ("scope_vms",)}
    # `failures` stays a CTE: a filter over the few failed jobs is cheaper than writing a table.
    MATERIALISED = ("cube", "vm_facts", "scope_vms", "runs")

    def __init__(self, index: _Index, f: FleetFilter, now: dt.datetime | None = None,
                 with_previous: bool = False) -> None:
        self.index = index
        self.f = f
        self.now = naive_utc(now) if now is not None else f.end
        self.previous = f.previous() if with_previous else None
        self.previous_now = self.now - f.length
        self.tables: dict[str, str] = {}

    def _closure(self, names: Sequence[str]) -> list[str]:
        wanted: set[str] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name not in wanted:
                wanted.add(name)
                pending.extend(self.NEEDS.get(name, ()))
        return [name for name in self.ORDER if name in wanted]

    def ctes(self, *names: str) -> str:
        """A `WITH` clause defining `names` and what they need."""
        parts = [f"{name} AS (FROM {self.tables[name]})" if name in self.tables else getattr(self, f"_{name}")()
                 for name in self._closure(names)]
        return "WITH " + ",\n    ".join(parts)

    def materialise(self, con: duckdb.DuckDBPyConnection) -> None:
        """Compute the costly blocks once into temporary tables that later `ctes` read from."""
        tag = uuid.uuid4().hex[:12]
        for name in self.MATERIALISED:
            table = f"fleet_{name}_{tag}"
            con.execute(f"CREATE TEMP TABLE {table} AS {self.ctes(name)} FROM {name}")
            self.tables[name] = table

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        for table in self.tables.values():
            con.execute(f"DROP TABLE IF EXISTS {table}")
        self.tables.clear()

    # -- definitions --------------------------------------------------------------------------------
    def _first(self) -> dt.datetime:
        return self.previous.start if self.previous is not None else self.f.start

    def _cube(self) -> str:
        # Whole days come from the per-day counts of the index; only the days cut by a boundary of the
        # periods (start or end not at midnight) are counted from the jobs themselves.
        ix, f = self.index, self.f
        first, end = self._first(), f.end
        boundaries = [first, f.start, end]
        cut = sorted({b.date() for b in boundaries if b.time() != dt.time()})
        first_whole = first.date() if first.time() == dt.time() else first.date() + dt.timedelta(days=1)
        conditions = f"{ix.entity(f)} AND {ix.jobs(f)}"
        cut_list = ", ".join(f"DATE '{d.isoformat()}'" for d in cut)
        whole = (f"day >= DATE '{first_whole.isoformat()}' AND day < DATE '{end.date().isoformat()}'"
                 + (f" AND day NOT IN ({cut_list})" if cut else ""))
        parts = [f"""
            SELECT day, status, region, vault_name, day >= {_timestamp(f.start)} AS current, sum(jobs) AS jobs
            FROM fleet_days WHERE {whole} AND {conditions}
            GROUP BY ALL"""]
        for day in cut:  # one range per cut day, so that the scan skips every other row group
            since = max(first, dt.datetime.combine(day, dt.time()))
            until = min(end, dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
            parts.append(f"""
            SELECT CAST(start_time AS DATE) AS day, status, region, vault_name,
                   start_time >= {_timestamp(f.start)} AS current, count(*) AS jobs
            FROM fleet_jobs
            WHERE start_time >= {_timestamp(since)} AND start_time < {_timestamp(until)} AND {conditions}
            GROUP BY ALL""")
        return f"""cube AS (
        SELECT day, coalesce(CAST(status AS VARCHAR), 'Unknown') AS status, CAST(region AS VARCHAR) AS region,
               CAST(vault_name AS VARCHAR) AS vault_name, current, sum(jobs)::BIGINT AS jobs
        FROM ({' UNION ALL '.join(parts)})
        GROUP BY ALL)"""

    def _failures(self) -> str:
        ix, f = self.index, self.f
        flags = f"{ix.scope(f)} AS in_scope"
        if self.previous is not None:
            flags += f", {ix.scope(self.previous)} AS in_previous"
        return f"""failures AS (
        SELECT vm, start_time, job_id, error_code, error_message, error_category, guide_article, guide_error_id,
               {flags}
        FROM fleet_failed
        WHERE start_time >= {_timestamp(self._first())} AND start_time < {_timestamp(f.end)} AND {ix.entity(f)})"""

    def _vm_facts(self) -> str:
        ix, f = self.index, self.f
        flags = [f"{ix.scope(f)} AS in_scope"]
        columns = ["arg_max(attributes, start_time) FILTER (WHERE in_scope) AS attributes"]
        latest = [("before_end", f.end), ("before_now", self.now)]
        keep = "attributes IS NOT NULL"
        if self.previous is not None:
            flags.append(f"{ix.scope(self.previous)} AS in_previous")
            columns.append("bool_or(in_previous) AS in_previous")
            latest.append(("before_previous_now", self.previous_now))
            keep += " OR in_previous"

        def before(moment: dt.datetime) -> str:
            # Success times are sorted: usually the last one is already before the moment.
            t = _timestamp(moment)
            return (f"CASE WHEN s.times[-1] < {t} THEN s.times[-1] "
                    f"ELSE list_max(list_filter(s.times, lambda v: v < {t})) END")

        return f"""vm_facts AS (
        SELECT v.*, {', '.join(f'{before(moment)} AS {name}' for name, moment in latest)}
        FROM (
            SELECT vm, {', '.join(columns)}
            FROM (
                SELECT vm, attributes, start_time, {', '.join(flags)}
                FROM fleet_jobs
                WHERE start_time >= {_timestamp(self._first())} AND start_time < {_timestamp(f.end)}
                  AND vm IS NOT NULL AND {ix.entity(f)})
            GROUP BY vm
            HAVING {keep}) v
        LEFT JOIN fleet_successes s USING (vm))"""

    def _scope_vms(self) -> str:
        return """scope_vms AS (
        SELECT f.vm, i.vm_id, n.vm_name, CAST(a.vault_name AS VARCHAR) AS vault_name,
               CAST(a.subscription_id AS VARCHAR) AS subscription_id, CAST(a.region AS VARCHAR) AS region,
               CAST(a.os_type AS VARCHAR) AS os_type
        FROM vm_facts f JOIN fleet_attributes a USING (attributes) JOIN fleet_vms i ON i.vm = f.vm
        LEFT JOIN fleet_names n ON n.name = a.name)"""

    def _runs(self) -> str:
        end = _timestamp(self.f.end)
        return f"""runs AS (
        SELECT vm, prev_success,
               min(start_time) AS first_failure, max(start_time) AS last_failure,
               min(CASE WHEN next_success < {end} THEN next_success END) AS recovered_at,
               any_value(run_error_code) AS error_code, any_value(run_error_message) AS error_message,
               count(*) FILTER (WHERE scheduled) AS scheduled_failures
        FROM fleet_placed
        WHERE start_time < {end} AND vm IN (SELECT vm FROM scope_vms)
        GROUP BY vm, prev_success)"""


def _df(con: duckdb.DuckDBPyConnection, sql: str, columns: Sequence[str], params: Sequence[Any] = ()) -> pd.DataFrame:
    frame = con.execute(sql, list(params)).df()
    frame.columns = list(columns)
    return frame


def _view(con: duckdb.DuckDBPyConnection, blocks: _Blocks, names: Sequence[str], select: str,
          columns: Sequence[str], *params: Any) -> pd.DataFrame:
    """Run `select` after the WITH clause of the blocks `names`."""
    return _df(con, f"{blocks.ctes(*names)}\n{select}", columns, params)


def _blocks(con: duckdb.DuckDBPyConnection, f: FleetFilter, now: dt.datetime | None = None) -> _Blocks:
    return _Blocks(_index(con), f, now)


# ---------------------------------------------------------------------------------------------------------
# Filter options
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FilterOptions:
    subscriptions: tuple[str, ...]
    vaults: tuple[str, ...]
    regions: tuple[str, ...]
    os_types: tuple[str, ...]
    operations: tuple[str, ...]
    statuses: tuple[str, ...]
    min_time: dt.datetime | None
    max_time: dt.datetime | None


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """Every value the filters can take, and the span of job start times in the store."""
    index = _index(con)
    span = con.execute("SELECT min(start_time), max(start_time) FROM fleet_jobs").fetchone()
    lists = [tuple(index.values[column]) for _, column in _ENTITY_FIELDS + _JOB_FIELDS]
    return FilterOptions(*lists, min_time=span[0], max_time=span[1])


# ---------------------------------------------------------------------------------------------------------
# Totals and trends
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kpis:
    jobs: int
    completed: int
    failed: int
    warnings: int  # CompletedWithWarnings
    in_progress: int  # InProgress or Cancelling
    success_rate: float | None  # (completed + warnings) / (completed + warnings + failed); None without any
    affected_vms: int  # VMs with at least one failed job in scope
    cancelled: int = 0

    @property
    def finished(self) -> int:
        return self.completed + self.warnings + self.failed


def kpis(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> Kpis:
    return _kpis(con, _blocks(con, f))[0]


def _kpis(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> list[Kpis]:
    """The KPIs of the period, then (with `with_previous`) of the previous period."""
    has_previous = blocks.previous is not None
    previous_vms = "count(DISTINCT vm) FILTER (WHERE in_previous)" if has_previous else "0"
    rows = _view(con, blocks, ("cube", "failures"), f""",
        totals AS (
            SELECT NOT current AS previous,
                   sum(jobs) AS jobs,
                   coalesce(sum(jobs) FILTER (WHERE status = '{COMPLETED}'), 0) AS completed,
                   coalesce(sum(jobs) FILTER (WHERE status = '{FAILED}'), 0) AS failed,
                   coalesce(sum(jobs) FILTER (WHERE status = '{COMPLETED_WITH_WARNINGS}'), 0) AS warnings,
                   coalesce(sum(jobs) FILTER (WHERE status IN {_in(RUNNING_STATUSES)}), 0) AS in_progress,
                   coalesce(sum(jobs) FILTER (WHERE status = '{CANCELLED}'), 0) AS cancelled
            FROM cube GROUP BY ALL),
        affected AS (
            SELECT count(DISTINCT vm) FILTER (WHERE in_scope) AS current_vms, {previous_vms} AS previous_vms
            FROM failures)
        SELECT p.previous, coalesce(t.jobs, 0), coalesce(t.completed, 0), coalesce(t.failed, 0),
               coalesce(t.warnings, 0), coalesce(t.in_progress, 0), coalesce(t.cancelled, 0),
               CASE WHEN p.previous THEN a.previous_vms ELSE a.current_vms END
        FROM (VALUES (false), (true)) AS p(previous) CROSS JOIN affected a LEFT JOIN totals t USING (previous)
        ORDER BY p.previous""", ("previous", "jobs", "completed", "failed", "warnings", "in_progress", "cancelled", "affected"))
    out = []
    for row in rows.itertuples(index=False):
        jobs, completed, failed_jobs, warnings, running, cancelled, affected = (int(v) for v in row[1:])
        finished = completed + warnings + failed_jobs
        rate = (completed + warnings) / finished if finished else None
        out.append(Kpis(jobs, completed, failed_jobs, warnings, running, rate, affected, cancelled))
    return out if has_previous else out[:1]


def daily_trend(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Jobs per UTC day and status."""
    return _daily_trend(con, _blocks(con, f))


def _daily_trend(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("cube",), """
        SELECT day, status, sum(jobs)::BIGINT AS jobs FROM cube WHERE current GROUP BY ALL ORDER BY day, status""",
        ("day", "status", "jobs"))


DAILY_RATE_COLUMNS = ("day", "finished", "succeeded", "failed", "success_rate")


def daily_success_rate(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Per UTC day: finished jobs, successes, failures and the success rate (None on days without any)."""
    return _daily_success_rate(con, _blocks(con, f))


def _daily_success_rate(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("cube",), f"""
        SELECT day,
               coalesce(sum(jobs) FILTER (WHERE status IN {_in(SUCCESS_STATUSES)} OR status = '{FAILED}'), 0)::BIGINT AS finished,
               coalesce(sum(jobs) FILTER (WHERE status IN {_in(SUCCESS_STATUSES)}), 0)::BIGINT AS succeeded,
               coalesce(sum(jobs) FILTER (WHERE status = '{FAILED}'), 0)::BIGINT AS failed,
               succeeded / nullif(finished, 0) AS success_rate
        FROM cube WHERE current GROUP BY ALL ORDER BY day""", DAILY_RATE_COLUMNS)


def daily_failures_by_category(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Failed jobs per UTC day and error category (failures without a resolved category are "unknown")."""
    return _daily_failures_by_category(con, _blocks(con, f))


def _daily_failures_by_category(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("failures",), f"""
        SELECT CAST(start_time AS DATE) AS day, coalesce(error_category, '{UNKNOWN_CATEGORY}') AS category,
               count(*) AS failed
        FROM failures WHERE in_scope GROUP BY ALL ORDER BY day, category""", ("day", "category", "failed"))


# ---------------------------------------------------------------------------------------------------------
# Errors and where they happen
# ---------------------------------------------------------------------------------------------------------
TOP_ERROR_COLUMNS = ("error_code", "error_message", "category", "guide_article", "guide_error_id", "failed", "vms")


def top_error_codes(con: duckdb.DuckDBPyConnection, f: FleetFilter, limit: int = 10) -> pd.DataFrame:
    """The most frequent error codes of failed jobs, with their guidance; unknown codes keep their raw message."""
    return _top_error_codes(con, _blocks(con, f), limit)


def _top_error_codes(con: duckdb.DuckDBPyConnection, blocks: _Blocks, limit: int) -> pd.DataFrame:
    return _view(con, blocks, ("failures",), f"""
        SELECT error_code,
               min(error_message) AS error_message,
               coalesce(min(error_category), '{UNKNOWN_CATEGORY}') AS category,
               min(guide_article) AS guide_article,
               min(guide_error_id) AS guide_error_id,
               count(*) AS failed,
               count(DISTINCT vm) AS vms
        FROM failures WHERE in_scope
        GROUP BY error_code, CASE WHEN error_code IS NULL THEN error_message END
        ORDER BY failed DESC, error_code NULLS LAST, error_message NULLS LAST
        LIMIT {int(limit)}""", TOP_ERROR_COLUMNS)


def failure_heatmap(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Failed jobs by weekday (0 = Monday) and UTC hour of their start, all 7 × 24 cells."""
    return _failure_heatmap(con, _blocks(con, f))


def _failure_heatmap(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("failures",), """,
        cells AS (
            SELECT isodow(start_time) - 1 AS weekday, hour(start_time) AS hour, count(*) AS failed
            FROM failures WHERE in_scope GROUP BY ALL)
        SELECT d.weekday, h.hour, coalesce(cells.failed, 0) AS failed
        FROM range(7) AS d(weekday) CROSS JOIN range(24) AS h(hour)
        LEFT JOIN cells ON cells.weekday = d.weekday AND cells.hour = h.hour
        ORDER BY d.weekday, h.hour""", ("weekday", "hour", "failed"))


def failures_by_location(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Failed and total jobs per region and vault."""
    return _failures_by_location(con, _blocks(con, f))


def _failures_by_location(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("cube",), f"""
        SELECT region, vault_name, coalesce(sum(jobs) FILTER (WHERE status = '{FAILED}'), 0)::BIGINT AS failed,
               sum(jobs)::BIGINT AS jobs
        FROM cube WHERE current
        GROUP BY ALL ORDER BY failed DESC, jobs DESC, region NULLS LAST, vault_name NULLS LAST""",
        ("region", "vault_name", "failed", "jobs"))


# ---------------------------------------------------------------------------------------------------------
# VMs: failing, streaks, recovery, RPO
# ---------------------------------------------------------------------------------------------------------
TOP_FAILING_COLUMNS = ("vm_id", "vm_name", "vault_name", "subscription_id", "region", "os_type", "failed",
                       "current_streak", "last_success", "last_error_code")
STREAK_COLUMNS = ("vm_id", "vm_name", "current_streak", "longest_streak")
TIME_TO_RECOVER_COLUMNS = ("error_code", "incidents", "median_hours", "p90_hours", "open_incidents", "error_message")
RPO_COLUMNS = ("vm_id", "vm_name", "vault_name", "region", "last_success", "hours_since")


def top_failing_vms(con: duckdb.DuckDBPyConnection, f: FleetFilter, limit: int = 50) -> pd.DataFrame:
    """VMs with the most failed jobs in scope, with their current streak, last success and latest error."""
    return _top_failing_vms(con, _blocks(con, f), limit)


def _top_failing_vms(con: duckdb.DuckDBPyConnection, blocks: _Blocks, limit: int) -> pd.DataFrame:
    # Rank on integers first; the latest error is looked up for the chosen VMs only.
    return _view(con, blocks, ("failures", "runs"), f""",
        failing AS (
            SELECT vm, count(*) AS failed FROM failures WHERE in_scope AND vm IS NOT NULL GROUP BY vm),
        streak AS (
            SELECT vm, max(scheduled_failures) AS current_streak FROM runs WHERE recovered_at IS NULL GROUP BY vm),
        top AS (
            SELECT t.vm, t.failed, coalesce(s.current_streak, 0) AS current_streak, v.vm_id, v.vm_name, v.vault_name,
                   v.subscription_id, v.region, v.os_type
            FROM failing t JOIN scope_vms v USING (vm) LEFT JOIN streak s USING (vm)
            ORDER BY t.failed DESC, current_streak DESC, v.vm_name, v.vm_id
            LIMIT {int(limit)}),
        latest AS (
            SELECT vm, {_latest("error_code")} AS last_error_code
            FROM failures WHERE in_scope AND vm IN (SELECT vm FROM top) GROUP BY vm)
        SELECT t.vm_id, t.vm_name, t.vault_name, t.subscription_id, t.region, t.os_type, t.failed, t.current_streak,
               l.before_end AS last_success, e.last_error_code
        FROM top t JOIN vm_facts l USING (vm) JOIN latest e USING (vm)
        ORDER BY t.failed DESC, t.current_streak DESC, t.vm_name, t.vm_id""", TOP_FAILING_COLUMNS)


def failure_streaks(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Per VM with a streak: scheduled failed backups in a row now (at the end of the period) and at most."""
    return _failure_streaks(con, _blocks(con, f))


def _failure_streaks(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("runs",), f""",
        streaks AS (
            SELECT vm,
                   coalesce(max(scheduled_failures) FILTER (WHERE recovered_at IS NULL), 0) AS current_streak,
                   coalesce(max(scheduled_failures) FILTER (
                       WHERE last_failure >= {_timestamp(blocks.f.start)} OR recovered_at IS NULL), 0) AS longest_streak
            FROM runs GROUP BY vm HAVING longest_streak > 0)
        SELECT v.vm_id, v.vm_name, s.current_streak, s.longest_streak
        FROM streaks s JOIN scope_vms v USING (vm)
        ORDER BY s.current_streak DESC, s.longest_streak DESC, v.vm_name, v.vm_id""", STREAK_COLUMNS)


def time_to_recover(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Per error code: runs of failures that began in the period and ended with a success (`incidents`), the
    median and 90th percentile of hours from their first failure to that success, and runs still open."""
    return _time_to_recover(con, _blocks(con, f))


def _time_to_recover(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("runs",), f""",
        timed AS (
            SELECT error_code, error_message, recovered_at IS NOT NULL AS recovered,
                   epoch(recovered_at - first_failure) / 3600.0 AS hours
            FROM runs WHERE first_failure >= {_timestamp(blocks.f.start)})
        SELECT error_code, count(*) FILTER (WHERE recovered) AS incidents,
               quantile_cont(hours, 0.5) AS median_hours, quantile_cont(hours, 0.9) AS p90_hours,
               count(*) FILTER (WHERE NOT recovered) AS open_incidents,
               min(error_message) AS error_message
        FROM timed
        GROUP BY error_code, CASE WHEN error_code IS NULL THEN error_message END
        ORDER BY incidents DESC, open_incidents DESC, error_code NULLS LAST, error_message NULLS LAST""",
        TIME_TO_RECOVER_COLUMNS)


def rpo_breach(con: duckdb.DuckDBPyConnection, f: FleetFilter, now: dt.datetime, threshold_hours: float = 24) -> pd.DataFrame:
    """VMs in scope whose latest successful backup before `now` is more than `threshold_hours` old, or
    that never had one (last_success and hours_since are then missing). Oldest first."""
    return _rpo_breach(con, _blocks(con, f, now), threshold_hours)


def _rpo_breach(con: duckdb.DuckDBPyConnection, blocks: _Blocks, threshold_hours: float) -> pd.DataFrame:
    return _view(con, blocks, ("scope_vms",), f""",
        aged AS (
            SELECT v.vm_id, v.vm_name, v.vault_name, v.region, l.before_now AS last_success,
                   epoch({_timestamp(blocks.now)} - l.before_now) / 3600.0 AS hours_since
            FROM scope_vms v JOIN vm_facts l USING (vm))
        SELECT * FROM aged
        WHERE last_success IS NULL OR hours_since > ?
        ORDER BY hours_since DESC NULLS FIRST, vm_name, vm_id""", RPO_COLUMNS, float(threshold_hours))


def _previous_rpo_breaches(con: duckdb.DuckDBPyConnection, blocks: _Blocks, threshold_hours: float) -> int:
    """How many VMs `rpo_breach` lists for the previous period at its `now` (from the same vm_facts)."""
    return int(_view(con, blocks, ("vm_facts",), f"""
        SELECT count(*) FROM vm_facts
        WHERE in_previous AND (before_previous_now IS NULL
              OR epoch({_timestamp(blocks.previous_now)} - before_previous_now) / 3600.0 > ?)""",
        ("breaches",), float(threshold_hours)).iloc[0, 0])


# ---------------------------------------------------------------------------------------------------------
# Everything for one filter state
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FleetSummary:
    filter: FleetFilter
    now: dt.datetime
    rpo_hours: float
    kpis: Kpis
    previous_kpis: Kpis  # the period of the same length just before
    rpo_breaches: int
    previous_rpo_breaches: int  # at `now` moved back by the period's length
    daily_trend: pd.DataFrame = field(repr=False)
    daily_success_rate: pd.DataFrame = field(repr=False)
    daily_failures_by_category: pd.DataFrame = field(repr=False)
    top_error_codes: pd.DataFrame = field(repr=False)
    top_failing_vms: pd.DataFrame = field(repr=False)
    rpo_breach: pd.DataFrame = field(repr=False)
    failure_streaks: pd.DataFrame = field(repr=False)
    time_to_recover: pd.DataFrame = field(repr=False)
    failure_heatmap: pd.DataFrame = field(repr=False)
    failures_by_location: pd.DataFrame = field(repr=False)


def fleet_summary(con: duckdb.DuckDBPyConnection, f: FleetFilter, now: dt.datetime, rpo_hours: float = 24,
                  top_errors: int = 10, top_vms: int = 50) -> FleetSummary:
    """Every fleet view for one filter state, plus the previous period's KPIs and RPO breach count."""
    now = naive_utc(now)
    blocks = _Blocks(_index(con), f, now, with_previous=True)
    try:
        blocks.materialise(con)
        breach = _rpo_breach(con, blocks, rpo_hours)
        current, previous = _kpis(con, blocks)
        trend = _daily_trend(con, blocks)
        return FleetSummary(
            filter=f, now=now, rpo_hours=float(rpo_hours),
            kpis=current,
            previous_kpis=previous,
            rpo_breaches=len(breach),
            previous_rpo_breaches=_previous_rpo_breaches(con, blocks, rpo_hours),
            daily_trend=trend,
            daily_success_rate=_daily_success_rate(con, blocks),
            daily_failures_by_category=_daily_failures_by_category(con, blocks),
            top_error_codes=_top_error_codes(con, blocks, top_errors),
            top_failing_vms=_top_failing_vms(con, blocks, top_vms),
            rpo_breach=breach,
            failure_streaks=_failure_streaks(con, blocks),
            time_to_recover=_time_to_recover(con, blocks),
            failure_heatmap=_failure_heatmap(con, blocks),
            failures_by_location=_failures_by_location(con, blocks),
        )
    finally:
        blocks.drop(con)
