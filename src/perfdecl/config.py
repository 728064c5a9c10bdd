"""The repository's configuration: `perfdecl.toml`, or `[tool.perfdecl]` in pyproject.toml.

    layout = "national"            # the default layout of every kind
    [layouts]                      # a default per kind, overriding `layout`
    project = "hengyang-2019"

The repository root is the nearest folder, from where perfdecl starts up, holding one of
these files; its `templates/` folder adds or overrides layouts.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import PerfdeclError
from .files import read_file, reason
from .i18n import _

DEFAULT_LAYOUT = "national"


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None = None
    layout: str = DEFAULT_LAYOUT
    layouts: dict[str, str] = field(default_factory=dict)
    text: str = ""
    """The configuration file as read: what a build depends on, without reading it again."""

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def layout_for(self, kind: str) -> str:
        return self.layouts.get(kind, self.layout)


def load_config(start: Path) -> Config:
    """The configuration of the repository around `start` (repository.Repository.at
    calls it, once, where perfdecl starts)."""
    here = start.resolve()
    for folder in (here, *here.parents):
        own = folder / "perfdecl.toml"
        if _present(own):
            text = _read(own)
            return _parse(folder, own, _toml(own, text), text)
        pyproject = folder / "pyproject.toml"
        if _present(pyproject):
            text = _read(pyproject)
            table = _toml(pyproject, text).get("tool", {}).get("perfdecl")
            if table is not None:
                return _parse(folder, pyproject, table, text)
        if (folder / ".git").exists():
            return Config(folder)
    return Config(here)


def _present(file: Path) -> bool:
    """Whether anything is at `file`: a FIFO, a folder or a broken link named
    perfdecl.toml is a configuration that cannot be read, never one passed by."""
    return os.path.lexists(file)


def _read(file: Path) -> str:
    try:
        return read_file(file).decode("utf-8")
    except OSError as exc:
        why = reason(exc)
    except UnicodeDecodeError as exc:
        why = str(exc)
    raise PerfdeclError(_("{file}: cannot read the configuration: {error}")
                        .format(file=file, error=why))


def _toml(file: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PerfdeclError(_("{file}: cannot read the configuration: {error}")
                            .format(file=file, error=exc)) from None


def _parse(root: Path, source: Path, table: dict[str, Any], text: str) -> Config:
    known = {"layout", "layouts"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise PerfdeclError(_("{file}: unknown setting {setting}; perfdecl knows {known}")
                            .format(file=source, setting=repr(unknown[0]),
                                    known=", ".join(sorted(known))))
    layout = table.get("layout", DEFAULT_LAYOUT)
    layouts = table.get("layouts", {})
    if not isinstance(layout, str) or not isinstance(layouts, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in layouts.items()):
        raise PerfdeclError(_("{file}: `layout` is a name and `[layouts]` maps kinds to names")
                            .format(file=source))
    return Config(root, source, layout, dict(layouts), text)
