"""Bytes of an export file to text, keeping track of lines that were not valid UTF-8.

Exports are expected in UTF-8 (with or without BOM) or UTF-16 with a BOM (spreadsheet
"Unicode text"). A line with bytes that are not UTF-8 is decoded with replacement characters so
the rest of the file stays usable, and reported, so the records on it can be quarantined rather
than stored with silently altered text.
"""
from __future__ import annotations

import bisect
import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO


@dataclass
class DecodedExport:
    text: str
    encoding: str
    bad_lines: dict[int, str] = field(default_factory=dict)  # 1-based line -> description of the bad bytes
    _sorted_bad: list[int] | None = field(default=None, repr=False)

    def bad_lines_between(self, first: int, last: int) -> list[int]:
        if not self.bad_lines:
            return []
        if self._sorted_bad is None:
            self._sorted_bad = sorted(self.bad_lines)
        low = bisect.bisect_left(self._sorted_bad, first)
        high = bisect.bisect_right(self._sorted_bad, last)
        return self._sorted_bad[low:high]


@dataclass(frozen=True)
class Line:
    """One line of an export as the readers see it."""

    number: int  # 1-based
    text: str  # decoded, with its line break
    bad: str | None = None  # why its bytes are not valid UTF-8 (then `text` has replacement characters)
    raw: bytes | None = None  # the original bytes, kept for bad lines

    def original(self) -> str:
        """The line as it is in the file, escaped where it is not UTF-8, without its line break."""
        if self.raw is None:
            return self.text.rstrip("\r\n")
        return self.raw.rstrip(b"\r\n").decode("utf-8", errors="backslashreplace")


def _decode_line(number: int, raw: bytes) -> Line:
    try:
        return Line(number, raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        bad_byte = raw[exc.start:exc.start + 1].hex().upper()
        reason = f"byte 0x{bad_byte} at column {exc.start + 1} is not valid UTF-8"
        return Line(number, raw.decode("utf-8", errors="replace"), reason, raw)


def stream_lines(handle: BinaryIO) -> Iterator[Line]:
    """The lines of a UTF-8 file (BOM or not) read one at a time: big exports never sit in memory whole."""
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        yield _decode_line(number, raw)


def text_lines(decoded: DecodedExport, data: bytes) -> Iterator[Line]:
    """The lines of a file decoded as a whole, split on \\n only, as `decode_bytes` numbers them."""
    # original bytes only where lines are bytes lines: UTF-16 text is shown as decoded
    raw_lines = RawLines(data) if decoded.bad_lines and decoded.encoding != "utf-16" else None
    position, number, text = 0, 0, decoded.text
    while position < len(text):
        number += 1
        end = text.find("\n", position)
        end = len(text) if end < 0 else end + 1
        bad = decoded.bad_lines.get(number)
        raw = raw_lines.line(number) if bad and raw_lines is not None else None
        yield Line(number, text[position:end], bad, raw)
        position = end


class RawLines:
    """The original bytes of each line of a file, split once."""

    def __init__(self, data: bytes) -> None:
        self._lines = data.split(line_break(data))

    def line(self, number: int) -> bytes:
        return self._lines[number - 1] if 1 <= number <= len(self._lines) else b""

    def text(self, number: int) -> str:
        return self.line(number).rstrip(b"\r").decode("utf-8", errors="backslashreplace")


def line_break(data: bytes) -> bytes:
    """b"\\n", or b"\\r" for files with old Mac line ends (carriage returns only)."""
    return b"\r" if b"\n" not in data and b"\r" in data else b"\n"


def decode_bytes(data: bytes) -> DecodedExport:
    """The text of an export with its lines ending in \\n, and the lines that did not decode."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            if encoding == "utf-16":
                return _decode_utf16(data)
            data = data[len(bom):]
            break
    else:
        encoding = "utf-8"
    newline = line_break(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return DecodedExport(text.replace("\r", "\n") if newline == b"\r" else text, encoding)
    out: list[str] = []
    bad: dict[int, str] = {}
    for number, raw in enumerate(data.split(newline), start=1):
        line = _decode_line(number, raw)
        out.append(line.text)
        if line.bad:
            bad[number] = line.bad
    return DecodedExport("\n".join(out), encoding, bad)


def _decode_utf16(data: bytes) -> DecodedExport:
    """UTF-16 with a BOM; a file cut in the middle of a character (an odd number of bytes) or with
    unpaired surrogates gets its damaged lines marked, like bad UTF-8."""
    try:
        text = data.decode("utf-16")
        bad: dict[int, str] = {}
    except UnicodeDecodeError:
        text = data.decode("utf-16", errors="replace")
        bad = {number: "bytes that are not valid UTF-16"
               for number, line in enumerate(text.split("\n"), start=1) if "\ufffd" in line}
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    return DecodedExport(text, "utf-16", bad)


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
