"""The simulated web on a socket: standard library only, quiet, in a background thread.

The server answers plain HTTP for every simulated host: by the Host header, or as an HTTP proxy
when the request target is absolute (``GET http://www.hukou.gov.cn/zwgk/ HTTP/1.1``).  There is
no TLS and no CONNECT.  Every request is recorded in ``PortalServer.requests``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .web import Web, as_web, split_target


@dataclass(frozen=True)
class RequestRecord:
    method: str
    host: str
    path: str  # without the query
    target: str  # path and query
    status: int
    at: float  # time.monotonic() when answered


class RequestLog:
    """A bounded, thread-safe record of what the server received (oldest dropped first)."""

    def __init__(self, size: int = 100_000):
        self._items: deque[RequestRecord] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._items.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def conditional(method: str, status: int, headers: dict, payload: bytes,
                request_headers) -> tuple[int, dict, bytes]:
    """Validators as the CMS's web server gives them: an ETag on every 200 answer to
    GET/HEAD, and 304 Not Modified to a request that already holds that version."""
    if method not in ("GET", "HEAD") or status != 200:
        return status, headers, payload
    etag = '"' + hashlib.sha1(payload).hexdigest()[:20] + '"'
    headers = {**headers, "ETag": etag}
    asked = request_headers.get("If-None-Match") or ""
    if etag in [tag.strip() for tag in asked.split(",")] or asked.strip() == "*":
        kept = {k: v for k, v in headers.items() if k.lower() not in ("content-length",
                                                                      "content-type")}
        return 304, kept, b""
    return status, headers, payload


def _handler_for(web: Web, log: RequestLog):
    class Handler(BaseHTTPRequestHandler):
        server_version = "GanzhouCMS/1.0"
        disable_nagle_algorithm = True
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def _serve(self, method: str) -> None:
            body = b""
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                body = self.rfile.read(length)
            headers = {k: v for k, v in self.headers.items()}
            host, target = split_target(self.path, self.headers.get("Host", ""))
            if method == "CONNECT":
                status, out_headers, payload, delay = 405, {"Content-Type": "text/plain", "Content-Length": "31",
                                                            "Allow": "GET, HEAD, POST"}, b"CONNECT (TLS) is not supported\n", 0.0
            else:
                # HEAD is answered as GET without the body, so both carry the same ETag.
                asked = "GET" if method == "HEAD" else method
                response = web.respond(asked, self.path, headers, body)
                status, out_headers, payload, delay = response.status, response.headers, response.body, response.delay
                status, out_headers, payload = conditional(asked, status, out_headers, payload,
                                                           self.headers)
            if delay:
                time.sleep(delay)
            log.add(RequestRecord(method, host, urlsplit(target).path or "/", target, status, time.monotonic()))
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            # the mark a fast (--simulated) crawl checks, so it never runs fast at a real host
            self.send_header("X-Gongkai-Simulated", "1")
            # head and body in one write: two small writes on a keep-alive connection meet the
            # client's delayed ACK and cost ~40 ms a request
            self._headers_buffer.append(b"\r\n")
            if payload and method != "HEAD":
                self._headers_buffer.append(payload)
            self.flush_headers()

        def do_GET(self):  # noqa: N802
            self._serve("GET")

        def do_HEAD(self):  # noqa: N802
            self._serve("HEAD")

        def do_POST(self):  # noqa: N802
            self._serve("POST")

        def do_CONNECT(self):  # noqa: N802
            self._serve("CONNECT")
            self.close_connection = True

        def log_message(self, format, *args):  # noqa: A002 - quiet: no per-request stderr lines
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):  # a client hanging up is not news
        pass


class PortalServer:
    """Serve ``portal`` (a ``Portal`` or a ``web.Web``) on ``host:port`` (port 0 = any free
    port) in a daemon thread.

    ``with PortalServer(build_portal()) as server: fetch(server.url + "hcxxxgk/")``; the same
    address works as an HTTP proxy for the other simulated hosts.
    """

    def __init__(self, portal, host: str = "127.0.0.1", port: int = 0, log_size: int = 100_000):
        self.portal = portal
        self.web = as_web(portal)
        self.host = host
        self.port = port
        self.log = RequestLog(log_size)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}/"

    @property
    def proxy_url(self) -> str:
        """The address to give a crawler as its HTTP proxy."""
        return self.url.rstrip("/")

    @property
    def requests(self) -> list[RequestRecord]:
        return self.log.snapshot()

    def start(self) -> "PortalServer":
        if self._httpd is not None:
            return self
        httpd = _QuietServer((self.host, self.port), _handler_for(self.web, self.log))
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, name="gongkai-portal", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> "PortalServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
