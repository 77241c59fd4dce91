"""Long fuzz runs of the extractor, outside the test suite's time budget (issue 12, item 7).

    .venv/bin/python benchmarks/fuzz.py --cases 10000 --form all [--seed N] [--memory-mb 1024]

For each form (html, text, pdf, docx, xlsx, xls) hypothesis makes `cases` inputs, a third
each of random bytes behind the form's magic, random tables with no template label, and
real reports with their structure damaged (tests/fuzz_extract.py). Properties: nothing
raises, nothing runs past the hang limit (60 s per input), garbage gives no figure and a
damaged report only the intact report's figures. Without --seed the inputs are random;
a failing input is shrunk, printed, and kept in --failures. The process runs under
RLIMIT_AS (--memory-mb), so an input that takes more fails as a MemoryError. Exit 1 when
a form failed. PDF inputs take ~0.3 s each: 10,000 of them run for about an hour.
"""
from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from fuzz_extract import FORMS, check_form  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="inputs per form")
    parser.add_argument("--form", default="all", choices=["all", *FORMS])
    parser.add_argument("--seed", type=int, default=None, help="fixed inputs (default random)")
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--failures", type=Path, default=Path("fuzz-failures"),
                        help="folder the failing inputs are written to")
    args = parser.parse_args()
    limit = args.memory_mb * 2 ** 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    args.failures.mkdir(parents=True, exist_ok=True)
    os.environ["FUZZ_FAILURES"] = str(args.failures)
    warnings.simplefilter("ignore")     # hypothesis' notes on large reprs
    logging.getLogger("pdfminer").setLevel(logging.ERROR)   # its notes on every damaged PDF
    failed = []
    for form in FORMS if args.form == "all" else (args.form,):
        started = time.monotonic()
        try:
            check_form(form, args.cases, seed=args.seed)
            outcome = "ok"
        except Exception as error:      # a property failed: report it, go on to the next form
            failed.append(form)
            outcome = f"FAILED {type(error).__name__}: {str(error)[:300]}"
        seconds = time.monotonic() - started
        print(f"{form:5} {args.cases} cases in {seconds:7.1f} s "
              f"({args.cases / seconds:6.1f}/s): {outcome}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
