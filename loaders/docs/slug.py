"""Heading slugs as the docs platform builds them, so ids agree with the published anchors."""
from __future__ import annotations

import unicodedata


def slugify(text: str) -> str:
    """Lowercase; keep letters, digits (any script), spaces and hyphens; each space becomes a hyphen.

    Combining marks are kept with their letters: dropping them would cut words apart in
    scripts that write vowels as marks (Devanagari, Thai).
    """
    out: list[str] = []
    for char in text.strip().lower():
        if char.isalnum() or char == "-":
            out.append(char)
        elif char.isspace():
            out.append("-")
        elif unicodedata.category(char).startswith("M"):
            out.append(char)
    return "".join(out)
