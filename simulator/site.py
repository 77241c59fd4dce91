"""What every simulated site shares: the request and response records, the per-site fault
plan, and small helpers for answering with HTML in the charset a fault asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, unquote, urlsplit

UTF8_META = '<meta charset="utf-8">'
GBK_ONLY = "喆"  # in GBK, not in GB2312


@dataclass
class Request:
    method: str
    host: str  # lower case, no port
    target: str  # path and query as sent (origin form)
    headers: dict = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.target).path or "/")

    @property
    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.target).query, keep_blank_values=True).items()}

    @property
    def form(self) -> dict[str, str]:
        text = self.body.decode("utf-8", "replace")
        return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is the client's problem, not a crash
            return {}
        return {k: m.value for k, m in jar.items()}


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    delay: float = 0.0  # seconds the server waits before answering (the ``slow`` fault)


@dataclass
class SitePlan:
    """The faults planted on one site (see ``faults.py``); empty means a well-behaved site."""

    robots: str | None = None  # replaces the site's robots.txt
    soft_404: bool = False  # unknown and deleted pages answer 200 with a "not found" page
    encodings: dict = field(default_factory=dict)  # report uuid -> gbk_gb2312 | gbk_no_charset | meta_malformed
    slow: dict = field(default_factory=dict)  # path -> seconds
    bursts: dict = field(default_factory=dict)  # path -> statuses of the first requests
    inflated: dict = field(default_factory=dict)  # column id -> pages declared beyond the real ones
    cross: dict = field(default_factory=dict)  # column id -> reports of other columns listed there
    mirrors: dict = field(default_factory=dict)  # column id -> [(report, mirror host)]
    schemes: dict = field(default_factory=dict)  # column id -> its reports linked again as https://


def html_bytes(text: str, encoding_fault: str | None = None) -> tuple[bytes, str]:
    """Body bytes and Content-Type for a page written with ``UTF8_META`` in its head."""
    if encoding_fault is None:
        return text.encode("utf-8"), "text/html; charset=utf-8"
    if GBK_ONLY not in text:
        # a name outside GB2312 makes the difference between gb2312 and GBK decoding visible
        text = text.replace("</body>", f'<div class="editor">责任编辑：李{GBK_ONLY}</div>\n</body>', 1)
    if encoding_fault == "gbk_gb2312":
        # the page says gb2312 but holds characters only GBK has
        return text.replace(UTF8_META, '<meta charset="gb2312">').encode("gbk"), "text/html; charset=gb2312"
    if encoding_fault == "gbk_no_charset":
        meta = '<meta http-equiv="Content-Type" content="text/html">'
        return text.replace(UTF8_META, meta).encode("gbk"), "text/html"
    if encoding_fault == "meta_malformed":
        meta = '<meta httpequiv="ContentType" content="text/html; charset=gbk">'
        return text.replace(UTF8_META, meta).encode("gbk"), "text/html"
    raise ValueError(encoding_fault)


def html_response(text: str, status: int = 200, encoding_fault: str | None = None, headers: dict | None = None) -> Response:
    body, ctype = html_bytes(text, encoding_fault)
    out = {"Content-Type": ctype, "Content-Length": str(len(body))}
    out.update(headers or {})
    return Response(status, out, body)


def bytes_response(body: bytes, ctype: str, status: int = 200, headers: dict | None = None) -> Response:
    out = {"Content-Type": ctype, "Content-Length": str(len(body))}
    out.update(headers or {})
    return Response(status, out, body)


def text_response(text: str, ctype: str = "text/plain; charset=utf-8", status: int = 200) -> Response:
    return bytes_response(text.encode("utf-8"), ctype, status)


def redirect(location: str, status: int = 301) -> Response:
    body = f'<html><body><a href="{location}">{location}</a></body></html>'.encode("utf-8")
    return bytes_response(body, "text/html; charset=utf-8", status, {"Location": location})
