"""Deployment on a real Scrapyd: build the egg with scrapyd-deploy as the README says,
upload it, schedule the spider against the simulated portal and read the archive."""

import subprocess
import sys
import time
from pathlib import Path

import requests

from gongkai.archive import db
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import REPO, free_port, wait_for_http

BIN = Path(sys.executable).parent


def test_a_deployed_crawl_runs_on_scrapyd(tmp_path):
    port = free_port()
    (tmp_path / "scrapyd.conf").write_text(f"""[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {tmp_path / 'eggs'}
logs_dir = {tmp_path / 'logs'}
dbs_dir = {tmp_path / 'dbs'}
items_dir =
max_proc = 1
poll_interval = 0.5
""")
    scrapyd = subprocess.Popen([str(BIN / "scrapyd")], cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    api = f"http://127.0.0.1:{port}/"
    data = tmp_path / "data"
    try:
        wait_for_http(api + "daemonstatus.json")
        egg = tmp_path / "gongkai.egg"
        subprocess.run([str(BIN / "scrapyd-deploy"), f"--build-egg={egg}"], cwd=REPO,
                       check=True, capture_output=True)
        with open(egg, "rb") as fh:
            added = requests.post(api + "addversion.json", data={"project": "gongkai",
                                                                 "version": "1"},
                                  files={"egg": fh}, timeout=60).json()
        assert added["status"] == "ok", added
        assert added["spiders"] >= 1

        portal = build_portal(seed=1)
        with PortalServer(portal) as server:
            job = requests.post(api + "schedule.json", data=[
                ("project", "gongkai"), ("spider", "ganzhou"), ("site", "huichang"),
                ("base_url", server.url),
                ("setting", f"GONGKAI_DATA_DIR={data}"),
                ("setting", "AUTOTHROTTLE_ENABLED=False"),
                ("setting", "DOWNLOAD_DELAY=0"),
                ("setting", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
            ], timeout=30).json()
            assert job["status"] == "ok", job
            deadline = time.monotonic() + 240
            while True:
                jobs = requests.get(api + "listjobs.json", params={"project": "gongkai"},
                                    timeout=30).json()
                if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                    break
                assert time.monotonic() < deadline, jobs
                time.sleep(0.5)
    finally:
        scrapyd.terminate()
        scrapyd.wait(timeout=30)

    database = db.open_database(data)
    listed = {row["url"] for row in database.query(
        "select url from captures where record_type = 'metadata'")}
    assert len(listed) == len(portal.reports)
    [run] = database.query("select * from crawl_runs")
    assert run["finish_reason"] == "finished" and run["report_pages"] == len(portal.reports)
