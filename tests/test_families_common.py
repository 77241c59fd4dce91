"""Parsers every family shares (paging, attachments, metadata box, breadcrumb),
run on pages the simulated web generates (no network) and on the variants the
guide records from real portals."""

from __future__ import annotations

import pytest
from scrapy.http import Request
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes

from gongkai.crawler.encoding import EncodingMiddleware
from gongkai.crawler.families.attachments import find_attachments
from gongkai.crawler.families.common import (beijing_date, breadcrumb, dated_entries, metadata_box,
                                     report_facts)
from gongkai.crawler.families.paging import create_page_html
from simulator.web import build_portal
from simulator.truth import ground_truth


def saved(web, url: str, method: str = "GET", body: bytes = b"", headers: dict | None = None):
    """What a spider callback would get for URL: the simulated web's answer as a Scrapy
    response, read in the encoding its bytes use (a 5xx burst is asked through, as the
    retry middleware would)."""
    for _ in range(4):
        answer = web.respond(method, url, headers or {}, body)
        if answer.status < 500:
            break
    assert answer.status == 200, (url, answer.status)
    response_headers = Headers(answer.headers)
    cls = responsetypes.from_args(headers=response_headers, url=url, body=answer.body)
    request = Request(url, method=method, body=body, headers=headers)
    response = cls(url, status=answer.status, headers=response_headers, body=answer.body,
                   request=request)
    return EncodingMiddleware().process_response(request, response)


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=5, families="all", faults="all", agencies=80)


@pytest.fixture(scope="module")
def truth(web):
    return ground_truth(web)


def html_report(truth, family, layout=None, with_attachments=None):
    for report in truth["reports"]:
        if report["family"] != family or not report["visible"] or report["host"] in (
                "www.jxyy.gov.cn", "www.fuliang.gov.cn"):
            continue
        if any(d["kind"] in ("encoding", "robots_disallowed") for d in report["defects"]):
            continue
        if layout and report["layout"] != layout:
            continue
        if with_attachments is not None and bool(report["attachments"]) != with_attachments:
            continue
        return report
    raise LookupError((family, layout))


# -- createPageHTML ----------------------------------------------------------------

@pytest.mark.parametrize("call, pages, second, third", [
    # classic TRS WCM, 0-based current page
    ('createPageHTML(120, 0, "index", "html");', 120, "index_1.html", "index_2.html"),
    # Hubei / 景德镇: six arguments, still 0-based
    ('createPageHTML(89, 1, "index", "shtml", "black2", 621);', 89, "index_1.shtml", "index_2.shtml"),
    # 湖南人社厅: a div id first, 1-based
    ("createPageHTML('paging', 12, 1, 'index', 'html', 230);", 12, "index_2.html", "index_3.html"),
    # csrc.gov.cn, 镇江/宿迁 xxgk_list: 1-based
    ("createPageHTML('page_div', 5, 1, 'fg', 'shtml', 89);", 5, "fg_2.shtml", "fg_3.shtml"),
])
def test_create_page_html_variants(call, pages, second, third):
    paging = create_page_html(f"<script>{call}</script>")
    base = "http://www.example.gov.cn/col/"
    assert paging.pages == pages
    assert paging.url(base + "x.html", 0).rsplit("/", 1)[1] in ("index.html", "index.shtml",
                                                                "fg.shtml")
    assert paging.url(base, 1) == base + second and paging.url(base, 2) == base + third


def test_paging_knows_the_last_page():
    last = create_page_html('createPageHTML(3, 2, "index", "html");')
    assert not last.has_next
    assert create_page_html('createPageHTML(3, 1, "index", "html");').next_url(
        "http://h.gov.cn/c/index_1.html") == "http://h.gov.cn/c/index_2.html"
    assert create_page_html('<script src="/js/createPageHTML.js"></script>') is None


# -- attachments ---------------------------------------------------------------------

def test_attachments_of_every_kind_and_place():
    page = """<html><body><div class="head"><img src="/images/logo.png"></div>
    <div id="zoom"><p>附件：</p>
    <p><a href="./P020240115512345678901.pdf">湖口县2023年报告.pdf</a></p>
    <p><a href="/files/report.wps">附件一</a> <a href="a.ofd" title="版式文件">版式</a></p>
    <p><a href="/up/tables.zip">统计表（压缩包）</a><a href="/up/t.rar">RAR</a></p>
    <p><a href="/module/download/downfile.jsp?classid=0&amp;filename=abc.xlsx">附表.xlsx</a></p>
    <p><a href="/module/download/download.jsp?id=123">附件下载</a></p>
    <p><a href="/news/1.html">一条新闻</a><a href="mailto:gk@example.gov.cn">信箱</a></p>
    <p><img src="/attachment/0/1/2/scan.png" alt="第一页"></p>
    <p><a href="./P020240115512345678901.pdf">重复的链接</a></p>
    <script>if(1){document.write("<a href=\\"/files/written.docx\\">写出的附件</a>")}</script>
    <script>document.write('<p><a href="/uploads/x.doc">旧式附件</a></p>')</script>
    </div></body></html>"""
    found = {a.url.rsplit("/", 1)[1]: a.name for a in
             find_attachments(page, "http://www.example.gov.cn/col/202401/t1.html")}
    assert found == {
        "P020240115512345678901.pdf": "湖口县2023年报告.pdf",
        "report.wps": "附件一",
        "a.ofd": "版式",
        "tables.zip": "统计表（压缩包）",
        "t.rar": "RAR",
        "downfile.jsp?classid=0&filename=abc.xlsx": "附表.xlsx",
        "download.jsp?id=123": "附件下载",
        "scan.png": "第一页",
        "written.docx": "写出的附件",
        "x.doc": "旧式附件",
    }


@pytest.mark.parametrize("family, layout", [
    ("ganzhou", "attachment"), ("ganzhou", "image_only"), ("trs", "attachment"),
    ("hanweb", "document_write"), ("hanweb", "image_only"), ("hanweb", "attachment"),
    ("gkmlpt", "attachment"),
])
def test_attachments_on_family_pages(web, truth, family, layout):
    report = html_report(truth, family, layout)
    page = saved(web, report["url"]).text
    found = find_attachments(page, report["url"])
    assert [a.url for a in found] == [a["url"] for a in report["attachments"]]
    if layout != "image_only":
        assert [a.name for a in found] == [a["name"] for a in report["attachments"]]


@pytest.mark.parametrize("family", ["ganzhou", "trs", "hanweb", "gkmlpt"])
def test_inline_reports_have_no_attachments(web, truth, family):
    report = html_report(truth, family, "inline")
    assert find_attachments(saved(web, report["url"]).text, report["url"]) == []


# -- what a report page says about itself ------------------------------------------------

@pytest.mark.parametrize("family", ["trs", "hanweb", "gkmlpt"])
def test_report_facts_from_the_metadata_box(web, truth, family):
    report = html_report(truth, family, "inline")
    facts = report_facts(saved(web, report["url"]).text)
    assert facts.title == report["title"]
    assert facts.date == report["declared_published"]
    assert facts.unit == report["agency"]
    assert metadata_box(saved(web, report["url"]).text).get("索引号")


def test_breadcrumbs(web, truth):
    trs = html_report(truth, "trs")
    assert breadcrumb(saved(web, trs["url"]).text)[:2] == ["首页", "政务公开"]
    hanweb = html_report(truth, "hanweb")
    trail = breadcrumb(saved(web, hanweb["url"]).text)
    assert trail[0] == "首页" and trail[-1] == "政府信息公开年报" and len(trail) == 4
    assert breadcrumb('<div><span>当前位置：</span><a href="/">首页</a> &gt; <a>年报</a></div>') == [
        "首页", "年报"]


def test_dated_entries_in_old_trs_tables_and_lists():
    page = """<table><tr><td><a href="./201710/t20171011_397577.html">2016年度报告</a></td>
    <td>2017-10-11</td></tr></table>
    <ul><li><a href="/">首页</a></li><li><a href="./a.html" title="完整的标题">截断的…</a>
    <span class="time">2024年1月5日</span></li></ul>"""
    entries = dated_entries(page, "http://h.gov.cn/col/index.html")
    assert [(e.url, e.title, e.date) for e in entries] == [
        ("http://h.gov.cn/col/201710/t20171011_397577.html", "2016年度报告", "2017-10-11"),
        ("http://h.gov.cn/col/a.html", "完整的标题", "2024-01-05")]


def test_api_times_are_beijing_days():
    # 23:30 and 00:30 in Beijing: the same UTC day (15:30 and 16:30 on 31 January), two days
    # in China. A report published after midnight on 1 February is not one of 31 January.
    assert beijing_date(1706715000) == "2024-01-31"
    assert beijing_date(1706718600) == "2024-02-01"
    assert beijing_date(None) is None
