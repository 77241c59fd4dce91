"""Ask again for the reports we hold that today's lists no longer show.

A report deleted from a portal simply drops out of its column list; only a
request for its old URL shows the 404 (or the soft 404, or the redirect of a
move). Once the lists are walked, every report URL archived for the site in
earlier crawls and not requested in this one is asked for once more.
"""

from __future__ import annotations

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from gongkai.crawler.archiving import archive_store
from gongkai.crawler.revisit import FORCE, Revisits


class RecheckKnownReports:
    def __init__(self, crawler):
        self.crawler = crawler
        self.requested: set[str] = set()
        self.done = False
        crawler.signals.connect(self.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def scheduled(self, request, spider=None):
        self.requested.add(request.url)

    def idle(self, spider):
        if self.done:
            return
        self.done = True
        site = getattr(getattr(spider, "site", None), "name", None)
        if site is None:
            return
        database = archive_store(self.crawler).index
        known = [row["url"] for row in database.query(
            "select distinct url from captures where record_type = 'metadata' and site = ? "
            "and (crawl_run is null or crawl_run != ?)",
            [site, archive_store(self.crawler).run_id or -1])]
        missing = [url for url in known if url not in self.requested]
        revisits = Revisits(self.crawler.settings)
        if revisits.active:
            # A scheduled run: those the last lists showed at once, the rest in turn.
            missing = revisits.rechecks(database, site, archive_store(self.crawler).run_id,
                                        missing)
        for url in missing:
            self.crawler.engine.crawl(scrapy.Request(url, callback=self.checked,
                                                     dont_filter=False, meta={FORCE: True}))
        self.crawler.stats.set_value("gongkai/rechecked_reports", len(missing))
        if missing:
            raise DontCloseSpider

    def checked(self, response):
        """The answer is in the archive already (the capture middleware wrote it)."""
        return None
