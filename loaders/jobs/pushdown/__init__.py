"""Fleet views computed inside Log Analytics for estates too big to copy: each view is one KQL
`summarize` query over `AddonAzureBackupJobs` in the workspaces, and only its aggregate rows come back.

    fleet_queries(f, now, rpo_hours=24) -> list[ViewQuery]            the KQL of every view (pure)
    run_views(credential, workspaces, f, now, views=..., endpoint=) -> dict[str, pandas.DataFrame]
    python -m loaders jobs query --source log-analytics:<id>[,<id>...] --view top-codes [--show-kql]

Modules: `kql` (the queries, pure functions of a `FleetFilter`), `tables` (a tabular answer to a
DataFrame, and error codes to categories through the catalog), `run` (azure-monitor-query, a cache
per filter state).
"""
from __future__ import annotations

from loaders.jobs.pushdown.kql import VIEW_NAMES, ViewQuery, fleet_queries, view_query
from loaders.jobs.pushdown.run import PushdownCache, parse_source, run_views

__all__ = ["VIEW_NAMES", "PushdownCache", "ViewQuery", "fleet_queries", "parse_source", "run_views", "view_query"]
