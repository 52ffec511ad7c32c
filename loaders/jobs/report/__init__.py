"""The fleet report that travels: one filter state's figures as a self-contained HTML file (charts drawn by
the plotly.js bundled inline, nothing loaded from the network) or as a Markdown digest, in any of the six
UI languages.

`report_content(summary, locale, as_of=)` turns a `loaders.jobs.queries.FleetSummary` into sections and
charts (`content`, `figures`); `render_html` and `render_markdown` write them (`html`, `markdown`);
`build_report(con, fleet, now, locale, format)` does all of it on a store connection. Its words come from
the gettext catalogs beside it (`labels`, `locales/<ll>/LC_MESSAGES/report.po`), so the command line and
the dashboard share one report without the loaders reaching into the dashboard.
"""
from __future__ import annotations

from loaders.jobs.report.build import FORMATS, build_report
from loaders.jobs.report.content import ReportContent, Section, report_content
from loaders.jobs.report.html import render_html
from loaders.jobs.report.labels import REPORT_LOCALES, report_locale
from loaders.jobs.report.markdown import render_markdown

__all__ = ["FORMATS", "REPORT_LOCALES", "ReportContent", "Section", "build_report", "render_html",
           "render_markdown", "report_content", "report_locale"]
