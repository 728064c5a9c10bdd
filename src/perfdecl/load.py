"""Load: a declaration file → its round-trip YAML tree and plain data, or findings.

The round-trip tree (ruamel) keeps the line and column of every key and item, and the
comments, which `fmt` writes back. The plain data is what the schema and the rules see:
dicts, lists, str, int, bool and `Decimal` for every non-integer number (never float).

Every way a file can be unusable — unreadable, too big, not UTF-8, a byte-order mark,
tabs, bad YAML, duplicate keys, aliases that expand without bound, nesting too deep, a
top level that is not a mapping — becomes one finding with a location, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.representer import RoundTripRepresenter

from .errors import DataPath, Finding, Severity

MAX_FILE_BYTES = 8 * 1024 * 1024
"""A real declaration is a few kilobytes; the bound leaves room for long texts."""
MAX_VALUES = 200_000
"""Values after alias expansion: a few hundred in a real declaration."""
MAX_DEPTH = 40
"""Nesting levels: a declaration nests about eight deep."""


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


class _Constructor(RoundTripConstructor):
    def construct_decimal(self, node: Any) -> Any:
        text = self.construct_scalar(node)
        try:
            value = YamlDecimal(str(text))
        except InvalidOperation:
            return str(text)  # .inf / .nan: the schema reports a non-number
        return value if value.is_finite() else str(text)

    def construct_date_text(self, node: Any) -> Any:
        return YamlDate(self.construct_scalar(node))


_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_decimal)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_date_text)


class _Representer(RoundTripRepresenter):
    def represent_yaml_decimal(self, data: YamlDecimal) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:float", data.source)

    def represent_yaml_date(self, data: YamlDate) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:timestamp", str(data))


_Representer.add_representer(YamlDecimal, _Representer.represent_yaml_decimal)
_Representer.add_representer(YamlDate, _Representer.represent_yaml_date)


def yaml() -> YAML:
    """The one YAML configuration perfdecl reads and writes declarations with."""
    y = YAML(typ="rt")
    y.Constructor = _Constructor
    y.Representer = _Representer
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # never fold long Chinese text
    y.allow_duplicate_keys = False
    return y


@dataclass
class Document:
    """One loaded declaration file."""

    file: Path
    text: str
    tree: CommentedMap
    data: dict[str, Any]

    def position(self, path: DataPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at `path`, or of its key.

        Points at the value for scalars and at the key for mappings and lists,
        so that a message about `funding` lands on `funding:`.
        """
        return locate(self.tree, path, key=key)

    def insertion_position(self, path: DataPath, order: list[str]) -> tuple[int, int]:
        """Where the missing field at `path` belongs: the key that precedes it in
        `order` (the schema's), or the first key of its mapping."""
        parent: Any = self.tree
        for part in path[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                return self.position(path[:-1], key=True)
        if not isinstance(parent, CommentedMap) or not parent:
            return self.position(path[:-1], key=True)
        name = path[-1]
        rank = {k: i for i, k in enumerate(order)}
        limit = rank.get(str(name), len(order))
        before = [k for k in parent if rank.get(k, len(order)) < limit]
        anchor = max(before, key=lambda k: rank[k]) if before else next(iter(parent))
        return _lc(parent, anchor, key=True) or (1, 1)


def locate(tree: Any, path: DataPath, *, key: bool = False) -> tuple[int, int]:
    node = tree
    best = (1, 1)
    if isinstance(tree, CommentedMap) and tree:
        first = next(iter(tree))
        best = _lc(tree, first, key=True) or best
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, CommentedMap) and part in node:
            child = node[part]
            scalar = not isinstance(child, CommentedMap | CommentedSeq)
            want_key = key or not scalar
            best = _lc(node, part, key=want_key if last else True) or best
            if last and not key and not scalar and not _is_block(node, part):
                best = _lc(node, part, key=False) or best
            node = child
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            pos = node.lc.data.get(part) if hasattr(node, "lc") else None
            if pos:
                best = (pos[0] + 1, pos[1] + 1)
            node = node[part]
        else:
            break
    return best


def _lc(node: CommentedMap, k: Any, *, key: bool) -> tuple[int, int] | None:
    try:
        line, col = node.lc.key(k) if key else node.lc.value(k)
    except (KeyError, TypeError, AttributeError):
        return None
    if line is None:
        return None
    return (line + 1, col + 1)


def _is_block(node: CommentedMap, k: Any) -> bool:
    """Whether the container under `k` starts on a later line than its key (block style)."""
    try:
        key_line = node.lc.key(k)[0]
        value_line = node.lc.value(k)[0]
    except (KeyError, TypeError, AttributeError):
        return True
    return bool(value_line != key_line)


_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


def _fail(file: Path, code: str, message: str, line: int = 1, column: int = 1,
          hint: str | None = None) -> tuple[None, list[Finding]]:
    return None, [Finding(code, Severity.ERROR, message, file, line, column, hint=hint)]


def load(file: Path, display: Path | None = None) -> tuple[Document | None, list[Finding]]:
    """Reads and parses one declaration file. Returns the document or the findings that
    explain why there is none (never both an error and a document)."""
    shown = display or file
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            return _fail(
                shown, "Y008",
                f"file is {size / 1024 / 1024:.1f} MB; a declaration may be at most "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB",
                hint="is this really a declaration? split very long texts or attachments out",
            )
        raw = file.read_bytes()
    except PermissionError:
        return _fail(shown, "Y011", "cannot read the file: permission denied")
    except IsADirectoryError:
        return _fail(shown, "Y011", "is a folder, not a file")
    except OSError as exc:
        return _fail(shown, "Y011", f"cannot read the file: {exc.strerror or exc}")
    return parse(raw, shown)


def parse(raw: bytes, shown: Path) -> tuple[Document | None, list[Finding]]:
    """Parses the bytes of a declaration file named `shown` in findings."""

    def fail(code: str, message: str, line: int = 1, column: int = 1,
             hint: str | None = None) -> tuple[None, list[Finding]]:
        return _fail(shown, code, message, line, column, hint)

    if raw.startswith(b"\xef\xbb\xbf"):
        return fail(
            "Y005",
            "file starts with a byte-order mark (BOM)",
            hint="save it as UTF-8 without BOM; `perfdecl fmt` removes the mark",
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail("Y004", "file is UTF-16, not UTF-8", hint="save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw, exc.start)
        return fail(
            "Y004",
            f"not valid UTF-8: byte 0x{raw[exc.start]:02X} cannot be decoded",
            line,
            column,
            hint="save the file as UTF-8 (a GBK file converts with `iconv -f GBK -t UTF-8`)",
        )
    if "\x00" in text:
        line, column = _line_col(raw, raw.index(b"\x00"))
        return fail("Y004", "file contains a NUL character; is it a binary file?", line, column)
    tab = _TAB_INDENT.search(text)
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        column = tab.end() - tab.start()
        return fail("Y003", "tab character in indentation", line, column,
                    hint="YAML indents with spaces only; replace the tab with spaces")

    deep = _flow_too_deep(text)
    if deep:
        return fail("Y010", f"nesting is deeper than {MAX_DEPTH} levels", *deep,
                    hint="a declaration nests about eight levels deep; check the brackets")
    try:
        tree = yaml().load(text)
    except DuplicateKeyError as exc:
        line, column = _mark(exc.problem_mark)
        key = _duplicate_key(exc)
        first = _mark(exc.context_mark)
        return fail("Y002", f"duplicate key {key}: the same field is written twice", line, column,
                    hint=f"the first one is on line {first[0]}; keep one of them")
    except MarkedYAMLError as exc:
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "end of stream" in problem and exc.context and exc.context_mark:
            line, column = _mark(exc.context_mark)
            return fail("Y001", f"invalid YAML: {exc.context.strip()} that never ends",
                        line, column, hint="close the quote or bracket opened here")
        line, column = _mark(exc.problem_mark or exc.context_mark)
        return fail("Y001", f"invalid YAML: {problem}", line, column,
                    hint=_syntax_hint(problem))
    except YAMLError as exc:
        return fail("Y001", f"invalid YAML: {exc}")
    except RecursionError:
        return fail("Y010", f"nesting is too deep (a declaration nests at most {MAX_DEPTH} levels)")

    if tree is None:
        return fail("Y006", "file is empty", hint="a declaration starts with `kind:`, `id:` and "
                    "`fiscal_year:`; `perfdecl schema` shows every field")
    if not isinstance(tree, CommentedMap):
        what = "a list" if isinstance(tree, CommentedSeq) else f"a single value ({_brief(tree)})"
        return fail("Y007", f"a declaration is a mapping of fields, but this file holds {what}",
                    hint="write one field per line: `kind: project`, `id: …`, …")

    converter = _Plain(shown, tree)
    try:
        data = converter.convert(tree, (), 0)
    except _TooBig as exc:
        return None, [exc.finding]
    if converter.findings:
        return None, converter.findings
    return Document(shown, text, tree, data), []


class _TooBig(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


class _Plain:
    """Copies the round-trip tree into plain data, bounding size and depth
    (a YAML alias is expanded here, so a 'billion laughs' stops at MAX_VALUES)."""

    def __init__(self, file: Path, tree: CommentedMap) -> None:
        self.file = file
        self.tree = tree
        self.count = 0
        self.findings: list[Finding] = []

    def stop(self, code: str, message: str, path: DataPath, hint: str) -> _TooBig:
        line, column = locate(self.tree, path)
        return _TooBig(Finding(code, Severity.ERROR, message, self.file, line, column, path, hint))

    def convert(self, node: Any, path: DataPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.stop("Y009", f"the file expands to more than {MAX_VALUES:,} values "
                            "(aliases that repeat each other?)", path,
                            "write the values out; anchors and aliases must stay small")
        if depth > MAX_DEPTH:
            raise self.stop("Y010", f"nesting is deeper than {MAX_DEPTH} levels", path,
                            "a declaration nests about eight levels deep; check the indentation")
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for k, v in node.items():
                if not isinstance(k, str):
                    line, column = locate(self.tree, (*path, k), key=True)
                    self.findings.append(Finding(
                        "Y012", Severity.ERROR, f"field name {_brief(k)} is not text",
                        self.file, line, column, path,
                        hint="field names are words such as `name` or `产出指标`"))
                    continue
                out[k] = self.convert(v, (*path, k), depth + 1)
            return out
        if isinstance(node, list):
            return [self.convert(v, (*path, i), depth + 1) for i, v in enumerate(node)]
        if isinstance(node, bool) or node is None:
            return node
        if isinstance(node, Decimal):
            return Decimal(node)
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):  # not produced by our constructor; kept exact anyway
            return Decimal(repr(node))
        if isinstance(node, str):
            return str(node)
        return str(node)


def _flow_too_deep(text: str) -> tuple[int, int] | None:
    """Where `[`/`{` brackets first nest deeper than MAX_DEPTH, if they do.

    Checked before parsing because the YAML scanner slows down sharply on deep flow
    collections, long before it fails; quoted text and comments are skipped.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth, quote, comment = 0, "", False
    line, start = 1, 0
    for i, ch in enumerate(text):
        if ch == "\n":
            line, start, comment = line + 1, i + 1, False
            if quote == "'":
                continue
        if comment:
            continue
        if quote:
            if ch == quote and not (quote == '"' and text[i - 1] == "\\"):
                quote = ""
        elif ch in "'\"" and (i == 0 or text[i - 1] in " \t[{,:"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            comment = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, i - start + 1
        elif ch in "]}":
            depth = max(0, depth - 1)
    return None


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _mark(mark: Any) -> tuple[int, int]:
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def _duplicate_key(exc: DuplicateKeyError) -> str:
    match = re.search(r'found duplicate key "(.*?)"', str(exc))
    return f"`{match.group(1)}`" if match else ""


def _syntax_hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "a value containing `: ` must be quoted, or the indentation is off"
    if "could not find expected ':'" in problem:
        return "each line is `field: value`; a long text continues with more indentation"
    if "found character '\\t'" in problem:
        return "YAML indents with spaces only"
    if "found undefined alias" in problem:
        return "an alias `*name` needs an anchor `&name` earlier in the file"
    return None


def _brief(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "…"
