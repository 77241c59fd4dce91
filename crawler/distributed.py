"""Distributed crawls on scrapy-redis: several workers, one Redis queue and dupefilter.

Only scrapy-redis's scheduler and dupefilter are used, not its RedisSpider:
our spiders define `async def start()`, which Scrapy 2.13+ calls (RedisSpider
defines only `start_requests()`). Every worker yields the same start requests;
the shared dupefilter lets exactly one of them through.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import urlsplit

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
        # Last before the downloader: one request at a time per host over all workers.
        "DOWNLOADER_MIDDLEWARES": {"gongkai.crawler.distributed.RedisHostSlot": 970},
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


# Take the slot only if it is free; give it back holding it for the gap, if still ours.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then
    return redis.call('set', KEYS[1], 'gap', 'PX', ARGV[2])
  end
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisHostSlot:
    """The per-host limit of a distributed crawl, held in Redis instead of in each worker.

    scrapy-redis shares the queue, but every worker throttles alone: two workers would
    ask a portal twice as often. Before each download a worker takes the host's slot
    (`gongkai:host-slot:<host>`, a key set only if absent), and gives it back when the
    answer came, keeping it DOWNLOAD_DELAY (or AutoThrottle's current delay, if longer)
    seconds more: whichever worker asks next waits for it. The key lives at most
    DOWNLOAD_TIMEOUT plus the delay, so a worker killed holding it blocks no one for long.
    The slot is per host, not per crawl: two crawls of one portal share it too.
    """

    def __init__(self, crawler, server):
        self.crawler = crawler
        self.server = server
        settings = crawler.settings
        self.delay = settings.getfloat("DOWNLOAD_DELAY", 1.0)
        self.lease = settings.getfloat("DOWNLOAD_TIMEOUT", 60) + max(self.delay, 1.0) * 2
        self.release = server.register_script(_RELEASE)

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy_redis.connection import get_redis_from_settings

        settings = crawler.settings
        if "scrapy_redis" not in settings.get("SCHEDULER", "") or \
                settings.getbool("GONGKAI_SIMULATED_FAST"):
            raise NotConfigured  # --simulated: no host to be polite to
        return cls(crawler, get_redis_from_settings(settings))

    async def process_request(self, request, spider=None):
        from scrapy.utils.asyncio import sleep

        key = f"gongkai:host-slot:{urlsplit(request.url).hostname}"
        token = uuid.uuid4().hex
        while not self.server.set(key, token, nx=True, px=int(self.lease * 1000)):
            await sleep(0.05)
        request.meta["gongkai_host_slot"] = (key, token)
        return None

    def process_response(self, request, response, spider=None):
        self._give_back(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._give_back(request)
        return None

    def _give_back(self, request) -> None:
        held = request.meta.pop("gongkai_host_slot", None)
        if held is None:
            return
        key, token = held
        self.release(keys=[key], args=[token, int(self._gap(request) * 1000)])

    def _gap(self, request) -> float:
        """DOWNLOAD_DELAY, or the delay AutoThrottle has set for this host, if longer."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        return max(self.delay, getattr(slot, "delay", 0.0))
