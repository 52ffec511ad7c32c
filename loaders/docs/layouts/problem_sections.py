"""Problem / symptom / cause / solution sections (application gateway, VPN, Azure Files style).

Two shapes, read from headings alone:
* sibling problem headings that repeat the same sub-headings ("Symptom", "Cause", "Solution" in
  whatever language): in each problem the last repeated sub-section is the solution, the one
  before it the cause, the ones before that describe the error;
* "Cause 1: title" sub-sections each followed by a title-less sub-section with the same number
  ("Solution for cause 1"): numbered cause / solution pairs.
Each problem is an error; each cause carries its solution. Cause ids are positional
(`<problem id>-cause-N`) because role headings repeat and their slugs are translated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Cause, CauseRef
from ..outline import Outline, Section
from ..structure import numbered_heading, written_number
from .cells import plain
from .content import content, platforms, section_error
from .found import Found

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s")
TITLE_LIMIT = 120


@dataclass(frozen=True)
class _Pair:
    number: int | None
    title: str
    cause: int  # section of the cause text
    solution: int  # section of its solution (the same section when there is none)


def _role_key(section: Section) -> str:
    return " ".join(section.heading.text.casefold().split())


def _numbered_pairs(sections: list[Section], children: list[int]) -> list[_Pair]:
    """"Cause N: title" sub-sections, each closed by the next sub-section that writes the same number."""
    pairs: list[_Pair] = []
    open_causes: dict[int, tuple[int, str]] = {}
    for child in children:
        text = sections[child].heading.text
        numbered = numbered_heading(text)
        number = numbered[0] if numbered is not None else written_number(text)
        if number is None:
            continue
        if number in open_causes:
            cause, title = open_causes.pop(number)
            pairs.append(_Pair(number, title, cause, child))
        elif numbered is not None:
            open_causes[number] = (child, numbered[1])
    return pairs


def _first_sentence(outline: Outline, section: Section) -> str:
    for block in content(outline, section.chunk + 1, section.own_end)[0]:
        if block.kind == "paragraph" and block.source.strip():
            flat = plain(" ".join(block.source.split()))
            sentence = _SENTENCE_END.split(flat, maxsplit=1)[0]
            return sentence if len(sentence) <= TITLE_LIMIT else sentence[: TITLE_LIMIT - 1] + "…"
    return section.heading.text


def _role_pairs(found: Found, sections: list[Section], children: list[int],
                roles: set[str]) -> tuple[list[_Pair], int | None]:
    """(cause/solution pair, first sub-section of the problem that belongs to a cause)."""
    role_children = [c for c in children if _role_key(sections[c]) in roles]
    if len({_role_key(sections[c]) for c in role_children}) < 2:
        return [], None
    solution, cause = role_children[-1], role_children[-2]
    return [_Pair(None, _first_sentence(found.outline, sections[cause]), cause, solution)], cause


def _roles(found: Found, problems: list[int], children_of: dict[int | None, list[int]]) -> set[str]:
    """Sub-heading texts that recur in at least two of the sibling problems."""
    seen: dict[str, int] = {}
    for problem in problems:
        for key in {_role_key(found.outline.sections[c]) for c in children_of.get(problem, [])}:
            seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count >= 2}


def _cause(outline: Outline, pair: _Pair, cause_id: str) -> Cause:
    sections = outline.sections
    first, last = sections[pair.cause], sections[pair.solution]
    blocks, commands, links, end_line = content(outline, first.chunk + 1, last.end)
    end_line = max(end_line, first.heading.line)
    return Cause(
        id=cause_id,
        title=pair.title,
        line=first.heading.line,
        heading_level=first.heading.level,
        platforms=platforms(cause_id, pair.title),
        blocks=blocks,
        commands=commands,
        links=links,
        markdown=outline.doc.source(first.heading.line + 1, end_line),
        end_line=end_line,
    )


def recognise_problem_sections(found: Found) -> None:
    outline = found.outline
    sections = outline.sections
    children_of = outline.children()
    for siblings in children_of.values():
        candidates = [s for s in siblings if not found.claimed(s) and children_of.get(s)]
        roles = _roles(found, candidates, children_of) if len(candidates) >= 2 else set()
        for problem in candidates:
            children = [c for c in children_of[problem] if not found.claimed(c)]
            pairs = _numbered_pairs(sections, children)
            first_cause = pairs[0].cause if pairs else None
            if not pairs and roles:
                pairs, first_cause = _role_pairs(found, sections, children, roles)
            if not pairs or first_cause is None:
                continue
            error = section_error(outline, sections[problem], "problem-sections", stop=sections[first_cause].chunk)
            found.add_error(error, problem)
            for position, pair in enumerate(pairs, start=1):
                cause_id = found.unique_id(f"{error.id}-cause-{pair.number or position}")
                found.add_cause(_cause(outline, pair, cause_id), pair.cause)
                found.cause_sections.add(pair.solution)
                error.cause_refs.append(CauseRef(pair.number, cause_id, pair.title, sections[pair.cause].heading.line,
                                                 cause_id, linked=False))
