"""One change and how it is told: amounts by difference and percentage, texts character
by character, targets as parsed values (≥90% → ≥95% tightens; 180元/人/天 → ≤170元/人/天
lowers the figure and tightens), and a change that only moves years on as such."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..domain import amount_text
from ..i18n import _
from ..targets import Target, TargetKind, parse
from .text import Segment, segments, similarity, year_shift

ADDED, REMOVED, CHANGED, RENAMED, MOVED, REORDERED = (
    "added", "removed", "changed", "renamed", "moved", "reordered")


@dataclass(frozen=True)
class Change:
    """One difference between two declarations."""

    where: tuple[str, ...]  # human labels: 资金 › 资金总额
    key: str  # data path: funding.total, schedule[丧葬费补贴].task
    kind: str
    old: str | None = None
    new: str | None = None
    note: str | None = None
    segments: tuple[Segment, ...] = ()
    delta: Decimal | None = None
    percent: Decimal | None = None
    years: int | None = None  # the change only moves years on, by this many
    carried: bool = False  # last year's target kept as its history, as roll-forward writes

    @property
    def label(self) -> str:
        return " › ".join(self.where)


def show(value: Any) -> str:
    """A value as a reviewer reads it: 74, 25.5, 2019-01, lists joined by 、."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return amount_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(show(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{show(v)}" for v in value.values())
    return str(value)


def amount_change(where: tuple[str, ...], key: str, old: Decimal, new: Decimal) -> Change:
    delta = new - old
    percent = (delta / old * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if old else None
    if percent is not None and percent.is_zero():  # -0.04 % rounds to -0.0: it is 0.0
        percent = percent.copy_abs()
    sign = "+" if delta > 0 else ""
    if percent is None:
        note = _("{difference} 万元").format(difference=f"{sign}{show(delta)}")
    else:
        note = _("{difference} 万元 ({percent}%)").format(difference=f"{sign}{show(delta)}",
                                                        percent=f"{sign}{percent}")
    return Change(where, key, CHANGED, show(old), show(new), note, delta=delta, percent=percent)


_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")
"""A date or a month as declarations write them (2019-05-21, 2019-01): a value, not text."""


def inline(old: str, new: str) -> tuple[Segment, ...]:
    """Character changes, when the texts are long and alike enough for them to help;
    short or unrelated values, and dates, read better as old → new (2019-05-21 →
    2020-06-18, not 20[-19-]{+20+}-0…)."""
    if max(len(old), len(new)) < 6 or similarity(old, new) < 0.5 or \
            (_DATE.fullmatch(old) and _DATE.fullmatch(new)):
        return ()
    return tuple(segments(old, new))


def text_change(where: tuple[str, ...], key: str, old: str, new: str) -> Change:
    shift = year_shift(old, new)
    note = _years_moved(shift) if shift else None
    return Change(where, key, CHANGED, old, new, note, inline(old, new), years=shift)


def _years_moved(shift: int) -> str:
    return _("years moved on by {years}").format(years=shift)


def target_change(where: tuple[str, ...], key: str, old: str, new: str) -> Change:
    before, after = parse(old), parse(new)
    # ≥2000人 → ≥2001人 is a figure raised, not a year moved on (which is counted, not listed)
    figures = before.is_quantitative or after.is_quantitative
    shift = None if figures else year_shift(old, new)
    if shift:
        return Change(where, key, CHANGED, old, new, _years_moved(shift),
                      inline(old, new), years=shift)
    qualitative = before.kind == after.kind == TargetKind.TEXT  # figures read better whole
    return Change(where, key, CHANGED, old, new, judge(before, after),
                  inline(old, new) if qualitative else ())


def judge(old: Target, new: Target) -> str | None:
    """What a target change means: tightened, loosened, or which part changed."""
    if old.kind != new.kind:
        if new.is_quantitative and not old.is_quantitative:
            return _("now measurable")
        if old.is_quantitative and not new.is_quantitative:
            return _("no longer measurable")
        return None
    if old.kind == TargetKind.DEADLINE and old.year and new.year:
        return _("deadline later") if new.year > old.year else _("deadline earlier")
    if old.kind != TargetKind.QUANTITY:
        return None
    assert old.operator is not None and new.operator is not None
    notes = []
    reversed_ = BINDS[old.operator] * BINDS[new.operator] < 0
    if old.operator != new.operator:
        notes.append((_("bound reversed {old} → {new}") if reversed_ else
                      _("operator {old} → {new}")).format(old=old.operator, new=new.operator))
    figures = _in_one_unit(old, new)
    if (old.unit or "") != (new.unit or ""):
        units = {"old": old.unit or "—", "new": new.unit or "—"}
        notes.append(_("unit {old} → {new}").format(**units) if figures is None else
                     _("unit {old} → {new}: {old_figure} → {new_figure} {unit}").format(
                         **units, old_figure=show(figures[0]), new_figure=show(figures[1]),
                         unit=figures[2]))
    if figures is not None:
        verdict = None if reversed_ else _verdict(old, new, figures[0], figures[1])
        higher = figures[1] > figures[0]
        if figures[0] != figures[1] and old.operator != new.operator:  # both changed: say both
            notes.append(_("figure raised") if higher else _("figure lowered"))
        elif figures[0] != figures[1] and verdict is None:  # two figures: 98% → 100%
            notes.append(_("raised") if higher else _("lowered"))
        notes += [verdict] if verdict else []
    return functools.reduce(lambda first, then: _("{first}; {then}").format(
        first=first, then=then), notes) if notes else None


BINDS = {"≥": 1, ">": 1, "≤": -1, "<": -1, "=": 0}
"""Which way a target binds: a floor (at least), a ceiling (at most), or a figure to reach."""

SCALES = (("千万", 10 ** 7), ("百万", 10 ** 6), ("亿", 10 ** 8), ("万", 10 ** 4), ("千", 10 ** 3))
"""Unit prefixes that multiply: 万元 is 10000 元, 万人 10000 人."""


def _verdict(old: Target, new: Target, before: Decimal, after: Decimal) -> str | None:
    """Tightened or loosened, for two bounds the same way (a figure, =, read as a bound
    the other side's way: 180 → ≤170 caps lower, so tightens); None for two figures."""
    binds = BINDS[old.operator or "="] or BINDS[new.operator or "="]
    if binds == 0:
        return None
    strict = {">", "<"}
    tighter = (binds * after, new.operator in strict) > (binds * before, old.operator in strict)
    looser = (binds * after, new.operator in strict) < (binds * before, old.operator in strict)
    return _("tightened") if tighter else _("loosened") if looser else None


def _in_one_unit(old: Target, new: Target) -> tuple[Decimal, Decimal, str] | None:
    """The two figures in one unit: as written when the units agree, scaled when one unit
    is a multiple of the other (元 and 万元, 人 and 万人); None when they do not compare
    (人 and 户, a figure without a unit and one with)."""
    assert old.number is not None and new.number is not None
    if (old.unit or "") == (new.unit or ""):
        return old.number, new.number, old.unit or ""
    (old_factor, old_base), (new_factor, new_base) = _scaled(old.unit), _scaled(new.unit)
    if not old_base or old_base != new_base:
        return None
    return old.number * old_factor, new.number * new_factor, old_base


def _scaled(unit: str | None) -> tuple[int, str]:
    for prefix, factor in SCALES:
        if unit and unit.startswith(prefix) and len(unit) > len(prefix):
            return factor, unit[len(prefix):]
    return 1, unit or ""
