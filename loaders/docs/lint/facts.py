"""Facts read from an article's raw text that the model does not carry: lines, code, anchors.

Computed once per article and shared by every rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from markdown_it import MarkdownIt

from loaders.docs.frontmatter import split_front_matter
from loaders.docs.inline import strip_sxs
from loaders.docs.model import Article

_ANCHOR = re.compile(r"""<a\s+[^>]*?\b(?:name|id)\s*=\s*["']([^"']*)["'][^>]*>""", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


_block_parser: MarkdownIt | None = None


def block_parser() -> MarkdownIt:
    """CommonMark at block level only: list structure and line maps without inline parsing.

    Tables are left off: they cannot hold lists or code blocks, and the table rule is the costliest
    block rule (it probes every line); a table then reads as one paragraph.
    """
    global _block_parser
    if _block_parser is None:
        _block_parser = MarkdownIt("commonmark")
        _block_parser.disable(["inline", "text_join"], ignoreInvalid=True)
    return _block_parser


@dataclass(frozen=True)
class ListItem:
    number: int
    line: int
    column: int


@dataclass(frozen=True)
class OrderedList:
    items: tuple[ListItem, ...]
    depth: int  # 0 for a top-level list, 1 inside another list or quote, ...
    container: int  # token index of the enclosing list item / quote; -1 at top level
    line: int
    end_line: int


@dataclass(frozen=True)
class AnchorDef:
    id: str
    line: int
    column: int  # 1-based, of the `<a`


@dataclass
class ArticleFacts:
    article: Article
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def lines(self) -> list[str]:
        """Lines without their line ending; index 0 is line 1."""
        return self.article.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    @cached_property
    def body_lines(self) -> list[str]:
        """The lines Markdown is read from: the header blanked out, side-by-side English removed."""
        lines = self.lines
        start = split_front_matter(lines).body_start
        body = [""] * start + lines[start:] if start else list(lines)
        text = "\n".join(body)
        stripped = strip_sxs(text)
        return stripped.split("\n") if stripped is not text else body

    @cached_property
    def body_start(self) -> int:
        """1-based number of the first line after the front matter."""
        return split_front_matter(self.lines).body_start + 1

    @cached_property
    def block_tokens(self) -> list:
        return block_parser().parse("\n".join(self.body_lines))

    @cached_property
    def top_level_blocks(self) -> list[tuple[int, int]]:
        """(first line, last line), 1-based, of every top-level block."""
        return [
            (token.map[0] + 1, token.map[1])
            for token in self.block_tokens
            if token.level == 0 and token.map and token.nesting >= 0
        ]

    @cached_property
    def heading_lines(self) -> frozenset[int]:
        return frozenset(t.map[0] + 1 for t in self.block_tokens if t.type == "heading_open" and t.map)

    @cached_property
    def ordered_lists(self) -> list[OrderedList]:
        """Every ordered list, nested ones included, in document order, with numbers as written."""
        tokens = self.block_tokens
        found: list[OrderedList] = []
        containers: list[int] = []  # stack of enclosing list item / blockquote token indexes
        open_lists: list[tuple[int, list[ListItem]]] = []
        for index, token in enumerate(tokens):
            kind = token.type
            if kind in ("list_item_open", "blockquote_open"):
                if kind == "list_item_open" and open_lists and open_lists[-1][0] >= 0 and token.info.isdigit():
                    line = token.map[0] + 1 if token.map else 0
                    raw = self.body_lines[line - 1] if line else ""
                    column = len(raw) - len(raw.lstrip(" >\t")) + 1
                    open_lists[-1][1].append(ListItem(int(token.info), line, column))
                containers.append(index)
            elif kind in ("list_item_close", "blockquote_close"):
                if containers:
                    containers.pop()
            elif kind in ("ordered_list_open", "bullet_list_open"):
                marker = index if kind == "ordered_list_open" else -1
                open_lists.append((marker, []))
            elif kind in ("ordered_list_close", "bullet_list_close"):
                marker, items = open_lists.pop()
                if marker >= 0 and items:
                    opener = tokens[marker]
                    container = containers[-1] if containers else -1
                    depth = sum(1 for c in containers if tokens[c].type in ("list_item_open", "blockquote_open"))
                    found.append(
                        OrderedList(tuple(items), depth, container, opener.map[0] + 1, opener.map[1])
                    )
        found.sort(key=lambda lst: lst.line)
        return found

    @cached_property
    def paragraphs(self) -> list[tuple[int, str]]:
        """(first line, raw text) of every paragraph, in lists and quotes too; tables read as paragraphs."""
        found = []
        lines = self.body_lines
        for token in self.block_tokens:
            if token.type == "paragraph_open" and token.map:
                first, last = token.map
                found.append((first + 1, "\n".join(lines[first:last])))
        return found

    # what the block-level reading yields; computed where the file is parsed and shipped with it
    DERIVED = ("body_start", "top_level_blocks", "heading_lines", "ordered_lists", "code_lines", "paragraphs")

    def derived(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.DERIVED}

    @classmethod
    def seeded(cls, article: Article, values: dict[str, object]) -> ArticleFacts:
        facts = cls(article)
        facts.__dict__.update(values)
        return facts

    @cached_property
    def code_lines(self) -> frozenset[int]:
        """1-based numbers of lines inside code blocks, fenced or indented (fences included)."""
        inside: set[int] = set()
        for token in self.block_tokens:
            if token.type in ("fence", "code_block") and token.map:
                inside.update(range(token.map[0] + 1, token.map[1] + 1))
        return frozenset(inside)

    @cached_property
    def comment_spans(self) -> list[tuple[int, int]]:
        """Character spans of HTML comments, whose content is not part of the page."""
        text = self.article.text
        if "<!--" not in text:
            return []
        return [m.span() for m in _COMMENT.finditer(text)]

    @cached_property
    def anchors(self) -> list[AnchorDef]:
        """Explicit `<a name>`/`<a id>` anchors outside code and comments, in document order."""
        found: list[AnchorDef] = []
        code = self.code_lines
        for number, line in enumerate(self.lines, start=1):
            if "<a" not in line and "<A" not in line or number in code:
                continue
            for match in _ANCHOR.finditer(line):
                found.append(AnchorDef(match.group(1), number, match.start() + 1))
        if self.comment_spans:
            found = [a for a in found if not self._in_comment(a)]
        return found

    def _in_comment(self, anchor: AnchorDef) -> bool:
        offset = self.offset(anchor.line, anchor.column)
        return any(start <= offset < end for start, end in self.comment_spans)

    @cached_property
    def _line_offsets(self) -> list[int]:
        offsets = [0]
        text = self.article.text
        position = text.find("\n")
        while position != -1:
            offsets.append(position + 1)
            position = text.find("\n", position + 1)
        return offsets

    def offset(self, line: int, column: int = 1) -> int:
        """Character offset in article.text of a 1-based line and column."""
        offsets = self._line_offsets
        return offsets[min(line, len(offsets)) - 1] + column - 1

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def column_of(self, line: int, needle: str) -> int | None:
        """1-based column of the first `needle` on `line`, if it is there."""
        index = self.line(line).find(needle)
        return index + 1 if index >= 0 else None
