"""The Hanweb spider's callbacks on saved pages of the simulated 上虞区 portal (no network):
embedded datastore records, then dataproxy POSTs with the form the page declares."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.utils.test import get_crawler

from gongkai.crawler.families import hanweb
from gongkai.crawler.spiders.hanweb import HanwebSpider
from simulator.web import build_portal
from simulator.truth import ground_truth
from test_families_common import saved

COLUMN = "http://www.shangyu.gov.cn/col/col1229351148/index.html"


@pytest.fixture(scope="module")
def web():
    # 30 bodies: more records than the page embeds plus one dataproxy request of 100
    return build_portal(seed=5, families="hanweb", faults="all", agencies=30)


@pytest.fixture(scope="module")
def listed(web):
    # A web of one family makes it the default site, whose URLs the truth writes against
    # base_url (else huichang's): name its own.
    return [r for r in ground_truth(web, "http://www.shangyu.gov.cn/")["reports"]
            if r["host"] == "www.shangyu.gov.cn" and r["visible"]]


@pytest.fixture
def spider():
    return HanwebSpider.from_crawler(get_crawler(HanwebSpider), site="shangyu")


def post(web, request):
    return saved(web, request.url, "POST", request.body, {
        k.decode(): v[0].decode() for k, v in request.headers.items()})


def test_column_page_records_and_jpage_form(web, listed):
    page = saved(web, COLUMN)
    records = hanweb.embedded_records(page.text, COLUMN)
    assert len(records) == 45 and len(listed) > 145
    paging = hanweb.jpage(page.text, COLUMN)
    assert paging.total == len(listed) and paging.per_page == 15
    assert paging.proxy_url == "http://www.shangyu.gov.cn/module/web/jpage/dataproxy.jsp"
    assert paging.form == {"col": "1", "appid": "1", "webid": "3039", "path": "/",
                           "columnid": "1229351148", "sourceContentType": "1",
                           "unitid": "4720853", "webname": "绍兴市上虞区人民政府",
                           "permissiontype": "0"}


def test_every_record_through_the_dataproxy(spider, web, listed):
    out = list(spider.parse_column(saved(web, COLUMN)))
    reports = {r.url: r.cb_kwargs for r in out if r.callback == spider.parse_report}
    [ask] = [r for r in out if r.callback == spider.parse_dataproxy]
    posts = []
    while ask is not None:
        assert ask.method == "POST"
        query = parse_qs(urlsplit(ask.url).query)
        assert int(query["perpage"][0]) <= 100
        assert int(query["endrecord"][0]) - int(query["startrecord"][0]) < 100
        assert parse_qs(ask.body.decode())["columnid"] == ["1229351148"]
        posts.append(query["startrecord"][0])
        out = list(spider.parse_dataproxy(post(web, ask), **ask.cb_kwargs))
        reports.update({r.url: r.cb_kwargs for r in out if r.callback == spider.parse_report})
        asks = [r for r in out if r.callback == spider.parse_dataproxy]
        ask = asks[0] if asks else None
    assert posts == ["46", "146"]
    assert sorted(reports) == sorted(r["url"] for r in listed)
    for report in listed:
        facts = reports[report["url"]]
        assert facts["list_title"] == report["title"]
        assert facts["list_date"] == report["declared_published"]
        assert facts["column"] == "/col/col1229351148/"


def test_an_answer_with_nothing_new_stops_the_paging(spider, web):
    [ask] = [r for r in spider.parse_column(saved(web, COLUMN))
             if r.callback == spider.parse_dataproxy]
    answer = post(web, ask)
    assert any(r.callback == spider.parse_dataproxy for r in
               spider.parse_dataproxy(answer, **ask.cb_kwargs))
    assert list(spider.parse_dataproxy(answer, **ask.cb_kwargs)) == []


def test_records_of_other_columns_and_hosts_are_skipped(spider):
    records = [hanweb.ListEntry(url, "t", "2024-01-01") for url in (
        "http://www.shangyu.gov.cn/art/2024/1/5/art_1229351148_1234567.html",
        "http://www.shangyu.gov.cn/art/2024/1/5/art_1229000000_1234567.html",
        "http://www.bgl66.com/art/2024/1/5/art_1229351148_7654321.html")]
    out = list(spider.report_requests(records, "1229351148", {"column": "", "column_title": ""},
                                      COLUMN))
    assert [r.url for r in out] == [records[0].url]


def test_document_write_attachment_is_requested_with_its_name(spider, web, listed):
    report = next(r for r in listed if r["layout"] == "document_write")
    item, *requests = spider.parse_report(saved(web, report["url"]), column="", column_title="",
                                          list_url=COLUMN, list_title=report["title"],
                                          list_date=report["declared_published"])
    assert item["unit"] == report["agency"] and item["agency_kind"] == report["agency_kind"]
    assert [(r.url, r.cb_kwargs["name"]) for r in requests] == [
        (a["url"], a["name"]) for a in report["attachments"]]


def test_form_from_the_nextgroup_link_when_the_script_declares_none():
    link = ("/module/web/jpage/dataproxy.jsp?page=1&amp;appid=1&amp;webid=20&amp;path=/&amp;"
            "columnid=5&amp;unitid=9&amp;webname=%E5%8E%BF&amp;permissiontype=0")
    page = f"""<div id="1"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{link}">
</a>]]></nextgroup><recordset></recordset></datastore></script></div>
<script>$('#1').jpage({{dataStore: dataStore, perPage: 20}});</script>"""
    paging = hanweb.jpage(page, "http://www.example.gov.cn/col/col5/index.html")
    assert paging.total is None and paging.per_page == 20
    assert paging.form == {"appid": "1", "webid": "20", "path": "/", "columnid": "5",
                           "unitid": "9", "webname": "县", "permissiontype": "0"}
    url, _ = paging.request(1)
    assert url.endswith("dataproxy.jsp?startrecord=1&endrecord=100&perpage=20")
