"""Where perfdecl's own data lives: the JSON Schemas and the Jinja templates.

In a wheel they sit inside the package (`perfdecl/schema`, `perfdecl/templates`); in a
source checkout installed in editable mode they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

from .i18n import _

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder `schema` or `templates`, wherever this installation keeps it."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(_("perfdecl's {name}/ folder is missing from this installation")
                            .format(name=name))
