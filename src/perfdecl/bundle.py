"""Bundle: what a unit hands in and what CI publishes.

- one combined document per unit and year: all its forms, in the unit's order, each on
  a new page (made by build from the forms' HTML);
- build/index.html linking every file; build/manifest.json with the sha256, size and
  source declarations of every file; one zip per year for submission.

Everything here is deterministic: sorted entries, fixed zip timestamps, no clock.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .atomic import write_bytes
from .errors import PerfdeclError
from .i18n import _

STATE = ".perfdecl"
MANIFEST = "manifest.json"
INDEX = "index.html"


@dataclass(frozen=True)
class Output:
    """What the build recorded about a file it wrote."""

    sources: list[str]
    title: str
    sha256: str = ""
    size: int = 0


def _zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        import time

        t = time.gmtime(max(int(epoch), 315532800))  # zip dates start in 1980
        return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec - t.tm_sec % 2)
    return (1980, 1, 1, 0, 0, 0)


def _files(out: Path) -> list[str]:
    found = []
    for root, dirs, names in os.walk(out):
        dirs[:] = sorted(d for d in dirs if d != STATE)
        for name in names:
            rel = (Path(root) / name).relative_to(out).as_posix()
            if rel != MANIFEST and not name.startswith(".") and not name.endswith(".part"):
                found.append(rel)
    return sorted(found)


_STORED = (".pdf", ".docx", ".zip")
"""Formats that are compressed already: stored in the zip as they are."""


def _digest(out: Path, rel: str, outputs: dict[str, Output]) -> tuple[str, int]:
    """A file's sha256 and size: as recorded when it was written, else read now."""
    known = outputs.get(rel)
    if known and known.sha256:
        return known.sha256, known.size
    data = (out / rel).read_bytes()
    return hashlib.sha256(data).hexdigest(), len(data)


def write_zips(out: Path, outputs: dict[str, Output]) -> list[str]:
    """One zip per fiscal year: build/<year>.zip holding build/<year>/…, written again
    only when the year's files changed."""
    years = sorted(p.name for p in out.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name))
    stamp = _zip_time()
    record = out / STATE / "zips.json"
    try:
        previous = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    fingerprints = {}
    written = []
    for year in years:
        files = _files(out / year)
        fingerprint = hashlib.sha256(json.dumps(
            [stamp, [(rel, _digest(out, f"{year}/{rel}", outputs)) for rel in files]]
        ).encode()).hexdigest()
        fingerprints[year] = fingerprint
        written.append(f"{year}.zip")
        if previous.get(year) == fingerprint and (out / f"{year}.zip").is_file():
            continue
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for rel in files:
                info = zipfile.ZipInfo(f"{year}/{rel}", date_time=stamp)
                stored = rel.endswith(_STORED)
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, (out / year / rel).read_bytes(),
                                 compresslevel=None if stored else 9)
        write_bytes(out / f"{year}.zip", buffer.getvalue())
    write_bytes(record, json.dumps(fingerprints, indent=1).encode("utf-8"))
    return written


def write_index(out: Path, outputs: dict[str, Output]) -> None:
    """build/index.html: every form of every unit and year, with its formats."""
    forms: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(dict)
    titles: dict[tuple[str, str, str], str] = {}
    for rel in _files(out):
        parts = rel.split("/")
        if len(parts) != 3:
            continue
        year, unit, name = parts
        stem, _dot, ext = name.rpartition(".")
        forms[(year, unit)].setdefault(stem, {})[ext] = rel
        if rel in outputs:
            titles[(year, unit, stem)] = outputs[rel].title
    lines = ['<!DOCTYPE html>', '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
             "<title>绩效目标申报表</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;}"
             "td{padding:.2em .8em;border-bottom:1px solid #ddd;}</style>", "</head>", "<body>",
             "<h1>绩效目标申报表</h1>"]
    zips = [f for f in _files(out) if f.endswith(".zip") and "/" not in f]
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


def write_manifest(out: Path, outputs: dict[str, Output]) -> None:
    """build/manifest.json: every file with its sha256, size and source declarations."""
    files = []
    for rel in _files(out):
        sha, size = _digest(out, rel, outputs)
        entry = outputs.get(rel)
        files.append({"path": rel, "sha256": sha, "size": size,
                      "sources": entry.sources if entry else []})
    doc = {"perfdecl": __version__, "files": files}
    write_bytes(out / MANIFEST, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
                .encode("utf-8"))


def merge(shards: list[Path], out: Path) -> int:
    """Joins the build folders of shards (`perfdecl build --shard i/n`) into `out`, and
    bundles them as one build would have: the same files, index, manifest and zips.
    Returns the number of files taken from the shards."""
    entries: dict[str, dict[str, object]] = {}
    taken = 0
    for shard in shards:
        record = shard / STATE / "cache.json"
        if not record.is_file():
            raise PerfdeclError(_("{shard} is not a perfdecl build folder (no {state}/cache.json)")
                                .format(shard=shard, state=STATE))
        outputs = json.loads(record.read_text(encoding="utf-8")).get("outputs", {})
        for rel, entry in outputs.items():
            if rel in entries and entries[rel] != entry:
                raise PerfdeclError(_("{path} is built differently in two shards; were they "
                                      "built from the same commit?").format(path=rel))
            source = shard / rel
            if not source.is_file():
                raise PerfdeclError(_("{path} is recorded but missing").format(path=source))
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file() or target.read_bytes() != source.read_bytes():
                write_bytes(target, source.read_bytes())
            entries[rel] = entry
            taken += 1
    state = out / STATE
    state.mkdir(parents=True, exist_ok=True)
    write_bytes(state / "cache.json", json.dumps(
        {"perfdecl": __version__, "outputs": dict(sorted(entries.items()))},
        ensure_ascii=False, indent=1).encode("utf-8"))
    write_bundles(out, {rel: Output(list(e.get("sources") or []),  # type: ignore[call-overload]
                                    str(e.get("title") or ""), str(e.get("sha256") or ""),
                                    int(e.get("size") or 0))  # type: ignore[call-overload]
                        for rel, e in entries.items()})
    return taken


def write_bundles(out: Path, outputs: dict[str, Output]) -> None:
    write_zips(out, outputs)
    write_index(out, outputs)
    write_manifest(out, outputs)
