"""A text PDF as prose and spanned grids (pdfplumber).

Ruled tables come from the table finder: its cell boxes give rowspan/colspan
exactly, so they become the same grids as HTML tables. Tables without rulings
are rebuilt from the words' positions (`unruled.py`). Text outside tables is
joined back into paragraphs where a line ran to the right margin.
"""
from __future__ import annotations

import bisect
import io
import itertools
import re
import time

from .document import Document, Table, blocks_of, clean, peel_prose, table_from_cells
from .guards import check_pdf_references, check_pdf_streams
from .limits import LIMITS, Refused, check
from .unruled import unruled_tables

_PAGE_NUMBER = re.compile(r"^[-—－–\s]*(?:第\s*)?\d+\s*(?:页|/\s*\d+\s*页?)?[-—－–\s]*$")
# Text shorter than this on every page: a scan, not a text PDF.
_MIN_TEXT = 20


def _edges(values: list[float], tolerance: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(edges: list[float], value: float, tolerance: float = 1.5) -> int:
    i = bisect.bisect_left(edges, value - tolerance)
    return min(i, len(edges) - 1)


def _grid_table(found, chars: list[dict]) -> tuple[Table, tuple]:
    """pdfplumber's cell boxes → our grid; each char goes to the box holding its middle."""
    import pdfplumber.utils

    boxes = found.cells
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    placed = []
    owner: dict[tuple[int, int], int] = {}
    for n, (x0, top, x1, bottom) in enumerate(boxes):
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        placed.append([r0, c0, max(1, r1 - r0), max(1, c1 - c0)])
        for r in range(r0, max(r0 + 1, r1)):
            for c in range(c0, max(c0 + 1, c1)):
                owner.setdefault((r, c), n)
    texts: list[list[dict]] = [[] for _ in boxes]
    for ch in chars:
        mx, my = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        c = bisect.bisect_right(xs, mx) - 1
        r = bisect.bisect_right(ys, my) - 1
        n = owner.get((r, c))
        if n is not None:
            texts[n].append(ch)
    cells = [(r, c, rs, cs, pdfplumber.utils.extract_text(t) if t else "")
             for (r, c, rs, cs), t in zip(placed, texts)]
    return table_from_cells(cells), found.bbox


def _inside(ch: dict, bbox: tuple) -> bool:
    mx, my = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return bbox[0] <= mx <= bbox[2] and bbox[1] <= my <= bbox[3]


def _lines(chars: list[dict], offset: float) -> list[dict]:
    """Text lines of loose chars: text, y (down the whole document), x0, x1, size."""
    import pdfplumber.utils

    out = []
    for line in pdfplumber.utils.cluster_objects(chars, "top", 2.5):
        line.sort(key=lambda ch: ch["x0"])
        text = pdfplumber.utils.extract_text(line)
        if not text.strip():
            continue
        sizes = sorted(ch.get("size", 10) for ch in line)
        out.append({"text": text, "y": offset + min(ch["top"] for ch in line),
                    "x0": line[0]["x0"], "x1": max(ch["x1"] for ch in line),
                    "size": sizes[len(sizes) // 2], "indent": text[:1].isspace(),
                    "chars": [dict(ch, top=ch["top"] + offset, bottom=ch["bottom"] + offset)
                              for ch in line]})
    return out


def _paragraphs(lines: list[dict]) -> list[str]:
    """Join a line to the next when it ran to the right margin and the next one
    is not indented (a new paragraph starts indented in Chinese documents)."""
    measured = [x for x in lines if x.get("x1")]
    left = min((x["x0"] for x in measured), default=0)
    right = max((x["x1"] for x in measured), default=0)
    out: list[str] = []
    joining = False
    for line in lines:
        text = clean(line["text"])
        if not text or _PAGE_NUMBER.match(text):
            continue
        if joining and not line["indent"] and line["x0"] <= left + line["size"] * 0.8:
            out[-1] = clean(out[-1] + text)
        else:
            out.append(text)
        joining = bool(line.get("x1")) and line["x1"] >= right - line["size"] * 1.5
    return out


def _prose_line(text: str) -> dict:
    """A line that came out of a table box: no geometry, never joined."""
    return {"text": text, "x0": 0, "x1": 0, "size": 10, "indent": True}


def _pdf_string(value) -> str:
    """PDF info strings sometimes come back as UTF-16 read as Latin-1 ('ÿþ…')."""
    if isinstance(value, bytes):
        for enc in ("utf-16", "utf-8", "gb18030"):
            try:
                return value.decode(enc)
            except UnicodeDecodeError:
                continue
        return ""
    text = str(value or "")
    if text[:2] in ("ÿþ", "þÿ"):
        try:
            return text.encode("latin-1").decode("utf-16")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return ""
    return text


def parse_pdf(data: bytes) -> Document:
    import pdfplumber

    check_pdf_streams(data)         # before pdfminer inflates any stream whole
    check_pdf_references(data)      # before it follows a reference chain for ever
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        count = _page_count(pdf)
    except Refused:
        raise
    except Exception as error:   # pdfminer raises many kinds on damaged files
        return Document(blocks=[], kind="pdf", warnings=[f"PDF could not be opened: {error}"])
    if count > LIMITS.max_pdf_pages:
        raise Refused("max_pdf_pages", f"the PDF has more than {LIMITS.max_pdf_pages:,} pages "
                      "(the bound max_pdf_pages): not a report; the document was not read")
    meta: dict = {}
    title = clean(_pdf_string((pdf.metadata or {}).get("Title")))
    if title:
        meta["articletitle"] = title
    items, images, text_chars, warnings = _read_pages(pdf)
    if text_chars < _MIN_TEXT:
        warning = "PDF has no text layer" + (" (scanned pages)" if images else "")
        return Document(blocks=[], kind="pdf", meta=meta, images=images,
                        warnings=warnings + [warning])
    out: list = []
    run: list[dict] = []
    for item in unruled_tables(items):
        if isinstance(item, dict):
            run.append(item)
        else:
            out += _paragraphs(run) + [item]
            run = []
    out += _paragraphs(run)
    return Document(blocks=blocks_of(out), kind="pdf", meta=meta, images=images,
                    warnings=warnings)


def _page_count(pdf) -> int:
    """Pages in the page tree, counted up to one past the bound (not its /Count, which
    may say anything)."""
    from pdfminer.pdfpage import PDFPage

    pages = PDFPage.create_pages(pdf.doc)
    return sum(1 for _ in itertools.islice(pages, LIMITS.max_pdf_pages + 1))


def _pages(pdf, warnings: list):
    """pdfplumber pages, made one at a time; a page without /MediaBox (pdfplumber
    cannot place it) gets pdfminer's default size, and a warning."""
    import pdfplumber.page
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    doctop = 0.0
    for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        if resolve1(page_obj.attrs.get("MediaBox")) is None:
            page_obj.attrs["MediaBox"] = list(page_obj.mediabox)
            if not any(w.startswith("pages without /MediaBox") for w in warnings):
                warnings.append(f"pages without /MediaBox (the first: page {number}) were "
                                f"read as {page_obj.mediabox[2]:g}×{page_obj.mediabox[3]:g} pt")
        page = pdfplumber.page.Page(pdf, page_obj, page_number=number, initial_doctop=doctop)
        doctop += page.height
        yield number, page


def _read_pages(pdf) -> tuple[list, list[str], int, list[str]]:
    """Items of every page in order, with the pages holding images, the count of text
    chars and warnings. A page pdfminer cannot read refuses the document: tables read
    around a missing page could put a continuation's figures under the wrong header."""
    items: list = []
    images: list[str] = []
    warnings: list[str] = []
    text_chars, done, offset = 0, 0, 0.0
    started = time.monotonic()
    try:
        for number, page in _pages(pdf, warnings):
            page_items, n_chars = _page_items(page, offset)
            if page.images:
                images.append(f"#page={number}")
            page.close()                # pdfplumber keeps each page's objects otherwise
            items += page_items
            text_chars += n_chars
            offset += float(page.height) + 1000
            done = number
            check("max_text_chars", text_chars, "the PDF's text")
            check("max_pdf_seconds", round(time.monotonic() - started),
                  f"reading {number} pages of the PDF (seconds)")
    except (Refused, RecursionError, MemoryError):
        raise
    except Exception as error:          # pdfminer raises many kinds on damaged streams
        raise Refused("damaged", f"page {done + 1} of the PDF could not be read "
                      f"({type(error).__name__}: {str(error)[:120]}): the document was "
                      "not read") from None
    return items, images, text_chars, warnings


def _page_items(page, offset: float) -> tuple[list, int]:
    """Line dicts and tables of one page, top to bottom, and its count of chars."""
    # ideographic spaces stay: they pad labels (规　　章) inside one cell
    chars = [ch for ch in page.dedupe_chars().chars if ch["text"].strip() or ch["text"] == "\u3000"]
    placed: list[tuple[float, object]] = []
    taken: list[tuple] = []
    for found in page.find_tables():
        inside = [ch for ch in chars if _inside(ch, found.bbox)]
        if not inside:
            continue
        table, bbox = _grid_table(found, inside)
        before, core, after = peel_prose(table)
        if core is None:
            continue        # text in highlight boxes: read below as ordinary lines
        taken.append(bbox)
        placed += [(bbox[1] - 0.1, _prose_line(t)) for t in before]
        placed.append((bbox[1], core))
        placed += [(bbox[3] + 0.1, _prose_line(t)) for t in after]
    loose = [ch for ch in chars if not any(_inside(ch, b) for b in taken)]
    placed += [(line["y"] - offset, line) for line in _lines(loose, offset)]
    placed.sort(key=lambda p: p[0])
    return [what for _, what in placed], sum(1 for ch in chars if ch["text"].strip())
