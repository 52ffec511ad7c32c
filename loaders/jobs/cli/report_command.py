"""`jobs report`: `build_report(con, fleet, now, locale=, format=, rpo_hours=)` on the store, for a
scheduled job (cron, a pipeline) as much as for a person."""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

from loaders.jobs.cli.options import EXIT_OK, EXIT_UNREADABLE, error, missing_store
from loaders.jobs.queries import FleetFilter, filter_options
from loaders.jobs.queries.filters import reference_time
from loaders.jobs.report import FORMATS, REPORT_LOCALES, build_report
from loaders.jobs.store import StoreError, open_store
from loaders.jobs.timeutil import utc_now

_SINCE = re.compile(r"^(\d+)([dh])$")


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "report", parents=parents, help="write the fleet report (self-contained HTML or Markdown)",
        description="Write the Fleet page's figures for one filter state as one self-contained HTML file "
                    "(charts included, nothing loaded from the network) or as a Markdown digest.",
    )
    parser.add_argument("--since", type=_since, default=dt.timedelta(days=7), metavar="Nd|Nh",
                        help="the period up to now: days (7d) or hours (48h); default 7d")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="html or markdown (default: markdown for an --out ending in .md, else html)")
    parser.add_argument("--locale", default="en-us", metavar="LANG",
                        help=f"language of the report: {', '.join(REPORT_LOCALES)} (default en-us)")
    parser.add_argument("--out", default=None, metavar="PATH", help="file to write (default: standard output)")
    parser.add_argument("--rpo", type=float, default=24.0, metavar="HOURS",
                        help="RPO threshold in hours (default 24)")
    for flag, dest in (("--subscription", "subscriptions"), ("--vault", "vaults"), ("--region", "regions"),
                       ("--os", "os_types"), ("--operation", "operations")):
        parser.add_argument(flag, dest=dest, action="append", default=[], metavar="VALUE",
                            help=f"only this {flag[2:]} (repeat for several)")
    parser.set_defaults(handler=run_report)


def _since(text: str) -> dt.timedelta:
    match = _SINCE.match(text.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of days or hours such as 7d or 48h, got {text!r}")
    amount = int(match.group(1))
    return dt.timedelta(days=amount) if match.group(2) == "d" else dt.timedelta(hours=amount)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    return "markdown" if args.out and Path(args.out).suffix.lower() in (".md", ".markdown") else "html"


def run_report(args: argparse.Namespace) -> int:
    if args.locale.split("-")[0].lower() not in {loc.split("-")[0] for loc in REPORT_LOCALES}:
        error(f"no report language {args.locale!r}: choose one of {', '.join(REPORT_LOCALES)}")
        return EXIT_UNREADABLE
    if missing_store(args):
        return EXIT_UNREADABLE
    try:
        with open_store(args.db, read_only=True) as store:
            latest = filter_options(store.connection).max_time
            now = reference_time(latest, store.info().last_sync_time is not None, utc_now())
            fleet = FleetFilter(now - args.since, now, subscriptions=tuple(args.subscriptions),
                                vaults=tuple(args.vaults), regions=tuple(args.regions), os_types=tuple(args.os_types),
                                operations=tuple(args.operations))
            text = build_report(store.connection, fleet, now, args.locale, _format(args), args.rpo)
    except StoreError as exc:
        error(str(exc))
        return EXIT_UNREADABLE
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            error(f"cannot write {args.out}: {exc.strerror or exc}")
            return EXIT_UNREADABLE
        print(f"report for {fleet.start:%Y-%m-%d %H:%M} – {fleet.end:%Y-%m-%d %H:%M} UTC written to {args.out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK
