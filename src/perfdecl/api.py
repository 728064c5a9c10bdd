"""The library face of perfdecl: what the CLI calls, and what other programs may call."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .check import CheckResult, discover
from .check import check as _check
from .errors import Finding, PerfdeclError, UsageError
from .fmt import format_file
from .resources import data_dir
from .rules import Rule, all_rules
from .schema import KIND_TITLES, KINDS, schema_of, schema_texts

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


def rules() -> list[Rule]:
    return all_rules()


def schema_folder() -> Path:
    return data_dir("schema")


def schema_kinds() -> list[tuple[str, str, Path]]:
    return [(k, KIND_TITLES[k], schema_folder() / f"{k}.json") for k in KINDS]


def bundled_schema(kind: str) -> dict[str, Any]:
    """The schema of `kind` with the shared definitions copied in: one self-contained
    document for tools that do not follow references to other files."""
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    common = json.loads(schema_texts()["common.json"])["$defs"]
    text = json.dumps(schema_of(kind), ensure_ascii=False)
    text = text.replace('"common.json#/$defs/', '"#/$defs/')
    bundled: dict[str, Any] = json.loads(text)
    bundled["$defs"] = {**common, **bundled.get("$defs", {})}
    return bundled
