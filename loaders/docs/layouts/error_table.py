"""Errors written as tables: one error per row (the 2017 VM backup layout, several tables under
operation headings), or a section per error whose table gives its details, causes and solutions
(the agent layout).

A row's solution becomes one cause whose blocks are the cell's; a causes column becomes one cause
per cause it lists, each with the recommended actions (paired item by item when both cells list
as many). Without an anchor to take them from, ids come from the row: its error code, else its
position under the heading (`<section id>-row-<n>`), so every language of one version of an
article yields the same ids.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..model import Cause, CauseRef, Error, Problem
from ..outline import Outline, Section
from ..structure import id_numbers, label_value
from . import cells as cell_text
from .cells import CellLine
from .content import content, platforms
from .found import Found
from .table_shape import (
    HEX_CODE,
    STRICT_CODE,
    Roles,
    Row,
    Table,
    code_words,
    has_evidence,
    read_table,
    table_roles,
    width,
)

_CONTAINERS = ("bullet_list", "ordered_list", "blockquote")
HEADING_LIKE_DETAILS = 0.75  # a heading this similar to the start of the first row's details names its error
NAMING_HEADING_WIDTH = 24


@dataclass
class _RowError:
    """What one row says about its error, before it is placed in an Error."""

    row: Row
    title: str
    messages: list[str]
    codes: list[str]
    numeric: list[int]
    details: list[CellLine | None]
    causes: list[Cause] = field(default_factory=list)


def _codes(text: str) -> list[str]:
    found: list[str] = []
    for match in (*STRICT_CODE.finditer(text), *HEX_CODE.finditer(text)):
        if match.group(0) not in found:
            found.append(match.group(0))
    return found


def _label_only(line: CellLine) -> bool:
    """A details line that only names what follows ("**Error**", "Error code:")."""
    text = cell_text.plain(line.text)
    bold = line.text.strip().startswith("**") and line.text.strip().rstrip(":：").endswith("**")
    return bool(text) and (bold or (text.endswith((":", "：")) and len(text.split()) <= 3))


@dataclass(frozen=True)
class _Details:
    codes: list[str]  # from "label: Code" lines
    messages: list[str]
    title: str


def _details(lines: list[CellLine | None]) -> _Details:
    """Codes, messages and title of a details cell: "**label**: value" lines give their value,
    "label: Code" lines their codes; each listed message is one message, else the text is one."""
    codes: list[str] = []
    parts: list[tuple[CellLine, str]] = []
    for line in lines:
        if line is None:
            continue
        text = cell_text.plain(" ".join((line.text, *line.more)))
        labelled = label_value(cell_text.plain(line.text))
        if labelled is not None and labelled[2]:
            codes.extend(code for code in labelled[2] if code not in codes)
            continue
        if labelled is not None and line.text.lstrip().startswith("**"):
            text = labelled[1]
        elif _label_only(line):
            continue
        if text:
            parts.append((line, text))
    listed = [text for line, text in parts if line.kind != "text"]
    messages = listed if len(listed) >= 2 else ([" ".join(text for _, text in parts)] if parts else [])
    title = next((text.rstrip(":：").strip() for _, text in parts), "")
    return _Details(codes, messages, title)


def _cause(cause_id: str, title: str, lines: list[CellLine | None], row: Row) -> Cause:
    """A cause on the row's line, its solution read from cell lines."""
    return Cause(
        id=cause_id,
        title=title,
        line=row.line,
        heading_level=0,
        platforms=platforms(cause_id, title),
        blocks=cell_text.blocks_of(lines, row.line),
        commands=cell_text.commands_of(lines, row.line),
        links=cell_text.links_of(lines, row.line),
        markdown=cell_text.markdown_of(lines),
        end_line=row.line,
    )


def _row_causes(found: Found, error_id: str, table: Table, roles: Roles, row: Row) -> list[Cause]:
    """The solution as one cause, or one cause per cause listed in the causes column."""
    def cell(column: int | None):
        return row.cells[column] if column is not None and column < len(row.cells) else None

    solution = cell(roles.solution)
    solution_lines = cell_text.cell_lines(solution.raw) if solution is not None else []
    listed = cell_text.items(cell_text.cell_lines(cell(roles.causes).raw)) if cell(roles.causes) is not None else []
    if not listed:
        if not solution_lines:
            return []
        header = table.header[roles.solution].raw if roles.solution < len(table.header) else ""
        title = cell_text.plain(header) or error_id
        return [_cause(found.unique_id(f"{error_id}-solution"), title, solution_lines, row)]
    actions = cell_text.items(solution_lines)
    paired = len(actions) == len(listed) and len(listed) > 1
    causes: list[Cause] = []
    for position, item in enumerate(listed, start=1):
        title = cell_text.plain(item[0].text) or f"{position}"
        described: list[CellLine | None] = list(item[1:])
        if described:
            described.append(None)
        described.extend(actions[position - 1] if paired else solution_lines)
        cause_id = found.unique_id(f"{error_id}-cause-{position}")
        causes.append(_cause(cause_id, title, described, row))
    return causes


def _read_row(table: Table, roles: Roles, row: Row) -> _RowError | None:
    details = row.cells[roles.details] if roles.details < len(row.cells) else None
    lines = cell_text.cell_lines(details.raw) if details is not None else []
    if not lines:
        return None
    codes: list[str] = []
    if roles.key_codes and roles.key is not None and roles.key < len(row.cells):
        codes.extend(code_words(row.cells[roles.key].raw))
    read = _details(lines)
    codes.extend(code for code in read.codes if code not in codes)
    codes.extend(code for code in _codes(details.raw) if code not in codes)
    return _RowError(row, read.title, read.messages, codes, id_numbers(details.raw), lines)


def _row_refs(causes: list[Cause]) -> list[CauseRef]:
    return [CauseRef(None, cause.id, cause.title, cause.line, cause.id, linked=False) for cause in causes]


def _row_error(found: Found, section: Section, position: int, table: Table, roles: Roles, read: _RowError) -> Error:
    own_code = next((code for code in read.codes if not code.isdigit()), "")
    error_id = found.unique_id(own_code.lower(), f"{section.heading.id}-row-{position}")
    read.causes = _row_causes(found, error_id, table, roles, read.row)
    return Error(
        id=error_id,
        title=read.title,
        line=read.row.line,
        heading_level=0,
        codes=[code for code in read.codes if not code.isdigit()],
        messages=read.messages,
        cause_refs=_row_refs(read.causes),
        blocks=cell_text.blocks_of(read.details, read.row.line),
        markdown=cell_text.markdown_of(read.details),
        end_line=read.row.line,
        numeric_codes=[int(code) for code in read.codes if code.isdigit()] + read.numeric,
        layout="error-table",
        links=cell_text.links_of(read.details, read.row.line),
    )


def _names_the_row(section: Section, table: Table, roles: Roles) -> bool:
    """The heading repeats the start of the first row's error details: it names that error (an
    operation heading such as "Backup" is too short to say so)."""
    first = table.rows[0].cells
    if roles.details >= len(first):
        return False
    heading = " ".join(section.heading.text.casefold().split())
    lines = [line for line in cell_text.cell_lines(first[roles.details].raw) if line is not None]
    if width(heading) < NAMING_HEADING_WIDTH or not lines:
        return False
    details = next((cell_text.plain(line.text) for line in lines if not _label_only(line)), "").casefold()
    return difflib.SequenceMatcher(None, heading, details[: len(heading)]).ratio() >= HEADING_LIKE_DETAILS


def _section_error(found: Found, position: int, table: Table, roles: Roles, problems: list[Problem]) -> None:
    """The section is the error: its own lines and the table's rows give its details and causes."""
    outline = found.outline
    section = outline.sections[position]
    heading = section.heading
    own_evidence = bool(section.codes or section.messages or section.id_messages)
    rows_are_causes = (
        own_evidence and roles.causes is None
        and not any(has_evidence(row.cells[roles.details].raw) for row in table.rows if roles.details < len(row.cells))
    )
    error_id = heading.id
    codes = list(section.codes) + [code for code in _codes(heading.text) if code not in section.codes]
    messages = list(section.messages) + [m for m in section.id_messages if m not in section.messages]
    numeric = list(section.numeric) + [n for n in section.id_numbers if n not in section.numeric]
    causes: list[Cause] = []
    for index, row in enumerate(table.rows, start=1):
        read = _read_row(table, roles, row)
        if read is None:
            problems.append(_empty_row(row, table))
            continue
        if rows_are_causes:
            first, *described = [line for line in read.details if line is not None]
            lines: list[CellLine | None] = [*described, None] if described else []
            solution = row.cells[roles.solution] if roles.solution < len(row.cells) else None
            if solution is not None:
                lines.extend(cell_text.cell_lines(solution.raw))
            cause_id = found.unique_id(f"{error_id}-cause-{index}")
            title = cell_text.plain(first.text) or read.title
            causes.append(_cause(cause_id, title, lines, row))
            continue
        codes.extend(code for code in read.codes if not code.isdigit() and code not in codes)
        messages.extend(m for m in read.messages if m not in messages)
        numeric.extend(n for n in [*(int(c) for c in read.codes if c.isdigit()), *read.numeric] if n not in numeric)
        causes.extend(_row_causes(found, f"{error_id}-row-{index}" if len(table.rows) > 1 else error_id,
                                  table, roles, row))
    table_chunk = outline.chunk_of_token(table.token)
    if outline.chunks[table_chunk].kind == "table":
        outline.ref_only.add(table_chunk)  # the table is read into causes, not shown as the intro
    blocks, _, links, end_line = content(outline, section.chunk + 1, section.own_end)
    end_line = max(end_line, heading.line)
    error = Error(
        id=error_id,
        title=heading.text,
        line=heading.line,
        heading_level=heading.level,
        codes=codes,
        messages=messages,
        cause_refs=_row_refs(causes),
        blocks=blocks,
        markdown=outline.doc.source(heading.line + 1, end_line),
        end_line=end_line,
        numeric_codes=numeric,
        layout="section-table",
        links=links,
    )
    found.add_error(error, position)
    for cause in causes:
        found.add_cause(cause)


def _empty_row(row: Row, table: Table) -> Problem:
    return Problem(row.line, f"a row of the error table at line {table.line} has no error details in its "
                   "details column: it is not read as an error", kind="table")


def _table_starts(outline: Outline) -> list[tuple[int, int]]:
    """(table_open token, section) of every table inside a section, top-level or nested in a list."""
    found: list[tuple[int, int]] = []
    tokens = outline.doc.tokens
    for index, chunk in enumerate(outline.chunks):
        position = outline.owner[index]
        if position is None:
            continue
        if chunk.kind == "table":
            found.append((chunk.start, position))
        elif chunk.kind in _CONTAINERS:
            found.extend((token, position) for token in range(chunk.start, chunk.end)
                         if tokens[token].type == "table_open")
    return found


def _tables_by_section(found: Found) -> dict[int, list[tuple[Table, Roles]]]:
    """Every error table outside the sections already read, by the section it stands in."""
    outline = found.outline
    doc = outline.doc
    read: list[tuple[int, Table, Roles | None]] = []
    for start, position in _table_starts(outline):
        if found.claimed(position):
            continue
        table = read_table(doc, start)
        section = outline.sections[position]
        around = bool(section.codes or section.messages or section.id_messages)
        read.append((position, table, table_roles(table, evidence_around=around)))
    # a table with the same header as an error table of the article is one too, however short its rows
    known = {table.header_key(): roles for _, table, roles in read if roles is not None}
    grouped: dict[int, list[tuple[Table, Roles]]] = {}
    for position, table, roles in read:
        roles = roles or known.get(table.header_key())
        if roles is not None and table.rows:
            grouped.setdefault(position, []).append((table, roles))
    return grouped


def _read_as_sections(found: Found, by_section: dict[int, list[tuple[Table, Roles]]]) -> set[int]:
    """Sections whose one table describes the section's own error rather than listing errors.

    The section says so with error lines of its own, or a heading that repeats the row's error; a
    table of one row does too, unless tables with its header list several errors elsewhere in the
    article (operation headings with one error each, e.g. a "Policy" table of one row).
    """
    sections = found.outline.sections
    chosen: set[int] = set()
    pending: list[tuple[int, Table]] = []
    listing: set[tuple[str, ...]] = set()
    for position, tables in by_section.items():
        section = sections[position]
        if len(tables) != 1:
            listing.update(table.header_key() for table, _ in tables if len(table.rows) > 1)
            continue
        table, roles = tables[0]
        if section.codes or section.messages or section.id_messages or _names_the_row(section, table, roles):
            chosen.add(position)
        elif len(table.rows) == 1:
            pending.append((position, table))
        else:
            listing.add(table.header_key())
    chosen.update(position for position, table in pending if table.header_key() not in listing)
    return chosen


def _top_section(sections: list[Section], position: int) -> int:
    """The outermost section under the article title that holds this one (an operation heading
    such as "Backup" or "Restore"): row ids count from it, so a sub-heading one translation adds
    above a table does not change them."""
    while True:
        parent = sections[position].parent
        if parent is None or sections[parent].heading.level < 2:
            return position
        position = parent


def recognise_tables(found: Found, problems: list[Problem]) -> None:
    outline = found.outline
    by_section = _tables_by_section(found)
    as_sections = _read_as_sections(found, by_section)
    rows_under: dict[int, int] = {}
    for position, tables in sorted(by_section.items()):
        if position in as_sections:
            _section_error(found, position, *tables[0], problems)
            continue
        top = _top_section(outline.sections, position)
        for table, roles in tables:
            for row in table.rows:
                rows_under[top] = rows_under.get(top, 0) + 1
                read = _read_row(table, roles, row)
                if read is None:
                    problems.append(_empty_row(row, table))
                    continue
                error = _row_error(found, outline.sections[top], rows_under[top], table, roles, read)
                found.add_error(error)
                for cause in read.causes:
                    found.add_cause(cause)
