"""Four crawls of the simulated portal at four dates: a report edited after
publication, one deleted, one moved. The archive holds every answer, and the
database says what changed, against the portal's ground truth."""

import json
from collections import Counter
from datetime import date
from urllib.parse import urlsplit

import pytest

from gongkai.archive import db
from gongkai.archive.verify import verify
from simulator.web import build_portal
from simulator.server import PortalServer
from simulator.truth import ground_truth

from conftest import gongkai

CRAWL_DAYS = ["2020-03-01", "2021-03-01", "2024-02-01", "2024-03-01"]


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    data = tmp_path_factory.mktemp("history")
    web = build_portal(seed=1, faults=["edited", "deleted", "moved"])
    with PortalServer(web) as server:
        for day in CRAWL_DAYS:
            web.as_of = date.fromisoformat(day)
            gongkai("crawl", "huichang", "--base-url", server.url, "--data", data)
        answered = server.requests
        truth = ground_truth(web, server.url)
    gongkai("extract", "--data", data)
    return data, truth, answered


def by_fault(truth, test):
    [report] = [r for r in truth["reports"] if test(r)]
    return report


def test_every_answer_the_portal_gave_is_archived(history):
    data, _, answered = history
    database = db.open_database(data)
    archived = Counter((urlsplit(row["url"]).path, row["status"]) for row in database.query(
        "select url, status from responses"))
    assert archived == Counter((request.path, request.status) for request in answered)
    report = verify(data)
    assert report.ok, [str(p) for p in report.problems]


def test_an_edit_after_publication_is_two_versions_with_the_figures_that_changed(history):
    data, truth, _ = history
    edited = by_fault(truth, lambda r: r.get("edited_on"))
    before, after = edited["versions"][0]["figures"], edited["versions"][1]["figures"]
    expected = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    database = db.open_database(data)
    [change] = database.query("select c.* from report_changes c join reports r on "
                              "r.id = c.report_id where r.url = ?", [edited["url"]])
    assert change["kind"] == "edited"
    changes = json.loads(change["figure_changes"])
    assert {c["key"] for c in changes} == expected
    assert all(c["before"] == before[c["key"]] and c["after"] == after[c["key"]]
               for c in changes)
    [report] = database.query("select * from reports where url = ?", [edited["url"]])
    assert report["versions"] == 2
    figures = {r["key"]: r["value"] for r in database.query(
        "select key, value from figures where report_id = ?", [report["id"]])}
    assert figures == edited["figures"]  # the latest version, as the portal shows it now


def test_a_deleted_report_is_kept_and_marked_removed(history):
    data, truth, _ = history
    deleted = by_fault(truth, lambda r: r.get("deleted_on"))
    database = db.open_database(data)
    [report] = database.query("select * from reports where url = ?", [deleted["url"]])
    assert report["removed_at"] and report["figure_count"] > 0
    kinds = [row["kind"] for row in database.query(
        "select kind from report_changes where report_id = ?", [report["id"]])]
    assert kinds == ["removed"]


def test_a_moved_report_points_at_its_new_address(history):
    data, truth, _ = history
    moved = by_fault(truth, lambda r: len(r.get("urls", [])) > 1)
    old, new = moved["urls"][0]["url"], moved["urls"][1]["url"]
    database = db.open_database(data)
    [old_row] = database.query("select * from reports where url = ?", [old])
    [new_row] = database.query("select * from reports where url = ?", [new])
    assert old_row["superseded_by"] == new_row["id"] and new_row["superseded_by"] is None
    [change] = database.query("select * from report_changes where report_id = ?",
                              [old_row["id"]])
    assert change["kind"] == "moved" and urlsplit(new).path in change["text_diff"]


def test_an_edit_to_the_attached_document_that_holds_the_figures_is_recorded(tmp_path):
    """On 湖口县's TRS portal the report's tables are in an attached PDF: the edit
    replaces the PDF at the same URL, and the change is read from the PDF's versions."""
    web = build_portal(seed=6, families=["trs"], faults=["edited"], agencies=10)
    with PortalServer(web) as server:
        for day in ("2021-03-01", "2021-04-01"):          # the edit falls between the two
            web.as_of = date.fromisoformat(day)
            gongkai("crawl", "hukou", "--proxy", server.proxy_url, "--data", tmp_path)
        truth = ground_truth(web)
    gongkai("extract", "--data", tmp_path)
    edited = by_fault(truth, lambda r: r.get("edited_on"))
    [attachment] = edited["attachments"]
    assert attachment["kind"] == "pdf"
    before, after = edited["versions"][0]["figures"], edited["versions"][1]["figures"]
    expected = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    database = db.open_database(tmp_path)
    [report] = database.query("select * from reports where url = ?", [edited["url"]])
    assert report["source_url"] == attachment["url"]
    [change] = database.query("select * from report_changes where report_id = ? and url = ?",
                              [report["id"], attachment["url"]])
    assert change["kind"] == "edited"
    changes = json.loads(change["figure_changes"])
    assert {c["key"] for c in changes} == expected
    assert all(c["before"] == before[c["key"]] and c["after"] == after[c["key"]]
               for c in changes)
