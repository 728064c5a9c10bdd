"""Development sessions: `nox -s tests`, `nox -s lint`, `nox -s typecheck`, `nox -s build`."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on the package and the tests."""
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy, strict, on the package."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session
def build(session: nox.Session) -> None:
    """The example declarations, built into build/."""
    session.install("-e", ".")
    session.run("perfdecl", "build", "declarations/")
