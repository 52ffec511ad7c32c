"""Helpers of the translation rules: where a missing item belongs, and text with code and URLs removed."""
from __future__ import annotations

import re
from collections.abc import Sequence

from loaders.docs.lint.pairing import Pairing
from loaders.docs.model import Article

CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
LINK_TARGET = re.compile(r"\]\(\s*<?[^)\s>]*>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M)
URL = re.compile(r"\b(?:https?|ftp)://[^\s)<>\]]+|\bwww\.[^\s)<>\]]+", re.IGNORECASE)
HTML_TAG = re.compile(r"<[^>]+>")
MARKUP = re.compile(r"[*_~#>|\[\]!]+")
SPACES = re.compile(r"\s+")


def where_missing(pairing: Pairing, source_items: Sequence, item: object, translation: Article) -> int:
    """The translation line after which source `item` would have been: after its predecessor's twin."""
    # by identity: two sections of one article may compare equal field by field
    index = next((i for i, candidate in enumerate(source_items) if candidate is item), len(source_items))
    for previous in range(index - 1, -1, -1):
        twin = pairing.translation_of(source_items[previous].id)
        if twin is not None:
            return twin.line
    first = [*translation.errors, *translation.causes]
    return min((item.line for item in first), default=1)


def repeated(pairing: Pairing, item) -> object | None:
    """The paired translation section that unpaired `item` repeats (same id), if it is a second copy."""
    return next((t for _, t, _ in pairing.pairs if t.id == item.id and t is not item), None)


def prose(markdown: str) -> str:
    """Visible prose of some Markdown: code, URLs, link targets, HTML and markup removed, spaces folded."""
    text = CODE_SPAN.sub(" ", markdown)
    text = REFERENCE.sub(" ", text)
    text = LINK_TARGET.sub("]", text)
    text = URL.sub(" ", text)
    text = HTML_TAG.sub(" ", text)
    text = MARKUP.sub(" ", text)
    return SPACES.sub(" ", text).strip()
