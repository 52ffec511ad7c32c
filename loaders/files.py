"""Opening files safely: regular files only (a pipe, device or folder named like a document is refused
instead of blocking or reading forever), and short reasons for the ones that cannot be read."""
from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO


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
