"""`verify` against an archive altered by someone who knows the format: every gzip member
stays valid and the index is kept consistent with the new byte positions, so only the
digests and the index's own facts can tell. Each test also shows the alteration passes
once the digest checks are switched off, so it is those checks the test proves."""

import gzip

import pytest

from gongkai.archive import db, verify as verify_module
from gongkai.archive.verify import verify
from gongkai.archive.warc import WarcStore

PAGES = {f"http://www.huichang.gov.cn/hcxxxgk/{i}.shtml": f"<p>第{i}份报告：收到申请{i}件</p>" * 30
         for i in range(1, 4)}


@pytest.fixture
def archive(tmp_path):
    store = WarcStore(tmp_path)
    for url, page in PAGES.items():
        store.write_exchange(
            url=url, method="GET", request_headers=[], request_body=b"", status=200,
            reason="OK", response_headers=[(b"Content-Type", b"text/html; charset=utf-8")],
            body=page.encode())
    store.close()
    assert verify(tmp_path).ok
    return tmp_path


def members(data_dir):
    """The WARC file as (index row or None for warcinfo, decompressed record bytes)."""
    database = db.open_database(data_dir)
    rows = list(database.query("select * from captures order by offset"))
    path = data_dir / rows[0]["warc_file"]
    data = path.read_bytes()
    parts = [(None, gzip.decompress(data[:rows[0]["offset"]]))]
    parts += [(row, gzip.decompress(data[row["offset"]:row["offset"] + row["length"]]))
              for row in rows]
    return database, path, parts


def rewrite(database, path, parts) -> None:
    """Write every record back as its own valid gzip member, the index following the
    records to their new offsets and lengths (as a careful forger would)."""
    out = bytearray()
    with database.conn:
        for row, record in parts:
            member = gzip.compress(record)
            if row is not None:
                database.conn.execute("update captures set offset = ?, length = ? where id = ?",
                                      [len(out), len(member), row["id"]])
            out += member
    path.write_bytes(bytes(out))


def response(parts, n):
    return [i for i, (row, _) in enumerate(parts) if row and row["record_type"] == "response"][n]


def caught_only_by_digests(data_dir, monkeypatch) -> list[str]:
    problems = [str(p) for p in verify(data_dir).problems]
    assert problems, "the alteration went unnoticed"
    with monkeypatch.context() as patched:
        patched.setattr(verify_module, "digest_problem", lambda *args: None)
        assert verify(data_dir).ok, "something besides the digests noticed"
    return problems


def test_a_payload_changed_inside_a_valid_gzip_member_is_caught(archive, monkeypatch):
    database, path, parts = members(archive)
    i = response(parts, 1)
    row, record = parts[i]
    assert "收到申请2件".encode() in record
    parts[i] = (row, record.replace("收到申请2件".encode(), "收到申请9件".encode()))
    rewrite(database, path, parts)
    problems = caught_only_by_digests(archive, monkeypatch)
    offset = database.execute("select offset from captures where id = ?", [row["id"]]).fetchone()[0]
    assert [p for p in problems if "altered" in p] == [p for p in problems if f"@{offset}:" in p]


def test_a_changed_http_header_is_caught(archive, monkeypatch):
    database, path, parts = members(archive)
    i = response(parts, 0)
    row, record = parts[i]
    parts[i] = (row, record.replace(b"text/html; charset=utf-8", b"text/html; charset=gbk!!"))
    rewrite(database, path, parts)
    problems = caught_only_by_digests(archive, monkeypatch)
    assert any("block" in p.lower() or "digest" in p.lower() for p in problems)


def test_a_removed_digest_is_caught(archive, monkeypatch):
    database, path, parts = members(archive)
    i = response(parts, 2)
    row, record = parts[i]
    head, _, rest = record.partition(b"\r\n\r\n")
    head = b"\r\n".join(line for line in head.split(b"\r\n")
                        if not line.startswith((b"WARC-Block-Digest", b"WARC-Payload-Digest")))
    parts[i] = (row, head + b"\r\n\r\n" + rest.replace("收到申请3件".encode(), "收到申请0件".encode()))
    rewrite(database, path, parts)
    caught_only_by_digests(archive, monkeypatch)


def test_a_record_swapped_for_another_capture_is_caught(archive, monkeypatch):
    """Capture 2's record, its WARC-Record-ID edited to capture 1's, in capture 1's place:
    its own digests are right, so the index's sha256 and URL must tell."""
    database, path, parts = members(archive)
    first, second = response(parts, 0), response(parts, 1)
    row, record = parts[first]
    record_id = row["warc_record_id"].encode()
    other = parts[second][1]
    other_id = parts[second][0]["warc_record_id"].encode()
    parts[first] = (row, other.replace(other_id, record_id))
    rewrite(database, path, parts)
    problems = [str(p) for p in verify(archive).problems]
    assert any("differs from the index" in p for p in problems), problems


def test_an_index_row_pointing_at_the_wrong_offset_is_caught(archive):
    database = db.open_database(archive)
    rows = list(database.query("select * from captures where record_type = 'response' "
                               "order by offset"))
    with database.conn:  # row 1 now points at row 2's record
        database.conn.execute("update captures set offset = ?, length = ? where id = ?",
                              [rows[1]["offset"], rows[1]["length"], rows[0]["id"]])
    problems = [str(p) for p in verify(archive).problems]
    assert any("different record" in p for p in problems), problems
    assert any("not in the index" in p for p in problems), problems  # and the lost record
