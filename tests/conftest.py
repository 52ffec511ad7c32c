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
