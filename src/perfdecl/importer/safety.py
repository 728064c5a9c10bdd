"""What a file must be before python-docx or openpyxl may open it.

Both libraries unzip and parse XML, and both would read whatever the file says: a zip
whose parts unpack to gigabytes, XML that declares entities which expand a billion
times or fetch another file. A DOCX or XLSX from Word, WPS or Excel never declares a
DTD, so a file is refused when:

- it is not a zip (a .doc, .xls, PDF or anything else: said so by name);
- its zip directory promises more than the bounds below, in entries, in any part, or
  in total (zipfile never unpacks more than the directory promises, so checking the
  directory bounds the reading);
- any XML part (by its name or by its first bytes) is in another encoding than UTF-8 or
  UTF-16, or declares another than it is written in (in UTF-7, `<!DOCTYPE` is
  `+ADwAIQ-DOCTYPE`: the check below would not see it, and the parser would);
- any XML part holds `<!DOCTYPE` or `<!ENTITY` (checked on the unpacked text);
- two of its parts have one name (word/document.xml twice: which one a program shows is
  not known);
- a part is damaged (bad CRC, truncated);
- it has more table rows than any form (counted in the XML before it is parsed).
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import PerfdeclError
from ..files import NotAFile, TooBig, read_file, reason
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
    data: bytes
    """The file's bytes, as checked."""

    def open(self) -> io.BytesIO:
        return io.BytesIO(self.data)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def inspect(path: Path) -> Container:
    """Reads `path` (a regular file, at most MAX_FILE_BYTES) and says whether it is a
    DOCX or an XLSX; raises ImportRefused with a message for a person otherwise. The
    readers are given the bytes checked here, never the path again: what they parse is
    what was checked."""
    try:
        data = read_file(path, limit=MAX_FILE_BYTES)
    except TooBig as exc:
        raise ImportRefused(_("{path}: the file is {size} MB; a form is at most {limit} MB")
                            .format(path=path, size=f"{exc.size / 1024 / 1024:.0f}",
                                    limit=MAX_FILE_BYTES // 1024 // 1024)) from None
    except NotAFile as exc:
        raise ImportRefused(_("{path}: {reason}").format(path=path, reason=reason(exc))) \
            from None
    except OSError as exc:
        raise ImportRefused(_("{path}: cannot read the file: {error}").format(
            path=path, error=reason(exc))) from None
    head = data[:8]
    if not data:
        raise ImportRefused(_("{path}: the file is empty").format(path=path))
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
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            kind = _check_archive(path, archive)
    except zipfile.BadZipFile as exc:
        raise ImportRefused(_("{path}: a damaged zip file ({error}); open and save it again "
                              "in Word or Excel").format(path=path, error=exc)) from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise ImportRefused(_("{path}: cannot unpack the file: {error}")
                            .format(path=path, error=exc)) from None
    return Container(path, kind, data)


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
        if not _is_checked(archive, entry):
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


def _is_checked(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether a part is checked as XML: by its name, or by its first bytes, since
    python-docx and openpyxl parse a part by its content type, whatever its name."""
    if _is_xml(entry.filename):
        return True
    with archive.open(entry) as f:
        head = f.read(64)
    return _looks_like_xml(head)


def _looks_like_xml(head: bytes) -> bool:
    """Whether these first bytes of a part begin XML, in the encoding their byte-order
    mark or their first characters show (XML 1.0, appendix F): `<` after spaces."""
    codec, _label, skip = _encoding_of(head)
    if codec is None:  # UCS-4 in an unusual byte order: only ever XML
        return True
    text = head[skip:].decode(codec, errors="ignore")
    return text.lstrip(" \t\r\n").startswith("<")


_SIGNATURES: tuple[tuple[bytes, str | None, str, int], ...] = (
    # XML 1.0, appendix F: first bytes, Python's codec, the encoding's name, BOM length
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32", 4),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32", 4),
    (codecs.BOM_UTF8, "utf-8", "UTF-8", 3),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16", 2),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16", 2),
    (b"\x00\x00\x00<", "utf-32-be", "UTF-32", 0), (b"<\x00\x00\x00", "utf-32-le", "UTF-32", 0),
    (b"\x00\x00<\x00", None, "UCS-4", 0), (b"\x00<\x00\x00", None, "UCS-4", 0),
    (b"\x00<", "utf-16-be", "UTF-16", 0), (b"<\x00", "utf-16-le", "UTF-16", 0),
    (b"\x4c\x6f\xa7\x94", "cp037", "EBCDIC", 0),
)
_DECLARATION = re.compile(r"\A\s*<\?xml(?P<body>.*?)\?>", re.DOTALL)
_ENCODING = re.compile(r"""encoding\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""",
                       re.IGNORECASE)
_ALLOWED = {"utf-8": {"utf-8"}, "utf-16-le": {"utf-16", "utf-16le"},
            "utf-16-be": {"utf-16", "utf-16be"}}
"""The codecs a part may be in, and the names it may declare in each: Word, WPS and
Excel write UTF-8 or UTF-16 and declare it so."""
_NAMES = set().union(*_ALLOWED.values())


def _encoding_of(raw: bytes) -> tuple[str | None, str, int]:
    """The encoding the first bytes of an XML part show (Python's codec and its name)
    and the length of its byte-order mark; UTF-8 when they show none."""
    for signature, codec, label, skip in _SIGNATURES:
        if raw.startswith(signature):
            return codec, label, skip
    return "utf-8", "UTF-8", 0


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
    return _decode(path, entry.filename, b"".join(chunks))


def _decode(path: Path, part: str, raw: bytes) -> str:
    """The text of an XML part in UTF-8 or UTF-16; any other encoding, shown by its
    first bytes or named in its declaration (UTF-7, UTF-32, EBCDIC, GBK…), or a
    declaration that names another encoding than its bytes are in, is refused before
    anything parses it: in another encoding, `<!DOCTYPE` need not be these bytes, and
    the DTD check would be passed by (`+ADwAIQ-DOCTYPE` is `<!DOCTYPE` in UTF-7)."""
    codec, label, skip = _encoding_of(raw)
    if codec not in _ALLOWED:
        raise _other_encoding(path, part, label)
    text = raw[skip:].decode(codec, errors="replace")
    if "\x00" in text:  # no XML holds U+0000: these bytes are in some other encoding
        raise ImportRefused(_(
            "{path}: part {part} holds NUL characters: it is in neither UTF-8 nor UTF-16 "
            "as Word and Excel write them, and in another encoding a DTD could pass unseen: "
            "refused").format(path=path, part=part))
    declaration = _DECLARATION.match(text)
    if declaration is None:
        return text
    body = declaration.group("body")
    named = [m.group("dq") if m.group("dq") is not None else m.group("sq")
             for m in _ENCODING.finditer(body)]
    if len(named) != body.lower().count("encoding"):  # written some way not read here
        raise ImportRefused(_(
            "{path}: part {part}: cannot tell which encoding its XML declaration names "
            "({declaration}): refused").format(path=path, part=part,
                                              declaration=declaration.group(0).strip()))
    for name in named:
        if name.lower() not in _ALLOWED[codec]:
            raise _other_encoding(path, part, name, label)
    return text


def _other_encoding(path: Path, part: str, encoding: str,
                    written: str | None = None) -> ImportRefused:
    if written is not None and encoding.lower() in _NAMES:
        return ImportRefused(_(
            "{path}: part {part} declares the encoding {encoding} but is written in "
            "{written}; Word and Excel write UTF-8 or UTF-16 and say so: refused").format(
            path=path, part=part, encoding=repr(encoding), written=written))
    return ImportRefused(_(
        "{path}: part {part} is in the encoding {encoding}, not UTF-8 or UTF-16; Word and "
        "Excel write only those, and in another encoding a DTD could pass unseen: "
        "refused").format(path=path, part=part, encoding=repr(encoding)))
