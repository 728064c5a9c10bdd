"""Validate: a loaded declaration against the JSON Schema of its kind.

jsonschema's errors are rewritten for people: the field's Chinese title, the place it
points at (the offending value, or the key of a missing or unknown field), and a hint
where one helps (a near-miss field name, quoting a phone number, where a level-2
indicator category belongs). The invalid parts are then cut from the data, so that the
budget rules still run on everything that is valid: a value that breaks the schema goes,
and with it every object or list that it leaves invalid (an expense line without its
amount, a period without its end), up to the top level, which always stays.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jsonschema.exceptions import ValidationError

from .domain import KINDS
from .errors import DataPath, Finding, Severity
from .framework import ALIASES, LEVEL1, level1_of
from .i18n import N_, _
from .load import Document
from .scalars import number_digits, yaml_number
from .schema import (
    KIND_TITLES,
    SchemaNav,
    _fast,
    _parsed,
    _validator,
    field_label,
    labelled,
    navigator,
)


def validate(doc: Document) -> tuple[list[Finding], dict[str, Any] | None]:
    """Schema findings for `doc`, and what validated: its data with the invalid parts cut
    out, in the file's own shape (a list item cut out is left as `CUT`, so that the items
    after it keep their index, which is their place in the file). None when the kind is
    missing or unknown: then no schema says what the rest should be."""
    data = doc.data
    kind = data.get("kind")
    if kind not in KINDS:
        return [_kind_finding(doc, kind)], None
    nav = navigator(kind)
    if _fast(kind).is_valid(data) and not any(_decimal_integers(data, (), nav)):
        return [], data
    findings: list[Finding] = []
    prune: list[tuple[DataPath, str | None]] = []
    for error in sorted(_validator(kind).iter_errors(data), key=lambda e: list(map(str, e.path))):
        for finding, cut in _explain(doc, nav, error):
            findings.append(finding)
            prune.append(cut)
    if not prune:
        return findings, data
    return findings, _prune(data, prune, nav)


def _decimal_integers(node: Any, path: DataPath, nav: SchemaNav) -> Iterator[DataPath]:
    """Where a whole number is written as a decimal (2023.0) in a field that takes whole
    numbers only: JSON Schema counts it as an integer (jsonschema-rs says valid), but it
    was written as a decimal, and the model would hold a Decimal for a year. jsonschema
    (a Decimal is never an integer) explains each as a type error."""
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, dict | list):
            yield from _decimal_integers(value, (*path, key), nav)
        elif isinstance(value, Decimal) and value == value.to_integral_value():
            wanted = _types((nav.at((*path, key)) or {}).get("type"))
            if "integer" in wanted and "number" not in wanted:
                yield (*path, key)


def _types(expected: Any) -> list[str]:
    """A schema's `type`, one name or a list of them, as a list."""
    return [str(t) for t in expected] if isinstance(expected, list) else [str(expected)]


def _kind_finding(doc: Document, kind: Any) -> Finding:
    field = field_label(navigator(KINDS[0]), ("kind",))  # (every kind's schema alike)
    if kind is None:
        line, column = doc.insertion_position(("kind",), ["kind"])
        message = _("missing field {field}").format(field=field)
    else:
        line, column = doc.position(("kind",))
        message = _("unknown kind {value}").format(value=_show(kind))
    hint = _("{field} is one of: {kinds}").format(
        field=field,
        kinds=", ".join(f"{k} ({KIND_TITLES[k]})" for k in KINDS))
    if isinstance(kind, str):
        close = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.6)
        if close:
            hint = _("did you mean {suggestion}?").format(
                suggestion=labelled(KIND_TITLES[close[0]], close[0]))
    return Finding("S004" if kind is not None else "S002", Severity.ERROR, message, doc.file,
                   line, column, ("kind",), hint)


def _explain(doc: Document, nav: SchemaNav,
             error: ValidationError) -> Iterator[tuple[Finding, tuple[DataPath, str | None]]]:
    path: DataPath = tuple(error.absolute_path)
    label = field_label(nav, path)
    v = error.validator
    value = error.instance
    written = _spelling(doc, path, value)

    def out(code: str, message: str, at: DataPath = path, hint: str | None = None,
            key: bool = False, cut: tuple[DataPath, str | None] | None = None,
            ) -> tuple[Finding, tuple[DataPath, str | None]]:
        line, column = doc.position(at, key=key)
        finding = Finding(code, Severity.ERROR, message, doc.file, line, column, at, hint)
        return finding, cut if cut is not None else (path, None)

    if v == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for name in [k for k in value if k not in allowed]:
            at = (*path, name)
            if _in_indicator_tree(path):
                message, hint = _category_message(path, name, allowed)
                yield out("I001", message, at=at, hint=hint, key=True, cut=(path, name))
                continue
            close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            if close:
                title = nav.title((*path, close[0]))
                hint = _("did you mean {suggestion}?").format(
                    suggestion=labelled(title, close[0]) if title else f"`{close[0]}`")
            else:
                hint = _("fields here: {fields}").format(fields=", ".join(allowed))
            yield out("S001", _("unknown field `{name}`").format(name=name), at=at, hint=hint,
                      key=True, cut=(path, name))
        return
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        line, column = doc.insertion_position((*path, missing), nav.properties(path))
        finding = Finding("S002", Severity.ERROR,
                          _missing_message(field_label(nav, (*path, missing)), label, path),
                          doc.file, line, column, (*path, missing))
        yield finding, (path, None)
        return
    if v == "type":
        advice = _type_hint(value, written, _types(error.validator_value))
        if value is None and "enum" in error.schema:  # an empty choice: say the choices
            advice = _("one of: {options}").format(
                options=", ".join(map(str, error.schema["enum"])))
        yield out("S003", _type_message(label, value, written, error.validator_value),
                  hint=advice)
        return
    if v in ("minLength", "minItems", "minProperties") and not value:
        yield out("S004", _("{field} is empty").format(field=label),
                  hint=_("leave the field out when the form leaves it blank"), key=True)
        return
    if v == "enum":
        if value is None and "type" in error.schema:
            return  # reported once, as empty, by the type error beside this one
        options = [str(o) for o in error.validator_value]
        hint = _("one of: {options}").format(options=", ".join(options))
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.3)
        if close:
            hint = _("did you mean {suggestion}? ({hint})").format(
                suggestion=f"`{close[0]}`", hint=hint)
        yield out("S004", _("{field}: {value} is not one of the allowed values").format(
            field=label, value=_show(value)), hint=hint)
        return
    if v == "pattern" and error.validator_value == _visible_pattern():
        if value:  # "" is said once, as empty (minLength)
            yield out("S004", _("{field} is blank: it holds only spaces or invisible "
                                "characters ({characters})").format(
                                    field=label, characters=_code_points(value)),
                      hint=_("write the text, or leave the field out when the form leaves "
                             "it blank"))
        return
    if v == "pattern":
        reason = error.schema.get("patternErrorMessage") or \
            _("must match {pattern}").format(pattern=error.validator_value)
        yield out("S004", _("{field}: {value} is not valid: {reason}").format(
            field=label, value=_show(value), reason=reason))
        return
    if v == "format":
        yield out("S004", _("{field}: {value} is not a real date").format(
            field=label, value=_show(value)), hint=_("write it as 2019-05-21 (year-month-day)"))
        return
    if v in ("minimum", "maximum"):
        message = _("{field}: {value} is below the minimum {limit}") if v == "minimum" else \
            _("{field}: {value} is above the maximum {limit}")
        yield out("S004", message.format(field=label, value=_show(written),
                                         limit=error.validator_value))
        return
    if v == "maxLength":
        yield out("S004", _("{field} is longer than {limit} characters").format(
            field=label, limit=error.validator_value))
        return
    if v == "not":  # only file-name slugs use `not`: the Windows device names
        yield out("S004", _("{field}: {value} is a reserved device name on Windows").format(
            field=label, value=_show(value)), hint=_("choose another name; it is used as a file name"))
        return
    # TRANSLATORS: {problem} is jsonschema's own message, in English
    yield out("S005", _("{field}: {problem}").format(field=label, problem=error.message))


@functools.cache
def _visible_pattern() -> str:
    """The pattern of a text that must not be blank (common.json `text` and `target`): a
    character that is neither white space nor a default-ignorable one (zero-width spaces
    and joiners, the Hangul fillers, variation selectors …) nor the blank braille cell."""
    return str(_parsed("common.json")["$defs"]["text"]["pattern"])


def _code_points(text: str) -> str:
    """`U+3000 U+3164`: the distinct characters of a blank text, which show as nothing."""
    points = list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in text))
    return " ".join(points[:5]) + (" …" if len(points) > 5 else "")


def _missing_message(field: str, parent: str, path: DataPath) -> str:
    """`missing field 资金总额 (`funding.total`)`; in an item of a list, which list."""
    if any(isinstance(p, int) for p in path):
        return _("missing field {field} in {parent}").format(field=field, parent=parent)
    return _("missing field {field}").format(field=field)


def _in_indicator_tree(path: DataPath) -> bool:
    """Whether `path` is an indicator tree (`indicators.annual`) or a level-1 node in one."""
    return len(path) in (2, 3) and path[0] == "indicators"


def _category_message(path: DataPath, name: str, allowed: list[str]) -> tuple[str, str]:
    if len(path) == 2:  # an unknown level-1 name
        owner = level1_of(name)
        if owner:
            return (_("`{name}` is a level-2 indicator (二级指标), not a level-1 one").format(
                        name=name),
                    _("put it under `{level1}`").format(level1=owner))
        close = difflib.get_close_matches(name, LEVEL1, n=1, cutoff=0.4)
        return (_("`{name}` is not a level-1 indicator (一级指标) of the framework").format(
                    name=name),
                _("did you mean `{suggestion}`?").format(suggestion=close[0]) if close
                else _("level 1 is one of: {names}").format(names=", ".join(LEVEL1)))
    parent = str(path[2])
    if name in ALIASES and ALIASES[name] in allowed:
        return (_("`{name}` is the form's wording, not the framework's name").format(name=name),
                _("write `{framework_name}`; the layout prints the form's own wording").format(
                    framework_name=ALIASES[name]))
    owner = level1_of(name)
    if owner and owner != parent:
        return (_("`{name}` does not belong under `{parent}`").format(name=name, parent=parent),
                _("it is a level-2 indicator of `{level1}`").format(level1=owner))
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.4)
    return (_("`{name}` is not a level-2 indicator (二级指标) of `{parent}`").format(
                name=name, parent=parent),
            _("did you mean `{suggestion}`?").format(suggestion=close[0]) if close
            else _("level 2 here is one of: {names}").format(names=", ".join(allowed)))


_TYPE_WORDS = {"string": N_("text"), "number": N_("a number"), "integer": N_("a whole number"),
               "object": N_("a set of fields"), "array": N_("a list"),
               "boolean": N_("true or false")}
"""What a JSON Schema type is called in messages (translated where shown)."""


def _kind_of(value: Any) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int):
        return _("a number")
    if isinstance(value, Decimal):
        return _("a decimal number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    return _("a set of fields")


def _type_message(label: str, value: Any, written: Any, expected: Any) -> str:
    if value is None:
        return _("{field} is empty").format(field=label)
    names = [_(_TYPE_WORDS[w]) if w in _TYPE_WORDS else w for w in _types(expected)]
    words = functools.reduce(
        lambda either, other: _("{either} or {other}").format(either=either, other=other),
        names) if names else ""
    return _("{field} must be {expected}, not {actual} ({value})").format(
        field=label, expected=words, actual=_kind_of(value), value=_show(written))


def _type_hint(value: Any, written: Any, wanted: list[str]) -> str | None:
    """What to write instead of `value` (spelt `written` in the file), where it is plain."""
    if value is None:
        return _("fill it in, or leave the field out when the form leaves it blank")
    number = isinstance(value, int | Decimal) and not isinstance(value, bool)
    if "string" in wanted and number:
        return _("put it in quotes: '{value}'").format(value=written)
    if "integer" in wanted and isinstance(value, Decimal):
        whole = _bare(value, wanted)
        return _("write {number}: a whole number has no decimal point").format(
            number=whole) if whole else None
    if ("number" in wanted or "integer" in wanted) and isinstance(value, str):
        meant = yaml_number(value)
        proposal = _bare(meant if meant is not None else _number_in(value), wanted)
        if proposal is None:
            return None
        if "number" in wanted:
            return _("write the bare number: {number} (amounts are in 万元)").format(
                number=proposal)
        return _("write the bare number: {number}").format(number=proposal)
    if "array" in wanted and not isinstance(value, list):
        return _("write a list: each item on its own line, starting with `- `")
    return None


_DIGIT_GROUPS = re.compile(r"(?<=[0-9])[,，](?=[0-9]{3}(?![0-9]))")
_NUMBER_IN_TEXT = re.compile(r"(?:(?<![0-9A-Za-z.])[-+])?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
"""A number in a text: its sign where it stands apart (`约-.5`, not the dash of `A-12`)."""


def _number_in(text: str) -> Decimal | None:
    """The one number in a text that holds words or digit groups around it (`约74`,
    `74万元`, `１,200.5`, `−3`), if it holds exactly one."""
    plain = _DIGIT_GROUPS.sub("", unicodedata.normalize("NFKC", text).replace("\u2212", "-"))
    found = _NUMBER_IN_TEXT.findall(plain)
    return Decimal(found[0]) if len(found) == 1 else None


def _bare(number: int | Decimal | None, wanted: list[str]) -> str | None:
    """`number` as a plain scalar perfdecl reads as that very number (`1000` for `1e3`;
    a whole number where only one is taken), or None where there is no such writing."""
    if number is None:
        return None
    if isinstance(number, Decimal):
        if number_digits(number) > PROPOSED_DIGITS:
            return None
        if "number" not in wanted:  # a whole number: 2023, never 2023.0
            if number != number.to_integral_value():
                return None
            number = int(number)
        else:
            return format(number.copy_abs() if number.is_zero() else number, "f")
    return str(number) if abs(number) < 10**PROPOSED_DIGITS else None


PROPOSED_DIGITS = 20
"""The longest number a hint proposes (a real amount has about ten digits): past it, a
proposal would be a wall of digits that helps no one."""


def _spelling(doc: Document, path: DataPath, value: Any) -> Any:
    """A number as the file spells it (`012`, `0x1F`, `2019.0`), for a message to show
    and a hint to quote; any other value as it is."""
    if not isinstance(value, int | Decimal) or isinstance(value, bool):
        return value
    line, column = doc.position(path)
    lines = doc.text.splitlines()
    if 0 < line <= len(lines):
        match = _NUMBER_SPELLING.match(lines[line - 1], column - 1)
        if match and yaml_number(match.group()) == value:
            return match.group()
    return format(value, "f") if isinstance(value, Decimal) else str(value)


_NUMBER_SPELLING = re.compile(r"[-+0-9A-Za-z_.]+")


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > 40:
        text = text[:37] + "…"
    return f"`{text}`"


def _prune(data: dict[str, Any], cuts: list[tuple[DataPath, str | None]],
           nav: SchemaNav) -> dict[str, Any]:
    """A copy of `data` without the invalid parts: unknown keys alone, other errors the
    whole value they are about; then, up to the top level, every object that lost a
    required field and every object or list left with fewer fields or items than its
    schema's minimum. The top level stays: a field missing there is simply absent."""
    out = copy.deepcopy(data)
    todo = {(*p, k) if k is not None else p for p, k in cuts}
    while todo:
        target = max(todo, key=len)  # the deepest first: its parent is judged after it
        todo.discard(target)
        if not target:
            continue
        parent = _node(out, target[:-1])
        if _remove(parent, target[-1]) and target[:-1] and _broken(parent, nav.at(target[:-1])):
            todo.add(target[:-1])
    return out


class _Cut:
    """A list item the schema cut out (`CUT`)."""

    def __repr__(self) -> str:
        return "CUT"


CUT: Any = _Cut()


def _node(data: Any, path: DataPath) -> Any:
    """The value at `path`, or CUT when there is none."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part, CUT)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return CUT
    return data


def _remove(parent: Any, last: str | int) -> bool:
    """Cuts `parent[last]` out; whether there was something to cut."""
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    if isinstance(parent, list) and isinstance(last, int) and last < len(parent) \
            and parent[last] is not CUT:
        parent[last] = CUT
        return True
    return False


def _broken(node: Any, schema: dict[str, Any] | None) -> bool:
    """Whether `node`, after a cut inside it, no longer satisfies its own schema."""
    if schema is None:
        return False
    if isinstance(node, dict):
        required: list[str] = schema.get("required", [])
        least: int = schema.get("minProperties", 0)
        return any(name not in node for name in required) or len(node) < least
    if isinstance(node, list):
        least = schema.get("minItems", 0)
        return sum(item is not CUT for item in node) < least
    return False


def without_cuts(node: Any) -> Any:
    """What validated without the `CUT` marks, as the forms and the diff read it."""
    if isinstance(node, dict):
        return {k: without_cuts(v) for k, v in node.items()}
    if isinstance(node, list):
        return [without_cuts(v) for v in node if v is not CUT]
    return node
