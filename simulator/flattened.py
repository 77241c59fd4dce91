"""A report as the flattened text web archives and copy-paste leave of its page: the
tables' grid is gone, each cell printed in reading order in one of the styles real
excerpts show (pipe rows with or without the leading pipe, one cell a line with blank
lines, lone `|` lines or ` |` after each cell between them). Blank cells print as
nothing, so a row holding one cannot say which column its figures belong to: the truth
of a flattened report leaves such rows out (`flattened_truth`).
"""
from __future__ import annotations

from .forms import report_blocks

STYLES = ("pipe", "pipe_lead", "cells_blank", "cells_bar", "cells_suffix")


def _cells(row, spans: bool) -> list[str]:
    """A row's cells as text; with `spans`, a spanned cell followed by the empty cells it
    covers (a converter writes `0 | ||` for a value spanning three columns)."""
    out = []
    for cell in row:
        text = "" if cell.blank else cell.text
        out += [text] + [""] * ((cell.colspan - 1) if spans else 0)
    return out


def _table_lines(rows, style: str) -> list[str]:
    lines: list[str] = []
    for row in rows:
        cells = _cells(row, spans=style in ("pipe", "pipe_lead"))
        if style in ("pipe", "pipe_lead"):
            joined = " | ".join(c.replace("\n", "") for c in cells) + " |"
            lines.append(("| " if style == "pipe_lead" else "") + joined)
            continue
        for cell in cells:
            parts = cell.split("\n") if cell else [""]
            if style == "cells_blank":
                for part in parts:
                    lines += [part, ""]
            elif style == "cells_bar":
                lines += [*parts, "|"]
            else:       # cells_suffix: 'cell |', a lone | closing the row
                lines += [f"{part} |" for part in parts]
        if style == "cells_suffix":
            lines.append("|")
    return lines


def flattened_text(report, style: str = "pipe") -> str:
    if style not in STYLES:
        raise ValueError(f"unknown flattened style {style!r}")
    lines = [report.title]
    for block in report_blocks(report):
        if block[0] == "table":
            lines += _table_lines(block[2], style)
        else:
            lines.append(block[1])
    return "\n".join(lines) + "\n"


def flattened_truth(figures: dict) -> dict:
    """The figures a perfect reader takes from the flattened text: every row but those
    holding a blank cell (its figures could stand under any of the columns)."""
    blank_rows = {key.rsplit(".", 1)[0] for key, value in figures.items() if value is None}
    if any(row.startswith("applications.other_handling.") for row in blank_rows):
        # t2021's （六）其他处理 total is the sum of its three rows: gone with any of them
        blank_rows.add("applications.other_handling")
    return {key: value for key, value in figures.items()
            if key.rsplit(".", 1)[0] not in blank_rows}
