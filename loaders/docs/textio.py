"""Bytes to text: BOM removal, UTF-8 with a located problem instead of an exception, line endings."""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Problem

UTF8_BOM = b"\xef\xbb\xbf"
MAX_ENCODING_PROBLEMS = 5


@dataclass
class DecodedText:
    text: str  # BOM removed, line endings as in the file
    line_endings: str  # lf / crlf / mixed / cr / none
    problems: list[Problem] = field(default_factory=list)


def line_endings_of(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, count in (("crlf", crlf), ("lf", lf), ("cr", cr)) if count]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def _bad_utf8_lines(data: bytes) -> list[tuple[int, int]]:
    """(line, byte value) of the first undecodable byte on each bad line."""
    found: list[tuple[int, int]] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            found.append((number, raw[exc.start]))
            if len(found) > MAX_ENCODING_PROBLEMS:
                break
    return found


def _nul_problem(text: str) -> list[Problem]:
    """NUL never occurs in a text article (UTF-16 is decoded before this): a binary file."""
    position = text.find("\x00")
    if position < 0:
        return []
    line = text.count("\n", 0, position) + 1
    count = text.count("\x00")
    return [Problem(line, f"{count} NUL byte(s), first on this line: this looks like a binary file, not Markdown text",
                    kind="encoding")]


def decode(data: bytes | str) -> DecodedText:
    problems: list[Problem] = []
    if isinstance(data, str):
        text = data[1:] if data.startswith("\ufeff") else data
        return DecodedText(text, line_endings_of(text), _nul_problem(text))
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
            problems.append(Problem(1, "file is UTF-16, not UTF-8; decoded as UTF-16", kind="encoding"))
            text = text.lstrip("\ufeff")
            return DecodedText(text, line_endings_of(text), problems)
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = _bad_utf8_lines(data)
        for line, byte in bad[:MAX_ENCODING_PROBLEMS]:
            problems.append(
                Problem(
                    line,
                    f"invalid UTF-8 byte 0x{byte:02x}; decoded with replacement characters (U+FFFD)",
                    kind="encoding",
                )
            )
        if len(bad) > MAX_ENCODING_PROBLEMS:
            problems.append(Problem(bad[-1][0], "more lines with invalid UTF-8 bytes follow", kind="encoding"))
    problems.extend(_nul_problem(text))
    return DecodedText(text, line_endings_of(text), problems)
