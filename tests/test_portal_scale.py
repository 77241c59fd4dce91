"""A large portal is built lazily: reports are light records, contents are generated on demand
into a bounded cache, pages are rendered per request, and lists stay quick."""

from __future__ import annotations

import http.client
import random

import pytest

from simulator.web import build_portal
from simulator.server import PortalServer


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=1, families="all", faults="all", agencies=2000)


def get(server, url: str, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, url, body=body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_large_portal_is_lazy_and_bounded(web):
    reports = [r for s in web.family_sites for r in s.reports]
    assert len(reports) > 11_000
    # only the ten real-named 会昌县 bodies carry their figures from the start
    assert sum(1 for r in reports if r._content is not None) <= 60
    for site in web.family_sites:
        sample = random.Random(1).sample(site.reports, 300)
        for r in sample:
            assert r.at(web.clock).figures is not None
        cache = getattr(site, "_contents")
        assert len(cache._data) <= 256


def get_past_burst(server, url: str, method="GET", body=None):
    """The burst_5xx fault answers a path's first two requests 503 then 502."""
    for _ in range(3):
        status, data = get(server, url, method, body)
        if status < 500:
            break
    return status, data


# How fast it serves is measured in benchmarks/portal_throughput.py, not here.
def test_large_portal_serves_every_page_kind(web):
    rng = random.Random(2)
    with PortalServer(web) as server:
        for site in web.family_sites:
            for r in rng.sample(site.reports, 40):
                status, body = get(server, f"http://{site.host}{r.current_path(web.clock)}")
                assert status in (200, 404, 503, 502) and body
        for url in ("http://www.hukou.gov.cn/zwgk/", "http://www.huichang.gov.cn/hcxxxgk/xzxxgk/xxgk_navs.shtml",
                    "http://www.shangyu.gov.cn/col/col1229351148/index.html"):
            assert get(server, url)[0] == 200
        # the Hanweb proxy truncates big requests, the gkmlpt API pages by 100
        status, data = get_past_burst(
            server, "http://www.shangyu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46"
                    "&endrecord=2000&perpage=15", "POST", b"columnid=1229351148")
        assert status == 200 and data.decode().count("<record>") == 300
        pages = [get_past_burst(server, f"http://www.sgwjq.gov.cn/gkmlpt/api/all/2771?page={page}"
                                        "&sid=755038")[0] for page in (1, 2, 30)]
        assert pages == [200, 200, 200]
