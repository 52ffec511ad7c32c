"""The Guide in a real Chromium on an article written to make the page load or link things: code
that looks like image and link Markdown, raw and Markdown images on another host, javascript:
links. Every request the page makes is recorded; none may leave the app."""
from __future__ import annotations

import os
import textwrap
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard.core.docs_root import ENV_VAR
from loaders.jobs.store import DB_ENV_VAR
from tests.support.browser import StreamlitServer, launch_chromium, require_chromium, screenshot

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
TRACKER = "tracker.example"
DOCS_HOST = "docs.example"
# Streamlit draws the app's Material page icon (the favicon set in the app shell) from Google's font
# CDN. That request is the app's own chrome, made on every page, not something article content asks for.
APP_ICON_PREFIX = "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/"


def is_app_icon(url: str) -> bool:
    return url.startswith(APP_ICON_PREFIX) and url.endswith(".svg")


def beacon(name: str) -> str:
    """Inline code, written with double backticks inside, that holds image Markdown."""
    return f"``` ``x``![beacon](https://{TRACKER}/{name}.png)``y`` ```"


def beacon_text(name: str) -> str:
    return f"``x``![beacon](https://{TRACKER}/{name}.png)``y``"


HOSTILE_ARTICLE = textwrap.dedent(f"""\
    ---
    title: Content that reaches for other hosts
    ms.date: 01/15/2025
    ---

    # Content that reaches for other hosts

    ## <a name="beaconerror"></a>BeaconError - The page must stay on its own host

    **Error code**: BeaconError<br>
    **Error message**: Nothing here may load or run

    Check these causes in order:

    - **Cause 1: [Everything at once](#everything-at-once)**

    ## Causes and solutions

    ### <a name="everything-at-once"></a>Everything at once

    > [!NOTE]
    > Run {beacon("callout")} and `[click](https://{TRACKER}/callout-link)`.

    > [ !WARNING ]
    > - Listed {beacon("callout-list")}

    | Check | Command |
    |---|---|
    | Table | {beacon("table")} |

    1. Step with {beacon("step")}
       - Nested `<img src=https://{TRACKER}/nested.png>`

    <img src=https://{TRACKER}/raw.png alt="Raw image">

    ![External image](https://{TRACKER}/markdown.png)

    :::image type="content" source="https://{TRACKER}/directive.png" alt-text="Directive image":::

    <custom>
    ![beacon](https://{TRACKER}/custom.png)
    </custom>

    <p style="background:url(https://{TRACKER}/style.png)">Styled paragraph</p>
    <link rel="stylesheet" href="https://{TRACKER}/style.css">

    [Run this](javascript:alert(document.domain)) or <a href="javascript:alert(1)">this one</a>.

    Read [the external docs](https://{DOCS_HOST}/guide).
    """)
LITERAL_CODE = [beacon_text("callout"), f"[click](https://{TRACKER}/callout-link)", beacon_text("callout-list"),
                beacon_text("table"), beacon_text("step"), f"<img src=https://{TRACKER}/nested.png>"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tree = tmp_path_factory.mktemp("hostile-docs")
    (tree / "en-us").mkdir()
    (tree / "en-us" / "hostile.md").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if name != ENV_VAR}
    env[ENV_VAR] = str(tree)
    env[DB_ENV_VAR] = str(tmp_path_factory.mktemp("hostile-store") / "fleet.duckdb")
    with StreamlitServer(env=env) as running:
        yield running


def test_hostile_article_stays_on_the_app_host(server) -> None:
    app_host = urlsplit(server.url).netloc
    seen: list[str] = []
    foreign: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == app_host or url.startswith(("data:", "blob:")):
            route.continue_()
        elif is_app_icon(url):
            route.abort()
        else:
            foreign.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 2400})
        try:
            context.route("**/*", guard)
            page = context.new_page()
            page.on("request", lambda request: seen.append(request.url))
            page.on("console", lambda message: seen.append(f"console:{message.text}"))
            page.goto(f"{server.url}/guide?lang=en-us&article=hostile&error=beaconerror")
            details = page.get_by_test_id("stExpanderDetails")
            expect(details.get_by_text("Read the external docs")).to_be_visible(timeout=TIMEOUT_MS)
            expect(details.locator(".bt-callout")).to_have_count(2)
            page.wait_for_timeout(1500)  # late image and style loads would show up here
            screenshot(page, "guide-hostile")

            # Code is shown as the text the author wrote, inside <code>.
            shown_code = details.locator("code").all_text_contents()
            for literal in LITERAL_CODE:
                assert literal in shown_code, (literal, shown_code)
            # No image element, no javascript: link; the images read as their descriptions.
            assert details.locator("img").count() == 0
            assert page.locator('a[href^="javascript:" i]').count() == 0
            for description in ("[Raw image]", "[External image]", "[Directive image]"):
                expect(details.get_by_text(description, exact=True)).to_be_visible()
            expect(details.get_by_text("[Run this](javascript:alert(document.domain))", exact=False)).to_be_visible()

            # The external link leaves in a new tab without opener or referrer, and says it is external.
            link = details.locator(f'a[href="https://{DOCS_HOST}/guide"]')
            expect(link).to_have_count(1)
            rel = (link.get_attribute("rel") or "").split()
            assert {"noopener", "noreferrer"} <= set(rel), rel
            assert link.get_attribute("target") == "_blank"
            marker = link.evaluate("a => getComputedStyle(a, '::after').content")
            assert "\u2197" in marker, marker
        finally:
            context.close()
            browser.close()

    requested_hosts = {urlsplit(url).netloc for url in seen
                       if not url.startswith(("console:", "data:", "blob:")) and not is_app_icon(url)}
    assert app_host in requested_hosts, "the request log recorded the app's own requests"
    assert not foreign, foreign
    assert requested_hosts == {app_host}, requested_hosts
    assert not any(TRACKER in entry or DOCS_HOST in entry for entry in seen), [e for e in seen if TRACKER in e]
