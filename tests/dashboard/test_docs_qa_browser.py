"""The Docs QA page in a real Chromium on the corpus's articles/ folder: the matrix renders, and a
real defect (the broken cause links of the cs-cz 2017-10-09 article) is two clicks away."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from dashboard.core.docs_root import ENV_VAR
from dashboard.docs_qa.cell_view import ARTICLE_WIDTH, LOCALE_WIDTH
from loaders.jobs.store import DB_ENV_VAR
from tests.support.browser import StreamlitServer, require_chromium, screenshot, wait_until_settled

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
ROW_HEIGHT = 35  # Streamlit's data grid: header row and data rows


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus_dir):
    require_chromium()
    env = dict(os.environ)
    env[ENV_VAR] = str(corpus_dir / "articles")
    env[DB_ENV_VAR] = str(tmp_path_factory.mktemp("docs-qa-browser") / "fleet.duckdb")
    with StreamlitServer(env=env) as running:
        yield running


def test_matrix_cell_then_version_shows_the_broken_cause_links(server, chromium) -> None:
    context = chromium.new_context(viewport={"width": 1600, "height": 1200}, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/docs-qa?lang=en-us")
        expect(page.get_by_role("heading", name="Articles × languages")).to_be_visible(timeout=TIMEOUT_MS)
        grid = page.get_by_test_id("stDataFrame").first
        expect(grid).to_be_visible(timeout=TIMEOUT_MS)
        # The cell is clicked by position: the run must be over and the matrix its final one.
        wait_until_settled(page)
        page.wait_for_timeout(1000)  # the grid draws its canvas
        screenshot(page, "docs-qa-matrix")
        box = grid.bounding_box()
        # click 1: the cs-cz cell, the second language column (en-us, the source, comes first)
        page.mouse.click(box["x"] + ARTICLE_WIDTH + LOCALE_WIDTH + LOCALE_WIDTH / 2, box["y"] + ROW_HEIGHT * 1.5)
        versions = page.get_by_role("radiogroup", name="Version")
        expect(versions).to_be_visible(timeout=TIMEOUT_MS)
        wait_until_settled(page)
        # click 2: the 2017-10-09 version of the Czech article
        page.get_by_text("2017-10-09 ·", exact=False).click()
        broken = page.get_by_test_id("stExpander").filter(has_text="TS001 cause-link-target")
        expect(broken).to_have_count(5, timeout=TIMEOUT_MS)
        expect(page.get_by_text("cs-cz/2017-10-09/articles/backup/", exact=False).first).to_be_visible(
            timeout=TIMEOUT_MS)
        wait_until_settled(page)
        broken.first.click()
        code = broken.first.get_by_test_id("stCode").first
        expect(code).to_contain_text("#the-vm-has-no-internet-access", timeout=TIMEOUT_MS)
        screenshot(page, "docs-qa-cs-cz-broken-cause-links")
    finally:
        context.close()
