"""What a section holds (blocks, commands, links) and the Error / Cause built from a section."""
from __future__ import annotations

import re

from ..blocks import build_blocks, commands_in, links_in
from ..model import Block, Cause, Command, Error, ErrorLayout, Link
from ..outline import Outline, Section

_PLATFORM_WORDS = {
    "windows": re.compile(r"\bwindows\b", re.IGNORECASE),
    "linux": re.compile(r"\blinux\b", re.IGNORECASE),
}
_ID_SEPARATORS = re.compile(r"[-_\s.]+")


def content(outline: Outline, first: int, stop: int) -> tuple[list[Block], list[Command], list[Link], int]:
    """Blocks, commands, links and last line of chunks first..stop-1 (anchor lines and cause lists left out)."""
    blocks: list[Block] = []
    commands: list[Command] = []
    links: list[Link] = []
    end_line = 0
    doc = outline.doc
    for index in range(first, stop):
        if index in outline.skip and index not in outline.ref_only:
            continue
        chunk = outline.chunks[index]
        end_line = max(end_line, chunk.end_line)
        commands.extend(commands_in(doc, chunk))
        links.extend(links_in(doc, chunk))
        if index not in outline.ref_only:
            blocks.extend(build_blocks(doc, chunk))
    return blocks, commands, links, end_line


def platforms(cause_id: str, title: str) -> list[str]:
    """"windows" / "linux" when the cause's id or title names the platform."""
    tokens = set(_ID_SEPARATORS.split(cause_id.lower()))
    return [name for name, word in _PLATFORM_WORDS.items() if name in tokens or word.search(title)]


def section_error(outline: Outline, section: Section, layout: ErrorLayout, stop: int | None = None) -> Error:
    """The error a section names; its own text (up to `stop`, default its first sub-section) is the intro."""
    heading = section.heading
    blocks, _, links, end_line = content(outline, section.chunk + 1, section.own_end if stop is None else stop)
    end_line = max(end_line, heading.line)
    return Error(
        id=heading.id,
        title=heading.text,
        line=heading.line,
        heading_level=heading.level,
        codes=list(section.codes),
        messages=list(section.messages),
        cause_refs=list(section.refs),
        blocks=blocks,
        markdown=outline.doc.source(heading.line + 1, end_line),
        end_line=end_line,
        numeric_codes=list(section.numeric),
        layout=layout,
        links=links,
    )


def section_cause(outline: Outline, section: Section, cause_id: str | None = None, stop: int | None = None,
                  title: str | None = None) -> Cause:
    """A cause whose solution is the section's whole subtree (or its chunks up to `stop`)."""
    heading = section.heading
    blocks, commands, links, end_line = content(outline, section.chunk + 1, section.end if stop is None else stop)
    end_line = max(end_line, heading.line)
    identifier = heading.id if cause_id is None else cause_id
    shown = heading.text if title is None else title
    return Cause(
        id=identifier,
        title=shown,
        line=heading.line,
        heading_level=heading.level,
        platforms=platforms(identifier if cause_id is None else heading.id, shown),
        blocks=blocks,
        commands=commands,
        links=links,
        markdown=outline.doc.source(heading.line + 1, end_line),
        end_line=end_line,
    )
