"""Hanweb (大汉) sites: 上虞区 www.shangyu.gov.cn.

* the 信息公开年报 column ``/col/col1229351148/index.html`` lists every body's report; the page
  embeds the first 45 records as ``<record><![CDATA[<li>…</li>]]></record>`` inside
  ``<script type="text/xml">``, the rest come from
  ``POST /module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15`` with the
  column's form fields, answered as ``<datastore><recordset>…`` XML;
* reports are ``/art/<Y>/<M>/<D>/art_1229351148_<id>.html`` (date unpadded), with a
  索引号/公开日期/发布单位 block and meta tags;
* attachments are ``/module/download/downfile.jsp?classid=0&filename=<hex>.<ext>``.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from ..forms import attachment_name, body_html, document_kinds
from ..model import Agency
from ..reports import Attachment, Report
from ..site import UTF8_META, Request, Response, bytes_response, html_response
from .base import E, FamilySite, Unit, digest, number

SHANGYU_UNITS = [
    Unit("绍兴市上虞区人民政府", "上虞区", "county_government", "qzf"),
    Unit("绍兴市上虞区经济和信息化局", "区经信局", "department", "jxj"),
    Unit("绍兴市上虞区财政局", "区财政局", "department", "czj"),
    Unit("绍兴市上虞区教育体育局", "区教体局", "department", "jtj"),
    Unit("绍兴市上虞区百官街道办事处", "百官街道", "township", "bgjd"),
    Unit("绍兴市上虞区曹娥街道办事处", "曹娥街道", "township", "cejd"),
    Unit("绍兴市上虞区章镇镇人民政府", "章镇镇", "township", "zzz"),
    Unit("绍兴市上虞区丰惠镇人民政府", "丰惠镇", "township", "fhz"),
]

COLUMN_ID = 1229351148
UNIT_ID = 4720853
WEB_ID = 3039
FIRST_GROUP = 45  # records embedded in the column page (3 pages of 15)
PER_PAGE = 15
MAX_RECORDS = 300  # dataproxy truncates larger requests, as servers in the wild do
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
DOWNLOAD = "/module/download/downfile.jsp"


class HanwebSite(FamilySite):
    family = "hanweb"
    moved_status = 404
    markup = "plain"  # "varied": record dates written the ways real Hanweb lists write them

    @property
    def column_path(self) -> str:
        return f"/col/col{COLUMN_ID}/index.html"

    def make_agency(self, index: int, unit: Unit) -> Agency:
        # every body's reports are listed in the one annual-report column
        return Agency(f"{self.key}-{unit.slug or index}", unit.name, unit.short, unit.kind, str(COLUMN_ID), "政府信息公开年报", None,
                      site=self.key, slug=unit.slug)

    def column_of(self, report: Report) -> str:
        return str(COLUMN_ID)

    def report_path(self, report: Report, when: date, salt: str) -> str:
        art = number(self.seed, self.key, report.uuid, salt)
        return f"/art/{when.year}/{when.month}/{when.day}/art_{COLUMN_ID}_{art}.html"

    def attachments_for(self, report: Report) -> list:
        out = []
        for i, kind in enumerate(document_kinds(report)):
            name = f"{digest(self.seed, self.key, report.uuid, 'file', i)[:20]}.{kind}"
            target = f"{DOWNLOAD}?classid=0&filename={name}"
            out.append(Attachment(target, target, attachment_name(report, kind, i), kind))
        return out

    def attachment_key(self, target: str) -> str:
        # the filename names the file whatever else the query carries
        if not target.startswith(DOWNLOAD):
            return target
        from urllib.parse import parse_qs, urlsplit

        return "file:" + parse_qs(urlsplit(target).query).get("filename", [""])[-1]

    def robots_fault(self, rng):
        text = "User-agent: *\nDisallow: /module/download/\n"
        return text, (lambda r: bool(r.attachments)), {"disallow": ["/module/download/"]}

    # --- pages ----------------------------------------------------------------------------------

    def _page(self, title: str, body: str, metas=()) -> str:
        site_metas = [("SiteName", self.title), ("SiteDomain", self.host), ("SiteIDCode", str(number(self.key, "site", digits=10)))]
        meta_html = "\n".join(f'<meta name="{E(k)}" content="{E(v)}">' for k, v in site_metas + list(metas))
        return (
            f"<!DOCTYPE html>\n<html>\n<head>\n{UTF8_META}\n<title>{E(title)}</title>\n{meta_html}\n"
            '<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>\n'
            '<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.jpage.js"></script>\n</head>\n<body>\n'
            f'<div class="top"><a href="/" class="logo">{E(self.title)}</a></div>\n{body}\n'
            f'<div class="bottom">主办：{E(self.title)}办公室</div>\n</body>\n</html>\n'
        )

    def _record(self, r: Report) -> str:
        shown = f"{r.published:%Y-%m-%d}"
        if self.markup == "varied":
            # Real Hanweb lists write dates every way: 2024/1/31, 2024年01月31日, [01-31] (the year
            # is in the /art/Y/M/D/ URL), date before the title.
            style = number("date", r.uuid, digits=3) % 4
            when = r.published
            shown = (shown, f"{when.year}/{when.month}/{when.day}", f"{when:%Y年%m月%d日}", f"[{when:%m-%d}]")[style]
            return (f'<record><![CDATA[<li><span class="date">{shown}</span><a href="{E(r.current_path(self.clock))}" '
                    f'title="{E(r.title)}" target="_blank">{E(r.title)}</a></li>]]></record>')
        return (f'<record><![CDATA[<li><a href="{E(r.current_path(self.clock))}" title="{E(r.title)}" target="_blank">'
                f"{E(r.title)}</a><b>{shown}</b></li>]]></record>")

    def _nextgroup(self) -> str:
        return (f'<nextgroup><![CDATA[<a href="{DATAPROXY}?page=1&appid=1&webid={WEB_ID}&path=/&columnid={COLUMN_ID}'
                f'&unitid={UNIT_ID}&webname={quote(self.title)}&permissiontype=0"></a>]]></nextgroup>')

    def home(self) -> str:
        lis = "\n".join(f'<li><a href="{E(r.current_path(self.clock))}" title="{E(r.title)}">{E(r.title)}</a></li>' for r in self.newest(6))
        return self._page(self.title, f'<div class="main"><a href="{self.column_path}">信息公开年报</a><ul>\n{lis}\n</ul></div>')

    def column_page(self) -> str:
        entries = self.column_entries(str(COLUMN_ID))
        records = "".join(self._record(r) for r in entries[:FIRST_GROUP])
        datastore = (f'<script type="text/xml"><datastore>{self._nextgroup()}<recordset>{records}</recordset></datastore></script>')
        script = (
            '<script type="text/javascript">$(document).ready(function(){'
            f"$('#{UNIT_ID}').jpage({{dataStore: dataStore, proxyUrl: '{DATAPROXY}', perPage: {PER_PAGE}, groupSize: 3, "
            f"totalRecord: {len(entries)}, barPosition: 'bottom', ajaxParam: {{col: 1, appid: 1, webid: {WEB_ID}, path: '/', "
            f"columnid: {COLUMN_ID}, sourceContentType: 1, unitid: {UNIT_ID}, webname: '{E(self.title)}', permissiontype: 0}}}});"
            "});</script>"
        )
        body = (f'<div class="main"><div class="position">当前位置：<a href="/">首页</a> &gt;&gt; 信息公开 &gt;&gt; 信息公开年报</div>\n'
                f'<div class="column-title">信息公开年报</div>\n<div id="{UNIT_ID}">{datastore}</div>\n{script}\n</div>')
        metas = [("ColumnName", "信息公开年报"), ("ColumnDescription", "政府信息公开年度报告"),
                 ("ColumnKeywords", "年报"), ("ColumnType", "信息公开年报")]
        return self._page(f"信息公开年报-{self.title}", body, metas)

    def dataproxy(self, req: Request) -> Response:
        if req.method != "POST":
            return html_response(self.not_found_page(), 405, headers={"Allow": "POST"})
        q = req.query
        form = req.form
        entries = self.column_entries(str(COLUMN_ID)) if form.get("columnid") == str(COLUMN_ID) else []
        try:
            start = max(1, int(q.get("startrecord") or 1))
            end = int(q.get("endrecord") or start + PER_PAGE - 1)
        except ValueError:
            start, end = 1, PER_PAGE
        end = min(end, start + MAX_RECORDS - 1)
        chosen = entries[start - 1:end]
        xml = ('<?xml version="1.0" encoding="UTF-8"?><datastore>' + self._nextgroup()
               + "<recordset>" + "".join(self._record(r) for r in chosen) + "</recordset>"
               + f"<totalrecord>{len(entries)}</totalrecord><totalpage>{-(-len(entries) // PER_PAGE)}</totalpage></datastore>")
        return bytes_response(xml.encode("utf-8"), "text/xml; charset=utf-8")

    def report_page(self, r: Report) -> str:
        a = r.agency
        index_no = f"{number(self.key, a.code, 'org', digits=9):09d}/{r.published.year}-{number(r.uuid, 'idx', digits=5)}"
        info = (
            '<div class="art_info"><table width="100%"><tr>'
            f"<td>索引号：{E(index_no)}</td><td>公开方式：主动公开</td></tr><tr>"
            f"<td>文号：</td><td>公开日期：{r.published_at:%Y-%m-%d %H:%M}</td></tr><tr>"
            f'<td colspan="2">发布单位：{E(a.name)}</td></tr></table></div>'
        )
        links = [(att.href, att.name) for att in r.attachments]
        body = (
            f'<div class="main"><div class="position">当前位置 : <a href="/">首页</a> &gt;&gt;{E(a.title_name)} &gt;&gt;信息公开年报 &gt;&gt;政府信息公开年报</div>\n'
            f'{info}\n<div class="article"><div class="title">{E(r.title)}</div>\n'
            f'<div id="zoom">\n{body_html(r, links)}\n</div>\n</div>\n</div>'
        )
        metas = [("ColumnName", "政府信息公开年报"), ("ColumnType", "信息公开年报"), ("ArticleTitle", r.title),
                 ("PubDate", f"{r.published_at:%Y-%m-%d %H:%M}"), ("ContentSource", a.name)]
        return self._page(f"{r.title}-{self.title}", body, metas)

    def route(self, req: Request) -> Response | None:
        path = req.path
        if path == DATAPROXY:
            return self.dataproxy(req)
        if req.method == "POST":
            return None
        if path in ("/", "/index.html"):
            return self.page(self.home())
        if path in (self.column_path, f"/col/col{COLUMN_ID}/"):
            return self.page(self.column_page())
        report, response = self.lookup(path)
        if response is not None:
            return response
        if report is not None:
            return self.page(self.report_page(report), report)
        return None
