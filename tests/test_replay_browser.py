"""The replay view in a real headless Chromium: the archived page renders from the
WARC under its banner, and none of the page's scripts run."""

import shutil

import pytest
from playwright.sync_api import sync_playwright

from gongkai.archive.warc import WarcStore

from conftest import datasette

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>庄口镇2020年政府信息公开工作年度报告</title>
<script src="http://www.huichang.gov.cn/js/page.js"></script>
<script>document.title = "脚本执行了"; window.ran = true;</script>
</head><body onload="document.body.innerHTML = '脚本执行了'">
<h1 id="title">庄口镇2020年政府信息公开工作年度报告</h1>
<p id="marker">原样存档</p>
<script>document.getElementById("marker").textContent = "脚本执行了";</script>
</body></html>""".encode("utf-8")


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    assert CHROMIUM, "chromium is not installed: run bin/setup-env --test"
    data = tmp_path_factory.mktemp("replay")
    store = WarcStore(data)
    capture = store.write_exchange(
        url="http://www.huichang.gov.cn/hcxxxgk/hc1590/202101/seed.shtml", method="GET",
        request_headers=[], request_body=b"", status=200, reason="OK",
        response_headers=[(b"Content-Type", b"text/html; charset=utf-8")], body=PAGE)
    store.close()
    with datasette(data) as served:
        yield f"{served}/-/archive/{capture.id}", capture, data


def test_archived_page_renders_without_running_its_scripts(replay, tmp_path):
    url, capture, data = replay
    requests_seen = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page()
        page.on("request", lambda request: requests_seen.append(request.url))
        page.goto(url)
        page.wait_for_load_state("load")
        banner = page.inner_text("body")
        assert capture.url in banner and "存档副本" in banner
        frame = next(f for f in page.frames if f.url.endswith("/raw"))
        assert frame.inner_text("#title") == "庄口镇2020年政府信息公开工作年度报告"
        assert frame.inner_text("#marker") == "原样存档"
        assert "脚本执行了" not in frame.inner_text("body")
        assert frame.title() == "庄口镇2020年政府信息公开工作年度报告"
        page.screenshot(path=str(tmp_path / "replay.png"), full_page=True)
        browser.close()
    # Replay never reaches for the live site.
    assert all(u.startswith("http://127.0.0.1") for u in requests_seen), requests_seen


def test_attachments_download_under_the_name_the_portal_gave_them(tmp_path):
    import urllib.request

    from gongkai.archive.warc import WarcStore

    pdf = b"%PDF-1.4\n% a small archived attachment\n%%EOF\n"
    url = "http://www.huichang.gov.cn/hcxxxgk/hc1590/202101/abc/files/0f3c.pdf"
    store = WarcStore(tmp_path)
    capture = store.write_exchange(url=url, method="GET", request_headers=[], request_body=b"",
                                   status=200, reason="OK",
                                   response_headers=[(b"Content-Type", b"application/pdf")],
                                   body=pdf)
    store.write_metadata(url, {"kind": "attachment", "url": url, "name": "附件：2020年年报",
                               "report_url": url.rsplit("/files/", 1)[0] + ".shtml"})
    store.close()
    with datasette(tmp_path) as served:
        with urllib.request.urlopen(f"{served}/-/archive/{capture.id}/raw") as response:
            assert response.read() == pdf
            disposition = response.headers["Content-Disposition"]
    from urllib.parse import quote
    assert disposition == "attachment; filename*=UTF-8''" + quote("附件：2020年年报.pdf")
