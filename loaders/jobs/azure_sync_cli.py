"""`python -m loaders jobs sync`: the live Azure sync from the command line.

Mirrors `sync_vaults(store, credential, scopes, since=...)`. Exit status: 0 every vault synced,
1 some vault or subscription failed (named, with the HTTP status), 2 usage error or no credential.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from loaders.jobs.azure_client import ARM_SCOPE, SyncOptions
from loaders.jobs.azure_scopes import classify_scopes
from loaders.jobs.azure_sync import SYNC_SOURCE, as_datetime, default_credential, sync_vaults
from loaders.jobs.store import StoreError, open_store

EXIT_OK, EXIT_VAULT_FAILED, EXIT_USAGE = 0, 1, 2


def register(jobs_subparsers: Any) -> argparse.ArgumentParser:
    """Add `jobs sync` to the `jobs` sub-command parsers."""
    parser = jobs_subparsers.add_parser(
        "sync",
        help="sync backup jobs from Azure Recovery Services vaults (live, incremental)",
        description="Read Azure VM backup jobs from Recovery Services vaults through Azure Resource Manager and "
                    "upsert them into the store. Each vault remembers how far it was read, so a re-run fetches only "
                    "what is new. Sign in first (az login, environment variables or a managed identity); the "
                    "identity needs the Backup Reader role on the vaults (plus Reader on a subscription to list "
                    "its vaults).",
        epilog="Exit status: 0 all vaults synced, 1 some vault or subscription failed, 2 usage error or no "
               "credential.")
    parser.add_argument("--vault", action="append", default=[], metavar="ID",
                        help="vault resource id /subscriptions/<id>/resourceGroups/<rg>/providers/"
                             "Microsoft.RecoveryServices/vaults/<name> (repeatable)")
    parser.add_argument("--subscription", action="append", default=[], metavar="ID",
                        help="subscription id: sync every Recovery Services vault in it (repeatable)")
    parser.add_argument("--since", default=None, metavar="DATE",
                        help="read from this UTC date/time instead of each vault's watermark, e.g. 2026-11-01")
    parser.add_argument("--db", default=None, metavar="PATH",
                        help="store file (default: $BACKUP_TRIAGE_DB or the user data directory)")
    parser.add_argument("--base-url", default=None, metavar="URL",
                        help="Resource Manager endpoint (default https://management.azure.com)")
    parser.add_argument("--timeout", type=float, default=SyncOptions.read_timeout, metavar="SECONDS",
                        help=f"read timeout per request (default {SyncOptions.read_timeout:g})")
    parser.add_argument("--retries", type=int, default=SyncOptions.retry_total, metavar="N",
                        help=f"retries per request on throttling, server errors and timeouts (default {SyncOptions.retry_total})")
    parser.add_argument("--max-details", type=int, default=SyncOptions.max_detail_fetches, metavar="N",
                        help="at most N job-detail requests per vault for failed jobs listed without error details "
                             f"(default {SyncOptions.max_detail_fetches})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress messages on stderr")
    parser.set_defaults(handler=run_sync_command)
    return parser


def run_sync_command(args: argparse.Namespace) -> int:
    scopes: Sequence[str] = [*args.vault, *args.subscription]
    if not scopes:
        print("error: name at least one --vault or --subscription", file=sys.stderr)
        return EXIT_USAGE
    parsed = classify_scopes(scopes)
    if parsed.invalid:
        for message in parsed.invalid:
            print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        since = as_datetime(args.since)
    except ValueError:
        print(f"error: --since {args.since!r} is not a date (use e.g. 2026-11-01 or 2026-11-01T06:00:00Z)",
              file=sys.stderr)
        return EXIT_USAGE
    if args.timeout <= 0 or args.max_details < 0 or args.retries < 0:
        print("error: --timeout must be positive, --retries and --max-details not negative", file=sys.stderr)
        return EXIT_USAGE

    credential = default_credential()
    try:
        credential.get_token(ARM_SCOPE)  # fail fast, before opening the store
    except Exception as exc:  # noqa: BLE001 - any credential problem is a usage problem here
        print("error: no usable Azure credential. Sign in with `az login`, set AZURE_CLIENT_ID, AZURE_TENANT_ID "
              "and AZURE_CLIENT_SECRET, or run with a managed identity.", file=sys.stderr)
        print(f"  {str(exc).strip()}".replace("\n", "\n  "), file=sys.stderr)
        return EXIT_USAGE

    try:
        store = open_store(args.db)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    options = SyncOptions(read_timeout=args.timeout, max_detail_fetches=args.max_details, retry_total=args.retries)

    def show(done: int, total: int, message: str) -> None:
        if not args.quiet:
            position = f"[{done}/{total}] " if total else ""
            print(f"{position}{message}", file=sys.stderr, flush=True)

    with store:
        report = sync_vaults(store, credential, scopes, since=since, progress=show, base_url=args.base_url,
                             options=options)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
        if report.total("quarantined"):
            print(f"see quarantined records: python -m loaders jobs quarantine --source {SYNC_SOURCE} --db {store.path}")
    if report.credential_error:
        return EXIT_USAGE
    return EXIT_OK if report.ok else EXIT_VAULT_FAILED
