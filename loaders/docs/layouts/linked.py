"""Errors that say which sections are their causes: cause lists ("Cause N: [title](#anchor)"),
error-code lines, and the 2016 numbered cause sections ("Cause 1: ...", "Cause 2: ...")."""
from __future__ import annotations

import dataclasses

from ..model import CauseRef, Problem
from ..outline import Outline, Section
from ..slug import slugify
from ..structure import numbered_heading
from ..targets import nearest_id
from .content import content, section_cause, section_error
from .found import Found


def section_index(sections: list[Section]) -> tuple[dict[str, int], dict[str, int]]:
    """Section by id, and by id folded to lower case (the first section wins)."""
    exact: dict[str, int] = {}
    folded: dict[str, int] = {}
    for position, section in enumerate(sections):
        heading = section.heading
        # the platform also gives an anchored heading the slug of its text
        slug = (slugify(heading.text),) if heading.explicit_anchors else ()
        for key in (*heading.explicit_anchors, heading.id, *slug):
            if key:
                exact.setdefault(key, position)
                folded.setdefault(key.lower(), position)
    return exact, folded


def nearest_section(target: str, sections: list[Section], errors: set[int]) -> int | None:
    """The one section, not an error, whose id is nearly identical to a broken link target."""
    by_id: dict[str, int] = {}
    for position, section in enumerate(sections):
        if position not in errors:
            by_id.setdefault(section.heading.id, position)
    near = nearest_id(target, by_id)
    return by_id[near] if near is not None else None


def numbered_children(sections: list[Section]) -> dict[int, list[int]]:
    """Sibling headings numbered 1, 2, 3… ("Cause 1: …", "Ursache 2 …") under one parent that
    share a sub-heading, the 2016 layout of causes without a linked cause list."""
    groups: dict[int, list[int]] = {}
    for position, section in enumerate(sections):
        if section.parent is None:
            continue
        numbered = numbered_heading(section.heading.text)
        if numbered is None:
            continue
        siblings = groups.setdefault(section.parent, [])
        if siblings:
            previous_heading = sections[siblings[-1]].heading
            previous = numbered_heading(previous_heading.text)
            if previous is None or numbered[0] <= previous[0] or previous_heading.level != section.heading.level:
                continue
        elif numbered[0] != 1:
            continue
        siblings.append(position)
    sub_ids: dict[int, set[str]] = {}
    for section in sections:
        if section.parent is not None:
            sub_ids.setdefault(section.parent, set()).add(section.heading.id.lower())
    found: dict[int, list[int]] = {}
    for parent, children in groups.items():
        if len(children) < 2:
            continue
        # numbered causes repeat one sub-heading ("Solution", "Lösung": same anchor or slug);
        # numbered walkthrough steps ("Step 1", "Step 2") do not
        seen: set[str] = set()
        repeated = False
        for child in children:
            ids = sub_ids.get(child, set())
            repeated = repeated or bool(seen & ids)
            seen |= ids
        if repeated:
            found[parent] = children
    return found


def implicit_refs(outline: Outline, error_positions: list[int], causes: set[int], exact: dict[str, int],
                  folded: dict[str, int]) -> None:
    """An error without a "Cause N" list that links to known cause sections ("follow these [steps](#x)")
    gets those causes, in link order and unnumbered, so that its guidance is not lost."""
    sections = outline.sections
    errors = set(error_positions)
    for position in error_positions:
        section = sections[position]
        if section.refs:
            continue
        _, _, links, _ = content(outline, section.chunk + 1, section.own_end)
        seen: set[int] = set()
        for link in links:
            if link.kind != "anchor":
                continue
            target = link.target.lstrip("#")
            found = exact.get(target)
            if found is None:
                found = folded.get(target.lower())
            if found is None or found in errors or found not in causes or found in seen:
                continue
            seen.add(found)
            section.refs.append(CauseRef(None, target, link.text, link.line, sections[found].heading.id))


def _resolve(sections: list[Section], error_positions: list[int], exact: dict[str, int], folded: dict[str, int],
             problems: list[Problem]) -> dict[int, None]:
    """Point every cause-list entry at its section; a broken target is a problem (with the nearest id)."""
    errors_set = set(error_positions)
    cause_positions: dict[int, None] = {}
    for position in error_positions:
        section = sections[position]
        for number, ref in enumerate(section.refs):
            found = exact.get(ref.target)
            if found is None:
                found = folded.get(ref.target.lower())
            if found is None:
                found = nearest_section(ref.target, sections, errors_set)
                message = f"cause link #{ref.target} points to no heading in this article"
                if found is not None:
                    message += f"; nearest heading is #{sections[found].heading.id}"
                problems.append(Problem(ref.line, message, kind="cause-link"))
            if found is None:
                continue
            section.refs[number] = dataclasses.replace(ref, cause_id=sections[found].heading.id)
            cause_positions[found] = None
    return cause_positions


def _causes_and_solutions(sections: list[Section], cause_positions: dict[int, None], errors: set[int]) -> None:
    """The other sections of a "causes and solutions" parent are causes too (their links may be broken)."""
    children_of: dict[int, list[int]] = {}
    for position, section in enumerate(sections):
        if section.parent is not None:
            children_of.setdefault(section.parent, []).append(position)
    for parent in {sections[p].parent for p in list(cause_positions)}:
        if parent is None or parent in errors or sections[parent].heading.level < 2:
            continue
        children = children_of.get(parent, [])
        referenced = [c for c in children if c in cause_positions]
        if len(referenced) * 2 >= len(children):
            for child in children:
                if child not in errors:
                    cause_positions.setdefault(child, None)


def recognise_linked(found: Found, problems: list[Problem]) -> None:
    outline = found.outline
    sections = outline.sections
    error_positions = [p for p, s in enumerate(sections) if s.refs or s.codes]
    if not error_positions and len(sections) < 2:
        return
    listed = {p for p in error_positions if sections[p].refs}
    numbered: set[int] = set()
    if not listed:
        for parent, children in numbered_children(sections).items():
            section = sections[parent]
            for child in children:
                number, title = numbered_heading(sections[child].heading.text) or (None, "")
                heading = sections[child].heading
                section.refs.append(CauseRef(number, heading.id, title, heading.line, heading.id, linked=False))
            numbered.add(parent)
            if parent not in error_positions:
                error_positions.append(parent)
        error_positions.sort()

    exact, folded = section_index(sections)
    cause_positions = _resolve(sections, error_positions, exact, folded, problems)
    _causes_and_solutions(sections, cause_positions, set(error_positions))
    implicit_refs(outline, error_positions, set(cause_positions), exact, folded)
    for position in error_positions:
        section = sections[position]
        layout = "numbered-sections" if position in numbered else ("cause-list" if section.refs else "code-lines")
        found.add_error(section_error(outline, section, layout), position)
    for position in sorted(cause_positions):
        found.add_cause(section_cause(outline, sections[position]), position)
