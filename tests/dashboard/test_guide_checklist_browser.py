"""The checklist in a real Chromium: paste a portal message with the Japanese UI, mark two causes,
open the link in a fresh browser context and find the same marks (screenshots in test-artifacts/)."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from dashboard.core.docs_root import ENV_VAR
from dashboard.core.i18n import translate
from loaders.docs.graph import load_graph
from loaders.jobs.catalog import load_catalog
from loaders.jobs.store import DB_ENV_VAR
from tests.support.browser import StreamlitServer, require_chromium, screenshot, wait_until_settled

pytestmark = pytest.mark.browser
TIMEOUT_MS = 30_000
ARTICLE = "vm-agent-extension-failures"
ERROR = "usererrorguestagentstatusunavailable"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    env = {name: value for name, value in os.environ.items() if name != ENV_VAR}
    env[DB_ENV_VAR] = str(tmp_path_factory.mktemp("guide-checklist") / "fleet.duckdb")
    with StreamlitServer(env=env) as running:
        yield running


def cause_expander(page, label: str):
    """The cause's expander, by its header (the Markdown checklist names every cause too)."""
    return page.get_by_test_id("stExpander").filter(has=page.locator("summary", has_text=label))


def causes_of_error(docs_source_dir, locale: str) -> list[tuple[str, str]]:
    """(expander label, cause id) of every cause of the error, in the article's order."""
    article = load_graph(docs_source_dir).article(ARTICLE, locale)
    error = article.error(ERROR)
    return [(translate("Cause {number}: {title}", locale, number=ref.number or n,
                       title=" ".join(article.cause(ref.target).title.split())), ref.target)
            for n, ref in enumerate(error.cause_refs, start=1)]


def state_button(page, label: str, state: str):
    """The checklist button beside the cause's expander (its row), not the n-th on the page."""
    row = page.get_by_test_id("stHorizontalBlock").filter(has=cause_expander(page, label))
    return row.get_by_test_id("stButtonGroup").get_by_role("radio", name=state, exact=True)


def mark(page, label: str, state: str) -> None:
    wait_until_settled(page)
    state_button(page, label, state).click()


def test_marks_survive_a_shared_link_in_a_fresh_browser(server, chromium, docs_source_dir) -> None:
    message = load_catalog().entries["UserErrorGuestAgentStatusUnavailable"].message
    causes = causes_of_error(docs_source_dir, "ja-jp")
    (first_label, first_id), (second_label, second_id) = causes[0], causes[1]
    checked, ruled_out = translate("Checked", "ja-jp"), translate("Ruled out", "ja-jp")
    first = chromium.new_context(viewport={"width": 1280, "height": 1000}, locale="ja-JP")
    try:
        page = first.new_page()
        page.goto(f"{server.url}/guide?lang=ja-jp")
        expect(page.get_by_role("heading", name=translate("Troubleshooting guide", "ja-jp"), level=1)) \
            .to_be_visible(timeout=TIMEOUT_MS)
        box = page.get_by_role("textbox", name=translate("Find an error", "ja-jp"))
        box.fill(f"{message}\n - Ensure the VM agent is running.\n")
        box.press("Control+Enter")
        expect(cause_expander(page, first_label)).to_be_visible(timeout=TIMEOUT_MS)
        expect(page).to_have_url(re.compile(rf"error={ERROR}"), timeout=TIMEOUT_MS)

        mark(page, first_label, checked)
        expect(page).to_have_url(re.compile(rf"checked={re.escape(first_id)}(&|$)"), timeout=TIMEOUT_MS)
        mark(page, second_label, ruled_out)
        expect(page).to_have_url(re.compile(rf"ruled_out={re.escape(second_id)}(&|$)"), timeout=TIMEOUT_MS)
        screenshot(page, "guide-checklist-ja")
        shared = page.url
    finally:
        first.close()

    second = chromium.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = second.new_page()
        page.goto(shared)
        expect(cause_expander(page, first_label)).to_be_visible(timeout=TIMEOUT_MS)
        summary = translate("{checked} of {total} checked, {ruled_out} ruled out", "ja-jp", checked=1,
                            total=len({cause_id for _label, cause_id in causes}), ruled_out=1)
        expect(page.get_by_text(summary)).to_be_visible(timeout=TIMEOUT_MS)
        for label, state in ((first_label, checked), (second_label, ruled_out)):
            expect(state_button(page, label, state)).to_have_attribute("aria-checked", "true", timeout=TIMEOUT_MS)
        screenshot(page, "guide-checklist-shared")
    finally:
        second.close()
