"""Every crawl leaves a `crawl_runs` row, and a crawl that looks broken is flagged.

The silently broken scraper is the classic failure of civic scrapers: a portal
redesign makes the spider find nothing and nobody notices. So a run that finds
no reports where the previous one found some, or whose error rate jumps, says so.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from urllib.parse import urlsplit

from scrapy import signals

from gongkai.archive.db import ensure_schema, when_unlocked
from gongkai.archive.warc import pid_alive, utc_now
from gongkai.crawler.archiving import archive_store
from gongkai.crawler.outcomes import count_outcomes, judge

log = logging.getLogger(__name__)

ERROR_RATE_FLOOR = 0.10  # below this an error rate is noise, whatever the last run did


def _mark_interrupted(database) -> None:
    """Runs of this machine whose process is gone without finishing were killed."""
    host = socket.gethostname()
    for run in list(database.query(
            "select id, worker from crawl_runs where finished_at is null")):
        worker_host, _, pid = (run["worker"] or "").rpartition("-")
        if worker_host == host and pid.isdigit() and not pid_alive(int(pid)):
            with database.conn:
                database["crawl_runs"].update(run["id"], {"finish_reason": "interrupted"})


class CrawlRunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.run_id = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def opened(self, spider):
        store = archive_store(self.crawler)
        site = getattr(spider, "site", None)

        def start_run() -> int:
            ensure_schema(store.index)
            _mark_interrupted(store.index)
            with store.index.conn:
                return store.index["crawl_runs"].insert({
                    "site": getattr(site, "name", spider.name),
                    "base_url": getattr(site, "base_url", None),
                    "worker": f"{socket.gethostname()}-{os.getpid()}",
                    "started_at": utc_now(),
                }).last_pk

        # A run without its row would archive captures that no run owns.
        self.run_id = store.run_id = when_unlocked(start_run)

    def received(self, response, request, spider=None):
        """A page the spider can use: the crawl reached the site (robots.txt aside)."""
        if 200 <= response.status < 400 and urlsplit(response.url).path != "/robots.txt":
            self.crawler.stats.inc_value("gongkai/outcome/usable")

    def closed(self, spider, reason):
        store = archive_store(self.crawler)
        database = store.index
        stats = self.crawler.stats.get_stats()
        blocked = sorted({event["host"] for event in getattr(self.crawler, "gongkai_blocked", [])})
        counts = count_outcomes(stats)
        shared = "scrapy_redis" in self.crawler.settings.get("SCHEDULER", "")
        outcome, outcome_reason = judge(counts, blocked, stats.get("gongkai/outcome/usable", 0),
                                        shared)
        self.crawler.stats.set_value("gongkai/outcome", outcome)
        self.crawler.stats.set_value("gongkai/outcome_reason", outcome_reason)
        row = {
            "finished_at": utc_now(), "finish_reason": reason, **counts.row(),
            "bytes": stats.get("gongkai/received_bytes", 0),
            "report_pages": stats.get("gongkai/report_pages", 0),
            "blocked_hosts": json.dumps(blocked),
            "skipped": stats.get("robotstxt/forbidden", 0) + stats.get("gongkai/blocked_skipped", 0),
            "spider_errors": stats.get("spider_exceptions/count", 0),
            "outcome": outcome, "outcome_reason": outcome_reason,
            **self._report_changes(database),
        }
        row["flags"] = json.dumps(self._flags(database, row), ensure_ascii=False)
        with database.conn:
            database["crawl_runs"].update(self.run_id, row)
        for flag in json.loads(row["flags"]):
            log.warning("crawl run %s of %s flagged: %s", self.run_id, spider.name, flag)
        if outcome != "ok":
            log.error("crawl run %s of %s failed: %s", self.run_id, spider.name, outcome_reason)

    def _report_changes(self, database) -> dict:
        run = self.run_id
        site = next(database.query("select site from crawl_runs where id = ?", [run]))["site"]

        def urls(sql, *params):
            return {row["url"] for row in database.query(sql, params)}

        def listed(run_id):
            # Since metadata is written only when it changes, each run's lists are kept
            # in crawl_listings; runs from before that have their metadata records.
            return urls("select url from crawl_listings where crawl_run = ?", run_id) or urls(
                "select distinct url from captures where record_type = 'metadata' "
                "and content_type like '%kind=report_page' and crawl_run = ?", run_id)

        listed_now = listed(run)
        previous = next(database.query(
            "select max(id) as id from crawl_runs where site = ? and id < ? and finished_at "
            "is not null", [site, run]))["id"]
        listed_before = listed(previous) if previous else set()
        fetched_now = urls("select distinct url from captures where record_type = 'response' "
                           "and status = 200 and crawl_run = ?", run)
        held_before = urls("select distinct url from captures where record_type in "
                           "('response', 'revisit') and status = 200 and crawl_run < ?", run)
        reports_now = fetched_now & listed_now
        return {
            "new_reports": len(reports_now - held_before),
            "changed_reports": len(reports_now & held_before),
            "removed_reports": len(listed_before - listed_now) if previous else 0,
        }

    def _flags(self, database, row) -> list[str]:
        run = self.run_id
        site = next(database.query("select site from crawl_runs where id = ?", [run]))["site"]
        previous = next(database.query(
            "select report_pages, error_rate from crawl_runs where site = ? and id < ? and "
            "finished_at is not null order by id desc limit 1", [site, run]), None)
        flags = []
        if previous and previous["report_pages"] and not row["report_pages"]:
            flags.append(f"找到0份报告，上次找到{previous['report_pages']}份 "
                         "(zero reports where the last crawl found some)")
        last_rate = previous["error_rate"] if previous else 0.0
        if row["error_rate"] >= ERROR_RATE_FLOOR and row["error_rate"] > 2 * (last_rate or 0):
            flags.append(f"错误率{row['error_rate']:.0%}，上次{last_rate or 0:.0%} "
                         "(error rate jumped)")
        return flags
