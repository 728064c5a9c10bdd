"""Starting points: a declarations repository (`perfdecl init`) and a blank declaration
(`perfdecl new KIND`).

`init` copies the files of `templates/_scaffold/` (they ship in the wheel), filling in
the fiscal year, perfdecl's version and where perfdecl's git repository and schemas are.
`new KIND` writes every field of the kind, in the schema's order, commented with the
schema's Chinese titles and descriptions; every value to fill is left empty, so that
`perfdecl check` lists what is still to do (S003 "is empty") until it is filled in or
the field is deleted.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import write_text
from .domain import GENERATIONS, KINDS, NEW
from .errors import PerfdeclError, UsageError
from .i18n import _
from .repository import Repository
from .resources import data_dir
from .schema import resolve, schema_of

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

SCHEMA_FOLDER = "schema"
"""Where `init` puts the JSON Schemas in a declarations repository."""

PERFDECL_GIT = "PERFDECL_GIT_URL"
"""Written where perfdecl's git URL belongs when this installation does not know it
(not installed from git, no `Source` project URL in its metadata, no --source given)."""

# ---------------------------------------------------------------------------- init

# Scaffold template → file in the new repository. `__YEAR__` in a path is the year.
SCAFFOLD_FILES = (
    ("perfdecl.toml", "perfdecl.toml"),
    ("gitignore", ".gitignore"),
    ("gitattributes", ".gitattributes"),
    ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
    ("vscode-settings.json", ".vscode/settings.json"),
    ("github-workflow.yml", ".github/workflows/perfdecl.yml"),
    ("gitlab-ci.yml", ".gitlab-ci.yml"),
    ("gitkeep", "declarations/__YEAR__/.gitkeep"),
)


def current_fiscal_year() -> int:
    return datetime.date.today().year


def perfdecl_source() -> tuple[str, str | None]:
    """Where this perfdecl came from, for the hooks and CI to install the same: the git
    URL and commit it was installed from (pip records them, PEP 610), else the package's
    Source URL (and no commit)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("perfdecl")
    except PackageNotFoundError:
        return PERFDECL_GIT, None
    with contextlib.suppress(ValueError, TypeError):
        origin = json.loads(dist.read_text("direct_url.json") or "null") or {}
        vcs = origin.get("vcs_info") or {}
        if vcs.get("vcs") == "git" and origin.get("url"):
            return str(origin["url"]), vcs.get("commit_id")
        if "dir_info" in origin and str(origin.get("url", "")).startswith("file://"):
            return str(origin["url"]), None  # a checkout: its HEAD, found by init
    for entry in dist.metadata.get_all("Project-URL") or []:
        label, _sep, url = str(entry).partition(",")
        if label.strip().lower() in ("source", "repository", "source code") and url.strip():
            return url.strip(), None
    return PERFDECL_GIT, None


def _as_url(source: str) -> str:
    """A source pip and pre-commit take: a folder on this machine as its file URL, with
    `localhost` for its host (pip refuses `git+/srv/perfdecl@…`, and before 24.1 a git
    URL with no host, `git+file:///srv/perfdecl@…`; git takes both), anything else as
    given."""
    if source.startswith("file:///"):
        return "file://localhost/" + source[len("file:///"):]
    if "://" in source or source.startswith("git@") or source == PERFDECL_GIT:
        return source
    return _as_url(Path(source).expanduser().resolve().as_uri())


def _head(source: str) -> str | None:
    """The commit a local checkout is at, so that the hooks and CI install exactly it
    (its version's tag may not exist); None for a remote source or no git."""
    if not source.startswith("file://"):
        return None
    folder = Path(urllib.parse.unquote(urllib.parse.urlparse(source).path))
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--verify", "HEAD"],
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40,64}", commit) else None


@dataclass(frozen=True)
class InitResult:
    root: Path
    written: list[Path]
    year: int
    source: str


def init(folder: Path, *, year: int | None = None, source: str | None = None,
         rev: str | None = None) -> InitResult:
    """Scaffolds a declarations repository in `folder` (created if its parent exists).
    Refuses, writing nothing, when any of the files exists already."""
    year = year or current_fiscal_year()
    _check_year(year)
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise UsageError(_("folder not found: {folder} (create it first, or name another "
                           "folder)").format(folder=parent))
    if folder.exists() and not folder.is_dir():
        raise UsageError(_("{path} is a file, not a folder").format(path=folder))
    if source is None:
        source, installed_rev = perfdecl_source()
        rev = rev or installed_rev
    source = _as_url(source)
    rev = rev or _head(source)
    values = {
        "YEAR": str(year),
        "VERSION": __version__,
        "REV": rev or f"v{__version__}",
        "SOURCE": source,
    }
    templates = data_dir("templates") / "_scaffold"
    plan = [(templates / name, folder / target.replace("__YEAR__", str(year)))
            for name, target in SCAFFOLD_FILES]
    # The schemas go into the repository, so the editor settings and the modelines of
    # `perfdecl new` point into it rather than at one machine's installation.
    plan += [(schema, folder / SCHEMA_FOLDER / schema.name)
             for schema in sorted(data_dir("schema").glob("*.json"))]
    existing = [target for _, target in plan if target.exists()]
    if existing:
        names = ", ".join(str(t) for t in existing)
        raise PerfdeclError(_("not overwriting what exists already: {paths} "
                              "(move it away, or init another folder)").format(paths=names))
    for template, target in plan:
        text = template.read_text(encoding="utf-8")
        if template.parent == templates:  # a schema is copied as it is
            for key, value in values.items():
                text = text.replace(f"%%{key}%%", value)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text(target, text)
    return InitResult(folder, [t for _, t in plan], year, source)


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise UsageError(_("--year {year}: a fiscal year is a four-digit year, 2000 to 2100"
                           ).format(year=year))


# ---------------------------------------------------------------------------- schema

def properties(kind: str) -> list[tuple[str, dict[str, Any], bool]]:
    """The kind's top-level fields in the schema's order: (name, resolved schema, required)."""
    top = schema_of(kind)
    required = set(top.get("required", []))
    return [(name, resolve(sub, f"{kind}.json")[0], name in required)
            for name, sub in top["properties"].items()]


# ---------------------------------------------------------------------------- new KIND

# Fields written as comments only: left out, a default applies (the configured layout,
# the order by id), or perfdecl computes or fills them (合计, history from earlier years).
COMMENTED = {"layout", "order", "expenses.total", "expenses.total_approximate",
             "expenses.items.approximate", "funding.history"}  # and indicators' history
INDICATOR_FIELDS = ("name", "target", "standard", "note", "history")


def _comment(schema: dict[str, Any], required: bool) -> str:
    title = str(schema.get("title", ""))
    description = str(schema.get("description", ""))
    text = title
    if description.startswith(f"{title}：") or description.rstrip("。") == title:
        text = description
    elif description:
        text = f"{title}：{description}" if title else description
    if "enum" in schema and not all(str(v) in text for v in schema["enum"]):
        text += f"（可选：{' | '.join(map(str, schema['enum']))}）"
    text += "【必填】" if required else ""
    return text


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.quiet = False  # no comments: an indicator like the first one

    def comment(self, indent: int, text: str) -> None:
        if not self.quiet:
            self.lines.append(" " * indent + "# " + text)

    def field(self, indent: int, name: str, schema: dict[str, Any], document: str,
              required: bool, path: str, value: Any = None, *, dash: bool = False,
              commented: bool = False) -> None:
        """Writes `name:` (its key at column `indent`) and its placeholder; `dash` starts
        a list item (`- name:`, the dash two columns left of the key)."""
        schema, document = resolve(schema, document)
        at = indent - 2 if dash else indent
        if not commented:
            self.comment(at, _comment(schema, required))
        commented = commented or _matches(path)
        prefix = " " * at + ("# " if commented else "") + ("- " if dash else "")
        kind = schema.get("type")
        if value is not None:
            self.lines.append(f"{prefix}{name}: {value}")
            return
        self.lines.append(f"{prefix}{name}:")
        if kind == "object":
            self.mapping(indent + 2, schema, document, path, commented=commented)
        elif kind == "array":
            self.item(indent + 2, schema["items"], document, path, commented=commented)

    def mapping(self, indent: int, schema: dict[str, Any], document: str, path: str, *,
                dash: bool = False, commented: bool = False) -> None:
        required = set(schema.get("required", []))
        for i, (name, sub) in enumerate(schema.get("properties", {}).items()):
            self.field(indent, name, sub, document, name in required, f"{path}.{name}",
                       dash=dash and i == 0, commented=commented)

    def item(self, indent: int, schema: dict[str, Any], document: str, path: str, *,
             commented: bool = False) -> None:
        """One list item to fill, its dash at column `indent`."""
        schema, document = resolve(schema, document)
        if schema.get("type") == "object":
            self.mapping(indent + 2, schema, document, path, dash=True,
                         commented=commented)
        else:
            # "- " as `perfdecl fmt` writes an empty item, so a new file is canonical
            self.lines.append(f"{' ' * indent}{'# ' if commented else ''}- ")

    def indicators(self, indent: int, schema: dict[str, Any], document: str) -> None:
        """长期 and 年度, each with every level-1 and level-2 category of the framework
        and one indicator to fill under each."""
        explained = False
        for term, term_schema in schema["properties"].items():
            term_schema, tree_doc = resolve(term_schema, document)
            self.comment(indent, _comment(term_schema, False))
            self.lines.append(f"{' ' * indent}{term}:")
            for level1, children in GENERATIONS[NEW].items():
                l1_schema, l1_doc = resolve(term_schema["properties"][level1], tree_doc)
                self.comment(indent + 2, _comment(l1_schema, False))
                self.lines.append(f"{' ' * (indent + 2)}{level1}:")
                for level2 in children:
                    l2_schema, l2_doc = resolve(l1_schema["properties"][level2], l1_doc)
                    self.comment(indent + 4, _comment(l2_schema, False).rstrip("。")
                                 + "；用不上的二级指标整段删除，指标不止一项就复制一项")
                    self.lines.append(f"{' ' * (indent + 4)}{level2}:")
                    indicator, ind_doc = resolve(l2_schema["items"], l2_doc)
                    required = set(indicator.get("required", []))
                    self.quiet = explained
                    for i, name in enumerate(INDICATOR_FIELDS):
                        if self.quiet and name == "history":
                            continue
                        self.field(indent + 8, name,
                                   indicator["properties"][name], ind_doc, name in required,
                                   f"indicators.*.{name}", dash=i == 0)
                    self.quiet, explained = False, True  # the first one explains its fields


def _matches(path: str) -> bool:
    path = path.lstrip(".")
    if path in COMMENTED:
        return True
    return path.startswith("indicators.") and path.endswith(".history")


def skeleton(kind: str, unit: str, year: int, *, id_: str | None = None,
             name: str | None = None, layout: str | None = None,
             schema_ref: str = "") -> str:
    """The YAML text of a blank declaration of `kind`, every field commented in Chinese."""
    if kind not in KINDS:
        raise UsageError(_("unknown kind {kind}; kinds: {kinds}").format(
            kind=repr(kind), kinds=", ".join(KINDS)))
    top = schema_of(kind)
    writer = _Writer()
    out = writer.lines
    out.append(f"# yaml-language-server: $schema={schema_ref}")
    out.append(f"# {top['title']}（{year}年度）：perfdecl new {kind} 生成的空白申报表。")
    out.append("# 每个空着的值都要填写；表上空着的栏目，连同其注释整段删除。")
    out.append("# 填完后运行 perfdecl check：它会列出还空着的值（S003）。")
    out.append("")
    required = set(top.get("required", []))
    document = f"{kind}.json"
    known: dict[str, Any] = {"kind": kind, "id": id_, "fiscal_year": year,
                             "name": _quote(name) if name else None, "layout": layout}
    for field_name, sub in top["properties"].items():
        if field_name == "indicators":
            resolved, doc = resolve(sub, document)
            writer.comment(0, _comment(resolved, False))
            out.append("indicators:")
            writer.indicators(2, resolved, doc)
        elif field_name == "unit":
            resolved, doc = resolve(sub, document)
            writer.comment(0, _comment(resolved, True))
            out.append("unit:")
            for key, unit_schema in resolved["properties"].items():
                writer.field(2, key, unit_schema, doc, key in resolved.get("required", []),
                             f"unit.{key}", unit if key == "id" else None)
        else:
            writer.field(0, field_name, sub, document, field_name in required, field_name,
                         known.get(field_name))
        out.append("")
    text = "\n".join(out).rstrip("\n") + "\n"
    # the skeleton is written canonical already; this quotes the given name as fmt does
    from .fmt import canonical
    from .scalars import yaml

    return canonical(yaml().load(text))


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def new_declaration(kind: str, unit: str, year: int, repo: Repository, *,
                    id_: str | None = None, name: str | None = None, out: Path | None = None,
                    force: bool = False) -> Path:
    """Writes a blank declaration of `kind` and returns its path: by default
    declarations/<year>/<unit>/<id>.yaml in the repository (new-<kind>.yaml without an id),
    shown from where perfdecl was started."""
    if kind not in KINDS:
        raise UsageError(_("unknown kind {kind}; kinds: {kinds}").format(
            kind=repr(kind), kinds=", ".join(KINDS)))
    _check_year(year)
    for label, value in (("--unit", unit), ("--id", id_)):
        if value is not None and not SLUG.fullmatch(value):
            raise UsageError(_("{option} {value}: an id is lower-case letters, digits and "
                               "single hyphens, e.g. shigu-sbzx").format(option=label,
                                                                         value=repr(value)))
    config = repo.config
    if out is None:
        file_name = f"{id_ or 'new-' + kind.replace('_', '-')}.yaml"
        out = repo.root / "declarations" / str(year) / unit / file_name
        with contextlib.suppress(ValueError):  # elsewhere: the absolute path
            out = out.relative_to(repo.here)
    if out.exists() and not force:
        raise PerfdeclError(_("{file} exists already; edit it, or pass --force to replace it"
                              ).format(file=out))
    out.parent.mkdir(parents=True, exist_ok=True)
    text = skeleton(kind, unit, year, id_=id_, name=name, layout=config.layout_for(kind),
                    schema_ref=_schema_ref(out, repo.root))
    write_text(out, text)
    return out


def _schema_ref(out: Path, root: Path) -> str:
    """The modeline's schema: relative when the repository holds the schemas (`init`
    put them in schema/), else the installed schema's absolute path."""
    schema = root / SCHEMA_FOLDER / "declaration.json"
    if not schema.is_file():
        schema = data_dir("schema") / "declaration.json"
    try:
        schema.resolve().relative_to(root.resolve())
    except ValueError:
        return schema.resolve().as_posix()
    return Path(os.path.relpath(schema.resolve(), out.parent.resolve())).as_posix()
