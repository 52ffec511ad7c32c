"""The guide graph of a docs folder, loaded once per content state of that folder.

The cache key is the folder plus every Markdown file's (path, mtime, size), so editing, adding or
removing an article reloads it on the next rerun while plain reruns cost one directory walk.
"""
from __future__ import annotations

import streamlit as st

from dashboard.core.docs_root import DocsRoot, Signature


@st.cache_resource(max_entries=4, show_spinner=False)
def _load(root: str, signature: Signature):
    from loaders.docs.graph import load_graph  # imported on first use: keeps app start fast

    return load_graph(root)


def guide_graph(docs: DocsRoot):
    """GuideGraph for `docs` (callers check `docs.status == "ok"` first)."""
    return _load(str(docs.path), docs.signature)
