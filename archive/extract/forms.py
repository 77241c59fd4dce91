"""Which form a payload is in, and the parser for it.

Magic bytes decide first (portals serve PDFs as application/octet-stream and
name attachments download.jsp?id=…); the content type and the file name only
separate HTML from plain text.
"""
from __future__ import annotations

import io
import zipfile

from .document import Document, decode_mixed, looks_like_html, parse_html, parse_text
from .flattened import is_flattened, parse_flattened
from .guards import check_sheet_merges, check_zip
from .limits import Refused, check

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return "unknown"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def _ole_kind(data: bytes) -> str:
    from xlrd import compdoc

    try:
        names = {entry.name for entry in compdoc.CompDoc(data, logfile=io.StringIO()).dirlist}
    except Exception:   # compdoc raises CompDocError and struct errors on damaged files
        return "unknown"
    if names & {"Workbook", "Book"}:
        return "xls"
    if "WordDocument" in names:
        return "doc"      # Word 97–2003; WPS saves its .wps in the same container
    return "unknown"


def _check_unpacked(data: bytes, kind: str) -> None:
    """DOCX and XLSX are zip files: a few hundred KB can unpack to gigabytes (a zip bomb,
    a sheet of a million blank rows). Members are measured by inflating them, since
    the sizes they declare are what the libraries trust."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return      # the library names the damage
    with zf:
        check_zip(data, zf)
        if kind == "xlsx":
            check_sheet_merges(zf)


def sniff(data: bytes | str, filename: str | None = None,
          content_type: str | None = None) -> str:
    """'pdf' | 'docx' | 'xlsx' | 'xls' | 'doc' | 'ofd' | 'zip' | 'image' | 'markup' | 'unknown'."""
    if isinstance(data, str):
        return "markup"
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(OLE):
        return _ole_kind(data)
    if data.startswith(_IMAGES):
        return "image"
    return "markup"


def parse(data: bytes | str, *, filename: str | None = None,
          content_type: str | None = None) -> Document:
    kind = sniff(data, filename, content_type)
    try:
        return _parse(kind, data, filename, content_type)
    except Refused as refused:
        refused.kind = kind if kind != "markup" else _markup_kind(data, filename, content_type)
        raise
    except (RecursionError, MemoryError) as error:
        # nesting past Python's stack, or a library asked for more than it may have
        raise Refused("max_nesting" if isinstance(error, RecursionError) else "memory",
                      f"{kind} could not be read: {type(error).__name__}") from None


def _markup_kind(data, filename, content_type) -> str:
    head = data[:20000] if isinstance(data, str) else data[:20000].decode("utf-8", "replace")
    return "html" if looks_like_html(head, filename, content_type) else "text"


def _parse(kind: str, data, filename, content_type) -> Document:
    if kind in ("docx", "xlsx"):
        _check_unpacked(data, kind)
    if kind == "pdf":
        from .pdf import parse_pdf
        return parse_pdf(data)
    if kind == "docx":
        from .office import parse_docx
        return parse_docx(data)
    if kind == "xlsx":
        from .office import parse_xlsx
        return parse_xlsx(data)
    if kind == "xls":
        from .office import parse_xls
        return parse_xls(data)
    if kind == "image":
        return Document(blocks=[], kind="image", images=[filename or ""],
                        warnings=["an image has no text to read (OCR is not run)"])
    if kind in ("doc", "ofd", "zip", "unknown"):
        names = {"doc": "DOC/WPS (Word 97–2003 binary)", "ofd": "OFD", "zip": "a zip archive",
                 "unknown": "this binary form"}
        return Document(blocks=[], kind=kind, warnings=[
            f"{names[kind]} is not read: no pip library parses it; the document is kept "
            "in the archive but no text or figures were extracted"])
    return parse_markup(data, filename=filename, content_type=content_type)


def parse_markup(data: bytes | str, *, filename: str | None = None,
                 content_type: str | None = None) -> Document:
    """An HTML page, or page text: TAB-led cells and markdown tables, or tables flattened
    any other way (pipe rows, a cell a line)."""
    check("max_markup_bytes", len(data), "the page")
    text, mixed = decode_mixed(data, content_type)
    if looks_like_html(text, filename, content_type):
        doc = parse_html(text)
    elif is_flattened(text):
        doc = parse_flattened(text)
    else:
        doc = parse_text(text)
    check("max_text_chars", len(doc.text()), "the page's text")
    if mixed:
        doc.warnings.append(mixed)
    return doc
