"""A crawl of the simulated 会昌县 portal through a hostile front: a real HTTP server on
127.0.0.1 that passes most requests to the simulated portal and answers a few with
what careless or hostile portals send — a gzip bomb, a 2 GB body (streamed, never
held), endless pagination and a meta refresh to `javascript:`. The crawl must stay
under 1 GB, archive every other report, record each hostile answer, and Datasette
must still serve the archive."""

import gzip
import http.client
import json
import re
import resource
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gongkai.archive import db
from gongkai.archive.verify import verify
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import REPO, datasette

GIB = 1 << 30
# 1,024 gzip members of 1 MiB of zeros each: 1 MB on the wire, 1 GiB inflated.
BOMB = gzip.compress(bytes(1 << 20), 9) * 1024
ENDLESS_COLUMN = "/hcxxxgk/hc2453/"  # the county government's column, two real pages
MAX_LIST_PAGES = 12


def hostile_handler(upstream: PortalServer, traps: dict[str, str]):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            trap = traps.get(self.path)
            if trap:
                return getattr(self, trap)()
            if self.path.startswith("/loop/"):
                return self.redirect_loop()
            status, headers, body = self.upstream()
            page = re.fullmatch(re.escape(ENDLESS_COLUMN) + r"xxgk_list(?:_(\d+))?\.shtml",
                                self.path)
            if page and status == 404:  # past the column's real pages: one more, for ever
                return self.endless_page(int(page[1]))
            if page:
                body = re.sub(rb"createPageHTML\('page_div', \d+,",
                              b"createPageHTML('page_div', 100000,", body)
            self.answer(status, headers, body)

        def upstream(self):
            conn = http.client.HTTPConnection("127.0.0.1", upstream.port, timeout=30)
            conn.request("GET", self.path, headers={k: v for k, v in self.headers.items()})
            response = conn.getresponse()
            body = response.read()
            conn.close()
            return response.status, [(k, v) for k, v in response.getheaders()
                                     if k.lower() not in ("content-length", "connection")], body

        def answer(self, status, headers, body):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def bomb(self):
            self.answer(200, [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Encoding", "gzip")], BOMB)

        def endless_body(self):
            """2 GB without a Content-Length, written until the client hangs up."""
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"<p>" + b"x" * (1 << 20) + b"</p>"
            try:
                for _ in range(2 * GIB // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the crawler stopped reading: what we want

        def declared_2gb(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(2 * GIB))
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(b"%PDF-1.7\n" + bytes(1 << 20))
            except OSError:
                pass

        def javascript_refresh(self):
            status, headers, body = self.upstream()
            body = body.replace(b"<head>", b'<head><meta http-equiv="refresh" '
                                b'content="0;url=javascript:location.replace(\'/\')">', 1)
            self.answer(status, headers, body)

        def redirect_loop(self):
            """Each answer a redirect to one more URL, for ever."""
            step = int(self.path.rsplit("/", 1)[1]) + 1 if self.path.startswith("/loop/") else 1
            self.send_response(302)
            self.send_header("Location", f"/loop/{step}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def endless_page(self, number):
            body = (f"<html><body><h1>会昌县人民政府 政府信息公开年报</h1><p>您当前所在位置：首页 &gt; "
                    f"政府信息公开 &gt; 政府信息公开年报 &gt; 第{number}页</p><ul><li><a href='{ENDLESS_COLUMN}202001/fake{number}.shtml' "
                    f"title='会昌县第{number}局2019年政府信息公开工作年度报告'>会昌县第{number}局2019年"
                    f"政府信息公开工作年度报告</a><span class='time'>2020-01-15</span></li></ul><script>createPageHTML('page_div', 100000, {number}, "
                    f"'xxgk_list', 'shtml', 999999);</script></body></html>").encode("utf-8")
            self.answer(200, [("Content-Type", "text/html; charset=utf-8")], body)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    portal = build_portal(seed=1)
    reports = sorted(portal.reports, key=lambda r: r.path)
    traps = {reports[10].path: "bomb", reports[20].path: "endless_body",
             reports[40].path: "javascript_refresh", reports[50].path: "redirect_loop"}
    data = tmp_path_factory.mktemp("hostile")
    with PortalServer(portal) as upstream:
        front = ThreadingHTTPServer(("127.0.0.1", 0), hostile_handler(upstream, traps))
        front.daemon_threads = True
        threading.Thread(target=front.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{front.server_address[1]}/"
        # A report page also links a "2 GB PDF" declared as such.
        traps[reports[30].path] = "declared_2gb"
        measure = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
                   "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")
        result = subprocess.run(
            [sys.executable, "-c", measure, sys.executable, "-m", "gongkai.cli", "crawl",
             "huichang", "--base-url", base, "--data", str(data),
             "-s", f"GONGKAI_MAX_LIST_PAGES={MAX_LIST_PAGES}", "-s", "LOG_LEVEL=WARNING"],
            cwd=REPO, capture_output=True, text=True, timeout=600)
        front.shutdown()
    run = next(db.open_database(data).query("select * from crawl_runs"))
    return {"result": result, "peak_kib": int(result.stdout.split()[-1]), "run": run,
            "data": data, "base": base, "traps": traps, "reports": reports}


def test_the_crawl_finishes_under_1_gb(hostile):
    assert hostile["result"].returncode == 0, hostile["result"].stderr[-3000:]
    print(f"peak RSS of the crawl: {hostile['peak_kib'] / 1024:.0f} MiB")
    assert hostile["peak_kib"] * 1024 < GIB


def test_every_other_report_is_archived(hostile):
    database = db.open_database(hostile["data"])
    listed = {row["url"].split("/", 3)[3] for row in database.query(
        "select url from captures where record_type = 'metadata' "
        "and content_type like '%kind=report_page'")}
    expected = {r.path.lstrip("/") for r in hostile["reports"]}
    hostile_paths = {path.lstrip("/") for path, trap in hostile["traps"].items()
                     if trap != "javascript_refresh"}
    # the page with a javascript: refresh is a report like any other
    assert listed == expected - hostile_paths


def test_each_hostile_answer_is_recorded(hostile):
    run = hostile["run"]
    assert json.loads(run["dropped"]) == {"body_too_large": 2, "decompressed_too_large": 1,
                                          "list_pages_limit": 1, "too_many_redirects": 1}
    assert run["dropped_bodies"] == 3 and run["outcome"] == "ok"
    assert verify(hostile["data"]).ok
    database = db.open_database(hostile["data"])
    records = {}
    for row in database.query("select url, warc_file, offset from captures where "
                              "record_type = 'metadata' and content_type like '%kind=dropped'"):
        from gongkai.archive.warc import read_record

        payload = json.loads(read_record(hostile["data"], row["warc_file"], row["offset"]).payload)
        records[row["url"].split("/", 3)[3]] = payload["reason"]
    by_trap = {path.lstrip("/"): trap for path, trap in hostile["traps"].items()}
    assert {by_trap.get(url, url): reason for url, reason in records.items()} == {
        "bomb": "decompressed_too_large", "endless_body": "body_too_large",
        "declared_2gb": "body_too_large", "loop/5": "too_many_redirects",
        f"{ENDLESS_COLUMN.lstrip('/')}xxgk_list_{MAX_LIST_PAGES + 1}.shtml": "list_pages_limit"}
    # the bomb itself is archived as received, a megabyte of gzip
    bomb = next(database.query("select * from captures where record_type = 'response' "
                               "and url like ?", ["%" + hostile["reports"][10].path]))
    assert bomb["payload_length"] == len(BOMB)


def test_datasette_serves_the_bomb_bounded_and_keeps_serving(hostile):
    database = db.open_database(hostile["data"])
    bomb = next(database.query("select id from captures where record_type = 'response' "
                               "and url like ?", ["%" + hostile["reports"][10].path]))["id"]
    with datasette(hostile["data"]) as base:
        for path, status in ((f"/-/archive/{bomb}/raw", 413),
                             ("/-/archive/99999999999999999999999999", 404),
                             ("/-/archive/99999999999999999999999999/raw", 404)):
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(base + path, timeout=60)
            assert answer.value.code == status, path
        page = next(database.query("select id from captures where record_type = 'response' "
                                   "and url like ?", ["%" + hostile["reports"][11].path]))["id"]
        for path in (f"/-/archive/{page}", f"/-/archive/{page}/raw"):
            with urllib.request.urlopen(base + path, timeout=60) as response:
                assert response.status == 200


def test_every_other_report_is_extracted(hostile):
    from conftest import gongkai

    gongkai("extract", "--data", hostile["data"])
    database = db.open_database(hostile["data"])
    extracted = {row["url"].split("/", 3)[3] for row in database.query("select url from reports")}
    lost = {path.lstrip("/") for path, trap in hostile["traps"].items()
            if trap != "javascript_refresh"}
    assert extracted == {r.path.lstrip("/") for r in hostile["reports"]} - lost
