"""The one filter state every fleet view takes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from loaders.jobs.timeutil import naive_utc


@dataclass(frozen=True)
class FleetFilter:
    """One filter state of the fleet views. Empty tuples mean "all"; `end` is exclusive; naive UTC."""

    start: dt.datetime
    end: dt.datetime
    subscriptions: tuple[str, ...] = ()
    vaults: tuple[str, ...] = ()  # vault names
    regions: tuple[str, ...] = ()
    os_types: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", naive_utc(self.start))
        object.__setattr__(self, "end", naive_utc(self.end))
        if self.end <= self.start:
            raise ValueError(f"empty period: end {self.end} is not after start {self.start}")
        for name in ("subscriptions", "vaults", "regions", "os_types", "operations", "statuses"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(sorted(set(value))))

    @classmethod
    def last_days(cls, now: dt.datetime, days: int, **filters: Any) -> FleetFilter:
        """The `days` days up to `now` (exclusive)."""
        now = naive_utc(now)
        return cls(start=now - dt.timedelta(days=days), end=now, **filters)

    @property
    def length(self) -> dt.timedelta:
        return self.end - self.start

    def previous(self) -> FleetFilter:
        """The period of the same length just before this one, with the same other filters."""
        return replace(self, start=self.start - self.length, end=self.start)


def next_hour(value: dt.datetime) -> dt.datetime:
    """The first full hour strictly after `value`."""
    return value.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def reference_time(latest_job: dt.datetime | None, live: bool, wall_clock: dt.datetime) -> dt.datetime:
    """The "now" of the figures, naive UTC.

    A store kept current by a sync is read at the wall clock (to the minute), so VMs that stopped
    backing up show up as overdue. A snapshot (the sample, imported exports) is read at the end of its
    data, the first full hour after its latest job started: a sample made last week still shows its last
    7 days, not an empty week."""
    clock = wall_clock.replace(second=0, microsecond=0)
    if live or latest_job is None:
        return clock
    return min(next_hour(latest_job), next_hour(clock))
