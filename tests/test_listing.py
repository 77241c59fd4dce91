"""The one list parser (crawler/families/listing.py) on list markup as real portals
write it: each page here is written for the test, in the forms shared/guide/portals.md
records (dl/dd lists, JS paging, lists parked in comments or inline JSON, GBK bytes,
<base>, month-day dates, news and 解读 sharing a 年报 list)."""

from __future__ import annotations

import json

import pytest

from gongkai.crawler.families.classify import is_report_title
from gongkai.crawler.families.common import breadcrumb, meta_tags, normalise_date
from gongkai.crawler.families.listing import parse_listing, url_key

REPORT = "湖口县流芳乡2023年政府信息公开工作年度报告"


def page(body: str, head: str = "", charset: str = "utf-8") -> str:
    return (f'<html><head><meta charset="{charset}"><title>信息公开年报</title>{head}</head>'
            f"<body>{body}</body></html>")


@pytest.mark.parametrize("title, expected", [
    (REPORT, True),
    ("2023年度政务公开工作年度报告", True),
    ("关于2023年政府信息公开工作年度报告的解读", False),
    ("图解：2023年政府信息公开年报", False),
    ("2024年政务公开工作要点", False),
    ("关于报送2023年度政府信息公开工作年度报告的通知", False),
    ("县文化广电新闻出版旅游局2023年政府信息公开工作年度报告", True),
    ("2024年度省级专精特新中小企业名单的通知", False),
    ("我县召开政务公开工作推进会", False),
    ("湖口县2023年度政府信息公开工作报告", True),
    ("XX市人民政府2023年度工作报告", False),
    ("流芳乡2023年政府信息公开工作年度报…", True),
    ("关于流芳乡2023年政府信息公开工作年度报告的解…", False),
    ("关于2023年度政府信息公开工作年度报告的更正说明", False),
])
def test_report_titles(title, expected):
    assert is_report_title(title) is expected


def test_dl_dd_list_with_news_and_interpretations_sharing_it():
    body = f"""<div class="list"><dl>
      <dd><a href="./202401/t20240131_1.html" title="{REPORT}">湖口县流芳乡2023年政府信息…</a>
          <span>2024-01-31</span></dd>
      <dd><a href="./202402/t20240201_2.html">关于2023年政府信息公开工作年度报告的解读</a>
          <span>2024年2月1日</span></dd>
      <dd><a href="./202403/t20240302_3.html">流芳乡开展春耕生产工作</a><span>2024/3/2</span></dd>
    </dl></div>"""
    listing = parse_listing(page(body), "https://www.hukou.gov.cn/flx/zfxxgknb_171215/")
    assert [(e.title, e.date) for e in listing.entries] == [
        (REPORT, "2024-01-31"), ("关于2023年政府信息公开工作年度报告的解读", "2024-02-01"),
        ("流芳乡开展春耕生产工作", "2024-03-02")]
    assert [e.url for e in listing.reports] == [
        "https://www.hukou.gov.cn/flx/zfxxgknb_171215/202401/t20240131_1.html"]


def test_dt_title_dd_date_pairs():
    body = f"""<dl><dt><a href="/a/202401/t20240115_9.htm">{REPORT}</a></dt><dd>2024-01-15</dd></dl>
               <dl><dt><a href="/a/202402/t20240210_8.htm">某某新闻</a></dt><dd>2024-02-10</dd></dl>"""
    listing = parse_listing(page(body), "http://x.gov.cn/a/index.htm")
    assert [(e.url, e.date, e.report) for e in listing.entries] == [
        ("http://x.gov.cn/a/202401/t20240115_9.htm", "2024-01-15", True),
        ("http://x.gov.cn/a/202402/t20240210_8.htm", "2024-02-10", False)]


def test_month_day_dates_take_the_year_from_the_url_or_stay_unknown():
    body = f"""<ul><li><a href="./202401/t20240120_1.html">{REPORT}</a><span>[01-20]</span></li>
      <li><a href="./abc.html">2022年政府信息公开工作年度报告</a><span>[01-18]</span></li></ul>"""
    listing = parse_listing(page(body), "http://x.gov.cn/nb/index.html")
    dates = {e.url.rsplit("/", 1)[1]: e.date for e in listing.entries}
    assert dates["t20240120_1.html"] == "2024-01-20"
    # No year anywhere but the title, which names the report year, not the publication's.
    assert dates.get("abc.html") is None


def test_list_in_comment_and_paging_call_in_comment():
    items = "".join(f'<li><a href="/jyt/c1/2024{m:02d}/17{m}.shtml" title="第{m}条通知">第{m}条通知</a>'
                    f"<b>2024-{m:02d}-05</b></li>" for m in range(1, 4))
    body = (f'<ul class="xxgklist"><!-- {items}<script>createPageHTML(\'page_div\',4, 1,'
            f"'zwgklist','shtml',70);</script>--></ul>")
    listing = parse_listing(page(body), "http://jyt.example.gov.cn/jyt/c1/zwgklist.shtml")
    assert len(listing.entries) == 3 and not listing.reports
    assert list(listing.next) == [f"http://jyt.example.gov.cn/jyt/c1/zwgklist_{n}.shtml"
                                  for n in (2, 3, 4)]


def test_inline_json_list_and_var_count_page():
    data = {"total": 2, "list": [
        {"title": REPORT, "url": "./202401/t20240131_5.html", "pubDate": "2024-01-31 10:00"},
        {"title": "2023年政府信息公开年报解读", "url": "./202401/t20240131_6.html",
         "pubDate": "2024-01-31"}]}
    script = (f"<script>var listData = {json.dumps(data, ensure_ascii=False)};\n"
              'var countPage = 3//共多少页\nvar currentPage = 0;\n'
              'createPageHTML(countPage, currentPage, "index", "htm");</script>')
    listing = parse_listing(page("<ul id='list'></ul>" + script), "http://x.gov.cn/nb/index.htm")
    assert [(e.title, e.date) for e in listing.reports] == [(REPORT, "2024-01-31")]
    assert list(listing.next) == ["http://x.gov.cn/nb/index_1.htm", "http://x.gov.cn/nb/index_2.htm"]
    assert listing.family == "trs"


def test_next_links_base_href_and_duplicate_urls_collapse():
    body = f"""<ul>
      <li><a href="202401/t20240131_1.html">{REPORT}</a><span>2024-01-31</span></li>
      <li><a href="https://x.gov.cn/other/nb/202401/t20240131_1.html/">{REPORT}</a>
          <span>2024-01-31</span></li></ul>
      <div class="pagebar"><a href="index.html">首页</a><span>1</span><a href="index_1.html">2</a>
      <a href="index_1.html">下一页</a><a href="index_9.html">尾页</a></div>"""
    listing = parse_listing(page(body, '<base href="http://x.gov.cn/other/nb/">'),
                            "http://x.gov.cn/nb/index.html")
    assert [e.url for e in listing.entries] == ["http://x.gov.cn/other/nb/202401/t20240131_1.html"]
    assert [url_key(u) for u in listing.next] == ["//x.gov.cn/other/nb/index_1.html",
                                                  "//x.gov.cn/other/nb/index_9.html"]


def test_gbk_bytes():
    html = page(f'<ul><li><a href="/a/202401/t20240101_1.html">{REPORT}</a>'
                "<span>2024-01-01</span></li></ul>", charset="gbk")
    listing = parse_listing(html.encode("gbk"), "http://x.gov.cn/a/", content_type="text/html")
    assert [e.title for e in listing.reports] == [REPORT]


def test_columns_named_or_by_year_under_a_heading():
    body = """<div class="nav"><a href="/zwgk/zfxxgknb/">政府信息公开年报</a>
      <a href="/zwgk/nbjd/">年报解读</a><a href="/zwgk/tzgg/">通知公告</a></div>
      <h3><div>政府信息<br>公开年报</div></h3><ul><li><a href="/x/c9/list.shtml">2024</a></li>
      <li><a href="/x/c8/list.shtml">2023年</a></li></ul>
      <h3>统计数据</h3><ul><li><a href="/x/c7/list.shtml">2024</a></li></ul>"""
    listing = parse_listing(page(body), "http://x.gov.cn/zwgk/")
    assert [url_key(u) for u in listing.columns] == [
        "//x.gov.cn/zwgk/zfxxgknb", "//x.gov.cn/x/c9/list.shtml", "//x.gov.cn/x/c8/list.shtml"]


def test_hanweb_column_records_and_jpage():
    records = "".join(
        f'<record><![CDATA[<li><a href="/art/2024/1/{d}/art_1229351148_{d}.html" '
        f'title="某某镇2023年政府信息公开工作年度报告">x</a><b>2024-01-{d:02d}</b></li>]]></record>'
        for d in (10, 11))
    html = page(f'<div id="8"><script type="text/xml"><datastore><recordset>{records}'
                "</recordset></datastore></script></div><script>$('#8').jpage({perPage: 15,"
                "totalRecord: 40, proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: "
                "{col: 1, webid: 3, columnid: 1229351148}});</script>")
    listing = parse_listing(html, "http://www.example.gov.cn/col/col1229351148/index.html")
    assert listing.family == "hanweb" and len(listing.reports) == 2
    assert listing.next[0].startswith("http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?"
                                      "startrecord=3&endrecord=40")
    assert "columnid=1229351148" in listing.next[0]
    assert listing.next[1:] == ("http://www.example.gov.cn/col/col1229351148/index.html?uid=8&pageNum=2",
                                "http://www.example.gov.cn/col/col1229351148/index.html?uid=8&pageNum=3")


def test_gkmlpt_api_answer_and_its_next_page():
    articles = [{"title": f"某单位{2000 + i}年政府信息公开工作年度报告", "url": f"/content/post_{i}.html",
                 "create_time": 1706659200, "date": 1704067200} for i in range(100)]
    text = json.dumps({"articles": articles, "total": 130, "offset": 0}, ensure_ascii=False)
    listing = parse_listing(text, "http://www.x.gov.cn/gkmlpt/api/all/2771?page=1&sid=7")
    assert len(listing.reports) == 100
    assert listing.reports[0].date == "2024-01-31"  # create_time in Beijing time, not `date`
    assert list(listing.next) == ["http://www.x.gov.cn/gkmlpt/api/all/2771?page=2&sid=7"]


def test_article_page_is_not_a_list():
    body = ('<ul class="xggj" style="display:none"><li><a href="/a/1.shtml">政策解读</a>'
            "<span>2025-03-27</span></li></ul>")
    head = '<meta name="articletitle" content="关于做好工作的通知"><meta name="PubDate" content="2025-03-27">'
    listing = parse_listing(page(body, head), "http://x.gov.cn/fzgg/tzgg/202503/174084153.shtml")
    assert listing.detail and not listing.entries and not listing.next


def test_meta_names_are_case_blind_and_breadcrumbs_split_on_css_or_text():
    html = page('<div class="crumb">当前位置：<a href="/">首页</a><a href="/zwgk/">政务公开</a>'
                '<span>政府信息公开年报</span></div>', '<meta name="contentSource" content="流芳乡">')
    assert meta_tags(html)["ContentSource"] == "流芳乡"
    assert breadcrumb(html) == ["首页", "政务公开", "政府信息公开年报"]
    text = page('<div>当前位置：首页 / 政务公开 » 信息公开年报 › 2024</div>')
    assert breadcrumb(text) == ["首页", "政务公开", "信息公开年报", "2024"]


@pytest.mark.parametrize("text, expected", [
    ("2024-01-31", "2024-01-31"), ("2024年1月31日", "2024-01-31"), ("2024/1/31", "2024-01-31"),
    ("发布时间：2024.01.31 10:20", "2024-01-31"), ("2024-02-30", None), ("[01-31]", None)])
def test_date_forms(text, expected):
    assert normalise_date(text) == expected


def test_items_of_other_shapes():
    body = f"""<div class="news">
      <p><a href="/nb/202401/t20240125_1.htm" title="{REPORT}"><span>{REPORT}</span>
         <span class="time">2024-01-25</span></a></p>
      <div class="item"><a href="/lm/nb/">[年报]</a><a href="/nb/202301/t20230120_2.htm">
         湖口县2022年度政府信息公开工作报告</a><em>2023-01-20</em></div>
      <div class="row"><a href="/nb/202201/t20220118_3.htm">湖口县2021年政府信息公开工作年度报告
         <i>2022-01-18</i></a></div></div>"""
    listing = parse_listing(page(body), "http://x.gov.cn/nb/index.htm")
    assert [(e.url.rsplit("/", 1)[1], e.date) for e in listing.reports] == [
        ("t20240125_1.htm", "2024-01-25"), ("t20230120_2.htm", "2023-01-20"),
        ("t20220118_3.htm", "2022-01-18")]
    assert listing.reports[2].title == "湖口县2021年政府信息公开工作年度报告"


def test_count_page_without_a_create_page_html_call():
    body = (f'<ul><li><a href="./202401/t20240131_1.html">{REPORT}</a><span>2024-01-31</span></li></ul>'
            "<script>var countPage = 3;var currentPage = 1;drawPager(countPage, currentPage);</script>")
    listing = parse_listing(page(body), "http://x.gov.cn/nb/index_1.shtml")
    assert list(listing.next) == ["http://x.gov.cn/nb/index_2.shtml"]


def test_catalogue_rows_json_in_comments_and_year_columns():
    body = f"""<table><tr><th>索引号</th><th>名称</th><th>成文日期</th><th>发布日期</th></tr>
      <tr><td>11360429X/2024-00012</td><td><a href="./202401/t20240130_1.html">{REPORT}</a></td>
          <td>2024-01-20</td><td>2024-01-30</td></tr></table>
      <!-- {{"data": [{{"title": "2022年政府信息公开工作年度报告", "url": "/nb/2023/a.html",
                      "publishTime": "2023-01-28"}}]}} -->
      <div class="side"><a href="/nb/2023n/index.html">2023年政府信息公开年报</a>
          <a href="/nb/202401/t20240131_9.html">湖口县2023年政府信息公开工作年度报告</a></div>"""
    listing = parse_listing(page(body), "http://x.gov.cn/nb/index.html")
    found = {e.url.rsplit("/", 1)[1]: e.date for e in listing.reports}
    assert found == {"t20240130_1.html": "2024-01-30", "a.html": "2023-01-28",
                     "t20240131_9.html": None}
    assert [url_key(u) for u in listing.columns] == ["//x.gov.cn/nb/2023n/index.html"]


def test_lists_without_items_date_beside_the_link():
    body = f"""<div class="datelist">
      2024-01-30 <a href="/nb/202401/t20240130_1.html">{REPORT}</a><br/>
      2023-01-29 <a href="/nb/202301/t20230129_2.html">湖口县流芳乡2022年政府信息公开工作年度报告</a><br/>
      <a href="/nb/202201/t20220128_3.html">湖口县流芳乡2021年政府信息公开工作年度报告</a><span>2022-01-28</span><br/>
      <a href="/nb/202101/t20210127_4.html">流芳乡召开会议</a><span>2021-01-27</span><br/></div>"""
    listing = parse_listing(page(body), "http://x.gov.cn/nb/index.html")
    assert [(e.url.rsplit("/", 1)[1], e.date) for e in listing.entries] == [
        ("t20240130_1.html", "2024-01-30"), ("t20230129_2.html", "2023-01-29"),
        ("t20220128_3.html", "2022-01-28"), ("t20210127_4.html", "2021-01-27")]
    assert len(listing.reports) == 3


def test_spider_turns_pages_by_pager_links_without_going_back():
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from gongkai.crawler.spiders.trs import TrsSpider

    spider = TrsSpider.from_crawler(get_crawler(TrsSpider), site="hukou")
    column = "/flx/zfxxgknb_171215/"

    def list_page(n: int):
        url = f"http://www.hukou.gov.cn{column}" + ("index.html" if n == 0 else f"index_{n}.html")
        pager = "".join(f'<a href="{"index.html" if k == 0 else f"index_{k}.html"}">{k + 1}</a>'
                        for k in range(3))
        body = page(f'<ul><li><a href="./2024{n + 1:02d}/t2024{n + 1:02d}01_{n}.html">'
                    f"流芳乡{2023 - n}年政府信息公开工作年度报告</a><span>2024-{n + 1:02d}-01</span></li></ul>"
                    f'<div class="pages">{pager}</div>')
        return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=Request(url))

    turned = []
    for n in range(3):
        out = list(spider.parse_list(list_page(n), column=column, column_title="年报"))
        turned += [r.url.rsplit("/", 1)[1] for r in out if r.callback == spider.parse_list]
    assert turned == ["index_1.html", "index_2.html"]


def test_trsapi_style_json_and_its_pages():
    data = {"code": 200, "data": {"pageCount": 3, "list": [
        {"DOCTITLE": REPORT, "DOCPUBURL": "http://x.gov.cn/nb/202401/t20240131_1.html",
         "DOCRELTIME": "2024-01-31 09:00:00"},
        {"DOCTITLE": "2024年政务公开工作要点", "DOCPUBURL": "/nb/202402/t20240201_2.html",
         "DOCRELTIME": "2024-02-01 09:00:00"}]}}
    listing = parse_listing(json.dumps(data, ensure_ascii=False),
                            "http://x.gov.cn/trsapi/list?channelId=12&pageNo=1")
    assert [(e.url, e.date) for e in listing.reports] == [
        ("http://x.gov.cn/nb/202401/t20240131_1.html", "2024-01-31")]
    assert len(listing.entries) == 2
    assert list(listing.next) == ["http://x.gov.cn/trsapi/list?channelId=12&pageNo=2",
                                  "http://x.gov.cn/trsapi/list?channelId=12&pageNo=3"]


def test_a_list_template_with_article_metas_is_still_a_list():
    items = "".join(f'<li><a href="./2024{m:02d}/t2024{m:02d}01_{m}.html">流芳乡{2024 - m}年政府信息公开工作年度报告'
                    f"</a><span>2024-{m:02d}-01</span></li>" for m in range(1, 7))
    head = '<meta name="PubDate" content="2024-06-01">'
    listing = parse_listing(page(f"<ul>{items}</ul>", head), "http://x.gov.cn/nb/")
    assert not listing.detail and len(listing.reports) == 6


def test_search_answers_with_html_snippets_and_gkmlpt_categories():
    hits = [f'<div class="news"><a href="/art/2024/1/{d}/art_12_{d}.html">某镇2023年政府信息公开工作年度报告'
            f"</a><span>2024-01-{d:02d}</span></div>" for d in (20, 21)]
    listing = parse_listing(json.dumps({"result": hits}, ensure_ascii=False),
                            "http://x.gov.cn/jsearchfront/interfaces/cateSearch.do")
    assert [e.date for e in listing.reports] == ["2024-01-20", "2024-01-21"]
    index = page('<script>window._CONFIG = {"SID": "755038", "API": "/gkmlpt/api"};</script>'
                 '<a href="/gkmlpt/index#2771">政府信息公开年报</a><a href="/gkmlpt/index#11">规划计划</a>')
    listing = parse_listing(index, "http://www.x.gov.cn/gkmlpt/index")
    assert listing.family == "gkmlpt"
    assert list(listing.columns) == ["http://www.x.gov.cn/gkmlpt/index#2771",
                                     "http://www.x.gov.cn/gkmlpt/api/all/2771?page=1&sid=755038"]
