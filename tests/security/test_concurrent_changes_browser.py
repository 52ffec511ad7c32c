"""One person changes their view while others have the dashboard open: a session that switches its
language, adds a Fleet filter and types another docs folder changes nothing that the other open
sessions see on their next run (no choice kept in a cache or module the sessions share)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard.core.i18n import translate
from tests.security.test_concurrent_users import (
    GUIDE_TREE,
    TIMEOUT_MS,
    Visitor,
    check_fleet,
    fleet_url,
    sample_db,  # noqa: F401  (the module's sample store fixture)
    visitors,
)
from tests.support.browser import launch_chromium, wait_until_settled
from tests.support.fleet_stores import store_server

pytestmark = pytest.mark.browser


def open_page(context, url: str, visitor: Visitor):
    page = context.new_page()
    page.goto(url, wait_until="commit")
    return page


def rerun_on(page, visitor: Visitor, page_title: str) -> None:
    """A click on the sidebar menu: a new run of the same session, with the state it holds."""
    wait_until_settled(page, TIMEOUT_MS)
    page.get_by_role("link", name=translate(page_title, visitor.language)).click()


def test_one_session_changing_its_view_leaves_the_others_alone(sample_db) -> None:  # noqa: F811
    people = visitors(sample_db)
    # The one who changes reads the built-in articles in English; the others differ from it and each other.
    changer = Visitor("en-us", people[0].region, people[0].jobs, own_docs=False)
    others = [people[1], people[2]]  # it-it on the built-in articles, de-de on the test tree
    assert [(v.language, v.own_docs) for v in others] == [("it-it", False), ("de-de", True)]
    with store_server(sample_db) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            sessions = [(v, open_page(browser.new_context(viewport={"width": 1400, "height": 1600}),
                                      fleet_url(server.url, v), v)) for v in [changer, *others]]
            for visitor, page in sessions:
                check_fleet(page, visitor)
            page = sessions[0][1]
            rerun_on(page, changer, "Guide")

            # The changer types the test tree as docs folder, then switches to Italian.
            wait_until_settled(page, TIMEOUT_MS)
            folder = page.get_by_role("textbox", name="Docs folder")
            folder.fill(str(GUIDE_TREE))
            folder.press("Enter")
            expect(page).to_have_url(re.compile(r"docs=.*tree"), timeout=TIMEOUT_MS)
            wait_until_settled(page, TIMEOUT_MS)
            page.get_by_role("combobox", name="Language").click()
            page.get_by_role("option", name="Italiano").click()
            expect(page.get_by_role("heading", name=translate("Troubleshooting guide", "it-it"), level=1)) \
                .to_be_visible(timeout=TIMEOUT_MS)
            expect(page).to_have_url(re.compile(r"lang=it-it"), timeout=TIMEOUT_MS)
            # ... and on the Fleet page adds a second region to its filter.
            rerun_on(page, Visitor("it-it", changer.region, changer.jobs, own_docs=True), "Fleet")
            wait_until_settled(page, TIMEOUT_MS)
            added = people[3].region
            assert added != changer.region
            page.get_by_role("combobox", name=translate("Regions", "it-it")).click()
            page.get_by_role("option", name=added, exact=True).click()
            page.keyboard.press("Escape")
            expect(page).to_have_url(re.compile(rf"region={re.escape(added)}|{re.escape(added)}"), timeout=TIMEOUT_MS)

            # Each other session, on its next runs: its own language, region and docs folder.
            for visitor, other in sessions[1:]:
                rerun_on(other, visitor, "Fleet")
                check_fleet(other, visitor)
                rerun_on(other, visitor, "Guide")
                expect(other.get_by_role("heading", name=translate("Troubleshooting guide", visitor.language),
                                         level=1)).to_be_visible(timeout=TIMEOUT_MS)
                expect(other).to_have_url(re.compile(rf"lang={visitor.language}"), timeout=TIMEOUT_MS)
                docs_in_url = "docs=" in other.url
                assert docs_in_url == visitor.own_docs, other.url
        finally:
            browser.close()
        log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and "Exception" not in log, log[-3000:]
