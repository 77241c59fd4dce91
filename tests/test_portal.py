"""The simulated Huichang portal: navigation, lists, report pages, truth and determinism.

Real HTTP on localhost (urllib against ``PortalServer`` on port 0).  The small table reader
below is independent of ``simulator.render``: its labels come from the spec, so it checks
both that the pages print the statutory tables and that the truth equals what they show.
"""

from __future__ import annotations

import json
import math
import re
import urllib.error
import urllib.request
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from simulator import figures as F
from simulator.web import build_portal
from simulator.render import render_report_text, respond
from simulator.server import PortalServer
from simulator.truth import ground_truth

# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def portal():
    return build_portal(seed=1)


@pytest.fixture(scope="module")
def server(portal):
    with PortalServer(portal) as srv:
        yield srv


@pytest.fixture(scope="module")
def truth(portal, server):
    return ground_truth(portal, base_url=server.url)


def fetch(url: str, method: str = "GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def soup_of(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body.decode("utf-8"), "lxml")


def meta(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find("meta", attrs={"name": name})
    return tag["content"] if tag else None


def norm(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0“”\"]+", "", text)


# --- an independent reader of the statutory tables ------------------------------------------

SPEC_ROW_LABELS = {  # shared/spec/report-model.md, table 三
    "一、本年新收政府信息公开申请数量": "new_received",
    "二、上年结转政府信息公开申请数量": "carried_over",
    "（一）予以公开": "disclosed",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "partly_disclosed",
    "1.属于国家秘密": "withheld.state_secret",
    "2.其他法律行政法规禁止公开": "withheld.prohibited_by_law",
    '3.危及"三安全一稳定"': "withheld.security_stability",
    "4.保护第三方合法权益": "withheld.third_party_rights",
    "5.属于三类内部事务信息": "withheld.internal_affairs",
    "6.属于四类过程性信息": "withheld.process_info",
    "7.属于行政执法案卷": "withheld.enforcement_files",
    "8.属于行政查询事项": "withheld.inquiry_matters",
    "1.本机关不掌握相关政府信息": "unavailable.not_held",
    "2.没有现成信息需要另行制作": "unavailable.needs_creation",
    "3.补正后申请内容仍不明确": "unavailable.still_unclear",
    "1.信访举报投诉类申请": "not_processed.petition",
    "2.重复申请": "not_processed.duplicate",
    "3.要求提供公开出版物": "not_processed.publication",
    "4.无正当理由大量反复申请": "not_processed.excessive",
    "5.要求行政机关确认或重新出具已获取信息": "not_processed.confirmation",
    "（六）其他处理": "other_handling",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "other_handling.no_correction",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "other_handling.unpaid_fee",
    "3.其他": "other_handling.other",
    "（七）总计": "handled_total",
    "四、结转下年度继续办理": "carried_forward",
    # variants printed by the seed document
    "（二）部分公开（区分处理的，只记这一情形，不记其他情形）": "partly_disclosed",
    "1.信访投诉举报类申请": "not_processed.petition",
}
ROW_BY_NORM = {norm(k): v for k, v in SPEC_ROW_LABELS.items()}

PROACTIVE_ROWS = {
    "规章": "rules",
    "规范性文件": "normative_docs",
    "行政规范性文件": "normative_docs",
    "行政许可": "licensing",
    "其他对外管理服务事项": "other_services",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政事业性收费": "fees",
    "政府集中采购": "procurement",
}
PROACTIVE_COLS = {
    "本年新制作数量": "made",
    "本年新公开数量": "published",
    "对外公开总数量": "total_published",
    "上一年项目数量": "prev_count",
    "本年增/减": "change",
    "处理决定数量": "decisions",
    "采购项目数量": "projects",
    "采购总金额": "amount",
    "本年制发件数": "made",
    "本年废止件数": "repealed",
    "现行有效件数": "valid",
    "本年处理决定数量": "decisions",
    "本年收费金额（单位：万元）": "amount_10k_yuan",
}
REVIEW_COLS = {"结果维持": "upheld", "结果维护": "upheld", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending", "总计": "total"}
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def cell_text(td) -> str:
    return td.get_text("\n", strip=True).replace("\xa0", " ").strip()


def parse_value(text: str):
    t = text.strip()
    if t == "":
        return None
    if not NUMBER.match(t):
        raise ValueError(t)
    return float(t) if "." in t else int(t)


def is_value(text: str) -> bool:
    return text.strip() == "" or bool(NUMBER.match(text.strip()))


def read_tables(soup: BeautifulSoup) -> dict:
    """What a careful reader gets from the three tables of a report page."""
    tables = soup.select("#zoomcon table")
    assert len(tables) == 3, len(tables)
    figures: dict = {}

    # table 二: header rows (信息内容 …) name the columns of the rows below them
    header = None
    for tr in tables[0].find_all("tr"):
        texts = [cell_text(td) for td in tr.find_all("td")]
        if norm(texts[0]) == "信息内容":
            header = [PROACTIVE_COLS[norm(t)] for t in texts[1:]]
        elif norm(texts[0]) in PROACTIVE_ROWS:
            row = PROACTIVE_ROWS[norm(texts[0])]
            assert len(texts) - 1 == len(header)
            for col, t in zip(header, texts[1:]):
                figures[f"proactive.{row}.{col}"] = parse_value(t)

    # table 三: label cells then value cells; a row with 7 values is readable
    for tr in tables[1].find_all("tr"):
        texts = [cell_text(td) for td in tr.find_all("td")]
        labels = [t for t in texts if not is_value(t)]
        values = texts[len(labels):]
        if not labels or norm(labels[-1]) not in ROW_BY_NORM or not values:
            continue
        assert all(not is_value(t) for t in texts[: len(labels)])
        row = ROW_BY_NORM[norm(labels[-1])]
        if len(values) != len(F.APPLICATION_COLUMNS):
            continue  # cannot know which columns the cells belong to
        for col, t in zip(F.APPLICATION_COLUMNS, values):
            figures[f"applications.{row}.{col}"] = parse_value(t)

    # table 四: the third row names 10 litigation columns, the last row holds 15 values
    rows = tables[2].find_all("tr")
    second = [norm(cell_text(td)) for td in rows[1].find_all("td")]
    assert second[5:] == ["未经复议直接起诉", "复议后起诉"]
    cols = [REVIEW_COLS[t] for t in second[:5]]
    cols += [REVIEW_COLS[norm(cell_text(td))] for td in rows[2].find_all("td")]
    vals = [cell_text(td) for td in rows[3].find_all("td")]
    assert len(vals) == 15
    groups = ["review"] * 5 + ["litigation.direct"] * 5 + ["litigation.after_review"] * 5
    for g, c, t in zip(groups, cols, vals):
        figures[f"{g}.{c}"] = parse_value(t)
    return figures


# --- navigation and lists -------------------------------------------------------------------


def crawl(server) -> dict[str, bytes]:
    """Breadth-first over navigation and list pages only (no guessing of column ids)."""
    start = server.url
    seen, pages = set(), {}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        status, _, body = fetch(url)
        assert status == 200, url
        pages[url] = body
        for a in soup_of(body).find_all("a", href=True):
            target = urljoin(url, a["href"])
            if urlsplit(target).netloc != urlsplit(start).netloc:
                continue
            path = urlsplit(target).path
            if path == "/hcxxxgk/" or path.endswith("/xxgk_navs.shtml") or path.endswith("/xxgk_list.shtml"):
                queue.append(target)
    return pages


def test_navigation_reaches_every_annual_column(portal, server):
    pages = crawl(server)
    annual = {}
    for url, body in pages.items():
        s = soup_of(body)
        if meta(s, "ColumnType") == "信息公开年报" and url.endswith("/xxgk_list.shtml"):
            annual[urlsplit(url).path.split("/")[2]] = meta(s, "ColumnName")
    expected = {a.column_id: a.column_title for a in portal.agencies}
    assert annual == expected
    assert expected["hc1590"] == "政务信息公开年报"
    assert expected["hc1528"] == "政务信息公开年报"
    assert expected["wglbmndbg"] == "政府信息公开年报"
    # the section page offers the four entries of the brief
    s = soup_of(fetch(server.url + "hcxxxgk/")[2])
    menu = {a.get_text(strip=True): a["href"] for a in s.select("ul.xxgk_nav a")}
    assert menu["乡镇信息公开"] == "/hcxxxgk/xzxxgk/xxgk_navs.shtml"
    assert menu["部门信息公开"] == "/hcxxxgk/bmxxgk/xxgk_navs.shtml"
    assert menu["政府信息公开年报"] == f"/hcxxxgk/{portal.county.column_id}/xxgk_list.shtml"
    assert "政府信息公开指南" in menu
    assert fetch(server.url + "hcxxxgk/index.shtml")[0] == 200


def test_list_pagination_and_every_report_listed_once(portal, server, truth):
    listed = Counter()
    dates = {}
    titles = {}
    for agency in portal.agencies:
        base = f"{server.url}hcxxxgk/{agency.column_id}/"
        status, headers, body = fetch(base + "xxgk_list.shtml")
        assert status == 200
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        m = re.search(r"createPageHTML\('page_div', (\d+), (\d+), 'xxgk_list', 'shtml', (\d+)\);", body.decode())
        pages, cur, total = map(int, m.groups())
        assert cur == 1
        assert pages == math.ceil(total / portal.page_size)
        items = 0
        for page in range(1, pages + 1):
            url = base + ("xxgk_list.shtml" if page == 1 else f"xxgk_list_{page}.shtml")
            status, _, body = fetch(url)
            assert status == 200
            text = body.decode()
            assert f"createPageHTML('page_div', {pages}, {page}, 'xxgk_list', 'shtml', {total});" in text
            s = soup_of(body)
            assert '<div id="page_div"></div>' in text
            crumb = norm(s.select_one("div.position").get_text())
            if agency.kind == "township":
                assert crumb == norm(f"您当前所在位置:首页>乡镇信息公开>{agency.short_name}>政务信息公开年报")
            assert meta(s, "SiteName") and meta(s, "SiteDomain") and meta(s, "SiteIDCode")
            assert meta(s, "ColumnName") == agency.column_title
            lis = s.select("ul.xxgk_list > li")
            assert 1 <= len(lis) <= portal.page_size
            entries = []
            for li in lis:
                a = li.find("a")
                assert a["target"] == "_blank"
                path = a["href"]
                assert re.fullmatch(rf"/hcxxxgk/{agency.column_id}/\d{{6}}/[0-9a-f]{{32}}\.shtml", path)
                listed[path] += 1
                dates[path] = li.select_one("span.time").get_text()
                titles[path] = a["title"]
                shown = a.get_text()
                assert shown == a["title"] or (shown.endswith("…") and a["title"].startswith(shown[:-1]))
                entries.append(dates[path])
            assert entries == sorted(entries, reverse=True)
            items += len(lis)
        assert items == total
        assert fetch(base + f"xxgk_list_{pages + 1}.shtml")[0] == 404
    for r in truth["reports"]:
        assert listed[r["path"]] == 1, r["path"]
        assert dates[r["path"]] == r["published"]
        assert titles[r["path"]] == r["title"]
    assert sum(listed.values()) == len(truth["reports"])


# --- report pages ---------------------------------------------------------------------------


def test_report_pages_carry_metadata_tables_and_the_truth(portal, server, truth):
    for r in truth["reports"]:
        status, headers, body = fetch(r["url"])
        assert status == 200, r["url"]
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert b'<meta charset="utf-8">' in body
        s = soup_of(body)
        assert meta(s, "ArticleTitle") == r["title"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", meta(s, "PubDate"))
        assert meta(s, "PubDate").startswith(r["published"])
        assert meta(s, "ContentSource") == r["agency"]
        assert meta(s, "ColumnType") == "信息公开年报"
        assert s.select_one("div.article-title").get_text() == r["title"]
        assert "关怀版" in s.get_text() and "无障碍" in s.get_text()
        assert s.find(id="visits") is not None and "访问量:" in s.get_text()
        crumbs = [a.get_text() for a in s.select("div.position a")]
        if r["agency_kind"] == "township":
            assert crumbs == ["首页", "乡镇信息公开", r["agency_short"], "政务信息公开年报"]
        elif r["agency_kind"] == "department":
            assert crumbs == ["首页", "部门信息公开", r["agency"], "政府信息公开年报"]
        else:
            assert crumbs == ["首页", "政府信息公开", "政府信息公开年报"]
        content = s.select_one("div.article-content#zoomcon")
        text = content.get_text()
        for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
            assert heading in text
        assert f"{r['report_year']}年1月1日至{r['report_year']}年12月31日" in text
        # the truth is exactly what the tables show
        printed = {k: v for k, v in r["figures"].items() if k not in derived_keys(r)}
        assert read_tables(s) == printed, r["title"]
        n = portal.report_by_path(r["path"]).values["applications.new_received.total"]
        if n:
            assert f"全年共收到政府信息公开申请{n}件" in text


def test_report_table_structure(portal):
    for template, year in (("t2019", 2020), ("t2021", 2023)):
        report = portal.report("wglbmndbg", year)
        s = soup_of(respond(portal, "GET", report.path)[2])
        t3 = s.select("#zoomcon table")[1]
        note = t3.find("td", string=re.compile("勾稽关系"))
        assert (note["colspan"], note["rowspan"]) == ("3", "3")
        assert t3.find("td", string="申请人情况")["colspan"] == "7"
        assert t3.find("td", string="自然人")["rowspan"] == "2"
        assert t3.find("td", string="法人或其他组织")["colspan"] == "5"
        assert t3.find("td", string=re.compile("^(总计|合计)$"))["rowspan"] == "2"
        tall = t3.find("td", string="三、本年度办理结果")
        assert tall["rowspan"] == ("20" if template == "t2019" else "22")
        assert t3.find("td", string="（三）不予公开")["rowspan"] == "8"
        assert t3.find("td", string="（四）无法提供")["rowspan"] == "3"
        assert t3.find("td", string="（五）不予处理")["rowspan"] == "5"
        other = t3.find("td", string="（六）其他处理")
        assert other.get("rowspan") == ("3" if template == "t2021" else None)
        t4 = s.select("#zoomcon table")[2]
        assert t4.find("td", string="行政复议")["colspan"] == "5"
        assert t4.find("td", string="行政诉讼")["colspan"] == "10"
        t2 = s.select("#zoomcon table")[0].get_text()
        if template == "t2021":
            assert "本年制发件数" in t2 and "本年收费金额（单位：万元）" in t2 and "行政规范性文件" in t2
        else:
            assert "对外公开总数量" in t2 and "第二十条第（九）项" in t2 and "其他对外管理服务事项" in t2


def test_presentation_variants_are_recorded(portal):
    kinds = Counter(d["kind"] for r in portal.reports for d in r.defects)
    assert kinds["total_label"] and kinds["word_markup"] and kinds["blank_cells"]
    for r in portal.reports:
        page = respond(portal, "GET", r.path)[2].decode()
        has = {d["kind"] for d in r.defects}
        assert ("仿宋_GB2312" in page) == ("word_markup" in has)
        assert ("<p>&nbsp;</p>" in page) == ("blank_cells" in has)
        nones = [k for k, v in r.figures.items() if v is None]
        if "blank_cells" in has:
            assert nones and all(r.values[k] == 0 for k in nones)
        else:
            assert not nones


# --- truth, arithmetic, cross-year rules ----------------------------------------------------


def derived_keys(truth_report) -> set:
    # t2021's other_handling is the spec's sum of three printed rows, not a cell.
    if truth_report["template"] != "t2021":
        return set()
    return {k for k in truth_report["figures"] if re.fullmatch(r"applications\.other_handling\.[a-z_]+", k)
            and k.rsplit(".", 1)[1] not in ("no_correction", "unpaid_fee", "other")}


def test_truth_shape(portal, truth):
    assert truth["site"] == "huichang" and truth["seed"] == 1
    assert len(truth["reports"]) == len(portal.agencies) * 6
    for r in truth["reports"]:
        assert set(r) >= {"url", "path", "site", "family", "agency", "agency_short", "agency_kind", "column_id",
                          "report_year", "template", "form", "title", "published", "figures", "defects"}
        assert r["family"] == "ganzhou" and r["form"] == "html"
        assert r["template"] == ("t2019" if r["report_year"] <= 2020 else "t2021")
        assert set(r["figures"]) - derived_keys(r) <= set(F.figure_keys(r["template"]))
        assert all(d.get("kind") for d in r["defects"])
        published = r["published"]
        year = r["report_year"] + 1
        if r["agency_kind"] == "county_government":
            assert published.startswith(f"{year}-03-")
        else:
            assert published.startswith(f"{year}-01-")
        assert re.fullmatch(rf"/hcxxxgk/{r['column_id']}/{year}0[13]/[0-9a-f]{{32}}\.shtml", r["path"])
        name = r["agency_short"] if r["agency_kind"] == "township" else r["agency"]
        assert r["title"] == f"{name}{r['report_year']}年政府信息公开工作年度报告"
    keys21 = F.figure_keys("t2021")
    assert "applications.other_handling.total" not in keys21
    assert "applications.other_handling.no_correction.total" in keys21
    assert "applications.other_handling.total" in F.figure_keys("t2019")
    json.dumps(truth, ensure_ascii=False)


def test_arithmetic_holds_except_where_defects_say(portal, truth):
    for r in truth["reports"]:
        blank = any(d["kind"] == "blank_cells" for d in r["defects"])
        short = [d for d in r["defects"] if d["kind"] == "short_rows"]
        problems = F.arithmetic_problems(r["figures"], r["template"], blank_as_zero=blank)
        assert problems == [], (r["title"], problems)
        keys = set(F.figure_keys(r["template"]))
        missing = keys - set(r["figures"])
        damaged = {f"applications.{row}.{c}" for d in short for row in d["rows"] for c in F.APPLICATION_COLUMNS}
        assert missing == damaged
    for rep in portal.reports:  # the complete values too
        assert F.arithmetic_problems(rep.values, rep.template) == []


def test_cross_year_rules(portal):
    for agency in portal.agencies:
        reps = sorted(portal.reports_of(agency.code), key=lambda r: r.report_year)
        for prev, cur in zip(reps, reps[1:]):
            for c in F.APPLICATION_COLUMNS:
                assert cur.values[f"applications.carried_over.{c}"] == prev.values[f"applications.carried_forward.{c}"]
                a = cur.figures.get(f"applications.carried_over.{c}")
                b = prev.figures.get(f"applications.carried_forward.{c}")
                if a is not None and b is not None:
                    assert a == b
            if prev.template == cur.template == "t2021":
                for row in ("rules", "normative_docs"):
                    p = f"proactive.{row}."
                    assert cur.figures[p + "valid"] == prev.figures[p + "valid"] + cur.figures[p + "made"] - cur.figures[p + "repealed"]


def test_sizes_by_kind(portal):
    for r in portal.reports:
        n = r.values["applications.new_received.total"]
        assert 0 <= n <= 60
        if r.agency.kind == "township":
            assert n <= 4
        fee = r.values.get("proactive.fees.amount_10k_yuan")
        if fee is not None:
            assert fee == 0 or (isinstance(fee, float) and round(fee, 2) == fee)


# --- the seed document ----------------------------------------------------------------------


def test_zhuangkou_2020_reproduces_the_seed(portal, truth):
    r = next(x for x in truth["reports"] if x["column_id"] == "hc1590" and x["report_year"] == 2020)
    assert r["title"] == "庄口镇2020年政府信息公开工作年度报告"
    assert r["template"] == "t2019" and r["agency"] == "会昌县庄口镇人民政府"
    assert r["published"] == "2021-01-20" and r["path"].startswith("/hcxxxgk/hc1590/202101/")
    figs = r["figures"]
    assert figs["proactive.normative_docs.total_published"] == 20
    assert all(v == 0 for k, v in figs.items() if k != "proactive.normative_docs.total_published")
    for key in ("applications.new_received.total", "applications.carried_over.total", "review.total",
                "litigation.direct.total", "litigation.after_review.total"):
        assert figs[key] == 0
    short = [d for d in r["defects"] if d["kind"] == "short_rows"]
    assert len(short) == 1
    rows = short[0]["rows"]
    assert rows[0] == "disclosed" and rows[-1] == "carried_forward" and len(rows) == 21
    assert (short[0]["table"], short[0]["cells"], short[0]["expected_cells"]) == ("applications", 5, 7)
    assert {"kind": "label_typo", "label": "结果维护"}.items() <= next(
        d for d in r["defects"] if d["kind"] == "label_typo").items()
    assert "applications.disclosed.total" not in figs and "applications.carried_forward.total" not in figs
    # 2019 must hand over nothing, 2021 receives nothing
    assert portal.report("hc1590", 2019).values["applications.carried_forward.total"] == 0
    assert portal.report("hc1590", 2021).values["applications.carried_over.total"] == 0

    report = portal.report_by_path(r["path"])
    s = soup_of(respond(portal, "GET", report.path)[2])
    t3 = s.select("#zoomcon table")[1]
    assert t3.find("td", string=re.compile("^合计$"))
    counts = []
    for tr in t3.find_all("tr")[3:]:
        texts = [cell_text(td) for td in tr.find_all("td")]
        counts.append(sum(1 for t in texts if is_value(t)))
    assert counts == [7, 7] + [5] * 21
    t4 = s.select("#zoomcon table")[2]
    assert len(t4.find_all("td", string="结果维护")) == 3
    assert [td.get("colspan") for td in t4.find_all("tr")[0].find_all("td")] == ["5", "10"]
    assert len(t4.find_all("tr")[3].find_all("td")) == 15

    text = render_report_text(report)
    assert text.startswith("庄口镇2020年政府信息公开工作年度报告\n")
    assert "\t（一）予以公开\n\t0\n\t0\n\t0\n\t0\n\t0\n\n\t\n\t（二）部分公开" in text
    assert "\t商业\n企业\n" in text
    assert "\t四、结转下年度继续办理\n\t0\n\t0\n\t0\n\t0\n\t0\n" in text
    assert "\t本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和\n\t申请人情况\n\n\t\n\t自然人\n\t法人或其他组织\n\t合计\n" in text
    assert "\t规范性文件\n\t0\n\t0\n\t20\n" in text
    assert "\t结果维护\n" in text
    assert "\n".join(["\t0"] * 15) in text


def test_report_text_of_other_reports(portal):
    report = portal.report("hc2453", 2022)
    text = render_report_text(report)
    assert text.splitlines()[0] == report.title
    assert "\t三、本年度办理结果\n" in text and "\t（六）其他处理\n\t1.申请人无正当理由" in text
    values = "\n".join(f"\t{report.values[f'applications.new_received.{c}']}" for c in F.APPLICATION_COLUMNS)
    if not any(d["kind"] == "blank_cells" for d in report.defects):
        assert f"\t一、本年新收政府信息公开申请数量\n{values}\n\n" in text
    assert text.count("\t一、本年新收政府信息公开申请数量\n") == 1


# --- determinism ----------------------------------------------------------------------------


def test_determinism():
    a, b = build_portal(seed=7), build_portal(seed=7)
    ja = json.dumps(ground_truth(a), ensure_ascii=False, sort_keys=True)
    jb = json.dumps(ground_truth(b), ensure_ascii=False, sort_keys=True)
    assert ja == jb
    assert a.paths() == b.paths()
    for path in a.paths():
        assert respond(a, "GET", path) == respond(b, "GET", path), path
    for r1, r2 in zip(a.reports, b.reports):
        assert render_report_text(r1) == render_report_text(r2)
    c = build_portal(seed=8)
    fa = [r["figures"] for r in ground_truth(a)["reports"]]
    fc = [r["figures"] for r in ground_truth(c)["reports"]]
    assert fa != fc
    assert sum(x != y for x, y in zip(fa, fc)) > len(fa) // 2
    # the seed document is a fact and does not depend on the seed
    assert a.report("hc1590", 2020).figures == c.report("hc1590", 2020).figures


def test_years_and_page_size_parameters():
    p = build_portal(seed=3, years=range(2021, 2024), page_size=2)
    assert {r.report_year for r in p.reports} == {2021, 2022, 2023}
    assert {r.template for r in p.reports} == {"t2021"}
    status, _, body = respond(p, "GET", "/hcxxxgk/hc1528/xxgk_list.shtml")
    assert status == 200 and "createPageHTML('page_div', 2, 1, 'xxgk_list', 'shtml', 3);" in body.decode()
    assert respond(p, "GET", "/hcxxxgk/hc1528/xxgk_list_2.shtml")[0] == 200
    assert respond(p, "GET", "/hcxxxgk/hc1528/xxgk_list_3.shtml")[0] == 404


# --- server and router ----------------------------------------------------------------------


def test_router_edges(portal, server):
    status, headers, body = fetch(server.url + "robots.txt")
    assert status == 200 and body == b"User-agent: *\nAllow: /\n"
    status, headers, body = fetch(server.url + "no/such/page.shtml")
    assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8" and body
    assert fetch(server.url + "hcxxxgk/hc1590/xxgk_list_1.shtml")[0] == 404
    assert fetch(server.url + "hcxxxgk/hc1590/202101/" + "0" * 32 + ".shtml")[0] == 404
    path = portal.reports[0].path
    status, headers, body = fetch(server.url + path.lstrip("/"), method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == len(respond(portal, "GET", path)[2])
    assert respond(portal, "POST", path)[0] == 405
    assert respond(portal, "GET", path + "?x=1")[0] == 200
    # every page the model names is served, and every internal link resolves
    for p in portal.paths():
        status, _, body = respond(portal, "GET", p)
        assert status == 200, p
        for href in re.findall(r'href="(/[^"]*)"', body.decode()):
            assert respond(portal, "HEAD", href)[0] == 200, (p, href)


def test_server_lifecycle(portal):
    srv = PortalServer(portal).start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", srv.url)
        assert fetch(srv.url)[0] == 200
    finally:
        srv.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(srv.url if srv._httpd else f"http://127.0.0.1:{srv.port}/", timeout=2)
