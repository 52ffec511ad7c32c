"""The Guide page in a real Chromium: `streamlit run dashboard/app.py` on the built-in articles."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from dashboard.core.docs_root import ENV_VAR
from dashboard.core.i18n import translate
from loaders.docs.graph import load_graph
from loaders.jobs.store import DB_ENV_VAR
from tests.support.browser import StreamlitServer, require_chromium, screenshot, wait_until_settled

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()  # fail early, before starting anything, when the browser is missing
    env = {name: value for name, value in os.environ.items() if name != ENV_VAR}
    env[DB_ENV_VAR] = str(tmp_path_factory.mktemp("guide-browser") / "fleet.duckdb")  # never the user's store
    with StreamlitServer(env=env) as running:
        yield running


def cause_expander(page, label: str):
    """The cause's expander, by its header (the Markdown checklist names every cause too)."""
    return page.get_by_test_id("stExpander").filter(has=page.locator("summary", has_text=label))


def translated_error(docs_source_dir):
    """An error of the built-in articles that exists in English and Italian, with its causes."""
    graph = load_graph(docs_source_dir)
    italian = {a.path.rsplit("/", 1)[-1]: a for a in graph.articles("it-it")}
    for article in graph.articles("en-us"):
        other = italian.get(article.path.rsplit("/", 1)[-1])
        for error in article.errors:
            translated = other.error(error.id) if other else None
            if error.codes and error.causes and translated and translated.causes == error.causes:
                return article, error, other, translated
    raise AssertionError("docs_source has no error with causes translated into Italian")


def cause_title(article, cause_id: str) -> str:
    return " ".join(article.cause(cause_id).title.split())


def test_pick_an_error_then_read_it_in_italian(server, chromium, docs_source_dir) -> None:
    en_article, en_error, it_article, it_error = translated_error(docs_source_dir)
    code = en_error.codes[0]
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/guide?lang=en-us")
        expect(page.get_by_role("heading", name="Troubleshooting guide", level=1)).to_be_visible(timeout=TIMEOUT_MS)

        # Pick the error by typing its code into the searchable picker.
        picker = page.get_by_role("combobox", name="Error")
        picker.click()
        picker.fill(code)
        page.get_by_role("option").filter(has_text=code).first.click()

        first = f"Cause 1: {cause_title(en_article, en_error.causes[0])}"
        cause = cause_expander(page, first)
        expect(cause).to_be_visible(timeout=TIMEOUT_MS)
        wait_until_settled(page)
        cause.locator("summary").click()
        # The solution opens inside the cause.
        expect(cause.get_by_test_id("stExpanderDetails")).to_be_visible(timeout=TIMEOUT_MS)
        expect(page).to_have_url(re.compile(rf"error={re.escape(en_error.id)}"))
        screenshot(page, "guide-en")

        # Switch the UI to Italian: menus and article text follow.
        language = page.get_by_role("combobox", name="Language")
        language.click()
        page.get_by_role("option", name="Italiano").click()
        expect(page.get_by_role("heading", name=translate("Troubleshooting guide", "it-it"), level=1)) \
            .to_be_visible(timeout=TIMEOUT_MS)
        italian_first = translate("Cause {number}: {title}", "it-it", number=1,
                                  title=cause_title(it_article, it_error.causes[0]))
        expect(cause_expander(page, italian_first)).to_be_visible(timeout=TIMEOUT_MS)
        # The first h2 is read by position: none of the English run may be left on the page.
        wait_until_settled(page)
        expect(page.get_by_role("heading", level=2).first).to_have_text(" ".join(it_error.title.split()),
                                                                        timeout=TIMEOUT_MS)
        expect(page).to_have_url(re.compile(r"lang=it-it"))
        # The picker keeps the selection and now shows it in Italian.
        it_picker = page.get_by_role("combobox", name=translate("Error", "it-it"))
        expect(it_picker).to_have_value(" ".join(it_error.title.split()), timeout=TIMEOUT_MS)
        screenshot(page, "guide-it")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["guide?lang=it-it&article={article}&error={code}",
                                  "?page=guide&lang=it-it&error={error_id}"])
def test_deep_links_open_the_error_in_the_requested_language(server, chromium, docs_source_dir, path) -> None:
    """The Fleet page links to /guide?lang=..&article=..&error=..; the root URL takes ?page=."""
    _, en_error, it_article, it_error = translated_error(docs_source_dir)
    url = path.format(article=it_article.path.rsplit("/", 1)[-1].removesuffix(".md"), code=en_error.codes[0],
                      error_id=en_error.id)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/{url}")
        italian_first = translate("Cause {number}: {title}", "it-it", number=1,
                                  title=cause_title(it_article, it_error.causes[0]))
        expect(cause_expander(page, italian_first)).to_be_visible(timeout=TIMEOUT_MS)
        expect(page).to_have_url(re.compile(rf"/guide\?.*error={re.escape(en_error.id)}"))
        expect(page.get_by_text("Page not found")).to_have_count(0)
    finally:
        context.close()
