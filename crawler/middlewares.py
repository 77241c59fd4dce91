"""Downloader middlewares shared by every spider."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.utils.asyncio import sleep

from gongkai.crawler.archiving import archive_store
from gongkai.crawler.bounds import BODY_TOO_LARGE, record_drop


class WarcCaptureMiddleware:
    """Writes every response, with the request that asked for it, to the WARC store.

    It sits closest to the downloader (order 950) so it sees each response as
    received: before decompression, retries and redirects rewrite it, and
    including the redirects, errors and robots.txt fetches themselves.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.store = archive_store(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if "cached" in response.flags:
            return response  # our own archived copy coming back: already in the archive
        response_headers = [(k, v) for k, values in response.headers.items() for v in values]
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        archived = request.meta.get("gongkai_archived_capture")
        if response.status == 304 and archived:
            # Unchanged: a revisit record, and what the spider reads is the earlier copy.
            self.store.write_not_modified(url=response.url, original=archived, reason=reason,
                                          response_headers=response_headers)
            request.meta["gongkai_capture"] = archived
        else:
            request_headers = [(b"Host", urlsplit(request.url).netloc.encode("ascii"))]
            request_headers += [(k, v) for k, values in request.headers.items() for v in values]
            capture = self.store.write_exchange(
                url=response.url, method=request.method, request_headers=request_headers,
                request_body=request.body, status=response.status, reason=reason,
                response_headers=response_headers, body=response.body)
            request.meta["gongkai_capture"] = {"id": capture.id, "warc_file": capture.warc_file,
                                               "offset": capture.offset,
                                               "record_id": capture.record_id}
        # Counted here, as received: further down, a 304 has become the archived 200.
        stats = self.crawler.stats
        stats.inc_value("gongkai/archived_responses")
        stats.inc_value("gongkai/archived_bytes", len(response.body))
        stats.inc_value(f"gongkai/response_status/{response.status}")
        stats.inc_value("gongkai/received_bytes", len(response.body) + sum(
            len(k) + len(v) + 4 for k, v in response_headers))
        return response

    def process_exception(self, request, exception, spider=None):
        """Each download that ended without an answer, counted once by what happened.

        Requests never sent (robots.txt, a blocked host, --simulated's fence) arrive
        here as IgnoreRequest and are not downloads."""
        if isinstance(exception, IgnoreRequest):
            return None
        if isinstance(exception, DownloadCancelledError):
            # DOWNLOAD_MAXSIZE: declared too large, or grew past it while arriving.
            record_drop(self.crawler, request.url, BODY_TOO_LARGE, str(exception))
            self.crawler.stats.inc_value("gongkai/outcome/dropped")
        else:
            self.crawler.stats.inc_value(f"gongkai/outcome/error/{type(exception).__name__}")
        return None


class ProxyMiddleware:
    """Sends every request through GONGKAI_PROXY (`gongkai crawl --proxy URL`).

    With the simulated web as the proxy, a spider requests the real portals' URLs
    unchanged and the simulated server answers for every host.
    """

    def __init__(self, proxy: str | None):
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("GONGKAI_PROXY"))

    def process_request(self, request, spider=None):
        if self.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries of 5xx answers and timeouts, spaced out instead of immediate.

    Scrapy's RetryMiddleware asks again at once, which meets a busy server while it
    is still busy. Here the n-th retry waits RETRY_BACKOFF_BASE * 2**n seconds (at most
    RETRY_BACKOFF_MAX), or what the server's Retry-After asks for, within the same cap.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def delay(self, request, response=None) -> float:
        asked = _retry_after(response.headers.get(b"Retry-After")) if response is not None else None
        if asked is not None:
            return min(asked, self.cap)
        return min(self.base * 2 ** request.meta.get("retry_times", 0), self.cap)

    async def process_response(self, request, response, spider=None):
        retry = super().process_response(request, response)
        if isinstance(retry, Request):
            await sleep(self.delay(request, response))
        return retry

    async def process_exception(self, request, exception, spider=None):
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await sleep(self.delay(request))
        return retry


def _retry_after(value: bytes | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)
