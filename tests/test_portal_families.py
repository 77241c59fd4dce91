"""One test per portal family: its navigation, list paging, report URLs, metadata and
attachments, read over real HTTP through the server used as a proxy, checked against the truth."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from simulator.web import build_portal

from conftest import through_proxy as get


@pytest.fixture(scope="module")
def web():
    # more bodies than the real-named ones, so that every family also pages and invents
    return build_portal(seed=2, families="all", agencies=80)





def soup(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body.decode("utf-8"), "lxml")


def meta(s, name):
    tag = s.find("meta", attrs={"name": name})
    return tag["content"] if tag else None


def reports_of(truth, family):
    return [r for r in truth["reports"] if r["family"] == family and r["host"] != "www.jxyy.gov.cn"
            and r["host"] != "www.fuliang.gov.cn"]


def check_report_page(server, r):
    status, headers, body = get(server, r["url"])
    assert status == 200, r["url"]
    s = soup(body)
    assert meta(s, "ArticleTitle") == r["title"]
    assert meta(s, "PubDate").startswith(r["declared_published"])
    assert meta(s, "ContentSource") == r["agency"]
    for att in r["attachments"]:
        linked = {urljoin(r["url"], a.get("href")) for a in s.find_all(["a", "img"]) if a.get("href") or a.get("src")}
        linked |= {urljoin(r["url"], img["src"]) for img in s.find_all("img")}
        text = body.decode()
        assert att["url"] in linked or att["href"].replace("&", "&amp;") in text, att
        status, headers, data = get(server, att["url"])
        assert status == 200 and len(data) > 500
        assert headers["Content-Type"] == {"pdf": "application/pdf", "png": "image/png", "xls": "application/vnd.ms-excel"}.get(
            att["kind"], headers["Content-Type"])
    return s


def test_ganzhou_family_with_invented_bodies(server, truth, web):
    site = web.site("ganzhou")
    reports = reports_of(truth, "ganzhou")
    assert len({r["agency"] for r in reports}) == 20
    invented = [r for r in reports if re.fullmatch(r"hc2\d{4}", r["column_id"])]
    assert invented and all(re.fullmatch(r"/hcxxxgk/hc2\d{4}/\d{6}/[0-9a-f]{32}\.shtml", r["path"]) for r in invented)
    # the township navigation reaches an invented township's column
    nav = soup(get(server, "http://www.huichang.gov.cn/hcxxxgk/xzxxgk/xxgk_navs.shtml")[2])
    names = {a.get_text() for a in nav.select("ul.xxgk_navs a")}
    assert {r["agency_short"] for r in invented if r["agency_kind"] == "township"} <= names
    listed = Counter()
    for agency in site.agencies:
        page, pages = 1, 1
        while page <= pages:
            name = "xxgk_list.shtml" if page == 1 else f"xxgk_list_{page}.shtml"
            status, _, body = get(server, f"http://www.huichang.gov.cn/hcxxxgk/{agency.column_id}/{name}")
            assert status == 200
            pages = int(re.search(r"createPageHTML\('page_div', (\d+), " + str(page), body.decode()).group(1))
            for a in soup(body).select("ul.xxgk_list > li > a"):
                listed[a["href"]] += 1
            page += 1
    assert sorted(listed) == sorted(r["path"] for r in reports) and set(listed.values()) == {1}
    # attachments of invented bodies sit under the article: /<col>/<YYYYMM>/<uuid>/files/<uuid>.<ext>
    with_files = [r for r in invented if r["attachments"]]
    assert with_files
    for r in with_files[:4]:
        for att in r["attachments"]:
            assert re.fullmatch(r"http://www\.huichang\.gov\.cn" + re.escape(r["path"][:-6]) + r"/files/[0-9a-f]{32}\.(pdf|docx|png)",
                                att["url"])
        check_report_page(server, r)


def test_trs_family(server, truth, web):
    reports = reports_of(truth, "trs")
    host = "http://www.hukou.gov.cn"
    nav = soup(get(server, host + "/zwgk/")[2])
    columns = [a["href"] for a in nav.select(".gk-group a")]
    assert len(columns) == 20 and all(re.fullmatch(r"/[a-z]+/zfxxgknb_\d{6}/", c) for c in columns)
    listed = {}
    for column in columns:
        first = get(server, host + column)
        assert first[0] == 200 and get(server, host + column + "index.html")[2] == first[2]
        m = re.search(r'createPageHTML\((\d+), 0, "index", "html"\);', first[2].decode())
        pages = int(m.group(1))
        for page in range(pages):
            url = host + column + ("index.html" if page == 0 else f"index_{page}.html")
            status, _, body = get(server, url)
            assert status == 200
            assert f'createPageHTML({pages}, {page}, "index", "html");' in body.decode()
            for li in soup(body).select("ul.list > li"):
                href = li.a["href"]
                assert re.fullmatch(r"\./\d{6}/t\d{8}_\d{7}\.html", href)  # relative, as TRS writes them
                listed[urljoin(url, href)] = li.select_one("span.date").get_text()
        assert get(server, host + column + f"index_{pages}.html")[0] == 404
    assert sorted(listed) == sorted(r["url"] for r in reports)
    for r in reports:
        assert listed[r["url"]] == r["declared_published"]
        folder, name = r["path"].rsplit("/", 2)[1:]
        assert name.startswith("t" + r["actual_published"].replace("-", ""))  # URL date is the creation date
    for r in [x for x in reports if x["form"] != "html"][:6] + [x for x in reports if x["layout"] == "word_paste"][:2]:
        s = check_report_page(server, r)
        box = {td.get_text(strip=True) for td in s.select("table.xxgk_table td")}
        assert "发布日期" in box and r["declared_published"] in box and r["agency"] in box
        assert any(x.startswith("索") for x in box)
        for a in s.select('a[appendix="true"]'):
            assert re.fullmatch(r"\./P0\d{20}\.(pdf|docx|xls)", a["href"]) and a["OLDSRC".lower()].startswith("/protect/P0")


def test_hanweb_family(server, truth):
    reports = reports_of(truth, "hanweb")
    host = "http://www.shangyu.gov.cn"
    status, _, body = get(server, host + "/col/col1229351148/index.html")
    text = body.decode()
    assert status == 200 and len(reports) > 45
    xml = re.search(r'<script type="text/xml">(.*?)</script>', text, re.S).group(1)
    first = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml, re.S)
    assert len(first) == 45
    total = int(re.search(r"totalRecord: (\d+)", text).group(1))
    assert total == len(reports)
    form = {"col": "1", "appid": "1", "webid": "3039", "path": "/", "columnid": "1229351148", "sourceContentType": "1",
            "unitid": "4720853", "webname": "上虞", "permissiontype": "0"}
    body = "&".join(f"{k}={v}" for k, v in form.items()).encode()
    records = list(first)
    start = 46
    while start <= total:
        url = f"{host}/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 44}&perpage=15"
        status, headers, data = get(server, url, "POST", body, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200 and headers["Content-Type"].startswith("text/xml")
        assert f"<totalrecord>{total}</totalrecord>" in data.decode()
        records += re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", data.decode(), re.S)
        start += 45
    assert get(server, f"{host}/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=15")[0] == 405  # POST only
    seen = {}
    for rec in records:
        li = BeautifulSoup(rec, "lxml")
        seen[host + li.a["href"]] = li.b.get_text()
    assert sorted(seen) == sorted(r["url"] for r in reports)
    for r in reports:
        assert seen[r["url"]] == r["declared_published"]
        y, m, d = r["actual_published"].split("-")
        assert re.fullmatch(rf"/art/{int(y)}/{int(m)}/{int(d)}/art_1229351148_\d{{7}}\.html", r["path"])
    for r in [x for x in reports if x["form"] != "html"][:5]:
        s = check_report_page(server, r)
        info = s.select_one("div.art_info").get_text()
        assert "索引号" in info and "公开日期：" + r["declared_published_at"] in info and r["agency"] in info


def test_gkmlpt_family(server, truth):
    reports = reports_of(truth, "gkmlpt")
    host = "http://www.sgwjq.gov.cn"
    index = get(server, host + "/gkmlpt/index")[2].decode()
    config = json.loads(re.search(r"window\._CONFIG = (\{.*?\});", index).group(1))
    category = re.search(r'href="/gkmlpt/index#(\d+)">政府信息公开年报', index).group(1)
    assert get(server, host + "/robots.txt")[0] == 404
    articles = []
    for page in range(1, 100):  # the API answers 404 past its last page
        status, headers, data = get(server, f"{host}/gkmlpt/api/all/{category}?page={page}&sid={config['SID']}")
        if status == 404:
            break
        assert headers["Content-Type"].startswith("application/json")
        got = json.loads(data)
        assert got["offset"] == (page - 1) * 100 and len(got["articles"]) <= 100
        articles += got["articles"]
        total = got["total"]
        if len(got["articles"]) < 100:
            assert get(server, f"{host}/gkmlpt/api/all/{category}?page={page + 1}&sid={config['SID']}")[0] == 404
            break
    assert page >= 2 and len(articles) == total
    posts = [a for a in articles if a["type"] == "post"]
    offsite = [a for a in articles if a["type"] == "url"]
    assert offsite and all(urlsplit(a["url"]).hostname != "www.sgwjq.gov.cn" for a in offsite)
    by_url = {a["url"]: a for a in posts}
    assert sorted(by_url) == sorted(r["url"] for r in reports)
    beijing = timezone(timedelta(hours=8))
    for r in reports:
        a = by_url[r["url"]]
        when = datetime.fromtimestamp(a["create_time"], beijing)
        assert when.strftime("%Y-%m-%d %H:%M") == r["declared_published_at"]
        pid = a["id"]
        assert r["path"] == f"/gkmlpt/content/{pid // 1_000_000}/{pid // 1000}/post_{pid}.html"
    for r in [x for x in reports if x["form"] != "html"][:4]:
        s = check_report_page(server, r)
        assert r["declared_published"] in s.select_one("table.table-info").get_text()
    mobile = reports[0]["url"].replace("/post_", "/mpost_")
    assert get(server, mobile)[0] == 200
    assert get(server, f"{host}/gkmlpt/api/all/{category}?page=1&sid=1")[0] == 400


@pytest.mark.parametrize("family, host", [("trs", "www.hukou.gov.cn"),
                                          ("gkmlpt", "www.sgwjq.gov.cn")])
def test_truth_of_a_web_led_by_another_family_names_that_family_s_host(family, host):
    from simulator.truth import ground_truth

    web = build_portal(seed=3, families=family, agencies=4)
    truth = ground_truth(web)
    assert truth["site"] != "huichang"
    urls = [r["url"] for r in truth["reports"]]
    assert urls and all(urlsplit(u).netloc == host for u in urls)
    pages = [u for u in urls if u.endswith(".html")]
    assert pages and all(web.respond("GET", u).status == 200 for u in pages)
