"""Naive UTC, the one time convention of the job store.

Every datetime in a JobRow, a fleet filter, a watermark or the store's bookkeeping is UTC without
tzinfo: DuckDB TIMESTAMP columns carry no zone, and mixing aware and naive values fails at the
first comparison.
"""
from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """`moment` in naive UTC: an aware value is converted, a naive one is taken as UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)
