"""TRS WCM sites (湖口县 www.hukou.gov.cn; also the sites behind the challenge hosts).

* ``/zwgk/`` lists every body's 年报 column;
* a column is ``/<unit>/zfxxgknb_<n>/index.html``, then ``index_1.html``, ``index_2.html`` …
  paged by the classic 0-based ``createPageHTML(pages, current, "index", "html")``;
* list entries link relatively: ``./202401/t20240115_7142469.html``;
* a report page has a visible metadata table (索引号/发布机构/发布日期 …) before the body
  (``div.TRS_Editor``), and attachments as ``./P0202401155…pdf`` in the same month folder.
"""

from __future__ import annotations

import re
from datetime import date

from ..forms import attachment_name, body_html, document_kinds, trs_attachment_id
from ..model import Agency
from ..reports import Attachment, Report
from ..site import UTF8_META, Request, Response
from . import trs_markup
from .base import E, FamilySite, Unit, number

HUKOU_UNITS = [
    Unit("湖口县人民政府", "湖口县", "county_government", "xzf"),
    Unit("湖口县财政局", "县财政局", "department", "czj"),
    Unit("湖口县教育体育局", "县教体局", "department", "jtj"),
    Unit("湖口县卫生健康委员会", "县卫健委", "department", "wjw"),
    Unit("湖口县双钟镇人民政府", "双钟镇", "township", "szz"),
    Unit("湖口县流泗镇人民政府", "流泗镇", "township", "lsz"),
    Unit("湖口县马影镇人民政府", "马影镇", "township", "myz"),
    Unit("湖口县流芳乡人民政府", "流芳乡", "township", "flx"),
]

PAGE_JS = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var out = "";
  for(var i=0; i<_nPageCount; i++){
    var href = i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt;
    out += i == _nCurrIndex ? "<span class='current'>" + (i+1) + "</span> " : "<a href='" + href + "'>" + (i+1) + "</a> ";
  }
  document.write(out);
}
"""

_LIST_RE = re.compile(r"^/([a-z0-9]+)/zfxxgknb_(\d{6})/(?:index(?:_(\d+))?\.(html?))?$")


class TrsSite(FamilySite):
    family = "trs"
    moved_status = 404
    # "varied": list pages written the many ways real portals write them (trs_markup.py)
    markup = "plain"

    def make_agency(self, index: int, unit: Unit) -> Agency:
        # the column folder is the body's 年报 column: /<unit>/zfxxgknb_<n>/ (湖口 流芳乡 is real)
        n = 171215 if unit.slug == "flx" and self.key == "hukou" else number(self.key, unit.slug, "col", digits=6)
        return Agency(f"{self.key}-{unit.slug}", unit.name, unit.short, unit.kind, f"/{unit.slug}/zfxxgknb_{n}/", "政府信息公开年报",
                      None, site=self.key, slug=unit.slug)

    def column_folder(self, agency) -> str:
        return agency.column_id

    def reindex(self) -> None:
        super().reindex()
        self._by_folder = {self.column_folder(a): a for a in self.agencies}
        self._extras = {}
        if self.markup == "varied":
            self._extras = {item.path: item for a in self.agencies for item in
                            trs_markup.extra_items(self.column_folder(a), a.title_name, self.years)}

    def list_extension(self, column: str) -> str:
        return trs_markup.page_extension(column) if self.markup == "varied" else "html"

    def column_link(self, agency) -> str:
        column = self.column_folder(agency)
        return column + "index.htm" if self.list_extension(column) == "htm" else column

    def column_of(self, report: Report) -> str:
        return self.column_folder(report.agency)

    def report_path(self, report: Report, when: date, salt: str) -> str:
        doc_id = number(self.seed, self.key, report.uuid, salt)
        return f"{self.column_folder(report.agency)}{when:%Y%m}/t{when:%Y%m%d}_{doc_id}.html"

    def attachments_for(self, report: Report) -> list:
        folder = report.path.rsplit("/", 1)[0]
        when = report.timeline.appeared
        out = []
        for i, kind in enumerate(document_kinds(report)):
            name = trs_attachment_id(report, when, i)
            out.append(Attachment(f"{folder}/{name}.{kind}", f"./{name}.{kind}", attachment_name(report, kind, i), kind))
        return out

    def robots_fault(self, rng):
        units = [a for a in self.agencies if a.kind != "county_government"] or self.agencies
        unit = units[rng.randrange(len(units))]
        text = f"User-agent: *\nDisallow: /{unit.slug}/\nDisallow: /search/\n"
        return text, (lambda r: r.agency.slug == unit.slug), {"disallow": [f"/{unit.slug}/", "/search/"]}

    # --- pages ----------------------------------------------------------------------------------

    def _page(self, title: str, body: str, metas=()) -> str:
        site_metas = [("SiteName", self.title), ("SiteDomain", self.host), ("SiteIDCode", str(number(self.key, "site", digits=10)))]
        meta_html = "\n".join(f'<meta name="{E(k)}" content="{E(v)}">' for k, v in site_metas + list(metas))
        return (
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
            f"<html>\n<head>\n{UTF8_META}\n<title>{E(title)}</title>\n{meta_html}\n"
            '<script type="text/javascript" src="/js/createPageHTML.js"></script>\n</head>\n<body>\n'
            f'<div class="head"><a href="/" class="logo">{E(self.title)}</a>'
            '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>\n'
            f"{body}\n"
            f'<div class="foot"><p>主办单位：{E(self.title)}办公室</p></div>\n</body>\n</html>\n'
        )

    def home(self) -> str:
        lis = "\n".join(f'<li><a href="{E(r.current_path(self.clock))}" title="{E(r.title)}">{E(r.title)}</a>'
                        f"<span>{r.published:%Y-%m-%d}</span></li>" for r in self.newest(6))
        return self._page(self.title, f'<div class="main"><div class="zwgk"><a href="/zwgk/">政务公开</a></div>'
                                      f'<div class="gknb"><h3>政府信息公开年报</h3><ul>\n{lis}\n</ul></div></div>')

    def nav(self) -> str:
        groups = (("县政府", "county_government"), ("部门", "department"), ("乡镇", "township"))
        parts = []
        for label, kind in groups:
            lis = "\n".join(f'<li><a href="{E(self.column_link(a))}">{E(a.title_name)}政府信息公开年报</a></li>'
                            for a in self.agencies if a.kind == kind)
            parts.append(f'<div class="gk-group"><h3>{E(label)}</h3><ul>\n{lis}\n</ul></div>')
        body = ('<div class="main"><div class="location">当前位置：<a href="/">首页</a> &gt; 政务公开</div>\n'
                + "\n".join(parts) + "</div>")
        return self._page(f"政务公开-{self.title}", body, [("ColumnName", "政务公开"), ("ColumnType", "信息公开")])

    def list_page(self, agency, page: int) -> str:
        column = self.column_folder(agency)
        entries = self.column_entries(column)
        shown = entries[page * self.page_size:(page + 1) * self.page_size]
        rows = [(r, "./" + r.current_path(self.clock)[len(column):]) for r in shown]
        if page == 0:
            rows += [(r, href or r.current_path(self.clock)) for r, href in self.extra_entries(column)]
        pages = self.declared_pages(column)
        if self.markup == "varied":
            listed = [(href, r.title, r.published) for r, href in rows]
            if page == 0:
                listed += [("./" + x.path[len(column):], x.title, x.published)
                           for x in trs_markup.extra_items(column, agency.title_name, self.years)]
            markup = trs_markup.list_markup(column, listed, pages, page)
        else:
            lis = "\n".join(
                f'<li><a href="{E(href)}" title="{E(r.title)}" target="_blank">{E(r.title)}</a><span class="date">{r.published:%Y-%m-%d}</span></li>'
                for r, href in rows
            )
            markup = (f'<ul class="list">\n{lis}\n</ul>\n'
                      f'<div class="page"><script type="text/javascript">createPageHTML({pages}, {page}, "index", "html");</script></div>')
        body = (
            f'<div class="main"><div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
            f"{E(agency.title_name)} &gt; 政府信息公开年报</div>\n"
            f'<div class="list-title">政府信息公开年报</div>\n{markup}\n</div>'
        )
        metas = [("ColumnName", "政府信息公开年报"), ("ColumnDescription", f"{agency.name}政府信息公开年报"),
                 ("ColumnKeywords", "政府信息公开年报"), ("ColumnType", "信息公开年报")]
        return self._page(f"政府信息公开年报-{self.title}", body, metas)

    def report_page(self, r: Report) -> str:
        a = r.agency
        index_no = f"{number(self.key, a.code, 'org', digits=9)}/{r.published.year}-{number(r.uuid, 'idx', digits=5)}"
        box = (
            '<table class="xxgk_table" border="1" cellspacing="0" cellpadding="0" width="100%">\n'
            f"<tr><td>索 引 号</td><td>{E(index_no)}</td><td>发布机构</td><td>{E(a.name)}</td></tr>\n"
            f"<tr><td>公开目录</td><td>政府信息公开年报</td><td>发布日期</td><td>{r.published:%Y-%m-%d}</td></tr>\n"
            "<tr><td>文　　号</td><td></td><td>公开方式</td><td>主动公开</td></tr>\n"
            f'<tr><td>标　　题</td><td colspan="3">{E(r.title)}</td></tr>\n</table>'
        )
        links = [(att.href, att.name) for att in r.attachments]
        content = body_html(r, links, link=_trs_link(r))
        body = (
            f'<div class="main"><div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
            f'<a href="{E(self.column_folder(a))}">{E(a.title_name)}</a> &gt; 政府信息公开年报</div>\n'
            f'<div class="xxgk_info">\n{box}\n</div>\n'
            f'<div class="article"><h1 class="title">{E(r.title)}</h1>\n'
            f'<div class="TRS_Editor">\n{content}\n</div>\n'
            '<div class="editor">责任编辑：李喆</div>\n</div>\n</div>'
        )
        metas = [("ColumnName", "政府信息公开年报"), ("ColumnType", "信息公开年报"), ("ArticleTitle", r.title),
                 ("PubDate", f"{r.published_at:%Y-%m-%d %H:%M}"), ("ContentSource", a.name)]
        return self._page(f"{r.title}-{self.title}", body, metas)

    def route(self, req: Request) -> Response | None:
        path = req.path
        if path in ("/", "/index.html"):
            return self.page(self.home())
        if path in ("/zwgk/", "/zwgk/index.html"):
            return self.page(self.nav())
        if path == "/js/createPageHTML.js":
            from ..site import text_response

            return text_response(PAGE_JS, "application/javascript; charset=utf-8")
        m = _LIST_RE.match(path)
        if m:
            folder = f"/{m.group(1)}/zfxxgknb_{m.group(2)}/"
            agency = self._by_folder.get(folder)
            page = int(m.group(3)) if m.group(3) else 0
            if m.group(3) and self.markup == "varied" and trs_markup.one_based(folder):
                page -= 1  # index_2 is the second page: index_1 does not exist
            ext_ok = m.group(4) in (None, self.list_extension(folder))
            if (agency is not None and ext_ok and (m.group(3) is None or page >= 1)
                    and page < self.page_count(self.column_folder(agency))):
                return self.page(self.list_page(agency, page))
            return None
        extra = self._extras.get(path)
        if extra is not None:
            return self.page(self._page(f"{extra.title}-{self.title}", trs_markup.extra_page(extra, self.title),
                                        [("ArticleTitle", extra.title), ("PubDate", f"{extra.published:%Y-%m-%d}")]))
        report, response = self.lookup(path)
        if response is not None:
            return response
        if report is not None:
            return self.page(self.report_page(report), report)
        return None


def _trs_link(report: Report):
    def link(href: str, name: str) -> str:
        when = report.timeline.appeared
        stem = href[2:]
        return (f'<a appendix="true" href="{E(href)}" title="{E(name)}" download="{E(name)}" '
                f'OLDSRC="/protect/P0{when:%Y%m}/P0{when:%Y%m%d}/{E(stem)}">{E(name)}</a>')

    return link
