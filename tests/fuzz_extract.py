"""Hypothesis fuzzing of every extractor form (issue 12, item 7).

Three kinds of input per form (html, text, pdf, docx, xlsx, xls):

- garbage: random bytes behind the form's magic (or random XML in a real zip);
- shapes: random tables (spans, blanks, numbers, words) with no template label;
- mutants: a real report with its structure damaged (rows and cells dropped or
  duplicated, spans changed, labels blotted, the file cut short), digits never edited.

Properties: extraction returns (never raises) within the hang limit; garbage and
shapes give no figure; a mutant gives only figures the intact report has (same key,
same value; or blank, where the mutation emptied a cell) or none. `check_form(form, cases, seed)` runs them; tests run a few
derandomized, `benchmarks/fuzz.py` runs thousands.
"""
from __future__ import annotations

import io
import os
import re
import signal
import sys
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import hypothesis
from hypothesis import HealthCheck, given, settings, strategies as st

from hostile_documents import rezip, zip_members

REPO = Path(__file__).resolve().parent.parent
FORMS = ("html", "text", "pdf", "docx", "xlsx", "xls")
HANG_SECONDS = 60
# Words no template label is made of: heavenly stems and earthly branches.
STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


class Hang(Exception):
    pass


@contextmanager
def hang_limit(seconds: float = HANG_SECONDS):
    """Raise Hang in the main thread once `seconds` pass (no limit off the main thread)."""
    def ring(signum, frame):
        raise Hang(f"extraction still running after {seconds} s")
    try:
        previous = signal.signal(signal.SIGALRM, ring)
    except ValueError:          # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract(data: bytes, form: str) -> dict:
    from gongkai.archive.extract import extract_document

    name = {"html": "page.html", "text": "page.txt"}.get(form, f"file.{form}")
    with hang_limit():
        return extract_document(data, filename=name)


# ---------------------------------------------------------------- real reports

@lru_cache(maxsize=None)
def report(form: str) -> bytes:
    """A real-like t2021 report in `form`, every cell printed."""
    from simulator.documents import document_bytes
    from simulator.web import build_portal

    if form in ("html", "text"):
        sys.path.insert(0, str(REPO / "tests"))
        from report_builder import html_report, sample_figures, tab_text_report

        if form == "html":
            return html_report("t2021", sample_figures("t2021")).encode()
        return tab_text_report(sample_figures("t2019")).encode()
    web = build_portal(seed=1, families="all", agencies=4)
    site = web.family_sites[0]
    return document_bytes(site.reports[3].at(site.clock), form)


@lru_cache(maxsize=None)
def report_figures(form: str) -> dict:
    figures = extract(report(form), form)["figures"]
    assert len(figures) > 100, f"the intact {form} report gives {len(figures)} figures"
    return figures


# ---------------------------------------------------------------- random tables

def _cell_texts():
    return st.one_of(st.integers(-5, 99999).map(str), st.sampled_from(["", "/", "-", "—", "12件"]),
                     st.text(STEMS + "（）、. ", min_size=1, max_size=8))


@st.composite
def shapes(draw):
    """A grid of (text, rowspan, colspan) rows; spans sometimes absurd."""
    span = st.one_of(st.just(1), st.integers(1, 4), st.sampled_from([0, -1, 50, 10 ** 6]))
    n_rows = draw(st.integers(1, 12))
    n_cols = draw(st.integers(1, 10))
    return [[(draw(_cell_texts()), draw(span), draw(span))
             for _ in range(draw(st.integers(0, n_cols)))] for _ in range(n_rows)]


def _html_grid(grid) -> bytes:
    rows = "".join("<tr>" + "".join(f"<td rowspan='{r}' colspan='{c}'>{t}</td>"
                                    for t, r, c in row) + "</tr>" for row in grid)
    return f"<html><body><p>{STEMS[:6]}</p><table>{rows}</table></body></html>".encode()


def _text_grid(grid, pipes: bool) -> bytes:
    if pipes:
        return "\n".join("| " + " | ".join(t for t, _, _ in row) + " |" for row in grid).encode()
    return "\n\n".join("\n".join(f"\t{t}" for t, _, _ in row) for row in grid).encode()


def _docx_grid(grid) -> bytes:
    rows = []
    for row in grid:
        cells = "".join(f'<w:tc><w:tcPr><w:gridSpan w:val="{c}"/>'
                        f'{"<w:vMerge/>" if r == 0 else ""}</w:tcPr><w:p><w:r><w:t>{t}</w:t>'
                        "</w:r></w:p></w:tc>" for t, r, c in row)
        rows.append(f"<w:tr>{cells}</w:tr>")
    return _replace_docx_body(f"<w:tbl>{''.join(rows)}</w:tbl><w:p/>")


def _replace_docx_body(body: str) -> bytes:
    members = zip_members(report("docx"))
    xml = members["word/document.xml"].decode()
    start, end = xml.index("<w:body>") + len("<w:body>"), xml.index("<w:sectPr")
    members["word/document.xml"] = (xml[:start] + body + xml[end:]).encode()
    return rezip(members)


def _column(n: int) -> str:
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _xlsx_grid(grid) -> bytes:
    members = zip_members(report("xlsx"))
    cells, merges = [], []
    for r, row in enumerate(grid, start=1):
        out = []
        for c, (t, rs, cs) in enumerate(row, start=1):
            out.append(f'<c r="{_column(c)}{r}" t="inlineStr"><is><t>{t}</t></is></c>')
            if rs > 1 or cs > 1:
                merges.append(f'<mergeCell ref="{_column(c)}{r}:'
                              f'{_column(min(c + cs - 1, 16384))}{min(r + rs - 1, 1048576)}"/>')
        cells.append(f'<row r="{r}">{"".join(out)}</row>')
    merge_xml = f'<mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells>' \
        if merges else ""
    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        xml = members[name].decode()
        xml = re.sub(r"<sheetData>.*</sheetData>|<sheetData/>",
                     f"<sheetData>{''.join(cells)}</sheetData>", xml, flags=re.S)
        xml = re.sub(r"<mergeCells.*?</mergeCells>", "", xml, flags=re.S)
        members[name] = xml.replace("</sheetData>", "</sheetData>" + merge_xml, 1).encode()
    return rezip(members)


def _xls_grid(grid) -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("甲")
    taken: set = set()
    for r, row in enumerate(grid):
        for c, (t, rs, cs) in enumerate(row):
            rs, cs = max(1, min(rs, 200)), max(1, min(cs, 200))
            box = {(i, j) for i in range(r, r + rs) for j in range(c, c + cs)}
            if box & taken:
                continue        # xlwt refuses to write over a merged range
            taken |= box
            if rs > 1 or cs > 1:
                sheet.write_merge(r, r + rs - 1, c, c + cs - 1, t)
            else:
                sheet.write(r, c, t)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf_grid(grid) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(595, 842), invariant=1)
    pdf.setFont("STSong-Light", 9)
    for r, row in enumerate(grid):
        for c, (t, rs, cs) in enumerate(row):
            rs, cs = max(1, min(rs, 12)), max(1, min(cs, 10))
            x, y = 40 + c * 50, 800 - (r + rs) * 20
            pdf.rect(x, y, cs * 50, rs * 20)
            pdf.drawString(x + 3, y + 6, t)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def render(form: str, grid, pipes: bool = False) -> bytes:
    if form == "html":
        return _html_grid(grid)
    if form == "text":
        return _text_grid(grid, pipes)
    return {"pdf": _pdf_grid, "docx": _docx_grid, "xlsx": _xlsx_grid, "xls": _xls_grid}[form](grid)


# ---------------------------------------------------------------- garbage

MAGIC = {"pdf": b"%PDF-1.4\n", "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "html": b"<html>",
         "text": b"", "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04"}


@st.composite
def garbage(draw, form: str):
    alphabet = st.sampled_from([b"<td>", b"</td>", b"<tr>", b"<table>", b"\t", b"|", b"\n",
                                b"1", b"23", b"obj", b"stream", b" R ", b"<<", b">>", b"[",
                                b"\xff", b"\xe4\xb8", STEMS.encode()[:9]])
    body = draw(st.one_of(st.binary(max_size=3000),
                          st.lists(alphabet, max_size=400).map(b"".join)))
    return MAGIC[form] + body


# ---------------------------------------------------------------- mutants

_DIGITS = re.compile(rb"\d")


def _element_spans(xml: bytes, tag: bytes) -> list[tuple[int, int]]:
    """(start, end) of every non-nested <tag ...>...</tag> in xml."""
    return [m.span() for m in re.finditer(rb"<%s[\s>].*?</%s>" % (tag, tag), xml, re.S)]


@st.composite
def markup_mutant(draw, data: bytes, tags: tuple[bytes, ...], whole: tuple[bytes, ...]):
    """`data` with elements dropped, whole rows (`whole`) doubled, spans set, label text
    blotted, or the end cut off (never inside a number): what a careless export or a
    broken upload does. Cells are never doubled: '7' twice in a cell is 77, and one cell
    doubled where another was dropped is a row with a figure edited, not damaged."""
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["drop", "double", "span", "blot", "cut"]))
        if kind in ("drop", "double"):
            spans = _element_spans(data, draw(st.sampled_from(tags if kind == "drop" else whole)))
            if spans:
                a, b = draw(st.sampled_from(spans))
                data = data[:a] + (data[a:b] * 2 if kind == "double" else b"") + data[b:]
        elif kind == "span":
            cells = [m.start() + 3 for m in re.finditer(rb"<t[dc][\s>]", data)]
            if cells:
                at = draw(st.sampled_from(cells))
                attr = draw(st.sampled_from([b"rowspan", b"colspan"]))
                value = draw(st.sampled_from([b"0", b"2", b"3", b"x", b"999999"]))
                data = data[:at] + b" %s='%s'" % (attr, value) + data[at:]
        elif kind == "blot":
            # runs of two or more UTF-8 CJK characters: the labels
            runs = [m.span() for m in re.finditer(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){2,}", data)]
            if runs:
                a, b = draw(st.sampled_from(runs))
                data = data[:a] + STEMS.encode()[:b - a - (b - a) % 3] + data[b:]
        else:
            at = draw(st.integers(0, len(data)))
            while 0 < at < len(data) and (_DIGITS.match(data[at - 1:at]) or
                                          _DIGITS.match(data[at:at + 1])):
                at -= 1
            data = data[:at]
    return data


@st.composite
def zip_mutant(draw, form: str):
    members = zip_members(report(form))
    if draw(st.integers(0, 4)) == 0:
        # the right part names, one part's contents random
        members[draw(st.sampled_from(sorted(members)))] = draw(st.binary(max_size=2000))
        return rezip(members)
    parts = [n for n in members if n == "word/document.xml" or
             n.startswith("xl/worksheets/sheet")]
    name = draw(st.sampled_from(parts))
    tags = (b"w:tc", b"w:tr", b"w:p") if form == "docx" else (b"c", b"row", b"mergeCell")
    members[name] = draw(markup_mutant(members[name], tags, tags[1:2]))
    if form == "docx" and draw(st.booleans()):
        xml = members[name]
        spans = list(re.finditer(rb'<w:gridSpan w:val="\d+"/>', xml))
        if spans:
            m = draw(st.sampled_from(spans))
            value = draw(st.sampled_from([b"0", b"1", b"3", b"two", b"-1", b"99999999"]))
            members[name] = xml[:m.start()] + b'<w:gridSpan w:val="%s"/>' % value + xml[m.end():]
    return rezip(members)


@st.composite
def binary_mutant(draw, form: str):
    """A PDF or XLS damaged where no number is written: cut at an object or sector
    boundary, bytes changed in the header or the xref/directory, whole objects dropped."""
    data = bytearray(report(form))
    if form == "pdf":
        ends = [m.end() for m in re.finditer(rb"endobj\s*", data)]
        kind = draw(st.sampled_from(["cut", "drop", "xref"]))
        if kind == "cut":
            data = data[:draw(st.sampled_from(ends))]
        elif kind == "drop":
            starts = [m.start() for m in re.finditer(rb"\d+ 0 obj", data)]
            i = draw(st.integers(0, len(starts) - 1))
            end = next(e for e in ends if e > starts[i])
            data = data[:starts[i]] + data[end:]
        else:
            at = data.rfind(b"xref")
            for _ in range(draw(st.integers(1, 8))):
                j = draw(st.integers(at, len(data) - 1))
                data[j] = draw(st.integers(0, 255))
        return bytes(data)
    kind = draw(st.sampled_from(["cut", "header"]))
    if kind == "cut":
        return bytes(data[:512 * draw(st.integers(0, len(data) // 512))])
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, 511))] = draw(st.integers(0, 255))
    return bytes(data)


def mutants(form: str):
    if form == "html":
        return markup_mutant(report(form), (b"tr", b"td", b"p", b"table"), (b"tr",))
    if form == "text":
        return st.just(report(form)).flatmap(lambda d: _text_mutant(d))
    if form in ("docx", "xlsx"):
        return zip_mutant(form)
    return binary_mutant(form)


@st.composite
def _text_mutant(draw, data: bytes):
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop", "double", "blank", "blot"]))
        if kind == "drop":
            del lines[i]
        elif kind == "double" and not _DIGITS.search(lines[i]):
            lines.insert(i, lines[i])
        elif kind == "blank":
            lines.insert(i, b"")
        elif not _DIGITS.search(lines[i]):     # a label line, blotted
            lines[i] = (b"\t" if lines[i].startswith(b"\t") else b"") + STEMS.encode()[:12]
        if not lines:
            lines = [b""]
    return b"\n".join(lines)


# ---------------------------------------------------------------- properties

def assert_no_figures(data: bytes, form: str) -> None:
    result = extract(data, form)
    assert result["figures"] == {}, (form, sorted(result["figures"].items())[:5])


def assert_only_true_figures(data: bytes, form: str) -> None:
    truth = report_figures(form)
    result = extract(data, form)
    # a cell the mutation emptied (its paragraph or <c> dropped) is printed blank: None
    wrong = {k: v for k, v in result["figures"].items()
             if k not in truth or (v is not None and truth[k] != v)}
    if wrong and os.environ.get("FUZZ_FAILURES"):     # keep the input to look at
        Path(os.environ["FUZZ_FAILURES"], f"wrong.{form}").write_bytes(data)
    assert not wrong, (form, sorted(wrong.items())[:5], result["warnings"][:3])


def check_form(form: str, cases: int, *, seed: int | None = 0) -> None:
    """Run the three properties on `cases` inputs in all (a third each); the same seed
    gives the same inputs, seed=None random ones."""
    options = dict(max_examples=max(1, cases // 3), deadline=None, database=None,
                   suppress_health_check=list(HealthCheck), print_blob=True)
    report_figures(form)        # the intact report is read once, outside the cases
    pinned = (lambda test: hypothesis.seed(seed)(test)) if seed is not None else (lambda t: t)

    @pinned
    @settings(**options)
    @given(garbage(form))
    def on_garbage(data):
        assert_no_figures(data, form)

    @pinned
    @settings(**options)
    @given(shapes(), st.booleans())
    def on_shapes(grid, pipes):
        assert_no_figures(render(form, grid, pipes), form)

    @pinned
    @settings(**options)
    @given(mutants(form))
    def on_mutants(data):
        assert_only_true_figures(data, form)

    for run in (on_garbage, on_shapes, on_mutants):
        run()
