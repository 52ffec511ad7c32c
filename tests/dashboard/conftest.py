from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.docs_root import ENV_VAR
from loaders.jobs.store import DB_ENV_VAR
from tests.support.apps import started_app
from tests.support.browser import launch_chromium

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "dashboard" / "app.py"
GUIDE_TREE = REPO / "tests" / "data" / "guide" / "tree"


@pytest.fixture
def guide_tree() -> Path:
    return GUIDE_TREE


@pytest.fixture
def corpus_locale_folder(corpus_dir) -> Path:
    """One locale of one vintage of the corpus: a single-language docs folder."""
    return corpus_dir / "articles" / "it-it" / "2017-10-05"


@pytest.fixture
def run_app(monkeypatch, tmp_path) -> Callable[..., AppTest]:
    """Run the real app (dashboard/app.py) with BACKUP_TRIAGE_DOCS and query parameters (`page=` picks
    the page; the root URL opens the Fleet page). The job store is a fresh one in tmp_path, never the
    user's."""
    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "jobs" / "fleet.duckdb"))

    def run(env_docs: Path | None = None, **query: str) -> AppTest:
        if env_docs is None:
            monkeypatch.delenv(ENV_VAR, raising=False)
        else:
            monkeypatch.setenv(ENV_VAR, str(env_docs))
        return started_app(query, timeout=60)

    return run


@pytest.fixture
def open_fleet(monkeypatch) -> Callable[..., AppTest]:
    """Run the app at ?page=fleet (page=None: the root URL) on the store `db`, with extra query parameters."""

    def run(db: Path, page: str | None = "fleet", **query: str) -> AppTest:
        monkeypatch.setenv(DB_ENV_VAR, str(db))
        monkeypatch.delenv(ENV_VAR, raising=False)
        return started_app({"page": page, **query} if page else query)

    return run


@pytest.fixture(scope="module")
def chromium(server):
    """One Chromium per test module, started once the module's `server` fixture runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
