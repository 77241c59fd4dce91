"""The baseline for benchmarks/crawl.py: plain Scrapy fetching a given list of URLs,
with none of gongkai's middlewares, pipelines or parsing."""

import json
import time

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings = {"ROBOTSTXT_OBEY": False, "HTTPCACHE_ENABLED": False,
                       "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "WARNING"}

    def __init__(self, urls_file, stats_file, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls_file, self.stats_file = urls_file, stats_file

    async def start(self):
        self.started = time.monotonic()
        with open(self.urls_file, encoding="utf-8") as fh:
            for line in fh:
                yield scrapy.Request(line.strip(), callback=self.parse, dont_filter=True)

    def parse(self, response):
        return None

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        with open(self.stats_file, "w", encoding="utf-8") as fh:
            json.dump({"responses": stats.get("downloader/response_count", 0),
                       "seconds": time.monotonic() - self.started}, fh)
