"""perfdecl diff."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..i18n import _
from ..report import plain_line
from ..usage import Command
from .app import (
    _console,
    _errors,
    _repository,
    _shown,
    app,
)


class DiffFormat(enum.StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"
    docx = "docx"


@app.command(cls=Command, help=_(
    "Show what changed between two declarations, two folders or two git revisions.\n"
    "\n"
    "Declarations are matched by id, indicators by category and name (renamed ones are\n"
    "shown as renamed), lists by content (reordering is no change unless --order).\n"
    "Amounts show the difference and percentage, targets whether they tightened, texts\n"
    "their changed characters; changes that only move years on are counted, not listed."))
def diff(
    paths: Annotated[list[Path] | None, typer.Argument(
        help=_("OLD NEW: two declaration files or two folders. With --rev: the paths to "
               "compare (default declarations/)."), show_default=False, readable=False)
    ] = None,
    rev: Annotated[str | None, typer.Option(
        "--rev", help=_("Compare git revisions: A..B, or A against the working tree."),
        show_default=False)] = None,
    output_format: Annotated[DiffFormat, typer.Option(
        "--format", "-f", help=_("text (terminal), markdown (merge-request comment), html "
                                 "(redline page), json, or docx (the new form with Word "
                                 "tracked changes)."))
    ] = DiffFormat.text,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help=_("Write the report to this file (needed for docx)."),
        show_default=False)] = None,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help=_("Exit 1 when there are differences, as `git diff --exit-code`."))
    ] = False,
    order: Annotated[bool, typer.Option(
        "--order", help=_("Report reordered lists too (by default order is no change)."))
    ] = False,
    textconv: Annotated[Path | None, typer.Option(
        "--textconv", help=_("Print FILE as one fact per line, for git's textconv driver."),
        show_default=False, readable=False)] = None,
) -> None:
    from ..api import diff_report

    console = _console()
    with _errors():
        if textconv is not None:
            from ..api import textconv as facts

            sys.stdout.write(facts(textconv))
            raise typer.Exit(0)
        repo = _repository()
        result, old_side, new_side = api.diff(paths or [], repo, rev, order=order)
        problems = old_side.problems + new_side.problems + result.problems
        for finding in problems:
            _console(stderr=True).print(_shown(plain_line(finding)))
        if out is not None:
            api.write_diff(result, output_format.value, out, repo, old_side.label,
                           new_side.label)
        elif output_format == DiffFormat.docx:
            raise api.UsageError(_("--format docx writes a Word file: name it with --out"))
        elif output_format == DiffFormat.text:
            diff_report.print_text(result, console)
        else:
            sys.stdout.write(diff_report.REPORTERS[output_format.value](
                result, old_side.label, new_side.label))
    failed = bool(problems)
    raise typer.Exit(1 if failed or (exit_code and result.changed) else 0)
