"""The gkmlpt spider's callbacks on saved pages of the simulated 武江区 portal (no network):
SID and category from the index page, then the JSON API, 100 records a page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.utils.test import get_crawler

from gongkai.crawler.families import gkmlpt
from gongkai.crawler.spiders.gkmlpt import GkmlptSpider
from test_families_common import saved, truth, web  # noqa: F401 (fixtures)

INDEX = "http://www.sgwjq.gov.cn/gkmlpt/index"


@pytest.fixture
def spider():
    return GkmlptSpider.from_crawler(get_crawler(GkmlptSpider), site="sgwjq")


def listed(truth):
    return [r for r in truth["reports"] if r["host"] == "www.sgwjq.gov.cn" and r["visible"]]


def test_config_and_categories_of_the_index_page(web):
    page = saved(web, INDEX).text
    assert gkmlpt.config(page)["SID"] == "755038"
    assert [(c.id, c.name) for c in gkmlpt.categories(page, INDEX)] == [
        ("2769", "机构职能"), ("2771", "政府信息公开年报")]
    # a _CONFIG that is a JavaScript object, not JSON
    assert gkmlpt.config("<script>window._CONFIG = {SID: '1234', API: '/x/api'};</script>") == {
        "SID": "1234", "API": "/x/api"}


def test_only_the_annual_report_category_is_asked_for(spider, web):
    [ask] = spider.parse_index(saved(web, INDEX))
    parts = urlsplit(ask.url)
    assert parts.path == "/gkmlpt/api/all/2771"
    assert parse_qs(parts.query) == {"page": ["1"], "sid": ["755038"]}


def test_api_pages_until_the_last(spider, web, truth):
    [ask] = spider.parse_index(saved(web, INDEX))
    reports, pages = {}, []
    while ask is not None:
        pages.append(ask.cb_kwargs["page"])
        out = list(spider.parse_api(saved(web, ask.url), **ask.cb_kwargs))
        reports.update({r.url: r.cb_kwargs for r in out if r.callback == spider.parse_report})
        asks = [r for r in out if r.callback == spider.parse_api]
        ask = asks[0] if asks else None
    assert pages == [1, 2]  # 100 records, then the rest; the 404 after them is never asked
    expected = listed(truth)
    assert sorted(reports) == sorted(r["url"] for r in expected)
    for report in expected:
        facts = reports[report["url"]]
        assert facts["list_title"] == report["title"]
        assert facts["list_date"] == report["declared_published"]  # create_time in Beijing
        assert facts["unit"] == report["agency"]
        assert facts["column"] == "/gkmlpt/index#2771"


def test_records_pointing_off_site_are_skipped(web):
    ask_url = gkmlpt.api_url(INDEX, {"SID": "755038"}, "2771", 1)
    listing = gkmlpt.parse_api(saved(web, ask_url).text, ask_url)
    off_site = [r for r in listing.records if r.off_site]
    assert off_site and all(urlsplit(r.url).hostname == "www.sg.gov.cn" for r in off_site)
    spider = GkmlptSpider.from_crawler(get_crawler(GkmlptSpider), site="sgwjq")
    out = spider.parse_api(saved(web, ask_url), index_url=INDEX, conf={"SID": "755038"},
                           category=gkmlpt.Category("2771", "年报"), page=1)
    assert all(urlsplit(r.url).hostname == "www.sgwjq.gov.cn" for r in out)


def test_report_page_item_and_attachments(spider, web, truth):
    report = next(r for r in listed(truth) if r["attachments"])
    item, *requests = spider.parse_report(
        saved(web, report["url"]), column="/gkmlpt/index#2771", column_title="政府信息公开年报",
        list_url=INDEX, list_title=report["title"], list_date=report["declared_published"],
        unit=report["agency"])
    assert item["agency_kind"] == report["agency_kind"]
    assert [r.url for r in requests] == [a["url"] for a in report["attachments"]]
