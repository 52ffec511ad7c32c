"""The Fleet page in a real Chromium: `streamlit run dashboard/app.py` on a sample fleet store."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from dashboard.core.formatting import format_integer
from dashboard.core.i18n import translate
from dashboard.fleet.filters import reference_time
from loaders.jobs import queries
from loaders.jobs.queries import FleetFilter
from loaders.jobs.store import open_store
from tests.support.browser import screenshot, wait_until_settled
from tests.support.fleet_stores import make_sample_store, store_server

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    return make_sample_store(tmp_path_factory.mktemp("fleet-browser") / "fleet.duckdb")


@pytest.fixture(scope="module")
def server(sample_db):
    with store_server(sample_db) as running:
        yield running


def fleet_facts(db, regions=()):
    with open_store(db, read_only=True) as store:
        options = queries.filter_options(store.connection)
        as_of = reference_time(options.max_time, live=False, wall_clock=dt.datetime(2100, 1, 1))
        fleet = FleetFilter.last_days(as_of, 30, regions=tuple(regions))
        return options, queries.kpis(store.connection, fleet), queries.top_error_codes(store.connection, fleet)


def metric_value(page, label: str):
    return page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True)) \
        .get_by_test_id("stMetricValue")


def test_filter_then_click_a_top_error_to_read_its_guidance(server, chromium, sample_db) -> None:
    options, all_kpis, _ = fleet_facts(sample_db)
    region = options.regions[0]
    _, region_kpis, region_top = fleet_facts(sample_db, [region])
    context = chromium.new_context(viewport={"width": 1400, "height": 1800}, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/fleet?lang=en-us")
        expect(page.get_by_role("heading", name="Fleet backups", level=1)).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=TIMEOUT_MS)
        expect(metric_value(page, "Jobs")).to_have_text(format_integer(all_kpis.jobs, "en-us"), timeout=TIMEOUT_MS)

        # Narrow to one region in the sidebar: KPIs, charts and the URL follow.
        page.get_by_role("combobox", name="Regions").click()
        page.get_by_role("option", name=region, exact=True).click()
        page.keyboard.press("Escape")
        expect(page).to_have_url(re.compile(rf"region={re.escape(region)}"), timeout=TIMEOUT_MS)
        expect(metric_value(page, "Jobs")).to_have_text(format_integer(region_kpis.jobs, "en-us"),
                                                        timeout=TIMEOUT_MS)
        expect(metric_value(page, "Failed")).to_have_text(format_integer(region_kpis.failed, "en-us"),
                                                          timeout=TIMEOUT_MS)
        # The bars are read and clicked by position: none may be left over from the unfiltered run.
        wait_until_settled(page)
        chart = page.locator(".js-plotly-plot").nth(1)
        expect(chart.locator(".gtitle")).to_have_text("Top error codes")
        page.wait_for_timeout(500)  # let Plotly finish laying out the redrawn bars
        screenshot(page, "fleet-en")

        # Click the biggest bar of a guided error: the Guide opens at that error, in English.
        guided = region_top[region_top["guide_error_id"].notna()]
        assert len(guided), "the sample region has errors with guidance"
        code = guided.iloc[0]["error_code"]
        bar = chart.locator("g.trace.bars g.point path")
        labels = [tick.text_content() for tick in chart.locator("g.ytick text").all()]
        assert code in labels
        # The bar of `code`: traces hold the bars of one category each, in the category order of the
        # chart; find it by its y position, the same as its tick label's.
        tick = chart.locator("g.ytick text", has_text=re.compile(rf"^{re.escape(code)}$"))
        tick_box = tick.bounding_box()
        target = None
        for index in range(bar.count()):
            box = bar.nth(index).bounding_box()
            if box and abs((box["y"] + box["height"] / 2) - (tick_box["y"] + tick_box["height"] / 2)) < 6:
                target = box
                break
        assert target is not None, f"no bar found for {code}"
        # Plotly's drag layer lies over the bars: click where the bar is, as a reader does.
        page.mouse.click(target["x"] + min(target["width"] / 2, 20), target["y"] + target["height"] / 2)
        expect(page.get_by_role("heading", name="Troubleshooting guide", level=1)).to_be_visible(timeout=TIMEOUT_MS)
        expect(page).to_have_url(re.compile(r"/guide\?"), timeout=TIMEOUT_MS)
        query = parse_qs(urlparse(page.url).query)
        assert query["error"] == [guided.iloc[0]["guide_error_id"]]
        assert query["lang"] == ["en-us"]
        expect(page.get_by_role("heading", level=2).first).to_contain_text(code, timeout=TIMEOUT_MS)
        screenshot(page, "fleet-to-guide-en")

        # Back on the Fleet page the region filter is still there.
        page.get_by_role("link", name="Fleet").click()
        expect(metric_value(page, "Jobs")).to_have_text(format_integer(region_kpis.jobs, "en-us"),
                                                        timeout=TIMEOUT_MS)
        expect(page).to_have_url(re.compile(rf"region={re.escape(region)}"), timeout=TIMEOUT_MS)
    finally:
        context.close()


def test_a_table_row_opens_the_guide_in_italian(server, chromium, sample_db) -> None:
    _, _, top = fleet_facts(sample_db)
    first = top.iloc[0]
    assert isinstance(first["guide_error_id"], str), "the sample's most frequent error has guidance"
    context = chromium.new_context(viewport={"width": 1400, "height": 1800}, locale="it-IT")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/fleet?lang=it-it")
        expect(page.get_by_role("heading", name="Backup della flotta", level=1)).to_be_visible(timeout=TIMEOUT_MS)
        # The top errors table (the "what changed" tables come before it on the page).
        grid = page.locator("[class*='st-key-fleet_top_errors_table_'] [data-testid=stDataFrame]")
        expect(grid).to_be_visible(timeout=TIMEOUT_MS)
        # Elements arrive in turn; on a busy machine the last tiles may trail the table.
        expect(page.get_by_test_id("stMetric")).to_have_count(5, timeout=TIMEOUT_MS)
        # The row is clicked by position: the run must be over and the table its final one.
        wait_until_settled(page)
        page.wait_for_timeout(500)
        # Italian labels run long ("Percentuale di successo"): no tile cuts its label or figure short.
        clipped = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid=stMetricLabel] [data-testid=stMarkdownContainer], [data-testid=stMetricValue] > div')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
        assert clipped == [], clipped
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        # The selection column is the grid's first; the first data row sits below the header row.
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 18)
        expect(page).to_have_url(re.compile(rf"/guide\?.*error={re.escape(first['guide_error_id'])}"),
                                 timeout=TIMEOUT_MS)
        expect(page.get_by_role("heading", name="Guida alla risoluzione dei problemi", level=1)) \
            .to_be_visible(timeout=TIMEOUT_MS)
        assert parse_qs(urlparse(page.url).query)["lang"] == ["it-it"]
        screenshot(page, "fleet-to-guide-it")
    finally:
        context.close()


def test_the_keyboard_reaches_an_errors_guidance(server, chromium, sample_db) -> None:
    """Bars and table rows answer the mouse; the list under the table does the same from the keyboard."""
    _, _, top = fleet_facts(sample_db)
    first = top.iloc[0]
    context = chromium.new_context(viewport={"width": 1400, "height": 1800}, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/fleet?lang=en-us")
        picker = page.get_by_role("combobox", name="Open the guide for")
        expect(picker).to_be_visible(timeout=TIMEOUT_MS)
        picker.focus()
        page.keyboard.type(first["error_code"])
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(rf"/guide\?.*error={re.escape(first['guide_error_id'])}"),
                                 timeout=TIMEOUT_MS)
        expect(page.get_by_role("heading", level=2).first).to_contain_text(first["error_code"], timeout=TIMEOUT_MS)
    finally:
        context.close()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
# What a legend must stay clear of: the plot area, the axes' tick labels and the axis titles.
AXIS_PARTS = (".nsewdrag", ".cartesianlayer .bg", ".xaxislayer-above", ".yaxislayer-above", ".g-xtitle",
              ".g-ytitle", ".g-y2title")


def overlap(a, b) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def on_top(page, box) -> bool:
    """Whether the element at the centre of `box` is the one whose box it is (nothing covers it)."""
    return page.evaluate("""([x, y, selector]) => !!document.elementFromPoint(x, y)?.closest(selector)""",
                         [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, "[data-testid=stSidebar]"])


def open_fleet_page(chromium, server, viewport, lang="en-us", query=""):
    context = chromium.new_context(viewport=viewport, locale=lang)
    page = context.new_page()
    page.goto(f"{server.url}/fleet?lang={lang}{query}")
    expect(page.get_by_test_id("stMetric")).to_have_count(5, timeout=TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot")).to_have_count(5, timeout=TIMEOUT_MS)
    return context, page


def test_on_a_phone_the_sidebar_starts_closed_and_legends_keep_clear_of_the_axes(server, chromium) -> None:
    context, page = open_fleet_page(chromium, server, PHONE, "de-de", "&range=7d")
    try:
        title = page.get_by_role("heading", name=translate("Fleet backups", "de-de"), level=1)
        expect(title).to_be_visible(timeout=TIMEOUT_MS)
        box = title.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert page.evaluate("([x, y]) => !!document.elementFromPoint(x, y)?.closest('h1')",
                             [box["x"] + 10, box["y"] + box["height"] / 2]), "the page is covered on load"
        sidebar = page.get_by_test_id("stSidebar").bounding_box()
        assert sidebar is None or sidebar["x"] + sidebar["width"] <= 0, sidebar
        wait_until_settled(page)
        page.wait_for_timeout(1000)  # Plotly lays the charts out at the phone's width
        with_legend = 0
        for index in range(5):
            chart = page.locator(".js-plotly-plot").nth(index)
            chart.scroll_into_view_if_needed()
            if not chart.locator(".legend").count():
                continue
            with_legend += 1
            legend = chart.locator(".legend").bounding_box()
            figure = chart.bounding_box()
            name = chart.locator(".gtitle").text_content()
            assert legend["x"] >= figure["x"] - 1 and legend["x"] + legend["width"] <= figure["x"] + figure["width"] + 1
            for part in AXIS_PARTS:
                for element in chart.locator(part).all():
                    found = element.bounding_box()
                    if found and found["width"] and found["height"]:
                        assert not overlap(legend, found), (name, part, legend, found)
            # Beside the plot, a legend would leave the bars a sliver of a phone's width.
            plot = chart.locator(".nsewdrag").first.bounding_box()
            assert plot["width"] >= figure["width"] / 2, (name, plot, figure)
        assert with_legend == 2  # the daily chart and the vaults by region
        screenshot(page, "fleet-phone-de")
    finally:
        context.close()


def test_on_a_desktop_the_sidebar_starts_open(server, chromium) -> None:
    context, page = open_fleet_page(chromium, server, DESKTOP)
    try:
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Regions")).to_be_visible(timeout=TIMEOUT_MS)
        box = sidebar.bounding_box()
        assert box["x"] >= 0 and box["width"] >= 200, box
        assert on_top(page, box)
    finally:
        context.close()
