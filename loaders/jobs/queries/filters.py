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
