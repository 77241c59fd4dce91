"""Downloader middleware: every text response is read in the encoding its bytes use."""

from __future__ import annotations

from scrapy.http import TextResponse

from gongkai.archive.encoding import detect_encoding


class EncodingMiddleware:
    """Re-reads every text response in the encoding its bytes actually use."""

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse):
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        encoding = detect_encoding(content_type, response.body)
        if encoding != response.encoding:
            return response.replace(encoding=encoding)
        return response
