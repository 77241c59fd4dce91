"""The archive's clock: UTC now, or a pinned clock for crawls replayed on a chosen day.

`gongkai crawl --now 2021-02-05T10:00:00Z` (the Scrapy setting GONGKAI_NOW) makes every
time the crawl records (fetched_at, WARC-Date, crawl run start and end) start at that
moment and run on with the wall clock, so a sequence of crawls of the simulated portal
served `--as-of` each day leaves the history a real sequence of crawls would have.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"

_offset = timedelta(0)  # pinned clock minus the wall clock
_pinned: datetime | None = None


def parse_instant(text: str | datetime | date) -> datetime:
    """An ISO date or date-time as an aware UTC datetime; a naive one is taken as UTC
    (the archive keeps UTC), a bare date as its midnight UTC."""
    if isinstance(text, datetime):
        value = text
    elif isinstance(text, date):
        value = datetime(text.year, text.month, text.day)
    else:
        value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def pin(start: str | datetime | date | None) -> None:
    """Run the clock from START from now on (None: the wall clock). Pinning again to the
    same START keeps the running clock, so every part of one crawl shares it."""
    global _offset, _pinned
    if start in (None, ""):
        return
    instant = parse_instant(start)
    if instant == _pinned:
        return
    _pinned = instant
    _offset = instant - datetime.now(timezone.utc)


def unpin() -> None:
    global _offset, _pinned
    _offset, _pinned = timedelta(0), None


def now() -> datetime:
    return datetime.now(timezone.utc) + _offset


def utc_now() -> str:
    return now().strftime(STAMP)


def stamp(value: datetime) -> str:
    """A datetime in the archive's UTC format (the form `fetched_at` is compared in)."""
    return parse_instant(value).strftime(STAMP)
