"""Scalars, read one way: what a plain YAML value is. `check` composes with libyaml (YAML
1.1 tags) and then reads each scalar by the YAML 1.2 core schema, where YAML 1.1 did not
take it for text (`resolve`); `fmt`, `new` and import read and write the round-trip tree
with ruamel (`yaml()`), whose constructor keeps as written every value `check` reads as
text, so the two readers never disagree. Numbers are bounded (MAX_NUMBER_DIGITS) before
anything converts them; non-integers are Decimals, never floats."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml as libyaml
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.representer import RoundTripRepresenter

from .domain import MAX_NUMBER_DIGITS as MAX_NUMBER_DIGITS  # also scalars.MAX_NUMBER_DIGITS


class YamlDecimal(Decimal):
    """A YAML float loaded as a Decimal that remembers how it was written,
    so that `fmt` writes `74.00` back as `74.00`."""

    source: str

    def __new__(cls, source: str) -> YamlDecimal:
        value = super().__new__(cls, source.replace("_", ""))
        value.source = source
        return value


class YamlDate(str):
    """A YAML timestamp (2019-05-21) kept as its text: dates are validated as strings."""


class YamlPlain(str):
    """A plain scalar ruamel would read as a number or a boolean but `check` reads as text
    (`0_`, `0o_`, `1e3` …): `fmt` keeps it as written, so it means the same after."""

    tag: str

    def __new__(cls, text: str, tag: str) -> YamlPlain:
        value = super().__new__(cls, text)
        value.tag = tag
        return value


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip reading, but every plain scalar that `check` reads as text
    stays text: the two readers never disagree on what a value is."""

    def _as_check_reads(self, node: Any, construct: Any) -> Any:
        text = str(self.construct_scalar(node))
        if node.style is None and isinstance(plain_reading(text), str):
            return YamlPlain(text, node.tag)
        return construct(node)

    def construct_int(self, node: Any) -> Any:
        return self._as_check_reads(node, super().construct_yaml_int)

    def construct_bool(self, node: Any) -> Any:
        return self._as_check_reads(node, super().construct_yaml_bool)

    def construct_decimal(self, node: Any) -> Any:
        return self._as_check_reads(node, self._decimal)

    def _decimal(self, node: Any) -> Any:
        text = self.construct_scalar(node)
        try:
            value = YamlDecimal(str(text))
        except InvalidOperation:
            return str(text)  # .inf / .nan: the schema reports a non-number
        return value if value.is_finite() else str(text)

    def construct_date_text(self, node: Any) -> Any:
        return YamlDate(self.construct_scalar(node))


_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_decimal)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_int)
_Constructor.add_constructor("tag:yaml.org,2002:bool", _Constructor.construct_bool)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_date_text)


class _Representer(RoundTripRepresenter):
    def represent_yaml_decimal(self, data: YamlDecimal) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:float", data.source)

    def represent_yaml_date(self, data: YamlDate) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:timestamp", str(data))

    def represent_yaml_plain(self, data: YamlPlain) -> Any:
        return self.represent_scalar(data.tag, str(data))  # plain, as it was written


_Representer.add_representer(YamlDecimal, _Representer.represent_yaml_decimal)
_Representer.add_representer(YamlDate, _Representer.represent_yaml_date)
_Representer.add_representer(YamlPlain, _Representer.represent_yaml_plain)


def yaml() -> YAML:
    """The one YAML configuration perfdecl reads and writes declarations with."""
    y = YAML(typ="rt")
    y.Constructor = _Constructor
    y.Representer = _Representer
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # never fold long Chinese text
    y.allow_duplicate_keys = False
    return y


_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"


def resolve(node: libyaml.ScalarNode) -> Any:
    """A scalar by the YAML 1.2 core schema (ruamel's round-trip reading): quoted text
    stays text; timestamps stay text too (the schema checks dates as text)."""
    text = node.value
    # libyaml tagged the scalar by YAML 1.1: what it takes for text (`!!str 12`, and the
    # 1.2 numbers 1.1 does not know: `1e3`, `0o14`) is text, as it would be for any tool
    # that reads YAML 1.1; a number is what both versions read as one
    if node.style or node.tag == _STR:
        return text
    return _core(text)


_RESOLVER = libyaml.resolver.Resolver()


def plain_reading(text: str) -> Any:
    """What `check` reads a plain (unquoted) scalar as: text where YAML 1.1 (libyaml)
    takes it for text, else its value by the YAML 1.2 core schema (see resolve)."""
    if _RESOLVER.resolve(libyaml.ScalarNode, text, (True, False)) == _STR:
        return text
    try:
        return _core(text)
    except LongNumber:
        return None  # refused by check (Y018): never a text to keep


def _core(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return _integer(text)
    if _FLOAT.match(text):
        return _decimal(text)
    return text


class LongNumber(ValueError):
    """A number of more than MAX_NUMBER_DIGITS digits: refused, never converted."""


_NUMBER_BOUND = 10**MAX_NUMBER_DIGITS


def _integer(text: str) -> int:
    if text[:2] in ("0o", "0x"):  # powers of two: read at any length, measured after
        value = int(text, 0)
        if value >= _NUMBER_BOUND:
            raise LongNumber(text)
        return value
    # int() refuses more than 4,300 digits, leading zeros counted: measured before
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > MAX_NUMBER_DIGITS:
        raise LongNumber(text)
    return -int(digits) if text.startswith("-") else int(digits)


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:  # an exponent beyond what Decimal holds (1e99999999999999999999)
        raise LongNumber(text) from None
    written_out = len(text) < MAX_NUMBER_DIGITS and "e" not in text.lower()  # 74.5, .5
    if not written_out and number_digits(value) > MAX_NUMBER_DIGITS:
        raise LongNumber(text)
    # -0.0 is 0.0: a sign on zero means nothing on a form, and would print as `-0.00`
    return value.copy_abs() if value.is_zero() else value


_INT_11 = re.compile(r"^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$")
_FLOAT_11 = re.compile(r"^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?$|"
                       r"^\.[0-9_]+(?:[eE][-+][0-9]+)?$")
"""YAML 1.1's numbers as libyaml reads them, but sexagesimal (`1:30` reads as 90): the
spellings YAML 1.2 does not have (`7_4`, `0b1001`, `012` in octal)."""


def yaml_number(text: str) -> int | Decimal | None:
    """The number a YAML reader takes the plain scalar `text` for, if one does: YAML 1.2
    (`1e3`, `0o112`, `+.5`), else YAML 1.1 (`7_4`, `0b1001`, `0_12` in octal), within
    MAX_NUMBER_DIGITS. perfdecl reads these as text (the two versions disagree on them):
    a hint proposes the number they mean, written so that both read it alike."""
    try:
        value = _core(text)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return value
        if _INT_11.match(text) or _FLOAT_11.match(text):
            return _yaml11(text)
    except (LongNumber, ValueError, InvalidOperation):
        pass
    return None


def _yaml11(text: str) -> int | Decimal:
    negative = text.startswith("-")
    body = text.lstrip("+-").replace("_", "")
    if _FLOAT_11.match(text):
        number = _decimal(body)
        return number.copy_negate() if negative and not number.is_zero() else number
    if body.startswith(("0b", "0x")):
        value = int(body[2:], 2 if body[1] == "b" else 16)
    elif len(body) > MAX_NUMBER_DIGITS + 1:
        raise LongNumber(text)
    else:
        value = int(body, 8 if body.startswith("0") and len(body) > 1 else 10)
    if value >= _NUMBER_BOUND:
        raise LongNumber(text)
    return -value if negative else value


def number_digits(value: Decimal) -> int:
    """How many digits `value` takes written out in full (`1.5e3` is 1500: four), counted
    from its exponent without writing it out (`1e999999999` would be a gigabyte)."""
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int), "only finite numbers are read as numbers"
    written = "".join(map(str, digits))
    significant = written.strip("0")
    if not significant:
        return 1
    exponent += len(written) - len(written.rstrip("0"))  # 7450E-2 is 745E-1
    whole = len(significant) + exponent  # digits before the decimal point
    return max(whole, 1) + max(-exponent, 0)
