"""Plotly figures of the fleet views, built from the query DataFrames (loaders.jobs.queries).

Pure functions of (data, locale): no Streamlit, so the dashboard and the notebook draw the same charts
and tests check them directly. Titles, axis labels, legends, hover texts, tick labels of dates and
percentages are in the reader's language; numbers use the language's separators.

Colours: the Okabe-Ito palette, distinguishable with the common forms of colour blindness. Categories
beyond its seven colours reuse a colour with a hatch pattern, so no two series look alike; grey is kept
for unknown errors and black for the success rate line.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from babel import Locale, dates, numbers

from dashboard.core import formatting
from dashboard.core.formatting import format_time, month_day_names
from dashboard.core.i18n import babel_locale, current_locale, normalize_locale, translate
from dashboard.fleet.days import DaySpan, day_spans
from dashboard.fleet.labels import (
    CATEGORY_LABELS,
    UNKNOWN_CATEGORY,
    category_label,
    error_label,
    missing,
    unique_labels,
)

# Okabe & Ito (2008), "Color Universal Design"; black is left out of the cycle (used for lines).
OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442")
BLACK = "#000000"
UNKNOWN_GREY = "#999999"
PATTERNS: tuple[str, ...] = ("", "/", "x", ".", "\\", "+", "-")
# Perceptually uniform and readable with colour-vision deficiencies (Nuñez et al. 2018).
HEATMAP_SCALE = "Cividis"

TOP_BARS = 15  # bars of the per-vault and time-to-recover charts

# Charts format thousands of small numbers that repeat (counts per day and category): remember them.
format_integer = functools.lru_cache(maxsize=16384)(formatting.format_integer)
format_percent = functools.lru_cache(maxsize=16384)(formatting.format_percent)
format_decimal = functools.lru_cache(maxsize=4096)(formatting.format_decimal)


def series_style(index: int) -> tuple[str, str]:
    """(colour, hatch pattern) of the index-th series: seven colours, then the same with patterns."""
    return OKABE_ITO[index % len(OKABE_ITO)], PATTERNS[(index // len(OKABE_ITO)) % len(PATTERNS)]


def category_style(category: str) -> tuple[str, str]:
    """Fixed per category, so a category keeps its colour from chart to chart and filter to filter."""
    if category == UNKNOWN_CATEGORY:
        return UNKNOWN_GREY, ""
    known = [c for c in CATEGORY_LABELS if c != UNKNOWN_CATEGORY]
    index = known.index(category) if category in known else len(known) + sum(map(ord, category)) % 7
    return series_style(index)


def category_order(categories: Sequence[str]) -> list[str]:
    """Catalog order, categories the catalog does not know next, unknown errors last."""
    known = list(CATEGORY_LABELS)
    present = list(dict.fromkeys(categories))
    return sorted(present, key=lambda c: (c == UNKNOWN_CATEGORY, known.index(c) if c in known else len(known), c))


# -- locale -----------------------------------------------------------------------------------------------
def _loc(locale: str | None) -> str:
    return normalize_locale(locale) or current_locale()


def separators(locale: str | None = None) -> str:
    """Plotly's `separators` (decimal mark, then group mark) for the locale."""
    loc = Locale.parse(babel_locale(_loc(locale)))
    return numbers.get_decimal_symbol(loc) + numbers.get_group_symbol(loc)


def day_label(day: dt.date, locale: str | None = None, style: str = "MMMd") -> str:
    """A short date in the locale ('Jan 5', '5 janv.', '1月5日')."""
    return dates.format_skeleton(style, day, locale=Locale.parse(babel_locale(_loc(locale))))


def day_ticks(days: Sequence[dt.date], locale: str | None = None,
              most: int = 10) -> tuple[list[dt.datetime], list[str]]:
    """At most `most` evenly spaced date ticks with localized labels."""
    if not days:
        return [], []
    step = max(1, math.ceil(len(days) / most))
    chosen = list(days)[::step]
    return [dt.datetime.combine(d, dt.time()) for d in chosen], [day_label(d, locale) for d in chosen]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _layout(title: str, locale: str, height: int = 380, legend_title: str | None = None, **extra: object) -> dict:
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "separators": separators(locale),
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "legend": legend_below(legend_title),
        "hoverlabel": {"namelength": -1},
    }
    layout.update(extra)
    return layout


def legend_below(title: str | None = None) -> dict:
    """A horizontal legend at the foot of the figure, under the axis titles.

    Placed by the figure's own frame (not the plot area's), Plotly moves the plot up by the legend's
    height, however many rows it takes: on a phone a legend beside the plot would leave the bars a sliver,
    and one placed a fraction of the plot's height below it ran into the axis title once its entries
    wrapped onto several rows."""
    return {"title": {"text": title or "", "side": "top"}, "orientation": "h", "traceorder": "normal",
            "x": 0, "xanchor": "left", "xref": "container", "y": 0, "yanchor": "bottom", "yref": "container"}


def count_axis(title: str, largest: float) -> dict:
    """An axis of whole counts: no "0.5 failed jobs" ticks when the counts are small."""
    axis = {"title": {"text": title}, "rangemode": "tozero", "tickformat": ",d"}
    if largest <= 6:
        axis.update(tick0=0, dtick=1)
    return axis


def _figure(traces: list[dict], layout: dict, empty_text: str | None = None) -> go.Figure:
    """One validated figure; `empty_text` replaces the plot area with a message."""
    if empty_text is not None:
        layout = {**layout, "xaxis": {"visible": False}, "yaxis": {"visible": False},
                  "annotations": [{"text": empty_text, "showarrow": False, "xref": "paper", "yref": "paper",
                                   "x": 0.5, "y": 0.5, "font": {"size": 14}}]}
        traces = []
    return go.Figure(data=traces, layout=layout)


def _as_date(day: object) -> dt.date:
    return pd.Timestamp(day).date()


def _midnight(day: object) -> dt.datetime:
    return dt.datetime.combine(_as_date(day), dt.time())


# -- charts -----------------------------------------------------------------------------------------------
def daily_failures_chart(failures_by_category: pd.DataFrame, success_rate: pd.DataFrame,
                         period: tuple[dt.datetime, dt.datetime], locale: str | None = None,
                         as_of: dt.datetime | None = None) -> go.Figure:
    """Failed jobs per day stacked by error category (bars) with the daily success rate (line, right axis).

    `failures_by_category`: day, category, failed (queries.daily_failures_by_category);
    `success_rate`: day, ..., success_rate (queries.daily_success_rate); `as_of`: when the figures are read
    (None: the period's end). Days the figures cover only in part (`days.day_spans`) have lighter, hatched
    bars and a dotted success-rate segment, and a legend entry says so."""
    locale = _loc(locale)
    spans = {span.day: span for span in day_spans(*period, as_of)}
    days = list(spans)
    partial = {day for day, span in spans.items() if span.partial}
    babel = Locale.parse(babel_locale(locale))
    day_text = {d: _day_text(spans[d], babel, locale) for d in days}
    rate_name = translate("Success rate", locale)
    traces: list[dict] = []

    categories = [UNKNOWN_CATEGORY if missing(c) else str(c) for c in failures_by_category["category"]]
    all_days = [_as_date(d) for d in failures_by_category["day"]]
    all_counts = [int(v) for v in failures_by_category["failed"]]
    by_category: dict[str, list[int]] = {}
    for i, category in enumerate(categories):
        by_category.setdefault(category, []).append(i)
    for category in category_order(categories):
        rows = by_category[category]
        colour, pattern = category_style(category)
        label = category_label(category, locale)
        # Whole days first: the legend draws a trace's key in the style of its first bar.
        rows = sorted(rows, key=lambda i: all_days[i] in partial)
        days_col = [all_days[i] for i in rows]
        counts = [all_counts[i] for i in rows]
        traces.append({
            "type": "bar", "name": label, "x": [_midnight(d) for d in days_col], "y": counts,
            "marker": _bar_marker(colour, pattern, [d in partial for d in days_col]),
            "customdata": [[day_text.get(d, str(d)), format_integer(v, locale)]
                           for d, v in zip(days_col, counts, strict=False)],
            "hovertemplate": "%{customdata[0]}<br>" + label + ": %{customdata[1]}<extra></extra>",
        })
    rate = success_rate.dropna(subset=["success_rate"])
    rates = [float(v) for v in rate["success_rate"]]
    rate_days = [_as_date(d) for d in rate["day"]]
    if partial & set(all_days + rate_days):
        traces.append(_partial_day_key(locale))
    if rates:
        traces += _success_rate_lines(rate_days, rates, partial, day_text, rate_name, locale)
    tickvals, ticktext = day_ticks(days, locale)
    half_day = dt.timedelta(hours=12)
    low = max(0.0, min(min(rates, default=0.9), 0.99) - 0.01)
    ticks = nice_ticks(low, 1.0)
    layout = _layout(
        translate("Failed jobs per day by error category, and success rate", locale), locale, height=480,
        legend_title=translate("Error category", locale), barmode="stack",
        xaxis={"title": {"text": translate("Day (UTC)", locale)}, "type": "date",
               "range": [_midnight(days[0]) - half_day, _midnight(days[-1]) + half_day],
               "tickmode": "array", "tickvals": tickvals, "ticktext": ticktext},
        yaxis=count_axis(translate("Failed jobs", locale), max(_daily_totals(all_days, all_counts), default=0)),
        yaxis2={"title": {"text": rate_name}, "overlaying": "y", "side": "right", "showgrid": False,
                "range": [ticks[0] if ticks else low, 1.0 + (1.0 - low) * 0.02], "tickmode": "array",
                "tickvals": ticks, "ticktext": [format_percent(t, locale, _percent_digits(ticks)) for t in ticks]},
    )
    return _figure(traces, layout, None if traces else translate("No jobs in this period.", locale))


PARTIAL_OPACITY = 0.45
PARTIAL_PATTERN = "/"
RATE_GROUP = "success_rate"


def _day_text(span: DaySpan, babel: Locale, locale: str) -> str:
    """The day in full, and for a partial day which part of it the figures cover."""
    text = dates.format_date(span.day, "full", locale=babel)
    if not span.partial:
        return text
    if span.start == span.end:
        note = translate("partial day: no data yet", locale)
    elif span.starts_late and span.ends_early:
        note = translate("partial day: {start} to {end} UTC", locale, start=format_time(span.start, locale),
                         end=format_time(span.end, locale))
    elif span.starts_late:
        note = translate("partial day: from {time} UTC", locale, time=format_time(span.start, locale))
    else:
        note = translate("partial day: until {time} UTC", locale, time=format_time(span.end, locale))
    return f"{text} ({note})"


def _bar_marker(colour: str, pattern: str, partial: Sequence[bool]) -> dict:
    """A category's bar style; bars of partial days lighter and hatched (a patterned category keeps its
    own hatch, so it stays told apart from the others)."""
    if not any(partial):
        return {"color": colour, "pattern": {"shape": pattern}}
    return {"color": colour, "opacity": [PARTIAL_OPACITY if p else 1.0 for p in partial],
            "pattern": {"shape": [(pattern or PARTIAL_PATTERN) if p else pattern for p in partial]}}


def _partial_day_key(locale: str) -> dict:
    """A legend entry (no bar of its own) showing how partial days look."""
    return {"type": "bar", "name": translate("Partial day", locale), "x": [None], "y": [0],
            "marker": {"color": UNKNOWN_GREY, "opacity": PARTIAL_OPACITY, "pattern": {"shape": PARTIAL_PATTERN}},
            "hoverinfo": "skip", "legendrank": 2000}


def _success_rate_lines(days: Sequence[dt.date], rates: Sequence[float], partial: set[dt.date],
                        day_text: dict[dt.date, str], name: str, locale: str) -> list[dict]:
    """The success rate: a solid line over whole days, dotted segments to partial days."""
    points = sorted(zip(days, rates, strict=False))

    def line(chosen: list[tuple[dt.date, float] | None], dotted: bool, legend: bool) -> dict:
        return {
            "type": "scatter", "name": name, "yaxis": "y2", "mode": "lines+markers", "legendgroup": RATE_GROUP,
            "showlegend": legend, "connectgaps": False,
            "x": [None if p is None else _midnight(p[0]) for p in chosen],
            "y": [None if p is None else p[1] for p in chosen],
            "line": {"color": BLACK, "width": 2, "dash": "dot" if dotted else "solid"},
            "marker": {"color": BLACK, "size": 5, "symbol": "diamond-open" if dotted else "diamond"},
            "customdata": [None if p is None else [day_text.get(p[0], str(p[0])), format_percent(p[1], locale, 1)]
                           for p in chosen],
            "hovertemplate": "%{customdata[0]}<br>" + name + ": %{customdata[1]}<extra></extra>",
        }

    whole = [p for p in points if p[0] not in partial]
    # Each pair of neighbouring points with a partial day between them is one dotted segment.
    dotted: list[tuple[dt.date, float] | None] = []
    for before, after in zip(points, points[1:], strict=False):
        if before[0] in partial or after[0] in partial:
            if dotted and dotted[-1] == before:
                dotted.append(after)
            else:
                dotted += ([None] if dotted else []) + [before, after]
    if len(points) == 1 and points[0][0] in partial:
        dotted = list(points)
    traces = [line(whole, dotted=False, legend=True)] if whole else []
    if dotted:
        traces.append(line(dotted, dotted=True, legend=not whole))
    return traces


def _daily_totals(days: Sequence[dt.date], counts: Sequence[int]) -> list[int]:
    totals: dict[dt.date, int] = {}
    for day, count in zip(days, counts, strict=False):
        totals[day] = totals.get(day, 0) + count
    return list(totals.values())


def _percent_digits(ticks: Sequence[float]) -> int:
    """Fraction digits that tell the percentage ticks apart."""
    for digits in range(0, 3):
        if len({round(t * 100, digits) for t in ticks}) == len(ticks):
            return digits
    return 2


def _message(value: object, limit: int = 90) -> str:
    if missing(value):
        return ""
    text = " ".join(str(value).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("<", "&lt;").replace(">", "&gt;")


def top_errors_chart(top_errors: pd.DataFrame, locale: str | None = None) -> go.Figure:
    """The most frequent error codes (horizontal bars, largest on top), coloured by category.

    Every bar carries its row position in `top_errors` as `customdata[0]`, so a click on a bar leads
    back to the row (and from there to the error's guidance)."""
    locale = _loc(locale)
    failed_name, vms_name = translate("Failed jobs", locale), translate("VMs", locale)
    # No legend: the table under the chart names each error's category, and the colours are those of
    # the daily chart's legend.
    layout = _layout(translate("Top error codes", locale), locale, height=max(300, 130 + 30 * len(top_errors)),
                     showlegend=False)
    if top_errors.empty:
        return _figure([], layout, translate("No failed jobs in this period.", locale))
    labels = unique_labels([
        error_label(code, message, locale, 48)
        for code, message in zip(top_errors["error_code"], top_errors["error_message"], strict=False)
    ])
    categories = [UNKNOWN_CATEGORY if missing(c) else str(c) for c in top_errors["category"]]
    failed = [int(v) for v in top_errors["failed"]]
    vms = [int(v) for v in top_errors["vms"]]
    messages = [_message(m) for m in top_errors["error_message"]]
    traces = []
    for category in category_order(categories):
        rows = [i for i, c in enumerate(categories) if c == category]
        colour, pattern = category_style(category)
        name = category_label(category, locale)
        traces.append({
            "type": "bar", "orientation": "h", "name": name,
            "y": [labels[i] for i in rows], "x": [failed[i] for i in rows],
            "marker": {"color": colour, "pattern": {"shape": pattern}},
            "customdata": [[i, format_integer(failed[i], locale), format_integer(vms[i], locale), messages[i]]
                           for i in rows],
            "hovertemplate": ("<b>%{y}</b> (" + name + ")<br>" + failed_name + ": %{customdata[1]}<br>"
                              + vms_name + ": %{customdata[2]}<br>%{customdata[3]}<extra></extra>"),
        })
    layout.update(
        barmode="stack", clickmode="event+select",
        xaxis=count_axis(failed_name, max(failed)),
        yaxis={"title": {"text": translate("Error code", locale)}, "categoryorder": "array",
               "categoryarray": list(reversed(labels)), "automargin": True},
    )
    return _figure(traces, layout)


def failures_by_location_chart(by_location: pd.DataFrame, locale: str | None = None, top: int = TOP_BARS) -> go.Figure:
    """Failed jobs per vault (the `top` vaults with most failures), coloured by region.

    `by_location`: region, vault_name, failed, jobs (queries.failures_by_location)."""
    locale = _loc(locale)
    failing = by_location[by_location["failed"] > 0]
    frame = failing.sort_values(["failed", "jobs"], ascending=[False, False], kind="stable").head(top)
    title = translate("Failed jobs by vault and region", locale)
    if len(failing) > top:
        title = translate("Failed jobs by vault and region (top {count} vaults)", locale, count=top)
    failed_name = translate("Failed jobs", locale)
    layout = _layout(title, locale, height=max(260, 130 + 26 * len(frame)), legend_title=translate("Region", locale))
    if frame.empty:
        return _figure([], layout, translate("No failed jobs in this period.", locale))
    unknown = translate("(unknown)", locale)
    regions = [unknown if missing(r) else str(r) for r in frame["region"]]
    vaults = unique_labels([unknown if missing(v) else str(v) for v in frame["vault_name"]])
    failed = [int(v) for v in frame["failed"]]
    jobs = [int(v) for v in frame["jobs"]]
    hover = ("<b>%{y}</b> (%{fullData.name})<br>" + failed_name + ": %{customdata[0]}<br>" + translate("Jobs", locale)
             + ": %{customdata[1]}<br>" + translate("Failure rate", locale) + ": %{customdata[2]}<extra></extra>")
    traces = []
    for index, region in enumerate(sorted(set(regions))):
        rows = [i for i, r in enumerate(regions) if r == region]
        colour, pattern = series_style(index)
        traces.append({
            "type": "bar", "orientation": "h", "name": region,
            "y": [vaults[i] for i in rows], "x": [failed[i] for i in rows],
            "marker": {"color": colour, "pattern": {"shape": pattern}},
            "customdata": [[format_integer(failed[i], locale), format_integer(jobs[i], locale),
                            format_percent(failed[i] / jobs[i] if jobs[i] else None, locale, 1)] for i in rows],
            "hovertemplate": hover,
        })
    layout.update(
        barmode="stack",
        xaxis=count_axis(failed_name, max(failed)),
        yaxis={"title": {"text": translate("Vault", locale)}, "categoryorder": "array",
               "categoryarray": list(reversed(vaults)), "automargin": True},
    )
    return _figure(traces, layout)


def failure_heatmap_chart(heatmap: pd.DataFrame, locale: str | None = None) -> go.Figure:
    """Failed jobs by weekday (rows, Monday first) and hour of day in UTC (columns).

    `heatmap`: weekday (0 = Monday), hour, failed (queries.failure_heatmap)."""
    locale = _loc(locale)
    failed_name = translate("Failed jobs", locale)
    _months, weekdays = month_day_names(locale)
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, failed in zip(heatmap["weekday"], heatmap["hour"], heatmap["failed"], strict=False):
        if 0 <= int(weekday) < 7 and 0 <= int(hour) < 24:
            grid[int(weekday)][int(hour)] = int(failed)
    layout = _layout(
        translate("Failed jobs by weekday and hour (UTC)", locale), locale, height=340,
        xaxis={"title": {"text": translate("Hour of day (UTC)", locale)}, "type": "category"},
        yaxis={"title": {"text": translate("Weekday", locale)}, "autorange": "reversed", "type": "category"},
    )
    if sum(map(sum, grid)) == 0:
        return _figure([], layout, translate("No failed jobs in this period.", locale))
    trace = {
        "type": "heatmap", "z": grid, "x": [f"{h:02d}" for h in range(24)], "y": weekdays,
        "colorscale": HEATMAP_SCALE, "zmin": 0, "xgap": 1, "ygap": 1,
        "colorbar": {"title": {"text": failed_name}},
        "customdata": [[format_integer(v, locale) for v in row] for row in grid],
        "hovertemplate": "%{y} %{x}:00 UTC<br>" + failed_name + ": %{customdata}<extra></extra>",
    }
    return _figure([trace], layout)


def time_to_recover_chart(recovery: pd.DataFrame, locale: str | None = None, top: int = TOP_BARS) -> go.Figure:
    """Hours from a VM's first failure to its next successful backup, per error code: the median (bar)
    and the 90th percentile (whisker), for the `top` codes with most recovered incidents.

    `recovery`: error_code, incidents, median_hours, p90_hours, open_incidents, error_message
    (queries.time_to_recover)."""
    locale = _loc(locale)
    frame = recovery[recovery["incidents"] > 0].head(top)
    layout = _layout(translate("Time to recover per error code", locale), locale,
                     height=max(260, 110 + 26 * len(frame)), showlegend=False)
    if frame.empty:
        return _figure([], layout, translate("No recovered failures in this period.", locale))
    labels = unique_labels([error_label(code, message, locale, 48)
                            for code, message in zip(frame["error_code"], frame["error_message"], strict=False)])
    medians = [float(v) for v in frame["median_hours"]]
    p90s = [max(float(p), m) for p, m in zip(frame["p90_hours"], medians, strict=False)]
    hover = ("<b>%{y}</b><br>" + translate("Median: {hours} h", locale, hours="%{customdata[0]}") + "<br>"
             + translate("90th percentile: {hours} h", locale, hours="%{customdata[1]}") + "<br>"
             + translate("Recovered incidents", locale) + ": %{customdata[2]}<br>"
             + translate("Still failing", locale) + ": %{customdata[3]}<extra></extra>")
    trace = {
        "type": "bar", "orientation": "h", "name": translate("Median", locale), "y": labels, "x": medians,
        "marker": {"color": OKABE_ITO[3]},
        "error_x": {"type": "data", "symmetric": False, "array": [p - m for p, m in zip(p90s, medians, strict=False)],
                    "arrayminus": [0] * len(medians), "color": BLACK, "thickness": 1.5, "width": 4},
        "customdata": [[format_decimal(m, locale, 1), format_decimal(p, locale, 1), format_integer(n, locale),
                        format_integer(o, locale)]
                       for m, p, n, o in zip(medians, p90s, frame["incidents"], frame["open_incidents"], strict=False)],
        "hovertemplate": hover,
    }
    axis_title = translate("Hours from first failure to next successful backup "
                           "(bar: median, line: 90th percentile)", locale)
    layout.update(
        # The key to bar and line on a line of its own: on one line the title outgrows the plot on a
        # laptop screen and Plotly cuts it off.
        xaxis={"title": {"text": axis_title.replace(" (", "<br>(", 1)}, "rangemode": "tozero"},
        yaxis={"title": {"text": translate("Error code", locale)}, "categoryorder": "array",
               "categoryarray": list(reversed(labels)), "automargin": True},
    )
    return _figure([trace], layout)
