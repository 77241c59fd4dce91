"""A document (HTML page or plain text) as an ordered list of prose and tables.

Tables become grids with rowspan/colspan expanded, so a cell's column is known;
cell text is normalised (NBSP, \u3000, <br>, split <span>s, spaces Word puts
between CJK characters) once here, so later matching sees clean labels.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

from archive.encoding import decode as decode_bytes

# ---------------------------------------------------------------- text cleaning

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")
_ODD_SPACES = re.compile("[\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff\t\r\n\f\v]")
_RUNS = re.compile(" {2,}")


def clean(text: str | None) -> str:
    """One line of visible text: unified spaces, none between CJK characters."""
    if not text:
        return ""
    text = _ODD_SPACES.sub(" ", text)
    text = _RUNS.sub(" ", text).strip()
    return _CJK_GAP.sub("", text)


# ---------------------------------------------------------------- model

@dataclass(eq=False)
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

    def text(self) -> str:
        return "\n".join("\t".join(c.text for c in row) for row in self.rows)


@dataclass(eq=False)
class Prose:
    lines: list[str] = field(default_factory=list)
    # the element each line came from (HTML only), to locate the article body
    elements: list = field(default_factory=list)


@dataclass(eq=False)
class Document:
    blocks: list
    kind: str                                  # "html" | "text"
    meta: dict = field(default_factory=dict)   # lower-case <meta> names, plus "<title>"
    root: object = None

    def text(self) -> str:
        parts = []
        for block in self.blocks:
            parts.append("\n".join(block.lines) if isinstance(block, Prose) else block.text())
        return "\n".join(p for p in parts if p)

    def prose_lines(self) -> list[str]:
        return [line for b in self.blocks if isinstance(b, Prose) for line in b.lines]


# ---------------------------------------------------------------- decoding

def decode(data: bytes | str, content_type: str | None = None) -> str:
    """Text of a payload, read as the crawler reads it (archive.encoding)."""
    if isinstance(data, str):
        return data
    return decode_bytes(data, content_type)


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


def _tag(el) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None


def _has_inner_table(el) -> bool:
    return any(t is not el for t in el.iter("table"))


def _span(value, limit: int) -> int:
    try:
        n = int(str(value).strip() or 1)
    except ValueError:
        return 1
    return max(1, min(n, limit))


def cell_text(el) -> str:
    parts: list[str] = []

    def walk(e, top=False):
        tag = _tag(e)
        if tag is None or tag in _SKIP:
            if not top:
                parts.append(e.tail or "")
            return
        if tag in _BLOCK:
            parts.append("\n")
        parts.append(e.text or "")
        for child in e:
            walk(child)
        if tag in _BLOCK:
            parts.append("\n")
        if not top:
            parts.append(e.tail or "")

    walk(el, top=True)
    return clean("".join(parts))


def parse_table(el) -> Table:
    trs = list(el.iter("tr"))
    occupied: dict[tuple[int, int], Cell] = {}
    rows: list[list[Cell]] = []
    for r, tr in enumerate(trs):
        c, own = 0, []
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            cell = Cell(cell_text(td), r, c, _span(td.get("rowspan"), len(trs) - r),
                        _span(td.get("colspan"), 100))
            for i in range(cell.rowspan):
                for j in range(cell.colspan):
                    occupied[(r + i, c + j)] = cell
            own.append(cell)
            c += cell.colspan
        rows.append(own)
    width = max((c + 1 for (_, c) in occupied), default=0)
    grid = [[occupied.get((r, c)) for c in range(width)] for r in range(len(trs))]
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

    def walk(e, parent):
        tag = _tag(e)
        if tag is None or tag in _SKIP:
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
            walk(child, e)
        if block:
            out.newline()
        out.text(e.tail, parent)

    walk(root, root)
    return out.done()


def parse_html(text: str) -> Document:
    text = _XML_DECL.sub("", text)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception:  # lxml raises ParserError on empty or junk input
        return Document(blocks=[], kind="html")
    meta = {}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        if name and name not in meta:
            meta[name] = clean(m.get("content"))
    title = root.find(".//title")
    if title is not None:
        meta["<title>"] = clean(title.text_content())
    body = root.find("body")
    return Document(blocks=linearize(body if body is not None else root), kind="html",
                    meta=meta, root=root)


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


def parse(data: bytes | str, *, filename: str | None = None,
          content_type: str | None = None) -> Document:
    text = decode(data, content_type)
    if looks_like_html(text, filename, content_type):
        return parse_html(text)
    return parse_text(text)
