"""Which time window a vault sync asks for, how it is written in `$filter`, and how far the
watermark may move afterwards. Pure functions over naive-UTC datetimes.

The service filters backup jobs with OData `eq` clauses; `startTime eq X` acts as the lower and
`endTime eq Y` as the upper bound of the window, with dates written `yyyy-MM-dd hh:mm:ss tt`
in UTC (the format Azure CLI and PowerShell send).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from loaders.jobs.timeutil import naive_utc

FILTER_TIME_FORMAT = "%Y-%m-%d %I:%M:%S %p"
IAAS_VM = "AzureIaasVM"


@dataclass(frozen=True)
class Window:
    start: dt.datetime  # naive UTC, inclusive
    end: dt.datetime  # naive UTC


def filter_time(moment: dt.datetime) -> str:
    """`2026-11-01 10:00:00 PM` for 22:00 UTC. Seconds are the finest unit the filter takes."""
    return naive_utc(moment).strftime(FILTER_TIME_FORMAT)


def job_filter(window: Window, backup_management_type: str = IAAS_VM) -> str:
    return (f"backupManagementType eq '{backup_management_type}'"
            f" and startTime eq '{filter_time(window.start)}'"
            f" and endTime eq '{filter_time(window.end)}'")


def window_start(stored: dt.datetime | None, since: dt.datetime | None, now: dt.datetime,
                 overlap: dt.timedelta, initial_lookback: dt.timedelta) -> dt.datetime:
    """Where the next read begins: `since` when given, else the stored watermark minus an overlap
    (jobs show up in the list a little after they start), else `initial_lookback` before now."""
    if since is not None:
        start = naive_utc(since)
    elif stored is not None:
        start = naive_utc(stored) - overlap
    else:
        start = now - initial_lookback
    return min(start, now).replace(microsecond=0)


def split_window(start: dt.datetime, end: dt.datetime, max_span: dt.timedelta) -> list[Window]:
    """Consecutive windows of at most `max_span`, oldest first, so a long backfill keeps each
    request modest and the watermark can move forward window by window."""
    if max_span <= dt.timedelta(0):
        raise ValueError("max_span must be positive")
    windows = []
    cursor = start
    while True:
        stop = min(cursor + max_span, end)
        windows.append(Window(cursor, stop))
        if stop >= end:
            return windows
        cursor = stop


def next_watermark(window_end: dt.datetime, in_progress_starts: Iterable[dt.datetime], now: dt.datetime,
                   max_in_progress_age: dt.timedelta) -> dt.datetime:
    """The end of what was read, held back to the start of any job still running so that job is
    read again (and updated) next time. A job 'running' for longer than `max_in_progress_age` is
    taken as stuck and no longer holds the watermark back, or it would pin every later sync."""
    oldest_allowed = now - max_in_progress_age
    held = [start for start in in_progress_starts if start >= oldest_allowed]
    return min([window_end, *held])


def covers_since_watermark(stored: dt.datetime | None, since: dt.datetime | None) -> bool:
    """Whether a read starting at `since` leaves no gap after what was stored before: only then may
    the watermark move to the end of this read."""
    return since is None or stored is None or naive_utc(since) <= naive_utc(stored)
