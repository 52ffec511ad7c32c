"""Which days of a period the figures cover in part: from the period's ends and the time they are read at."""
from __future__ import annotations

import datetime as dt

from dashboard.fleet.days import day_spans, days_of, partial_days
from dashboard.fleet.filters import FilterState, fleet_filter


def test_a_rolling_week_read_in_the_afternoon_has_a_partial_day_at_each_end() -> None:
    as_of = dt.datetime(2026, 3, 2, 14, 0)
    fleet = fleet_filter(FilterState(range="7d"), as_of)
    spans = day_spans(fleet.start, fleet.end, as_of)
    assert [s.day for s in spans] == [dt.date(2026, 2, 23) + dt.timedelta(days=n) for n in range(8)]
    assert [s.partial for s in spans] == [True] + [False] * 6 + [True]
    first, last = spans[0], spans[-1]
    assert (first.start, first.end) == (dt.datetime(2026, 2, 23, 14), dt.datetime(2026, 2, 24))
    assert first.starts_late and not first.ends_early
    assert (last.start, last.end) == (dt.datetime(2026, 3, 2), as_of)
    assert last.ends_early and not last.starts_late
    assert partial_days(fleet.start, fleet.end, as_of) == {dt.date(2026, 2, 23), dt.date(2026, 3, 2)}


def test_whole_days_in_the_past_have_no_partial_day() -> None:
    as_of = dt.datetime(2026, 3, 2, 14, 0)
    fleet = fleet_filter(FilterState(range="custom", start_day=dt.date(2026, 2, 1), end_day=dt.date(2026, 2, 7)), as_of)
    assert partial_days(fleet.start, fleet.end, as_of) == frozenset()
    assert partial_days(fleet.start, fleet.end) == frozenset()
    assert len(days_of(fleet.start, fleet.end)) == 7


def test_a_period_reaching_past_the_data_is_partial_from_that_moment_on() -> None:
    as_of = dt.datetime(2026, 3, 2, 9, 30)
    start, end = dt.datetime(2026, 2, 28), dt.datetime(2026, 3, 4)  # custom dates up to the day after tomorrow
    spans = {s.day: s for s in day_spans(start, end, as_of)}
    assert partial_days(start, end, as_of) == {dt.date(2026, 3, 2), dt.date(2026, 3, 3)}
    assert spans[dt.date(2026, 3, 2)].end == as_of
    assert spans[dt.date(2026, 3, 3)].start == spans[dt.date(2026, 3, 3)].end  # no data yet at all
    assert not spans[dt.date(2026, 3, 1)].partial


def test_a_period_within_one_day_is_that_days_part() -> None:
    start, end = dt.datetime(2026, 3, 2, 6), dt.datetime(2026, 3, 2, 18)
    (span,) = day_spans(start, end)
    assert span.partial and span.starts_late and span.ends_early and (span.start, span.end) == (start, end)
    # Read before the period begins: nothing of it is covered.
    (early,) = day_spans(start, end, dt.datetime(2026, 3, 1))
    assert early.start == early.end == start
