"""The Ganzhou family spider and parsers, run on saved pages of the simulated portal
(no network): each callback is fed a response and its output is checked."""

from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from gongkai.crawler.families import ganzhou
from gongkai.crawler.spiders.ganzhou import GanzhouSpider
from simulator.web import build_portal
from simulator.render import respond

BASE = "http://www.huichang.gov.cn/"


@pytest.fixture(scope="module")
def portal():
    return build_portal(seed=1)


def saved(portal, path, request=None):
    status, headers, body = respond(portal, "GET", path)
    assert status == 200, path
    return HtmlResponse(BASE.rstrip("/") + path, body=body, encoding="utf-8",
                        request=request or Request(BASE.rstrip("/") + path))


@pytest.fixture
def spider():
    crawler = get_crawler(GanzhouSpider)
    return GanzhouSpider.from_crawler(crawler, site="huichang")


def test_list_page_entries_and_paging(portal):
    column = "/hcxxxgk/hc1590/"
    first = ganzhou.parse_list(saved(portal, column + "xxgk_list.shtml").text, BASE)
    assert (first.paging.pages, first.paging.index) == (2, 0)
    assert first.paging.next_url(BASE + "hcxxxgk/hc1590/xxgk_list.shtml").endswith(
        "/hcxxxgk/hc1590/xxgk_list_2.shtml")
    second = ganzhou.parse_list(saved(portal, column + "xxgk_list_2.shtml").text, BASE)
    entries = first.entries + second.entries
    expected = {(BASE.rstrip("/") + r.path, r.title, r.published.isoformat())
                for r in portal.reports_of("hc1590")}
    assert {(e.url, e.title, e.date) for e in entries} == expected


def test_breadcrumb_names_section_and_unit(portal):
    report = portal.report("hc1590", 2020)
    assert ganzhou.breadcrumb(saved(portal, report.path).text) == [
        "首页", "乡镇信息公开", "庄口镇", "政务信息公开年报"]


def test_navigation_discovers_report_columns_only(spider, portal):
    requests = list(spider.parse_nav(saved(portal, "/hcxxxgk/"), depth=0))
    columns = {r.cb_kwargs["column"] for r in requests if r.callback == spider.parse_list}
    assert columns == {"/hcxxxgk/" + portal.county.column_id + "/"}
    navs = {urlsplit(r.url).path for r in requests if r.callback == spider.parse_nav}
    assert {"/hcxxxgk/xzxxgk/xxgk_navs.shtml", "/hcxxxgk/bmxxgk/xxgk_navs.shtml"} <= navs
    assert all(urlsplit(r.url).hostname == "www.huichang.gov.cn" for r in requests)


def test_unit_page_yields_its_annual_report_column(spider, portal):
    agency = portal.agency("hc1590")
    page = saved(portal, f"/hcxxxgk/{agency.nav_code}/xxgk_navs.shtml")
    requests = [r for r in spider.parse_nav(page, depth=2) if r.callback == spider.parse_list]
    found = {(r.cb_kwargs["column"], r.cb_kwargs["column_title"]) for r in requests}
    # The side menu on every page also links the county's own 年报 column.
    assert found == {("/hcxxxgk/hc1590/", "政务信息公开年报"),
                     (f"/hcxxxgk/{portal.county.column_id}/", "政府信息公开年报")}


def test_list_callback_requests_reports_then_next_page(spider, portal):
    page = saved(portal, "/hcxxxgk/hc1590/xxgk_list.shtml")
    out = list(spider.parse_list(page, column="/hcxxxgk/hc1590/", column_title="政务信息公开年报"))
    reports = [r for r in out if r.callback == spider.parse_report]
    pages = [r for r in out if r.callback == spider.parse_list]
    assert len(reports) == portal.page_size
    assert [urlsplit(r.url).path for r in pages] == ["/hcxxxgk/hc1590/xxgk_list_2.shtml"]
    last = saved(portal, "/hcxxxgk/hc1590/xxgk_list_2.shtml")
    out = list(spider.parse_list(last, column="/hcxxxgk/hc1590/", column_title="政务信息公开年报"))
    assert not [r for r in out if r.callback == spider.parse_list]


def test_report_callback_hands_over_list_and_breadcrumb_facts(spider, portal):
    report = portal.report("wglbmndbg", 2023)
    [item] = spider.parse_report(saved(portal, report.path), column="/hcxxxgk/wglbmndbg/",
                                 column_title="政府信息公开年报", list_title=report.title,
                                 list_date=report.published.isoformat(), list_url=BASE)
    assert item["agency_kind"] == "department"
    assert item["unit"] == report.agency.name
    assert item["list_date"] == report.published.isoformat()


def test_county_report_is_the_county_government(spider, portal):
    report = portal.report(portal.county.column_id, 2022)
    [item] = spider.parse_report(saved(portal, report.path), column="", column_title="",
                                 list_title="", list_date=None, list_url=BASE)
    assert item["agency_kind"] == "county_government"
    assert item["unit"] == "会昌县人民政府"
