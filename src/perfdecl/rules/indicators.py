"""Indicators: the framework's categories are filled, and targets are measurable."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from ..domain import amount_text
from ..errors import Severity
from ..framework import REQUIRED_LEVEL1, is_cost
from ..i18n import N_, _
from ..model import Indicator, Partial
from ..targets import Target, TargetKind, is_time_like, normalise, qualified
from . import vocabulary
from .registry import Hit, field_shown, rule

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
                  hint=_("add {field} with 产出指标, 效益指标 and 满意度指标").format(
                      field=field_shown(d, "indicators", "annual")))
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
    def key(ind: Indicator) -> str:
        """One indicator, by its name: in both tables, or twice in one (I013, I015)."""
        return normalise(ind.name.value)

    untargeted: dict[str, set[str]] = defaultdict(set)  # key → its terms
    for ind in d.all_indicators():
        if ind.target is None:
            untargeted[key(ind)].add(ind.term)
    said: set[str] = set()  # one indicator in both tables, or twice: said once
    for ind in d.all_indicators():
        if ind.target is None and not d.lost((*ind.path, "target")):
            if key(ind) in said:
                continue
            said.add(key(ind))
            both = len(untargeted[key(ind)]) > 1
            message = _("indicator {name} has no target value (指标值), in the long-term "
                        "table and in the annual one") if both else \
                _("indicator {name} has no target value (指标值)")
            yield Hit(ind.name.path, message.format(name=ind.name.value))


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


MONEY_UNITS = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}
"""The units of money, each in 万元: the unit a declaration's amounts are in."""

MONEY_NAMES = vocabulary.words("money")
"""An indicator named with one of these (项目预算数, 资金总额) counts money: its figure,
when no unit is written, is an amount."""

_SLACK = Decimal("1.005")
"""Rounding a money target may carry above the amount it is measured against."""

_PLAUSIBLE = 1000
"""A unit fits a figure that is too large when it makes it at least a thousandth of the
amount asked for: 100000 on a 10万元 form is 10万元 in 元; ≤36万元 on a 12万元 form, in
元, would be a cost too small to state."""


def _money_named(ind: Indicator) -> bool:
    """A cost whose name says it counts money (项目预算数, 资金总额)."""
    return is_cost(ind.level1, ind.level2) and any(w in ind.name.value for w in MONEY_NAMES)


def money_unit(d: Partial, ind: Indicator) -> tuple[str, str] | None:
    """For a money target that cannot be right as written, (the unit it is read in, the
    unit in which it fits): a whole amount (not 人均 …, not per 人) that, in its unit or,
    with none, in the form's 万元, is more than the declaration asks for (the term's
    amount), but fits in another unit of money, the nearest below. None otherwise."""
    t = ind.target
    if not t or t.kind != TargetKind.QUANTITY or t.number is None or t.number <= 0:
        return None
    if qualified(normalise(t.text))[0]:
        return None
    if t.unit is None and not _money_named(ind):
        return None
    read = t.unit or "万元"
    if read not in MONEY_UNITS:
        return None
    total = _asked(d, ind)
    if not total or total <= 0 or t.number * MONEY_UNITS[read] <= total * _SLACK:
        return None
    fitting = [u for u in MONEY_UNITS
               if total / _PLAUSIBLE <= t.number * MONEY_UNITS[u] <= total * _SLACK]
    return (read, max(fitting, key=lambda u: MONEY_UNITS[u])) if fitting else None


def _asked(d: Partial, ind: Indicator) -> Decimal | None:
    """The amount an indicator's money is measured against: this year's 资金总额 for an
    annual one, the 项目总预算 for a long-term one (None when not given: a long-term
    target is not this year's)."""
    if d.funding is None:
        return None
    amounts = d.funding.current
    return amounts.multi_year_total if ind.term == "long_term" else amounts.total


def _written_operator(t: Target) -> str:
    """A target's operator as written: a bare figure reads as =, which it does not say."""
    return "" if t.operator == "=" and not normalise(t.text).startswith("=") \
        else t.operator or ""


@rule("I010", W, "money-unit",
      N_("a money target fits the amount asked for: 100000 on a 10万元 form is 元, not 万元"))
def money_target_unit(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        found = money_unit(d, ind)
        if found is None:
            continue
        t, (read, fits), total = ind.target, found, _asked(d, ind)
        assert t is not None and t.number is not None and total is not None
        said, fitted = t.number * MONEY_UNITS[read], t.number * MONEY_UNITS[fits]
        values = {"name": ind.name.value, "target": t.text, "read": read, "unit": fits,
                  "said": amount_text(said), "total": amount_text(total),
                  "fitted": amount_text(fitted)}
        message = _("{name} {target} has no unit: in the form's 万元 that is {said}万元, more "
                    "than the {total}万元 the declaration asks for; in {unit} it is "
                    "{fitted}万元") if t.unit is None else \
            _("{name} {target} is {said}万元, more than the {total}万元 the declaration asks "
              "for; in {unit} it would be {fitted}万元")
        # a cost without its ceiling (I006 on the same cell): the fix writes both
        ceiling = _lacks_ceiling(ind)
        operator = "≤" if ceiling else _written_operator(t)
        hint = _("write the unit it is in, as a ceiling: {written}, or in the form's unit "
                 "{in_wan}") if ceiling else \
            _("write the unit it is in: {written}, or in the form's unit {in_wan}")
        yield Hit((*ind.path, "target"), message.format(**values),
                  hint=hint.format(written=f"{operator}{amount_text(t.number)}{fits}",
                                   in_wan=f"{operator}{amount_text(fitted)}万元"))


@rule("I005", W, "target-unit", N_("a quantitative target has a unit, not a description"))
def target_unit(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t = ind.target
        if not t or t.kind not in (TargetKind.QUANTITY, TargetKind.RANGE):
            continue
        if t.unit is None:
            # else I010 says which unit it is in, or I006 says the unit and the ceiling
            if money_unit(d, ind) is None and not _lacks_ceiling(ind):
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
        if t is None or not _lacks_ceiling(ind):
            continue
        per, figure = qualified(normalise(t.text))
        figure = figure.lstrip("=≥>")
        # without a unit (I005 leaves it to this one finding): the unit it fits in
        # (I010, which says so), the form's 万元 for an amount, else the user's to give
        money = money_unit(d, ind) if t.unit is None else None
        unit = "" if t.unit is not None else money[1] if money else \
            "万元" if _money_named(ind) else None
        message = _("cost target {target} has no upper bound") if t.unit is not None or money \
            else _("cost target {target} has neither a unit nor an upper bound")
        if unit is not None:
            hint = _("a cost is a ceiling: write {ceiling}; a standard fixed by policy is "
                     "written {fixed}").format(ceiling=f"{per}≤{figure}{unit}",
                                               fixed=f"{per}={figure}{unit}")
        else:
            hint = _("give its unit and its ceiling: {per}≤{figure}元/人, {per}≤{figure}万元 …; "
                     "a standard fixed by policy is written {per}={figure} with its unit").format(
                per=per, figure=figure)
        yield Hit((*ind.path, "target"), message.format(target=t.text), hint=hint)


def _lacks_ceiling(ind: Indicator) -> bool:
    """A cost target with a figure and no upper bound, not a standard said to be fixed
    (=100元/人): what I006 finds."""
    t = ind.target
    if not (t and t.is_quantitative and is_cost(ind.level1, ind.level2)) or t.has_upper_bound:
        return False
    return not qualified(normalise(t.text))[1].startswith(("=", "等于"))


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


_PERCENT = ("%", "‰")


def _as_percent(t: Target) -> str:
    """A figure's target as a percentage, where its figure can be one (≥90 → ≥90%)."""
    if t.number is not None and t.unit is None and 0 <= t.number <= 100:
        return f"{_written_operator(t)}{amount_text(t.number)}%"
    return "≥90%"


@rule("I011", W, "satisfaction-percent",
      N_("a satisfaction target (满意度指标) is a percentage of those asked (≥90%)"))
def satisfaction_percent(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t = ind.target
        if ind.level1 == "满意度指标" and t and t.is_quantitative and t.unit not in _PERCENT:
            yield Hit((*ind.path, "target"),
                      _("satisfaction target {target} is not a percentage").format(
                          target=t.text),
                      hint=_("write the share of those asked who are satisfied: {example}")
                      .format(example=_as_percent(t)))


@rule("I012", W, "rate-target", N_("an indicator named as a rate (覆盖率, 到位率) has a rate as target"))
def rate_target(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t = ind.target
        name = normalise(ind.name.value).rstrip("。.;；")
        if ind.level1 == "满意度指标" or not name.endswith("率") or not t or \
                not t.is_quantitative or t.unit in _PERCENT:
            continue
        yield Hit((*ind.path, "target"),
                  _("{name} is a rate, but its target {target} is not").format(
                      name=ind.name.value, target=t.text),
                  hint=_("write the rate, {example}, or name the indicator after what the "
                         "figure counts").format(example=_as_percent(t)))


@rule("I013", W, "duplicate-indicator", N_("an indicator appears once in its table"))
def duplicate_indicator(d: Partial) -> Iterator[Hit]:
    for indicators in d.indicators.values():
        seen: dict[str, Indicator] = {}
        for ind in indicators:
            first = seen.setdefault(normalise(ind.name.value), ind)
            if first is ind:
                continue
            message = _("indicator {name} appears twice under {level2}").format(
                name=ind.name.value, level2=ind.level2) \
                if (first.level1, first.level2) == (ind.level1, ind.level2) else \
                _("indicator {name} appears under {first} and again under {level2}").format(
                    name=ind.name.value, level2=f"{ind.level1} › {ind.level2}",
                    first=f"{first.level1} › {first.level2}")
            yield Hit(ind.name.path, message,
                hint=_("one measure sits under one category: keep one, or name what sets "
                       "the two apart"))


TIME_NAMES = vocabulary.words("time")
"""Words by which an indicator under 时效指标 measures when, not how much."""

ECOLOGY_NAMES = vocabulary.words("ecology")
"""Words by which an indicator under 生态效益指标 measures an effect on the environment."""


@rule("I014", W, "rate-placement",
      N_("a share of work done sits under 质量指标, not under 时效指标 or 生态效益指标"))
def rate_placement(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t, name = ind.target, normalise(ind.name.value)
        if not t or t.kind != TargetKind.QUANTITY or t.unit not in _PERCENT:
            continue
        if ind.level2 == "时效指标" and not any(w in name for w in TIME_NAMES):
            why = _("时效指标 measure when (及时率, 按时完成率), not how much")
        elif ind.level2 == "生态效益指标" and not any(w in name for w in ECOLOGY_NAMES):
            why = _("生态效益指标 measure effects on the environment")
        else:
            continue
        yield Hit(ind.name.path, _("{name} {target} sits under {level2}: {why}").format(
                      name=ind.name.value, target=t.text, level2=ind.level2, why=why),
                  hint=_("move it under 产出指标 › 质量指标, or measure what its category asks"))
