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
