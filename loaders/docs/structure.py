"""Language-independent shapes: cause references, numbered headings, error code / message lines."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .inline import FlatInline

# one to three words in any script (letters only), e.g. "Cause", "Causa", "原因", "1 oorzaak"
_WORDS = r"[^\W\d_][^\W\d_'’.\-]*(?:[ \u00a0\-][^\W\d_][^\W\d_'’.\-]*){0,2}"
# ASCII colon, full-width colon, presentation-form colon (zh-tw), ratio sign, "1." and "1)"
_COLON = r"[:：︰∶.)]"
_REF_PREFIX = re.compile(
    rf"^\s*(?:{_WORDS}\s*)?(?P<number>\d{{1,3}})(?:\s*{_WORDS})?\s*{_COLON}?\s*$"
)
_NUMBERED_HEADING = re.compile(
    rf"^\s*(?:{_WORDS}[ \u00a0]*)?(?P<number>\d{{1,3}})(?:[ \u00a0]*{_WORDS})?(?:\s*{_COLON}\s*|\s+)(?P<title>\S.*)$",
    re.DOTALL,
)
# "Error code: X", "**错误代码**：X", "Error code: "A"/ "B"", "Error code: 380008, AzureVmOffline"
_LABEL_LINE = re.compile(r"^\s*(?P<label>[^\W\d_][^:：︰\n\[\]()]{0,48}?)\s*[:：︰∶]\s*(?P<value>.*?)\s*$")
_CODE_TOKEN = re.compile(r"^(?:[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*|\d{3,9})$")
_VALUE_SEPARATORS = re.compile(r"\s*(?:/|,|;|\|)\s*|\s+")
_QUOTES = "\"'`“”„«»「」『』"


@dataclass(frozen=True)
class RefMatch:
    number: int | None
    target: str
    title: str
    line_offset: int


@dataclass(frozen=True)
class LabelLines:
    codes: list[str]
    numeric: list[int]
    messages: list[str]


def cause_refs(flat: FlatInline) -> list[RefMatch]:
    """In-page links introduced by "<word> N:" at the start of their line."""
    found: list[RefMatch] = []
    text = flat.text
    for link in flat.links:
        if not link.href.startswith("#") or len(link.href) < 2:
            continue
        line_start = text.rfind("\n", 0, link.start) + 1
        match = _REF_PREFIX.match(text[line_start : link.start])
        if match is None:
            continue
        found.append(RefMatch(int(match.group("number")), link.href[1:], link.text.strip(), link.line_offset))
    return found


def is_cause_ref_line(flat: FlatInline) -> bool:
    """A heading that is a whole "Cause N: [title](#anchor)" entry, not a section of its own."""
    refs = cause_refs(flat)
    if len(refs) != 1:
        return False
    link = next(link for link in flat.links if link.href.startswith("#"))
    return not flat.text[link.end :].strip(" \t.:;")


def numbered_heading(text: str) -> tuple[int, str] | None:
    match = _NUMBERED_HEADING.match(text)
    if match is None:
        return None
    return int(match.group("number")), match.group("title").strip()


def _code_values(value: str) -> list[str] | None:
    """The code tokens of a label value, or None when the value is prose (a message)."""
    cleaned = value.strip().strip(_QUOTES).strip()
    if not cleaned:
        return None
    parts = [part.strip(_QUOTES) for part in _VALUE_SEPARATORS.split(cleaned)]
    parts = [part for part in parts if part]
    if parts and all(_CODE_TOKEN.match(part) for part in parts) and any(not part.isdigit() for part in parts):
        return parts
    return None


def label_lines(flat: FlatInline) -> LabelLines | None:
    """Error code / error message lines of one paragraph; None when it has no code line.

    A code line is a short label, a colon and one or more CamelCase code tokens (numeric codes
    may ride along); the other `label: text` lines of the same paragraph are its messages.
    """
    if not flat.text or not any(colon in flat.text for colon in ":：︰∶"):
        return None
    codes: list[str] = []
    numeric: list[int] = []
    messages: list[str] = []
    for line in flat.text.split("\n"):
        match = _LABEL_LINE.match(line)
        if match is None:
            continue
        values = _code_values(match.group("value"))
        if values is not None:
            for value in values:
                if value.isdigit():
                    numeric.append(int(value))
                elif value not in codes:
                    codes.append(value)
        else:
            message = match.group("value").strip().strip(_QUOTES).strip()
            if message:
                messages.append(message)
    if not codes:
        return None
    return LabelLines(codes, numeric, messages)
