"""Bounds of a crawl: one hostile answer costs that answer alone, and leaves a record.

Each bound is a named setting (crawler/settings.py): DOWNLOAD_MAXSIZE (a body, as
received and once decompressed), REDIRECT_MAX_TIMES, GONGKAI_MAX_LIST_PAGES (list
pages followed per column). What a bound drops is counted by reason in the stats
(`gongkai/dropped/<reason>`, then the crawl_runs row), logged on one line and
written to the archive as a `dropped` metadata record, so the evidence that the
portal served something we refused is kept with everything else.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest

from gongkai.crawler.archiving import archive_store

log = logging.getLogger(__name__)

DEFAULT_MAX_LIST_PAGES = 200
# Reasons a bound gives (the keys of crawl_runs.dropped)
BODY_TOO_LARGE = "body_too_large"
DECOMPRESSED_TOO_LARGE = "decompressed_too_large"
TOO_MANY_REDIRECTS = "too_many_redirects"
LIST_PAGES_LIMIT = "list_pages_limit"
# Kept for the crawl_runs row; the archive has a record of every one.
_DETAILS_KEPT = 100


def record_drop(crawler, url: str, reason: str, detail: str) -> None:
    """Count, log and archive one answer (or list page) a bound refused."""
    crawler.stats.inc_value(f"gongkai/dropped/{reason}")
    log.warning("dropped (%s): %s — %s", reason, url, detail)
    kept = getattr(crawler, "gongkai_dropped", None)
    if kept is None:
        kept = crawler.gongkai_dropped = []
    if len(kept) < _DETAILS_KEPT:
        kept.append({"url": url, "reason": reason, "detail": detail[:300]})
    store = archive_store(crawler)
    store.write_metadata(url, {"kind": "dropped", "url": url, "reason": reason,
                               "detail": detail[:300]})


class _RecordedRedirectChain:
    """A redirect chain past REDIRECT_MAX_TIMES, recorded as dropped before Scrapy drops it."""
    chain = "redirects"

    def _redirect(self, redirected, request, reason):
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest:
            record_drop(self.crawler, request.url, TOO_MANY_REDIRECTS,
                        f"more than {self.max_redirect_times} {self.chain}")
            raise


class BoundedRedirectMiddleware(_RecordedRedirectChain, RedirectMiddleware):
    """Scrapy's redirects, with a chain past REDIRECT_MAX_TIMES recorded as dropped."""


class BoundedMetaRefreshMiddleware(_RecordedRedirectChain, MetaRefreshMiddleware):
    """Meta refreshes: a target that is not an http(s) URL (`javascript:`, garbage) leaves
    the page as it is — Scrapy would raise building a request for it, and the report
    on the page would be lost; a chain past REDIRECT_MAX_TIMES is recorded as dropped."""
    chain = "redirects (meta refresh)"

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except ValueError as error:  # no request can be made of the target
            log.info("meta refresh ignored on %s: %s", response.url, error)
            return response


class BoundedCompressionMiddleware(HttpCompressionMiddleware):
    """Decompression stops at DOWNLOAD_MAXSIZE (Scrapy's check); here it is also recorded.

    The compressed bytes are in the archive already (the capture middleware sits
    closer to the downloader); reading them back is bounded too (archive/warc.py)."""

    def __init__(self, stats=None, *, crawler=None):
        super().__init__(stats, crawler=crawler)
        self.crawler = crawler

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as error:
            record_drop(self.crawler, request.url, DECOMPRESSED_TOO_LARGE, str(error))
            raise


class ListPageBudget:
    """How many list pages a crawl follows per column (GONGKAI_MAX_LIST_PAGES).

    A portal that always links one more page (or one that answers every page number
    with new-looking entries) would be followed for ever; past the budget the column
    stops and the stop is recorded."""

    def __init__(self, crawler, limit: int):
        self.crawler = crawler
        self.limit = limit
        self.pages: dict[str, int] = {}

    @classmethod
    def for_spider(cls, spider) -> "ListPageBudget":
        crawler = spider.crawler
        limit = crawler.settings.getint("GONGKAI_MAX_LIST_PAGES", DEFAULT_MAX_LIST_PAGES)
        return cls(crawler, limit)

    def allow(self, column: str, next_url: str) -> bool:
        """True while COLUMN may have one more page (the one at NEXT_URL)."""
        followed = self.pages.get(column, 1)
        if followed >= self.limit:
            if followed == self.limit:
                record_drop(self.crawler, next_url, LIST_PAGES_LIMIT,
                            f"column {column} has more than {self.limit} list pages")
                self.pages[column] = followed + 1
            return False
        self.pages[column] = followed + 1
        return True
