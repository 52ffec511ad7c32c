"""Where the guide's articles come from, and what that folder looks like before it is parsed.

Precedence: the sidebar field, then `BACKUP_TRIAGE_DOCS`, then the repository's docs_source/.
A docs root is either a tree with one sub-folder per locale (docs_source/en-us, .../it-it) or a
single locale's folder (any folder of Markdown files, e.g. a dated locale folder of a docs repo).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from loaders.docs.locale import is_locale_folder, locale_of_folder, normalise_locale

ENV_VAR = "BACKUP_TRIAGE_DOCS"
REPO_DIR = Path(__file__).resolve().parents[2]
DEFAULT_DOCS_DIR = REPO_DIR / "docs_source"

Origin = Literal["field", "env", "default"]
Status = Literal["ok", "missing", "not-a-folder", "empty"]
Layout = Literal["locale-tree", "single-locale", "none"]
# (path relative to the root, mtime in ns, size): changes whenever a file is added, edited or removed.
Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class DocsRoot:
    path: Path
    origin: Origin
    status: Status
    layout: Layout
    locale_folders: tuple[str, ...]  # locale-shaped sub-folders, as locale codes (locale-tree layout)
    folder_locale: str | None  # locale named by the folder path itself (single-locale layout)
    signature: Signature

    @property
    def markdown_count(self) -> int:
        return len(self.signature)


def choose_docs_path(field_value: str | None, env: Mapping[str, str] = os.environ) -> tuple[Path, Origin]:
    """The folder to read, and which setting chose it."""
    if field_value and field_value.strip():
        return _expand(field_value), "field"
    if env.get(ENV_VAR, "").strip():
        return _expand(env[ENV_VAR]), "env"
    return DEFAULT_DOCS_DIR, "default"


def _expand(value: str) -> Path:
    path = Path(os.path.expandvars(value.strip().strip('"'))).expanduser()
    # Relative paths are read against the repository, where `make run` starts the app.
    return (path if path.is_absolute() else REPO_DIR / path).resolve()


def markdown_signature(root: Path) -> Signature:
    """Every *.md under root (recursively), with mtime and size, in a stable order."""
    entries: list[tuple[str, int, int]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.lower().endswith(".md"):
                continue
            full = Path(dirpath) / name
            try:
                stat = full.stat()
            except OSError:
                # Unreadable entries still count: the parser reports them as problems.
                entries.append((full.relative_to(root).as_posix(), -1, -1))
                continue
            entries.append((full.relative_to(root).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def inspect_docs_root(path: Path, origin: Origin = "field") -> DocsRoot:
    if not path.exists():
        return DocsRoot(path, origin, "missing", "none", (), None, ())
    if not path.is_dir():
        return DocsRoot(path, origin, "not-a-folder", "none", (), None, ())
    signature = markdown_signature(path)
    children = sorted(
        normalise_locale(child.name) for child in path.iterdir() if child.is_dir() and is_locale_folder(child.name)
    )
    status: Status = "ok" if signature else "empty"
    if children:
        return DocsRoot(path, origin, status, "locale-tree", tuple(children), None, signature)
    layout: Layout = "single-locale" if signature else "none"
    return DocsRoot(path, origin, status, layout, (), locale_of_folder(path), signature)
