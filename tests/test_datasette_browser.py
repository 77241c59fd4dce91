"""Datasette in a real headless Chromium, as a journalist would use it: search for a
two-character word, open a report, read a table cell, follow the link to the archived
copy, open a feed; and a report whose text carries a <script> shows it as text.

Screenshots of every step go to tests/screenshots/ (see README, "Datasette")."""

import re
import shutil
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from gongkai.archive import db
from gongkai.archive.warc import WarcStore, read_capture
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import REPO, datasette, gongkai

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = REPO / "tests" / "screenshots"
PAYLOAD = '<script>window.__xss = 1; alert("xss")</script><img src=x onerror="window.__xss = 2">'
XSS_URL = "http://www.huichang.gov.cn/hcxxxgk/hc9999/202501/xss.shtml"


def plant_script_report(data: Path) -> None:
    """A copy of an archived report whose text carries markup, as a hostile page might."""
    database = db.open_database(data)
    capture = next(database.query(
        "select * from responses where status = 200 and url like '%.shtml' "
        "and url like '%/2025%' order by id limit 1"))
    page = read_capture(data, capture).payload.decode("utf-8")
    escaped = PAYLOAD.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # inside the article, where the report's text is read from
    opening = "根据《中华人民共和国政府信息公开条例》"
    assert opening in page
    page = page.replace(opening, f"{escaped}<script>window.__xss = 3</script>{opening}", 1)
    store = WarcStore(data, site="huichang")
    written = store.write_exchange(
        url=XSS_URL, method="GET", request_headers=[], request_body=b"", status=200,
        reason="OK", response_headers=[(b"Content-Type", b"text/html; charset=utf-8")],
        body=page.encode("utf-8"))
    store.write_metadata(XSS_URL, {
        "kind": "report_page", "url": XSS_URL, "site": "huichang", "unit": "测试镇",
        "agency_kind": "township", "column": "/hcxxxgk/hc9999/", "list_title": None,
        "capture": {"id": written.id}, "attachments": []})
    store.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    assert CHROMIUM, "chromium is not installed: run bin/setup-env --test"
    data = tmp_path_factory.mktemp("browser")
    with PortalServer(build_portal(seed=1)) as server:
        gongkai("crawl", "huichang", "--base-url", server.url, "--data", data)
    plant_script_report(data)
    gongkai("extract", "--data", data)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with datasette(data) as base:
        yield base, db.open_database(data)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_search_open_a_report_read_a_cell_and_its_archived_copy(site, browser):
    base, database = site
    page = browser.new_page()
    page.goto(f"{base}/gongkai/reports")
    page.fill("#_search", "复议")
    page.press("#_search", "Enter")
    page.wait_for_load_state("load")
    assert "_search=" in page.url
    shot(page, "1-search")
    first = page.locator("li.gongkai-hit").first
    assert "复议" in first.locator("mark").first.inner_text()
    first.locator("a").first.click()
    page.wait_for_load_state("load")
    shot(page, "2-report")
    report_id = int(re.search(r"/reports/(\d+)", page.url).group(1))
    row = next(database.query(
        "select value from figures where report_id = ? and key = 'applications.new_received.total'",
        [report_id]))
    cell = page.locator('[data-key="applications.new_received.total"]')
    assert cell.inner_text().strip() == ("" if row["value"] is None else str(row["value"]))
    capture = next(database.query("select capture_id, url from reports where id = ?", [report_id]))
    page.click("a.gk-archive-link")
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/-/archive/{capture['capture_id']}")
    assert capture["url"] in page.inner_text("body") and "存档副本" in page.inner_text("body")
    shot(page, "3-archived-copy")
    page.close()


def test_a_feed_opens_as_atom(site, browser):
    base, _ = site
    page = browser.new_page()
    response = page.goto(f"{base}/gongkai/new_reports.atom?region=360733")
    assert response.ok and "xml" in response.headers["content-type"]
    body = response.text()
    assert "<feed" in body and "http://www.w3.org/2005/Atom" in body and "<entry>" in body
    shot(page, "4-feed")
    page.close()


def test_a_report_with_a_script_payload_shows_it_as_text(site, browser):
    base, database = site
    [report] = database.query("select id from reports where url = ?", [XSS_URL])
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{base}/gongkai/reports/{report['id']}")
    page.wait_for_load_state("load")
    text = page.inner_text("#gk-report-text")
    assert '<script>window.__xss = 1; alert("xss")</script>' in text
    assert page.evaluate("window.__xss") is None and not dialogs
    assert page.locator("#gk-report-text script, #gk-report-text img").count() == 0
    shot(page, "5-script-as-text")
    # the same text in search results: highlighted, still text
    page.goto(f"{base}/gongkai/reports?" + urllib.parse.urlencode({"_search": "window"}))
    assert page.evaluate("window.__xss") is None and not dialogs
    page.close()
