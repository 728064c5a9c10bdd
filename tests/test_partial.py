"""A missing or wrong field does not hide the rest of the file's findings (DESIGN.md §5:
the model is built from what validated).

The property: take a real declaration of declarations/ (valid, with the findings the
rules give it) and change one field, at any depth: remove it, rename its key to a
misspelt one, or replace its value by a value of any YAML type. Then `check` exits 0 or
1 without a traceback; every finding the intact file gives that does not involve the
changed field is still given, word for word; and, the other way round, every finding the
intact file does not give is the schema's (S001–S005, I001) or involves the change:
nothing is made up from what is missing. `build --to html`, `diff` with the intact file,
`diff --textconv` and `fmt --check` take the changed file too (exit 0 or 1).

"Involves" is said without asking perfdecl, from the schema and from what each rule
reads (INPUTS and BESIDE below):

- The changed subtree is the changed field, widened to the object or list that holds it
  as long as the field is one of that object's required fields, or the holder would go
  below its schema's minimum size without it: the schema makes such a holder invalid as
  a whole (an expense line without its amount, a period without its end), and the model
  holds only what validated. The top level is never widened to: a declaration without
  its fiscal year is still checked.
- A finding involves the change when its data path and the changed subtree lie on one
  line (one is a prefix of the other: the finding is about the changed value, about a
  part of it, or about a container that holds it), when a field the finding's rule
  reckons with lies on one line with the changed subtree (INPUTS: the sums over
  `funding` and the expense lines, the fiscal year for the year rules, the place —
  year, unit, id, name, order — for the rules across declarations; BESIDE: the target
  of the indicator whose name I003 points at), or when `kind` changed (the kind chooses
  the schema: nothing is checked without it).
- A removed list item moves the items after it up by one: their findings are looked for
  at their new index.

Everything else must stay: S001/S002 alone after `fiscal_yaer` was the fault. The
model itself is checked too: what the rules see validates against the schema, but for
the top-level fields that are missing.
"""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.nodes import ScalarNode
from typer.testing import CliRunner

from perfdecl import api
from perfdecl.check import parts_of
from perfdecl.cli import app
from perfdecl.errors import DataPath
from perfdecl.load import load
from perfdecl.repository import Repository
from perfdecl.scalars import yaml
from perfdecl.schema import navigator, schema_of

from .conftest import DECLARATIONS, REPO

SEEDS = sorted(DECLARATIONS.rglob("*.yaml"))

INPUTS: dict[str, list[DataPath]] = {
    "A001": [("funding",)], "A002": [("funding",)], "A005": [("funding",)],
    "A008": [("funding",)],
    "A003": [("funding", "total"), ("expenses", "items")],
    "A004": [("expenses", "items")],
    "A006": [("expenses", "items")],
    "T001": [("fiscal_year",), ("filed_on",)], "T002": [("fiscal_year",), ("period",)],
    "T003": [("fiscal_year",)], "T004": [("fiscal_year",), ("period",)],
    "T005": [("fiscal_year",)],
    "I002": [("indicators",)], "I003": [("indicators",)], "I009": [("indicators",)],
    "I005": [("funding",)], "I006": [("funding",)], "I010": [("funding",)],
    "W005": [("name",), ("unit",)], "W006": [("goals",), ("key_tasks",)],
    "W007": [("expenses",)],
    "X001": [("fiscal_year",), ("id",)],
    "X002": [("fiscal_year",), ("unit",), ("name",), ("order",), ("id",), ("period",)],
    "X003": [("fiscal_year",), ("unit",), ("name",), ("order",), ("id",), ("funding",),
             ("special_fund",)],
    "X004": [("fiscal_year",), ("unit",), ("supervising_department",)],
    "X005": [("fiscal_year",), ("unit",), ("name",), ("funding",), ("special_fund",)],
    "X006": [("fiscal_year",), ("unit",), ("name",), ("order",), ("id",)],
    "P001": [("fiscal_year",), ("unit",), ("id",)],
    "I013": [("indicators",)], "I015": [("indicators",)], "I016": [("indicators",)],
    "I017": [("indicators",)],
    "W008": [("goals",), ("period",), ("funding",)],
    "I021": [("indicators",), ("fiscal_year",)],
    "A009": [("funding",), ("expenses",), ("overview",), ("indicators",)],
}
"""What each rule reckons with beyond the value its finding points at."""
BESIDE = {"I003": ["target"]}
"""Fields beside the one its finding points at that a rule reckons with (I003 points at
an indicator's name when its target is missing)."""


class Plain(str):
    """A scalar written into the YAML as it is (`.nan`, `1e400`, `0o112`, `约74`)."""


def _yaml() -> Any:
    y = yaml()

    def plain(representer: Any, value: Plain) -> Any:
        tag = y.resolver.resolve(ScalarNode, str(value), (True, False))
        return representer.represent_scalar(tag, str(value))

    y.representer.add_representer(Plain, plain)
    return y


YAML = _yaml()

TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
               max_size=12)
VALUES = st.one_of(
    st.sampled_from([Plain(v) for v in (".nan", "1e400", "-12", "约74", "0o112", "7_4",
                                        str(10**40), "-.inf", "74.00001", "2019-02-30")]),
    st.sampled_from(["", "XX", "有所提升", True, False, None, 0, -12, 2019, [], {}, ["a"],
                     [1, {"a": None}], {"a": 1}, {"name": "x"}, {"name": "x", "amount": 1}]),
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), TEXT,
    st.lists(TEXT, min_size=1, max_size=2))


@cache
def tree_of(seed: Path) -> Any:
    """The seed's data, without its comments (they would move with a removed field)."""
    return uncommented(YAML.load(seed.read_text(encoding="utf-8")))


def uncommented(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: uncommented(v) for k, v in node.items()}
    if isinstance(node, list):
        return [uncommented(v) for v in node]
    return node


def paths(node: Any, path: DataPath = ()) -> Iterator[DataPath]:
    """Every field and list item, at any depth."""
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield (*path, key)
        yield from paths(value, (*path, key))


def at(tree: Any, path: DataPath) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def misspelt(key: str, siblings: set[str], swap: bool) -> str:
    """`fiscal_yaer` (two letters swapped) or `nme` (one left out), not a field's name."""
    for i in range(len(key) - 1):
        if swap and key[i] != key[i + 1]:
            wrong = key[:i] + key[i + 1] + key[i] + key[i + 2:]
        else:
            wrong = key[:i + 1] + key[i + 2:]
        if wrong and wrong not in siblings:
            return wrong
    return key + "_x"


def changed(seed: Path, path: DataPath, how: str, value: Any = None, swap: bool = True) -> str:
    """The seed's YAML with the field at `path` removed, renamed to a misspelt key, or
    replaced by `value`."""
    tree = copy.deepcopy(tree_of(seed))
    *above, last = path
    parent = at(tree, tuple(above))
    if how == "rename":
        fields = set(navigator(tree["kind"]).properties(tuple(above))) | set(parent)
        wrong = misspelt(last, fields, swap)
        renamed = {wrong if k == last else k: v for k, v in parent.items()}
        parent.clear()
        parent.update(renamed)
    elif how == "remove":
        del parent[last]
    else:
        parent[last] = value
    out = io.StringIO()
    YAML.dump(tree, out)
    return out.getvalue()


@st.composite
def changes(draw: st.DrawFn) -> tuple[Path, DataPath, str, str]:
    """A seed, a field of it, what was done to it, and the changed YAML."""
    seed = draw(st.sampled_from(SEEDS))
    path = draw(st.sampled_from(list(paths(tree_of(seed)))))
    how = draw(st.sampled_from(["remove", "rename", "replace"]))
    if how == "rename" and isinstance(path[-1], int):
        how = "replace"  # a list item has no key to misspell
    value = draw(VALUES) if how == "replace" else None
    return seed, path, how, changed(seed, path, how, value, draw(st.booleans()))


def on_one_line(a: DataPath, b: DataPath) -> bool:
    """Whether one path is a prefix of the other."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def widened(path: DataPath, tree: Any, kind: str) -> DataPath:
    """The changed subtree: up through the holders the change may make invalid."""
    nav = navigator(kind)
    while len(path) > 1:
        holder = at(tree, path[:-1])
        schema = nav.at(path[:-1]) or {}
        least = schema.get("minItems" if isinstance(holder, list) else "minProperties", 0)
        if path[-1] not in schema.get("required", ()) and len(holder) - 1 >= least:
            break
        path = path[:-1]
    return path


def involved(code: str, found: DataPath, changed: DataPath) -> bool:
    sources = [*INPUTS.get(code, ()), *((*found[:-1], f) for f in BESIDE.get(code, ()))]
    return changed[0] == "kind" or on_one_line(found, changed) or any(
        on_one_line(source, changed) for source in sources)


def moved(found: DataPath, path: DataPath, how: str) -> DataPath:
    """Where a finding of the intact file is looked for after a list item was removed."""
    holder, index = path[:-1], path[-1]
    if how == "remove" and isinstance(index, int) and len(found) > len(holder) \
            and found[:len(holder)] == holder and found[len(holder)] > index:
        return (*holder, found[len(holder)] - 1, *found[len(holder) + 1:])
    return found


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1), (args, output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        (args, result.exception)
    assert "Traceback" not in output and "internal error" not in output, output
    return result


def findings(file: Path) -> set[tuple[str, DataPath, str]]:
    """What `check` finds in the file (in-process: an exception would be exit 3)."""
    return {(f.code, f.path, f.message) for f in api.check([file], Repository.at(file.parent)).findings}


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A repository with a copy of declarations/, each file as the YAML writer writes
    it (so that the intact and the changed file differ by the change only)."""
    yield from rewritten(tmp_path_factory)


def rewritten(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The `repository` fixture's folder, the working folder while it is in use."""
    root = tmp_path_factory.mktemp("partial")
    (root / "perfdecl.toml").write_text("", encoding="utf-8")
    for seed in SEEDS:
        copy_ = root / seed.relative_to(REPO)
        copy_.parent.mkdir(parents=True, exist_ok=True)
        with copy_.open("w", encoding="utf-8") as f:
            YAML.dump(tree_of(seed), f)
    before = os.getcwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(before)


INTACT: dict[Path, set[tuple[str, DataPath, str]]] = {}

Required = jsonschema_rs.ValidationErrorKind.Required

PROPERTY = settings(deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def keeps_the_rest(repository: Path, seed: Path, path: DataPath, how: str,
                   text: str) -> set[tuple[str, DataPath, str]]:
    """Checks the changed file in the seed's place; asserts that every finding of the
    intact file not involved in the change is still given, and that every other finding
    is the schema's or involves the change; returns the findings."""
    file = repository / seed.relative_to(REPO)
    if file not in INTACT:
        INTACT[file] = findings(file)
    intact = file.read_text(encoding="utf-8")
    tree = tree_of(seed)
    subtree = widened(path, tree, tree["kind"])
    try:
        file.write_text(text, encoding="utf-8")
        now = findings(file)
        kept_model_valid(file)
    finally:
        file.write_text(intact, encoding="utf-8")
    missing = [(code, found, message) for code, found, message in INTACT[file]
               if not involved(code, found, subtree)
               and (code, moved(found, path, how), message) not in now]
    assert not missing, (how, path, subtree, missing, sorted(now))
    before = {(code, moved(found, path, how), message) for code, found, message in INTACT[file]}
    made_up = [(code, found, message) for code, found, message in now - before
               if not code.startswith("S") and code != "I001"
               and not involved(code, found, subtree)]
    assert not made_up, (how, path, subtree, made_up)
    return now


@settings(PROPERTY, max_examples=30)
@given(change=changes())
def test_a_changed_field_hides_no_other_finding(
        repository: Path, change: tuple[Path, DataPath, str, str]) -> None:
    keeps_the_rest(repository, *change)


@cache
def validator_of(kind: str) -> Any:
    """The validator check tells valid declarations with (jsonschema-rs)."""
    return jsonschema_rs.validator_for(api.bundled_schema(kind), validate_formats=True)


def kept_model_valid(file: Path) -> None:
    """What the rules check validates against the schema, but for top-level fields
    that are missing (the model holds None for them)."""
    model, _ = parts_of(*load(file))
    if model is None:
        return
    errors = [(e.instance_path, e.message) for e in validator_of(model.kind).iter_errors(
        model.data) if e.instance_path or not isinstance(e.kind, Required)]
    assert not errors, errors


@pytest.mark.slow
@settings(PROPERTY, max_examples=4)
@given(change=changes())
def test_a_changed_field_builds_compares_and_formats(
        repository: Path, tmp_path_factory: pytest.TempPathFactory,
        change: tuple[Path, DataPath, str, str]) -> None:
    """The changed file goes through every command that reads declarations: they build
    it or report it (exit 0 or 1), never fail inside (exit 3)."""
    seed, _path, _how, text = change
    file = repository / seed.relative_to(REPO)
    intact = file.read_text(encoding="utf-8")
    original = tmp_path_factory.mktemp("intact") / file.name
    original.write_text(intact, encoding="utf-8")
    out = tmp_path_factory.mktemp("build")
    try:
        file.write_text(text, encoding="utf-8")
        invoke("check", str(file))
        invoke("build", str(file), "--to", "html", "--out", str(out), "--jobs", "1")
        invoke("diff", str(original), str(file))
        invoke("diff", "--textconv", str(file))
        invoke("fmt", "--check", str(file))
    finally:
        file.write_text(intact, encoding="utf-8")
        shutil.rmtree(out)


# ------------------------------------------------------------- every required field


def _shape(path: DataPath) -> DataPath:
    """Where in the schema a path is: list indices and indicator categories left out."""
    return tuple(0 if isinstance(p, int) else "*" if path[0] == "indicators" and i in (2, 3)
                 else p for i, p in enumerate(path))


def _required_fields() -> dict[tuple[str, DataPath], tuple[Path, DataPath]]:
    """Each required field that a seed has: those of the top level for each kind, those
    inside (shared by the kinds) once; with the first seed and path where it occurs."""
    out: dict[tuple[str, DataPath], tuple[Path, DataPath]] = {}
    for seed in SEEDS:
        tree = tree_of(seed)
        nav = navigator(tree["kind"])
        for path in paths(tree):
            required = (nav.at(path[:-1]) or {}).get("required", ())
            if path != ("kind",) and path[-1] in required:
                kind = tree["kind"] if len(path) == 1 else ""
                out.setdefault((kind, _shape(path)), (seed, path))
    return out


REQUIRED = _required_fields()


def test_the_seeds_have_every_required_field() -> None:
    """Every `required` of schema/*.json is exercised: the seeds hold each such field."""
    for kind in ("project", "special_fund", "department", "expenditure_direction"):
        for field in schema_of(kind)["required"]:
            assert field == "kind" or (kind, (field,)) in REQUIRED, (kind, field)
    inside = {shape for kind, shape in REQUIRED if not kind}
    assert inside >= {
        ("unit", "id"), ("unit", "name"), ("period", "start"), ("period", "end"),
        ("supervising_department", "name"), ("special_fund", "name"), ("expenses", "items"),
        ("expenses", "items", 0, "item"), ("expenses", "items", 0, "amount"),
        ("schedule", 0, "task"), ("key_tasks", 0, "task"), ("funding", "history", 0, "year"),
        ("functional_classification", "class"),
        ("indicators", "annual", "*", "*", 0, "name"),
        ("indicators", "annual", "*", "*", 0, "history", 0, "year"),
        ("indicators", "annual", "*", "*", 0, "history", 0, "value")}


@pytest.mark.parametrize("how", ["remove", "replace"])
@pytest.mark.parametrize("where", sorted(REQUIRED, key=str),
                         ids=lambda w: ".".join(map(str, (w[0] or "any", *w[1]))))
def test_a_required_field_missing_or_invalid_hides_nothing_else(
        repository: Path, where: tuple[str, DataPath], how: str) -> None:
    """The schema's finding at the field, and every finding the intact file gives that
    does not involve it."""
    seed, path = REQUIRED[where]
    text = changed(seed, path, how, ["约74"])
    now = keeps_the_rest(repository, seed, path, how, text)
    expected = "S002" if how == "remove" else "S003"
    assert any(code == expected and on_one_line(found, path) for code, found, _m in now), now


# ---------------------------------------------------------------- the reported cases


def _printed(findings_: list[Any]) -> list[str]:
    return [f"{f.line}: {f.code} {f.message}" for f in findings_]


@pytest.mark.parametrize(("right", "wrong", "need_it"), [
    ("fiscal_year", "fiscal_yaer", {"T001", "X003"}),  # the period's year; the unit's sums
    ("name", "nme", {"X003"}),  # the sums name each direction by its name (else its id)
])
def test_a_misspelt_key_gives_its_findings_and_the_others(
        tmp_path: Path, right: str, wrong: str, need_it: set[str]) -> None:
    """A printed form with errors and warnings (tests/seeds): misspelling a required key
    adds S001 and S002, and takes away only the findings that need the field."""
    unit = shutil.copytree(REPO / "tests" / "seeds" / "2023" / "shifeng-sbzx",
                           tmp_path / "2023" / "shifeng-sbzx")
    file = unit / "junzhuan-ganbu.yaml"
    intact = api.check([file], Repository.at(file.parent)).findings
    assert {f.code for f in intact} >= {"X003", "T001", "I005", "I006", "I008", "A006"}
    text = file.read_text(encoding="utf-8")
    file.write_text(re.sub(rf"(?m)^{right}:", f"{wrong}:", text), encoding="utf-8")
    line = text.splitlines().index(next(t for t in text.splitlines()
                                        if t.startswith(f"{right}:"))) + 1
    found = api.check([file], Repository.at(file.parent)).findings
    assert [(f.code, f.line) for f in found if f.code.startswith("S")] == \
        [("S002", line - 1), ("S001", line)]
    assert _printed(f for f in found if not f.code.startswith("S") and f.code not in need_it) \
        == _printed(f for f in intact if f.code not in need_it)
    if right == "name":  # the sum still found, the direction named by its id
        assert any(f.code == "X003" and "junzhuan-ganbu 23" in f.message for f in found)
    else:
        assert not need_it & {f.code for f in found}


AMOUNTS = ["-12", "abc", "约74", ".nan", "1e400", "0o112", "7_4", "[12]", "{a: 1}", "''"]


@pytest.fixture
def kunnan(tmp_path: Path) -> tuple[Path, Path, int]:
    """A repository with 2023/shifeng-sbzx of declarations/: the file of kunnan-daijiao
    with two of its indicators' targets as the form prints them (I005, I006), a copy of it
    outside, and the line of its one expense line's amount."""
    (tmp_path / "perfdecl.toml").write_text("", encoding="utf-8")
    unit = shutil.copytree(DECLARATIONS / "2023" / "shifeng-sbzx",
                           tmp_path / "declarations" / "2023" / "shifeng-sbzx")
    file = unit / "kunnan-daijiao.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(re.sub(r"target: 100元/人 .*\n", "target: 100元/人\n",
                           text.replace("target: 1200人\n", "target: 1200\n")), encoding="utf-8")
    shutil.copy(file, tmp_path / "kunnan-daijiao.yaml")
    lines = file.read_text(encoding="utf-8").splitlines()
    assert lines.count("      amount: 12") == 1
    return file, tmp_path / "kunnan-daijiao.yaml", lines.index("      amount: 12") + 1


def _amount(file: Path, line: int, amount: str) -> None:
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = f"      amount: {amount}\n"
    file.write_text("".join(lines), encoding="utf-8")


def test_an_invalid_expense_amount_is_a_finding_and_the_rest_is_checked(
        kunnan: tuple[Path, Path, int], perfdecl: Any) -> None:
    """`amount: -12` (and other values that are no amount) in an expense line: the
    schema's finding at the amount, and the file's other findings (the warnings on its
    indicators), not an internal error."""
    file, _original, line = kunnan
    intact = api.check([file], Repository.at(file.parent)).findings
    assert {f.code for f in intact} == {"I005", "I006"}
    for amount in AMOUNTS:
        _amount(file, line, amount)
        checked = perfdecl("check", str(file))
        assert checked.exit_code == 1, (amount, checked.stdout, checked.stderr)
        assert re.search(rf":{line}:\d+: error S00[345]: 金额 \(`amount`\)", checked.stdout), \
            (amount, checked.stdout)
        for f in intact:
            assert f"{file}:{f.line}:{f.column}: warning {f.code}: {f.message}" \
                in checked.stdout, (amount, checked.stdout)


def test_an_invalid_expense_amount_is_reported_by_every_command(
        kunnan: tuple[Path, Path, int], perfdecl: Any) -> None:
    """build, diff, the textconv driver and roll-forward name the file and the line of the
    amount (exit 1; the driver exits 0 and says it on its first line)."""
    file, original, line = kunnan
    _amount(file, line, "-12")
    root = file.parents[3]
    built = perfdecl("build", str(file), "--to", "html", "--out", "build", cwd=root)
    assert built.exit_code == 1 and f"{file}:{line}:" in built.stdout, built.stdout
    compared = perfdecl("diff", str(original), str(file), cwd=root)
    assert compared.exit_code == 1 and f"{file}:{line}:" in compared.stderr
    assert "困难帮扶-城乡居民养老保险政府代缴" in compared.stdout  # what validated is compared
    facts = perfdecl("diff", "--textconv", str(file), cwd=root)
    assert facts.exit_code == 0 and facts.stdout.startswith(f"# perfdecl: {line}:")
    rolled = perfdecl("new", "--from", str(file), "--year", "2024", cwd=root)
    assert rolled.exit_code == 1 and f"{file}:{line}:" in rolled.stdout + rolled.stderr
