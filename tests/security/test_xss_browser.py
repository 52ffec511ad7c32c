"""The script-injection corpus (tests/security/xss_corpus.py) in a real Chromium, on every page that
shows article text: the Guide (error, causes, callouts, tables, steps) and Docs QA (findings table,
the lines of a selected finding). A dialog handler and a console listener record anything a payload
would run; the DOM is searched for what the sanitiser must never let through."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard.core.docs_root import ENV_VAR
from loaders.jobs.store import DB_ENV_VAR
from tests.security.xss_corpus import MARKERS, hostile_article
from tests.support.browser import StreamlitServer, launch_chromium, require_chromium, screenshot, wait_until_settled

pytestmark = pytest.mark.browser
TIMEOUT_MS = 45_000

# Everything in the page that could run script or leave the page: handler attributes, script-bearing
# URLs, and the elements the allow-list leaves out. Returns one description per offence.
DANGEROUS_DOM = """() => {
  const found = [];
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'srcdoc', 'xlink:href', 'background',
                         'poster', 'content'];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(element.tagName + ' ' + name);
      if (urlAttributes.includes(name) && /^(javascript|data|vbscript):/.test(value)
          && !(element.tagName === 'LINK' && name === 'href')) {
        found.push(element.tagName + ' ' + name + '=' + attribute.value.slice(0, 60));
      }
      if (name === 'srcdoc') found.push(element.tagName + ' srcdoc');
    }
  }
  // (no 'details': Streamlit's expander is one; an ontoggle handler is caught above)
  for (const tag of ['iframe', 'object', 'embed', 'form', 'input', 'base', 'meta[http-equiv]', 'svg script',
                     'math']) {
    for (const element of document.querySelectorAll(tag)) {
      if (element.closest('[data-testid="stMarkdownContainer"], [data-testid="stCode"], [data-testid="stExpander"]')) {
        found.push('element ' + tag);
      }
    }
  }
  for (const script of document.querySelectorAll('script')) {
    if ((script.textContent || '').includes('xss-')) found.push('script with a payload');
  }
  if (window.__xss) found.push('window.__xss set');
  return found;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tree = tmp_path_factory.mktemp("xss-docs")
    (tree / "en-us").mkdir()
    (tree / "en-us" / "hostile.md").write_text(hostile_article(), encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if name != ENV_VAR}
    env[ENV_VAR] = str(tree)
    env[DB_ENV_VAR] = str(tmp_path_factory.mktemp("xss-store") / "fleet.duckdb")
    with StreamlitServer(env=env) as running:
        yield running


class Watch:
    """Dialogs and console lines a page produces, and what its DOM holds that it must not."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_nothing_ran(self) -> None:
        self.page.wait_for_timeout(1500)  # late handlers (onerror of a failed image, autofocus) fire here
        assert self.dialogs == [], self.dialogs
        ran = [line for line in self.console if any(marker in line for marker in MARKERS)]
        assert ran == [], ran
        offences = self.page.evaluate(DANGEROUS_DOM)
        assert offences == [], offences


def open_page(playwright, url: str):
    browser = launch_chromium(playwright)
    context = browser.new_context(viewport={"width": 1400, "height": 3000})
    page = context.new_page()
    watch = Watch(page)
    page.goto(url)
    return browser, page, watch


def test_guide_runs_no_payload(server) -> None:
    with sync_playwright() as playwright:
        browser, page, watch = open_page(
            playwright, f"{server.url}/guide?lang=en-us&article=hostile&error=xsserror&cause=payloads")
        try:
            details = page.get_by_test_id("stExpanderDetails")
            expect(details.get_by_text("raw javascript link").first).to_be_visible(timeout=TIMEOUT_MS)
            expect(details.locator(".bt-callout")).to_have_count(1)
            # The payloads are inert text or gone; the entity-escaped script reads as text.
            expect(details.get_by_text("<script>alert('xss-17')</script>", exact=False).first).to_be_visible()
            assert page.locator('a[href^="javascript:" i], a[href^="data:" i]').count() == 0
            screenshot(page, "security-xss-guide")
            watch.assert_nothing_ran()
        finally:
            browser.close()


def test_docs_qa_runs_no_payload(server) -> None:
    with sync_playwright() as playwright:
        browser, page, watch = open_page(playwright, f"{server.url}/docs-qa?lang=en-us")
        try:
            # the findings table: the first table after the "Findings" heading (the matrix comes before it)
            grid = page.locator("xpath=//*[@id='findings']/following::*[@data-testid='stDataFrame'][1]")
            expect(grid).to_be_visible(timeout=TIMEOUT_MS)
            # The row marker is clicked by position: the run must be over and the table its final one.
            wait_until_settled(page)
            grid.scroll_into_view_if_needed()
            page.wait_for_timeout(1000)  # the grid draws its canvas
            box = grid.bounding_box()
            assert box is not None
            # The row marker of the first data row (the table's rows are drawn on a canvas).
            page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
            lines = page.locator("xpath=//*[@id='finding-lines']/following::*[@data-testid='stCode']")
            expect(lines.first).to_be_visible(timeout=TIMEOUT_MS)
            shown = lines.first.inner_text()
            assert "alert('xss-1')" in shown, shown  # the article's lines are shown as text
            screenshot(page, "security-xss-docs-qa")
            watch.assert_nothing_ran()
        finally:
            browser.close()
