"""Downloader middlewares shared by every spider."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlsplit

from crawler.archiving import archive_store


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
        request_headers = [(b"Host", urlsplit(request.url).netloc.encode("ascii"))]
        request_headers += [(k, v) for k, values in request.headers.items() for v in values]
        response_headers = [(k, v) for k, values in response.headers.items() for v in values]
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        capture = self.store.write_exchange(
            url=response.url, method=request.method, request_headers=request_headers,
            request_body=request.body, status=response.status, reason=reason,
            response_headers=response_headers, body=response.body)
        if response.status == 304 and "gongkai_archived_capture" in request.meta:
            # Unchanged: what the spider reads is the copy archived earlier.
            request.meta["gongkai_capture"] = request.meta["gongkai_archived_capture"]
        else:
            request.meta["gongkai_capture"] = {"id": capture.id, "warc_file": capture.warc_file,
                                               "offset": capture.offset}
        # Counted here, as received: further down, a 304 has become the archived 200.
        stats = self.crawler.stats
        stats.inc_value("gongkai/archived_responses")
        stats.inc_value("gongkai/archived_bytes", len(response.body))
        stats.inc_value(f"gongkai/response_status/{response.status}")
        stats.inc_value("gongkai/received_bytes", len(response.body) + sum(
            len(k) + len(v) + 4 for k, v in response_headers))
        return response


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
