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
* **Backup history of a VM.** Its finished backups (operation Backup, status Completed,
  CompletedWithWarnings or Failed), scheduled or on-demand, ordered by start time. Histories
  look back before `start` (a streak, a last success or an incident may begin earlier) but never past the
  end of the period. Operation and status filters choose which VMs are in scope, not which of their backups
  count: a streak needs the successes that end it.
* **Run.** A maximal stretch of failed backups in a VM's history; the next successful backup ends it (a
  success starting at the very same moment as a failure counts as after it). A job without a trigger flag
  counts as scheduled.
  A **failure streak** counts the *scheduled* failed backups of a run: `current_streak` is that of the run
  still open at the end of the period, `longest_streak` the largest among runs with a failure in the period.
* **Time to recover** of a run = start of the success that ends it − start of its first failure, for runs
  whose first failure is in the period, attributed to the error code of that first failure.
* **Last success** = start time (the recovery point) of the latest successful backup that started before
  the end of the period (or before `now` for the RPO breach).

How: each view is one SQL statement over a few shared relations ("blocks": a per-day/status/location cube of
the jobs in scope, the failed jobs in scope, the VMs in scope, their successes, their runs of failures). A
view on its own inlines the blocks it needs as CTEs; `fleet_summary` materialises every block once per
filter state as a temporary table (private to the connection, dropped afterwards) and runs all views on
them, so the big table is scanned a handful of times rather than once or more per view.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd

SUCCESS_STATUSES = ("Completed", "CompletedWithWarnings")
FAILED = "Failed"
RUNNING_STATUSES = ("InProgress", "Cancelling")
BACKUP = "Backup"
UNKNOWN_CATEGORY = "unknown"

# CASE rather than coalesce: DuckDB then builds the fallback string only for rows without a VM id.
VM_KEY = "(CASE WHEN vm_id IS NULL THEN vault_id || '/' || lower(vm_name) ELSE vm_id END)"
ERROR_KEY = "coalesce(error_code, CAST(error_code_int AS VARCHAR))"


def _naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


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
        object.__setattr__(self, "start", _naive_utc(self.start))
        object.__setattr__(self, "end", _naive_utc(self.end))
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
        now = _naive_utc(now)
        return cls(start=now - dt.timedelta(days=days), end=now, **filters)

    @property
    def length(self) -> dt.timedelta:
        return self.end - self.start

    def previous(self) -> FleetFilter:
        """The period of the same length just before this one, with the same other filters."""
        return replace(self, start=self.start - self.length, end=self.start)


# ---------------------------------------------------------------------------------------------------------
# SQL building blocks
# ---------------------------------------------------------------------------------------------------------
_ENTITY_COLUMNS = (("subscriptions", "subscription_id"), ("vaults", "vault_name"), ("regions", "region"), ("os_types", "os_type"))
_JOB_COLUMNS = (("operations", "operation"), ("statuses", "status"))


def _sql_list(values: Sequence[str]) -> str:
    """A literal SQL list of constant strings of this module (never user input)."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


SUCCESS_SQL = _sql_list(SUCCESS_STATUSES)
RUNNING_SQL = _sql_list(RUNNING_STATUSES)


def _where(f: FleetFilter, params: list[Any], *extra: str, period: bool = True, jobs: bool = True) -> str:
    """WHERE clause of the filter (the period, the entity filters, operation/status when `jobs`) and the
    `extra` conditions, which come last: a caller appends their parameters after this call."""
    conditions = []
    if period:
        conditions.append("start_time >= ? AND start_time < ?")
        params.extend([f.start, f.end])
    for attr, column in _ENTITY_COLUMNS + (_JOB_COLUMNS if jobs else ()):
        values = getattr(f, attr)
        if values:
            conditions.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    conditions += extra
    return "WHERE " + " AND ".join(conditions) if conditions else ""


def _latest(column: str) -> str:
    """The value of `column` on the latest row (by start time, then job id), NULL included."""
    return f"arg_max({{'v': {column}}}, (start_time, job_id)).v"


def _earliest(column: str) -> str:
    return f"arg_min({{'v': {column}}}, (start_time, job_id)).v"


def _scope_conditions(f: FleetFilter, params: list[Any]) -> str:
    """The period and operation/status conditions of the filter, as one boolean SQL expression."""
    conditions = ["start_time >= ? AND start_time < ?"]
    params.extend([f.start, f.end])
    for attr, column in _JOB_COLUMNS:
        values = getattr(f, attr)
        if values:
            conditions.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    return "(" + " AND ".join(conditions) + ")"


class _Blocks:
    """The relations the views share, for one filter state (see the module docstring):

    * `cube` — jobs in scope per UTC day, status, region and vault;
    * `vm_facts` — per VM matching the entity filters: its latest row in scope (NULL when it has no job in
      scope), the start of its latest successful backup before the end of the period (`before_end`) and
      before `now` (`before_now`), and the start times of its successful backups before the end (`times`,
      built only when runs are wanted) — one pass over the table for all of them;
    * `scope_vms` — VMs with a job in scope, with the attributes of their latest job in scope;
    * `failures` — failed jobs matching the entity filters before the end of the period, flagged `in_scope`;
    * `scope_failures` — the failed jobs in scope;
    * `history_failures` — failed backups of the VMs in scope before the end of the period;
    * `runs` — one row per run of failures: first and last failure, the success that ended it (NULL while
      open), the error of its first failure and how many of its failures were scheduled. Each failure sits
      between the latest success that started strictly before it and the earliest one starting at or after
      it, looked up in the VM's list of success times: failures are few, so this is much cheaper than
      ordering every VM's whole history in a window.
    """

    ORDER = ("cube", "vm_facts", "scope_vms", "failures", "scope_failures", "history_failures", "runs")
    NEEDS = {
        "scope_vms": ("vm_facts",), "scope_failures": ("failures",), "history_failures": ("failures", "scope_vms"),
        "runs": ("history_failures", "vm_facts"),
    }
    MATERIALISED = ("cube", "vm_facts", "scope_vms", "failures", "runs")  # the others are cheap filters

    def __init__(self, f: FleetFilter, now: dt.datetime | None = None) -> None:
        self.f = f
        self.now = _naive_utc(now) if now is not None else f.end
        self.tables: dict[str, str] = {}
        self._wanted: set[str] = set()

    def _closure(self, names: Sequence[str]) -> set[str]:
        wanted: set[str] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name not in wanted:
                wanted.add(name)
                pending.extend(self.NEEDS.get(name, ()))
        return wanted

    def ctes(self, *names: str) -> tuple[str, list[Any]]:
        """A `WITH` clause defining `names` and what they need, and its parameters."""
        self._wanted = self._closure(names)
        params: list[Any] = []
        parts = []
        for name in self.ORDER:
            if name not in self._wanted:
                continue
            if name in self.tables:
                parts.append(f"{name} AS (FROM {self.tables[name]})")
            else:
                parts.append(getattr(self, f"_{name}")(params))
        return "WITH " + ",\n    ".join(parts), params

    def materialise(self, con: duckdb.DuckDBPyConnection) -> None:
        """Compute the costly blocks once into temporary tables that later `ctes` read from."""
        tag = uuid.uuid4().hex[:12]
        for name in self.MATERIALISED:
            with_, params = self.ctes(name, "runs")  # so that vm_facts carries the success times runs need
            table = f"fleet_{name}_{tag}"
            con.execute(f"CREATE TEMP TABLE {table} AS {with_} FROM {name}", params)
            self.tables[name] = table

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        for table in self.tables.values():
            con.execute(f"DROP TABLE IF EXISTS {table}")
        self.tables.clear()

    # -- definitions --------------------------------------------------------------------------------
    def _cube(self, params: list[Any]) -> str:
        return f"""cube AS (
        SELECT CAST(start_time AS DATE) AS day, coalesce(status, 'Unknown') AS status, region, vault_name,
               count(*) AS jobs
        FROM jobs {_where(self.f, params)}
        GROUP BY ALL)"""

    def _vm_facts(self, params: list[Any]) -> str:
        # Every VM matching the entity filters, not only those in scope: the views join with scope_vms.
        in_scope = _scope_conditions(self.f, params)
        success = f"operation = '{BACKUP}' AND status IN {SUCCESS_SQL}"
        params += [self.f.end, self.now]
        times = ""
        if "runs" in self._wanted:
            times = f",\n               list(start_time) FILTER (WHERE {success} AND start_time < ?) AS times"
            params.append(self.f.end)
        where = _where(self.f, params, "(vm_id IS NOT NULL OR vm_name IS NOT NULL)", "start_time < ?",
                       period=False, jobs=False)
        params.append(max(self.f.end, self.now))
        return f"""vm_facts AS (
        SELECT {VM_KEY} AS vm_id,
               arg_max(rowid, start_time) FILTER (WHERE {in_scope}) AS latest_row,
               max(start_time) FILTER (WHERE {success} AND start_time < ?) AS before_end,
               max(start_time) FILTER (WHERE {success} AND start_time < ?) AS before_now{times}
        FROM jobs {where}
        GROUP BY 1)"""

    def _scope_vms(self, params: list[Any]) -> str:
        # The latest row of each VM by its row id: much cheaper than one arg_max per string attribute.
        return """scope_vms AS (
        SELECT v.vm_id, j.vm_name, j.vault_name, j.subscription_id, j.region, j.os_type
        FROM vm_facts v JOIN jobs j ON j.rowid = v.latest_row)"""

    def _failures(self, params: list[Any]) -> str:
        in_scope = _scope_conditions(self.f, params)
        where = _where(self.f, params, "status = 'Failed'", "start_time < ?", period=False, jobs=False)
        params.append(self.f.end)
        return f"""failures AS (
        SELECT {VM_KEY} AS vm_id, start_time, job_id, operation, coalesce(is_scheduled, true) AS scheduled,
               {ERROR_KEY} AS error_code, error_message, error_category, guide_article, guide_error_id,
               {in_scope} AS in_scope
        FROM jobs {where})"""

    def _scope_failures(self, params: list[Any]) -> str:
        return "scope_failures AS (FROM failures WHERE in_scope)"

    def _history_failures(self, params: list[Any]) -> str:
        return f"""history_failures AS (
        FROM failures WHERE operation = '{BACKUP}' AND vm_id IN (SELECT vm_id FROM scope_vms))"""

    def _runs(self, params: list[Any]) -> str:
        return f"""placed AS (
        SELECT h.vm_id, h.start_time, h.job_id, h.scheduled, h.error_code, h.error_message,
               list_max(list_filter(v.times, lambda t: t < h.start_time)) AS prev_success,
               list_min(list_filter(v.times, lambda t: t >= h.start_time)) AS next_success
        FROM history_failures h LEFT JOIN vm_facts v USING (vm_id)),
    runs AS (
        SELECT vm_id, prev_success,
               min(start_time) AS first_failure, max(start_time) AS last_failure,
               min(next_success) AS recovered_at,
               {_earliest('error_code')} AS error_code,
               {_earliest('error_message')} AS error_message,
               count(*) FILTER (WHERE scheduled) AS scheduled_failures
        FROM placed
        GROUP BY vm_id, prev_success)"""


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], columns: Sequence[str]) -> pd.DataFrame:
    frame = con.execute(sql, params).df()
    frame.columns = list(columns)
    return frame


def _view(con: duckdb.DuckDBPyConnection, blocks: _Blocks, names: Sequence[str], select: str,
          columns: Sequence[str], *params: Any) -> pd.DataFrame:
    """Run `select` after the WITH clause of the blocks `names`; `params` follow the blocks' own."""
    with_, block_params = blocks.ctes(*names)
    return _df(con, f"{with_}\n{select}", block_params + list(params), columns)


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
    row = con.execute(
        """
        SELECT list(DISTINCT subscription_id ORDER BY subscription_id) FILTER (WHERE subscription_id IS NOT NULL),
               list(DISTINCT vault_name ORDER BY vault_name) FILTER (WHERE vault_name IS NOT NULL),
               list(DISTINCT region ORDER BY region) FILTER (WHERE region IS NOT NULL),
               list(DISTINCT os_type ORDER BY os_type) FILTER (WHERE os_type IS NOT NULL),
               list(DISTINCT operation ORDER BY operation) FILTER (WHERE operation IS NOT NULL),
               list(DISTINCT status ORDER BY status) FILTER (WHERE status IS NOT NULL),
               min(start_time), max(start_time)
        FROM jobs
        """
    ).fetchone()
    lists = [tuple(v or ()) for v in row[:6]]
    return FilterOptions(*lists, min_time=row[6], max_time=row[7])


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
    return _kpis(con, _Blocks(f))


def _kpis(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> Kpis:
    row = _view(con, blocks, ("cube", "scope_failures"), f"""
        SELECT coalesce(sum(jobs), 0),
               coalesce(sum(jobs) FILTER (WHERE status = 'Completed'), 0),
               coalesce(sum(jobs) FILTER (WHERE status = 'Failed'), 0),
               coalesce(sum(jobs) FILTER (WHERE status = 'CompletedWithWarnings'), 0),
               coalesce(sum(jobs) FILTER (WHERE status IN {RUNNING_SQL}), 0),
               coalesce(sum(jobs) FILTER (WHERE status = 'Cancelled'), 0),
               (SELECT count(DISTINCT vm_id) FROM scope_failures)
        FROM cube""", ("jobs", "completed", "failed", "warnings", "in_progress", "cancelled", "affected")).iloc[0]
    jobs, completed, failed, warnings, running, cancelled, affected = (int(v) for v in row)
    finished = completed + warnings + failed
    rate = (completed + warnings) / finished if finished else None
    return Kpis(jobs, completed, failed, warnings, running, rate, affected, cancelled)


def daily_trend(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Jobs per UTC day and status."""
    return _daily_trend(con, _Blocks(f))


def _daily_trend(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("cube",), """
        SELECT day, status, sum(jobs)::BIGINT AS jobs FROM cube GROUP BY ALL ORDER BY day, status""",
        ("day", "status", "jobs"))


def daily_success_rate(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Per UTC day: finished jobs, successes, failures and the success rate (None on days without any)."""
    return _daily_success_rate(con, _Blocks(f))


def _daily_success_rate(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("cube",), f"""
        SELECT day,
               coalesce(sum(jobs) FILTER (WHERE status IN {SUCCESS_SQL} OR status = 'Failed'), 0)::BIGINT AS finished,
               coalesce(sum(jobs) FILTER (WHERE status IN {SUCCESS_SQL}), 0)::BIGINT AS succeeded,
               coalesce(sum(jobs) FILTER (WHERE status = 'Failed'), 0)::BIGINT AS failed,
               succeeded / nullif(finished, 0) AS success_rate
        FROM cube GROUP BY ALL ORDER BY day""", ("day", "finished", "succeeded", "failed", "success_rate"))


def daily_failures_by_category(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Failed jobs per UTC day and error category (failures without a resolved category are "unknown")."""
    return _daily_failures_by_category(con, _Blocks(f))


def _daily_failures_by_category(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("scope_failures",), f"""
        SELECT CAST(start_time AS DATE) AS day, coalesce(error_category, '{UNKNOWN_CATEGORY}') AS category,
               count(*) AS failed
        FROM scope_failures GROUP BY ALL ORDER BY day, category""", ("day", "category", "failed"))


# ---------------------------------------------------------------------------------------------------------
# Errors and where they happen
# ---------------------------------------------------------------------------------------------------------
TOP_ERROR_COLUMNS = ("error_code", "error_message", "category", "guide_article", "guide_error_id", "failed", "vms")


def top_error_codes(con: duckdb.DuckDBPyConnection, f: FleetFilter, limit: int = 10) -> pd.DataFrame:
    """The most frequent error codes of failed jobs, with their guidance; unknown codes keep their raw message."""
    return _top_error_codes(con, _Blocks(f), limit)


def _top_error_codes(con: duckdb.DuckDBPyConnection, blocks: _Blocks, limit: int) -> pd.DataFrame:
    return _view(con, blocks, ("scope_failures",), f"""
        SELECT error_code,
               min(error_message) AS error_message,
               coalesce(min(error_category), '{UNKNOWN_CATEGORY}') AS category,
               min(guide_article) AS guide_article,
               min(guide_error_id) AS guide_error_id,
               count(*) AS failed,
               count(DISTINCT vm_id) AS vms
        FROM scope_failures
        GROUP BY error_code, CASE WHEN error_code IS NULL THEN error_message END
        ORDER BY failed DESC, error_code NULLS LAST, error_message NULLS LAST
        LIMIT ?""", TOP_ERROR_COLUMNS, int(limit))


def failure_heatmap(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Failed jobs by weekday (0 = Monday) and UTC hour of their start, all 7 × 24 cells."""
    return _failure_heatmap(con, _Blocks(f))


def _failure_heatmap(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("scope_failures",), """,
        cells AS (
            SELECT isodow(start_time) - 1 AS weekday, hour(start_time) AS hour, count(*) AS failed
            FROM scope_failures GROUP BY ALL)
        SELECT d.weekday, h.hour, coalesce(cells.failed, 0) AS failed
        FROM range(7) AS d(weekday) CROSS JOIN range(24) AS h(hour)
        LEFT JOIN cells ON cells.weekday = d.weekday AND cells.hour = h.hour
        ORDER BY d.weekday, h.hour""", ("weekday", "hour", "failed"))


def failures_by_location(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Failed and total jobs per region and vault."""
    return _failures_by_location(con, _Blocks(f))


def _failures_by_location(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("cube",), """
        SELECT region, vault_name, coalesce(sum(jobs) FILTER (WHERE status = 'Failed'), 0)::BIGINT AS failed,
               sum(jobs)::BIGINT AS jobs
        FROM cube
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
    return _top_failing_vms(con, _Blocks(f), limit)


def _top_failing_vms(con: duckdb.DuckDBPyConnection, blocks: _Blocks, limit: int) -> pd.DataFrame:
    return _view(con, blocks, ("scope_failures", "runs"), f""",
        failing AS (
            SELECT vm_id, count(*) AS failed, {_latest("error_code")} AS last_error_code
            FROM scope_failures WHERE vm_id IS NOT NULL GROUP BY 1),
        streak AS (
            SELECT vm_id, max(scheduled_failures) AS current_streak FROM runs WHERE recovered_at IS NULL GROUP BY 1)
        SELECT t.vm_id, v.vm_name, v.vault_name, v.subscription_id, v.region, v.os_type, t.failed,
               coalesce(s.current_streak, 0) AS current_streak, l.before_end AS last_success, t.last_error_code
        FROM failing t JOIN scope_vms v USING (vm_id)
        LEFT JOIN streak s USING (vm_id) LEFT JOIN vm_facts l USING (vm_id)
        ORDER BY t.failed DESC, current_streak DESC, v.vm_name, t.vm_id
        LIMIT ?""", TOP_FAILING_COLUMNS, int(limit))


def failure_streaks(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Per VM with a streak: scheduled failed backups in a row now (at the end of the period) and at most."""
    return _failure_streaks(con, _Blocks(f))


def _failure_streaks(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("runs",), """
        SELECT r.vm_id, any_value(v.vm_name) AS vm_name,
               coalesce(max(r.scheduled_failures) FILTER (WHERE r.recovered_at IS NULL), 0) AS current_streak,
               coalesce(max(r.scheduled_failures) FILTER (WHERE r.last_failure >= ? OR r.recovered_at IS NULL), 0)
                   AS longest_streak
        FROM runs r JOIN scope_vms v USING (vm_id)
        GROUP BY r.vm_id
        HAVING longest_streak > 0
        ORDER BY current_streak DESC, longest_streak DESC, vm_name, r.vm_id""", STREAK_COLUMNS, blocks.f.start)


def time_to_recover(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Per error code: runs of failures that began in the period and ended with a success (`incidents`), the
    median and 90th percentile of hours from their first failure to that success, and runs still open."""
    return _time_to_recover(con, _Blocks(f))


def _time_to_recover(con: duckdb.DuckDBPyConnection, blocks: _Blocks) -> pd.DataFrame:
    return _view(con, blocks, ("runs",), """,
        timed AS (
            SELECT error_code, error_message, recovered_at IS NOT NULL AS recovered,
                   epoch(recovered_at - first_failure) / 3600.0 AS hours
            FROM runs WHERE first_failure >= ?)
        SELECT error_code, count(*) FILTER (WHERE recovered) AS incidents,
               quantile_cont(hours, 0.5) AS median_hours, quantile_cont(hours, 0.9) AS p90_hours,
               count(*) FILTER (WHERE NOT recovered) AS open_incidents,
               min(error_message) AS error_message
        FROM timed
        GROUP BY error_code, CASE WHEN error_code IS NULL THEN error_message END
        ORDER BY incidents DESC, open_incidents DESC, error_code NULLS LAST, error_message NULLS LAST""",
        TIME_TO_RECOVER_COLUMNS, blocks.f.start)


def rpo_breach(con: duckdb.DuckDBPyConnection, f: FleetFilter, now: dt.datetime, threshold_hours: float = 24) -> pd.DataFrame:
    """VMs in scope whose latest successful backup before `now` is more than `threshold_hours` old, or
    that never had one (last_success and hours_since are then missing). Oldest first."""
    return _rpo_breach(con, _Blocks(f, now), threshold_hours)


def _rpo_breach(con: duckdb.DuckDBPyConnection, blocks: _Blocks, threshold_hours: float) -> pd.DataFrame:
    return _view(con, blocks, ("scope_vms",), """,
        aged AS (
            SELECT v.vm_id, v.vm_name, v.vault_name, v.region, l.before_now AS last_success,
                   epoch(CAST(? AS TIMESTAMP) - l.before_now) / 3600.0 AS hours_since
            FROM scope_vms v JOIN vm_facts l USING (vm_id))
        SELECT * FROM aged
        WHERE last_success IS NULL OR hours_since > ?
        ORDER BY hours_since DESC NULLS FIRST, vm_name, vm_id""", RPO_COLUMNS, blocks.now, float(threshold_hours))


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
    now = _naive_utc(now)
    blocks = _Blocks(f, now)
    previous = _Blocks(f.previous(), now - f.length)
    try:
        blocks.materialise(con)
        breach = _rpo_breach(con, blocks, rpo_hours)
        return FleetSummary(
            filter=f, now=now, rpo_hours=float(rpo_hours),
            kpis=_kpis(con, blocks),
            previous_kpis=_kpis(con, previous),
            rpo_breaches=len(breach),
            previous_rpo_breaches=len(_rpo_breach(con, previous, rpo_hours)),
            daily_trend=_daily_trend(con, blocks),
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
