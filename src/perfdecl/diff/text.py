"""Text changes, character by character: Chinese has no spaces to split words on.

A change that only moves years on (2023年底前 → 2024年底前, or every year of a text
moved by the same amount) is recognised as such, so a roll-forward does not show as
noise.

Whether two names (or two list items) are one thing renamed is judged by what they share
beyond the domain's common words: 记实准确率 and 补贴到位率 share only 率, which is no
evidence at all.
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


GENERIC = (
    # what kind of measure
    "指标", "满意度", "满意率", "人数", "户数", "次数", "人次", "个数", "数量", "金额", "比例",
    "比率", "占比", "时间", "时限", "期限", "情况", "水平", "程度", "能力", "效率",
    # how, and to what end
    "完成", "及时", "按时", "按期", "有所", "提升", "提高", "进一步", "确保", "保障", "开展",
    "有效", "用于", "项目", "工作",
    # what for, and for whom
    "资金", "经费", "费用", "补助", "补贴", "人员",
    "的", "和", "与", "及", "等",
)
"""Words that many unrelated indicator names and list items of budget declarations share:
the kind of measure (率, 人数, 满意度), the manner (及时, 完成), the money (资金, 补贴).
Characters in common there are no evidence that two texts name one thing."""

_GENERIC = re.compile("|".join(re.escape(w) for w in sorted(GENERIC, key=len, reverse=True)))
_MEASURE = "率数量度"
"""A measure word when it ends a name: 覆盖率, 寄信数, 寄信量 (but 数据, 度假 elsewhere)."""

ALIKE = 0.6
"""The share of their characters two names must have in common to be one renamed."""


@dataclass(frozen=True)
class Likeness:
    """What two texts have in common, as evidence that they name one thing."""

    ratio: float  # the share of their characters in common, as `similarity`
    meaningful: int  # characters in common outside the domain's words, figures and punctuation
    kept: bool  # the shorter text kept whole in the longer: a qualifier added or dropped

    @property
    def alike(self) -> bool:
        """Enough in common, and more than the domain's words: two meaningful characters,
        or one name kept whole in the other (满意度 → 服务对象满意度)."""
        return self.ratio >= ALIKE and (self.meaningful >= 2 or self.kept)


def likeness(old: str, new: str) -> Likeness:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    blocks = matcher.get_matching_blocks()
    common = sum(block.size for block in blocks)
    generic_old, generic_new = _generic(old), _generic(new)
    meaningful = sum(not generic_old[i + k] and not generic_new[j + k]
                     for i, j, size in blocks for k in range(size))
    shorter = min(len(old), len(new))
    return Likeness(matcher.ratio(), meaningful, shorter >= 2 and common == shorter)


def _generic(text: str) -> list[bool]:
    """For each character: is it no evidence of identity? The domain's words, a closing
    measure word, figures (2022 and 2024 share 2, 0 and 2 by chance) and punctuation."""
    mask = [not ch.isalpha() for ch in text]
    for found in _GENERIC.finditer(text):
        mask[found.start():found.end()] = [True] * (found.end() - found.start())
    last = max((i for i, ch in enumerate(text) if ch.isalpha()), default=None)
    if last is not None and text[last] in _MEASURE:
        mask[last] = True
    return mask


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
