"""The command line: `app` (cli/app.py: the options every command shares, the errors
and exit codes) and one module per group of commands, which only maps options to calls.
The modules register their commands as they are imported, in the order `perfdecl --help`
lists them."""

from __future__ import annotations

from importlib import import_module

from .app import app, main

for _commands in ("check", "build", "diff", "new", "bundle", "layout", "info", "importing"):
    import_module(f"{__name__}.{_commands}")

__all__ = ["app", "main"]
