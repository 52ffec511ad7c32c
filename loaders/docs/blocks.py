"""Token ranges to solution blocks: steps, bullets, code, callouts, tables, includes, images, html."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .inline import FlatInline, flatten
from .model import Block, Command, Include, Link, LinkKind, Step

CALLOUT = re.compile(r"^\s*\[\s*(?:!|AZURE\.)\s*(NOTE|WARNING|TIP|IMPORTANT|CAUTION)\s*\]", re.IGNORECASE)
INCLUDE = re.compile(r"\[\s*(!INCLUDE|AZURE\.INCLUDE)\s*\[[^\]]*\]\(\s*<?([^)\s>]+)>?\s*\)\s*\]", re.IGNORECASE)
DOCFX_IMAGE = re.compile(r"^\s*:::image\b", re.IGNORECASE)  # docs-platform image directive
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ANCHORS_ONLY = re.compile(
    r"""^\s*(?:<a\s+[^>]*?\b(?:name|id)\s*=\s*["'][^"']*["'][^>]*>\s*</a>\s*)+$""", re.IGNORECASE
)


def classify_link(href: str) -> LinkKind:
    if href.startswith("#"):
        return "anchor"
    if href.startswith("//") or _SCHEME.match(href):
        return "external" if href.lower().startswith(("http:", "https:", "//")) else "other"
    if href:
        return "article"
    return "other"


@dataclass
class Chunk:
    """One top-level block of the token stream (a heading, a paragraph, a whole list, ...)."""

    kind: str  # token type without _open: heading, paragraph, bullet_list, fence, ...
    start: int  # token index range [start, end)
    end: int
    line: int  # 1-based first line
    end_line: int  # 1-based last line


@dataclass
class TokenDoc:
    """The token stream of one article with lazily flattened inlines."""

    tokens: list
    lines: list[str]  # source lines the tokens were built from (front matter blanked, SXS stripped)
    _flat: dict[int, FlatInline] = field(default_factory=dict)

    def flat(self, index: int) -> FlatInline:
        found = self._flat.get(index)
        if found is None:
            found = flatten(self.tokens[index].children)
            self._flat[index] = found
        return found

    def source(self, first_line: int, last_line: int) -> str:
        return "\n".join(self.lines[first_line - 1 : last_line])

    def inline_indexes(self, chunk: Chunk, with_tables: bool = True) -> list[int]:
        found = []
        in_table = 0
        for index in range(chunk.start, chunk.end):
            kind = self.tokens[index].type
            if kind == "table_open":
                in_table += 1
            elif kind == "table_close":
                in_table -= 1
            elif kind == "inline" and (with_tables or not in_table):
                found.append(index)
        return found

    def token_line(self, index: int, default: int) -> int:
        mapped = self.tokens[index].map
        return mapped[0] + 1 if mapped else default


def split_chunks(tokens: list) -> list[Chunk]:
    chunks: list[Chunk] = []
    index = 0
    count = len(tokens)
    while index < count:
        token = tokens[index]
        start = index
        if token.nesting == 1:
            index += 1
            while index < count and not (tokens[index].level == token.level and tokens[index].nesting == -1):
                index += 1
        index += 1
        mapped = token.map or [0, 0]
        kind = token.type[:-5] if token.type.endswith("_open") else token.type
        chunks.append(Chunk(kind, start, min(index, count), mapped[0] + 1, max(mapped[1], mapped[0] + 1)))
    return chunks


def is_anchor_html(content: str) -> bool:
    return bool(_ANCHORS_ONLY.match(content))


def _list_items(doc: TokenDoc, chunk: Chunk, numbered: bool) -> list[Step]:
    tokens = doc.tokens
    item_level = tokens[chunk.start].level + 1
    steps: list[Step] = []
    index = chunk.start
    while index < chunk.end:
        token = tokens[index]
        if token.type == "list_item_open" and token.level == item_level:
            number: int | None = None
            if numbered and token.info.isdigit():
                number = int(token.info)
            line = doc.token_line(index, chunk.line)
            text = ""
            probe = index + 1
            while probe < chunk.end and tokens[probe].type != "list_item_close":
                if tokens[probe].type == "inline":
                    text = doc.flat(probe).text.strip()
                    break
                if tokens[probe].type in ("fence", "code_block"):
                    text = tokens[probe].content.strip()
                    break
                probe += 1
            steps.append(Step(number, text, line))
        index += 1
    return steps


def _table_rows(doc: TokenDoc, chunk: Chunk) -> list[list[str]]:
    rows: list[list[str]] = []
    for index in range(chunk.start, chunk.end):
        kind = doc.tokens[index].type
        if kind == "tr_open":
            rows.append([])
        elif kind == "inline" and rows:
            rows[-1].append(" ".join(doc.flat(index).text.split()))
    return rows


def callout_of(doc: TokenDoc, start: int, end: int) -> str:
    for index in range(start, end):
        if doc.tokens[index].type == "inline":
            match = CALLOUT.match(doc.tokens[index].content)
            return match.group(1).upper() if match else ""
    return ""


def closing_index(tokens: list, index: int) -> int:
    """Index of the token closing the block opened at `index` (the last token if it is never closed)."""
    opening = tokens[index]
    for position in range(index + 1, len(tokens)):
        if tokens[position].level == opening.level and tokens[position].nesting == -1:
            return position
    return len(tokens) - 1


def paragraph_kind(doc: TokenDoc, index: int) -> str:
    """What a paragraph whose inline token is `tokens[index]` holds: include, image, callout or paragraph."""
    inline = doc.tokens[index] if index < len(doc.tokens) else None
    if inline is None or inline.type != "inline":
        return "paragraph"
    content = inline.content
    if INCLUDE.search(content) and not INCLUDE.sub("", content).strip():
        return "include"
    if DOCFX_IMAGE.match(content):
        return "image"
    flat = doc.flat(index)
    if flat.images and not flat.text.strip():
        return "image"
    if CALLOUT.match(content):
        return "callout"
    return "paragraph"


def _paragraph_kind(doc: TokenDoc, chunk: Chunk) -> str:
    return paragraph_kind(doc, chunk.start + 1) if chunk.start + 1 < chunk.end else "paragraph"


def build_blocks(doc: TokenDoc, chunk: Chunk) -> list[Block]:
    """The block for one chunk, plus callouts nested in lists as blocks of their own."""
    source = doc.source(chunk.line, chunk.end_line)
    block = Block(kind="paragraph", line=chunk.line, end_line=chunk.end_line, source=source)
    kind = chunk.kind
    extra: list[Block] = []
    if kind == "paragraph":
        block.kind = _paragraph_kind(doc, chunk)  # type: ignore[assignment]
        if block.kind == "callout":
            block.callout = callout_of(doc, chunk.start, chunk.end)
    elif kind in ("bullet_list", "ordered_list"):
        numbered = kind == "ordered_list"
        block.kind = "steps" if numbered else "bullets"
        block.steps = _list_items(doc, chunk, numbered)
        for index in range(chunk.start + 1, chunk.end):
            token = doc.tokens[index]
            if token.type == "blockquote_open":
                callout = callout_of(doc, index, closing_index(doc.tokens, index))
                if callout and token.map:
                    first, last = token.map[0] + 1, token.map[1]
                    extra.append(
                        Block("callout", first, last, doc.source(first, last), callout=callout)
                    )
    elif kind in ("fence", "code_block"):
        token = doc.tokens[chunk.start]
        block.kind = "code"
        block.code = token.content
        block.language = (token.info or "").strip().split(" ")[0] if kind == "fence" else ""
    elif kind == "blockquote":
        callout = callout_of(doc, chunk.start, chunk.end)
        block.kind = "callout" if callout else "paragraph"
        block.callout = callout
    elif kind == "table":
        block.kind = "table"
        block.rows = _table_rows(doc, chunk)
    elif kind == "heading":
        block.kind = "heading"
    elif kind == "html_block":
        block.kind = "html"
    elif kind == "hr":
        return []
    return [block, *extra]


def commands_in(doc: TokenDoc, chunk: Chunk) -> list[Command]:
    found: list[Command] = []
    for index in range(chunk.start, chunk.end):
        token = doc.tokens[index]
        if token.type == "inline" and "`" in token.content:
            line = doc.token_line(index, chunk.line)
            for code in doc.flat(index).code_spans:
                if code.strip():
                    found.append(Command(code.strip(), line, "inline"))
        elif token.type in ("fence", "code_block"):
            language = (token.info or "").strip().split(" ")[0] if token.type == "fence" else ""
            if token.content.strip():
                found.append(Command(token.content.rstrip("\n"), doc.token_line(index, chunk.line), "block", language))
    return found


def links_in(doc: TokenDoc, chunk: Chunk) -> list[Link]:
    found: list[Link] = []
    for index in range(chunk.start, chunk.end):
        token = doc.tokens[index]
        content = token.content
        # links are [text](target) or autolinks <scheme:...>; skip the flattening otherwise
        if token.type == "inline" and ("[" in content or ("<" in content and ":" in content)):
            flat = doc.flat(index)
            if not flat.links:
                continue
            line = doc.token_line(index, chunk.line)
            for link in flat.links:
                found.append(Link(link.text.strip(), link.href, classify_link(link.href), line + link.line_offset))
    return found


def includes_in(doc: TokenDoc, chunk: Chunk) -> list[Include]:
    found: list[Include] = []
    for index in range(chunk.start, chunk.end):
        token = doc.tokens[index]
        if token.type == "inline" and ("NCLUDE" in token.content or "nclude" in token.content):
            line = doc.token_line(index, chunk.line)
            for match in INCLUDE.finditer(token.content):
                syntax = "azure-include" if match.group(1).upper().startswith("AZURE") else "include"
                found.append(Include(match.group(2), line + token.content.count("\n", 0, match.start()), syntax))
    return found
