"""The multi-site simulated web: host routing (Host header and absolute-form proxy requests),
the default site, the request log, determinism, backward compatibility and the CLI.

Real HTTP against a running ``PortalServer`` on 127.0.0.1, port 0.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from simulator.faults import FAULTS, FaultSet
from simulator.model import Portal
from simulator.web import build_portal
from simulator.server import PortalServer
from simulator.truth import ground_truth
from simulator.web import Web

from conftest import through_proxy

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=1, families="all")


@pytest.fixture(scope="module")
def server(web):
    with PortalServer(web) as srv:
        yield srv


def with_host(server, host: str, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_default_arguments_still_give_the_huichang_portal():
    portal = build_portal(seed=1)
    assert isinstance(portal, Portal) and len(portal.reports) == 60
    with PortalServer(portal) as srv:
        with urllib.request.urlopen(srv.url + "hcxxxgk/", timeout=10) as resp:
            assert resp.status == 200 and "政府信息公开" in resp.read().decode("utf-8")
        # any host the web does not simulate gets the same site
        assert with_host(srv, "localhost", "/hcxxxgk/")[0] == 200
    truth = ground_truth(portal)
    assert truth["site"] == "huichang" and truth["faults"] == [] and truth["missing"] == []
    assert all(r["visible"] and r["urls"][0]["until"] is None for r in truth["reports"])


def test_each_family_answers_on_its_own_host_by_host_header_and_as_proxy(server):
    pages = {
        "www.huichang.gov.cn": ("/hcxxxgk/", "乡镇信息公开"),
        "www.hukou.gov.cn": ("/zwgk/", "政府信息公开年报"),
        "www.shangyu.gov.cn": ("/col/col1229351148/index.html", 'type="text/xml"'),
        "www.sgwjq.gov.cn": ("/gkmlpt/index", "window._CONFIG"),
    }
    for host, (path, marker) in pages.items():
        status, _, body = through_proxy(server, f"http://{host}{path}")
        assert status == 200 and marker in body.decode("utf-8"), host
        status, _, body2 = with_host(server, host, path)
        assert status == 200 and body2 == body, host
    # an unknown host is the default site, 会昌县
    status, _, body = with_host(server, "127.0.0.1", "/hcxxxgk/")
    assert status == 200 and "乡镇信息公开" in body.decode()
    assert through_proxy(server, "http://www.hukou.gov.cn/hcxxxgk/")[0] == 404


def test_urllib_proxy_handler_reaches_the_real_urls(server):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": server.url}))
    with opener.open("http://www.sgwjq.gov.cn/gkmlpt/api/all/2771?page=1&sid=755038", timeout=10) as resp:
        data = json.load(resp)
    assert data["total"] >= len(data["articles"]) > 0


def test_request_log_records_host_path_status(web):
    with PortalServer(web, log_size=5) as srv:
        through_proxy(srv, "http://www.hukou.gov.cn/zwgk/")
        through_proxy(srv, "http://www.hukou.gov.cn/zwgk/")
        through_proxy(srv, "http://www.bgl66.com/anything")
        with_host(srv, "127.0.0.1:1", "/no/such.shtml")
        records = srv.requests
        assert [(r.method, r.host, r.path, r.status) for r in records] == [
            ("GET", "www.hukou.gov.cn", "/zwgk/", 200),
            ("GET", "www.hukou.gov.cn", "/zwgk/", 200),
            ("GET", "www.bgl66.com", "/anything", 404),  # not simulated without the mirror fault
            ("GET", "127.0.0.1", "/no/such.shtml", 404),
        ]
        for _ in range(10):
            with_host(srv, "localhost", "/")
        assert len(srv.requests) == 5  # bounded: the oldest are dropped


def test_connect_is_refused_and_there_is_no_tls(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"CONNECT www.hukou.gov.cn:443 HTTP/1.1\r\nHost: www.hukou.gov.cn:443\r\n\r\n")
        head = sock.recv(200)
    assert head.startswith(b"HTTP/1.1 405")


def test_multi_site_web_is_deterministic_and_seeded():
    a = build_portal(seed=5, families="all", faults="all")
    b = build_portal(seed=5, families="all", faults="all")
    assert isinstance(a, Web)
    ja = json.dumps(ground_truth(a), ensure_ascii=False, sort_keys=True)
    assert ja == json.dumps(ground_truth(b), ensure_ascii=False, sort_keys=True)
    for site in a.family_sites:
        for r in site.reports[:12]:
            target = f"http://{site.host}{r.current_path(a.clock)}"
            assert a.respond("GET", target).body == b.respond("GET", target).body, target
            for att in r.attachments:
                target = f"http://{site.host}{att.path}"
                assert a.respond("GET", target).body == b.respond("GET", target).body, target
    c = build_portal(seed=6, families="all", faults="all")
    assert json.dumps(ground_truth(c), ensure_ascii=False, sort_keys=True) != ja


def test_faultset_and_family_arguments():
    assert set(FaultSet.all().names) == set(FAULTS)
    assert "slow" in FaultSet.parse("slow,robots") and "moved" not in FaultSet.parse("slow")
    with pytest.raises(ValueError):
        FaultSet.parse("no_such_fault")
    with pytest.raises(ValueError):
        build_portal(seed=1, families=("ganzhou", "plone"))
    web = build_portal(seed=1, families=("hanweb",))
    assert [s.host for s in web.sites] == ["www.shangyu.gov.cn"]
    assert web.respond("GET", "/").status == 200  # the only site is the default one


def test_cli_truth_and_faults():
    env_python = sys.executable
    out = subprocess.run([env_python, "-m", "gongkai.cli", "portal", "truth", "--families", "trs,gkmlpt",
                          "--faults", "late,missing", "--agencies", "4", "--years", "2", "--as-of", "2024-02-15"],
                         cwd=REPO, capture_output=True, text=True, timeout=120, check=True).stdout
    truth = json.loads(out)
    assert truth["as_of"] == "2024-02-15" and truth["families"] == ["trs", "gkmlpt"]
    assert {r["report_year"] for r in truth["reports"]} == {2023, 2024}
    assert {f["name"] for f in truth["faults"]} == {"late", "missing"}
    assert len({r["agency"] for r in truth["reports"]}) == 4
    # reports of 2024 are published in 2025: not visible on 2024-02-15
    assert not any(r["visible"] for r in truth["reports"] if r["report_year"] == 2024)
    names = subprocess.run([env_python, "-m", "gongkai.cli", "portal", "faults"], cwd=REPO, capture_output=True,
                           text=True, timeout=60, check=True).stdout
    assert all(name in names for name in FAULTS)
