"""Check: files and folders → declarations → findings, for `perfdecl check` and `build`.

Every file is loaded and validated; the budget rules then run over what validated of
every declaration together, a declaration whose id, year, name or unit did not validate
included (model.Partial). A file's siblings in its unit folder are read as context, so
that checking one file still compares it with the declarations beside it.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import model, rules, unprinted, waivers
from .config import Config
from .domain import MAX_DECLARATIONS as MAX_DECLARATIONS  # also check.MAX_DECLARATIONS
from .domain import LayoutRecord, layout_records
from .errors import Finding, PerfdeclError, Severity, UsageError
from .files import missing, reason
from .i18n import _
from .load import Document, load, parse
from .model import Declaration, Partial
from .repository import Repository
from .unprinted import field_of
from .validate import validate

SUFFIXES = (".yaml", ".yml")


@dataclass
class CheckResult:
    """What `check` found: the findings of the requested files, and their declarations."""

    files: list[Path]
    findings: list[Finding] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    context: list[Declaration] = field(default_factory=list)
    """Declarations read beside the requested ones (same folder), for cross-checks."""
    suppressed: list[Finding] = field(default_factory=list)
    """Findings the repository waives (waivers.py): not counted, reported as such."""

    @property
    def errors(self) -> int:
        return sum(f.severity == Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == Severity.WARNING for f in self.findings)

    def failed(self, *, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    def forms(self) -> dict[str, str]:
        """What a clerk calls each declaration, by its file (normalised): its form and
        its name, 附件1-1 项目绩效目标申报表：代办经费."""
        return {os.path.normpath(d.file): rules.form_name(d) for d in self.declarations
                if d.name is not None}

    def invalid_files(self) -> set[Path]:
        return {f.file for f in self.findings if f.severity == Severity.ERROR}


def discover(paths: Sequence[Path], root: Path) -> tuple[list[Path], list[Finding]]:
    """The declaration files under `paths`, in a stable order; a symbolic link out of
    the repository at `root` is refused.

    A missing path is wrong usage (UsageError); a folder with no declarations is a
    finding about that folder.
    """
    files: list[Path] = []
    findings: list[Finding] = []
    for given in paths:
        if missing(given):
            raise UsageError(_("path not found: {path}").format(path=given))
        try:
            info: os.stat_result | None = os.stat(given)
        except (FileNotFoundError, NotADirectoryError):  # a link to nothing: load() says so
            info = None
        except OSError as exc:  # a folder on the way cannot be searched
            findings.append(Finding("Y011", Severity.ERROR, _(
                "cannot read it: {reason}; a folder on the way cannot be searched").format(
                reason=reason(exc)), given, 0, 0))
            continue
        outside = _escapes(given, root)
        if outside is not None:
            findings.append(outside)
            continue
        if info is not None and stat.S_ISDIR(info.st_mode):
            refused = len(findings)
            found = sorted(_walk(given, root, findings))
            if not found and len(findings) == refused:
                findings.append(Finding("Y013", Severity.ERROR,
                                        _("no declarations (*.yaml) in this folder"), given,
                                        0, 0))
            files.extend(found)
        else:
            files.append(given)
    unique: dict[str, Path] = {}
    for f in files:
        unique.setdefault(os.path.normpath(f), f)
    if len(unique) > MAX_DECLARATIONS:
        return [], [*findings, Finding(
            "Y017", Severity.ERROR,
            _("{count} declarations in one run; perfdecl takes at most {limit} at once").format(
                count=f"{len(unique):,}", limit=f"{MAX_DECLARATIONS:,}"), paths[0], 0, 0,
            hint=_("check or build a year or a unit at a time, or split a build with "
                   "--shard"))]
    return list(unique.values()), findings


def _unreadable(path: Path, exc: OSError) -> Finding:
    """Y011 for a folder (or a path through one) that cannot be read: the declarations
    in it are not checked, and that is said, never passed over."""
    return Finding("Y011", Severity.ERROR, _("cannot read the folder: {reason}; the "
                                             "declarations in it are not checked").format(
        reason=reason(exc)), path, 0, 0)


def _walk(folder: Path, repo: Path, findings: list[Finding]) -> Iterable[Path]:
    def unreadable(exc: OSError) -> None:
        findings.append(_unreadable(Path(exc.filename or folder), exc))

    for root, dirs, names in os.walk(folder, onerror=unreadable):
        for name in sorted(dirs):  # os.walk does not follow links to folders
            path = Path(root) / name
            if not name.startswith(".") and path.is_symlink():
                outside = _escapes(path, repo)
                if outside is not None:
                    findings.append(outside)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.endswith(SUFFIXES) and not name.startswith("."):
                path = Path(root) / name
                outside = _escapes(path, repo) if path.is_symlink() else None
                if outside is not None:
                    findings.append(outside)
                else:
                    yield path


def _escapes(path: Path, root: Path) -> Finding | None:
    """A finding when `path` goes through a symbolic link that leads out of the
    repository (a unit's folder or file linked to /etc or another checkout)."""
    plain = Path(os.path.abspath(path))
    try:
        real = path.resolve(strict=False)
    except (OSError, RuntimeError):  # a loop of links
        return Finding("Y016", Severity.ERROR, _("symbolic link loop; refused"), path, 0, 0)
    if not _through_link(plain):
        return None
    if real == root or root in real.parents:
        return None
    return Finding("Y016", Severity.ERROR,
                   _("symbolic link to {target}, outside the repository {repository}; "
                     "refused").format(target=real, repository=root),
                   path, 0, 0, hint=_("copy the declaration into the repository instead of "
                                      "linking to it"))


def _through_link(path: Path) -> bool:
    return any(p.is_symlink() for p in [path, *path.parents])


def check(paths: Sequence[Path], repo: Repository, *, context: bool = True) -> CheckResult:
    """Checks the declarations under `paths` and returns every finding."""
    files, findings = discover(paths, repo.root)
    result = CheckResult(files, findings)
    requested = {os.path.normpath(f) for f in files}
    siblings = _siblings(files, requested, result.findings, repo.root) if context else []
    every: list[Partial] = []
    unread: list[Path] = []
    form = _Forms(repo)
    for file in [*files, *siblings]:
        mine = os.path.normpath(file) in requested
        declaration, found = parts_of(*load(file))
        if mine:
            result.findings.extend(found)
        if declaration is None:
            unread.append(file)
            continue
        declaration = dataclasses.replace(declaration, form=form.of(declaration))
        every.append(declaration)
        if isinstance(declaration, Declaration):
            (result.declarations if mine else result.context).append(declaration)
    result.findings.extend(f for f in rules.run(every, unread)
                           if os.path.normpath(f.file) in requested)
    records = {os.path.normpath(d.file): (d, d.form) for d in result.declarations
               if d.form is not None}
    result.findings.extend(_left_out(records.values()))
    result.findings = sorted((_labelled(f, records) for f in result.findings),
                             key=Finding.sort_key)
    texts = {d.file: d.document.text for d in every if os.path.normpath(d.file) in requested}
    config, unreadable = _config(repo)
    waived = waivers.apply(result.findings, config, texts, rules.codes(), rules.FIXED)
    result.findings = rules.one_per_target([*waived.findings, *unreadable])
    result.suppressed = waived.suppressed
    return result


def _config(repo: Repository) -> tuple[Config | None, list[Finding]]:
    """The configuration, for its [check] settings; one that cannot be read is said
    (C001) and the files are checked without it, as `check` needs no layout."""
    try:
        return repo.config, []
    except PerfdeclError as exc:
        own = repo.root / "perfdecl.toml"
        file = own if os.path.lexists(own) else repo.root / "pyproject.toml"
        return None, [Finding("C001", Severity.WARNING, _(
            "{error}; checked without its [check] settings").format(error=exc), file, 0, 0)]


class _Forms:
    """What each declaration's form prints (domain.layout_records), where its layout is
    a built-in one; a repository's own layout (even under a built-in name) is known only
    to `build`, which renders it. Each layout is looked up once."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.known: dict[tuple[str, str], LayoutRecord | None] = {}

    def of(self, d: Partial) -> LayoutRecord | None:
        name = self.repo.layout_of(d.kind, d.layout)
        if name is None:
            return None
        if (d.kind, name) not in self.known:
            self.known[(d.kind, name)] = None if self.repo.has_own_layout(d.kind, name) \
                else layout_records().get((d.kind, name))
        return self.known[(d.kind, name)]


def _left_out(laid_out: Iterable[tuple[Declaration, LayoutRecord]]) -> Iterator[Finding]:
    """L001 for the values each declaration's layout never prints (domain.layout_records),
    named as `build` names them."""
    for d, record in laid_out:
        paths = unprinted.values_of(d.data, record.leaves_out)
        found = unprinted.finding(d.kind, record.name, paths, d.document)
        if found is not None:
            yield found


def _labelled(f: Finding, records: dict[str, tuple[Declaration, LayoutRecord]]) -> Finding:
    """The finding with the label its form prints beside the value, where known."""
    laid_out = records.get(os.path.normpath(f.file)) if f.path else None
    label = laid_out[1].prints.get(field_of(f.path), "") if laid_out else ""
    return dataclasses.replace(f, label=label) if label else f


def read(file: Path) -> tuple[Declaration | None, list[Finding]]:
    """Loads, validates and models one file: its declaration (None if it has no kind, id,
    year, name or unit that validated: such a file cannot be placed, compared or printed)
    and its file and schema findings."""
    return _whole(*parts_of(*load(file)))


def read_bytes(raw: bytes, shown: Path) -> tuple[Declaration | None, list[Finding]]:
    """As read(), for a file's content from elsewhere (a git object)."""
    return _whole(*parts_of(*parse(raw, shown)))


def parts_of(document: Document | None,
             findings: list[Finding]) -> tuple[Partial | None, list[Finding]]:
    """A loaded file's model, of what validated (None when it did not load or its kind is
    missing or unknown: no schema then says what its fields are), and its findings."""
    if document is None:
        return None, findings
    schema_findings, valid = validate(document)
    findings.extend(schema_findings)
    if valid is None:
        return None, findings
    return model.build(document, valid), findings


def _whole(declaration: Partial | None,
           findings: list[Finding]) -> tuple[Declaration | None, list[Finding]]:
    return (declaration if isinstance(declaration, Declaration) else None), findings


def _siblings(files: list[Path], requested: set[str], findings: list[Finding],
              root: Path) -> list[Path]:
    folders = sorted({f.parent for f in files}, key=str)
    out: list[Path] = []
    for folder in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:  # the checks across its declarations cannot be made
            findings.append(_unreadable(folder, exc))
            continue
        for name in names:
            path = folder / name
            if (name.endswith(SUFFIXES) and not name.startswith(".")
                    and os.path.normpath(path) not in requested and path.is_file()
                    and not (path.is_symlink() and _escapes(path, root))):
                out.append(path)
    return out
