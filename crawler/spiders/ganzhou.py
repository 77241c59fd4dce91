"""Spider for the Ganzhou 集约化 CMS family (会昌县 and its peers).

Walks the 政府信息公开 navigation to every annual-report column (column ids are
discovered, never configured), pages through each `xxgk_list.shtml` and fetches
every report page and the files it links. The page bytes are archived by the
WARC middleware; the spider hands over only what the list and breadcrumb say
about each report.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy

from gongkai.crawler.families import ganzhou
from gongkai.crawler.families.common import links
from gongkai.crawler.families.attachments import find_attachments
from gongkai.crawler.spiders.base import RegistrySpider


class GanzhouSpider(RegistrySpider):
    name = "ganzhou"
    default_site = "huichang"
    discovery_patterns = ("nav_page", "list_page", "column_title")
    max_nav_depth = 3

    async def start(self):
        for entry in self.site.entries:
            yield scrapy.Request(self.site.base_url + entry, callback=self.parse_nav,
                                 cb_kwargs={"depth": 0})

    # -- navigation ------------------------------------------------------------

    def in_scope(self, url: str) -> bool:
        parts = urlsplit(url)
        return self.site.allows(url) and parts.path.startswith(self.site.scope_prefix)

    def parse_nav(self, response, depth: int):
        for link in links(response.text, response.url):
            if not self.in_scope(link.url):
                continue
            path = urlsplit(link.url).path
            if self.list_page.search(path):
                if self.column_title.search(link.text):
                    column = path.rsplit("/", 1)[0] + "/"
                    yield scrapy.Request(link.url, callback=self.parse_list,
                                         cb_kwargs={"column": column, "column_title": link.text})
            elif self.nav_page.search(path) and depth < self.max_nav_depth:
                yield scrapy.Request(link.url, callback=self.parse_nav,
                                     cb_kwargs={"depth": depth + 1})

    # -- column lists ----------------------------------------------------------

    def parse_list(self, response, column: str, column_title: str):
        page = ganzhou.parse_list(response.text, response.url)
        # Lists on this CMS can bleed into other columns; keep our own only.
        own = [entry for entry in page.entries
               if self.in_scope(entry.url) and urlsplit(entry.url).path.startswith(column)]
        new = set(self.fresh(entry.url for entry in own))
        for entry in (e for e in own if e.url in new):
            yield scrapy.Request(entry.url, callback=self.parse_report, cb_kwargs={
                "column": column, "column_title": column_title,
                "list_title": entry.title, "list_date": entry.date, "list_url": response.url})
        # Turn pages one at a time: a declared page count can exceed the real one,
        # so stop at the first empty (or missing) page, or one that repeats the last.
        if new and page.paging.has_next:
            yield from self.next_list_page(column, scrapy.Request(
                page.paging.next_url(response.url), callback=self.parse_list,
                cb_kwargs={"column": column, "column_title": column_title}))

    # -- report pages ----------------------------------------------------------

    def parse_report(self, response, column, column_title, list_title, list_date, list_url):
        trail = ganzhou.breadcrumb(response.text)
        section = trail[1] if len(trail) > 1 else None
        unit = trail[2] if len(trail) > 3 else None
        attachments = [a for a in find_attachments(response.text, response.url)
                       if self.in_scope(a.url)]
        yield self.report_item(response, column=column, column_title=column_title,
                               list_url=list_url, list_title=list_title, list_date=list_date,
                               breadcrumb=trail, unit=unit or self.site.title,
                               agency_kind=self.site.agency_kind(section),
                               attachments=attachments)
        yield from self.attachment_requests(response.url, attachments)
