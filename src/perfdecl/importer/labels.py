"""Labels and values as forms write them, read into what a declaration holds.

A label is compared after normalisation: full-width characters folded (（ → (, ： → :),
every kind of space removed (项 目 名 称 → 项目名称; the line breaks of 专项立项\\n依据),
enumerators (一、 1、 （一）) and 其中： dropped, and a unit such as （万元） taken off and
remembered. Values are parsed by type: amounts (74万元, 1,200元 → 0.12, 约2.5万, １２０),
months and periods (2019.1-2019.12, 2023年一年), dates (2019年5月21日), tick boxes
(□/√/☑/☒ before or after their option).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..i18n import _

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\u2002-\u200a\ufeff]+")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\(?[一二三四五六七八九十]+\)|"
                         r"\d{1,2}[、．]|\d{1,2}\.(?!\d)|\(\d{1,2}\)|其中[:：]?)")
_UNIT = re.compile(r"\((万元|元|千元)\)$")
_DASHES = re.compile(r"[—–－‐‑−―]+")

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_NUMERIC = str.maketrans("０１２３４５６７８９．，％＋－　", "0123456789.,%+- ")


def squeeze(text: str) -> str:
    """The text without any kind of space."""
    return _SPACES.sub("", text)


def norm(text: str) -> str:
    """A label as it is compared: 项 目 名 称 → 项目名称, 资金总额（万元）： → 资金总额,
    一、财政拨款 → 财政拨款, 特定目标类——本级支出 → 特定目标类-本级支出."""
    key = unicodedata.normalize("NFKC", squeeze(text))
    key = key.replace("<br>", "")
    key = _DASHES.sub("-", key)
    key = key.rstrip(":")
    for _pass in range(2):
        stripped = _ENUMERATOR.sub("", key)
        if stripped == key:
            break
        key = stripped
    key = key.rstrip(":")
    key = _UNIT.sub("", key)
    key = key.replace("(盖章)", "").replace("（盖章）", "")
    return key.rstrip(":")


def unit_of(label: str) -> str | None:
    """The money unit a label names: 资金总额（万元） → 万元, 金额（元） → 元."""
    match = _UNIT.search(unicodedata.normalize("NFKC", squeeze(label)).rstrip(":："))
    return match.group(1) if match else None


def clean(text: str) -> str:
    """A value as a declaration keeps it: lines joined (Chinese needs no space where a
    line was broken, other text gets one), ends trimmed, full-width digits folded."""
    lines = [line.strip(" \t\u3000\u00a0") for line in text.split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and \
                line[0].isalnum():
            out += " "
        out += line
    return out.translate(FULLWIDTH_DIGITS).strip()


def items(text: str) -> list[str]:
    """The items of a list written one a line (goals, duties): numbering dropped
    (1、 目标1：), a closing ；dropped, blank lines skipped."""
    out = []
    for line in text.split("\n"):
        item = strip_number(clean(line))
        item = re.sub(r"^(?:长期|年度|中期)?目标\s*\d+\s*[:：]\s*", "", item)
        item = item.rstrip("；; \u3000").strip()
        if item and item not in ("……", "…", "..."):
            out.append(item)
    return out


def strip_number(text: str) -> str:
    """1、基础养老金区级配套 → 基础养老金区级配套 (the form's numbering, not the text)."""
    return re.sub(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[、．]\s*", "", text).strip()


def is_blank(text: str) -> bool:
    return not squeeze(text).strip("…．.-—/")


# --------------------------------------------------------------------------- amounts


@dataclass(frozen=True)
class Amount:
    value: Decimal
    approximate: bool = False
    converted_from: str | None = None
    """The text in 元 (or 千元) this 万元 amount was converted from."""


class NotAnAmount(ValueError):
    pass


_AMOUNT = re.compile(r"^(约|大约|约为|预计)?([+-]?\d[\d,]*(?:\.\d+)?)(万元|万|元|千元)?$")


def amount(text: str, unit: str = "万元") -> Amount | None:
    """An amount in 万元, or None for a blank; NotAnAmount for anything else."""
    raw = squeeze(text.translate(_NUMERIC))
    if not raw or raw in ("-", "/", "—", "无"):
        return None
    match = _AMOUNT.match(raw)
    if not match:
        raise NotAnAmount(_("{text} is not an amount").format(text=repr(text.strip())))
    approximate = bool(match.group(1))
    digits = match.group(2).replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        raise NotAnAmount(_("{text} is not an amount").format(text=repr(text.strip()))) \
            from None
    suffix = match.group(3) or unit
    if suffix == "元":
        return Amount(_tidy(value / 10_000), approximate, f"{digits}元")
    if suffix == "千元":
        return Amount(_tidy(value / 10), approximate, f"{digits}千元")
    return Amount(_tidy(value), approximate)


def _tidy(value: Decimal) -> Decimal:
    """74.00 → 74, 25.50 → 25.5 (what the form printed with its decimals)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# ---------------------------------------------------------------------------- times


_MONTH = re.compile(r"(\d{4})\s*(?:(?:年|\.|-|/)\s*(\d{1,2})(?!\d)\s*月?|年)?")


def month(text: str) -> str | None:
    """2019.1 / 2019年1月 / 2019-01 → 2019-01; 2019 / 2019年 → 2019; else None."""
    raw = squeeze(text.translate(_NUMERIC))
    match = _MONTH.fullmatch(raw)
    if not match:
        return None
    return _month(match)


def _month(match: re.Match[str]) -> str | None:
    year, mon = match.group(1), match.group(2)
    if mon is None:
        return year
    if not 1 <= int(mon) <= 12:
        return None
    return f"{year}-{int(mon):02d}"


def period(text: str) -> tuple[str, str] | None:
    """2019.1-2019.12, 2019年1月至2019年12月, 2023年一年, 2022-2024 → (start, end)."""
    raw = squeeze(text.translate(_NUMERIC))
    whole = re.fullmatch(r"(\d{4})年?(?:一年|全年|度|年度)", raw)
    if whole:
        return f"{whole.group(1)}-01", f"{whole.group(1)}-12"
    found = list(_MONTH.finditer(raw))
    if len(found) != 2:
        return None
    between = raw[found[0].end():found[1].start()]
    if between not in ("至", "-", "~", "～", "到", "—", "--", "－"):
        return None
    if raw[:found[0].start()] or raw[found[1].end():]:
        return None
    start, end = _month(found[0]), _month(found[1])
    if start is None or end is None:
        return None
    return start, end


def date(text: str) -> str | None:
    """2019年5月21日 / 2019-5-21 / 2019.5.21 / 2019/05/21 → 2019-05-21."""
    raw = squeeze(text.translate(_NUMERIC))
    match = re.fullmatch(r"(\d{4})[年./-](\d{1,2})[月./-](\d{1,2})日?(?:\d{2}:\d{2}(?::\d{2})?)?",
                         raw)
    if not match:
        return None
    year, mon, day = (int(g) for g in match.groups())
    if not (1 <= mon <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{mon:02d}-{day:02d}"


def years(text: str) -> list[int]:
    """The four-digit years a text names (2022、2023年 → [2022, 2023])."""
    return [int(y) for y in re.findall(r"(?<!\d)(20\d{2})(?!\d)", text.translate(_NUMERIC))]


# ------------------------------------------------------------------------ tick boxes

CHECKED = "√✓✔☑☒■▣✅●"
UNCHECKED = "□☐▢○"
_BETWEEN_OPTIONS = "、/|,，;；()（）:：.．"
"""What may stand between options without saying anything."""


@dataclass(frozen=True)
class Choice:
    value: str | None
    problem: str | None = None
    rest: str = ""
    """Text beside the options and their boxes."""


def choice(text: str, options: dict[str, str]) -> Choice:
    """Which option a row of tick boxes chooses. `options` maps each option's label
    (normalised) to the value it stands for; a box belongs to the label it follows
    or, when the text starts with a box, to the label after it."""
    raw = norm(text).replace("×", "□").replace("x□", "□")
    if not raw:
        return Choice(None)
    labels = sorted(options, key=len, reverse=True)
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(raw)
    for label in labels:
        for match in re.finditer(re.escape(label), raw):
            a, b = match.span()
            if not any(taken[a:b]):
                spans.append((a, b, label))
                for i in range(a, b):
                    taken[i] = True
    spans.sort()
    boxes = [i for i, ch in enumerate(raw) if ch in CHECKED + UNCHECKED]
    if not boxes:
        # no boxes: the text names the option (延续项目), or says something else
        whole = [label for label in labels if raw == label]
        if whole:
            return Choice(options[whole[0]])
        if len(spans) == 1 and raw in (spans[0][2] + "是", spans[0][2] + "Y"):
            return Choice(options[spans[0][2]])
        return Choice(None, _("cannot tell which option {text} chooses")
                      .format(text=repr(text.strip())))
    before = bool(boxes) and boxes[0] < (spans[0][0] if spans else len(raw))
    chosen: list[str] = []
    for a, b, label in spans:
        if before:
            prev = raw[:a].rstrip()
            mark = prev[-1] if prev else ""
        else:
            mark = raw[b] if b < len(raw) else ""
        if mark in CHECKED:
            chosen.append(options[label])
    chosen = list(dict.fromkeys(chosen))
    if len(chosen) > 1:
        return Choice(None, _("several boxes ticked: {options}")
                      .format(options="、".join(chosen)))
    rest = "".join(ch for i, ch in enumerate(raw) if not taken[i] and
                   ch not in CHECKED + UNCHECKED + _BETWEEN_OPTIONS)
    return Choice(chosen[0] if chosen else None, rest=rest)

