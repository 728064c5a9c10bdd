"""What a layout is given: the declaration as watched views (`data`, `get()`, the typed
`d`), the filters that write amounts, months and tick boxes as the paper forms do, and the
indicator rows laid out on a generation of the framework, alone or two side by side."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import jinja2

from .domain import GENERATIONS, NEW, OLD, amount_text, unsigned
from .i18n import _
from .model import Declaration, Indicator
from .printed import Reads
from .schema import navigator
from .targets import normalise

# ---------------------------------------------------------------------------- filters


def wan(value: Any, places: int = 2) -> str:
    """An amount in 万元 with fixed decimals, as forms print it: 74 → 74.00."""
    if value is None or value == "":
        return ""
    quantum = Decimal(1).scaleb(-places)
    return str(unsigned(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)))


def plain(value: Any) -> str:
    """An amount without trailing zeros: 25.50 → 25.5, 74.00 → 74."""
    if value is None or value == "":
        return ""
    return amount_text(Decimal(str(value)))


def yuan(value: Any, per: int = 10_000) -> str:
    """An amount in 万元 printed in 元 (per=10000) or 千元 (per=10), for a form whose
    money unit is that: 7.45 → 74500."""
    if value is None or value == "":
        return ""
    return amount_text(Decimal(str(value)) * per)


def month(value: Any, style: str = "dot") -> str:
    """2019-01 → 2019.1 (dot) or 2019年1月 (cn); 2019 stays 2019 / 2019年."""
    if not value:
        return ""
    year, _dash, mon = str(value).partition("-")
    if style == "cn":
        return f"{year}年{int(mon)}月" if mon else f"{year}年"
    return f"{year}.{int(mon)}" if mon else year


def period(value: Any, style: str = "dot") -> str:
    """A period as forms write it: 2019.1-2019.12, or 2023年一年 for one calendar year."""
    if not value:
        return ""
    start, end = str(value["start"]), str(value["end"])
    if style == "year" and start[:4] == end[:4] and start[5:] in ("", "01") and \
            end[5:] in ("", "12"):
        return f"{start[:4]}年一年"
    if style in ("cn", "year"):
        return f"{month(start, 'cn')}至{month(end, 'cn')}"
    return f"{month(start)}-{month(end)}"


def date_cn(value: Any) -> str:
    """2019-05-21 → 2019年5月21日."""
    if not value:
        return ""
    year, mon, day = str(value).split("-")
    return f"{year}年{int(mon)}月{int(day)}日"


def box(checked: bool) -> str:
    """The paper forms' tick box: √ when chosen, □ when not."""
    return "√" if checked else "□"


def blank(value: Any) -> Any:
    """The value, or an empty string for None: cells the form leaves blank."""
    return "" if value is None else value


FILTERS: dict[str, Callable[..., Any]] = {
    "wan": wan, "plain": plain, "yuan": yuan, "month": month, "period": period, "date_cn": date_cn,
    "blank": blank,
}


# ------------------------------------------------------------------------ the context


@dataclass
class IndicatorRow:
    """One row of an indicator table. The level-1 and level-2 labels are set on the
    first row of their group only, with the number of rows they span."""

    level1: str
    level2: str
    indicator: Indicator | None
    level1_label: str | None = None
    level1_span: int = 0
    level2_label: str | None = None
    level2_span: int = 0
    filler: bool = False
    earlier: Callable[[int], Declaration | None] | None = None
    reads: Reads | None = None

    def _read(self, field: str) -> None:
        if self.indicator and self.reads:
            self.reads.add((*self.indicator.path, field))

    @property
    def name(self) -> str:
        self._read("name")
        return self.indicator.name.value if self.indicator else ""

    @property
    def target(self) -> str:
        self._read("target")
        return self.indicator.target.text if self.indicator and self.indicator.target else ""

    @property
    def standard(self) -> str:
        self._read("standard")
        return self.indicator.standard or "" if self.indicator else ""

    @property
    def note(self) -> str:
        self._read("note")
        return self.indicator.note or "" if self.indicator else ""

    def history(self, year: int) -> str:
        """The value of `year` (前年, 上年): as written in the declaration, else the target
        the same indicator had in that year's declaration of the same id."""
        ind = self.indicator
        if not ind:
            return ""
        typed = next((h for h in ind.history if h.year == year), None)
        if typed is not None:
            if self.reads:  # the year chose the column it is printed in
                self.reads.add((*typed.path, "year"))
                self.reads.add((*typed.path, "value"))
            return typed.value.text
        before = self.earlier(year) if self.earlier else None
        if before is None:
            return ""
        candidates = [i for i in before.indicators.get(ind.term, ()) if
                      same_text(i.name.value, ind.name.value)]
        best: Indicator | None = next((i for i in candidates if i.level2 == ind.level2),
                                      None) or \
            (candidates[0] if candidates else None)
        return best.target.text if best and best.target else ""




@dataclass
class FormContext:
    declaration: Declaration
    unit: Sequence[Declaration] = field(default_factory=list)
    earlier: Callable[[int], Declaration | None] | None = None
    """The declaration of the same id in an earlier fiscal year, if the repository has it."""
    reads: Reads = field(default_factory=Reads)
    """What the template read of the declaration."""

    def funding_in(self, year: int) -> Any:
        """The amounts of an earlier year (近两年收支金额): as written in the declaration's
        funding history, else from that year's declaration of the same id."""
        funding = self.declaration.funding
        typed = next((a for a in funding.history if a.year == year), None) if funding else None
        if typed is not None:
            self.reads.add((*typed.path, "year"))  # the year chose the column it is printed in
            return self.reads.model(typed)
        before = self.earlier(year) if self.earlier else None
        return before.funding.current if before and before.funding else None

    def get(self, dotted: str, default: Any = "") -> Any:
        """A value of the declaration by its dotted path (`leader.phone`), or `default`
        when the form leaves it blank. A path the kind's schema does not know is a
        template error, as an unknown variable is: `funding.totl` would otherwise print
        a blank where the amount belongs."""
        node: Any = self.declaration.data
        path: list[str | int] = []
        for part in dotted.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
                path.append(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
                path.append(int(part))
            else:
                wanted = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
                if navigator(self.declaration.kind).at(wanted) is None:
                    raise jinja2.UndefinedError(_(
                        "get({path!r}): no such field in a {kind} declaration").format(
                        path=dotted, kind=self.declaration.kind))
                self.reads.ask(wanted)  # a cell or box the form prints blank
                return default
        return self.reads.watch(node, tuple(path))

    def indicator_rows(self, term: str = "annual", generation: str = OLD, *,
                       skeleton: bool = True, order: Iterable[str] | None = None,
                       labels: dict[str, str] | None = None,
                       fillers: dict[str, str] | None = None,
                       pad: int = 1,
                       shown: Iterable[str] | None = None) -> list[IndicatorRow]:
        """The rows of the indicator table for `term` (annual or long_term), laid out on
        the framework `generation` the layout prints (old: 成本 under 产出; new: 成本 as
        level 1), whatever generation the declaration was written in.

        skeleton: a row for every level-2 category, empty where nothing is declared
        (as the paper forms print them). order: the level-1 categories in the form's
        order. labels: the form's own wording of a category. fillers: an extra row at the
        end of a level-1 group, such as "…". pad: the rows a category takes at least,
        blank ones after its indicators, where a form prints a fixed block (指标1, 指标2,
        指标3 under each category); a category with more indicators takes more rows.
        shown: the level-2 categories the form prints when nothing is declared in them
        (default: all, with skeleton); the others print only with an indicator.
        """
        layout = GENERATIONS[generation]
        level1s = list(order) if order is not None else list(layout)
        names = labels or {}
        empty = set(shown) if shown is not None else None
        placed: dict[tuple[str, str], list[Indicator]] = {}
        for ind in self.declaration.indicators.get(term, ()):
            placed.setdefault(_place(ind, generation), []).append(ind)
        rows: list[IndicatorRow] = []
        for level1 in level1s:
            group: list[IndicatorRow] = []
            for level2 in layout.get(level1, ()):
                found = placed.get((level1, level2), [])
                if not found and (not skeleton or (empty is not None and level2 not in empty)):
                    continue
                items: list[Indicator | None] = list(found) or [None]
                items += [None] * (pad - len(items))
                first = len(group)
                for item in items:
                    group.append(IndicatorRow(level1, level2, item))
                group[first].level2_label = names.get(level2, level2)
                group[first].level2_span = len(items)
            if fillers and level1 in fillers and (group or skeleton):
                group.append(IndicatorRow(level1, fillers[level1], None,
                                          level2_label=fillers[level1], level2_span=1,
                                          filler=True))
            if group:
                group[0].level1_label = names.get(level1, level1)
                group[0].level1_span = len(group)
            rows += group
        for row in rows:
            row.earlier = self.earlier
            row.reads = self.reads
        return rows

    def indicator_pairs(self, generation: str = OLD, *, left: str = "long_term",
                        right: str = "annual", order: Iterable[str] | None = None,
                        labels: dict[str, str] | None = None,
                        pad: int = 1) -> list[IndicatorPair]:
        """Two indicator tables side by side, such as 中期 | 年度 on the national project
        form: one row per line, the level-1 label spanning its group on both sides; each
        level-2 category takes as many rows as the longer of its two sides, and its label
        spans them on each side. Every level-2 category of `generation` has a row, or
        `pad` rows at least (as indicator_rows)."""
        names = labels or {}
        sides = [_by_category(self.indicator_rows(term, generation, order=order, pad=pad))
                 for term in (left, right)]
        pairs: list[IndicatorPair] = []
        for (level1, level2), lefts in sides[0].items():
            rights = sides[1][(level1, level2)]
            height = max(len(lefts), len(rights))
            for i in range(height):
                cells = [rows[i] if i < len(rows) else IndicatorRow(level1, level2, None)
                         for rows in (lefts, rights)]
                for cell in cells:
                    cell.level2_label = names.get(level2, level2) if i == 0 else None
                    cell.level2_span = height if i == 0 else 0
                pairs.append(IndicatorPair(level1, cells[0], cells[1]))
        for level1 in dict.fromkeys(p.level1 for p in pairs):
            group = [p for p in pairs if p.level1 == level1]
            group[0].level1_label = names.get(level1, level1)
            group[0].level1_span = len(group)
        return pairs


@dataclass
class IndicatorPair:
    """One row of two indicator tables side by side: the level-1 label (on the first row
    of its group, with the rows it spans) and each side's cells (IndicatorRow)."""

    level1: str
    left: IndicatorRow
    right: IndicatorRow
    level1_label: str | None = None
    level1_span: int = 0


def _by_category(rows: list[IndicatorRow]) -> dict[tuple[str, str], list[IndicatorRow]]:
    found: dict[tuple[str, str], list[IndicatorRow]] = {}
    for row in rows:
        found.setdefault((row.level1, row.level2), []).append(row)
    return found


def _place(ind: Indicator, generation: str) -> tuple[str, str]:
    """Where an indicator sits on a form of `generation`: a cost indicator written in the
    other generation moves to that generation's cost category."""
    if generation == OLD and ind.level1 == "成本指标":
        return ("产出指标", "成本指标")
    if generation == NEW and ind.level1 == "产出指标" and ind.level2 == "成本指标":
        return ("成本指标", "经济成本指标")
    return (ind.level1, ind.level2)


def same_text(a: str, b: str) -> bool:
    return normalise(a) == normalise(b)
