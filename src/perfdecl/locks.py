"""Locks on open files, and the flags perfdecl opens its own files with, on POSIX and on
Windows alike. A lock is held until its file is closed; the holder's death releases it,
which is how a killed build's leftovers are told from a running one's."""

from __future__ import annotations

import os
import sys

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)
BINARY = getattr(os, "O_BINARY", 0)  # Windows: bytes as they are, no newline translation
OPEN_FLAGS = NOFOLLOW | CLOEXEC | BINARY
"""Added to every open of perfdecl's own files: never through a link, never inherited by
the tools it starts (where the system knows these flags), bytes as they are."""

NONBLOCK = getattr(os, "O_NONBLOCK", 0)
"""Opening a FIFO never waits for a writer (POSIX; Windows has no FIFOs in folders)."""

if sys.platform == "win32":
    import msvcrt

    def try_lock(fd: int) -> bool:
        """Takes the lock on `fd` if no one holds it; False when someone does."""
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def lock(fd: int) -> None:
        """Takes the lock on `fd`, waiting for it."""
        while True:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for 10 s, then raises
                return
            except OSError:
                continue

else:
    import fcntl

    def try_lock(fd: int) -> bool:
        """Takes the lock on `fd` if no one holds it; False when someone does."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def lock(fd: int) -> None:
        """Takes the lock on `fd`, waiting for it."""
        fcntl.flock(fd, fcntl.LOCK_EX)


def hold_folder(folder: str | os.PathLike[str]) -> int:
    """A lock on `folder` itself, taken (waiting for it) and held until the returned file
    is closed. On POSIX the folder is locked, leaving nothing behind in it; Windows cannot
    lock a folder, so a lock file in it stands for it."""
    if sys.platform == "win32":
        fd = os.open(os.path.join(folder, ".perfdecl.lock"),
                     os.O_WRONLY | os.O_CREAT | OPEN_FLAGS, 0o600)
    else:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | CLOEXEC)
    try:
        lock(fd)
    except OSError:
        os.close(fd)
        raise
    return fd


def owned_by_me(uid: int) -> bool:
    """Whether a file of owner `uid` is this user's (always, where there are no uids)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or uid == getuid()
