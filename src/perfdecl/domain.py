"""The domain's vocabulary, one place for each word: the kinds of declaration, those a
special fund is made of, the two generations of the indicator framework, what each
built-in layout prints, the earliest date a reproducible file may carry, and the limits
of a file and a run. The rest of perfdecl asks here."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from .errors import UsageError
from .framework import FRAMEWORK
from .i18n import _
from .resources import data_dir

KINDS = ("project", "special_fund", "department", "expenditure_direction")
"""The kinds of declaration: each has its schema (schema/<kind>.json) and its layouts
(templates/<kind>/)."""

FUND_KINDS = ("special_fund", "expenditure_direction")
"""The kinds a unit's fund summary (专项资金绩效目标汇总表) is derived from."""

FILING_FIELDS = frozenset({("kind",), ("id",), ("layout",), ("order",), ("unit", "id")})
"""Fields that say how to file and print a form, not what is on it: identifiers, never
printed, never read as a form's text."""

QUOTED_FIELDS = ("phone", "code")
"""Fields written in quotes (`phone: '0731-5551234'`, `code: '11430404006258088'`): text
that looks like a number, quoted so that no reader takes it for one. `fmt` keeps and
adds the quotes; the skeleton and the README write them so."""

FUND_SUMMARY = "fund_summary"
"""The form derived from a unit's special funds: it has layouts, not declarations."""

OLD = "old"
NEW = "new"
GENERATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    OLD: {"产出指标": FRAMEWORK["产出指标"],
          "效益指标": FRAMEWORK["效益指标"], "满意度指标": FRAMEWORK["满意度指标"]},
    NEW: {"成本指标": FRAMEWORK["成本指标"],
          "产出指标": tuple(c for c in FRAMEWORK["产出指标"] if c != "成本指标"),
          "效益指标": FRAMEWORK["效益指标"], "满意度指标": FRAMEWORK["满意度指标"]},
}
"""The indicator framework as forms print it. Older forms (old) keep 成本指标 as a
level-2 category under 产出指标; newer ones (new, 财预〔2021〕101号) make it a level-1
category of its own, in first place."""



@dataclass(frozen=True)
class LayoutRecord:
    """What a built-in layout prints of a declaration, recorded from its template's reads
    over the example declarations and the seeds (scripts/layouts.py writes
    templates/layouts.json; a test keeps it current). A field is a value's shape, list
    positions and indicator categories left out: `indicators.annual.*.*.*.target`."""

    kind: str
    name: str
    title: str
    prints: Mapping[str, str]
    """The fields the layout printed, each with the label the form gives it ("" where
    the form's cell has no label of its own, as an indicator's row)."""
    leaves_out: frozenset[str]
    """The fields the declarations held that the layout never printed: a value there is
    not on the paper, whatever else the declaration holds."""


@functools.cache
def layout_records() -> dict[tuple[str, str], LayoutRecord]:
    """The record of every built-in layout, by (kind, name)."""
    recorded = json.loads((data_dir("templates") / "layouts.json").read_text(encoding="utf-8"))
    return {(kind, name): LayoutRecord(kind, name, r["title"], r["prints"],
                                       frozenset(r["leaves_out"]))
            for kind, layouts in recorded.items() for name, r in layouts.items()}


def amount_text(value: Decimal) -> str:
    """An amount as a reviewer writes it and a form prints it without fixed decimals:
    7759.53, 25.5 (not 25.50), 74 (not 74.00 or 7.4E+1), and zero without a sign."""
    return format(unsigned(value.normalize()), "f")


def unsigned(number: Decimal) -> Decimal:
    """Zero without a sign: -0.001 rounds to -0.00, and a form never prints `-0.00`."""
    return number.copy_abs() if number.is_zero() else number


ZIP_EPOCH = 315532800
"""1980-01-01: the earliest date a zip entry (DOCX, bundles) can carry."""


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """A zip entry's date for `epoch` (seconds since 1970, UTC), never before 1980; zip
    dates count seconds in twos."""
    t = datetime.fromtimestamp(max(epoch, ZIP_EPOCH), UTC)
    return (t.year, t.month, t.day, t.hour, t.minute, t.second - t.second % 2)


def source_date_epoch(value: str | None) -> int | None:
    """SOURCE_DATE_EPOCH's `value`, the date reproducible builds agree on, when it is set:
    whole seconds since 1970; anything else is wrong usage, said before anything is
    written."""
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise UsageError(_("SOURCE_DATE_EPOCH must be whole seconds, not {value}")
                         .format(value=repr(value))) from None


# ------------------------------------------------------------------------------ limits
# What one file or one run may hold. Past a bound, perfdecl reports the file or the run
# instead of reading it; the rules' summaries and the README name these numbers.

MAX_FILE_BYTES = 8 * 1024 * 1024
"""The bound of a declaration: a real one is a few kilobytes; the bound leaves room for
long texts. A template or the configuration is smaller still."""
MAX_VALUES = 200_000
"""Values after alias expansion: a few hundred in a real declaration."""
MAX_DEPTH = 40
"""Nesting levels: a declaration nests about eight deep."""
MAX_TEXT = 20_000
"""Characters in one text value: the longest real 测算依据 is a few hundred; 20,000 is about
thirteen printed pages (pandoc and Typst slow down sharply on a table cell far longer)."""
MAX_NUMBER_DIGITS = 1000
"""Digits of one number written out in full (`1e4000` has 4,001): a real amount has about
ten, and any float a program writes has at most about 340. Below Python's 4,300-digit
bound on reading and printing an int, and it keeps an exponent from writing out as a
million digits."""
MAX_DECLARATIONS = 50_000
"""Declarations in one run: a county's year is a few thousand; past this, one run would
hold more in memory than a CI runner has (about 0.2 MB a declaration). Split by year or
unit, or use `build --shard`."""

LIMITS = {"file_mb": MAX_FILE_BYTES // 1024 // 1024, "values": MAX_VALUES,
          "depth": MAX_DEPTH, "text": MAX_TEXT, "digits": MAX_NUMBER_DIGITS,
          "declarations": MAX_DECLARATIONS}
"""The limits by name, for the texts that state them (`{text:,} characters`)."""
