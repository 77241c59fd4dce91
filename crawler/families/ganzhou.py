"""Pure parsers for the Ganzhou 集约化 CMS family (xxgk_navs / xxgk_list pages).

Each function takes a saved page and returns plain data, so it can be tested on
the page alone; the spider only fetches and hands over.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsel import Selector

from gongkai.crawler.families.common import clean
from gongkai.crawler.families.listing import Entry, parse_listing
from gongkai.crawler.families.paging import Paging


@dataclass(frozen=True)
class ListPage:
    entries: list[Entry]
    # createPageHTML('page_div', pages, current, 'xxgk_list', 'shtml', total): 1-based;
    # a list without the call is a single page.
    paging: Paging = Paging(1, 0, "xxgk_list", "shtml", one_based=True)


def parse_list(html: str, page_url: str) -> ListPage:
    """A column list page, read by the one list parser (families/listing.py)."""
    listing = parse_listing(html, page_url)
    entries = list(listing.entries)
    return ListPage(entries, listing.paging) if listing.paging else ListPage(entries)


def breadcrumb(html: str) -> list[str]:
    """The 您当前所在位置 trail, e.g. ['首页', '乡镇信息公开', '庄口镇', '政务信息公开年报']."""
    selector = Selector(text=html)
    # The elements holding the phrase form one ancestor chain in document order;
    # the innermost one that still holds the links is the trail itself.
    holders = [node for node in selector.xpath(
        "//*[contains(string(.), '当前所在位置') or contains(string(.), '当前位置')]")
        if node.css("a")]
    if not holders:
        return []
    crumbs = [clean(" ".join(a.css("::text").getall())) for a in holders[-1].css("a")]
    return [c for c in crumbs if c]
