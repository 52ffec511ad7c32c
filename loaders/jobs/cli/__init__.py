"""`python -m loaders jobs ...`: the job store from the command line, in the words of the Python API.

    jobs sample --vms --days --seed --now       generate_sample(store, vms=, days=, seed=, now=)
    jobs import PATH ...                        import_files(store, paths)
    jobs sync --vault/--subscription --since    sync_vaults(store, credential, scopes, since=, base_url=,
              --base-url --read-timeout           options=SyncOptions(read_timeout=, retry_total=,
              --retry-total --max-detail-fetches                      max_detail_fetches=))
    jobs query --source log-analytics:<ids>     pushdown.run_views(credential, workspaces, FleetFilter, now, views=)
    jobs info                                   Store.info()
    jobs quarantine --limit --source            Store.quarantine(limit=, source=)
    jobs delete --source                        Store.delete_source(source)
    jobs clear                                  Store.clear()
    jobs report --since --format --locale --out build_report(con, fleet, now, locale=, format=, rpo_hours=)

`--vault` and `--subscription` both name `scopes` (vault resource ids, subscription ids). Every command
takes `--db PATH` (default: `$BACKUP_TRIAGE_DB`, else the user data directory). `delete` and `clear` ask
for confirmation on a terminal; `--yes` skips the question. Exit codes: 0 done (quarantined records are
listed, not fatal); 1 a vault or subscription failed to sync, or a deletion was declined; 2 a file or the
store could not be read at all, or a usage error.
"""
from __future__ import annotations

from typing import Any

from loaders.jobs.cli import query_command, report_command, sample_command, store_commands, sync_command
from loaders.jobs.cli.options import db_option


def register(subparsers: Any) -> None:
    jobs = subparsers.add_parser("jobs", help="load backup job data into the fleet store",
                                 description="Load and inspect backup job data in the fleet store (DuckDB).")
    sub = jobs.add_subparsers(dest="jobs_command", metavar="JOBS_COMMAND")
    sub.required = True
    shared = [db_option()]
    sample_command.add_parser(sub, shared)
    store_commands.add_import_parser(sub, shared)
    sync_command.add_parser(sub, shared)
    query_command.add_parser(sub, [])
    store_commands.add_info_parser(sub, shared)
    store_commands.add_quarantine_parser(sub, shared)
    store_commands.add_delete_parser(sub, shared)
    store_commands.add_clear_parser(sub, shared)
    report_command.add_parser(sub, shared)
