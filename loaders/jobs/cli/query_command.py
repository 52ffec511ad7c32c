"""`jobs query`: the fleet views computed in Log Analytics workspaces,
`loaders.jobs.pushdown.run_views(credential, workspaces, FleetFilter(...), now, views=)`."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from typing import Any

from loaders.jobs.cli.options import EXIT_OK, EXIT_UNREADABLE, EXIT_VAULT_FAILED, error
from loaders.jobs.pushdown import VIEW_NAMES, fleet_queries, parse_source
from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.timeutil import naive_utc, utc_now

SOURCE_ENV_VAR = "BACKUP_TRIAGE_SOURCE"


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "query", help="compute fleet views inside Log Analytics workspaces (only aggregates come back)",
        description="Run the fleet views as KQL summarize queries in Log Analytics workspaces fed by the vaults' "
                    "diagnostic settings (AddonAzureBackupJobs) and print the aggregates. Needs Log Analytics Reader "
                    "on the workspaces. --show-kql prints each query as sent, to paste into the portal's Logs blade.")
    parser.add_argument("--source", default=os.environ.get(SOURCE_ENV_VAR), metavar="log-analytics:ID[,ID...]",
                        help=f"the workspaces (default ${SOURCE_ENV_VAR})")
    parser.add_argument("--view", action="append", choices=VIEW_NAMES, default=None,
                        help="a view to compute (repeatable; default all)")
    parser.add_argument("--days", type=int, default=7, help="the period: the last N days up to --now (default 7)")
    parser.add_argument("--now", default=None, metavar="TIME", help="end of the period, ISO 8601 UTC (default now)")
    parser.add_argument("--rpo-hours", type=float, default=24, help="RPO threshold of rpo-breach (default 24)")
    parser.add_argument("--show-kql", action="store_true", help="print each query before its answer")
    parser.add_argument("--kql-only", action="store_true", help="print the queries without running them")
    parser.add_argument("--base-url", default=None, metavar="URL",
                        help="Log Analytics query endpoint (default https://api.loganalytics.io)")
    parser.add_argument("--json", action="store_true", help="print the answers as JSON")
    parser.set_defaults(handler=run_query)


def run_query(args: argparse.Namespace) -> int:
    try:
        workspaces = parse_source(args.source or "")
        now = naive_utc(dt.datetime.fromisoformat(args.now.replace("Z", "+00:00"))) if args.now else utc_now()
        period = FleetFilter.last_days(now, args.days)
    except ValueError as exc:
        error(str(exc))
        return EXIT_UNREADABLE
    views = tuple(args.view or VIEW_NAMES)
    if args.kql_only:
        for query in fleet_queries(period, now, args.rpo_hours, views):
            print(f"// {query.view}\n{query.kql}\n")
        return EXIT_OK
    from loaders.jobs.azure import default_credential
    from loaders.jobs.guidance import load_default_catalog
    from loaders.jobs.pushdown import run_views

    try:
        frames = run_views(default_credential(), workspaces, period, now, views=views, rpo_hours=args.rpo_hours,
                           endpoint=args.base_url, catalog=load_default_catalog()[0])
    except Exception as exc:  # noqa: BLE001 - one line naming the failure, no traceback
        from loaders.jobs.azure.client import describe_failure

        error(f"the workspace query failed: {describe_failure(exc)}")
        return EXIT_VAULT_FAILED
    if args.json:
        print(json.dumps({view: json.loads(frame.to_json(orient="records", date_format="iso"))
                          for view, frame in frames.items()}, indent=2))
        return EXIT_OK
    queries = {q.view: q.kql for q in fleet_queries(period, now, args.rpo_hours, views)}
    for view, frame in frames.items():
        print(f"== {view} ==")
        if args.show_kql:
            print(queries[view] + "\n")
        print(frame.to_string(index=False) if not frame.empty else "(no rows)")
        print()
    return EXIT_OK
