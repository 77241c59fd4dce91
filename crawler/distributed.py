"""Distributed crawls on scrapy-redis: several workers, one Redis queue and dupefilter.

Only scrapy-redis's scheduler and dupefilter are used, not its RedisSpider:
our spiders define `async def start()`, which Scrapy 2.13+ calls (RedisSpider
defines only `start_requests()`). Every worker yields the same start requests;
the shared dupefilter lets exactly one of them through.
"""

from __future__ import annotations

import time

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured


def redis_settings(redis_url: str, site: str, crawl_id: str) -> dict:
    prefix = f"gongkai:{site}:{crawl_id}"
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": redis_url,
        # Keys are per crawl, so the next crawl of the site starts afresh, and they
        # persist when one worker stops, so its peers keep the queue.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "EXTENSIONS": {"gongkai.crawler.distributed.WaitForPeers": 600,
                       "gongkai.crawler.distributed.ExpireCrawlKeys": 610},
    }


class ExpireCrawlKeys:
    """A finished crawl's Redis keys go after a while instead of piling up.

    Each worker, as it stops, gives the crawl's queue and dupefilter a time to live
    (GONGKAI_CRAWL_KEYS_TTL, a week by default), so the last one to stop sets the
    final one: a worker joining the same crawl later that week still skips what its
    peers fetched, and a daily crawl does not leave a dupefilter behind every day.
    """

    def __init__(self, crawler, ttl: int):
        self.crawler = crawler
        self.ttl = ttl
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if "scrapy_redis" not in settings.get("SCHEDULER", ""):
            raise NotConfigured
        return cls(crawler, settings.getint("GONGKAI_CRAWL_KEYS_TTL", 7 * 24 * 3600))

    def closed(self, spider, reason):
        from scrapy_redis.connection import get_redis_from_settings

        settings = self.crawler.settings
        server = get_redis_from_settings(settings)
        for key in (settings["SCHEDULER_QUEUE_KEY"], settings["SCHEDULER_DUPEFILTER_KEY"]):
            server.expire(key, self.ttl)     # ours have no %(spider)s to fill in


class WaitForPeers:
    """Keeps an idle worker alive while its peers may still add requests to the queue."""

    def __init__(self, crawler, timeout: float):
        self.crawler = crawler
        self.timeout = timeout
        self.idle_since = None
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self.busy, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler):
        if "scrapy_redis" not in crawler.settings.get("SCHEDULER", ""):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("GONGKAI_PEER_IDLE_SECONDS", 5.0))

    def busy(self, *args, **kwargs):
        self.idle_since = None

    def idle(self, spider):
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.timeout:
            raise DontCloseSpider
