"""Atomic writes: a file appears under its final name complete, or not at all."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

_PART = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.part")
"""The temporary name write_bytes gives a file while writing it: `.NAME.XXXXXXXX.part`."""


def write_bytes(path: Path, data: bytes) -> None:
    """Writes `data` to a temporary file beside `path`, syncs it, then renames it over
    `path`, so a reader (or a killed process) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, _mode_to_keep(path))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:  # say which file (ENOSPC)
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def _mode_to_keep(path: Path) -> int:
    """The permissions of the file being replaced, when it is a regular file: never
    those of what a link there points to (a link to /dev/zero is rw-rw-rw-)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return 0o644
    return stat.S_IMODE(info.st_mode) & 0o777 if stat.S_ISREG(info.st_mode) else 0o644


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def part_of(name: str) -> str | None:
    """The name of the file a temporary file of write_bytes was to become
    (`.x.pdf.k2j_a9q1.part` → `x.pdf`), or None when `name` is not such a file."""
    match = _PART.fullmatch(name)
    return match.group(1) if match else None
