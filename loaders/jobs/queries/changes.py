"""What changed against the previous period of the same length: error codes and VMs.

* **Error codes.** Per code: failed jobs and affected VMs in the period and in the previous one. A code
  with no failure in the previous period is *new*; one with none in this period is *gone*. Otherwise it is
  *rising* or *falling* only when the change is larger than noise on both counts:
  z = (now − before) / √(now + before) is at least `SIGNIFICANCE_Z` (2.0) in the same direction for failed
  jobs and for affected VMs. Under "nothing changed" the failures of two periods of equal length split
  between them like a fair coin (two Poisson counts with the same rate), and z is the normal approximation
  of that split; asking it of the VMs too keeps one VM failing every night from ranking a code. Every other
  code is *steady*.
* **VMs.** A VM *started failing* when its latest backup before the end of the period failed and its
  latest backup before the start did not (or it had none); it *recovered* when it was failing at the start
  (a run of failures open then) and is not at the end. Both use the runs of the VMs in scope (see
  `loaders.jobs.queries`); the error is that of the run's first failure.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from loaders.jobs.queries.blocks import Blocks, run_view
from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.queries.index import fleet_index
from loaders.jobs.queries.sql import timestamp_literal
from loaders.jobs.schema import UNKNOWN_CATEGORY

SIGNIFICANCE_Z = 2.0
NEW, GONE, RISING, FALLING, STEADY = "new", "gone", "rising", "falling", "steady"
STARTED, RECOVERED = "started", "recovered"

CODE_CHANGE_COLUMNS = ("error_code", "error_message", "category", "guide_article", "guide_error_id", "failed",
                       "previous_failed", "vms", "previous_vms", "failed_z", "vms_z", "trend")
VM_CHANGE_COLUMNS = ("vm_id", "vm_name", "vault_name", "region", "change", "first_failure", "recovered_at",
                     "failures", "error_code", "error_message", "guide_article", "guide_error_id")


def _changes_blocks(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> Blocks:
    return Blocks(fleet_index(con), f, with_previous=True)


def error_code_changes(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """Every error code with failures in the period or the previous one, with both counts, their z
    scores and the trend (`NEW`, `GONE`, `RISING`, `FALLING` or `STEADY`). New codes first (most VMs
    first), then rising (largest z first), falling, steady and gone."""
    return _error_code_changes(con, _changes_blocks(con, f))


def _error_code_changes(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    z = SIGNIFICANCE_Z
    return run_view(con, blocks, ("failures",), f""",
        counted AS (
            SELECT error_code, min(error_message) AS error_message,
                   coalesce(min(error_category), '{UNKNOWN_CATEGORY}') AS category,
                   min(guide_article) AS guide_article, min(guide_error_id) AS guide_error_id,
                   count(*) FILTER (WHERE in_scope) AS failed, count(*) FILTER (WHERE in_previous) AS previous_failed,
                   count(DISTINCT vm) FILTER (WHERE in_scope) AS vms,
                   count(DISTINCT vm) FILTER (WHERE in_previous) AS previous_vms
            FROM failures WHERE in_scope OR in_previous
            GROUP BY error_code, CASE WHEN error_code IS NULL THEN error_message END),
        scored AS (
            SELECT *, (failed - previous_failed) / sqrt(failed + previous_failed) AS failed_z,
                   (vms - previous_vms) / sqrt(nullif(vms + previous_vms, 0)) AS vms_z
            FROM counted WHERE failed + previous_failed > 0),
        trended AS (
            SELECT *, CASE WHEN previous_failed = 0 THEN '{NEW}' WHEN failed = 0 THEN '{GONE}'
                           WHEN failed_z >= {z} AND vms_z >= {z} THEN '{RISING}'
                           WHEN failed_z <= -{z} AND vms_z <= -{z} THEN '{FALLING}'
                           ELSE '{STEADY}' END AS trend
            FROM scored)
        SELECT error_code, error_message, category, guide_article, guide_error_id, failed, previous_failed, vms,
               previous_vms, failed_z, vms_z, trend
        FROM trended
        ORDER BY list_position(['{NEW}', '{RISING}', '{FALLING}', '{STEADY}', '{GONE}'], trend),
                 CASE trend WHEN '{NEW}' THEN -vms WHEN '{RISING}' THEN -vms_z WHEN '{FALLING}' THEN vms_z
                            ELSE -failed END,
                 failed DESC, error_code NULLS LAST, error_message NULLS LAST""", CODE_CHANGE_COLUMNS)


def vm_changes(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """VMs that started failing in the period (`STARTED`: most failures first) and VMs that recovered
    (`RECOVERED`: latest recovery first), with the run's first failure, its end, its scheduled failures and
    its error."""
    return _vm_changes(con, _changes_blocks(con, f))


def _vm_changes(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    start = timestamp_literal(blocks.f.start)
    return run_view(con, blocks, ("runs",), f""",
        states AS (
            SELECT vm,
                   bool_or(first_failure < {start} AND (recovered_at IS NULL OR recovered_at >= {start})) AS at_start,
                   bool_or(recovered_at IS NULL) AS at_end
            FROM runs GROUP BY vm),
        changed AS (
            SELECT r.*, CASE WHEN s.at_end THEN '{STARTED}' ELSE '{RECOVERED}' END AS change
            FROM runs r JOIN states s USING (vm)
            WHERE (s.at_end AND NOT s.at_start AND r.recovered_at IS NULL)
               OR (s.at_start AND NOT s.at_end AND r.first_failure < {start} AND r.recovered_at >= {start})),
        guides AS (
            SELECT error_code, min(guide_article) AS guide_article, min(guide_error_id) AS guide_error_id
            FROM fleet_failed WHERE error_code IN (SELECT error_code FROM changed) GROUP BY error_code)
        SELECT v.vm_id, v.vm_name, v.vault_name, v.region, c.change, c.first_failure, c.recovered_at,
               c.scheduled_failures, c.error_code, c.error_message, g.guide_article, g.guide_error_id
        FROM changed c JOIN scope_vms v USING (vm) LEFT JOIN guides g USING (error_code)
        ORDER BY c.change = '{RECOVERED}',
                 CASE WHEN c.change = '{STARTED}' THEN -c.scheduled_failures ELSE -epoch(c.recovered_at) END,
                 c.first_failure, v.vm_name, v.vm_id""", VM_CHANGE_COLUMNS)
