"""One WARC store per crawl, shared by the capture middleware and the pipeline."""

from __future__ import annotations

from scrapy import signals

from gongkai.archive import clock
from gongkai.archive.warc import WarcStore


def archive_store(crawler) -> WarcStore:
    store = getattr(crawler, "gongkai_store", None)
    if store is None:
        # Before anything is written: every time the crawl records runs from --now.
        clock.pin(crawler.settings.get("GONGKAI_NOW"))
        store = WarcStore(crawler.settings.get("GONGKAI_DATA_DIR", "data"),
                          max_file_bytes=crawler.settings.getint("GONGKAI_WARC_MAX_BYTES",
                                                                 512 * 1024 * 1024))
        crawler.gongkai_store = store
        # engine_stopped comes after every spider_closed handler (crawl run records).
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)

        def label_captures(spider):
            site = getattr(spider, "site", None)
            store.site = getattr(site, "name", None) or spider.name

        crawler.signals.connect(label_captures, signal=signals.spider_opened, weak=False)
    return store
