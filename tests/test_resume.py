"""A crawl killed with SIGKILL and started again finishes the job: every report
archived exactly once, the cut-off WARC file closed and verified."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time

from gongkai.archive import db
from gongkai.archive.verify import verify
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import REPO, gongkai


REPORT_PAGE = re.compile(r"/hcxxxgk/[^/]+/\d{6}/[0-9a-f]{32}\.shtml$")
HELD_AFTER = 15


def archived_reports(data) -> int:
    path = data / "gongkai.db"
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=30) as connection:
        if not connection.execute("select 1 from sqlite_master where name = 'captures'").fetchone():
            return 0
        return connection.execute(
            "select count(*) from captures where record_type = 'metadata'").fetchone()[0]


def hold_after_reports(web, count: int) -> threading.Event:
    """Let `count` report pages through, then hold every further one until the event is
    set: the kill lands mid-crawl by construction, not by the scheduler's luck."""
    release, served, lock = threading.Event(), [0], threading.Lock()
    respond = web.respond

    def gated(method, target, headers, body):
        if REPORT_PAGE.search(target.split("?")[0]):
            with lock:
                served[0] += 1
                held = served[0] > count
            if held:
                release.wait(timeout=300)
        return respond(method, target, headers, body)

    web.respond = gated
    return release


def wait_for(condition, victim, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        assert victim.poll() is None, "the crawl ended before it could be killed"
        assert time.monotonic() < deadline, "the crawl did not reach the held report"
        time.sleep(0.05)


def test_kill_minus_nine_then_resume(tmp_path):
    portal = build_portal(seed=5)
    with PortalServer(portal) as server:
        release = hold_after_reports(server.web, HELD_AFTER)
        crawl = [sys.executable, "-m", "gongkai.cli", "crawl", "huichang", "--base-url",
                 server.url, "--data", str(tmp_path)]
        victim = subprocess.Popen(crawl + ["-s", "CONCURRENT_REQUESTS=1"], cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        wait_for(lambda: archived_reports(tmp_path) >= HELD_AFTER, victim)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        release.set()
        assert list((tmp_path / "warc").glob("*.open")), "the killed writer left its file open"
        assert archived_reports(tmp_path) == HELD_AFTER < len(portal.reports)

        gongkai(*crawl[3:])

    assert not list((tmp_path / "warc").glob("*.open"))
    database = db.open_database(tmp_path)
    for report in portal.reports:
        rows = list(database.query(
            "select record_type from captures where url like ? and status = 200 and "
            "record_type = 'response'", ["%" + report.path]))
        assert len(rows) == 1, report.path
    runs = list(database.query("select finish_reason from crawl_runs order by id"))
    assert [run["finish_reason"] for run in runs] == ["interrupted", "finished"]
    assert verify(tmp_path).ok, [str(p) for p in verify(tmp_path).problems]
