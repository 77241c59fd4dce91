"""A report's heavy part: its figures, the rendering choices and the defects they cause.

Each (seed, site, agency, year) seeds its own ``random.Random``; a year's figures depend on the
year before (carry-over, valid documents), so an agency's years are built together.
"""

from __future__ import annotations

import random

from . import figures as F
from .reports import Content


def rng_for(*parts) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


def _style(rng: random.Random, agency, year: int) -> dict:
    """Presentation variants of one report; each becomes a defect entry (``kind``)."""
    blank_p = 0.15 if agency.kind == "township" else 0.3
    return {
        "total_label": "合计" if rng.random() < 0.3 else "总计",
        "word": rng.random() < 0.35,
        "blank_org_zeros": rng.random() < blank_p,
        "short_rows": [],
        "short_cells": 7,
        "labels": {},
    }


def _apply_style(values: dict, template: str, style: dict) -> tuple[dict, list[dict]]:
    """From complete values to what the page shows, plus the defect list."""
    figures = dict(values)
    defects: list[dict] = []
    if style["total_label"] != "总计":
        defects.append({"kind": "total_label", "table": "applications", "label": style["total_label"]})
    if style["word"]:
        defects.append({"kind": "word_markup", "font": "仿宋_GB2312"})
    if style["blank_org_zeros"]:
        blanks = 0
        for row in F.application_rows(template):
            for col in F.ORG_COLUMNS:
                key = f"applications.{row}.{col}"
                if figures.get(key) == 0:
                    figures[key] = None
                    blanks += 1
        if blanks:
            defects.append(
                {"kind": "blank_cells", "table": "applications", "columns": list(F.ORG_COLUMNS), "cells": blanks}
            )
        else:
            style["blank_org_zeros"] = False
    if style["short_rows"]:
        for row in style["short_rows"]:
            for col in F.APPLICATION_COLUMNS:
                figures.pop(f"applications.{row}.{col}", None)
        defects.append(
            {
                "kind": "short_rows",
                "table": "applications",
                "rows": list(style["short_rows"]),
                "cells": style["short_cells"],
                "expected_cells": len(F.APPLICATION_COLUMNS),
            }
        )
    for standard, printed in style["labels"].items():
        kind = "label_typo" if standard == "结果维持" else "label_variant"
        entry = {"kind": kind, "label": printed, "standard": standard}
        defects.append(entry)
    return figures, defects


# Word-pasted labels: ideographic spaces typed to stretch short labels, and the common typo.
WORD_LABELS = {"规章": "规\u3000\u3000章", "结果维持": "结果维护"}


def style_for_layout(rng: random.Random, agency, year: int, layout: str, template: str) -> dict:
    style = _style(rng, agency, year)
    style["word"] = False
    if layout == "word_paste":
        style.update(word=True, total_label="合计", split_runs=True, labels=dict(WORD_LABELS))
    if layout == "split_table":
        rows = F.application_rows(template)
        style["split_at"] = rows[rng.randint(6, len(rows) - 6)]
    return style


def layout_defects(layout: str, style: dict) -> list[dict]:
    if layout == "word_paste":
        return [{"kind": "split_runs", "where": "labels, numbers and prose"}, {"kind": "fullwidth_spaces", "where": "labels and indentation"}]
    if layout == "split_table":
        return [{"kind": "split_table", "table": "applications", "second_table_starts_at": style["split_at"]}]
    return []


def older_facts(rng: random.Random, kind: str) -> dict:
    """Numbers an older (2008 Regulation) report states in its prose."""
    big = kind == "county_government"
    received = rng.randint(5, 40) if big else (rng.randint(0, 6) if kind == "department" else rng.randint(0, 2))
    answered = received - (1 if received and rng.random() < 0.2 else 0)
    return {
        "proactive_items": rng.randint(800, 2500) if big else rng.randint(30, 300),
        "applications_received": received,
        "applications_answered": answered,
        "reviews": rng.randint(0, 2) if big else 0,
        "lawsuits": rng.randint(0, 1) if big else 0,
        "fees_yuan": 0,
    }


def build_agency(seed: int, site: str, agency, years, layouts: dict[int, tuple[str, str]]) -> dict[int, Content]:
    """Contents of every year of one agency.  ``layouts`` maps a year to (form, layout); years
    without a published report still advance the carry-over chain."""
    state = F.AgencyState()
    out: dict[int, Content] = {}
    for year in sorted(years):
        form, layout = layouts.get(year, ("html", "inline"))
        if year < 2019:
            facts = older_facts(rng_for(seed, site, agency.code, year, "older"), agency.kind)
            out[year] = Content({}, {}, [], {"total_label": "总计", "word": False, "labels": {}}, facts)
            continue
        template = F.template_for_year(year)
        values = F.generate_figures(rng_for(seed, site, agency.code, year), agency.kind, template, state)
        style = style_for_layout(rng_for(seed, site, agency.code, year, "style"), agency, year, layout, template)
        figures, defects = _apply_style(values, template, style)
        defects += layout_defects(layout, style)
        if form == "image":
            # a scan or picture: nothing on the page or in the file can be read as text
            figures, defects = {}, []
        out[year] = Content(values, figures, defects, style)
    return out
