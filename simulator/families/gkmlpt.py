"""Guangdong 政府信息公开目录平台 (gkmlpt): 武江区 www.sgwjq.gov.cn.

* ``/gkmlpt/index`` is a script shell: ``window._CONFIG`` holds the SID, the categories are links
  ``/gkmlpt/index#<category>`` whose id is only in the fragment;
* ``GET /gkmlpt/api/all/<category>?page=N&sid=<SID>`` answers JSON ``{"articles": [...],
  "offset", "total", "classify"}``, 100 records a page, ``create_time`` in Unix seconds (Beijing
  time); the page after the last answers 404; records of ``type`` "url" point off-site;
* reports are ``/gkmlpt/content/<id//1e6>/<id//1e3>/post_<id>.html`` (``mpost_`` for mobile),
  attachments ``/attachment/0/<id//1e3>/<id>/<file>.<ext>``; robots.txt does not exist.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone

from ..forms import attachment_name, body_html, document_kinds
from ..model import Agency
from ..reports import Attachment, Report
from ..site import UTF8_META, Request, Response, bytes_response, redirect
from .base import E, FamilySite, Unit, number

WUJIANG_UNITS = [
    Unit("韶关市武江区人民政府", "武江区", "county_government", "qzf"),
    Unit("韶关市武江区财政局", "区财政局", "department", "czj"),
    Unit("韶关市武江区教育局", "区教育局", "department", "jyj"),
    Unit("韶关市武江区卫生健康局", "区卫健局", "department", "wjj"),
    Unit("韶关市武江区龙归镇人民政府", "龙归镇", "township", "lgz"),
    Unit("韶关市武江区江湾镇人民政府", "江湾镇", "township", "jwz"),
    Unit("韶关市武江区重阳镇人民政府", "重阳镇", "township", "cyz"),
    Unit("韶关市武江区新华街道办事处", "新华街道", "township", "xhjd"),
]

CATEGORY = 2771
EMPTY_CATEGORY = 2769  # 机构职能: listed in the menu, no records
PER_PAGE = 100
SID = "755038"
BEIJING = timezone(timedelta(hours=8))

_POST_RE = re.compile(r"^/gkmlpt/content/(\d+)/(\d+)/(m?)post_(\d+)\.html$")
_API_RE = re.compile(r"^/gkmlpt/api/all/(\d+)$")


def unix(when: datetime) -> int:
    return int(when.replace(tzinfo=BEIJING).timestamp())


class GkmlptSite(FamilySite):
    family = "gkmlpt"
    moved_status = 301
    robots_default = None

    def post_id(self, report: Report, salt: str) -> int:
        return number(self.seed, self.key, report.uuid, salt, digits=7)

    def make_agency(self, index: int, unit: Unit) -> Agency:
        # every body's reports are listed in the one annual-report column
        return Agency(f"{self.key}-{unit.slug or index}", unit.name, unit.short, unit.kind, str(CATEGORY), "政府信息公开年报", None,
                      site=self.key, slug=unit.slug)

    def column_of(self, report: Report) -> str:
        return str(CATEGORY)

    def report_path(self, report: Report, when: date, salt: str) -> str:
        pid = self.post_id(report, salt)
        return f"/gkmlpt/content/{pid // 1_000_000}/{pid // 1000}/post_{pid}.html"

    def attachments_for(self, report: Report) -> list:
        pid = self.post_id(report, "")
        out = []
        for i, kind in enumerate(document_kinds(report)):
            file_id = number(self.seed, self.key, report.uuid, "file", i, digits=7)
            path = f"/attachment/0/{pid // 1000}/{pid}/{file_id}.{kind}"
            out.append(Attachment(path, path, attachment_name(report, kind, i), kind))
        return out

    def robots_fault(self, rng):
        text = "User-agent: *\nDisallow: /attachment/\nDisallow: /gkmlpt/search\n"
        return text, (lambda r: bool(r.attachments)), {"disallow": ["/attachment/", "/gkmlpt/search"]}

    def offsite_entries(self) -> list[dict]:
        """Records of the category that point to the city's own site (``type`` url)."""
        out = []
        for year in self.years:
            if year < 2019:
                continue
            when = datetime(year + 1, 3, 20, 10, 0)
            if self.clock.as_of is not None and when.date() > self.clock.as_of:
                continue
            rid = number(self.key, "offsite", year, digits=7)
            out.append({"id": rid, "title": f"韶关市{year}年政府信息公开工作年度报告",
                        "url": f"http://www.sg.gov.cn/sgsrmzf/zfxxgkndbg/content/post_{rid}.html",
                        "create_time": unix(when), "date": unix(when - timedelta(days=2)), "document_number": "",
                        "identifier": "", "publisher": "韶关市人民政府", "type": "url"})
        return out

    # --- pages ----------------------------------------------------------------------------------

    def _page(self, title: str, body: str, metas=()) -> str:
        site_metas = [("SiteName", self.title), ("SiteDomain", self.host), ("SiteIDCode", str(number(self.key, "site", digits=10)))]
        meta_html = "\n".join(f'<meta name="{E(k)}" content="{E(v)}">' for k, v in site_metas + list(metas))
        return (f"<!DOCTYPE html>\n<html>\n<head>\n{UTF8_META}\n<title>{E(title)}</title>\n{meta_html}\n</head>\n<body>\n"
                f"{body}\n</body>\n</html>\n")

    def home(self) -> str:
        return self._page(self.title, f'<div class="header">{E(self.title)}</div>'
                                      '<div class="nav"><a href="/gkmlpt/index">政府信息公开</a></div>')

    def index(self) -> str:
        config = json.dumps({"SID": SID, "SITE_NAME": self.title, "API": "/gkmlpt/api", "DEPT_ID": 0}, ensure_ascii=False)
        body = (
            f"<script>window._CONFIG = {config};</script>\n"
            '<div id="gkmlpt"><div class="classify"><ul>'
            f'<li><a href="/gkmlpt/index#{EMPTY_CATEGORY}">机构职能</a></li>'
            f'<li><a href="/gkmlpt/index#{CATEGORY}">政府信息公开年报</a></li>'
            '</ul></div><div id="app"></div></div>\n'
            '<script src="/gkmlpt/static/js/app.js"></script>'
        )
        return self._page(f"政府信息公开-{self.title}", body, [("ColumnName", "政府信息公开"), ("ColumnType", "信息公开")])

    def api(self, req: Request, category: int) -> Response:
        q = req.query
        if q.get("sid") not in (None, "", SID):
            return _json({"error": "invalid sid"}, 400)
        try:
            page = int(q.get("page") or 1)
        except ValueError:
            return _json({"error": "bad page"}, 400)
        if category == CATEGORY:
            records = self._listing()
            name = "政府信息公开年报"
        elif category == EMPTY_CATEGORY:
            records, name = [], "机构职能"
        else:
            return _json({"error": "not found"}, 404)
        start = (page - 1) * PER_PAGE
        if page < 1 or (page > 1 and start >= len(records)):
            return _json({"error": "not found"}, 404)
        chosen = [rec if isinstance(rec, dict) else self._record(rec) for _, rec in records[start:start + PER_PAGE]]
        return _json({"articles": chosen, "offset": start, "total": len(records),
                      "classify": {"id": category, "name": name}, "page": page})

    def _listing(self) -> list:
        """The category's entries, newest first, as (sort key, report or off-site record); cached
        per simulated day because a large portal has tens of thousands of them."""
        key = ("api", self.clock.as_of)
        hit = self._visible_cache.get(key)
        if hit is None:
            hit = [((unix(r.published_at), self._pid(r)), r) for r in self.column_entries(str(CATEGORY))]
            hit += [((rec["create_time"], rec["id"]), rec) for rec in self.offsite_entries()]
            hit.sort(key=lambda pair: pair[0], reverse=True)
            self._visible_cache[key] = hit
        return hit

    def _pid(self, r: Report) -> int:
        path = r.current_path(self.clock)
        return int(path.rsplit("_", 1)[1].split(".")[0])

    def _record(self, r: Report) -> dict:
        path = r.current_path(self.clock)
        pid = self._pid(r)
        written = r.published_at - timedelta(days=3)
        return {"id": pid, "title": r.title, "url": f"http://{self.host}{path}", "post_url": f"http://{self.host}{path}",
                "create_time": unix(r.published_at), "date": unix(written), "document_number": "",
                "identifier": self.identifier(r), "publisher": r.agency.name, "type": "post"}

    def identifier(self, r: Report) -> str:
        return f"{number(self.key, r.agency.code, 'org', digits=8)}/{r.published.year}-{number(r.uuid, 'idx', digits=5)}"

    def report_page(self, r: Report) -> str:
        a = r.agency
        written = r.published_at - timedelta(days=3)
        box = (
            '<div class="classify"><table class="table-info">\n'
            f"<tr><th>索引号：</th><td>{E(self.identifier(r))}</td><th>分类：</th><td>政府信息公开年报</td></tr>\n"
            f"<tr><th>发布机构：</th><td>{E(a.name)}</td><th>成文日期：</th><td>{written:%Y-%m-%d}</td></tr>\n"
            f"<tr><th>名称：</th><td>{E(r.title)}</td><th>发布日期：</th><td>{r.published:%Y-%m-%d}</td></tr>\n"
            "</table></div>"
        )
        links = [(att.href, att.name) for att in r.attachments]
        body = (
            f'<div class="content">\n{box}\n<h1 class="title">{E(r.title)}</h1>\n'
            f'<div class="date-row">发布日期：{r.published_at:%Y-%m-%d %H:%M:%S}　来源：{E(a.name)}</div>\n'
            f'<div class="article-content">\n{body_html(r, links)}\n</div>\n</div>'
        )
        metas = [("ColumnName", "政府信息公开年报"), ("ColumnType", "信息公开年报"), ("ArticleTitle", r.title),
                 ("PubDate", f"{r.published_at:%Y-%m-%d %H:%M:%S}"), ("ContentSource", a.name)]
        return self._page(f"{r.title}-{self.title}", body, metas)

    def route(self, req: Request) -> Response | None:
        path = req.path
        if req.method == "POST":
            return None
        if path in ("/", "/index.html"):
            return self.page(self.home())
        if path in ("/gkmlpt/index", "/gkmlpt/", "/gkmlpt"):
            return self.page(self.index())
        m = _API_RE.match(path)
        if m:
            return self.api(req, int(m.group(1)))
        m = _POST_RE.match(path)
        if m and m.group(3) == "m":
            desktop = path.replace("/mpost_", "/post_")
            report, response = self.lookup(desktop)
            if response is not None and response.status == 301:
                return redirect(response.headers["Location"].replace("/post_", "/mpost_"))
            return response or (self.page(self.report_page(report), report) if report else None)
        report, response = self.lookup(path)
        if response is not None:
            return response
        if report is not None:
            return self.page(self.report_page(report), report)
        return None


def _json(data, status: int = 200) -> Response:
    return bytes_response(json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8", status)
