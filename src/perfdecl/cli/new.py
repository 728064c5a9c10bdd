"""perfdecl init and perfdecl new."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..files import missing
from ..i18n import _
from ..usage import Command
from .app import (
    _console,
    _errors,
    _repository,
    _shown,
    app,
)


@app.command(cls=Command, help=_(
    "Set up a declarations repository: perfdecl.toml, declarations/<year>/, .gitignore,\n"
    ".gitattributes (the diff driver), .pre-commit-config.yaml, .vscode/settings.json\n"
    "(the schema for declarations/**/*.yaml) and CI examples for GitHub Actions and GitLab\n"
    "CI. Existing files are never overwritten: nothing is written if any exists."))
def init(
    folder: Annotated[Path, typer.Argument(
        help=_("The folder to set up (created if missing; its parent must exist)."),
        show_default=False, readable=False)] = Path("."),
    year: Annotated[int | None, typer.Option(
        "--year", help=_("The fiscal year of the first declarations folder (default: this "
                         "year)."), show_default=False)] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help=_("perfdecl's git URL, for the pre-commit hooks and the CI "
                           "examples (default: the git URL perfdecl was installed from, else the package's "
                           "Source URL)."),
        show_default=False)] = None,
    rev: Annotated[str | None, typer.Option(
        "--rev", help=_("The perfdecl tag or commit the hooks and CI use (default: the "
                        "commit perfdecl was installed from, else v<this version>)."),
        show_default=False)] = None,
) -> None:
    from ..api import PERFDECL_GIT
    from ..api import init_repository as run_init

    console = _console()
    with _errors():
        result = run_init(folder, year=year, source=source, rev=rev)
    for file in result.written:
        console.print(_("wrote {file}").format(file=_shown(file)))
    if result.source == PERFDECL_GIT:
        console.print(_("[bold]note[/]: replace {placeholder} in .pre-commit-config.yaml and "
                        "the CI files with perfdecl's git URL (or run init with --source URL)"
                        ).format(placeholder=PERFDECL_GIT))
    console.print(_("next: git init; git config diff.perfdecl.textconv \"perfdecl diff "
                    "--textconv\"; pre-commit install; perfdecl new project --unit <unit-id> "
                    "--year {year}").format(year=result.year))


@app.command(cls=Command, help=_(
    "Start a declaration: a blank one of KIND, or last year's rolled forward (--from).\n"
    "\n"
    "[bold]perfdecl new KIND --unit U --year Y [--id ID] [--name NAME][/] writes every field\n"
    "of the kind and the whole indicator framework, commented in Chinese; `perfdecl check`\n"
    "lists the values still to fill. [bold]perfdecl new --from FILE --year Y[/] moves\n"
    "year-bound values on (the period, the schedule, deadlines such as 2023年底前), keeps\n"
    "last year's targets as the starting point and as history (近两年指标值), and removes\n"
    "the filing date; comments are kept."))
def new(
    kind: Annotated[str | None, typer.Argument(
        help=_("The kind of blank declaration to write: project, special_fund, department or "
               "expenditure_direction (or roll one forward with --from)."),
        show_default=False, autocompletion=lambda: list(api.KINDS))] = None,
    source: Annotated[Path | None, typer.Option(
        "--from", help=_("The declaration to roll forward (last year's)."), readable=False,
        show_default=False)] = None,
    year: Annotated[int | None, typer.Option(
        "--year", help=_("The (new) fiscal year."), show_default=False)] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", help=_("With KIND: the unit's id (the folder declarations/<year>/<unit>/)."),
        show_default=False)] = None,
    id_: Annotated[str | None, typer.Option(
        "--id", help=_("With KIND: the declaration's id (its file name); left to fill "
                       "without it."), show_default=False)] = None,
    name: Annotated[str | None, typer.Option(
        "--name", help=_("With KIND: the declaration's name (项目名称 …)."),
        show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help=_("Where to write it (default: declarations/<year>/<unit>/<id>.yaml;"
                              " with --from, beside the source's year folder)."),
        show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help=_("Replace an existing file."))
                     ] = False,
) -> None:
    with _errors():
        if (kind is None) == (source is None):
            raise api.UsageError(_("name a KIND for a blank declaration, or --from FILE to roll "
                                   "one forward (not both)"))
        if year is None:
            raise api.UsageError(_("--year is needed: the fiscal year of the new declaration"))
        if source is not None:
            from ..api import roll_forward

            for label, value in (("--unit", unit), ("--id", id_), ("--name", name)):
                if value is not None:
                    raise api.UsageError(_("{option} is for a blank declaration (KIND), "
                                           "not with --from").format(option=label))
            if missing(source):  # anything else there is said by roll_forward
                raise api.UsageError(_("path not found: {path}").format(path=source))
            written = roll_forward(source, year, out, force=force)
            _console().print(_("wrote {file}: check every value before filing").format(
                file=_shown(written)))
            return
        from ..api import new_declaration

        assert kind is not None
        if unit is None:
            raise api.UsageError(_("--unit is needed: the unit's id, e.g. --unit shigu-sbzx"))
        written = new_declaration(kind, unit, year, _repository(), id_=id_, name=name,
                                  out=out, force=force)
    _console().print(_("wrote {file}: fill in every empty value, delete the "
                       "fields the form leaves blank, then run `perfdecl check "
                       "{file}`").format(file=_shown(written)))
    if id_ is None and out is None:  # a name to change: said, not left to be found
        _console().print(_("[yellow]note:[/] without --id the declaration's `id` is empty and "
                           "its file is named {name}: fill in the id, then rename the file "
                           "<id>.yaml").format(name=_shown(written.name)))
