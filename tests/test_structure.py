"""The package keeps the shape the README's development section describes: the pipeline
read top to bottom, no stage importing a later one, no import cycle, no module past 500
lines. `python -m tests.test_structure` prints the module graph."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "perfdecl"

STAGES: tuple[tuple[str, ...], ...] = (
    ("errors", "i18n", "usage", "domain", "framework", "resources", "files", "locks", "atomic",
     "config", "repository", "converters"),
    ("scalars", "load"),
    ("schema", "validate"),
    ("targets", "model"),
    ("rules", "unprinted", "waivers"),
    ("report", "check", "fmt"),
    ("printed", "derive", "formcontext", "render"),
    ("plan",),
    ("buildfolder",),
    ("fonts", "workspace", "pages", "continuation", "wrapping", "footers", "export", "typeset",
     "workers"),
    ("buildcache", "bundle"),
    ("build",),
    ("diff", "importer", "blankform", "rollforward", "scaffold", "watch"),
    ("api",),
    ("cli", "__main__"),
)
"""The stages in the order data goes through them (load → validate → model → rules →
check → render → plan → export → bundle → build; `buildfolder`, which files of the build
folder are perfdecl's, comes before what writes there); beside the pipeline, diff, import,
roll-forward, scaffolding and the preview use any stage before them; the library face,
then the command line, come last. A module may import its own stage and earlier ones."""

MAX_LINES = 500


def _modules() -> dict[str, Path]:
    found = {}
    for file in PACKAGE.rglob("*.py"):
        parts = list(file.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = file
    return found


def _target(module: str, node: ast.ImportFrom, package: bool) -> str:
    """The module `from … import` names, relative to the package."""
    if not node.level:
        return (node.module or "").removeprefix("perfdecl").lstrip(".")
    base = module.split(".") if module else []
    if not package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def graph(*, top_level: bool) -> dict[str, set[str]]:
    """Which modules each module imports: at its top (what runs on import) or anywhere
    (functions' imports too); imports for the type checker only are left out."""
    modules = _modules()
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, file in modules.items():
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            for n in [node] if top_level else ast.walk(node):
                if not isinstance(n, ast.ImportFrom) or (not n.level and not (
                        n.module or "").startswith("perfdecl")):
                    continue
                target = _target(module, n, file.name == "__init__.py")
                for alias in n.names:
                    named = f"{target}.{alias.name}".lstrip(".")
                    if named in modules:
                        edges[module].add(named)
                    elif target in modules:
                        edges[module].add(target)
        edges[module].discard(module)
    return edges


def _stage(module: str) -> int:
    top = module.split(".")[0]
    for i, names in enumerate(STAGES):
        if top in names:
            return i
    raise AssertionError(f"{module} has no stage in STAGES: place it")


def test_no_module_imports_a_later_stage() -> None:
    later = [f"{m} → {t}" for m, targets in graph(top_level=False).items() if m
             for t in targets if t and _stage(t) > _stage(m)]
    assert later == []


def test_no_import_cycle() -> None:
    edges = graph(top_level=True)
    seen: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(m: str, path: list[str]) -> None:
        seen[m] = 1
        for t in sorted(edges[m]):
            if seen.get(t) == 1:
                raise AssertionError(" → ".join([*path[path.index(t):], t]))
            if t not in seen:
                visit(t, [*path, t])
        seen[m] = 2

    for m in sorted(edges):
        if m not in seen:
            visit(m, [m])


def test_no_module_is_longer_than_500_lines() -> None:
    long = {m: n for m, f in _modules().items()
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


if __name__ == "__main__":
    for module, targets in sorted(graph(top_level=True).items()):
        print(f"{module or 'perfdecl'} → {', '.join(sorted(t or 'perfdecl' for t in targets))}")
