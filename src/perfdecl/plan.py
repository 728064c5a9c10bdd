"""The plan of a build, decided before anything is exported: every form rendered to HTML
(the derived fund summary where a unit has special funds), each unit's combined
document, the creation date each carries (`epoch_of`: the same inputs give the same
bytes), and what the forms leave out of their declarations (L001)."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import derive
from .check import read
from .config import Config
from .domain import FUND_KINDS
from .errors import Finding
from .model import Declaration
from .render import Renderer
from .repository import Repository


@dataclass
class Form:
    """One form to export: its HTML and what it is made from."""

    stem: str  # build-relative path without the extension: 2019/shigu-sbzx/<id>
    html: str
    title: str
    epoch: int
    sources: list[str]


@dataclass
class Unit:
    """A unit's forms of one year, combined into one DOCX and one PDF."""

    stem: str
    title: str
    epoch: int
    forms: list[Form]

    @property
    def sources(self) -> list[str]:
        return sorted({s for f in self.forms for s in f.sources})


def epoch_of(declarations: Sequence[Declaration], fixed: int | None) -> int:
    """The creation date written into DOCX and PDF: `fixed` (SOURCE_DATE_EPOCH) when
    set, else the latest filing date of the forms (or 1 January of their fiscal year)."""
    if fixed is not None:
        return fixed
    stamps = []
    for d in declarations:
        day = d.filed_on.value if d.filed_on else f"{d.fiscal_year}-01-01"
        stamps.append(int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()))
    return max(stamps)


def relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def plan(built: list[Declaration], context: list[Declaration], renderer: Renderer,
         repo: Repository, layout: str | None,
         ) -> tuple[list[Form], list[Unit], list[Finding]]:
    """Every form to build, rendered to HTML, every unit's combined document, and what
    the forms leave out of their declarations (L001)."""
    config, fixed = repo.config, repo.epoch
    units: dict[tuple[int, str], list[Declaration]] = defaultdict(list)
    for d in built:
        units[(d.fiscal_year, d.unit_id)].append(d)
    everyone: dict[tuple[int, str], list[Declaration]] = defaultdict(list)
    for d in [*built, *context]:
        everyone[(d.fiscal_year, d.unit_id)].append(d)
    earlier = Earlier([*built, *context])
    forms: list[Form] = []
    combined: list[Unit] = []
    left_out: list[Finding] = []
    for (year, unit_id), members in sorted(units.items()):
        unit = everyone[(year, unit_id)]
        folder = f"{year}/{unit_id}"
        pages: list[Form] = []
        for d in derive.ordered(members):
            if (not any(p.stem.endswith("/fund-summary") for p in pages)
                    and d.kind in FUND_KINDS
                    and derive.has_funds(unit)):
                summary_layout = _summary_layout(unit, renderer, config, layout)
                funds = derive.fund_summary(unit).declarations
                pages.append(Form(f"{folder}/fund-summary",
                                  renderer.render_fund_summary(unit, summary_layout),
                                  f"{d.unit_name} {year}年专项资金绩效目标汇总表",
                                  epoch_of(funds, fixed),
                                  sorted(relative(x.file, repo.root) for x in funds)))
            rendered = renderer.render_form(d, unit, layout, earlier.finder(d))
            if rendered.left_out:
                left_out.append(rendered.left_out)
            pages.append(Form(f"{folder}/{d.id}", rendered.html, d.name.value, epoch_of([d], fixed),
                              [relative(d.file, repo.root)]))
        forms += pages
        combined.append(Unit(f"{folder}/{unit_id}-{year}",
                             f"{members[0].unit_name} {year}年度绩效目标申报表",
                             epoch_of(members, fixed), pages))
    return forms, combined, left_out


class Earlier:
    """Finds a declaration's earlier years: among those loaded, else at
    <year>/<unit>/<id>.yaml beside its own year folder (read once, only if valid)."""

    def __init__(self, loaded: Sequence[Declaration]) -> None:
        self.known: dict[tuple[int, str, str], Declaration | None] = {
            (d.fiscal_year, d.unit_id, d.id): d for d in loaded}

    def find(self, d: Declaration, year: int) -> Declaration | None:
        key = (year, d.unit_id, d.id)
        if key not in self.known:
            self.known[key] = None
            folder = Path(d.file).parent.parent
            if folder.name == str(d.fiscal_year):
                file = folder.parent / str(year) / d.unit_id / f"{d.id}.yaml"
                if file.is_file():
                    found, findings = read(file)
                    if found is not None and not any(f.severity == "error" for f in findings):
                        self.known[key] = found
        return self.known[key]

    def finder(self, d: Declaration) -> Callable[[int], Declaration | None]:
        return lambda year: self.find(d, year)


def _summary_layout(unit: Sequence[Declaration], renderer: Renderer, config: Config,
                    layout: str | None) -> str:
    """The summary takes the layout of the unit's fund forms when it has one of that
    name, else the configured one."""
    names = {x.name for x in renderer.layouts() if x.kind == "fund_summary"}
    for candidate in [layout, *(renderer.layout_name(d) for d in derive.ordered(unit)
                                        if d.kind in FUND_KINDS)]:
        if candidate and candidate in names:
            return candidate
    return config.layout_for("fund_summary")
