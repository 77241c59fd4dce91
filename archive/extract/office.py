"""DOCX (python-docx), XLSX (openpyxl) and XLS (xlrd) as prose and spanned grids.

Word's gridSpan/vMerge and the spreadsheets' merged ranges become the same
rowspan/colspan grids as HTML tables, so tables.py reads every form alike.
"""
from __future__ import annotations

import io

from .document import Document, blocks_of, clean, peel_prose, table_from_cells
from .limits import Refused, check


def _number_text(value) -> str:
    """Spreadsheet numbers as printed: 12.0 → '12', 7730.28 → '7730.28'."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# ---------------------------------------------------------------- DOCX

def _docx_text(element, qn) -> str:
    """Text of a paragraph or cell: runs, tabs and breaks; paragraphs on their own lines."""
    lines = []
    for p in element.iter(qn("w:p")):
        parts = []
        for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
            if node.tag == qn("w:t"):
                parts.append(node.text or "")
            else:
                parts.append(" " if node.tag == qn("w:tab") else "\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def _grid_number(value, what: str, least: int) -> int:
    """A w:gridSpan or w:gridBefore count; Word writes digits, damaged files anything."""
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise Refused("max_span", f"DOCX table {what} is '{str(value)[:20]}', not a number: "
                                  "the table cannot be laid out; the document was not read")
    check("max_span", n, f"a DOCX table {what}")
    return max(n, least)


def _docx_table(tbl, qn):
    """Boxes of a w:tbl: gridSpan widens a cell, vMerge="continue" lengthens the one above."""
    cells: list[list] = []
    open_at: dict[int, list] = {}     # grid column → the box a vertical merge continues
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        c = 0
        before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        if before is not None:
            c = _grid_number(before.get(qn("w:val"), 0), "gridBefore", 0)
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span, merge = 1, None
            if props is not None:
                grid_span = props.find(qn("w:gridSpan"))
                if grid_span is not None:
                    span = _grid_number(grid_span.get(qn("w:val"), 1), "gridSpan", 1)
                v_merge = props.find(qn("w:vMerge"))
                if v_merge is not None:
                    merge = v_merge.get(qn("w:val"), "continue")
            if merge == "continue" and c in open_at and open_at[c][3] == span:
                open_at[c][2] += 1
            else:
                box = [r, c, 1, span, _docx_text(tc, qn)]
                cells.append(box)
                for j in range(c, c + span):
                    open_at.pop(j, None)
                if merge == "restart":
                    open_at[c] = box
            c += span
    return table_from_cells([tuple(b) for b in cells])


def parse_docx(data: bytes) -> Document:
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:   # a damaged zip or a document part python-docx rejects
        return Document(blocks=[], kind="docx", warnings=[f"DOCX could not be opened: {error}"])
    items: list = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            items += [clean(line) for line in _docx_text(child, qn).split("\n")]
        elif child.tag == qn("w:tbl"):
            items += _peeled(_docx_table(child, qn))
    meta = {}
    title = clean(document.core_properties.title)
    if title:
        meta["articletitle"] = title
    images = [rel.target_ref for rel in document.part.rels.values() if "image" in rel.reltype]
    return Document(blocks=blocks_of(items), kind="docx", meta=meta, images=images)


def _peeled(table) -> list:
    before, core, after = peel_prose(table)
    return before + ([core] if core is not None else []) + after


# ---------------------------------------------------------------- spreadsheets

def _sheet_items(boxes: list[tuple[int, int, int, int, str]]) -> list:
    """A sheet's used boxes as a table, title rows above it as prose."""
    boxes = [b for b in boxes if b[4] != "" or b[2] > 1 or b[3] > 1]
    if not boxes:
        return []
    top = min(b[0] for b in boxes)
    left = min(b[1] for b in boxes)
    bottom = max(b[0] + b[2] for b in boxes)
    right = max(b[1] + b[3] for b in boxes)
    taken = {(r, c) for r0, c0, rs, cs, _ in boxes
             for r in range(r0, r0 + rs) for c in range(c0, c0 + cs)}
    # an empty cell inside the used range is a blank cell of the table
    filler = [(r, c, 1, 1, "") for r in range(top, bottom) for c in range(left, right)
              if (r, c) not in taken]
    shifted = [(r - top, c - left, rs, cs, t) for r, c, rs, cs, t in boxes + filler]
    return _peeled(table_from_cells(shifted))


def parse_xlsx(data: bytes) -> Document:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:   # openpyxl raises zip, XML and key errors on damaged files
        return Document(blocks=[], kind="xlsx", warnings=[f"XLSX could not be opened: {error}"])
    items: list = []
    for sheet in book.worksheets:
        # the used range is iterated cell by cell: one far cell (XFD1048576) makes it huge
        check("max_sheet_cells", (sheet.max_row - sheet.min_row + 1) *
              (sheet.max_column - sheet.min_column + 1), f"sheet {sheet.title}'s used range")
        spans = {(m.min_row, m.min_col): (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
                 for m in sheet.merged_cells.ranges}
        covered = {(r, c) for (r0, c0), (rs, cs) in spans.items()
                   for r in range(r0, r0 + rs) for c in range(c0, c0 + cs)} - set(spans)
        boxes = []
        for row in sheet.iter_rows():
            for cell in row:
                if (cell.row, cell.column) in covered:
                    continue
                rs, cs = spans.get((cell.row, cell.column), (1, 1))
                text = "" if cell.value is None else _number_text(cell.value)
                boxes.append((cell.row, cell.column, rs, cs, text))
        items += _sheet_items(boxes)
    meta = {}
    title = clean(book.properties.title)
    if title:
        meta["articletitle"] = title
    return Document(blocks=blocks_of(items), kind="xlsx", meta=meta)


def parse_xls(data: bytes) -> Document:
    import xlrd

    log = io.StringIO()     # xlrd prints its warnings to stdout unless given a logfile
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=log)
    except Exception as error:   # xlrd raises XLRDError and struct errors on damaged files
        return Document(blocks=[], kind="xls", warnings=[f"XLS could not be opened: {error}"])
    items: list = []
    for sheet in book.sheets():
        check("max_sheet_cells", sheet.nrows * sheet.ncols, f"sheet {sheet.name}'s used range")
        check("max_sheet_cells", sum((r1 - r0) * (c1 - c0) for r0, r1, c0, c1
                                     in sheet.merged_cells), f"sheet {sheet.name}'s merges")
        spans = {(r0, c0): (r1 - r0, c1 - c0) for r0, r1, c0, c1 in sheet.merged_cells}
        covered = {(r, c) for (r0, c0), (rs, cs) in spans.items()
                   for r in range(r0, r0 + rs) for c in range(c0, c0 + cs)} - set(spans)
        boxes = []
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                if (r, c) in covered:
                    continue
                cell = sheet.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    text = ""
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    text = _number_text(cell.value)
                else:
                    text = str(cell.value)
                rs, cs = spans.get((r, c), (1, 1))
                boxes.append((r, c, rs, cs, text))
        items += _sheet_items(boxes)
    said = [f"xlrd: {line.strip()}" for line in log.getvalue().splitlines() if line.strip()]
    return Document(blocks=blocks_of(items), kind="xls", warnings=said[:5])
