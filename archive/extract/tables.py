"""Tables 二、三、四 → canonical figures, by their labels rather than their positions.

Each figure is placed only when its row label and its column are both certain; a
cell that cannot be placed is left out and named in a warning. A blank cell is
kept as None beside its raw text "", because blank is not zero.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from . import labels as L
from .document import Cell, Prose, Table, transpose

# ---------------------------------------------------------------- values

_BLANK = re.compile(r"^[/\\\-—–_]*$")
_GROUPED = re.compile(r"^[+\-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\D*$")   # 18,000 and 2,792,220.8元
_NUMBER = re.compile(r"^([+\-]?)(\d+(?:\.\d+)?)(?:件|条|个|项|次|家|人次|元|万元)?$")


@lru_cache(maxsize=1 << 16)
def parse_value(text: str) -> tuple[bool, int | float | None]:
    """(readable, value): blank → (True, None); '12件' → (True, 12); junk → (False, None)."""
    s = L.squash(text)
    if "," in s and not _GROUPED.match(s):
        return False, None      # '1,2' is no number: two cells run together, or a typo
    s = s.replace(",", "").replace("−", "-")
    if _BLANK.match(s):
        return True, None
    m = _NUMBER.match(s)
    if not m:
        return False, None
    number = float(m.group(2)) if "." in m.group(2) else int(m.group(2))
    return True, -number if m.group(1) == "-" else number


def is_value(text: str) -> bool:
    return parse_value(text)[0]


def is_number(text: str) -> bool:
    ok, value = parse_value(text)
    return ok and value is not None


@dataclass
class Figures:
    figures: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    tables: set = field(default_factory=set)        # which of the three tables were found
    derived: list = field(default_factory=list)     # keys computed from printed cells
    header_text: str = ""                           # squashed header labels, for the template
    placed: list | None = None                      # (key, cell) of every put, when recording
    put_warnings: int = 0                           # the warnings put() gave itself

    def put(self, key: str, cell: Cell) -> None:
        if self.placed is not None:
            self.placed.append((key, cell))
        ok, value = parse_value(cell.text)
        if not ok:
            self.warnings.append(f"{key}: unreadable cell '{cell.text}'")
            self.put_warnings += 1
        elif key in self.figures:
            if self.figures[key] != value:
                self.warnings.append(f"{key}: printed twice ('{self.raw[key]}' and "
                                     f"'{cell.text}'), the first is kept")
                self.put_warnings += 1
        else:
            self.figures[key] = value
            self.raw[key] = "" if value is None else cell.text


# ---------------------------------------------------------------- identification

_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|\d+\s*、|#+|表[一二三四五六])")


def _table_named_by(line: str) -> str | None:
    if _HEADING.match(line) and len(line) <= 60:
        return L.first_match(line, L.TABLE_HEADINGS)
    return None


def identify(table: Table) -> str | None:
    """'proactive' | 'applications' | 'review' | 'skip' (page furniture) | None."""
    # squash(the table's text) cell by cell: cells repeat (labels, small numbers), so
    # their squashed forms are cached, and squashing cannot join across the TABs
    text = "".join([L.squash(cell.text) for row in table.rows for cell in row])
    for name, word_sets in L.TABLE_KEYWORDS:
        if any(all(w in text for w in words) for words in word_sets):
            return name
    if any(w in text for w in L.NON_REPORT_TABLE_WORDS):
        return "skip"
    return None


def report_tables(blocks: list) -> dict[str, list[Table]]:
    """The report tables by name. A table without an identifying header continues
    the one before it (tables split over two <table>s), unless a heading intervened."""
    found: dict[str, list[Table]] = {}
    current: str | None = None
    heading_seen, named = False, None
    for block in blocks:
        if isinstance(block, Prose):
            for line in block.lines:
                if _HEADING.match(line):
                    heading_seen = True
                    named = _table_named_by(line) or named
            continue
        name = identify(block)
        if name is None:
            name = named if heading_seen else current
        if name in (None, "skip"):
            current = None
        else:
            found.setdefault(name, []).append(block)
            current = name
        heading_seen, named = False, None
    return found


# ---------------------------------------------------------------- placing cells


def _place_by_grid(table: Table, r: int, values: list[Cell],
                   colmap: dict[int, str]) -> dict[str, Cell] | None:
    """Values placed by the header column they sit under, or None if any is unsure."""
    if not table.spans_known or not colmap or None in table.grid[r]:    # Cell compares by identity
        return None
    if any(cell.row < r and is_number(cell.text) for cell in table.grid[r]):
        return None     # a figure reaching down from the row above pushed this row's right
    placed: dict[str, Cell] = {}
    for cell in values:
        # most cells span one column: a dict lookup, no set of keys
        key = colmap.get(cell.col) if cell.colspan == 1 else _spanned_key(cell, colmap)
        if key is _UNSURE or (key is None and not _BLANK.match(L.squash(cell.text))):
            return None
        if key is not None:
            if key in placed:
                return None
            placed[key] = cell
    return placed


_UNSURE = object()      # a cell under two header columns


def _spanned_key(cell: Cell, colmap: dict[int, str]):
    """The one header key over a wide cell's columns, None if none, _UNSURE if several."""
    keys = {colmap[c] for c in range(cell.col, cell.col + cell.colspan) if c in colmap}
    if len(keys) > 1:
        return _UNSURE
    return keys.pop() if keys else None


# ---------------------------------------------------------------- table 二


# The columns each row of table 二 has in either template.
_PROACTIVE_PAIRS = {row: set(L.PROACTIVE_T2019.get(row, ())) | set(L.PROACTIVE_T2021.get(row, ()))
                    for row in {*L.PROACTIVE_T2019, *L.PROACTIVE_T2021}}
# The column sets a template prints for a row: a header naming fewer lost one.
_PROACTIVE_GROUPS = {row: {frozenset(t[row]) for t in (L.PROACTIVE_T2019, L.PROACTIVE_T2021) if row in t}
                     for row in _PROACTIVE_PAIRS}


@lru_cache(maxsize=1 << 14)
def _proactive_label(text: str) -> bool:
    return not is_value(text) and bool(L.first_match(text, L.PROACTIVE_ROWS) or
                                       L.first_match(text, L.PROACTIVE_COLUMNS))


def read_proactive(tables: list[Table], out: Figures) -> None:
    columns: list[str | None] | None = None
    colmap: dict[int, str] = {}
    header_short = False
    for table in tables:
        for r, row in enumerate(table.rows):
            cells = list(row)
            while cells and not cells[0].text:   # placeholders left of the label
                cells.pop(0)
            if not cells:
                continue
            col_keys = [L.first_match(c.text, L.PROACTIVE_COLUMNS) for c in cells]
            if L.squash(cells[0].text) == "信息内容" or (any(col_keys) and not any(
                    is_number(c.text) for c in cells)):
                start = 1 if L.squash(cells[0].text) == "信息内容" else 0
                columns = col_keys[start:]
                colmap = {c: key for cell, key in zip(cells[start:], columns) if key
                          for c in range(cell.col, cell.col + cell.colspan)} \
                    if table.spans_known else {}
                out.header_text += "".join(L.squash(c.text) for c in cells)
                header_short = _short_row(table, r)
                continue
            row_key = L.first_match(cells[0].text, L.PROACTIVE_ROWS)
            if row_key is None:
                continue
            values = cells[1:]
            if columns is None:
                out.warnings.append(f"proactive row '{row_key}' has no column header")
                continue
            # by position, unless the header or the row is a cell short in its grid
            # a header that lost a column and a row that lost a value fit each other
            # position by position, a column off: by position only under a whole header
            whole = frozenset(k for k in columns if k) in _PROACTIVE_GROUPS.get(row_key, ())
            if whole and len(values) == len(columns) and not (header_short or _short_row(table, r)) \
                    and not any(_proactive_label(c.text) for c in values):
                # a label among the values (doubled into the row) puts the figures after
                # it a column off; a note (不详) in a cell of its own does not
                placed = {key: cell for key, cell in zip(columns, values) if key}
            else:
                placed = _place_by_grid(table, r, values, colmap)
                if placed is None and not whole:
                    named = ", ".join(k for k in columns if k) or "none of its columns"
                    out.warnings.append(f"proactive row '{row_key}' sits under a header naming "
                                        f"only {named}: not placed")
                    continue
                if placed is None:
                    out.warnings.append(f"proactive row '{row_key}' has {len(values)} "
                                        f"of {len(columns)} cells")
                    continue
            if not set(placed) <= _PROACTIVE_PAIRS.get(row_key, set()):
                # a header lost between sections: the row sits under the one before
                out.warnings.append(f"proactive row '{row_key}' is under columns no template "
                                    f"gives it ({', '.join(placed)}); skipped")
                continue
            for key, cell in placed.items():
                out.put(f"{L.PROACTIVE}.{row_key}.{key}", cell)


# ---------------------------------------------------------------- table 三

_HEADER_WORDS = ("申请人情况", "法人或其他组织", "勾稽关系")


@lru_cache(maxsize=1 << 14)
def _header_label(text: str) -> bool:
    s = L.squash(text)
    return any(w in s for w in _HEADER_WORDS) or \
        L.APPLICANT_HEADERS.get(s) not in (None, "total", "other_org")


def _is_applicant_header(cells: list[Cell]) -> bool:
    return any(map(_header_label, [cell.text for cell in cells]))   # asked of every row


@lru_cache(maxsize=1 << 14)
def _application_label(text: str) -> tuple[str, str | None] | None:
    """('row', key) | ('group', group) | ('other', None) for a bare 3.其他 | None."""
    s = L.squash(text)
    if not s or is_value(text):
        return None
    sub = L.first_match(s, L.APPLICATION_SUBROWS)
    if sub:
        return "row", sub
    if L.BARE_OTHER.match(s):
        return "other", None
    if L.BARE_TOTAL.match(s):
        return "row", "handled_total"
    group = L.first_match(s, L.APPLICATION_GROUPS)
    if group:
        return "group", group
    top = L.first_match(s, L.APPLICATION_ROWS)
    return ("row", top) if top else None


def _applicant_colmap(table: Table, header_rows: list[int]) -> dict[int, str]:
    colmap: dict[int, str] = {}
    for r in header_rows:   # lower header rows are more specific, so they win
        for cell in table.rows[r]:
            key = L.APPLICANT_HEADERS.get(L.squash(cell.text))
            if key:
                for c in range(cell.col, cell.col + cell.colspan):
                    colmap[c] = key
    return colmap


def _column_order(colmap: dict[int, str]) -> list[str]:
    """Applicant columns in header order, or the template's order if the header is unclear."""
    order = sorted(set(colmap.values()), key=lambda k: min(c for c, v in colmap.items() if v == k))
    return order if len(order) == len(L.APPLICANT_COLUMNS) else list(L.APPLICANT_COLUMNS)


def _current_group(table: Table, r: int, before_label: list[Cell], group: str | None):
    """The group (（三）不予公开 …) a row sits in: a group cell left of its label, a
    rowspan cell from above (HTML), or else the group of the rows before (text)."""
    context = list(before_label)
    if table.spans_known:
        context = table.from_above(r) + context
    for cell in context:
        label = _application_label(cell.text)
        if label and label[0] == "group":
            group = label[1]
    return group


def _row_key(kind: str, key: str | None, group: str | None, text: str,
             values: list[Cell], out: Figures) -> tuple[str | None, str | None]:
    """(row key or None to skip, group for the rows that follow)."""
    if kind == "group" and key != "other_handling":
        if any(is_number(c.text) for c in values):
            out.warnings.append(f"applications: group row '{text}' has figures of its own; "
                                "skipped")
        return None, key
    if kind == "other":
        if group != "other_handling":
            out.warnings.append(f"applications: row '{text}' outside （六）其他处理 was skipped")
            return None, group
        return "other_handling.other", group
    if kind == "group":             # （六）其他处理 as a row of its own (t2019)
        return "other_handling", "other_handling"
    return key, (group if "." in key else None)


def _place_applicant_values(table: Table, r: int, values: list[Cell], colmap: dict[int, str],
                            order: list[str]) -> dict[str, Cell] | None:
    n_cols = len(L.APPLICANT_COLUMNS)
    if not table.spans_known and len(values) > n_cols and \
            all(_BLANK.match(L.squash(c.text)) for c in values[n_cols:]):
        values = values[:n_cols]    # trailing empty pipes of converted text
    placed = _place_by_grid(table, r, values, colmap)
    if placed is not None and len(placed) == n_cols:
        return placed
    # By position only in the template's order (a header read in another order whose
    # columns the values do not line up under is a damaged header, not a reordering),
    # and only in a row as wide as the others (one cell short, the rest sit a column left)
    if len(values) == n_cols and order == list(L.APPLICANT_COLUMNS) and \
            not _short_row(table, r) and not any(_application_label(c.text) for c in values):
        return dict(zip(order, values))
    return None


def _extent(line: list) -> int:
    return next((c + 1 for c in range(len(line) - 1, -1, -1) if line[c] is not None), 0)


def _short_row(table: Table, r: int) -> bool:
    """Row r of a spanned grid ends left of where most rows end."""
    if not table.spans_known:
        return False
    extents = Counter(_extent(line) for line in table.grid)
    return _extent(table.grid[r]) < extents.most_common(1)[0][0]


def _applicants_in_a_column(table: Table) -> bool:
    """Applicant types (自然人, 商业企业 …) down one column: the table is transposed."""
    columns: dict[int, int] = {}
    for row in table.rows:
        for cell in row:
            if L.squash(cell.text) in L.APPLICANT_HEADERS:
                columns[cell.col] = columns.get(cell.col, 0) + 1
    return max(columns.values(), default=0) >= 4


def read_applications(tables: list[Table], out: Figures) -> None:
    group: str | None = None
    inherited: tuple[int, dict[int, str], bool] = (0, {}, False)
    for table in tables:
        if _applicants_in_a_column(table):
            table = transpose(table)
        header_rows = [r for r, row in enumerate(table.rows) if _is_applicant_header(row)]
        colmap = _applicant_colmap(table, header_rows) if table.spans_known else {}
        # a header row a cell short: the cells after the gap sit a column left
        damaged = any(_short_row(table, r) for r in header_rows)
        if colmap:
            inherited = (table.width, colmap, damaged)
        elif table.spans_known and table.width == inherited[0]:
            # a continuation (next page, second <table>) of the same grid: its columns
            # are the ones the header named on the previous part
            colmap, damaged = inherited[1], inherited[2]
        order = _column_order(colmap)
        if damaged and order != list(L.APPLICANT_COLUMNS):
            # columns named out of the templates' order by a header that lost a cell:
            # a reordering cannot be told from a shift
            warning = ("applications header is a cell short and names the applicant "
                       f"columns out of the templates' order ({', '.join(order)}): not read")
            if warning not in out.warnings:     # its continuation inherits the header
                out.warnings.append(warning)
            continue
        for r, row in enumerate(table.rows):
            if r in header_rows:
                out.header_text += "".join(L.squash(c.text) for c in row)
                continue
            labelled = [(i, lab) for i, c in enumerate(row) if (lab := _application_label(c.text))]
            if not labelled:
                if any(is_number(c.text) for c in row):
                    out.warnings.append("applications: a row of numbers without a label "
                                        f"was skipped ({' '.join(c.text for c in row)})")
                continue
            i, (kind, key) = labelled[-1]     # the row's own label is its last one
            out.header_text += L.squash(row[i].text)
            group = _current_group(table, r, row[:i], group)
            values = row[i + 1:]
            key, group = _row_key(kind, key, group, row[i].text, values, out)
            if key is None:
                continue
            placed = _place_applicant_values(table, r, values, colmap, order)
            if placed is None:
                out.warnings.append(f"applications row '{key}' has {len(values)} "
                                    f"of {len(L.APPLICANT_COLUMNS)} cells")
                continue
            for col, cell in placed.items():
                out.put(f"{L.APPLICATIONS}.{key}.{col}", cell)


def _derive_other_handling(out: Figures) -> None:
    """t2021 splits （六）其他处理 in three; its total row is their sum when all are given."""
    for col in L.APPLICANT_COLUMNS:
        key = f"{L.APPLICATIONS}.other_handling.{col}"
        parts = [out.figures.get(f"{L.APPLICATIONS}.{p}.{col}") for p in L.OTHER_HANDLING_PARTS]
        if key not in out.figures and all(isinstance(v, (int, float)) for v in parts):
            out.figures[key] = sum(parts)
            out.raw[key] = "+".join(str(v) for v in parts)   # derived, not printed
            out.derived.append(key)


# ---------------------------------------------------------------- table 四


def _review_values(rows: list[tuple[Table, int]]) -> tuple[int, list[Cell]] | None:
    """Index (into rows) and cells of the figure row: the first row holding numbers."""
    for index, (table, r) in enumerate(rows):
        cells = table.rows[r]
        if any(is_number(c.text) for c in cells):
            last_label = max((i for i, c in enumerate(cells) if not is_value(c.text)),
                             default=-1)
            return index, cells[last_label + 1:]
    return None


def _review_by_reading_order(header: list[Cell], values: list[Cell]) -> dict | None:
    """Text tables carry no spans: the groups and the 15 measure labels, in reading
    order, still tell which run of five belongs to which group."""
    groups: list[str] = []
    measures: list[str] = []
    for cell in header:
        g = L.first_match(cell.text, L.REVIEW_GROUP_LABELS)
        m = L.first_match(cell.text, L.REVIEW_MEASURE_LABELS)
        if g and g not in groups:
            groups.append(g)
        elif m:
            measures.append(m)
    n = len(L.REVIEW_MEASURES)
    if len(groups) != 3 or len(measures) != 3 * n:
        return None
    chunks = [measures[i * n:(i + 1) * n] for i in range(3)]
    if any(sorted(chunk) != sorted(L.REVIEW_MEASURES) for chunk in chunks):
        return None
    keys = [f"{g}.{m}" for g, chunk in zip(groups, chunks) for m in chunk]
    return dict(zip(keys, values))


def _review_labels(cells: list[Cell]) -> tuple[set, set]:
    groups = {L.first_match(c.text, L.REVIEW_GROUP_LABELS) for c in cells} - {None}
    measures = {L.first_match(c.text, L.REVIEW_MEASURE_LABELS) for c in cells} - {None}
    if "review" in groups and len(groups) > 1:
        groups.discard("review")   # 行政复议 over 复议后起诉 would be a layout slip
    return groups, measures


def _review_by_labels(tables: list[Table]) -> dict[str, Cell] | None:
    """Every figure of a grid placed by the group and measure labels above it or left
    of it, so a table with one row per group (transposed) reads like the template's."""
    placed: dict[str, Cell] = {}
    for table in tables:
        if not table.spans_known:
            return None
        for r, row in enumerate(table.rows):
            if not any(is_number(c.text) for c in row):
                continue
            last_label = max((i for i, c in enumerate(row) if not is_value(c.text)), default=-1)
            values = row[last_label + 1:]
            if not values:          # the row ends in text (见说明): not a row of figures
                return None
            if None in table.grid[r]:   # a cell short: the ones after it sit a column left
                return None
            if any(c.row < r and is_number(c.text) for c in table.grid[r]):
                return None             # a figure from the row above pushed this row right
            first = values[0].col
            left = [c for c in table.covering(r) if c.col < first]
            for cell in values:
                above = {id(x): x for c in range(cell.col, cell.col + cell.colspan)
                         for x in (table.grid[i][c] for i in range(r)) if x is not None}
                groups, measures = _review_labels(list(above.values()) + left)
                if len(groups) != 1 or len(measures) != 1:
                    return None
                key = f"{groups.pop()}.{measures.pop()}"
                if key in placed:
                    return None
                placed[key] = cell
    return placed or None


def read_review(tables: list[Table], out: Figures) -> None:
    by_labels = _review_by_labels(tables)
    if by_labels:
        out.header_text += "".join(L.squash(c.text) for t in tables for row in t.rows
                                   for c in row if not is_value(c.text))
        for key, cell in by_labels.items():
            out.put(key, cell)
        return
    rows = [(t, r) for t in tables for r in range(len(t.rows))]
    found = _review_values(rows)
    expected = len(L.REVIEW_GROUPS) * len(L.REVIEW_MEASURES)
    if found is None:
        out.warnings.append("review table has no row of figures")
        return
    index, values = found
    if len(values) != expected:
        out.warnings.append(f"review row has {len(values)} of {expected} cells")
        return
    header = [c for t, i in rows[:index] for c in t.rows[i]]
    out.header_text += "".join(L.squash(c.text) for c in header)
    placed = (_review_by_reading_order(header, values)
              or dict(zip(L.review_keys(), values)))   # 15 cells: the template's order
    for key, cell in placed.items():
        out.put(key, cell)


# ---------------------------------------------------------------- layouts

# A portal prints thousands of reports from one template, so the same layout comes
# back again and again with other figures in it. How a reader placed one layout's
# cells is kept and replayed on the next table with that layout: the label matching
# runs once per layout instead of once per report.
_PLANS: dict[tuple, "_Plan | None"] = {}


@dataclass(frozen=True)
class _Plan:
    places: tuple[tuple[str, int, int, int], ...]     # key, table, row, index in the row
    header_text: str


def _layout(tables: list[Table]) -> tuple:
    """What a reader looks at: each cell's place, spans and text, a number's text
    reduced to the fact that it is one (labels are words; no label matches a number)."""
    return tuple([(t.spans_known, tuple([
        tuple([(c.col, c.rowspan, c.colspan, _shape(c.text)) for c in row]) for row in t.rows]))
        for t in tables])


@lru_cache(maxsize=1 << 16)
def _shape(text: str) -> str:
    return "#" if is_number(text) else text


def _record(reader, tables: list[Table], out: Figures) -> _Plan | None:
    """Run the reader, and return its plan if replaying it would give the same
    result: every cell it placed is one of the tables' own (not of a transposed
    copy) and it warned of nothing beyond what put() itself says on replay."""
    header_before = len(out.header_text)
    reader_warnings = len(out.warnings) - out.put_warnings
    out.placed = []
    try:
        reader(tables, out)
    finally:
        placed, out.placed = out.placed, None
    where = {id(cell): (t, r, i) for t, table in enumerate(tables)
             for r, row in enumerate(table.rows) for i, cell in enumerate(row)}
    if len(out.warnings) - out.put_warnings != reader_warnings or \
            any(id(cell) not in where for _, cell in placed):
        return None
    return _Plan(places=tuple((key, *where[id(cell)]) for key, cell in placed),
                 header_text=out.header_text[header_before:])


def _replay(plan: _Plan, tables: list[Table], out: Figures) -> None:
    out.header_text += plan.header_text
    for key, t, r, i in plan.places:
        out.put(key, tables[t].rows[r][i])


_MAX_PLANS = 512       # a plan and its layout take ~40 KiB: ~20 MiB at most


def _read(name: str, tables: list[Table], out: Figures) -> None:
    layout = (name, _layout(tables))
    if layout in _PLANS:
        plan = _PLANS[layout] = _PLANS.pop(layout)     # the most recently used goes last
        if plan is not None:
            _replay(plan, tables, out)
            return
        READERS[name](tables, out)
        return
    if len(_PLANS) >= _MAX_PLANS:       # a long re-extraction meets many layouts
        del _PLANS[next(iter(_PLANS))]  # the least recently used
    _PLANS[layout] = _record(READERS[name], tables, out)


# ---------------------------------------------------------------- entry point

READERS = {"proactive": read_proactive, "applications": read_applications,
           "review": read_review}


def extract_tables(blocks: list) -> tuple[Figures, dict[str, list[Table]]]:
    out = Figures()
    found = report_tables(blocks)
    for name in READERS:
        if name in found:
            out.tables.add(name)
            _read(name, found[name], out)
    if "applications" in found:
        _derive_other_handling(out)
    return out, found


def detect_template(out: Figures, report_year: int | None) -> str:
    """From header labels; the report year is only a tie-breaker (template drift)."""
    text = out.header_text
    if any(w in text for w in L.T2021_MARKERS) or any(w in text for w in L.T2021_ROW_MARKERS):
        return "t2021"
    if any(w in text for w in L.T2019_MARKERS):
        return "t2019"
    if out.tables:
        if report_year and report_year >= 2021:
            return "t2021"
        if report_year and report_year >= 2019:
            return "t2019"
    if report_year and report_year < 2019:
        return "older"
    return "unknown"
