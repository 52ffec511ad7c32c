"""The Fleet page's filter state, its URL form and the fleet query filter it stands for.

Decided without Streamlit so links, presets and periods are tested on their own. The URL keeps only
what differs from the defaults, so a plain `/fleet` link means "the last 30 days, everything":

    fleet?range=7d&region=eastus,westeurope&os=Windows&op=Backup&rpo=48
    fleet?range=custom&from=2026-01-05&to=2026-01-18&vault=rsv-prod-weu-01

List values are joined with commas (subscription ids, vault names and Azure regions never contain one).
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from dashboard.core.i18n import N_
from dashboard.core.url_state import first_value
from loaders.jobs.queries import FilterOptions, FleetFilter
from loaders.jobs.queries.filters import next_hour, reference_time  # noqa: F401 - part of this module's API

CUSTOM = "custom"
# Preset key -> (days, label msgid). Keys are what the URL carries.
PRESETS: dict[str, tuple[int, str]] = {
    "7d": (7, N_("Last 7 days")),
    "14d": (14, N_("Last 14 days")),
    "30d": (30, N_("Last 30 days")),
    "90d": (90, N_("Last 90 days")),
}
RANGE_LABELS: dict[str, str] = {key: label for key, (_days, label) in PRESETS.items()} | {CUSTOM: N_("Custom dates")}
DEFAULT_RANGE = "30d"
DEFAULT_RPO_HOURS = 24
RPO_LIMITS = (1, 24 * 30)  # an hour to a month

# Filter field -> URL parameter. The order is the sidebar's.
LIST_PARAMS: dict[str, str] = {
    "subscriptions": "sub",
    "vaults": "vault",
    "regions": "region",
    "os_types": "os",
    "operations": "op",
}
RANGE_PARAM, FROM_PARAM, TO_PARAM, RPO_PARAM = "range", "from", "to", "rpo"
URL_PARAMS: tuple[str, ...] = (RANGE_PARAM, FROM_PARAM, TO_PARAM, *LIST_PARAMS.values(), RPO_PARAM)


@dataclass(frozen=True)
class FilterState:
    """What the reader chose. Custom dates are whole UTC days, both ends included."""

    range: str = DEFAULT_RANGE
    start_day: dt.date | None = None
    end_day: dt.date | None = None
    subscriptions: tuple[str, ...] = ()
    vaults: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    os_types: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    rpo_hours: int = DEFAULT_RPO_HOURS

    def lists(self) -> dict[str, tuple[str, ...]]:
        return {name: getattr(self, name) for name in LIST_PARAMS}


@dataclass(frozen=True)
class ParsedLink:
    state: FilterState
    problems: list[str] = field(default_factory=list)  # "param=value" pieces that were not understood


def _split(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_query(params: Mapping[str, Any], base: FilterState | None = None) -> ParsedLink:
    """The state a link asks for. Parameters the link leaves out keep `base`'s values (default: the
    defaults); values that cannot be read are reported and ignored."""
    state = base or FilterState()
    problems: list[str] = []
    changes: dict[str, Any] = {}

    wanted_range = first_value(params, RANGE_PARAM)
    start, end = _day(first_value(params, FROM_PARAM)), _day(first_value(params, TO_PARAM))
    for name in (FROM_PARAM, TO_PARAM):
        raw = first_value(params, name)
        if raw is not None and _day(raw) is None:
            problems.append(f"{name}={raw}")
    if wanted_range is not None:
        if wanted_range in PRESETS or wanted_range == CUSTOM:
            changes["range"] = wanted_range
        else:
            problems.append(f"{RANGE_PARAM}={wanted_range}")
    if start or end:
        # Dates alone mean custom dates; a link giving one end gets a one-day period.
        start, end = start or end, end or start
        if end < start:
            start, end = end, start
        changes.update(range=changes.get("range", CUSTOM) if wanted_range else CUSTOM, start_day=start, end_day=end)
    for name, param in LIST_PARAMS.items():
        raw = first_value(params, param)
        if raw is not None:
            changes[name] = _split(raw)
    raw_rpo = first_value(params, RPO_PARAM)
    if raw_rpo is not None:
        hours = _hours(raw_rpo)
        if hours is None:
            problems.append(f"{RPO_PARAM}={raw_rpo}")
        else:
            changes["rpo_hours"] = hours
    state = replace(state, **changes)
    if state.range == CUSTOM and (state.start_day is None or state.end_day is None):
        problems.append(f"{RANGE_PARAM}={CUSTOM} ({FROM_PARAM}/{TO_PARAM}?)")
        state = replace(state, range=DEFAULT_RANGE, start_day=None, end_day=None)
    return ParsedLink(state, problems)


def _hours(raw: str) -> int | None:
    try:
        value = float(raw.strip().lower().removesuffix("h"))
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return int(min(max(round(value), RPO_LIMITS[0]), RPO_LIMITS[1]))


def to_query(state: FilterState) -> dict[str, str | None]:
    """URL parameters for `state`; None for those at their default (removed from the URL)."""
    custom = state.range == CUSTOM
    query: dict[str, str | None] = {
        RANGE_PARAM: None if state.range == DEFAULT_RANGE else state.range,
        FROM_PARAM: state.start_day.isoformat() if custom and state.start_day else None,
        TO_PARAM: state.end_day.isoformat() if custom and state.end_day else None,
    }
    for name, param in LIST_PARAMS.items():
        query[param] = ",".join(getattr(state, name)) or None
    query[RPO_PARAM] = None if state.rpo_hours == DEFAULT_RPO_HOURS else str(state.rpo_hours)
    return query


def narrowed(state: FilterState) -> bool:
    """Whether any list filter (subscriptions, vaults, regions, OS, operations) is set."""
    return any(getattr(state, name) for name in LIST_PARAMS)


def option_values(options: FilterOptions) -> dict[str, tuple[str, ...]]:
    """What each list filter can take, from the store."""
    return {name: tuple(getattr(options, name)) for name in LIST_PARAMS}


def restrict(state: FilterState, options: FilterOptions) -> tuple[FilterState, list[str]]:
    """`state` with list values the store does not know removed, and what was removed
    ("param=value"), so a link made on another store is reported rather than silently half-applied."""
    allowed = option_values(options)
    dropped: list[str] = []
    changes: dict[str, tuple[str, ...]] = {}
    for name, param in LIST_PARAMS.items():
        values = getattr(state, name)
        kept = tuple(v for v in values if v in allowed[name])
        dropped += [f"{param}={v}" for v in values if v not in allowed[name]]
        if kept != values:
            changes[name] = kept
    return (replace(state, **changes) if changes else state), dropped


# -- time ----------------------------------------------------------------------------------------------
# `reference_time` (the "now" of the figures) and `next_hour` come from loaders.jobs.queries.filters, shared
# with `python -m loaders jobs report`.
def period(state: FilterState, as_of: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the chosen time range, naive UTC."""
    if state.range == CUSTOM and state.start_day and state.end_day:
        start = dt.datetime.combine(state.start_day, dt.time())
        return start, dt.datetime.combine(state.end_day, dt.time()) + dt.timedelta(days=1)
    days = PRESETS.get(state.range, PRESETS[DEFAULT_RANGE])[0]
    return as_of - dt.timedelta(days=days), as_of


def fleet_filter(state: FilterState, as_of: dt.datetime) -> FleetFilter:
    start, end = period(state, as_of)
    return FleetFilter(start=start, end=end, **state.lists())


def rpo_now(state: FilterState, as_of: dt.datetime) -> dt.datetime:
    """When the RPO is judged: at the reference time, or at the end of a custom period in the past."""
    return min(period(state, as_of)[1], as_of)


def rpo_compared_at(fleet: FleetFilter) -> dt.datetime:
    """When the RPO count the tile compares with is taken: at the end of the previous period.

    The RPO count is a state at one moment, not a total over a period: the previous period's count is the
    same count taken when that period ended, over the VMs with a job in it. (At the same offset into the
    previous period as `rpo_now` into this one, a period still running would count the VMs first seen
    later in the previous period as never backed up.)"""
    return fleet.previous().end
