import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The suite crawls only the simulated web, on this machine: fast, as `gongkai crawl
# --simulated` (crawler/politeness.py refuses it anywhere else). Crawl processes inherit it.
os.environ.setdefault("GONGKAI_SIMULATED_FAST", "1")
SHARED = REPO.parent / "shared"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gongkai(*args, timeout=600, check=True) -> subprocess.CompletedProcess:
    """Run the real `gongkai` command in a fresh process (Scrapy's reactor runs once per process)."""
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", *map(str, args)], cwd=REPO,
                            capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"gongkai {' '.join(map(str, args))} exited {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr[-4000:]}")
    return result


def wait_for_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def shared_corpus() -> Path:
    corpus = SHARED / "corpus"
    if not (corpus / "manifest.json").exists():
        pytest.skip("../shared/corpus is not present (it is not part of a user's clone)")
    return corpus


def through_proxy(server, url: str, method: str = "GET", body: bytes | None = None,
                  headers=None) -> tuple[int, dict, bytes]:
    """One request to the simulated web, used as the HTTP proxy it also is:
    (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, url, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(web):
    """The module's `web` served on a free localhost port."""
    from simulator.server import PortalServer

    with PortalServer(web) as srv:
        yield srv


@pytest.fixture(scope="module")
def truth(web):
    from simulator.truth import ground_truth

    return ground_truth(web)


@contextlib.contextmanager
def datasette(data_dir):
    """A real Datasette process serving DATA_DIR/gongkai.db as `gongkai serve` does;
    yields its base URL."""
    from gongkai.cli import datasette_command

    port = free_port()
    process = subprocess.Popen(datasette_command(str(data_dir), "127.0.0.1", port),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/-/versions.json")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
