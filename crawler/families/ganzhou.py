"""Pure parsers for the Ganzhou 集约化 CMS family (xxgk_navs / xxgk_list pages).

Each function takes a saved page and returns plain data, so it can be tested on
the page alone; the spider only fetches and hands over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

_SPACE = re.compile(r"[\s\u3000\xa0]+")
# createPageHTML('page_div', pages, current, 'xxgk_list', 'shtml', total): 1-based.
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"](?P<div>[^'\"]*)['\"]\s*,\s*(?P<pages>\d+)\s*,\s*(?P<cur>\d+)\s*,"
    r"\s*['\"](?P<prefix>[^'\"]+)['\"]\s*,\s*['\"](?P<ext>[^'\"]+)['\"]\s*(?:,\s*(?P<total>\d+))?")
_DATE = re.compile(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})")


def clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass(frozen=True)
class ListEntry:
    url: str
    title: str
    date: str | None


@dataclass(frozen=True)
class ListPage:
    entries: list[ListEntry]
    page_count: int
    current: int
    prefix: str
    extension: str

    def page_url(self, base_url: str, number: int) -> str:
        name = f"{self.prefix}.{self.extension}" if number == 1 else \
            f"{self.prefix}_{number}.{self.extension}"
        return urljoin(base_url, name)


def links(html: str, page_url: str) -> list[Link]:
    """Every link of a navigation page, with its visible text (or title)."""
    found = []
    for anchor in Selector(text=html).css("a[href]"):
        href = anchor.attrib.get("href", "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        text = clean(" ".join(anchor.css("::text").getall())) or clean(anchor.attrib.get("title"))
        found.append(Link(urljoin(page_url, href), text))
    return found


def parse_list(html: str, page_url: str) -> ListPage:
    """A column list page: its entries and its createPageHTML paging."""
    selector = Selector(text=html)
    entries = []
    for item in selector.css("li"):
        anchor = item.css("a[href]")
        if not anchor:
            continue
        anchor = anchor[0]
        date_text = clean(" ".join(item.css("span.time ::text").getall()))
        if not date_text:
            continue  # navigation <li>s carry no date; report entries always do
        title = clean(anchor.attrib.get("title")) or clean(" ".join(anchor.css("::text").getall()))
        entries.append(ListEntry(urljoin(page_url, anchor.attrib["href"].strip()), title,
                                 normalise_date(date_text)))
    match = _CREATE_PAGE.search(html)
    if match:
        return ListPage(entries, int(match["pages"]), int(match["cur"]), match["prefix"], match["ext"])
    return ListPage(entries, 1, 1, "xxgk_list", "shtml")


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


def normalise_date(text: str) -> str | None:
    match = _DATE.search(text or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"
