"""Odd values: numbers too long to read, whole numbers written as decimals where a whole
number is taken, texts that are blank to the eye, negative zero, and the many spellings
YAML has for a number.

Each is a located finding from `check`, `build`, `diff` and the textconv driver (never an
internal error), or prints as a paper form prints it; a hint that proposes another
writing of a number proposes the very number that was written. The declarations are
those of declarations/ with one value changed (test_partial's machinery), at every place
such a value can stand.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from rich.console import Console

from perfdecl import api
from perfdecl.check import read_bytes
from perfdecl.diff import report
from perfdecl.domain import KINDS
from perfdecl.errors import DataPath, Finding
from perfdecl.load import load, parse
from perfdecl.render import Renderer
from perfdecl.repository import Repository
from perfdecl.scalars import YamlDecimal, yaml
from perfdecl.schema import _validator, navigator
from perfdecl.validate import validate

from .conftest import DECLARATIONS, HERE, REPO, at_length
from .test_partial import (
    PROPERTY,
    SEEDS,
    VALUES,
    Plain,
    at,
    changed,
    keeps_the_rest,
    paths,
    rewritten,
    tree_of,
)


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """test_partial's copy of declarations/, where one value is changed at a time."""
    yield from rewritten(tmp_path_factory)


def findings_at(file: Path, path: DataPath) -> list[Finding]:
    return [f for f in api.check([file], Repository.at(file.parent)).findings if f.path == path]


def line_of(text: str, written: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if written in line)


def shape(path: DataPath) -> DataPath:
    """Where in the schema a path is (list indices and indicator categories left out)."""
    return tuple(0 if isinstance(p, int) else "*" if path[0] == "indicators" and i in (2, 3)
                 else p for i, p in enumerate(path))


def fields(test: Any) -> list[tuple[Path, DataPath]]:
    """The first seed and path of each field shape whose schema passes `test`."""
    out: dict[DataPath, tuple[Path, DataPath]] = {}
    for seed in SEEDS:
        tree = tree_of(seed)
        nav = navigator(tree["kind"])
        for path in paths(tree):
            if not isinstance(at(tree, path), dict | list) and test(nav.at(path) or {}):
                out.setdefault(shape(path), (seed, path))
    return sorted(out.values(), key=lambda f: (str(f[0]), str(f[1])))


@pytest.fixture
def unit(tmp_path: Path) -> tuple[Path, Path]:
    """A repository with 2023/shifeng-sbzx of declarations/: the file of kunnan-daijiao,
    and an intact copy of it outside the declarations."""
    (tmp_path / "perfdecl.toml").write_text("", encoding="utf-8")
    folder = shutil.copytree(DECLARATIONS / "2023" / "shifeng-sbzx",
                             tmp_path / "declarations" / "2023" / "shifeng-sbzx")
    file = folder / "kunnan-daijiao.yaml"
    return file, Path(shutil.copy(file, tmp_path / "intact.yaml"))


def written_into(file: Path, field: str, value: str) -> int:
    """Writes `field: value` over the file's first line of that field; returns the line."""
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if re.match(rf" *{field}:", line))
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = f"{indent}{field}: {value}\n"
    file.write_text("".join(lines), encoding="utf-8")
    return index + 1


def said_by_every_command(perfdecl: Any, file: Path, intact: Path, line: int,
                          code: str) -> None:
    """check, build, diff and the textconv driver each name the file, the line and the
    finding, with exit 1 (the driver exits 0 and says it on its first line)."""
    root = file.parents[3]
    where = f"{file}:{line}:"
    checked = perfdecl("check", str(file), cwd=root)
    assert checked.exit_code == 1 and re.search(rf"{re.escape(where)}\d+: error {code}: ",
                                                checked.stdout), checked.stdout
    built = perfdecl("build", str(file), "--to", "html", "--out", "build", cwd=root)
    assert built.exit_code == 1 and where in built.stdout, built.stdout + built.stderr
    compared = perfdecl("diff", str(intact), str(file), cwd=root)
    assert compared.exit_code == 1 and where in compared.stderr, compared.stderr
    facts = perfdecl("diff", "--textconv", str(file), cwd=root)
    assert facts.exit_code == 0 and facts.stdout.startswith(f"# perfdecl: {line}:"), \
        facts.stdout[:200]
    for run in (checked, built, compared, facts):
        assert "internal error" not in run.stdout + run.stderr


# ------------------------------------------------------------- numbers too long to read

HUGE = ["9" * 5000, "-" + "1" * 4301, "1" * 1001, "0x" + "f" * 900, "1.0e+4000",
        "1.0e+99999999999999999999", "-1.5e-4000", "0." + "0" * 1000 + "1",
        "0" * 5000 + "1" * 1001, "1" + "0" * 1000 + ".5"]
"""Beyond Python's 4,300 digits, beyond what Decimal holds, or just beyond 1,000 digits."""


@pytest.mark.slow
@settings(PROPERTY, max_examples=at_length(40))
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_a_huge_number_anywhere_is_refused_at_its_place(repository: Path, seed: Path,
                                                         data: st.DataObject) -> None:
    """Any field, at any depth, given a number of more than 1,000 digits: one Y018 at that
    number's line, whatever the field takes."""
    path = data.draw(st.sampled_from(list(paths(tree_of(seed)))))
    huge = data.draw(st.sampled_from(HUGE))
    text = changed(seed, path, "replace", Plain(huge))
    file = repository / seed.relative_to(REPO)
    intact = file.read_text(encoding="utf-8")
    try:
        file.write_text(text, encoding="utf-8")
        found = [(f.code, f.line, f.path) for f in api.check([file], Repository.at(file.parent)).findings]
    finally:
        file.write_text(intact, encoding="utf-8")
    assert found == [("Y018", line_of(text, huge), path)], found


@pytest.mark.parametrize(("field", "huge"), [("total", "9" * 5000),
                                              ("fiscal_year", "1" * 4301),
                                              ("amount", "1.0e+99999999999999999999")])
def test_a_huge_number_is_said_by_every_command(unit: tuple[Path, Path], perfdecl: Any,
                                                field: str, huge: str) -> None:
    file, intact = unit
    said_by_every_command(perfdecl, file, intact, written_into(file, field, huge), "Y018")


def test_amounts_stay_below_where_sums_would_round(unit: tuple[Path, Path]) -> None:
    """Decimal adds with 28 digits: 10^30 + 1 would equal 10^30, and sources that do not
    add up would pass. An amount above 1000 亿万元 is refused instead."""
    file, _intact = unit
    huge = 10**30
    file.write_text(file.read_text(encoding="utf-8").replace(
        "funding:\n  total: 12\n", f"funding:\n  total: {huge}\n  fiscal: {huge}\n  own: 1\n"),
        encoding="utf-8")
    found = {(f.code, f.path[-1]) for f in api.check([file], Repository.at(file.parent)).findings}
    assert {("S004", "total"), ("S004", "fiscal")} <= found


# --------------------------------------------- whole numbers written as decimals (2023.0)

INTEGERS = fields(lambda schema: schema.get("type") == "integer")


def test_the_seeds_hold_every_kind_of_whole_number_field() -> None:
    shapes = {shape(path) for _seed, path in INTEGERS}
    assert {("fiscal_year",), ("order",), ("funding", "history", 0, "year"),
            ("indicators", "annual", "*", "*", 0, "history", 0, "year")} <= shapes, shapes


@pytest.mark.parametrize("spelling", ["{n}.0", "{n}.", "{n}.00e+0", "{k}e+3"])
@pytest.mark.parametrize(("seed", "path"), INTEGERS, ids=lambda x: ".".join(map(str, x))
                         if isinstance(x, tuple) else x.stem)
def test_a_whole_number_written_as_a_decimal_is_an_error_with_its_writing(
        repository: Path, seed: Path, path: DataPath, spelling: str) -> None:
    """`fiscal_year: 2023.0` and every other whole-number field so written: S003 at the
    value, hint `write 2023`, the file's other findings kept; never passed to `build`."""
    n = at(tree_of(seed), path)
    written = spelling.format(n=n, k=Decimal(n).scaleb(-3))
    text = changed(seed, path, "replace", Plain(written))
    found = keeps_the_rest(repository, seed, path, "replace", text)
    assert any(code == "S003" and where == path for code, where, _m in found), found
    file = repository / seed.relative_to(REPO)
    intact = file.read_text(encoding="utf-8")
    try:
        file.write_text(text, encoding="utf-8")
        hints = [f.hint for f in findings_at(file, path)]
    finally:
        file.write_text(intact, encoding="utf-8")
    assert hints == [f"write {n}: a whole number has no decimal point"]


def test_a_whole_year_written_as_a_decimal_is_said_by_every_command(
        unit: tuple[Path, Path], perfdecl: Any) -> None:
    file, intact = unit
    said_by_every_command(perfdecl, file, intact, written_into(file, "fiscal_year", "2023.0"),
                          "S003")


# ---------------------------------------------------------------------------- blank texts

BLANKS = ["\u3164", " ", "\u3000", "\u200b", "\u200b\u200c\u200d\u2060", "\ufeff",
          "\u115f\u1160", "\uffa0", "\u2800", "\u00ad", "\u034f", "\ufe0f", "\u180e",
          "\U000e0020", "\U000e0100", "\u2000\u200a\u202f\u205f", "\u200e\u200f", "\t",
          " \u3164 "]
"""Spaces of every width, zero-width characters and joiners, the Hangul fillers, the blank
braille cell, variation selectors, tag characters, the soft hyphen: nothing shows."""
TEXTS = fields(lambda schema: "pattern" in schema and "minLength" in schema)


def test_every_text_field_of_the_seeds_is_reached() -> None:
    shapes = {shape(path) for _seed, path in TEXTS}
    assert {("name",), ("unit", "name"), ("leader", "name"), ("goals", "annual", 0),
            ("indicators", "annual", "*", "*", 0, "name"),
            ("indicators", "annual", "*", "*", 0, "target"),
            ("expenses", "items", 0, "item")} <= shapes, shapes


@pytest.mark.parametrize(("seed", "path"), TEXTS, ids=lambda x: ".".join(map(str, x))
                         if isinstance(x, tuple) else x.stem)
def test_a_blank_text_is_an_error_wherever_a_text_is_required(
        repository: Path, seed: Path, path: DataPath) -> None:
    """Each text field given a text that shows nothing: S004 `is blank` at it, the file's
    other findings kept."""
    blank = BLANKS[TEXTS.index((seed, path)) % len(BLANKS)]
    text = changed(seed, path, "replace", blank)
    found = keeps_the_rest(repository, seed, path, "replace", text)
    assert any(code == "S004" and where == path and " is blank: " in message
               for code, where, message in found), (blank, found)


@pytest.mark.slow
@settings(PROPERTY, max_examples=at_length(60))
@given(blank=st.text(st.sampled_from("".join(BLANKS)), min_size=1, max_size=6),
       visible=st.text(st.characters(codec="utf-8", exclude_categories=(
           "Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"),
           exclude_characters="".join(BLANKS) + "\u115f\u1160\u3164\uffa0\u2800"),
           min_size=1, max_size=3),
       where=st.sampled_from(TEXTS))
def test_a_text_is_blank_exactly_when_nothing_in_it_shows(
        blank: str, visible: str, where: tuple[Path, DataPath]) -> None:
    """Both validators agree, and a text with one visible character among the blanks is
    a text."""
    seed, path = where
    assert "is blank" in " ".join(messages_of(seed, path, blank))
    shown = blank[: len(blank) // 2] + visible + blank[len(blank) // 2:]
    assert not any("is blank" in m for m in messages_of(seed, path, shown))


def messages_of(seed: Path, path: DataPath, value: Any) -> list[str]:
    """The schema's messages about `path` after it took `value`, checked that `check`'s
    quick validator agrees with the one that explains."""
    document, _ = parse(changed(seed, path, "replace", value).encode("utf-8"), seed)
    assert document is not None
    found, _valid = validate(document)
    kind = document.data.get("kind")
    if kind in KINDS:  # else no schema applies
        explained = list(_validator(kind).iter_errors(document.data))
        assert bool(found) == bool(explained), (value, found, explained)
    return [f.message for f in found if f.path == path]


@pytest.mark.slow
@settings(PROPERTY, max_examples=at_length(150))
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_check_and_the_explaining_validator_agree_on_any_value(
        seed: Path, data: st.DataObject) -> None:
    """Any field given any value, the odd ones included: a declaration `check` passes
    has no schema error for jsonschema either (they disagreed on 2023.0), and one it
    fails has one."""
    path = data.draw(st.sampled_from(list(paths(tree_of(seed)))))
    value = data.draw(st.one_of(ODD, VALUES))
    messages_of(seed, path, value)


ODD = st.sampled_from([Plain(v) for v in ("2023.0", "1.", "2.0e+3", "-0.0", "1e3", "0o14",
                                          "+.5", "7_4", "1" * 1000, "1e-999")]
                      + BLANKS + ["a\u200b", " x "])


# ------------------------------------------------------------------- spellings of numbers


@st.composite
def spelt(draw: st.DrawFn) -> tuple[str, Decimal | int]:
    """A number and one of YAML's ways of writing it: plain, with an exponent, with
    underscores, a sign, a leading or trailing point, in hex, octal or binary (YAML 1.2's
    `0o14` and 1.1's `014`)."""
    places = draw(st.integers(0, 4))
    value = draw(st.decimals(min_value=-10**9, max_value=10**9, places=places,
                             allow_nan=False, allow_infinity=False))
    plain = format(value, "f")
    whole = value == value.to_integral_value() and places == 0
    style = draw(st.sampled_from(["plain", "exponent", "underscores", "plus", "point"]
                                 + (["hex", "octal", "octal 1.1", "binary"]
                                    if whole and value >= 0 else [])))
    if style == "exponent":
        shift = draw(st.integers(-3, 6))
        mantissa = format(value.scaleb(-shift), "f")
        return f"{mantissa}{draw(st.sampled_from(['e', 'E']))}" \
               f"{draw(st.sampled_from(['', '+'])) if shift >= 0 else ''}{shift}", value
    if style == "underscores":
        digits = [i for i, ch in enumerate(plain) if ch.isdigit()]
        cut = draw(st.sampled_from(digits))
        body = plain[:cut + 1] + "_" + plain[cut + 1:]
        if re.match(r"-?0[0-9_]", body) and "." not in body:
            return "", value  # an octal number to YAML 1.1: another value
        return body, value
    if style == "plus":
        return ("+" + plain, value) if value >= 0 else (plain, value)
    if style == "point":
        if whole:
            return plain + ".", value
        return re.sub(r"^(-?)0\.", r"\1.", plain), value
    if style in ("hex", "octal", "octal 1.1", "binary"):
        n = int(value)
        return {"hex": f"0x{n:x}", "octal": f"0o{n:o}", "octal 1.1": f"0_{n:o}",
                "binary": f"0b{n:b}"}[style], n
    return plain, value


def read_as(text: str) -> Any:
    document, found = parse(f"x: {text}\n".encode(), Path("x.yaml"))
    assert document is not None, found
    return document.data["x"]


@pytest.mark.slow
@settings(PROPERTY, max_examples=at_length(300))
@given(number=spelt(), field=st.sampled_from(["total", "fiscal_year"]))
def test_a_proposed_number_is_the_number_written(
        tmp_path_factory: pytest.TempPathFactory, number: tuple[str, Decimal | int],
        field: str) -> None:
    """However YAML spells a number, perfdecl reads it as that number, or says it must
    be written otherwise and proposes a writing that reads as that very number (a whole
    one where only whole numbers are taken, 2023 for 2.023e3). `total: 1e3` proposed 13."""
    text, value = number
    if not text:
        return
    folder = tmp_path_factory.mktemp("spelt")
    file = folder / "kunnan-daijiao.yaml"
    shutil.copy(DECLARATIONS / "2023" / "shifeng-sbzx" / "kunnan-daijiao.yaml", file)
    written_into(file, field, text)
    path = ("funding", "total") if field == "total" else ("fiscal_year",)
    wrong_type = [f for f in findings_at(file, path) if f.code == "S003"]
    if not wrong_type:
        event("read as the number")
        document, _ = load(file)
        assert document is not None and at(document.data, path) == value, text
        return
    hint = wrong_type[0].hint or ""
    proposal = re.match(r"write (?:the bare number: )?(\S+?)(?::| |$)", hint)
    whole = field == "fiscal_year"
    if whole and value != int(value):
        event("no whole number to propose")
        assert proposal is None, hint
        return
    event("another writing proposed")
    assert proposal, (text, hint)
    proposed = read_as(proposal.group(1))
    assert proposed == value and isinstance(proposed, int | Decimal), (text, hint)
    assert not whole or isinstance(proposed, int), (text, hint)


def test_the_spellings_of_the_issue_propose_their_numbers(tmp_path: Path) -> None:
    file = tmp_path / "kunnan-daijiao.yaml"
    shutil.copy(DECLARATIONS / "2023" / "shifeng-sbzx" / "kunnan-daijiao.yaml", file)
    for written, proposed in [("1e3", "1000"), ("7_4", "74"), ("0o112", "74"), ("-.5", "-0.5"),
                              ("约74", "74"), ("1,200.5万元", "1200.5"), ("1.0e3", "1000")]:
        written_into(file, "total", written)
        [finding] = findings_at(file, ("funding", "total"))
        assert finding.hint == f"write the bare number: {proposed} (amounts are in 万元)"


@pytest.mark.parametrize(("written", "quoted"), [("012", "'012'"), ("0x1F", "'0x1F'"),
                                                 ("8177159", "'8177159'"),
                                                 ("1.50", "'1.50'")])
def test_quoting_a_number_keeps_its_writing(tmp_path: Path, written: str, quoted: str) -> None:
    """A number where text is taken (a phone number): quote it as it is written, leading
    zero and all (`012` is not '12')."""
    file = tmp_path / "jichu-yanglaojin-peitao.yaml"
    shutil.copy(DECLARATIONS / "2019" / "shigu-sbzx" / "jichu-yanglaojin-peitao.yaml", file)
    written_into(file, "phone", written)
    [finding] = findings_at(file, ("leader", "phone"))
    assert finding.hint == f"put it in quotes: {quoted}"
    assert finding.message.endswith(f"(`{written}`)")


# ------------------------------------------------------------------------- negative zero

MONEY = ("total", "multi_year_total", "multi_year_fiscal", "multi_year_other", "fiscal",
         "general_budget", "government_fund", "prior_year_balance", "own", "other", "basic",
         "project", "amount")


@cache
def renderer() -> Renderer:
    return Renderer(HERE.config)


def zeroed(node: Any) -> Any:
    """Every amount written `-0.0`."""
    if isinstance(node, dict):
        return {k: YamlDecimal("-0.0") if k in MONEY and not isinstance(v, dict | list)
                else zeroed(v) for k, v in node.items()}
    if isinstance(node, list):
        return [zeroed(v) for v in node]
    return node


NEGATIVE_ZERO = re.compile(r"(?<![\w.-])-0(?:\.0*)?(?![\d.])")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_negative_zero_prints_as_zero_in_every_layout(seed: Path) -> None:
    out = io.StringIO()
    yaml().dump(zeroed(tree_of(seed)), out)
    declaration, _found = read_bytes(out.getvalue().encode("utf-8"), seed)
    assert declaration is not None
    for layout in [x.name for x in renderer().layouts() if x.kind == declaration.kind]:
        html = renderer().render_form(declaration, [declaration], layout).html
        assert "0.00" in html or ">0<" in html or "0万" in html, layout
        assert not NEGATIVE_ZERO.search(html), (layout, NEGATIVE_ZERO.search(html))


def test_a_change_too_small_for_its_percentage_is_not_minus_zero(
        unit: tuple[Path, Path]) -> None:
    """12 → 11.9999 万元 is -0.0001 万元, 0.0 %: never `-0.0%`."""
    file, intact = unit
    file.write_text(file.read_text(encoding="utf-8").replace(": 12\n", ": 11.9999\n"),
                    encoding="utf-8")
    changes, _old, _new = api.diff([intact, file], Repository.at(file.parent))
    facts = json.loads(report.to_json(changes, "old", "new"))
    percents = [c["percent"] for d in facts["declarations"] for c in d["changes"]
                if c.get("percent") is not None]
    assert len(percents) == 3 and all(p == "0.0" for p in percents), percents
    text = io.StringIO()
    report.print_text(changes, Console(file=text, width=200))
    assert "-0.0001 万元 (0.0%)" in text.getvalue() and "-0.0%" not in text.getvalue()


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4,
                   min_value=Decimal("-1e11"), max_value=Decimal("1e11")))
def test_an_amount_reads_the_same_wherever_it_is_written(value: Decimal) -> None:
    """One spelling of an amount (domain.amount_text), as declarations bound them (four
    decimals, 1000 亿万元): in a form, a rule's message, a diff and an imported cell; no
    exponent, no trailing zeros, no negative zero."""
    from perfdecl.diff.changes import show
    from perfdecl.domain import amount_text
    from perfdecl.formcontext import plain
    from perfdecl.rules.registry import amount

    text = amount_text(value)
    assert plain(value) == show(value) == amount(value) == text
    assert "E" not in text and (value < 0) == text.startswith("-")
    assert Decimal(text) == value
    if "." in text:
        assert not text.endswith("0")
