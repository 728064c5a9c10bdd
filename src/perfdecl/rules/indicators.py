"""Indicators: the framework's categories are filled, and targets are measurable."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import Severity
from ..framework import REQUIRED_LEVEL1, is_cost
from ..i18n import N_, _
from ..model import Partial
from ..targets import TargetKind, is_time_like, normalise, qualified
from .registry import Hit, rule

E, W = Severity.ERROR, Severity.WARNING

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LEVEL1_HINTS = {"产出指标": N_("state what the money buys: 数量, 质量, 时效"),
                 "效益指标": N_("state what it achieves: 社会效益, 经济效益 …"),
                 "满意度指标": N_("state whom it serves: 服务对象满意度 ≥90% …")}
"""What to add when a level-1 category has no indicator."""


@rule("I002", W, "categories-present",
      N_("at least one indicator under each of 产出指标, 效益指标 and 满意度指标"))
def categories_present(d: Partial) -> Iterator[Hit]:
    if not d.indicators and not d.lost(("indicators",)):
        yield Hit(("indicators",), _("no performance indicators (绩效指标) at all"), missing=True,
                  hint=_("add `indicators.annual` with 产出指标, 效益指标 and 满意度指标"))
        return
    term = next((t for t in ("annual", "long_term")
                 if t in d.indicators or d.lost(("indicators", t))), None)
    if term is None:
        return  # nothing of the indicators validated: the schema's findings say why
    present = {ind.level1 for ind in d.indicators.get(term, ())}
    for level1 in REQUIRED_LEVEL1:
        if level1 not in present and not d.lost(("indicators", term, level1)):
            yield Hit(("indicators", term),
                      _("no indicator under {level1}").format(level1=level1), key=True,
                      hint=_(_LEVEL1_HINTS[level1]))


@rule("I003", W, "target-present", N_("every indicator has a target value (指标值)"))
def target_present(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        if ind.target is None and not d.lost((*ind.path, "target")):
            yield Hit(ind.name.path, _("indicator {name} has no target value (指标值)")
                      .format(name=ind.name.value))


@rule("I004", W, "target-measurable",
      N_("a target with figures reads as operator, number and unit (≥1500人), nothing else"))
def target_measurable(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t = ind.target
        if t and t.kind == TargetKind.UNPARSED:
            yield Hit((*ind.path, "target"),
                      _("target {target} mixes words with figures").format(target=t.text),
                      hint=_("write one measurable value such as ≥900人 or ≤46元/人/月, "
                             "and move the words into the indicator's name"))


@rule("I005", W, "target-unit", N_("a quantitative target has a unit, not a description"))
def target_unit(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t = ind.target
        if not t or t.kind not in (TargetKind.QUANTITY, TargetKind.RANGE):
            continue
        if t.unit is None:
            yield Hit((*ind.path, "target"),
                      _("target {target} has no unit").format(target=t.text),
                      hint=_("add the unit: 人, 户, %, 元, 万元 …"))
        elif len(_CJK.findall(t.unit)) > 4:
            yield Hit((*ind.path, "target"),
                      _("target {target}: the unit {unit} reads like a description").format(
                          target=t.text, unit=t.unit),
                      hint=_("keep the unit short (人, 名) and put the description in the name"))


@rule("I006", W, "cost-upper-bound", N_("cost targets (成本指标) carry an upper bound (≤)"))
def cost_upper_bound(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t = ind.target
        if not (t and t.is_quantitative and is_cost(ind.level1, ind.level2)) or \
                t.has_upper_bound:
            continue
        per, figure = qualified(normalise(t.text))
        if figure.startswith(("=", "等于")):  # a standard fixed by policy, said so
            continue
        figure = figure.lstrip("=≥>")
        yield Hit((*ind.path, "target"),
                  _("cost target {target} has no upper bound").format(target=t.text),
                  hint=_("a cost is a ceiling: write {ceiling}; a standard fixed by policy "
                         "is written {fixed}").format(ceiling=f"{per}≤{figure}",
                                                      fixed=f"{per}={figure}"))


@rule("I007", W, "time-target-placement",
      N_("time targets (按时, 当年, 2023年底前) sit under 时效指标"))
def time_target_placement(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        if ind.target and is_time_like(ind.target) and ind.level2 != "时效指标":
            yield Hit((*ind.path, "target"),
                      _("the time target {target} sits under {level2}").format(
                          target=ind.target.text, level2=ind.level2),
                      hint=_("time targets belong under 产出指标 › 时效指标"))


@rule("I008", W, "target-not-name",
      N_("a target says how much, it does not repeat the indicator"))
def target_not_name(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        if ind.target and normalise(ind.target.text) == normalise(ind.name.value):
            yield Hit((*ind.path, "target"), _("the target repeats the indicator's name"),
                      hint=_("state the level to reach, e.g. ≥95% or a date"))


@rule("I009", W, "one-framework", N_("成本指标 is either level 1 or under 产出指标, not both"))
def one_framework(d: Partial) -> Iterator[Hit]:
    for indicators in d.indicators.values():
        old = [i for i in indicators if i.level1 == "产出指标" and i.level2 == "成本指标"]
        new = [i for i in indicators if i.level1 == "成本指标"]
        if old and new:
            yield Hit(old[0].path[:4], _("成本指标 appears both as level 1 and under 产出指标"),
                      hint=_("use one generation of the framework in a declaration"), key=True)
