"""The app asks nothing of any host but its own: every page, its icons and fonts load from the app's server."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard.core.registry import PAGES
from loaders.docs.graph import load_graph
from tests.support.browser import launch_chromium
from tests.support.fleet_stores import make_sample_store, store_server

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
OWN_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = make_sample_store(tmp_path_factory.mktemp("offline") / "fleet.duckdb", vms=40, days=20)
    with store_server(db) as running:
        yield running


def an_article_error(docs_source_dir) -> str:
    """A Guide link to an error of the built-in articles that has causes (a page full of article content)."""
    graph = load_graph(docs_source_dir)
    for article in graph.articles("en-us"):
        for error in article.errors:
            if error.causes:
                slug = article.path.rsplit("/", 1)[-1].removesuffix(".md")
                return f"guide?lang=en-us&article={slug}&error={error.id}"
    raise AssertionError("docs_source has no error with causes")


def test_every_page_loads_only_from_the_apps_own_server(server, docs_source_dir) -> None:
    requested: list[str] = []
    icons: list[str | None] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1200}, locale="en-US")
            context.on("request", lambda request: requested.append(request.url))
            page = context.new_page()
            for target in [f"{spec.url_path}?lang=en-us" for spec in PAGES] + [an_article_error(docs_source_dir)]:
                page.goto(f"{server.url}/{target}")
                expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=TIMEOUT_MS)
                expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=TIMEOUT_MS)
                if "error=" in target:  # the article's causes and solutions are on the page
                    expect(page.get_by_role("heading", level=2).first).to_be_visible(timeout=TIMEOUT_MS)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1500)  # the page icon, late fonts and chart libraries
                icons.append(page.locator("link[rel='shortcut icon']").get_attribute("href"))
                # The menu's icons are drawn: the icon font Streamlit ships has loaded.
                assert page.evaluate("() => [...document.fonts].some(f => f.family.includes('Material Symbols')"
                                     " && f.status === 'loaded')"), target
        finally:
            browser.close()
    web = [url for url in requested if urlparse(url).scheme in ("http", "https", "ws", "wss")]
    foreign = sorted({url for url in web if urlparse(url).hostname not in OWN_HOSTS})
    assert not foreign, foreign
    assert any("MaterialSymbols" in url for url in web)  # the icon font came from the app's server
    assert len(web) > 20
    # The page icon is the app's own file, sent inline.
    assert all(icon and icon.startswith("data:image/svg+xml") for icon in icons), icons
