"""Extraction throughput: HTML reports per second on one core, beside the floor a bare
`lxml.html.fromstring` sets on the same bytes, measured in the same run.

    .venv/bin/python benchmarks/extraction.py [--agencies 60]

The pages are the simulated portal's report pages (four CMS families, inline tables,
Word-pasted markup, tables split in two). The ratio is extraction time over parse
time (target: within 5×).

As in a re-extraction of the archive, every page is extracted once, after a warm-up
on another portal's pages: the extractor's caches know the labels and layouts, not
this page's numbers and sentences (extracting the same page again would find them
cached). Each page's bare parse is timed beside its extraction: on a shared machine
whose speed drifts by 2× over seconds, timing the two in separate passes measured
the drift, not the extractor.
"""
from __future__ import annotations

import argparse
import time

import lxml.html

from gongkai.archive.extract import extract_document


def report_pages(seed: int, agencies: int) -> list[bytes]:
    from simulator.web import build_portal
    from simulator.truth import report_truth

    web = build_portal(seed=seed, families="all", agencies=agencies)
    pages = []
    for site in web.family_sites:
        for report in site.reports:
            truth = report_truth(report, f"http://{site.host}", site)
            if truth["form"] == "html" and truth["template"] in ("t2019", "t2021"):
                pages.append(web.respond("GET", truth["url"]).body)
    return pages


def paired_times(pages: list[bytes]) -> tuple[list[int], list[int]]:
    """Per page, the CPU nanoseconds of a bare parse and of an extraction, taken back
    to back, in turns first and second (the page's bytes are in cache for the second)."""
    clock = time.process_time_ns
    floor, full = [], []
    for n, page in enumerate(pages):
        for step in ("parse", "extract") if n % 2 else ("extract", "parse"):
            start = clock()
            if step == "parse":
                lxml.html.fromstring(page)
            else:
                extract_document(page, content_type="text/html; charset=utf-8")
            (floor if step == "parse" else full).append(clock() - start)
    return floor, full


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--agencies", type=int, default=60)
    args = parser.parse_args(argv)

    for page in report_pages(args.seed + 1000, args.agencies):     # a long run's caches
        extract_document(page, content_type="text/html; charset=utf-8")
    pages = report_pages(args.seed, args.agencies)
    floor, full = paired_times(pages)
    seconds_floor, seconds_full = sum(floor) / 1e9, sum(full) / 1e9
    megabytes = sum(map(len, pages)) / 1e6
    print(f"{len(pages)} HTML report pages, {megabytes:.1f} MB, one core, "
          "each parsed once and extracted once")
    print(f"lxml.html.fromstring : {len(pages) / seconds_floor:8.1f} pages/s")
    print(f"extract_document     : {len(pages) / seconds_full:8.1f} reports/s")
    print(f"ratio                : {seconds_full / seconds_floor:8.2f}x the bare parse "
          "(target within 5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
