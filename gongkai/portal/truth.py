"""Ground truth of the simulated portal, straight from the model (never by parsing pages)."""

from __future__ import annotations

import copy

from .model import Portal

SITE = "huichang"
FAMILY = "ganzhou"


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
        "figures": dict(report.figures),
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
