"""The library face of perfdecl: what the CLI calls, and what other programs may call."""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .check import CheckResult, discover
from .check import check as _check
from .diff import DiffResult, compare, compare_pair
from .diff.inputs import Side, from_paths, from_revision, parse_range
from .domain import KINDS
from .errors import Finding, PerfdeclError, UsageError
from .files import missing
from .fmt import format_file
from .i18n import _
from .repository import Repository
from .resources import data_dir
from .rules import all_rules
from .rules.registry import Rule
from .schema import KIND_TITLES, bundled_schema

if TYPE_CHECKING:
    from .build import BuildOptions, BuildResult, build, parse_formats, parse_shard
    from .bundle import merge as merge_bundles
    from .diff import report as diff_report
    from .diff.textconv import facts as textconv
    from .importer import import_files
    from .render import Layout, Renderer
    from .rollforward import roll_forward
    from .scaffold import PERFDECL_GIT, new_declaration
    from .scaffold import init as init_repository
    from .watch import Preview, snapshot
    from .watch import watch as watch_and_rebuild

__all__ = ["PERFDECL_GIT", "BuildOptions", "BuildResult", "CheckResult", "FormatOutcome",
           "PerfdeclError", "Preview", "Renderer", "Repository", "UsageError", "build", "bundled_schema",
           "check", "diff_report", "format_paths", "import_files", "init_repository",
           "merge_bundles", "new_declaration", "parse_formats", "parse_shard",
           "roll_forward", "rules", "schema_folder", "schema_kinds", "snapshot", "template_folders", "textconv",
           "watch_and_rebuild"]

_LATER: dict[str, tuple[str, str]] = {
    "BuildOptions": ("build", "BuildOptions"), "BuildResult": ("build", "BuildResult"),
    "build": ("build", "build"), "parse_formats": ("build", "parse_formats"),
    "parse_shard": ("build", "parse_shard"), "merge_bundles": ("bundle", "merge"),
    "diff_report": ("diff.report", ""),
    "textconv": ("diff.textconv", "facts"),
    "import_files": ("importer", "import_files"), "Renderer": ("render", "Renderer"),
    "roll_forward": ("rollforward", "roll_forward"),
    "PERFDECL_GIT": ("scaffold", "PERFDECL_GIT"), "init_repository": ("scaffold", "init"),
    "new_declaration": ("scaffold", "new_declaration"), "Preview": ("watch", "Preview"),
    "snapshot": ("watch", "snapshot"), "watch_and_rebuild": ("watch", "watch"),
}
"""What building, bundling, importing, scaffolding and the preview need, imported when
first asked for (`api.build`): `check` and `fmt` start without pandoc, Typst or Jinja."""


def __getattr__(name: str) -> Any:
    if name not in _LATER:
        raise AttributeError(name)
    module, attribute = _LATER[name]
    found = importlib.import_module(f".{module}", __package__)
    return getattr(found, attribute) if attribute else found


def check(paths: Sequence[Path], repo: Repository) -> CheckResult:
    """Checks the declarations under `paths` (files or folders) of `repo`."""
    return _check(paths, repo)


@dataclass
class FormatOutcome:
    files: list[Path]
    changed: list[Path] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def format_paths(paths: Sequence[Path], repo: Repository, *, write: bool) -> FormatOutcome:
    """Formats (or with write=False, only inspects) the declarations under `paths`."""
    files, findings = discover(paths, repo.root)
    outcome = FormatOutcome(files, findings=findings)
    if findings:
        outcome.failed.extend(f.file for f in findings)
    for file in files:
        changed, problems = format_file(file, write=write)
        if problems:
            outcome.failed.append(file)
            outcome.findings.extend(problems)
        elif changed:
            outcome.changed.append(file)
    return outcome


def diff(paths: Sequence[Path], repo: Repository, rev: str | None = None, *,
         order: bool = False) -> tuple[DiffResult, Side, Side]:
    """Compares two files, two folders, or (with `rev`) two git revisions of `paths`."""
    if rev is not None:
        old_rev, new_rev = parse_range(rev)
        scope = list(paths) or [Path("declarations")]
        old = from_revision(old_rev, scope, repo)
        new = (from_revision(new_rev, scope, repo) if new_rev
               else from_paths(scope, repo, "working tree"))
        return compare(old.declarations, new.declarations, order=order), old, new
    if len(paths) != 2:
        raise UsageError(_("diff takes OLD and NEW (two files or two folders), "
                           "or --rev A[..B]"))
    old_path, new_path = paths
    for p in paths:
        if missing(p):
            raise UsageError(_("path not found: {path}").format(path=p))
    if old_path.is_dir() != new_path.is_dir():
        raise UsageError(_("compare a file with a file, or a folder with a folder"))
    old, new = from_paths([old_path], repo), from_paths([new_path], repo)
    if old_path.is_dir():
        return compare(old.declarations, new.declarations, order=order), old, new
    if not old.declarations or not new.declarations:
        return DiffResult([]), old, new
    return compare_pair(old.declarations[0], new.declarations[0], order=order), old, new


def write_redline(result: DiffResult, out: Path, repo: Repository) -> None:
    """The new forms in their layouts, with Word tracked changes against the old ones."""
    from .atomic import write_bytes
    from .diff.redline import redline_docx

    write_bytes(out, redline_docx(result, repo))


def write_diff(result: DiffResult, output_format: str, out: Path, repo: Repository,
               old_label: str = "", new_label: str = "") -> None:
    """Writes the report of `result` in `output_format` (a diff reporter, or docx for the
    redline) to `out`, whole or not at all."""
    from .atomic import write_text
    from .diff.report import REPORTERS

    if output_format == "docx":
        write_redline(result, out, repo)
    else:
        write_text(out, REPORTERS[output_format](result, old_label, new_label))


def layouts(repo: Repository) -> list[Layout]:
    """Every layout of every kind: built in, or from the repository's templates/."""
    from .render import Renderer

    return Renderer(repo.config).layouts()


def template_folders(repo: Repository) -> list[Path]:
    """Where the layouts are read from, the repository's own first: what a preview
    watches besides the declarations."""
    from .render import Renderer

    return list(Renderer(repo.config).folders)


def rules() -> list[Rule]:
    return all_rules()


def schema_folder() -> Path:
    return data_dir("schema")


def schema_kinds() -> list[tuple[str, str, Path]]:
    return [(k, KIND_TITLES[k], schema_folder() / f"{k}.json") for k in KINDS]




def new_layout(repo: Repository, source: Path, kind: str, name: str, *,
               force: bool = False) -> tuple[Path, Any]:
    """Write templates/<kind>/<name>.html.j2 in the repository: a layout made from the
    blank form in `source` (DOCX or XLSX; blankform.py). Returns the file written and
    what was generated (blankform.Generated: the unbound cells, the tick boxes).
    Nothing is written when the template would not compile, or when the file exists
    and `force` is not given."""
    from .atomic import write_text
    from .blankform import generate
    from .render import Renderer
    from .scaffold import SLUG

    if kind not in KINDS:
        raise UsageError(_("unknown kind {kind}; kinds: {kinds}")
                         .format(kind=repr(kind), kinds=", ".join(KINDS)))
    if not SLUG.fullmatch(name) or len(name) > 64:
        raise UsageError(_("a layout's name is lower-case letters, digits and single "
                           "hyphens, such as changsha-2025: not {name}").format(name=repr(name)))
    given = repo.path(source)
    if missing(given):
        raise UsageError(_("path not found: {path}").format(path=source))
    target = repo.root / "templates" / kind / f"{name}.html.j2"
    if os.path.lexists(target) and not force:
        raise PerfdeclError(_("{path} exists; give --force to replace it").format(
            path=target))
    generated = generate(given, kind)
    renderer = Renderer(repo.config)
    try:
        renderer.env.parse(generated.template)
    except Exception as exc:  # a generated template that is no template is a bug here
        raise PerfdeclError(_("the layout made from {path} does not compile: {error}")
                            .format(path=source, error=exc)) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, generated.template)
    return target, generated
