"""The temporary folders of the export's processes (the reference document, pandoc's
own files): each process makes its own workspace and holds its lock while it lives, and
a sweep removes those of processes that were killed."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .locks import NONBLOCK, OPEN_FLAGS, hold_folder, lock, owned_by_me, try_lock


class Workspace:
    """A folder of one process's temporary files for the export: the reference document,
    pandoc's own files. Its owner holds a lock on it while it lives, so that the next
    workspace made beside it removes it when its owner was killed (by the lock, not the
    process id: that may be reused, or be another machine's on a shared folder)."""

    PREFIX = "perfdecl-export-"
    MAKING = "perfdecl-making-"
    """A workspace being made: it takes its PREFIX name once it holds its lock. Making one
    and sweeping hold a lock on the parent folder (locks.hold_folder), so a sweep never
    meets one being made: a MAKING folder it finds was left by a process killed while
    making it."""

    def __init__(self, parent: Path | None = None) -> None:
        parent = parent or Path(tempfile.gettempdir())
        parent.mkdir(parents=True, exist_ok=True)
        held = hold_folder(parent)
        try:
            _sweep(parent)
            making = Path(tempfile.mkdtemp(prefix=self.MAKING, dir=parent))
            self._fd: int | None = os.open(making / "lock", os.O_WRONLY | os.O_CREAT
                                           | os.O_EXCL | OPEN_FLAGS, 0o600)
            lock(self._fd)
            self.path = making.with_name(self.PREFIX + making.name.removeprefix(self.MAKING))
            os.rename(making, self.path)
        finally:
            os.close(held)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def sweep(parent: Path) -> None:
    """Removes the workspaces under `parent` whose owner is gone: killed processes leave
    theirs behind."""
    try:
        held = hold_folder(parent)
    except OSError:  # a folder not there, or not ours to write: nothing of ours to sweep
        return
    try:
        _sweep(parent)
    finally:
        os.close(held)


def _sweep(parent: Path) -> None:
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        making = entry.name.startswith(Workspace.MAKING)
        if not (making or entry.name.startswith(Workspace.PREFIX)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_dir(follow_symlinks=False) or not owned_by_me(info.st_uid):
            continue
        try:
            fd = os.open(os.path.join(entry.path, "lock"),
                         os.O_RDONLY | OPEN_FLAGS | NONBLOCK)
        except FileNotFoundError:  # no lock: its maker was killed making it
            if making:
                shutil.rmtree(entry.path, ignore_errors=True)
            continue
        except OSError:
            continue  # made by an older perfdecl, or not ours
        try:
            if try_lock(fd):  # else its owner is at work
                shutil.rmtree(entry.path, ignore_errors=True)
        finally:
            os.close(fd)
