"""Reading a file someone else may have put there: only a regular file, never waiting,
never more than a bound.

A declaration, the configuration, a template, a form to import or a state file of the
build folder may be a named pipe (FIFO: reading it waits for a writer that never
comes), a device (`/dev/zero` never ends; opening a tape or a terminal does things), a
socket or a folder, or a link to one of them. Every such read goes through
`read_file`, which refuses them with an OSError that says what the path is, and reads
at most `limit` bytes: the size is checked before reading and again while reading (a
file may grow in between).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .domain import MAX_FILE_BYTES as MAX_FILE_BYTES  # also files.MAX_FILE_BYTES
from .i18n import _
from .locks import BINARY, CLOEXEC, NOFOLLOW, NONBLOCK


class NotAFile(OSError):
    """The path is something other than a regular file (a FIFO, a device, a socket, a
    folder); `strerror` says which, for a person."""


class TooBig(OSError):
    """The file holds more than the bound: `size` bytes (at least)."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, _("the file is larger than {limit} MB").format(
            limit=limit // 1024 // 1024), str(path))
        self.size = size
        self.limit = limit


def what_is(mode: int) -> str:
    """What a file of this mode is, for a message: `a named pipe (FIFO)`, `a device`…"""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISLNK(mode):
        return _("a symbolic link")
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a special file")


def _refuse(path: Path, mode: int) -> NotAFile:
    code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
    return NotAFile(code, _("{what}, not a regular file; not read").format(
        what=what_is(mode)), str(path))


def read_file(path: Path, *, limit: int = MAX_FILE_BYTES, follow_links: bool = True,
              head: bool = False) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them.

    Raises NotAFile for anything but a regular file (found before opening it, so that a
    device is never opened, and confirmed on the open file, so that a swap in between
    is caught), TooBig above `limit` (with `head`, its first `limit` bytes instead),
    and OSError when it cannot be read. With `follow_links=False` a symbolic link is
    refused too (ELOOP), as the build folder's own files are read.
    """
    try:
        info = os.stat(path, follow_symlinks=follow_links)
    except ValueError:  # a NUL in the name
        raise OSError(errno.EINVAL, _("not a valid file name"), str(path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, info.st_mode)
    flags = os.O_RDONLY | NONBLOCK | CLOEXEC | BINARY | (0 if follow_links else NOFOLLOW)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(path, info.st_mode)
        if info.st_size > limit and not head:
            raise TooBig(path, info.st_size, limit)
        chunks: list[bytes] = []
        read = 0
        while read <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - read))
            if not chunk:
                break
            chunks.append(chunk)
            read += len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            if not head:
                raise TooBig(path, len(data), limit)
            data = data[:limit]
        return data
    finally:
        os.close(fd)


def reason(exc: OSError) -> str:
    """Why a file or folder could not be read, in a few words for a message."""
    if isinstance(exc, NotAFile | TooBig):
        return str(exc.strerror)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("permission denied")
    if exc.errno == errno.ELOOP:
        return _("a symbolic link")
    return str(exc.strerror or exc)


def missing(path: Path) -> bool:
    """Whether nothing at all is at `path`, for "path not found". A link to nothing, or a
    path through a folder that cannot be searched, is something: reading it says why
    it cannot be read."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except (OSError, ValueError):
        return False
    return False
