"""Datasette as a journalist meets it, on real parts: the simulated web of every family
with the faults late, missing, deleted, edited and moved, crawled over several days by
the real crawler, extracted, and served by a real Datasette process.

Report pages carry every ground-truth figure under its key; the five feeds are Atom
1.0 and name the edited reports and the missing county report; search finds every
report of a body in simplified and traditional script."""

import io
import json
import re
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import lxml.etree
import lxml.html
import opencc
import pytest

from gongkai.archive import db
from simulator.web import build_portal
from simulator.server import PortalServer
from simulator.truth import ground_truth

from conftest import datasette, gongkai

FAULTS = ["late", "missing", "deleted", "edited", "moved"]
LAST_DAY = date(2025, 6, 1)
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FEEDS = ["new_reports", "failed_checks", "changed_reports", "late_or_missing", "alerts"]
# `gongkai crawl --now` records the simulated day as the fetch time
PINNED_CLOCK = "--now" in gongkai("crawl", "--help").stdout


def crawl_days(web) -> list[date]:
    """A crawl the day before every edit (so both versions are archived), and a last one."""
    edits = {date.fromisoformat(f["on"]) for f in ground_truth(web)["faults"]
             if f["name"] == "edited"}
    return sorted({day - timedelta(days=1) for day in edits} | {date(2021, 3, 1), LAST_DAY})


def ensure_feed_tables(database) -> None:
    """`deadlines` and `alerts` are other parts' tables; where they are not built yet,
    empty ones with the agreed columns keep the feeds answering."""
    try:
        from gongkai.archive.deadlines import write_deadlines
        # judged on the archive as it stood on the last crawl day when crawls pin their
        # clock to the simulated day, else as it stands today
        write_deadlines(database, LAST_DAY if PINNED_CLOCK else None)
    except ImportError:
        pass
    if "deadlines" not in database.table_names():
        database["deadlines"].create({
            "agency_id": int, "agency": str, "agency_kind": str, "site": str, "region": str,
            "report_year": int, "due": str, "status": str, "days_late": int, "declared": str,
            "first_seen": str, "last_seen": str, "flags": str, "evidence": str,
            "report_id": int, "as_of": str})
    if "alerts" not in database.table_names():
        database["alerts"].create({
            "id": int, "raised_at": str, "kind": str, "site": str, "region": str,
            "message": str, "details": str, "crawl_run": int, "delivered_at": str}, pk="id")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("reader")
    web = build_portal(seed=1, families="all", faults=FAULTS, agencies=10)
    with PortalServer(web) as server:
        for day in crawl_days(web):
            web.as_of = day
            pin = ["--now", f"{day}T12:00:00+08:00"] if PINNED_CLOCK else []
            gongkai("crawl", "--all", "--proxy", server.proxy_url, "--data", data, *pin,
                    "-s", "LOG_LEVEL=WARNING", check=False)
        truth = ground_truth(web)
    gongkai("extract", "--data", data)
    database = db.open_database(data)
    ensure_feed_tables(database)
    database.conn.commit()
    with datasette(data) as base:
        yield {"base": base, "truth": truth, "data": data, "db": database}


def fetch(served, path: str, **params) -> bytes:
    url = served["base"] + path
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def page_of(served, path: str, **params):
    return lxml.html.fromstring(fetch(served, path, **params).decode("utf-8"))


def report_ids(served) -> dict[str, int]:
    return {row["url"]: row["id"] for row in served["db"].query("select id, url from reports")}


def printed(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_every_truth_figure_is_on_its_report_page_under_its_key(served):
    ids = report_ids(served)
    archived = {row["url"] for row in served["db"].query(
        "select distinct url from responses where status = 200")}
    checked = 0
    for report in served["truth"]["reports"]:
        if report["url"] not in ids:
            # Only a report the crawler never saw may be absent (deleted or published
            # between two crawls, or behind robots.txt).
            assert report["url"] not in archived, report["url"]
            continue
        page = page_of(served, f"/gongkai/reports/{ids[report['url']]}")
        cells = {el.get("data-key"): el.text_content() for el in page.xpath("//*[@data-key]")}
        for key, value in report["figures"].items():
            assert key in cells, (report["url"], key)
            assert cells[key] == printed(value), (report["url"], key, cells[key], value)
        assert page.xpath("string(//h1)") == report["title"]
        checked += 1
    assert checked >= len(served["truth"]["reports"]) * 0.9


def test_report_page_shows_blank_cells_blank_and_links_the_evidence(served):
    row = next(served["db"].query(
        "select r.id, r.capture_id from reports r join figures f on f.report_id = r.id "
        "where f.value is null limit 1"))
    page = page_of(served, f"/gongkai/reports/{row['id']}")
    blank = page.xpath("//td[contains(@class, 'fig-blank')]")
    assert blank and all(cell.text_content() == "" for cell in blank)
    assert page.xpath(f"//a[@href='/-/archive/{row['capture_id']}']")
    assert page.xpath("//pre[@id='gk-report-text']")
    other_years = page.xpath("//table[contains(@class, 'gk-years')]//a/@href")
    assert other_years and all(href.startswith("/gongkai/reports/") for href in other_years)


def test_an_edited_report_page_names_the_figure_that_changed(served):
    edited = [f for f in served["truth"]["faults"] if f["name"] == "edited"]
    rows = list(served["db"].query(
        "select r.id, c.figure_changes from report_changes c join reports r on r.id = c.report_id "
        "where c.kind = 'edited' and c.figures_changed > 0"))
    assert edited and rows
    page = fetch(served, f"/gongkai/reports/{rows[0]['id']}").decode()
    for change in json.loads(rows[0]["figure_changes"]):
        assert change["key"] in page
    assert "内容被修改" in page


def parse_atom(body: bytes):
    feed = lxml.etree.fromstring(body)
    assert feed.tag == ATOM + "feed"
    for child in ("id", "title", "updated"):
        assert feed.find(ATOM + child) is not None, child
    assert RFC3339.match(feed.findtext(ATOM + "updated"))
    entries = feed.findall(ATOM + "entry")
    assert entries
    ids = [entry.findtext(ATOM + "id") for entry in entries]
    assert len(ids) == len(set(ids)) and all(ids)
    for entry in entries:
        assert entry.findtext(ATOM + "title")
        assert RFC3339.match(entry.findtext(ATOM + "updated"))
        # RFC 4287: an author for every entry (the feed has none), content or a link
        assert entry.find(ATOM + "author/" + ATOM + "name") is not None
        assert entry.find(ATOM + "content") is not None or entry.find(ATOM + "link") is not None
    return entries


def titles(entries) -> str:
    return "\n".join(entry.findtext(ATOM + "title") for entry in entries)


@pytest.mark.parametrize("feed", FEEDS)
def test_every_feed_is_atom(served, feed):
    parse_atom(fetch(served, f"/gongkai/{feed}.atom"))


def test_the_changes_feed_names_the_edited_reports(served):
    entries = titles(parse_atom(fetch(served, "/gongkai/changed_reports.atom")))
    edited = list(served["db"].query(
        "select distinct r.title from report_changes c join reports r on r.id = c.report_id "
        "where c.kind = 'edited'"))
    assert edited
    for row in edited:
        assert f"{row['title']}：发布后内容被修改" in entries


def test_the_deadline_feed_names_the_missing_county_report(served):
    missing = [f for f in served["truth"]["faults"]
               if f["name"] == "missing" and f["agency_kind"] == "county_government"]
    assert missing
    entries = titles(parse_atom(fetch(served, "/gongkai/late_or_missing.atom")))
    for fault in missing:
        assert f"{fault['agency']} {fault['report_year']} 年度报告到期未发布" in entries


def test_feeds_filter_by_region(served):
    huichang = parse_atom(fetch(served, "/gongkai/new_reports.atom", region="360733"))
    everywhere = parse_atom(fetch(served, "/gongkai/new_reports.atom"))
    assert 0 < len(huichang) < len(everywhere)
    assert all("huichang.gov.cn" in entry.findtext(ATOM + "id") for entry in huichang)


def search(served, query: str) -> set[int]:
    rows = json.loads(fetch(served, "/gongkai/reports.json", _search=query, _shape="array",
                            _size="max", _col="title"))
    return {row["id"] for row in rows}


TRADITIONAL = opencc.OpenCC("s2t")


@pytest.mark.parametrize("query, where", [
    ("庄口镇", "r.agency like '%庄口镇%'"),
    ("会昌", "r.site = 'huichang'"),
    ("湖口", "r.site = 'hukou'"),
    ("财政局", "r.agency like '%财政局%'"),
])
def test_search_finds_every_report_of_a_body_in_both_scripts(served, query, where):
    expected = {row["id"] for row in served["db"].query(f"select id from reports r where {where}")}
    assert expected
    traditional = TRADITIONAL.convert(query)
    assert search(served, query) >= expected
    assert search(served, traditional) == search(served, query)


@pytest.mark.parametrize("phrase", ["不予公开", "信息公开申请", "复议"])
def test_phrases_find_the_same_reports_in_both_scripts(served, phrase):
    found = search(served, phrase)
    rows = {row["id"]: "".join(f"{row['title']} {row['agency']} {row['text']}".split())
            for row in served["db"].query("select id, title, agency, text from reports")}
    assert found >= {i for i, text in rows.items() if phrase in text} != set()
    assert all(phrase in rows[i] for i in found)
    assert search(served, TRADITIONAL.convert(phrase)) == found


def test_search_page_ranks_and_highlights(served):
    page = page_of(served, "/gongkai/reports", _search="庄口镇")
    assert page.xpath("//input[@id='_search']/@value") == ["庄口镇"]
    hits = page.xpath("//li[@class='gongkai-hit']")
    assert hits
    assert "庄口镇" in hits[0].xpath("string(.//mark)")


def test_a_python_sql_function_cannot_outrun_the_time_limit(served):
    sql = ("with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000000) "
           "select count(excerpt(printf('%.*c', 300000, 'x'), '复议')) from n")
    try:
        fetch(served, "/gongkai.json", sql=sql)
        raise AssertionError("the query ran to the end")
    except urllib.error.HTTPError as error:
        assert error.code == 400
        assert "too long" in error.read().decode()


def test_the_evidence_bundle_holds_the_reports_records_and_validates(served, tmp_path):
    import hashlib
    import shutil
    import subprocess
    import sys
    import zipfile

    from warcio.archiveiterator import ArchiveIterator

    report = next(served["db"].query(
        "select r.* from reports r join report_changes c on c.report_id = r.id "
        "where c.kind = 'edited' limit 1"))
    bundle = tmp_path / "evidence.wacz"
    bundle.write_bytes(fetch(served, f"/-/evidence/{report['id']}.wacz"))
    wacz = shutil.which("wacz", path=str(Path(sys.executable).parent))
    assert wacz, "the wacz validator is in the test extra"
    result = subprocess.run([wacz, "validate", "-f", str(bundle)], capture_output=True, text=True)
    assert result.returncode == 0 and "is valid" in result.stdout, result.stdout + result.stderr
    with zipfile.ZipFile(bundle) as archive:
        warc = archive.read("archive/data.warc.gz")
        extracted = json.loads(archive.read("evidence/extracted.json"))["gongkai_report"]
    digests = {}
    for record in ArchiveIterator(io.BytesIO(warc)):
        if record.rec_type == "response":
            body = record.raw_stream.read()
            digests[record.rec_headers.get_header("WARC-Record-ID")] = hashlib.sha256(body).hexdigest()
    responses = list(served["db"].query(
        "select warc_record_id, payload_sha256 from captures where url = ? "
        "and record_type = 'response'", [report["url"]]))
    assert len(responses) >= 2  # before and after the edit
    for row in responses:
        assert digests[row["warc_record_id"]] == row["payload_sha256"]
    figures = {row["key"]: row["value"] for row in served["db"].query(
        "select key, value from figures where report_id = ?", [report["id"]])}
    assert {f["key"]: f["value"] for f in extracted["figures"]} == figures


def test_charts_are_drawn_on_region_agency_and_report_pages(served):
    region = page_of(served, "/-/regions/360733")
    assert len(region.xpath("//*[local-name()='svg']")) == 2
    assert region.xpath("//*[local-name()='svg']//*[local-name()='rect']")
    agency = next(served["db"].query("select agency_id, id from reports where site = 'huichang' "
                                     "limit 1"))
    for path in (f"/gongkai/agencies/{agency['agency_id']}", f"/gongkai/reports/{agency['id']}"):
        bars = page_of(served, path).xpath("//figure[@class='gk-chart']//*[local-name()='rect']"
                                           "/*[local-name()='title']/text()")
        assert any("予以公开" in bar for bar in bars), path


def test_the_wide_query_has_a_column_per_figure(served):
    rows = json.loads(fetch(served, "/gongkai/figures_wide.json", _shape="array", region="360733",
                            year="", agency=""))
    report = next(served["db"].query("select id from reports where site = 'huichang' and "
                                     "superseded_by is null limit 1"))
    [row] = [r for r in rows if r["report_id"] == report["id"]]
    for figure in served["db"].query("select key, value from figures where report_id = ?",
                                     [report["id"]]):
        assert row[figure["key"]] == figure["value"], figure["key"]


def test_served_immutable_from_a_frozen_copy(served):
    import subprocess

    from conftest import free_port, wait_for_http
    from gongkai.cli import datasette_command

    port = free_port()
    process = subprocess.Popen(datasette_command(str(served["data"]), "127.0.0.1", port,
                                                 immutable=True),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/-/versions.json")
        [database] = json.loads(urllib.request.urlopen(base + "/-/databases.json").read())
        assert database["is_mutable"] is False and "/published/" in database["path"]
        report = next(served["db"].query("select id, capture_id from reports limit 1"))
        for path in (f"/gongkai/reports/{report['id']}", f"/-/archive/{report['capture_id']}/raw",
                     f"/-/evidence/{report['id']}.wacz"):
            with urllib.request.urlopen(base + path, timeout=60) as response:
                assert response.status == 200, path
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_reports_facet_on_region_kind_year_template_and_check_status(served):
    result = json.loads(fetch(served, "/gongkai/report_overview.json"))
    assert {"region", "agency_kind", "report_year", "template", "check_status"} <= set(
        result["facet_results"])
    regions = {item["value"] for item in result["facet_results"]["region"]["results"]}
    assert {"360733", "360429", "330604", "440203"} <= regions
    report = next(served["db"].query("select id from reports where site = 'huichang' limit 1"))
    page = page_of(served, f"/gongkai/reports/{report['id']}")
    assert page.xpath("//a[@href='/-/regions/360733']")
