"""Which encoding a Chinese government page's bytes are in.

Scrapy trusts the first declaration it finds; these portals often declare
gb2312 for GBK text, declare nothing, or write the meta tag malformed
(`<meta httpequiv="ContentType" … charset=gbk>`). We check each candidate
against the bytes and read every GB declaration as gb18030, its superset.
Finding the declarations (BOM, Content-Type header, <meta>) and naming them is
w3lib's work (w3lib.encoding, installed with Scrapy); the rule that the bytes
must agree with a declaration is ours.
"""

from __future__ import annotations

from w3lib.encoding import (html_body_declared_encoding, http_content_type_encoding, read_bom,
                            resolve_encoding)


def normalise(label: str | None) -> str | None:
    """A charset label as a Python codec name; every GB label is gb18030 (w3lib's table)."""
    if not label:
        return None
    return resolve_encoding(label.strip())


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
        return True
    except (UnicodeDecodeError, LookupError):
        return False


def decode(body: bytes, content_type: str | None = None) -> str:
    bom, mark = read_bom(body)
    if bom:
        return body[len(mark):].decode(bom, errors="replace")
    try:
        # detect_encoding's first rule, without decoding the page twice to apply it
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode(detect_encoding(content_type, body), errors="replace")


def detect_encoding(content_type: str | None, body: bytes) -> str:
    """The encoding to read BODY with: a declaration only if the bytes agree with it."""
    bom, _ = read_bom(body)
    if bom:
        return bom
    # GBK text is almost never valid UTF-8, while gb18030 decodes nearly any bytes:
    # so valid UTF-8 wins over whatever the page declares.
    if _decodes(body, "utf-8"):
        return "utf-8"
    candidates = [http_content_type_encoding(content_type),
                  html_body_declared_encoding(body[:4096])]
    for encoding in filter(None, candidates):
        if encoding != "utf-8" and _decodes(body, encoding):
            return encoding
    return "gb18030"
