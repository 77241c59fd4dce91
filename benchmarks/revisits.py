"""What a scheduled run costs a portal, in requests, against the first crawl of it.

    .venv/bin/python benchmarks/revisits.py [--agencies 100] [--days 3] [--revisit-days 28]

The simulated 会昌县 portal (6 report years a body, as in the issue's 1,800-report
portal) is crawled once in full, then on the same day with nothing due, then once a
day with rotating revisits (GONGKAI_REVISIT_DAYS), and, for comparison, once with
every URL re-asked (GONGKAI_REVISIT_DAYS=0, what a plain recrawl does). Requests are
counted by the portal server itself.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from simulator.web import build_portal
from simulator.server import PortalServer

DAY = date(2025, 6, 2)


def crawl(server, data: Path, day: date, revisit_days: int, list_days: int = 1) -> int:
    before = len(server.requests)
    subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", "huichang", "--simulated",
                    "--proxy", server.proxy_url, "--data", str(data),
                    "--now", f"{day}T02:00:00Z", "-s", "LOG_LEVEL=WARNING",
                    "-s", f"GONGKAI_REVISIT_DAYS={revisit_days}",
                    "-s", f"GONGKAI_REVISIT_LIST_DAYS={list_days}"],
                   check=True, capture_output=True, env={**os.environ})
    return len(server.requests) - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--revisit-days", type=int, default=28)
    args = parser.parse_args()
    web = build_portal(seed=1, agencies=args.agencies)
    with tempfile.TemporaryDirectory() as tmp, PortalServer(web) as server:
        data = Path(tmp)
        first = crawl(server, data, DAY, 0)
        print(f"portal: {len(web.reports)} reports; first crawl {first} requests")
        nothing_due = crawl(server, data, DAY, args.revisit_days)
        print(f"same day, nothing due: {nothing_due} requests ({nothing_due / first:.1%})")
        for list_days in (1, 2):
            for offset in range(1, args.days + 1):
                day = DAY + timedelta(days=offset + (list_days - 1) * args.days)
                n = crawl(server, data, day, args.revisit_days, list_days)
                print(f"{day}, revisit every {args.revisit_days} days, first list pages "
                      f"every {list_days}: {n} requests ({n / first:.1%})")
        everything = crawl(server, data, DAY + timedelta(days=2 * args.days + 1), 0)
        print(f"recrawl re-asking every URL: {everything} requests ({everything / first:.1%})")


if __name__ == "__main__":
    main()
