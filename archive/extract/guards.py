"""Measuring a container before a library opens it: zip members and PDF streams are
inflated here in bounded steps, counting, so a bomb is refused before anything holds it.

zipfile hands a library a member whole in one zlib call (up to 2 GiB for a member that
declares a few KB), and pdfminer inflates each PDF stream whole: neither can be bounded
from outside once started, so the sizes are measured here first.
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib

from .limits import LIMITS, Refused, check

_STEP = 1 << 20


def inflated_size(packed: bytes, cap: int, wbits: int = zlib.MAX_WBITS) -> int:
    """Bytes `packed` inflates to, counted in steps; stops once past `cap`."""
    inflate = zlib.decompressobj(wbits)
    total, rest = 0, packed
    while rest:
        total += len(inflate.decompress(rest, _STEP))
        if total > cap or inflate.eof:
            break
        rest = inflate.unconsumed_tail
    return total


# ---------------------------------------------------------------- zip (DOCX, XLSX)

def _member_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's stored (compressed) bytes, located by its local header."""
    at = info.header_offset
    if data[at:at + 4] != b"PK\x03\x04":
        raise Refused("max_inflated_bytes", f"zip member {info.filename} has no local header: "
                                            "the document was not read")
    name_len, extra_len = struct.unpack("<HH", data[at + 26:at + 30])
    start = at + 30 + name_len + extra_len
    return data[start:start + info.compress_size]


def check_zip(data: bytes, zf: zipfile.ZipFile) -> None:
    """Refuse a zip whose members inflate past the bounds or past their declared sizes
    (the sizes a library trusts)."""
    total = 0
    for info in zf.infolist():
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused("max_inflated_bytes", f"zip member {info.filename} uses compression "
                                                f"method {info.compress_type}: not read")
        xml = info.filename.endswith((".xml", ".rels"))
        bound = "max_xml_part_bytes" if xml else "max_inflated_bytes"
        check(bound, info.file_size, f"zip member {info.filename} (as declared)")
        packed = _member_bytes(data, info)
        size = len(packed) if info.compress_type == zipfile.ZIP_STORED else \
            inflated_size(packed, info.file_size + 1, -zlib.MAX_WBITS)
        if size > info.file_size and info.compress_type == zipfile.ZIP_DEFLATED:
            raise Refused("max_inflated_bytes", f"zip member {info.filename} declares "
                          f"{info.file_size:,} bytes but inflates to more ({size:,}+): "
                          "a zip bomb; the document was not read")
        total += size
        check("max_inflated_bytes", total, "the zip's members inflated")


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_sheet_merges(zf: zipfile.ZipFile) -> None:
    """Merged ranges of an XLSX, before openpyxl lays a cell at every edge of each."""
    for name in zf.namelist():
        if not name.startswith("xl/worksheets/"):
            continue
        area = 0
        for m in _MERGE.finditer(zf.read(name)):      # sizes were checked: bounded
            rows = abs(int(m.group(4)) - int(m.group(2))) + 1
            cols = abs(_column(m.group(3)) - _column(m.group(1))) + 1
            check("max_span", max(rows, cols), f"a merged range in {name} spans")
            area += rows * cols
        check("max_sheet_cells", area, f"the merged ranges of {name} cover")


# ---------------------------------------------------------------- PDF

_STREAM = re.compile(rb"stream\r?\n")
_BARE_REF = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*(\d+)\s+(\d+)\s+R\s*endobj")


def check_pdf_streams(data: bytes) -> None:
    """Every flate stream of the file inflated once, in steps: one past max_stream_bytes,
    or all together past max_inflated_bytes, refuses the PDF."""
    total = 0
    for m in _STREAM.finditer(data):
        start = m.end()
        end = data.find(b"endstream", start)
        packed = data[start:end if end >= 0 else len(data)]
        if b"/LZW" in data[max(0, m.start() - 400):m.start()]:
            size = _lzw_size(packed, LIMITS.max_stream_bytes)
        elif start >= len(data) or data[start] & 0x8f != 0x08:     # no zlib header
            continue
        else:
            try:
                size = inflated_size(packed, LIMITS.max_stream_bytes)
            except zlib.error:
                continue        # damaged: pdfminer reports it in its turn
        check("max_stream_bytes", size, f"a PDF stream at byte {start:,} inflated")
        total += size
        check("max_inflated_bytes", total, "the PDF's streams inflated")


def _lzw_size(packed: bytes, cap: int) -> int:
    """Bytes an LZW stream decodes to, counted chunk by chunk up to `cap` (pdfminer's
    decoder yields chunks; its lzwdecode joins them all)."""
    from io import BytesIO

    from pdfminer.lzw import LZWDecoder

    total = 0
    try:
        for chunk in LZWDecoder(BytesIO(packed)).run():
            total += len(chunk)
            if total > cap:
                break
    except Exception:       # damaged LZW: pdfminer reports it in its turn
        pass
    return total


def check_pdf_references(data: bytes) -> None:
    """Objects that are only a reference to another (7 0 obj 8 0 R endobj) and come back
    round: pdfminer follows such a chain for ever."""
    points_to = {int(m.group(1)): int(m.group(3)) for m in _BARE_REF.finditer(data)}
    ends: set[int] = set()      # objects whose chain was followed to an end
    for start in points_to:
        seen, at = set(), start
        while at in points_to and at not in ends:
            if at in seen:
                raise Refused("max_nesting", f"PDF object {at} leads back to itself through "
                                             "references (a ring a reader follows for ever): "
                                             "the document was not read")
            seen.add(at)
            at = points_to[at]
        ends |= seen
