"""Pure parsers for TRS WCM portals (湖口县, 景德镇/浮梁, many 九江 and Hubei sites).

A navigation page (`/zwgk/`) links each body's 年报 column under a heading
(县政府 / 部门 / 乡镇); a column is `/<unit>/<column>/index.html`, then
`index_1.html`, `index_2.html` … paged by `createPageHTML`; entries link
relatively (`./202401/t20240115_7142469.html`) and carry their date in a span
or a table cell. Report pages hold a 索引号/发布机构/发布日期 table.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.crawler.families.listing import Entry, parse_listing
from gongkai.crawler.families.paging import Paging


@dataclass(frozen=True)
class ListPage:
    entries: list[Entry]
    paging: Paging | None


def parse_list(html: str, page_url: str) -> ListPage:
    """A column list page, read by the one list parser (families/listing.py)."""
    listing = parse_listing(html, page_url)
    return ListPage(list(listing.entries), listing.paging)
