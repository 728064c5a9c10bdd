"""Drafts → declaration files: YAML in the canonical form, comments on what was
guessed, and what could not be placed or read.

The YAML is written through perfdecl's own YAML configuration and formatted by
`fmt.canonical`, so `perfdecl fmt --check` finds nothing to change. A value that was
guessed carries an end-of-line comment `# unsure: why`; text of the form that no field
took is listed in comments at the end of the file, and printed by the command.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import PerfdeclError
from ..fmt import canonical
from ..i18n import _
from ..load import parse
from ..scalars import YamlDate, YamlDecimal, yaml

Path_ = tuple[str | int, ...]

FIRST_KEYS = ("kind", "id", "fiscal_year", "layout", "order", "name")


def to_yaml_node(value: Any, path: Path_ = ()) -> Any:
    if isinstance(value, dict):
        node = CommentedMap()
        for k in sorted(value, key=lambda k: (FIRST_KEYS.index(k) if k in FIRST_KEYS else 99)):
            node[k] = to_yaml_node(value[k], (*path, k))
        return node
    if isinstance(value, list):
        seq = CommentedSeq()
        for i, item in enumerate(value):
            seq.append(to_yaml_node(item, (*path, i)))
        return seq
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:  # type: ignore[operator]
            return int(value)
        return YamlDecimal(str(value))
    if path and path[-1] == "filed_on" and isinstance(value, str) and \
            re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return YamlDate(value)
    return value


def _comment_target(tree: Any, path: Path_) -> tuple[Any, Any, Path_]:
    """The container and key that a comment on `path` goes to: the deepest existing one."""
    node = tree
    parent, key = None, None
    walked: Path_ = ()
    for part in path:
        if (isinstance(node, dict) and part in node) or \
                (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            parent, key = node, part
            node = node[part]  # type: ignore[index]
            walked = (*walked, part)
        else:
            break
    return parent, key, walked


def render(data: dict[str, Any], unsure: dict[Path_, str], header: Iterable[str],
           footer: Iterable[str]) -> str:
    """The canonical YAML text of a declaration, with its comments."""
    tree = to_yaml_node(data)
    loose: list[str] = []
    for path, why in unsure.items():
        parent, key, walked = _comment_target(tree, path)
        dotted = ".".join(map(str, path))
        if parent is None:
            loose.append(_("{field}: {problem}").format(field=dotted, problem=why))
            continue
        if walked != path:
            why = _("{field}: {problem}").format(field=".".join(map(str, path[len(walked):])),
                                                 problem=why)
        text = f"# unsure: {why}".replace("\n", " ")
        existing = parent.ca.items.get(key)
        if existing and existing[2 if isinstance(parent, CommentedMap) else 0]:
            text = f"# unsure: {why}"  # (one comment per line: the first one stays)
            loose.append(_("{field}: {problem}").format(field=dotted, problem=why))
            continue
        parent.yaml_add_eol_comment(text, key)
    out = io.StringIO()
    yaml().dump(tree, out)
    document, findings = parse(out.getvalue().encode("utf-8"), Path("import.yaml"))
    if document is None:  # our own output always loads; a failure here is a bug
        raise PerfdeclError(_("imported declaration does not load: {error}")
                            .format(error=findings[0].message))
    text = canonical(yaml().load(document.text))
    head = "".join(f"# {line}\n" if not line.startswith("#") else f"{line}\n"
                   for line in header)
    tail_lines = [*(f"unsure: {line}" for line in loose), *footer]
    tail = "".join(f"# {line}\n" for line in tail_lines)
    return head + text + tail


def schema_modeline(file: Path, root: Path) -> str | None:
    """The yaml-language-server modeline, when `file` is in the repository at `root`
    and that has the schemas in schema/."""
    folder = file.parent.resolve()
    schema = root / "schema" / "declaration.json"
    if not schema.is_file() or root not in (folder, *folder.parents):
        return None
    relative = os.path.relpath(schema, folder)
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}"
