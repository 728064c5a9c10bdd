"""Format: a declaration rewritten in its one canonical form.

Keys in the order of the schema's properties (unknown keys last, as written), block
style, two-space indentation, plain scalars unless YAML needs quotes, no byte-order
mark, one newline at the end. Comments stay where they were. Formatting twice
changes nothing.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .atomic import write_text
from .errors import DataPath, Finding
from .load import load, parse, yaml
from .schema import KINDS, SchemaNav


def canonical(tree: CommentedMap) -> str:
    """The canonical text of a loaded declaration tree (which it reorders in place)."""
    kind = tree.get("kind")
    nav = SchemaNav(kind) if kind in KINDS else None
    _arrange(tree, (), nav)
    out = io.StringIO()
    yaml().dump(tree, out)
    return out.getvalue().rstrip("\n") + "\n"


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
            _arrange(node[k], (*path, k), nav)
    elif isinstance(node, CommentedSeq):
        node.fa.set_block_style()
        for i, item in enumerate(node):
            _arrange(item, (*path, i), nav)


def format_file(file: Path, *, write: bool) -> tuple[bool, list[Finding]]:
    """Formats one file. Returns whether it changed (or would) and the findings that
    stopped it: a file that does not load is left untouched. A byte-order mark, the one
    load error formatting repairs, is dropped."""
    document, findings = load(file)
    bom = bool(findings) and findings[0].code == "Y005"
    if bom:
        document, findings = parse(file.read_bytes()[3:], file)
    if document is None:
        return False, findings
    new = canonical(document.tree)
    changed = bom or new != document.text
    if changed and write:
        write_text(file, new)
    return changed, []
