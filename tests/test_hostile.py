"""Hostile and broken input (issue 6): nothing crashes, nothing runs, nothing is lost.

Injection: text that is markup in one of the languages a form passes through (HTML,
Jinja, pandoc's Markdown and raw blocks, Typst, LaTeX) is built into HTML, DOCX and PDF
and diffed with every reporter, and read back: it must appear literally, and nothing it
names (/etc/passwd) may be read. Control characters, bidirectional overrides and very
long texts are refused by `check` with a finding. Paths: no id, unit or layout name
reaches outside the repository and the build folder; symbolic links out of the
repository are refused. Faults: SIGKILL at random moments, two builds at once, an
unwritable or full output folder, pandoc and Typst failures. Fuzzing: hypothesis, with
HOSTILE_EXAMPLES cases per property (a few dozen here; `nox -s fuzz` runs 10,000).
"""

from __future__ import annotations

import contextlib
import html as htmllib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.parse
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest

from perfdecl.load import MAX_FILE_BYTES, MAX_TEXT
from perfdecl.repository import Repository

from .conftest import DECLARATIONS, HOSTILE_EXAMPLES, run

pytestmark = pytest.mark.slow  # the hostile-input suite: kills, fuzzing, every format; `nox -s fuzz` at length

UNIT = "yangxin-ylbx"
BASE = DECLARATIONS / "2024" / UNIT / "jihe-gongzuo.yaml"
PASSWD = "root:x:0:0"

PAYLOADS = {
    "html": '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:x">a</a>',
    "jinja": "{{ 7*7 }} {% for x in range(3) %}X{% endfor %} {# c #} {{ config }}",
    "typst": '#read("/etc/passwd") #import "/etc/passwd": * #include "/etc/passwd" '
             "$x^2$ #{1+1} #pagebreak() #set page(paper: \"a6\") ]",
    "pandoc": '```{=typst}\n#read("/etc/passwd")\n``` `<w:br/>`{=openxml} ::: {.pagebreak} '
              '<div class="pagebreak">x</div> [x]{.center} <!-- c -->',
    "markdown": "# 标题 __粗__ *斜* [link](http://x) ![i](/etc/passwd) | a | b | > q",
    "latex": r"\input{/etc/passwd} \begin{document} $\alpha$ \\ % comment \end{document}",
}
LONG = ("长文本<b>{{x}}</b>#read(\"/etc/passwd\")" * MAX_TEXT)[:MAX_TEXT]


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def hostile(text: str, ident: str = "jihe-gongzuo") -> str:
    """The base declaration with `text` in its name, a goal and a target."""
    source = BASE.read_text(encoding="utf-8")
    source = source.replace("id: jihe-gongzuo", f"id: {ident}")
    source = source.replace("name: 稽核工作费用", f"name: {quoted('稽核' + text)}")
    source = source.replace("          target: 全年", f"          target: {quoted(text)}")
    source = source.replace("    - 确保全县参保人员缴纳和待遇领取正规运行\n  annual",
                            f"    - {quoted(text)}\n  annual")
    return source


def make_repo(root: Path) -> Path:
    repo = root / "repo"
    shutil.copytree(DECLARATIONS / "2024" / UNIT, repo / "declarations" / "2024" / UNIT)
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    return repo


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def html_text(page: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", page))


def docx_text(path: Path) -> str:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return htmllib.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


FOOT = re.compile(r"\n?[^\n]*\u3000第 \d+ 页 共 \d+ 页$")
"""The line at the foot of each page of a form on several pages: not the form's text."""


def pdf_text(path: Path) -> str:
    return "".join(FOOT.sub("", page.extract_text()) for page in pypdf.PdfReader(path).pages)


# ------------------------------------------------------------------------ injection


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A unit holding one declaration per payload and one with the longest text allowed,
    built in every format."""
    repo = make_repo(tmp_path_factory.mktemp("inject"))
    folder = repo / "declarations" / "2024" / UNIT
    for key, text in PAYLOADS.items():
        (folder / f"inj-{key}.yaml").write_text(hostile(text, f"inj-{key}"), encoding="utf-8")
    long = re.sub(r"(?m)^overview: .*$", lambda _: f"overview: {quoted(LONG)}",
                  hostile("长", "inj-long"))
    (folder / "inj-long.yaml").write_text(long, encoding="utf-8")
    result = run("build", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return repo


@pytest.mark.parametrize("key", PAYLOADS)
def test_markup_is_shown_literally_in_every_format(injected: Path, key: str) -> None:
    text = PAYLOADS[key]
    stem = injected / "build" / "2024" / UNIT / f"inj-{key}"
    page = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert text in html_text(page)
    assert "<script" not in page and "<img" not in page
    assert squeeze(text) in squeeze(docx_text(stem.with_suffix(".docx")))
    pdf = stem.with_suffix(".pdf")
    assert squeeze(text) in squeeze(pdf_text(pdf))
    # the text makes the form longer, which may take it past one page (it fits one only
    # set small); markup that ran would add pages (a page break, a block per character)
    assert len(pypdf.PdfReader(pdf).pages) <= len(pypdf.PdfReader(
        injected / "build" / "2024" / UNIT / "jihe-gongzuo.pdf").pages) + 1
    for file in (injected / "build").rglob("*"):
        if file.is_file() and file.suffix in (".html", ".docx", ".pdf", ".json", ".typ"):
            data = file.read_bytes()
            assert PASSWD.encode() not in data, file
    combined = injected / "build" / "2024" / UNIT / f"{UNIT}-2024"
    assert squeeze(text) in squeeze(docx_text(combined.with_suffix(".docx")))
    assert squeeze(text) in squeeze(pdf_text(combined.with_suffix(".pdf")))


def test_the_longest_text_allowed_is_built_whole(injected: Path) -> None:
    stem = injected / "build" / "2024" / UNIT / "inj-long"
    assert LONG in html_text(stem.with_suffix(".html").read_text(encoding="utf-8"))
    assert squeeze(LONG) in squeeze(docx_text(stem.with_suffix(".docx")))
    assert squeeze(LONG) in squeeze(pdf_text(stem.with_suffix(".pdf")))


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "docx"])
def test_markup_is_shown_literally_by_every_diff_reporter(tmp_path: Path, fmt: str) -> None:
    from rich.console import Console

    from perfdecl import api
    from perfdecl.diff import report

    old = tmp_path / "old" / "jihe-gongzuo.yaml"
    new = tmp_path / "new" / "jihe-gongzuo.yaml"
    old.parent.mkdir()
    new.parent.mkdir()
    shutil.copy(BASE, old)
    new.write_text(hostile(" ".join(PAYLOADS.values())), encoding="utf-8")
    result, before, after = api.diff([old, new], Repository.at(old.parent))
    assert result.declarations and not before.problems and not after.problems
    if fmt == "docx":
        api.write_redline(result, tmp_path / "redline.docx", Repository.at(tmp_path))
        xml = zipfile.ZipFile(tmp_path / "redline.docx").read("word/document.xml")
        assert b"<w:br/>" not in xml and PASSWD.encode() not in xml
        shown = docx_text(tmp_path / "redline.docx")
    elif fmt == "html":
        page = report.to_html(result)
        assert "<script" not in page and "<img" not in page and "<div" not in page
        shown = html_text(page)
    elif fmt == "json":
        shown = "\n".join(_strings(json.loads(report.to_json(result, "old", "new"))))
    elif fmt == "markdown":
        text = report.to_markdown(result)
        assert not re.search(r"(?<!\\)<(script|img|div)", text)
        shown = re.sub(r"\\(.)", r"\1", text.replace("<br>", "\n"))
    else:
        console = Console(file=io.StringIO(), width=200, no_color=True, force_terminal=False)
        report.print_text(result, console)
        shown = console.file.getvalue()  # type: ignore[attr-defined]
    for key, payload in PAYLOADS.items():
        assert squeeze(payload) in squeeze(shown), key
    assert PASSWD not in shown


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize(("text", "code"), [
    ("a\x07b", "Y014"), ("a\x1b[31mred", "Y014"), ("a\x7fb", "Y014"), ("a\x85b", "Y014"),
    ("abc\u202edcba", "Y014"), ("a\u2066b\u2069", "Y014"),
    ("长" * (MAX_TEXT + 1), "Y015"), ("长" * (1024 * 1024 // 3), "Y015"),
])
def test_unprintable_and_overlong_text_is_refused(tmp_path: Path, text: str, code: str) -> None:
    escaped = tmp_path / "escaped.yaml"
    escaped.write_text(hostile(text), encoding="utf-8")  # json-quoted: \u escapes
    raw = tmp_path / "raw.yaml"
    raw.write_text(hostile(text).replace(quoted("稽核" + text), "'稽核" + text + "'"),
                   encoding="utf-8")
    for file in (escaped, raw):
        result = run("check", str(file), cwd=tmp_path)
        assert result.returncode == 1, result.stdout
        assert f"error {code}" in result.stdout and "Traceback" not in result.stderr
        assert re.search(rf"{file.name}:\d+:\d+: error {code}", result.stdout), result.stdout


def test_a_file_above_the_size_limit_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "big.yaml"
    file.write_text(hostile("x") + "# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    result = run("check", str(file), cwd=tmp_path)
    assert result.returncode == 1 and "error Y008" in result.stdout


@pytest.mark.parametrize("key", ["\x1b[31mred", "a\x07b", "\x85", "abc\u202edcba",
                                 "a\u2066b\u2069"])
def test_a_key_with_unprintable_characters_is_refused(tmp_path: Path, key: str,
                                                      perfdecl) -> None:  # type: ignore[no-untyped-def]
    """Field names are shown too (S001 quotes an unknown one): held as texts are, Y014."""
    for how, written in (("escaped", json.dumps(key)), ("raw", f"'{key}'")):
        file = tmp_path / f"{how}.yaml"
        file.write_text(hostile("x").replace("\noverview:", f"\n{written}: 1\noverview:"),
                        encoding="utf-8")
        result = perfdecl("check", file.name, cwd=tmp_path)
        line = 1 + file.read_text(encoding="utf-8").split("\n").index(f"{written}: 1")
        assert result.exit_code == 1
        assert re.search(rf"^{how}\.yaml:{line}:\d+: error Y014: (bidirectional )?control "
                         "character U\\+", result.stdout, re.M), result.stdout
        assert "S001" not in result.stdout and not UNSAFE.search(result.stdout)


# ------------------------------------------------------------ terminals and reports

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                    "\u2066-\u2069\u2028\u2029]")
"""What must never reach a terminal or a report raw: control characters (an escape
sequence starts with one; tab and newline are the formats' own), bidirectional controls
and line separators."""
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-F]{2})*")
"""A relative URI reference's path, by RFC 3986's grammar."""

HOSTILE_NAMES = {  # a file name's bytes → how every report shows it
    b"a\x1b]2;owned\x07b.yaml": r"a\x1b]2;owned\x07b.yaml",  # retitles the terminal
    b"a\x1b[31mred.yaml": r"a\x1b[31mred.yaml",  # colours what follows
    b"\xc2\x9b31m.yaml": r"\x9b31m.yaml",  # the same in one C1 character
    "abc\u202elmy.yaml".encode(): r"abc\u202elmy.yaml",  # shows as abcymal.yml
    b"caf\xe9.yaml": r"caf\xe9.yaml",  # Latin-1: not UTF-8
    b"new\nline.yaml": r"new\nline.yaml",
    b"sp ace#frag?.yaml": "sp ace#frag?.yaml",
    b"c:x.yaml": "c:x.yaml",
    b"100%41,b::c.yaml": "100%41,b::c.yaml",
}


def shown_safely(output: bytes, allowed: str = "") -> str:
    """The output as text: valid UTF-8 (a name's stray bytes do not pass through) and
    nothing UNSAFE but the `allowed` characters."""
    text = output.decode("utf-8")
    assert not [c for c in UNSAFE.findall(text) if c not in allowed], repr(text)
    return text


def check_report(fmt: str, output: bytes, names: set[bytes]) -> int:
    """Asserts that a `check` report is valid in its format, and returns how many
    findings it holds; `names` are the paths (bytes) the SARIF URIs must come back to."""
    text = shown_safely(output)
    if fmt == "text":  # `path:line:col: severity CODE: message`, its hint, the tally
        lines = text.splitlines()
        assert re.fullmatch(r"\d+ files? checked: .*", lines[-1]), lines[-1]
        found = [x for x in lines[:-1] if not x.startswith(("    ", "── "))]  # (headings)
        assert all(re.search(r": (error|warning) [A-Z]\d{3}: ", x) for x in found), found
        return len(found)
    if fmt == "github":  # one annotation a line, the tally last
        lines = text.splitlines()
        assert all(re.fullmatch(r"::(error|warning) file=[^:,]*(,line=\d+,col=\d+)?,"
                                r"title=[A-Z]\d{3}::.*", x) for x in lines[:-1]), lines
        return len(lines) - 1
    doc = json.loads(text)
    if fmt == "json":
        assert doc["errors"] + doc["warnings"] + doc["suppressed"] == len(doc["findings"])
        return len(doc["findings"])
    run_ = doc["runs"][0]
    rules = {r["id"] for r in run_["tool"]["driver"]["rules"]}
    for result in run_["results"]:
        assert result["ruleId"] in rules and result["level"] in ("error", "warning")
        assert result["message"]["text"]
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert URI_REFERENCE.fullmatch(uri), uri
        parts = urllib.parse.urlsplit(uri)
        assert not (parts.scheme or parts.netloc or parts.query or parts.fragment), uri
        assert urllib.parse.unquote_to_bytes(uri) in names, uri
        assert physical.get("region", {"startLine": 1})["startLine"] >= 1
    return len(run_["results"])


def test_names_and_texts_reach_every_check_reporter_as_text(tmp_path: Path) -> None:
    """A file name, a key or a value that holds an escape sequence, a bidirectional
    override or bytes that are not UTF-8 shows as visible escapes in every format; the
    SARIF URIs are percent-encoded paths; one annotation a line."""
    folder = tmp_path / "names"
    folder.mkdir()
    for name in HOSTILE_NAMES:  # Y007, whose message quotes the file's single value
        (folder / os.fsdecode(name)).write_bytes(b'"\\e]2;owned\\a\\e[31mred"\n')
    (folder / "keys.yaml").write_text(hostile("x").replace(
        "\noverview:", '\n"\\e[31mkey\\u202e": 1\noverview:'), encoding="utf-8")
    paths = {b"names/" + name for name in [*HOSTILE_NAMES, b"keys.yaml"]}
    counts = {}
    for fmt in ("text", "json", "github", "sarif"):
        result = subprocess.run([sys.executable, "-m", "perfdecl", "check", "-f", fmt, "names"],
                                cwd=tmp_path, capture_output=True, timeout=120)
        assert result.returncode == 1, result.stderr
        counts[fmt] = check_report(fmt, result.stdout, paths)
        text = result.stdout.decode("utf-8")
        if fmt in ("text", "json"):
            for shown in HOSTILE_NAMES.values():
                assert ("names/" + shown).replace("\\", "\\\\" if fmt == "json" else "\\") \
                    in text, shown
        if fmt == "text":
            assert r"single value (\x1b]2;owned\x07\x1b[31mred)" in text
            assert "names/keys.yaml:" in text and "error Y014" in text
    assert counts["text"] == counts["json"] == counts["github"] == counts["sarif"] == \
        len(HOSTILE_NAMES) + 1
    sarif = subprocess.run([sys.executable, "-m", "perfdecl", "check", "-f", "sarif", "names"],
                           cwd=tmp_path, capture_output=True, timeout=120).stdout
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(sarif)["runs"][0]["results"]}
    assert {"names/sp%20ace%23frag%3F.yaml", "names/c%3Ax.yaml", "names/caf%E9.yaml",
            "names/100%2541%2Cb%3A%3Ac.yaml"} <= uris


# ---------------------------------------------------------------------------- paths


def single(root: Path) -> Path:
    """A repository holding the base declaration alone."""
    repo = root / "repo"
    folder = repo / "declarations" / "2024" / UNIT
    folder.mkdir(parents=True)
    shutil.copy(BASE, folder / BASE.name)
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    return repo


def everything(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


NAMES = ["../../../escaped", "/tmp/absolute", "..", "a/../../b", "CON", "nul", "aux.yaml",
         "COM1", "a\\..\\b", "x" * 300, "a\x00b", "~root", "$HOME", "build/../../x"]


@pytest.mark.parametrize("field", ["id", "unit.id", "layout"])
@pytest.mark.parametrize("name", NAMES)
def test_no_name_leads_outside_the_repository(tmp_path: Path, field: str, name: str) -> None:
    repo = single(tmp_path)
    file = repo / "declarations" / "2024" / UNIT / BASE.name
    source = file.read_text(encoding="utf-8")
    value = quoted(name)
    source = {"id": lambda: source.replace("id: jihe-gongzuo", f"id: {value}"),
              "unit.id": lambda: source.replace(f"  id: {UNIT}", f"  id: {value}"),
              "layout": lambda: source.replace("layout: yangxin-2024", f"layout: {value}")}[
        field]()
    file.write_text(source, encoding="utf-8")
    before = everything(tmp_path)
    result = run("build", "--to", "html", cwd=repo)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "error" in result.stdout
    assert everything(tmp_path) - before <= everything(repo / "build") | {repo / "build"}
    assert not any(p.suffix == ".html" for p in everything(tmp_path))


def test_a_symlink_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    repo = single(tmp_path)
    outside = tmp_path / "outside" / "other-unit"
    outside.mkdir(parents=True)
    shutil.copy(BASE, outside / "linked.yaml")
    (repo / "declarations" / "2024" / "other-unit").symlink_to(outside)
    (repo / "declarations" / "2024" / UNIT / "passwd.yaml").symlink_to("/etc/passwd")
    result = run("build", "--to", "html", cwd=repo)
    assert result.returncode == 1
    for link, target in (("other-unit", outside), (f"{UNIT}/passwd.yaml", "/etc/passwd")):
        assert (f"declarations/2024/{link}: error Y016: symbolic link to {target}, outside "
                f"the repository {repo}; refused") in result.stdout, result.stdout
    assert PASSWD not in result.stdout + result.stderr
    assert not (repo / "build" / "2024").exists()
    direct = run("check", "declarations/2024/other-unit", cwd=repo)
    assert direct.returncode == 1 and "error Y016" in direct.stdout


def test_a_symlink_inside_the_repository_is_followed(tmp_path: Path) -> None:
    repo = single(tmp_path)
    kept = repo / "shared" / "jihe-gongzuo.yaml"
    kept.parent.mkdir()
    (repo / "declarations" / "2024" / UNIT / BASE.name).rename(kept)
    (repo / "declarations" / "2024" / UNIT / BASE.name).symlink_to(kept)
    result = run("build", "--to", "html", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (repo / "build" / "2024" / UNIT / "jihe-gongzuo.html").is_file()


# ------------------------------------------------------- special files and folders

MEMORY = 1 << 30
"""Address space for one perfdecl in these tests: a read of /dev/zero stops at it."""


def bounded(*args: str, cwd: Path, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    """perfdecl with a minute and MEMORY: a read that waits on a FIFO or never ends on a
    device fails the test, not the machine. `unprivileged`: as root, without the
    capabilities that let root read any file (setpriv, util-linux), so that permissions
    stop perfdecl as they stop anyone else."""
    command = [sys.executable, "-m", "perfdecl", *args]
    if unprivileged and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("as root, setpriv is needed to make a folder unreadable")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    environ = {**os.environ, "COLUMNS": "200"}
    environ.pop("FORCE_COLOR", None)
    try:
        result = subprocess.run(command, cwd=cwd, text=True, capture_output=True, timeout=60,
                                preexec_fn=limits, env=environ)
    except subprocess.TimeoutExpired:
        pytest.fail(f"perfdecl {' '.join(args)} did not finish in 60 s")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, \
        result.stderr
    return result


SAID = {"fifo": "a named pipe (FIFO), not a regular file; not read",
        "device": "a device, not a regular file; not read"}


def special(path: Path, kind: str) -> None:
    """A FIFO, or a device node that reads as /dev/zero (only root may make one)."""
    if kind == "fifo":
        os.mkfifo(path)
        return
    try:
        os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, 5))
    except OSError:
        pytest.skip("making a device node needs root")


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_device_named_like_a_declaration_is_said_and_never_read(
        tmp_path: Path, kind: str) -> None:
    repo = single(tmp_path)
    rel = f"declarations/2024/{UNIT}/x.yaml"
    special(repo / rel, kind)
    line = f"{rel}:1:1: error Y011: {SAID[kind]}"
    for args in (["check"], ["check", rel], ["fmt", "--check"], ["build", "--to", "html"],
                 ["build", "--to", "html", "--keep-going"],
                 ["diff", "declarations", "declarations"]):
        result = bounded(*args, cwd=repo)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert line in result.stdout + result.stderr, (args, result.stdout, result.stderr)
    assert (repo / "build" / "2024" / UNIT / "jihe-gongzuo.html").is_file()  # --keep-going
    facts = bounded("diff", "--textconv", rel, cwd=repo)  # git's driver: it shows, never fails
    assert facts.returncode == 0 and facts.stdout == f"# perfdecl: 1:1: {SAID[kind]}\n"
    rolled = bounded("new", "--from", rel, "--year", "2025", cwd=repo)
    assert rolled.returncode == 1 and f"{rel}:1:1: {SAID[kind]}" in rolled.stderr


def test_a_link_to_dev_zero_is_never_read(tmp_path: Path) -> None:
    """Out of a repository a link to /dev/zero is refused before anything reads it
    (Y016); the commands that read a file they are given, and a repository whose root
    is / (where /dev is inside), check what it is first."""
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    facts = bounded("diff", "--textconv", str(link), cwd=tmp_path)
    assert facts.returncode == 0 and facts.stdout == f"# perfdecl: 1:1: {SAID['device']}\n"
    rolled = bounded("new", "--from", str(link), "--year", "2025", cwd=tmp_path)
    assert rolled.returncode == 1 and SAID["device"] in rolled.stderr
    result = bounded("check", str(link), cwd=Path("/"))
    assert result.returncode == 1 and f"{link}:1:1: error Y011: {SAID['device']}" in result.stdout


@pytest.mark.parametrize("kind", ["fifo", "device"])
@pytest.mark.parametrize("name", ["lock", "cache.json", "inputs.json"])
def test_a_fifo_or_device_in_the_build_state_is_refused(tmp_path: Path, kind: str,
                                                        name: str) -> None:
    repo = single(tmp_path)
    assert bounded("build", "--to", "html", cwd=repo).returncode == 0
    state = repo / "build" / ".perfdecl" / name
    state.unlink()
    special(state, kind)
    result = bounded("build", "--to", "html", cwd=repo)
    assert result.returncode == 2
    what = SAID[kind].partition(",")[0]
    assert f"build/.perfdecl/{name} is {what} perfdecl did not make; remove it and build " \
           "again" in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_an_output_replaced_by_a_fifo_or_a_device_is_written_again(tmp_path: Path,
                                                                   kind: str) -> None:
    repo = single(tmp_path)
    assert bounded("build", "--to", "html", cwd=repo).returncode == 0
    page = repo / "build" / "2024" / UNIT / "jihe-gongzuo.html"
    written = page.read_bytes()
    page.unlink()
    if kind == "fifo":
        os.mkfifo(page)
    else:
        page.symlink_to("/dev/zero")
    result = bounded("build", "--to", "html", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert stat.S_ISREG(page.lstat().st_mode) and page.read_bytes() == written
    assert stat.S_IMODE(page.lstat().st_mode) == 0o644  # not /dev/zero's rw-rw-rw-
    assert Path("/dev/zero").exists() and stat.S_ISCHR(os.stat("/dev/zero").st_mode)


@pytest.mark.parametrize("record", ["removed", "not JSON"])
def test_a_lost_build_record_builds_everything_again(tmp_path: Path, record: str) -> None:
    """Without the record of what it wrote, the build knows neither its outputs nor what
    they were built from: all is built again (it built nothing and listed nothing)."""
    repo = single(tmp_path)
    (repo / "declarations" / "2024" / UNIT / "other.yaml").write_text(
        hostile("x", "other"), encoding="utf-8")
    assert bounded("build", "--to", "html", cwd=repo).returncode == 0
    cache = repo / "build" / ".perfdecl" / "cache.json"
    if record == "removed":
        cache.unlink()
    else:
        cache.write_text("{", encoding="utf-8")
    result = bounded("build", "--to", "html", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "built 2 of 2 declarations" in result.stdout, result.stdout
    if record == "not JSON":
        assert "warning: build/.perfdecl/cache.json: not JSON; everything is built again" \
            in result.stdout
    listed = {e["path"] for e in json.loads(
        (repo / "build" / "manifest.json").read_text(encoding="utf-8"))["files"]}
    assert {f"2024/{UNIT}/jihe-gongzuo.html", f"2024/{UNIT}/other.html"} <= listed


def test_a_fifo_for_the_configuration_or_a_layout_is_said(tmp_path: Path) -> None:
    """Passed by, a FIFO named perfdecl.toml left the repository without its settings,
    and one named like a layout left the form to the built-in layout of that name."""
    repo = single(tmp_path)
    layout = repo / "templates" / "project" / "yangxin-2024.html.j2"
    layout.parent.mkdir(parents=True)
    os.mkfifo(layout)
    result = bounded("build", "--to", "html", cwd=repo)
    assert result.returncode == 1
    assert f"{layout.relative_to(repo)}: cannot read the template: {SAID['fifo']}" \
        in result.stderr.replace(f"{repo}/", ""), result.stderr
    listed = bounded("layouts", cwd=repo)
    assert listed.returncode == 1 and SAID["fifo"] in listed.stderr
    layout.unlink()
    (repo / "perfdecl.toml").unlink()
    os.mkfifo(repo / "perfdecl.toml")
    for args in (["build", "--to", "html"], ["layouts"]):
        result = bounded(*args, cwd=repo)
        assert result.returncode == 1
        assert f"{repo / 'perfdecl.toml'}: cannot read the configuration: {SAID['fifo']}" \
            in result.stderr, result.stderr


SHIFENG = DECLARATIONS / "2023" / "shifeng-sbzx"


def test_an_unreadable_folder_is_said_by_every_command(tmp_path: Path) -> None:
    """A unit's folder that cannot be listed: its declarations are neither checked nor
    built, and that is an error naming the folder (it was passed over: "0 errors",
    exit 0; a build called it "cannot write the build"; a file in it named by itself
    was an internal error)."""
    repo = single(tmp_path)
    folder = repo / "declarations" / "2023" / "shifeng-sbzx"
    shutil.copytree(SHIFENG, folder)
    assert bounded("build", "--to", "html", cwd=repo).returncode == 0
    said = ("declarations/2023/shifeng-sbzx: error Y011: cannot read the folder: permission "
            "denied; the declarations in it are not checked")
    folder.chmod(0)
    try:
        for args in (["check"], ["check", "declarations/2023"], ["fmt", "--check"],
                     ["build", "--to", "html"], ["build", "--to", "html", "--keep-going"],
                     ["diff", "declarations", "declarations"]):
            result = bounded(*args, cwd=repo, unprivileged=True)
            assert result.returncode == 1, (args, result.stdout, result.stderr)
            assert said in result.stdout + result.stderr, (args, result.stdout, result.stderr)
            assert "cannot write" not in result.stderr
        named = bounded("check", "declarations/2023/shifeng-sbzx/jiguan-yanglao.yaml",
                        cwd=repo, unprivileged=True)
        assert named.returncode == 1
        assert ("declarations/2023/shifeng-sbzx/jiguan-yanglao.yaml: error Y011: cannot read "
                "it: permission denied; a folder on the way cannot be searched") in named.stdout
    finally:
        folder.chmod(0o755)
    kept = repo / "build" / "2023" / "shifeng-sbzx" / "jiguan-yanglao.html"
    assert kept.is_file(), "the outputs of a folder that could not be read are kept"
    assert "up to date" in bounded("build", "--to", "html", cwd=repo).stdout


# ---------------------------------------------------------------------------- faults


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and ".perfdecl" not in p.parts}


KILLS = int(os.environ.get("HOSTILE_KILLS", "10"))


def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    started = time.monotonic()
    clean = run("build", "--out", "clean", "--jobs", "2", cwd=repo, env=env)
    duration = time.monotonic() - started
    assert clean.returncode == 0, clean.stderr
    reference = outputs(repo / "clean")
    chance = random.Random(6)
    checked = 0
    environ = {**os.environ, **env}
    for _ in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, "-m", "perfdecl", "build", "--out", "killed", "--jobs", "2"],
            cwd=repo, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        time.sleep(chance.uniform(0.2, duration))
        running = process.poll() is None
        if running:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for name, data in outputs(repo / "killed").items():
            if name.rsplit("/", 1)[-1].startswith("."):
                assert name.endswith(".part"), name  # a temporary file, never a final name
                continue
            assert data == reference[name], f"{name} is not the complete file"
            checked += 1
    finished = run("build", "--out", "killed", "--jobs", "2", cwd=repo, env=env)
    assert finished.returncode == 0, finished.stderr
    assert outputs(repo / "killed") == reference
    print(f"{KILLS} kills, {checked} files checked after them")


def group(pgid: int) -> list[str]:
    """The processes of a process group still running (zombies aside): their commands."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue  # not a process, or gone meanwhile
    return found


MAIN_KILLS = max(1, KILLS // 10)


def test_sigkill_of_the_main_process_alone_stops_its_workers(tmp_path: Path) -> None:
    """`kill -9` of the build, not of its group: its workers and their pandoc servers
    must notice and stop, and their temporary files go with the next build."""
    repo = make_repo(tmp_path)
    shutil.copytree(DECLARATIONS / "2023" / "shifeng-sbzx",
                    repo / "declarations" / "2023" / "shifeng-sbzx")  # two units: two workers
    temp = tmp_path / "tmp"  # the system's temporary folder, as the build sees it
    temp.mkdir()
    env = {"TMPDIR": str(temp)}
    command = [sys.executable, "-m", "perfdecl", "build", "--to", "docx", "--jobs", "2"]
    chance = random.Random(7)
    waited = []
    for kill in range(MAIN_KILLS):
        process = subprocess.Popen(command, cwd=repo, env={**os.environ, **env},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            if kill == 0:  # the first when the workers' pandoc servers run, the others at random
                deadline = time.monotonic() + 120
                while not any("pandoc" in c and " lua " in c for c in group(process.pid)):
                    assert time.monotonic() < deadline and process.poll() is None
                    time.sleep(0.05)
            else:
                time.sleep(chance.uniform(0.2, 6))
            process.kill()
            process.wait()
            killed = time.monotonic()
            while group(process.pid) and time.monotonic() < killed + 10:
                time.sleep(0.05)
            assert group(process.pid) == [], "still running after the build was killed"
            waited.append(time.monotonic() - killed)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
    finished = run("build", "--to", "html", cwd=repo, env=env)
    assert finished.returncode == 0, finished.stderr
    assert list(temp.iterdir()) == []  # no perfdecl-export-*, no pandoc-hist*
    assert list((repo / "build/.perfdecl/tmp").iterdir()) == []
    assert not list((repo / "build").rglob("*.part"))
    print(f"{MAIN_KILLS} kills of the build alone: all its processes gone within "
          f"{max(waited):.2f} s")


def test_two_builds_at_once_one_waits_its_turn(tmp_path: Path) -> None:
    import fcntl

    repo = single(tmp_path)
    state = repo / "build" / ".perfdecl"
    state.mkdir(parents=True)
    with open(state / "lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run("build", "--to", "html", cwd=repo)
    assert result.returncode != 0
    assert "another perfdecl build is writing to build" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (repo / "build" / "2024").exists()
    both = [subprocess.Popen([sys.executable, "-m", "perfdecl", "build", "--to", "html,docx"],
                             cwd=repo, text=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in both]
    assert any(code == 0 for code, _ in results), results
    for code, err in results:
        assert code == 0 or "another perfdecl build is writing" in err, err
    again = run("build", "--to", "html,docx", "--out", "again", cwd=repo)
    assert again.returncode == 0
    assert outputs(repo / "build") == outputs(repo / "again")


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path: Path) -> None:
    repo = single(tmp_path)
    (repo / "build").write_text("not a folder", encoding="utf-8")
    result = run("build", "--to", "html", cwd=repo)
    assert result.returncode != 0
    assert "cannot write the build into build: a file is where a folder should be" \
        in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    nested = run("build", "--to", "html", "--out", "build/inner", cwd=repo)
    assert "a file is where a folder should be" in nested.stderr


def _mount(*options: str) -> Path | None:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return None
    point = Path(os.environ.get("TMPDIR", "/tmp")) / f"perfdecl-mnt-{os.getpid()}"
    point.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs",
                           str(point)], capture_output=True)
    return point if done.returncode == 0 else None


@pytest.mark.parametrize("kind", ["full", "read-only"])
def test_a_full_or_read_only_disk_is_a_clear_error(tmp_path: Path, kind: str) -> None:
    repo = make_repo(tmp_path)
    point = _mount("size=1m") if kind == "full" else _mount("size=1m", "ro")
    if point is None:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        result = run("build", "--out", str(point / "build"), cwd=repo)
        reason = "the disk is full" if kind == "full" else "the file system is read-only"
        assert result.returncode != 0
        assert f"cannot write the build into {point / 'build'}: {reason}" in result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        assert not list(point.rglob("*.part"))
    finally:
        subprocess.run(["umount", str(point)], check=False)
        point.rmdir()


def test_a_pandoc_failure_names_the_declarations(tmp_path: Path) -> None:
    repo = single(tmp_path)
    fake = tmp_path / "pandoc"
    from perfdecl.export import pandoc

    fake.write_text(f"""#!/bin/sh
case "$1" in
  lua) echo 'pandoc: out of memory' >&2; exit 1 ;;
  *) exec {pandoc()} "$@" ;;
esac
""", encoding="utf-8")
    fake.chmod(0o755)
    result = run("build", "--to", "docx", cwd=repo, env={"PYPANDOC_PANDOC": str(fake)})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"declarations/2024/{UNIT}/jihe-gongzuo.yaml" in result.stderr, result.stderr
    assert "pandoc" in result.stderr


def test_a_typst_failure_names_the_declaration() -> None:
    from perfdecl.export import ExportError
    from perfdecl.typeset import Typesetter

    with pytest.raises(ExportError, match=r"^declarations/x\.yaml: Typst failed: ."):
        Typesetter([]).pdf("#let x = (", "t", 0, "declarations/x.yaml")


# ---------------------------------------------------------------------------- fuzzing

from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

EXAMPLES = HOSTILE_EXAMPLES
"""Cases per property: `nox -s fuzz` sets 10,000."""
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="HOSTILE_SEED" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SAMPLES = [p.read_bytes() for p in sorted(DECLARATIONS.rglob("*.yaml"))[:12]]


@st.composite
def mangled(draw: st.DrawFn) -> bytes:
    """A real declaration with bytes inserted, deleted or replaced, or plain noise."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(st.binary(min_size=1, max_size=8), st.sampled_from(
            [b"&a", b"*a", b"<<: *a", b"[", b"{", b"\t", b"\xef\xbb\xbf", b": ", b"- ", b"\n  ",
             b"!!python/object:os.system", b"!!binary", b"%YAML 1.1\n---\n", b"'", b'"',
             b"\x00", b"\xff", b"\\u202e", "\u202e".encode()])))
        if how == "insert":
            data[at:at] = piece
        elif how == "delete":
            del data[at: at + len(piece)]
        else:
            data[at: at + len(piece)] = piece
    return bytes(data)


@FUZZ
@given(raw=mangled())
def test_fuzz_check_never_crashes(tmp_path: Path, raw: bytes) -> None:
    from perfdecl.cli import app

    file = tmp_path / "fuzz.yaml"
    file.write_bytes(raw)
    result = CliRunner().invoke(app, ["check", str(file)])
    assert result.exit_code in (0, 1), (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output and "internal error" not in result.output


PRINTABLE = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn",
                                                                       "Zl", "Zp"),
                                  exclude_characters="\u202a\u202b\u202c\u202d\u202e"
                                                     "\u2066\u2067\u2068\u2069"),
                    min_size=1, max_size=80).filter(lambda t: t.strip() == t and t.strip())
HOSTILE_TEXT = st.one_of(PRINTABLE, st.sampled_from(list(PAYLOADS.values())),
                         st.builds(lambda a, b: a + b, PRINTABLE,
                                   st.sampled_from(list(PAYLOADS.values()))))


BLANK_TEXT = st.text(st.sampled_from("\u3164\u3000 \u200b\u2060\ufeff\u2800\ufe0f\U000e0020"),
                     min_size=1, max_size=4)
"""Texts that show nothing: a name or target of them is refused by `check`."""
ODD_NUMBERS = st.sampled_from(["-0.0", "1e3", "7_4", "0o12", "+.5", "2024.0", "1" + "0" * 30,
                               "9" * 5000, "1.0e+99999999999999999999", "-1.5e-4000"])
"""Numbers written as YAML allows and perfdecl refuses or reads with care."""


@st.composite
def declarations(draw: st.DrawFn) -> str:
    """The base declaration with arbitrary texts in its text fields and an arbitrary
    budget: schema-valid, whatever the budget rules then say; or, now and then, with a
    text that shows nothing or an odd number (refused by `check` or read as its value)."""
    texts = st.one_of(HOSTILE_TEXT, BLANK_TEXT) if draw(st.integers(0, 9)) == 0 \
        else HOSTILE_TEXT
    source = hostile(draw(texts))
    for field in ("overview", "prior_years"):
        source = re.sub(rf"(?m)^{field}: .*$", lambda _, f=field: f"{f}: "
                        f"{quoted(draw(texts))}", source)
    source = re.sub(r"(?m)^(        - name: ).*$", lambda m: m.group(1) + quoted(
        draw(texts)), source)
    amount = str(draw(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)))
    if draw(st.integers(0, 9)) == 0:
        amount = draw(ODD_NUMBERS)
        source = source.replace("fiscal_year: 2024", f"fiscal_year: {draw(ODD_NUMBERS)}") \
            if draw(st.booleans()) else source
    return re.sub(r"(?m)^(  (?:total|multi_year_total|general_budget|    amount): ).*$",
                  lambda m: m.group(1) + amount, source)


FUZZ_BUILD = settings(FUZZ, max_examples=max(10, EXAMPLES // 4))
"""A build converts and lays out its forms (pandoc, Typst): a tenth of the cases a
check takes in the time, a quarter of the cases."""


@FUZZ_BUILD
@given(text=declarations())
def test_fuzz_build_and_diff_never_crash(tmp_path_factory: pytest.TempPathFactory,
                                         text: str) -> None:
    from rich.console import Console

    from perfdecl import api
    from perfdecl.build import BuildOptions, build
    from perfdecl.diff import report

    repo = tmp_path_factory.mktemp("fuzz")
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    folder = repo / "declarations" / "2024" / UNIT
    folder.mkdir(parents=True)
    (folder / BASE.name).write_text(text, encoding="utf-8")
    result = build(BuildOptions([repo / "declarations"], repo / "build", ["html"], jobs=1),
                   Repository.at(repo))
    page = folder.parent.parent.parent / "build" / "2024" / UNIT / "jihe-gongzuo.html"
    assert result.failed or page.is_file()
    event("built" if page.is_file() else "refused by check")
    changed, _old, new = api.diff([BASE, folder / BASE.name], Repository.at(repo))
    assert not new.problems or result.failed
    report.to_markdown(changed)
    report.to_html(changed)
    json.loads(report.to_json(changed, "old", "new"))
    report.print_text(changed, Console(file=io.StringIO(), width=120))
    shutil.rmtree(repo)


NAME_PIECES = [b"\x1b]2;owned\x07", b"\x1b[31m", "\u202e".encode(), b"\xc2\x9b", b"\xe9", b"\xff",
               b"\n", b"\r", b"\t", b" ", b"#", b"?", b"%", b"%41", b":", b"c:", b",", b"::",
               b"\\", b"[red]", b"`", b"|", b"<b>", "\u2028".encode(), "中".encode()]
UNPRINTABLE = ["\x1b[31m", "\x1b]2;owned\x07", "\u202e", "\u2066", "\x85", "\x9b", "\u2028",
               "\r", "\n", "\t", "\x00", "\x7f"]


@st.composite
def file_names(draw: st.DrawFn) -> bytes:
    """Any name the file system takes (all bytes but `/` and NUL), often with pieces that
    mean something to a terminal, a URI, Markdown or a workflow command."""
    parts = draw(st.lists(st.one_of(st.binary(min_size=1, max_size=6),
                                    st.sampled_from(NAME_PIECES)), min_size=1, max_size=6))
    name = b"".join(parts).replace(b"/", b"_").replace(b"\0", b"_")[:200]
    name = b"_" + name[1:] if name.startswith(b".") else name  # hidden files are not read
    return name + draw(st.sampled_from([b".yaml", b".yml"]))


WILD_TEXT = st.one_of(st.text(max_size=30),
                      st.builds(lambda a, b, c: a + b + c, PRINTABLE,
                                st.sampled_from(UNPRINTABLE), PRINTABLE))


@st.composite
def wild_files(draw: st.DrawFn) -> bytes:
    """A declaration with an arbitrary key and value, written raw or as YAML escapes, or
    a file holding one arbitrary value."""
    ascii_ = draw(st.booleans())
    key, value = (json.dumps(draw(WILD_TEXT), ensure_ascii=ascii_) for _ in range(2))
    source = draw(st.sampled_from([
        value + "\n",
        hostile("x").replace("\noverview:", f"\n{key}: {value}\noverview:"),
        hostile(json.loads(value) or "x"),
    ]))
    return source.encode("utf-8", errors="surrogatepass")


FUZZ_NAMES = settings(FUZZ, max_examples=max(5, EXAMPLES // 4))
"""Four reports per case: a quarter of the cases (2,500 under `nox -s fuzz`)."""


@FUZZ_NAMES
@given(name=file_names(), raw=wild_files())
def test_fuzz_names_keys_and_values_reach_every_check_reporter_as_text(
        tmp_path: Path, name: bytes, raw: bytes) -> None:
    """Through the command line in text (exit code, the console's own encoding), and
    through the other reporters as the command line prints them."""
    from rich.console import Console

    from perfdecl import api
    from perfdecl.cli import app
    from perfdecl.report import REPORTERS, print_text

    folder = tmp_path / "fuzz"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / os.fsdecode(name)).write_bytes(raw)
    before = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(app, ["check", "fuzz"])
        checked = api.check([Path("fuzz")], Repository.at(tmp_path))
    finally:
        os.chdir(before)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert result.exit_code in (0, 1), (result.output, result.exception)
    shown_safely(result.stderr_bytes)
    counts = [check_report("text", result.stdout_bytes, set())]
    console = Console(file=io.StringIO(), width=80, force_terminal=True)  # colour on
    print_text(checked, console)
    shown_safely(re.sub(r"\x1b\[[0-9;]*m", "", console.file.getvalue())  # type: ignore[attr-defined]
                 .encode("utf-8"))
    for fmt, reporter in REPORTERS.items():
        output = reporter(checked).encode("utf-8")  # strict, as the command line writes
        counts.append(check_report(fmt, output, {b"fuzz/" + name}))
    assert len(set(counts)) == 1, counts  # one line, annotation, result per finding
    event("refused" if counts[0] else "clean")


FUZZ_GIT = settings(FUZZ, max_examples=max(5, EXAMPLES // 40))
"""A git repository and five reports per case: a fortieth of the cases (250 under
`nox -s fuzz`)."""


def _git(*args: str, cwd: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True, env=env,
                   timeout=60)


@FUZZ_GIT
@given(old_name=file_names(), new_name=file_names(), old=WILD_TEXT, new=WILD_TEXT)
def test_fuzz_names_and_values_reach_every_diff_reporter_as_text(
        tmp_path_factory: pytest.TempPathFactory, old_name: bytes, new_name: bytes, old: str,
        new: str) -> None:
    """A declaration under a hostile name beside one with the same id (so the reports
    name both files), renamed and edited between two commits: read from git and from
    the working tree, reported in every format."""
    from perfdecl.cli import app

    repo = tmp_path_factory.mktemp("fuzzgit")
    folder = repo / "declarations" / "2024" / UNIT
    folder.mkdir(parents=True)
    shutil.copy(BASE, folder / BASE.name)
    (folder / os.fsdecode(old_name)).write_text(hostile(old or "x"), encoding="utf-8",
                                                errors="surrogatepass")
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-qm", "old", cwd=repo)
    (folder / os.fsdecode(old_name)).unlink()
    (folder / os.fsdecode(new_name)).write_text(hostile(new or "x"), encoding="utf-8",
                                                errors="surrogatepass")
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "--allow-empty", "-m", "new", cwd=repo)
    before = os.getcwd()
    os.chdir(repo)
    try:
        for rev, fmt in [("HEAD~1..HEAD", "text"), ("HEAD~1..HEAD", "markdown"),
                         ("HEAD~1..HEAD", "html"), ("HEAD~1..HEAD", "json"), ("HEAD~1", "json")]:
            result = CliRunner().invoke(app, ["diff", "--rev", rev, "-f", fmt])
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                result.exception
            assert result.exit_code in (0, 1), (result.output, result.exception)
            shown_safely(result.stderr_bytes)
            text = shown_safely(result.stdout_bytes, allowed="" if fmt == "json" else "\t")
            if fmt == "json":
                report = json.loads(text)
                assert report["summary"]["unchanged"] + report["summary"]["changed"] >= 1
    finally:
        os.chdir(before)
    shutil.rmtree(repo)


# ----------------------------------------------------------- fuzzing the build folder

from urllib.parse import quote, unquote  # noqa: E402

from perfdecl import buildfolder  # noqa: E402

from .test_watch import SECRET, ask, served_folder  # noqa: E402

SLOW = settings(FUZZ, max_examples=max(10, EXAMPLES // 20))
"""For properties that build: a twentieth of the cases."""


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, bytes]]]:
    from perfdecl.watch import Preview

    out, files = served_folder(tmp_path_factory.mktemp("preview"))
    server = Preview(out)
    server.start()
    yield server, files
    server.stop()


HEADER_TEXT = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), max_size=40)
URL_PIECES = ["2024/u/a.html", "2024/u/a.pdf", "index.html", "manifest.json", "2024.zip", "",
              "2024", "u", ".perfdecl/cache.json", ".perfdecl/secret.html", "2024/u/linked.html",
              "2024/u/notes.html", "2024/u/fifo.html", "../secret.html", "..", ".", "%00", "%2e",
              "%2e%2e", "%2F", "%", "%zz", "__perfdecl/rebuild", "?x=1", "#top", "a\\b", "稽核"]
HOST_NAMES = ["localhost", "127.0.0.1", "[::1]", "LocalHost", "attacker.example",
              "127.0.0.1.nip.io", "localhost.attacker.example", "", "[::ffff:127.0.0.1]",
              "0.0.0.0"]
PORTS = ["", ":", ":0", ":80", ":{port}", ":{port}0", ":{port}:{port}", " :{port}"]
HOSTS = st.sampled_from(["mine", "mine", "composed", "text"]).flatmap(lambda kind: {
    "mine": st.sampled_from([f"{name}:{{port}}" for name in HOST_NAMES[:4]]),
    "composed": st.builds(str.__add__, st.sampled_from(HOST_NAMES), st.sampled_from(PORTS)),
    "text": HEADER_TEXT}[kind])


@FUZZ
@given(host=HOSTS,
       raw=st.one_of(st.sampled_from(["2024/u/a.html", "2024/u/a%2Ehtml", "2024%2Fu%2Fa.pdf",
                                      "", "index.html", "manifest.json", "2024.zip"]),
                     st.lists(st.sampled_from(URL_PIECES), max_size=5).map("/".join),
                     st.text(max_size=30)))
def test_fuzz_the_preview_serves_only_outputs_only_to_this_machine(
        preview: tuple[Any, dict[str, bytes]], capfd: pytest.CaptureFixture[str], host: str,
        raw: str) -> None:
    server, files = preview
    port = server.server.server_address[1]
    host = host.replace("{port}", str(port))
    path = "/" + quote(raw, safe="/%")
    status, body = ask(port, path, host)
    mine = host.lower() in {f"{name}:{port}" for name in ("localhost", "127.0.0.1", "[::1]")}
    target = "/" + path.lstrip("/")  # http.server makes a leading // one / (open redirects)
    rel = unquote(target, errors="replace").removeprefix("/") or "index.html"
    if not mine:
        assert status == 403, (host, path)
    elif target == "/__perfdecl/rebuild" or rel in files:
        assert status == 200, path
        assert target == "/__perfdecl/rebuild" or body.startswith(
            files[rel].partition(b"</body>")[0])
    else:
        assert status == 404, path
    assert SECRET not in body
    event(f"status {status}")
    assert capfd.readouterr().err == ""


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository of one declaration, built to HTML: copied for each case."""
    repo = single(tmp_path_factory.mktemp("built"))
    assert run("build", "--to", "html", cwd=repo).returncode == 0
    return repo


TRAPS = ["../../PRECIOUS.txt", "../PRECIOUS.txt", "/tmp/PRECIOUS.txt", "..", ".", "", "2024",
         "2024/../../../PRECIOUS.txt", f"2024/{UNIT}/../../../PRECIOUS.txt", ".perfdecl/lock",
         ".perfdecl/cache.json", f"2024/{UNIT}/.hidden.html", "2024/escape/PRECIOUS.html",
         f"2024/{UNIT}/linked.html", "index.html", "2024.zip", "2024\\..\\..\\PRECIOUS.txt",
         f"2024/{UNIT}/x.html\x00", "C:/PRECIOUS.txt", "~/PRECIOUS.txt", "2024//PRECIOUS.html",
         f"2024/{UNIT}/jihe-gongzuo.html", f"2024/{UNIT}/jihe-gongzuo.pdf", "2024/escape"]
PIECES = ["..", ".", "", "2024", UNIT, "escape", "PRECIOUS.txt", "x.html", ".perfdecl",
          "linked.html", "\\", "%2e%2e", "/"]
TRAP_PATHS = st.one_of(st.sampled_from(TRAPS),
                       st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("/".join),
                       st.text(max_size=30))
ENTRIES = st.one_of(
    st.fixed_dictionaries({
        "key": st.sampled_from(["", "k"]), "title": st.just("t"), "size": st.integers(-1, 9),
        "sources": st.sampled_from([[], ["gone.yaml"], ["../../PRECIOUS.txt"],
                                    [f"declarations/2024/{UNIT}/jihe-gongzuo.yaml"]]),
        "sha256": st.sampled_from(["", "0" * 64, "zz"])}),
    st.sampled_from([None, 1, "x", [], {"sources": "x"}, {"size": True}]))
FOREIGN = ["notes.txt", ".download.part", f"2024/{UNIT}/.notes.txt.abcd1234.part",
           f"2024/{UNIT}/other.pdf", "2024/draft.docx", "2023.zip"]


def outside_of(root: Path, *mine: Path) -> dict[str, bytes | str]:
    """Everything under `root` but the folders perfdecl may write: file bytes, link
    targets, folders."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if any(path == m or m in path.parents for m in mine):
            continue
        found[path.relative_to(root).as_posix()] = (
            f"-> {os.readlink(path)}" if path.is_symlink() else
            path.read_bytes() if path.is_file() else "folder")
    return found


@SLOW
@given(entries=st.dictionaries(TRAP_PATHS, ENTRIES, max_size=6),
       zips=st.dictionaries(TRAP_PATHS, st.sampled_from(["x", 1]), max_size=3),
       inputs=st.sampled_from(["", "{", "[]", '{"settings": 1}', '{"files": {"../x": [1]}}']),
       foreign=st.lists(st.sampled_from(FOREIGN), unique=True, max_size=4),
       trap=st.sampled_from(["none", "none", "none", "none", "unmarked", "unit link",
                             "state link"]))
def test_fuzz_paths_read_back_never_lead_out_of_the_build_folder(
        built_once: Path, tmp_path_factory: pytest.TempPathFactory,
        entries: dict[str, Any], zips: dict[str, Any], inputs: str, foreign: list[str],
        trap: str) -> None:
    """A tampered state (cache, zips, inputs), links planted in the build folder and
    another program's files in it: perfdecl refuses, or builds and merges, and nothing
    outside the build folder and the merge's --out changes."""
    from perfdecl import bundle
    from perfdecl.build import BuildOptions, build
    from perfdecl.errors import PerfdeclError

    root = tmp_path_factory.mktemp("trap")
    repo = root / "repo"
    shutil.copytree(built_once, repo, symlinks=True)
    out, merged = repo / "build", root / "merged"
    for place in (root, repo, root / "outside", root / "outside" / "p1"):
        place.mkdir(exist_ok=True)
        (place / "PRECIOUS.txt").write_text("precious", encoding="utf-8")
    (out / "2024" / "escape").symlink_to(root / "outside", target_is_directory=True)
    (out / "2024" / UNIT / "linked.html").symlink_to(root / "outside" / "PRECIOUS.txt")
    if trap == "unit link":  # the unit's folder itself leads out
        shutil.rmtree(out / "2024" / UNIT)
        (out / "2024" / UNIT).symlink_to(root / "outside", target_is_directory=True)
    for name in foreign if trap != "unit link" else ():
        (out / name).write_bytes(b"another program's")
    state = out / ".perfdecl"
    (state / "cache.json").write_text(json.dumps({"outputs": entries}), encoding="utf-8")
    (state / "zips.json").write_text(json.dumps(zips), encoding="utf-8")
    (state / "inputs.json").write_text(inputs, encoding="utf-8")
    if trap == "state link":
        (state / "typst").rename(state / "kept")
        (state / "typst").symlink_to(root / "outside", target_is_directory=True)
    if trap == "unmarked":  # not a folder perfdecl made: refused
        shutil.rmtree(state)
    before = outside_of(root, out, merged)
    planted = {name: (out / name).read_bytes() for name in foreign if trap != "unit link"}
    claimed = {k for k in entries if buildfolder.output_path(k)}
    here = Repository.at(repo)
    try:
        build(BuildOptions([repo / "declarations"], repo / "build", ["html"], jobs=1), here)
        outcome = "built"
    except PerfdeclError as exc:
        outcome = type(exc).__name__
    assert (outcome == "built") == (trap == "none"), (trap, outcome)
    with contextlib.suppress(PerfdeclError):
        bundle.merge([repo / "build"], merged, here)
    event(f"{trap}: {outcome}")
    assert outside_of(root, out, merged) == before
    for name, data in planted.items():
        assert name in claimed or (out / name).read_bytes() == data, name
    manifest = out / "manifest.json"
    if outcome == "built":
        listed = [e["path"] for e in json.loads(manifest.read_text(encoding="utf-8"))["files"]]
        for rel in listed:
            assert buildfolder.output_path(rel) or rel in ("index.html", "2024.zip"), rel
            where = buildfolder.inside(out, rel)
            assert where is not None and buildfolder.regular(where), rel
        with zipfile.ZipFile(out / "2024.zip") as archive:
            assert set(archive.namelist()) == {r for r in listed if buildfolder.output_path(r)}
    shutil.rmtree(root)
