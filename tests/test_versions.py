"""A report's history from the archive: edited after publication, then removed."""

import json

from gongkai.archive import db
from gongkai.archive.database import build
from gongkai.archive.versions import history, is_soft_404
from gongkai.archive.warc import WarcStore
from simulator.web import build_portal
from simulator.render import render_report

URL = "http://www.huichang.gov.cn/hcxxxgk/hc1590/202101/edited.shtml"
HTML = [("Content-Type", "text/html; charset=utf-8")]


def fetch(store, body: bytes, status: int = 200):
    capture = store.write_exchange(url=URL, method="GET", request_headers=[], request_body=b"",
                                   status=status, reason="", response_headers=[
                                       (k.encode(), v.encode()) for k, v in HTML], body=body)
    if status == 200:
        store.write_metadata(URL, {"kind": "report_page", "url": URL, "site": "huichang",
                                   "column": "/hcxxxgk/hc1590/", "unit": "庄口镇",
                                   "agency_kind": "township",
                                   "capture": {"id": capture.id}})
    return capture


def test_edit_then_removal_is_recorded_with_what_changed(tmp_path):
    original = build_portal(seed=1).report("hc1590", 2022)
    edited = build_portal(seed=2).report("hc1590", 2022)
    first_html = render_report(build_portal(seed=1), original).encode()
    second_html = render_report(build_portal(seed=2), edited).encode()
    store = WarcStore(tmp_path)
    fetch(store, first_html)
    fetch(store, first_html)  # unchanged: a revisit, same version
    fetch(store, second_html)  # edited after publication
    fetch(store, "<html><body>页面不存在</body></html>".encode(), status=404)
    store.close()

    build(tmp_path)
    database = db.open_database(tmp_path)
    versions = list(database.query("select * from versions where url = ? order by version",
                                   [URL]))
    assert [(v["kind"], v["fetches"]) for v in versions] == [("ok", 2), ("ok", 1),
                                                              ("not_found", 1)]
    [report] = database.query("select * from reports")
    assert report["versions"] == 2 and report["removed_at"] == versions[2]["first_seen"]
    changes = list(database.query("select * from report_changes order by id"))
    assert [c["kind"] for c in changes] == ["edited", "removed"]
    figure_changes = json.loads(changes[0]["figure_changes"])
    differing = {k for k in original.figures if original.figures[k] != edited.figures.get(k)}
    assert {c["key"] for c in figure_changes} >= differing - {"absent"}
    assert changes[0]["figures_changed"] == len(figure_changes) > 0
    assert changes[0]["text_diff"].startswith("@@")
    # The figures in `reports` come from the latest content, and say which capture.
    latest = next(database.query("select capture_id from versions where url = ? and "
                                 "version = 2", [URL]))
    assert report["capture_id"] == latest["capture_id"]


def test_soft_404_pages_are_recognised():
    assert is_soft_404(200, "<html><body><h1>您访问的页面不存在</h1></body></html>")
    assert not is_soft_404(404, "页面不存在")
    assert not is_soft_404(200, "<p>本机关未收到申请</p>" * 10)


def test_a_304_extends_the_version_it_confirms():
    rows = [{"id": 1, "status": 200, "payload_sha256": "a", "fetched_at": "t1"},
            {"id": 2, "status": 304, "payload_sha256": "e", "fetched_at": "t2"},
            {"id": 3, "status": 200, "payload_sha256": "b", "fetched_at": "t3"}]
    [first, second] = history(rows)
    assert (first.first_seen, first.last_seen, first.fetches) == ("t1", "t2", 2)
    assert second.payload_sha256 == "b"
