"""Requests per second of the simulated portal: the default 会昌县 site, a small web of all four
families, and a large one (default 50,000 reports), a few client threads, a few seconds each,
in two request orders: as a crawler walks (a body's list, then its reports) and at random.

    .venv/bin/python benchmarks/portal_throughput.py [--agencies 8334] [--years 6] [--seconds 5] [--threads 4]

Everything stays on 127.0.0.1; every loop is bounded in time and in count.
"""

from __future__ import annotations

import argparse
import http.client
import random
import threading
import time

from simulator.web import build_portal
from simulator.server import PortalServer

MAX_REQUESTS = 200_000  # a hard bound besides the time limit


def targets(web, rng: random.Random, n: int = 2000) -> list[str]:
    """A mix of what a crawler asks for: mostly report pages, some lists and navigation."""
    sites = getattr(web, "family_sites", [web])
    out = []
    for _ in range(n):
        site = sites[rng.randrange(len(sites))]
        r = site.reports[rng.randrange(len(site.reports))]
        if rng.random() < 0.7:
            out.append(f"http://{site.host}{r.current_path(site.clock)}")
        else:
            # only gkmlpt lists are paged by the URL (and draw a page number)
            page = rng.randint(1, 3) if site.family == "gkmlpt" else 1
            out.append(list_url(site, r.agency, page))
    return out


def list_url(site, agency, page: int = 1) -> str:
    """The list a crawler reads a body's reports from, in each family's form."""
    host = f"http://{site.host}"
    if site.family == "ganzhou":
        return f"{host}/hcxxxgk/{agency.column_id}/xxgk_list.shtml"
    if site.family == "trs":
        return f"{host}{site.column_folder(agency)}"
    if site.family == "hanweb":
        return f"{host}/col/col1229351148/index.html"
    return f"{host}/gkmlpt/api/all/2771?page={page}&sid=755038"


def crawl_order(web, rng: random.Random, bodies: int = 300) -> list[str]:
    """What a crawler asks for: a body's list page, then that body's reports, body after body."""
    sites = getattr(web, "family_sites", [web])
    out = []
    for _ in range(bodies):
        site = sites[rng.randrange(len(sites))]
        agency = site.agencies[rng.randrange(len(site.agencies))]
        reports = [r for r in site.reports if r.agency is agency] if len(site.reports) < 5000 else \
            [site.report(agency.code, y) for y in site.years]
        reports = [r for r in reports if r is not None]
        out.append(list_url(site, agency))
        out += [f"http://{site.host}{r.current_path(site.clock)}" for r in reports]
    return out


def run(web, seconds: float, threads: int, order: str = "random") -> tuple[int, float, int]:
    urls = targets(web, random.Random(1)) if order == "random" else crawl_order(web, random.Random(1))
    done = [0]
    errors = [0]
    lock = threading.Lock()
    with PortalServer(web) as server:
        deadline = time.monotonic() + seconds

        def worker(k: int):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            i = k
            while time.monotonic() < deadline:
                with lock:
                    if done[0] >= MAX_REQUESTS:
                        break
                conn.request("GET", urls[i % len(urls)])
                resp = conn.getresponse()
                resp.read()
                with lock:
                    done[0] += 1
                    if resp.status >= 500:
                        errors[0] += 1
                i += threads
            conn.close()

        start = time.monotonic()
        pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.monotonic() - start
    return done[0], elapsed, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=8334)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    years = range(2025 - args.years, 2025)

    start = time.monotonic()
    big = build_portal(seed=1, families="all", agencies=args.agencies, years=years)
    built = time.monotonic() - start
    portals = [("default 会昌县 site", build_portal(seed=1)),
               ("small web, all families", build_portal(seed=1, families="all", years=years)),
               ("large web, all families", big)]
    print(f"large web: {len(big.reports)} reports on {len(big.sites)} hosts, built in {built:.1f}s")
    for order in ("crawl", "random"):
        rates = []
        for name, web in portals:
            n, elapsed, errors = run(web, args.seconds, args.threads, order)
            rates.append(n / elapsed)
            print(f"[{order} order] {name}: {len(web.reports)} reports, {n} requests in {elapsed:.1f}s = "
                  f"{n / elapsed:.0f} req/s ({errors} 5xx)")
        print(f"[{order} order] ratio large/default site {rates[2] / rates[0]:.2f}, "
              f"large/small web {rates[2] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
