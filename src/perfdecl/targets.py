"""Targets (指标值): the text a form prints, parsed into what a reviewer reads from it.

    ≥95%            quantity: operator ≥, number 95, unit %
    95%以上          quantity: operator ≥ (the suffix 以上), number 95, unit %
    ≤160元/人/天     quantity: operator ≤, number 160, unit 元/人/天
    30-320元         range: 30 to 320, unit 元
    2023年底前       deadline: year 2023 (12月底前: a deadline without a year)
    每月10日前       deadline: recurring, without a year (每季度末前, 每年3月底前)
    按时, 有所提升    text: qualitative
    预计平均2083元/人/月   unparsed: figures mixed with words

Full-width forms (＞, ％, ２０２３) are normalised first (NFKC).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class TargetKind(StrEnum):
    QUANTITY = "quantity"
    RANGE = "range"
    DEADLINE = "deadline"
    TEXT = "text"
    UNPARSED = "unparsed"


@dataclass(frozen=True)
class Target:
    """A parsed target value. `operator` is one of ≥ ≤ > < = for quantities."""

    text: str
    kind: TargetKind
    operator: str | None = None
    number: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None
    year: int | None = None

    @property
    def is_quantitative(self) -> bool:
        return self.kind in (TargetKind.QUANTITY, TargetKind.RANGE)

    @property
    def has_upper_bound(self) -> bool:
        return self.kind == TargetKind.RANGE or self.operator in ("≤", "<")


_PREFIX_OPS = [
    ("大于或等于", "≥"), ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"),
    ("至少", "≥"), ("达到", "≥"), (">=", "≥"), ("≥", "≥"), ("≧", "≥"), ("⩾", "≥"),
    ("小于或等于", "≤"), ("小于等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不多于", "≤"),
    ("不大于", "≤"), ("控制在", "≤"), ("最多", "≤"), ("<=", "≤"), ("≤", "≤"), ("≦", "≤"),
    ("⩽", "≤"), ("大于", ">"), ("高于", ">"), ("超过", ">"), (">", ">"),
    ("小于", "<"), ("低于", "<"), ("<", "<"), ("等于", "="), ("=", "="),
]
_SUFFIX_OPS = [("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"),
               ("之内", "≤"), ("内", "≤")]
_QUALIFIERS = ("人均", "户均", "平均", "月均", "年均", "日均", "每人", "每户")
"""Words before a figure that say what it is counted per (人均1474元/月): the figure is
still the target."""
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_UNIT = r"[^\d\s≥≤<>=~～\-—–]*"
_QUANTITY = re.compile(rf"^(?P<number>{_NUMBER})\s*(?P<unit>{_UNIT})$")
_RANGE = re.compile(rf"^(?P<low>{_NUMBER})\s*(?P<lunit>{_UNIT}?)\s*[-~～—–至到]\s*"
                    rf"(?P<high>{_NUMBER})\s*(?P<unit>{_UNIT})$")
_DEADLINE = re.compile(r"^(?P<every>每(?:年|季度?|月|周|半年))?"
                       r"(?:(?P<year>\d{4})\s*年度?)?(?:(?P<month>\d{1,2})\s*月份?)?"
                       r"(?P<day>\d{1,2}\s*[日号])?(?:年?底|年?末|年中|上半年|下半年|初)?"
                       r"(?:前|之前|以前|内|完成)?$")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年")

TIME_WORDS = ("按时", "及时", "当年", "全年", "年底前", "年内", "当月", "按期", "月底前", "季度")
"""Qualitative targets that speak of time; they belong under 时效指标."""


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse(value: str | int | Decimal) -> Target:
    """Parses a target as written on the form. A plain string's parse is remembered:
    a diff or a check of many declarations parses the same few targets (100%, ≥95%)
    thousands of times, and a Target cannot be changed."""
    if type(value) is str:
        return _parsed(value)
    return _parse(value)


@functools.lru_cache(maxsize=4096)
def _parsed(value: str) -> Target:
    return _parse(value)


def _parse(value: str | int | Decimal) -> Target:
    # str() of a Decimal may use exponent notation (1E+3, 1E-8), which would read as
    # figures mixed with words or even as a range; a number is written out in full.
    # the text as given (a str subclass, such as a diff's Redline, stays what it is)
    raw = format(value, "f") if isinstance(value, Decimal) else \
        value if isinstance(value, str) else str(value)
    text = normalise(raw).replace(" ", "")
    deadline = _DEADLINE.match(text)
    if deadline and (deadline.group("year") or deadline.group("month")
                     or (deadline.group("every") and deadline.group("day"))):
        year = deadline.group("year")
        return Target(raw, TargetKind.DEADLINE, year=int(year) if year else None)
    operator = None
    body = _unqualified(text)
    for word, op in _PREFIX_OPS:
        if body.startswith(word):
            operator, body = op, _unqualified(body[len(word):])
            break
    for word, op in _SUFFIX_OPS:
        if body.endswith(word) and operator in (None, op):  # ≥95%以上 says ≥ twice
            operator, body = op, body[: -len(word)]
            break
    match = _QUANTITY.match(body)
    if match and not match.group("unit").endswith(tuple(w for w, _ in _SUFFIX_OPS)):
        return Target(raw, TargetKind.QUANTITY, operator or "=", _number(match.group("number")),
                      unit=match.group("unit") or None)
    match = _RANGE.match(body)
    if match and operator is None:
        return Target(raw, TargetKind.RANGE, "between", _number(match.group("low")),
                      _number(match.group("high")), unit=match.group("unit") or None)
    if any(ch.isdigit() for ch in text):
        year = _YEAR_IN_TEXT.search(text)
        return Target(raw, TargetKind.UNPARSED, year=int(year.group("year")) if year else None)
    return Target(raw, TargetKind.TEXT)


def _unqualified(text: str) -> str:
    return qualified(text)[1]


def qualified(text: str) -> tuple[str, str]:
    """A target's qualifier (人均, 户均 …) and the rest: ("人均", "≤1474元/月")."""
    for q in _QUALIFIERS:
        if text.startswith(q):
            return q, text[len(q):]
    return "", text


def is_time_like(target: Target) -> bool:
    """A deadline or a qualitative time word (按时, 当年, 全年 …)."""
    if target.kind == TargetKind.DEADLINE:
        return True
    return target.kind == TargetKind.TEXT and normalise(target.text) in TIME_WORDS


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))
