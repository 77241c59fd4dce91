"""Rendering of the simulated portal (Ganzhou 集约化 CMS style) and the request router.

Pages are produced from the model only.  ``respond(portal, method, path)`` is the whole web
site as a pure function; ``server.PortalServer`` only puts it on a socket.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .forms import body_html, report_blocks
from .huichang_paths import (
    DEPARTMENT_NAV,
    SECTION,
    SITE_DOMAIN,
    SITE_ID_CODE,
    SITE_NAME,
    TOWNSHIP_NAV,
    list_path,
    nav_path,
)
from .report_body import E, Table, compose_blocks, table_html
from .site import html_bytes

if TYPE_CHECKING:
    from .model import Agency, Column, Item, Portal
    from .reports import Report

HTML_TYPE = "text/html; charset=utf-8"


def _metas(pairs) -> str:
    return "\n".join(f'<meta name="{E(k)}" content="{E(v)}">' for k, v in pairs)


def _page(title: str, metas: list[tuple[str, str]], body: str) -> str:
    site = [("SiteName", SITE_NAME), ("SiteDomain", SITE_DOMAIN), ("SiteIDCode", SITE_ID_CODE)]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
        f"<title>{E(title)}</title>\n"
        f"{_metas(site + metas)}\n"
        '<script src="/js/page.js"></script>\n'
        "</head>\n<body>\n"
        '<div class="topbar"><div class="wrap"><span class="welcome">欢迎访问会昌县人民政府网站</span>'
        '<a href="javascript:void(0);" class="ghb">关怀版</a> <a href="javascript:void(0);" class="wza">无障碍</a></div></div>\n'
        '<div class="header"><div class="wrap"><a href="/" class="logo">会昌县人民政府</a>'
        '<ul class="mainnav"><li><a href="/">首页</a></li><li><a href="/hcxxxgk/">政府信息公开</a></li></ul></div></div>\n'
        f"{body}\n"
        '<div class="footer"><div class="wrap"><p>主办：会昌县人民政府办公室 承办：会昌县信息化服务中心</p>'
        '<p>相关链接：<a href="http://www.ganzhou.gov.cn/" target="_blank">赣州市人民政府</a></p></div></div>\n'
        "</body>\n</html>\n"
    )


def _crumbs(parts: list[tuple[str, str | None]]) -> str:
    out = []
    for text, href in parts:
        out.append(f'<a href="{E(href)}">{E(text)}</a>' if href else f"<span>{E(text)}</span>")
    return '<div class="position">您当前所在位置: ' + " &gt; ".join(out) + "</div>"


SECTION_PATH = f"/{SECTION}/"
TOWNSHIP_NAV_PATH = nav_path(TOWNSHIP_NAV)
DEPARTMENT_NAV_PATH = nav_path(DEPARTMENT_NAV)


def _column_crumbs(column: Column, link_column: bool) -> list[tuple[str, str | None]]:
    a = column.agency
    parts: list[tuple[str, str | None]] = [("首页", "/")]
    if a is None or a.kind == "county_government":
        parts.append(("政府信息公开", SECTION_PATH))
    elif a.kind == "township":
        parts += [("乡镇信息公开", TOWNSHIP_NAV_PATH), (a.display_name, nav_path(a.nav_code))]
    else:
        parts += [("部门信息公开", DEPARTMENT_NAV_PATH), (a.display_name, nav_path(a.nav_code))]
    parts.append((column.title, list_path(column.id) if link_column else None))
    return parts


def _column_metas(column: Column) -> list[tuple[str, str]]:
    return [
        ("ColumnName", column.title),
        ("ColumnDescription", f"{column.agency.display_name if column.agency else SITE_NAME}{column.title}"),
        ("ColumnKeywords", column.title),
        ("ColumnType", column.column_type),
    ]


# --- pages ----------------------------------------------------------------------------------


def render_home(portal: Portal) -> str:
    latest = portal.newest_reports(5)
    lis = "\n".join(
        f'<li><a href="{E(portal.entry_path(r))}" title="{E(r.title)}" target="_blank">{E(_short_title(r.title))}</a>'
        f'<span class="time">{r.published:%Y-%m-%d}</span></li>'
        for r in latest
    )
    body = (
        '<div class="main wrap">\n'
        '<div class="entry"><a href="/hcxxxgk/">政府信息公开</a></div>\n'
        '<div class="news"><h3>政务动态</h3><p>本站为会昌县人民政府网站的模拟站点。</p></div>\n'
        f'<div class="gknb"><h3>信息公开年报</h3><ul>\n{lis}\n</ul></div>\n'
        "</div>"
    )
    return _page(SITE_NAME, [], body)


def _section_menu(portal: Portal) -> str:
    county = portal.county
    cols = {c.title: c for c in portal.columns_of(county)}
    entries = [
        ("政府信息公开指南", list_path(cols["政府信息公开指南"].id)),
        ("政府信息公开年报", list_path(county.column_id)),
        ("乡镇信息公开", TOWNSHIP_NAV_PATH),
        ("部门信息公开", DEPARTMENT_NAV_PATH),
    ]
    entries += [(c.title, list_path(c.id)) for c in portal.columns_of(county) if c.kind == "ordinary"]
    lis = "\n".join(f'<li><a href="{E(h)}">{E(t)}</a></li>' for t, h in entries)
    return f'<div class="xxgk-nav"><h3>政府信息公开</h3><ul class="xxgk_nav">\n{lis}\n</ul></div>'


def render_section(portal: Portal) -> str:
    body = (
        '<div class="main wrap">\n'
        + _crumbs([("首页", "/"), ("政府信息公开", None)])
        + "\n"
        + _section_menu(portal)
        + '\n<div class="xxgk-right"><p>政府信息公开目录按主题和单位分类，请从左侧栏目进入。</p></div>\n</div>'
    )
    return _page(f"政府信息公开-{SITE_NAME}", [("ColumnName", "政府信息公开"), ("ColumnType", "信息公开")], body)


def render_units_nav(portal: Portal, kind: str) -> str:
    title = "乡镇信息公开" if kind == "township" else "部门信息公开"
    units = portal.agencies_of_kind(kind)
    lis = "\n".join(f'<li><a href="{E(nav_path(a.nav_code))}">{E(a.display_name)}</a></li>' for a in units)
    body = (
        '<div class="main wrap">\n'
        + _crumbs([("首页", "/"), ("政府信息公开", SECTION_PATH), (title, None)])
        + "\n"
        + _section_menu(portal)
        + f'\n<div class="xxgk-right"><div class="column-title">{E(title)}</div>'
        + f'<ul class="xxgk_navs">\n{lis}\n</ul></div>\n</div>'
    )
    return _page(f"{title}-{SITE_NAME}", [("ColumnName", title), ("ColumnType", "信息公开")], body)


def render_unit_nav(portal: Portal, agency: Agency) -> str:
    group = ("乡镇信息公开", TOWNSHIP_NAV_PATH) if agency.kind == "township" else ("部门信息公开", DEPARTMENT_NAV_PATH)
    cols = portal.columns_of(agency)
    lis = "\n".join(f'<li><a href="{E(list_path(c.id))}">{E(c.title)}</a></li>' for c in cols)
    body = (
        '<div class="main wrap">\n'
        + _crumbs([("首页", "/"), group, (agency.display_name, None)])
        + "\n"
        + _section_menu(portal)
        + f'\n<div class="xxgk-right"><div class="column-title">{E(agency.display_name)}</div>'
        + f'<ul class="xxgk_navs">\n{lis}\n</ul></div>\n</div>'
    )
    return _page(
        f"{agency.display_name}-{SITE_NAME}", [("ColumnName", agency.display_name), ("ColumnType", "信息公开")], body
    )


def _short_title(title: str, limit: int = 18) -> str:
    return title if len(title) <= limit else title[:limit] + "…"


def render_list(portal: Portal, column: Column, page: int) -> str:
    pages = portal.page_count(column.id) + portal.plan.inflated.get(column.id, 0)
    entries = [(e, portal.entry_path(e)) for e in portal.column_page(column.id, page)]
    total = len(portal.column_entries(column.id))
    if page == 1:
        entries += _fault_entries(portal, column)
    lis = "\n".join(
        f'<li><a href="{E(href)}" title="{E(e.title)}" target="_blank">{E(_short_title(e.title))}</a>'
        f'<span class="time">{e.published:%Y-%m-%d}</span></li>'
        for e, href in entries
    )
    body = (
        '<div class="main wrap">\n'
        + _crumbs(_column_crumbs(column, link_column=False))
        + "\n"
        + _section_menu(portal)
        + f'\n<div class="xxgk-right"><div class="column-title">{E(column.title)}</div>\n'
        + f'<ul class="xxgk_list">\n{lis}\n</ul>\n'
        + '<div id="page_div"></div>\n'
        + f"<script>createPageHTML('page_div', {pages}, {page}, 'xxgk_list', 'shtml', {total});</script>\n"
        + "</div>\n</div>"
    )
    return _page(f"{column.title}-{SITE_NAME}", _column_metas(column), body)


def _article(portal: Portal, column: Column, title: str, metas, content: str) -> str:
    body = (
        '<div class="main wrap">\n'
        + _crumbs(_column_crumbs(column, link_column=True))
        + "\n<div class=\"article\">\n"
        + f'<div class="article-title">{E(title)}</div>\n'
        + '<div class="article-info"><span>访问量:<span id="visits"></span></span>'
        + '<span class="fontsize">【字体：<a href="javascript:void(0);">大</a> <a href="javascript:void(0);">中</a> '
        + '<a href="javascript:void(0);">小</a>】</span></div>\n'
        + f'<div class="article-content" id="zoomcon">\n{content}\n</div>\n</div>\n</div>'
    )
    return _page(f"{title}-{SITE_NAME}", metas, body)


def _fault_entries(portal: Portal, column: Column) -> list:
    """List entries a fault adds: another column's report, a mirror host's copy, or one of
    the column's own reports again under https://."""
    out = [(r, portal.entry_path(r)) for r in portal.plan.cross.get(column.id, []) if portal.shown(r)]
    out += [(r, f"http://{host}{portal.entry_path(r)}") for r, host in portal.plan.mirrors.get(column.id, [])
            if portal.shown(r)]
    out += [(r, f"https://{portal.host}{portal.entry_path(r)}") for r in portal.plan.schemes.get(column.id, [])
            if portal.shown(r)]
    return out


def render_report(portal: Portal, report: Report) -> str:
    column = portal.column(report.agency.column_id)
    if report.layout != "inline" or report.form != "html":
        content = body_html(report, [(a.href, a.name) for a in report.attachments])
        return _article(portal, column, report.title, _report_metas(column, report), content)
    word = report.style.get("word", False)
    parts = []
    for block in compose_blocks(report):
        kind = block[0]
        if kind == "table":
            parts.append(f'<div class="table-{block[1]}">\n{table_html(block[2], word)}\n</div>')
        elif kind == "heading":
            parts.append(f'<p style="text-indent:2em"><strong>{E(block[1])}</strong></p>')
        elif kind == "subheading":
            parts.append(f'<p style="text-indent:2em"><strong>{E(block[1])}</strong></p>')
        elif kind == "sign":
            parts.append(f'<p style="text-align:right">{E(block[1])}</p>')
        else:
            parts.append(f'<p style="text-indent:2em">{E(block[1])}</p>')
    return _article(portal, column, report.title, _report_metas(column, report), "\n".join(parts))


def _report_metas(column: Column, report: Report) -> list[tuple[str, str]]:
    return [
        ("ColumnName", column.title),
        ("ColumnType", column.column_type),
        ("ArticleTitle", report.title),
        ("PubDate", f"{report.published_at:%Y-%m-%d %H:%M}"),
        ("ContentSource", report.agency.name),
    ]


def render_item(portal: Portal, item: Item) -> str:
    metas = [
        ("ColumnName", item.column.title),
        ("ColumnType", item.column.column_type),
        ("ArticleTitle", item.title),
        ("PubDate", f"{item.published_at:%Y-%m-%d %H:%M}"),
        ("ContentSource", item.column.agency.name if item.column.agency else SITE_NAME),
    ]
    content = "\n".join(f'<p style="text-indent:2em">{E(p)}</p>' for p in item.paragraphs)
    return _article(portal, item.column, item.title, metas, content)


# --- plain text in the seed's format --------------------------------------------------------


def table_text(rows: Table) -> str:
    """Rows of tab-led cell lines, rows separated by a blank line; rowspan-covered positions
    are written as empty cells (one per covering cell), as in text copied from a browser."""
    width = sum(c.colspan for c in rows[0]) if rows else 0
    covered: dict[tuple[int, int], tuple[int, int]] = {}  # (row, col) -> (colspan, origin row)
    out_rows = []
    for r, row in enumerate(rows):
        lines = []
        col = 0
        cells = list(row)
        while cells or col < width:
            if (r, col) in covered:
                span = covered[(r, col)][0]
                lines.append("\t")
                col += span
                continue
            if not cells:
                if any((r, c) in covered for c in range(col, width)):
                    col += 1
                    continue
                break
            cell = cells.pop(0)
            if cell.rowspan > 1:
                for dr in range(1, cell.rowspan):
                    covered[(r + dr, col)] = (cell.colspan, r)
            lines.append("\t" + ("" if cell.blank else cell.text))
            col += cell.colspan
        out_rows.append("\n".join(lines))
    return "\n\n".join(out_rows)


def render_report_text(report: Report) -> str:
    """The report as plain page text, laid out like the seed document (the 庄口镇 2020 page text)."""

    parts = [report.title, ""]
    after_table = False
    for block in report_blocks(report):
        kind = block[0]
        if kind == "table":
            parts.append(table_text(block[2]))
            parts.append("\n\n")
            after_table = True
            continue
        if kind == "heading" and not after_table:
            parts.append("")
        after_table = False
        parts.append(block[1])
    return "\n".join(parts).rstrip("\n") + "\n"


# --- router ---------------------------------------------------------------------------------

PAGE_JS = """function createPageHTML(divId, pages, cur, prefix, ext, total) {
  var el = document.getElementById(divId); if (!el) return;
  var h = '<span>共' + total + '条</span> ';
  for (var i = 1; i <= pages; i++) {
    var href = (i == 1 ? prefix : prefix + '_' + i) + '.' + ext;
    h += (i == cur) ? '<span class="cur">' + i + '</span> ' : '<a href="' + href + '">' + i + '</a> ';
  }
  el.innerHTML = h;
}
"""

ROBOTS = "User-agent: *\nAllow: /\n"

_LIST_RE = re.compile(rf"^/{SECTION}/([A-Za-z0-9_]+)/xxgk_list(?:_(\d+))?\.shtml$")
_NAV_RE = re.compile(rf"^/{SECTION}/([A-Za-z0-9_]+)/xxgk_navs\.shtml$")
_ARTICLE_RE = re.compile(rf"^/{SECTION}/([A-Za-z0-9_]+)/(\d{{6}})/([0-9a-f]{{32}})\.shtml$")


def _not_found() -> str:
    body = '<div class="main wrap"><h1>404</h1><p>您访问的页面不存在或已被删除。</p><p><a href="/">返回首页</a></p></div>'
    return _page(f"页面不存在-{SITE_NAME}", [], body)


_FILE_RE = re.compile(rf"^/{SECTION}/([A-Za-z0-9_]+)/(\d{{6}})/([0-9a-f]{{32}})/files/([0-9a-f]{{32}})\.(pdf|docx|xlsx|xls|png)$")


def _missing(portal: Portal):
    status = 200 if portal.plan.soft_404 else 404
    return status, HTML_TYPE, _not_found(), {}


def _route(portal: Portal, path: str):
    """(status, content_type, text or bytes, extra headers) for a GET of ``path``."""
    if path in ("/", "/index.html", "/index.shtml"):
        return 200, HTML_TYPE, render_home(portal), {}
    if path == "/robots.txt":
        return 200, "text/plain; charset=utf-8", portal.plan.robots or ROBOTS, {}
    if path == "/js/page.js":
        return 200, "application/javascript; charset=utf-8", PAGE_JS, {}
    if path == f"/{SECTION}":
        return 301, HTML_TYPE, _not_found(), {"Location": SECTION_PATH}
    if path in (SECTION_PATH, f"{SECTION_PATH}index.shtml"):
        return 200, HTML_TYPE, render_section(portal), {}
    m = _NAV_RE.match(path)
    if m:
        code = m.group(1)
        if code == TOWNSHIP_NAV:
            return 200, HTML_TYPE, render_units_nav(portal, "township"), {}
        if code == DEPARTMENT_NAV:
            return 200, HTML_TYPE, render_units_nav(portal, "department"), {}
        agency = portal.agency_by_nav(code)
        if agency is not None:
            return 200, HTML_TYPE, render_unit_nav(portal, agency), {}
    m = _LIST_RE.match(path)
    if m:
        column = portal.column(m.group(1))
        page = int(m.group(2)) if m.group(2) else 1
        if column is not None and (m.group(2) is None or page >= 2) and page <= portal.page_count(column.id):
            return 200, HTML_TYPE, render_list(portal, column, page), {}
    m = _ARTICLE_RE.match(path)
    if m:
        report = portal.report_by_path(path)
        if report is not None:
            if not portal.shown(report):
                return _missing(portal)
            current = portal.entry_path(report)
            if path != current:
                if path == report.path:  # moved: the CMS keeps a redirect from the old address
                    return 301, HTML_TYPE, _not_found(), {"Location": current}
                return _missing(portal)
            return 200, HTML_TYPE, render_report(portal, report.at(portal.clock)), {"X-Report": report.uuid}
        item = portal.item_by_path(path)
        if item is not None and portal.shown(item):
            return 200, HTML_TYPE, render_item(portal, item), {}
    m = _FILE_RE.match(path)
    if m:
        hit = portal.attachment(path)
        if hit is not None and portal.shown(hit[0]):
            from .documents import CONTENT_TYPES, document_bytes
            from .forms import document_kinds

            report, index = hit
            att = report.attachments[index]
            nth = document_kinds(report)[:index].count(att.kind)
            return 200, CONTENT_TYPES[att.kind], document_bytes(report.at(portal.clock), att.kind, nth), {}
    return _missing(portal)


def respond(portal: Portal, method: str, path: str) -> tuple[int, dict, bytes]:
    """The whole site as a pure function: (status, headers, body) for one request."""

    method = method.upper()
    raw = urlsplit(path).path or "/"
    path = unquote(raw)
    if method not in ("GET", "HEAD"):
        body = _not_found().encode("utf-8")
        return 405, {"Content-Type": HTML_TYPE, "Content-Length": str(len(body)), "Allow": "GET, HEAD"}, body
    status, ctype, text, extra = _route(portal, path)
    uuid = extra.pop("X-Report", None)
    if isinstance(text, bytes):
        body = text
    elif uuid is not None and uuid in portal.plan.encodings:
        body, ctype = html_bytes(text, portal.plan.encodings[uuid])
    else:
        body = text.encode("utf-8")
    headers = {"Content-Type": ctype, "Content-Length": str(len(body))}
    headers.update(extra)
    return status, headers, (b"" if method == "HEAD" else body)
