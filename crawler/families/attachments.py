"""Attachment links of a report page, whatever the CMS family.

A report is often only a notice with its real content in a linked file (PDF,
Word, spreadsheet, scanned pages). Families store uploads in recognisable
places: Ganzhou `…/<article>/files/<hex>.pdf`, TRS `./P020240115….pdf`, gkmlpt
`/attachment/…`, Hanweb `/module/download/downfile.jsp?filename=…`. Some pages
write the links with `document.write` in a script; those strings are read with
a regular expression, never executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from posixpath import splitext
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from parsel import Selector

from gongkai.crawler.families.common import clean

DOCUMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar", "7z"})
IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "tif", "tiff", "bmp"})
# Where CMSs keep uploaded files. Images count only from these places: elsewhere
# they are logos and icons, here they are scanned report pages.
UPLOAD_PLACE = re.compile(r"/files/|/P0\d{8,}[^/]*$|/attachment/|downfile\.jsp|download\.jsp", re.I)
# Download endpoints serve files whatever their URL says (download.jsp?id=123).
DOWNLOAD_ENDPOINT = re.compile(r"downfile\.jsp|download\.jsp|/attachment/", re.I)
_WRITTEN = re.compile(r"document\.write(?:ln)?\s*\(", re.I)
_JS_ESCAPE = re.compile(r"\\(['\"/\\])")


@dataclass(frozen=True)
class Attachment:
    url: str
    name: str


def extension(url: str) -> str:
    """The file extension the URL names, in its path or in a query value (filename=x.pdf)."""
    parts = urlsplit(url)
    ext = splitext(unquote(parts.path))[1].lstrip(".").lower()
    if ext in DOCUMENT_EXTENSIONS | IMAGE_EXTENSIONS:
        return ext
    for _, value in parse_qsl(parts.query):
        ext = splitext(value)[1].lstrip(".").lower()
        if ext in DOCUMENT_EXTENSIONS | IMAGE_EXTENSIONS:
            return ext
    return ""


def file_name(url: str) -> str:
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if key.lower() in ("filename", "file", "name") and value:
            return value
    return unquote(parts.path.rsplit("/", 1)[-1])


def _is_document(url: str, appendix: bool) -> bool:
    ext = extension(url)
    return (ext in DOCUMENT_EXTENSIONS or appendix or bool(DOWNLOAD_ENDPOINT.search(url))
            or (bool(ext) and bool(UPLOAD_PLACE.search(url))))


def _text(node) -> str:
    return clean(" ".join(node.css("::text").getall()))


def _from_markup(selector: Selector, page_url: str) -> list[Attachment]:
    found = []
    for anchor in selector.css("a[href]"):
        href = anchor.attrib["href"].strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        url = urljoin(page_url, href)
        if _is_document(url, anchor.attrib.get("appendix", "").lower() == "true"):
            name = (_text(anchor) or clean(anchor.attrib.get("title"))
                    or clean(anchor.attrib.get("download")))
            found.append(Attachment(url, name))
    for image in selector.css("img[src]"):
        url = urljoin(page_url, image.attrib["src"].strip())
        if extension(url) in IMAGE_EXTENSIONS and UPLOAD_PLACE.search(url):
            name = clean(image.attrib.get("alt")) or clean(image.attrib.get("title"))
            found.append(Attachment(url, name))
    return found


def _written_markup(script: str) -> str:
    """The HTML a script would write: its string literals, with JS escapes undone."""
    return _JS_ESCAPE.sub(r"\1", script)


def find_attachments(html: str, page_url: str) -> list[Attachment]:
    """Every attachment the page links, in page order, once each, with its link text."""
    selector = Selector(text=html)
    found = _from_markup(selector, page_url)
    for script in selector.css("script::text").getall():
        if _WRITTEN.search(script):
            found += _from_markup(Selector(text=_written_markup(script)), page_url)
    by_url: dict[str, Attachment] = {}
    for attachment in found:
        known = by_url.get(attachment.url)
        if known is None or (not known.name and attachment.name):
            by_url[attachment.url] = attachment
    return [Attachment(a.url, a.name or file_name(a.url)) for a in by_url.values()]
