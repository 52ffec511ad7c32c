"""Heading slugs as the docs platform builds them, so ids agree with the published anchors."""
from __future__ import annotations

import re
import unicodedata

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
