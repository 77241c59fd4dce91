"""One test per planted fault: the truth names where it is, and the running server shows it
(real HTTP through the server used as a proxy; simulated dates through ``web.as_of``)."""

from __future__ import annotations

import contextlib
import json
import re
import time
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from simulator.faults import FAULTS
from simulator.web import build_portal
from simulator.truth import ground_truth

from conftest import through_proxy as get
from test_portal_forms import page_grids, printed, read_figures


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=4, families="all", faults="all")





@contextlib.contextmanager
def on(web, day: date):
    """Serve the state of ``day`` for the duration of the block."""
    before = web.as_of
    web.as_of = day
    try:
        yield
    finally:
        web.as_of = before


def planted(truth, name) -> list[dict]:
    found = [f for f in truth["faults"] if f["name"] == name]
    assert found, name
    return found


def url(record, path=None) -> str:
    return f"http://{record['host']}{path or record['path']}"


def report_at(truth, record):
    return next(r for r in truth["reports"] if r["host"] == record["host"] and any(u["url"] == url(record) for u in r["urls"]))


def day(text: str) -> date:
    return date.fromisoformat(text)


def test_every_fault_is_planted_and_recorded(truth):
    assert {f["name"] for f in truth["faults"]} == set(FAULTS)
    assert set(truth["fault_catalogue"]) == set(FAULTS)


# --- encodings ----------------------------------------------------------------------------------


def test_gbk_page_declared_gb2312(server, truth):
    [f] = planted(truth, "gbk_gb2312")
    status, headers, body = get(server, url(f))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=gb2312"
    assert b'<meta charset="gb2312">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # a GBK-only character: strict gb2312 decoding fails
    text = body.decode("gbk")
    assert report_at(truth, f)["title"] in text and "喆" in text


def test_gbk_page_without_charset(server, truth):
    [f] = planted(truth, "gbk_no_charset")
    status, headers, body = get(server, url(f))
    assert headers["Content-Type"] == "text/html"
    assert b"charset" not in body.lower()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert report_at(truth, f)["title"] in body.decode("gbk")


def test_malformed_meta_charset(server, truth):
    [f] = planted(truth, "meta_malformed")
    status, headers, body = get(server, url(f))
    assert headers["Content-Type"] == "text/html"
    assert b'<meta httpequiv="ContentType" content="text/html; charset=gbk">' in body
    assert report_at(truth, f)["title"] in body.decode("gbk")


# --- lists and hosts --------------------------------------------------------------------------------


def test_declared_page_count_larger_than_real(server, truth):
    for f in planted(truth, "page_count_inflated"):
        first = get(server, f"http://{f['host']}{f['column']}")[2].decode()
        declared = int(re.search(r'createPageHTML\((\d+), 0, "index", "html"\)', first).group(1))
        real = declared - f["extra_pages"]
        assert get(server, f"http://{f['host']}{f['column']}index_{real - 1}.html")[0] == (200 if real > 1 else 404)
        for page in range(real, declared):
            assert get(server, f"http://{f['host']}{f['column']}index_{page}.html")[0] == 404


def test_soft_404_answers_200(server, truth):
    [f] = planted(truth, "soft_404")
    status, _, body = get(server, f"http://{f['host']}/art/2099/1/1/art_1_1.html")
    assert status == 200 and "页面不存在" in body.decode()
    assert get(server, "http://www.hukou.gov.cn/no/such.html")[0] == 404  # other hosts stay honest


def test_cross_column_link(server, truth):
    [f] = planted(truth, "cross_column_links")
    assert f["column"] != f["own_column"]
    listing = get(server, f"http://{f['host']}/hcxxxgk/{f['column']}/xxgk_list.shtml")[2].decode()
    hrefs = [a["href"] for a in BeautifulSoup(listing, "lxml").select("ul.xxgk_list a")]
    assert f["path"] in hrefs and f"/hcxxxgk/{f['own_column']}/" in f["path"]


def test_mirror_links_and_mirror_hosts(server, truth):
    records = planted(truth, "mirror_links")
    assert {f["mirror_host"] for f in records} == {"www.bgl66.com", "www.xmzaj.com"}
    for f in records:
        column = f["column"] if f["column"].startswith("/") else f"/hcxxxgk/{f['column']}/xxgk_list.shtml"
        listing = get(server, f"http://{f['host']}{column}")[2].decode()
        mirror = f"http://{f['mirror_host']}{f['path']}"
        assert f'href="{mirror}"' in listing
        status, _, body = get(server, mirror)
        text = body.decode()
        assert status == 200 and "娛樂" in text and "報告" in text  # Traditional characters, gambling spam
        assert get(server, url(f))[0] == 200  # the genuine page is still on the gov.cn host
        assert any(h["host"] == f["mirror_host"] and h["role"] == "mirror" for h in truth["hosts"])


@pytest.mark.parametrize("name", ["challenge_412", "challenge_521"])
def test_challenge_hosts(server, truth, name):
    [f] = planted(truth, name)
    status, headers, body = get(server, f"http://{f['host']}/zwgk/")
    assert status == f["status"] and len(body) < 2048 and b"<script" in body and "Set-Cookie" in headers
    assert "政府信息公开年报" not in body.decode()
    if name == "challenge_412":
        pieces = json.loads(re.search(rb"var _\$p=(\[.*?\])", body).group(1))
        assert "".join(p[::-1] for p in pieces) == f["value"]  # what the script computes
    else:
        assert f"__jsl_clearance={f['value']}".encode() in body
    status, _, body = get(server, f"http://{f['host']}/zwgk/", headers={"Cookie": f"{f['cookie']}={f['value']}"})
    assert status == 200 and "政府信息公开年报" in body.decode()
    reports = [r for r in truth["reports"] if r["host"] == f["host"]]
    assert len(reports) == f["reports"] and all(any(d["kind"] == "challenge" for d in r["defects"]) for r in reports)


# --- server behaviour --------------------------------------------------------------------------------


def test_slow_responses(server, truth):
    f = planted(truth, "slow")[0]
    start = time.monotonic()
    assert get(server, url(f))[0] == 200
    # the delay is the fault itself; how fast the other pages are is benchmarks/' business
    assert time.monotonic() - start >= f["seconds"] - 0.05


def test_5xx_bursts_then_success(server, truth):
    records = planted(truth, "burst_5xx")
    assert {f["host"] for f in records} == {"www.huichang.gov.cn", "www.hukou.gov.cn", "www.shangyu.gov.cn", "www.sgwjq.gov.cn"}
    f = next(f for f in records if f["path"].startswith("/gkmlpt/api/"))
    target = f"http://{f['host']}{f['path']}?page=1&sid=755038"
    assert [get(server, target)[0] for _ in range(3)] == f["statuses"] + [200]
    f = records[0]
    assert [get(server, url(f))[0] for _ in range(3)] == f["statuses"] + [200]
    hits = [r for r in server.requests if r.host == f["host"] and r.path == f["path"]]
    assert [r.status for r in hits] == f["statuses"] + [200]


def test_robots_disallows_reports(server, truth):
    [f] = planted(truth, "robots")
    status, _, body = get(server, f"http://{f['host']}/robots.txt")
    assert status == 200 and body.decode() == f["robots_txt"]
    blocked = [r for r in truth["reports"] if any(d["kind"] == "robots_disallowed" for d in r["defects"])]
    assert len(blocked) == f["reports"] > 0
    assert all(r["host"] == f["host"] and any(r["path"].startswith(p) for p in f["disallow"]) for r in blocked)


# --- time ----------------------------------------------------------------------------------------------


def test_edited_report_changes_at_the_same_url(web, server, truth):
    f = next(f for f in planted(truth, "edited") if f["host"] == "www.huichang.gov.cn")
    r = report_at(truth, f)
    before, after = r["versions"]
    assert before["figures"] != after["figures"] and after["figures"] == r["figures"]
    assert after["from"] == f["on"] == r["edited_on"]
    with on(web, day(f["on"]) - timedelta(days=1)):
        assert read_figures(page_grids(get(server, url(f))[2])) == printed(r, before["figures"])
    with on(web, day(f["on"])):
        assert read_figures(page_grids(get(server, url(f))[2])) == printed(r, after["figures"])


def test_deleted_report(web, server, truth):
    for f in planted(truth, "deleted"):
        r = report_at(truth, f)
        assert r["deleted_on"] == f["on"] and not r["visible"]
        with on(web, day(f["on"]) - timedelta(days=1)):
            assert get(server, url(f))[0] == 200
        with on(web, day(f["on"])):
            status, _, body = get(server, url(f))
            assert status == f.get("not_found_status", 404) and r["title"] not in body.decode("utf-8", "replace")


def test_moved_report(web, server, truth):
    for f in planted(truth, "moved"):
        r = report_at(truth, f)
        assert [u["url"] for u in r["urls"]] == [url(f), url(f, f["new_path"])] and r["path"] == f["new_path"]
        with on(web, day(f["on"]) - timedelta(days=1)):
            assert get(server, url(f))[0] == 200
            assert get(server, url(f, f["new_path"]))[0] in (404, 200 if f["host"] == "www.shangyu.gov.cn" else 404)
        with on(web, day(f["on"])):
            status, headers, body = get(server, url(f))
            assert status == (f.get("not_found_status", 404) if f["old_status"] == 404 else 301)
            assert r["title"] not in body.decode()
            if status == 301:
                assert headers["Location"].endswith(f["new_path"])
            status, _, body = get(server, url(f, f["new_path"]))
            assert status == 200 and r["title"] in body.decode()


def test_late_and_backdated_reports(web, server, truth):
    records = planted(truth, "late")
    assert {f["backdated"] for f in records} == {True, False}
    for f in records:
        r = report_at(truth, f)
        assert r["declared_published"] == f["declared"] and r["actual_published"] == f["appeared"]
        assert f["appeared"] > f["deadline"]
        if f["backdated"]:
            assert f["declared"] <= f["deadline"]
            with on(web, day(f["appeared"]) - timedelta(days=1)):  # the page claims a date it did not exist on
                assert get(server, url(f))[0] == f.get("not_found_status", 404)
        else:
            assert f["declared"] > f["deadline"]
        with on(web, day(f["appeared"])):
            status, _, body = get(server, url(f))
            assert status == 200
            soup = BeautifulSoup(body.decode(), "lxml")
            assert soup.find("meta", attrs={"name": "PubDate"})["content"].startswith(f["declared"])


def test_body_that_never_published(truth, server):
    missing = planted(truth, "missing")
    assert len(missing) == 4 and truth["missing"]
    for f in missing:
        assert not [r for r in truth["reports"] if r["agency"] == f["agency"] and r["report_year"] == f["report_year"]]
        assert any(r["agency"] == f["agency"] for r in truth["reports"])  # the body exists, other years are there
    f = next(f for f in missing if f["host"] == "www.sgwjq.gov.cn")
    articles = json.loads(get(server, "http://www.sgwjq.gov.cn/gkmlpt/api/all/2771?page=1&sid=755038")[2])["articles"]
    assert not [a for a in articles if a["publisher"] == f["agency"] and str(f["report_year"]) in a["title"]]


def test_as_of_hides_what_is_not_yet_published(web, server, truth):
    with on(web, date(2024, 2, 15)):
        t = ground_truth(web)
        shown = {r["url"] for r in t["reports"] if r["visible"]}
        assert t["as_of"] == "2024-02-15"
        assert all(r["actual_published"] <= "2024-02-15" for r in t["reports"] if r["visible"])
        listing = get(server, "http://www.huichang.gov.cn/hcxxxgk/hc2453/xxgk_list.shtml")[2].decode()
        assert "2023年" not in listing  # the county's 2023 report is due by 31 March 2024
        hidden = next(r for r in t["reports"] if not r["visible"] and not r["deleted_on"] and r["host"] == "www.hukou.gov.cn")
        assert get(server, hidden["url"])[0] == 404
        assert shown
    assert web.as_of is None
