"""Crawl speed and recrawl cost on the simulated portal, measured in one run.

    .venv/bin/python benchmarks/crawl.py [--agencies 834]   # 834 bodies × 6 years ≈ 5,000 reports

1. A full crawl of the portal with gongkai (WARC capture, index, parsing, pipelines).
2. The same URLs fetched by a bare Scrapy spider with the same concurrency: the baseline.
3. A recrawl of the unchanged portal, as a ratio of the first crawl's bytes and requests.

Everything stays on 127.0.0.1 and every step is bounded by the portal's size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import sqlite_utils

from simulator.web import build_portal
from simulator.server import PortalServer

HERE = Path(__file__).resolve().parent
SAME_CONCURRENCY = ["-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
                    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]


def seconds(run: dict) -> float:
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    return (parse(run["finished_at"]) - parse(run["started_at"])).total_seconds()


def gongkai_crawl(server, data: Path) -> dict:
    subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", "huichang", "--base-url",
                    server.url, "--data", str(data), *SAME_CONCURRENCY,
                    "-s", "LOG_LEVEL=WARNING"], check=True, capture_output=True)
    database = sqlite_utils.Database(data / "gongkai.db")
    return list(database.query("select * from crawl_runs order by id desc limit 1"))[0]


def bare_crawl(urls: list[str], work: Path) -> dict:
    urls_file, stats_file = work / "urls.txt", work / "bare.json"
    urls_file.write_text("\n".join(urls), encoding="utf-8")
    subprocess.run([str(Path(sys.executable).parent / "scrapy"), "runspider",
                    str(HERE / "bare_spider.py"), "-a", f"urls_file={urls_file}",
                    "-a", f"stats_file={stats_file}", *SAME_CONCURRENCY],
                   check=True, capture_output=True, cwd=work)
    return json.loads(stats_file.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=834)
    args = parser.parse_args()
    web = build_portal(seed=1, agencies=args.agencies)
    with tempfile.TemporaryDirectory() as tmp, PortalServer(web) as server:
        work = Path(tmp)
        first = gongkai_crawl(server, work / "data")
        database = sqlite_utils.Database(work / "data" / "gongkai.db")
        urls = [row["url"] for row in database.query(
            "select url from captures where record_type = 'response' order by id")]
        bare = bare_crawl(urls, work)
        second = gongkai_crawl(server, work / "data")

    first_rate = first["responses"] / seconds(first)
    bare_rate = bare["responses"] / bare["seconds"]
    print(f"portal: {len(web.reports)} reports; full crawl: {first['responses']} responses, "
          f"{first['report_pages']} report pages")
    print(f"gongkai crawl : {first_rate:7.1f} pages/s ({seconds(first):.1f} s)")
    print(f"bare Scrapy   : {bare_rate:7.1f} pages/s ({bare['seconds']:.1f} s, same URLs)")
    print(f"ratio gongkai/bare: {first_rate / bare_rate:.2f}")
    print(f"recrawl of the unchanged portal: {second['requests']} requests "
          f"({second['requests'] / first['requests']:.1%} of the first), {second['bytes']} bytes "
          f"({second['bytes'] / first['bytes']:.2%} of the first), statuses "
          f"{second['responses_by_status']}")


if __name__ == "__main__":
    main()
