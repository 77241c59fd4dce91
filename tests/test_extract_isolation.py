"""One expensive document costs that document alone, and a rebuild is all or nothing.

Real parts: reports archived for real in WARC files, `gongkai extract` in its own
process with real worker processes under real limits, a real SIGKILL, a real Datasette.
The hostile documents are legitimately too expensive for the deliberately small limits
set here (a 200 MB body, four 24,000-row tables), so the isolation is tested apart from
how robust the extractor itself is.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from gongkai.archive import db
from gongkai.archive.extract import extract_document
from gongkai.archive.isolation import ExtractionFailed, Limits, Workers
from gongkai.archive.warc import WarcStore
from simulator.web import build_portal
from simulator.render import render_report

from conftest import REPO, datasette, gongkai

HTML = "text/html; charset=utf-8"
YEARS = (2020, 2021)


def archive(data_dir, documents) -> dict[str, int]:
    """Archive each (url, body, content type, list title) as the crawler does: a response
    and the report_page metadata naming it. Returns url → capture id."""
    store = WarcStore(data_dir, site="huichang")
    captures = {}
    for url, body, content_type, title in documents:
        capture = store.write_exchange(
            url=url, method="GET", request_headers=[], request_body=b"", status=200, reason="OK",
            response_headers=[(b"Content-Type", content_type.encode())], body=body)
        store.write_metadata(url, {
            "kind": "report_page", "url": url, "site": "huichang", "unit": url.split("/")[-3],
            "column": "/hcxxxgk/" + url.split("/")[-3] + "/", "agency_kind": "township",
            "list_title": title, "list_date": "2021-03-01", "capture": {"id": capture.id}})
        captures[url] = capture.id
    store.close()
    return captures


def portal_reports(agencies: int):
    """Real reports of the simulated portal: (url, html, content type, title, figures as
    the extractor reads them in this process)."""
    portal = build_portal(seed=1)
    for agency in portal.agencies[:agencies]:
        for year in YEARS:
            report = portal.report(agency.code, year)
            url = "http://www.huichang.gov.cn" + report.path
            html = render_report(portal, report).encode()
            hints = {"title": report.title, "published": "2021-03-01",
                     "agency": url.split("/")[-3]}
            read = extract_document(html, content_type=HTML, filename=url, hints=hints)
            assert read["figures"], url
            yield url, html, HTML, report.title, read["figures"]


HUGE_URL = "http://www.huichang.gov.cn/hcxxxgk/hostile/huge.txt"
TABLES_URL = "http://www.huichang.gov.cn/hcxxxgk/hostile/tables.shtml"


def huge_body() -> tuple:
    """A 200 MB text body (a few hundred KB in its WARC file): reading it back alone takes
    more than 256 MB, before the extractor sees a byte or applies its own bounds."""
    title = "某某镇2020年政府信息公开工作年度报告"
    return HUGE_URL, (title + "\n").encode() + b" " * (200 << 20), \
        "text/plain; charset=utf-8", title


def many_tables() -> tuple:
    """Four tables of 24,000 rows (9 MB, within the extractor's bounds on markup and
    cells): ~5 s and ~450 MB to read."""
    title = "某某乡2021年政府信息公开工作年度报告"
    row = "<tr>" + "".join(f"<td>{i}</td>" for i in range(10)) + "</tr>"
    body = f"<html><body><h1>{title}</h1>" + ("<table>" + row * 24_000 + "</table>") * 4
    return TABLES_URL, (body + "</body></html>").encode(), HTML, title


@pytest.fixture(scope="module")
def good():
    return list(portal_reports(agencies=3))


def query(data_dir, sql, params=()):
    database = db.open_database(data_dir)
    try:
        return [dict(row) for row in database.query(sql, params)]
    finally:
        database.conn.close()


def assert_good_reports_extracted(data_dir, good):
    for url, _, _, _, figures in good:
        [row] = query(data_dir, "select id, extraction_failure from reports where url = ?", [url])
        assert row["extraction_failure"] is None, url
        stored = {r["key"]: r["value"] for r in query(
            data_dir, "select key, value from figures where report_id = ?", [row["id"]])}
        assert stored == figures, url


def test_a_document_past_the_memory_limit_fails_alone(tmp_path, good):
    captures = archive(tmp_path, [doc[:4] for doc in good] + [huge_body()])
    result = gongkai("extract", "--data", tmp_path, "--memory-limit", "256", "--workers", "2")
    assert "1 document not read" in result.stderr and "memory limit (256 MB)" in result.stderr
    [failure] = query(tmp_path, "select * from extraction_failures")
    assert failure["capture_id"] == captures[HUGE_URL]
    assert failure["kind"] == "memory" and failure["site"] == "huichang"
    assert failure["extractor_version"] and failure["failed_at"]
    assert_good_reports_extracted(tmp_path, good)
    # The unread report is listed (so it is not taken for missing), without a figure.
    [unread] = query(tmp_path, "select * from reports where url = ?", [HUGE_URL])
    assert unread["report_year"] == 2020 and unread["figure_count"] == 0
    assert "memory limit" in unread["extraction_failure"]
    with datasette(tmp_path) as base:
        with urllib.request.urlopen(f"{base}/gongkai/extraction_failures", timeout=30) as page:
            html = page.read().decode("utf-8")
    assert "未能读取的文件" in html and HUGE_URL in html


def test_a_document_past_the_time_limit_is_killed_and_the_rest_extracted(tmp_path, good):
    captures = archive(tmp_path, [doc[:4] for doc in good] + [many_tables()])
    result = gongkai("extract", "--data", tmp_path, "--time-limit", "2", "--workers", "1")
    assert "1 document not read" in result.stderr
    assert "1 over the time limit (2 s)" in result.stderr
    [failure] = query(tmp_path, "select * from extraction_failures")
    assert (failure["capture_id"], failure["kind"]) == (captures[TABLES_URL], "time")
    assert_good_reports_extracted(tmp_path, good)

    # The same extractor version under the same limits does not try it again…
    again = gongkai("extract", "--data", tmp_path, "--time-limit", "2", "--workers", "1")
    assert "1 document not read" in again.stderr
    assert query(tmp_path, "select failed_at from extraction_failures") == [
        {"failed_at": failure["failed_at"]}]
    # …a larger limit does (as would a new extractor version, or --retry-failed).
    retried = gongkai("extract", "--data", tmp_path, "--time-limit", "120", "--workers", "1")
    assert "not read" not in retried.stderr, retried.stderr
    assert query(tmp_path, "select count(*) as n from extraction_failures") == [{"n": 0}]
    [row] = query(tmp_path, "select extraction_failure from reports where url = ?", [TABLES_URL])
    assert row["extraction_failure"] is None


def descendants(pid: int) -> set[int]:
    """Every living process below PID, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def pool_workers(pid: int) -> set[int]:
    """The workers: children of the fork server, itself a child of PID (the workers,
    forked from it, carry the same command line)."""
    below = descendants(pid)
    for child in below:
        try:
            if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes() and \
                    Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[1] \
                    == str(pid):
                return descendants(child)
        except OSError:
            continue
    return set()


def wait_until(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


def test_a_worker_that_dies_costs_its_document_alone(tmp_path, good):
    captures = archive(tmp_path, [doc[:4] for doc in good[:1]] + [many_tables()])
    rows = {row["url"]: row for row in query(tmp_path, "select * from responses")}
    hostile, fine = rows[TABLES_URL], rows[good[0][0]]
    with Workers(tmp_path, Limits(seconds=120, workers=1)) as workers:
        workers.plan([(hostile, {}), (fine, {})])
        # The worker busy with the big tables is killed as the OOM killer would.
        wait_until(lambda: pool_workers(os.getpid()), "the worker to start")
        time.sleep(1.5)
        [worker] = pool_workers(os.getpid())
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(ExtractionFailed, match=r"worker died \(SIGKILL\)"):
            workers.extract(hostile, {})
        assert workers.extract(fine, {})["figures"] == good[0][4]
    assert workers.failures[captures[TABLES_URL]]["kind"] == "died"


PAUSING_BUILD = """
import os, sys, time
from pathlib import Path
from gongkai.archive.database import build

data, marker, after = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])

def pause_after(reports):
    for done, report in enumerate(reports):
        if done == after:
            marker.write_text("paused")
            go = marker.with_suffix(".go")
            for _ in range(6000):  # until told to go on (or killed)
                if go.exists():
                    break
                time.sleep(0.1)
        yield report

build(data, progress=pause_after)
"""


def served_reports(base: str) -> int:
    with urllib.request.urlopen(f"{base}/gongkai/reports.json?_shape=array&_size=max",
                                timeout=30) as response:
        return len(json.load(response))


def test_an_extract_killed_midway_leaves_the_previous_build_served(tmp_path, good):
    archive(tmp_path, [doc[:4] for doc in good[:4]])
    gongkai("extract", "--data", tmp_path)
    archive(tmp_path, [doc[:4] for doc in good[4:]])  # the next build has more to say
    marker = tmp_path / "paused"
    build = subprocess.Popen([sys.executable, "-c", PAUSING_BUILD, str(tmp_path), str(marker),
                              "3"], cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: marker.exists() or build.poll() is not None, "the build to pause")
        assert build.poll() is None, build.stderr.read()
        assert (tmp_path / "gongkai.db.building").exists()
        busy = gongkai("extract", "--data", tmp_path, check=False)
        assert busy.returncode != 0 and "another `gongkai extract`" in busy.stderr
        workers = descendants(build.pid)
        assert workers, "the build reads its documents in worker processes"
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
    finally:
        build.kill()
    # No worker outlives the build, and readers see the previous complete build.
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers),
               "the build's workers to stop", seconds=30)
    assert query(tmp_path, "select count(*) as n from reports") == [{"n": 4}]
    with datasette(tmp_path) as base:
        assert served_reports(base) == 4
        result = gongkai("extract", "--data", tmp_path)
        assert "6 reports" in result.stderr
        assert served_reports(base) == 6
    assert not (tmp_path / "gongkai.db.building").exists()
    assert_good_reports_extracted(tmp_path, good)


def test_a_crawl_appending_while_extract_runs_loses_nothing(tmp_path, good):
    archive(tmp_path, [doc[:4] for doc in good[:4]])
    marker = tmp_path / "paused"
    build = subprocess.Popen([sys.executable, "-c", PAUSING_BUILD, str(tmp_path), str(marker),
                              "2"], cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: marker.exists() or build.poll() is not None, "the build to pause")
        assert build.poll() is None, build.stderr.read()
        # A crawl archives two more reports while the build is under way.
        appended = archive(tmp_path, [doc[:4] for doc in good[4:]])
        marker.with_suffix(".go").touch()
        assert build.wait(timeout=300) == 0, build.stderr.read()
    finally:
        build.kill()
    captures = {row["id"] for row in query(tmp_path, "select id from captures")}
    assert set(appended.values()) <= captures
    # The build read the archive as it was when it started; the next one sees the rest.
    assert query(tmp_path, "select count(*) as n from reports") == [{"n": 4}]
    gongkai("extract", "--data", tmp_path)
    assert_good_reports_extracted(tmp_path, good)
