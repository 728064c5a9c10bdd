"""A layout from a bureau's own blank form: `perfdecl layout new --from FORM.docx`.

The form is read as `import` reads one (the same safe readers, the same table of
labels), then written out the other way, as a Jinja template:

1. Tables that grow with a declaration are found by their header rows (一级指标 |
   二级指标 | 三级指标 | 指标值, 实施内容 | 开始时间 | 完成时间, 支出明细 | 金额 …): their
   body rows become a loop, padded to the rows the form prints.
2. Every other blank cell, and the blank after each 「label：」, is given a placeholder,
   and the importer's Reader reads the form: the field it reads a placeholder for is
   the field that cell prints (reader.Reader.bindings). The two directions are one
   table of labels (importer/specs.py).
3. Tick boxes are bound to the options their words name (specs.CHOICES).
4. The rest is the form's text, kept as text: escaped for HTML and for Jinja, so a
   label that holds template syntax prints as itself. What could not be bound is
   listed, with its place, for the user to bind by hand.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import PerfdeclError
from ..i18n import _
from ..importer import read_parts
from ..importer.forms import Form, find_forms
from .binding import Generated, Unbound
from .writer import Writer

__all__ = ["FormNotUnderstood", "Generated", "Unbound", "generate", "read_form"]


class FormNotUnderstood(PerfdeclError):
    """The file holds no form of the kind asked for."""


def read_form(path: Path, kind: str) -> tuple[Form, dict[int, list[float]], list[str]]:
    """The first form of `kind` in the file (DOCX or XLSX), read as import reads it (a
    hostile file is refused: importer.safety), its tables' column widths, and what the
    user should know of the others."""
    parts = read_parts(path)
    forms, notes = find_forms(parts, kind)
    mine = [f for f in forms if f.kind == kind]
    if not mine:
        raise FormNotUnderstood(_("{path}: no {kind} form found{notes}").format(
            path=path, kind=kind, notes="; " + "; ".join(notes) if notes else ""))
    form = mine[0]
    part = next(p for p in parts if any(r is form.rows[0] for r in p.rows))
    said = [_("the file holds {count} {kind} forms: the layout is made from the first, "
              "{title} ({where})").format(count=len(mine), kind=kind, title=form.title,
                                          where=form.where)] if len(mine) > 1 else []
    return form, part.widths, said


def generate(path: Path, kind: str, source: str | None = None) -> Generated:
    """The layout of the first form of `kind` in the file at `path`."""
    form, widths, notes = read_form(path, kind)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    made = Writer(form, kind, source or f"{path.name} (sha256 {digest}…)", widths).write()
    made.notes = notes
    return made

