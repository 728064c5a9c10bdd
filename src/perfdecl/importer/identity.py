"""Which declaration an imported form is, and which file it goes to.

A declaration's identity is (fiscal year, unit, id). A form prints its year, the name
of its unit and its own name, never the ids, so the output folder is asked:

- the unit: the unit id its declarations give to that unit name, where they give one;
- the declaration: the one declaration of the same kind and name in that unit and year,
  where there is exactly one; else, where there is none, the id the same unit gives to
  that kind and name in its other years (ids are kept from year to year), where it gives
  exactly one and no declaration of this year holds it already.

Whatever is not certain is a new declaration with a made-up id, marked unsure, and the
reason is said: a name shared by several declarations is matched to none of them, and
forms of one import that share a kind and name (and so would land in one file) are all
new. Only the file that holds the very declaration a form matched is ever replaced
(with --force); a new declaration goes to a file that does not exist.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PerfdeclError
from ..files import reason
from ..i18n import _
from ..load import load
from .labels import norm

_SLUG = {"project": "project", "special_fund": "special-fund", "department": "department",
         "expenditure_direction": "expenditure-direction"}
NO_YEAR = "unknown-year"
"""The folder of a declaration whose form gives no fiscal year."""


@dataclass(frozen=True)
class Identity:
    """(fiscal year, unit id, id): what a declaration is, whatever its file is named."""

    year: Any
    unit: str
    id: str

    def __str__(self) -> str:
        return f"{NO_YEAR if self.year is None else self.year}/{self.unit}/{self.id}"


@dataclass(frozen=True)
class Declared:
    """A declaration file of the output folder, and what it says it is."""

    file: Path
    identity: Identity | None
    """None when the file does not say its year, unit id and id (or does not load)."""
    kind: Any = None
    name: str = ""
    """Its name, normalised (labels.norm): the key a form's name is matched by."""
    title: str = ""
    """Its name as written."""


@dataclass
class Existing:
    """What the output folder already holds."""

    declared: list[Declared] = field(default_factory=list)
    units: dict[str, set[str]] = field(default_factory=dict)
    """Unit name (normalised) → the unit ids declarations give it."""
    files: set[str] = field(default_factory=set)
    """Every declaration file, loaded or not (os.path.normpath)."""

    @classmethod
    def scan(cls, folder: Path) -> Existing:
        found = cls()
        if not folder.is_dir():
            return found
        for root, dirs, names in os.walk(folder, onerror=_unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if not name.endswith((".yaml", ".yml")) or name.startswith("."):
                    continue
                path = Path(root) / name
                found.files.add(os.path.normpath(path))
                document, _findings = load(path)
                if document is None:
                    found.declared.append(Declared(path, None))
                    continue
                found.declared.append(_declared(path, document.data))
                unit = document.data.get("unit")
                if isinstance(unit, dict) and isinstance(unit.get("id"), str) and \
                        isinstance(unit.get("name"), str) and norm(unit["name"]):
                    found.units.setdefault(norm(unit["name"]), set()).add(unit["id"])
        return found

    def holding(self, identity: Identity) -> list[Declared]:
        return [d for d in self.declared if d.identity == identity]

    def holds_file(self, path: Path) -> bool:
        return os.path.normpath(path) in self.files


def _unreadable(exc: OSError) -> None:
    """A folder of the output that cannot be read may hold the declaration a form is:
    matching without it could write a second file of the same declaration."""
    raise PerfdeclError(_("cannot read the folder {folder}: {reason}; import cannot tell "
                          "which declarations it holds").format(folder=exc.filename,
                                                                reason=reason(exc)))


def _declared(path: Path, data: dict[str, Any]) -> Declared:
    unit = data.get("unit")
    unit_id = unit.get("id") if isinstance(unit, dict) else None
    ident, year, title = data.get("id"), data.get("fiscal_year"), data.get("name")
    identity = Identity(year, unit_id, ident) \
        if isinstance(unit_id, str) and isinstance(ident, str) and \
        isinstance(year, int) and not isinstance(year, bool) else None
    title = title if isinstance(title, str) else ""
    return Declared(path, identity, data.get("kind"), norm(title), title)


@dataclass(frozen=True)
class Wanted:
    """What a form says of the declaration it is."""

    kind: str
    name: str | None
    year: Any
    unit_name: str | None
    form: str
    """The form, in messages: a.docx, form 2."""


@dataclass
class Placement:
    """Where an imported declaration goes, and what it matched."""

    identity: Identity
    file: Path
    replaces: bool
    """`file` holds this very declaration (replaced only with --force)."""
    matched: str
    """What the form matched, or why it matched nothing, for the user."""
    id_unsure: str | None = None
    unit_unsure: str | None = None


@dataclass
class _Claim:
    """A form's match in the output folder, before the other forms are looked at."""

    identity: Identity
    file: Path
    replaces: bool
    matched: str


def place(wanted: list[Wanted], existing: Existing, out: Path) -> list[Placement]:
    """The identity and file of each form's declaration, in the order of `wanted`."""
    units = _units(wanted, existing, out)
    claims: list[_Claim | str | None] = [
        _claim(w, unit, existing, out) for w, (unit, _why) in zip(wanted, units, strict=True)]
    # forms of this import of one kind and name in one unit and year: the same declaration
    # twice, or several declarations that only their ids could tell apart
    groups: dict[tuple[Any, str, str, str], list[int]] = defaultdict(list)
    for n, (w, (unit, _why)) in enumerate(zip(wanted, units, strict=True)):
        if w.name and norm(w.name):
            groups[(w.year, unit, w.kind, norm(w.name))].append(n)
    for members in groups.values():
        if len(members) < 2:
            continue
        for n in members:
            others = ", ".join(wanted[m].form for m in members if m != n)
            claim = claims[n]
            claims[n] = _("other forms of this import have the same kind, name, unit and year "
                          "({forms}): which is which is not known, so each is a new "
                          "declaration").format(forms=others) if not isinstance(claim, _Claim) \
                else _("{identity} ({file}) is matched by other forms of this import too "
                       "({forms}): which one it is, is not known, so none replaces it"
                       ).format(identity=claim.identity, file=claim.file, forms=others)
    taken = {c.identity for c in claims if isinstance(c, _Claim)}
    paths = {os.path.normpath(c.file) for c in claims if isinstance(c, _Claim)}
    placements = []
    for w, (unit, unit_why), claim in zip(wanted, units, claims, strict=True):
        if isinstance(claim, _Claim):
            placements.append(Placement(claim.identity, claim.file, claim.replaces,
                                        claim.matched, None, unit_why))
            continue
        identity, file = _made_up(w, unit, existing, out, taken, paths)
        made_up = _("made up: choose a stable id (the file is named after it)")
        if claim is None:
            matched = _("nothing: {out} holds no {kind} named {name} of this unit").format(
                out=out, kind=w.kind, name=w.name) if w.name else \
                _("nothing: the form gives no name to match it by")
        else:
            matched = _("nothing: {reason}").format(reason=claim)
            made_up = _("{made_up}; {reason}").format(made_up=made_up, reason=claim)
        placements.append(Placement(identity, file, False, matched, made_up, unit_why))
    return placements


def _units(wanted: list[Wanted], existing: Existing, out: Path
           ) -> list[tuple[str, str | None]]:
    """Each form's unit id, and why it is unsure (made up) where it is."""
    made: dict[str, str] = {}
    used = {i for ids in existing.units.values() for i in ids} | \
        {d.identity.unit for d in existing.declared if d.identity is not None}
    folders = {p.name for p in out.glob("*/*") if p.is_dir()} if out.is_dir() else set()
    result: list[tuple[str, str | None]] = []
    for w in wanted:
        key = norm(w.unit_name or "")
        known = sorted(existing.units.get(key, ())) if key else []
        if len(known) == 1:
            result.append((known[0], None))
            continue
        if key not in made:
            n = 1
            while f"unit-{n}" in used or f"unit-{n}" in folders or \
                    f"unit-{n}" in made.values():
                n += 1
            made[key] = f"unit-{n}"
        why = _("made up: choose the unit's stable id (its folder's name)")
        if known:
            why = _("{made_up}; {out} gives the unit name {name} several ids ({ids}): which "
                    "one it is, is not known").format(made_up=why, out=out, name=w.unit_name,
                                                      ids=", ".join(known))
        result.append((made[key], why))
    return result


def _claim(w: Wanted, unit: str, existing: Existing, out: Path) -> _Claim | str | None:
    """The declaration of the output folder this form is, or why none is (None: there
    is none of its name)."""
    key = norm(w.name or "")
    if not key:
        return None
    if w.year is None:
        return _("the form gives no fiscal year to match it by")
    same = [d for d in existing.declared if d.identity is not None and d.kind == w.kind and
            d.name == key and d.identity.unit == unit]
    this_year = [d for d in same if d.identity is not None and d.identity.year == w.year]
    if len(this_year) > 1:
        return _("{count} {kind} declarations of unit {unit} in {year} are named {name} "
                 "({files}): which one this form is, is not known, so none is replaced"
                 ).format(count=len(this_year), kind=w.kind, unit=unit, year=w.year,
                          name=w.name, files=", ".join(str(d.file) for d in this_year))
    if this_year:
        found = this_year[0]
        assert found.identity is not None
        holders = existing.holding(found.identity)
        if len(holders) > 1:
            return _("{identity} is declared by several files ({files}): none is replaced"
                     ).format(identity=found.identity,
                              files=", ".join(str(d.file) for d in holders))
        return _Claim(found.identity, found.file, True, _(
            "{identity}: the only {kind} named {name} of unit {unit} in {year}").format(
            identity=found.identity, kind=w.kind, name=w.name, unit=unit, year=w.year))
    ids = sorted({d.identity.id for d in same if d.identity is not None})
    if not ids:
        return None
    years = "、".join(sorted({str(d.identity.year) for d in same if d.identity is not None}))
    if len(ids) > 1:
        return _("the {kind} named {name} of unit {unit} has several ids in other years "
                 "({ids}): none is taken").format(kind=w.kind, name=w.name, unit=unit,
                                                  ids=", ".join(ids))
    identity = Identity(w.year, unit, ids[0])
    holders = existing.holding(identity)
    if holders:
        return _("{id} is the id of the {kind} named {name} in {years}, but in {year} {file} "
                 "holds another declaration under it ({title})").format(
            id=ids[0], kind=w.kind, name=w.name, years=years, year=w.year,
            file=holders[0].file, title=holders[0].title or "?")
    file = _file(out, identity)
    if file.exists() or existing.holds_file(file):
        return _("{id} is the id of the {kind} named {name} in {years}, but {file} exists "
                 "and holds something else").format(id=ids[0], kind=w.kind, name=w.name,
                                                    years=years, file=file)
    return _Claim(identity, file, False, _(
        "{id} of {years}: the id of the {kind} named {name} of unit {unit} there; a new "
        "declaration of {year}").format(year=w.year, id=ids[0], kind=w.kind, name=w.name,
                                        unit=unit, years=years))


def _made_up(w: Wanted, unit: str, existing: Existing, out: Path, taken: set[Identity],
             paths: set[str]) -> tuple[Identity, Path]:
    """A new id, held by no declaration of the folder or of this import, whose file does
    not exist."""
    n = 1
    while True:
        identity = Identity(w.year, unit, f"{_SLUG[w.kind]}-{n}")
        file = _file(out, identity)
        if identity not in taken and os.path.normpath(file) not in paths and \
                not existing.holding(identity) and not file.exists() and \
                not existing.holds_file(file):
            taken.add(identity)
            paths.add(os.path.normpath(file))
            return identity, file
        n += 1


def _file(out: Path, identity: Identity) -> Path:
    year = NO_YEAR if identity.year is None else str(identity.year)
    return out / year / identity.unit / f"{identity.id}.yaml"
