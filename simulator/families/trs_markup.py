"""List markup of TRS-like portals as real ones vary it (``build_portal(markup="varied")``).

Real county portals built on the same CMS write their 年报 lists in many ways
(shared/guide/portals.md §2.1 and the saved pages in shared/fixtures/real-pages):
``<dl><dd>`` lists, old ``<table>`` rows, the whole list parked in an HTML comment and
rendered by script, the list as JSON in ``var listData = {...}``, paging by
``var countPage`` or the one-based ``createPageHTML('paging', …)``, ``.htm`` pages, dates
as 2024年01月31日, 2024/1/31 or [01-31], and news, 解读 and 工作要点 in the same list as
the reports. A column's style is fixed by its number, so a run is reproducible.

The news, 解读 and 工作要点 entries are pages of their own (``ExtraItem``); they are
not reports and are absent from the ground truth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from .base import E, number

STYLES = ("ul", "dl", "table", "comment", "json")


@dataclass(frozen=True)
class ExtraItem:
    path: str
    title: str
    published: date


def style_of(column: str) -> str:
    return STYLES[number("markup", column, digits=6) % len(STYLES)]


def one_based(column: str) -> bool:
    """createPageHTML('paging', pages, current, …) counts from 1: page 2 is index_2."""
    return style_of(column) == "comment"


def page_extension(column: str) -> str:
    return "htm" if style_of(column) == "dl" else "html"


def extra_items(column: str, short_name: str, years) -> list[ExtraItem]:
    """Items sharing the 年报 list that are not reports: an interpretation, a work plan, news."""
    year = max(years)
    out = []
    for i, (title, month, day) in enumerate((
            (f"关于{short_name}{year}年政府信息公开工作年度报告的解读", 2, 3),
            (f"{short_name}{year + 1}年政务公开工作要点", 3, 15),
            (f"{short_name}召开政务公开工作推进会", 4, 8))):
        when = date(year + 1, month, day)
        doc = number("extra", column, i)
        out.append(ExtraItem(f"{column}{when:%Y%m}/t{when:%Y%m%d}_{doc}.html", title, when))
    return out


def _date_text(style: str, when: date) -> str:
    return {"dl": f"{when:%Y年%m月%d日}", "table": f"{when.year}/{when.month}/{when.day}",
            "comment": f"[{when:%m-%d}]"}.get(style, f"{when:%Y-%m-%d}")


def _rows(style: str, rows) -> str:
    """ROWS are (href, title, date): the entries in the column's style."""
    if style == "dl":
        return '<dl class="list">\n' + "\n".join(
            f'<dd><a href="{E(h)}" title="{E(t)}" target="_blank">{E(t)}</a>'
            f"<span>{_date_text(style, d)}</span></dd>" for h, t, d in rows) + "\n</dl>"
    if style == "table":
        return '<table class="list" width="100%">\n' + "\n".join(
            f'<tr><td class="tit"><a href="{E(h)}" title="{E(t)}">{E(t)}</a></td>'
            f'<td class="date">{_date_text(style, d)}</td></tr>' for h, t, d in rows) + "\n</table>"
    lis = "\n".join(f'<li><a href="{E(h)}" title="{E(t)}" target="_blank">{E(t)}</a>'
                    f'<span class="date">{_date_text(style, d)}</span></li>' for h, t, d in rows)
    return f'<ul class="list">\n{lis}\n</ul>'


def _paging(style: str, pages: int, page: int, ext: str) -> str:
    if style == "dl":
        return (f"<script>var countPage = {pages}//共多少页\nvar currentPage = {page};//当前页\n"
                f'createPageHTML(countPage, currentPage, "index", "{ext}");</script>')
    if style == "comment":
        return ""  # written inside the comment with the list
    return f'<script type="text/javascript">createPageHTML({pages}, {page}, "index", "{ext}");</script>'


def list_markup(column: str, rows, pages: int, page: int) -> str:
    """The list and its paging, as the column's style writes them."""
    style, ext = style_of(column), page_extension(column)
    if style == "json":
        data = {"total": len(rows), "list": [
            {"title": t, "url": h, "pubDate": f"{d:%Y-%m-%d} 09:30:00"} for h, t, d in rows]}
        return ('<ul class="list" id="listbox"></ul>\n<script>var listData = '
                f"{json.dumps(data, ensure_ascii=False)};\nrenderList(listData);</script>\n"
                f'<div class="page">{_paging(style, pages, page, ext)}</div>')
    if style == "comment":
        call = f"createPageHTML('paging', {pages}, {page + 1}, 'index', '{ext}', {len(rows)});"
        return (f'<div class="listbox"><!--\n{_rows(style, rows)}\n<script>{call}</script>\n-->'
                '</div>\n<div id="paging"></div>')
    return f'{_rows(style, rows)}\n<div class="page">{_paging(style, pages, page, ext)}</div>'


def extra_page(item: ExtraItem, site_title: str) -> str:
    return (f'<div class="main"><div class="article"><h1 class="title">{E(item.title)}</h1>'
            f"<p>发布日期：{item.published:%Y-%m-%d}</p><p>{E(site_title)}</p></div></div>")
