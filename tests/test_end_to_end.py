"""The whole flow on real parts: the simulated portal over HTTP, the real spider
in its own process, WARC files, the SQLite build and a Datasette process."""

import hashlib
import json
import re
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

import pytest
import yaml

from gongkai.archive import db
from gongkai.archive.warc import read_record
from simulator.web import build_portal
from simulator.server import PortalServer
from simulator.truth import ground_truth

from conftest import REPO, datasette, gongkai


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    portal = build_portal(seed=1)
    with PortalServer(portal) as server:
        crawl = gongkai("crawl", "huichang", "--base-url", server.url, "--data", data)
        truth = ground_truth(portal, server.url)
        base_url = server.url
    extract = gongkai("extract", "--data", data)
    with datasette(data) as served:
        yield {"data": data, "truth": truth, "base_url": base_url,
               "port": int(served.rsplit(":", 1)[1]), "crawl": crawl, "extract": extract}


def get_json(pipeline, path, **params):
    url = f"http://127.0.0.1:{pipeline['port']}{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def reports_by_url(pipeline):
    rows = get_json(pipeline, "/gongkai/reports.json", _shape="array", _size="max",
                    _col=["url", "report_year", "template", "agency", "published"])
    return {row["url"]: row for row in rows}


def test_every_report_of_the_portal_is_in_the_database_once(pipeline):
    truth_urls = sorted(report["url"] for report in pipeline["truth"]["reports"])
    database = db.open_database(pipeline["data"])
    urls = [row["url"] for row in database.query("select url from reports order by url")]
    assert urls == truth_urls
    served = reports_by_url(pipeline)
    assert sorted(served) == truth_urls


def test_report_metadata_matches_the_truth(pipeline):
    served = reports_by_url(pipeline)
    for report in pipeline["truth"]["reports"]:
        row = served[report["url"]]
        assert row["report_year"] == report["report_year"], report["url"]
        assert row["template"] == report["template"], report["url"]
        assert row["published"] == report["published"], report["url"]


def test_figures_served_by_datasette_equal_the_truth(pipeline):
    database = db.open_database(pipeline["data"])
    ids = {row["url"]: row["id"] for row in database.query("select id, url from reports")}
    for report in pipeline["truth"]["reports"]:
        rows = get_json(pipeline, "/gongkai/report_figures.json", _shape="array",
                        report_id=ids[report["url"]])
        served = {row["键名"]: row["数值"] for row in rows}
        assert served == report["figures"], report["url"]


def test_the_seed_report_keeps_its_damage_as_warnings(pipeline):
    [report] = [r for r in pipeline["truth"]["reports"]
                if r["agency_short"] == "庄口镇" and r["report_year"] == 2020]
    database = db.open_database(pipeline["data"])
    row = next(database.query("select id from reports where url = ?", [report["url"]]))
    figures = {r["key"]: r["value"] for r in database.query(
        "select key, value from figures where report_id = ?", [row["id"]])}
    assert figures["proactive.normative_docs.total_published"] == 20
    assert figures["applications.new_received.total"] == 0
    assert "applications.disclosed.total" not in figures
    warnings = [r["message"] for r in database.query(
        "select message from warnings where report_id = ?", [row["id"]])]
    assert any("disclosed" in message for message in warnings)


def test_search_finds_two_character_words(pipeline):
    rows = get_json(pipeline, "/gongkai/search.json", _shape="array", q="复议")
    database = db.open_database(pipeline["data"])
    containing = {r["id"] for r in database.query(
        "select id from reports where text like '%复议%'")}
    assert containing, "the simulated reports all have a 行政复议 section"
    assert {row["report_id"] for row in rows} == containing
    assert all("复议" in row["摘录"] for row in rows)


def test_checks_pass_on_consistent_reports(pipeline):
    database = db.open_database(pipeline["data"])
    ids = {row["url"]: row["id"] for row in database.query("select id, url from reports")}
    for report in pipeline["truth"]["reports"]:
        if report["defects"]:
            continue
        statuses = {r["rule"]: r["status"] for r in database.query(
            "select rule, status from checks where report_id = ?", [ids[report["url"]]])}
        for rule in ("applications.balance", "applications.row_totals",
                     "applications.handled_sum", "review.totals"):
            assert statuses[rule] == "PASS", (report["url"], rule)


def test_every_response_is_archived_and_nothing_left_the_host(pipeline):
    database = db.open_database(pipeline["data"])
    host = urlsplit(pipeline["base_url"]).netloc
    responses = list(database.query("select * from captures where record_type = 'response'"))
    assert responses
    assert {urlsplit(row["url"]).netloc for row in responses} == {host}
    assert any(row["url"].endswith("/robots.txt") for row in responses)
    for row in responses:
        record = read_record(pipeline["data"], row["warc_file"], row["offset"])
        assert record.url == row["url"]
        assert record.status == row["status"]
    requests = database.execute(
        "select count(*) from captures where record_type = 'request'").fetchone()[0]
    assert requests == len(responses)
    payload_digests = {row["payload_sha256"] for row in responses}
    assert hashlib.sha256(b"").hexdigest() not in payload_digests


def test_datasette_pages_read_in_chinese(pipeline):
    url = f"http://127.0.0.1:{pipeline['port']}/gongkai/reports"
    with urllib.request.urlopen(url, timeout=30) as response:
        page = response.read().decode("utf-8")
    assert "年度报告" in page
    assert "CC BY 4.0" in page
    with urllib.request.urlopen(url + "/1", timeout=30) as response:
        row = response.read().decode("utf-8")
    # One report reads as a list of fields under their Chinese descriptions.
    assert "报告原始网址" in row and "全部统计数据" in row


def test_reports_link_to_their_archived_copy_served_from_the_warc(pipeline):
    database = db.open_database(pipeline["data"])
    report = next(database.query("select id, url, capture_id, payload_sha256 from reports limit 1"))
    base = f"http://127.0.0.1:{pipeline['port']}"
    with urllib.request.urlopen(f"{base}/gongkai/reports/{report['id']}", timeout=30) as response:
        assert f"/-/archive/{report['capture_id']}" in response.read().decode("utf-8")
    with urllib.request.urlopen(f"{base}/-/archive/{report['capture_id']}", timeout=30) as response:
        page = response.read().decode("utf-8")
    assert report["url"] in page and report["payload_sha256"] in page
    with urllib.request.urlopen(f"{base}/-/archive/{report['capture_id']}/raw", timeout=30) as response:
        assert response.headers["Content-Security-Policy"].startswith("sandbox")
        body = response.read()
    assert hashlib.sha256(body).hexdigest() == report["payload_sha256"]


def test_every_canned_query_runs_and_names_its_columns_in_chinese(pipeline):
    metadata = yaml.safe_load((REPO / "datasette" / "metadata.yml").read_text(encoding="utf-8"))
    queries = metadata["databases"]["gongkai"]["queries"]
    params = {"q": "复议", "report_id": 1}
    assert {"search", "changed_after_publication"} <= set(queries)
    for name, query in queries.items():
        wanted = {p: params.get(p, "") for p in set(re.findall(r":(\w+)", query["sql"]))}
        result = get_json(pipeline, f"/gongkai/{name}.json", _shape="objects", **wanted)
        assert result.get("ok", True), (name, result)
        # feeds name their columns for datasette-atom (atom_id, atom_title, …)
        assert any(re.search("[\u4e00-\u9fff]", column) for column in result["columns"]) or \
            "atom_id" in result["columns"], name
        if name in ("search", "report_figures", "applications_by_year"):
            assert result["rows"], name
