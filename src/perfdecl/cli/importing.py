"""perfdecl import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import _, ngettext
from ..usage import Command
from .app import (
    DEFAULT_FOLDER,
    _console,
    _error_line,
    _errors,
    _repository,
    _shown,
    app,
)


@app.command("import", cls=Command, help=_(
    "Read filled forms (DOCX, XLSX) into YAML declarations, one per form.\n"
    "\n"
    "Cells are found by their labels, whatever the table's shape; the kind and layout\n"
    "come from each form's title. A value that had to be guessed carries a\n"
    "[bold]# unsure:[/] comment; text no field took, and formula cells saved without\n"
    "their values, are listed at the end of the file and here. Each form is matched to\n"
    "the declaration of --out it is (same kind and name, unit and year, where only one\n"
    "has them): only that declaration's file is replaced, with --force; anything else is a\n"
    "new file. Then `perfdecl check` says what is missing. Exit 0 when every form was\n"
    "imported, 1 when a file was refused or not written, 2 for wrong usage."))
def import_forms(
    files: Annotated[list[Path], typer.Argument(
        help=_("Filled forms: Word (.docx) or Excel (.xlsx) files."), show_default=False,
        readable=False)],
    kind: Annotated[str | None, typer.Option(
        "--kind", help=_("Read every form as this kind (project, special_fund, department, "
                         "expenditure_direction) instead of telling it from the title."),
        show_default=False)] = None,
    layout: Annotated[str | None, typer.Option(
        "--layout", help=_("The layout to record, instead of telling it from the form "
                           "(`perfdecl layouts` lists them)."), show_default=False)] = None,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help=_("The declarations folder to write into: "
                              "<out>/<year>/<unit>/<id>.yaml."))] = DEFAULT_FOLDER,
    force: Annotated[bool, typer.Option(
        "--force", help=_("Replace the file of the declaration a form matched (never a "
                          "file that holds another declaration)."))] = False,
) -> None:
    from ..api import import_files

    console = _console()
    with _errors():
        result = import_files(files, _repository(), kind, layout, out, force=force)
    unsure = unplaced = unreadable = written = replaced = 0
    for outcome in result.files:
        name = _shown(outcome.source)
        if outcome.error:
            _console(stderr=True).print(_error_line(_shown(outcome.error)))
            continue
        forms = len(outcome.imported)
        console.print(ngettext("[bold]{file}[/]: {n} form", "[bold]{file}[/]: {n} forms",
                               forms).format(file=name, n=forms))
        for note in outcome.notes:
            console.print("  " + _("note: {note}").format(note=_shown(note)))
        for item in outcome.imported:
            what = _shown(item.data.get("name") or item.form.title or item.form.kind)
            doubts = len(item.draft.unsure)
            unsure += doubts
            unplaced += len(item.draft.unplaced)
            unreadable += len(item.draft.unreadable)
            matched = "    " + _("matched {what}").format(
                what=_shown(item.placement.matched if item.placement else "?"))
            if item.skipped:
                err = _console(stderr=True)
                err.print("  " + _("[bold red]not written[/]: {reason}").format(
                    reason=_shown(item.skipped)))
                err.print(matched)
                continue
            written += 1
            replacing = item.placement is not None and item.placement.replaces
            replaced += replacing
            wrote = (_("replaced {file}  ({form}; {unsure} unsure)") if replacing else
                     _("new file {file}  ({form}; {unsure} unsure)")) if doubts else \
                (_("replaced {file}  ({form})") if replacing else _("new file {file}  ({form})"))
            console.print("  " + wrote.format(file=_shown(item.file), form=what,
                                              unsure=doubts))
            console.print(matched)
            for line in item.draft.unreadable:
                console.print("    " + _("[bold]not read[/]: {text}").format(text=_shown(line)))
            for line in item.draft.unplaced:
                console.print("    " + _("not placed: {text}").format(text=_shown(line)))
            for note in item.draft.notes:
                console.print("    " + _("note: {note}").format(note=_shown(note)))
    tally = _("{written} declarations written ({new} new, {replaced} replaced), {unsure} "
              "values marked unsure, {unplaced} texts not placed, {unreadable} cells not "
              "read; now run `perfdecl check {folder}`") if written else \
        _("{written} declarations written, {unsure} values marked unsure, "
          "{unplaced} texts not placed, {unreadable} cells not read")
    console.print(tally.format(written=written, new=written - replaced, replaced=replaced,
                               unsure=unsure, unplaced=unplaced, unreadable=unreadable,
                               folder=_shown(out)))
    raise typer.Exit(1 if result.failed else 0)
