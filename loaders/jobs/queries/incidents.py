"""Incidents: failures of one error code that spike together in one region or one vault.

The detector, on the failed jobs in scope and in the previous period of the same length:

1. Count failed jobs per UTC day for every group (error code, region) and (error code, region, vault),
   zero days included, over both periods (the previous one is the group's normal).
2. Score each day of the period with a robust z-score: (count − median) / (1.4826 × MAD), the MAD
   (median absolute deviation) floored at `MIN_MAD` so that a group that never fails needs several
   failures, not one, to stand out. Median and MAD ignore the spike itself, unlike a mean and a standard
   deviation.
3. A day is a spike when z ≥ `SPIKE_Z` and at least `MIN_VMS` different VMs failed in the group that day
   (one VM failing every night is a streak, not an incident). Consecutive spike days form one incident.
4. A vault's incident inside an incident of its region (same code, overlapping days) is the region's, so
   each incident is listed once. Its likely scope is the vault when all the VMs it hit are in one vault,
   else the region.

Failed jobs without a code (grouped by their message elsewhere) or without a region are left out here.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loaders.jobs.queries.blocks import Blocks, run_view
from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.queries.index import fleet_index

SPIKE_Z = 4.0
MIN_MAD = 0.5  # failures a day
MIN_VMS = 3
VAULT, REGION = "vault", "region"

INCIDENT_COLUMNS = ("error_code", "error_message", "category", "guide_article", "guide_error_id", "scope",
                    "region", "vault_name", "start", "end", "failed", "vms", "vaults", "peak_z")


def incidents(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> pd.DataFrame:
    """The incidents of the period, most VMs hit first."""
    return _incidents(con, Blocks(fleet_index(con), f, with_previous=True))


def _day(value: dt.datetime) -> str:
    return f"DATE '{value.date().isoformat()}'"


def _incidents(con: duckdb.DuckDBPyConnection, blocks: Blocks) -> pd.DataFrame:
    f = blocks.f
    first = blocks.previous.start if blocks.previous is not None else f.start
    last = f.end - dt.timedelta(microseconds=1)
    return run_view(con, blocks, ("failures",), f""",
        coded AS (
            SELECT vm, start_time, CAST(start_time AS DATE) AS day, error_code, region, vault_name, in_scope
            FROM failures WHERE (in_scope OR in_previous) AND error_code IS NOT NULL AND region IS NOT NULL),
        daily AS (
            SELECT error_code, region, NULL::VARCHAR AS vault_name, day, count(*) AS failed, count(DISTINCT vm) AS vms
            FROM coded GROUP BY ALL
            UNION ALL
            SELECT error_code, region, vault_name, day, count(*), count(DISTINCT vm)
            FROM coded WHERE vault_name IS NOT NULL GROUP BY ALL),
        groups AS (SELECT DISTINCT error_code, region, vault_name FROM daily WHERE day >= {_day(f.start)}),
        series AS (
            SELECT g.error_code, g.region, g.vault_name, d.day, coalesce(x.failed, 0) AS failed,
                   coalesce(x.vms, 0) AS vms
            FROM groups g
            CROSS JOIN (SELECT CAST(unnest(generate_series({_day(first)}, {_day(last)}, INTERVAL 1 DAY)) AS DATE)
                        AS day) d
            LEFT JOIN daily x ON x.error_code = g.error_code AND x.region = g.region
                             AND x.vault_name IS NOT DISTINCT FROM g.vault_name AND x.day = d.day),
        centred AS (
            SELECT *, median(failed) OVER (PARTITION BY error_code, region, vault_name) AS centre FROM series),
        spread AS (
            SELECT *, median(abs(failed - centre)) OVER (PARTITION BY error_code, region, vault_name) AS mad
            FROM centred),
        spikes AS (
            SELECT *, (failed - centre) / (1.4826 * greatest(mad, {MIN_MAD})) AS z,
                   day - CAST(row_number() OVER (PARTITION BY error_code, region, vault_name ORDER BY day) AS INTEGER)
                       AS island
            FROM spread
            WHERE day >= {_day(f.start)} AND vms >= {MIN_VMS}
              AND (failed - centre) / (1.4826 * greatest(mad, {MIN_MAD})) >= {SPIKE_Z}),
        windows AS (
            SELECT error_code, region, vault_name, min(day) AS first_day, max(day) AS last_day, max(z) AS peak_z
            FROM spikes GROUP BY error_code, region, vault_name, island),
        kept AS (
            SELECT w.* FROM windows w
            WHERE w.vault_name IS NULL OR NOT EXISTS (
                SELECT 1 FROM windows r
                WHERE r.vault_name IS NULL AND r.error_code = w.error_code AND r.region = w.region
                  AND r.first_day <= w.last_day AND w.first_day <= r.last_day)),
        hit AS (
            SELECT k.error_code, k.region, k.vault_name AS group_vault, k.first_day, k.peak_z,
                   min(c.start_time) AS start, max(c.start_time) AS end, count(*) AS failed,
                   count(DISTINCT c.vm) AS vms,
                   count(DISTINCT c.vault_name) AS vaults, min(c.vault_name) AS one_vault
            FROM kept k JOIN coded c
              ON c.error_code = k.error_code AND c.region = k.region AND c.day BETWEEN k.first_day AND k.last_day
             AND (k.vault_name IS NULL OR c.vault_name = k.vault_name) AND c.in_scope
            GROUP BY k.error_code, k.region, k.vault_name, k.first_day, k.peak_z),
        errors AS (
            SELECT error_code, min(error_message) AS error_message, min(error_category) AS category,
                   min(guide_article) AS guide_article, min(guide_error_id) AS guide_error_id
            FROM failures WHERE in_scope AND error_code IN (SELECT error_code FROM hit) GROUP BY error_code)
        SELECT h.error_code, e.error_message, e.category, e.guide_article, e.guide_error_id,
               CASE WHEN h.vaults = 1 THEN '{VAULT}' ELSE '{REGION}' END AS scope, h.region,
               CASE WHEN h.vaults = 1 THEN h.one_vault END AS vault_name, h.start, h.end, h.failed, h.vms, h.vaults,
               h.peak_z
        FROM hit h JOIN errors e USING (error_code)
        ORDER BY h.vms DESC, h.failed DESC, h.start, h.error_code, h.region, vault_name""", INCIDENT_COLUMNS)
