"""Incidents: VMs that start failing with one error code together, in one region or one vault.

The detector counts *onsets*, the first failed backup of each run of failures (see `loaders.jobs.queries`),
so a VM that keeps failing for a week counts once, on its first day, and many VMs with lasting problems of
the same kind do not look like an incident:

1. Count the VMs whose run of failures began on each UTC day, per group (error code of the run's first
   failure, region) and (error code, region, vault), zero days included, over the period and the previous
   one of the same length (the group's normal).
2. Score each day of the period with a robust z-score: (count − median) / (1.4826 × MAD), the MAD
   (median absolute deviation) floored at `MIN_MAD` so that a group that rarely fails needs several VMs,
   not one or two, to stand out. Unlike a mean and a standard deviation, median and MAD are not pulled up
   by the spike itself.
3. A day is a spike when z ≥ `SPIKE_Z` and at least `MIN_VMS` VMs began failing in the group that day.
   Consecutive spike days form one incident: it starts at the first onset and ends at the last failure of
   the runs that began in it (before the end of the period).
4. A vault's incident inside an incident of its region (same code, overlapping days) is the region's, so
   each incident is listed once. Its likely scope is the vault when all the VMs it hit are in one vault,
   else the region.

Runs whose first failure has no error code (grouped by message elsewhere) or whose VM has no region are
left out; a VM's region and vault are those of its latest job in scope.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loaders.jobs.queries.blocks import Blocks, run_view
from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.queries.index import fleet_index
from loaders.jobs.queries.sql import timestamp_literal
from loaders.jobs.schema import UNKNOWN_CATEGORY

SPIKE_Z = 3.5
MIN_MAD = 1.0  # VMs a day: with a median of 0, six VMs starting to fail together are a spike
MIN_VMS = 3
VAULT, REGION = "vault", "region"

INCIDENT_COLUMNS = ("error_code", "error_message", "category", "guide_article", "guide_error_id", "scope",
                    "region", "vault_name", "start", "end", "failed", "vms", "vaults", "peak_z")


def incidents(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """The incidents of the period, most VMs hit first (then most failed scheduled backups)."""
    return _incidents(con, Blocks(fleet_index(con), f, with_previous=True))


def _day(value: dt.datetime) -> str:
    return f"DATE '{value.date().isoformat()}'"


def _incidents(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    f = blocks.f
    first = blocks.previous.start if blocks.previous is not None else f.start
    last = f.end - dt.timedelta(microseconds=1)
    days = (last.date() - first.date()).days + 1  # the days of both periods: zero days count too
    return run_view(con, blocks, ("runs",), f""",
        coded AS (
            SELECT r.vm, r.first_failure AS start_time, CAST(r.first_failure AS DATE) AS day, r.last_failure,
                   r.scheduled_failures, r.error_code, v.region, v.vault_name
            FROM runs r JOIN scope_vms v USING (vm)
            WHERE r.first_failure >= {timestamp_literal(first)} AND r.error_code IS NOT NULL AND v.region IS NOT NULL),
        daily AS (
            SELECT error_code, region, '' AS vault_name, day, count(DISTINCT vm) AS vms
            FROM coded GROUP BY ALL
            UNION ALL
            SELECT error_code, region, vault_name, day, count(DISTINCT vm)
            FROM coded WHERE vault_name IS NOT NULL AND vault_name <> '' GROUP BY ALL),
        stats AS (
            SELECT error_code, region, vault_name, list_resize(list(vms), {days}, 0) AS series
            FROM daily GROUP BY ALL HAVING max(day) >= {_day(f.start)}),
        centred AS (
            SELECT error_code, region, vault_name, series, list_aggregate(series, 'median') AS centre FROM stats),
        spread AS (
            SELECT error_code, region, vault_name, centre,
                   1.4826 * greatest(list_aggregate(list_transform(series, lambda v: abs(v - centre)), 'median'),
                                     {MIN_MAD}) AS scale
            FROM centred),
        scored AS (
            SELECT d.*, (d.vms - s.centre) / s.scale AS z
            FROM daily d JOIN spread s USING (error_code, region, vault_name)
            WHERE d.day >= {_day(f.start)} AND d.vms >= {MIN_VMS}),
        spikes AS (
            SELECT *, day - CAST(row_number() OVER (PARTITION BY error_code, region, vault_name ORDER BY day)
                                 AS INTEGER) AS island
            FROM scored WHERE z >= {SPIKE_Z}),
        windows AS (
            SELECT error_code, region, vault_name, min(day) AS first_day, max(day) AS last_day, max(z) AS peak_z
            FROM spikes GROUP BY error_code, region, vault_name, island),
        kept AS (
            SELECT w.* FROM windows w
            WHERE w.vault_name = '' OR NOT EXISTS (
                SELECT 1 FROM windows r
                WHERE r.vault_name = '' AND r.error_code = w.error_code AND r.region = w.region
                  AND r.first_day <= w.last_day AND w.first_day <= r.last_day)),
        hit AS (
            SELECT k.error_code, k.region, k.vault_name AS group_vault, k.first_day, k.peak_z,
                   min(c.start_time) AS start, max(c.last_failure) AS end, sum(c.scheduled_failures)::BIGINT AS failed,
                   count(DISTINCT c.vm) AS vms,
                   count(DISTINCT c.vault_name) AS vaults, min(c.vault_name) AS one_vault
            FROM kept k JOIN coded c
              ON c.error_code = k.error_code AND c.region = k.region AND c.day BETWEEN k.first_day AND k.last_day
             AND (k.vault_name = '' OR c.vault_name = k.vault_name)
            GROUP BY k.error_code, k.region, k.vault_name, k.first_day, k.peak_z),
        errors AS (
            SELECT error_code, min(error_message) AS error_message,
                   coalesce(min(error_category), '{UNKNOWN_CATEGORY}') AS category,
                   min(guide_article) AS guide_article, min(guide_error_id) AS guide_error_id
            FROM fleet_failed WHERE error_code IN (SELECT error_code FROM hit) GROUP BY error_code)
        SELECT h.error_code, e.error_message, e.category, e.guide_article, e.guide_error_id,
               CASE WHEN h.vaults = 1 THEN '{VAULT}' ELSE '{REGION}' END AS scope, h.region,
               CASE WHEN h.vaults = 1 THEN h.one_vault END AS vault_name, h.start, h.end, h.failed, h.vms, h.vaults,
               h.peak_z
        FROM hit h JOIN errors e USING (error_code)
        ORDER BY h.vms DESC, h.failed DESC, h.start, h.error_code, h.region, vault_name""", INCIDENT_COLUMNS)
