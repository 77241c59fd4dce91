"""What the TRS and Ganzhou spiders share: walk navigation pages to every 年报
column, read each column list page with the one list parser
(crawler/families/listing.py, also `gongkai probe`'s), and turn its pages one
at a time.

A family differs only in its registry entry (which pages are navigation, which
are lists, how far to walk) and in how its report pages name their unit.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy

from gongkai.crawler.families.common import links
from gongkai.crawler.families.listing import parse_listing, url_key
from gongkai.crawler.spiders.base import RegistrySpider


class ColumnSpider(RegistrySpider):
    discovery_patterns = ("nav_page", "list_page", "column_title")

    async def start(self):
        for url in self.entry_urls():
            if self.list_page.search(urlsplit(url).path):
                yield self.list_request(url, column_title="", section=None)
            else:
                yield scrapy.Request(url, callback=self.parse_nav, cb_kwargs={"depth": 0})

    @property
    def lists_read(self) -> set[str]:
        if not hasattr(self, "_lists_read"):
            self._lists_read: set[str] = set()
        return self._lists_read

    def in_scope(self, url: str) -> bool:
        """The registry's hosts, under the site's scope prefix."""
        return self.site.allows(url) and urlsplit(url).path.startswith(self.site.scope_prefix)

    def list_request(self, url: str, column_title: str, section: str | None) -> scrapy.Request:
        column = urlsplit(url).path.rsplit("/", 1)[0] + "/"
        return scrapy.Request(url, callback=self.parse_list, cb_kwargs={
            "column": column, "column_title": column_title, "section": section})

    def parse_nav(self, response, depth: int):
        for link in links(response.text, response.url):
            if not self.in_scope(link.url):
                continue
            path = urlsplit(link.url).path
            if self.list_page.search(path):
                if self.column_title.search(link.text):
                    yield self.list_request(link.url, link.text, link.section)
            elif self.nav_page.search(path) and depth < self.max_nav_depth:
                yield scrapy.Request(link.url, callback=self.parse_nav,
                                     cb_kwargs={"depth": depth + 1})

    def parse_list(self, response, column: str, column_title: str, section: str | None = None):
        # Only 年报 columns are followed here, whatever their link said (2024, 年度报告 …).
        listing = parse_listing(response.text, response.url, column_title="年报")
        # Lists can bleed into other columns and link off-site mirrors: keep our own.
        own = {entry.url: entry for entry in listing.reports
               if self.in_scope(entry.url) and urlsplit(entry.url).path.startswith(column)}
        new = self.fresh(own)
        for url in new:
            entry = own[url]
            yield self.report_request(url, column=column, column_title=column_title,
                                      list_url=response.url, list_title=entry.title,
                                      list_date=entry.date, section=section)
        # One page at a time: a declared page count can exceed the real one, so the
        # first missing (404), empty or already-seen page ends the column.
        # Pager links also point back (首页, 1, 上一页): the next page is the first not yet read.
        self.lists_read.add(url_key(response.url))
        following = [u for u in listing.next if url_key(u) not in self.lists_read]
        if new and following:
            yield from self.next_list_page(column, scrapy.Request(
                following[0], callback=self.parse_list,
                cb_kwargs={"column": column, "column_title": column_title, "section": section}))
