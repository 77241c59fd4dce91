"""The product as a user installs it: a wheel, not this checkout.

The wheel is built from the repository and installed (without its dependencies, which
the test environment already has) into an empty virtual environment that cannot see the
checkout; its own `gongkai` and `scrapy` then run from an unrelated folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import urllib.parse
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import REPO, free_port, wait_for_http


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy: setuptools leaves build/ behind, whose stale files a later wheel
    # of the checkout itself would carry.
    source = tmp_path_factory.mktemp("source") / "gongkai"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "data", "build", "*.egg-info", "__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(out), str(source)], check=True, capture_output=True)
    return next(out.glob("gongkai-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """An empty venv with the wheel installed; the test environment's site-packages lend
    it the dependencies (a path entry, so the checkout's editable finder stays out)."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=False)
    site = next(home.glob("lib/python*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(home / "bin" / "python"),
                    "install", "--no-deps", "--quiet", str(wheel)], check=True, capture_output=True)
    return home / "bin"


def test_wheel_holds_one_import_name_and_the_datasette_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"gongkai", "simulator"}
    for needed in ("gongkai/datasette/metadata.yml", "gongkai/datasette/plugins/gongkai_replay.py",
                   "gongkai/datasette/templates/row-gongkai-reports.html",
                   "gongkai/crawler/sites/huichang.toml", "gongkai/crawler/settings.py"):
        assert needed in names


def run(bin_dir: Path, *args, cwd: Path, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / args[0]), *map(str, args[1:])], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_installed_product_crawls_extracts_and_serves(installed, tmp_path):
    where = run(installed, "python", "-c", "import gongkai.crawler as c; print(c.__file__)",
                cwd=tmp_path)
    assert "site-packages" in where.stdout, where.stderr
    data = tmp_path / "data"
    with PortalServer(build_portal(seed=2)) as portal:
        crawl = run(installed, "gongkai", "crawl", "huichang", "--base-url", portal.url,
                    "--data", data, cwd=tmp_path)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    extract = run(installed, "gongkai", "extract", "--data", data, cwd=tmp_path)
    assert extract.returncode == 0, extract.stderr[-3000:]
    scrapy = run(installed, "python", "-m", "scrapy", "list", cwd=tmp_path,
                 env={"SCRAPY_SETTINGS_MODULE": "gongkai.crawler.settings"})
    assert scrapy.stdout.split() == ["ganzhou", "gkmlpt", "hanweb", "trs"], scrapy.stderr

    port = free_port()
    server = subprocess.Popen([str(installed / "gongkai"), "serve", "--data", str(data),
                               "--port", str(port)], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/-/versions.json")
        pages = ["/gongkai", "/gongkai/reports", "/gongkai/reports/1", "/-/archive/1",
                 "/gongkai/search?q=" + urllib.parse.quote("复议")]
        for page in pages:
            with urllib.request.urlopen(base + page, timeout=30) as response:
                assert response.status == 200, page
        with urllib.request.urlopen(base + "/-/plugins.json", timeout=30) as response:
            plugins = response.read().decode()
        assert "gongkai_replay" in plugins and "gongkai_search" in plugins
    finally:
        server.terminate()
        server.wait(timeout=30)
