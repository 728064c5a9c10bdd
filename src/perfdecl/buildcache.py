"""The record of a build folder, as `build` keeps it: what each output was built from
(its key and source declarations) and the sha256 and size it was written with, read
through buildfolder's checks, each output recorded before it is written."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from . import buildfolder, bundle, workers
from .i18n import _


def present(path: Path) -> bool:
    """Whether a declaration file is still there: one in a folder that cannot be read now
    is not known to be gone, and its outputs are kept."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True



class BuildCache:
    """What each output file was built from: its key, its source declarations, and the
    sha256 and size it was written with (none yet while it is being written). Only the
    entries that pass buildfolder's checks are read; the others are `ignored`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        found = buildfolder.recorded(out)
        self.entries = found.entries
        self.lost = found.lost
        self.years = set(found.zips)
        self.ignored = [_("{problem}; left alone").format(problem=p) for p in found.ignored]
        if found.unread:
            self.ignored.append(_("{problem}; everything is built again").format(
                problem=found.unread))
        self.damaged = sorted(p for p in self.entries if not self.intact(p))
        """Outputs not as written: a build stopped while writing them, or they were
        removed or replaced since."""

    def intact(self, path: str) -> bool:
        entry = self.entries[path]
        where = buildfolder.inside(self.out, path)
        info = buildfolder.regular(where) if where else None
        return bool(entry["sha256"] and info and info.st_size == entry["size"])

    def fresh(self, path: str, key: str) -> bool:
        entry = self.entries.get(path)
        return bool(entry and entry["key"] == key and self.intact(path))

    def own(self) -> list[str]:
        """The files perfdecl writes in the build folder, by the record: its outputs
        and the bundles (the state folder is all its own)."""
        years = self.years | {p.partition("/")[0] for p in self.entries}
        return [*self.entries, *bundle.names(years)]

    def expect(self, tasks: Sequence[workers.UnitTask]) -> None:
        """Records the outputs the tasks write, before they are written."""
        for task in tasks:
            for form in task.forms:
                for fmt in form.stale:
                    self._expect(f"{form.stem}.{fmt}", form.sources, form.title)
            for fmt in task.stale:
                self._expect(f"{task.stem}.{fmt}", task.sources, task.title)

    def _expect(self, path: str, sources: list[str], title: str) -> None:
        self.entries[path] = {"key": "", "sources": sources, "title": title, "sha256": "",
                              "size": 0}

    def prune(self, root: Path, complete: bool) -> None:
        """Outputs whose declarations are all gone are removed with them. After a
        complete build, entries whose file is not as written (and was not written again)
        are dropped: the build has nothing to make there, and the file is not its own."""
        for path, entry in list(self.entries.items()):
            if complete and not self.intact(path):
                del self.entries[path]
                continue
            sources = entry["sources"]
            if sources and not any(present(root / s) for s in sources):
                where = buildfolder.inside(self.out, path)
                if where is not None and (buildfolder.regular(where) or where.is_symlink()):
                    where.unlink(missing_ok=True)
                del self.entries[path]

    def outputs(self) -> dict[str, bundle.Output]:
        """The outputs whose writing finished."""
        return {p: bundle.Output(list(e["sources"]), e["title"], e["sha256"], e["size"])
                for p, e in self.entries.items() if e["sha256"]}

    def save(self) -> None:
        buildfolder.save_outputs(self.out, self.entries)
