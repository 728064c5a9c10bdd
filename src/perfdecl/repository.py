"""The repository perfdecl works in: its root, its configuration and the reproducible
date of what it writes.

It is made once, at the edge (the command line makes it from the working folder and
the environment), and passed in: nothing below reads the working folder or the
environment, so a program can point perfdecl at any repository, and tests need not
change folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .config import Config, load_config
from .domain import source_date_epoch
from .errors import PerfdeclError
from .files import read_file
from .resources import data_dir

LAYOUT_SUFFIX = ".html.j2"


@dataclass(frozen=True)
class Repository:
    here: Path
    """Where perfdecl was started: relative paths given to it are read from here."""
    root: Path
    """The repository's root: its configuration, templates and schemas are there; a
    symbolic link out of it is refused."""
    _config: Config | None = field(default=None, repr=False)
    _unreadable: PerfdeclError | None = field(default=None, repr=False)
    _epoch: str | None = field(default=None, repr=False)

    @classmethod
    def at(cls, here: Path, environ: Mapping[str, str] | None = None) -> Repository:
        """The repository around `here`: the nearest folder up holding perfdecl.toml,
        [tool.perfdecl] in pyproject.toml or .git (else `here` itself). `environ` gives
        SOURCE_DATE_EPOCH; nothing else of it is read.

        A configuration that cannot be read is said when it is needed (`build`,
        `layouts`), not here: `check` does not need it and still checks."""
        here = here.resolve()
        epoch = (environ or {}).get("SOURCE_DATE_EPOCH")
        try:
            config = load_config(here)
        except PerfdeclError as exc:
            return cls(here, here, None, exc, epoch)
        return cls(here, config.root.resolve(), config, None, epoch)

    @property
    def config(self) -> Config:
        """The configuration; PerfdeclError, with the file, when it cannot be read."""
        if self._config is None:
            assert self._unreadable is not None
            raise self._unreadable
        return self._config

    @cached_property
    def epoch(self) -> int | None:
        """SOURCE_DATE_EPOCH, the date reproducible builds agree on, or None to date each
        file by its declarations. A wrong value is wrong usage (UsageError), said by the
        commands that write before they write anything."""
        return source_date_epoch(self._epoch)

    def layout_of(self, kind: str, named: str | None) -> str | None:
        """The layout a declaration of `kind` is printed in: the one it names, else the
        configured one (None while the configuration cannot be read)."""
        if named:
            return named
        return self._config.layout_for(kind) if self._config is not None else None

    def has_own_layout(self, kind: str, name: str) -> bool:
        """Whether the repository's templates/ has a layout of that name of its own,
        not the built-in one (the same file, or a copy of it)."""
        own = self.root / "templates" / kind / f"{name}{LAYOUT_SUFFIX}"
        builtin = data_dir("templates") / kind / f"{name}{LAYOUT_SUFFIX}"
        try:  # read as every template is: a FIFO or a device there is not waited on
            return not (own.resolve() == builtin.resolve()
                        or read_file(own) == read_file(builtin))
        except OSError:  # none there, or one that cannot be read, which `build` says
            return os.path.lexists(own)

    def path(self, given: Path) -> Path:
        """A path given relative to where perfdecl was started, as a path to open."""
        return given if given.is_absolute() else self.here / given
