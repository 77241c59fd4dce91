"""Hostile documents for the extractor, made here (issue 12), and a bounded runner.

Each case writes one file: malformed (a review row ending in text, a damaged PDF stream,
a PDF without /MediaBox, a non-numeric DOCX gridSpan, a cyclic PDF reference), huge
(spans, far cells, merges, 5,000 pages, 50 MB of text, a million cells), a bomb (a flate
stream, zip members that inflate far past their declared sizes), noisy (xlrd warnings on
stdout) or mixed (one GBK paragraph in a UTF-8 page). Bombs are written streaming, so
making one costs little memory. Two real-like reports stand beside them.

`measure(path)` runs `gongkai extract FILE --json` in a child process under RLIMIT_AS and
a timeout and returns seconds, peak RSS, exit status and the parsed JSON:

    python tests/hostile_documents.py [--limit-mb 1024] [--timeout 60] [NAME ...]
"""
from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MB = 2 ** 20


# ---------------------------------------------------------------- building blocks

def _report(form: str) -> bytes:
    """A simulated portal's report in `form` (pdf, docx, xlsx, xls), every cell printed."""
    from simulator.documents import document_bytes
    from simulator.web import build_portal

    web = build_portal(seed=1, families="all", agencies=4)
    site = web.family_sites[0]
    return document_bytes(site.reports[3].at(site.clock), form)


def _html_report() -> str:
    sys.path.insert(0, str(REPO / "tests"))
    from report_builder import html_report, sample_figures

    return html_report("t2021", sample_figures("t2021"))


def pdf_file(objects: list[bytes], *, root: int = 1, trailer: bytes = b"") -> bytes:
    """A PDF of numbered objects (1-based) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"
_TEXT = b"BT /F1 12 Tf 72 720 Td (page) Tj ET"


def _zip_entry(out, name: str, chunks, declared: int | None = None) -> tuple:
    """Write one deflated member from an iterable of byte chunks; `declared` lies about
    its size when given. Returns what the central directory needs."""
    offset = out.tell()
    encoded = name.encode()
    out.write(b"\0" * (30 + len(encoded)))          # local header, filled in below
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, size, packed = 0, 0, 0
    for chunk in chunks:
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        data = deflate.compress(chunk)
        packed += len(data)
        out.write(data)
    data = deflate.flush()
    packed += len(data)
    out.write(data)
    size = size if declared is None else declared
    header = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, packed, size,
                         len(encoded), 0) + encoded
    end = out.tell()
    out.seek(offset)
    out.write(header)
    out.seek(end)
    return encoded, crc, packed, size, offset


def write_zip(path: Path, members: list[tuple[str, object, int | None]]) -> None:
    """A zip of (name, chunks, declared size or None) written member by member."""
    with open(path, "wb") as out:
        entries = [_zip_entry(out, name, chunks, declared) for name, chunks, declared in members]
        start = out.tell()
        for encoded, crc, packed, size, offset in entries:
            out.write(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc,
                                  packed, size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        central = out.tell() - start
        out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                              central, start, 0))


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def rezip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _repeat(piece: bytes, total: int, chunk: int = 8 * MB):
    block = piece * (chunk // len(piece))
    for _ in range(total // len(block)):
        yield block


# ---------------------------------------------------------------- malformed

def review_row_ends_in_text(path: Path) -> None:
    review = ("<p>四、政府信息公开行政复议、行政诉讼情况</p><table>"
              "<tr><td colspan='5'>行政复议</td><td colspan='5'>行政诉讼</td></tr>"
              "<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>"
              "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"
              "<tr><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>2</td><td>0</td>"
              "<td>0</td><td>0</td><td>见说明</td></tr></table>")
    path.write_text(f"<html><body><h1>某镇2021年政府信息公开工作年度报告</h1>{review}"
                    "</body></html>", encoding="utf-8")


def pdf_damaged_stream(path: Path) -> None:
    data = bytearray(_report("pdf"))
    for m in list(re.finditer(rb"stream\r?\n", data))[2:6]:    # page content streams
        start = m.end() + 20
        data[start:start + 40] = bytes((b * 7 + 13) % 256 for b in data[start:start + 40])
    path.write_bytes(bytes(data))


def pdf_without_mediabox(path: Path) -> None:
    path.write_bytes(_report("pdf").replace(b"/MediaBox", b"/MediaBix"))


def docx_gridspan_not_a_number(path: Path) -> None:
    members = zip_members(_report("docx"))
    xml = members["word/document.xml"].decode()
    xml = xml.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="two"/>', 3)
    xml = xml.replace('<w:gridSpan w:val="2"/>', '<w:gridSpan w:val="2.5x"/>')
    members["word/document.xml"] = xml.encode()
    path.write_bytes(rezip(members))


def pdf_cyclic_reference(path: Path) -> None:
    """576 bytes or so: the content stream's /Length is an object that is itself."""
    path.write_bytes(pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Length 3 0 R >>\nstream\n" + _TEXT + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
        b"/Resources << /Font << /F1 6 0 R >> >> >>",
        b"<< /Length 7 0 R >>\nstream\n" + _TEXT + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"7 0 R", b"8 0 R", b"7 0 R"]))


def pdf_page_tree_cycle(path: Path) -> None:
    """The page tree lists itself among its kids."""
    path.write_bytes(pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 4 0 R 2 0 R] /Count 3 >>",
        _stream(_TEXT),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"]))


def pdf_xref_prev_loop(path: Path) -> None:
    """The trailer's /Prev points back at its own cross-reference table."""
    data = pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>", _stream(_TEXT), _PAGE])
    xref = int(re.search(rb"startxref\n(\d+)", data).group(1))
    path.write_bytes(data.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % xref))


def pdf_parent_ring(path: Path) -> None:
    """A page without /MediaBox whose page tree names the page as its own parent."""
    path.write_bytes(pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Parent 4 0 R >>",
        _stream(_TEXT), b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>"]))


# ---------------------------------------------------------------- huge

def html_huge_spans(path: Path) -> None:
    rows = "".join("<tr><td rowspan='1000000' colspan='1000000'>1</td><td>2</td></tr>"
                   for _ in range(3000))
    path.write_text(f"<html><body><p>三、收到和处理政府信息公开申请情况</p><table>"
                    f"<tr><td>本年新收政府信息公开申请数量</td></tr>{rows}</table></body></html>",
                    encoding="utf-8")


def html_million_cells(path: Path) -> None:
    row = "<tr>" + "<td>1</td>" * 20 + "</tr>"
    with open(path, "w", encoding="utf-8") as out:
        out.write("<html><body><table><tr><td>本年新收</td></tr>")
        for _ in range(50_000):
            out.write(row)
        out.write("</table></body></html>")


def docx_huge_gridspan(path: Path) -> None:
    members = zip_members(_report("docx"))
    xml = members["word/document.xml"].decode()
    xml = xml.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="50000000"/>', 60)
    members["word/document.xml"] = xml.encode()
    path.write_bytes(rezip(members))


def _xlsx_sheet_edit(edit) -> bytes:
    members = zip_members(_report("xlsx"))
    name = next(n for n in members if n.startswith("xl/worksheets/sheet"))
    members[name] = edit(members[name].decode()).encode()
    return rezip(members)


def xlsx_far_cell(path: Path) -> None:
    path.write_bytes(_xlsx_sheet_edit(lambda xml: xml.replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
        "</c></row></sheetData>")))


def xlsx_huge_merge(path: Path) -> None:
    def edit(xml: str) -> str:
        xml = re.sub(r"<mergeCells.*?</mergeCells>", "", xml, flags=re.S)
        return xml.replace("</sheetData>", '</sheetData><mergeCells count="1">'
                           '<mergeCell ref="B2:XFD1048576"/></mergeCells>')
    path.write_bytes(_xlsx_sheet_edit(edit))


def xls_huge_merge(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("表三")
    sheet.write(0, 0, "本年新收政府信息公开申请数量")
    sheet.merge(1, 65535, 0, 255)
    sheet.write(1, 0, "1")
    book.save(str(path))


def pdf_5000_pages(path: Path) -> None:
    """5,000 pages sharing one small content stream: 200 KB on disk."""
    pages = 5000
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    path.write_bytes(pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        _stream(_TEXT),
        *[_PAGE for _ in range(pages)]]))


def text_50mb(path: Path) -> None:
    line = "本机关按照条例要求做好政府信息公开工作，全年共办理申请若干件，均按期答复。\n"
    with open(path, "w", encoding="utf-8") as out:
        for _ in range(50 * MB // len(line.encode())):
            out.write(line)


# ---------------------------------------------------------------- bombs

def _bomb_pdf(path: Path, inflated: int) -> None:
    """A page whose content stream inflates to `inflated` bytes of spaces."""
    deflate = zlib.compressobj(9)
    with open(path.with_suffix(".z"), "wb") as z:
        for chunk in _repeat(b" ", inflated):
            z.write(deflate.compress(chunk))
        z.write(deflate.flush())
    packed = path.with_suffix(".z")
    size = packed.stat().st_size
    head = pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\nSTREAM\nendstream" % size,
        _PAGE])
    before, after = head.split(b"STREAM", 1)
    # the xref offsets after the stream move by the stream's length
    shift = size - len(b"STREAM")
    body, xref_part = after.split(b"xref\n", 1)
    lines = xref_part.split(b"\n")
    for i, line in enumerate(lines):
        if line.endswith(b" n ") and int(line[:10]) > len(before):
            lines[i] = b"%010d" % (int(line[:10]) + shift) + line[10:]
    xref_at = len(before) + size + len(body)
    tail = b"\n".join(lines)
    tail = re.sub(rb"startxref\n\d+", b"startxref\n%d" % xref_at, tail)
    with open(path, "wb") as out:
        out.write(before)
        with open(packed, "rb") as z:
            while chunk := z.read(MB):
                out.write(chunk)
        out.write(body + b"xref\n" + tail)
    packed.unlink()


def lzw_encode(data: bytes) -> bytes:
    """LZW as PDF's LZWDecode reads it (early change, codes of 9 to 12 bits)."""
    table = {bytes([i]): i for i in range(256)}
    state = {"bits": 0, "n": 0, "width": 9, "next": 258}
    out = bytearray()

    def emit(code: int) -> None:
        state["bits"] = (state["bits"] << state["width"]) | code
        state["n"] += state["width"]
        while state["n"] >= 8:
            state["n"] -= 8
            out.append((state["bits"] >> state["n"]) & 0xff)

    emit(256)
    word = b""
    for byte in data:
        longer = word + bytes([byte])
        if longer in table:
            word = longer
            continue
        emit(table[word])
        if state["next"] < 4096:
            table[longer] = state["next"]
            state["next"] += 1
            if state["next"] + 1 > 1 << state["width"] and state["width"] < 12:
                state["width"] += 1
        else:
            emit(256)
            table = {bytes([i]): i for i in range(256)}
            state.update(next=258, width=9)
        word = bytes([byte])
    emit(table[word])
    emit(257)
    if state["n"]:
        out.append((state["bits"] << (8 - state["n"])) & 0xff)
    return bytes(out)


def pdf_lzw_stream(inflated: int) -> bytes:
    """A one-page PDF whose content stream is `inflated` bytes of spaces, LZW-coded."""
    packed = lzw_encode(b" " * inflated)
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _stream(packed, b"/Filter /LZWDecode "),
        _PAGE])


def pdf_flate_bomb(path: Path) -> None:
    _bomb_pdf(path, 2048 * MB)


def _office_bomb(path: Path, form: str, part: str, inject: bytes, at: bytes, lie: bool) -> None:
    members = zip_members(_report(form))
    xml = members[part]
    head, tail = xml.split(at, 1)
    stuffing = 1536 * MB

    def chunks():
        yield head
        yield from _repeat(inject, stuffing)
        yield at + tail

    write_zip(path, [(name, chunks() if name == part else [data],
                      len(xml) if lie and name == part else None)
                     for name, data in members.items()])


def docx_zip_bomb_lying_sizes(path: Path) -> None:
    """word/document.xml declares its own small size and inflates to 1.5 GB."""
    _office_bomb(path, "docx", "word/document.xml", b"<w:p/>" * 10, b"</w:body>", lie=True)


def xlsx_zip_bomb_lying_sizes(path: Path) -> None:
    members = zip_members(_report("xlsx"))
    sheet = next(n for n in members if n.startswith("xl/worksheets/sheet"))
    _office_bomb(path, "xlsx", sheet, b"<!-- -->" * 8, b"</sheetData>", lie=True)


def xlsx_zip_bomb_declared(path: Path) -> None:
    members = zip_members(_report("xlsx"))
    sheet = next(n for n in members if n.startswith("xl/worksheets/sheet"))
    _office_bomb(path, "xlsx", sheet, b"<!-- -->" * 8, b"</sheetData>", lie=False)


# ---------------------------------------------------------------- noisy, mixed, deep

def xls_stdout_warnings(path: Path) -> None:
    """A report XLS with bytes past its last sector: xlrd prints a WARNING to its logfile."""
    path.write_bytes(_report("xls") + b"\0" * 300)


def html_one_gbk_paragraph(path: Path) -> None:
    page = _html_report()
    cut = page.index("<p>五、存在的主要问题及改进情况</p>")
    odd = "<p>附：本段由旧系统导出，编码为国标码。</p>".encode("gb18030")
    path.write_bytes(page[:cut].encode() + odd + page[cut:].encode())


def html_deep_nesting(path: Path) -> None:
    depth = 200_000
    page = _html_report()
    cut = page.index("<div class=\"article\">")
    path.write_text(page[:cut] + "<div>" * depth + "x" + "</div>" * depth + page[cut:],
                    encoding="utf-8")


def docx_deep_nesting(path: Path) -> None:
    members = zip_members(_report("docx"))
    xml = members["word/document.xml"].decode()
    nest = "<w:tbl><w:tr><w:tc>" * 3000 + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * 3000
    members["word/document.xml"] = xml.replace("<w:body>", "<w:body>" + nest, 1).encode()
    path.write_bytes(rezip(members))


def pdf_deep_nesting(path: Path) -> None:
    depth = 100_000
    path.write_bytes(pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R /Nested " + b"[" * depth + b"]" * depth + b" >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _stream(_TEXT),
        _PAGE]))


# ---------------------------------------------------------------- real-like reports

def real_html_report(path: Path) -> None:
    path.write_text(_html_report(), encoding="utf-8")


def real_pdf_report(path: Path) -> None:
    path.write_bytes(_report("pdf"))


HOSTILE = {
    "review_row_ends_in_text.html": review_row_ends_in_text,
    "damaged_stream.pdf": pdf_damaged_stream,
    "without_mediabox.pdf": pdf_without_mediabox,
    "gridspan_not_a_number.docx": docx_gridspan_not_a_number,
    "cyclic_reference.pdf": pdf_cyclic_reference,
    "page_tree_cycle.pdf": pdf_page_tree_cycle,
    "xref_prev_loop.pdf": pdf_xref_prev_loop,
    "parent_ring.pdf": pdf_parent_ring,
    "huge_spans.html": html_huge_spans,
    "million_cells.html": html_million_cells,
    "huge_gridspan.docx": docx_huge_gridspan,
    "far_cell.xlsx": xlsx_far_cell,
    "huge_merge.xlsx": xlsx_huge_merge,
    "huge_merge.xls": xls_huge_merge,
    "flate_bomb.pdf": pdf_flate_bomb,
    "5000_pages.pdf": pdf_5000_pages,
    "50mb.txt": text_50mb,
    "zip_bomb_lying_sizes.docx": docx_zip_bomb_lying_sizes,
    "zip_bomb_lying_sizes.xlsx": xlsx_zip_bomb_lying_sizes,
    "zip_bomb_declared.xlsx": xlsx_zip_bomb_declared,
    "stdout_warnings.xls": xls_stdout_warnings,
    "one_gbk_paragraph.html": html_one_gbk_paragraph,
    "deep_nesting.html": html_deep_nesting,
    "deep_nesting.docx": docx_deep_nesting,
    "deep_nesting.pdf": pdf_deep_nesting,
}
REAL = {"real_report.html": real_html_report, "real_report.pdf": real_pdf_report}


def make(name: str, folder: Path) -> Path:
    path = Path(folder) / name
    if not path.exists():
        (HOSTILE | REAL)[name](path)
    return path


# ---------------------------------------------------------------- measuring

_LAUNCHER = """
import atexit, resource, runpy, sys
limit, peak_path = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

def peak():
    with open("/proc/self/status") as status, open(peak_path, "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))

atexit.register(peak)
sys.argv = ["gongkai", *sys.argv[3:]]
runpy.run_module("gongkai.cli", run_name="__main__", alter_sys=True)
"""


def _kill(child, peak_path: Path) -> None:
    """Past the timeout: note the peak so far (KB), then kill."""
    try:
        with open(f"/proc/{child.pid}/status") as status:
            peak_path.write_text(next(line.split()[1] for line in status
                                      if line.startswith("VmHWM:")))
    except (OSError, StopIteration):
        pass
    child.kill()


def measure(path: Path, *, memory_mb: int = 1024, timeout: float = 60, cwd: Path = REPO) -> dict:
    """`gongkai extract PATH --json` in a child under RLIMIT_AS and a timeout: seconds,
    peak RSS (MB), exit code, whether it timed out, stderr's tail and the JSON (or None)."""
    out_path = Path(str(path) + ".out")
    peak_path = Path(str(path) + ".peak")
    peak_path.unlink(missing_ok=True)
    with open(out_path, "wb") as out, open(str(path) + ".err", "wb") as err:
        started = time.monotonic()
        # The launcher sets the limit and runs the command in its own process, whose peak
        # (VmHWM) it writes at exit: a child's ru_maxrss would include this process's
        # size at the fork.
        child = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(memory_mb * MB),
                                  str(peak_path), "extract", str(path), "--json"],
                                 cwd=cwd, stdout=out, stderr=err)
        timer = threading.Timer(timeout, _kill, (child, peak_path))
        timer.start()
        try:
            _, status = os.waitpid(child.pid, 0)
        finally:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = Path(str(path) + ".err").read_text(encoding="utf-8", errors="replace")
    try:
        result = json.loads(stdout)
    except ValueError:
        result = None
    peak = int(peak_path.read_text()) // 1024 if peak_path.exists() else -1
    return {"seconds": round(seconds, 1), "peak_mb": peak,
            "exit": child.returncode, "timed_out": seconds >= timeout, "result": result,
            "traceback": "Traceback" in stderr, "stderr": stderr[-400:], "stdout": stdout[:200]}


def summary(measured: dict) -> str:
    result = measured["result"]
    if result is None:
        what = ("timed out" if measured["timed_out"] else
                "traceback: " + measured["stderr"].strip().splitlines()[-1][:90]
                if measured["stderr"].strip() else f"exit {measured['exit']}, no JSON")
    else:
        reason = (f"refused ({result['refused']}): " if result.get("refused") else "") + \
            ("; ".join(result["warnings"])[:150] or "no warning")
        what = f"{len(result['figures'])} figures · {reason}"
    return f"{measured['seconds']:6.1f} s {measured['peak_mb']:6d} MB  {what}"


def main(argv: list[str]) -> None:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--limit-mb", type=int, default=1024)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--cwd", type=Path, default=REPO,
                        help="where the child runs (another checkout, through PYTHONPATH)")
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    for name in args.names or [*HOSTILE, *REAL]:
        path = make(name, folder)
        print(f"{name:32} {summary(measure(path, memory_mb=args.limit_mb, timeout=args.timeout, cwd=args.cwd))}",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
