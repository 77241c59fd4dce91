"""Extraction throughput: HTML reports per second on one core, beside the floor a bare
`lxml.html.fromstring` sets on the same bytes, measured in the same run.

    .venv/bin/python benchmarks/extraction.py [--agencies 24] [--repeat 7]

The pages are the simulated portal's report pages (four CMS families, inline tables,
Word-pasted markup, tables split in two). The ratio is extraction time over parse
time (target: within 5×).

Each page is parsed bare and then extracted back to back, and each page keeps its
least CPU time over the repeats: on a shared machine whose speed drifts by 2× over
seconds, timing the two in separate passes measured the drift, not the extractor.
"""
from __future__ import annotations

import argparse
import time

import lxml.html

from archive.extract import extract_document


def report_pages(seed: int, agencies: int) -> list[bytes]:
    from gongkai.portal.model import build_portal
    from gongkai.portal.truth import report_truth

    web = build_portal(seed=seed, families="all", agencies=agencies)
    pages = []
    for site in web.family_sites:
        for report in site.reports:
            truth = report_truth(report, f"http://{site.host}", site)
            if truth["form"] == "html" and truth["template"] in ("t2019", "t2021"):
                pages.append(web.respond("GET", truth["url"]).body)
    return pages


def paired_times(pages: list[bytes], repeat: int) -> tuple[list[int], list[int]]:
    """Per page, the least CPU nanoseconds of a bare parse and of an extraction."""
    clock = time.process_time_ns
    floor = [1 << 62] * len(pages)
    full = [1 << 62] * len(pages)
    for _ in range(repeat):
        for i, page in enumerate(pages):
            start = clock()
            lxml.html.fromstring(page)
            middle = clock()
            extract_document(page, content_type="text/html; charset=utf-8")
            end = clock()
            floor[i] = min(floor[i], middle - start)
            full[i] = min(full[i], end - middle)
    return floor, full


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--agencies", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    pages = report_pages(args.seed, args.agencies)
    extract_document(pages[0], content_type="text/html")      # imports and caches warm
    floor, full = paired_times(pages, args.repeat)
    seconds_floor, seconds_full = sum(floor) / 1e9, sum(full) / 1e9
    megabytes = sum(map(len, pages)) / 1e6
    print(f"{len(pages)} HTML report pages, {megabytes:.1f} MB, one core, "
          f"least of {args.repeat} per page")
    print(f"lxml.html.fromstring : {len(pages) / seconds_floor:8.1f} pages/s")
    print(f"extract_document     : {len(pages) / seconds_full:8.1f} reports/s")
    print(f"ratio                : {seconds_full / seconds_floor:8.2f}x the bare parse "
          "(target within 5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
