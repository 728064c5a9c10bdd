"""与预算匹配: the amount asked against what the declaration says it pays for.

A reviewer multiplies: 5500人 × 7.5元/人/月 × 12个月 = 49.5万元 against the 74万元 asked,
160人 × 3.1万元/人 = 496万元 against 500万元. Where a declaration's own words give one
standard per person and one head count (in a 测算依据, the 项目概况 or a target), A009
makes that product and compares it with the amount, within TOLERANCE. A calculation
written out (1200人×100元/人=12万元) must hold: W009.

The figures are read, not guessed: a text with two standards or two counts is left
alone, as is a standard with no money unit (85每人每月).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..domain import amount_text
from ..errors import DataPath, Severity
from ..i18n import N_, _
from ..model import Partial
from .registry import Hit, rule

W = Severity.WARNING

TOLERANCE = Decimal("0.005")
"""How far the product may be from the amount, as a share of the amount: rounding of
the stated figures (2083元 × 12 = 24996元 for 2.5万元), not a missing 4万元."""

_NUMBER = r"(\d+(?:\.\d+)?)"
_MONEY = re.compile(_NUMBER + r"\s*(万元|万|元)")
_COUNT = re.compile(r"(?<![\d./每])" + _NUMBER + r"\s*(人|户|名)(?![/次均])")
_PER_PERSON_BEFORE = re.compile(r"(人均|每人|每名|每户|平均每人|人平)[^，。；,;]{0,8}$")
_PER_PERSON_AFTER = re.compile(r"^\s*(/\s*(人|户|名)|每人|每户|每名)")
_PER_MONTH = re.compile(r"^\s*(/\s*(人|户|名))?\s*(/\s*月|每月)|^\s*每人每月|^\s*每户每月")
_MONTH_BEFORE = re.compile(r"每月[^，。；,;]{0,6}$")
_PRODUCT = re.compile(r"((?:\d+(?:\.\d+)?\s*[^\d×xX*=＝，。；,;]{0,6}\s*[×xX*]\s*)+"
                      r"\d+(?:\.\d+)?\s*[^\d×xX*=＝，。；,;]{0,6})\s*[=＝]\s*"
                      + _NUMBER + r"\s*(万元|万|元)?")


@dataclass(frozen=True)
class Standard:
    value: Decimal
    """In 万元."""
    monthly: bool
    text: str
    bound: str = "="
    """= for a figure, ≤ for a ceiling (≤100元/人, 不超过), ≥ for a floor (≥1200人)."""


@dataclass(frozen=True)
class Count:
    value: Decimal
    bound: str = "="


_CEILING_WORDS = re.compile(r"(≤|<|不超过|不高于|不多于|最多|控制在)\s*$")
_FLOOR_WORDS = re.compile(r"(≥|>|不低于|不少于|至少|达到|超过)\s*$")
_CEILING_AFTER = re.compile(r"^[^，。；,;\d]{0,4}?(以内|以下|之内)")
_FLOOR_AFTER = re.compile(r"^[^，。；,;\d]{0,4}?(以上)")


def _bound(before: str, after: str) -> str:
    if _CEILING_WORDS.search(before) or _CEILING_AFTER.match(after):
        return "≤"
    if _FLOOR_WORDS.search(before) or _FLOOR_AFTER.match(after):
        return "≥"
    return "="


def _wan(number: str, unit: str) -> Decimal:
    value = Decimal(number)
    return value if unit.startswith("万") else value / 10_000


def standards(text: str) -> list[Standard]:
    """The money figures of `text` that are per person (or household): 7.5元每人每月,
    人均1474元/月, 每人记实金额3.1万元."""
    out = []
    for m in _MONEY.finditer(text):
        before, after = text[max(0, m.start() - 12):m.start()], text[m.end():m.end() + 8]
        if _PER_PERSON_AFTER.match(after) or _PER_PERSON_BEFORE.search(before):
            monthly = bool(_PER_MONTH.match(after) or _MONTH_BEFORE.search(before))
            unit = "万元" if m.group(2).startswith("万") else "元"
            out.append(Standard(_wan(m.group(1), m.group(2)), monthly,
                                f"{m.group(1)}{unit}/人" + ("/月" if monthly else ""),
                                _bound(before, after)))
    return out


def counts(text: str) -> set[Count]:
    """The head counts of `text`: 5500人, 共有13人, 人数160人, ≥1200人 (not 100元/人)."""
    return {Count(Decimal(m.group(1)), _bound(text[max(0, m.start() - 6):m.start()],
                                              text[m.end():m.end() + 6]))
            for m in _COUNT.finditer(text)}


@rule("A009", W, "amount-matches-basis",
      N_("the amount asked matches standard × head count where the declaration gives "
         "both (与预算匹配)"))
def amount_matches_basis(d: Partial) -> Iterator[Hit]:
    e = d.expenses
    lines = [line for line in (e.items if e else ()) if line.basis and line.amount is not None]
    said = False
    for line in lines:
        assert line.basis is not None and line.amount is not None
        hit = _compare(line.basis.value, line.amount, (*line.path, "amount"))
        if hit is not None:
            said = True
            yield hit
    if said or d.amount is None:
        return
    overview = d.data.get("overview")
    texts = [overview] if isinstance(overview, str) else []
    texts += [e.basis.value] if e and e.basis else []
    if len(lines) == 1 and lines[0].basis is not None:
        texts.append(lines[0].basis.value)
    texts += [ind.target.text for ind in d.indicators.get("annual", ()) if ind.target]
    hit = _compare("；".join(texts), d.amount, ("funding", "total"))
    if hit is not None:
        yield hit


def _compare(text: str, amount: Decimal, path: DataPath) -> Hit | None:
    found = standards(text)
    heads = counts(text)
    if len(found) != 1 or len({c.value for c in heads}) != 1 or amount <= 0:
        return None
    standard, count = found[0], min(heads, key=lambda c: c.bound != "=")
    bounds = {standard.bound, count.bound} - {"="}
    if len(bounds) > 1:
        return None  # a ceiling times a floor bounds nothing
    bound = bounds.pop() if bounds else "="
    product = standard.value * count.value * (12 if standard.monthly else 1)
    slack = amount * TOLERANCE
    if (bound == "=" and abs(product - amount) <= slack) or \
            (bound == "≤" and amount <= product + slack) or \
            (bound == "≥" and amount >= product - slack):
        return None
    months = _(" × 12个月") if standard.monthly else ""
    said = {"=": _("{count}人 × {standard}{months} = {product}万元, but the amount asked is "
                   "{amount}万元"),
            "≤": _("{count}人 × {standard}{months} is at most {product}万元, but the amount "
                   "asked is {amount}万元"),
            "≥": _("{count}人 × {standard}{months} is at least {product}万元, but the amount "
                   "asked is {amount}万元")}[bound]
    return Hit(path, said.format(count=amount_text(count.value), standard=standard.text,
                             months=months, product=amount_text(product.quantize(
                                 Decimal("0.01")).normalize()), amount=amount_text(amount)),
        hint=_("make the amount and the 测算依据 agree, or say what else the amount pays "
               "for (tolerance {share}%)").format(share=amount_text(TOLERANCE * 100)))


@rule("W009", W, "basis-arithmetic",
      N_("a calculation written in a 测算依据 (1200人×100元/人=12万元) holds"))
def basis_arithmetic(d: Partial) -> Iterator[Hit]:
    e = d.expenses
    if e is None:
        return
    bases = e.bases
    for basis in bases:
        for m in _PRODUCT.finditer(basis.value):
            wrong = _wrong_product(m)
            if wrong is not None:
                yield Hit(basis.path, wrong,
                          hint=_("correct the figures or the result"))


def _wrong_product(m: re.Match[str]) -> str | None:
    """What is wrong with `a × b … = c`, or None when it holds (in 元 or 万元)."""
    factors = re.findall(_NUMBER + r"\s*([^\d×xX*=＝]{0,6})", m.group(1))
    product = Decimal(1)
    money = None
    for number, unit in factors:
        product *= Decimal(number)
        if unit.strip().startswith(("万", "元")):
            money = "万" if unit.strip().startswith("万") else "元"
    result, unit = Decimal(m.group(2)), m.group(3) or ""
    candidates = {product}
    if money == "元" and unit.startswith("万"):
        candidates = {product / 10_000}
    elif money == "万" and unit == "元":
        candidates = {product * 10_000}
    elif money is None and unit.startswith("万"):
        candidates = {product, product / 10_000}
    if any(abs(c - result) <= max(result * TOLERANCE, Decimal("0.01")) for c in candidates):
        return None
    shown = product / 10_000 if money == "元" and unit.startswith("万") else product
    return _("{calculation} does not hold: the product is {product}{unit}").format(
        calculation=re.sub(r"\s+", "", m.group(0)), product=amount_text(
            shown.quantize(Decimal("0.0001")).normalize()), unit=unit)
