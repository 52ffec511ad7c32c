"""The HTML report opened in Chromium with the network cut off: every chart is drawn from the file alone."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import sync_playwright

from loaders.jobs.queries import FleetFilter
from loaders.jobs.report import build_report
from loaders.jobs.store import open_store
from tests.support.browser import launch_chromium, screenshot
from tests.support.fleet_stores import make_monday_store

pytestmark = pytest.mark.browser
SECOND_WEEK = FleetFilter(dt.datetime(2026, 1, 8), dt.datetime(2026, 1, 15))


def test_the_report_draws_all_its_charts_offline(tmp_path) -> None:
    with open_store(make_monday_store(tmp_path / "fleet.duckdb"), read_only=True) as store:
        html = build_report(store.connection, SECOND_WEEK, SECOND_WEEK.end, "ja-jp", "html")
    report = tmp_path / "report.html"
    report.write_text(html, encoding="utf-8")
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
            context.on("request", lambda request: requested.append(request.url))
            page = context.new_page()
            page.goto(report.as_uri())
            page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3",
                                   timeout=30_000)
            drawn = page.evaluate("""() => [...document.querySelectorAll('[id^=chart-]')].map(chart => ({
                id: chart.id, svgs: chart.querySelectorAll('.main-svg').length,
                bars: chart.querySelectorAll('.trace.bars .point').length}))""")
            title = page.title()
            screenshot(page, "fleet-report-offline")
        finally:
            browser.close()
    assert [chart["id"] for chart in drawn] == ["chart-0", "chart-1", "chart-2"]
    assert all(chart["svgs"] >= 1 and chart["bars"] > 0 for chart in drawn), drawn
    assert title == "フリートのバックアップ レポート"
    assert {url.split(":", 1)[0] for url in requested} == {"file"}  # the file itself, nothing else
