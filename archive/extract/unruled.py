"""Tables printed without rulings, rebuilt from where their words sit on the page.

Only the lines between a heading that names a report table (三、收到和处理…) and
the next section heading are read as a table, so prose is never mistaken for
one. Value columns are where the numbers stand; header labels go to the value
column under which they are centred, so tables.py still reads columns by their
labels; row labels go to the row of figures nearest to them (a wrapped label is
printed half above and half below its figures), and label lines stacked in one
cell are joined first. A number that stands between two columns is not placed.
"""
from __future__ import annotations

import re

from . import labels as L
from .document import Cell, Table, clean
from .tables import is_number

_SECTION = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")


def _segments(line: dict) -> list[dict]:
    """Runs of chars separated by gaps wider than half a character (a space inside
    text is narrower; the gap between two cells is wider)."""
    chars = sorted(line.get("chars", []), key=lambda ch: ch["x0"])
    out: list[list[dict]] = []
    for ch in chars:
        if out and ch["x0"] - out[-1][-1]["x1"] <= 0.5 * ch.get("size", 10):
            out[-1].append(ch)
        else:
            out.append([ch])
    return [{"text": clean("".join(c["text"] for c in run)), "x0": run[0]["x0"],
             "x1": max(c["x1"] for c in run), "top": line["y"],
             "bottom": line["y"] + max(c["bottom"] - c["top"] for c in run),
             "size": run[0].get("size", 10)} for run in out]


def _stack(fragments: list[dict]) -> list[dict]:
    """Join fragments printed as consecutive lines of one cell (same column,
    line gap under 0.6 of the type size)."""
    merged: list[dict] = []
    for frag in sorted(fragments, key=lambda f: (f["top"], f["x0"])):
        for m in reversed(merged):
            overlap = min(m["x1"], frag["x1"]) - max(m["x0"], frag["x0"])
            centred = abs((m["x0"] + m["x1"]) - (frag["x0"] + frag["x1"])) / 2 < frag["size"]
            if 0 <= frag["top"] - m["bottom"] <= 0.6 * frag["size"] and \
                    (overlap > 0 or centred):
                m.update(text=m["text"] + frag["text"], bottom=frag["bottom"],
                         x0=min(m["x0"], frag["x0"]), x1=max(m["x1"], frag["x1"]))
                break
        else:
            merged.append(dict(frag))
    return merged


def _columns(numbers: list[dict]) -> list[float]:
    centres = sorted((n["x0"] + n["x1"]) / 2 for n in numbers)
    clusters: list[list[float]] = []
    for x in centres:
        if clusters and x - clusters[-1][-1] <= numbers[0]["size"] * 0.8:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [sum(c) / len(c) for c in clusters]


def _column_of(frag: dict, columns: list[float], tolerance: float) -> int | None:
    if not columns:
        return None
    centre = (frag["x0"] + frag["x1"]) / 2
    best = min(range(len(columns)), key=lambda i: abs(columns[i] - centre))
    return best if abs(columns[best] - centre) <= tolerance else None


def _column_label(text: str) -> bool:
    """A header that names one column (自然人, 本年制发件数, 结果纠正 …)."""
    s = L.squash(text)
    return s in L.APPLICANT_HEADERS or bool(L.first_match(s, L.PROACTIVE_COLUMNS)) or \
        bool(L.first_match(s, L.REVIEW_MEASURE_LABELS))


def _join_spaced(line: list[dict]) -> list[dict]:
    """A short label typed with spaces (规    章) is one label, not two cells."""
    out: list[dict] = []
    for seg in line:
        if out and len(out[-1]["text"]) == 1 and len(seg["text"]) == 1 and \
                L.first_match(out[-1]["text"] + seg["text"], L.PROACTIVE_ROWS):
            out[-1] = dict(out[-1], text=out[-1]["text"] + seg["text"], x1=seg["x1"])
        else:
            out.append(seg)
    return out


def _lines_of(segments: list[dict], size: float) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for seg in sorted(segments, key=lambda s: (s["top"], s["x0"])):
        if lines and abs(seg["top"] - lines[-1][0]["top"]) < size * 0.5:
            lines[-1].append(seg)
        else:
            lines.append([seg])
    return lines


def _table(lines: list[dict]) -> Table | None:
    segments = [s for line in lines for s in _segments(line) if s["text"]]
    numbers = [s for s in segments if is_number(s["text"])]
    if not numbers:
        return None
    size = sorted(n["size"] for n in numbers)[len(numbers) // 2]
    value_left = min(n["x0"] for n in numbers) - size * 0.5
    in_values = lambda s: s["x1"] > value_left      # noqa: E731
    value_segs, header_segs, label_segs = _sort_segments(segments, size, in_values)
    headers = _stack(header_segs)
    columns = _value_columns(value_segs, headers, size, in_values)
    gaps = [b - a for a, b in zip(columns, columns[1:])]
    tolerance = min(gaps) / 2 if gaps else size * 3
    placed = _value_rows(value_segs, label_segs, columns, size, tolerance)
    placed += _header_rows(headers, columns, tolerance, in_values)
    placed.sort(key=lambda p: p[0])
    return _grid(placed, len(columns))


def _sort_segments(segments, size, in_values) -> tuple[list, list, list]:
    """(figures, header labels above them, row labels left of them), line by line."""
    value_segs, header_segs, label_segs = [], [], []
    for line in _lines_of(segments, size):
        line = _join_spaced(line)
        if any(is_number(s["text"]) for s in line):
            value_segs += [s for s in line if in_values(s)]
            label_segs += [s for s in line if not in_values(s)]
        elif any(in_values(s) for s in line):
            header_segs += line
        else:
            label_segs += line
    return value_segs, header_segs, label_segs


def _value_columns(value_segs, headers, size, in_values) -> list[float]:
    columns = _columns([s for s in value_segs if is_number(s["text"])])
    # a column left blank in every row still has its label above it
    for h in headers:
        centre = (h["x0"] + h["x1"]) / 2
        if in_values(h) and _column_label(h["text"]) and \
                all(abs(centre - c) > size for c in columns):
            columns = sorted(columns + [centre])
    return columns


def _value_rows(value_segs, label_segs, columns, size, tolerance) -> list[tuple[float, dict]]:
    """(top, {"labels": texts, column: text}) of each line of figures, with the labels
    beside it, and of each label too far from any figures to belong to them."""
    value_tops = sorted({s["top"] for s in value_segs})
    pitch = sorted(b - a for a, b in zip(value_tops, value_tops[1:]))
    reach = max(size * 1.2, 0.6 * pitch[len(pitch) // 2]) if pitch else size * 1.2
    placed: list[tuple[float, dict]] = []
    by_row: dict[float, list[dict]] = {top: [] for top in value_tops}
    for frag in _stack(label_segs):
        middle = (frag["top"] + frag["bottom"]) / 2
        nearest = min(value_tops, key=lambda t: abs(t + size / 2 - middle))
        if abs(nearest + size / 2 - middle) <= reach:
            by_row[nearest].append(frag)
        else:
            placed.append((frag["top"], {"labels": [frag["text"]]}))
    for top in value_tops:
        labels = [f["text"] for f in sorted(by_row[top], key=lambda f: f["x0"])]
        values: dict[int, str] = {}
        for seg in (s for s in value_segs if s["top"] == top):
            col = _column_of(seg, columns, tolerance)
            if col is None or col in values:
                values = {}       # a figure between two columns: the row cannot be placed
                labels.append("(figures not aligned with the columns)")
                break
            values[col] = seg["text"]
        placed.append((top, {"labels": labels, **values}))
    return placed


def _header_rows(headers, columns, tolerance, in_values) -> list[tuple[float, dict]]:
    header_rows: list[tuple[float, float, dict]] = []     # (top, bottom, row)
    for frag in headers:
        col = "labels" if not in_values(frag) else _column_of(frag, columns, tolerance * 2)
        if col is None:
            continue
        # a one-line label beside a two-line one belongs to the same header row
        row = next((r for t, b, r in header_rows if frag["top"] < b and frag["bottom"] > t
                    and (col == "labels" or col not in r)), None)
        if row is None:
            row = {"labels": []}
            header_rows.append((frag["top"], frag["bottom"], row))
        else:
            i = next(i for i, (_, _, r) in enumerate(header_rows) if r is row)
            t, b, _ = header_rows[i]
            header_rows[i] = (min(t, frag["top"]), max(b, frag["bottom"]), row)
        if col == "labels":
            row["labels"].append(frag["text"])
        else:
            row[col] = frag["text"]
    return [(t, r) for t, _, r in header_rows]


def _grid(placed: list[tuple[float, dict]], n_columns: int) -> Table:
    n_label = max(len(row["labels"]) for _, row in placed)
    width = n_label + n_columns
    rows: list[list[Cell]] = []
    for _, row in placed:
        texts = [""] * (n_label - len(row["labels"])) + row["labels"]
        texts += [row.get(c, "") for c in range(n_columns)]
        rows.append([Cell(t, len(rows), c) for c, t in enumerate(texts[:width])])
    return Table(rows=rows, grid=[list(r) for r in rows], spans_known=True)


def unruled_tables(items: list) -> list:
    """Replace the text lines of each report-table section by the table they print.

    `items` holds line dicts (text, y, chars, …) and already-found Tables, in
    reading order; y grows down the whole document."""
    out: list = []
    span: list[dict] | None = None

    def close():
        nonlocal span
        if span:
            table = _table(span)
            if table is not None:
                out.append(table)
            else:
                out.extend(span)
        span = None

    for item in items:
        if not isinstance(item, dict):
            close()
            out.append(item)
            continue
        text = clean(item["text"])
        # a section heading, not a row label like 一、本年新收… or 四、结转下年度…
        if _SECTION.match(text) and len(text) <= 60 and L.first_match(text, L.SECTIONS) \
                and len(_segments(item)) <= 1:
            close()
            out.append(item)
            if L.first_match(text, L.TABLE_HEADINGS):
                span = []
            continue
        if span is not None:
            span.append(item)
        else:
            out.append(item)
    close()
    return out
