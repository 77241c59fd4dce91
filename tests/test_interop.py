"""Our WARC files in other people's tools: `warcio check`, `warcio index` and a pywb
replay of both full responses and revisit records."""

import hashlib
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from gongkai.archive import db
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import REPO, free_port, gongkai, wait_for_http

WARCIO = Path(sys.executable).parent / "warcio"
PYWB = REPO / ".venv-pywb" / "bin"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    data = tmp_path_factory.mktemp("interop")
    portal = build_portal(seed=1)
    with PortalServer(portal) as server:
        gongkai("crawl", "huichang", "--base-url", server.url, "--data", data)
        # Without conditional requests the same bytes come back: revisit records.
        gongkai("crawl", "huichang", "--base-url", server.url, "--data", data,
                "-s", "HTTPCACHE_ENABLED=False")
    return data, portal


def test_warcio_check_and_index_accept_every_file(archive):
    data, _ = archive
    database = db.open_database(data)
    files = sorted((data / "warc").glob("*.warc.gz"))
    assert len(files) == 2
    for path in files:
        check = subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stdout[-2000:]
        assert "digest pass" in check.stdout and "digest fail" not in check.stdout
        listed = subprocess.run([str(WARCIO), "index", "-f", "offset,warc-type", str(path)],
                                capture_output=True, text=True, check=True).stdout
        offsets = {int(line.split('"offset": "')[1].split('"')[0])
                   for line in listed.splitlines()}
        indexed = {row["offset"] for row in database.query(
            "select offset from captures where warc_file = ?", [f"warc/{path.name}"])}
        assert indexed <= offsets and len(offsets - indexed) == 1  # + the warcinfo record


def test_pywb_indexes_and_replays_responses_and_revisits(archive, tmp_path):
    data, portal = archive
    assert (PYWB / "wayback").exists(), "pywb is not installed: run bin/setup-env --test"
    subprocess.run([str(PYWB / "wb-manager"), "init", "gongkai"], cwd=tmp_path, check=True,
                   capture_output=True)
    subprocess.run([str(PYWB / "wb-manager"), "add", "gongkai",
                    *map(str, sorted((data / "warc").glob("*.warc.gz")))],
                   cwd=tmp_path, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([str(PYWB / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    database = db.open_database(data)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/gongkai/")
        rows = list(database.query(
            "select r.url, r.fetched_at, r.record_type, o.payload_sha256 as sha from responses r "
            "join captures o on o.id = coalesce(r.refers_to, r.id) where r.url like '%.shtml' "
            "and r.status = 200 order by r.id"))
        assert {row["record_type"] for row in rows} == {"response", "revisit"}
        for row in rows[:: max(1, len(rows) // 40)] + rows[-3:]:
            stamp = "".join(c for c in row["fetched_at"] if c.isdigit())[:14]
            url = f"http://127.0.0.1:{port}/gongkai/{stamp}id_/{row['url']}"
            with urllib.request.urlopen(url, timeout=30) as response:
                assert response.status == 200
                assert hashlib.sha256(response.read()).hexdigest() == row["sha"], row
    finally:
        server.terminate()
        server.wait(timeout=30)
