"""Bundle: what a unit hands in and what CI publishes.

- one combined document per unit and year: all its forms, in the unit's order, each on
  a new page (made by build from the forms' HTML);
- build/index.html linking every file; build/manifest.json with the sha256, size and
  source declarations of every file; one zip per year for submission.

They list and pack the outputs the build recorded writing, each still the regular file
it wrote, never whatever else lies in the folder (buildfolder.py). Everything here is
deterministic: sorted entries, fixed zip timestamps, no clock.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, buildfolder
from .atomic import write_bytes
from .buildfolder import CACHE, INDEX, MANIFEST, STATE, ZIPS
from .domain import zip_time
from .errors import PerfdeclError
from .i18n import _
from .repository import Repository


@dataclass(frozen=True)
class Output:
    """What the build recorded about a file it wrote."""

    sources: list[str]
    title: str
    sha256: str = ""
    size: int = 0


def names(years: Iterable[str]) -> list[str]:
    """The bundles' files in the build folder, for these years."""
    return [INDEX, MANIFEST, *(f"{year}.zip" for year in sorted(years))]


_STORED = (".pdf", ".docx", ".zip")
"""Formats that are compressed already: stored in the zip as they are."""


def _not_as_written(out: Path, rel: str) -> str:
    return _("{path} is not the file perfdecl wrote there (a link, a folder, removed or "
             "changed since); left out of the index, manifest and zips").format(path=out / rel)


def write_zips(out: Path, outputs: dict[str, Output],
               epoch: int | None) -> tuple[list[str], dict[str, str]]:
    """One zip per fiscal year: build/<year>.zip holding the year's outputs, written
    again only when they changed; the zips of years without outputs any more go. Their
    entries are dated `epoch` (SOURCE_DATE_EPOCH), else the earliest a zip can carry.
    Returns the zips, and the outputs left out because their bytes are not the ones
    recorded (with the reason)."""
    stamp = zip_time(epoch or 0)
    before = buildfolder.recorded_zips(out)
    by_year: dict[str, list[str]] = defaultdict(list)
    for rel in sorted(outputs):
        by_year[rel.partition("/")[0]].append(rel)
    fingerprints = {}
    left_out: dict[str, str] = {}
    for year, files in sorted(by_year.items()):
        fingerprint = hashlib.sha256(json.dumps(
            [stamp, [(rel.partition("/")[2], (outputs[rel].sha256, outputs[rel].size))
                     for rel in files]]).encode()).hexdigest()
        target = out / f"{year}.zip"
        if before.get(year) == fingerprint and buildfolder.regular(target):
            fingerprints[year] = fingerprint
            continue
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for rel in files:
                data = _read(out, rel, outputs[rel])
                if data is None:
                    left_out[rel] = _not_as_written(out, rel)
                    continue
                info = zipfile.ZipInfo(rel, date_time=stamp)
                stored = rel.endswith(_STORED)
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data, compresslevel=None if stored else 9)
        write_bytes(target, buffer.getvalue())
        if not any(rel in left_out for rel in files):  # else packed again next time
            fingerprints[year] = fingerprint
    for year in sorted(set(before) - set(by_year)):
        gone = out / f"{year}.zip"
        if buildfolder.regular(gone) or gone.is_symlink():
            gone.unlink()
    write_bytes(out / STATE / ZIPS, json.dumps(fingerprints, indent=1).encode("utf-8"))
    return [f"{year}.zip" for year in sorted(by_year)], left_out


def _read(out: Path, rel: str, output: Output) -> bytes | None:
    """An output's bytes, when it is still the regular file recorded."""
    where = buildfolder.inside(out, rel)
    try:
        data = buildfolder.read_regular(where) if where else None
    except OSError:
        return None
    return data if data is not None and hashlib.sha256(data).hexdigest() == output.sha256 \
        else None


def write_index(out: Path, outputs: dict[str, Output], zips: Sequence[str]) -> None:
    """build/index.html: every form of every unit and year, with its formats."""
    forms: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(dict)
    titles: dict[tuple[str, str, str], str] = {}
    for rel in sorted(outputs):
        year, unit, name = rel.split("/")
        stem, _dot, ext = name.rpartition(".")
        forms[(year, unit)].setdefault(stem, {})[ext] = rel
        titles[(year, unit, stem)] = outputs[rel].title
    lines = ['<!DOCTYPE html>', '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
             "<title>绩效目标申报表</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;}"
             "td{padding:.2em .8em;border-bottom:1px solid #ddd;}</style>", "</head>", "<body>",
             "<h1>绩效目标申报表</h1>"]
    if zips:
        lines.append("<p>" + " ".join(f'<a href="{html.escape(z)}">{html.escape(z)}</a>'
                                      for z in zips) + "</p>")
    for (year, unit), stems in sorted(forms.items()):
        lines.append(f"<h2>{html.escape(year)} · {html.escape(unit)}</h2>")
        lines.append("<table>")
        for stem, exts in sorted(stems.items()):
            title = titles.get((year, unit, stem), "")
            links = " ".join(f'<a href="{html.escape(exts[e])}">{e}</a>' for e in sorted(exts))
            lines.append(f"<tr><td>{html.escape(stem)}</td><td>{html.escape(title)}</td>"
                         f"<td>{links}</td></tr>")
        lines.append("</table>")
    lines += ["</body>", "</html>", ""]
    write_bytes(out / INDEX, "\n".join(lines).encode("utf-8"))


def write_manifest(out: Path, outputs: dict[str, Output], zips: Sequence[str]) -> None:
    """build/manifest.json: every file with its sha256, size and source declarations:
    the outputs as recorded, the zips and the index as written now."""
    files = []
    for rel in sorted([*outputs, *zips, INDEX]):
        entry = outputs.get(rel)
        if entry is not None:
            sha, size, sources = entry.sha256, entry.size, entry.sources
        else:
            data = buildfolder.read_regular(out / rel)
            sha, size, sources = hashlib.sha256(data).hexdigest(), len(data), []
        files.append({"path": rel, "sha256": sha, "size": size, "sources": sources})
    doc = {"perfdecl": __version__, "files": files}
    write_bytes(out / MANIFEST, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
                .encode("utf-8"))


def write_bundles(out: Path, outputs: dict[str, Output], epoch: int | None) -> dict[str, str]:
    """The zips, the index and the manifest of the recorded outputs that are still the
    regular files written; returns those left out, each with a sentence saying so."""
    sound: dict[str, Output] = {}
    left_out: dict[str, str] = {}
    for rel, output in sorted(outputs.items()):
        where = buildfolder.inside(out, rel)
        info = buildfolder.regular(where) if where else None
        if info is None or info.st_size != output.size:
            left_out[rel] = _not_as_written(out, rel)
        else:
            sound[rel] = output
    zips, changed = write_zips(out, sound, epoch)
    left_out.update(changed)
    sound = {rel: output for rel, output in sound.items() if rel not in changed}
    write_index(out, sound, zips)
    write_manifest(out, sound, zips)
    return dict(sorted(left_out.items()))


def merge(shards: list[Path], out: Path, repo: Repository) -> tuple[int, list[str]]:
    """Joins the build folders of shards (`perfdecl build --shard i/n`) into `out`, and
    bundles them as one build would have: the same files, index, manifest and zips.
    Every entry a shard records is checked (an output's path, inside the shard, the
    bytes recorded) before anything is written; outputs of an earlier merge into `out`
    that no shard holds now are removed. Returns the number of files taken from the
    shards and what the bundles left out."""
    epoch = repo.epoch  # the zips' date: a wrong one is said before anything is written
    try:
        buildfolder.claim(out, repo.root, [])
        with buildfolder.lock(out):
            return _merge(shards, out, epoch)
    except OSError as exc:
        raise PerfdeclError(buildfolder.write_error(out, exc)) from None


def _merge(shards: list[Path], out: Path, epoch: int | None) -> tuple[int, list[str]]:
    entries: dict[str, dict[str, Any]] = {}
    sources: dict[str, Path] = {}
    for shard in shards:
        if not buildfolder.regular(shard / STATE / CACHE):
            raise PerfdeclError(_("{shard} is not a perfdecl build folder (no {state}/cache.json)")
                                .format(shard=shard, state=STATE))
        found = buildfolder.recorded(shard)
        if found.unread:
            raise PerfdeclError(_("{problem}; the shard is refused").format(
                problem=found.unread))
        if found.ignored:
            raise PerfdeclError(_("{problem}; the shard is refused").format(
                problem=found.ignored[0]))
        for rel, entry in found.entries.items():
            if rel in entries and entries[rel] != entry:
                raise PerfdeclError(_("{path} is built differently in two shards; were they "
                                      "built from the same commit?").format(path=rel))
            source = buildfolder.inside(shard, rel)
            info = buildfolder.regular(source) if source else None
            if source is None or info is None or not entry["sha256"] \
                    or info.st_size != entry["size"]:
                raise _not_recorded(shard / rel)
            if buildfolder.inside(out, rel) is None:
                raise PerfdeclError(_("{path} passes a symbolic link or a file in {out}; "
                                      "remove it and merge again").format(path=rel, out=out))
            entries[rel], sources[rel] = entry, source
    for rel in buildfolder.recorded(out).entries.keys() - entries.keys():  # an earlier merge's
        gone = buildfolder.inside(out, rel)
        if gone is not None and (buildfolder.regular(gone) or gone.is_symlink()):
            gone.unlink()
    written = {rel: {**e, "sha256": "", "size": 0} for rel, e in entries.items()}
    buildfolder.save_outputs(out, written)  # recorded before written, as by a build
    for rel, source in sorted(sources.items()):
        data = buildfolder.read_regular(source)
        if hashlib.sha256(data).hexdigest() != entries[rel]["sha256"]:
            raise _not_recorded(source)
        target = out / rel
        if not (buildfolder.regular(target) and buildfolder.read_regular(target) == data):
            write_bytes(target, data)
        written[rel] = entries[rel]
    buildfolder.save_outputs(out, written)
    left_out = write_bundles(out, {rel: Output(list(e["sources"]), e["title"], e["sha256"],
                                               e["size"]) for rel, e in entries.items()},
                             epoch)
    return len(entries), list(left_out.values())


def _not_recorded(path: Path) -> PerfdeclError:
    return PerfdeclError(_("{path} is not the file its build recorded (missing, a link, "
                           "changed, or its build stopped while writing it); build the shard "
                           "again").format(path=path))

