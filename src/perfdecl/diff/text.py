"""Text changes, character by character: Chinese has no spaces to split words on.

A change that only moves years on (2023年底前 → 2024年底前, or every year of a text
moved by the same amount) is recognised as such, so a roll-forward does not show as
noise.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class Segment:
    """A run of text that is the same on both sides, only old, or only new."""

    op: str  # "equal", "delete" or "insert"
    text: str


def segments(old: str, new: str) -> list[Segment]:
    """The character-level difference of two texts, as runs."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(Segment("equal", old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            out.append(Segment("delete", old[i1:i2]))
        if tag in ("insert", "replace"):
            out.append(Segment("insert", new[j1:j2]))
    return _tidy(out)


def _tidy(runs: list[Segment]) -> list[Segment]:
    """Reads a stretch of changes as one: a single unchanged character caught between two
    changes joins them, and the stretch shows all its old text, then all its new text
    (`保障本年发放` → `确保全年发放` reads as [保障本年→确保全年]发放, not as three changes)."""
    out: list[Segment] = []
    old: list[str] = []
    new: list[str] = []

    def flush() -> None:
        if old or new:
            if "".join(old):
                out.append(Segment("delete", "".join(old)))
            if "".join(new):
                out.append(Segment("insert", "".join(new)))
            old.clear()
            new.clear()

    for i, run in enumerate(runs):
        lone = (run.op == "equal" and len(run.text) == 1 and 0 < i < len(runs) - 1
                and runs[i - 1].op != "equal" and runs[i + 1].op != "equal")
        if run.op == "equal" and not lone:
            flush()
            out.append(run)
            continue
        if run.op in ("delete", "equal"):
            old.append(run.text)
        if run.op in ("insert", "equal"):
            new.append(run.text)
    flush()
    return out


def similarity(old: str, new: str) -> float:
    return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio()


def year_shift(old: str, new: str) -> int | None:
    """By how many years every year in `old` moved to give `new` (None if the texts
    differ otherwise, or have no years, or did not move)."""
    old_years = [int(m.group(0)) for m in _YEAR.finditer(old)]
    new_years = [int(m.group(0)) for m in _YEAR.finditer(new)]
    if not old_years or len(old_years) != len(new_years):
        return None
    shifts = {b - a for a, b in zip(old_years, new_years, strict=True)}
    if len(shifts) != 1 or 0 in shifts:
        return None
    shift = shifts.pop()
    moved = _YEAR.sub(lambda m: str(int(m.group(0)) + shift), old)
    return shift if moved == new else None
