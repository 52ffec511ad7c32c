"""Fleet charts built from real query results: what they plot, in which language, with which colours."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.core.formatting import month_day_names
from dashboard.core.i18n import UI_LOCALES, translate
from dashboard.fleet import charts
from dashboard.fleet import skeleton as fleet_skeleton
from dashboard.fleet.labels import category_label
from loaders.jobs.queries import FleetFilter, fleet_summary
from loaders.jobs.store import open_store
from tests.support.fleet_stores import HAND_BUILT_END, HAND_BUILT_START, make_hand_built_store, make_sample_store

SAMPLE_END = dt.datetime(2026, 3, 2)
HAND_WEEK = FleetFilter(dt.datetime.combine(HAND_BUILT_START, dt.time()),
                        dt.datetime.combine(HAND_BUILT_END, dt.time()) + dt.timedelta(days=1))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = make_sample_store(tmp_path_factory.mktemp("sample") / "fleet.duckdb")
    fleet = FleetFilter.last_days(SAMPLE_END, 30)
    with open_store(path, read_only=True) as store:
        return fleet, fleet_summary(store.connection, fleet, now=SAMPLE_END)


@pytest.fixture(scope="module")
def hand_built(tmp_path_factory):
    path = make_hand_built_store(tmp_path_factory.mktemp("hand") / "fleet.duckdb")
    with open_store(path, read_only=True) as store:
        return fleet_summary(store.connection, HAND_WEEK, now=HAND_WEEK.end)


def bars(figure):
    return [trace for trace in figure.data if trace.type == "bar"]


def test_daily_chart_stacks_every_failure_by_category_with_the_success_rate(sample) -> None:
    fleet, result = sample
    figure = charts.daily_failures_chart(result.daily_failures_by_category, result.daily_success_rate,
                                         (fleet.start, fleet.end), "en-us")
    assert sum(sum(trace.y) for trace in bars(figure)) == result.kpis.failed
    categories = set(result.daily_failures_by_category["category"])
    assert {trace.name for trace in bars(figure)} == {category_label(c, "en-us") for c in categories}
    line = next(trace for trace in figure.data if trace.type == "scatter")
    assert line.yaxis == "y2" and list(line.y) == pytest.approx(list(result.daily_success_rate["success_rate"]))
    assert figure.layout.barmode == "stack"
    assert figure.layout.yaxis2.overlaying == "y" and figure.layout.yaxis2.side == "right"
    assert figure.layout.title.text == "Failed jobs per day by error category, and success rate"
    assert figure.layout.xaxis.title.text == "Day (UTC)" and figure.layout.yaxis.title.text == "Failed jobs"
    # The axis shows the whole period, days without failures included.
    first, last = figure.layout.xaxis.range
    assert pd.Timestamp(first) < pd.Timestamp(fleet.start) < pd.Timestamp(fleet.end) < pd.Timestamp(last) \
        + pd.Timedelta(days=1)


@pytest.mark.parametrize("locale", [loc for loc in UI_LOCALES if loc != "en-us"])
def test_titles_axes_ticks_and_legends_follow_the_language(sample, locale) -> None:
    fleet, result = sample
    daily = charts.daily_failures_chart(result.daily_failures_by_category, result.daily_success_rate,
                                        (fleet.start, fleet.end), locale)
    english = charts.daily_failures_chart(result.daily_failures_by_category, result.daily_success_rate,
                                          (fleet.start, fleet.end), "en-us")
    assert daily.layout.title.text == translate("Failed jobs per day by error category, and success rate", locale)
    assert daily.layout.title.text != english.layout.title.text
    assert daily.layout.yaxis.title.text == translate("Failed jobs", locale)
    assert daily.layout.yaxis2.title.text == translate("Success rate", locale)
    assert daily.layout.xaxis.ticktext != english.layout.xaxis.ticktext  # month names
    assert {t.name for t in bars(daily)} == {category_label(c, locale) for c in
                                             result.daily_failures_by_category["category"]}
    assert daily.layout.separators == charts.separators(locale)
    heatmap = charts.failure_heatmap_chart(result.failure_heatmap, locale)
    assert list(heatmap.data[0].y) == month_day_names(locale)[1]
    assert heatmap.layout.xaxis.title.text == translate("Hour of day (UTC)", locale)
    top = charts.top_errors_chart(result.top_error_codes, locale)
    assert top.layout.title.text == translate("Top error codes", locale)
    assert top.layout.xaxis.title.text == translate("Failed jobs", locale)


def test_number_separators_are_the_languages() -> None:
    assert charts.separators("en-us") == ".,"
    assert charts.separators("de-de") == ",."
    assert charts.separators("it-it") == ",."
    assert charts.separators("fr-fr")[0] == ","
    assert charts.day_label(dt.date(2026, 1, 5), "de-de") == "5. Jan."
    assert charts.day_label(dt.date(2026, 1, 5), "ja-jp") == "1月5日"


def test_success_rate_ticks_are_localized_percentages(sample) -> None:
    fleet, result = sample
    figure = charts.daily_failures_chart(result.daily_failures_by_category, result.daily_success_rate,
                                         (fleet.start, fleet.end), "fr-fr")
    axis = figure.layout.yaxis2
    assert axis.tickvals[-1] == pytest.approx(1.0)
    assert axis.ticktext[-1] == "100\u00a0%"
    assert axis.range[0] <= min(result.daily_success_rate["success_rate"])


def test_top_errors_chart_keeps_rows_clickable_and_unknown_codes_visible(hand_built) -> None:
    top = hand_built.top_error_codes
    figure = charts.top_errors_chart(top, "en-us")
    plotted = {}
    for trace in bars(figure):
        for label, value, custom in zip(trace.y, trace.x, trace.customdata, strict=False):
            plotted[int(custom[0])] = (label, value, trace.name)
    assert sorted(plotted) == list(range(len(top)))  # every row, and customdata[0] is its position
    for position, (label, value, name) in plotted.items():
        row = top.iloc[position]
        assert value == row["failed"]
        assert name == category_label(row["category"], "en-us")
        assert label == (row["error_code"] if isinstance(row["error_code"], str) else label)
    unknown = [plotted[i] for i in range(len(top)) if top.iloc[i]["category"] == "unknown"]
    assert {label for label, _value, _name in unknown} == {"130002", "UserErrorMysteryGlitch"}
    assert all(name == "Unknown error" for _label, _value, name in unknown)
    # Largest on top: the category order of the axis is the table's, reversed.
    assert list(figure.layout.yaxis.categoryarray)[::-1][0] == top.iloc[0]["error_code"]


def test_a_failure_without_any_code_is_named_by_its_message() -> None:
    top = pd.DataFrame({"error_code": [None, "CodeA"], "error_message": ["Disk went away", "a"],
                        "category": ["unknown", "disk"], "guide_article": [None, "x"], "guide_error_id": [None, "y"],
                        "failed": [3, 2], "vms": [1, 1]})
    figure = charts.top_errors_chart(top, "it-it")
    labels = [label for trace in bars(figure) for label in trace.y]
    assert translate("(no code) {message}", "it-it", message="Disk went away") in labels


def test_colours_are_okabe_ito_and_no_two_categories_look_alike(sample) -> None:
    styles = {category: charts.category_style(category) for category in charts.CATEGORY_LABELS}
    assert len(set(styles.values())) == len(styles)
    assert styles["unknown"] == (charts.UNKNOWN_GREY, "")
    assert all(colour in charts.OKABE_ITO for category, (colour, _p) in styles.items() if category != "unknown")
    fleet, result = sample
    figure = charts.daily_failures_chart(result.daily_failures_by_category, result.daily_success_rate,
                                         (fleet.start, fleet.end), "en-us")
    looks = [(t.marker.color, t.marker.pattern.shape) for t in bars(figure)]
    assert len(set(looks)) == len(looks)
    assert figure.data[-1].line.color == charts.BLACK
    assert charts.failure_heatmap_chart(result.failure_heatmap).data[0].colorscale[0][1] != \
        charts.failure_heatmap_chart(result.failure_heatmap).data[0].colorscale[-1][1]


def test_location_chart_shows_the_vaults_with_most_failures_by_region(sample) -> None:
    _fleet, result = sample
    by_location = result.failures_by_location
    figure = charts.failures_by_location_chart(by_location, "en-us", top=5)
    plotted = {(trace.name, vault): value
               for trace in bars(figure) for vault, value in zip(trace.y, trace.x, strict=False)}
    expected = by_location[by_location["failed"] > 0].sort_values(["failed", "jobs"], ascending=False).head(5)
    assert sorted(plotted.values(), reverse=True) == list(expected["failed"])
    assert {name for name, _vault in plotted} == set(expected["region"])
    assert figure.layout.title.text == translate("Failed jobs by vault and region (top {count} vaults)", "en-us",
                                                 count=5)


def test_heatmap_has_every_weekday_and_hour(hand_built) -> None:
    figure = charts.failure_heatmap_chart(hand_built.failure_heatmap, "en-us")
    grid = figure.data[0].z
    assert len(grid) == 7 and all(len(row) == 24 for row in grid)
    assert sum(map(sum, grid)) == hand_built.kpis.failed
    cells = hand_built.failure_heatmap
    for weekday, hour, failed in zip(cells["weekday"], cells["hour"], cells["failed"], strict=False):
        assert grid[weekday][hour] == failed
    assert list(figure.data[0].y)[0] == month_day_names("en-us")[1][0]  # Monday first


def test_time_to_recover_bars_are_medians_with_a_whisker_to_p90(hand_built) -> None:
    recovery = hand_built.time_to_recover
    figure = charts.time_to_recover_chart(recovery, "en-us")
    trace = figure.data[0]
    shown = recovery[recovery["incidents"] > 0]
    assert list(trace.x) == pytest.approx(list(shown["median_hours"]))
    p90 = [m + e for m, e in zip(trace.x, trace.error_x.array, strict=False)]
    assert p90 == pytest.approx(list(shown["p90_hours"]))
    assert set(trace.error_x.arrayminus) == {0}
    # The axis title keeps its key to bar and line on a second line, in every language.
    for locale in ("en-us", "de-de", "ja-jp"):
        title = charts.time_to_recover_chart(recovery, locale).layout.xaxis.title.text
        first, second = title.split("<br>")
        assert (first + " " + second).replace("  ", " ") == translate(
            "Hours from first failure to next successful backup (bar: median, line: 90th percentile)", locale)
        assert second.startswith("(")


@pytest.mark.parametrize("build", [
    lambda: charts.top_errors_chart(pd.DataFrame(columns=["error_code", "error_message", "category", "guide_article",
                                                          "guide_error_id", "failed", "vms"]), "de-de"),
    lambda: charts.failures_by_location_chart(pd.DataFrame(columns=["region", "vault_name", "failed", "jobs"]),
                                              "de-de"),
    lambda: charts.time_to_recover_chart(pd.DataFrame(columns=["error_code", "incidents", "median_hours", "p90_hours",
                                                               "open_incidents", "error_message"]), "de-de"),
    lambda: charts.failure_heatmap_chart(pd.DataFrame({"weekday": [0], "hour": [0], "failed": [0]}), "de-de"),
    lambda: charts.daily_failures_chart(
        pd.DataFrame(columns=["day", "category", "failed"]),
        pd.DataFrame(columns=["day", "finished", "succeeded", "failed", "success_rate"]),
        (dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 8)), "de-de"),
])
def test_empty_periods_say_so_in_the_language(build) -> None:
    figure = build()
    assert len(figure.data) == 0
    assert figure.layout.annotations[0].text in {translate("No failed jobs in this period.", "de-de"),
                                                 translate("No recovered failures in this period.", "de-de"),
                                                 translate("No jobs in this period.", "de-de")}
    assert figure.layout.title.text  # a titled, empty chart rather than an error


@pytest.mark.parametrize("low, high, expected", [
    (0.95, 1.0, [0.94, 0.96, 0.98, 1.0]),  # step 0.0125 rounds up to 0.02
    (0.62, 1.0, [0.6, 0.7, 0.8, 0.9, 1.0]),
    (0.0, 1.0, [0.0, 0.25, 0.5, 0.75, 1.0]),
])
def test_nice_ticks_are_round_and_cover_the_range(low, high, expected) -> None:
    assert charts.nice_ticks(low, high) == pytest.approx(expected)


def test_the_loading_frame_has_the_daily_chart_title_and_no_data(sample) -> None:
    fleet, result = sample
    frame = fleet_skeleton.loading_chart("es-es")
    daily = charts.daily_failures_chart(result.daily_failures_by_category, result.daily_success_rate,
                                        (fleet.start, fleet.end), "es-es")
    assert frame.layout.title.text == daily.layout.title.text
    assert frame.layout.height == daily.layout.height  # no jump when the chart replaces it
    assert len(frame.data) == 0
    assert frame.layout.annotations[0].text == translate("Reading the job store…", "es-es") != "Reading the job store…"


def test_partial_days_are_drawn_lighter_with_a_dotted_success_rate_and_a_legend_entry(tmp_path) -> None:
    """"Last 7 days" read at 14:00: the first and last days hold about half a day's jobs each."""
    as_of = dt.datetime(2026, 3, 2, 14)
    fleet = FleetFilter.last_days(as_of, 7)
    path = make_sample_store(tmp_path / "fleet.duckdb", now=as_of)
    with open_store(path, read_only=True) as store:
        result = fleet_summary(store.connection, fleet, now=as_of)
    partial = {dt.date(2026, 2, 23), dt.date(2026, 3, 2)}
    figure = charts.daily_failures_chart(result.daily_failures_by_category, result.daily_success_rate,
                                         (fleet.start, fleet.end), "de-de", as_of=as_of)
    drawn = [trace for trace in bars(figure) if trace.name != translate("Partial day", "de-de")]
    assert sum(sum(trace.y) for trace in bars(figure)) == result.kpis.failed  # nothing dropped
    seen_partial = 0
    for trace in drawn:
        opacity = trace.marker.opacity
        shapes = trace.marker.pattern.shape
        for index, (day, custom) in enumerate(zip(trace.x, trace.customdata, strict=False)):
            light = (opacity[index] if isinstance(opacity, tuple) else opacity or 1.0) < 1.0
            shape = shapes[index] if isinstance(shapes, tuple) else shapes
            assert light == (day.date() in partial), (trace.name, day)
            if day.date() in partial:
                seen_partial += 1
                assert shape  # hatched
                assert translate("partial day: from {time} UTC", "de-de", time="14:00") in custom[0] \
                    or translate("partial day: until {time} UTC", "de-de", time="14:00") in custom[0]
    assert seen_partial
    key = [trace for trace in bars(figure) if trace.name == translate("Partial day", "de-de")]
    assert len(key) == 1 and key[0].showlegend is not False and key[0].marker.pattern.shape
    solid, dotted = [trace for trace in figure.data if trace.type == "scatter"]
    assert solid.line.dash == "solid" and dotted.line.dash == "dot"
    assert {x.date() for x in solid.x} == {d.date() for d in result.daily_success_rate["day"]} - partial
    dotted_days = {x.date() for x in dotted.x if x is not None}
    assert partial <= dotted_days
    daily = result.daily_success_rate
    rates = dict(zip((d.date() for d in daily["day"]), daily["success_rate"], strict=False))
    for x, y in zip(dotted.x, dotted.y, strict=False):
        if x is not None:
            assert y == pytest.approx(rates[x.date()])
    assert dotted.legendgroup == solid.legendgroup and dotted.showlegend is False
    # Read at midnight, the same week has only whole days: nothing is marked.
    midnight = dt.datetime(2026, 3, 2)
    whole = charts.daily_failures_chart(result.daily_failures_by_category, result.daily_success_rate,
                                        (midnight - dt.timedelta(days=7), midnight), "de-de", as_of=midnight)
    assert translate("Partial day", "de-de") not in {trace.name for trace in whole.data}
    assert [trace.line.dash for trace in whole.data if trace.type == "scatter"] == ["solid"]
