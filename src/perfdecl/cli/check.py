"""perfdecl check and perfdecl fmt."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import api
from ..i18n import _
from ..report import REPORTERS, plain_line, print_text
from ..usage import Command
from .app import (
    Format,
    PathsArg,
    _console,
    _errors,
    _paths,
    _repository,
    _shown,
    app,
)


@app.command(cls=Command, help=_(
    "Check declarations against the schema and the budget rules.\n"
    "\n"
    "Prints each finding as [bold]path:line:col: severity CODE: message[/], with a hint\n"
    "where one helps, and collects the findings of all files before exiting.\n"
    "Exit 0 without errors, 1 with errors (or warnings under --strict), 2 for wrong usage.\n"
    "`perfdecl rules` lists every rule."))
def check(
    paths: PathsArg = None,
    output_format: Annotated[Format, typer.Option(
        "--format", "-f", help=_("text for people; json, github (workflow annotations) or "
                                 "sarif for machines."))] = Format.text,
    strict: Annotated[bool, typer.Option(
        "--strict", help=_("Fail (exit 1) on warnings too, not only on errors."))] = False,
) -> None:
    with _errors():
        result = api.check(_paths(paths), _repository())
    if output_format == Format.text:
        print_text(result, _console())
    else:
        typer.echo(REPORTERS[output_format](result))
    raise typer.Exit(1 if result.failed(strict=strict) else 0)


@app.command("fmt", cls=Command, help=_(
    "Rewrite declarations in the canonical form.\n"
    "\n"
    "Keys in the schema's order, block style, two-space indentation, quotes only where\n"
    "YAML needs them and on phone numbers and codes; comments are kept. Running it twice\n"
    "changes nothing."))
def fmt_command(
    paths: PathsArg = None,
    check_only: Annotated[bool, typer.Option(
        "--check", help=_("Change nothing; exit 1 if any file would be reformatted."))
    ] = False,
) -> None:
    console = _console()
    with _errors():
        outcome = api.format_paths(_paths(paths), _repository(), write=not check_only)
    for finding in outcome.findings:
        console.print(_shown(plain_line(finding)))
    for file in outcome.changed:
        line = _("would reformat {file}") if check_only else _("reformatted {file}")
        console.print(line.format(file=_shown(file)))
    # a folder that could not be read is among the failed, not among the files
    unchanged = len(outcome.files) - len(outcome.changed) - len(
        set(outcome.failed) & set(outcome.files))
    if check_only:
        tally = _("{changed} to reformat, {unchanged} already formatted, "
                  "{failed} not loadable") if outcome.failed else \
            _("{changed} to reformat, {unchanged} already formatted")
    else:
        tally = _("{changed} reformatted, {unchanged} already formatted, "
                  "{failed} not loadable") if outcome.failed else \
            _("{changed} reformatted, {unchanged} already formatted")
    console.print(tally.format(changed=len(outcome.changed), unchanged=unchanged,
                               failed=len(outcome.failed)))
    failed = bool(outcome.failed) or (check_only and bool(outcome.changed))
    raise typer.Exit(1 if failed else 0)
