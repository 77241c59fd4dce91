"""Every family's spider, crawling the simulated web with every fault planted:
real `gongkai crawl SITE --proxy` processes against the portal server over
HTTP, checked against the ground truth and the server's own request log."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from scrapy import Request

from gongkai.archive import db
from gongkai.archive.encoding import decode
from gongkai.archive.warc import read_capture, read_record
from gongkai.crawler.registry import load_site
from simulator.web import build_portal
from simulator.server import PortalServer
from simulator.truth import ground_truth

from conftest import gongkai

SEED = 5
# 20 bodies per family: invented Ganzhou bodies publish attachments, and the gkmlpt
# category holds more than one API page of records.
AGENCIES = 80
PORTALS = {"huichang": "ganzhou", "hukou": "trs", "shangyu": "hanweb", "sgwjq": "gkmlpt"}
BLOCKED = ("jxyy", "fuliang")


@dataclass
class Crawl:
    site: str
    data: object
    run: dict  # its crawl_runs row
    requests: list  # what the portal server received while it ran

    @property
    def seconds(self) -> float:
        return (_wall(self.run["finished_at"]) - _wall(self.run["started_at"]))

    def database(self):
        return db.open_database(self.data)

    def metadata(self, kind: str) -> list[dict]:
        rows = self.database().query(
            "select * from captures where record_type = 'metadata' and site = ?", [self.site])
        records = [json.loads(read_record(self.data, r["warc_file"], r["offset"]).payload)
                   for r in rows]
        return [record for record in records if record.get("kind") == kind]

    def responses(self, status: int = 200) -> Counter:
        return Counter(row["url"] for row in self.database().query(
            "select url from responses where status = ? and site = ?", [status, self.site]))


def _wall(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=SEED, families="all", faults="all", agencies=AGENCIES)


@pytest.fixture(scope="module")
def truth(web):
    return ground_truth(web)


@pytest.fixture(scope="module")
def crawled(web, tmp_path_factory):
    """`gongkai crawl --all` through the simulated web: one crawl per site, one after another."""
    data = tmp_path_factory.mktemp("all")
    # The server stamps requests with time.monotonic(), crawl_runs with the wall clock.
    to_wall = time.time() - time.monotonic()
    with PortalServer(web) as server:
        result = gongkai("crawl", "--all", "--proxy", server.proxy_url, "--data", data,
                         "-s", "LOG_LEVEL=WARNING", check=False)
        requests = server.requests
    runs = list(db.open_database(data).query("select * from crawl_runs order by id"))
    crawls = {}
    for run in runs:
        began, ended = _wall(run["started_at"]), _wall(run["finished_at"])
        during = [r for r in requests if began <= r.at + to_wall <= ended]
        crawls[run["site"]] = Crawl(run["site"], data, run, during)
    for crawl in crawls.values():
        print(f"{crawl.site}: {len(crawl.requests)} requests in {crawl.seconds:.1f} s")
    return {"crawls": crawls, "requests": requests, "runs": runs, "result": result}


@pytest.fixture(scope="module")
def crawls(crawled):
    return crawled["crawls"]


def robots_disallowed(report) -> bool:
    return any(d["kind"] == "robots_disallowed" for d in report["defects"])


def expected(truth, site):
    host = load_site(site).host
    return [r for r in truth["reports"] if r["host"] == host and r["visible"]]


@pytest.mark.parametrize("site", PORTALS)
def test_every_visible_report_and_attachment_is_archived_once(crawls, truth, site):
    crawl = crawls[site]
    reports = [r for r in expected(truth, site) if not robots_disallowed(r)]
    assert reports
    fetched = crawl.responses()
    pages = {item["url"]: item for item in crawl.metadata("report_page")}
    assert sorted(pages) == sorted(r["url"] for r in reports)
    assert all(fetched[r["url"]] == 1 for r in reports)
    attachments = {item["url"]: item for item in crawl.metadata("attachment")}
    wanted = {a["url"]: (r["url"], a) for r in reports for a in r["attachments"]}
    assert wanted, "every family's portal links attachments"
    assert sorted(attachments) == sorted(wanted)
    for url, (report_url, attachment) in wanted.items():
        assert fetched[url] == 1
        assert attachments[url]["report_url"] == report_url
        if attachment["kind"] != "png":  # scanned pages have no link text
            assert attachments[url]["name"] == attachment["name"]
    listed = {a["url"] for item in pages.values() for a in item["attachments"]}
    assert listed == set(wanted)


@pytest.mark.parametrize("site", PORTALS)
def test_no_request_leaves_the_registry_hosts_and_none_is_repeated(crawls, truth, site):
    crawl = crawls[site]
    assert {r.host for r in crawl.requests} <= set(load_site(site).allowed_hosts)
    served = Counter(r.target for r in crawl.requests if r.status == 200)
    reports = expected(truth, site)
    assert all(served[urlsplit(r["url"]).path] <= 1 for r in reports)
    paths = {r.path for r in crawl.requests}
    for report in filter(robots_disallowed, reports):
        assert urlsplit(report["url"]).path not in paths
        assert not {urlsplit(a["url"]).path for a in report["attachments"]} & paths


@pytest.mark.parametrize("site", PORTALS)
def test_metadata_matches_the_truth(crawls, truth, site):
    pages = {item["url"]: item for item in crawls[site].metadata("report_page")}
    for report in expected(truth, site):
        item = pages.get(report["url"])
        if item is None:
            continue  # robots-disallowed
        assert item["family"] == PORTALS[site] and item["site"] == site
        assert item["list_title"] == report["title"], report["url"]
        assert item["list_date"] == report["declared_published"], report["url"]
        assert item["agency_kind"] == report["agency_kind"], report["url"]
        if PORTALS[site] != "ganzhou":  # Ganzhou names units by their breadcrumb's short name
            assert item["unit"] == report["agency"], report["url"]


def test_5xx_bursts_are_retried_after_a_pause(crawls, truth):
    bursts = [f for f in truth["faults"] if f["name"] == "burst_5xx"]
    assert len(bursts) >= 4
    for fault in bursts:
        crawl = next(c for c in crawls.values() if load_site(c.site).host == fault["host"])
        hits = [r for r in crawl.requests if r.host == fault["host"] and r.path == fault["path"]]
        assert [r.status for r in hits][:3] == fault["statuses"] + [200], fault
        # The portal answers Retry-After: 1; an immediate retry would meet the burst still on.
        assert all(b.at - a.at >= 0.9 for a, b in zip(hits, hits[1:3])), fault


def test_backoff_delays():
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    from gongkai.crawler.middlewares import BackoffRetryMiddleware

    crawler = get_crawler(settings_dict={"RETRY_BACKOFF_BASE": 2, "RETRY_BACKOFF_MAX": 30})
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request("http://www.hukou.gov.cn/")
    assert [middleware.delay(request.replace(meta={"retry_times": n})) for n in range(5)] == [
        2, 4, 8, 16, 30]
    busy = Response(request.url, status=503, headers={"Retry-After": "1"})
    assert middleware.delay(request, busy) == 1
    later = Response(request.url, status=503, headers={"Retry-After": "3600"})
    assert middleware.delay(request, later) == 30


def test_gbk_pages_decode_to_the_truth_titles(crawls, truth):
    faults = [f for f in truth["faults"] if f["name"] in ("gbk_gb2312", "gbk_no_charset",
                                                          "meta_malformed")]
    assert len(faults) == 3
    crawl = next(c for c in crawls.values()
                 if load_site(c.site).host == faults[0]["host"])
    database = crawl.database()
    for fault in faults:
        report = next(r for r in truth["reports"] if r["path"] == fault["path"]
                      and r["host"] == fault["host"])
        row = next(database.query("select * from responses where url = ? and status = 200",
                                  [report["url"]]))
        record = read_capture(crawl.data, row)
        content_type = dict((k.lower(), v) for k, v in record.headers).get("content-type")
        page = decode(record.payload, content_type)
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert title.startswith(report["title"]), fault["name"]
        assert "喆" in page  # the character GB2312 lacks


@pytest.mark.parametrize("site", BLOCKED)
def test_challenge_hosts_are_recorded_blocked_and_left_alone(crawls, truth, site):
    crawl = crawls[site]
    host = load_site(site).host
    assert len(crawl.requests) <= 2 and {r.host for r in crawl.requests} == {host}
    run = crawl.run
    assert json.loads(run["blocked_hosts"]) == [host]
    assert run["finish_reason"] == "finished" and run["report_pages"] == 0
    assert not crawl.metadata("report_page") and not crawl.metadata("attachment")
    # a site behind a wall was not crawled: the run says why, the command fails
    assert run["outcome"] == "blocked"
    assert run["outcome_reason"] == f"blocked: {host} answered only with challenge pages"


def test_crawl_all_fails_naming_the_sites_it_could_not_crawl(crawled):
    result = crawled["result"]
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == \
        f"crawl failed for: {', '.join(f'{site} (exit 4)' for site in sorted(BLOCKED))}"
    for site in BLOCKED:
        assert f"crawl of {site} failed: blocked:" in result.stderr


def test_crawl_all_crawls_every_registered_site_once(crawled):
    from gongkai.crawler.registry import site_names

    runs = crawled["runs"]
    assert [run["site"] for run in runs] == site_names()
    assert all(run["finish_reason"] == "finished" for run in runs)
    assert {run["site"] for run in runs if run["outcome"] == "ok"} == set(PORTALS)
    # Every request the server saw falls within one site's crawl.
    assert sum(len(c.requests) for c in crawled["crawls"].values()) == len(crawled["requests"])


def test_sites_lists_the_registry():
    listing = gongkai("sites").stdout.splitlines()
    rows = {line.split("\t")[0]: line.split("\t") for line in listing}
    assert set(rows) >= {"huichang", "hukou", "shangyu", "sgwjq", "jxyy", "fuliang"}
    assert rows["shangyu"][1:4] == ["hanweb", "http://www.shangyu.gov.cn/", "www.shangyu.gov.cn"]


def test_a_report_linked_again_under_https_is_asked_for_once_under_http(web, crawls, truth):
    fault = next(f for f in web.fault_records if f["name"] == "other_scheme_links")
    crawl = crawls[fault["site"]]
    assert not [r for r in crawl.requests if r.method == "CONNECT"]     # no https:// asked for
    asked = Counter(r.target for r in crawl.requests if r.status == 200)
    assert asked[fault["path"]] == 1
    report = next(r for r in truth["reports"] if urlsplit(r["url"]).path == fault["path"])
    assert crawl.responses()[report["url"]] == 1
    assert any(d["kind"] == "other_scheme_link" for d in report["defects"])
