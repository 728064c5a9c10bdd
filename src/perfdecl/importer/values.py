"""The value parsers: a field's type (specs.Field.type) names the one that reads its
text: amounts in the form's money unit, periods, dates, tick-box choices, codes …"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..i18n import _
from . import labels as L
from .grid import Row
from .specs import BOILERPLATE, CHOICES, Field

if TYPE_CHECKING:
    from .reader import Reader


def target(text: str) -> Any:
    """A target as a declaration writes it: a bare number stays a number (100000)."""
    if re.fullmatch(r"(0|[1-9]\d{0,14})", text):
        return int(text)
    if re.fullmatch(r"(0|[1-9]\d{0,14})\.\d{1,6}", text):
        return Decimal(text)
    return text


@dataclass
class Value:
    """A value to read: its text, the field it is for (its data path and the argument of
    its type: amount:元, choice:status), the row it is on and the form's reader (for
    what else the text says: a code after a name, a 项目期 before a period)."""

    text: str
    path: str
    arg: str
    row: Row
    reader: Reader

    def unplaced(self, text: str, why: str) -> None:
        self.reader.note_unplaced(self.row, text, why)


def parse(reader: Reader, path: str, found: Field, text: str, row: Row) -> Any:
    """The value of `text` for `found`, by the parser of its type; None when there is
    none (what could not be read is noted as unplaced)."""
    kind, _colon, arg = found.type.partition(":")
    parser = PARSERS.get(kind)
    return parser(Value(text, path, arg, row, reader)) if parser else None


def _text(v: Value) -> str | None:
    value = L.clean(v.text)
    return value if value and not L.is_blank(value) else None


def _name(v: Value) -> str | None:
    """A unit or a person: up to a wide space, without (盖章)."""
    value = re.sub(r"[（(]\s*盖章\s*[)）]", "", L.clean(v.text)).strip()
    value = first_part(v, value)
    return value if value and not L.is_blank(value) else None


def _name_and_code(v: Value) -> str | None:
    """主管部门及代码 in one cell: 人社局　201001."""
    value = L.clean(v.text)
    match = re.fullmatch(r"(.*?)[\s\u3000]+([0-9]{3,20})", value, re.S)
    if match:
        v.reader.assign("supervising_department.code", Field(
            "supervising_department.code", (), "code"), match[2], v.row)
        value = match[1]
    return value if value and not L.is_blank(value) else None


def _items(v: Value) -> list[str] | None:
    return L.items(v.text) or None


def _tasks(v: Value) -> list[dict[str, str]] | None:
    return [{"task": t} for t in L.items(v.text)] or None


def _refs(v: Value) -> list[str] | None:
    refs = [strip for part in re.split(r"[、\n；;]", v.text)
            if (strip := L.clean(part)) and not L.is_blank(strip)]
    return refs or None


def _amount(v: Value) -> Decimal | None:
    try:
        money = L.amount(v.text, v.arg or v.reader.unit)
    except L.NotAnAmount as exc:
        v.unplaced(v.text, _("{field}: {problem}").format(field=v.path, problem=exc))
        return None
    if money is None:
        return None
    if money.converted_from:
        v.reader.draft.doubt(v.path, _("converted from {text}").format(
            text=money.converted_from))
    if money.approximate:
        v.reader.draft.doubt(v.path, _("the form says 约 (about): a budget amount is exact"))
    return money.value


def _period(v: Value) -> dict[str, str] | None:
    raw = L.clean(v.text)
    if not raw or L.is_blank(raw):
        return None
    # 项目期 as the national form writes it: 3年（2025.1-2027.12）, or 3年 alone
    term = re.fullmatch(r"(\d{1,2}\s*年)\s*(?:[(（](.*)[)）])?", raw, re.S) \
        if v.reader.kind == "project" else None
    if term is not None:
        v.reader.assign("duration", Field("duration", (), "text"), term[1], v.row)
        if not term[2] or L.is_blank(term[2]):
            return None
        raw = L.clean(term[2])
    found = L.period(raw)
    if found is None:
        v.unplaced(v.text, _("{field}: not a period (2019.1-2019.12)").format(field=v.path))
        return None
    return {"start": found[0], "end": found[1]}


def _date(v: Value) -> str | None:
    raw = L.clean(v.text)
    if not raw or not re.search(r"\d", raw):
        return None
    found = L.date(raw)
    if found is None:
        v.unplaced(v.text, _("{field}: not a date (2019年5月21日)").format(field=v.path))
    return found


def _choice(v: Value) -> Any:
    result = L.choice(v.text, {L.norm(k): c for k, c in CHOICES[v.arg].items()})
    if result.problem:
        v.unplaced(v.text, _("{field}: {problem}").format(field=v.path,
                                                          problem=result.problem))
    elif result.rest:
        v.unplaced(result.rest, _("{field}: beside the options").format(field=v.path))
    return result.value


def _code(v: Value) -> str | None:
    """A phone number or a code: digits, up to a wide space."""
    return first_part(v, L.clean(v.text).translate(L._NUMERIC).strip()) or None


def _functional(v: Value) -> dict[str, str] | None:
    """支出功能分类科目: 类 208 款 05 项 01, or 2080501."""
    raw = L.squeeze(v.text.translate(L._NUMERIC))
    if not raw:
        return None
    found = [(k, m) for k, name in (("class", "类"), ("section", "款"), ("item", "项"))
             if (m := re.search(rf"{name}[:：]?(\d+)", raw))]
    parts = {k: m.group(1) for k, m in found}
    rest = raw
    for _k, m in found:
        rest = rest.replace(m.group(0), "", 1)
    if parts and rest.strip(":：、,，;；"):
        v.unplaced(v.text, _("支出功能分类科目: besides the 类/款/项 codes, {text}").format(
            text=repr(rest)))
    if not parts:
        m = re.fullmatch(r"(\d{3})(\d{2})?(\d{2})?", raw)
        if not m:
            v.unplaced(v.text, _("支出功能分类科目: not 类/款/项 codes"))
            return None
        parts = {k: c for k, c in zip(("class", "section", "item"), m.groups(), strict=True)
                 if c}
    return {k: parts[k] for k in ("class", "section", "item") if k in parts}


def first_part(v: Value, value: str) -> str:
    """A name or number, up to a wide space: what follows it is said, not dropped."""
    first, *more = re.split(r"\s{2,}|　", value) if value else [value]
    rest = " ".join(m for m in more if m.strip())
    if rest and not L.is_blank(rest) and not BOILERPLATE.match(L.norm(rest)):
        v.unplaced(rest, _("{field}: after the value").format(field=v.path))
    return first.strip()


PARSERS: dict[str, Callable[[Value], Any]] = {
    "text": _text, "unit": _name, "person": _name, "name-and-code": _name_and_code,
    "items": _items, "tasks": _tasks, "refs": _refs, "amount": _amount, "period": _period,
    "date": _date, "choice": _choice, "phone": _code, "code": _code, "fc": _functional,
}
"""Each type of field (specs.Field.type, before its colon) and the parser of its text."""
