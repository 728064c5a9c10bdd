"""Load: a declaration file → its plain data and the line and column of every key and
item, or findings.

libyaml composes the document (fast, with positions); perfdecl then reads every scalar
as scalars.py says (the one reading `check` and `fmt` share: only true/false are
booleans, `no` is text) and copies the nodes into plain data: dicts, lists, str, int,
bool and `Decimal` for every non-integer number (never float).

Every way a file can be unusable — unreadable, a FIFO or a device rather than a file, too
big (MAX_FILE_BYTES, from files.py), not UTF-8, a byte-order mark, tabs, bad YAML,
duplicate keys, aliases that expand without bound, nesting too deep, a top level that is
not a mapping — becomes one finding with a location, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml as libyaml

from .domain import MAX_DEPTH as MAX_DEPTH
from .domain import MAX_TEXT as MAX_TEXT
from .domain import MAX_VALUES as MAX_VALUES
from .errors import DataPath, Finding, Severity
from .files import MAX_FILE_BYTES as MAX_FILE_BYTES  # also known as load.MAX_FILE_BYTES
from .files import NotAFile, TooBig, read_file, reason
from .i18n import N_, _
from .scalars import MAX_NUMBER_DIGITS as MAX_NUMBER_DIGITS  # also load.MAX_NUMBER_DIGITS
from .scalars import MERGE, LongNumber, resolve

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters: nothing on a paper form, and DOCX (XML) cannot hold most of them."""
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Bidirectional overrides and isolates: they make text display in another order than it
is stored ("trojan source"), so a reviewer would read something else than was filed."""


@dataclass
class Positions:
    """Where each key and value of a document is (1-based line and column), by data path."""

    values: dict[DataPath, tuple[int, int]]
    keys: dict[DataPath, tuple[int, int]]
    blocks: set[DataPath]  # containers written in block style (their own lines)
    order: dict[DataPath, list[str]]  # the keys of each mapping, as written


@dataclass
class Document:
    """One loaded declaration file."""

    file: Path
    text: str
    data: dict[str, Any]
    positions: Positions

    def position(self, path: DataPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at `path`, or of its key.

        Points at the value for scalars and at the key for block mappings and lists, so
        that a message about `funding` lands on `funding:`; a missing path falls back to
        its nearest ancestor.
        """
        p = self.positions
        first = p.order.get((), [])
        best = p.keys.get((first[0],), (1, 1)) if first else (1, 1)
        for depth in range(1, len(path) + 1):
            here = path[:depth]
            if here not in p.values:
                break
            last = depth == len(path)
            wants_key = key or here in p.blocks or not last
            best = p.keys.get(here, p.values[here]) if wants_key else p.values[here]
            if isinstance(here[-1], int):
                best = p.values[here]
        return best

    def insertion_position(self, path: DataPath, order: list[str]) -> tuple[int, int]:
        """Where the missing field at `path` belongs: the key that precedes it in
        `order` (the schema's), or the first key of its mapping."""
        parent = path[:-1]
        written = self.positions.order.get(parent)
        if not written:
            return self.position(parent, key=True)
        rank = {k: i for i, k in enumerate(order)}
        limit = rank.get(str(path[-1]), len(order))
        before = [k for k in written if rank.get(k, len(order)) < limit]
        anchor = max(before, key=lambda k: rank[k]) if before else written[0]
        return self.positions.keys.get((*parent, anchor), (1, 1))


_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


def _fail(file: Path, code: str, message: str, line: int = 1, column: int = 1,
          hint: str | None = None) -> tuple[None, list[Finding]]:
    return None, [Finding(code, Severity.ERROR, message, file, line, column, hint=hint)]


def load(file: Path, display: Path | None = None) -> tuple[Document | None, list[Finding]]:
    """Reads and parses one declaration file. Returns the document or the findings that
    explain why there is none (never both an error and a document)."""
    shown = display or file
    raw, findings = read_raw(file, shown)
    return (None, findings) if raw is None else parse(raw, shown)


def read_raw(file: Path, shown: Path) -> tuple[bytes | None, list[Finding]]:
    """The bytes of a declaration file, or the finding that says why there are none: a
    FIFO, a device or a folder (never opened for reading, so nothing waits), a file
    above MAX_FILE_BYTES (never read past the bound), or one that cannot be read."""
    try:
        return read_file(file, limit=MAX_FILE_BYTES), []
    except TooBig as exc:
        return None, [too_big(shown, exc.size)]
    except NotAFile as exc:
        return _fail(shown, "Y011", str(exc.strerror))
    except OSError as exc:
        return _fail(shown, "Y011", _("cannot read the file: {reason}").format(
            reason=reason(exc)))


def too_big(shown: Path, size: int) -> Finding:
    """Y008, for a file (or a git object) of `size` bytes, above MAX_FILE_BYTES: said
    before reading it."""
    return Finding("Y008", Severity.ERROR,
                   _("file is {size} MB; a declaration may be at most {limit} MB").format(
                       size=f"{size / 1024 / 1024:.1f}", limit=MAX_FILE_BYTES // 1024 // 1024),
                   shown, hint=_("is this really a declaration? split very long texts or "
                                 "attachments out"))


def parse(raw: bytes, shown: Path) -> tuple[Document | None, list[Finding]]:
    """Parses the bytes of a declaration file named `shown` in findings."""

    def fail(code: str, message: str, line: int = 1, column: int = 1,
             hint: str | None = None) -> tuple[None, list[Finding]]:
        return _fail(shown, code, message, line, column, hint)

    if raw.startswith(b"\xef\xbb\xbf"):
        return fail(
            "Y005",
            _("file starts with a byte-order mark (BOM)"),
            hint=_("save it as UTF-8 without BOM; `perfdecl fmt` removes the mark"),
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail("Y004", _("file is UTF-16, not UTF-8"), hint=_("save it as UTF-8"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw, exc.start)
        return fail(
            "Y004",
            _("not valid UTF-8: byte {byte} cannot be decoded").format(
                byte=f"0x{raw[exc.start]:02X}"),
            line,
            column,
            hint=_("save the file as UTF-8 (a GBK file converts with "
                   "`iconv -f GBK -t UTF-8`)"),
        )
    if "\x00" in text:
        line, column = _line_col(raw, raw.index(b"\x00"))
        return fail("Y004", _("file contains a NUL character; is it a binary file?"), line,
                    column)
    control = _CONTROL.search(text) or _BIDI.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - text.rfind("\n", 0, control.start())
        return fail("Y014", _invisible(control.group()), line, column,
                    hint=_("delete it; it cannot be printed on the form"))
    tab = _TAB_INDENT.search(text)
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        column = tab.end() - tab.start()
        return fail("Y003", _("tab character in indentation"), line, column,
                    hint=_("YAML indents with spaces only; replace the tab with spaces"))

    deep = _flow_too_deep(text)
    if deep:
        return fail("Y010", _("nesting is deeper than {limit} levels").format(limit=MAX_DEPTH),
                    *deep, hint=_("a declaration nests about eight levels deep; check the "
                                  "brackets"))
    try:
        node = libyaml.compose(text, Loader=libyaml.CSafeLoader)
    except libyaml.MarkedYAMLError as exc:
        problem = (exc.problem or exc.context or _("invalid YAML")).strip()
        if "end of stream" in problem and exc.context and exc.context_mark:
            line, column = _mark(exc.context_mark)
            context = exc.context.strip()
            return fail("Y001", _("invalid YAML: {problem} that never ends").format(
                problem=_(context)), line, column,
                hint=_("close the quote or bracket opened here"))
        line, column = _mark(exc.problem_mark or exc.context_mark)
        return fail("Y001", _("invalid YAML: {problem}").format(problem=_(problem)), line,
                    column, hint=_syntax_hint(problem))
    except libyaml.YAMLError as exc:
        return fail("Y001", _("invalid YAML: {problem}").format(problem=exc))
    except RecursionError:
        return fail("Y010", _("nesting is too deep (a declaration nests at most {limit} "
                              "levels)").format(limit=MAX_DEPTH))

    if node is None:
        return fail("Y006", _("file is empty"), hint=_(
            "a declaration starts with 表格种类 (`kind:`), 标识 (`id:`) and 年度 "
            "(`fiscal_year:`); `perfdecl schema` shows every field"))
    if not isinstance(node, libyaml.MappingNode):
        if isinstance(node, libyaml.SequenceNode):
            message = _("a declaration is a mapping of fields, but this file holds a list")
        else:
            message = _("a declaration is a mapping of fields, but this file holds a single "
                        "value ({value})").format(value=_brief(node.value))
        return fail("Y007", message,
                    hint=_("write one field per line: `kind: project`, `id: …`, …"))

    converter = _Plain(shown)
    try:
        data = converter.convert(node, (), 0)
    except _TooBig as exc:
        return None, [exc.finding]
    if converter.findings:
        return None, converter.findings
    return Document(shown, text, data, converter.positions), []


class _TooBig(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


class _Plain:
    """Copies libyaml's nodes into plain data, recording where each key and value is and
    bounding size and depth (a YAML alias is expanded here, so a 'billion laughs' stops at
    MAX_VALUES)."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.count = 0
        self.findings: list[Finding] = []
        self.positions = Positions({}, {}, set(), {})

    def stop(self, code: str, message: str, node: Any, path: DataPath, hint: str) -> _TooBig:
        line, column = _mark(node.start_mark)
        return _TooBig(Finding(code, Severity.ERROR, message, self.file, line, column, path, hint))

    def convert(self, node: Any, path: DataPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.stop("Y009", _("the file expands to more than {limit} values "
                                      "(aliases that repeat each other?)").format(
                                          limit=f"{MAX_VALUES:,}"), node, path,
                            _("write the values out; anchors and aliases must stay small"))
        if depth > MAX_DEPTH:
            raise self.stop("Y010", _("nesting is deeper than {limit} levels").format(
                limit=MAX_DEPTH), node, path,
                _("a declaration nests about eight levels deep; check the indentation"))
        self.positions.values.setdefault(path, _mark(node.start_mark))
        if isinstance(node, libyaml.MappingNode):
            if not node.flow_style:
                self.positions.blocks.add(path)
            return self.mapping(node, path, depth)
        if isinstance(node, libyaml.SequenceNode):
            if not node.flow_style:
                self.positions.blocks.add(path)
            return [self.convert(v, (*path, i), depth + 1) for i, v in enumerate(node.value)]
        value = self.scalar(node, path)
        if isinstance(value, str):
            self.text(value, node, path)
        return value

    def scalar(self, node: libyaml.ScalarNode, path: DataPath) -> Any:
        try:
            return resolve(node)
        except LongNumber:
            raise self.stop("Y018", _("a number of more than {limit} digits").format(
                limit=f"{MAX_NUMBER_DIGITS:,}"), node, path,
                _("a real amount in 万元 has about ten digits; check the number")) from None

    def text(self, value: str, node: Any, path: DataPath) -> None:
        """A text value or a field name written with escapes (`"\\u202e"`) is checked as
        the raw file is: both are printed, in forms, diffs and findings."""
        if len(value) > MAX_TEXT:
            raise self.stop("Y015", _("text of {length} characters; a text may be at most "
                                      "{limit}").format(length=f"{len(value):,}",
                                                        limit=f"{MAX_TEXT:,}"), node, path,
                            _("put long material in an attachment and summarise it here"))
        bad = _CONTROL.search(value) or _BIDI.search(value)
        if bad:
            raise self.stop("Y014", _invisible(bad.group()), node, path,
                            _("delete the escape; it cannot be printed on the form"))

    def mapping(self, node: libyaml.MappingNode, path: DataPath, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: list[libyaml.MappingNode] = []
        seen: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                sources = value_node.value if isinstance(value_node, libyaml.SequenceNode) \
                    else [value_node]
                merged += [m for m in sources if isinstance(m, libyaml.MappingNode)]
                continue
            where = _mark(key_node.start_mark)
            key = self.scalar(key_node, (*path, key_node.value)) \
                if isinstance(key_node, libyaml.ScalarNode) else None
            if not isinstance(key, str):
                shown = key_node.value if isinstance(key_node, libyaml.ScalarNode) else "[…]"
                self.findings.append(Finding(
                    "Y012", Severity.ERROR,
                    _("field name {name} is not text").format(name=_brief(shown)),
                    self.file, *where, path,
                    hint=_("field names are words such as 项目名称 (`name`) or 产出指标")))
                continue
            self.text(key, key_node, (*path, key))  # a key is shown as a value is
            if key in seen:
                self.findings.append(Finding(
                    "Y002", Severity.ERROR,
                    _("duplicate key `{key}`: the same field is written twice").format(
                        key=key), self.file, *where, (*path, key),
                    hint=_("the first one is on line {line}; keep one of them").format(
                        line=seen[key][0])))
                continue
            seen[key] = where
            self.positions.keys[(*path, key)] = where
            self.positions.order.setdefault(path, []).append(key)
            out[key] = self.convert(value_node, (*path, key), depth + 1)
        for source in merged:  # `<<: *base`: the base's fields, unless written here
            for key, value in self.mapping(source, path, depth).items():
                out.setdefault(key, value)
        return out


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


def _invisible(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if _BIDI.match(char):
        return _("bidirectional control character {code} in the text").format(code=code)
    return _("control character {code} in the text").format(code=code)


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _mark(mark: Any) -> tuple[int, int]:
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


LIBYAML_WORDS = (
    # libyaml's own words for what went wrong, translated where they are shown; a
    # problem not listed here is shown as libyaml says it
    N_("could not find expected ':'"),
    N_("mapping values are not allowed in this context"),
    N_("block sequence entries are not allowed in this context"),
    N_("found character that cannot start any token"),
    N_("found unknown escape character"),
    N_("found unexpected end of stream"),
    N_("found undefined alias"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("did not find expected key"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected node content"),
    N_("did not find expected alphabetic or numeric character"),
    N_("did not find expected <document start>"),
    N_("but found another document"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a block scalar"),
    N_("while scanning a simple key"),
    N_("while parsing a flow sequence"),
    N_("while parsing a flow mapping"),
    N_("while parsing a block mapping"),
    N_("while parsing a block collection"),
)


def _syntax_hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return _("a value containing `: ` must be quoted, or the indentation is off")
    if "could not find expected ':'" in problem:
        return _("each line is `field: value`; a long text continues with more indentation")
    if "found character '\\t'" in problem:
        return _("YAML indents with spaces only")
    if "found undefined alias" in problem:
        return _("an alias `*name` needs an anchor `&name` earlier in the file")
    return None


def _brief(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "…"
