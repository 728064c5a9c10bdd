"""Records where the pages of the example forms fall, into tests/pagemaps/.

Every example declaration is laid out as `perfdecl build` lays it out (pandoc, then
Typst, fitted on its pages as pages.py decides): in its own layout, in the national
layout, and one project in the national 2015 layout, so that every built-in layout is
seen. For each form, and each unit's combined document, the record says at what level
it is set, how many pages it takes, and which rows of its tables stand on each page. A
layout change that moves a break shows in review as a change of these files.

    .venv/bin/python scripts/pagemaps.py          # write the record anew
    .venv/bin/python scripts/pagemaps.py --check  # exit 1 if it is not current

tests/test_pages.py fails until the record is current, and compares the DOCX (through
LibreOffice) with it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from perfdecl import export, fonts, typeset, workers
from perfdecl.check import check
from perfdecl.pages import contents_entry, fit_of
from perfdecl.plan import Form, Unit, plan
from perfdecl.render import Renderer
from perfdecl.repository import Repository

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "tests" / "pagemaps"
CASES = (
    ("own", ["declarations"], None),
    ("national", ["declarations"], "national"),
    ("national-2015", ["declarations/2019/shigu-sbzx/daiban-jingfei.yaml"], "national-2015"),
)
"""(record name, paths, layout): the example declarations in every built-in layout."""


def laid_out(paths: Sequence[str], layout: str | None) -> tuple[list[Form], list[Unit],
                                                                 dict[str, str]]:
    """The forms and units of `paths` in `layout`, and each form's Typst body, laid out
    on its pages as the build lays it out."""
    repo = Repository.at(ROOT, {})
    checked = check([ROOT / p for p in paths], repo)
    invalid = checked.invalid_files()
    built = [d for d in checked.declarations if d.file not in invalid]
    forms, units, _left_out = plan(built, checked.context, Renderer(repo.config), repo, layout)
    workers.start(fonts.cjk_fonts(), [], True)
    try:
        laid = workers.lay_out([(f.title, f.html, 0) for f in forms], False, "pagemaps")
    finally:
        workers.stop()
    return forms, units, {f.stem: done.body for f, done in zip(forms, laid, strict=True)}


def page_map(name: str, paths: Sequence[str], layout: str | None) -> str:
    """The record of one case: every form, then every unit's combined document."""
    forms, units, fitted = laid_out(paths, layout)
    typesetter = typeset.Typesetter(fonts.cjk_fonts())
    lines = [f"# {name}: {', '.join(paths)} in {layout or 'their own layouts'}", ""]
    try:
        for form in forms:
            rows = typesetter.rows(fitted[form.stem], form.stem)
            lines += _pages(f"{form.stem} (level {fit_of(fitted[form.stem])})", rows)
        for unit in units:
            body = export.unit_typst(unit.title, [(contents_entry(f.title, f.html), fitted[f.stem])
                                                    for f in unit.forms])
            lines += _pages(f"{unit.stem} (combined)", typesetter.rows(body, unit.stem))
    finally:
        typesetter.close()
    return "\n".join(lines)


def _pages(heading: str, rows: list[tuple[int, str]]) -> list[str]:
    last = max((page for page, _text in rows), default=1)
    out = [f"{heading}: {last} page{'s' if last > 1 else ''}"]
    for page in range(1, last + 1):
        on = [text for p, text in rows if p == page]
        before = all(p > page for p, _text in rows)  # a unit's contents
        out.append(f"  page {page}: " + ("contents" if before else f"{len(on)} rows")
                   + (f", {on[0]} … {on[-1]}" if on else ""))
    return [*out, ""]


def main(argv: Sequence[str]) -> int:
    stale = []
    for name, paths, layout in CASES:
        file = RECORD / f"{name}.txt"
        text = page_map(name, paths, layout)
        if "--check" in argv:
            if not file.is_file() or file.read_text(encoding="utf-8") != text:
                stale.append(file)
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
    for file in stale:
        print(f"{file.relative_to(ROOT)} is not current: run scripts/pagemaps.py")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
