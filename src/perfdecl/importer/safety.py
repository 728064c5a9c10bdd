"""What a file must be before python-docx or openpyxl may open it.

Both libraries unzip and parse XML, and both would read whatever the file says: a zip
whose parts unpack to gigabytes, XML that declares entities which expand a billion
times or fetch another file. A DOCX or XLSX from Word, WPS or Excel never declares a
DTD, so a file is refused when:

- it is not a zip (a .doc, .xls, PDF or anything else: said so by name);
- its zip directory promises more than the bounds below, in entries, in any part, or
  in total (zipfile never unpacks more than the directory promises, so checking the
  directory bounds the reading);
- any XML part holds `<!DOCTYPE` or `<!ENTITY` (checked on the unpacked text, in any of
  the encodings XML allows);
- two of its parts have one name (word/document.xml twice: which one a program shows is
  not known);
- a part is damaged (bad CRC, truncated);
- it has more table rows than any form (counted in the XML before it is parsed).
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import PerfdeclError
from ..i18n import _

MAX_FILE_BYTES = 64 * 1024 * 1024
"""A filled form is tens of kilobytes; scanned pictures in it may make it megabytes."""
MAX_ENTRIES = 2_000
MAX_PART_BYTES = 32 * 1024 * 1024
"""Any one part unpacked; a form's document.xml is under a megabyte."""
MAX_TOTAL_BYTES = 160 * 1024 * 1024
"""All parts unpacked together (python-docx holds them all in memory)."""
MAX_ROWS = 20_000
"""Table rows in one file: a form has about 60, seed 000's file of nine forms 600."""
MAX_CELLS = 400_000
"""Cells in one workbook."""
CHUNK = 1024 * 1024


class ImportRefused(PerfdeclError):
    """A file perfdecl import will not read: not a form, damaged, or hostile."""


@dataclass(frozen=True)
class Container:
    path: Path
    kind: str  # "docx" or "xlsx"


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def inspect(path: Path) -> Container:
    """Checks `path` and says whether it is a DOCX or an XLSX; raises ImportRefused
    with a message for a person otherwise."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except IsADirectoryError:
        raise ImportRefused(_("{path}: is a folder, not a file").format(path=path)) from None
    except OSError as exc:
        raise ImportRefused(_("{path}: cannot read the file: {error}").format(
            path=path, error=exc.strerror or exc)) from None
    if size == 0:
        raise ImportRefused(_("{path}: the file is empty").format(path=path))
    if size > MAX_FILE_BYTES:
        raise ImportRefused(_("{path}: the file is {size} MB; a form is at most {limit} MB")
                            .format(path=path, size=f"{size / 1024 / 1024:.0f}",
                                    limit=MAX_FILE_BYTES // 1024 // 1024))
    if head.startswith(_OLE):
        raise ImportRefused(_(
            "{path}: an old Word or Excel file (.doc, .xls; or a password-protected "
            "document): open it in Word, WPS or Excel and save it as .docx or .xlsx")
            .format(path=path))
    if head.startswith(b"%PDF"):
        raise ImportRefused(_("{path}: a PDF; perfdecl import reads Word (.docx) and Excel "
                              "(.xlsx) files").format(path=path))
    if head.startswith(b"{\\rtf"):
        raise ImportRefused(_("{path}: an RTF file: open it in Word and save it as .docx")
                            .format(path=path))
    if not head.startswith(b"PK"):
        raise ImportRefused(_("{path}: not a Word (.docx) or Excel (.xlsx) file")
                            .format(path=path))
    try:
        with zipfile.ZipFile(path) as archive:
            kind = _check_archive(path, archive)
    except zipfile.BadZipFile as exc:
        raise ImportRefused(_("{path}: a damaged zip file ({error}); open and save it again "
                              "in Word or Excel").format(path=path, error=exc)) from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise ImportRefused(_("{path}: cannot unpack the file: {error}")
                            .format(path=path, error=exc)) from None
    return Container(path, kind)


def _check_archive(path: Path, archive: zipfile.ZipFile) -> str:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ImportRefused(_("{path}: the file has {parts} parts; a document has "
                              "a few dozen (at most {limit} are read)").format(
            path=path, parts=f"{len(entries):,}", limit=f"{MAX_ENTRIES:,}"))
    total = 0
    for entry in entries:
        if entry.file_size > MAX_PART_BYTES:
            raise ImportRefused(_(
                "{path}: part {part} unpacks to {size} MB (at most {limit} MB): refused as a "
                "zip bomb").format(path=path, part=entry.filename,
                                   size=f"{entry.file_size / 1024 / 1024:,.0f}",
                                   limit=MAX_PART_BYTES // 1024 // 1024))
        total += entry.file_size
        if total > MAX_TOTAL_BYTES:
            raise ImportRefused(_(
                "{path}: the parts unpack to more than {limit} MB: refused as a zip bomb")
                .format(path=path, limit=MAX_TOTAL_BYTES // 1024 // 1024))
        if entry.flag_bits & 0x1:
            raise ImportRefused(_("{path}: the file is encrypted: save it without a password")
                                .format(path=path))
    seen: dict[str, str] = {}
    for entry in entries:
        # part names are compared without regard to case (ECMA-376 part 2, 9.1.1):
        # which of two parts of one name Word or Excel shows is not known
        key = entry.filename.lstrip("/").lower()
        if key in seen:
            raise ImportRefused(_(
                "{path}: the file holds two parts named {part}: which one Word or Excel "
                "shows is not known: refused").format(path=path, part=entry.filename))
        seen[key] = entry.filename
    names = set(seen.values())
    if "[Content_Types].xml" not in names:
        raise ImportRefused(_("{path}: a zip file, but not a Word (.docx) or Excel (.xlsx) "
                              "document (it has no [Content_Types].xml)").format(path=path))
    rows = cells = 0
    for entry in entries:
        if not _is_xml(entry.filename):
            continue
        text = _read_xml(path, archive, entry)
        if _DTD.search(text):
            raise ImportRefused(_(
                "{path}: part {part} declares a DTD or entities (<!DOCTYPE, "
                "<!ENTITY); Word and Excel never write them, and they can expand without "
                "bound or read other files: refused").format(path=path, part=entry.filename))
        if entry.filename.startswith(("word/", "xl/worksheets/")):
            rows += len(_ROW.findall(text))
            if entry.filename.startswith("xl/"):
                cells += len(_CELL.findall(text))
        if rows > MAX_ROWS:
            raise ImportRefused(_("{path}: more than {limit} table rows; a form has "
                                  "about 60: is this a data export rather than a form?")
                                .format(path=path, limit=f"{MAX_ROWS:,}"))
        if cells > MAX_CELLS:
            raise ImportRefused(_("{path}: more than {limit} cells; a form has a few "
                                  "hundred: is this a data export rather than a form?")
                                .format(path=path, limit=f"{MAX_CELLS:,}"))
    types = _read_xml(path, archive, archive.getinfo("[Content_Types].xml"))
    if "wordprocessingml.document.main+xml" in types:
        return "docx"
    if "spreadsheetml.sheet.main+xml" in types:
        return "xlsx"
    if "ms-word.document.macroEnabled" in types or "ms-excel.sheet.macroEnabled" in types:
        raise ImportRefused(_("{path}: a document with macros (.docm, .xlsm): save it as "
                              ".docx or .xlsx").format(path=path))
    if "presentationml" in types:
        raise ImportRefused(_("{path}: a PowerPoint file; perfdecl import reads Word (.docx) "
                              "and Excel (.xlsx) files").format(path=path))
    raise ImportRefused(_("{path}: an Office Open XML file, but neither a Word (.docx) nor "
                          "an Excel (.xlsx) document").format(path=path))


_ROW = re.compile(r"<(?:\w+:)?(?:tr|row)[\s>/]")
_CELL = re.compile(r"<(?:\w+:)?c[\s>/]")


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml")) or name == "[Content_Types].xml"


def _read_xml(path: Path, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> str:
    """The text of an XML part, read in bounded chunks and decoded as XML allows."""
    chunks: list[bytes] = []
    read = 0
    with archive.open(entry) as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > MAX_PART_BYTES:  # (zipfile stops at the declared size; belt and braces)
                raise ImportRefused(_("{path}: part {part} is larger than its "
                                      "directory says: refused as a zip bomb")
                                    .format(path=path, part=entry.filename))
            chunks.append(chunk)
    return _decode(b"".join(chunks))


def _decode(raw: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                          (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(encoding, errors="replace")
    if raw.startswith(b"\x00\x00\x00<"):
        return raw.decode("utf-32-be", errors="replace")
    if raw.startswith(b"<\x00\x00\x00"):
        return raw.decode("utf-32-le", errors="replace")
    if raw.startswith(b"\x00<"):
        return raw.decode("utf-16-be", errors="replace")
    if raw.startswith(b"<\x00"):
        return raw.decode("utf-16-le", errors="replace")
    # UTF-8, or an ASCII-compatible encoding named in the declaration: `<!DOCTYPE` is
    # ASCII in all of them.
    return raw.decode("utf-8", errors="replace")
