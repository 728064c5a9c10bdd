"""The build folder: which of its files are perfdecl's, and the checks on every path
perfdecl reads back from it.

A folder is perfdecl's when it holds `.perfdecl/` (STATE), made by the first build into
a new or empty folder. perfdecl refuses to build into a non-empty folder without it,
into the repository's root and into or around the declarations, whose files would be
listed, packed and removed as if they were its own.

Inside, perfdecl removes, lists, packs and serves only the files it recorded writing
(`.perfdecl/cache.json`), and checks each path it reads back before using it: it must
have the shape perfdecl writes (`<year>/<unit>/<name>.<format>`), be reached without
passing a symbolic link, and name a regular file. A path that fails is left alone and
reported, never followed: state files can be edited, and a shard's come from elsewhere.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import part_of, write_bytes
from .errors import PerfdeclError, UsageError
from .files import read_file, reason, what_is
from .i18n import _
from .locks import NONBLOCK, OPEN_FLAGS, try_lock

STATE = ".perfdecl"
"""The build folder's own bookkeeping: the cache of what was built from what, the lock,
the Typst bodies and the export's temporary files."""
CACHE = "cache.json"
ZIPS = "zips.json"
INDEX = "index.html"
MANIFEST = "manifest.json"
FORMATS = ("html", "docx", "pdf")
MAX_STATE_BYTES = 256 * 1024 * 1024
"""A state file (cache.json, inputs.json, zips.json) or a Typst body: the record of a
build of 50,000 declarations in three formats is about 60 MB."""

_SEGMENT = re.compile(r"[^./\\\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]{0,199}")
_YEAR = re.compile(r"\d{4}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def output_path(value: object) -> str | None:
    """`value` when it is a path perfdecl writes a form or a combined document to,
    `<year>/<unit>/<name>.<format>`, else None: no `..`, no absolute path, no hidden
    or state file, nothing but the shape the build makes."""
    if not isinstance(value, str):
        return None
    parts = value.split("/")
    if len(parts) != 3 or not _YEAR.fullmatch(parts[0]):
        return None
    if not all(_SEGMENT.fullmatch(p) for p in parts[1:]):
        return None
    return value if parts[2].rpartition(".")[2] in FORMATS else None


def year_of(value: object) -> str | None:
    """`value` when it is a fiscal year as the build folder names it (`2024`)."""
    return value if isinstance(value, str) and _YEAR.fullmatch(value) else None


def inside(out: Path, rel: str) -> Path | None:
    """out/rel when `rel` is relative, without `.` or `..`, and no folder on the way
    from `out` is a symbolic link or a file: the path cannot lead out of the build
    folder. Folders not made yet are fine (the build makes them)."""
    parts = rel.split("/")
    if any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts):
        return None
    here = out
    for part in parts[:-1]:
        here = here / part
        try:
            info = os.lstat(here)
        except FileNotFoundError:
            break
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode):
            return None
    return out / rel


def regular(path: Path) -> os.stat_result | None:
    """The file's status when it is a regular file (not a link, folder or FIFO)."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file, without following a link or waiting on a FIFO, and
    never more than `limit` (None: outputs this build wrote, as large as they are);
    OSError for anything else."""
    return read_file(path, limit=sys.maxsize if limit is None else limit, follow_links=False)


def read_json(path: Path, problems: list[str] | None = None) -> Any:
    """A state file's content, or None when it is missing, unreadable or not JSON; what
    kept an existing file from being read is said in `problems`."""
    try:
        return json.loads(read_regular(path, MAX_STATE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return None
    except OSError as exc:
        why = reason(exc)
    except ValueError:
        why = _("not JSON")
    if problems is not None:
        problems.append(_("{file}: {reason}").format(file=path, reason=why))
    return None


@dataclass
class Recorded:
    """What the build recorded writing in a folder: each output's entry, checked."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    zips: dict[str, str] = field(default_factory=dict)
    """The year zips written, by year, with the fingerprint of what they hold."""
    ignored: list[str] = field(default_factory=list)
    """Entries refused, each said in a sentence naming the state file; the caller says
    what it does about them."""
    lost: bool = False
    """The record itself is missing or could not be read: which outputs are there, and
    what they were built from, is not known."""
    unread: str | None = None
    """Why the record, present, could not be read (a FIFO, not JSON, too large)."""

    def complete(self) -> dict[str, dict[str, Any]]:
        """The outputs whose writing finished: the others were being written when
        their build stopped."""
        return {p: e for p, e in self.entries.items() if e["sha256"]}


def _entry(value: object) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    entry = {"key": value.get("key", ""), "sources": value.get("sources", []),
             "title": value.get("title", ""), "sha256": value.get("sha256", ""),
             "size": value.get("size", 0)}
    sound = (isinstance(entry["key"], str) and isinstance(entry["title"], str)
             and isinstance(entry["sources"], list)
             and all(isinstance(s, str) for s in entry["sources"])
             and isinstance(entry["sha256"], str)
             and (entry["sha256"] == "" or _SHA256.fullmatch(entry["sha256"]))
             and type(entry["size"]) is int and entry["size"] >= 0)
    return entry if sound else None


def recorded(out: Path) -> Recorded:
    """The entries of `out/.perfdecl/cache.json` and `zips.json` that are sound: each
    refused one is named in `ignored`, and nothing is done with it."""
    found = Recorded()
    cache = out / STATE / CACHE
    problems: list[str] = []
    data = read_json(cache, problems)
    found.lost = data is None
    found.unread = problems[0] if problems else None
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if data is not None and not isinstance(outputs, dict):
        found.ignored.append(_("{file} is not a cache perfdecl wrote").format(file=cache))
    for rel, value in (outputs or {}).items():
        entry = _entry(value)
        if output_path(rel) is None or entry is None:
            found.ignored.append(_("{file}: {path} is not an output perfdecl writes")
                                 .format(file=cache, path=repr(rel)))
        else:
            found.entries[rel] = entry
    found.zips = recorded_zips(out, found.ignored)
    return found


def recorded_zips(out: Path, ignored: list[str] | None = None) -> dict[str, str]:
    """The year zips written in `out`, by year, with the fingerprint of what they hold
    (`.perfdecl/zips.json`); refused entries are said in `ignored`."""
    record = out / STATE / ZIPS
    data = read_json(record)
    zips = {}
    for year, fingerprint in (data.items() if isinstance(data, dict) else ()):
        if year_of(year) is not None and isinstance(fingerprint, str):
            zips[year] = fingerprint
        elif ignored is not None:
            ignored.append(_("{file}: {path} is not a zip perfdecl writes")
                           .format(file=record, path=repr(year)))
    return zips


def save_outputs(out: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Writes the record of the outputs, `.perfdecl/cache.json`."""
    write_bytes(out / STATE / CACHE, json.dumps(
        {"perfdecl": __version__, "outputs": dict(sorted(entries.items()))},
        ensure_ascii=False, indent=1).encode("utf-8"))


def served(out: Path) -> set[str]:
    """Every file of the build folder a reader may see: the complete outputs, the
    index, the manifest and the year zips. Never the state, nor a file the build did
    not record writing."""
    found = recorded(out)
    return {*found.complete(), *(f"{year}.zip" for year in found.zips), INDEX, MANIFEST}


def claim(out: Path, root: Path, inputs: Sequence[Path]) -> None:
    """Makes sure `out` may hold a build: refuses the repository's root, a folder in or
    around the declarations or the templates, and a non-empty folder that is not
    perfdecl's; marks a new or empty folder as perfdecl's."""
    where = out.resolve()
    if root.resolve().is_relative_to(where):
        raise UsageError(_("--out {out} is the repository's folder {root} (or holds it); "
                           "build into a folder of its own, such as build/")
                         .format(out=out, root=root))
    for path in [*inputs, root / "declarations", root / "templates"]:
        kept = path.resolve()
        if where.is_relative_to(kept) or kept.is_relative_to(where):
            raise UsageError(_("--out {out} would mix the build with the declarations or "
                               "templates of {path}; build into a folder of its own, such as "
                               "build/").format(out=out, path=path))
    if where.is_dir():
        state = out / STATE
        try:
            info: os.stat_result | None = os.lstat(state)
        except FileNotFoundError:
            info = None
        if info is None:
            with os.scandir(where) as entries:
                foreign = sorted(e.name for e in entries)
            if foreign:
                raise UsageError(_(
                    "--out {out} holds files perfdecl did not write, such as {name}; build "
                    "into a new or empty folder, or move those files away").format(
                    out=out, name=foreign[0]))
        elif not stat.S_ISDIR(info.st_mode):
            raise UsageError(_("{path} is not a folder perfdecl made; remove it and build "
                               "again").format(path=state))
        else:
            _check_state(state)
    (out / STATE).mkdir(parents=True, exist_ok=True)


def _check_state(state: Path) -> None:
    """The state folder holds no symbolic link, FIFO, device or socket: perfdecl makes
    none, it writes, truncates and removes what is there, and opening a FIFO or a device
    would wait or do what the device does."""
    with os.scandir(state) as entries:
        for entry in entries:
            if entry.is_symlink():
                raise UsageError(_("{path} is a symbolic link perfdecl did not make; remove "
                                   "it and build again").format(path=Path(entry.path)))
            mode = entry.stat(follow_symlinks=False).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise UsageError(_("{path} is {what} perfdecl did not make; remove it and "
                                   "build again").format(path=Path(entry.path),
                                                         what=what_is(mode)))


def check_folders(out: Path, folders: Iterable[str]) -> None:
    """Every folder the build writes forms into is a folder, not a link out of the
    build folder (or a file)."""
    for folder in sorted(set(folders)):
        if inside(out, f"{folder}/x") is None:
            raise PerfdeclError(_("{path} in the build folder is a symbolic link or a file "
                                  "where perfdecl writes a folder of forms; remove it and "
                                  "build again").format(path=out / folder))


def remove_parts(out: Path, names: Iterable[str]) -> None:
    """Removes the temporary files (atomic.py) that a build killed while writing left
    beside the files perfdecl writes here (`names`, relative to `out`), and any in the
    state folder; other programs' `.part` files are theirs."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for rel in names:
        folder, _slash, name = rel.rpartition("/")
        wanted[folder].add(name)
    for state in (STATE, f"{STATE}/typst"):
        wanted[state] = set()  # all of it is perfdecl's
    for folder, own in wanted.items():
        where = inside(out, f"{folder}/x" if folder else "x")
        if where is None or not where.parent.is_dir():
            continue
        with os.scandir(where.parent) as entries:
            for entry in entries:
                final = part_of(entry.name)
                if final is not None and (final in own or folder.startswith(STATE)) \
                        and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)


@contextlib.contextmanager
def lock(out: Path) -> Iterator[None]:
    """One build at a time per build folder; a second one stops with a clear message."""
    path = out / STATE / "lock"
    # never waits on a FIFO put there since the state folder was checked
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | OPEN_FLAGS | NONBLOCK, 0o644)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UsageError(_("{path} is {what} perfdecl did not make; remove it and "
                               "build again").format(path=path, what=what_is(mode)))
        if not try_lock(fd):
            raise PerfdeclError(_("another perfdecl build is writing to {out}; wait for it to "
                                  "finish or build into another --out folder").format(out=out))
        yield
    finally:
        os.close(fd)


def write_error(out: Path, exc: OSError) -> str:
    """An unusable build folder, said plainly: which file, and why."""
    reasons = {errno.ENOSPC: _("the disk is full"),
               errno.EDQUOT: _("the disk quota is used up"),
               errno.EROFS: _("the file system is read-only"),
               errno.EACCES: _("permission denied"), errno.EPERM: _("permission denied"),
               errno.EEXIST: _("a file is where a folder should be"),
               errno.ENOTDIR: _("a file is where a folder should be")}
    reason = reasons.get(exc.errno or 0) or exc.strerror or str(exc)
    where = exc.filename or out
    return _("cannot write the build into {out}: {reason} ({path}); files already built "
             "there are complete, and the next build finishes the rest").format(
        out=out, reason=reason, path=where)
