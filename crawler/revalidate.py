"""Incremental recrawls: the archive is Scrapy's HTTP cache.

Every request for a URL we already hold is sent as a conditional request
(If-None-Match / If-Modified-Since from the archived response). A 304 is
archived as such and the spider gets the archived page back, so unchanged
pages cost a few hundred bytes and changed ones are fetched whole.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from gongkai.archive import db
from gongkai.archive.warc import read_capture
from gongkai.crawler.revisit import DUE, Revisits


class AlwaysRevalidatePolicy(RFC2616Policy):
    """Never answer from the archive without asking the server: edits must be seen.
    Except, in a scheduled crawl, a known report whose revisit is not due
    (crawler/revisit.py): its turn comes within GONGKAI_REVISIT_DAYS."""

    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        if request.meta.get(DUE) is False:
            # Read as if the server had answered 304: the archived copy is the capture.
            request.meta["gongkai_capture"] = request.meta.get("gongkai_archived_capture")
            return True
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        # Only a 304 confirms the archived copy; an error must reach the spider
        # (a report that now answers 404 was deleted).
        return response.status == 304


class RevalidatingCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's HTTP cache without its error recovery: when the server cannot be
    reached the spider must not get the archived copy as if it had answered (a dead
    host would look alive, and retries would never happen)."""

    def process_exception(self, request, exception, spider=None):
        request.meta.pop("cached_response", None)
        return None


class WarcCacheStorage:
    """HTTPCACHE_STORAGE backed by the WARC files: nothing is stored twice."""

    def __init__(self, settings):
        self.data_dir = settings.get("GONGKAI_DATA_DIR", "data")
        self.database = None
        self.revisits = Revisits(settings)

    def open_spider(self, spider) -> None:
        self.database = db.open_database(self.data_dir)
        db.ensure_schema(self.database)

    def close_spider(self, spider) -> None:
        if self.database is not None:
            self.database.conn.close()

    def retrieve_response(self, spider, request):
        if request.method != "GET" or self.database is None:
            return None
        row = next(self.database.query(
            "select * from responses where url = ? and status = 200 order by id desc limit 1",
            [request.url]), None)
        if row is None:
            return None
        record = read_capture(self.data_dir, row, raw=True)
        headers = Headers(record.headers)
        request.meta["gongkai_archived_capture"] = {
            "id": row["id"], "warc_file": row["warc_file"], "offset": row["offset"],
            "record_id": row["warc_record_id"]}
        request.meta[DUE] = self.revisits.due(self.database, request)
        if not request.meta[DUE] and getattr(spider, "crawler", None) is not None:
            spider.crawler.stats.inc_value("gongkai/revisit/not_due")
        cls = responsetypes.from_args(headers=headers, url=request.url, body=record.payload)
        return cls(url=request.url, status=200, headers=headers, body=record.payload,
                   request=request)

    def store_response(self, spider, request, response) -> None:
        """Nothing to do: the capture middleware has archived the response already."""
