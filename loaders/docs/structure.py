"""Language-independent shapes: cause-list entries, numbered and labelled headings, error code /
message lines and the error details found in table cells."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .inline import FlatInline

# one to three words in any script (letters only), e.g. "Cause", "Causa", "原因", "1 oorzaak"
_WORDS = r"[^\W\d_][^\W\d_'’.\-]*(?:[ \u00a0\-][^\W\d_][^\W\d_'’.\-]*){0,2}"
# ASCII colon, full-width colon, presentation-form colon (zh-tw), ratio sign, "1." and "1)"
_COLON = r"[:：︰∶.)]"
_NUMBERED_HEADING = re.compile(
    rf"^\s*(?:{_WORDS}[ \u00a0]*)?(?P<number>\d{{1,3}})(?:(?:[ \u00a0]*{_WORDS})?\s*{_COLON}\s*|\s+)(?P<title>\S.*)$",
    re.DOTALL,
)
# A cause-list entry before its link: an optional ordinal ("1.", "2)"), an optional label of one to
# three words, an optional number after the label ("Cause 2", "原因4", "Neden 2"), an optional colon.
_ORDINAL = r"(?P<lead>\d{1,3})(?:\s*[.)．、]|\s+)?"
_ENTRY_PREFIX = re.compile(
    rf"^\s*(?:{_ORDINAL}\s*)?(?:(?P<label>{_WORDS})\s*)?(?P<number>\d{{1,3}})?(?:\s*(?P<tail>{_WORDS}))?\s*(?P<colon>{_COLON})?\s*$"
)
_TRUE_COLON = re.compile("[:：︰∶]")
_LINK_SUFFIX = re.compile(r"^[\s.:;,。：；，、!?！？*_]*$")
# "Cause: title", "Ursache: title", "原因：title" – a label, a real colon, a title
_LABELLED_HEADING = re.compile(rf"^\s*(?P<label>{_WORDS})\s*[:：︰∶]\s*(?P<title>\S.*)$", re.DOTALL)
_ANY_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?![\d.,])")
# "Error code: X", "**错误代码**：X", "Error code: "A"/ "B"", "Error code: 380008, AzureVmOffline"
_LABEL_LINE = re.compile(r"^\s*(?P<label>[^\W\d_][^:：︰\n\[\]()]{0,48}?)\s*[:：︰∶]\s*(?P<value>.*?)\s*$")
_CODE_TOKEN = re.compile(r"^(?:[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*|\d{3,9})$")
_VALUE_SEPARATORS = re.compile(r"\s*(?:/|,|;|\|)\s*|\s+")
_QUOTES = "\"'`“”„«»「」『』"
# "(ID: 34513)", "(ИД: 34513)", "（ID：34513）": a numeric error id with its short label
_ID_NUMBER = re.compile(r"[(（]\s*[^\W\d_]{1,12}\s*[:：#]\s*(\d{3,9})\s*[)）]")


EntryKind = Literal["numbered", "labelled", "bare"]


@dataclass(frozen=True)
class Entry:
    """One line of an article that is essentially one in-page link, as a cause-list entry may be."""

    number: int | None  # as written before or after the label, else the list marker's number
    target: str
    title: str
    line_offset: int
    kind: EntryKind  # numbered: a number is written; labelled: a label but no number; bare: the link alone
    label: str  # the label folded to lower case ("" when there is none)
    whole_line: bool  # nothing but punctuation follows the link on its line


@dataclass(frozen=True)
class LabelLines:
    codes: list[str]
    numeric: list[int]
    messages: list[str]


def cause_entries(flat: FlatInline, marker: int | None = None) -> list[Entry]:
    """The in-page links of an inline that stand at the start of their line behind at most a
    label and a number, in any order ("Cause 2:", "1. Neden:", "原因4：", "2)", or nothing).

    `marker` is the number of the ordered-list item the inline opens: it numbers the entry on the
    inline's first line when that entry carries a label but writes no number of its own.
    """
    found: list[Entry] = []
    text = flat.text
    for link in flat.links:
        if not link.href.startswith("#") or len(link.href) < 2:
            continue
        line_start = text.rfind("\n", 0, link.start) + 1
        match = _ENTRY_PREFIX.match(text[line_start : link.start])
        if match is None or (match.group("lead") and match.group("number")):
            continue
        written = match.group("lead") or match.group("number")
        label = " ".join(part for part in (match.group("label"), match.group("tail")) if part)
        line_end = text.find("\n", link.end)
        whole_line = bool(_LINK_SUFFIX.match(text[link.end : line_end if line_end >= 0 else len(text)]))
        listed = marker if line_start == 0 else None
        if written:
            number: int | None = int(written)
            kind: EntryKind = "numbered"
        elif label and not _TRUE_COLON.match(match.group("colon") or ""):
            continue  # "see [x](#x)": prose that links, not a labelled entry
        elif label and listed is not None and whole_line:
            number, kind = listed, "numbered"
        else:
            number, kind = listed, ("labelled" if label else "bare")
        found.append(Entry(number, link.href[1:], link.text.strip(), link.line_offset, kind, label.casefold(),
                           whole_line))
    return found


def is_cause_ref_line(flat: FlatInline) -> bool:
    """A heading that is a whole cause-list entry ("Cause N: [title](#anchor)", "1. Neden: [..](#..)",
    "Cause: [..](#..)"), not a section of its own. A heading that is only a link stays a section."""
    anchors = [link for link in flat.links if link.href.startswith("#")]
    if len(anchors) != 1:
        return False
    entries = cause_entries(flat)
    return len(entries) == 1 and entries[0].kind != "bare" and entries[0].whole_line and "\n" not in flat.text


def numbered_heading(text: str) -> tuple[int, str] | None:
    """(number, title) of "Cause 2: title", "原因 2：title", "2. title" or "1. Neden: title"."""
    match = _NUMBERED_HEADING.match(text)
    if match is None:
        return None
    title = match.group("title").strip()
    if not text.lstrip().startswith(match.group("number")):
        return int(match.group("number")), title
    # the ordinal came first: a label with a colon may still stand before the title ("1. Neden: x")
    labelled = _LABELLED_HEADING.match(title)
    if labelled is not None and not _ANY_NUMBER.search(labelled.group("label")):
        title = labelled.group("title").strip()
    return int(match.group("number")), title


def labelled_heading(text: str) -> tuple[str, str] | None:
    """(label folded to lower case, title) of "Cause: title", "Ursache: title", "原因：title";
    None when a number is written, as in "Cause 2: title" (that is a numbered heading)."""
    match = _LABELLED_HEADING.match(text)
    if match is None or _ANY_NUMBER.search(match.group("label")):
        return None
    return match.group("label").casefold(), match.group("title").strip()


def written_number(text: str, max_words: int = 5) -> int | None:
    """The one number of a short heading without a title of its own ("Solution for cause 2",
    "Lösung für Ursache 2", "原因 2 的解决方法"); None when it holds no number, several, or prose."""
    numbers = _ANY_NUMBER.findall(text)
    if len(numbers) != 1:
        return None
    words = [part for part in re.split(r"[\s:：.()\-–—]+", text) if part and not part.isdigit()]
    return int(numbers[0]) if len(words) <= max_words else None


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


def label_value(line: str) -> tuple[str, str, list[str] | None] | None:
    """(label, value, code tokens or None when the value is prose) of one "label: value" line."""
    match = _LABEL_LINE.match(line)
    if match is None:
        return None
    value = match.group("value").strip().strip(_QUOTES).strip()
    return match.group("label").strip(), value, _code_values(match.group("value"))


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


def id_numbers(text: str) -> list[int]:
    """The numeric error ids written as "(ID: 34513)" in a text."""
    return [int(number) for number in _ID_NUMBER.findall(text)]


def id_message(flat: FlatInline) -> tuple[str, list[int]] | None:
    """(message, ids) of a "label: message (ID: 34513)" line: error details without a code name."""
    for line in flat.text.split("\n"):
        match = _LABEL_LINE.match(line)
        if match is None:
            continue
        numbers = id_numbers(match.group("value"))
        if numbers:
            return match.group("value").strip().strip(_QUOTES).strip(), numbers
    return None
