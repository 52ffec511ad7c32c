"""The Data page in a real Chromium: every word on it follows the UI language, the file uploader's too."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from dashboard.core.formatting import format_megabytes
from dashboard.core.i18n import translate
from loaders.jobs.store import open_store
from tests.support.browser import screenshot, wait_until_settled
from tests.support.fleet_stores import make_sample_store, store_server

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
JOBS_DATA = os.path.join(os.path.dirname(__file__), "..", "data", "jobs")
# The uploader's own words (Streamlit writes them in English whatever the page's language).
ENGLISH_CHROME = re.compile(r"Drag and drop|Limit \d+ ?MB|Browse files|\bUpload\b|per file|add icon")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = make_sample_store(tmp_path_factory.mktemp("data-browser") / "fleet.duckdb", vms=20, days=5)
    with store_server(db) as running:
        running.db = db
        yield running


def after_text(locator, selector: str) -> str:
    """The text a style rule draws after the element `selector` inside `locator`."""
    return locator.evaluate("(root, selector) => getComputedStyle(root.querySelector(selector), '::after').content",
                            selector)


def test_the_uploader_speaks_german_on_a_german_page(server, chromium) -> None:
    locale = "de-de"
    context = chromium.new_context(viewport={"width": 1400, "height": 1600}, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/data?lang={locale}")
        uploader = page.get_by_test_id("stFileUploader")
        expect(uploader).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.get_by_role("heading", name=translate("Data", locale), level=1)).to_be_visible()
        # The whole page is read: the run must be over, or later elements would go unchecked.
        wait_until_settled(page)
        body = page.locator("body").inner_text()
        assert not ENGLISH_CHROME.findall(body), ENGLISH_CHROME.findall(body)
        choose = translate("Choose files", locale)
        assert after_text(uploader, "[data-testid=stBaseButton-secondary] [data-has-shortcut]") == f'"{choose}"'
        size = format_megabytes(200, locale)
        instructions = after_text(uploader, "[data-testid=stFileUploaderDropzoneInstructions] > div")
        assert instructions == '"' + translate("or drag them here · up to {size} per file", locale, size=size) + '"'
        # The button is named in German for screen readers too.
        expect(uploader.get_by_role("button", name=choose)).to_be_visible()
        screenshot(page, "data-uploader-de")

        # Files dragged over the page: the hint is German as well.
        zone = page.get_by_test_id("stFileUploaderDropzone")
        files = page.evaluate_handle(
            "() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.csv')); return d; }")
        zone.dispatch_event("dragenter", {"dataTransfer": files})
        expect(zone.locator("> div:not([data-testid])")).to_have_count(1, timeout=TIMEOUT_MS)
        assert after_text(uploader, "[data-testid=stFileUploaderDropzone] > div:not([data-testid])") \
            == '"' + translate("Drop the files here", locale) + '"'
        assert not ENGLISH_CHROME.findall(page.locator("body").inner_text())
        zone.dispatch_event("dragleave", {"dataTransfer": files})

        # The uploader still uploads: choose a file, import it, and the page reports it, in German.
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            [os.path.join(JOBS_DATA, "az-cli-list.json")])
        expect(uploader.get_by_test_id("stFileChip")).to_have_count(1, timeout=TIMEOUT_MS)
        wait_until_settled(page)
        assert not ENGLISH_CHROME.findall(page.locator("body").inner_text())
        page.get_by_role("button", name=translate("Import", locale)).click()
        expect(page.get_by_text(translate("{jobs} jobs written", locale, jobs="").strip(), exact=False)) \
            .to_be_visible(timeout=TIMEOUT_MS)
        wait_until_settled(page)
        assert not ENGLISH_CHROME.findall(page.locator("body").inner_text())
    finally:
        context.close()
    with open_store(server.db, read_only=True) as store:
        assert any(source.endswith("az-cli-list.json") for source in store.info().sources)
