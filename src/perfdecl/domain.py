"""The domain's vocabulary, one place for each word: the kinds of declaration, those a
special fund is made of, the two generations of the indicator framework, and the
earliest date a reproducible file may carry. The rest of perfdecl asks here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from .errors import UsageError
from .framework import FRAMEWORK
from .i18n import _

KINDS = ("project", "special_fund", "department", "expenditure_direction")
"""The kinds of declaration: each has its schema (schema/<kind>.json) and its layouts
(templates/<kind>/)."""

FUND_KINDS = ("special_fund", "expenditure_direction")
"""The kinds a unit's fund summary (专项资金绩效目标汇总表) is derived from."""

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

ZIP_EPOCH = 315532800
"""1980-01-01: the earliest date a zip entry (DOCX, bundles) can carry."""


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """A zip entry's date for `epoch` (seconds since 1970, UTC), never before 1980; zip
    dates count seconds in twos."""
    t = datetime.fromtimestamp(max(epoch, ZIP_EPOCH), UTC)
    return (t.year, t.month, t.day, t.hour, t.minute, t.second - t.second % 2)


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> int | None:
    """SOURCE_DATE_EPOCH, the date reproducible builds agree on, when it is set: whole
    seconds since 1970; anything else is wrong usage, said before anything is written."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise UsageError(_("SOURCE_DATE_EPOCH must be whole seconds, not {value}")
                         .format(value=repr(value))) from None
