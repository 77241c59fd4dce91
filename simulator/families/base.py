"""What the TRS, Hanweb and gkmlpt sites share: their bodies, their reports (light records with
lazily built contents), what the server shows on the clock's day, and the fault hooks.

A family module subclasses ``FamilySite`` and supplies the URL scheme (``report_path``,
``attachments_for``, ``column_of``) and the pages (``route``).
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from datetime import date, datetime

from .. import figures as F
from ..clock import Clock, Timeline
from ..content import build_agency, rng_for
from ..documents import CONTENT_TYPES, document_bytes
from ..forms import choose_form, document_kinds
from ..model import Agency, _publish_time
from ..names import department_names, initials, township_names
from ..reports import ContentCache, Report
from ..site import Request, Response, SitePlan, bytes_response, html_response, redirect, text_response

E = html.escape


@dataclass(frozen=True)
class Unit:
    name: str
    short: str
    kind: str  # township | department | county_government
    slug: str = ""


def digest(*parts) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def number(*parts, digits: int = 7) -> int:
    """A stable number of ``digits`` digits (first digit non-zero) for ids in URLs."""
    n = int(digest(*parts)[:12], 16)
    low = 10 ** (digits - 1)
    return low + n % (9 * low)


class FamilySite:
    family = ""
    moved_status = 404  # what the old URL of a moved report answers
    robots_default: str | None = "User-agent: *\nAllow: /\n"  # None: robots.txt is a 404

    def __init__(self, *, key: str, host: str, title: str, region: str, seed: int, years, page_size: int,
                 units: list[Unit], count: int | None, clock: Clock):
        self.key, self.host, self.title, self.region = key, host, title, region
        self.seed, self.years, self.page_size = seed, tuple(years), page_size
        self.clock = clock
        self.plan = SitePlan()
        self.missing: list = []
        self.agencies = [self.make_agency(i, u) for i, u in enumerate(self._units(units, count))]
        self._contents = ContentCache(self._build_contents)
        self.reports: list[Report] = []
        for i, a in enumerate(self.agencies):
            self.reports += self.make_reports(i, a)
        self.reindex()

    # --- bodies ---------------------------------------------------------------------------

    def _units(self, core: list[Unit], count: int | None) -> list[Unit]:
        """The real-named bodies, cut down or topped up with invented ones to ``count``."""
        if count is None or count == len(core):
            return list(core)
        if count < len(core):
            return list(core[: max(1, count)])
        extra = count - len(core)
        bureaus = department_names(self.region, extra // 4, {u.name for u in core})
        taken = {u.short[:-1] for u in core} | {u.short[:-2] for u in core}
        towns = township_names(self.seed, self.key, extra - len(bureaus), taken)
        level = self.region[-1]
        out = list(core)
        for i in range(extra):
            slug = initials(i)
            if i % 4 == 3 and bureaus:
                name = bureaus.pop(0)
                out.append(Unit(name, level + name[len(self.region):], "department", slug))
            else:
                short = towns.pop(0)
                suffix = "办事处" if short.endswith("街道") else "人民政府"
                out.append(Unit(f"{self.region}{short}{suffix}", short, "township", slug))
        return out

    def make_agency(self, index: int, unit: Unit) -> Agency:
        code = f"{self.key}-{unit.slug or index}"
        return Agency(code, unit.name, unit.short, unit.kind, code, "政府信息公开年报", None, site=self.key, slug=unit.slug)

    # --- reports ------------------------------------------------------------------------------

    def make_reports(self, index: int, agency: Agency) -> list[Report]:
        out = []
        for year in self.years:
            published_at = _publish_time(rng_for(self.seed, self.key, agency.code, year, "date"), agency, year)
            form, layout = choose_form(self.family, self.seed, index, year)
            template = "older" if year < 2019 else F.template_for_year(year)
            r = Report(agency, year, template, form, published_at.date(), "", digest(self.seed, self.key, agency.code, year)[:32],
                       f"{agency.title_name}{year}年政府信息公开工作年度报告", published_at=published_at, seed=self.seed,
                       layout=layout, loader=self.load_content,
                       timeline=Timeline(published_at.date(), published_at.date()))
            self.place(r)
            out.append(r)
        return out

    def place(self, report: Report) -> None:
        """(Re)compute the URL and attachments from the report's appearance date."""
        report.relocate(self.report_path(report, report.timeline.appeared, ""), self.attachments_for)

    def redate(self, report: Report, declared: datetime, appeared: date) -> None:
        report.redate(declared, appeared)
        self.place(report)

    def _build_contents(self, agency_code: str) -> dict:
        agency = self._agencies[agency_code]
        layouts = {r.report_year: (r.form, r.layout) for r in self._of_agency.get(agency_code, [])}
        return build_agency(self.seed, self.key, agency, self.years, layouts)

    def load_content(self, report: Report):
        return self._contents.get(report.agency.code)[report.report_year]

    def report_path(self, report: Report, when: date, salt: str) -> str:
        raise NotImplementedError

    def attachments_for(self, report: Report) -> list:
        raise NotImplementedError

    def column_of(self, report: Report) -> str:
        """The list (column, category) a report is listed in."""
        raise NotImplementedError

    def list_columns(self) -> list[str]:
        return sorted({self.column_of(r) for r in self.reports})

    # --- indexes and the clock ----------------------------------------------------------------

    def reindex(self) -> None:
        self._agencies = {a.code: a for a in self.agencies}
        self._by_path: dict[str, Report] = {}
        self._by_year = {}
        self._of_agency: dict[str, list[Report]] = {}
        self._attachments: dict[str, tuple[Report, int]] = {}
        columns: dict[str, list[Report]] = {}
        for r in self.reports:
            for p in r.paths():
                self._by_path[p] = r
            self._by_year[(r.agency.code, r.report_year)] = r
            self._of_agency.setdefault(r.agency.code, []).append(r)
            for i, att in enumerate(r.attachments):
                self._attachments[self.attachment_key(att.path)] = (r, i)
            columns.setdefault(self.column_of(r), []).append(r)
        self._columns = {c: sorted(rs, key=lambda r: (r.published_at, r.path), reverse=True) for c, rs in columns.items()}
        self._newest = sorted(self.reports, key=lambda r: (r.published_at, r.path), reverse=True)
        self._visible_cache: dict = {}

    def attachment_key(self, target: str) -> str:
        return target

    def report(self, agency_code: str, year: int) -> Report | None:
        return self._by_year.get((agency_code, year))

    def agency(self, code: str) -> Agency | None:
        return self._agencies.get(code)

    def column_entries(self, column: str) -> list[Report]:
        key = (column, self.clock.as_of)
        hit = self._visible_cache.get(key)
        if hit is None:
            hit = [r for r in self._columns.get(column, []) if r.visible(self.clock)]
            if len(self._visible_cache) > 4096:
                self._visible_cache.clear()
            self._visible_cache[key] = hit
        return hit

    def newest(self, n: int) -> list[Report]:
        out = []
        for r in self._newest:
            if r.visible(self.clock):
                out.append(r)
                if len(out) == n:
                    break
        return out

    def page_count(self, column: str) -> int:
        return max(1, -(-len(self.column_entries(column)) // self.page_size))

    def declared_pages(self, column: str) -> int:
        return self.page_count(column) + self.plan.inflated.get(column, 0)

    def extra_entries(self, column: str) -> list[tuple[Report, str]]:
        """Entries a fault adds to a column's first list page: (report, absolute href or "")."""
        out = [(r, "") for r in self.plan.cross.get(column, []) if r.visible(self.clock)]
        out += [(r, f"http://{host}{r.current_path(self.clock)}") for r, host in self.plan.mirrors.get(column, [])
                if r.visible(self.clock)]
        out += [(r, f"https://{self.host}{r.current_path(self.clock)}") for r in self.plan.schemes.get(column, [])
                if r.visible(self.clock)]
        return out

    def lookup(self, path: str):
        """(report as shown today, None) for a report page, or (None, response) when the path
        belonged to a report that is not there today, or (None, None)."""
        r = self._by_path.get(path)
        if r is None:
            return None, None
        if not r.visible(self.clock):
            return None, self.not_found()
        current = r.current_path(self.clock)
        if path != current:
            if path == r.path and self.moved_status == 301:
                return None, redirect(f"http://{self.host}{current}")
            return None, self.not_found()
        return r.at(self.clock), None

    # --- answering ---------------------------------------------------------------------------

    def respond(self, req: Request) -> Response:
        if req.path == "/robots.txt":
            text = self.plan.robots if self.plan.robots is not None else self.robots_default
            return text_response(text) if text is not None else self.not_found(hard=True)
        if req.method not in ("GET", "HEAD", "POST"):
            return html_response(self.not_found_page(), 405, headers={"Allow": "GET, HEAD, POST"})
        att = self._attachments.get(self.attachment_key(req.target))
        if att is not None:
            return self.serve_attachment(*att)
        return self.route(req) or self.not_found()

    def serve_attachment(self, report: Report, index: int) -> Response:
        if not report.visible(self.clock):
            return self.not_found()
        att = report.attachments[index]
        kinds = document_kinds(report)
        data = document_bytes(report.at(self.clock), att.kind, kinds[:index].count(att.kind))
        return bytes_response(data, CONTENT_TYPES[att.kind])

    def route(self, req: Request) -> Response | None:
        raise NotImplementedError

    def not_found_page(self) -> str:
        return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>页面不存在-{E(self.title)}</title></head>'
                f'<body><div class="error"><h1>404</h1><p>抱歉，您访问的页面不存在或已删除。</p>'
                f'<p><a href="/">返回首页</a></p></div></body></html>\n')

    def not_found(self, hard: bool = False) -> Response:
        status = 200 if self.plan.soft_404 and not hard else 404
        return html_response(self.not_found_page(), status)

    def page(self, text: str, report: Report | None = None) -> Response:
        fault = self.plan.encodings.get(report.uuid) if report is not None else None
        return html_response(text, 200, fault)

    # --- fault hooks ---------------------------------------------------------------------------

    def robots_fault(self, rng) -> tuple[str, object, dict]:
        """(robots.txt text, predicate on reports it forbids, detail) for the ``robots`` fault."""
        raise NotImplementedError
