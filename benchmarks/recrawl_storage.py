"""What a recrawl of an unchanged portal adds to the archive, against the first crawl.

    .venv/bin/python benchmarks/recrawl_storage.py [--agencies N]

Two crawls of the simulated 会昌县 portal (fast, --simulated) into one data folder;
the WARC bytes each crawl wrote are read from the index (every record's length in
its file), by record type. Target (issue 12): the recrawl adds under 10% of the
first crawl's bytes. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlite_utils

from simulator.web import build_portal
from simulator.server import PortalServer


def crawl(server, data: Path) -> None:
    subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", "huichang", "--simulated",
                    "--base-url", server.url, "--data", str(data), "-s", "LOG_LEVEL=WARNING"],
                   check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=None)
    args = parser.parse_args()
    web = build_portal(seed=1, **({"agencies": args.agencies} if args.agencies else {}))
    with tempfile.TemporaryDirectory() as tmp, PortalServer(web) as server:
        data = Path(tmp) / "data"
        crawl(server, data)
        crawl(server, data)
        rows = list(sqlite_utils.Database(data / "gongkai.db").query(
            "select crawl_run, record_type, count(*) as records, sum(length) as bytes "
            "from captures group by crawl_run, record_type order by crawl_run, record_type"))
        files = sum(path.stat().st_size for path in (data / "warc").glob("*.warc.gz"))
    by_run = {1: 0, 2: 0}
    for row in rows:
        by_run[row["crawl_run"]] += row["bytes"]
        print(f"crawl {row['crawl_run']}: {row['records']:5d} {row['record_type']:<9} "
              f"{row['bytes']:9d} bytes")
    print(f"portal: {len(web.reports)} reports; WARC files {files} bytes in all")
    print(f"recrawl adds {by_run[2]} bytes = {by_run[2] / by_run[1]:.1%} of the first "
          f"crawl's {by_run[1]} (target < 10%)")


if __name__ == "__main__":
    main()
