"""Extraction time on the real reports of ../shared/corpus, beside a bare parse of the
same bytes, measured in the same run.

    .venv/bin/python benchmarks/extraction_real.py [--corpus DIR]

Cold: each document is extracted once, in corpus order, with no warm-up on it (only the
modules are imported first), as a re-extraction meets a report it has not seen. Beside
each extraction, back to back, the floor its form sets:

- HTML: `lxml.html.fromstring` of the bytes;
- PDF: pdfplumber opening the file and `extract_text()` of every page;
- text (.txt, .md): decoding the bytes and `str.splitlines()`.

Printed: per document the two CPU times, per form their sums and the ratio
extraction / bare parse. Skips with a message when ../shared is absent.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FORMS = {".html": "html", ".htm": "html", ".pdf": "pdf", ".txt": "text", ".md": "text"}


def bare_parse(form: str, data: bytes) -> None:
    if form == "html":
        import lxml.html
        lxml.html.fromstring(data)
    elif form == "pdf":
        import pdfplumber
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_text()
    else:
        data.decode("utf-8", errors="replace").splitlines()


def documents(corpus: Path) -> list[tuple[str, str, bytes]]:
    names = [entry["file"] for entry in
             json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))]
    return [(name, FORMS[Path(name).suffix.lower()], (corpus / name).read_bytes())
            for name in names if Path(name).suffix.lower() in FORMS and (corpus / name).exists()]


def measure(docs: list[tuple[str, str, bytes]]) -> list[tuple[str, str, int, int]]:
    """(file, form, bare parse ns, extraction ns), each taken once, in turns first."""
    from gongkai.archive.extract import extract_document

    clock = time.process_time_ns
    out = []
    for n, (name, form, data) in enumerate(docs):
        times = {}
        for step in ("parse", "extract") if n % 2 else ("extract", "parse"):
            start = clock()
            if step == "parse":
                bare_parse(form, data)
            else:
                extract_document(data, filename=name)
            times[step] = clock() - start
        out.append((name, form, times["parse"], times["extract"]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    if not (args.corpus / "manifest.json").exists():
        print(f"skipped: no real reports at {args.corpus} (../shared is not here)")
        return 0
    import lxml.html  # noqa: F401  imports are not what is measured
    import pdfplumber  # noqa: F401
    from gongkai.archive.extract import extract_document
    extract_document(b"", filename="empty.txt")     # imports the checks, nothing cached of use

    rows = measure(documents(args.corpus))
    print(f"{'file':<34}{'form':<6}{'bare ms':>9}{'extract ms':>12}{'ratio':>8}")
    for name, form, parse_ns, extract_ns in rows:
        print(f"{name:<34}{form:<6}{parse_ns / 1e6:>9.1f}{extract_ns / 1e6:>12.1f}"
              f"{extract_ns / max(parse_ns, 1):>7.1f}×")
    print()
    for form in ("html", "text", "pdf"):
        mine = [r for r in rows if r[1] == form]
        if not mine:
            continue
        parse_ns, extract_ns = sum(r[2] for r in mine), sum(r[3] for r in mine)
        print(f"{form:<6}{len(mine):>3} documents  bare {parse_ns / 1e6:8.1f} ms  "
              f"extraction {extract_ns / 1e6:8.1f} ms  ratio {extract_ns / max(parse_ns, 1):5.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
