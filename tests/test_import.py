"""`gongkai import`: WARC files made elsewhere are evidence from before gongkai ran.

Two files written here with warcio from pages the simulated web served on earlier days:
a Browsertrix-like one (gzip, WARC/1.1, request + response + revisit) holding a body's
list page on the day after its deadline, without the report it later backdated; and a
wget-like one (uncompressed, WARC/1.0, warcinfo, a chunked raw body fetched through a
Wayback Machine address, wget's metadata and resource records) holding a report weeks
before our first crawl.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from gongkai.archive import db
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import gongkai, through_proxy

FAULTS = "late,missing,deleted,edited,moved"
HOST = "http://www.huichang.gov.cn"
LIST_DAY, REPORT_DAY, CRAWL_DAY = "2021-02-06", "2021-01-10", "2021-02-20"


def page(server, web, day: str, url: str) -> tuple[list, bytes]:
    web.as_of = date.fromisoformat(day)
    status, headers, body = through_proxy(server, url)
    assert status == 200, url
    keep = [(k, v) for k, v in headers.items()
            if k.lower() in ("content-type", "last-modified", "etag")]
    return keep, body


def exchange(writer, url, when, headers, body, *, chunked=False, extra=None):
    raw = body
    if chunked:  # wget keeps the body as it came over the wire
        headers = headers + [("Transfer-Encoding", "chunked")]
        raw = b"".join(b"%x\r\n%s\r\n" % (len(part), part)
                       for part in (body[:500], body[500:]) if part) + b"0\r\n\r\n"
    warc_headers = {"WARC-Date": when, **(extra or {})}
    response = writer.create_warc_record(
        url, "response", payload=io.BytesIO(raw), warc_headers_dict=warc_headers,
        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"))
    request = writer.create_warc_record(
        url, "request", payload=io.BytesIO(b""), warc_headers_dict=dict(warc_headers),
        http_headers=StatusAndHeaders(f"GET {url.split('/', 3)[-1]} HTTP/1.1",
                                      [("Host", url.split("/")[2])], is_http_request=True))
    request.rec_headers.add_header("WARC-Concurrent-To",
                                   response.rec_headers.get_header("WARC-Record-ID"))
    writer.write_record(request)
    writer.write_record(response)
    return response


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("import")
    data = folder / "data"
    web = build_portal(seed=1, families=["ganzhou"], faults=FAULTS)
    [late] = [r for r in web.fault_records if r["name"] == "late" and r["backdated"]]
    column = late["path"].rsplit("/", 2)[0]
    [early] = [r for r in web.reports if r.agency.code == "hc1590" and r.report_year == 2019]
    with PortalServer(web) as server:
        headers, listing = page(server, web, LIST_DAY, f"{HOST}{column}/xxgk_list.shtml")
        report_headers, report = page(server, web, REPORT_DAY, HOST + early.path)
        browsertrix = folder / "crawl-20210206.warc.gz"
        with open(browsertrix, "wb") as fh:
            writer = WARCWriter(fh, gzip=True, warc_version="1.1")
            url = f"{HOST}{column}/xxgk_list.shtml"
            first = exchange(writer, url, f"{LIST_DAY}T01:00:00Z", headers, listing)
            revisit = writer.create_revisit_record(
                url, first.rec_headers.get_header("WARC-Payload-Digest"), url,
                f"{LIST_DAY}T01:00:00Z", http_headers=StatusAndHeaders(
                    "200 OK", headers, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": f"{LIST_DAY}T05:00:00Z"})
            writer.write_record(revisit)
        wget = folder / "wayback.warc"
        with open(wget, "wb") as fh:
            writer = WARCWriter(fh, gzip=False, warc_version="1.0")
            info = writer.create_warcinfo_record("wayback.warc", {
                "software": "Wget/1.21.3 (linux-gnu)", "format": "WARC File Format 1.0",
                "robots": "off", "wget-arguments": '"--warc-file=wayback"'})
            writer.write_record(info)
            wayback = f"http://web.archive.org/web/20210110000000id_/{HOST}{early.path}"
            exchange(writer, wayback, f"{REPORT_DAY}T08:00:00Z", report_headers, report,
                     chunked=True, extra={
                         "WARC-Warcinfo-ID": info.rec_headers.get_header("WARC-Record-ID"),
                         "WARC-IP-Address": "207.241.237.3"})
            for kind, target, text in (
                    ("metadata", "metadata://gnu.org/software/wget/warc/wget_arguments.txt",
                     b'"--warc-file=wayback"\n'),
                    ("resource", "metadata://gnu.org/software/wget/warc/wget.log",
                     b"FINISHED --2021-01-10 16:00:01--\n")):
                writer.write_record(writer.create_warc_record(
                    target, kind, payload=io.BytesIO(text),
                    warc_content_type="text/plain",
                    warc_headers_dict={"WARC-Date": f"{REPORT_DAY}T08:00:01Z"}))
        imported = gongkai("import", browsertrix, wget, "--data", data)
        web.as_of = date.fromisoformat(CRAWL_DAY)
        gongkai("crawl", "huichang", "--proxy", server.proxy_url, "--simulated",
                "--now", f"{CRAWL_DAY}T02:00:00Z", "--data", data)
    gongkai("extract", "--data", data)
    rows = json.loads(gongkai("deadlines", "--data", data, "--as-of", CRAWL_DAY,
                              "--json").stdout)
    return data, (browsertrix, wget), imported, rows, late, early


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_files_are_kept_unchanged_and_indexed_as_they_say(archive):
    data, sources, imported, *_ = archive
    copies = sorted((data / "warc").glob("import-*"))
    assert sorted(sha256(p) for p in copies) == sorted(sha256(p) for p in sources)
    assert {p.suffix for p in copies} == {".gz", ".warc"}
    database = db.open_database(data)
    rows = list(database.query("select * from captures where crawl_run is null"))
    assert {r["record_type"] for r in rows} == {"request", "response", "revisit", "metadata",
                                                 "resource"}
    assert all(r["site"] == "huichang" for r in rows if r["record_type"] == "response")
    [revisit] = [r for r in rows if r["record_type"] == "revisit"]
    assert revisit["refers_to"] and revisit["status"] == 200
    assert "0 revisits without their original" in imported.stderr
    verified = gongkai("verify", "--data", data, check=False)
    assert verified.returncode == 0, verified.stdout


def test_importing_again_adds_nothing(archive, tmp_path):
    data, sources, *_ = archive
    before = db.open_database(data)["captures"].count
    again = gongkai("import", *sources, "--data", data)
    assert "0 records indexed" in again.stderr
    assert db.open_database(data)["captures"].count == before
    assert len(list((data / "warc").glob("import-*"))) == 2


def test_an_imported_list_page_without_the_report_makes_it_late(archive):
    data, _, _, rows, late, _ = archive
    [row] = [r for r in rows if (r["report_url"] or "").endswith(late["path"])]
    due = date.fromisoformat(late["deadline"])
    assert row["status"] == "late" and "backdated" in row["flags"]
    assert row["days_late"] == (date.fromisoformat(LIST_DAY) - due).days
    database = db.open_database(data)
    cited = [database["captures"].get(int(p.rsplit("/", 1)[1])) for p in row["evidence"]]
    assert any(c["crawl_run"] is None and c["fetched_at"].startswith(LIST_DAY) for c in cited)


def test_a_report_archived_elsewhere_first_counts_as_first_seen(archive):
    _, _, _, rows, _, early = archive
    [row] = [r for r in rows if (r["report_url"] or "").endswith(early.path)]
    assert row["first_seen"].startswith(REPORT_DAY)
    assert "declared_unverified" not in row["flags"] or \
        (date.fromisoformat(REPORT_DAY) - early.published).days > 7


def test_a_file_that_is_not_a_warc_is_refused(tmp_path):
    junk = tmp_path / "notes.warc"
    junk.write_bytes(b"not an archive at all\n")
    result = gongkai("import", junk, "--data", tmp_path / "data", check=False)
    assert result.returncode != 0


def test_a_damaged_file_keeps_the_records_before_the_damage_and_fails(archive, tmp_path):
    _, (browsertrix, _), *_ = archive
    cut = tmp_path / "cut.warc.gz"
    whole = browsertrix.read_bytes()
    cut.write_bytes(whole[: len(whole) // 2])          # the response loses its end
    data = tmp_path / "data"
    result = gongkai("import", cut, "--data", data, check=False)
    assert result.returncode == 1 and "damaged" in result.stderr
    rows = list(db.open_database(data).query("select record_type from captures"))
    assert [r["record_type"] for r in rows] == ["request"]
