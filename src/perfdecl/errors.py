"""Errors and findings.

A *finding* is something `check` reports about a declaration: a YAML problem, a schema
violation or a budget rule, with the place it points at. A *PerfdeclError* is a failure
of the tool's own work (a bad command line, an unusable output folder); the CLI turns
it into a message and an exit code, never a traceback.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

DataPath = tuple[str | int, ...]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Waiver:
    """Why a finding is waived: `inline` (a `# perfdecl: ignore[…]` comment, with its
    reason) or `config` (not selected in the repository's [check] settings)."""

    how: str
    reason: str


@dataclass(frozen=True)
class Finding:
    """One problem found in one file, pointing at a line and column (1-based); line and
    column 0 when it is about the path as a whole rather than a place in it (a folder
    without declarations, a file that cannot be read, a link out): the reporters then
    name the path alone, and JSON gives 0 for both."""

    code: str
    severity: Severity
    message: str
    file: Path
    line: int = 1
    column: int = 1
    path: DataPath = ()
    hint: str | None = None
    related: tuple[Path, ...] = field(default=())
    """Other declarations' files the finding is about (the one a text was copied from)."""
    label: str = ""
    """The label the declaration's form prints beside the value at `path` (资金总额),
    where its layout's record knows it: the reader finds the place on the paper."""
    waived: Waiver | None = None
    """Set on a finding the repository waives (waivers.py): reported as suppressed."""

    @property
    def dotted_path(self) -> str:
        """The data path as `indicators.annual.产出指标.数量指标[0].target`."""
        return dotted(self.path)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.file), self.line, self.column, self.code)


def dotted(path: DataPath) -> str:
    """A data path as `indicators.annual.产出指标.数量指标[0].target`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class PerfdeclError(Exception):
    """Base of every error the tool raises on purpose; the CLI prints it and exits 1."""

    exit_code = 1


class UsageError(PerfdeclError):
    """Raised when the command line asks for something impossible (a missing path,
    an unknown format); the CLI exits 2 as for any wrong usage."""

    exit_code = 2
