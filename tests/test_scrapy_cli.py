"""`scrapy list` and `scrapy crawl` keep working beside the gongkai command."""

import subprocess
import sys
from pathlib import Path

from gongkai.archive import db
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import REPO

SCRAPY = str(Path(sys.executable).parent / "scrapy")


def test_scrapy_list_names_one_spider_per_family():
    listed = subprocess.run([SCRAPY, "list"], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout.split()
    assert listed == ["ganzhou", "gkmlpt", "hanweb", "trs"]


def test_scrapy_crawl_archives_like_gongkai_crawl(tmp_path):
    portal = build_portal(seed=2)
    with PortalServer(portal) as server:
        subprocess.run([SCRAPY, "crawl", "ganzhou", "-a", "site=huichang", "-a",
                        f"base_url={server.url}", "-s", f"GONGKAI_DATA_DIR={tmp_path}",
                        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
                        "-s", "LOG_LEVEL=WARNING"],
                       cwd=REPO, check=True, capture_output=True)
    database = db.open_database(tmp_path)
    listed = {row["url"] for row in database.query(
        "select url from captures where record_type = 'metadata'")}
    assert len(listed) == len(portal.reports)
