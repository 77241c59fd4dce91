"""Attachment files made with the libraries real offices' tools resemble: reportlab (a text PDF
with ruled tables; table 三 always crosses a page break), python-docx, openpyxl (XLSX), xlwt
(XLS) and Pillow (the scanned image of a table, with no text layer at all).

Every file is a pure function of the report: fixed timestamps in the metadata and in the zip
members, reportlab's invariant mode, so the same seed gives the same bytes.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections import OrderedDict
from datetime import datetime

from .forms import report_blocks
from .report_body import Cell

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
}

TABLE_TITLES = {"proactive": "二、主动公开政府信息情况", "applications": "三、收到和处理政府信息公开申请情况",
                "review": "四、政府信息公开行政复议、行政诉讼情况"}


def _tables(report) -> list[tuple[str, list]]:
    return [(b[1], b[2]) for b in report_blocks(report) if b[0] == "table"]


def _grid(rows) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) for every cell, columns counted on the full grid."""
    covered = set()
    out = []
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while (r, col) in covered:
                col += 1
            out.append((r, col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered.add((r + dr, col + dc))
            col += cell.colspan
    return out


def _width(rows) -> int:
    return max(c + cell.colspan for _, c, cell in _grid(rows))


def _cell_text(cell: Cell) -> str:
    return "" if cell.blank else cell.text


def _created(report) -> datetime:
    when = report.published_at or datetime(report.published.year, report.published.month, report.published.day)
    return when.replace(second=0, microsecond=0)


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """Re-pack a zip with one fixed timestamp so that saving twice gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(when.year, when.month, when.day, when.hour, when.minute, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the time of saving here, whatever the workbook says
                content = _MODIFIED.sub(rb"\g<1>" + when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                                        + rb"\g<2>", content)
            dst.writestr(fixed, content)
    return out.getvalue()


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


# --- PDF --------------------------------------------------------------------------------------

FONT = "STSong-Light"
_font_lock = threading.Lock()
_font_ready = False


def _register_font() -> None:
    global _font_ready
    with _font_lock:
        if not _font_ready:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
            _font_ready = True


def _wrap(text: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and stringWidth(line + ch, FONT, size) > width:
                lines.append(line)
                line = ch
            else:
                line += ch
        lines.append(line)
    return lines


COLUMN_WEIGHTS = {
    "proactive": [3.2, 1.6, 1.6, 1.6],
    "applications": [0.7, 1.1, 4.6] + [1.15] * 7,
    "review": [1.0] * 15,
}


class _PdfLayout:
    """A top-down page flow on a reportlab canvas."""

    def __init__(self, canvas, page_w, page_h, margin=56, ruled=True):
        self.c = canvas
        self.ruled = ruled
        self.w, self.h = page_w, page_h
        self.left, self.right = margin, page_w - margin
        self.top, self.bottom = page_h - 60, 60
        self.y = self.top
        self.page = 1

    def new_page(self):
        self.c.showPage()
        self.page += 1
        self.y = self.top

    def text(self, text: str, size: float = 11, indent: bool = True, align: str = "left", leading: float = 19):
        width = self.right - self.left
        body = ("\u3000\u3000" + text) if indent else text
        for line in _wrap(body, size, width):
            if self.y - leading < self.bottom:
                self.new_page()
            self.y -= leading
            self.c.setFont(FONT, size)
            if align == "center":
                self.c.drawCentredString((self.left + self.right) / 2, self.y, line)
            elif align == "right":
                self.c.drawRightString(self.right, self.y, line)
            else:
                self.c.drawString(self.left, self.y, line)

    def _place(self, heights, cut: int | None) -> list[tuple[int, float]]:
        """(page, y of the top edge) of each row, breaking pages where rows no longer fit or at
        row ``cut``."""
        tops = []
        page, y = self.page, self.y
        for r, h in enumerate(heights):
            if y - h < self.bottom or r == cut:
                page, y = page + 1, self.top
            tops.append((page, y))
            y -= h
        return tops

    def table(self, name: str, rows, force_break: bool = False):
        size, leading, pad = 8.5, 11, 3
        cells = _grid(rows)
        n_cols = _width(rows)
        weights = COLUMN_WEIGHTS.get(name)
        if not weights or len(weights) != n_cols:
            weights = [1.0] * n_cols
        total = self.right - self.left
        xs = [self.left]
        for wgt in weights:
            xs.append(xs[-1] + total * wgt / sum(weights))
        heights = [leading + 2 * pad] * len(rows)
        for r, c, cell in cells:
            if cell.rowspan == 1:
                lines = _wrap(_cell_text(cell), size, xs[c + cell.colspan] - xs[c] - 2 * pad)
                heights[r] = max(heights[r], len(lines) * leading + 2 * pad)
        # place rows on pages; table 三 is long enough to cross a page in real reports, and
        # here it always does, with at least three rows on either side of the break
        tops = self._place(heights, None)
        if force_break:
            first = sum(1 for p, _ in tops if p == tops[0][0])
            if not 3 <= first <= len(rows) - 3:
                if first < 3:
                    self.new_page()
                tops = self._place(heights, len(rows) // 2)
        last_page = tops[-1][0]
        # draw page by page, a spanned cell as one box per page it touches
        for p in range(self.page, last_page + 1):
            if p > self.page:
                self.c.showPage()
            self.c.setLineWidth(0.6)
            for r, c, cell in cells:
                seg = [rr for rr in range(r, r + cell.rowspan) if tops[rr][0] == p]
                if not seg:
                    continue
                y_top = tops[seg[0]][1]
                y_bot = tops[seg[-1]][1] - heights[seg[-1]]
                x0, x1 = xs[c], xs[c + cell.colspan]
                if self.ruled:
                    self.c.rect(x0, y_bot, x1 - x0, y_top - y_bot, stroke=1, fill=0)
                pages_of_cell = {tops[rr][0] for rr in range(r, r + cell.rowspan)}
                longest = max(pages_of_cell, key=lambda pg: (sum(1 for rr in range(r, r + cell.rowspan) if tops[rr][0] == pg), -pg))
                if p != longest:
                    continue
                text = _cell_text(cell)
                if not text:
                    continue
                width = x1 - x0 - 2 * pad
                narrow = width < size * 2.2 and "\n" not in text
                lines = list(text) if narrow else _wrap(text, size, width)
                block = len(lines) * leading
                y_line = (y_top + y_bot) / 2 + block / 2 - leading + 2.5
                self.c.setFont(FONT, size)
                for line in lines:
                    self.c.drawCentredString((x0 + x1) / 2, y_line, line)
                    y_line -= leading
        self.page = last_page
        self.y = tops[-1][1] - heights[-1] - 8
        return {"first_page": tops[0][0], "last_page": tops[-1][0]}


def pdf_bytes(report, *, ruled: bool = True) -> bytes:
    """The report as a PDF; unruled, its tables are the same text at the same places
    without borders, as some offices print them."""
    _register_font()
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(report.title)
    c.setAuthor(report.agency.name)
    c.setCreator("WPS 文字")
    layout = _PdfLayout(c, *A4, ruled=ruled)
    layout.text(report.title, size=16, indent=False, align="center", leading=28)
    layout.y -= 8
    for block in report_blocks(report):
        kind = block[0]
        if kind == "table":
            layout.table(block[1], block[2], force_break=block[1] == "applications")
        elif kind in ("heading", "subheading"):
            layout.text(block[1], size=12 if kind == "heading" else 11)
        elif kind == "sign":
            layout.text(block[1], indent=False, align="right")
        else:
            layout.text(block[1])
    c.showPage()
    c.save()
    return buf.getvalue()


# --- DOCX -------------------------------------------------------------------------------------


def docx_bytes(report) -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "仿宋_GB2312"
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    title = d.add_paragraph()
    title.alignment = 1
    run = title.add_run(report.title)
    run.bold = True
    run.font.size = Pt(18)
    for block in report_blocks(report):
        kind = block[0]
        if kind == "table":
            rows = block[2]
            table = d.add_table(rows=len(rows), cols=_width(rows))
            table.style = "Table Grid"
            width = _width(rows)
            flat = table._cells  # looked up once: table.cell() rescans the whole grid per call
            placed = _grid(rows)
            origins = {}
            for r, c, cell in placed:
                target = flat[r * width + c]
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(flat[(r + cell.rowspan - 1) * width + c + cell.colspan - 1])
                origins[(r, c)] = target
            for r, c, cell in placed:
                target = origins[(r, c)]
                lines = _cell_text(cell).split("\n")
                target.paragraphs[0].text = lines[0]
                for line in lines[1:]:
                    target.add_paragraph(line)
        elif kind in ("heading", "subheading"):
            p = d.add_paragraph()
            p.add_run(block[1]).bold = True
        elif kind == "sign":
            p = d.add_paragraph(block[1])
            p.alignment = 2
        else:
            p = d.add_paragraph("\u3000\u3000" + block[1])
    props = d.core_properties
    when = _created(report)
    props.author = report.agency.name
    props.last_modified_by = report.agency.name
    props.title = report.title
    props.comments = ""
    props.created = when
    props.modified = when
    props.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue(), when)


# --- spreadsheets ------------------------------------------------------------------------------


def _cell_value(cell: Cell):
    if cell.blank:
        return None
    if cell.value:
        text = cell.text.strip()
        try:
            return float(text) if "." in text else int(text)
        except ValueError:
            return text
    return cell.text


def xlsx_bytes(report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for name, rows in _tables(report):
        ws = wb.create_sheet(TABLE_TITLES[name][:2].rstrip("、") + TABLE_TITLES[name][2:12])
        width = _width(rows)
        ws.cell(row=1, column=1, value=f"{report.title}·{TABLE_TITLES[name]}")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        for r, c, cell in _grid(rows):
            row, col = r + 2, c + 1
            ws.cell(row=row, column=col, value=_cell_value(cell))
            ws.cell(row=row, column=col).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.cell(row=row, column=col).border = border
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=row, start_column=col, end_row=row + cell.rowspan - 1,
                               end_column=col + cell.colspan - 1)
    when = _created(report)
    wb.properties.creator = report.agency.name
    wb.properties.lastModifiedBy = report.agency.name
    wb.properties.title = report.title
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue(), when)


def xls_bytes(report) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    style = xlwt.easyxf("align: horiz center, vert center, wrap on; borders: left thin, right thin, top thin, bottom thin")
    for name, rows in _tables(report):
        ws = wb.add_sheet(TABLE_TITLES[name][:2].rstrip("、") + TABLE_TITLES[name][2:12])
        width = _width(rows)
        ws.write_merge(0, 0, 0, width - 1, f"{report.title}·{TABLE_TITLES[name]}")
        for r, c, cell in _grid(rows):
            value = _cell_value(cell)
            value = "" if value is None else value
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.write_merge(r + 1, r + cell.rowspan, c, c + cell.colspan - 1, value, style)
            else:
                ws.write(r + 1, c, value, style)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- PNG (a scanned table: grid and digits, labels only as ink, no text layer) ----------------


def png_bytes(report, index: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    name, rows = _tables(report)[index]
    cells = _grid(rows)
    n_cols = _width(rows)
    weights = COLUMN_WEIGHTS.get(name) or [1.0] * n_cols
    if len(weights) != n_cols:
        weights = [1.0] * n_cols
    total, row_h, margin = 1100, 34, 30
    xs = [margin]
    for wgt in weights:
        xs.append(xs[-1] + total * wgt / sum(weights))
    height = margin * 2 + row_h * len(rows)
    img = Image.new("L", (total + 2 * margin, height), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=18)
    for r, c, cell in cells:
        x0, x1 = xs[c], xs[c + cell.colspan]
        y0, y1 = margin + r * row_h, margin + (r + cell.rowspan) * row_h
        draw.rectangle([x0, y0, x1, y1], outline=0, width=2)
        text = _cell_text(cell)
        if not text:
            continue
        if cell.value:
            draw.text(((x0 + x1) / 2, (y0 + y1) / 2), text, fill=20, font=font, anchor="mm")
        else:
            # a label as a scanner leaves it to a program without OCR: ink, not characters
            chars = min(len(text.replace("\n", "")), int((x1 - x0 - 8) // 13))
            start = (x0 + x1) / 2 - chars * 6.5
            mid = (y0 + y1) / 2
            for k in range(chars):
                draw.rectangle([start + 13 * k + 1, mid - 6, start + 13 * k + 11, mid + 6], fill=90)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


# --- the cache in front of them ------------------------------------------------------------------

_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 64


def document_bytes(report, kind: str, index: int = 0) -> bytes:
    """The file of ``kind`` for the report as shown today (``report`` is already the version the
    clock selects), cached because building a PDF takes tens of milliseconds."""
    key = (report.agency.site, report.uuid, kind, index, _version_key(report))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    if kind == "pdf":
        data = pdf_bytes(report)
    elif kind == "docx":
        data = docx_bytes(report)
    elif kind == "xlsx":
        data = xlsx_bytes(report)
    elif kind == "xls":
        data = xls_bytes(report)
    elif kind == "png":
        data = png_bytes(report, index)
    else:
        raise ValueError(kind)
    with _cache_lock:
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def _version_key(report) -> int:
    # the pre-edit version differs from the stored content in one cell
    return hash_values(report.values)


def hash_values(values: dict) -> int:
    total = 0
    for i, (k, v) in enumerate(sorted(values.items())):
        total = (total * 31 + (int(v * 100) if isinstance(v, float) else (v or 0)) + i) % 1_000_000_007
    return total
