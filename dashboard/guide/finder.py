"""The Guide's search box: one search index per state of the docs folder (its graph and the catalog
of error codes), loaded once and shared by every session."""
from __future__ import annotations

import streamlit as st

from dashboard.core.docs_root import DocsRoot, Signature
from dashboard.core.graph_cache import guide_graph
from loaders.guidance.search import SearchIndex, SearchResult
from loaders.jobs.catalog import CatalogError, load_catalog


@st.cache_resource(max_entries=4, show_spinner=False)
def _index(root: str, signature: Signature, _docs: DocsRoot) -> SearchIndex:
    try:
        catalog = load_catalog()
    except CatalogError:
        catalog = None  # the articles' own error-code lines still lead to their errors
    return SearchIndex.build(guide_graph(_docs), catalog)


def search(docs: DocsRoot, query: str | None) -> SearchResult:
    return _index(str(docs.path), docs.signature, docs).search(query)
