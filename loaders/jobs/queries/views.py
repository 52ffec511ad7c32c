"""The fleet views: one SQL statement each over the blocks of a filter state, and all of them at once."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from loaders.jobs.queries.blocks import Blocks, blocks_for, run_view
from loaders.jobs.queries.changes import _error_code_changes, _vm_changes
from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.queries.gaps import _protection_gaps
from loaders.jobs.queries.incident_detection import _incidents
from loaders.jobs.queries.index import ENTITY_FIELDS, JOB_FIELDS, fleet_index
from loaders.jobs.queries.sql import in_list, latest_value, timestamp_literal
from loaders.jobs.schema import (
    CANCELLED,
    COMPLETED,
    COMPLETED_WITH_WARNINGS,
    FAILED,
    RUNNING_STATUSES,
    SUCCESS_STATUSES,
    UNKNOWN_CATEGORY,
)
from loaders.jobs.timeutil import naive_utc


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
    index = fleet_index(con)
    span = con.execute("SELECT min(start_time), max(start_time) FROM fleet_jobs").fetchone()
    lists = [tuple(index.values[column]) for _, column in ENTITY_FIELDS + JOB_FIELDS]
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
    return _kpis(con, blocks_for(con, f))[0]


def _kpis(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> list[Kpis]:
    """The KPIs of the period, then (with `with_previous`) of the previous period."""
    has_previous = blocks.previous is not None
    previous_vms = "count(DISTINCT vm) FILTER (WHERE in_previous)" if has_previous else "0"
    rows = run_view(con, blocks, ("cube", "failures"), f""",
        totals AS (
            SELECT NOT current AS previous,
                   sum(jobs) AS jobs,
                   coalesce(sum(jobs) FILTER (WHERE status = '{COMPLETED}'), 0) AS completed,
                   coalesce(sum(jobs) FILTER (WHERE status = '{FAILED}'), 0) AS failed,
                   coalesce(sum(jobs) FILTER (WHERE status = '{COMPLETED_WITH_WARNINGS}'), 0) AS warnings,
                   coalesce(sum(jobs) FILTER (WHERE status IN {in_list(RUNNING_STATUSES)}), 0) AS in_progress,
                   coalesce(sum(jobs) FILTER (WHERE status = '{CANCELLED}'), 0) AS cancelled
            FROM cube GROUP BY ALL),
        affected AS (
            SELECT count(DISTINCT vm) FILTER (WHERE in_scope) AS current_vms, {previous_vms} AS previous_vms
            FROM failures)
        SELECT p.previous, coalesce(t.jobs, 0), coalesce(t.completed, 0), coalesce(t.failed, 0),
               coalesce(t.warnings, 0), coalesce(t.in_progress, 0), coalesce(t.cancelled, 0),
               CASE WHEN p.previous THEN a.previous_vms ELSE a.current_vms END
        FROM (VALUES (false), (true)) AS p(previous) CROSS JOIN affected a LEFT JOIN totals t USING (previous)
        ORDER BY p.previous""",
        ("previous", "jobs", "completed", "failed", "warnings", "in_progress", "cancelled", "affected"))
    out = []
    for row in rows.itertuples(index=False):
        jobs, completed, failed_jobs, warnings, running, cancelled, affected = (int(v) for v in row[1:])
        finished = completed + warnings + failed_jobs
        rate = (completed + warnings) / finished if finished else None
        out.append(Kpis(jobs, completed, failed_jobs, warnings, running, rate, affected, cancelled))
    return out if has_previous else out[:1]


def daily_trend(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Jobs per UTC day and status."""
    return _daily_trend(con, blocks_for(con, f))


def _daily_trend(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    return run_view(con, blocks, ("cube",), """
        SELECT day, status, sum(jobs)::BIGINT AS jobs FROM cube WHERE current GROUP BY ALL ORDER BY day, status""",
        ("day", "status", "jobs"))


DAILY_RATE_COLUMNS = ("day", "finished", "succeeded", "failed", "success_rate")


def daily_success_rate(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Per UTC day: finished jobs, successes, failures and the success rate (None on days without any)."""
    return _daily_success_rate(con, blocks_for(con, f))


def _daily_success_rate(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    return run_view(con, blocks, ("cube",), f"""
        SELECT day,
               coalesce(sum(jobs) FILTER (
                   WHERE status IN {in_list(SUCCESS_STATUSES)} OR status = '{FAILED}'), 0)::BIGINT AS finished,
               coalesce(sum(jobs) FILTER (WHERE status IN {in_list(SUCCESS_STATUSES)}), 0)::BIGINT AS succeeded,
               coalesce(sum(jobs) FILTER (WHERE status = '{FAILED}'), 0)::BIGINT AS failed,
               succeeded / nullif(finished, 0) AS success_rate
        FROM cube WHERE current GROUP BY ALL ORDER BY day""", DAILY_RATE_COLUMNS)


def daily_failures_by_category(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Failed jobs per UTC day and error category (failures without a resolved category are "unknown")."""
    return _daily_failures_by_category(con, blocks_for(con, f))


def _daily_failures_by_category(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    return run_view(con, blocks, ("failures",), f"""
        SELECT CAST(start_time AS DATE) AS day, coalesce(error_category, '{UNKNOWN_CATEGORY}') AS category,
               count(*) AS failed
        FROM failures WHERE in_scope GROUP BY ALL ORDER BY day, category""", ("day", "category", "failed"))


# ---------------------------------------------------------------------------------------------------------
# Errors and where they happen
# ---------------------------------------------------------------------------------------------------------
TOP_ERROR_COLUMNS = ("error_code", "error_message", "category", "guide_article", "guide_error_id", "failed", "vms")


def top_error_codes(con: duckdb.DuckDBPyConnection, f: FleetFilter, limit: int = 10) -> pd.DataFrame:
    """The most frequent error codes of failed jobs, with their guidance; unknown codes keep their raw message."""
    return _top_error_codes(con, blocks_for(con, f), limit)


def _top_error_codes(con: duckdb.DuckDBPyConnection, blocks: Blocks, limit: int) -> pd.DataFrame:
    return run_view(con, blocks, ("failures",), f"""
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
    return _failure_heatmap(con, blocks_for(con, f))


def _failure_heatmap(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    return run_view(con, blocks, ("failures",), """,
        cells AS (
            SELECT isodow(start_time) - 1 AS weekday, hour(start_time) AS hour, count(*) AS failed
            FROM failures WHERE in_scope GROUP BY ALL)
        SELECT d.weekday, h.hour, coalesce(cells.failed, 0) AS failed
        FROM range(7) AS d(weekday) CROSS JOIN range(24) AS h(hour)
        LEFT JOIN cells ON cells.weekday = d.weekday AND cells.hour = h.hour
        ORDER BY d.weekday, h.hour""", ("weekday", "hour", "failed"))


def failures_by_location(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Failed and total jobs per region and vault."""
    return _failures_by_location(con, blocks_for(con, f))


def _failures_by_location(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    return run_view(con, blocks, ("cube",), f"""
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
    return _top_failing_vms(con, blocks_for(con, f), limit)


def _top_failing_vms(con: duckdb.DuckDBPyConnection, blocks: Blocks, limit: int) -> pd.DataFrame:
    # Rank on integers first; the latest error is looked up for the chosen VMs only.
    return run_view(con, blocks, ("failures", "runs"), f""",
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
            SELECT vm, {latest_value("error_code")} AS last_error_code
            FROM failures WHERE in_scope AND vm IN (SELECT vm FROM top) GROUP BY vm)
        SELECT t.vm_id, t.vm_name, t.vault_name, t.subscription_id, t.region, t.os_type, t.failed, t.current_streak,
               l.before_end AS last_success, e.last_error_code
        FROM top t JOIN vm_facts l USING (vm) JOIN latest e USING (vm)
        ORDER BY t.failed DESC, t.current_streak DESC, t.vm_name, t.vm_id""", TOP_FAILING_COLUMNS)


def failure_streaks(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Per VM with a streak: scheduled failed backups in a row now (at the end of the period) and at most."""
    return _failure_streaks(con, blocks_for(con, f))


def _failure_streaks(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    return run_view(con, blocks, ("runs",), f""",
        streaks AS (
            SELECT vm,
                   coalesce(max(scheduled_failures) FILTER (WHERE recovered_at IS NULL), 0) AS current_streak,
                   coalesce(max(scheduled_failures) FILTER (
                       WHERE last_failure >= {timestamp_literal(blocks.f.start)} OR recovered_at IS NULL), 0)
                       AS longest_streak
            FROM runs GROUP BY vm HAVING longest_streak > 0)
        SELECT v.vm_id, v.vm_name, s.current_streak, s.longest_streak
        FROM streaks s JOIN scope_vms v USING (vm)
        ORDER BY s.current_streak DESC, s.longest_streak DESC, v.vm_name, v.vm_id""", STREAK_COLUMNS)


def time_to_recover(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Per error code: runs of failures that began in the period and ended with a success (`incidents`), the
    median and 90th percentile of hours from their first failure to that success, and runs still open."""
    return _time_to_recover(con, blocks_for(con, f))


def _time_to_recover(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    return run_view(con, blocks, ("runs",), f""",
        timed AS (
            SELECT error_code, error_message, recovered_at IS NOT NULL AS recovered,
                   epoch(recovered_at - first_failure) / 3600.0 AS hours
            FROM runs WHERE first_failure >= {timestamp_literal(blocks.f.start)})
        SELECT error_code, count(*) FILTER (WHERE recovered) AS incidents,
               quantile_cont(hours, 0.5) AS median_hours, quantile_cont(hours, 0.9) AS p90_hours,
               count(*) FILTER (WHERE NOT recovered) AS open_incidents,
               min(error_message) AS error_message
        FROM timed
        GROUP BY error_code, CASE WHEN error_code IS NULL THEN error_message END
        ORDER BY incidents DESC, open_incidents DESC, error_code NULLS LAST, error_message NULLS LAST""",
        TIME_TO_RECOVER_COLUMNS)


def rpo_breach(con: duckdb.DuckDBPyConnection, f: FleetFilter, now: dt.datetime,
               threshold_hours: float = 24) -> pd.DataFrame:
    """VMs in scope whose latest successful backup before `now` is more than `threshold_hours` old, or
    that never had one (last_success and hours_since are then missing). Oldest first."""
    return _rpo_breach(con, blocks_for(con, f, now), threshold_hours)


def _rpo_breach(con: duckdb.DuckDBPyConnection, blocks: Blocks, threshold_hours: float) -> pd.DataFrame:
    return run_view(con, blocks, ("scope_vms",), f""",
        aged AS (
            SELECT v.vm_id, v.vm_name, v.vault_name, v.region, l.before_now AS last_success,
                   epoch({timestamp_literal(blocks.now)} - l.before_now) / 3600.0 AS hours_since
            FROM scope_vms v JOIN vm_facts l USING (vm))
        SELECT * FROM aged
        WHERE last_success IS NULL OR hours_since > ?
        ORDER BY hours_since DESC NULLS FIRST, vm_name, vm_id""", RPO_COLUMNS, float(threshold_hours))


def _previous_rpo_breaches(con: duckdb.DuckDBPyConnection, blocks: Blocks, threshold_hours: float) -> int:
    """How many VMs `rpo_breach` lists for the previous period at its `now` (from the same vm_facts)."""
    return int(run_view(con, blocks, ("vm_facts",), f"""
        SELECT count(*) FROM vm_facts
        WHERE in_previous AND (before_previous_now IS NULL
              OR epoch({timestamp_literal(blocks.previous_now)} - before_previous_now) / 3600.0 > ?)""",
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
    error_code_changes: pd.DataFrame = field(repr=False)  # against the previous period (queries.changes)
    vm_changes: pd.DataFrame = field(repr=False)
    incidents: pd.DataFrame = field(repr=False)  # queries.incident_detection
    protection_gaps: pd.DataFrame = field(repr=False)  # queries.gaps


def fleet_summary(con: duckdb.DuckDBPyConnection, f: FleetFilter, now: dt.datetime, rpo_hours: float = 24,
                  top_errors: int = 10, top_vms: int = 50) -> FleetSummary:
    """Every fleet view for one filter state, plus the previous period's KPIs and RPO breach count, what
    changed against the previous period, the incidents and the protection gaps."""
    now = naive_utc(now)
    blocks = Blocks(fleet_index(con), f, now, with_previous=True)
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
            error_code_changes=_error_code_changes(con, blocks),
            vm_changes=_vm_changes(con, blocks),
            incidents=_incidents(con, blocks),
            protection_gaps=_protection_gaps(con, blocks),
        )
    finally:
        blocks.drop(con)
