"""The library face of perfdecl: what the CLI calls, and what other programs may call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .check import CheckResult, discover
from .check import check as _check
from .diff import DiffResult, compare, compare_pair
from .diff.inputs import Side, from_paths, from_revision, parse_range
from .domain import KINDS
from .errors import Finding, PerfdeclError, UsageError
from .files import missing
from .fmt import format_file
from .i18n import _
from .resources import data_dir
from .rules import all_rules
from .rules.registry import Rule
from .schema import KIND_TITLES, bundled_schema

__all__ = ["CheckResult", "FormatOutcome", "PerfdeclError", "UsageError", "bundled_schema",
           "check", "format_paths", "rules", "schema_folder", "schema_kinds"]


def check(paths: Sequence[Path]) -> CheckResult:
    """Checks the declarations under `paths` (files or folders)."""
    return _check(paths)


@dataclass
class FormatOutcome:
    files: list[Path]
    changed: list[Path] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def format_paths(paths: Sequence[Path], *, write: bool) -> FormatOutcome:
    """Formats (or with write=False, only inspects) the declarations under `paths`."""
    files, findings = discover(paths)
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


def diff(paths: Sequence[Path], rev: str | None = None, *,
         order: bool = False) -> tuple[DiffResult, Side, Side]:
    """Compares two files, two folders, or (with `rev`) two git revisions of `paths`."""
    if rev is not None:
        old_rev, new_rev = parse_range(rev)
        scope = list(paths) or [Path("declarations")]
        old = from_revision(old_rev, scope)
        new = from_revision(new_rev, scope) if new_rev else from_paths(scope, "working tree")
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
    old, new = from_paths([old_path]), from_paths([new_path])
    if old_path.is_dir():
        return compare(old.declarations, new.declarations, order=order), old, new
    if not old.declarations or not new.declarations:
        return DiffResult([]), old, new
    return compare_pair(old.declarations[0], new.declarations[0], order=order), old, new


def write_redline(result: DiffResult, out: Path) -> None:
    """The new forms in their layouts, with Word tracked changes against the old ones."""
    from .atomic import write_bytes
    from .diff.redline import redline_docx

    write_bytes(out, redline_docx(result))


def write_diff(result: DiffResult, output_format: str, out: Path, old_label: str = "",
               new_label: str = "") -> None:
    """Writes the report of `result` in `output_format` (a diff reporter, or docx for the
    redline) to `out`, whole or not at all."""
    from .atomic import write_text
    from .diff.report import REPORTERS

    if output_format == "docx":
        write_redline(result, out)
    else:
        write_text(out, REPORTERS[output_format](result, old_label, new_label))


def rules() -> list[Rule]:
    return all_rules()


def schema_folder() -> Path:
    return data_dir("schema")


def schema_kinds() -> list[tuple[str, str, Path]]:
    return [(k, KIND_TITLES[k], schema_folder() / f"{k}.json") for k in KINDS]


