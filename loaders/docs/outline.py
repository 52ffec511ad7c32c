"""The outline of an article: its headings as nested sections, the chunks each section owns, and
what each section writes of a cause list or of error-code lines.

Built in three named steps from the token stream (`read_sections`, `nest_sections`,
`read_entries`); the layout recognisers in `loaders.docs.layouts` work on the result.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .blocks import Chunk, TokenDoc, is_anchor_html
from .inline import FlatInline
from .model import CauseRef, Heading
from .slug import slugify
from .structure import Entry, cause_entries, id_message, is_cause_ref_line, label_lines

ANCHOR_ATTR = re.compile(r"""<a\s+[^>]*?\b(?:name|id)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_COLON = re.compile("[:：︰∶]")
_NOT_CONTENT = ("table", "fence", "code_block", "html_block", "hr")


@dataclass
class Section:
    heading: Heading
    chunk: int  # index of the heading chunk
    parent: int | None = None
    own_end: int = 0  # chunk index where the section's own content stops (next section heading)
    end: int = 0  # chunk index where the section's subtree stops
    refs: list[CauseRef] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    numeric: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    # "label: message (ID: 34513)" lines: error details without a code name, read only by the table layouts
    id_messages: list[str] = field(default_factory=list)
    id_numbers: list[int] = field(default_factory=list)


@dataclass
class Outline:
    doc: TokenDoc
    chunks: list[Chunk]
    sections: list[Section]
    headings: list[Heading]
    skip: set[int]  # chunks that are not content: anchor-only lines, cause-list headings
    ref_only: set[int]  # chunks that only hold cause-list entries
    owner: list[int | None] = field(default_factory=list)  # chunk -> section it belongs to
    _starts: list[int] = field(default_factory=list)
    _children: dict[int | None, list[int]] | None = None

    def chunk_of_token(self, token_index: int) -> int:
        """The top-level chunk a token belongs to."""
        if not self._starts:
            self._starts = [chunk.start for chunk in self.chunks]
        return bisect_right(self._starts, token_index) - 1

    def children(self) -> dict[int | None, list[int]]:
        """Direct sub-sections of every section (None: the sections without a parent)."""
        if self._children is None:
            self._children = {}
            for position, section in enumerate(self.sections):
                self._children.setdefault(section.parent, []).append(position)
        return self._children


@dataclass
class _Candidate:
    entry: Entry
    line: int
    chunk: int


def is_anchor_chunk(doc: TokenDoc, chunk: Chunk) -> bool:
    """A line holding only `<a name|id="…"></a>` (the 2016 layout puts it before its heading)."""
    if chunk.kind == "html_block":
        return is_anchor_html(doc.tokens[chunk.start].content)
    if chunk.kind == "paragraph" and chunk.end - chunk.start == 3:
        content = doc.tokens[chunk.start + 1].content
        return "<a" in content and is_anchor_html(content)
    return False


def read_sections(doc: TokenDoc, chunks: list[Chunk]) -> Outline:
    """Headings (with the anchors written on or just before them) and the sections they open.

    A heading that is a whole cause-list entry is not a section: it belongs to the one above.
    """
    outline = Outline(doc, chunks, [], [], set(), set())
    sections, owner = outline.sections, outline.owner
    pending: list[str] = []
    for index, chunk in enumerate(chunks):
        if is_anchor_chunk(doc, chunk):
            html_token = chunk.start if chunk.kind == "html_block" else chunk.start + 1
            html = doc.tokens[html_token].content
            pending.extend(ANCHOR_ATTR.findall(html))
            outline.skip.add(index)
            owner.append(len(sections) - 1 if sections else None)
            continue
        if chunk.kind == "heading":
            flat = doc.flat(chunk.start + 1)
            anchors = tuple(pending + flat.anchors)
            pending = []
            text = " ".join(flat.text.split())
            level = int(doc.tokens[chunk.start].tag[1:] or 1)
            heading = Heading(level, text, anchors[0] if anchors else slugify(text), anchors, chunk.line)
            outline.headings.append(heading)
            if is_cause_ref_line(flat):
                outline.skip.add(index)
                outline.ref_only.add(index)
                owner.append(len(sections) - 1 if sections else None)
                continue
            sections.append(Section(heading, index))
            owner.append(len(sections) - 1)
            continue
        pending = []
        owner.append(len(sections) - 1 if sections else None)
    return outline


def nest_sections(outline: Outline) -> None:
    """Parent = nearest earlier section of a lower level; a section ends at the next one of level <=."""
    sections = outline.sections
    stack: list[int] = []
    for position, section in enumerate(sections):
        level = section.heading.level
        while stack and sections[stack[-1]].heading.level >= level:
            sections[stack.pop()].end = section.chunk
        section.parent = stack[-1] if stack else None
        stack.append(position)
        section.own_end = sections[position + 1].chunk if position + 1 < len(sections) else len(outline.chunks)
    for position in stack:
        sections[position].end = len(outline.chunks)


def _list_markers(doc: TokenDoc, chunk: Chunk) -> dict[int, int]:
    """Inline token -> number of the ordered-list item it opens ("1." of "1. Neden: [..](#..)")."""
    markers: dict[int, int] = {}
    pending: int | None = None
    for index in range(chunk.start, chunk.end):
        token = doc.tokens[index]
        if token.type == "list_item_open":
            pending = int(token.info) if token.info.isdigit() else None
        elif token.type == "inline":
            if pending is not None:
                markers[index] = pending
            pending = None
    return markers


def read_entries(outline: Outline) -> None:
    """Cause-list entries and error code / message lines, attributed to the section they appear in.

    An entry with a number written ("Cause 2:", "1. Neden:", "原因4：", "2)") always counts. One with
    a label but no number counts when its section repeats the label or has numbered entries or an
    error code; a bare link counts only in a list made of such links under an error code.
    """
    doc, chunks, sections = outline.doc, outline.chunks, outline.sections
    candidates: dict[int, list[_Candidate]] = {}
    other_text: set[int] = set()  # chunks with text besides their entries
    for index, chunk in enumerate(chunks):
        target = outline.owner[index]
        if target is None or chunk.kind in _NOT_CONTENT:
            continue
        section = sections[target]
        if chunk.kind == "heading":
            if index in outline.ref_only:
                for entry in cause_entries(doc.flat(chunk.start + 1)):
                    candidates.setdefault(target, []).append(_Candidate(entry, chunk.line + entry.line_offset, index))
            continue
        markers: dict[int, int] | None = None
        for inline_index in doc.inline_indexes(chunk, with_tables=False):
            content = doc.tokens[inline_index].content
            may_ref = "](#" in content
            # cheap screens on the raw inline first: most paragraphs hold neither shape
            if not may_ref and _COLON.search(content) is None:
                if content.strip():
                    other_text.add(index)
                continue
            flat = doc.flat(inline_index)
            line = doc.token_line(inline_index, chunk.line)
            entries: list[Entry] = []
            if may_ref:
                if markers is None:
                    markers = _list_markers(doc, chunk) if chunk.kind.endswith("_list") else {}
                entries = cause_entries(flat, markers.get(inline_index))
                for entry in entries:
                    candidates.setdefault(target, []).append(_Candidate(entry, line + entry.line_offset, index))
            if not entries or sum(1 for part in flat.text.split("\n") if part.strip()) > len(entries):
                if flat.text.strip():
                    other_text.add(index)
            _read_error_lines(section, flat, content)
    _accept_entries(outline, candidates, other_text)


def _read_error_lines(section: Section, flat: FlatInline, content: str) -> None:
    """Error code / message lines of one inline, and "label: message (ID: 34513)" lines without a code name."""
    found = label_lines(flat)
    if found is not None:
        section.codes.extend(code for code in found.codes if code not in section.codes)
        section.numeric.extend(n for n in found.numeric if n not in section.numeric)
        section.messages.extend(m for m in found.messages if m not in section.messages)
    elif "(" in content:
        message = id_message(flat)
        if message is not None:
            section.id_messages.append(message[0])
            section.id_numbers.extend(n for n in message[1] if n not in section.id_numbers)


def _accept_entries(outline: Outline, candidates: dict[int, list[_Candidate]], other_text: set[int]) -> None:
    """The accepted candidates become each section's cause refs; chunks holding nothing else are marked ref-only."""
    chunks, sections = outline.chunks, outline.sections
    for position, found_entries in candidates.items():
        accepted = _accepted(sections[position], found_entries, chunks, other_text)
        sections[position].refs.extend(
            CauseRef(c.entry.number, c.entry.target, c.entry.title, c.line) for c in accepted
        )
        rejected = {c.chunk for c in found_entries if c not in accepted}
        for chunk_index in {c.chunk for c in accepted}:
            if chunks[chunk_index].kind != "heading" and chunk_index not in other_text and chunk_index not in rejected:
                outline.ref_only.add(chunk_index)


def _accepted(section: Section, found: list[_Candidate], chunks: list[Chunk], other_text: set[int]) -> list[_Candidate]:
    numbered = any(c.entry.kind == "numbered" for c in found)
    labels: dict[str, int] = {}
    for candidate in found:
        if candidate.entry.kind == "labelled" and candidate.entry.whole_line:
            labels[candidate.entry.label] = labels.get(candidate.entry.label, 0) + 1
    evidence = bool(section.codes or section.messages)
    kept: list[_Candidate] = []
    for candidate in found:
        entry = candidate.entry
        if entry.kind == "numbered":
            kept.append(candidate)
        elif entry.kind == "labelled":
            if chunks[candidate.chunk].kind == "heading" or (
                entry.whole_line and (labels[entry.label] >= 2 or numbered or evidence)
            ):
                kept.append(candidate)
        elif (entry.whole_line and evidence and chunks[candidate.chunk].kind.endswith("_list")
              and candidate.chunk not in other_text):
            kept.append(candidate)
    return kept
