"""Recover the intact records of a JSON document that does not parse as a whole.

A truncated download or a hand-edited export usually breaks one spot of the file. Rather than
lose everything, the scanner walks the text for the start of each candidate record (`{` for job
objects, `[` for Log Analytics row arrays), decodes what decodes, keeps what looks like a record
and reports every stretch of text between records that is more than envelope punctuation as
damage with its line number.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loaders.jobs.importers.decoding import LineIndex

_DECODER = json.JSONDecoder()

# Keys and scalar values of the envelopes around records (REST pages, query API tables,
# Resource Graph responses); text made only of these and punctuation is not damage.
_ENVELOPE = re.compile(
    r'"(?:value|nextLink|odata\.nextLink|@odata\.nextLink|tables|columns|rows|name|type|totalRecords|count|'
    r'resultTruncated|\$skipToken|skipToken|data|facets)"\s*:\s*'
    r'(?:"(?:[^"\\]|\\.)*"|null|true|false|-?\d+(?:\.\d+)?)?'
)
_PUNCTUATION = re.compile(r"[\s\[\]{},:]+")


@dataclass(frozen=True)
class Salvaged:
    value: Any
    line: int  # where the record starts
    end_line: int  # where it ends


@dataclass(frozen=True)
class Damage:
    line: int
    message: str
    raw: str


def _is_noise(gap: str) -> bool:
    return not _PUNCTUATION.sub("", _ENVELOPE.sub("", gap))


def salvage(text: str, opener: str, is_record: Callable[[Any], bool],
            is_container: Callable[[Any], bool] | None = None,
            error: json.JSONDecodeError | None = None) -> tuple[list[Salvaged], list[Damage]]:
    """Records found in a JSON text (broken or not), each with its lines, and the damaged
    stretches between them.

    `opener` is the first character of a record. A decoded value for which `is_container` holds
    (a REST page, the rows array of a query result) is entered rather than taken whole, so every
    record keeps its own line numbers. `error` is the decoder's complaint about the whole text,
    reported when the damage is not visible between records (a file cut right after a record).
    """
    lines = LineIndex(text)
    records: list[Salvaged] = []
    damages: list[Damage] = []
    covered_to = 0
    position = 0

    def note_gap(start: int, end: int) -> None:
        gap = text[start:end]
        if _is_noise(gap):
            return
        # Point at the damaged text itself, not at the comma that ended the previous record.
        body = gap.lstrip(" \t\r\n,")
        stripped_start = start + (len(gap) - len(body))
        damages.append(Damage(
            line=lines.line_of(stripped_start),
            message="damaged or incomplete JSON; this part could not be read",
            raw=body.strip(),
        ))

    while True:
        start = text.find(opener, position)
        if start < 0:
            break
        try:
            value, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError:
            position = start + 1
            continue
        if is_record(value):
            note_gap(covered_to, start)
            records.append(Salvaged(value, lines.line_of(start), lines.line_of(end - 1)))
            covered_to = position = end
        elif is_container is not None and is_container(value):
            position = start + 1
        else:
            if _is_noise(text[covered_to:start]):
                covered_to = end  # an envelope value, such as the column list of a query result
            # else: a nested value of a damaged record; the damage is reported with its parent
            position = end
    note_gap(covered_to, len(text))
    if not damages and error is not None:
        damages.append(Damage(
            line=error.lineno,
            message=f"JSON ends early or is malformed ({error.msg}); records before this point were kept",
            raw=text[max(0, error.pos - 200):error.pos + 200].strip(),
        ))
    return records, damages


# ---------------------------------------------------------------------------------------------
# Depth

# A job record is a dozen levels deep at most (a list of pages, a page, a job, its properties,
# extendedInfo, tasksList...); Python's JSON decoder gives up near a thousand levels by exhausting
# the stack, which would cost the whole file.
MAX_DEPTH = 100

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|[\[\]{},]')
_PLAIN_KEY = re.compile(r"^[A-Za-z_@$][\w@$.-]*$")
_SHOWN_PATH_PARTS = 8  # of a too-deep value's path in messages


@dataclass(frozen=True)
class TooDeep:
    """A value nested deeper than MAX_DEPTH, cut out of the text before it was decoded."""

    path: str  # JSONPath of the value that crosses the limit ("$.value[3].properties.a.a.a…")
    parts: tuple[str, ...]  # the path's components after "$", each as written in `path`
    line: int  # 1-based line where it starts

    def shown_path(self) -> str:
        head = "".join(self.parts[:_SHOWN_PATH_PARTS])
        return "$" + head + ("…" if len(self.parts) > _SHOWN_PATH_PARTS else "")

    def within(self, record_path: str) -> bool:
        """Whether this value lies inside the record at `record_path` (such as "$.value[3]")."""
        return self.path == record_path or (
            self.path.startswith(record_path) and self.path[len(record_path)] in ".[")


@dataclass(frozen=True)
class Bounded:
    """A JSON text with every value nested deeper than the limit replaced by `null`, line breaks kept."""

    text: str
    too_deep: list[TooDeep]


def _path_part(key_or_index: str | int) -> str:
    if isinstance(key_or_index, int):
        return f"[{key_or_index}]"
    if _PLAIN_KEY.match(key_or_index):
        return f".{key_or_index}"
    return "[" + json.dumps(key_or_index[:60]) + "]"


def _object_key(quoted: str) -> str:
    """The key a JSON string token names; "?" when it does not decode."""
    try:
        return json.loads(quoted)
    except ValueError:
        return "?"


def _follow_token(stack: list[list[Any]], match: re.Match[str]) -> None:
    """The open containers after one token outside any value being cut: opened, closed, key or index moved on."""
    token = match.group(0)
    first = token[0]
    if first == '"':
        if match.group(1) and stack and stack[-1][0] == "{":
            stack[-1][1] = _object_key(token[:match.start(1) - match.start()])
    elif first in "[{":
        stack.append([first, 0 if first == "[" else None])
    elif first == ",":
        if stack and stack[-1][0] == "[":
            stack[-1][1] += 1
    elif stack:
        stack.pop()


def _replace_with_null(text: str, cuts: list[tuple[int, int]]) -> str:
    """`text` with each (start, end) span replaced by `null` plus the line breaks it held."""
    pieces, position = [], 0
    for start, end in cuts:
        pieces.append(text[position:start])
        pieces.append("null" + "\n" * text.count("\n", start, end))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def bound_depth(text: str, limit: int = MAX_DEPTH) -> Bounded:
    """`text` with each value that would open nesting level `limit + 1` replaced by `null`.

    One regular-expression pass over strings and brackets, so a value nested a hundred thousand
    levels deep costs a scan, never a structure in memory. Damaged text is fine: a value still open
    at the end of the text is cut to the end."""
    lines = LineIndex(text)
    # One entry per open container: [opener, index in an array / last key in an object].
    stack: list[list[Any]] = []
    cuts: list[tuple[int, int]] = []
    too_deep: list[TooDeep] = []
    cut_start = -1
    cut_depth = 0  # levels open inside the value being cut: a count, so its depth costs no memory
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        first = token[0]
        if cut_start >= 0:  # inside a value being cut: only its end matters
            if first in "[{":
                cut_depth += 1
            elif first in "]}":
                cut_depth -= 1
                if cut_depth == 0:
                    cuts.append((cut_start, match.end()))
                    cut_start = -1
            continue
        if first in "[{" and len(stack) == limit:
            parts = tuple(_path_part(entry[1]) for entry in stack if entry[1] is not None)
            too_deep.append(TooDeep("$" + "".join(parts), parts, lines.line_of(match.start())))
            cut_start, cut_depth = match.start(), 1
        else:
            _follow_token(stack, match)
    if cut_start >= 0:
        cuts.append((cut_start, len(text)))
    if not cuts:
        return Bounded(text, [])
    return Bounded(_replace_with_null(text, cuts), too_deep)


@dataclass(frozen=True)
class BoundedParse:
    """A JSON text decoded with its too-deep values cut out (see `bound_depth`)."""

    doc: Any  # None when the text does not parse as a whole
    error: json.JSONDecodeError | None
    text: str  # the text the doc (or the record-by-record reading) comes from
    too_deep: list[TooDeep]


def parse_bounded(text: str, limit: int = MAX_DEPTH) -> BoundedParse:
    """`json.loads(text)`, except that values nested deeper than `limit` come back as `null` and are
    listed in `too_deep`, rather than exhausting the stack and losing the whole text. A text that
    decodes as it is costs nothing more than the decoding."""
    try:
        return BoundedParse(json.loads(text), None, text, [])
    except json.JSONDecodeError as exc:
        error: json.JSONDecodeError | None = exc  # damaged; may hold a too-deep value as well
    except RecursionError:
        error = None
    bounded = bound_depth(text, limit)
    if not bounded.too_deep:
        return BoundedParse(None, error, text, [])
    try:
        return BoundedParse(json.loads(bounded.text), None, bounded.text, bounded.too_deep)
    except json.JSONDecodeError as exc:
        return BoundedParse(None, exc, bounded.text, bounded.too_deep)
