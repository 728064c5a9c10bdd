"""Roll a declaration forward to a new fiscal year, for its unit to edit.

    perfdecl new --from declarations/2023/<unit>/<id>.yaml --year 2024

Year-bound values move on by the same number of years (the fiscal year, the period,
schedule rows, deadlines such as 2023年底前, the end of the long-term goals); the filing
date goes (the new form is not filed yet); last year's targets stay as this year's
starting point and are also kept as history (近两年指标值), as last year's amounts are
on a department form (近两年收支金额). History older than the two previous years is
dropped. Comments are kept. Everything else is the unit's to edit.

Within a 项目期 of several years (a period of 2025–2027 rolled to 2026), the 中期 side
stays as it is: the period, the 项目期, the 中期 amounts, goals and indicators are those
of the whole period; only the 年度 side moves on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .atomic import write_text
from .check import read
from .errors import PerfdeclError, UsageError
from .fmt import canonical
from .i18n import _
from .model import Declaration
from .scalars import yaml
from .targets import TargetKind, parse

_AMOUNTS = ("total", "fiscal", "general_budget", "government_fund", "own", "other", "basic",
            "project")


def target_path(source: Path, year: int, unit: str, id_: str) -> Path:
    """Where the rolled-forward declaration goes: <fiscal_year>/<unit>/<id>.yaml beside
    the source's own year folder."""
    year_dir = source.parent.parent
    if re.fullmatch(r"\d{4}", year_dir.name):
        return year_dir.parent / str(year) / unit / f"{id_}.yaml"
    raise UsageError(_("{file} is not in a <year>/<unit>/ folder: name the new file with --out"
                       ).format(file=source))


def roll_forward(source: Path, year: int, out: Path | None = None, *,
                 force: bool = False) -> Path:
    """Writes the declaration `source` rolled forward to `year`; returns its path."""
    declaration, findings = read(source)
    errors = [f for f in findings if f.severity == "error"]
    if declaration is None or errors:
        first = errors[0] if errors else findings[0]
        raise PerfdeclError(_("{location}: {message} (fix the declaration before rolling it "
                              "forward)").format(
            location=f"{first.file}:{first.line}:{first.column}", message=first.message))
    shift = year - declaration.fiscal_year
    if shift <= 0:
        raise UsageError(_("--year {year} is not after the declaration's year "
                           "{declared_year}").format(year=year,
                                                     declared_year=declaration.fiscal_year))
    tree = yaml().load(declaration.document.text)
    target = out or target_path(source, year, declaration.unit_id, declaration.id)
    if target.exists() and not force:
        raise PerfdeclError(_("{file} exists already; edit it, or pass --force to replace it"
                              ).format(file=target))

    old_year = declaration.fiscal_year
    tree["fiscal_year"] = year
    tree.pop("filed_on", None)
    within = within_term(declaration, year)
    if not within:
        _shift_months(tree.get("period"), shift)
    for row in tree.get("schedule", []) or []:
        _shift_months(row, shift)
    goals = tree.get("goals")
    if not within and isinstance(goals, CommentedMap) and "long_term_until" in goals:
        goals["long_term_until"] = max(int(goals["long_term_until"]), year)
    for term in ("annual",) if within else ("long_term", "annual"):
        for item in _indicators(tree.get("indicators", {}).get(term, {})):
            _roll_indicator(item, old_year, year, shift)
    if declaration.kind == "department":
        _roll_funding(tree.get("funding"), old_year, year)

    text = canonical(tree)
    header = (f"# Rolled forward from {source} ({old_year}) to {year}: check every value "
              "before filing.\n")
    write_text(target, header + text)
    return target


def within_term(declaration: Declaration, year: int) -> bool:
    """Whether `year` falls in the declaration's 项目期 of several years (its period, else
    the years of its 中期 goals): the 中期 side of the form then stays as it is."""
    span: tuple[int, int] | None = None
    if declaration.period and declaration.period.end.year > declaration.period.start.year:
        span = (declaration.period.start.year, declaration.period.end.year)
    elif declaration.goals and declaration.goals.long_term_from and \
            declaration.goals.long_term_until:
        span = (declaration.goals.long_term_from, declaration.goals.long_term_until)
    return span is not None and span[0] <= year <= span[1]


def _shift_months(node: Any, shift: int) -> None:
    if not isinstance(node, CommentedMap):
        return
    for key in ("start", "end"):
        value = node.get(key)
        if value is not None:  # 2019-01 or 2019, always text
            year, sep, month = str(value).partition("-")
            node[key] = f"{int(year) + shift}{sep}{month}"


def _indicators(tree: Any) -> list[CommentedMap]:
    items: list[CommentedMap] = []
    if isinstance(tree, CommentedMap):
        for children in tree.values():
            if isinstance(children, CommentedMap):
                for group in children.values():
                    items += [i for i in group or [] if isinstance(i, CommentedMap)]
    return items


def _roll_indicator(item: CommentedMap, old_year: int, year: int, shift: int) -> None:
    target = item.get("target")
    if target is None:
        return
    history = item.get("history")
    if not isinstance(history, CommentedSeq):
        history = CommentedSeq()
    kept = [h for h in history if int(h.get("year", 0)) >= year - 2 and
            int(h.get("year", 0)) != old_year]
    entry = CommentedMap()
    entry["year"] = old_year
    entry["value"] = target
    history = CommentedSeq(sorted([*kept, entry], key=lambda h: int(h["year"])))
    if parse(target).kind == TargetKind.DEADLINE:
        item["target"] = re.sub(r"(?<!\d)(19|20)\d{2}(?!\d)",
                                lambda m: str(int(m.group(0)) + shift), str(target))
    item["history"] = history


def _roll_funding(funding: Any, old_year: int, year: int) -> None:
    if not isinstance(funding, CommentedMap):
        return
    last = CommentedMap()
    last["year"] = old_year
    for key in _AMOUNTS:
        if key in funding:
            last[key] = funding[key]
    history = funding.get("history")
    entries = [h for h in (history or []) if int(h.get("year", 0)) >= year - 2
               and int(h.get("year", 0)) != old_year]
    if len(last) > 1:
        entries.append(last)
    if entries:
        funding["history"] = CommentedSeq(sorted(entries, key=lambda h: int(h["year"])))

