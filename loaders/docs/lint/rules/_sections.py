"""What a paired error or cause contains, read the same way on both sides of a translation."""
from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.docs.model import Article, Cause, Error, Link

CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Code:
    text: str  # whitespace folded
    line: int
    kind: str  # "inline" or "block"


def fold(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def codes_of(item: Error | Cause) -> list[Code]:
    """Inline code and code blocks of a section, in order."""
    if isinstance(item, Cause):
        return [Code(fold(c.text), c.line, c.kind) for c in item.commands if fold(c.text)]
    found: list[Code] = []
    for block in item.blocks:
        if block.kind == "code":
            if fold(block.code):
                found.append(Code(fold(block.code), block.line, "block"))
            continue
        for match in CODE_SPAN.finditer(block.source):
            text = fold(match.group(2))
            if text:
                found.append(Code(text, block.line + block.source.count("\n", 0, match.start()), "inline"))
    return found


def links_of(article: Article, item: Error | Cause) -> list[Link]:
    """Links inside the section's lines (its heading excluded); a table cell's own links."""
    if item.heading_level == 0:
        return list(item.links)
    last = item.end_line or item.line
    return [link for link in article.links if item.line < link.line <= last]


def prose_blocks(item: Error | Cause) -> list:
    return [b for b in item.blocks if b.kind not in ("code", "html", "include", "image")]
