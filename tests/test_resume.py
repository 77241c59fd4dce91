"""A crawl killed with SIGKILL and started again finishes the job: every report
archived exactly once, the cut-off WARC file closed and verified."""

import os
import signal
import subprocess
import sys
import time

from gongkai.archive import db
from gongkai.archive.verify import verify
from simulator.model import build_portal
from simulator.server import PortalServer

from conftest import REPO, gongkai


def archived_reports(data) -> int:
    try:
        database = db.open_database(data)
        return database.execute(
            "select count(*) from captures where record_type = 'metadata'").fetchone()[0]
    except Exception:  # the index is not created yet
        return 0


def test_kill_minus_nine_then_resume(tmp_path):
    portal = build_portal(seed=5)
    with PortalServer(portal) as server:
        crawl = [sys.executable, "-m", "gongkai.cli", "crawl", "huichang", "--base-url",
                 server.url, "--data", str(tmp_path)]
        slow = ["-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05"]
        victim = subprocess.Popen(crawl + slow, cwd=REPO, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while archived_reports(tmp_path) < 15:
            assert victim.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        assert list((tmp_path / "warc").glob("*.open")), "the killed writer left its file open"
        before = archived_reports(tmp_path)
        assert 15 <= before < len(portal.reports)

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
