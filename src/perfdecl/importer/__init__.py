"""perfdecl import: filled forms (DOCX, XLSX) → YAML declarations.

    containers → rows of cells (safety, docx, xlsx, grid)
               → forms, found by their titles, read by their labels (forms, specs, labels)
               → one declaration per form, matched to the one of the output folder it is
                 (identity), written canonically with comments (write)

`read_file` gives the drafts of one file without writing anything; `import_files`
reads several files and writes their declarations into a repository's folder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain import KINDS
from ..errors import PerfdeclError, UsageError
from ..files import missing
from ..i18n import _
from ..repository import Repository
from . import labels as L
from .draft import Draft
from .forms import DERIVED, Form, find_forms
from .identity import Existing, Placement, Wanted, place
from .read import read_form
from .safety import ImportRefused, inspect
from .write import render, schema_modeline

__all__ = ["ImportRefused", "ImportResult", "Imported", "import_files", "read_file"]


@dataclass
class Imported:
    """One declaration read from a form, and where it was written."""

    source: Path
    form: Form
    draft: Draft
    file: Path | None = None
    text: str = ""
    skipped: str | None = None
    index: int | None = None
    """Its number among the forms of its file, where the file holds several."""
    placement: Placement | None = None

    @property
    def data(self) -> dict[str, Any]:
        return self.draft.data


@dataclass
class FileOutcome:
    source: Path
    imported: list[Imported] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class ImportResult:
    files: list[FileOutcome] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.error for f in self.files) or any(
            i.skipped for f in self.files for i in f.imported)


def read_parts(path: Path) -> list[Any]:
    container = inspect(path)
    if container.kind == "docx":
        from .docx import read as read_docx

        return [read_docx(container)]
    from .xlsx import read as read_xlsx

    return read_xlsx(container)


def read_file(path: Path, kind: str | None = None, layout: str | None = None
              ) -> tuple[list[Imported], list[str]]:
    """The declarations in the forms of one file (nothing written), and notes about the
    file. Raises ImportRefused for a file that is not a form (or is hostile)."""
    if kind is not None and kind not in KINDS:
        raise UsageError(_("unknown kind {kind}; kinds: {kinds}")
                         .format(kind=repr(kind), kinds=", ".join(KINDS)))
    parts = read_parts(path)
    forms, notes = find_forms(parts, kind, layout)
    if not forms and not notes:
        notes.append(_("no form found in the file"))
    drafts: list[Imported] = []
    summaries: list[tuple[Form, Draft, list[dict[str, Any]]]] = []
    for form in forms:
        draft, lines = read_form(form)
        if form.kind == DERIVED:
            summaries.append((form, draft, lines))
            continue
        draft.data = {"kind": form.kind, **draft.data}
        if form.layout:
            draft.data["layout"] = form.layout
        drafts.append(Imported(path, form, draft))
    for form, draft, lines in summaries:
        drafts.extend(_from_summary(path, form, draft, lines, drafts, notes))
    _share(path, drafts)
    return drafts, notes


def _from_summary(path: Path, form: Form, summary: Draft, lines: list[dict[str, Any]],
                  others: list[Imported], notes: list[str]) -> list[Imported]:
    """The special funds and directions of a fund summary (附表2) that have no form of
    their own in the file: the summary is derived from those forms, so only what is
    missing is read from it (名称, 金额 and the goals are all it says). Where a line
    says other than the form of its own, the file's notes say so."""
    covered: dict[str, dict[str, Any]] = {}  # name → what its own form says of it
    for other in others:
        data = other.data
        goals: dict[str, Any] = data["goals"] if isinstance(data.get("goals"), dict) else {}
        covered[L.norm(str(data.get("name", "")))] = {
            "amount": data.get("funding", {}).get("total"), **goals}
        fund = data.get("special_fund")
        if isinstance(fund, dict) and fund.get("name"):
            covered.setdefault(L.norm(str(fund["name"])), {"amount": fund.get("amount")})
    out: list[Imported] = []
    year = summary.data.get("fiscal_year")
    unit = summary.data.get("unit", {}).get("name")
    for line in lines:
        for entry in (line, *line["children"]):
            if L.norm(entry["name"]) in covered:
                notes.extend(_differences(entry, covered[L.norm(entry["name"])]))
        children = [c for c in line["children"] if L.norm(c["name"]) not in covered]
        if L.norm(line["name"]) in covered and not children:
            continue
        if line["children"] and not children:
            notes.append(_("fund summary, {row}: {name}: not imported: its directions have "
                           "forms of their own, and none of them names it as their special "
                           "fund").format(row=line["row"], name=line["name"]))
            continue
        if children and L.norm(line["name"]) not in covered:
            # its directions become declarations; the fund itself, only from its own form
            notes.extend(_("fund summary, {row}: {name}: {label} “{text}” is not imported "
                           "(a special fund with directions: import its own form)").format(
                row=line["row"], name=line["name"], label=label, text="；".join(line[term]))
                for term, label in (("long_term", "实施期绩效目标"), ("annual", "年度绩效目标"))
                if line[term])
        entries = [(c, line) for c in children] if line["children"] else [(line, None)]
        for entry, parent in entries:
            kind = "expenditure_direction" if parent else "special_fund"
            draft = Draft(form)
            draft.data = {"kind": kind}
            if year is not None:
                draft.data["fiscal_year"] = year
            draft.data["layout"] = form.layout or "national"
            draft.data["name"] = entry["name"]
            if unit:
                draft.data["unit"] = {"name": unit}
            if parent is not None:
                draft.data["special_fund"] = {"name": parent["name"]}
                if parent["amount"] is not None:
                    draft.data["special_fund"]["amount"] = parent["amount"]
            if entry["amount"] is not None:
                draft.data["funding"] = {"total": entry["amount"]}
            goals = {k: entry[k] for k in ("long_term", "annual") if entry[k]}
            if goals:
                draft.data["goals"] = goals
            draft.unsure[("kind",)] = _(
                "read from the fund summary, {row}: it gives only 名称, 金额 and the goals; "
                "import the form of its own if there is one").format(row=entry["row"])
            draft.unplaced = []
            out.append(Imported(path, form, draft))
    if summary.unplaced:
        notes.extend(_("fund summary: not placed: {text}").format(text=u)
                     for u in summary.unplaced)
    if summary.unreadable:
        notes.extend(_("fund summary: not read: {text}").format(text=u)
                     for u in summary.unreadable)
    return out


def _differences(entry: dict[str, Any], own: dict[str, Any]) -> list[str]:
    """What a line of the fund summary says that the form of its own does not."""
    out = []
    if entry["amount"] is not None and entry["amount"] != own.get("amount"):
        out.append(_("fund summary, {row}: {name}: 金额 {amount}, its own form {other}").format(
            row=entry["row"], name=entry["name"], amount=entry["amount"],
            other=own.get("amount", "—")))
    for term, label in (("long_term", "实施期绩效目标"), ("annual", "年度绩效目标")):
        if entry[term] and _goal_texts(entry[term]) != _goal_texts(own.get(term)):
            out.append(_("fund summary, {row}: {name}: {label} “{text}” is not what its own "
                         "form says").format(row=entry["row"], name=entry["name"],
                                             label=label, text="；".join(entry[term])))
    return out


def _goal_texts(items: Any) -> list[str]:
    """Goals as compared: a closing 。 or a space is no difference."""
    return [L.squeeze(str(i)).rstrip("。.；;，,") for i in items or []]


def _share(path: Path, drafts: list[Imported]) -> None:
    """What one form of a file says for all: the fiscal year, the unit."""
    years = Counter(d.data["fiscal_year"] for d in drafts if "fiscal_year" in d.data)
    file_years = L.years(path.stem)
    department = next((d for d in drafts if d.form.kind == "department" and
                       d.data.get("name")), None)
    units = Counter(d.data["unit"]["name"] for d in drafts
                    if isinstance(d.data.get("unit"), dict) and d.data["unit"].get("name"))
    for item in drafts:
        d = item.draft
        if "fiscal_year" not in d.data:
            if d.year_hint is not None:
                d.put("fiscal_year", d.year_hint[0], _("the form prints no year; {how}")
                      .format(how=d.year_hint[1]))
            elif years:
                year = years.most_common(1)[0][0]
                d.put("fiscal_year", year, _("the form prints no year; the other forms of "
                                             "the file are of this year"))
            elif file_years:
                d.put("fiscal_year", max(file_years), _("the form prints no year; taken "
                                                        "from the file's name"))
        _resolve_history(d)
        unit = d.data.get("unit") if isinstance(d.data.get("unit"), dict) else None
        if unit is None or not unit.get("name"):
            if item.form.kind == "department" and d.data.get("name"):
                d.put("unit.name", d.data["name"])
            elif department is not None:
                d.put("unit.name", department.data["name"], _(
                    "the form does not name its unit; taken from the department form (部门名称) "
                    "of the same file"))
            elif units:
                d.put("unit.name", units.most_common(1)[0][0], _(
                    "the form does not name its unit; taken from the other forms of the file"))


def _resolve_history(d: Draft) -> None:
    """前年 and 上年 become years, now that the fiscal year is known."""
    year = d.data.get("fiscal_year")
    for path, _offset in d.history_offsets:
        node: Any = d.data
        for part in path:
            node = node[part]
        if isinstance(year, int):
            for h in node.get("history", []):
                h["year"] = year + h["year"]
        else:
            node.pop("history", None)
            d.unplaced.append(_("{field}: 近两年指标值 without a fiscal year to count back "
                                "from").format(field=".".join(map(str, path))))
    d.history_offsets = []


def import_files(files: list[Path], repo: Repository, kind: str | None = None,
                 layout: str | None = None, out: Path = Path("declarations"), *,
                 force: bool = False, write: bool = True) -> ImportResult:
    """Reads every file and writes one declaration per form under
    out/<fiscal_year>/<unit id>/<id>.yaml. A file that cannot be read is reported and
    the others are still imported. Each form is matched to the declaration of `out` it
    is (identity.place): only that declaration's file is ever replaced, and only with
    `force`; a form that matches none is a new declaration, in a new file."""
    if kind is not None and kind not in KINDS:
        raise UsageError(_("unknown kind {kind}; kinds: {kinds}")
                         .format(kind=repr(kind), kinds=", ".join(KINDS)))
    for f in files:
        if missing(f):  # anything else there is said for that file alone
            raise UsageError(_("path not found: {path}").format(path=f))
    if layout is not None:
        _check_layout(layout, kind, repo)
    result = ImportResult()
    for source in files:
        outcome = FileOutcome(source)
        result.files.append(outcome)
        try:
            found, notes = read_file(source, kind, layout)
        except ImportRefused as exc:
            outcome.error = str(exc) if str(exc).startswith(str(source)) else f"{source}: {exc}"
            continue
        outcome.notes = notes
        if not found:
            outcome.error = _("{source}: no form found ({notes})").format(
                source=source, notes="; ".join(notes)) if notes else \
                _("{source}: no form found").format(source=source)
            continue
        if len(found) > 1:
            for n, item in enumerate(found, start=1):
                item.index = n
        outcome.imported = found
    # every form is placed at once: forms of one import may claim the same declaration
    items = [item for outcome in result.files for item in outcome.imported]
    placements = place([_wanted(item) for item in items], Existing.scan(out), out)
    for item, placement in zip(items, placements, strict=True):
        _place(item, placement)
        header = _header(item, item.index)
        assert item.file is not None
        modeline = schema_modeline(item.file, repo.root)
        if modeline:
            header.insert(0, modeline)
        footer = []
        if item.draft.unreadable:
            footer.append(_("Not read (cells whose value the file does not hold):"))
            footer.extend(f"  {u}" for u in item.draft.unreadable)
        if item.draft.unplaced:
            footer.append(_("Not placed (text of the form that no field took):"))
            footer.extend(f"  {u}" for u in item.draft.unplaced)
        item.text = render(item.data, item.draft.unsure, header, footer)
        if not write:
            continue
        if placement.replaces and not force:
            item.skipped = _("{file} holds this declaration ({identity}) already: kept "
                             "(--force replaces it)").format(file=item.file,
                                                             identity=placement.identity)
            continue
        if not placement.replaces and item.file.exists():  # (made since the folder was read)
            item.skipped = _("{file} appeared while importing: kept").format(file=item.file)
            continue
        from ..atomic import write_text

        item.file.parent.mkdir(parents=True, exist_ok=True)
        write_text(item.file, item.text)
    return result


def _wanted(item: Imported) -> Wanted:
    data = item.data
    unit = data.get("unit")
    name = data.get("name")
    form = _("{file}, form {index}").format(file=item.source.name, index=item.index) \
        if item.index else item.source.name
    return Wanted(data["kind"], name if isinstance(name, str) else None,
                  data.get("fiscal_year"),
                  unit.get("name") if isinstance(unit, dict) else None, form)


def _place(item: Imported, placement: Placement) -> None:
    d = item.draft
    identity = placement.identity
    unit = d.data.setdefault("unit", {})
    d.data["unit"] = {"id": identity.unit, **{k: v for k, v in unit.items() if k != "id"}}
    d.data = {"kind": d.data["kind"], "id": identity.id,
              **{k: v for k, v in d.data.items() if k not in ("kind", "id")}}
    if placement.id_unsure:
        d.unsure[("id",)] = placement.id_unsure
    if placement.unit_unsure:
        d.unsure[("unit", "id")] = placement.unit_unsure
    if item.index is not None:
        d.data["order"] = item.index
    item.placement = placement
    item.file = placement.file


def _header(item: Imported, index: int | None) -> list[str]:
    form = item.form
    what = " ".join(x for x in (form.number, L.squeeze(form.title) or form.kind) if x)
    imported = _("Imported by `perfdecl import` from {file} (form {index}, {form}; starts at "
                 "{where}).") if index else \
        _("Imported by `perfdecl import` from {file} ({form}; starts at {where}).")
    return [imported.format(file=item.source.name, index=index, form=what, where=form.where),
            _("Check every value marked `unsure:`, then run `perfdecl check`.")]


def _check_layout(layout: str, kind: str | None, repo: Repository) -> None:
    from ..render import Renderer

    try:
        known = Renderer(repo.config).layouts()
    except PerfdeclError:
        return
    names = {x.name for x in known if kind is None or x.kind == kind}
    if layout not in names:
        listed = ", ".join(sorted(names))
        if kind:
            raise UsageError(_("unknown layout {layout} for {kind}; layouts: {layouts} "
                               "(see `perfdecl layouts`)").format(
                layout=repr(layout), kind=kind, layouts=listed))
        raise UsageError(_("unknown layout {layout}; layouts: {layouts} "
                           "(see `perfdecl layouts`)").format(layout=repr(layout), layouts=listed))
