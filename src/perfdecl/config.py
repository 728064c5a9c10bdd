"""The repository's configuration: `perfdecl.toml`, or `[tool.perfdecl]` in pyproject.toml.

    layout = "national"            # the default layout of every kind
    [layouts]                      # a default per kind, overriding `layout`
    project = "hengyang-2019"
    [check]                        # the rules `check` applies (waivers.py)
    ignore = ["W003"]

The repository root is the nearest folder, from where perfdecl starts up, holding one of
these files; its `templates/` folder adds or overrides layouts.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import PerfdeclError
from .files import read_file, reason
from .i18n import _

DEFAULT_LAYOUT = "national"


SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class CheckSettings:
    """[check]: the codes (or their prefixes) `check` selects and ignores, as ruff's
    select, extend-select and ignore, and severities changed per code."""

    select: tuple[str, ...] = ("",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None = None
    layout: str = DEFAULT_LAYOUT
    layouts: dict[str, str] = field(default_factory=dict)
    text: str = ""
    """The configuration file as read: what a build depends on, without reading it again."""
    check: CheckSettings = field(default_factory=CheckSettings)

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
    known = {"layout", "layouts", "check"}
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
    return Config(root, source, layout, dict(layouts), text,
                  _check_settings(source, table.get("check", {})))


_CODE = re.compile(r"[A-Z]{1,2}[0-9]{0,3}")


def _check_settings(source: Path, table: Any) -> CheckSettings:
    """[check], each code or prefix written as `perfdecl rules` lists them (I006, I)."""
    def fail(what: str) -> PerfdeclError:
        return PerfdeclError(_("{file}: [check] {what}").format(file=source, what=what))

    if not isinstance(table, dict):
        raise fail(_("is a table: select, extend-select, ignore, severity"))
    unknown = sorted(set(table) - {"select", "extend-select", "ignore", "severity"})
    if unknown:
        raise fail(_("unknown setting {setting}; perfdecl knows select, extend-select, "
                     "ignore, severity").format(setting=repr(unknown[0])))
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("select", "extend-select", "ignore"):
        value = table.get(key, ["ALL"] if key == "select" else [])
        if not isinstance(value, list) or not all(
                isinstance(c, str) and (c == "ALL" or _CODE.fullmatch(c)) for c in value):
            raise fail(_("{key} is a list of codes or their prefixes, such as [\"I006\", "
                         "\"W\"]").format(key=key))
        lists[key] = tuple("" if c == "ALL" else c for c in value)  # ALL: every code
    severity = table.get("severity", {})
    if not isinstance(severity, dict) or not all(
            isinstance(k, str) and _CODE.fullmatch(k) and v in SEVERITIES
            for k, v in severity.items()):
        raise fail(_("severity maps codes to \"error\" or \"warning\", such as "
                     "{{ I006 = \"error\" }}"))
    return CheckSettings(lists["select"], lists["extend-select"], lists["ignore"],
                         dict(severity))
