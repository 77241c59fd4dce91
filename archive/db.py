"""The one SQLite file, `gongkai.db`, and the archive index inside it.

The `captures` table is the index of the WARC files: it is only appended to.
Every other table is derived from the archive and rebuilt by `gongkai extract`.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from gongkai.archive import migrations

DB_NAME = "gongkai.db"


def database_path(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / DB_NAME


def open_database(data_dir: str | os.PathLike) -> sqlite_utils.Database:
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    database = sqlite_utils.Database(database_path(data_dir))
    # The timeout lets several crawler processes share the index without 'database
    # is locked' errors, so it comes first; WAL lets Datasette read while a crawl
    # appends. Switching to WAL needs the file to itself, which a worker starting
    # beside another may not get at once, so it is retried.
    database.execute("PRAGMA busy_timeout=30000")

    def switch_to_wal():
        if database.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            database.execute("PRAGMA journal_mode=WAL")

    when_unlocked(switch_to_wal)
    # In WAL mode NORMAL never corrupts the file; a power cut may lose the last few
    # index rows, which `recover_abandoned` re-indexes from the WARC file itself.
    database.execute("PRAGMA synchronous=NORMAL")
    return database


def when_unlocked(operation, *, seconds: float = 30.0):
    """Run `operation`, again while SQLite answers 'database is locked' at once.

    The busy timeout waits out an ordinary lock, but not a journal-mode switch nor a
    schema change by another worker opening the same new file in the same instant:
    those fail straight away, and only doing the step again helps.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            return operation()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def ensure_schema(database: sqlite_utils.Database) -> None:
    """Bring the kept tables (captures, crawl_runs, …) to the current version in place."""
    when_unlocked(lambda: migrations.upgrade(database))


def insert_capture(database: sqlite_utils.Database, row: dict) -> int:
    with database.conn:
        cursor = database.conn.execute(
            "insert into captures (url, fetched_at, record_type, status, content_type, "
            "payload_sha256, payload_length, warc_record_id, warc_file, offset, length, site, "
            "refers_to, crawl_run) values (:url, :fetched_at, :record_type, :status, "
            ":content_type, :payload_sha256, :payload_length, :warc_record_id, :warc_file, "
            ":offset, :length, :site, :refers_to, :crawl_run)",
            {"refers_to": None, "crawl_run": None, **row})
    return cursor.lastrowid
