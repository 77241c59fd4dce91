"""Two worker processes share one crawl through a real redis-server (scrapy-redis)."""

import re
import shutil
import subprocess
import sys
import threading
import time

import pytest
from redis import Redis

from gongkai.archive import db
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import REPO, free_port


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    assert server, "redis-server is not installed: run bin/setup-env --test"
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no",
                                "--dir", str(tmp_path_factory.mktemp("redis"))],
                               stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                         text=True).stdout.strip() != "PONG":
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=20)


REPORT_PAGE = re.compile(r"/hcxxxgk/[^/]+/\d{6}/[0-9a-f]{32}\.shtml$")


def hold_reports_until_both_ask(web, agents: list[str]) -> None:
    """Hold every report page until each worker (told apart by its User-Agent) has asked
    for something: the first worker can hold only its own slots, so the second takes
    reports from the shared queue. Sharing is then by construction, not by luck."""
    seen, both = set(), threading.Event()
    respond = web.respond

    def gated(method, target, headers, body):
        agent = headers.get("User-Agent", "")
        seen.update(a for a in agents if a == agent)
        if len(seen) == len(agents):
            both.set()
        if REPORT_PAGE.search(target.split("?")[0]):
            both.wait(timeout=120)
        return respond(method, target, headers, body)

    web.respond = gated


def test_two_workers_archive_every_report_exactly_once(redis_url, tmp_path):
    portal = build_portal(seed=3)
    agents = ["gongkai-test-worker-1", "gongkai-test-worker-2"]
    with PortalServer(portal) as server:
        hold_reports_until_both_ask(server.web, agents)
        base_url = server.url
        command = [sys.executable, "-m", "gongkai.cli", "crawl", "huichang", "--base-url",
                   server.url, "--data", str(tmp_path), "--redis", redis_url, "--crawl-id",
                   "shared", "-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.05"]
        workers = [subprocess.Popen(command + ["-s", f"USER_AGENT={agent}"], cwd=REPO,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for agent in agents]
        outputs = [worker.communicate(timeout=300) for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in outputs]

    database = db.open_database(tmp_path)
    report_paths = {report.path for report in portal.reports}
    fetched = [row for row in database.query(
        "select url, crawl_run from captures where record_type = 'response' and status = 200")]
    report_fetches = [row for row in fetched
                      if row["url"].split(base_url.rstrip("/"), 1)[1] in report_paths]
    assert len(report_fetches) == len(report_paths)
    assert len({row["url"] for row in report_fetches}) == len(report_paths)
    # Both workers did part of the work.
    assert {row["crawl_run"] for row in report_fetches} == {1, 2}, \
        [line for _, err in outputs for line in err.splitlines() if "ERROR" in line]
    runs = list(database.query("select * from crawl_runs"))
    assert sum(run["report_pages"] for run in runs) == len(report_paths)
    # the crawl's dupefilter stays for late peers, but not for ever
    redis = Redis.from_url(redis_url)
    key = "gongkai:huichang:shared:dupefilter"
    assert redis.scard(key) > len(report_paths)
    assert 6 * 24 * 3600 < redis.ttl(key) <= 7 * 24 * 3600


def test_two_workers_share_a_hanweb_crawl_with_post_pagination(redis_url, tmp_path):
    """Hanweb lists page through POST requests: they travel through Redis as well."""
    from simulator.truth import ground_truth

    web = build_portal(seed=5, families=["hanweb"], agencies=20)
    with PortalServer(web) as server:
        command = [sys.executable, "-m", "gongkai.cli", "crawl", "shangyu", "--proxy",
                   server.proxy_url, "--data", str(tmp_path), "--redis", redis_url,
                   "--crawl-id", "hanweb", "-s", "CONCURRENT_REQUESTS=2",
                   "-s", "DOWNLOAD_DELAY=0.05"]
        workers = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [worker.communicate(timeout=300) for worker in workers]
        truth = ground_truth(web, "http://www.shangyu.gov.cn/")
        posts = [r for r in server.requests if r.method == "POST"]
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in outputs]
    assert posts, "the column's later records come through dataproxy.jsp"
    expected = {r["url"] for r in truth["reports"] if r.get("visible", True)}
    database = db.open_database(tmp_path)
    fetched = [row["url"] for row in database.query(
        "select url from captures where record_type = 'response' and status = 200")]
    reports = [url for url in fetched if url in expected]
    assert sorted(reports) == sorted(expected)  # every report, each exactly once


def test_two_polite_workers_ask_a_host_once_at_a_time_and_once_a_second(redis_url, tmp_path):
    """The per-host limit holds across workers (a slot in Redis), not per process."""
    from test_politeness import CountingProxy

    with PortalServer(build_portal(seed=1)) as upstream, CountingProxy(upstream) as proxy:
        command = [sys.executable, "-m", "gongkai.cli", "crawl", "huichang", "--proxy",
                   proxy.url, "--data", str(tmp_path), "--redis", redis_url, "--crawl-id",
                   "polite", "-s", "GONGKAI_SIMULATED_FAST=0", "-s", "CLOSESPIDER_PAGECOUNT=5",
                   "-s", "GONGKAI_PEER_IDLE_SECONDS=1"]
        workers = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [worker.communicate(timeout=300) for worker in workers]
    started = proxy.started
    runs = list(db.open_database(tmp_path).query("select * from crawl_runs"))
    assert len(runs) == 2 and all(run["requests"] > 0 for run in runs), \
        [err[-1500:] for _, err in outputs]
    assert proxy.max_in_flight == 1
    rate = (len(started) - 1) / (started[-1][0] - started[0][0])
    print(f"two workers: {len(started)} requests, {rate:.2f} requests/s")
    assert rate <= 1.05
