"""`gongkai probe URL` live against the simulated web over HTTP: robots.txt asked first
and obeyed, then the page once; the answer is the JSON the scorer reads."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import gongkai


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=5, families="trs", faults="robots", agencies=8)


def test_probe_asks_robots_then_the_page_once(web):
    site = web.family_sites[0]
    disallowed = {d for f in web.fault_records for d in f.get("disallow", [])}
    column = next(site.column_folder(a) for a in site.agencies if f"/{a.slug}/" not in disallowed)
    url = f"http://{site.host}{column}"
    with PortalServer(web) as server:
        run = gongkai("probe", url, "--proxy", server.proxy_url, "--json")
        requests = [r.path for r in server.requests]
    result = json.loads(run.stdout)
    assert result["family"] == "trs" and result["reports"]
    assert all(urlsplit(r["url"]).path.startswith(column) and r["date"] for r in result["reports"])
    assert requests == ["/robots.txt", column]


def test_probe_obeys_robots_txt(web):
    site = web.family_sites[0]
    [fault] = [f for f in web.fault_records if f["name"] == "robots"]
    disallowed = fault["disallow"][0]
    agency = next(a for a in site.agencies if f"/{a.slug}/" == disallowed)
    url = f"http://{site.host}{site.column_folder(agency)}"
    with PortalServer(web) as server:
        run = gongkai("probe", url, "--proxy", server.proxy_url, check=False)
        requests = [r.path for r in server.requests]
    assert run.returncode == 2 and "robots.txt" in run.stderr
    assert requests == ["/robots.txt"]
