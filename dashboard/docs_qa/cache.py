"""The lint report of a docs folder, computed once per content of that folder.

Keyed by the folder, a digest of the bytes of every Markdown file and the lint configuration in
force there: an edit, a new file or a changed setting re-runs the lint, while a rerun, a re-open of
the page or a file touched without change costs one directory walk. The digest itself is computed
again only when a file's (path, mtime, size) changed. Reports live in the server process, shared by
every session, the newest few kept.
"""
from __future__ import annotations

import hashlib
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from dashboard.core.docs_root import DocsRoot, Signature

KEPT_REPORTS = 4
KEPT_DIGESTS = 16


class ReportStore:
    """Reports by (folder, content digest, configuration), and content digests by signature."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reports: OrderedDict[tuple[str, str, str], object] = OrderedDict()
        self.digests: OrderedDict[tuple[str, Signature], str] = OrderedDict()

    def digest(self, root: str, signature: Signature) -> str:
        key = (root, signature)
        with self.lock:
            if key in self.digests:
                self.digests.move_to_end(key)
                return self.digests[key]
        value = content_digest(Path(root), signature)
        with self.lock:
            self.digests[key] = value
            while len(self.digests) > KEPT_DIGESTS:
                self.digests.popitem(last=False)
        return value

    def get(self, key: tuple[str, str, str]):
        with self.lock:
            if key in self.reports:
                self.reports.move_to_end(key)
            return self.reports.get(key)

    def put(self, key: tuple[str, str, str], report) -> None:
        with self.lock:
            self.reports[key] = report
            while len(self.reports) > KEPT_REPORTS:
                self.reports.popitem(last=False)

    def forget(self, root: str) -> None:
        with self.lock:
            for key in [k for k in self.reports if k[0] == root]:
                del self.reports[key]


def content_digest(root: Path, signature: Signature) -> str:
    """sha1 over the relative path and bytes of every Markdown file of the signature; a file that
    cannot be read counts by its name and the error, so it still changes the key when it comes back."""
    digest = hashlib.sha1()
    for name, mtime, size in signature:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        path = root / name
        try:
            if stat.S_ISREG(path.stat().st_mode):
                digest.update(path.read_bytes())
            else:  # a pipe or device would block or never end: its name and signature stand for it
                digest.update(f"not a file: {mtime} {size}".encode())
        except OSError as exc:
            digest.update(f"unreadable: {exc.errno}".encode())
        digest.update(b"\0")
    return digest.hexdigest()


@st.cache_resource(show_spinner=False)
def _store() -> ReportStore:
    return ReportStore()


def lint_config(docs: DocsRoot):
    """The configuration the CLI would use in that folder: the nearest pyproject.toml upwards.
    Raises loaders.docs.lint.ConfigError when that file's lint table is unusable."""
    from loaders.docs.lint import load_config

    return load_config(start=docs.path)


def folder_report(root: Path, config, progress: Callable[[int, int], None] | None = None):
    """What `python -m loaders lint .` run in `root` reports: paths relative to the docs folder."""
    from loaders.docs.lint import lint

    return lint([root], config=config, base=root, progress=progress)


def cached_report(docs: DocsRoot, config):
    """The report of `docs` if this content was already checked with this configuration, else None."""
    store = _store()
    return store.get((str(docs.path), store.digest(str(docs.path), docs.signature), repr(config)))


def lint_report(docs: DocsRoot, config, progress: Callable[[int, int], None] | None = None, fresh: bool = False):
    """LintReport of `docs` (callers check `docs.status == "ok"` first); `fresh` checks again even
    when this content was checked already."""
    store = _store()
    root = str(docs.path)
    if fresh:
        store.forget(root)
    key = (root, store.digest(root, docs.signature), repr(config))
    report = store.get(key)
    if report is None:
        report = folder_report(docs.path, config, progress)
        store.put(key, report)
    return report
