"""A document (HTML page or plain text) as an ordered list of prose and tables.

Tables become grids with rowspan/colspan expanded, so a cell's column is known;
cell text is normalised (NBSP, \u3000, <br>, split <span>s, spaces Word puts
between CJK characters) once here, so later matching sees clean labels.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from gongkai.archive.encoding import decode as decode_bytes

from .limits import check

# ---------------------------------------------------------------- text cleaning

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")
_ODD_SPACES = re.compile("[\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff\t\r\n\f\v]")
_RUNS = re.compile(" {2,}")


def clean(text: str | None) -> str:
    """One line of visible text: unified spaces, none between CJK characters."""
    if not text:
        return ""
    return _clean(text)


@lru_cache(maxsize=1 << 16)     # cell texts repeat across reports: labels, small numbers
def _clean(text: str) -> str:
    text = _ODD_SPACES.sub(" ", text)
    text = _RUNS.sub(" ", text).strip()
    return _CJK_GAP.sub("", text)


# ---------------------------------------------------------------- model

@dataclass(eq=False, slots=True)
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(eq=False)
class Table:
    """`rows[r]` holds the cells that start in row r, left to right.

    For HTML, `grid[r][c]` is the cell covering (r, c) after span expansion and
    `spans_known` is True. Plain text carries no spans: `grid` is `rows` as is.
    """
    rows: list[list[Cell]]
    grid: list[list[Cell | None]]
    spans_known: bool
    element: object = None
    # text() is asked for by identify() and twice more for the page text; the cells
    # do not change once the table is built, so it is joined once
    _text: str | None = field(default=None, repr=False)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.grid), default=0)

    def covering(self, r: int) -> list[Cell]:
        """Distinct cells covering row r (rowspans from above included), in column order."""
        if not self.spans_known:
            return list(self.rows[r])
        seen, out = set(), []
        for cell in self.grid[r]:
            if cell is not None and id(cell) not in seen:
                seen.add(id(cell))
                out.append(cell)
        return out

    def from_above(self, r: int) -> list[Cell]:
        """`covering(r)` less the cells that start in row r: the rowspans from above."""
        seen, out = set(), []
        for cell in self.grid[r]:
            if cell is not None and cell.row < r and id(cell) not in seen:
                seen.add(id(cell))
                out.append(cell)
        return out

    def text(self) -> str:
        if self._text is None:
            self._text = "\n".join("\t".join([c.text for c in row]) for row in self.rows)
        return self._text


@dataclass(eq=False)
class Prose:
    lines: list[str] = field(default_factory=list)
    # the element each line came from (HTML only), to locate the article body
    elements: list = field(default_factory=list)


@dataclass(eq=False)
class Document:
    blocks: list
    kind: str                                  # html | text | pdf | docx | xlsx | xls | doc | image
    meta: dict = field(default_factory=dict)   # lower-case <meta> names, plus "<title>"
    root: object = None
    images: list = field(default_factory=list)     # image URLs (HTML) or "#page=N" (PDF)
    warnings: list = field(default_factory=list)   # what the form itself kept us from reading
    _text: str | None = field(default=None, repr=False)

    def text(self) -> str:
        if self._text is None:
            parts = []
            for block in self.blocks:
                parts.append("\n".join(block.lines) if isinstance(block, Prose) else block.text())
            self._text = "\n".join(p for p in parts if p)
        return self._text

    def prose_lines(self) -> list[str]:
        return [line for b in self.blocks if isinstance(b, Prose) for line in b.lines]


# ---------------------------------------------------------------- grids from other forms

def table_from_cells(cells: list[tuple[int, int, int, int, str]]) -> Table:
    """A spanned grid from (row, col, rowspan, colspan, text) boxes, as PDF rulings,
    DOCX merges and spreadsheet merged ranges give them; the same model as HTML's."""
    _check_boxes(cells)
    occupied: dict[tuple[int, int], Cell] = {}
    by_row: dict[int, list[Cell]] = {}
    for r, c, rowspan, colspan, text in sorted(cells, key=lambda b: (b[0], b[1])):
        if (r, c) in occupied:      # overlapping boxes: the first one keeps the place
            continue
        cell = Cell(clean(text), r, c, max(1, rowspan), max(1, colspan))
        for i in range(cell.rowspan):
            for j in range(cell.colspan):
                occupied.setdefault((r + i, c + j), cell)
        by_row.setdefault(r, []).append(cell)
    height = max((r + 1 for (r, _) in occupied), default=0)
    width = max((c + 1 for (_, c) in occupied), default=0)
    rows = [by_row.get(r, []) for r in range(height)]
    for r, row in enumerate(rows):
        for cell in row:
            cell.row = r
    grid = [[occupied.get((r, c)) for c in range(width)] for r in range(height)]
    return Table(rows=rows, grid=grid, spans_known=True)


def _check_boxes(cells: list[tuple[int, int, int, int, str]]) -> None:
    """Spans and the grid's extent within bounds, before a slot of it is laid out."""
    if not cells:
        return
    check("max_span", max(max(b[2], b[3]) for b in cells), "a cell's span")
    check("max_table_cells", sum(max(1, b[2]) * max(1, b[3]) for b in cells),
          "a table's cells, spans laid out,")
    height = max(b[0] + max(1, b[2]) for b in cells) - min(b[0] for b in cells)
    width = max(b[1] + max(1, b[3]) for b in cells) - min(b[1] for b in cells)
    check("max_table_cells", height * width, "a table's rows × columns")


def transpose(table: Table) -> Table:
    """Rows as columns: a table printed with one row per applicant type reads like the
    template once turned."""
    if table.spans_known:
        cells = {id(c): c for row in table.rows for c in row}.values()
        return table_from_cells([(c.col, c.row, c.colspan, c.rowspan, c.text) for c in cells])
    width = max((len(r) for r in table.rows), default=0)
    return table_from_cells([(c, r, 1, 1, row[c].text if c < len(row) else "")
                             for r, row in enumerate(table.rows) for c in range(width)])


def _banner(table: Table, r: int) -> bool:
    """A row that is one cell across the whole table: a title or a line of prose."""
    row = table.rows[r]
    return len(row) == 1 and row[0].colspan == table.width and row[0].rowspan == 1 and \
        all(cell is row[0] for cell in table.grid[r])


def peel_prose(table: Table) -> tuple[list[str], Table | None, list[str]]:
    """Banner rows above and below a table are prose (a sheet's title row, PDF text
    boxed by highlight rectangles); what is left is the table, if anything."""
    top, bottom = 0, len(table.rows)
    while top < bottom and (_banner(table, top) or not table.rows[top]):
        top += 1
    while bottom > top and (_banner(table, bottom - 1) or not table.rows[bottom - 1]):
        bottom -= 1
    before = [c.text for r in range(top) for c in table.rows[r] if c.text]
    after = [c.text for r in range(bottom, len(table.rows)) for c in table.rows[r] if c.text]
    if bottom - top <= 0:
        return before + after, None, []
    if top == 0 and bottom == len(table.rows):
        return [], table, []
    cells = [(c.row - top, c.col, min(c.rowspan, bottom - c.row), c.colspan, c.text)
             for r in range(top, bottom) for c in table.rows[r]]
    return before, table_from_cells(cells), after


def blocks_of(items: list) -> list:
    """Blocks from a sequence of prose lines (str) and tables, in document order."""
    blocks: list = []
    for item in items:
        if isinstance(item, Table):
            blocks.append(item)
        elif item:
            if not blocks or not isinstance(blocks[-1], Prose):
                blocks.append(Prose())
            blocks[-1].lines.append(item)
            blocks[-1].elements.append(None)
    return blocks


# ---------------------------------------------------------------- decoding

def decode(data: bytes | str, content_type: str | None = None) -> str:
    """Text of a payload, read as the crawler reads it (archive.encoding)."""
    if isinstance(data, str):
        return data
    return decode_bytes(data, content_type)


# Pieces a page is cut into to find the parts in another encoding: '<', '>' and line
# ends never occur inside a GBK character, so a cut never splits one.
_PIECES = re.compile(rb"([<>\n])")


def decode_mixed(data: bytes | str, content_type: str | None = None) -> tuple[str, str | None]:
    """The page's text, and a warning when parts of a UTF-8 page are in GB18030 (a
    paragraph pasted from an old system): those parts alone are read as GB18030,
    instead of the whole page misread in one encoding."""
    if isinstance(data, str):
        return data, None
    if data[:3] == b"\xef\xbb\xbf" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return decode(data, content_type), None     # a byte order mark says it all
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    pieces = _PIECES.split(data)
    valid, odd = 0, 0
    for piece in pieces:
        if piece.isascii():
            continue
        try:
            piece.decode("utf-8")
            valid += 1
        except UnicodeDecodeError:
            odd += 1
    if valid <= odd:        # a page in one other encoding: read as the crawler reads it
        return decode(data, content_type), None
    out = []
    for piece in pieces:
        try:
            out.append(piece.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(piece.decode("gb18030", errors="replace"))
    return "".join(out), (f"{odd} of {valid + odd} parts of this UTF-8 page are not UTF-8: "
                          "read as GB18030")


def looks_like_html(text: str, filename: str | None = None,
                    content_type: str | None = None) -> bool:
    if content_type:
        ct = content_type.lower()
        if "html" in ct or "xml" in ct:
            return True
        if ct.startswith("text/plain") or "markdown" in ct:
            return False
    if filename:
        name = filename.lower().split("?")[0]
        if name.endswith((".html", ".htm", ".shtml", ".xhtml", ".jsp", ".php", ".asp", ".aspx")):
            return True
        if name.endswith((".txt", ".md", ".text")):
            return False
    return bool(re.search(r"<(?:html|body|table|p|div|br)\b", text[:20000], re.I))


# ---------------------------------------------------------------- HTML

_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "object", "select",
         "textarea", "svg", "button"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5",
          "h6", "section", "article", "header", "footer", "nav", "blockquote", "pre", "dd",
          "dt", "dl", "hr", "form", "center", "caption", "table", "tbody", "thead", "tfoot",
          "main", "aside", "address", "figure", "figcaption"}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# Images every page of a portal carries (logos, QR codes, accessibility and error-report badges).
_CHROME_IMAGE = re.compile(r"logo|icon|banner|qrcode|erweima|ewm|wza|jiucuo|zfjc|beian|gongan|"
                           r"police|search|weixin|weibo|share|print|close|arrow|dot\.|line\.|"
                           r"bg[_.]|spacer|blank\.", re.I)


_HTML_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_BLOCK_OR_SKIP = frozenset(_BLOCK | _SKIP)


def _tag(el) -> str | None:
    tag = el.tag
    return tag if isinstance(tag, str) else None     # the HTML parser lower-cases names


def _has_inner_table(el) -> bool:
    return any(t is not el for t in el.iter("table"))


def _span(value, limit: int) -> int:
    if value is None:
        return 1
    try:
        n = int(str(value).strip() or 1)
    except ValueError:
        return 1
    return max(1, min(n, limit))


def cell_text(el) -> str:
    children = len(el)
    if not children:
        text = el.text
        return _clean(text) if text else ""     # clean() inlined: most cells end here
    if children == 1:
        # One leaf inside (<p>, <span>, <br>): its text, as libxml2's join below would give.
        child = el[0]
        tag = child.tag
        if not len(child) and isinstance(tag, str) and tag not in _SKIP:
            return clean((el.text or "") + (child.text or "") + (child.tail or ""))
    # With at most one block inside, block boundaries add nothing: let libxml2 join the text.
    blocks = 0
    for inner in el.iterdescendants():
        tag = inner.tag
        if tag in _BLOCK_OR_SKIP:
            blocks += 1
            if blocks > 1 or tag in _SKIP:
                break
    else:
        return clean(etree.tostring(el, method="text", encoding=str, with_tail=False))
    parts: list[str] = []
    _cell_parts(el, parts, top=True)
    return clean("".join(parts))


# The walks below are module functions, not closures: a closure that calls itself is
# a reference cycle, which kept each page's whole tree and grid alive until Python's
# cycle collector came by, and that collector then took a fifth of the extractor's time.

def _cell_parts(e, parts: list[str], top: bool = False) -> None:
    tag = _tag(e)
    if tag is None or tag in _SKIP:
        if not top:
            parts.append(e.tail or "")
        return
    if tag in _BLOCK:
        parts.append("\n")
    parts.append(e.text or "")
    for child in e:
        _cell_parts(child, parts)
    if tag in _BLOCK:
        parts.append("\n")
    if not top:
        parts.append(e.tail or "")


def _cover(grid: list[list[Cell | None]], cell: Cell) -> None:
    """Put a spanning cell in every free slot it covers, growing the rows as needed."""
    c, end = cell.col, cell.col + cell.colspan
    for i in range(cell.row, cell.row + cell.rowspan):
        below = grid[i]
        if len(below) < end:
            below.extend([None] * (end - len(below)))
        for j in range(c, end):
            if below[j] is None:
                below[j] = cell


def parse_table(el) -> Table:
    trs = list(el.iter("tr"))
    n = len(trs)
    grid: list[list[Cell | None]] = [[] for _ in range(n)]
    rows: list[list[Cell]] = []
    slots = 0       # grid slots spanned cells claim: bounded before they are laid out
    for r, tr in enumerate(trs):
        line = grid[r]
        c, own = 0, []
        for td in tr:
            tag = td.tag
            if tag != "td" and tag != "th":
                continue
            while c < len(line) and line[c] is not None:
                c += 1
            attrib = td.attrib
            if attrib and ("rowspan" in attrib or "colspan" in attrib):    # most have none
                rowspan = _span(attrib.get("rowspan"), n - r)
                colspan = _span(attrib.get("colspan"), 100)
                slots += rowspan * colspan
                check("max_table_cells", slots, "an HTML table's cells, spans laid out,")
                cell = Cell(cell_text(td), r, c, rowspan, colspan)
                _cover(grid, cell)
                c += colspan
            else:
                # most cells span nothing: the while loop above left (r, c) free
                cell = Cell(cell_text(td), r, c)
                if c == len(line):
                    line.append(cell)
                else:
                    line[c] = cell
                c += 1
            own.append(cell)
        rows.append(own)
        slots += len(own)
        check("max_table_cells", slots, "an HTML table's cells")
    width = max((len(line) for line in grid), default=0)
    check("max_table_cells", n * width, "an HTML table's rows × columns")
    for line in grid:
        if len(line) < width:
            line.extend([None] * (width - len(line)))
    return Table(rows=rows, grid=grid, spans_known=True, element=el)


class _Blocks:
    """Collects prose lines and tables in document order."""

    def __init__(self):
        self.blocks: list = []
        self.prose = Prose()
        self.buf: list[str] = []
        self.buf_el = None

    def text(self, s: str | None, el):
        if s:
            if self.buf_el is None and s.strip():
                self.buf_el = el
            self.buf.append(s)

    def newline(self):
        if not self.buf:        # most block boundaries follow another: nothing to flush
            return
        line = clean("".join(self.buf))
        if line:
            self.prose.lines.append(line)
            self.prose.elements.append(self.buf_el)
        self.buf, self.buf_el = [], None

    def table(self, table: Table):
        self.newline()
        if self.prose.lines:
            self.blocks.append(self.prose)
            self.prose = Prose()
        self.blocks.append(table)

    def done(self) -> list:
        self.newline()
        if self.prose.lines:
            self.blocks.append(self.prose)
        return self.blocks


def linearize(root) -> list:
    """Prose and leaf tables under `root`, in order. Tables holding tables are layout."""
    out = _Blocks()
    _walk(root, root, out)
    return out.done()


def _walk(e, parent, out: _Blocks) -> None:
    tag = e.tag         # _tag() inlined: this runs for every element of the page
    if not isinstance(tag, str) or tag in _SKIP:
        out.text(e.tail, parent)
        return
    if tag == "table" and not _has_inner_table(e):
        out.table(parse_table(e))
        out.text(e.tail, parent)
        return
    block = tag in _BLOCK
    if block:
        out.newline()
    out.text(e.text, e)
    for child in e:
        _walk(child, e, out)
    if block:
        out.newline()
    out.text(e.tail, parent)


def _out_of_memory(error: Exception) -> bool:
    """libxml2 short of memory gives up like on junk: only its error log tells them apart,
    and an empty page in its place would be a silent loss."""
    return any(entry.type_name == "ERR_NO_MEMORY" for entry in getattr(error, "error_log", ()))


def parse_html(text: str) -> Document:
    text = _XML_DECL.sub("", text)
    try:
        # plain etree elements: lxml.html's element classes cost a Python call per element
        root = etree.fromstring(text, _HTML_PARSER)
    except Exception as error:  # lxml raises on junk input
        if _out_of_memory(error):
            raise MemoryError("libxml2 ran out of memory reading the page") from error
        root = None
    if root is None:    # empty input
        return Document(blocks=[], kind="html")
    meta = {}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        if name and name not in meta:
            meta[name] = clean(m.get("content"))
    title = root.find(".//title")
    if title is not None:
        meta["<title>"] = clean("".join(title.itertext()))
    body = root.find("body")
    body = body if body is not None else root
    images = [img.get("src").strip() for img in body.iter("img")
              if (img.get("src") or "").strip() and not _CHROME_IMAGE.search(img.get("src"))]
    # libxml2 stops at a fatal error (elements nested over 256 deep) and keeps what it
    # read so far: the rest of the page is missing from the result, which must say so.
    warnings = [f"the page was read only up to line {error.line}: {error.message}"
                for error in _HTML_PARSER.error_log if error.level_name == "FATAL"]
    blocks = linearize(body)
    if _cut_in_a_table(text, blocks):
        warnings.append("the page ends inside a table (cut short): its last row is not read")
    return Document(blocks=blocks, kind="html", meta=meta, root=root, images=images,
                    warnings=warnings)


_TABLE_TAGS = re.compile(r"<(/?)table\b", re.I)


def _cut_in_a_table(text: str, blocks: list) -> bool:
    """A page that ends inside a <table> was cut short (a broken download or upload):
    its last cell may hold part of a number ('1' of '15'), so the last table loses its
    last row. The tail alone is searched: the tag last seen decides."""
    last = None
    for last in _TABLE_TAGS.finditer(text, max(0, len(text) - 200_000)):
        pass
    if last is None or last.group(1) or not blocks or not isinstance(blocks[-1], Table) \
            or not blocks[-1].rows:
        return False
    table = blocks[-1]
    table.rows.pop()
    table.grid.pop()
    return True


# ---------------------------------------------------------------- plain text

_MD_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _text_table(rows: list[list[str]]) -> Table:
    cells = [[Cell(clean(t), r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)]
    return Table(rows=cells, grid=cells, spans_known=False)


def parse_text(text: str) -> Document:
    """Page text where each table cell is a TAB-led line, or markdown pipe tables.

    In the TAB form a line without a TAB right after a cell continues that cell
    (Word wraps 商业/企业), blank lines separate rows, and any other line is prose.
    Tables flattened any other way (pipe rows, a cell a line) are flattened.py's.
    """
    blocks: list = []
    prose: list[str] = []
    rows: list[list[str]] = []
    row: list[str] | None = None
    after_cell = False
    md_rows: list[list[str]] = []

    def end_row():
        nonlocal row
        if row is not None:
            rows.append(row)
            row = None

    def end_tables():
        nonlocal rows, md_rows
        end_row()
        for found in (rows, md_rows):
            if found:
                if prose:
                    blocks.append(Prose(lines=list(prose)))
                    prose.clear()
                blocks.append(_text_table(found))
        rows, md_rows = [], []

    for line in text.splitlines():
        if line.startswith("\t"):
            if md_rows:
                end_tables()
            if row is None:
                row = []
            row.append(line[1:])
            after_cell = True
        elif not line.strip():
            end_row()
            if md_rows:
                end_tables()
            after_cell = False
        elif _MD_ROW.match(line):
            if rows or row is not None:
                end_tables()
            if not _MD_RULE.match(line):
                md_rows.append([c.strip() for c in line.strip().strip("|").split("|")])
            after_cell = False
        elif row is not None and after_cell:
            row[-1] += "\n" + line
        else:
            end_tables()
            if clean(line):
                prose.append(clean(line))
            after_cell = False
    end_tables()
    if prose:
        blocks.append(Prose(lines=prose))
    return Document(blocks=blocks, kind="text")


