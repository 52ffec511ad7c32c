"""The lint report of a docs folder, computed once per content state of that folder.

Keyed like the guide graph: the folder, every Markdown file's (path, mtime, size), and the lint
configuration in force for that folder, so an edit, a new file or a changed setting re-runs the lint
and plain reruns cost one directory walk.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.core.docs_root import DocsRoot, Signature


def lint_config(docs: DocsRoot):
    """The configuration the CLI would use in that folder: the nearest pyproject.toml upwards.
    Raises loaders.docs.lint.ConfigError when that file's lint table is unusable."""
    from loaders.docs.lint import load_config

    return load_config(start=docs.path)


@st.cache_resource(max_entries=4, show_spinner=False)
def _run(root: str, signature: Signature, config_key: str, _config):
    from loaders.docs.lint import lint

    # Paths in findings are relative to the docs folder, as docs writers know them.
    return lint([root], config=_config, base=Path(root))


def lint_report(docs: DocsRoot, config):
    """LintReport of `docs` (callers check `docs.status == "ok"` first)."""
    return _run(str(docs.path), docs.signature, repr(config), config)
