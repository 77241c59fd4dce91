"""Spider for TRS WCM portals (湖口县 www.hukou.gov.cn and its peers).

Walks the navigation pages the registry names to every 年报 column, pages
through each column's `createPageHTML` list one page at a time, and fetches
every report page and its attachments.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy

from gongkai.crawler.families import trs
from gongkai.crawler.families.common import links
from gongkai.crawler.spiders.base import RegistrySpider


class TrsSpider(RegistrySpider):
    name = "trs"
    default_site = "hukou"
    discovery_patterns = ("nav_page", "list_page", "column_title")

    async def start(self):
        for url in self.entry_urls():
            if self.list_page.search(urlsplit(url).path):
                yield self.list_request(url, column_title="", section=None)
            else:
                yield scrapy.Request(url, callback=self.parse_nav, cb_kwargs={"depth": 0})

    def list_request(self, url: str, column_title: str, section: str | None) -> scrapy.Request:
        column = urlsplit(url).path.rsplit("/", 1)[0] + "/"
        return scrapy.Request(url, callback=self.parse_list, cb_kwargs={
            "column": column, "column_title": column_title, "section": section})

    def parse_nav(self, response, depth: int):
        for link in links(response.text, response.url):
            if not self.on_site(link.url):
                continue
            path = urlsplit(link.url).path
            if self.list_page.search(path):
                if self.column_title.search(link.text):
                    yield self.list_request(link.url, link.text, link.section)
            elif self.nav_page.search(path) and depth < self.max_nav_depth:
                yield scrapy.Request(link.url, callback=self.parse_nav,
                                     cb_kwargs={"depth": depth + 1})

    def parse_list(self, response, column: str, column_title: str, section: str | None):
        page = trs.parse_list(response.text, response.url)
        # Lists can bleed into other columns and link off-site mirrors: keep our own.
        own = {entry.url: entry for entry in page.entries
               if self.on_site(entry.url) and urlsplit(entry.url).path.startswith(column)}
        new = self.fresh(own)
        for url in new:
            entry = own[url]
            yield self.report_request(url, column=column, column_title=column_title,
                                      list_url=response.url, list_title=entry.title,
                                      list_date=entry.date, section=section)
        # One page at a time: a declared page count can exceed the real one, so the
        # first missing (404), empty or already-seen page ends the column.
        if new and page.paging is not None and page.paging.has_next:
            yield from self.next_list_page(column, scrapy.Request(
                page.paging.next_url(response.url), callback=self.parse_list,
                cb_kwargs={"column": column, "column_title": column_title, "section": section}))
