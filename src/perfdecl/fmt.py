"""Format: a declaration rewritten in its one canonical form.

Keys in the order of the schema's properties (unknown keys last, as written), block
style, two-space indentation, plain scalars unless YAML needs quotes (phone numbers and
codes always quoted, domain.QUOTED_FIELDS), no byte-order mark, one newline at the end.
Comments stay where they were. Formatting twice changes nothing.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from .atomic import write_text
from .domain import KINDS, QUOTED_FIELDS
from .errors import DataPath, Finding
from .load import parse, read_raw
from .scalars import yaml
from .schema import SchemaNav, navigator


def canonical(tree: CommentedMap) -> str:
    """The canonical text of a loaded declaration tree (which it reorders in place)."""
    kind = tree.get("kind")
    nav = navigator(kind) if kind in KINDS else None
    _attach_comments_to_what_follows(tree)
    _arrange(tree, (), nav)
    out = io.StringIO()
    yaml().dump(tree, out)
    return out.getvalue().rstrip("\n") + "\n"


def _attach_comments_to_what_follows(tree: CommentedMap) -> None:
    """Moves comment lines to the key or item they stand above.

    ruamel keeps a comment on its own line with the value *before* it, so reordering
    would carry `# corrected: …` away from the field it explains. The end-of-line part
    stays where it is.
    """
    places = sorted(_places(tree, []), key=lambda place: place[0])
    for slot, index in _trailing_comments(tree, []):
        token = slot[index]
        head, newline, tail = token.value.partition("\n")
        if "#" not in tail:
            continue
        following = next(((c, k) for line, c, k in places if line > token.start_mark.line), None)
        if following is None:
            continue  # comments at the very end stay at the end
        container, key = following
        token.value = head + newline
        before = [CommentToken(line.lstrip(" ") if line.strip() else "\n",
                               CommentMark(len(line) - len(line.lstrip(" "))), None)
                  for line in tail.splitlines(keepends=True)]
        entry = container.ca.items.setdefault(key, [None, None, None, None])
        entry[1] = before + (entry[1] or [])


def _places(node: Any, out: list[tuple[int, Any, Any]]) -> list[tuple[int, Any, Any]]:
    """(line, container, key or index) of every key and item, for finding what follows."""
    if isinstance(node, CommentedMap | CommentedSeq):
        for k, v in (node.items() if isinstance(node, CommentedMap) else enumerate(node)):
            try:  # a node made in memory (not read from the file) has no position
                line = node.lc.key(k)[0] if isinstance(node, CommentedMap) else node.lc.item(k)[0]
            except (KeyError, TypeError, AttributeError):
                line = None
            if line is not None:
                out.append((line, node, k))
            _places(v, out)
    return out


def _trailing_comments(node: Any, out: list[tuple[list[Any], int]]) -> list[tuple[list[Any], int]]:
    """The comment slots that follow a value: ruamel's items[key][2] (map), [0] (list)."""
    if isinstance(node, CommentedMap | CommentedSeq):
        index = 2 if isinstance(node, CommentedMap) else 0
        for slot in node.ca.items.values():
            if slot and len(slot) > index and isinstance(slot[index], CommentToken):
                out.append((slot, index))
        for child in node.values() if isinstance(node, CommentedMap) else node:
            _trailing_comments(child, out)
    return out


def _arrange(node: Any, path: DataPath, nav: SchemaNav | None) -> None:
    if isinstance(node, CommentedMap):
        node.fa.set_block_style()
        order = nav.properties(path) if nav else []
        rank = {k: i for i, k in enumerate(order)}
        keys = list(node)
        wanted = sorted(keys, key=lambda k: (rank.get(k, len(rank)), keys.index(k)))
        if wanted != keys:
            for k in wanted:
                node.move_to_end(k)
        for k in node:
            value = node[k]
            if k in QUOTED_FIELDS and isinstance(value, str) and \
                    not isinstance(value, SingleQuotedScalarString):
                node[k] = SingleQuotedScalarString(value)  # as the README writes them
            _arrange(node[k], (*path, k), nav)
    elif isinstance(node, CommentedSeq):
        node.fa.set_block_style()
        for i, item in enumerate(node):
            _arrange(item, (*path, i), nav)


def format_file(file: Path, *, write: bool) -> tuple[bool, list[Finding]]:
    """Formats one file. Returns whether it changed (or would) and the findings that
    stopped it: a file that does not load is left untouched. A byte-order mark, the one
    load error formatting repairs, is dropped."""
    raw, findings = read_raw(file, file)
    if raw is None:
        return False, findings
    document, findings = parse(raw, file)
    bom = bool(findings) and findings[0].code == "Y005"
    if bom:
        document, findings = parse(raw[3:], file)
    if document is None:
        return False, findings
    new = canonical(yaml().load(document.text))
    changed = bom or new != document.text
    if changed and write:
        write_text(file, new)
    return changed, []
