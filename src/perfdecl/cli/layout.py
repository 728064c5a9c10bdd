"""perfdecl layout new."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..i18n import _
from ..usage import Command, Group
from .app import _console, _errors, _repository, _shown, app

layout_app = typer.Typer(cls=Group, no_args_is_help=True, help=_(
    "Make a layout from a bureau's own form (see `perfdecl layout new --help`)."))
app.add_typer(layout_app, name="layout")


@layout_app.command("new", cls=Command, help=_(
    "Make a layout from the blank form a bureau issues (DOCX or XLSX, or a filled one).\n"
    "\n"
    "Writes templates/KIND/NAME.html.j2 in the repository: the form's grid, merges,\n"
    "column widths and labels, each value cell bound to the field its label names (the\n"
    "labels `perfdecl import` reads), tick boxes bound to their options, and the indicator,\n"
    "schedule and expense tables growing with the declaration. What cannot be bound is\n"
    "kept as the form's text and listed, here and at the top of the template, to bind by\n"
    "hand. Then `perfdecl build --layout NAME` and compare with the paper form."))
def new(
    source: Annotated[Path, typer.Option(
        "--from", help=_("The bureau's form: a .docx or .xlsx file."), readable=False,
        show_default=False)],
    kind: Annotated[str, typer.Option(
        "--kind", help=_("The kind of form: project, special_fund, department or "
                         "expenditure_direction."), show_default=False,
        autocompletion=lambda: list(api.KINDS))],
    name: Annotated[str, typer.Option(
        "--name", help=_("The layout's name, such as changsha-2025 (what a declaration's "
                         "`layout:` names)."), show_default=False)],
    force: Annotated[bool, typer.Option("--force", help=_("Replace an existing layout."))
                     ] = False,
) -> None:
    console = _console()
    with _errors():
        target, generated = api.new_layout(_repository(), source, kind, name, force=force)
    for note in generated.notes:
        console.print(_("[bold]note[/]: {note}").format(note=_shown(note)))
    console.print(_("wrote {file}: {bound} cells bound").format(
        file=_shown(target), bound=len(generated.bound)))
    if generated.choices:
        console.print(_("tick boxes (check each one's field and value):"))
        for words, path, value in dict.fromkeys(generated.choices):
            console.print(f"  {_shown(words)}: {path} = {_shown(value)}")
    if generated.unbound:
        console.print(_("[yellow]not bound[/] (kept as the form's text or left blank; bind "
                        "them by hand in the template):"))
        for item in generated.unbound:
            console.print(f"  {_shown(item)}")
    console.print(_("next: perfdecl build --layout {name} and compare with the paper form")
                  .format(name=name))
