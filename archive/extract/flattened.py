"""Reports that reach us as flattened text: the page's tables lost their grid.

Web archives, copy-paste and converters print a table as pipe rows (`规章 | 2 | 2 | 3 |`,
with or without the leading pipe, markdown without its separator line), as one cell per
line (blank lines, ` |` or lone `|` lines between the cells), or as label-and-numbers
lines of a page dump. None of them says which column a figure is under except by its
order, and most drop blank cells. So the rows are rebuilt from the labels the template
prints (a row label starts a row, the figures after it are its cells) and blank cells are
dropped: a row whose figures are fewer (or more) than its header's columns is left for
tables.py to name in a warning, never spread over the columns by guess. Where a blank
cell still shows (a line of spaces, a third empty line between cells), the figures after
it are not placed either.

The tables are cut out by the report's section headings (二、主动公开… 三、收到和处理…
四、…行政复议…); each becomes one `Table` without spans, read by tables.py like any other.
What the text does not hold (a table missing, an excerpt that stops mid-table, a header
whose columns cannot be told apart) is said in the document's warnings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import labels as L
from .document import Cell, Document, Prose, Table, clean
from .tables import _application_label, _review_by_reading_order, parse_value

# ---------------------------------------------------------------- the form

_TAB_CELL = re.compile(r"^\t", re.M)
_TSV_ROW = re.compile(r"^\t*[^\t\n]*[^\s][^\t\n]*\t", re.M)   # a cell, then a TAB: a sheet's row
_MD_RULE = re.compile(r"^(?=[^\n]*\|)\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", re.M)
_SECTION = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")
_PROSE = re.compile(r"[。；;！？]")
_TABLE_NAMES = {"proactive": "二、主动公开政府信息情况",
                "applications": "三、收到和处理政府信息公开申请情况",
                "review": "四、政府信息公开行政复议、行政诉讼情况"}
# Lines that open a report table even where its section heading was lost.
_OPENERS = (("第二十条", "proactive"), ("勾稽关系", "applications"),
            ("申请人情况", "applications"))


def is_flattened(text: str) -> bool:
    """A text whose tables are flattened and hold a report table; not the TAB-led cells
    document.parse_text reads, nor markdown whose separator lines stand anywhere but
    under a table's first row (a converter's shattered tables, read there too)."""
    if (_TAB_CELL.search(text) and not _TSV_ROW.search(text)) or not _markdown_whole(text):
        return False
    return any(marker in text for marker in ("第二十条", "信息内容", "申请人情况", "本年新收"))


def _markdown_whole(text: str) -> bool:
    """Every markdown separator line stands under the first row of its table."""
    if not _MD_RULE.search(text):
        return True
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _MD_RULE.match(line):
            if i < 1 or "|" not in lines[i - 1] or (i >= 2 and "|" in lines[i - 2]):
                return False
    return True


# ---------------------------------------------------------------- regions

@dataclass
class _Region:
    table: str | None               # proactive | applications | review | None (prose)
    lines: list[str] = field(default_factory=list)
    heading: str | None = None


def _heading(line: str) -> tuple[bool, str | None]:
    """(a section heading, the table it introduces). 一、本年新收… is a row, not a heading."""
    text = clean(line)
    if not _SECTION.match(text) or len(text) > 60 or "|" in text \
            or not L.first_match(text, L.SECTIONS):
        return False, None
    return True, L.first_match(text, L.TABLE_HEADINGS)


def _regions(text: str) -> list[_Region]:
    regions = [_Region(None)]
    for line in text.splitlines():
        is_heading, table = _heading(line)
        if is_heading:
            regions.append(_Region(table, heading=clean(line)))
            continue
        opener = None
        if regions[-1].table is None and any(w[:2] in line for w, _ in _OPENERS):
            squashed = L.squash_text(line)
            opener = next((t for word, t in _OPENERS if squashed.startswith(word)
                           or (word == "勾稽关系" and word in squashed[:12])), None)
        if opener:
            regions.append(_Region(opener))
        regions[-1].lines.append(line)
    return regions


# ---------------------------------------------------------------- tokens

BREAK = None        # a row boundary the text itself marks (the end of a pipe row)


class _Hole:
    """A blank cell a cell-a-line text still shows (a line of spaces, a third empty line)."""


HOLE = _Hole()


class Explicit(str):
    """A cell a pipe row delimits: never joined to the cell before it."""


def _pipe_rows(lines: list[str]) -> bool:
    """Pipe rows (one table row a line) rather than one cell a line: several lines
    hold two or more cells between pipes."""
    rows = sum(1 for line in lines
               if line.count("|") and sum(1 for p in line.split("|") if p.strip()) >= 2)
    return rows >= 2


def _line_cells(line: str) -> list[str]:
    """A page-dump line 'label 1 2 3' gives its label and its figures; other lines
    are one cell. Spaces inside a label (本年新 制作数量) stay inside it."""
    words = line.split()
    if len(words) > 1 and all(_number(w) or _header_word(w) for w in words):
        return words            # a header or a row of figures: one cell a word
    n = len(words)
    while n > 1 and _number(words[n - 1]):
        n -= 1
    if 0 < n < len(words) and not _number(" ".join(words[:n])):
        head = words[:n]
        if not all(_application_label(w) or L.first_match(w, L.PROACTIVE_ROWS) for w in head):
            head = [" ".join(head)]     # one label typed with spaces (规 章)
        return [*head, *words[n:]]
    return [line]


def _header_word(text: str) -> bool:
    s = L.squash(text)
    return _known_column(s) or s in ("信息内容", "申请人情况", "法人或其他组织", "行政诉讼") or \
        "勾稽关系" in s


def _spaced(lines: list[str]) -> bool:
    """One cell a line with an empty line after each: then three empty lines in a row
    hold a blank cell between two separators."""
    cells = [i for i, line in enumerate(lines[:-1]) if line.strip()]
    return len(cells) >= 4 and sum(not lines[i + 1] for i in cells) >= 0.8 * len(cells)


def _tokens(lines: list[str]) -> list:
    pipe_rows, spaced = _pipe_rows(lines), _spaced(lines)
    out: list = []
    empty = 0
    for line in lines:
        empty = empty + 1 if not line else 0
        if _MD_RULE.match(line):
            continue                # a markdown table's separator line
        if (line and not line.strip()) or (spaced and empty == 3):
            out.append(HOLE)        # a blank cell: whitespace, or a third empty line
        elif "|" in line and pipe_rows:
            out.append(BREAK)
            out += [Explicit(clean(p)) for p in line.split("|") if clean(p)]
        elif "|" in line:
            out += [clean(p) for p in line.split("|") if clean(p)]
        elif clean(line):
            out += [clean(c) for c in _line_cells(line)]
    return out


def _number(text: str) -> bool:
    """A figure: '12', '-3', '+43', '１２', '2792220.8元', '18,000' (not '3,5')."""
    ok, value = parse_value(text)
    return ok and value is not None


def _blank(text: str) -> bool:
    ok, value = parse_value(text)
    return ok and value is None


# ---------------------------------------------------------------- rows

@dataclass
class _Row:
    kind: str                       # caption | header | row | text | values
    labels: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    holed: bool = False             # a blank cell stands before one of its figures


class _Builder:
    """Rows from a run of tokens: each table names what starts a row (`kind`)."""

    def __init__(self, kind):
        self.kind = kind
        self.rows: list[_Row] = []
        self.current: _Row | None = None
        self.seen_row = False       # a row label was met: the table's header is over
        self.hole = False           # a blank cell since the row's last label or figure

    def close(self):
        self.hole = False
        if self.current is not None:
            self.rows.append(self.current)
            self.seen_row = self.seen_row or self.current.kind == "row"
        self.current = None

    def start(self, kind: str, label: str | None = None) -> _Row:
        self.close()
        self.current = _Row(kind, [label] if label else [])
        return self.current

    def value(self, text: str):
        hole = self.hole
        if self.current is None or self.current.kind in ("caption", "header"):
            self.start("values")
        self.current.values.append(text)
        self.current.holed = self.current.holed or hole
        self.hole = False

    def feed(self, tokens: list) -> list[_Row]:
        for token in tokens:
            if token is BREAK:
                self.close()
            elif token is HOLE:
                self.hole = True
            elif _number(token):
                self.value(token)
            elif not _blank(token):
                self.text(token)
        self.close()
        return self.rows

    def text(self, token: str):
        kind = self.kind(token, self)
        row = self.current
        if kind == "row" and row is not None and row.kind == "row" and not row.values \
                and all(map(_group, row.labels)):
            row.labels.append(token)        # （三）不予公开 | 1.属于国家秘密 | …: one row
        elif kind in ("caption", "row"):
            self.start(kind, token)
            if kind == "caption":
                self.close()
        elif kind == "header" and not (row and row.kind == "header" and not row.values):
            self.start("header", token)
        elif row is not None and not row.values and row.kind in ("header", "row", "text"):
            self.attach(row, token)
        else:
            self.start("text", token)

    def attach(self, row: _Row, token: str):
        """A label cell after others with no figure between them: a wrapped label's
        second line (商业 / 企业) is joined to the first; a header gains a column."""
        last = row.labels[-1]
        if isinstance(token, Explicit):
            row.labels.append(token)
        elif row.kind == "header":
            if token[0] in "(（" or (not _known_column(last) and not _known_column(token)
                                     and _known_column(last + token)):
                row.labels[-1] = last + token
            else:
                row.labels.append(token)
        elif row.kind == "row" and self.continues(last, token):
            row.labels[-1] = last + token        # a row label wrapped over two lines
        elif row.kind == "text" and self.kind(last + token, self) == "row":
            row.labels[-1] = last + token
            row.kind = "row"
        else:
            row.labels.append(token)


    def continues(self, last: str, token: str) -> bool:
        """Whether `token` is the rest of the row label `last` (wrapped over two lines),
        not the label of a next row whose figures were all blank: it keeps the label's
        meaning and, in table 二, makes a whole label; in table 三, it is not numbered."""
        merged = last + token
        if self.kind(merged, self) != "row" or _meaning(merged) != _meaning(last):
            return False
        if self.kind is _proactive_kind:
            return L.squash(merged) in _PROACTIVE_LABELS
        return not _NUMBERED.match(token)


_NUMBERED = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+\s*、|"
                       r"\d+\s*[.．、])")
_PROACTIVE_LABELS = {w for _, words in L.PROACTIVE_ROWS for w in words} | {"行政规范性文件"}


def _group(text: str) -> bool:
    label = _application_label(text)
    return label is not None and label[0] == "group"


def _known_column(text: str) -> bool:
    s = L.squash(text)
    return s in L.APPLICANT_HEADERS or bool(L.first_match(s, L.PROACTIVE_COLUMNS)) or \
        bool(L.first_match(s, L.REVIEW_MEASURE_LABELS)) or \
        bool(L.first_match(s, L.REVIEW_GROUP_LABELS))


def _meaning(text: str):
    return (_application_label(text), L.first_match(text, L.PROACTIVE_ROWS))


def _proactive_kind(token: str, builder: _Builder) -> str:
    s = L.squash(token)
    if s.startswith("第二十条"):
        return "caption"
    if s.startswith("信息内容") or L.first_match(s, L.PROACTIVE_COLUMNS) or _column_prefix(s):
        return "header"
    if len(s) <= 24 and L.first_match(s, L.PROACTIVE_ROWS):
        return "row"
    return "text"


def _applications_kind(token: str, builder: _Builder) -> str:
    s = L.squash(token)
    row = builder.current
    in_header = not builder.seen_row and not (row and row.kind == "row")
    if s in L.APPLICANT_HEADERS or any(w in s for w in ("申请人情况", "法人或其他组织", "勾稽关系")):
        if in_header or (row is not None and row.kind == "header" and not row.values) \
                or L.APPLICANT_HEADERS.get(s) not in (None, "total", "other_org"):
            return "header"
    if len(s) <= 60 and _application_label(token):
        return "row"
    return "text"


def _review_kind(token: str, builder: _Builder) -> str:
    return "header"


KINDS = {"proactive": _proactive_kind, "applications": _applications_kind,
         "review": _review_kind}


# ---------------------------------------------------------------- headers of table 二

def _column_prefix(s: str) -> set[str]:
    """Columns whose printed label starts with a header cut short (本年新, 现行有效件)."""
    if len(s) < 2:
        return set()
    return {key for key, words in L.PROACTIVE_COLUMNS if any(w.startswith(s) for w in words)}


_HEADER_ORDERS = sorted({cols for t in (L.PROACTIVE_T2019, L.PROACTIVE_T2021)
                         for cols in t.values()})
_COLUMN_LABEL = {key: words[0] for key, words in L.PROACTIVE_COLUMNS}


_GLUED_WORDS = sorted({w for _, ws in L.PROACTIVE_COLUMNS for w in ws} | {"信息内容"},
                      key=len, reverse=True)


def _split_glued(s: str) -> list[str] | None:
    """'信息内容本年处理决定数量' (a page dump glues header cells) as its labels."""
    words = _GLUED_WORDS
    out = []
    while s:
        word = next((w for w in words if s.startswith(w)), None)
        if word is None:
            return None
        out.append(word)
        s = s[len(word):]
    return out


def _repair_header(labels: list[str]) -> list[str]:
    """A header whose cells were cut short is read as the template's, when exactly one
    of the template's column orders fits every cell it shows."""
    cells = []
    for label in labels:
        s = L.squash(label)
        glued = _split_glued(s) if len(s) > 8 else None
        cells += glued if glued and len(glued) > 1 else [label]
    start = 1 if cells and L.squash(cells[0]).startswith("信息内容") else 0
    columns = cells[start:]
    fits = []
    for order in _HEADER_ORDERS:
        if len(order) != len(columns):
            continue
        if all(L.first_match(c, L.PROACTIVE_COLUMNS) == key
               or (not L.first_match(c, L.PROACTIVE_COLUMNS) and key in _column_prefix(L.squash(c)))
               for c, key in zip(columns, order)):
            fits.append(order)
    if len(fits) != 1:
        return cells
    return cells[:start] + [c if L.first_match(c, L.PROACTIVE_COLUMNS) else _COLUMN_LABEL[key]
                            for c, key in zip(columns, fits[0])]


# ---------------------------------------------------------------- checks before reading

_APPLICANT_ORDER = ("natural_person", "commercial", "research", "public_interest",
                    "legal_services", "other_org")


def _applicant_header_ok(rows: list[_Row]) -> bool:
    """Table 三's columns are the template's only if its header, in reading order, shows
    them so: 自然人, the five kinds of 法人或其他组织, and 总计 either last or straight
    after 法人或其他组织 (the nested header read row by row)."""
    labels = [L.squash(c) for r in rows if r.kind == "header" for c in r.labels]
    keys = [L.APPLICANT_HEADERS.get(s) or ("group" if s == "法人或其他组织" else None)
            for s in labels]
    keys = [k for k in keys if k]
    kinds = [k for k in keys if k not in ("total", "group")]
    if tuple(kinds) != _APPLICANT_ORDER or keys.count("total") != 1:
        return False
    at = keys.index("total")
    return at == len(keys) - 1 or (at > 0 and keys[at - 1] == "group")


def _review_header_ok(rows: list[_Row]) -> bool:
    header = [Cell(c, 0, i) for r in rows if not r.values for i, c in enumerate(r.labels)]
    values = next((r.values for r in rows if r.values), [])
    n = len(L.REVIEW_GROUPS) * len(L.REVIEW_MEASURES)
    return len(values) != n or \
        _review_by_reading_order(header, [Cell(v, 1, i) for i, v in enumerate(values)]) is not None


# ---------------------------------------------------------------- one table

def _row_name(row: _Row) -> str:
    return " ".join(row.labels) if row.labels else " ".join(row.values)


def _table_of(name: str, rows: list[_Row], warnings: list[str]) -> Table | None:
    what = _TABLE_NAMES[name]
    if name == "applications" and any(r.values for r in rows) and \
            not _applicant_header_ok(rows):
        warnings.append(f"{what}: the column header (自然人 … 总计) is not in the text in the "
                        "template's order, so no column of its figures is certain: not read")
        return None
    if name == "review" and not _review_header_ok(rows):
        warnings.append(f"{what}: the group and result labels above the figures are not the "
                        "template's, so no column of its figures is certain: not read")
        return None
    cells: list[list[Cell]] = []
    for row in rows:
        labels = _repair_header(row.labels) if name == "proactive" and row.kind == "header" \
            else row.labels
        if row.kind == "values" and name != "review":
            warnings.append(f"{what}: figures without a row label ({_row_name(row)}) "
                            "were skipped")
            continue
        if row.holed:
            warnings.append(f"{what}: row '{_row_name(row)}' shows a blank cell before a "
                            "figure, so no figure's column is certain: not read")
            continue
        if row.kind == "text" and row.values and name == "proactive":
            warnings.append(f"{what}: row '{_row_name(row)}' is not a template row: "
                            "its figures were skipped")
        texts = labels + row.values
        cells.append([Cell(t, len(cells), c) for c, t in enumerate(texts)])
    if not cells:
        return None
    return Table(rows=cells, grid=cells, spans_known=False)


# ---------------------------------------------------------------- the document

def _split_prose(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Prose before the table, the table's lines, and prose after it: sentences and
    long lines are prose, whatever stands between the first and last table cell is
    the table's."""
    def is_prose(line: str) -> bool:
        text = clean(line)
        return not text or (("|" not in text) and (bool(_PROSE.search(text)) or len(text) > 80))

    cells = [i for i, line in enumerate(lines) if not is_prose(line)]
    if not cells:
        return lines, [], []
    first, last = cells[0], cells[-1]
    return lines[:first], lines[first:last + 1], lines[last + 1:]


def parse_flattened(text: str) -> Document:
    blocks: list = []
    warnings: list[str] = []
    found: list[str] = []
    refused: list[str] = []     # tables in the text that were not read, with a warning
    regions = _regions(text)

    def prose(lines: list[str]):
        kept = [clean(line) for line in lines if clean(line)]
        if kept:
            if blocks and isinstance(blocks[-1], Prose):
                blocks[-1].lines += kept
            else:
                blocks.append(Prose(lines=kept))

    cut = _cut_short(regions)
    for region in regions:
        if region.heading:
            prose([region.heading])
        if region.table is None:
            prose(region.lines)
            continue
        before, table_lines, after = _split_prose(region.lines)
        prose(before)
        tokens = _tokens(table_lines)
        rows = _Builder(KINDS[region.table]).feed(tokens)
        if region is cut and rows and rows[-1].values and \
                not table_lines[-1].rstrip().endswith("|"):
            # the excerpt stops on a figure no pipe closes: it may have lost digits
            warnings.append(f"{_TABLE_NAMES[region.table]}: the text stops on row "
                            f"'{_row_name(rows[-1])}', whose last figure may be cut short: "
                            "not read")
            rows[-1].values = []
        said = len(warnings)
        table = _table_of(region.table, rows, warnings) if rows else None
        if table is not None:
            blocks.append(table)
            found.append(region.table)
        else:
            prose(table_lines)
            if len(warnings) > said:
                refused.append(region.table)
        prose(after)
    _say_what_is_missing(regions, found + refused, warnings)
    return Document(blocks=blocks, kind="text", warnings=warnings)


def _cut_short(regions: list[_Region]) -> _Region | None:
    """The last region, when the text stops inside its table: a table follows it in
    every report, and the text holds none."""
    last = regions[-1]
    if last.table is None:
        return None
    later = list(_TABLE_NAMES)[list(_TABLE_NAMES).index(last.table) + 1:]
    present = {region.table for region in regions}
    return last if any(name not in present for name in later) else None


def _say_what_is_missing(regions: list[_Region], found: list[str], warnings: list[str]):
    last = regions[-1]
    if last.table in found and _cut_short(regions) is last:
        tail = next((clean(line) for line in reversed(last.lines) if clean(line)), "")
        warnings.append(f"the text ends inside {_TABLE_NAMES[last.table]} (at '{tail[-20:]}'): "
                        "what follows it is not in the text")
    present = {region.table for region in regions}
    for name, what in _TABLE_NAMES.items():
        if name in present and name not in found:
            warnings.append(f"{what}: the text under this heading holds no table: none of its "
                            "figures could be read")
        elif name not in present:
            warnings.append(f"{what} is not in the text: none of its figures could be read")
