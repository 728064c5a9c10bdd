"""The straightforward pipeline perfdecl is measured against: for each declaration,
render its HTML, call pandoc once for DOCX and once for Typst, and compile the PDF with
a fresh `typst.compile` — what a script written in an afternoon would do. It writes the
same three files per declaration as `perfdecl build` (not the bundles), with the same
reference document, filter and fonts.

    python benchmarks/baseline.py DECLARATIONS OUT
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import pypandoc
import typst

from perfdecl import export, fonts, typeset
from perfdecl.check import check
from perfdecl.render import Renderer
from perfdecl.repository import Repository


def main(source: Path, out: Path) -> None:
    repo = Repository.at(Path.cwd())
    checked = check([source], repo)
    invalid = checked.invalid_files()
    declarations = [d for d in checked.declarations if d.file not in invalid]
    units = defaultdict(list)
    for d in declarations:
        units[(d.fiscal_year, d.unit_id)].append(d)
    renderer = Renderer(repo.config)
    families = fonts.cjk_fonts()
    with tempfile.TemporaryDirectory() as temp:
        reference = Path(temp) / "reference.docx"
        reference.write_bytes(export.reference_data())
        options = ["--reference-doc", str(reference), "--lua-filter", str(export.lua_filter())]
        for d in declarations:
            folder = out / str(d.fiscal_year) / d.unit_id
            folder.mkdir(parents=True, exist_ok=True)
            html = renderer.render_form(d, units[(d.fiscal_year, d.unit_id)]).html
            (folder / f"{d.id}.html").write_text(html, encoding="utf-8")
            pypandoc.convert_text(html, "docx", format="html", extra_args=options,
                                  outputfile=str(folder / f"{d.id}.docx"))
            body = pypandoc.convert_text(html, "typst", format="html", extra_args=options[2:])
            text = typeset.preamble(d.name.value, families) + body
            (folder / f"{d.id}.pdf").write_bytes(typst.compile(text.encode("utf-8")))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
