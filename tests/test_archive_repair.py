"""The archive after a crash, and archived bodies that fight back: a real writer process
dies mid-file, the next start repairs the file and its index, and `verify` is clean."""

import gzip
import socket
import subprocess
import sys
import textwrap
import zlib

import brotli
import pytest

from gongkai.archive import db
from gongkai.archive.bodies import PayloadTooLarge
from gongkai.archive.verify import verify
from gongkai.archive.warc import WarcStore, read_capture, read_record

from conftest import REPO

HOST = "build-box-01"  # a host name with hyphens, as most machines have
WRITER = textwrap.dedent("""
    import os, socket, sys
    socket.gethostname = lambda: sys.argv[2]
    from gongkai.archive.warc import WarcStore
    store = WarcStore(sys.argv[1], site="huichang")
    for i in range(3):
        store.write_exchange(url=f"http://www.huichang.gov.cn/{i}.shtml", method="GET",
                             request_headers=[], request_body=b"", status=200, reason="OK",
                             response_headers=[(b"Content-Type", b"text/html")],
                             body=f"<p>第{i}份报告</p>".encode() * 200)
    os._exit(0)  # dies without closing: the file stays .open, as after kill -9
""")


def crashed_writer(data_dir) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(data_dir), HOST], cwd=REPO, check=True)


def test_a_torn_last_record_and_its_index_row_are_repaired_on_the_next_start(
        tmp_path, monkeypatch):
    crashed_writer(tmp_path)
    [path] = (tmp_path / "warc").glob("*.warc.gz.open")
    assert f"-{HOST}-" in path.name
    database = db.open_database(tmp_path)
    last = next(database.query("select * from captures order by offset desc limit 1"))
    database.conn.close()
    # The index got the row, the disk only half the record (a power cut).
    with open(path, "r+b") as fh:
        fh.truncate(last["offset"] + last["length"] // 2)
    assert not verify(tmp_path).ok

    monkeypatch.setattr(socket, "gethostname", lambda: HOST)
    store = WarcStore(tmp_path)  # the next start
    store.close()
    assert store.recovered == [f"warc/{path.name.removesuffix('.open')}"]
    report = verify(tmp_path)
    assert report.ok, [str(p) for p in report.problems]
    assert report.records == 5  # three responses, two requests; the torn one is gone
    [tail] = (tmp_path / "warc" / "incomplete").iterdir()
    assert 0 < tail.stat().st_size < last["length"]


def test_a_crashed_writer_on_a_hyphenated_host_is_recovered(tmp_path, monkeypatch):
    crashed_writer(tmp_path)
    monkeypatch.setattr(socket, "gethostname", lambda: "another-box")
    assert WarcStore(tmp_path).recovered == []  # not this machine's file: left alone
    monkeypatch.setattr(socket, "gethostname", lambda: HOST)
    store = WarcStore(tmp_path)
    store.close()
    assert len(store.recovered) == 1 and not list((tmp_path / "warc").glob("*.open"))
    assert verify(tmp_path).ok


def exchange(store, body, headers=()):
    return store.write_exchange(
        url="http://www.huichang.gov.cn/bomb.shtml", method="GET", request_headers=[],
        request_body=b"", status=200, reason="OK",
        response_headers=[(b"Content-Type", b"text/html"), *headers], body=body)


def compress(coding: str, data: bytes) -> bytes:
    if coding == "br":
        return brotli.compress(data, quality=1)
    packer = zlib.compressobj(1, zlib.DEFLATED, 31 if coding == "gzip" else 15)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_compression_bomb_is_read_back_within_the_bound(tmp_path, monkeypatch, coding):
    monkeypatch.setenv("GONGKAI_MAX_DECODED_BYTES", str(8 * 1024 * 1024))
    bomb = compress(coding, bytes(64 << 20))
    assert len(bomb) < 300_000  # 64 MiB of zeros
    store = WarcStore(tmp_path)
    capture = exchange(store, bomb, [(b"Content-Encoding", coding.encode())])
    fine = exchange(store, gzip.compress(b"<p>report</p>"), [(b"Content-Encoding", b"gzip")])
    store.close()
    with pytest.raises(PayloadTooLarge):
        read_record(tmp_path, capture.warc_file, capture.offset)
    # the bytes as received are still there, and other captures read as ever
    assert read_record(tmp_path, capture.warc_file, capture.offset, raw=True).payload == bomb
    assert read_record(tmp_path, fine.warc_file, fine.offset).payload == b"<p>report</p>"


def test_a_304_is_one_small_revisit_record_pointing_at_the_copy_it_confirms(tmp_path):
    store = WarcStore(tmp_path)
    original = exchange(store, b"<p>report</p>" * 100)
    confirm = store.write_not_modified(
        url="http://www.huichang.gov.cn/bomb.shtml", reason="Not Modified",
        original={"id": original.id, "record_id": original.record_id},
        response_headers=[(b"ETag", b'"abc"'), (b"Date", b"Thu, 03 Dec 2026 01:00:00 GMT")])
    store.close()
    database = db.open_database(tmp_path)
    row = next(database.query("select * from responses where id = ?", [confirm.id]))
    assert (row["record_type"], row["status"], row["refers_to"]) == ("revisit", 304, original.id)
    assert database.execute("select count(*) from captures").fetchone()[0] == 3  # no request
    assert row["length"] < 420  # a first crawl's page is some 3,000 bytes
    record = read_record(tmp_path, row["warc_file"], row["offset"])
    assert record.status == 304 and record.record_type == "revisit"
    assert read_capture(tmp_path, row).payload == b"<p>report</p>" * 100
    assert verify(tmp_path).ok
