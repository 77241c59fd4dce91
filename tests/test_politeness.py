"""Politeness is decided by the host crawled, never by the proxy: through a proxy on
localhost (as Clash or Privoxy are) a real-named host gets robots.txt first, one request
at a time and a delay; fast crawling is an explicit option that stays inside the
simulated web. The proxy here is a real HTTP proxy on 127.0.0.1 in front of the
simulated web; it counts what is in flight."""

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from gongkai.crawler.politeness import NotSimulated, SIMULATED_HOSTS, check_simulated
from gongkai.crawler.registry import load_site, site_names
from gongkai.crawler.run import crawl_settings
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import gongkai


class CountingProxy:
    """An HTTP proxy to UPSTREAM recording when each request came and how many overlapped."""

    def __init__(self, upstream: PortalServer, strip_mark: bool = False):
        self.started: list[tuple[float, str]] = []
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                with proxy.lock:
                    proxy.started.append((time.monotonic(), self.path))
                    proxy.in_flight += 1
                    proxy.max_in_flight = max(proxy.max_in_flight, proxy.in_flight)
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", upstream.port, timeout=30)
                    conn.request("GET", self.path, headers=dict(self.headers.items()))
                    answer = conn.getresponse()
                    body = answer.read()
                    time.sleep(0.05)  # a real server takes a moment: overlaps would show
                finally:
                    with proxy.lock:
                        proxy.in_flight -= 1
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() in ("content-length", "connection") or (
                            strip_mark and name.lower() == "x-gongkai-simulated"):
                        continue
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


@pytest.fixture(scope="module")
def upstream():
    with PortalServer(build_portal(seed=1)) as server:
        yield server


def test_a_real_named_host_through_a_localhost_proxy_gets_a_polite_crawl(upstream, tmp_path):
    settings = crawl_settings("huichang", None, tmp_path, proxy="http://127.0.0.1:7890",
                              overrides={"GONGKAI_SIMULATED_FAST": "0"})
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1.0
    assert settings.getfloat("DOWNLOAD_DELAY_JITTER") == 0

    with CountingProxy(upstream) as proxy:
        result = gongkai("crawl", "huichang", "--proxy", proxy.url, "--data", tmp_path,
                         "-s", "CLOSESPIDER_PAGECOUNT=6", "-s", "GONGKAI_SIMULATED_FAST=0",
                         check=False)
    started = proxy.started
    assert len(started) >= 6, result.stderr[-2000:]
    assert urlsplit(started[0][1]).path == "/robots.txt"
    assert {urlsplit(path).hostname for _, path in started} == {"www.huichang.gov.cn"}
    assert proxy.max_in_flight == 1
    gaps = [b - a for (a, _), (b, _) in zip(started, started[1:])]
    rate = (len(started) - 1) / (started[-1][0] - started[0][0])
    print(f"{len(started)} requests, {rate:.2f} requests/s, smallest gap {min(gaps):.2f} s")
    assert rate <= 1.05


def test_fast_crawling_is_refused_outside_the_simulated_web():
    assert {load_site(name).host for name in site_names()} <= SIMULATED_HOSTS
    from simulator.families import HOSTS
    from simulator.families.challenge import SITES

    assert set(HOSTS.values()) | set(SITES) <= SIMULATED_HOSTS
    check_simulated(load_site("huichang", "http://127.0.0.1:8000/"), None)
    check_simulated(load_site("hukou"), "http://127.0.0.1:8000")
    with pytest.raises(NotSimulated, match="on this machine"):
        check_simulated(load_site("hukou"), "http://10.1.2.3:7890")  # a proxy elsewhere
    with pytest.raises(NotSimulated, match="on this machine"):
        check_simulated(load_site("hukou"), None)  # straight to the real host
    with pytest.raises(NotSimulated, match="www.example.org is not one of its hosts"):
        check_simulated(load_site("hukou", "http://www.example.org/"), "http://127.0.0.1:1")


def test_the_command_refuses_a_fast_crawl_of_the_real_web(tmp_path):
    result = gongkai("crawl", "hukou", "--simulated", "--data", tmp_path, check=False)
    assert result.returncode == 2
    assert "--simulated needs the simulated web on this machine" in result.stderr
    assert not (tmp_path / "warc").exists()


def test_a_fast_crawl_stops_at_the_first_answer_not_from_the_simulated_web(upstream, tmp_path):
    """A localhost proxy that is not the simulated web (Clash reaching the real portal)."""
    with CountingProxy(upstream, strip_mark=True) as proxy:
        result = gongkai("crawl", "huichang", "--simulated", "--proxy", proxy.url,
                         "--data", tmp_path, check=False)
    assert result.returncode == 1
    assert "answered without the simulated web's mark" in result.stderr
    assert len(proxy.started) <= 2  # robots.txt, perhaps the entry page: then it stopped
