"""The relations the fleet views share for one filter state, as CTEs or materialised once."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.queries.index import FleetIndex, fleet_index
from loaders.jobs.queries.sql import timestamp_literal
from loaders.jobs.timeutil import naive_utc


class Blocks:
    """The relations the views share, for one filter state:

    * `cube` — jobs in scope per UTC day, status, region and vault (`current`); with `with_previous`, also
      those of the previous period (`NOT current`), from the same scan;
    * `failures` — failed jobs in scope (`in_scope`) or, with `with_previous`, in the previous period
      (`in_previous`), with their error fields, region and vault;
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

    def __init__(self, index: FleetIndex, f: FleetFilter, now: dt.datetime | None = None,
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
            SELECT day, status, region, vault_name, day >= {timestamp_literal(f.start)} AS current, sum(jobs) AS jobs
            FROM fleet_days WHERE {whole} AND {conditions}
            GROUP BY ALL"""]
        for day in cut:  # one range per cut day, so that the scan skips every other row group
            since = max(first, dt.datetime.combine(day, dt.time()))
            until = min(end, dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
            parts.append(f"""
            SELECT CAST(start_time AS DATE) AS day, status, region, vault_name,
                   start_time >= {timestamp_literal(f.start)} AS current, count(*) AS jobs
            FROM fleet_jobs
            WHERE start_time >= {timestamp_literal(since)} AND start_time < {timestamp_literal(until)} AND {conditions}
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
               CAST(region AS VARCHAR) AS region, CAST(vault_name AS VARCHAR) AS vault_name, {flags}
        FROM fleet_failed
        WHERE start_time >= {timestamp_literal(self._first())} AND start_time < {timestamp_literal(f.end)}
              AND {ix.entity(f)})"""

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
            t = timestamp_literal(moment)
            return (f"CASE WHEN s.times[-1] < {t} THEN s.times[-1] "
                    f"ELSE list_max(list_filter(s.times, lambda v: v < {t})) END")

        return f"""vm_facts AS (
        SELECT v.*, {', '.join(f'{before(moment)} AS {name}' for name, moment in latest)}
        FROM (
            SELECT vm, {', '.join(columns)}
            FROM (
                SELECT vm, attributes, start_time, {', '.join(flags)}
                FROM fleet_jobs
                WHERE start_time >= {timestamp_literal(self._first())} AND start_time < {timestamp_literal(f.end)}
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
        end = timestamp_literal(self.f.end)
        return f"""runs AS (
        SELECT vm, prev_success,
               min(start_time) AS first_failure, max(start_time) AS last_failure,
               min(CASE WHEN next_success < {end} THEN next_success END) AS recovered_at,
               any_value(run_error_code) AS error_code, any_value(run_error_message) AS error_message,
               count(*) FILTER (WHERE scheduled) AS scheduled_failures
        FROM fleet_placed
        WHERE start_time < {end} AND vm IN (SELECT vm FROM scope_vms)
        GROUP BY vm, prev_success)"""


def frame(con: duckdb.DuckDBPyConnection, sql: str, columns: Sequence[str], params: Sequence[Any] = ()) -> pd.DataFrame:
    frame = con.execute(sql, list(params)).df()
    frame.columns = list(columns)
    return frame


def run_view(con: duckdb.DuckDBPyConnection, blocks: Blocks, names: Sequence[str], select: str,
          columns: Sequence[str], *params: Any) -> pd.DataFrame:
    """Run `select` after the WITH clause of the blocks `names`."""
    return frame(con, f"{blocks.ctes(*names)}\n{select}", columns, params)


def blocks_for(con: duckdb.DuckDBPyConnection, f: FleetFilter, now: dt.datetime | None = None) -> Blocks:
    return Blocks(fleet_index(con), f, now)
