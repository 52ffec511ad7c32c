"""Fleet filter state: links in and out, periods, the reference time, values the store does not know."""
from __future__ import annotations

import datetime as dt

import pytest

from dashboard.fleet.filters import (
    CUSTOM,
    DEFAULT_RANGE,
    DEFAULT_RPO_HOURS,
    URL_PARAMS,
    FilterState,
    fleet_filter,
    next_hour,
    parse_query,
    period,
    reference_time,
    restrict,
    rpo_now,
    to_query,
)
from loaders.jobs.queries import FilterOptions

AS_OF = dt.datetime(2026, 3, 2, 14, 0)
OPTIONS = FilterOptions(
    subscriptions=("s1", "s2"), vaults=("rsv-a", "rsv-b"), regions=("eastus", "westeurope"),
    os_types=("Linux", "Windows"), operations=("Backup", "Restore"), statuses=("Completed", "Failed"),
    min_time=dt.datetime(2026, 1, 1), max_time=dt.datetime(2026, 3, 2, 13, 59),
)


def test_defaults_make_an_empty_link_and_back() -> None:
    assert all(value is None for value in to_query(FilterState()).values())
    assert tuple(to_query(FilterState())) == URL_PARAMS  # the order publish_to_url records
    parsed = parse_query({})
    assert parsed.state == FilterState() and parsed.problems == []


@pytest.mark.parametrize("state", [
    FilterState(range="7d", regions=("eastus", "westeurope"), os_types=("Windows",), rpo_hours=48),
    FilterState(range=CUSTOM, start_day=dt.date(2026, 1, 5), end_day=dt.date(2026, 1, 18), vaults=("rsv-a",),
                operations=("Backup", "Restore"), subscriptions=("s2",)),
    FilterState(range="90d", rpo_hours=1),
])
def test_link_round_trip(state) -> None:
    query = to_query(state)
    params = {name: value for name, value in query.items() if value is not None}
    parsed = parse_query(params)
    assert parsed.problems == []
    assert parsed.state == state


def test_link_values_as_the_browser_and_apptest_give_them() -> None:
    parsed = parse_query({"region": ["westeurope", "eastus, westeurope"], "os": "Windows,,Linux ", "rpo": "36h"})
    assert parsed.state.regions == ("eastus", "westeurope")  # last value of a repeated key, de-duplicated
    assert parsed.state.os_types == ("Windows", "Linux")
    assert parsed.state.rpo_hours == 36


def test_dates_alone_mean_custom_dates_and_are_put_in_order() -> None:
    parsed = parse_query({"from": "2026-02-10", "to": "2026-02-01"})
    assert parsed.state.range == CUSTOM
    assert (parsed.state.start_day, parsed.state.end_day) == (dt.date(2026, 2, 1), dt.date(2026, 2, 10))
    one_day = parse_query({"from": "2026-02-10"}).state
    assert one_day.start_day == one_day.end_day == dt.date(2026, 2, 10)


def test_unreadable_values_are_reported_and_ignored() -> None:
    parsed = parse_query({"range": "fortnight", "from": "yesterday", "rpo": "soon", "region": "eastus"})
    assert parsed.state == FilterState(regions=("eastus",))
    assert sorted(parsed.problems) == ["from=yesterday", "range=fortnight", "rpo=soon"]
    custom_without_dates = parse_query({"range": "custom"})
    assert custom_without_dates.state.range == DEFAULT_RANGE and custom_without_dates.problems


def test_rpo_threshold_is_kept_within_limits() -> None:
    assert parse_query({"rpo": "0"}).state.rpo_hours == 1
    assert parse_query({"rpo": "100000"}).state.rpo_hours == 24 * 30
    assert parse_query({"rpo": "inf"}).problems == ["rpo=inf"]
    assert parse_query({}).state.rpo_hours == DEFAULT_RPO_HOURS


def test_values_the_store_does_not_know_are_dropped_and_named() -> None:
    state = FilterState(regions=("eastus", "mars-north"), vaults=("rsv-z",), os_types=("Windows",))
    kept, dropped = restrict(state, OPTIONS)
    assert kept == FilterState(regions=("eastus",), os_types=("Windows",))
    assert sorted(dropped) == ["region=mars-north", "vault=rsv-z"]
    assert restrict(kept, OPTIONS) == (kept, [])


def test_preset_periods_end_at_the_reference_time() -> None:
    assert period(FilterState(range="7d"), AS_OF) == (AS_OF - dt.timedelta(days=7), AS_OF)
    assert period(FilterState(), AS_OF) == (AS_OF - dt.timedelta(days=30), AS_OF)
    custom = FilterState(range=CUSTOM, start_day=dt.date(2026, 1, 5), end_day=dt.date(2026, 1, 11))
    assert period(custom, AS_OF) == (dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 12))  # last day included


def test_fleet_filter_carries_every_list() -> None:
    state = FilterState(range="14d", subscriptions=("s1",), vaults=("rsv-a",), regions=("eastus",),
                        os_types=("Linux",), operations=("Backup",))
    fleet = fleet_filter(state, AS_OF)
    assert (fleet.start, fleet.end) == (AS_OF - dt.timedelta(days=14), AS_OF)
    assert (fleet.subscriptions, fleet.vaults, fleet.regions, fleet.os_types, fleet.operations) == (
        ("s1",), ("rsv-a",), ("eastus",), ("Linux",), ("Backup",))
    assert fleet.statuses == ()


def test_rpo_is_judged_at_the_end_of_a_past_period() -> None:
    past = FilterState(range=CUSTOM, start_day=dt.date(2026, 1, 5), end_day=dt.date(2026, 1, 11))
    assert rpo_now(past, AS_OF) == dt.datetime(2026, 1, 12)
    assert rpo_now(FilterState(), AS_OF) == AS_OF
    running = FilterState(range=CUSTOM, start_day=dt.date(2026, 3, 1), end_day=dt.date(2026, 3, 2))
    assert rpo_now(running, AS_OF) == AS_OF  # never in the future


def test_reference_time_of_a_snapshot_is_the_end_of_its_data() -> None:
    clock = dt.datetime(2026, 11, 27, 9, 41, 17)
    assert reference_time(dt.datetime(2026, 3, 2, 13, 59, 54), live=False, wall_clock=clock) == AS_OF
    # A job starting on the hour is inside the period that ends at the reference time.
    assert reference_time(dt.datetime(2026, 1, 10, 23, 0), live=False, wall_clock=clock) == dt.datetime(2026, 1, 11)
    assert next_hour(dt.datetime(2026, 1, 10, 23, 0)) == dt.datetime(2026, 1, 11)


def test_reference_time_of_a_synced_store_is_the_clock() -> None:
    clock = dt.datetime(2026, 11, 27, 9, 41, 17, 5)
    assert reference_time(dt.datetime(2026, 11, 20), live=True, wall_clock=clock) == dt.datetime(2026, 11, 27, 9, 41)
    assert reference_time(None, live=False, wall_clock=clock) == dt.datetime(2026, 11, 27, 9, 41)
    # Jobs "in the future" (clock skew) never push the reference past the next hour of the clock.
    assert reference_time(dt.datetime(2027, 1, 1), live=False, wall_clock=clock) == dt.datetime(2026, 11, 27, 10, 0)
