"""Slugs as the docs platform builds them: of headings, so ids agree with the published anchors,
and of articles, so one article is recognised in every locale."""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import PurePosixPath

_ASCII_DROP = re.compile(r"[^a-z0-9 \t\n\r\f\v-]")
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]")


def slugify(text: str) -> str:
    """Lowercase; keep letters, digits (any script), spaces and hyphens; each space becomes a hyphen.

    Combining marks are kept with their letters: dropping them would cut words apart in
    scripts that write vowels as marks (Devanagari, Thai).
    """
    lowered = text.strip().lower()
    if lowered.isascii():
        return _ASCII_SPACE.sub("-", _ASCII_DROP.sub("", lowered))
    out: list[str] = []
    for char in lowered:
        if char.isalnum() or char == "-":
            out.append(char)
        elif char.isspace():
            out.append("-")
        elif unicodedata.category(char).startswith("M"):
            out.append(char)
    return "".join(out)


def article_slug(article_or_path: object) -> str:
    """What identifies an article across locales and copies: its file name without the extension,
    as the docs site names its pages. Takes an Article (anything with a `path`) or a path, and
    reads `\\` as a folder separator too, so paths written on Windows give the same slug."""
    path = getattr(article_or_path, "path", article_or_path)
    name = os.fspath(path).replace("\\", "/")  # type: ignore[arg-type]
    return PurePosixPath(name).stem
