"""Ground truth of the simulated web, straight from the model (never by parsing pages).

``ground_truth(portal, base_url)`` takes a ``Portal`` (the default 会昌县 site) or a ``web.Web``.
Report URLs of the default site are written against ``base_url`` when given (a test server's
address); every other host, and the default one without it, keeps its own ``http://<host>/``
(reach it through the server as a proxy).  ``write_truth`` streams the
same JSON for portals too large to hold as one dict.
"""

from __future__ import annotations

import copy
import json

from .faults import FAULTS, deadline_of, versions

SITE = "huichang"
FAMILY = "ganzhou"
DEFAULT_BASE = "http://www.huichang.gov.cn/"

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


def _with_derived(figures: dict, template: str) -> dict:
    return {**figures, **derived_figures(figures, template)}


def _sites(portal) -> list:
    return portal.sites if hasattr(portal, "sites") else [portal]


def _default(portal):
    return portal.default_site if hasattr(portal, "default_site") else portal


def _base(site, portal, base_url: str | None) -> str:
    """The default site answers at `base_url` when given (a test server's address);
    every site, the default one too, otherwise at its own host."""
    if site is _default(portal) and base_url:
        return base_url.rstrip("/")
    return f"http://{site.host}"


def report_truth(report, base_url: str = DEFAULT_BASE, site=None) -> dict:
    """One report: where and when it is (and was), who wrote it, what it says, what is wrong."""
    a = report.agency
    clock = site.clock if site is not None else None
    base = base_url.rstrip("/")
    shown = report.at(clock) if clock is not None else report
    current = report.current_path(clock) if clock is not None else report.path
    t = report.timeline
    out = {
        "url": base + current,
        "path": current,
        "site": getattr(a, "site", SITE),
        "family": site.family if site is not None else FAMILY,
        "agency": a.name,
        "agency_short": a.short_name,
        "agency_kind": a.kind,
        "column_id": a.column_id,
        "report_year": report.report_year,
        "template": report.template,
        "form": report.form,
        "title": report.title,
        "published": report.published.isoformat(),
        "figures": _with_derived(shown.figures, report.template),
        "defects": copy.deepcopy(report.defects),
        # additions of the multi-site web
        "host": site.host if site is not None else "www.huichang.gov.cn",
        "layout": report.layout,
        "declared_published": report.published.isoformat(),
        "declared_published_at": f"{report.published_at:%Y-%m-%d %H:%M}" if report.published_at else None,
        "actual_published": report.appeared.isoformat(),
        # the simulator's own reading of the deadline rules (faults.py), for the deadline watch
        "deadline": deadline_of(a.kind, report.report_year),
        "urls": _urls(report, base),
        "deleted_on": t.deleted.isoformat() if t is not None and t.deleted else None,
        "edited_on": t.edited.isoformat() if t is not None and t.edited else None,
        "visible": report.visible(clock) if clock is not None else True,
        "versions": [{**v, "figures": _with_derived(v["figures"], report.template)} for v in versions(report)],
        "attachments": [{"url": base + att.path, "href": att.href, "name": att.name, "kind": att.kind}
                        for att in report.attachments],
        "text_extractable": report.form != "image",
    }
    if report.template == "older":
        out["facts"] = dict(report.content.facts)
    return out


def _urls(report, base: str) -> list[dict]:
    t = report.timeline
    if t is None or t.move is None:
        return [{"url": base + report.path, "from": report.appeared.isoformat(), "until": None}]
    return [
        {"url": base + report.path, "from": report.appeared.isoformat(), "until": t.move.on.isoformat(),
         "after": t.move.old_status},
        {"url": base + t.move.new_path, "from": t.move.on.isoformat(), "until": None},
    ]


def _header(portal, base_url: str | None) -> dict:
    default = _default(portal)
    clock = getattr(default, "clock", None)
    hosts = []
    for s in _sites(portal):
        hosts.append({"host": s.host, "site": s.key, "family": s.family, "title": s.title,
                      "base_url": _base(s, portal, base_url) + "/", "default": s is default,
                      "role": {"mirror": "mirror"}.get(s.family, "challenge" if hasattr(s, "cookie_name") else "portal")})
    missing = []
    for s in _sites(portal):
        for agency, year in getattr(s, "missing", []):
            missing.append({"site": s.key, "host": s.host, "agency": agency.name, "agency_kind": agency.kind,
                            "report_year": year, "deadline": deadline_of(agency.kind, year)})
    return {
        "seed": portal.seed,
        "site": default.key,
        "as_of": clock.as_of.isoformat() if clock is not None and clock.as_of else None,
        "families": [s.family for s in getattr(portal, "family_sites", [portal])],
        "hosts": hosts,
        "faults": list(getattr(portal, "fault_records", [])),
        "fault_catalogue": dict(FAULTS),
        "missing": missing,
    }


def iter_reports(portal, base_url: str | None = None):
    for s in _sites(portal):
        base = _base(s, portal, base_url)
        for r in s.reports:
            yield report_truth(r, base, s)


def ground_truth(portal, base_url: str | None = None) -> dict:
    """Every report with the figures a perfect extractor reads from it as the clock stands: a
    blank cell is ``None``; a damaged cell (short row) is absent and named in ``defects``; an
    image-only report has no figures and a ``no_text`` defect."""
    out = _header(portal, base_url)
    out["reports"] = list(iter_reports(portal, base_url))
    return out


def write_truth(portal, fp, base_url: str | None = None) -> int:
    """Stream the truth as JSON to ``fp`` without holding every report at once; returns the
    number of reports written."""
    head = json.dumps(_header(portal, base_url), ensure_ascii=False, indent=1)
    fp.write(head[:-2] + ',\n "reports": [')
    n = 0
    for rec in iter_reports(portal, base_url):
        fp.write(("\n  " if n == 0 else ",\n  ") + json.dumps(rec, ensure_ascii=False))
        n += 1
    fp.write("\n ]\n}\n")
    return n


__all__ = ["ground_truth", "iter_reports", "report_truth", "write_truth"]
