"""Build: declarations → their forms as HTML, DOCX and PDF, and the bundles for submission.

    check → render every form (and the derived forms) to HTML → export what changed
    → bundle (combined document per unit and year, index.html, manifest.json, zips)

A build that finds its inputs as the last one left them (_Inputs) stops at once; changed
declarations are checked and rendered again with their units only. A form is exported
again only when its HTML, its format's settings or perfdecl changed: the HTML already
holds everything a form depends on (the declaration, its layout, the tables derived from
the unit's other declarations, earlier years' values). Every file is written
atomically; the same inputs give the same bytes.

The build folder holds perfdecl's files only (buildfolder.py): the cache records each
output before it is written, and only what it records is ever removed, listed or packed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import (
    __version__,
    buildfolder,
    bundle,
    export,
    fonts,
    rules,
    typeset,
    waivers,
    workers,
    workspace,
)
from .atomic import write_bytes
from .buildcache import BuildCache
from .buildfolder import STATE
from .check import CheckResult, check, discover
from .errors import Finding, PerfdeclError, UsageError
from .i18n import _
from .model import Declaration
from .plan import Form, Unit, plan, relative
from .render import Renderer
from .repository import Repository

FORMATS = buildfolder.FORMATS


@dataclass
class BuildOptions:
    paths: Sequence[Path]
    out: Path = Path("build")
    formats: Sequence[str] = FORMATS
    jobs: int = 0
    layout: str | None = None
    font_paths: Sequence[Path] = ()
    keep_going: bool = False
    strict: bool = False  # warnings fail the build, as with `check --strict`
    system_fonts: bool = True
    shard: tuple[int, int] | None = None  # (i, n): build the i-th of n disjoint parts
    progress: Callable[[int, int], None] | None = None


@dataclass
class BuildResult:
    checked: CheckResult
    built: list[Declaration] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    declarations: int = 0  # all the declarations the build covers, rebuilt or not
    warnings: int = 0  # all their warnings, the reused ones included
    up_to_date: bool = False  # nothing had changed: nothing was read or written
    left_out: list[Finding] = field(default_factory=list)
    """L001: declared values the forms' layouts do not print (also in `checked`)."""
    ignored: list[str] = field(default_factory=list)
    """What the build folder held that perfdecl did not trust and left alone: entries of
    its state that are not its outputs, recorded files that are no longer the ones it
    wrote (a link, a folder)."""
    strict: bool = False

    @property
    def failed(self) -> bool:
        return self.checked.errors > 0 or (self.strict and self.warnings > 0)


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def parse_shard(text: str) -> tuple[int, int]:
    """`2/3` → (2, 3): the second of three parts."""
    i, _slash, n = text.partition("/")
    if not (i.isdigit() and n.isdigit() and 1 <= int(i) <= int(n)):
        raise UsageError(_("--shard takes I/N with 1 ≤ I ≤ N, such as 1/4; got {text}")
                         .format(text=repr(text)))
    return int(i), int(n)


def in_shard(declarations: Sequence[Declaration],
             shard: tuple[int, int] | None) -> list[Declaration]:
    """The declarations of the units that fall to shard i of n. Whole units go together
    (a unit's combined document and derived forms need all its forms); units are dealt
    round-robin in (year, unit) order, so every runner gets the same split."""
    if shard is None:
        return list(declarations)
    i, n = shard
    units = sorted({(d.fiscal_year, d.unit_id) for d in declarations})
    mine = {u for k, u in enumerate(units) if k % n == i - 1}
    return [d for d in declarations if (d.fiscal_year, d.unit_id) in mine]


def parse_formats(text: str) -> list[str]:
    formats = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(_("--to takes a comma-separated list of {formats}; got {text}")
                         .format(formats=", ".join(FORMATS), text=repr(text)))
    return [f for f in FORMATS if f in formats]


def build(options: BuildOptions, repo: Repository) -> BuildResult:
    """Checks, renders and exports the declarations under `options.paths`.

    What the last successful build was made from is recorded (_Inputs): when nothing has
    changed the build stops at once; when some declarations have changed, only their
    units are checked and rendered again.
    """
    repo.epoch  # noqa: B018  the forms' date: a wrong one is said before anything is written
    renderer = Renderer(repo.config)
    out = options.out
    with contextlib.ExitStack() as stack:
        try:
            buildfolder.claim(out, repo.root, options.paths)
            stack.enter_context(buildfolder.lock(out))
        except OSError as exc:
            raise PerfdeclError(buildfolder.write_error(out, exc)) from None
        return _build(options, repo, renderer)


def _build(options: BuildOptions, repo: Repository, renderer: Renderer) -> BuildResult:
    out, root = options.out, repo.root
    files, problems = discover(options.paths, root)
    record = _Inputs(out)
    settings = _Inputs.settings(repo, renderer, options)
    stats = _Inputs.stats(files, root)
    # a folder that cannot be read hides what changed in it: the whole check says so
    changed = record.changed(settings, stats) if options.shard is None and not problems \
        else None
    cache = BuildCache(out)
    if cache.damaged or cache.lost:  # outputs of units not rebuilt now would be missing
        changed = None
    if changed is not None and not changed:
        return BuildResult(CheckResult(files), declarations=len(files),
                           warnings=record.warnings(), up_to_date=True, strict=options.strict)
    scope = _affected(changed, root, options.paths) if changed is not None else None
    checked = check(scope if scope is not None else options.paths, repo)
    if scope is not None and record.duplicates(checked, root):
        scope, checked = None, check(options.paths, repo)  # an id taken twice: judge it all
    result = BuildResult(checked, declarations=len(files), strict=options.strict,
                         ignored=[*record.unread, *cache.ignored])
    if checked.errors and not options.keep_going:
        return result
    invalid = checked.invalid_files()
    result.built = in_shard([d for d in checked.declarations if d.file not in invalid],
                            options.shard)
    # every format is fitted on its pages by the PDF's layout (pages.py): all need the fonts
    families, font_paths = fonts.with_platform_folders(options.font_paths,
                                                       system=options.system_fonts)
    options = dataclasses.replace(options, font_paths=font_paths)  # (a user's own fonts)
    if options.layout:
        for kind in sorted({d.kind for d in result.built}):
            try:
                renderer.template(kind, options.layout)
            except PerfdeclError as exc:
                raise UsageError(_("--layout: {error}").format(error=exc)) from None
    try:
        buildfolder.remove_parts(out, cache.own())
        forms, units, left_out = plan(result.built, checked.context, renderer, repo,
                                      options.layout)
        result.left_out = _waived(left_out, checked, repo)
        rendered = {d.file for d in result.built}  # what a template read is the last word
        checked.findings = sorted([*(f for f in checked.findings
                                     if f.code != "L001" or f.file not in rendered),
                                   *result.left_out], key=Finding.sort_key)
        buildfolder.check_folders(out, (f.stem.rpartition("/")[0] for f in forms))
        complete = scope is None and options.shard is None
        exported = _Export(out, options, families, result, cache).run(forms, units, repo,
                                                                       complete)
        if not checked.errors and exported:  # else the next build is not "up to date"
            record.save(settings, stats, checked, root, partial=scope is not None)
    except OSError as exc:
        raise PerfdeclError(buildfolder.write_error(out, exc)) from None
    result.warnings = record.warnings()
    return result


def _waived(left_out: list[Finding], checked: CheckResult, repo: Repository
            ) -> list[Finding]:
    """What the forms leave out (L001, said by rendering), less what the repository
    waives, as `check` waives it (waivers.py); the waived ones join the suppressed."""
    config = repo.config  # (build reads it before: one that cannot be read stops it)
    inline = waivers.inline_of({d.file: d.document.text for d in checked.declarations})
    kept = waivers.split(left_out, config, inline, set(), rules.FIXED)
    checked.suppressed = sorted([*checked.suppressed, *kept.suppressed],
                                key=Finding.sort_key)
    return kept.findings


def _affected(changed: set[str], root: Path, paths: Sequence[Path]) -> list[Path]:
    """The unit folders to check and render again for these changed files: their own,
    and the same unit's later two years (whose history columns read them); only those
    under the paths built, whatever the record of the last build names. Each is named
    from the path given (declarations/2024/u), as a whole build names its files."""
    given = [(folder, folder.resolve()) for folder in
             (p if p.is_dir() else p.parent for p in paths)]
    folders: set[Path] = set()
    for rel in changed:
        folder = (root / rel).parent
        folders.add(folder)
        year = folder.parent.name
        if year.isdigit():
            for later in (1, 2):
                folders.add(folder.parent.parent / str(int(year) + later) / folder.name)
    out: list[Path] = []
    for folder in sorted(f for f in folders if f.is_dir() and any(f.glob("*.y*ml"))):
        real = folder.resolve()
        shown = next((named / real.relative_to(base) for named, base in given
                      if real.is_relative_to(base)), None)
        if shown is not None:
            out.append(shown)
    return out


class _Inputs:
    """What the last successful build was made from: each declaration file's size and
    modification time, its id and its numbers of findings, and a fingerprint of all else
    it depended on (perfdecl, the layouts, the configuration, the options)."""

    def __init__(self, out: Path) -> None:
        self.file = out / STATE / "inputs.json"
        problems: list[str] = []
        data = buildfolder.read_json(self.file, problems)
        self.data: dict[str, Any] = data if self._sound(data) else {}
        self.unread = [_("{problem}; everything is built again").format(problem=p)
                       for p in problems]

    @staticmethod
    def _sound(data: object) -> bool:
        """Whether the record has the shape save() gives it: else it is not trusted,
        and everything is built again."""
        if not isinstance(data, dict) or not isinstance(data.get("settings"), str):
            return False

        def table(name: str, kinds: tuple[type, type]) -> bool:
            rows = data.get(name)
            return isinstance(rows, dict) and all(
                isinstance(k, str) and isinstance(v, list) and len(v) == 2
                and all(type(x) is kind for x, kind in zip(v, kinds, strict=True))
                for k, v in rows.items())

        return table("files", (int, int)) and table("findings", (int, int)) \
            and table("ids", (int, str))

    @staticmethod
    def settings(repo: Repository, renderer: Renderer, options: BuildOptions) -> str:
        config = repo.config
        parts = [__version__, repr(sorted(options.formats)), str(options.layout),
                 repr([str(p) for p in options.font_paths]), str(options.system_fonts),
                 str(config.source and config.text), str(repo.epoch),
                 str(export.lua_filter().read_text(encoding="utf-8"))]
        for folder in renderer.folders:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    info = path.stat()
                    parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
        return _digest(*parts)

    @staticmethod
    def stats(files: Sequence[Path], root: Path) -> dict[str, list[int]]:
        out = {}
        for file in files:
            info = file.stat()
            out[relative(file, root)] = [info.st_size, info.st_mtime_ns]
        return out

    def changed(self, settings: str, stats: dict[str, list[int]]) -> set[str] | None:
        """The files that changed since the last build; None if anything else did."""
        if self.data.get("settings") != settings:
            return None
        before: dict[str, list[int]] = self.data.get("files", {})
        return {f for f in before.keys() | stats.keys() if before.get(f) != stats.get(f)}

    def duplicates(self, checked: CheckResult, root: Path) -> bool:
        """Whether a declaration checked now takes the id of one not checked again (in
        the same year): the rule that ids are unique must then see them all."""
        fresh = {relative(d.file, root): [d.fiscal_year, d.id] for d in checked.declarations}
        kept = {f: tuple(v) for f, v in self.data.get("ids", {}).items() if f not in fresh}
        return any(tuple(v) in kept.values() for v in fresh.values())

    def warnings(self) -> int:
        return sum(counts[1] for counts in self.data.get("findings", {}).values())

    def save(self, settings: str, stats: dict[str, list[int]], checked: CheckResult,
             root: Path, *, partial: bool) -> None:
        findings: dict[str, list[int]] = dict(self.data.get("findings", {})) if partial else {}
        ids: dict[str, list[Any]] = dict(self.data.get("ids", {})) if partial else {}
        for file in checked.files:
            findings[relative(file, root)] = [0, 0]
        for f in checked.findings:
            counts = findings.setdefault(relative(f.file, root), [0, 0])
            counts[0 if f.severity == "error" else 1] += 1
        for d in checked.declarations:
            ids[relative(d.file, root)] = [d.fiscal_year, d.id]
        keep = set(stats)
        self.data = {"perfdecl": __version__, "settings": settings, "files": stats,
                     "findings": {k: v for k, v in sorted(findings.items()) if k in keep},
                     "ids": {k: v for k, v in sorted(ids.items()) if k in keep}}
        write_bytes(self.file, json.dumps(self.data, ensure_ascii=False, indent=1)
                    .encode("utf-8"))


class _Export:
    """Exports the planned forms and combined documents that are not up to date.

    A form's output is up to date when its key — perfdecl's version, the format's
    settings, the form's date and HTML — is the one recorded when it was written; a
    combined document's key is made of its title and its forms' keys. The work goes to worker
    processes (workers.py), one unit at a time.
    """

    def __init__(self, out: Path, options: BuildOptions, families: Sequence[str],
                 result: BuildResult, cache: BuildCache) -> None:
        self.out, self.options, self.result = out, options, result
        self.families = list(families)
        self.cache = cache
        self.bodies = out / STATE / "typst"
        self.temp = out / STATE / "tmp"
        # every format is set at the level the PDF's layout fits a form at (pages.py),
        # so the fonts and the Typst settings are part of every format's key
        pdf = _pdf_settings(families, options)
        self.settings = {"html": pdf, "docx": _docx_settings() + pdf, "pdf": pdf}

    def key(self, fmt: str, form: Form) -> str:
        return _digest(__version__, fmt, self.settings[fmt], str(form.epoch), form.html)

    def unit_key(self, fmt: str, unit: Unit) -> str:
        return _digest(__version__, fmt, self.settings[fmt], str(unit.epoch), unit.title,
                       *(self.key(fmt, f) for f in unit.forms))

    def body_file(self, form: Form) -> Path:
        """Where a form's fitted Typst body is kept, by what it is made from."""
        return self.bodies / f"{_digest(form.html, self.settings['pdf'])[:40]}.typ"

    def task(self, unit: Unit) -> workers.UnitTask | None:
        """The work a unit needs, or None when all its outputs are up to date."""
        formats = self.options.formats
        forms = []
        for form in unit.forms:
            keys = {fmt: self.key(fmt, form) for fmt in formats}
            stale = [fmt for fmt in formats if not self.cache.fresh(f"{form.stem}.{fmt}",
                                                                     keys[fmt])]
            self.result.unchanged += [self.out / f"{form.stem}.{fmt}" for fmt in formats
                                      if fmt not in stale]
            forms.append(workers.FormTask(form.stem, form.html, form.title, form.epoch,
                                          form.sources, stale, str(self.body_file(form)), keys))
        keys = {fmt: self.unit_key(fmt, unit) for fmt in ("docx", "pdf") if fmt in formats}
        stale = [fmt for fmt in keys if not self.cache.fresh(f"{unit.stem}.{fmt}", keys[fmt])]
        self.result.unchanged += [self.out / f"{unit.stem}.{fmt}" for fmt in keys
                                  if fmt not in stale]
        if not stale and not any(f.stale for f in forms):
            return None
        return workers.UnitTask(str(self.out), forms, unit.stem, unit.title, unit.epoch, stale,
                                keys, unit.sources)

    def run(self, forms: list[Form], units: list[Unit], repo: Repository,
            complete: bool) -> bool:
        """Exports what is stale; `complete` says the plan holds every form of the build
        folder, so that Typst bodies no form uses any more can go. Returns whether the
        bundles hold every output (else some were not as written, and are to be written
        again)."""
        self.bodies.mkdir(parents=True, exist_ok=True)
        tasks = [t for t in map(self.task, units) if t is not None]
        if tasks:  # recorded before written: a build killed now leaves only its own files
            self.cache.expect(tasks)
            self.cache.save()
        setup = (self.families, [str(p) for p in self.options.font_paths],
                 self.options.system_fonts, str(self.temp))
        jobs = min(self.options.jobs or os.cpu_count() or 1, len(tasks))
        try:
            if jobs <= 1:  # one process is enough: no workers to start
                workers.start(*setup)
                try:
                    for done, task in enumerate(tasks, start=1):
                        self.record(workers.export_unit(task), done, len(tasks))
                finally:
                    workers.stop()
            else:
                with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=workers.start, initargs=setup) as pool:
                    pending = [pool.submit(workers.export_unit, t) for t in tasks]
                    for done, future in enumerate(as_completed(pending), start=1):
                        self.record(future.result(), done, len(tasks))
        finally:
            self.cache.save()  # what was written so far is kept, whatever stopped the rest
            workspace.sweep(self.temp)  # the workers' temporary files
        self.cache.prune(repo.root, complete)
        if complete:
            keep = {self.body_file(f).stem for f in forms}  # a body and its cut HTML
            for file in self.bodies.iterdir():
                if file.name.split(".")[0] not in keep:
                    file.unlink(missing_ok=True)
        self.cache.save()
        left_out = bundle.write_bundles(self.out, self.cache.outputs(), repo.epoch)
        if left_out:  # not as written: the next build writes them again
            for path in left_out:
                self.cache.entries[path].update(key="", sha256="", size=0)
            self.cache.save()
        self.result.ignored += left_out.values()
        return not left_out

    def record(self, written: list[workers.Written], done: int, total: int) -> None:
        for w in written:
            self.cache.entries[w.path] = {"key": w.key, "sources": w.sources, "title": w.title,
                                          "sha256": w.sha256, "size": w.size}
            self.result.written.append(self.out / w.path)
        if self.options.progress:
            self.options.progress(done, total)


def _docx_settings() -> str:
    return hashlib.sha256(export.reference_data() + export.lua_filter().read_bytes()).hexdigest()


def _pdf_settings(families: Sequence[str], options: BuildOptions) -> str:
    return "|".join([*families, *map(str, options.font_paths), str(options.system_fonts),
                     typeset.preamble("", families), export.lua_filter().read_text()])
