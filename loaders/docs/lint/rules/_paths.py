"""Resolving the relative targets of links, images and includes against the article's folder."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def local_target(target: str) -> str | None:
    """The file part of a relative target, or None when it is not a file in this tree.

    External URLs, `mailto:`, site-absolute paths (`/azure/...`) and docfx root paths (`~/...`)
    point outside the tree and cannot be checked here.
    """
    target = target.strip().strip("<>")
    if not target or target.startswith(("#", "/", "~", "\\")) or SCHEME.match(target):
        return None
    file_part = re.split(r"[#?]", target, maxsplit=1)[0]
    return unquote(file_part) if file_part else None


def fragment_of(target: str) -> str | None:
    if "#" not in target:
        return None
    fragment = target.split("#", 1)[1]
    return unquote(fragment) or None


def resolve(article_path: Path, target: str) -> Path:
    return article_path.parent / target
