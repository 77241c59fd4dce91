"""What every family's spider shares: its registry entry, the host fence, the
report item, and the attachments a report page links.

A family spider finds report pages (navigation, lists, APIs) and hands each to
`parse_report` with what the list said about it; the parsers it uses are pure
functions in crawler/families/.
"""

from __future__ import annotations

import re

import scrapy
from scrapy.http import TextResponse

from gongkai.crawler.bounds import ListPageBudget
from gongkai.crawler.families.attachments import find_attachments
from gongkai.crawler.families.common import report_facts
from gongkai.crawler.registry import load_site


class RegistrySpider(scrapy.Spider):
    """A spider crawling one registry site (`-a site=NAME`, optional `-a base_url=URL`)."""

    default_site = ""
    # The registry's `discovery` entries this family reads as regular expressions:
    # each becomes an attribute of the same name, compiled once.
    discovery_patterns: tuple[str, ...] = ()
    max_nav_depth = 2       # how far navigation pages are followed, unless the registry says

    def __init__(self, site: str | None = None, base_url: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._site_name = site or self.default_site
        self._base_url_arg = base_url
        self.listed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        base_url = spider._base_url_arg or crawler.settings.get("GONGKAI_BASE_URL")
        spider.site = load_site(spider._site_name, base_url)
        spider.allowed_domains = list(spider.site.allowed_hosts)
        spider.discovery = spider.site.discovery
        for name in cls.discovery_patterns:
            setattr(spider, name, re.compile(spider.discovery[name]))
        spider.max_nav_depth = int(spider.discovery.get("max_nav_depth", cls.max_nav_depth))
        return spider

    def entry_urls(self) -> list[str]:
        return [self.site.base_url + entry for entry in self.site.entries]

    def on_site(self, url: str) -> bool:
        """Only the registry's hosts: never a mirror, never another portal."""
        return self.site.allows(url)

    def fresh(self, urls) -> list[str]:
        """The URLs no list of this crawl has shown yet (a list showing none is exhausted)."""
        new = [url for url in dict.fromkeys(urls) if url not in self.listed]
        self.listed.update(new)
        return new

    def next_list_page(self, column: str, request: scrapy.Request) -> list[scrapy.Request]:
        """REQUEST for a column's next list page, within GONGKAI_MAX_LIST_PAGES."""
        if getattr(self, "_list_budget", None) is None:
            self._list_budget = ListPageBudget.for_spider(self)
        return [request] if self._list_budget.allow(column, request.url) else []

    # -- report pages ------------------------------------------------------------

    def report_item(self, response, *, column, column_title, list_url, list_title, list_date,
                    breadcrumb, unit, agency_kind, attachments) -> dict:
        """The item every family hands over for a report page (crawler/pipelines.py)."""
        return {
            "kind": "report_page",
            "url": response.url,
            "site": self.site.name,
            "family": self.site.family,
            "column": column,
            "column_title": column_title,
            "list_url": list_url,
            "list_title": list_title,
            "list_date": list_date,
            "breadcrumb": breadcrumb,
            "unit": unit,
            "agency_kind": agency_kind,
            "capture": response.meta.get("gongkai_capture"),
            "attachments": [{"url": a.url, "name": a.name} for a in attachments],
        }

    def report_request(self, url: str, **listed) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_report, cb_kwargs=listed)

    def parse_report(self, response, column, column_title, list_url, list_title, list_date,
                     section=None, unit=None):
        if not isinstance(response, TextResponse):
            return  # a report URL answering with a file is not a report page
        facts = report_facts(response.text)
        unit = unit or facts.unit or self.unit_from_trail(facts.breadcrumb) or self.site.title
        attachments = [a for a in find_attachments(response.text, response.url)
                       if self.on_site(a.url)]
        yield self.report_item(response, column=column, column_title=column_title,
                               list_url=list_url, list_title=list_title or facts.title,
                               list_date=list_date or facts.date, breadcrumb=facts.breadcrumb,
                               unit=unit, agency_kind=self.site.kind_of(section, unit),
                               attachments=attachments)
        yield from self.attachment_requests(response.url, attachments)

    def unit_from_trail(self, trail: list[str]) -> str | None:
        """首页 > 栏目 > <unit> > 年报: the unit is the crumb before the column's own."""
        return trail[-2] if len(trail) > 3 else None

    # -- attachments -------------------------------------------------------------

    def attachment_requests(self, report_url: str, attachments):
        for attachment in attachments:
            yield scrapy.Request(attachment.url, callback=self.parse_attachment,
                                 cb_kwargs={"report_url": report_url, "name": attachment.name})

    def parse_attachment(self, response, report_url, name):
        yield {
            "kind": "attachment",
            "url": response.url,
            "report_url": report_url,
            "name": name,
            "site": self.site.name,
            "capture": response.meta.get("gongkai_capture"),
        }
