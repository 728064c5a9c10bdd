"""perfdecl bundle and perfdecl layouts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..i18n import _
from ..report import printable
from ..usage import Command
from .app import (
    _console,
    _errors,
    _repository,
    _shown,
    app,
)


@app.command(cls=Command, help=_(
    "Join the build folders of `perfdecl build --shard I/N` runs into one, with the index,\n"
    "manifest and zips a single build gives (byte for byte)."))
def bundle(
    merge: Annotated[list[Path], typer.Option(
        "--merge", help=_("A shard's build folder (repeat for each shard)."), readable=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help=_("The joined build folder."))
                   ] = Path("build"),
) -> None:
    from ..api import merge_bundles as merge_shards

    with _errors():
        for folder in merge:
            if not folder.is_dir():
                raise api.UsageError(_("path not found: {path}").format(path=folder))
        taken, left_out = merge_shards(merge, out, _repository())
    console = _console()
    for problem in left_out:
        console.print(_("[yellow]warning:[/] {problem}").format(problem=_shown(problem)))
    console.print(_("joined {shards} shards ({files} files) into {folder}/").format(
        shards=len(merge), files=taken, folder=_shown(out)))


@app.command(cls=Command, help=_(
    "List the layouts: for each kind of form, the layouts available and where each\n"
    "comes from (built in, or the repository's templates/ folder)."))
def layouts() -> None:
    with _errors():
        found = api.layouts(_repository())
    width = max((len(x.kind) for x in found), default=4) + 2
    for x in found:
        typer.echo(printable(f"{x.kind:<{width}}{x.name:<18}{x.title}  ({x.source})"))
