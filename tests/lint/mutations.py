"""Structural defects put into a translation's Markdown, located with its parsed article.

A mutation lists what in an article it can change (`candidates`) and makes the change to one of them
(`apply`), returning the new text, or None when that candidate's lines do not have the expected shape.
They work on whole lines, so they hold for every layout the parser reads: "**Cause 2: [title](#id)**<br>"
lines, list items, headings with or without an explicit anchor.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from loaders.docs.model import Article, Cause, CauseRef, Error

ANCHOR_TAG = re.compile(r"<a\s+(?:name|id)\s*=\s*[\"']?([^\"'>\s]+)[\"']?\s*>\s*</a>\s*", re.IGNORECASE)
LINE_BREAK = re.compile(r"<br\s*/?>\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Mutation:
    kind: str
    candidates: Callable[[Article], Sequence[Any]]
    apply: Callable[[list[str], Article, Any], list[str] | None]

    def __call__(self, text: str, article: Article, candidate: Any) -> str | None:
        lines = self.apply(text.split("\n"), article, candidate)
        return None if lines is None else "\n".join(lines)


# -- what can be changed ---------------------------------------------------------------------------
def _listed(article: Article, error: Error) -> bool:
    """Whether the error's cause list is written as "Cause N: [title](#id)" entries, each on its own line."""
    lines = [ref.line for ref in error.cause_refs]
    # in the 2016 layout the parser makes the list from the cause headings themselves
    sections = {item.line for item in (*article.errors, *article.causes)}
    return (len(set(lines)) == len(lines) and not sections & set(lines)
            and all(ref.number is not None for ref in error.cause_refs))


def entries(article: Article) -> list[tuple[Error, int]]:
    """(error, k) of every entry of such a list."""
    return [(e, k) for e in article.errors if _listed(article, e) for k in range(len(e.cause_refs))]


def droppable_entries(article: Article) -> list[tuple[Error, int]]:
    return [(e, k) for e, k in entries(article) if len(e.cause_refs) > 1]


def adjacent_entries(article: Article) -> list[tuple[Error, int]]:
    """(error, k): entries k and k+1 of one list, to different targets."""
    return [(e, k) for e, k in entries(article) if k + 1 < len(e.cause_refs)
            and e.cause_refs[k].target != e.cause_refs[k + 1].target]


def adjacent_causes(article: Article) -> list[tuple[Cause, Cause]]:
    return [(a, b) for a, b in zip(article.causes, article.causes[1:], strict=False)
            if a.heading_level == b.heading_level]


def anchored_causes(article: Article) -> list[Cause]:
    """Causes whose heading line carries an explicit anchor tag."""
    return [c for c in article.causes if c.line in {h.line for h in article.headings if h.explicit_anchors}]


# -- the changes -----------------------------------------------------------------------------------
def _span(item: Error | Cause, lines: list[str]) -> tuple[int, int]:
    """0-based [start, end) of a section: its heading to its last line."""
    return item.line - 1, min(max(item.end_line, item.line), len(lines))


def _link(line: str, ref: CauseRef) -> re.Match | None:
    return re.search(r"\[[^\]]*\]\(\s*#" + re.escape(ref.target) + r"\s*\)", line)


def duplicate_entry(lines: list[str], article: Article, chosen: tuple[Error, int]) -> list[str] | None:
    """Entry k listed once more after the last entry of its list, numbered as the next cause."""
    error, k = chosen
    ref = error.cause_refs[k]
    last = max(r.line for r in error.cause_refs)
    copy = LINE_BREAK.sub("", lines[ref.line - 1]).rstrip()
    if ref.number is not None:
        copy = re.sub(rf"(?<!\d){ref.number}(?!\d)", str(len(error.cause_refs) + 1), copy, count=1)
    if any(LINE_BREAK.search(lines[r.line - 1]) for r in error.cause_refs) and not LINE_BREAK.search(lines[last - 1]):
        lines[last - 1] = lines[last - 1].rstrip() + "<br>"  # entries of one paragraph, one per line
    return lines[:last] + [copy] + lines[last:]


def drop_entry(lines: list[str], article: Article, chosen: tuple[Error, int]) -> list[str] | None:
    error, k = chosen
    del lines[error.cause_refs[k].line - 1]
    return lines


def swap_entries(lines: list[str], article: Article, chosen: tuple[Error, int]) -> list[str] | None:
    """The links of entries k and k+1 exchanged; the numbers stay where they are."""
    error, k = chosen
    first, second = error.cause_refs[k], error.cause_refs[k + 1]
    line_a, line_b = lines[first.line - 1], lines[second.line - 1]
    a, b = _link(line_a, first), _link(line_b, second)
    if a is None or b is None:
        return None
    lines[first.line - 1] = line_a[: a.start()] + b.group(0) + line_a[a.end():]
    lines[second.line - 1] = line_b[: b.start()] + a.group(0) + line_b[b.end():]
    return lines


def duplicate_section(lines: list[str], article: Article, item: Error | Cause) -> list[str] | None:
    start, end = _span(item, lines)
    return lines[:end] + [""] + lines[start:end] + lines[end:]


def drop_section(lines: list[str], article: Article, item: Error | Cause) -> list[str] | None:
    start, end = _span(item, lines)
    return lines[:start] + lines[end:]


def swap_sections(lines: list[str], article: Article, chosen: tuple[Cause, Cause]) -> list[str] | None:
    """Two cause sections that follow each other exchanged (with whatever lies between them)."""
    first, second = chosen
    start, end = _span(second, lines)
    head = lines[first.line - 1 : start]
    return lines[: first.line - 1] + lines[start:end] + [""] + head + lines[end:]


def remove_anchor(lines: list[str], article: Article, cause: Cause) -> list[str] | None:
    """The explicit anchor taken out of a cause heading; the visible heading stays."""
    changed = ANCHOR_TAG.sub("", lines[cause.line - 1])
    if changed == lines[cause.line - 1]:
        return None
    lines[cause.line - 1] = changed
    return lines


def remove_heading(lines: list[str], article: Article, cause: Cause) -> list[str] | None:
    """A cause's heading line removed: its text runs on into the section before."""
    del lines[cause.line - 1]
    return lines


MUTATIONS: tuple[Mutation, ...] = (
    Mutation("entry duplicated", entries, duplicate_entry),
    Mutation("entry dropped", droppable_entries, drop_entry),
    Mutation("entries swapped", adjacent_entries, swap_entries),
    Mutation("cause section duplicated", lambda a: a.causes, duplicate_section),
    Mutation("cause section dropped", lambda a: a.causes, drop_section),
    Mutation("error section duplicated", lambda a: a.errors, duplicate_section),
    Mutation("error section dropped", lambda a: a.errors, drop_section),
    Mutation("cause sections swapped", adjacent_causes, swap_sections),
    Mutation("cause anchor removed", anchored_causes, remove_anchor),
    Mutation("cause heading removed", lambda a: a.causes, remove_heading),
)
