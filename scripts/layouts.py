"""Records what each built-in layout prints, into templates/layouts.json.

Every declaration of declarations/ and tests/seeds/ is rendered in every built-in
layout of its kind, the template's reads watched (printed.Reads). A field (a value's
shape: list positions and indicator categories left out) that a layout read in some
form, or asked for where a declaration left it blank, is one it prints, with the label
the form gives it (the longest of the importer's wordings found in a cell); a field the
declarations hold that the layout never read is one it leaves out. `check` says L001
from this record for the fields a layout leaves out; `build` says it from what each
template read.

    .venv/bin/python scripts/layouts.py          # write the record anew
    .venv/bin/python scripts/layouts.py --check  # exit 1 if it is not current

Run it after changing a built-in layout; tests/test_layouts.py fails until then.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from perfdecl.check import check
from perfdecl.config import Config
from perfdecl.domain import FUND_SUMMARY
from perfdecl.importer.labels import norm
from perfdecl.importer.specs import FIELDS, INDICATOR_HEADERS, SCHEDULE_HEADERS
from perfdecl.plan import Earlier
from perfdecl.render import Renderer
from perfdecl.repository import Repository
from perfdecl.unprinted import field_of, printable_values

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "templates" / "layouts.json"
INPUTS = (ROOT / "declarations", ROOT / "tests" / "seeds")


def _cells(page: str) -> set[str]:
    """The texts of a form's cells and lines, as labels are compared."""
    text = re.sub(r"<(td|th|p|div|h\d|br)\b[^>]*>", "\n", page)
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", text))
    return {norm(line) for line in text.split("\n") if line.strip()}


def _wordings(kind: str) -> dict[str, tuple[str, ...]]:
    """Each field's labels as the forms word them: the fields' own, and the columns of
    the indicator and schedule tables."""
    out: dict[str, tuple[str, ...]] = {}
    for f in FIELDS.get(kind, ()):
        out[f.path] = (*out.get(f.path, ()), *f.labels)
    for columns, field in ((INDICATOR_HEADERS, "indicators.{term}.*.*.*.{leaf}"),
                           (SCHEDULE_HEADERS, "schedule.*.{leaf}")):
        for label, leaf in columns.items():
            if leaf == "history":
                leaf = "history.*.value"
            for term in ("annual", "long_term"):
                key = field.format(term=term, leaf=leaf)
                out[key] = (*out.get(key, ()), label)
    return out


def record() -> dict[str, Any]:
    checked = check(list(INPUTS), Repository.at(ROOT))
    declarations = [*checked.declarations, *checked.context]
    units: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for d in declarations:
        units[(d.fiscal_year, d.unit_id)].append(d)
    earlier = Earlier(declarations)
    with tempfile.TemporaryDirectory() as empty:  # the built-in layouts only
        renderer = Renderer(Config(Path(empty)))
        layouts = [x for x in renderer.layouts() if x.builtin and x.kind != FUND_SUMMARY]
        out: dict[str, Any] = {}
        for layout in sorted(layouts, key=lambda x: (x.kind, x.name)):
            seen: set[str] = set()
            printed: set[str] = set()
            labels: dict[str, str] = {}
            wordings = _wordings(layout.kind)
            for d in sorted((d for d in declarations if d.kind == layout.kind),
                            key=lambda d: str(d.file)):
                form = renderer.render_form(d, units[(d.fiscal_year, d.unit_id)],
                                            layout.name, earlier.finder(d))
                left_out = set(form.unprinted)
                cells = _cells(form.html)
                for path in printable_values(d.data):
                    seen.add(field_of(path))
                for path in [*form.asked, *(p for p in printable_values(d.data)
                                            if p not in left_out)]:
                    # (asked: a cell or box printed blank, printed all the same)
                    field = field_of(path)
                    printed.add(field)
                    found = [w for w in wordings.get(field, ()) if norm(w) in cells]
                    if found and field not in labels:  # the most particular: 专项金额, not 金额
                        labels[field] = max(found, key=len)
            out.setdefault(layout.kind, {})[layout.name] = {
                "title": layout.title,
                "prints": {field: labels.get(field, "") for field in sorted(printed)},
                "leaves_out": sorted(seen - printed),
            }
    return out


def main(argv: list[str]) -> int:
    text = json.dumps(record(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if "--check" in argv:
        current = RECORD.is_file() and RECORD.read_text(encoding="utf-8") == text
        if not current:
            print(f"{RECORD.relative_to(ROOT)} is not current: run scripts/layouts.py")
        return 0 if current else 1
    RECORD.write_text(text, encoding="utf-8")
    print(f"wrote {RECORD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
