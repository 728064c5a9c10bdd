"""The repository object: the library works on the repository it is given, wherever it
is started, and nothing below the command line reads the working folder or the
environment."""

from __future__ import annotations

import ast
import shutil
import zipfile
from pathlib import Path

import pytest

from perfdecl import api
from perfdecl.build import BuildOptions, build
from perfdecl.errors import UsageError
from perfdecl.repository import Repository

from .conftest import DECLARATIONS, REPO

UNIT = "yangxin-ylbx"
SOURCE = REPO / "src" / "perfdecl"

AT_THE_EDGE = {
    "cli": "the command line makes the repository from the working folder and environment",
    "i18n.py": "the language is chosen once, at start, from LANG and --lang",
    "export.py": "pandoc and Typst run with the caller's environment, the date fixed",
    "fonts.py": "the fonts are the machine's and the user's, in the folders their platform names",
}
"""Where reading the working folder or the environment is the point, and why."""


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A repository of its own, not the working folder: one unit, and a layout of its
    own that overrides the built-in one of the same name."""
    shutil.copytree(DECLARATIONS / "2024" / UNIT, tmp_path / "declarations" / "2024" / UNIT)
    (tmp_path / "perfdecl.toml").write_text('layout = "national"\n', encoding="utf-8")
    own = tmp_path / "templates" / "project" / "yangxin-2024.html.j2"
    own.parent.mkdir(parents=True)
    own.write_text("<html><body><p>此单位自己的表样</p></body></html>\n", encoding="utf-8")
    return tmp_path


def test_the_library_builds_the_repository_it_is_given_not_the_working_folder(
        elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # the checkout: its own declarations, no such layout
    repo = Repository.at(elsewhere)
    assert repo.root == elsewhere.resolve() and repo.here == elsewhere.resolve()
    out = elsewhere / "build"
    result = build(BuildOptions([elsewhere / "declarations"], out, ["html"], jobs=1), repo)
    assert not result.failed, result.checked.findings
    page = (out / "2024" / UNIT / "jihe-gongzuo.html").read_text(encoding="utf-8")
    assert "此单位自己的表样" in page
    assert "yangxin-2024" in {x.name for x in api.layouts(repo) if not x.builtin}


def test_the_date_is_the_repository_s_not_the_environment_s(
        elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SOURCE_DATE_EPOCH comes in with the repository: set in the process but not
    given, it is not read; given wrong, it is wrong usage before anything is written."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    out = elsewhere / "build"
    result = build(BuildOptions([elsewhere / "declarations"], out, ["html"], jobs=1),
                   Repository.at(elsewhere))
    assert not result.failed
    shutil.rmtree(out)
    given = Repository.at(elsewhere, {"SOURCE_DATE_EPOCH": "yesterday"})
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH must be whole seconds"):
        build(BuildOptions([elsewhere / "declarations"], out, ["html"], jobs=1), given)
    assert not out.exists()
    assert api.check([elsewhere / "declarations"], given).errors == 0  # check writes no date


def test_a_configuration_that_cannot_be_read_is_said_by_what_needs_it(tmp_path: Path) -> None:
    shutil.copytree(DECLARATIONS / "2024" / UNIT, tmp_path / "declarations" / "2024" / UNIT)
    (tmp_path / "perfdecl.toml").write_text("layout = [\n", encoding="utf-8")
    repo = Repository.at(tmp_path / "declarations")
    assert api.check([tmp_path / "declarations"], repo).errors == 0
    with pytest.raises(api.PerfdeclError, match=r"perfdecl\.toml: cannot read the configuration"):
        api.layouts(repo)


def test_a_new_date_builds_the_dated_files_again(elsewhere: Path) -> None:
    """The record of the last build holds the date: a build with another
    SOURCE_DATE_EPOCH is not "up to date", and its DOCX carries the new date."""
    out, paths = elsewhere / "build", [elsewhere / "declarations"]

    def created(epoch: str) -> str:
        result = build(BuildOptions(paths, out, ["docx"], jobs=1),
                       Repository.at(elsewhere, {"SOURCE_DATE_EPOCH": epoch}))
        assert not result.failed and not result.up_to_date
        with zipfile.ZipFile(out / "2024" / UNIT / "jihe-gongzuo.docx") as docx:
            return docx.read("docProps/core.xml").decode("utf-8")

    assert "2023-11-14T22:13:20Z" in created("1700000000")
    assert "2024-03-09T16:00:00Z" in created("1710000000")


def _reads_the_surroundings(tree: ast.AST) -> list[tuple[int, str]]:
    """Reads of the working folder or the environment in a module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = f"{node.value.id}.{node.attr}"
            if name in ("os.environ", "os.getenv", "os.getcwd", "Path.cwd", "os.chdir"):
                found.append((node.lineno, name))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "load_config":
            found.append((node.lineno, "load_config()"))
    return found


def test_nothing_below_the_command_line_reads_the_working_folder_or_the_environment() -> None:
    allowed = {SOURCE / name for name in AT_THE_EDGE}
    offending = []
    for module in sorted(SOURCE.rglob("*.py")):
        if module in allowed or module.parent in allowed:
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for line, name in _reads_the_surroundings(tree):
            if module.name == "repository.py" and name == "load_config()":
                continue  # where the repository is made: from the folder it is given
            offending.append(f"{module.relative_to(REPO)}:{line}: {name}")
    assert offending == []
