"""Development sessions: `nox -s tests` (what CI runs), `fast`, `lint`, `typecheck`,
`build`, `bench` and `fuzz`."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]


def install(session: nox.Session, lock: str = "requirements/dev.txt") -> None:
    """The pinned dependencies (scripts/lock), then perfdecl itself, as scripts/setup does."""
    session.install("--require-hashes", "--no-deps", "-r", lock)
    session.install("--no-deps", "--no-build-isolation", "-e", ".")


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    """Exactly what CI runs (.ci/run, the README's second command): the set-up of .venv
    with the development tools, then the whole suite."""
    session.run("bash", ".ci/run", external=True)


@nox.session
def fast(session: nox.Session) -> None:
    """The fast part of the suite (`-m "not slow"`): no LibreOffice, npm, pre-commit,
    package installs, kills or fuzzing; under a minute on two cores."""
    install(session)
    session.run("pytest", "-m", "not slow", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on the package and the tests."""
    install(session)
    session.run("ruff", "check", "src", "tests", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy, strict, on the package."""
    install(session)
    session.run("mypy")


@nox.session
def build(session: nox.Session) -> None:
    """The example declarations, built into build/."""
    install(session, "requirements/run.txt")
    session.run("perfdecl", "build", "declarations/")


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmarks (BENCHMARKS.md): check, build and diff of 100, 1000 and 3000
    generated declarations against the straightforward pipeline. Pass other sizes after
    --, e.g. `nox -s bench -- --sizes 100,1000`."""
    install(session)
    session.run("python", "benchmarks/bench.py", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """The hostile-input tests at length (RELIABILITY.md): 10,000 cases per fuzzing
    property of test_hostile, fifty times the regular number for the odd values of
    test_values and the XML encodings of import, and 50 SIGKILLs; set HOSTILE_EXAMPLES /
    HOSTILE_KILLS to change them, and HOSTILE_SEED to draw new cases instead of the
    fixed ones."""
    install(session)
    session.env.setdefault("HOSTILE_EXAMPLES", "10000")
    session.env.setdefault("HOSTILE_KILLS", "50")
    session.run("pytest", "tests/test_hostile.py", "tests/test_values.py",
                "tests/test_import.py::test_a_part_is_read_only_in_the_utf8_or_utf16_it_declares",
                "tests/test_fmt.py::test_fmt_never_changes_what_check_reads",
                "-n", "0", "-s", "--hypothesis-show-statistics", *session.posargs)
