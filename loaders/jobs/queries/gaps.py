"""Protection gaps: VMs the store knows that have no job at all in the period.

A VM is listed when it has a job before the end of the period matching the subscription, vault, region and
OS filters (those of its latest such job), and none of them starts in the period: protection was stopped,
its policy was removed, or the VM was deleted while the vault still lists it. Operation and status filters
do not apply (any job at all counts). Most recently silent first.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from loaders.jobs.queries.blocks import Blocks, blocks_for, run_view
from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.queries.sql import timestamp_literal

GAP_COLUMNS = ("vm_id", "vm_name", "vault_name", "subscription_id", "region", "last_job", "last_success",
               "days_silent")


def protection_gaps(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """VMs without any job in the period, with their latest job and latest successful backup before it and
    the days from that job to the end of the period."""
    return _protection_gaps(con, blocks_for(con, f))


def _protection_gaps(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    ix, f = blocks.index, blocks.f
    start, end = timestamp_literal(f.start), timestamp_literal(f.end)
    return run_view(con, blocks, (), f"""
        silent AS (
            SELECT vm, arg_max(attributes, start_time) AS attributes, max(start_time) AS last_job
            FROM fleet_jobs
            WHERE start_time < {end} AND vm IS NOT NULL AND {ix.entity(f)}
            GROUP BY vm HAVING max(start_time) < {start})
        SELECT i.vm_id, n.vm_name, CAST(a.vault_name AS VARCHAR), CAST(a.subscription_id AS VARCHAR),
               CAST(a.region AS VARCHAR), g.last_job,
               list_max(list_filter(s.times, lambda t: t < {start})) AS last_success,
               epoch({end} - g.last_job) / 86400.0 AS days_silent
        FROM silent g JOIN fleet_attributes a USING (attributes) JOIN fleet_vms i ON i.vm = g.vm
        LEFT JOIN fleet_names n ON n.name = a.name LEFT JOIN fleet_successes s ON s.vm = g.vm
        ORDER BY g.last_job DESC, n.vm_name, i.vm_id""", GAP_COLUMNS)
