"""The two sides of a diff: declaration files, folders, or git revisions.

A revision is read from git's objects (`git ls-tree`, `git cat-file`), never by checking
anything out, so the working tree is left as it is.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..check import SUFFIXES, discover, read, read_bytes
from ..errors import Finding, Severity, UsageError
from ..i18n import _
from ..model import Declaration


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


def from_paths(paths: Sequence[Path], label: str | None = None) -> Side:
    """The declarations in files and folders of the working tree."""
    files, findings = discover(paths)
    side = Side(label or " ".join(str(p) for p in paths), problems=findings)
    for file in files:
        side.add(*read(file))
    return side


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120,
                              check=False)
    except OSError as exc:
        raise UsageError(_("git is needed for --rev: {error}").format(error=exc)) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise UsageError(_("git {command}: {error}").format(
            command=" ".join(args[:2]), error=message[-1] if message else _("failed")))
    return done.stdout


def repository_root(start: Path) -> Path:
    return Path(_git(["rev-parse", "--show-toplevel"], start).decode().strip())


def from_revision(revision: str, paths: Sequence[Path]) -> Side:
    """The declarations under `paths` as they are in `revision` (a commit, tag, branch)."""
    cwd = Path.cwd()
    root = repository_root(cwd)
    _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
    scoped = []
    for p in paths:
        try:
            scoped.append((cwd / p).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            raise UsageError(_("{path} is outside the git repository {root}")
                             .format(path=p, root=root)) from None
    listing = _git(["ls-tree", "-r", "-z", "--name-only", revision, "--", *scoped], root)
    side = Side(revision)
    for name in sorted(n for n in listing.decode("utf-8").split("\0") if n):
        if not name.endswith(SUFFIXES):
            continue
        raw = _git(["cat-file", "blob", f"{revision}:{name}"], root)
        side.add(*read_bytes(raw, Path(f"{revision}:{name}")))
    return side


def parse_range(text: str) -> tuple[str, str | None]:
    """`A..B` → (A, B); `A` → (A, None), meaning A against the working tree."""
    if ".." in text:
        old, _dots, new = text.partition("..")
        if not old or not new or new.startswith("."):
            raise UsageError(_("--rev takes A..B or A, not {text}").format(text=repr(text)))
        return old, new
    return text, None
