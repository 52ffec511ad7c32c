"""Unnumbered cause sections: sibling headings "Cause: title", "Ursache: title", "原因：title" that
share their label, under one problem heading. The problem is the error; they are its causes, in order."""
from __future__ import annotations

from ..model import CauseRef
from ..structure import labelled_heading
from .content import section_cause, section_error
from .found import Found

MIN_SECTIONS = 2


def _label_runs(found: Found, children: list[int]) -> list[int]:
    """The largest group of same-level, not yet taken children that share one label."""
    sections = found.outline.sections
    groups: dict[tuple[int, str], list[int]] = {}
    for child in children:
        if found.claimed(child) or child in found.error_sections:
            continue
        labelled = labelled_heading(sections[child].heading.text)
        if labelled is not None:
            groups.setdefault((sections[child].heading.level, labelled[0]), []).append(child)
    best = max(groups.values(), key=len, default=[])
    return best if len(best) >= MIN_SECTIONS else []


def recognise_cause_sections(found: Found) -> None:
    outline = found.outline
    sections = outline.sections
    for parent, children in outline.children().items():
        if parent is None or (found.claimed(parent) and parent not in found.error_sections):
            continue
        run = _label_runs(found, children)
        if not run:
            continue
        error = next((e for e in found.errors if e.line == sections[parent].heading.line), None)
        if error is not None and error.cause_refs:
            continue
        refs = []
        for child in run:
            heading = sections[child].heading
            title = (labelled_heading(heading.text) or ("", heading.text))[1]
            refs.append(CauseRef(None, heading.id, title, heading.line, heading.id, linked=False))
            found.add_cause(section_cause(outline, sections[child]), child)
        if error is None:
            error = section_error(outline, sections[parent], "cause-sections")
            found.add_error(error, parent)
        error.cause_refs = refs
        error.layout = "cause-sections"
