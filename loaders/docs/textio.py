"""Bytes to text: BOM removal, UTF-8 with a located problem instead of an exception, line endings."""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from typing import BinaryIO

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


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _open_regular(path: str | os.PathLike[str], allow_pipe: bool = False) -> int:
    """A descriptor of the regular file at `path`; OSError for anything else.

    Opened non-blocking and checked after opening: a named pipe, a device or a folder that
    happens to be called `*.md` is refused instead of blocking the run or reading forever.
    With `allow_pipe`, a pipe named on purpose (`<(command)`) is read: once opened, reading it
    waits for its writer, or ends at once when it has none.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
    except OSError:
        os.close(descriptor)
        raise
    if allow_pipe and stat.S_ISFIFO(mode):
        os.set_blocking(descriptor, True)
        return descriptor
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = _kind_of(mode)
        code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
        raise OSError(code, f"{kind}, not a regular file", os.fspath(path))
    return descriptor


def open_regular_file(path: str | os.PathLike[str], allow_pipe: bool = False) -> BinaryIO:
    """The regular file (or, with `allow_pipe`, pipe) at `path` opened for binary reading;
    OSError for anything else."""
    return os.fdopen(_open_regular(path, allow_pipe), "rb")


def read_file_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file; OSError (see `describe_os_error`) for anything else."""
    with os.fdopen(_open_regular(path), "rb") as handle:
        return handle.read()


def why_unreadable(path: str | os.PathLike[str]) -> str | None:
    """None when `path` is a regular file this process can open, else the reason in a few words."""
    try:
        os.close(_open_regular(path))
    except OSError as exc:
        return describe_os_error(exc, path)
    return None


def describe_os_error(exc: OSError, path: str | os.PathLike[str]) -> str:
    """A short reason for a failed read, telling a broken or looping symlink from a missing file."""
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"broken symbolic link (its target {os.readlink(path)} does not exist)"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (the link leads back to itself)"
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:] if reason else "cannot be read"
