"""The report's charts as plain Plotly figures (drawn from a `FleetSummary`; axis titles in the reader's
language)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from loaders.jobs.report.labels import T_

if TYPE_CHECKING:
    from loaders.jobs.queries import FleetSummary

LAYOUT = {"template": "plotly_white", "height": 360, "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
          "legend": {"orientation": "h", "y": -0.2}}
RECOVERY_CODES = 15  # codes drawn in the time-to-recover chart, those with the most recoveries


def _code_names(frame: pd.DataFrame) -> list[str]:
    return [code if isinstance(code, str) and code else f"({str(message)[:40]})"
            for code, message in zip(frame["error_code"], frame["error_message"], strict=True)]


def daily_failures_figure(summary: FleetSummary, locale: str) -> go.Figure:
    """Failed jobs per UTC day, stacked by error category, with the day's success rate."""
    daily = summary.daily_failures_by_category
    figure = go.Figure()
    for category, rows in daily.groupby("category", sort=True):
        figure.add_bar(x=rows["day"], y=rows["failed"], name=str(category))
    rate = summary.daily_success_rate
    figure.add_scatter(x=rate["day"], y=rate["success_rate"], name=T_("Success rate", locale), yaxis="y2",
                       mode="lines+markers")
    figure.update_layout(barmode="stack", yaxis={"title": T_("Failed jobs", locale)},
                         yaxis2={"title": T_("Success rate", locale), "overlaying": "y", "side": "right",
                                 "tickformat": ".0%", "rangemode": "tozero"}, **LAYOUT)
    return figure


def top_errors_figure(summary: FleetSummary, locale: str) -> go.Figure:
    top = summary.top_error_codes.iloc[::-1]
    figure = go.Figure(go.Bar(x=top["failed"], y=_code_names(top), orientation="h", name=T_("Failed jobs", locale)))
    figure.update_layout(xaxis={"title": T_("Failed jobs", locale)}, **LAYOUT)
    return figure


def recovery_figure(summary: FleetSummary, locale: str) -> go.Figure:
    """Median hours from a run's first failure to the success that ended it, per code (slowest on top)."""
    ttr = summary.time_to_recover
    ttr = ttr[ttr["incidents"] > 0].nlargest(RECOVERY_CODES, "incidents").sort_values("median_hours")
    figure = go.Figure(go.Bar(x=ttr["median_hours"], y=_code_names(ttr), orientation="h",
                              name=T_("Median hours to recover", locale)))
    figure.update_layout(xaxis={"title": T_("Median hours to recover", locale)}, **LAYOUT)
    return figure
