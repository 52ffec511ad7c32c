"""`jobs sync`: `sync_vaults(store, credential, scopes, since=, base_url=, options=SyncOptions(...))`.

Exit status: 0 every vault synced, 1 some vault or subscription failed (named, with the HTTP status),
2 usage error or no credential.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from loaders.jobs.azure import (
    ARM_SCOPE,
    SYNC_SOURCE,
    SyncOptions,
    SyncStatus,
    as_datetime,
    classify_scopes,
    default_credential,
    sync_vaults,
)
from loaders.jobs.cli.options import EXIT_OK, EXIT_UNREADABLE, EXIT_VAULT_FAILED, error, open_for_writing


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "sync", parents=parents,
        help="sync backup jobs from Azure Recovery Services vaults (live, incremental)",
        description="Read Azure VM backup jobs from Recovery Services vaults through Azure Resource Manager and "
                    "upsert them into the store. Each vault remembers how far it was read, so a re-run fetches only "
                    "what is new. Sign in first (az login, environment variables or a managed identity); the "
                    "identity needs the Backup Reader role on the vaults (plus Reader on a subscription to list "
                    "its vaults).",
        epilog="Exit status: 0 all vaults synced, 1 some vault or subscription failed, 2 usage error or no "
               "credential.")
    parser.add_argument("--vault", action="append", default=[], metavar="ID",
                        help="a scope: vault resource id /subscriptions/<id>/resourceGroups/<rg>/providers/"
                             "Microsoft.RecoveryServices/vaults/<name> (repeatable)")
    parser.add_argument("--subscription", action="append", default=[], metavar="ID",
                        help="a scope: subscription id, to sync every Recovery Services vault in it (repeatable)")
    parser.add_argument("--source", choices=("rest", "resource-graph", "log-analytics"), default="rest",
                        help="rest: each vault's job list (Backup Reader); resource-graph: the last 14 days of every "
                             "--subscription in a few queries (Reader); log-analytics: AddonAzureBackupJobs of each "
                             "--workspace (Log Analytics Reader). Default rest")
    parser.add_argument("--workspace", action="append", default=[], metavar="ID",
                        help="a Log Analytics workspace id, for --source log-analytics (repeatable)")
    parser.add_argument("--since", default=None, metavar="DATE",
                        help="read from this UTC date/time instead of each vault's watermark, e.g. 2026-11-01")
    parser.add_argument("--base-url", default=None, metavar="URL",
                        help="Resource Manager endpoint (default https://management.azure.com)")
    parser.add_argument("--read-timeout", type=float, default=SyncOptions.read_timeout, metavar="SECONDS",
                        help=f"seconds to wait for each response (default {SyncOptions.read_timeout:g})")
    parser.add_argument("--retry-total", type=int, default=SyncOptions.retry_total, metavar="N",
                        help="retries per request on throttling, server errors and timeouts "
                             f"(default {SyncOptions.retry_total})")
    parser.add_argument("--max-detail-fetches", type=int, default=SyncOptions.max_detail_fetches, metavar="N",
                        help="at most N job-detail requests per vault for failed jobs listed without error details "
                             f"(default {SyncOptions.max_detail_fetches})")
    parser.add_argument("--concurrency", type=int, default=SyncOptions.concurrency, metavar="N",
                        help="vaults read at the same time, all within one read budget per subscription "
                             f"(default {SyncOptions.concurrency})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress messages on stderr")
    parser.set_defaults(handler=run_sync)


def _since(args: argparse.Namespace) -> Any:
    """`--since` as naive UTC (None when not given); False, after saying why, when it is no date."""
    try:
        return as_datetime(args.since)
    except ValueError:
        error(f"--since {args.since!r} is not a date (use e.g. 2026-11-01 or 2026-11-01T06:00:00Z)")
        return False


def run_sync(args: argparse.Namespace) -> int:
    if args.source != "rest":
        return run_query_source(args)
    scopes: Sequence[str] = [*args.vault, *args.subscription]
    if not scopes:
        error("name at least one --vault or --subscription")
        return EXIT_UNREADABLE
    classified = classify_scopes(scopes)
    if classified.invalid:
        for message in classified.invalid:
            error(message)
        return EXIT_UNREADABLE
    since = _since(args)
    if since is False:
        return EXIT_UNREADABLE
    if args.read_timeout <= 0 or args.max_detail_fetches < 0 or args.retry_total < 0 or args.concurrency < 1:
        error("--read-timeout and --concurrency must be positive, --retry-total and --max-detail-fetches "
              "not negative")
        return EXIT_UNREADABLE

    credential = default_credential()
    try:
        credential.get_token(ARM_SCOPE)  # fail fast, before opening the store
    except Exception as exc:  # noqa: BLE001 - any credential problem is a usage problem here
        error("no usable Azure credential. Sign in with `az login`, set AZURE_CLIENT_ID, AZURE_TENANT_ID "
              "and AZURE_CLIENT_SECRET, or run with a managed identity.")
        print(f"  {str(exc).strip()}".replace("\n", "\n  "), file=sys.stderr)
        return EXIT_UNREADABLE

    store = open_for_writing(args)
    if store is None:
        return EXIT_UNREADABLE
    options = SyncOptions(read_timeout=args.read_timeout, max_detail_fetches=args.max_detail_fetches,
                          retry_total=args.retry_total, concurrency=args.concurrency)
    printer = ProgressPrinter(sys.stderr, quiet=args.quiet)
    with store:
        report = sync_vaults(store, credential, scopes, since=since, progress=printer.progress,
                             status=printer.status, base_url=args.base_url, options=options)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
        if report.total("quarantined"):
            print("see quarantined records: python -m loaders jobs quarantine "
                  f"--source {SYNC_SOURCE} --db {store.path}")
    if report.credential_error:
        return EXIT_UNREADABLE
    return EXIT_OK if report.ok else EXIT_VAULT_FAILED


class ProgressPrinter:
    """Progress on stderr: each vault as it finishes, and the running totals (vaults done, jobs
    fetched, rate, time left) at most once per `every` seconds."""

    def __init__(self, out: TextIO, quiet: bool = False, every: float = 1.0) -> None:
        self.out, self.quiet, self.every = out, quiet, every
        self._done = -1
        self._message = ""
        self._last_status = 0.0

    def progress(self, done: int, total: int, message: str) -> None:
        self._message = f"[{done}/{total}] {message}"

    def status(self, status: SyncStatus) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        finished_one = status.vaults_done != self._done
        if finished_one:
            self._done = status.vaults_done
            print(self._message, file=self.out, flush=True)
        if finished_one or now - self._last_status >= self.every:
            self._last_status = now
            print(f"  {status.line()}", file=self.out, flush=True)


def run_query_source(args: argparse.Namespace) -> int:
    """`--source resource-graph` (subscriptions) or `--source log-analytics` (workspaces)."""
    from loaders.jobs.azure.log_analytics import sync_log_analytics
    from loaders.jobs.azure.resource_graph import sync_resource_graph

    scopes = args.subscription if args.source == "resource-graph" else args.workspace
    if not scopes:
        error("--source resource-graph needs --subscription, --source log-analytics needs --workspace")
        return EXIT_UNREADABLE
    since = _since(args)
    if since is False:
        return EXIT_UNREADABLE
    credential = default_credential()
    store = open_for_writing(args)
    if store is None:
        return EXIT_UNREADABLE
    options = SyncOptions(read_timeout=args.read_timeout, retry_total=args.retry_total)
    with store:
        if args.source == "resource-graph":
            report = sync_resource_graph(store, credential, scopes, base_url=args.base_url, options=options)
        else:
            report = sync_log_analytics(store, credential, scopes, endpoint=args.base_url, options=options,
                                        since=since)
    print("\n".join(report.lines()))
    return EXIT_OK if report.ok else EXIT_VAULT_FAILED
