"""Flatten markdown-it inline tokens into visible text plus the links, code spans and anchors in it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_ANCHOR = re.compile(r"""<a\s+[^>]*?\b(?:name|id)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_BREAK_TAG = re.compile(r"^<\s*/?\s*br\s*/?\s*>$", re.IGNORECASE)
_SXS_OPEN = re.compile(r"""<span\s+class\s*=\s*["']sxs-lookup["']\s*>""", re.IGNORECASE)
_SPAN_TAG = re.compile(r"<span\b[^>]*>|</span\s*>", re.IGNORECASE)
_TTU_SPAN = re.compile(r"""<span\s+data-ttu-id\s*=\s*["'][^"']*["']\s*>""", re.IGNORECASE)


@dataclass(frozen=True)
class InlineLink:
    text: str
    href: str
    start: int  # offsets of the link text in FlatInline.text
    end: int
    line_offset: int = 0  # source lines after the inline's first line


@dataclass
class FlatInline:
    text: str  # visible text; "\n" for soft/hard breaks and <br>
    links: list[InlineLink] = field(default_factory=list)
    code_spans: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (alt, src)
    html: list[str] = field(default_factory=list)


def flatten(children: list | None) -> FlatInline:
    parts: list[str] = []
    size = 0
    source_line = 0
    flat = FlatInline("")
    link_stack: list[tuple[str, int, int, int]] = []  # (href, text offset, part index, line offset)
    for token in children or ():
        kind = token.type
        if kind == "text":
            parts.append(token.content)
            size += len(token.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
            size += 1
            source_line += 1
        elif kind == "code_inline":
            parts.append(token.content)
            size += len(token.content)
            flat.code_spans.append(token.content)
        elif kind == "link_open":
            link_stack.append((str(token.attrs.get("href", "")), size, len(parts), source_line))
        elif kind == "link_close":
            if link_stack:
                href, start, first_part, line_offset = link_stack.pop()
                # only the link's own parts: joining the whole paragraph per link is quadratic
                text = "".join(parts[first_part:])
                flat.links.append(InlineLink(text, href, start, size, line_offset))
        elif kind == "image":
            alt = token.content or "".join(c.content for c in token.children or ())
            flat.images.append((alt, str(token.attrs.get("src", ""))))
        elif kind == "html_inline":
            content = token.content
            if _BREAK_TAG.match(content):
                parts.append("\n")
                size += 1
            else:
                match = _ANCHOR.match(content)
                if match:
                    flat.anchors.append(match.group(1))
                else:
                    flat.html.append(content)
    flat.text = "".join(parts)
    return flat


def strip_sxs(text: str) -> str:
    """Drop the English `sxs-lookup` copies of side-by-side translations, keeping line numbers.

    Each `<span class="sxs-lookup">…</span>` (with its nested spans) is removed; removed
    newlines are put back so every later line keeps its number. The `data-ttu-id` wrappers
    of the translated sentence are dropped as well: they carry no text of their own.
    """
    if "sxs-lookup" not in text:
        return text
    out: list[str] = []
    position = 0
    while True:
        opening = _SXS_OPEN.search(text, position)
        if opening is None:
            break
        out.append(text[position : opening.start()])
        depth = 1
        end = opening.end()
        for tag in _SPAN_TAG.finditer(text, opening.end()):
            depth += -1 if tag.group(0).startswith("</") else 1
            end = tag.end()
            if depth == 0:
                break
        else:
            end = len(text)
        out.append("\n" * text.count("\n", opening.start(), end))
        position = end
    out.append(text[position:])
    cleaned = "".join(out)
    cleaned = _TTU_SPAN.sub("", cleaned)
    return cleaned.replace("</span>", "")
