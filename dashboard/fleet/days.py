"""The UTC days a period touches, and how much of each the figures cover.

A period such as "the last 7 days" read at 14:00 starts and ends at 14:00: its first and last days hold
only part of a day's jobs. Drawn like the others, the last day looks like a collapse in activity and its
success rate like a regression, so the daily charts mark such days. So does a period that reaches past
the time the figures are read at (a custom period ending today): the rest of that day has no jobs yet.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class DaySpan:
    """The part of one UTC day inside a period: [start, end), naive UTC; empty (start == end) for a day
    the period reaches but the data does not (after the time the figures are read at)."""

    day: dt.date
    start: dt.datetime
    end: dt.datetime

    @property
    def midnight(self) -> dt.datetime:
        return dt.datetime.combine(self.day, dt.time())

    @property
    def partial(self) -> bool:
        return self.start != self.midnight or self.end != self.midnight + ONE_DAY

    @property
    def starts_late(self) -> bool:
        """The covered part begins after midnight."""
        return self.start != self.midnight

    @property
    def ends_early(self) -> bool:
        """The covered part stops before the next midnight."""
        return self.end != self.midnight + ONE_DAY


def days_of(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """Every UTC day with a moment in [start, end)."""
    first = start.date()
    last = (end - dt.timedelta(microseconds=1)).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def day_spans(start: dt.datetime, end: dt.datetime, as_of: dt.datetime | None = None) -> list[DaySpan]:
    """One span per day of [start, end), each cut to the period and to `as_of` (the time the figures are
    read at; None: the period's end)."""
    covered_until = end if as_of is None else min(end, max(as_of, start))
    spans = []
    for day in days_of(start, end):
        midnight = dt.datetime.combine(day, dt.time())
        begin = max(start, midnight)
        spans.append(DaySpan(day, begin, max(begin, min(covered_until, midnight + ONE_DAY))))
    return spans


def partial_days(start: dt.datetime, end: dt.datetime, as_of: dt.datetime | None = None) -> frozenset[dt.date]:
    """The days of [start, end) that the figures cover only in part (or not at all)."""
    return frozenset(span.day for span in day_spans(start, end, as_of) if span.partial)
