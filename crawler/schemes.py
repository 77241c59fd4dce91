"""One URL per page: a portal's own links under the other scheme are asked for under
the registry's.

Portals that moved to https (or half-way) print both http:// and https:// links to the
same page. Asked for as they are printed, each page would be fetched twice, archived
twice and turn up as two reports; the registry's base URL says which scheme the
portal is read under, so the other one is rewritten before the request is scheduled
and Scrapy's duplicate filter sees one URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

STAT = "gongkai/scheme_rewritten"


def canonical_url(url: str, base_url: str, hosts) -> str:
    """`url` under `base_url`'s scheme when it is on one of `hosts` (the site's own)
    with the other of http/https; anything else as it is."""
    parts, base = urlsplit(url), urlsplit(base_url)
    if parts.scheme == base.scheme or {parts.scheme, base.scheme} != {"http", "https"} \
            or parts.hostname not in hosts:
        return url
    # a port only belongs to the scheme it was written for
    netloc = parts.hostname if parts.port is None else parts.netloc
    if base.hostname == parts.hostname:
        netloc = base.netloc
    return urlunsplit((base.scheme, netloc, parts.path, parts.query, parts.fragment))


class CanonicalSchemeMiddleware(BaseSpiderMiddleware):
    def get_processed_request(self, request, response):
        site = getattr(self.crawler.spider, "site", None)
        if site is None:
            return request
        url = canonical_url(request.url, site.base_url, site.allowed_hosts)
        if url == request.url:
            return request
        self.crawler.stats.inc_value(STAT)
        return request.replace(url=url)
