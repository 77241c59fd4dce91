"""A crawl's own counts, written as JSON where the process that started it can read them
(GONGKAI_STATS_FILE): `gongkai schedule` runs each crawl in a child process and judges
the run (alerts) on what the crawl saw, e.g. list pages that answered but listed nothing."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured


class StatsFile:
    def __init__(self, crawler, path: str):
        self.crawler = crawler
        self.path = Path(path)
        self.run_id = None
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("GONGKAI_STATS_FILE")
        if not path:
            raise NotConfigured
        return cls(crawler, path)

    def closed(self, spider, reason):
        store = getattr(self.crawler, "gongkai_store", None)
        self.run_id = getattr(store, "run_id", None)

    def stopped(self):
        stats = {key: value for key, value in self.crawler.stats.get_stats().items()
                 if isinstance(value, (int, float, str)) and not isinstance(value, bool)}
        stats["gongkai/crawl_run"] = self.run_id
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(stats, ensure_ascii=False, sort_keys=True),
                             encoding="utf-8")
