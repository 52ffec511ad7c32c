"""Which tables list errors, and what each column holds — read from the cells, never from the
header words: a column of long sentences (the error details), optionally led by a column of
operation names, ordinals or error codes, followed by a solution column and, between them, an
optional column of causes. Error codes, "(ID: n)" ids and bold "label:" lines in the details
count as evidence, so shorter details still qualify."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..blocks import TokenDoc
from ..structure import id_numbers

DETAILS_WIDTH = 70  # mean visible width of a column of error details (wide characters count twice)
DETAILS_WIDTH_WITH_EVIDENCE = 20
DETAILS_WORDS = 3  # error details are sentences, not names or values
KEY_WIDTH = 40  # a one-row table's leading column narrower than this is a label (an operation)
MIN_COLUMNS, MAX_COLUMNS = 2, 4

_CODE_SPAN = re.compile(r"`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_TAG = re.compile(r"<[^>]*>")
_MARKUP = re.compile(r"[*_#>|\[\]]")
_WIDE = re.compile("[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
_ORDINAL = re.compile(r"^\s*\d{1,3}\s*[.)]?\s*$")
# error code names: three or more capitalised parts ("UserErrorGuestAgentStatusUnavailable"), not
# product names such as "PowerShell"; hex codes ("0x80070570", "[0x1FC07]"); numbers of 3+ digits
STRICT_CODE = re.compile(r"(?<![\w.#%-])(?:[A-Z][a-z0-9]+){2,}(?:[A-Z][A-Za-z0-9]*)+(?![\w-]|\.\w)")
HEX_CODE = re.compile(r"(?<![\w])0x[0-9A-Fa-f]{4,8}(?![\w])")
# one code in a cell of its own: "UserErrorX", "Pre-ScriptExecutionFailed", "0x80070570", "380008"
_CODE_WORD = re.compile(r"^(?:[A-Z][\w-]*[a-z][\w-]*[A-Z][\w-]*|0x[0-9A-Fa-f]{4,8}|\d{3,9})$")
_CODE_SEPARATORS = re.compile(r"[\s,/;`]+")
_BOLD_LABEL = re.compile(r"^\s*\*\*[^*]{1,40}?(?:\*\*\s*[:：]|[:：]\s*\*\*)")


@dataclass(frozen=True)
class Cell:
    inline: int  # token index of the cell's inline
    raw: str  # the cell's source, pipes unescaped


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    token: int  # index of its table_open token
    line: int
    header: tuple[Cell, ...]
    rows: tuple[Row, ...]

    def header_key(self) -> tuple[str, ...]:
        return tuple(" ".join(cell.raw.casefold().split()) for cell in self.header)


@dataclass(frozen=True)
class Roles:
    details: int
    solution: int
    causes: int | None = None
    key: int | None = None  # a leading column of operations, ordinals or error codes
    key_codes: bool = False  # the leading column holds error codes


def read_table(doc: TokenDoc, start: int) -> Table:
    tokens = doc.tokens
    header: list[Cell] = []
    rows: list[Row] = []
    cells: list[Cell] = []
    line = 0
    in_head = False
    index = start + 1
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            cells = []
            line = token.map[0] + 1 if token.map else line
        elif token.type == "inline":
            cells.append(Cell(index, token.content))
        elif token.type == "tr_close":
            if in_head:
                header = cells
            else:
                rows.append(Row(line, tuple(cells)))
        index += 1
    table_line = tokens[start].map[0] + 1 if tokens[start].map else 0
    return Table(start, table_line, tuple(header), tuple(rows))


def _visible(raw: str) -> str:
    return " ".join(_MARKUP.sub("", _TAG.sub(" ", _LINK_TARGET.sub("]", _CODE_SPAN.sub(" ", raw)))).split())


def width(raw: str) -> int:
    """Visible width of a cell's prose: code, link targets, tags and markup left out."""
    text = _visible(raw)
    return len(text) + (0 if text.isascii() else len(_WIDE.findall(text)))


def words(raw: str) -> int:
    """Words of a cell's prose; in scripts written without spaces, two wide characters make one."""
    text = _visible(raw)
    return max(len(text.split()), 0 if text.isascii() else len(_WIDE.findall(text)) // 2)


def has_evidence(raw: str) -> bool:
    """The cell reads as error details: a code name, a hex code, an "(ID: n)" or a bold label."""
    return bool(STRICT_CODE.search(raw) or HEX_CODE.search(raw) or id_numbers(raw) or _BOLD_LABEL.match(raw))


def _column(table: Table, column: int) -> list[str]:
    return [row.cells[column].raw if column < len(row.cells) else "" for row in table.rows]


def _mean_width(cells: list[str]) -> float:
    return sum(width(cell) for cell in cells) / len(cells) if cells else 0.0


def _is_code_cell(cell: str) -> bool:
    words = [word for word in _CODE_SEPARATORS.split(cell) if word]
    return bool(words) and all(_CODE_WORD.match(word) for word in words)


def code_words(cell: str) -> list[str]:
    """The codes of a cell that holds nothing but codes ("0x80070002, 0x80070003"), else none."""
    return [word for word in _CODE_SEPARATORS.split(cell) if word] if _is_code_cell(cell) else []


def _key_column(cells: list[str]) -> tuple[bool, bool]:
    """(is a leading key column, holds error codes)."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    if not filled:
        return False, False
    if all(_is_code_cell(cell) for cell in filled):
        return True, True
    if all(_ORDINAL.match(cell) for cell in filled):
        return True, False
    if len(cells) >= 2 and len(set(filled)) < len(filled):
        return True, False
    return len(cells) == 1 and _mean_width(cells) < KEY_WIDTH, False


def table_roles(table: Table, evidence_around: bool = False) -> Roles | None:
    """The columns of an error table, or None when the table does not list errors.

    `evidence_around`: the table's section has error lines of its own, so shorter cells qualify.
    """
    columns = len(table.header)
    if not (MIN_COLUMNS <= columns <= MAX_COLUMNS) or not table.rows:
        return None
    key, key_codes = _key_column(_column(table, 0)) if columns >= 3 else (False, False)
    details = 1 if key else 0
    rest = columns - details - 1
    if rest not in (1, 2):
        return None
    cells = [cell for cell in _column(table, details) if cell.strip()]  # an empty row is reported, not weighed
    if not cells:
        return None
    mean = _mean_width(cells)
    if sum(words(cell) for cell in cells) < DETAILS_WORDS * len(cells):
        return None
    evidence = evidence_around or key_codes or any(has_evidence(cell) for cell in cells)
    if mean < DETAILS_WIDTH and not (evidence and mean >= DETAILS_WIDTH_WITH_EVIDENCE):
        return None
    return Roles(details, columns - 1, details + 1 if rest == 2 else None, 0 if key else None, key_codes)
