import gzip
import hashlib

import pytest
from warcio.archiveiterator import ArchiveIterator

from gongkai.archive import db
from gongkai.archive.warc import WarcStore, read_record

BODY = "<html><body>庄口镇2020年政府信息公开工作年度报告</body></html>".encode("utf-8")


def write_one(tmp_path, body=BODY, **extra):
    store = WarcStore(tmp_path, site="huichang")
    capture = store.write_exchange(
        url="http://www.huichang.gov.cn/hcxxxgk/hc1590/202101/abc.shtml", method="GET",
        request_headers=[(b"Host", b"www.huichang.gov.cn"), (b"User-Agent", b"gongkai")],
        request_body=b"", status=200, reason="OK",
        response_headers=[(b"Content-Type", b"text/html; charset=utf-8"),
                          (b"Transfer-Encoding", b"chunked")] + extra.get("headers", []),
        body=body)
    return store, capture


def test_response_round_trips_through_the_index(tmp_path):
    store, capture = write_one(tmp_path)
    store.close()
    database = db.open_database(tmp_path)
    rows = list(database.query("select * from captures order by id"))
    assert [r["record_type"] for r in rows] == ["response", "request"]
    response = rows[0]
    assert response["payload_sha256"] == hashlib.sha256(BODY).hexdigest()
    assert response["status"] == 200
    record = read_record(tmp_path, response["warc_file"], response["offset"])
    assert record.payload == BODY
    assert record.status == 200
    # The body was de-chunked by the client, so the record must not claim chunking.
    assert not any(k.lower() == "transfer-encoding" for k, _ in record.headers)


def test_records_are_standard_warc_with_digests(tmp_path):
    store, capture = write_one(tmp_path)
    store.write_metadata(capture.url, {"kind": "report_page", "list_date": "2021-01-20"})
    store.close()
    path = tmp_path / capture.warc_file
    types = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            types.append(record.rec_type)
            if record.rec_type in ("response", "request"):
                assert record.rec_headers.get_header("WARC-Block-Digest").startswith("sha1:")
            if record.rec_type == "response":
                assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert types == ["warcinfo", "response", "request", "metadata"]
    # One gzip member per record: the whole file decompresses as a stream.
    assert b"WARC/1.1" in gzip.decompress(path.read_bytes())


def test_gzip_body_is_stored_as_received(tmp_path):
    compressed = gzip.compress(BODY)
    store, capture = write_one(tmp_path, body=compressed,
                               headers=[(b"Content-Encoding", b"gzip")])
    store.close()
    database = db.open_database(tmp_path)
    row = next(database.query("select * from captures where record_type = 'response'"))
    assert row["payload_sha256"] == hashlib.sha256(compressed).hexdigest()
    # Reading decodes the content encoding, so extraction sees the page itself.
    assert read_record(tmp_path, row["warc_file"], row["offset"]).payload == BODY


def test_files_rotate_at_the_size_limit(tmp_path):
    store = WarcStore(tmp_path, max_file_bytes=1)
    for n in range(3):
        store.write_exchange(url=f"http://example.gov.cn/{n}", method="GET", request_headers=[],
                             request_body=b"", status=200, reason="OK", response_headers=[],
                             body=BODY)
    store.close()
    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert len(files) >= 3


def test_identical_payloads_are_written_once_then_revisited(tmp_path):
    from gongkai.archive.warc import read_capture

    big = BODY * 200
    store, first = write_one(tmp_path, body=big)
    second = store.write_exchange(
        url="http://www.huichang.gov.cn/hcxxxgk/hc1590/202101/abc.shtml", method="GET",
        request_headers=[], request_body=b"", status=200, reason="OK",
        response_headers=[(b"Content-Type", b"text/html; charset=utf-8")], body=big)
    store.close()
    assert second.record_type == "revisit"
    database = db.open_database(tmp_path)
    rows = list(database.query("select * from responses order by id"))
    assert [r["record_type"] for r in rows] == ["response", "revisit"]
    assert rows[1]["refers_to"] == rows[0]["id"]
    assert rows[1]["length"] < rows[0]["length"]
    assert read_capture(tmp_path, rows[1]).payload == big
    with open(tmp_path / second.warc_file, "rb") as fh:
        fh.seek(second.offset)
        record = next(iter(ArchiveIterator(fh)))
    assert record.rec_headers.get_header("WARC-Profile").endswith("identical-payload-digest")
    assert record.rec_headers.get_header("WARC-Refers-To-Target-URI") == first.url


def test_a_step_that_meets_a_stale_snapshot_is_done_again(tmp_path):
    """Another worker writing between a transaction's read and its write makes SQLite
    fail at once, whatever the busy timeout: when_unlocked runs the step again."""
    import sqlite3

    from gongkai.archive.db import database_path, open_database, when_unlocked

    open_database(tmp_path).execute("create table runs (n integer)")
    ours = sqlite3.connect(database_path(tmp_path), isolation_level=None)
    ours.execute("PRAGMA busy_timeout=30000")
    theirs = sqlite3.connect(database_path(tmp_path), isolation_level=None)
    attempts = []

    def next_run():
        ours.execute("begin")
        try:
            n = ours.execute("select count(*) from runs").fetchone()[0]
            if not attempts:            # the other worker commits after our read
                theirs.execute("insert into runs values (0)")
            attempts.append(n)
            ours.execute("insert into runs values (?)", [n + 1])
            ours.execute("commit")
        except sqlite3.OperationalError:
            ours.execute("rollback")
            raise
        return n + 1

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        next_run()                      # the fault is real
    attempts.clear()
    theirs.execute("delete from runs")
    assert when_unlocked(next_run) == 2
    assert attempts == [0, 1]
    assert [r[0] for r in theirs.execute("select n from runs order by n")] == [0, 2]
