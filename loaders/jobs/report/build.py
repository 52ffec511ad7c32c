"""One call from a store connection and a filter state to a finished report."""
from __future__ import annotations

import datetime as dt

import duckdb

from loaders.jobs.queries import FleetFilter, fleet_summary
from loaders.jobs.report.content import report_content
from loaders.jobs.report.html import render_html
from loaders.jobs.report.labels import report_locale
from loaders.jobs.report.markdown import render_markdown

FORMATS = ("html", "markdown")


def build_report(con: duckdb.DuckDBPyConnection, fleet: FleetFilter, now: dt.datetime, locale: str = "en-us",
                 format: str = "html", rpo_hours: float = 24) -> str:
    """The report of `fleet` as of `now`, as HTML or Markdown, in `locale`."""
    if format not in FORMATS:
        raise ValueError(f"unknown report format {format!r}: choose one of {', '.join(FORMATS)}")
    content = report_content(fleet_summary(con, fleet, now=now, rpo_hours=rpo_hours), report_locale(locale), now)
    return render_html(content) if format == "html" else render_markdown(content)
