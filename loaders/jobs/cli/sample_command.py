"""`jobs sample`: `generate_sample(store, vms=, days=, seed=, now=)`."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from loaders.jobs.cli.options import EXIT_OK, EXIT_UNREADABLE, error, open_for_writing
from loaders.jobs.sample import generate_sample
from loaders.jobs.store import StoreError
from loaders.jobs.timeutil import naive_utc


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "sample", parents=parents,
        help="generate the deterministic sample fleet into the store",
        description="Generate a realistic, deterministic sample fleet of VM backup jobs into the job store.",
    )
    parser.add_argument("--vms", type=int, default=2000, help="number of VMs (default 2000)")
    parser.add_argument("--days", type=int, default=90, help="days of history up to now (default 90)")
    parser.add_argument("--seed", type=int, default=7,
                        help="random seed; the same seed gives the same fleet (default 7)")
    parser.add_argument("--now", type=_utc_time, default=None,
                        help="end of the history, ISO 8601 UTC (default: the current hour)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(handler=run_sample)


def _utc_time(text: str) -> dt.datetime:
    return naive_utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\rgenerating sample fleet [{'#' * filled}{'.' * (width - filled)}] {done}/{total} VMs")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run_sample(args: argparse.Namespace) -> int:
    if args.vms < 1 or args.days < 1:
        error(f"the sample needs at least one VM and one day (got --vms {args.vms} --days {args.days})")
        return EXIT_UNREADABLE
    store = open_for_writing(args)
    if store is None:
        return EXIT_UNREADABLE
    try:
        report = generate_sample(store, vms=args.vms, days=args.days, seed=args.seed, now=args.now,
                                 progress=None if args.quiet else _progress_bar)
    except StoreError as exc:
        error(str(exc))
        return EXIT_UNREADABLE
    finally:
        store.close()
    print(
        f"sample fleet: {report.jobs} jobs ({report.inserted} inserted, {report.updated} updated) for {report.vms} "
        f"VMs over {report.days} days up to {report.now:%Y-%m-%d %H:%M} UTC; {report.subscriptions} subscriptions, "
        f"{report.vaults} vaults, {len(report.regions)} regions; incident in {report.incident_region} on "
        f"{report.incident_day}; {report.seconds:.1f} s"
    )
    return EXIT_OK
