"""The versioned schema of the tables gongkai.db keeps for ever.

The archive index (`captures`), the crawl records (`crawl_runs`) and whatever else is
only ever appended to cannot be rebuilt from the WARC files alone, so their schema
changes by migrations: an existing gongkai.db is upgraded in place, never re-crawled.
Add a change as a new function at the end of this file; never edit one that shipped.
Derived tables (reports, figures, …) are rebuilt by `gongkai extract` and are not
migrated: their schema lives in archive/database.py.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("gongkai")


@migrations()
def m001_captures(db: sqlite_utils.Database) -> None:
    db["captures"].create({
        "id": int, "url": str, "fetched_at": str, "record_type": str, "status": int,
        "content_type": str, "payload_sha256": str, "payload_length": int,
        "warc_record_id": str, "warc_file": str, "offset": int, "length": int, "site": str,
        # revisit records: the capture whose identical payload they stand for
        "refers_to": int,
        # the crawl_runs row of the crawl that wrote the record
        "crawl_run": int,
    }, pk="id", not_null={"url", "record_type"}, if_not_exists=True)
    for columns in (["url", "fetched_at"], ["record_type"], ["payload_sha256"]):
        db["captures"].create_index(columns, if_not_exists=True)
    # Every archived response, with where its payload bytes are: its own record, or
    # for a revisit record the earlier record holding the identical bytes.
    db.execute("""
        create view if not exists responses as
        select c.*, coalesce(o.warc_file, c.warc_file) as payload_file,
               coalesce(o.offset, c.offset) as payload_offset
        from captures c left join captures o on o.id = c.refers_to
        where c.record_type in ('response', 'revisit')
    """)


@migrations()
def m002_crawl_runs(db: sqlite_utils.Database) -> None:
    db["crawl_runs"].create({
        "id": int, "site": str, "base_url": str, "worker": str, "started_at": str,
        "finished_at": str, "finish_reason": str, "requests": int, "responses": int,
        "responses_by_status": str, "bytes": int, "report_pages": int, "new_reports": int,
        "changed_reports": int, "removed_reports": int, "blocked_hosts": str, "errors": int,
        "error_rate": float, "flags": str,
    }, pk="id", if_not_exists=True)


def upgrade(db: sqlite_utils.Database) -> list[str]:
    """Apply every pending migration; the names applied, in order."""
    pending = [m.name for m in migrations.pending(db)]
    if pending:
        migrations.apply(db)
    return pending


@migrations()
def m003_crawl_accounting(db: sqlite_utils.Database) -> None:
    """Every request counted once by outcome, what the bounds dropped by reason, and why a
    crawl failed (issue 12); the report URLs each run's lists showed, which the archive
    no longer repeats when nothing about a report changed."""
    db["crawl_runs"].add_column("outcome", str)          # ok | unreachable | server_errors | …
    db["crawl_runs"].add_column("outcome_reason", str)   # one line, as the command prints it
    db["crawl_runs"].add_column("dropped", str)          # JSON: reason → count
    db["crawl_runs"].add_column("dropped_bodies", int)
    db["crawl_runs"].add_column("skipped", int)          # not asked: robots.txt, blocked host
    db["crawl_runs"].add_column("spider_errors", int)
    db["crawl_listings"].create({"crawl_run": int, "url": str}, pk=("crawl_run", "url"),
                                if_not_exists=True)


@migrations()
def m004_alerts(db: sqlite_utils.Database) -> None:
    """What `gongkai schedule` raised after each run (issue 13): a portal that broke,
    reports newly late or missing. Kept: an alert once raised is history."""
    db["alerts"].create({
        "id": int, "raised_at": str, "kind": str, "site": str, "region": str,
        "message": str, "details": str, "crawl_run": int,
        # the webhook: when it took the alert, else the last failure and how many tries
        "delivered_at": str, "delivery_error": str, "delivery_attempts": int,
    }, pk="id", if_not_exists=True)
    db["alerts"].create_index(["site", "raised_at"], if_not_exists=True)


@migrations()
def m005_alerted_deadlines(db: sqlite_utils.Database) -> None:
    """The deadline status of each agency-year as the last scheduled run of its site saw it:
    the next run alerts on what changed since, whoever rebuilt the deadlines between."""
    db["alerted_deadlines"].create({
        "site": str, "agency": str, "report_year": int, "status": str, "as_of": str,
    }, pk=("site", "agency", "report_year"), if_not_exists=True)
