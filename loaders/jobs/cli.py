"""`python -m loaders jobs import|info|quarantine|sample ...`: the job store from the command line.

Mirrors the Python API: `import_files(store, paths)`, `Store.info()`, `Store.quarantine()`,
`generate_sample(store, ...)`. Exit codes: 0 done (quarantined records are listed, not fatal),
2 a file or the store could not be read at all.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from pathlib import Path

from loaders.jobs.sample import generate_sample
from loaders.jobs.store import DB_ENV_VAR, StoreError, default_db_path, open_store
from loaders.jobs.timeutil import naive_utc

EXIT_OK = 0
EXIT_UNREADABLE = 2


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, metavar="PATH",
                        help=f"store file (default: ${DB_ENV_VAR} or the user data directory)")


def register(subparsers: Any) -> None:
    jobs = subparsers.add_parser("jobs", help="load backup job data into the fleet store",
                                 description="Load and inspect backup job data in the fleet store (DuckDB).")
    sub = jobs.add_subparsers(dest="jobs_command", metavar="JOBS_COMMAND")
    sub.required = True

    imp = sub.add_parser("import", help="import job exports (az CLI / REST JSON, Log Analytics CSV/JSON)",
                         description="Import job export files. Each file is recognised by its content: "
                         "`az backup job list` JSON, REST backupJobs responses (page, list of pages, single job), "
                         "Resource Graph responses, Log Analytics AddonAzureBackupJobs exports (CSV, JSON rows, "
                         "query API JSON). Unreadable records are quarantined with their location.")
    imp.add_argument("files", nargs="+", metavar="FILE")
    add_db_argument(imp)
    imp.set_defaults(handler=run_import)

    info = sub.add_parser("info", help="show what the store holds")
    add_db_argument(info)
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.set_defaults(handler=run_info)

    quarantine = sub.add_parser("quarantine", help="list quarantined records (newest first)")
    add_db_argument(quarantine)
    quarantine.add_argument("--limit", type=_count, default=50, help="at most this many (default 50; 0 = all)")
    quarantine.add_argument("--source", default=None, help="only this source label, e.g. log-analytics:jobs.csv")
    quarantine.add_argument("--json", action="store_true", help="machine-readable output")
    quarantine.set_defaults(handler=run_quarantine)

    register_sample_command(sub)

    try:
        from loaders.jobs.azure_sync import register_sync_command
    except ImportError:
        pass
    else:
        register_sync_command(sub)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (all) or more, not {value}")
    return value


def run_import(args: argparse.Namespace) -> int:
    from loaders.jobs.importers import import_files

    try:
        store = open_store(args.db)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    failed = skipped = 0
    totals = dict(read=0, inserted=0, updated=0, quarantined=0, duplicates=0)

    def show(report: Any) -> None:
        nonlocal failed, skipped
        if report.skipped:
            skipped += 1
            print(report.summary())
            return
        if report.error:
            failed += 1
            print(f"error: {report.summary()}", file=sys.stderr)
            return
        print(report.summary())
        for warning in report.warnings:
            print(f"  warning: {warning}")
        for key in totals:
            totals[key] += getattr(report, key)

    with store:
        reports = import_files(store, args.files, progress=show)
        if len(reports) > 1:
            print(f"total: read {totals['read']} = {totals['inserted']} inserted + {totals['updated']} updated"
                  f" + {totals['quarantined']} quarantined + {totals['duplicates']} duplicates"
                  f" ({len(reports) - failed - skipped} of {len(reports)} files imported"
                  + (f", {skipped} named twice" if skipped else "") + ")")
        if totals["quarantined"]:
            print(f"see quarantined records: python -m loaders jobs quarantine --db {store.path}")
    return EXIT_UNREADABLE if failed else EXIT_OK


def _missing_store(args: argparse.Namespace) -> bool:
    """Reading commands do not create a store file where none exists (a mistyped --db)."""
    path = Path(args.db).expanduser() if args.db else default_db_path()
    if path.exists():
        return False
    print(f"no store at {path} yet: import files or generate the sample fleet first")
    return True


def run_info(args: argparse.Namespace) -> int:
    if _missing_store(args):
        return EXIT_OK
    try:
        with open_store(args.db, read_only=True) as store:
            info = store.info()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        payload = {**info.__dict__,
                   "last_ingest_time": _iso(info.last_ingest_time), "last_sync_time": _iso(info.last_sync_time)}
        print(json.dumps(payload, indent=2))
    else:
        print("\n".join(info.lines()))
    return EXIT_OK


def run_quarantine(args: argparse.Namespace) -> int:
    if _missing_store(args):
        return EXIT_OK
    try:
        with open_store(args.db, read_only=True) as store:
            rows = store.quarantine(limit=args.limit or None, source=args.source)
            total = store.quarantine_count()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        print(json.dumps([{**row.__dict__, "quarantined_at": _iso(row.quarantined_at)} for row in rows], indent=2))
        return EXIT_OK
    if not rows:
        print("no quarantined records")
        return EXIT_OK
    for row in rows:
        print(f"{row.location}  [{row.source}]  {row.reason}")
        if row.raw:
            raw = row.raw if len(row.raw) <= 300 else row.raw[:300] + "…"
            print("    " + raw.replace("\n", "\n    "))
    print(f"({len(rows)} of {total} shown)")
    return EXIT_OK


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _stderr_progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\rgenerating sample fleet [{'#' * filled}{'.' * (width - filled)}] {done}/{total} VMs")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _parse_now(text: str) -> dt.datetime:
    return naive_utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))


def run_sample_command(args: argparse.Namespace) -> int:
    if args.vms < 1 or args.days < 1:
        print(f"error: the sample needs at least one VM and one day (got --vms {args.vms} --days {args.days})",
              file=sys.stderr)
        return 2
    try:
        store = open_store(args.db)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        report = generate_sample(store, vms=args.vms, days=args.days, seed=args.seed, now=args.now,
                                 progress=None if args.quiet else _stderr_progress)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    counts = f" ({report.inserted} inserted, {report.updated} updated)"
    print(
        f"sample fleet: {report.jobs} jobs{counts} for {report.vms} VMs over {report.days} days up to "
        f"{report.now:%Y-%m-%d %H:%M} UTC; {report.subscriptions} subscriptions, {report.vaults} vaults, "
        f"{len(report.regions)} regions; incident in {report.incident_region} on {report.incident_day}; "
        f"{report.seconds:.1f} s"
    )
    return 0


def register_sample_command(jobs_subparsers: Any) -> argparse.ArgumentParser:
    """Add `jobs sample` to the `jobs` sub-command parsers."""
    parser = jobs_subparsers.add_parser(
        "sample",
        help="generate the deterministic sample fleet into the store",
        description="Generate a realistic, deterministic sample fleet of VM backup jobs into the job store.",
    )
    parser.add_argument("--vms", type=int, default=2000, help="number of VMs (default 2000)")
    parser.add_argument("--days", type=int, default=90, help="days of history up to now (default 90)")
    parser.add_argument("--seed", type=int, default=7, help="random seed; the same seed gives the same fleet (default 7)")
    parser.add_argument("--now", type=_parse_now, default=None, help="end of the history, ISO 8601 UTC (default: the current hour)")
    add_db_argument(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(handler=run_sample_command)
    return parser

