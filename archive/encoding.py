"""Which encoding a Chinese government page's bytes are in.

Scrapy trusts the first declaration it finds; these portals often declare
gb2312 for GBK text, declare nothing, or write the meta tag malformed
(`<meta httpequiv="ContentType" … charset=gbk>`). We check each candidate
against the bytes and read every GB declaration as gb18030, its superset.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn", "csgb2312",
              "hz-gb-2312"}
_BOMS = [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be")]


def normalise(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
        return True
    except (UnicodeDecodeError, LookupError):
        return False


def decode(body: bytes, content_type: str | None = None) -> str:
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    try:
        # detect_encoding's first rule, without decoding the page twice to apply it
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode(detect_encoding(content_type, body), errors="replace")


def detect_encoding(content_type: str | None, body: bytes) -> str:
    """The encoding to read BODY with: a declaration only if the bytes agree with it."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding
    # GBK text is almost never valid UTF-8, while gb18030 decodes nearly any bytes:
    # so valid UTF-8 wins over whatever the page declares.
    if _decodes(body, "utf-8"):
        return "utf-8"
    candidates = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            candidates.append(normalise(match.group(1)))
    match = _META_CHARSET.search(body[:4096])
    if match:
        candidates.append(normalise(match.group(1).decode("ascii", "ignore")))
    for encoding in filter(None, candidates):
        if encoding != "utf-8" and _decodes(body, encoding):
            return encoding
    return "gb18030"
