"""`gongkai sites add URL` on each family's simulated portal writes a registry entry
that crawls every report of it; `gongkai sites check NAME` says whether an entry
still matches its site, and exits non-zero when it does not. Real processes: the
portal server over HTTP (used as a proxy), `gongkai` commands, the archive."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from gongkai.archive import db
from gongkai.archive.warc import read_record
from simulator.web import build_portal
from simulator.server import PortalServer
from simulator.truth import ground_truth

from conftest import gongkai

ENTRY_PAGES = {
    "trs": "http://www.hukou.gov.cn/zwgk/",
    "ganzhou": "http://www.huichang.gov.cn/hcxxxgk/",
    "hanweb": "http://www.shangyu.gov.cn/col/col1229351148/index.html",
    "gkmlpt": "http://www.sgwjq.gov.cn/gkmlpt/index",
}


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=7, families="all")


@pytest.fixture(scope="module")
def server(web):
    with PortalServer(web) as running:
        yield running


@pytest.fixture
def sites_dir(tmp_path, monkeypatch):
    folder = tmp_path / "sites"
    folder.mkdir()
    monkeypatch.setenv("GONGKAI_SITES_DIR", str(folder))
    return folder


def crawled_reports(data, site: str) -> set[str]:
    rows = db.open_database(data).query(
        "select * from captures where record_type = 'metadata' and site = ?", [site])
    records = [json.loads(read_record(data, r["warc_file"], r["offset"]).payload) for r in rows]
    return {r["url"] for r in records if r.get("kind") == "report_page"}


@pytest.mark.parametrize("family", ENTRY_PAGES)
def test_added_site_crawls_every_report(family, web, server, sites_dir, tmp_path):
    url = ENTRY_PAGES[family]
    name = f"new{family}"
    gongkai("sites", "add", url, "--name", name, "--proxy", server.proxy_url)
    entry = tomllib.loads((sites_dir / f"{name}.toml").read_text(encoding="utf-8"))
    assert entry["family"] == family and entry["name"] == name
    listed = gongkai("sites").stdout
    assert re.search(rf"^{name}\t{family}\t", listed, re.M)
    data = tmp_path / "data"
    gongkai("crawl", name, "--proxy", server.proxy_url, "--data", data, "-s", "LOG_LEVEL=WARNING")
    host = url.split("/")[2]
    expected = {r["url"] for r in ground_truth(web)["reports"] if r["host"] == host and r["visible"]}
    assert expected
    assert crawled_reports(data, name) == expected


def test_check_says_when_an_entry_no_longer_matches(server, sites_dir):
    gongkai("sites", "add", ENTRY_PAGES["trs"], "--name", "checked", "--proxy", server.proxy_url)
    ok = gongkai("sites", "check", "checked", "--proxy", server.proxy_url, "--json")
    result = json.loads(ok.stdout)
    assert result["ok"] and result["reports"] > 0 and not result["reasons"]
    # The portal "moved" its 年报 columns: the entry's list pattern no longer finds any.
    path = sites_dir / "checked.toml"
    text = path.read_text(encoding="utf-8")
    moved_pattern = "\"list_page\" = '/gknb_old/index\\.html$'"
    path.write_text(re.sub(r'"list_page" = .*', lambda _: moved_pattern, text), encoding="utf-8")
    moved = gongkai("sites", "check", "checked", "--proxy", server.proxy_url, "--json",
                    check=False)
    assert moved.returncode == 1
    result = json.loads(moved.stdout)
    assert not result["ok"] and any("no 年报 column" in r for r in result["reasons"])


def test_check_site_function_on_the_registry_entries(server):
    from gongkai.crawler.site_check import check_site

    for name in ("hukou", "huichang", "shangyu", "sgwjq"):
        result = check_site(name, proxy=server.proxy_url, delay=0)
        assert result["ok"], result
    wrong = check_site("hukou", base_url="http://www.shangyu.gov.cn/", proxy=server.proxy_url,
                       delay=0)
    assert not wrong["ok"] and wrong["reasons"]
    assert not check_site("no-such-site")["ok"]


@pytest.fixture(scope="module")
def varied_web():
    return build_portal(seed=11, families="trs,hanweb", agencies=40, markup="varied")


def test_varied_real_markup_is_crawled_by_the_registry_and_by_an_added_entry(varied_web, sites_dir,
                                                                             tmp_path):
    """TRS lists written as real portals vary them (dl/dd, tables, lists in comments and
    JSON, var countPage, one-based paging, .htm, [MM-DD] dates, 解读/工作要点/news in the
    list): every report is crawled with the date its list shows, nothing else."""
    from simulator.families import trs_markup

    site = varied_web.family_sites[0]
    styles = {trs_markup.style_of(site.column_folder(a)) for a in site.agencies}
    assert styles == set(trs_markup.STYLES)
    with PortalServer(varied_web) as server:
        gongkai("sites", "add", ENTRY_PAGES["trs"], "--name", "varied", "--proxy", server.proxy_url)
        gongkai("sites", "add", ENTRY_PAGES["hanweb"], "--name", "variedhw", "--proxy",
                server.proxy_url)
        for name in ("hukou", "varied", "shangyu", "variedhw"):
            data = tmp_path / name
            gongkai("crawl", name, "--proxy", server.proxy_url, "--data", data,
                    "-s", "LOG_LEVEL=WARNING")
            items = crawled_items(data, name)
            host = ENTRY_PAGES["hanweb" if name in ("shangyu", "variedhw") else "trs"].split("/")[2]
            truth = [r for r in ground_truth(varied_web)["reports"]
                     if r["visible"] and r["host"] == host]
            assert set(items) == {r["url"] for r in truth}, name
            for report in truth:
                assert items[report["url"]]["list_date"] == report["declared_published"]
                assert items[report["url"]]["list_title"] == report["title"]


def crawled_items(data, site: str) -> dict[str, dict]:
    rows = db.open_database(data).query(
        "select * from captures where record_type = 'metadata' and site = ?", [site])
    records = [json.loads(read_record(data, r["warc_file"], r["offset"]).payload) for r in rows]
    return {r["url"]: r for r in records if r.get("kind") == "report_page"}


def test_a_challenge_wall_is_reported_as_blocked_not_as_a_changed_site():
    web = build_portal(seed=3, families="trs", faults="challenge_412", agencies=8)
    from gongkai.crawler.site_check import check_site

    with PortalServer(web) as server:
        walled = check_site("jxyy", proxy=server.proxy_url, delay=0)
        open_site = check_site("hukou", proxy=server.proxy_url, delay=0)
    assert not walled["ok"] and walled["blocked"] and "412" in walled["reasons"][0]
    assert open_site["ok"] and not open_site["blocked"]
