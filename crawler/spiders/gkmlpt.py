"""Spider for Guangdong gkmlpt portals (武江区 www.sgwjq.gov.cn and its peers).

Reads the SID from the index page's window._CONFIG and the 年报 category from
its `#<id>` link, pages through the JSON list API (100 records a page), skips
records pointing to other sites, and fetches every report page and its
attachments.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy

from gongkai.crawler.families import gkmlpt
from gongkai.crawler.families.classify import is_report_title
from gongkai.crawler.spiders.base import RegistrySpider


class GkmlptSpider(RegistrySpider):
    name = "gkmlpt"
    default_site = "sgwjq"
    discovery_patterns = ("column_title", "report_path")

    async def start(self):
        for url in self.entry_urls():
            yield scrapy.Request(url, callback=self.parse_index)

    def parse_index(self, response):
        conf = gkmlpt.config(response.text)
        for category in gkmlpt.categories(response.text, response.url):
            if not self.column_title.search(category.name):
                continue
            yield self.api_request(response.url, conf, category, 1)

    def api_request(self, index_url, conf, category, page) -> scrapy.Request:
        url = gkmlpt.api_url(index_url, conf, category.id, page)
        return scrapy.Request(url, callback=self.parse_api, cb_kwargs={
            "index_url": index_url, "conf": conf, "category": category, "page": page})

    def parse_api(self, response, index_url, conf, category, page):
        try:
            listing = gkmlpt.parse_api(response.text, response.url)
        except ValueError:
            self.logger.warning("not a JSON list answer: %s", response.url)
            return
        # The report test probe uses too: a 年报 category's entries, minus its 解读 and notices.
        own = {r.url: r for r in listing.records
               if not r.off_site and self.on_site(r.url)
               and self.report_path.search(urlsplit(r.url).path)
               and is_report_title(r.title, in_report_column=True)}
        unseen = [r for r in listing.records if r.url not in self.listed]
        for url in self.fresh(own):
            record = own[url]
            yield self.report_request(
                url, column=f"{urlsplit(index_url).path}#{category.id}", column_title=category.name,
                list_url=response.url, list_title=record.title, list_date=record.date,
                unit=record.publisher)
        # The page after the last answers 404; the total spares asking for it.
        seen_so_far = listing.offset + len(listing.records)
        more = listing.total is None or seen_so_far < listing.total
        if unseen and len(listing.records) >= gkmlpt.PER_PAGE and more:
            yield from self.next_list_page(f"{index_url}#{category.id}",
                                           self.api_request(index_url, conf, category, page + 1))

