"""Sign-in for a shared deployment, end to end in Chromium: the dashboard with an `[auth]` section
(Streamlit's st.login, OpenID Connect) against a local OpenID Connect provider (oidc-provider-mock),
with `[access]` roles read from the ID token's `roles` claim. A visitor sees only the sign-in button;
a team lead may import; a support user, signed in without that role, may not; nobody without the docs
writer role gets the docs folder field. No token, client secret or cookie secret appears in the server
log, the data and home folders, or the page."""
from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard.core.docs_root import ENV_VAR as DOCS_ENV_VAR
from loaders.jobs.store import DB_ENV_VAR
from tests.support.browser import StreamlitServer, launch_chromium, require_chromium, screenshot

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
USERS = {
    "lead": {"name": "Lea Lead", "email": "lea@example.com", "roles": ["BackupTriage.TeamLead"]},
    "support": {"name": "Sam Support", "email": "sam@example.com", "roles": ["BackupTriage.Support"]},
}


class TokenRecorder:
    """WSGI middleware in front of the provider: keeps every token it hands out, to look for later."""

    def __init__(self, app) -> None:
        self.app = app
        self.tokens: list[str] = []

    def __call__(self, environ, start_response):
        body = b"".join(self.app(environ, start_response))
        if environ.get("PATH_INFO") == "/oauth2/token":
            issued = json.loads(body)
            self.tokens += [str(issued[key]) for key in ("access_token", "id_token", "refresh_token") if key in issued]
        return [body]


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[str, TokenRecorder]]:
    # Imported here, so that collecting the suite does not need it; a missing one fails, it does not skip.
    try:
        import oidc_provider_mock
        import werkzeug.serving
    except ImportError as exc:
        pytest.fail(f"{exc}: install requirements-dev.txt (oidc-provider-mock) to run the sign-in tests")
    users = [oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    recorder = TokenRecorder(oidc_provider_mock.app(user_claims=users))
    server = werkzeug.serving.make_server("localhost", 0, recorder, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}", recorder
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def deployment(provider, tmp_path_factory) -> Iterator[dict]:
    require_chromium()
    issuer, recorder = provider
    home = tmp_path_factory.mktemp("home")
    data = tmp_path_factory.mktemp("data")
    client_secret, cookie_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    env = {name: value for name, value in os.environ.items() if name not in (DOCS_ENV_VAR, DB_ENV_VAR)}
    env.update({"HOME": str(home), DB_ENV_VAR: str(data / "fleet.duckdb")})
    server = StreamlitServer(env=env)
    (home / ".streamlit").mkdir()
    (home / ".streamlit" / "secrets.toml").write_text(f"""\
[auth]
redirect_uri = "{server.url}/oauth2callback"
cookie_secret = "{cookie_secret}"
client_id = "backup-triage"
client_secret = "{client_secret}"
server_metadata_url = "{issuer}/.well-known/openid-configuration"

[access]
claims = ["roles"]
[access.roles]
team-lead = ["BackupTriage.TeamLead"]
support = ["BackupTriage.Support"]
docs-writer = ["BackupTriage.DocsWriter"]
admin = ["BackupTriage.Admin"]
""", encoding="utf-8")
    with server:
        yield {"server": server, "recorder": recorder, "home": home, "data": data,
               "secrets": [client_secret, cookie_secret]}


def sign_in(page, sub: str) -> None:
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=TIMEOUT_MS)
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()


def files_under(*folders: Path) -> Iterator[Path]:
    for folder in folders:
        yield from (path for path in folder.rglob("*") if path.is_file())


def test_sign_in_roles_and_no_secret_leaks(deployment) -> None:
    server = deployment["server"]
    pages_seen: list[str] = []
    cookies_seen: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            # A visitor who is not signed in sees the sign-in button and nothing of the store.
            context = browser.new_context(viewport={"width": 1400, "height": 1600})
            page = context.new_page()
            page.goto(f"{server.url}/data?lang=en-us")
            expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT_MS)
            expect(page.get_by_text("This dashboard is shared by a team: sign in to open it.")).to_be_visible()
            assert page.get_by_text("Job store", exact=True).count() == 0
            screenshot(page, "security-sign-in")

            # A team lead signs in at the provider and may import; has no docs folder field.
            sign_in(page, "lead")
            expect(page.get_by_text("Signed in as Lea Lead")).to_be_visible(timeout=TIMEOUT_MS)
            page.goto(f"{server.url}/data?lang=en-us")
            expect(page.get_by_text("Import job exports", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
            assert page.get_by_label("Docs folder").count() == 0
            pages_seen.append(page.content())
            cookies_seen += [cookie["value"] for cookie in context.cookies()]
            page.get_by_role("button", name="Sign out").click()
            page.wait_for_url("**/oauth2/end_session**", timeout=TIMEOUT_MS)  # the provider ends its session too
            page.get_by_role("button", name="End session").click()
            expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT_MS)
            context.close()

            # A support user (signed in, without the team lead role) may look but not change the store.
            context = browser.new_context(viewport={"width": 1400, "height": 1600})
            page = context.new_page()
            page.goto(f"{server.url}/data?lang=en-us&docs=/etc")
            sign_in(page, "support")
            expect(page.get_by_text("Signed in as Sam Support")).to_be_visible(timeout=TIMEOUT_MS)
            page.goto(f"{server.url}/data?lang=en-us&docs=/etc")
            expect(page.get_by_text("needs the team lead or admin role", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
            expect(page.get_by_text("Job store", exact=True)).to_be_visible()
            assert page.get_by_text("Import job exports", exact=True).count() == 0
            assert page.get_by_label("Docs folder").count() == 0
            # A docs folder in the link is not taken from a user without the docs writer role.
            page.goto(f"{server.url}/guide?lang=en-us&docs=/etc")
            expect(page.get_by_role("heading", name="Troubleshooting guide", level=1)).to_be_visible(timeout=TIMEOUT_MS)
            assert page.get_by_text("/etc", exact=False).count() == 0
            screenshot(page, "security-sign-in-support")
            pages_seen.append(page.content())
            cookies_seen += [cookie["value"] for cookie in context.cookies()]
            context.close()
        finally:
            browser.close()

    tokens = deployment["recorder"].tokens
    assert len(tokens) >= 4, tokens  # two sign-ins, each an access and an ID token at least
    secret_values = tokens + deployment["secrets"]
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    for value in secret_values:
        assert value not in log
        assert not any(value in content for content in pages_seen)
        assert not any(value in cookie for cookie in cookies_seen)
    secrets_file = deployment["home"] / ".streamlit" / "secrets.toml"
    for path in files_under(deployment["home"], deployment["data"]):
        if path == secrets_file:
            continue
        content = path.read_bytes()
        leaked = [value for value in secret_values if value.encode() in content]
        assert not leaked, (path, leaked)
