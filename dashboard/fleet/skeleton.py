"""The frame of the Fleet page's first chart, drawn before any data is read.

Sent at once on a session's first run, it makes the browser load its charting library while the server
imports the data libraries and reads the store, which is most of a cold start. Kept free of pandas and
DuckDB imports for that reason.
"""
from __future__ import annotations

import plotly.graph_objects as go

from dashboard.core.i18n import translate

DAILY_TITLE = "Failed jobs per day by error category, and success rate"  # msgid, as fleet_charts.daily_failures_chart


def loading_chart(locale: str | None = None, height: int = 480) -> go.Figure:
    """An empty chart with the daily chart's title and size, saying that data is on its way."""
    return go.Figure(layout={
        "title": {"text": translate(DAILY_TITLE, locale), "x": 0, "xanchor": "left"},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "annotations": [{"text": translate("Reading the job store…", locale), "showarrow": False,
                         "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "font": {"size": 14}}],
    })
