"""Ground truth of the simulated portal, straight from the model (never by parsing pages)."""

from __future__ import annotations

import copy

from .model import Portal

SITE = "huichang"
FAMILY = "ganzhou"


_OTHER_HANDLING_PARTS = ("no_correction", "unpaid_fee", "other")


def derived_figures(figures: dict, template: str) -> dict:
    """The spec defines t2021's `applications.other_handling.<column>` as the sum of its
    three printed sub-rows when all three are given; no page prints that sum."""
    if template != "t2021":
        return {}
    derived = {}
    columns = {key.rsplit(".", 1)[1] for key in figures
               if key.startswith("applications.other_handling.no_correction.")}
    for column in columns:
        parts = [figures.get(f"applications.other_handling.{part}.{column}")
                 for part in _OTHER_HANDLING_PARTS]
        if all(isinstance(value, (int, float)) for value in parts):
            derived[f"applications.other_handling.{column}"] = sum(parts)
    return derived


def report_truth(report, base_url: str = "http://www.huichang.gov.cn/") -> dict:
    a = report.agency
    return {
        "url": base_url.rstrip("/") + report.path,
        "path": report.path,
        "site": SITE,
        "family": FAMILY,
        "agency": a.name,
        "agency_short": a.short_name,
        "agency_kind": a.kind,
        "column_id": a.column_id,
        "report_year": report.report_year,
        "template": report.template,
        "form": report.form,
        "title": report.title,
        "published": report.published.isoformat(),
        "figures": {**report.figures, **derived_figures(report.figures, report.template)},
        "defects": copy.deepcopy(report.defects),
    }


def ground_truth(portal: Portal, base_url: str = "http://www.huichang.gov.cn/") -> dict:
    """Every report of the portal with the figures a perfect extractor reads from its page:
    a blank cell is ``None``; a damaged cell (short row) is absent and named in ``defects``."""
    return {
        "seed": portal.seed,
        "site": SITE,
        "reports": [report_truth(r, base_url) for r in portal.reports],
    }
