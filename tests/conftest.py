from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    # The corpus is required test input: a missing corpus must fail, not skip.
    assert (CORPUS / "manifest.json").is_file(), f"shared corpus not found at {CORPUS}"
    return CORPUS


@pytest.fixture(scope="session")
def docs_source_dir() -> Path:
    return REPO / "docs_source"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what `make test-fast` leaves out by what a test uses, so no test can forget its marker:
    the corpus fixture (directly or through another fixture) and a module that drives Chromium."""
    for item in items:
        if "corpus_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.corpus)
        module = getattr(item, "module", None)
        if module is not None and hasattr(module, "launch_chromium"):
            item.add_marker(pytest.mark.browser)
