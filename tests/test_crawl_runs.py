"""Crawl records and the alarms an operator needs: real crawls of the simulated
portal over HTTP, then of a broken copy of it."""

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gongkai.archive import db
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import REPO, free_port, gongkai


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
        # The rechecks of the earlier copy's report URLs meet a closed port: no retries.
        result = gongkai("crawl", "huichang", "--base-url",
                         f"http://127.0.0.1:{broken.server_address[1]}/", "--data", data,
                         "-s", "RETRY_TIMES=0", check=False)
    finally:
        broken.shutdown()
    # A crawl that found nothing usable failed at its job: non-zero, with the reason.
    assert result.returncode == 3, result.stderr[-2000:]
    assert "crawl of huichang failed: no usable page" in result.stderr
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


def test_every_request_is_counted_once_by_outcome(runs):
    *_, broken = runs
    # 2 answers (404) and 61 rechecks of the earlier copy's reports that met a closed port
    assert broken["responses"] == 2 and broken["requests"] == 63
    assert broken["errors"] == 61 and broken["error_rate"] == round(61 / 63, 4)
    assert broken["outcome"] == "no_content" and broken["finish_reason"] == "finished"
    assert json.loads(broken["dropped"]) == {} and broken["dropped_bodies"] == 0


class ServerError(Redesigned):
    def do_GET(self):
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_dead_host_or_a_broken_server_fails_the_crawl(tmp_path):
    fast_retries = ["-s", "RETRY_TIMES=1", "-s", "RETRY_BACKOFF_BASE=0.05"]
    dead = gongkai("crawl", "huichang", "--base-url", f"http://127.0.0.1:{free_port()}/",
                   "--data", tmp_path / "dead", *fast_retries, check=False)
    assert dead.returncode == 3
    assert "crawl of huichang failed: host unreachable" in dead.stderr.splitlines()[-1]
    run = next(db.open_database(tmp_path / "dead").query("select * from crawl_runs"))
    # robots.txt and the entry page, each asked twice (one retry): 4 requests, 4 errors
    assert (run["requests"], run["responses"], run["errors"]) == (4, 0, 4)
    assert run["error_rate"] == 1.0 and run["outcome"] == "unreachable"

    failing = ThreadingHTTPServer(("127.0.0.1", 0), ServerError)
    threading.Thread(target=failing.serve_forever, daemon=True).start()
    try:
        result = gongkai("crawl", "huichang", "--base-url",
                         f"http://127.0.0.1:{failing.server_address[1]}/",
                         "--data", tmp_path / "500", *fast_retries, check=False)
    finally:
        failing.shutdown()
    assert result.returncode == 3
    assert "every answer was a server error (500 ×4)" in result.stderr.splitlines()[-1]
    run = next(db.open_database(tmp_path / "500").query("select * from crawl_runs"))
    assert (run["requests"], run["responses"], run["errors"]) == (4, 4, 4)
    assert run["error_rate"] == 1.0 and run["outcome"] == "server_errors"


class Slow(Redesigned):
    asked = threading.Event()

    def do_GET(self):
        Slow.asked.set()
        time.sleep(4)  # a crawl of one site takes longer than the test waits to kill
        super().do_GET()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_killing_crawl_all_stops_its_child(tmp_path):
    if not Path("/proc/self/task").exists():
        pytest.skip("reads the process tree from /proc (Linux)")
    Slow.asked.clear()
    slow = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    parent = subprocess.Popen(
        [sys.executable, "-m", "gongkai.cli", "crawl", "--all", "--proxy",
         f"http://127.0.0.1:{slow.server_address[1]}", "--data", str(tmp_path),
         "-s", "DOWNLOAD_TIMEOUT=5", "-s", "GONGKAI_SIMULATED_FAST=0"], cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "stderr.txt", "w"))
    try:
        deadline = time.monotonic() + 60
        while not (children := _children(parent.pid)):
            assert time.monotonic() < deadline and parent.poll() is None
            time.sleep(0.2)
        assert Slow.asked.wait(120)  # the child is crawling (slowly), not still starting
        [child] = children
        parent.kill()  # SIGKILL: the parent gets no chance to pass anything on
        parent.wait()
        deadline = time.monotonic() + 30
        while Path(f"/proc/{child}").exists() and \
                "zombie" not in Path(f"/proc/{child}/status").read_text():
            assert time.monotonic() < deadline, "the child crawl outlived its parent"
            time.sleep(0.2)
    finally:
        parent.kill()
        slow.shutdown()
    # it stopped as a crawl stops when asked to: its run is recorded as shut down
    run = next(db.open_database(tmp_path).query("select * from crawl_runs"))
    assert run["finish_reason"] == "shutdown", (tmp_path / "stderr.txt").read_text()[-3000:]


def test_a_recrawl_of_an_unchanged_portal_adds_under_a_tenth_of_the_bytes(tmp_path):
    with PortalServer(build_portal(seed=1)) as server:
        for _ in range(2):
            gongkai("crawl", "huichang", "--base-url", server.url, "--data", tmp_path)
    database = db.open_database(tmp_path)
    written = dict(database.execute("select crawl_run, sum(length) from captures "
                                    "group by crawl_run").fetchall())
    kinds = {row[0] for row in database.execute(
        "select distinct record_type || ' ' || status from captures where crawl_run = 2")}
    assert kinds == {"revisit 304"}  # no request records, no unchanged metadata
    assert written[2] < 0.10 * written[1], written
