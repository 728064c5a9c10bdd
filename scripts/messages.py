"""The message catalog: `python scripts/messages.py` after changing any message.

Extracts every message from perfdecl's code (`_()`, `N_()`, `ngettext()`) and from
typer's (the words of `--help`) into locale/perfdecl.pot, merges
them into the Chinese catalog locale/zh_CN/LC_MESSAGES/perfdecl.po (a new message comes
in untranslated, a removed one goes) and compiles perfdecl.mo from it. Then translate
what is new in the .po and run it again.

`--check` changes nothing and exits 1 when the catalog is not up to date: a message
without its translation, a translation whose placeholders differ from the English, or
a .mo that does not hold the .po's messages. The test suite runs the same check.
"""

from __future__ import annotations

import argparse
import datetime
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from perfdecl import __version__

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "perfdecl"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "perfdecl.pot"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "perfdecl.po"
MO = PO.with_suffix(".mo")

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)s")


def _sources() -> Iterator[tuple[Path, str]]:
    """perfdecl's own code, then typer's, whose help panels (Options, Commands, Error …)
    are perfdecl's help too. (Its usage line and usage errors are translated in
    perfdecl/usage.py: typer writes those in English, outside gettext.)"""
    yield PACKAGE, "perfdecl"
    import typer

    assert typer.__file__ is not None
    yield Path(typer.__file__).parent, "typer"


HEADER = """\
# Chinese (简体中文) messages of perfdecl: its own and those of typer that its command
# line prints. Made by scripts/messages.py; translate the empty msgstr entries."""


def _catalog(**kw: object) -> Catalog:
    # A fixed date keeps the files from changing when no message did.
    epoch = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return Catalog(project="perfdecl", version=__version__, msgid_bugs_address="",
                   domain="perfdecl", charset="utf-8", fuzzy=False,
                   header_comment=HEADER, creation_date=epoch, revision_date=epoch,
                   last_translator="perfdecl", language_team="perfdecl", **kw)


def extract() -> Catalog:
    """Every message in the code, with the files it comes from."""
    template = _catalog()
    for folder, label in _sources():
        found = extract_from_dir(folder, method_map=[("**.py", "python")],
                                 keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
                                 strip_comment_tags=True)
        for filename, _lineno, message, comments, context in found:
            template.add(message, None, [(f"{label}/{filename}", 0)],
                         auto_comments=comments, context=context)
    return template


def own_messages() -> set[str]:
    """The msgids of perfdecl's own code (each must be translated)."""
    found = extract_from_dir(PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {m if isinstance(m, str) else m[0] for _f, _l, m, _c, _x in found}


def read_catalog() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN", domain="perfdecl")


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True,
             include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def compiled_messages(mo: bytes) -> tuple[str, dict[object, object]]:
    """What a compiled catalog says: its plural rule and every translation. Not the rest
    of its header, which names the Babel that compiled it, so that catalogs compiled by
    two releases of Babel compare equal when they hold the same messages."""
    catalog = read_mo(io.BytesIO(mo))
    def frozen(text: object) -> object:  # a plural's forms come as a list
        return tuple(text) if isinstance(text, list | tuple) else text

    return catalog.plural_forms, {(m.context, frozen(m.id)): frozen(m.string)
                                  for m in catalog if m.id}


def is_compiled(catalog: Catalog) -> bool:
    """Whether the .mo holds the messages of `catalog`, the .po read."""
    return MO.exists() and compiled_messages(MO.read_bytes()) == compiled_messages(
        mo_bytes(catalog))


def problems(catalog: Catalog) -> list[str]:
    """What keeps the catalog from being complete: each as one line."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            found.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                found.append(f"placeholders differ: {ids[0]!r} → {text!r}")
    for missing in sorted(own_messages() - {m.id if isinstance(m.id, str) else m.id[0]
                                            for m in catalog if m.id}):
        found.append(f"not in the catalog: {missing!r}")
    return found


def update() -> Catalog:
    """Merges the code's messages into the .po and writes it and the .mo."""
    template = extract()
    LOCALE.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(_po_bytes(template))
    if PO.exists():
        catalog = read_catalog()
    else:
        PO.parent.mkdir(parents=True, exist_ok=True)
        catalog = _catalog(locale="zh_CN")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    PO.write_bytes(_po_bytes(catalog))
    MO.write_bytes(mo_bytes(read_catalog()))
    return catalog


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when the catalog is not up to date")
    args = parser.parse_args()
    if args.check:
        catalog = read_catalog()
        found = problems(catalog)
        if not is_compiled(catalog):
            found.append(f"{MO.relative_to(REPO)} is not {PO.name} compiled")
    else:
        found = problems(update())
    for line in found:
        print(line)
    print(f"{PO.relative_to(REPO)}: {len(found)} problems" if found
          else f"{PO.relative_to(REPO)}: complete")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
