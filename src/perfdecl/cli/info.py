"""perfdecl schema and perfdecl rules."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .. import api
from ..i18n import _
from ..report import SEVERITY_WORDS
from ..usage import Command
from .app import (
    _console,
    _errors,
    app,
)


@app.command(cls=Command, help=_(
    "Print the JSON Schema of a kind of declaration, self-contained.\n"
    "\n"
    "Without KIND, lists the kinds and their schema files."))
def schema(
    kind: Annotated[str | None, typer.Argument(
        help=_("project, special_fund, department or expenditure_direction."),
        show_default=False)] = None,
    path: Annotated[bool, typer.Option(
        "--path", help=_("Print the folder holding the schema files instead "
                         "(for an editor's yaml.schemas setting)."))] = False,
) -> None:
    with _errors():
        if path:
            typer.echo(str(api.schema_folder()))
        elif kind is None:
            for name, title, file in api.schema_kinds():
                typer.echo(f"{name:<22} {title}  ({file})")
        else:
            typer.echo(json.dumps(api.bundled_schema(kind), ensure_ascii=False, indent=2))


@app.command(cls=Command, help=_("List every rule: code, severity, name and what it checks."))
def rules() -> None:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    for column in (_("code"), _("severity"), _("name"), _("checks that")):
        table.add_column(column, overflow="fold")
    for r in api.rules():
        table.add_row(r.code, _(SEVERITY_WORDS[r.severity]), r.name, r.describe())
    Console(highlight=False, width=max(100, _console().width)).print(table)
