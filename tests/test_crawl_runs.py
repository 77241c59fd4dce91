"""Crawl records and the alarms an operator needs: real crawls of the simulated
portal over HTTP, then of a broken copy of it."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gongkai.archive import db
from simulator.model import build_portal
from simulator.server import PortalServer

from conftest import gongkai


class Redesigned(BaseHTTPRequestHandler):
    """A portal after a redesign: every old path is gone."""

    def do_GET(self):
        body = "<html><body>页面不存在</body></html>".encode("utf-8")
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    data = tmp_path_factory.mktemp("runs")
    with PortalServer(build_portal(seed=1)) as server:
        gongkai("crawl", "huichang", "--base-url", server.url, "--data", data)
        gongkai("crawl", "huichang", "--base-url", server.url, "--data", data)
    broken = ThreadingHTTPServer(("127.0.0.1", 0), Redesigned)
    threading.Thread(target=broken.serve_forever, daemon=True).start()
    try:
        gongkai("crawl", "huichang", "--base-url",
                f"http://127.0.0.1:{broken.server_address[1]}/", "--data", data)
    finally:
        broken.shutdown()
    database = db.open_database(data)
    return list(database.query("select * from crawl_runs order by id"))


def test_every_crawl_is_recorded(runs):
    first, second, _ = runs
    assert first["site"] == "huichang" and first["finish_reason"] == "finished"
    assert first["report_pages"] == 60 and first["new_reports"] == 60
    assert json.loads(first["responses_by_status"]) == {"200": first["requests"]}
    assert first["bytes"] > 0 and first["started_at"] < first["finished_at"]
    assert second["new_reports"] == 0 and second["removed_reports"] == 0


def test_a_crawl_that_finds_nothing_is_flagged(runs):
    first, second, broken = runs
    assert json.loads(first["flags"]) == [] and json.loads(second["flags"]) == []
    assert broken["report_pages"] == 0
    assert broken["removed_reports"] == 60
    flags = json.loads(broken["flags"])
    assert any("zero reports" in flag for flag in flags)
