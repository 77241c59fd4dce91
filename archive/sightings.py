"""When the archive looked at a portal's lists, and what it saw there.

The deadline watch judges lateness on evidence: the first time a report was seen, and
the looks at its body's list that did not show it. A look is one crawl run of ours
(everything it listed or fetched on the site), or one list page archived elsewhere and
imported (`gongkai import`): its bytes say which reports it listed on its WARC-Date.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from gongkai.archive.warc import read_capture

CHINA = timezone(timedelta(hours=8))
MAX_BODIES = 256  # imported list pages held in memory at once  # deadlines are dates in China (no DST since 1991)


def china_day(stamp: str | None) -> date | None:
    """The day in China of an archive timestamp (UTC ISO 8601)."""
    if not stamp:
        return None
    try:
        value = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:  # an unusual fraction of a second: the second is enough for a day
        value = datetime.fromisoformat(stamp[:19])
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(CHINA).date()


def end_of_day(day: date) -> str:
    """The first UTC timestamp after DAY ended in China, in the archive's format."""
    start = datetime(day.year, day.month, day.day, tzinfo=CHINA) + timedelta(days=1)
    return start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def url_key(url: str | None) -> str:
    """A URL without its scheme and default port: http:// and https:// copies are one page."""
    if not url:
        return ""
    parts = urlsplit(unwrap_wayback(url.strip().strip("<>")))
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    return host + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def unwrap_wayback(url: str) -> str:
    """The original URL of a Wayback Machine address (web.archive.org/web/<ts>/<url>)."""
    parts = urlsplit(url)
    if parts.hostname == "web.archive.org" and parts.path.startswith("/web/"):
        rest = parts.path.split("/", 3)[-1] + (f"?{parts.query}" if parts.query else "")
        for scheme in ("http", "https"):
            if rest.startswith(f"{scheme}:/"):
                return f"{scheme}://" + rest[len(scheme) + 2:].lstrip("/")
    return url


@dataclass
class Look:
    """One look at a site: its time, the URLs it listed or fetched, its list captures."""
    at: str
    urls: set[str] = field(default_factory=set)
    captures: dict[str, int] = field(default_factory=dict)  # url key → a capture id
    imported: bool = False
    times: dict[str, str] = field(default_factory=dict)  # url key → when first fetched

    def seen_at(self, targets: set[str]) -> str:
        """When this look first fetched one of TARGETS (else when it began)."""
        return min((self.times[key] for key in targets if key in self.times), default=self.at)

    @property
    def day(self) -> date:
        return china_day(self.at)


class Sightings:
    """Every look at every site up to `before` (UTC ISO), read once from the index."""

    def __init__(self, database, before: str, data_dir: str | os.PathLike | None = None):
        self.database = database
        self.before = before
        self.data_dir = Path(data_dir) if data_dir else database_folder(database)
        self.runs: dict[str, list[Look]] = defaultdict(list)   # site → our crawl runs
        self.imported: dict[str, list[Look]] = defaultdict(list)  # url key → its captures
        self._bodies: dict[int, bytes] = {}
        self._covering: dict[tuple, list[Look]] = {}
        self._read()

    def _read(self) -> None:
        runs: dict[int, Look] = {}
        site_of: dict[int, str] = {}
        for row in self.database.query(
                "select id, url, fetched_at, record_type, status, crawl_run, site from captures "
                "where fetched_at < ? and record_type in ('response', 'revisit', 'metadata') "
                "order by fetched_at, id", [self.before]):
            key = url_key(row["url"])
            if row["crawl_run"] is None:
                if row["record_type"] in ("response", "revisit") and row["status"] == 200:
                    self.imported[key].append(Look(row["fetched_at"], {key}, {key: row["id"]},
                                                   True, {key: row["fetched_at"]}))
                continue
            look = runs.setdefault(row["crawl_run"], Look(row["fetched_at"]))
            site_of[row["crawl_run"]] = row["site"]
            # A URL asked for again and answering 404 was not shown by this look.
            if row["record_type"] == "metadata" or row["status"] in (200, 304):
                look.urls.add(key)
                look.times.setdefault(key, row["fetched_at"])
            if row["record_type"] != "metadata" and row["status"] in (200, 304):
                look.captures.setdefault(key, row["id"])
        if has_table(self.database, "crawl_listings"):
            for row in self.database.query("select crawl_run, url from crawl_listings"):
                if row["crawl_run"] in runs:
                    runs[row["crawl_run"]].urls.add(url_key(row["url"]))
        failed = self._failed_runs()
        for run, look in sorted(runs.items(), key=lambda item: item[1].at):
            if run not in failed:
                self.runs[site_of[run]].append(look)

    def _failed_runs(self) -> set[int]:
        """Runs that could not crawl their site (host down, all 5xx, blocked): what they
        did not see is no evidence of absence."""
        columns = {row["name"] for row in self.database.query(
            "select name from pragma_table_info('crawl_runs')")}
        if "outcome" not in columns:
            return set()
        return {row["id"] for row in self.database.query(
            "select id from crawl_runs where outcome is not null and outcome != 'ok'")}

    def looks(self, site: str, agency: set[str], lists: set[str], targets: set[str]) -> list[Look]:
        """The looks that could have seen a report at TARGETS, oldest first: our runs of
        SITE that read one of its body's LISTS (or, where no list page of it is known,
        fetched any URL of the body, AGENCY), and the imported captures of one of its
        LISTS or of the report itself. Only a run that read the list says what the list
        did not show."""
        key = (site, frozenset(agency))
        if key not in self._covering:   # asked once per body and year: kept per body
            self._covering = {key: [look for look in self.runs.get(site, [])
                                    if (look.captures.keys() & lists if lists
                                        else look.urls & agency)]}
        ours = self._covering[key]
        theirs = [look for key in lists | targets for look in self.imported.get(key, [])]
        return sorted(ours + theirs, key=lambda look: look.at)

    def saw(self, look: Look, targets: set[str], lists: set[str]) -> bool:
        """Whether LOOK saw a report at one of TARGETS: fetched or listed it, or (an
        imported list page, one of LISTS) names its file in its bytes."""
        if look.urls & targets:
            return True
        if not look.imported:
            return False
        names = {key.rsplit("/", 1)[-1].encode("utf-8") for key in targets}
        return any(name and name in self.body(capture_id)
                   for key, capture_id in look.captures.items() if key in lists
                   for name in names)

    def body(self, capture_id: int) -> bytes:
        if capture_id not in self._bodies:
            if len(self._bodies) >= MAX_BODIES:
                self._bodies.clear()
            row = next(self.database.query("select * from responses where id = ?", [capture_id]),
                       None)
            payload = read_capture(self.data_dir, row).payload if row else b""
            # JSON list APIs escape their slashes; a file name has none.
            self._bodies[capture_id] = payload.replace(b"\\/", b"/")
        return self._bodies[capture_id]


def has_table(database, name: str) -> bool:
    """NAME is a table of the database or of one attached to it (a build's `archive`)."""
    return database.execute("select 1 from pragma_table_list where name = ?",
                            [name]).fetchone() is not None


def database_folder(database) -> Path:
    """The data folder of an open gongkai.db (or of the build file beside it)."""
    path = database.execute("select file from pragma_database_list where name = 'main'") \
        .fetchone()[0]
    return Path(path).parent
