"""crawler/schemes.py: a portal's own links under the other scheme, rewritten."""

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from gongkai.crawler.registry import load_site
from gongkai.crawler.schemes import STAT, CanonicalSchemeMiddleware, canonical_url

HOSTS = ("www.hukou.gov.cn", "xxgk.hukou.gov.cn")


@pytest.mark.parametrize("url, expected", [
    ("https://www.hukou.gov.cn/a/t1.html", "http://www.hukou.gov.cn/a/t1.html"),
    ("https://xxgk.hukou.gov.cn/a/t1.html?x=1#p", "http://xxgk.hukou.gov.cn/a/t1.html?x=1#p"),
    ("http://www.hukou.gov.cn/a/t1.html", "http://www.hukou.gov.cn/a/t1.html"),
    ("https://www.other.gov.cn/a/t1.html", "https://www.other.gov.cn/a/t1.html"),    # not ours
    ("ftp://www.hukou.gov.cn/a.doc", "ftp://www.hukou.gov.cn/a.doc"),
])
def test_own_hosts_take_the_registry_scheme(url, expected):
    assert canonical_url(url, "http://www.hukou.gov.cn/", HOSTS) == expected


def test_the_base_url_s_port_comes_with_its_scheme():
    assert canonical_url("https://127.0.0.1/a.html", "http://127.0.0.1:8123/", ("127.0.0.1",)) \
        == "http://127.0.0.1:8123/a.html"
    assert canonical_url("http://www.x.gov.cn/a.html", "https://www.x.gov.cn/", ("www.x.gov.cn",)) \
        == "https://www.x.gov.cn/a.html"


def test_the_middleware_rewrites_requests_the_spider_yields_and_counts_them():
    crawler = get_crawler()
    crawler.spider = type("Spider", (), {"site": load_site("hukou")})()
    crawler.stats.open_spider()
    middleware = CanonicalSchemeMiddleware.from_crawler(crawler)
    items = [{"kind": "report_page"}, Request("https://www.hukou.gov.cn/t1.html"),
             Request("http://www.hukou.gov.cn/t2.html")]
    out = list(middleware.process_spider_output(None, items))
    assert out[0] == {"kind": "report_page"}
    assert [r.url for r in out[1:]] == ["http://www.hukou.gov.cn/t1.html",
                                        "http://www.hukou.gov.cn/t2.html"]
    assert crawler.stats.get_value(STAT) == 1
