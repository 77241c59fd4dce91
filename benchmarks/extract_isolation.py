"""What isolating each document costs `gongkai extract`, against reading it in-process,
measured in the same run on the same archived pages.

    .venv/bin/python benchmarks/extract_isolation.py [--agencies 40]

The pages are the simulated web's report pages (four CMS families), archived for real in
WARC files. Timings of the same documents: read and extracted in this process (the
baseline, what the build did before), one worker process one document at a time (the
cost of a round trip), and the build's own way (documents sent ahead) with one worker and
with one per core. Then a whole `build` with the time its swap holds gongkai.db's write
lock: crawlers appending meanwhile wait that long. Targets: one worker sent ahead within
1.3× the baseline; the swap under 10% of the build.
"""
from __future__ import annotations

import argparse
import tempfile
import time

from gongkai.archive import db, rebuild
from gongkai.archive.database import build
from gongkai.archive.extract import extract_document
from gongkai.archive.isolation import Limits, Workers
from gongkai.archive.warc import WarcStore, read_capture


def archive_pages(data_dir, agencies: int) -> None:
    from simulator.web import build_portal
    from simulator.truth import report_truth

    web = build_portal(seed=1, families="all", agencies=agencies)
    store = WarcStore(data_dir, site="bench")
    for site in web.family_sites:
        for report in site.reports:
            truth = report_truth(report, f"http://{site.host}", site)
            response = web.respond("GET", truth["url"])
            capture = store.write_exchange(
                url=truth["url"], method="GET", request_headers=[], request_body=b"",
                status=200, reason="OK", body=response.body,
                response_headers=[(b"Content-Type", b"text/html; charset=utf-8")])
            store.write_metadata(truth["url"], {
                "kind": "report_page", "url": truth["url"], "site": site.host,
                "unit": report.agency.short_name, "column": report.agency.code,
                "list_title": report.title, "capture": {"id": capture.id}})
    store.close()


def in_process(data_dir, captures) -> float:
    started = time.perf_counter()
    for capture in captures:
        record = read_capture(data_dir, capture)
        extract_document(record.payload, content_type="text/html; charset=utf-8",
                         filename=capture["url"], hints={})
    return time.perf_counter() - started


def isolated(data_dir, captures, workers: int, ahead: bool) -> float:
    with Workers(data_dir, Limits(workers=workers)) as pool:
        pool.extract(captures[0], {})  # the fork server and a worker started
        started = time.perf_counter()
        if ahead:
            pool.plan((capture, {}) for capture in captures)
        for capture in captures:
            pool.extract(capture, {})
        return time.perf_counter() - started


def timed_build(data_dir) -> tuple[float, float]:
    held = []
    swap_in = rebuild.swap_in

    def timed_swap(*args, **kwargs):
        started = time.perf_counter()
        swap_in(*args, **kwargs)
        held.append(time.perf_counter() - started)

    rebuild.swap_in = timed_swap
    try:
        started = time.perf_counter()
        build(data_dir)
        return time.perf_counter() - started, held[0]
    finally:
        rebuild.swap_in = swap_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        archive_pages(data_dir, args.agencies)
        database = db.open_database(data_dir)
        captures = [dict(row) for row in database.query(
            "select * from responses where status = 200 order by id")]
        database.conn.close()
        in_process(data_dir, captures[:20])  # warm the extractor's caches and imports
        baseline = in_process(data_dir, captures)
        one = isolated(data_dir, captures, workers=1, ahead=False)
        one_ahead = isolated(data_dir, captures, workers=1, ahead=True)
        cores = Limits().worker_count()
        ahead = isolated(data_dir, captures, workers=cores, ahead=True)
        whole, swap = timed_build(data_dir)
    n = len(captures)
    print(f"{n} documents: in-process {baseline:.2f} s ({n / baseline:.0f}/s)")
    print(f"one worker, one at a time: {one:.2f} s = {one / baseline:.2f}× the baseline")
    print(f"one worker, sent ahead: {one_ahead:.2f} s = {one_ahead / baseline:.2f}× the "
          "baseline (target ≤ 1.3×)")
    print(f"{cores} workers, sent ahead: {ahead:.2f} s = {ahead / baseline:.2f}× the baseline")
    print(f"build {whole:.1f} s; swap held the write lock {swap:.2f} s = "
          f"{100 * swap / whole:.1f}% of it (target < 10%)")


if __name__ == "__main__":
    main()
