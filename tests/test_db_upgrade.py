"""An older gongkai.db is upgraded in place: no re-crawl, the archive index kept.

The old database is made here by hand, as the code before archive/migrations.py left it:
`captures` with its indexes and the `responses` view, `crawl_runs`, derived tables of an
older build, and no `_sqlite_migrations` table. Its captures point at WARC records
written for real.
"""

import json
import shutil
import sqlite3
import subprocess
import sys
import urllib.request

import sqlite_utils

from gongkai.archive import migrations
from gongkai.archive.warc import WarcStore
from simulator.web import build_portal
from simulator.render import render_report

from conftest import REPO, free_port, gongkai, wait_for_http

OLD_SCHEMA = """
CREATE TABLE [captures] (
   [id] INTEGER PRIMARY KEY, [url] TEXT NOT NULL, [fetched_at] TEXT,
   [record_type] TEXT NOT NULL, [status] INTEGER, [content_type] TEXT,
   [payload_sha256] TEXT, [payload_length] INTEGER, [warc_record_id] TEXT,
   [warc_file] TEXT, [offset] INTEGER, [length] INTEGER, [site] TEXT,
   [refers_to] INTEGER, [crawl_run] INTEGER
);
CREATE INDEX [idx_captures_url_fetched_at] ON [captures] ([url], [fetched_at]);
CREATE INDEX [idx_captures_record_type] ON [captures] ([record_type]);
CREATE INDEX [idx_captures_payload_sha256] ON [captures] ([payload_sha256]);
CREATE VIEW responses as
    select c.*, coalesce(o.warc_file, c.warc_file) as payload_file,
           coalesce(o.offset, c.offset) as payload_offset
    from captures c left join captures o on o.id = c.refers_to
    where c.record_type in ('response', 'revisit');
CREATE TABLE [crawl_runs] (
   [id] INTEGER PRIMARY KEY, [site] TEXT, [base_url] TEXT, [worker] TEXT,
   [started_at] TEXT, [finished_at] TEXT, [finish_reason] TEXT, [requests] INTEGER,
   [responses] INTEGER, [responses_by_status] TEXT, [bytes] INTEGER,
   [report_pages] INTEGER, [new_reports] INTEGER, [changed_reports] INTEGER,
   [removed_reports] INTEGER, [blocked_hosts] TEXT, [errors] INTEGER,
   [error_rate] FLOAT, [flags] TEXT
);
-- an older build's derived tables, which the next extract replaces
CREATE TABLE [agencies] ([id] INTEGER PRIMARY KEY, [site] TEXT, [name] TEXT);
CREATE TABLE [reports] ([id] INTEGER PRIMARY KEY, [url] TEXT, [agency_id] INTEGER,
   [report_year] INTEGER, [title] TEXT);
CREATE VIEW report_summary as select id as report_id, report_year from reports;
"""


def crawled_archive(data_dir, reports: int) -> list[str]:
    """Report pages archived for real, as a crawl leaves them; their URLs."""
    portal = build_portal(seed=1)
    store = WarcStore(data_dir, site="huichang")
    urls = []
    for report in portal.reports[:reports]:
        url = "http://www.huichang.gov.cn" + report.path
        capture = store.write_exchange(
            url=url, method="GET", request_headers=[], request_body=b"", status=200,
            reason="OK", response_headers=[(b"Content-Type", b"text/html; charset=utf-8")],
            body=render_report(portal, report).encode())
        store.write_metadata(url, {"kind": "report_page", "url": url, "site": "huichang",
                                   "unit": report.agency.short_name,
                                   "column": f"/hcxxxgk/{report.agency.code}/",
                                   "list_title": report.title, "capture": {"id": capture.id}})
        urls.append(url)
    store.close()
    return urls


def old_database(data_dir, captures: list[tuple]) -> None:
    conn = sqlite3.connect(data_dir / "gongkai.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(OLD_SCHEMA)
    conn.executemany(f"insert into captures values ({','.join('?' * 15)})", captures)
    conn.execute("insert into crawl_runs (id, site, started_at, finished_at, finish_reason, "
                 "requests) values (1, 'huichang', '2025-01-01T00:00:00Z', "
                 "'2025-01-01T00:10:00Z', 'finished', 93)")
    conn.execute("insert into agencies values (1, 'huichang', '旧单位')")
    conn.execute("insert into reports values (1, 'http://old.example/r', 1, 2019, '旧报告')")
    conn.commit()
    conn.close()


def columns(database: sqlite_utils.Database, table: str) -> set[str]:
    return {column.name for column in database[table].columns}


def test_an_older_database_is_upgraded_in_place(tmp_path):
    fresh, old = tmp_path / "fresh", tmp_path / "old"
    urls = crawled_archive(fresh, reports=5)
    shutil.copytree(fresh / "warc", old / "warc")
    rows = sqlite3.connect(fresh / "gongkai.db").execute(
        "select id, url, fetched_at, record_type, status, content_type, payload_sha256, "
        "payload_length, warc_record_id, warc_file, offset, length, site, refers_to, crawl_run "
        "from captures order by id").fetchall()
    old_database(old, rows)

    result = gongkai("extract", "--data", old)
    assert "5 reports" in result.stderr

    database = sqlite_utils.Database(old / "gongkai.db")
    # Every migration applied, once, and the kept tables now look like a new database's.
    assert not list(migrations.migrations.pending(database))
    new = sqlite_utils.Database(memory=True)
    migrations.upgrade(new)
    for table in new.table_names():
        assert columns(database, table) == columns(new, table), table
    # The archive index and the crawl record are kept as they were.
    kept = database.execute(
        "select id, url, fetched_at, record_type, status, content_type, payload_sha256, "
        "payload_length, warc_record_id, warc_file, offset, length, site, refers_to, crawl_run "
        "from captures order by id").fetchall()
    assert kept == rows
    assert database.execute("select requests from crawl_runs where id = 1").fetchone() == (93,)
    # The older build's derived tables are replaced by this one's.
    assert sorted(r["url"] for r in database.query("select url from reports")) == sorted(urls)
    assert "extraction_failure" in columns(database, "reports")
    assert database.execute("select count(*) from report_summary").fetchone() == (5,)
    database.conn.close()
    check_served(old, reports=5, captures=len(rows))


def check_served(data_dir, *, reports: int, captures: int) -> None:
    """`gongkai serve` on the upgraded database: reports, the index and the failures."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gongkai.cli", "serve", "--data",
                               str(data_dir), "--port", str(port)], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/-/versions.json")

        def count(table):
            with urllib.request.urlopen(f"{base}/gongkai/{table}.json?_shape=array&_size=max",
                                        timeout=30) as response:
                return len(json.load(response))

        assert count("reports") == reports
        assert count("captures") == captures
        assert count("extraction_failures") == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
