"""Spider for Hanweb (大汉) portals (上虞区 www.shangyu.gov.cn and its peers).

Reads a 年报 column's embedded records, then asks the dataproxy for the rest
with the form the column's own jpage script declares, 100 records at a time,
and fetches every report page and its attachments.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import scrapy

from gongkai.crawler.families import hanweb
from gongkai.crawler.families.common import links, meta_tags
from gongkai.crawler.families.listing import parse_listing
from gongkai.crawler.spiders.base import RegistrySpider


class HanwebSpider(RegistrySpider):
    name = "hanweb"
    default_site = "shangyu"
    discovery_patterns = ("column_page", "column_title")

    @property
    def report_path(self) -> str:
        """A column's own articles, `{column}` standing for its id (art_<id>_…)."""
        return self.discovery["report_path"]

    async def start(self):
        for url in self.entry_urls():
            if self.column_page.search(urlsplit(url).path):
                yield scrapy.Request(url, callback=self.parse_column)
            else:
                yield scrapy.Request(url, callback=self.parse_nav)

    def parse_nav(self, response):
        for link in links(response.text, response.url):
            if (self.on_site(link.url) and self.column_page.search(urlsplit(link.url).path)
                    and self.column_title.search(link.text)):
                yield scrapy.Request(link.url, callback=self.parse_column)

    def unit_from_trail(self, trail: list[str]) -> str | None:
        """首页 >> <unit> >> 信息公开年报 >> …: Hanweb names the unit right after 首页."""
        return trail[1] if len(trail) > 2 else None

    def own_report(self, url: str, column_id: str) -> bool:
        pattern = self.report_path.replace("{column}", re.escape(column_id))
        return self.on_site(url) and re.search(pattern, urlsplit(url).path) is not None

    def parse_column(self, response):
        column_id = hanweb.column_id(response.url) or ""
        listing = {"column": f"/col/col{column_id}/",
                   "column_title": meta_tags(response.text).get("ColumnName", "")}
        page = parse_listing(response.text, response.url,
                             column_title=listing["column_title"] or "年报")
        records = page.entries
        yield from self.report_requests(page.reports, column_id, listing, response.url)
        paging = page.jpage or hanweb.jpage(response.text, response.url)
        if paging is not None and paging.form and (paging.total is None
                                                   or len(records) < paging.total):
            yield self.dataproxy_request(paging, len(records) + 1, column_id, listing)

    def dataproxy_request(self, paging, start, column_id, listing) -> scrapy.FormRequest:
        url, form = paging.request(start)
        return scrapy.FormRequest(url, formdata=form, callback=self.parse_dataproxy, cb_kwargs={
            "paging": paging, "start": start, "column_id": column_id, "listing": listing})

    def parse_dataproxy(self, response, paging, start, column_id, listing):
        page = parse_listing(response.text, response.url,
                             column_title=listing["column_title"] or "年报")
        records, total = page.entries, page.total
        unseen = [r for r in records if r.url not in self.listed]
        yield from self.report_requests(page.reports, column_id, listing, response.url)
        after = start + len(records)
        total = total if total is not None else paging.total
        # Stop on an empty answer, on one that shows nothing new, or at the total.
        if unseen and (total is None or after <= total):
            yield from self.next_list_page(listing["column"], self.dataproxy_request(
                paging, after, column_id, listing))

    def report_requests(self, records, column_id: str, listing: dict, list_url: str):
        own = {r.url: r for r in records if self.own_report(r.url, column_id)}
        for url in self.fresh(own):
            yield self.report_request(url, list_url=list_url, list_title=own[url].title,
                                      list_date=own[url].date, **listing)
