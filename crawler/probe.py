"""Fetch one page politely for `gongkai probe` and `gongkai sites add/check`.

The host's robots.txt is asked first and obeyed; then the page itself, once,
with the crawl's identifying User-Agent. An HTTP proxy (the simulated web, or an
operator's VPN client) only carries the requests: what is allowed is the host's
word, as in the crawl.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from gongkai.archive.encoding import decode
from gongkai.crawler.families.listing import Listing, parse_listing
from gongkai.crawler.settings import USER_AGENT

MAX_BODY = 10 * 1024 * 1024  # a list page larger than this is not read
TIMEOUT = 30


class ProbeError(RuntimeError):
    """The page could not be probed: refused by robots.txt, unreachable, too large."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status  # the HTTP status that refused us, when one did


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str | None
    body: bytes


def _opener(proxy: str | None):
    handlers = [urllib.request.ProxyHandler({"http": proxy, "https": proxy} if proxy else {})]
    return urllib.request.build_opener(*handlers)


def _read(opener, url: str) -> Fetched:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=TIMEOUT) as answer:
            body = answer.read(MAX_BODY + 1)
            return Fetched(answer.geturl(), answer.status, answer.headers.get("Content-Type"), body)
    except urllib.error.HTTPError as error:
        return Fetched(url, error.code, error.headers.get("Content-Type"), error.read(MAX_BODY + 1))


def _robots(opener, url: str) -> urllib.robotparser.RobotFileParser | None:
    """The host's robots.txt; None when it has none (4xx), which allows everything."""
    parts = urlsplit(url)
    robots = _read(opener, f"{parts.scheme}://{parts.netloc}/robots.txt")
    if robots.status >= 500:
        raise ProbeError(f"robots.txt answered {robots.status}: not probing {parts.netloc} now")
    if robots.status >= 400:
        return None
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(robots.body.decode("utf-8", "replace").splitlines())
    return parser


class Prober:
    """Fetches pages one at a time, robots.txt asked once per host and obeyed,
    DELAY seconds between requests to the same host."""

    def __init__(self, proxy: str | None = None, delay: float = 1.0):
        self.opener = _opener(proxy)
        self.delay = delay
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last: dict[str, float] = {}
        self.fetched: list[str] = []
        self.last_text = ""  # the last page .listing() read, decoded

    def _wait(self, host: str) -> None:
        since = time.monotonic() - self._last.get(host, -1e9)
        if since < self.delay:
            time.sleep(self.delay - since)
        self._last[host] = time.monotonic()

    def fetch(self, url: str) -> Fetched:
        host = urlsplit(url).netloc
        try:
            if host not in self._robots:
                self._wait(host)
                self._robots[host] = _robots(self.opener, url)
            robots = self._robots[host]
            if robots is not None and not robots.can_fetch(USER_AGENT, url):
                raise ProbeError(f"robots.txt of {host} disallows {url}")
            self._wait(host)
            page = _read(self.opener, url)
        except (urllib.error.URLError, OSError) as error:
            raise ProbeError(f"could not fetch {url}: {error}") from error
        self.fetched.append(url)
        if len(page.body) > MAX_BODY:
            raise ProbeError(f"{url} is larger than {MAX_BODY} bytes: not read")
        if page.status != 200:
            raise ProbeError(f"{url} answered HTTP {page.status}", page.status)
        return page

    def listing(self, url: str, column_title: str | None = None) -> Listing:
        page = self.fetch(url)
        self.last_text = decode(page.body, page.content_type)
        return parse_listing(self.last_text, page.url, column_title=column_title)


def fetch(url: str, proxy: str | None = None) -> Fetched:
    """URL's answer, after its host's robots.txt allowed it: two requests in all."""
    return Prober(proxy, delay=0).fetch(url)


def probe_url(url: str, proxy: str | None = None, column_title: str | None = None) -> Listing:
    """One page, live: robots.txt first, then the page, once."""
    return Prober(proxy, delay=0).listing(url, column_title)


def probe_file(path: Path, url: str, column_title: str | None = None) -> Listing:
    body = path.read_bytes()
    if len(body) > MAX_BODY:
        raise ProbeError(f"{path} is larger than {MAX_BODY} bytes: not read")
    return parse_listing(body, url, column_title=column_title)
