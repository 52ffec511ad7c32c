"""Bytes of an export file to text, keeping track of lines that were not valid UTF-8.

Exports are expected in UTF-8 (with or without BOM) or UTF-16 with a BOM (spreadsheet
"Unicode text"). A line with bytes that are not UTF-8 is decoded with replacement characters so
the rest of the file stays usable, and reported, so the records on it can be quarantined rather
than stored with silently altered text.
"""
from __future__ import annotations

import bisect
import codecs
from dataclasses import dataclass, field


@dataclass
class DecodedText:
    text: str
    encoding: str
    bad_lines: dict[int, str] = field(default_factory=dict)  # 1-based line -> description of the bad bytes

    def bad_lines_between(self, first: int, last: int) -> list[int]:
        return [n for n in self.bad_lines if first <= n <= last]


def decode_bytes(data: bytes) -> DecodedText:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            if encoding == "utf-16":
                return DecodedText(data.decode("utf-16", errors="replace"), "utf-16")
            data = data[len(bom):]
            break
    else:
        encoding = "utf-8"
    try:
        return DecodedText(data.decode("utf-8"), encoding)
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    out: list[str] = []
    bad: dict[int, str] = {}
    for number, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad_byte = line[exc.start:exc.start + 1].hex().upper()
            bad[number] = f"byte 0x{bad_byte} at column {exc.start + 1} is not valid UTF-8"
            out.append(line.decode("utf-8", errors="replace"))
    return DecodedText("\n".join(out), encoding, bad)


def raw_line_text(data: bytes, line: int) -> str:
    """The original bytes of one line, shown with escapes where they are not UTF-8."""
    lines = data.split(b"\n")
    if not 1 <= line <= len(lines):
        return ""
    return lines[line - 1].rstrip(b"\r").decode("utf-8", errors="backslashreplace")


class LineIndex:
    """Character offset -> 1-based line number."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        position = text.find("\n")
        while position >= 0:
            self._starts.append(position + 1)
            position = text.find("\n", position + 1)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)
