"""`jobs import`, `info`, `quarantine`, `delete`, `clear`: `import_files(store, paths)`, `Store.info()`,
`Store.quarantine(limit=, source=)`, `Store.delete_source(source)`, `Store.clear()`."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from loaders.jobs.cli.options import (
    EXIT_NOT_DONE,
    EXIT_OK,
    EXIT_UNREADABLE,
    error,
    missing_store,
    open_for_writing,
)
from loaders.jobs.importers import ImportReport, import_files
from loaders.jobs.store import DeleteReport, Store, StoreError, open_store


def add_import_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "import", parents=parents,
        help="import job exports (az CLI / REST JSON, Log Analytics CSV/JSON)",
        description="Import job export files. Each file is recognised by its content: `az backup job list` JSON, "
                    "REST backupJobs responses (page, list of pages, single job), Resource Graph responses, Log "
                    "Analytics AddonAzureBackupJobs exports (CSV, JSON rows, query API JSON). Unreadable records "
                    "are quarantined with their location.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="export files (or named pipes)")
    parser.set_defaults(handler=run_import)


def add_info_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("info", parents=parents, help="show what the store holds")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run_info)


def add_quarantine_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("quarantine", parents=parents, help="list quarantined records (newest first)")
    parser.add_argument("--limit", type=_count, default=50, help="at most this many (default 50; 0 = all)")
    parser.add_argument("--source", default=None, help="only this source label, e.g. log-analytics:jobs.csv")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run_quarantine)


def add_delete_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "delete", parents=parents, help="delete the jobs of one source (e.g. the sample) from the store",
        description="Delete every job, quarantined record and sync watermark of one source label, as `jobs info` "
                    "lists them: sample, azure-rest, az-cli:jobs.json, log-analytics:export.csv... A label ending "
                    "in ':' deletes every source it starts, e.g. log-analytics: for all Log Analytics files.")
    parser.add_argument("--source", required=True, metavar="LABEL", help="source label (or label prefix ending in ':')")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(handler=run_delete)


def add_clear_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "clear", parents=parents, help="empty the store (jobs, quarantine, sync watermarks)",
        description="Delete every job, quarantined record and sync watermark; the store file and its schema stay.")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(handler=run_clear)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (all) or more, not {value}")
    return value


class _ImportTotals:
    """Prints each file's report as it is finished and adds up the files that were imported."""

    def __init__(self) -> None:
        self.failed = self.skipped = 0
        self.counts = dict(read=0, inserted=0, updated=0, quarantined=0, duplicates=0)

    def show(self, report: ImportReport) -> None:
        if report.skipped:
            self.skipped += 1
            print(report.summary())
            return
        if report.error:
            self.failed += 1
            error(report.summary())
            return
        print(report.summary())
        for warning in report.warnings:
            print(f"  warning: {warning}")
        for key in self.counts:
            self.counts[key] += getattr(report, key)

    def summary(self, files: int) -> str:
        c = self.counts
        return (f"total: read {c['read']} = {c['inserted']} inserted + {c['updated']} updated"
                f" + {c['quarantined']} quarantined + {c['duplicates']} duplicates"
                f" ({files - self.failed - self.skipped} of {files} files imported"
                + (f", {self.skipped} named twice" if self.skipped else "") + ")")


def run_import(args: argparse.Namespace) -> int:
    store = open_for_writing(args)
    if store is None:
        return EXIT_UNREADABLE
    totals = _ImportTotals()
    with store:
        reports = import_files(store, args.paths, progress=totals.show)
        if len(reports) > 1:
            print(totals.summary(len(reports)))
        if totals.counts["quarantined"]:
            print(f"see quarantined records: python -m loaders jobs quarantine --db {store.path}")
    return EXIT_UNREADABLE if totals.failed else EXIT_OK


def run_info(args: argparse.Namespace) -> int:
    if missing_store(args):
        return EXIT_OK
    try:
        with open_store(args.db, read_only=True) as store:
            info = store.info()
    except StoreError as exc:
        error(str(exc))
        return EXIT_UNREADABLE
    if args.json:
        payload = {**info.__dict__,
                   "last_ingest_time": _iso(info.last_ingest_time), "last_sync_time": _iso(info.last_sync_time)}
        print(json.dumps(payload, indent=2))
    else:
        print("\n".join(info.lines()))
    return EXIT_OK


def run_quarantine(args: argparse.Namespace) -> int:
    if missing_store(args):
        return EXIT_OK
    try:
        with open_store(args.db, read_only=True) as store:
            rows = store.quarantine(limit=args.limit or None, source=args.source)
            total = store.quarantine_count()
    except StoreError as exc:
        error(str(exc))
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


def run_delete(args: argparse.Namespace) -> int:
    def delete(store: Store) -> DeleteReport:
        return store.delete_source(args.source)

    return _remove(args, f"Delete the jobs, quarantined records and sync watermarks of source {args.source!r}",
                   delete)


def run_clear(args: argparse.Namespace) -> int:
    return _remove(args, "Delete every job, quarantined record and sync watermark", Store.clear)


def _remove(args: argparse.Namespace, question: str, remove: Callable[[Store], DeleteReport]) -> int:
    """Ask (on a terminal, unless --yes), remove, and print what went."""
    if missing_store(args):
        return EXIT_OK
    store = open_for_writing(args)
    if store is None:
        return EXIT_UNREADABLE
    with store:
        if not args.yes and sys.stdin.isatty():
            answer = input(f"{question} in {store.path}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("nothing deleted")
                return EXIT_NOT_DONE
        try:
            report = remove(store)
        except StoreError as exc:
            error(str(exc))
            return EXIT_UNREADABLE
        print(report.summary())
        if not any((report.jobs, report.quarantined, report.watermarks)):
            sources = sorted(store.info().sources)
            print(f"the store holds jobs of: {', '.join(sources)}" if sources else "the store holds no jobs")
    return EXIT_OK


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()
