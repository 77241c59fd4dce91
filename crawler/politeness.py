"""How hard a crawl may press a host is decided by the host, never by the route to it.

Operators reach the web through Clash, Privoxy or a VPN client listening on
localhost, so a proxy on 127.0.0.1 says nothing about who answers: through any
proxy a real host gets robots.txt, one request at a time and AutoThrottle.

Crawling fast is for the simulated web only, and only when asked for
(`gongkai crawl --simulated`, or GONGKAI_SIMULATED_FAST=1 in the environment, as
the test suite does). Even then it refuses hosts outside SIMULATED_HOSTS, refuses a
route that leaves this machine, and stops at the first answer from a real-named
host that does not carry the simulator's mark (a real proxy answering instead).
"""

from __future__ import annotations

import ipaddress
import logging
import os
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_from_coro

log = logging.getLogger(__name__)

FAST_ENV = "GONGKAI_SIMULATED_FAST"
# The registry portals the simulated web serves copies of, under their real names.
SIMULATED_HOSTS = frozenset({
    "www.huichang.gov.cn", "www.hukou.gov.cn", "www.shangyu.gov.cn", "www.sgwjq.gov.cn",
    "www.jxyy.gov.cn", "www.fuliang.gov.cn",
})
# Every answer of the simulated web carries this header; a real server's does not.
SIMULATED_MARK = b"X-Gongkai-Simulated"
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


class NotSimulated(ValueError):
    """--simulated was asked for a crawl that would reach beyond the simulated web."""


def is_loopback(url_or_host: str) -> bool:
    host = (urlsplit(url_or_host).hostname if "/" in url_or_host else url_or_host) or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fast_requested(overrides: dict | None = None) -> bool:
    value = (overrides or {}).get(FAST_ENV, os.environ.get(FAST_ENV, ""))
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def check_simulated(site, proxy: str | None) -> None:
    """Raise NotSimulated unless every host of SITE is simulated and reached locally."""
    outside = [host for host in site.allowed_hosts
               if host not in SIMULATED_HOSTS and not is_loopback(host)]
    if outside:
        raise NotSimulated(f"--simulated crawls only the simulated web; {', '.join(outside)} "
                           "is not one of its hosts")
    if not is_loopback(site.base_url) and not (proxy and is_loopback(proxy)):
        raise NotSimulated("--simulated needs the simulated web on this machine: give "
                           "--base-url http://127.0.0.1:PORT/ or --proxy http://127.0.0.1:PORT")


def allowed_fast(host: str) -> bool:
    return host in SIMULATED_HOSTS or is_loopback(host)


class SimulatedOnlyMiddleware:
    """In a fast crawl: no request leaves the simulated web, and a real answer stops it."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool(FAST_ENV):
            raise NotConfigured
        return cls(crawler)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname or ""
        if not allowed_fast(host):
            raise IgnoreRequest(f"--simulated: {host} is not a host of the simulated web")
        return None

    def process_response(self, request, response, spider=None):
        host = urlsplit(request.url).hostname or ""
        if not is_loopback(host) and SIMULATED_MARK not in response.headers:
            log.error("--simulated: %s answered without the simulated web's mark; stopping",
                      host)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="not_simulated"))
            raise IgnoreRequest(f"{host} is not the simulated web")
        return response
