"""The two sides of a diff: declaration files, folders, or git revisions.

A revision is read from git's objects (`git ls-tree`, `git cat-file`), never by checking
anything out, so the working tree is left as it is. What is read from git is held to
the rules files are: only regular files (a submodule or a symbolic link in the tree is
skipped with a finding), at most MAX_FILE_BYTES each (sizes are listed before anything
is read), and names as git stores them, whatever their bytes.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..check import MAX_DECLARATIONS, SUFFIXES, discover, read, read_bytes
from ..errors import Finding, PerfdeclError, Severity, UsageError
from ..files import MAX_FILE_BYTES
from ..i18n import _
from ..load import too_big
from ..model import Declaration
from ..repository import Repository

GIT_TIMEOUT = 120
"""Seconds one git command may take: listing a large tree or reading a batch of blobs
takes well under one."""
BATCH_BYTES = 64 * 1024 * 1024
"""Bytes of blobs read by one `git cat-file --batch`: bounds what is held at once."""


@dataclass
class Side:
    """One side of a comparison: its name for the reader, its declarations, and the
    errors of its files: those that could not be read as declarations, and the values
    that did not validate in those compared (what did not validate is not compared)."""

    label: str
    declarations: list[Declaration] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)

    def add(self, declaration: Declaration | None, findings: list[Finding]) -> None:
        self.problems += [f for f in findings if f.severity == Severity.ERROR]
        if declaration is not None:
            self.declarations.append(declaration)


def from_paths(paths: Sequence[Path], repo: Repository, label: str | None = None) -> Side:
    """The declarations in files and folders of the working tree."""
    files, findings = discover(paths, repo.root)
    side = Side(label or " ".join(str(p) for p in paths), problems=findings)
    for file in files:
        side.add(*read(file))
    return side


def _git(args: Sequence[str], cwd: Path, revision: str, *, given: bytes | None = None,
         failure: str | None = None) -> bytes:
    """git's output; an error names the revision and the command, and says why."""
    command = shlex.join(["git", *args])
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=given, capture_output=True,
                              timeout=GIT_TIMEOUT, check=False)
    except OSError as exc:
        raise UsageError(_("git is needed for --rev: {error}").format(error=exc)) from None
    except subprocess.TimeoutExpired:
        raise PerfdeclError(_("revision {revision}: `{command}` did not finish in {seconds} s")
                            .format(revision=revision, command=command,
                                    seconds=GIT_TIMEOUT)) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = said[-1] if said else failure or _("exit status {code}").format(
            code=done.returncode)
        raise UsageError(_("revision {revision}: `{command}` failed: {error}").format(
            revision=revision, command=command, error=reason))
    return done.stdout


def _name(raw: bytes) -> str:
    """A path as git stores it (bytes): UTF-8, with any other byte kept as a surrogate,
    as the file system's names are, so that it is shown as `\\xe9` and never fails."""
    return raw.decode("utf-8", errors="surrogateescape")


def repository_root(start: Path, revision: str) -> Path:
    return Path(_name(_git(["rev-parse", "--show-toplevel"], start, revision).strip()))


@dataclass(frozen=True)
class _Entry:
    """One file of a revision's tree, as `git ls-tree -l` lists it."""

    mode: str
    kind: str  # blob, or commit for a submodule
    object: str
    size: int | None
    name: str


def _entries(listing: bytes) -> Iterator[_Entry]:
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _tab, name = record.partition(b"\t")
        mode, kind, obj, size = meta.decode("ascii").split()
        yield _Entry(mode, kind, obj, int(size) if size.isdigit() else None, _name(name))


def _hidden(name: str, scoped: Sequence[str]) -> bool:
    """Whether the working tree's walk passes this path by: a hidden file or folder
    below the path given (a file named itself is read, as `check` reads it)."""
    for given in scoped:
        if name == given:
            return False
        if given == "." or name.startswith(given + "/"):
            below = name if given == "." else name[len(given) + 1:]
            return any(part.startswith(".") for part in below.split("/"))
    return any(part.startswith(".") for part in name.split("/"))


def from_revision(revision: str, paths: Sequence[Path], repo: Repository) -> Side:
    """The declarations under `paths` as they are in `revision` (a commit, tag, branch)."""
    if revision.startswith("-"):
        raise UsageError(_("--rev takes revisions, not options: {text}").format(
            text=repr(revision)))
    root = repository_root(repo.here, revision)
    commit = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root,
                  revision, failure=_("no commit of that name in {root}").format(root=root)
                  ).decode("ascii").strip()
    scoped = []
    for p in paths:
        try:
            scoped.append(repo.path(p).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            raise UsageError(_("{path} is outside the git repository {root}")
                             .format(path=p, root=root)) from None
    listing = _git(["ls-tree", "-r", "-z", "-l", commit, "--", *scoped], root, revision)
    side = Side(revision)
    blobs: list[_Entry] = []
    for entry in sorted(_entries(listing), key=lambda e: e.name):
        shown = Path(f"{revision}:{entry.name}")
        if _hidden(entry.name, scoped):
            continue
        if entry.kind == "commit":
            side.problems.append(Finding(
                "Y011", Severity.ERROR, _("a submodule, not a file: its files are not read "
                                          "from the revision; skipped"), shown, 0, 0))
        elif not entry.name.endswith(SUFFIXES):
            continue
        elif entry.mode == "120000":
            side.problems.append(Finding(
                "Y011", Severity.ERROR, _("a symbolic link in the revision: links are not "
                                          "followed in git objects; skipped"), shown, 0, 0,
                hint=_("commit the declaration itself, or compare the working tree")))
        elif entry.kind != "blob" or entry.size is None:
            side.problems.append(Finding(
                "Y011", Severity.ERROR, _("a {kind}, not a file; skipped").format(
                    kind=entry.kind), shown, 0, 0))
        elif entry.size > MAX_FILE_BYTES:
            side.problems.append(too_big(shown, entry.size))
        else:
            blobs.append(entry)
    if len(blobs) > MAX_DECLARATIONS:
        side.problems.append(Finding(
            "Y017", Severity.ERROR,
            _("{count} declarations in one run; perfdecl takes at most {limit} at once").format(
                count=f"{len(blobs):,}", limit=f"{MAX_DECLARATIONS:,}"),
            Path(f"{revision}:{scoped[0] if scoped else ''}"), 0, 0,
            hint=_("check or build a year or a unit at a time, or split a build with "
                   "--shard")))
        return side
    for entry, raw, answer in _contents(blobs, root, revision):
        shown = Path(f"{revision}:{entry.name}")
        if raw is None:
            side.problems.append(Finding(
                "Y011", Severity.ERROR, _("git cannot read object {object}: {answer}").format(
                    object=entry.object, answer=answer), shown, 0, 0))
        else:
            side.add(*read_bytes(raw, shown))
    return side


def _contents(blobs: list[_Entry], root: Path,
              revision: str) -> Iterator[tuple[_Entry, bytes | None, str]]:
    """The bytes of each blob (None, and git's answer, when git has no such blob), read
    by one `git cat-file --batch` per BATCH_BYTES rather than one process per file."""
    start = 0
    while start < len(blobs):
        end, total = start, 0
        while end < len(blobs) and (end == start or total + (blobs[end].size or 0)
                                    <= BATCH_BYTES):
            total += blobs[end].size or 0
            end += 1
        chunk = blobs[start:end]
        out = _git(["cat-file", "--batch"], root, revision,
                   given="".join(f"{e.object}\n" for e in chunk).encode("ascii"))
        at = 0
        for entry in chunk:
            newline = out.index(b"\n", at)
            header = out[at:newline].decode("ascii", errors="replace").split()
            at = newline + 1
            if len(header) != 3 or not header[2].isdigit():  # `<object> missing`
                yield entry, None, " ".join(header[1:])
                continue
            size = int(header[2])
            yield entry, out[at: at + size] if header[1] == "blob" else None, header[1]
            at += size + 1
        start = end


def parse_range(text: str) -> tuple[str, str | None]:
    """`A..B` → (A, B); `A` → (A, None), meaning A against the working tree."""
    if ".." in text:
        old, _dots, new = text.partition("..")
        if not old or not new or new.startswith("."):
            raise UsageError(_("--rev takes A..B or A, not {text}").format(text=repr(text)))
        return old, new
    return text, None
