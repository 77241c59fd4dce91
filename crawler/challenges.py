"""Anti-bot challenge pages (瑞数 412, 加速乐 521, WAF stubs) are not content.

They are archived like every response (the capture middleware sits closer to
the downloader), then recorded as a block on the host and dropped: never
retried in a loop, never handed to a parser as a report.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from gongkai.archive.clock import utc_now

CHALLENGE_STATUSES = {412, 521, 422, 403, 405}
STUB_MAX_BYTES = 2048
# After this many challenges a host is left alone for the rest of the crawl:
# every further request would only meet the same wall.
GIVE_UP_AFTER = 2
_SCRIPT = re.compile(rb"<script\b.*?</script>", re.I | re.S)
_TAGS = re.compile(rb"<[^>]+>")
_MARKERS = (b"__jsl_clearance", b"__jsluid", b"$_ts", b"document.cookie", b"wzws_cid")


def is_challenge(status: int, body: bytes) -> bool:
    if status in CHALLENGE_STATUSES:
        return True
    if not 200 <= status < 300 or len(body) > STUB_MAX_BYTES or b"<script" not in body.lower():
        return False
    visible = _TAGS.sub(b"", _SCRIPT.sub(b"", body)).strip()
    return len(visible) < 40 or any(marker in body for marker in _MARKERS)


class ChallengeBlocked(IgnoreRequest):
    pass


class ChallengeMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.blocked: list[dict] = []
        crawler.gongkai_blocked = self.blocked

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname
        if self.crawler.stats.get_value(f"gongkai/blocked/{host}", 0) >= GIVE_UP_AFTER:
            self.crawler.stats.inc_value("gongkai/blocked_skipped")
            raise ChallengeBlocked(f"{host} answers with challenge pages; not asking again")
        return None

    def process_response(self, request, response, spider=None):
        if not is_challenge(response.status, response.body):
            return response
        host = urlsplit(response.url).hostname
        self.blocked.append({"host": host, "url": response.url, "status": response.status,
                             "at": utc_now()})
        self.crawler.stats.inc_value(f"gongkai/blocked/{host}")
        self.crawler.stats.inc_value("gongkai/blocked")
        raise ChallengeBlocked(f"challenge page from {host} ({response.status}): "
                               f"{response.url}")
