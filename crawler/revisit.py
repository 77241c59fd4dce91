"""Rotating revisits: a scheduled crawl asks again for a share of the known reports only.

A polite crawl's cost on a real portal is its request count, not its bytes. A
scheduled run therefore asks for the list pages, the entries that are new, and the
known reports (and attachments) whose turn it is: each URL has a slot drawn from
its hash, and time is cut into windows of N days shifted by that slot, so every day
about 1/N of the known URLs start a new window and are asked again (conditionally).
A URL is asked at the first crawl of each new window: never more than N days apart
when crawls are daily, and the share rotates by itself. N is GONGKAI_REVISIT_DAYS
(0 = ask for everything on every crawl, the default of `gongkai crawl`), and
GONGKAI_REVISIT_SEASON_DAYS in the deadline season (GONGKAI_REVISIT_SEASON_MONTHS,
January–April), when publication and edits cluster.

The rest are answered from the archive without a request, exactly as a 304 would
be: the spider reads the archived page, the report is counted as listed, its
metadata compared, so run accounting and sightings do not change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from scrapy import Request

from gongkai.archive import clock

DUE = "gongkai_revisit_due"        # request.meta: False when the archive may answer
FORCE = "gongkai_revisit_force"    # request.meta: always ask (deletion checks)
PAGE_KIND = "gongkai_page_kind"    # request.meta: list | list_more | nav (ListPageStats)
LIST_CALLBACKS = frozenset({"parse_list", "parse_api", "parse_dataproxy", "parse_column"})
REPORT_CALLBACK = "parse_report"


def _months(value) -> frozenset[int]:
    """'1-4' or '1,2,3,4' or [1, 2, 3, 4] → months."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(int(m) for m in value)
    months: set[int] = set()
    for part in str(value or "").split(","):
        part = part.strip()
        if "-" in part:
            first, last = (int(x) for x in part.split("-", 1))
            months.update(range(first, last + 1))
        elif part:
            months.add(int(part))
    return frozenset(months)


@dataclass(frozen=True)
class RevisitRule:
    days: int = 0                 # 0: every known URL is asked on every crawl
    season_days: int = 0          # 0: as `days`
    season_months: frozenset = frozenset({1, 2, 3, 4})
    # A column's first list page, off season: 1 asks it on every run. In the season it is
    # asked on every run whatever this says: that is when new reports appear.
    list_days: int = 1

    @classmethod
    def from_settings(cls, settings) -> "RevisitRule":
        return cls(days=settings.getint("GONGKAI_REVISIT_DAYS", 0),
                   season_days=settings.getint("GONGKAI_REVISIT_SEASON_DAYS", 0),
                   season_months=_months(settings.get("GONGKAI_REVISIT_SEASON_MONTHS", "1-4")),
                   list_days=settings.getint("GONGKAI_REVISIT_LIST_DAYS", 1))

    def list_period(self, day: date) -> int:
        if self.days <= 0 or day.month in self.season_months:
            return 1
        return max(1, min(self.list_days, self.days))

    def period(self, day: date) -> int:
        if self.days <= 0:
            return 0
        if self.season_days > 0 and day.month in self.season_months:
            return min(self.days, self.season_days)
        return self.days

    def due(self, url: str, day: date, last_asked: date | None,
            period: int | None = None) -> bool:
        """Whether URL, last asked on LAST_ASKED, is to be asked again on DAY."""
        period = self.period(day) if period is None else period
        if period <= 1 or last_asked is None or (day - last_asked).days >= period:
            return True
        return window(url, day, period) > window(url, last_asked, period)


def slot(url: str) -> int:
    """A stable number per URL (not Python's salted hash: the same on every run)."""
    return int.from_bytes(hashlib.sha256(url.encode("utf-8")).digest()[:8], "big")


def window(url: str, day: date, period: int) -> int:
    return (day.toordinal() + slot(url) % period) // period


def crawl_day() -> date:
    """The crawl's day on its own clock (pinned by --now when crawls are replayed)."""
    return clock.now().date()


def known_report(database, url: str) -> bool:
    """A report page or attachment the archive already holds (lists never are)."""
    return next(database.query(
        "select 1 from captures where record_type = 'metadata' and url = ? limit 1", [url]),
        None) is not None


def last_confirmed(database, url: str) -> date | None:
    """The day URL last answered 200 or 304; None when its latest answer was anything
    else (gone, moved, an error): then only asking again can tell what it is now."""
    row = next(database.query(
        "select fetched_at, status from captures where url = ? "
        "and record_type in ('response', 'revisit') order by id desc limit 1", [url]), None)
    if row is None or row["status"] not in (200, 304) or not row["fetched_at"]:
        return None
    return date.fromisoformat(row["fetched_at"][:10])


class Revisits:
    """Decides, for the cache storage, which archived URLs the archive may answer."""

    def __init__(self, settings):
        self.rule = RevisitRule.from_settings(settings)
        self.day = None

    @property
    def active(self) -> bool:
        return self.rule.days > 0

    def due(self, database, request) -> bool:
        """A column's first list page and the entry pages are asked every time (new
        reports show there; off season, first list pages every GONGKAI_REVISIT_LIST_DAYS);
        reports, attachments, navigation and later list pages in turn (their news, a new
        body or column, an older entry moved, waits its turn)."""
        if not self.active or request.meta.get(FORCE):
            return True
        kind = request.meta.get(PAGE_KIND)
        if kind is None and not known_report(database, request.url):
            return True
        self.day = self.day or crawl_day()
        period = self.rule.list_period(self.day) if kind == "list" else None
        if period == 1:
            return True
        return self.rule.due(request.url, self.day, last_confirmed(database, request.url),
                             period)


    def rechecks(self, database, site: str, run_id, urls: list[str]) -> list[str]:
        """Of the known URLs today's lists did not show, those to ask for: every one the
        previous run's lists showed (just gone: deleted or moved?), the rest in turn."""
        previous = next(database.query(
            "select max(id) as id from crawl_runs where site = ? and id < ? "
            "and finished_at is not null", [site, run_id or -1]))["id"]
        vanished = {row["url"] for row in database.query(
            "select url from crawl_listings where crawl_run = ?", [previous])}
        self.day = self.day or crawl_day()
        return [url for url in urls if url in vanished
                or self.rule.due(url, self.day, last_asked(database, url))]


def last_asked(database, url: str) -> date | None:
    """The day URL was last asked for, whatever it answered."""
    row = next(database.query(
        "select max(fetched_at) as at from captures where url = ? "
        "and record_type in ('response', 'revisit')", [url]), None)
    return date.fromisoformat(row["at"][:10]) if row and row["at"] else None


class ListPageStats:
    """Spider middleware: names what each request is for (PAGE_KIND: a column's first list
    page, a later one, navigation), and counts the list pages asked for that answered
    and the report entries they showed: list pages that answer yet show no entry mean
    the markup changed."""

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _is_list(self, response) -> bool:
        request = response.request
        return (request is not None and _callback(request) in LIST_CALLBACKS
                and response.status == 200 and request.meta.get(DUE) is not False)

    def _mark(self, output, from_list: bool, is_list: bool):
        if not isinstance(output, Request):
            return
        callback = _callback(output)
        if callback in LIST_CALLBACKS:
            output.meta.setdefault(PAGE_KIND, "list_more" if from_list else "list")
        elif callback == REPORT_CALLBACK:
            if is_list:
                self.stats.inc_value("gongkai/list_entries")
        elif callback != "parse_attachment":
            output.meta.setdefault(PAGE_KIND, "nav")

    def process_spider_output(self, response, result, spider=None):
        from_list = _callback(response.request) in LIST_CALLBACKS
        is_list = self._is_list(response)
        if is_list:
            self.stats.inc_value("gongkai/list_pages")
        for output in result:
            self._mark(output, from_list, is_list)
            yield output

    async def process_spider_output_async(self, response, result, spider=None):
        from_list = _callback(response.request) in LIST_CALLBACKS
        is_list = self._is_list(response)
        if is_list:
            self.stats.inc_value("gongkai/list_pages")
        async for output in result:
            self._mark(output, from_list, is_list)
            yield output


def _callback(request) -> str:
    return getattr(getattr(request, "callback", None), "__name__", "") if request else ""
