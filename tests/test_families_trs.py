"""The TRS spider's callbacks on saved pages of the simulated 湖口县 portal (no network)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from scrapy.utils.test import get_crawler

from gongkai.crawler.families import trs
from gongkai.crawler.spiders.trs import TrsSpider
from test_families_common import saved, truth, web  # noqa: F401 (fixtures)

HOST = "http://www.hukou.gov.cn"


@pytest.fixture
def spider():
    return TrsSpider.from_crawler(get_crawler(TrsSpider), site="hukou")


def fault(truth, name):
    return [f for f in truth["faults"] if f["name"] == name and f["host"] == "www.hukou.gov.cn"]


def reports_of(truth, column):
    return [r for r in truth["reports"] if r["host"] == "www.hukou.gov.cn" and r["visible"]
            and r["column_id"] == column]


def test_navigation_yields_every_column_with_its_section(spider, web):
    out = [r for r in spider.parse_nav(saved(web, HOST + "/zwgk/"), depth=0)
           if r.callback == spider.parse_list]
    site = web.site("trs")
    assert sorted(urlsplit(r.url).path for r in out) == sorted(a.column_id for a in site.agencies)
    sections = {r.cb_kwargs["section"] for r in out}
    assert sections == {"县政府", "部门", "乡镇"}
    assert all(r.cb_kwargs["column_title"].endswith("政府信息公开年报") for r in out)


def test_list_pages_one_at_a_time_until_the_declared_last(spider, web, truth):
    column = next(a.column_id for a in web.site("trs").agencies
                  if len(reports_of(truth, a.column_id)) > 4 and a.column_id not in
                  {f["column"] for f in fault(truth, "page_count_inflated")}
                  | {f["column"] for f in fault(truth, "mirror_links")})
    reports = reports_of(truth, column)
    listed, url = {}, HOST + column
    while url:
        out = list(spider.parse_list(saved(web, url), column=column, column_title="年报",
                                     section="乡镇"))
        for request in out:
            if request.callback == spider.parse_report:
                listed[request.url] = request.cb_kwargs
        pages = [r for r in out if r.callback == spider.parse_list]
        assert len(pages) <= 1
        url = pages[0].url if pages else None
    assert sorted(listed) == sorted(r["url"] for r in reports)
    for report in reports:
        facts = listed[report["url"]]
        assert (facts["list_title"], facts["list_date"]) == (report["title"],
                                                             report["declared_published"])


def test_mirror_links_are_never_followed(spider, web, truth):
    [mirror] = fault(truth, "mirror_links")
    page = saved(web, HOST + mirror["column"])
    assert mirror["mirror_host"] in page.text
    out = list(spider.parse_list(page, column=mirror["column"], column_title="", section=None))
    assert out and all(urlsplit(r.url).hostname == "www.hukou.gov.cn" for r in out)


def test_an_inflated_page_count_ends_at_the_first_missing_page(spider, web, truth):
    inflated = fault(truth, "page_count_inflated")[0]
    page = trs.parse_list(saved(web, HOST + inflated["column"]).text, HOST + inflated["column"])
    real = -(-len(reports_of(truth, inflated["column"])) // web.page_size)
    assert page.paging.pages == real + inflated["extra_pages"]
    missing = page.paging.url(HOST + inflated["column"], real)
    assert web.respond("GET", missing).status == 404  # HttpError drops it: no callback, no next


def test_a_page_showing_nothing_new_ends_the_column(spider, web, truth):
    column = web.site("trs").agencies[0].column_id
    page = saved(web, HOST + column)
    first = list(spider.parse_list(page, column=column, column_title="", section=None))
    assert any(r.callback == spider.parse_list for r in first)
    assert list(spider.parse_list(page, column=column, column_title="", section=None)) == []


def test_report_page_item_and_its_attachments(spider, web, truth):
    report = next(r for r in truth["reports"] if r["host"] == "www.hukou.gov.cn" and r["visible"]
                  and r["attachments"] and r["agency_kind"] == "township")
    out = list(spider.parse_report(saved(web, report["url"]), column=report["column_id"],
                                   column_title="年报", list_url=HOST, list_title=report["title"],
                                   list_date=report["declared_published"], section="乡镇"))
    item, *requests = out
    assert item["kind"] == "report_page" and item["family"] == "trs" and item["site"] == "hukou"
    assert item["unit"] == report["agency"] and item["agency_kind"] == "township"
    assert item["attachments"] == [{"url": a["url"], "name": a["name"]}
                                   for a in report["attachments"]]
    assert [r.url for r in requests] == [a["url"] for a in report["attachments"]]
    assert all(r.cb_kwargs["report_url"] == report["url"] for r in requests)


def test_gbk_report_pages_read_as_the_truth_says(spider, web, truth):
    for name in ("gbk_gb2312", "gbk_no_charset", "meta_malformed"):
        [planted] = fault(truth, name)
        report = next(r for r in truth["reports"] if r["path"] == planted["path"])
        [item, *_] = spider.parse_report(saved(web, report["url"]), column="", column_title="",
                                         list_url=HOST, list_title=None, list_date=None)
        assert item["list_title"] == report["title"] and item["unit"] == report["agency"], name


def test_agency_kind_from_the_unit_name_when_no_section_is_known(spider, web, truth):
    for kind in ("county_government", "department", "township"):
        report = next(r for r in truth["reports"] if r["host"] == "www.hukou.gov.cn"
                      and r["visible"] and r["agency_kind"] == kind and not r["attachments"])
        [item] = spider.parse_report(saved(web, report["url"]), column="", column_title="",
                                     list_url=HOST, list_title=None, list_date=None)
        assert item["agency_kind"] == kind, report["agency"]
        assert item["list_title"] == report["title"]  # from the page when no list said it
        assert item["list_date"] == report["declared_published"]
