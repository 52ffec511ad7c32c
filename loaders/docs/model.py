"""Typed model of a troubleshooting article: the cause/solution graph of one file.

Ids are stable across languages: they come from explicit anchors, else from the slug of the
heading as the docs platform builds it, never from words of one language.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

LinkKind = Literal["anchor", "article", "external", "other"]
BlockKind = Literal[
    "paragraph", "steps", "bullets", "code", "callout", "table", "include", "heading", "html", "image"
]
# How an article writes an error (README "Article layouts understood"):
#   cause-list        a section with "Cause N: [title](#anchor)" entries (any label, number or none)
#   code-lines        a section with "Error code: X" lines and guidance but no cause list
#   numbered-sections a section whose sub-sections are "Cause 1: ...", "Cause 2: ..." (2016 layout)
#   cause-sections    a section whose sub-sections are "Cause: ...", "Cause: ..." (no numbers)
#   problem-sections  a problem with symptom / cause / solution sub-sections, or cause N / solution N pairs
#   error-table       one row of a table of errors (details | [causes |] solution)
#   section-table     a section naming one error, whose table gives its details, causes and solutions
ErrorLayout = Literal[
    "", "cause-list", "code-lines", "numbered-sections", "cause-sections", "problem-sections",
    "error-table", "section-table",
]


@dataclass(frozen=True)
class Problem:
    """Something the parser could not understand; the rest of the article is still kept."""

    line: int
    message: str
    column: int | None = None
    kind: str = "parse"  # short machine key: "yaml", "encoding", "front-matter", "parse", ...


@dataclass(frozen=True)
class Link:
    text: str
    target: str
    kind: LinkKind
    line: int


@dataclass(frozen=True)
class Include:
    target: str  # path as written, e.g. ../../includes/support-disclaimer.md
    line: int
    syntax: Literal["include", "azure-include"] = "include"
    resolved: str = ""  # absolute path of the included file when it exists next to the article


@dataclass(frozen=True)
class Command:
    text: str
    line: int
    kind: Literal["inline", "block"]
    language: str = ""


@dataclass(frozen=True)
class Step:
    number: int | None  # as written ("1.", "4."); None for bullets
    text: str
    line: int


@dataclass
class Block:
    """One block of solution content, with its Markdown source kept for rendering."""

    kind: BlockKind
    line: int  # 1-based, first line of the block in the file
    end_line: int
    source: str  # raw Markdown of the block
    steps: list[Step] = field(default_factory=list)  # kind == "steps" / "bullets"
    code: str = ""  # kind == "code"
    language: str = ""  # kind == "code"
    callout: str = ""  # kind == "callout": NOTE, WARNING, TIP, IMPORTANT, CAUTION
    rows: list[list[str]] = field(default_factory=list)  # kind == "table": header row first


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # visible text, anchors and markup removed
    id: str  # explicit anchor if any, else slug of text
    explicit_anchors: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class CauseRef:
    """One entry of an error's ordered cause list: "Cause 2: [title](#target)"."""

    number: int | None  # the number as written ("Cause 2", "原因4"); None if absent
    target: str  # anchor without '#'
    title: str
    line: int
    cause_id: str = ""  # id of the cause section it leads to; "" when the link has no target
    # True: the entry is an in-page link written in the article. False: the cause comes from the
    # structure (a numbered sub-section, a table row), and `target` is the cause id, not an anchor.
    linked: bool = True


@dataclass
class Cause:
    id: str
    title: str
    line: int
    heading_level: int  # 0: no heading of its own (a table cell)
    platforms: list[str]  # "windows" / "linux"; empty when not platform-specific
    blocks: list[Block] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    markdown: str = ""  # Markdown source of the solution body (heading excluded)
    end_line: int = 0


@dataclass
class Error:
    id: str
    title: str  # heading text as written (translated); a table row: its first line of error details
    line: int
    heading_level: int  # 0: no heading of its own (a table row)
    codes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    cause_refs: list[CauseRef] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)  # intro content before/around the cause list
    markdown: str = ""
    end_line: int = 0
    numeric_codes: list[int] = field(default_factory=list)  # numeric codes next to the named ones
    layout: ErrorLayout = ""
    links: list[Link] = field(default_factory=list)  # links of the error's own text

    @property
    def causes(self) -> list[str]:
        """Ordered cause ids."""
        return [ref.target for ref in self.cause_refs]


@dataclass
class Article:
    path: str
    locale: str
    title: str
    date: dt.date | None
    metadata: dict[str, object]
    errors: list[Error] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    content_hash: str = ""  # sha256 of the raw bytes
    line_endings: Literal["lf", "crlf", "mixed", "cr", "none"] = "none"
    text: str = ""  # decoded text (BOM removed), for rules that look at raw lines

    def error(self, error_id: str) -> Error | None:
        return next((e for e in self.errors if e.id == error_id), None)

    def cause(self, cause_id: str) -> Cause | None:
        return next((c for c in self.causes if c.id == cause_id), None)


def is_stale(translation: Article, source: Article | None) -> bool:
    """A translation made from an earlier revision of its source: both dated, the translation older."""
    return (source is not None and translation.date is not None and source.date is not None
            and translation.date < source.date)
