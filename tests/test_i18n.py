"""perfdecl speaks English or Chinese: every message has both, and the language follows
--lang, PERFDECL_LANG and the locale.

The catalog test reads the code's messages the way scripts/messages.py does; the source
test finds messages written outside `_()`, which the catalog could not know of; the
command-line tests run the real `perfdecl` in Chinese over the bad and the seed
declarations and every command's help, and look for English left in what they print.
"""

from __future__ import annotations

import ast
import itertools
import re
import subprocess
import sys
from pathlib import Path

import babel
import pytest

from perfdecl import i18n

from .conftest import REPO, run

sys.path.insert(0, str(REPO / "scripts"))
import messages  # scripts/messages.py: the catalog's own tool

PACKAGE = REPO / "src" / "perfdecl"
CJK = re.compile(r"[\u4e00-\u9fff]")


# -- the catalog ------------------------------------------------------------------------

def test_every_message_has_a_chinese_translation_with_the_same_placeholders() -> None:
    assert messages.problems(messages.read_catalog()) == []


def test_the_compiled_catalog_is_the_po_file_compiled() -> None:
    assert messages.is_compiled(messages.read_catalog()), \
        "run `python scripts/messages.py` to compile the catalog"


def test_catalogs_compare_by_their_messages_not_by_the_babel_that_compiled_them() -> None:
    catalog = messages.read_catalog()
    compiled = messages.mo_bytes(catalog)
    ours = f"Generated-By: Babel {babel.__version__}".encode()
    other_babel = compiled.replace(ours, re.sub(rb"\d", b"9", ours))  # same length
    assert other_babel != compiled
    assert messages.compiled_messages(other_babel) == messages.compiled_messages(compiled)

    message = next(m for m in catalog if m.id and isinstance(m.string, str))
    message.string += "！"
    assert messages.compiled_messages(messages.mo_bytes(catalog)) != \
        messages.compiled_messages(compiled)


def test_the_catalog_covers_what_the_command_line_prints_of_typer() -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in messages.read_catalog()}
    assert {"Usage: ", "Options", "Arguments", "Commands", "Error",
            "Show this message and exit.", "No such option: {option}"} <= ids


# -- the code ----------------------------------------------------------------------------

MESSAGE_CALLS = {
    # callee name → (positions, keywords) of the arguments that are messages
    "Hit": ((1, 2), ("message", "hint")),
    "Finding": ((2, 7), ("message", "hint")),
    "echo": ((0,), ("message",)),
    "print": ((0,), ()),
    "write": ((0,), ()),
    "Option": ((), ("help",)),
    "Argument": ((), ("help",)),
    "command": ((), ("help",)),
    "callback": ((), ("help",)),
    "Typer": ((), ("help",)),
}
ERROR_NAMES = re.compile(r"(Error|Exception)$")
NOT_WORDS = re.compile(
    r"`[^`]*`"              # code: field names, commands
    r"|\[/?[a-z ]*\]"       # rich markup
    r"|--?[a-z][a-z-]*"     # options
    r"|\bperfdecl\b"
    r"|[\w./-]*\.(?:yaml|json|toml|docx|xlsx|pdf|html|zip)\b"
    r"|\b(?:HTML|DOCX|PDF|XLSX|YAML|JSON|SARIF|CI|UTF|MB|KB|GB)\b"
    r"|\b[A-Z]\d{3}\b")     # rule codes
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def _literal_text(node: ast.expr) -> str | None:
    """The constant text of a str literal or an f-string (its values left out)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_text(node.left), _literal_text(node.right)
        if left is not None or right is not None:
            return (left or "") + " " + (right or "")
    return None


def _untranslated(node: ast.expr) -> str | None:
    text = _literal_text(node)
    if text is None:
        return None
    words = ENGLISH_WORD.findall(NOT_WORDS.sub(" ", text))
    return text if words else None


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _messages_outside_the_catalog() -> list[str]:
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        if file.name == "i18n.py":  # where _() and ngettext() are defined
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _callee(node)
            where = f"{file.relative_to(REPO)}:{node.lineno}"
            if name in ("_", "N_", "ngettext"):
                # a literal, or a name holding one marked with N_() (a rule's summary);
                # a text built in place could not be in the catalog
                for arg in node.args[: 2 if name == "ngettext" else 1]:
                    if isinstance(arg, ast.JoinedStr | ast.BinOp | ast.Call) or (
                            name != "_" and not isinstance(arg, ast.Constant)):
                        found.append(f"{where}: {name}() of a text built in place")
                continue
            positions, keywords = MESSAGE_CALLS.get(name, ((0,), ()) if ERROR_NAMES.search(name)
                                                    else ((), ()))
            args = [node.args[i] for i in positions if i < len(node.args)]
            args += [k.value for k in node.keywords if k.arg in keywords]
            for arg in args:
                text = _untranslated(arg)
                if text is not None:
                    found.append(f"{where}: {text!r}")
    return found


def test_every_message_in_the_code_goes_through_the_catalog() -> None:
    """A finding, an error, a line printed or a help text written as a bare English
    string would print in English whatever the language."""
    assert _messages_outside_the_catalog() == []


def test_every_command_takes_its_help_from_the_catalog() -> None:
    """typer would take a docstring as the help, and a docstring is never translated."""
    nodes = [node for file in sorted((PACKAGE / "cli").glob("*.py"))
             for node in ast.parse(file.read_text(encoding="utf-8")).body]
    assert any(isinstance(n, ast.FunctionDef) and n.name == "check" for n in nodes)
    undocumented = []
    for node in nodes:
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            call = deco if isinstance(deco, ast.Call) else None
            name = _callee(call) if call else (deco.attr if isinstance(deco, ast.Attribute)
                                                else "")
            if name in ("command", "callback") and not (
                    call and any(k.arg == "help" for k in call.keywords)):
                undocumented.append(node.name)
    assert undocumented == []


# -- choosing the language ---------------------------------------------------------------

@pytest.mark.parametrize(("argv", "environ", "expected"), [
    ([], {}, "en"),
    ([], {"LANG": "zh_CN.UTF-8"}, "zh"),
    ([], {"LANG": "en_US.UTF-8"}, "en"),
    ([], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ([], {"LANGUAGE": "en_GB:zh_CN", "LANG": "zh_CN.UTF-8"}, "en"),
    ([], {"PERFDECL_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
    (["--lang", "en", "check"], {"LANG": "zh_CN.UTF-8"}, "en"),
    (["--lang=zh", "check"], {}, "zh"),
    (["check", "--lang", "zh"], {}, "en"),  # after the command it is not perfdecl's option
    (["--lang", "fr"], {"LANG": "zh_CN.UTF-8"}, "zh"),  # the option refuses fr itself
])
def test_the_language_comes_from_the_option_then_the_environment(
        argv: list[str], environ: dict[str, str], expected: str) -> None:
    assert i18n.detect(argv, environ) == expected


def _perfdecl(*args: str, lang_env: dict[str, str] | None = None,
              cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """perfdecl with no language setting but `lang_env`."""
    return run(*args, cwd=cwd, env=lang_env, timeout=120,
               drop=("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "PERFDECL_LANG"))


@pytest.mark.slow
def test_the_locale_chooses_chinese_and_the_option_overrides_it() -> None:
    bad = "tests/bad/unknown-key.yaml"
    zh = _perfdecl("check", bad, lang_env={"LANG": "zh_CN.UTF-8"})
    en = _perfdecl("--lang", "en", "check", bad, lang_env={"LANG": "zh_CN.UTF-8"})
    plain = _perfdecl("check", bad, lang_env={"LANG": "C.UTF-8"})
    assert zh.returncode == en.returncode == plain.returncode == 1
    assert "错误 S001" in zh.stdout and "未知字段" in zh.stdout, zh.stdout
    assert "error S001: unknown field" in en.stdout
    assert en.stdout == plain.stdout


# -- what the command line prints in Chinese ---------------------------------------------

ALLOWED = re.compile(
    r"`[^`]*`|'[^']*'|\"[^\"]*\"|“[^”]*”|「[^」]*」"  # quoted: code, values from the file
    r"|[\w./-]+\.(?:yaml|yml|json|toml|docx|xlsx|pdf|html|zip)\b|tests/\S+"
    r"|--?[a-z][a-z-]*|\b[A-Z]\d{3}\b|\bperfdecl\b"
    r"|\b(?:HTML|DOCX|PDF|XLSX|YAML|JSON|SARIF|UTF|BOM|CI|MB|NUL|Tab|GBK|Word|Excel|Typst"
    r"|pandoc|git|Ctrl|C)\b"
    r"|\b[a-z_]+(?:\.[a-z_\d\[\]]+)+\b"  # data paths such as funding.current.total
    r"|\b[a-z][a-z\d]*(?:-[a-z\d]+)+\b"  # ids such as jichu-yanglaojin, from the files
    r"|\b(?:project|special_fund|department|expenditure_direction)\b"  # kinds
    r"|\b0x[\dA-F]+\b|\bU\+[\dA-F]{4,6}\b")  # code points: U+3164


def _english_left(line: str) -> list[str]:
    return ENGLISH_WORD.findall(ALLOWED.sub(" ", line))


@pytest.mark.parametrize("folder", ["tests/bad", "tests/seeds"])
def test_findings_read_in_chinese(folder: str) -> None:
    run = _perfdecl("--lang", "zh", "check", folder)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    assert len(lines) > 30
    english = {line: words for line in lines if (words := _english_left(
        line.split(": ", 1)[1] if line.startswith(("tests/", "/")) else line))}
    assert english == {}
    assert all(CJK.search(line) for line in lines)


def _commands() -> list[str]:
    from perfdecl.cli import app

    return sorted(c.name or c.callback.__name__ for c in app.registered_commands
                  if c.callback is not None)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["", *_commands()])
def test_help_reads_in_chinese(command: str) -> None:
    run = _perfdecl("--lang", "zh", *([command] if command else []), "--help")
    assert run.returncode == 0, run.stderr
    assert "用法" in run.stdout and "选项" in run.stdout
    # names stay (commands, formats, files, metavars such as <list[Path]>); sentences
    # do not: no three English words in a row
    shown = [METAVARS.sub(" ", line.replace("│", " ")) for line in run.stdout.splitlines()]
    assert [line.strip() for line in shown if ENGLISH_PHRASE.search(line)] == []


METAVARS = re.compile(r"<[^<>]*>|\[[A-Z]+\]|\b[A-Z][A-Z_]+\b|python -m")
ENGLISH_PHRASE = re.compile(r"[A-Za-z']+(?:,? [A-Za-z']+){2,}")


def test_the_option_works_in_process_and_for_that_run_only(perfdecl) -> None:  # type: ignore[no-untyped-def]
    """perfdecl used as a library (typer's CliRunner here) takes --lang too."""
    bad = str(REPO / "tests" / "bad" / "unknown-key.yaml")
    zh = perfdecl("--lang", "zh", "check", bad)
    assert zh.exit_code == 1 and "未知字段 `fiscal_yaer`" in zh.stdout
    assert "已检查 1 个文件：2 个错误，3 个警告" in zh.stdout
    en = perfdecl("check", bad)
    assert "unknown field `fiscal_yaer`" in en.stdout and "未知" not in en.stdout


@pytest.mark.parametrize("lang, heading, columns, word", [
    ("en", "## Changes to the performance-target declarations", "| Field | Old | New | Note |",
     "changed)"),
    ("zh", "## 绩效目标申报表的变化", "| 栏目 | 原 | 新 | 说明 |", "修改)"),
])
def test_a_diff_report_speaks_one_language(perfdecl, lang: str, heading: str,  # type: ignore[no-untyped-def]
                                           columns: str, word: str) -> None:
    """The markdown and HTML reports' own words are the run's language: no Chinese
    headings with English notes; one declaration is `1 declaration`."""
    old = "declarations/2023/shifeng-sbzx/kunnan-daijiao.yaml"
    new = "declarations/2023/shifeng-sbzx/zhiye-nianjin-jishi.yaml"
    shown = perfdecl("--lang", lang, "diff", old, new, "-f", "markdown", cwd=REPO).stdout
    assert shown.startswith(heading + "\n") and columns in shown and word in shown
    page = perfdecl("--lang", lang, "diff", old, new, "-f", "html", cwd=REPO).stdout
    assert f"<h1>{heading[3:]}</h1>" in page
    if lang == "en":
        assert "**1 declaration: 1 changed" in shown
        assert not re.search("[\u4e00-\u9fff]", "\n".join(
            line for line in shown.splitlines() if not line.startswith(("|", "###"))))


@pytest.mark.parametrize("command", ["", *_commands()])
def test_help_breaks_lines_only_where_the_terminal_ends(
        command: str, perfdecl, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A help text's paragraphs are wrapped by the terminal, not by the code's line
    breaks (`init --help` and `new --help` broke mid-sentence: `perfdecl` / check`)."""
    monkeypatch.setenv("COLUMNS", "80")
    shown = perfdecl(*([command] if command else []), "--help").stdout
    described = shown.split("╭")[0].splitlines()
    for line, after in itertools.pairwise(described):
        text, following = line.strip(), after.strip()
        if text and following and not text.startswith("Usage:"):
            assert len(line.rstrip()) > 60 or following[:1].isupper() \
                or following.startswith(("perfdecl", "-")), (command, line, after)
