"""Build: declarations → their forms as HTML, DOCX and PDF, and the bundles for submission.

    check → render every form (and the derived forms) to HTML → export what changed
    → bundle (combined document per unit and year, index.html, manifest.json, zips)

A form is re-exported only when its HTML, its format's settings or perfdecl changed:
the HTML already holds everything a form depends on (the declaration, its layout, the
tables derived from the unit's other declarations). Every file is written atomically;
the same inputs give the same bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__, bundle, derive, export, fonts
from .atomic import write_bytes
from .check import CheckResult, check, read
from .config import Config, load_config
from .errors import PerfdeclError, UsageError
from .model import Declaration
from .render import Renderer

FORMATS = ("html", "docx", "pdf")
STATE = ".perfdecl"
"""The build folder's own bookkeeping: the cache of what was built from what, the lock."""


@dataclass
class BuildOptions:
    paths: Sequence[Path]
    out: Path = Path("build")
    formats: Sequence[str] = FORMATS
    jobs: int = 0
    layout: str | None = None
    font_paths: Sequence[Path] = ()
    keep_going: bool = False
    system_fonts: bool = True
    progress: Callable[[int, int], None] | None = None


@dataclass
class BuildResult:
    checked: CheckResult
    built: list[Declaration] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.checked.errors > 0


@dataclass
class Job:
    """One output file: what it is made from and how."""

    path: str  # relative to the build folder
    fmt: str
    html: str
    title: str
    epoch: int
    sources: list[str]

    def key(self, settings: str) -> str:
        digest = hashlib.sha256()
        for part in (__version__, self.fmt, settings, str(self.epoch), self.html):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()


def parse_formats(text: str) -> list[str]:
    formats = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"--to takes a comma-separated list of {', '.join(FORMATS)}; "
                         f"got {text!r}")
    return [f for f in FORMATS if f in formats]


def build(options: BuildOptions) -> BuildResult:
    """Checks, renders and exports the declarations under `options.paths`."""
    config = load_config()
    renderer = Renderer(config)
    checked = check(options.paths)
    result = BuildResult(checked)
    if checked.errors and not options.keep_going:
        return result
    invalid = checked.invalid_files()
    result.built = [d for d in checked.declarations if d.file not in invalid]
    families = (fonts.cjk_fonts(options.font_paths, system=options.system_fonts)
                if "pdf" in options.formats else [])
    if options.layout:
        for kind in sorted({d.kind for d in result.built}):
            try:
                renderer.template(kind, options.layout)
            except PerfdeclError as exc:
                raise UsageError(f"--layout: {exc}") from None
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    with _lock(out):
        jobs = list(_plan(result.built, checked.context, renderer, config, options))
        cache = _Cache(out)
        settings = {"html": "", "docx": _docx_settings(), "pdf": _pdf_settings(families,
                                                                                options)}
        todo = []
        for job in jobs:
            key = job.key(settings[job.fmt])
            if cache.fresh(job.path, key):
                result.unchanged.append(out / job.path)
            else:
                todo.append((job, key))
        done = 0

        def run(item: tuple[Job, str]) -> Path:
            job, _ = item
            write_bytes(out / job.path, _export(job, families, options))
            return out / job.path

        with ThreadPoolExecutor(max_workers=options.jobs or os.cpu_count() or 1) as pool:
            for (job, key), path in zip(todo, pool.map(run, todo), strict=True):  # in order
                cache.record(job.path, key, job.sources, job.title)
                result.written.append(path)
                done += 1
                if options.progress:
                    options.progress(done, len(todo))
        cache.prune(config.root)
        cache.save()
        bundle.write_bundles(out, cache.outputs())
    return result


def _export(job: Job, families: Sequence[str], options: BuildOptions) -> bytes:
    what = job.sources[0] if len(job.sources) == 1 else job.path
    if job.fmt == "html":
        return job.html.encode("utf-8")
    if job.fmt == "docx":
        return export.to_docx(job.html, job.epoch, what)
    body = export.to_typst(job.html, job.epoch, what)
    return export.to_pdf(body, job.title, families, options.font_paths, job.epoch, what,
                         system_fonts=options.system_fonts)


def _docx_settings() -> str:
    return hashlib.sha256(export.reference_docx().read_bytes()
                          + export.lua_filter().read_bytes()).hexdigest()


def _pdf_settings(families: Sequence[str], options: BuildOptions) -> str:
    return "|".join([*families, *map(str, options.font_paths), str(options.system_fonts),
                     export.preamble("", families), export.lua_filter().read_text()])


def epoch_of(declarations: Sequence[Declaration]) -> int:
    """The creation date written into DOCX and PDF: SOURCE_DATE_EPOCH when set, else the
    latest filing date of the forms (or 1 January of their fiscal year)."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env:
        try:
            return int(env)
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds, not {env!r}") from None
    stamps = []
    for d in declarations:
        day = d.filed_on.value if d.filed_on else f"{d.fiscal_year}-01-01"
        stamps.append(int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()))
    return max(stamps)


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _plan(built: list[Declaration], context: list[Declaration], renderer: Renderer,
          config: Config, options: BuildOptions) -> Iterator[Job]:
    units: dict[tuple[int, str], list[Declaration]] = defaultdict(list)
    for d in built:
        units[(d.fiscal_year, d.unit_id)].append(d)
    everyone: dict[tuple[int, str], list[Declaration]] = defaultdict(list)
    for d in [*built, *context]:
        everyone[(d.fiscal_year, d.unit_id)].append(d)
    earlier = Earlier([*built, *context])
    for (year, unit_id), members in sorted(units.items()):
        unit = everyone[(year, unit_id)]
        folder = f"{year}/{unit_id}"
        pages: list[str] = []
        page_sources: list[str] = []
        summary_added = False
        for d in derive.ordered(members):
            source = _relative(d.file, config.root)
            if (not summary_added and d.kind in ("special_fund", "expenditure_direction")
                    and derive.has_funds(unit)):
                summary_added = True
                html = renderer.render_fund_summary(unit, _summary_layout(unit, renderer,
                                                                          config, options))
                funds = derive.fund_summary(unit).declarations
                sources = sorted(_relative(x.file, config.root) for x in funds)
                title = f"{d.unit_name} {year}年专项资金绩效目标汇总表"
                yield from _jobs(f"{folder}/fund-summary", html, title, epoch_of(funds),
                                 sources, options.formats)
                pages.append(html)
                page_sources += sources
            html = renderer.render(d, unit, options.layout, earlier.finder(d))
            yield from _jobs(f"{folder}/{d.id}", html, d.name.value, epoch_of([d]), [source],
                             options.formats)
            pages.append(html)
            page_sources.append(source)
        combined = bundle.combine(pages)
        title = f"{members[0].unit_name} {year}年度绩效目标申报表"
        for fmt in options.formats:
            if fmt != "html":
                yield Job(f"{folder}/{unit_id}-{year}.{fmt}", fmt, combined, title,
                          epoch_of(members), sorted(set(page_sources)))


class Earlier:
    """Finds a declaration's earlier years: among those loaded, else at
    <year>/<unit>/<id>.yaml beside its own year folder (read once, only if valid)."""

    def __init__(self, loaded: Sequence[Declaration]) -> None:
        self.known: dict[tuple[int, str, str], Declaration | None] = {
            (d.fiscal_year, d.unit_id, d.id): d for d in loaded}

    def find(self, d: Declaration, year: int) -> Declaration | None:
        key = (year, d.unit_id, d.id)
        if key not in self.known:
            self.known[key] = None
            folder = Path(d.file).parent.parent
            if folder.name == str(d.fiscal_year):
                file = folder.parent / str(year) / d.unit_id / f"{d.id}.yaml"
                if file.is_file():
                    found, findings = read(file)
                    if found is not None and not any(f.severity == "error" for f in findings):
                        self.known[key] = found
        return self.known[key]

    def finder(self, d: Declaration) -> Callable[[int], Declaration | None]:
        return lambda year: self.find(d, year)


def _jobs(stem: str, html: str, title: str, epoch: int, sources: list[str],
          formats: Sequence[str]) -> Iterator[Job]:
    for fmt in formats:
        yield Job(f"{stem}.{fmt}", fmt, html, title, epoch, sources)


def _summary_layout(unit: Sequence[Declaration], renderer: Renderer, config: Config,
                    options: BuildOptions) -> str:
    """The summary takes the layout of the unit's fund forms when it has one of that
    name, else the configured one."""
    names = {x.name for x in renderer.layouts() if x.kind == "fund_summary"}
    for candidate in [options.layout, *(renderer.layout_name(d) for d in derive.ordered(unit)
                                        if d.kind in ("special_fund", "expenditure_direction"))]:
        if candidate and candidate in names:
            return candidate
    return config.layout_for("fund_summary")


class _Cache:
    """What each output file was built from: its key and its source declarations."""

    def __init__(self, out: Path) -> None:
        self.file = out / STATE / "cache.json"
        self.out = out
        try:
            loaded = json.loads(self.file.read_text(encoding="utf-8"))
            self.entries: dict[str, dict[str, Any]] = loaded.get("outputs", {})
        except (OSError, ValueError, AttributeError):
            self.entries = {}

    def fresh(self, path: str, key: str) -> bool:
        entry = self.entries.get(path)
        return bool(entry and entry.get("key") == key and (self.out / path).is_file())

    def record(self, path: str, key: str, sources: list[str], title: str) -> None:
        self.entries[path] = {"key": key, "sources": sources, "title": title}

    def prune(self, root: Path) -> None:
        """Outputs whose declarations are all gone are removed with them."""
        for path, entry in list(self.entries.items()):
            sources = entry.get("sources") or []
            if sources and not any((root / str(s)).exists() for s in sources):
                with contextlib.suppress(FileNotFoundError):
                    (self.out / path).unlink()
                del self.entries[path]

    def outputs(self) -> dict[str, bundle.Output]:
        return {p: bundle.Output(list(e.get("sources") or []), str(e.get("title") or ""))
                for p, e in self.entries.items()}

    def save(self) -> None:
        text = json.dumps({"perfdecl": __version__, "outputs": dict(sorted(self.entries.items()))},
                          ensure_ascii=False, indent=1)
        write_bytes(self.file, text.encode("utf-8"))


@contextlib.contextmanager
def _lock(out: Path) -> Iterator[None]:
    """One build at a time per build folder; a second one stops with a clear message."""
    state = out / STATE
    state.mkdir(parents=True, exist_ok=True)
    with open(state / "lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PerfdeclError(f"another perfdecl build is writing to {out}; wait for it to "
                                "finish or build into another --out folder") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

