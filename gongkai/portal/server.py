"""The simulated portal on a socket: standard library only, quiet, in a background thread."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .model import Portal
from .render import respond


def _handler_for(portal: Portal):
    class Handler(BaseHTTPRequestHandler):
        server_version = "GanzhouCMS/1.0"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def _serve(self, method: str) -> None:
            status, headers, body = respond(portal, method, self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_GET(self):  # noqa: N802
            self._serve("GET")

        def do_HEAD(self):  # noqa: N802
            self._serve("HEAD")

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self._serve("POST")

        def log_message(self, format, *args):  # noqa: A002 - quiet: no per-request stderr lines
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client hanging up is not news
        pass


class PortalServer:
    """Serve ``portal`` on ``host:port`` (port 0 = any free port) in a daemon thread.

    ``with PortalServer(build_portal()) as server: fetch(server.url + "hcxxxgk/")``
    """

    def __init__(self, portal: Portal, host: str = "127.0.0.1", port: int = 0):
        self.portal = portal
        self.host = host
        self.port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}/"

    def start(self) -> "PortalServer":
        if self._httpd is not None:
            return self
        httpd = _QuietServer((self.host, self.port), _handler_for(self.portal))
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
