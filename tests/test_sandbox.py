"""Templates render in Jinja's sandbox: a repository's layout can reach neither Python's
internals nor the file system, in `build` or in `diff --format docx`, and what it tries
ends in a template error naming its file and line — never in a command run, a file read
or written.

The known escapes are tried one by one; the fuzzing property strings together attribute
chains, calls and filters from every object a template is given.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfdecl.check import read
from perfdecl.config import Config
from perfdecl.render import Renderer, TemplateError

from .conftest import DECLARATIONS
from .test_build import run
from .test_hostile import FUZZ

FORM = DECLARATIONS / "2024/yangxin-ylbx/jihe-gongzuo.yaml"
SENTINEL = "PWNED"

ESCAPES = {
    "globals of a Jinja global": "{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}",
    "globals of a helper": "{{ get.__func__.__globals__['os'].system('touch PWNED') }}",
    "a helper's object": "{{ indicator_rows.__self__.declaration.file.write_text('x') }}",
    "the subclasses walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "the attr filter": "{{ (''|attr('__class__')|attr('__mro__'))[1] }}",
    "a format string": "{{ '{0.__class__.__init__.__globals__}'.format(get) }}",
    "a format string on a value": "{{ '{0.__class__}'.format(data.name) }}",
    "the template's own context": "{{ self._TemplateReference__context }}",
    "a declaration's file": "{{ d.file.read_text() }}",
    "a declaration's document": "{{ d.document.text }}",
    "another declaration's file": "{{ projects[0].file.write_text('x') if projects else "
                                  "d.file }}",
    "an earlier year's file": "{% for row in indicator_rows() %}{{ row.earlier(2023).file "
                              "if row.earlier else d.document }}{% endfor %}",
    "a list changed in place": "{% set l = [1] %}{{ l.append(2) }}",
    "a dict changed in place": "{% set m = {} %}{{ m.update({'a': 1}) }}",
    "a watched view's insides": "{{ data._data }}",
    "the typed model's insides": "{{ d._part.document }}",
    "the cycler's globals": "{{ cycler.__init__.__globals__.os.popen('touch PWNED') }}",
}


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DECLARATIONS / "2024", tmp_path / "declarations" / "2024")
    (tmp_path / "perfdecl.toml").write_text("", encoding="utf-8")
    (tmp_path / "templates" / "project").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def render(repository: Path, body: str) -> str:
    template = repository / "templates" / "project" / "hostile.html.j2"
    template.write_text(f"<p>first line</p>\n{body}\n", encoding="utf-8")
    declaration, _ = read(FORM)
    assert declaration is not None
    return Renderer(Config(repository)).render(declaration, [declaration], "hostile")


@pytest.mark.parametrize("escape", ESCAPES.values(), ids=ESCAPES.keys())
def test_a_known_escape_is_a_template_error(repository: Path, escape: str) -> None:
    with pytest.raises(TemplateError) as error:
        render(repository, escape)
    assert "hostile.html.j2:2" in str(error.value)
    assert not (repository / SENTINEL).exists()
    assert not list(repository.rglob("x"))


@pytest.mark.slow
def test_the_build_and_the_redline_refuse_a_hostile_layout(repository: Path) -> None:
    template = repository / "templates" / "project" / "yangxin-2024.html.j2"
    template.write_text("<p>{{ data.name }}</p>\n" + ESCAPES["globals of a Jinja global"] + "\n",
                        encoding="utf-8")
    built = run("build", "--to", "html", cwd=repository)
    assert built.returncode == 1
    assert f"{template}:2:" in built.stderr and "unsafe" in built.stderr
    old = repository / "old.yaml"
    old.write_text(FORM.read_text(encoding="utf-8").replace("1380户", "1300户"),
                   encoding="utf-8")
    redline = run("diff", str(old), str(FORM.relative_to(DECLARATIONS.parent)), "--format",
                  "docx", "--out", "changes.docx", cwd=repository)
    assert redline.returncode == 1 and f"{template}:2:" in redline.stderr
    assert not (repository / SENTINEL).exists() and not (repository / "changes.docx").exists()


ROOTS = ["d", "data", "get", "indicator_rows", "funding_in", "projects", "summary", "layout",
         "lipsum", "cycler", "joiner", "namespace", "range", "dict", "self", "box",
         "indicator_rows()[0]", "data.unit", "d.funding", "d.name", "get('goals.annual')",
         "''", "[]", "{}", "1"]
STEPS = ["__class__", "__mro__", "__subclasses__()", "__globals__", "__init__", "__func__",
         "__self__", "__dict__", "__builtins__", "__import__('os')", "__getattribute__('file')",
         "_data", "_part", "_reads", "file", "document", "declaration", "earlier",
         "read_text()", "write_text('x')", "unlink()", "popen('touch PWNED')", "os",
         "system('touch PWNED')", "gi_frame", "f_globals", "func_globals", "mro()",
         "format(d)", "format_map(data)", "append(1)", "update({})", "pop()", "values()",
         "reads", "paths", "env", "loader", "module", "parent", "joinpath('/etc/passwd')",
         "[0]", "['os']", "[1]", "text", "data"]


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(ROOTS), st.lists(st.sampled_from(STEPS), min_size=1, max_size=5),
       st.sampled_from(["{{ %s }}", "{{ %s|string }}", "{%% set x = %s %%}{{ x }}",
                        "{{ '{0}'.format(%s) }}"]))
def test_no_attribute_chain_escapes(tmp_path_factory: pytest.TempPathFactory, root: str,
                                    steps: list[str], shape: str) -> None:
    repository = tmp_path_factory.mktemp("sandbox")
    (repository / "templates" / "project").mkdir(parents=True)
    chain = root + "".join(s if s.startswith("[") else f".{s}" for s in steps)
    before = os.getcwd()
    os.chdir(repository)
    try:
        try:
            html = render(repository, shape % chain)
        except TemplateError as error:
            assert "hostile.html.j2:" in str(error)
            return
        finally:
            assert not (repository / SENTINEL).exists()
            assert not (repository / "x").exists()
        assert "root:" not in html and "__builtins__" not in html and "<module" not in html
    finally:
        os.chdir(before)
