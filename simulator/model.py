"""The simulated Huichang county portal as a deterministic data model.

``build_portal(seed)`` gives the same agencies, columns, items, reports and figures for the
same seed, byte for byte once rendered.  All randomness comes from ``random.Random`` objects
seeded with strings such as ``"1:hc1590:2020"``; ``hash()`` and the global ``random`` are never
used.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime

from . import figures as F
from .clock import Clock, Timeline
from .content import _apply_style, _style, build_agency
from .reports import Content, ContentCache, Report
from .huichang_paths import (DEPARTMENT_NAV, SECTION, SITE_DOMAIN, SITE_NAME,
                             TOWNSHIP_NAV, article_path, list_path, nav_path)
from .site import SitePlan


ANNUAL_COLUMN_TYPE = "信息公开年报"


# the 庄口镇 2020 report (the project's seed document) and how it is damaged
SEED_AGENCY = "hc1590"
SEED_YEAR = 2020
SEED_PUBLISHED = datetime(2021, 1, 20, 9, 41)
SEED_SHORT_ROWS = F.application_rows("t2019")[2:]  # （一）予以公开 … 四、结转下年度继续办理


@dataclass(frozen=True)
class Agency:
    code: str  # the 年报 column id (same as column_id)
    name: str
    short_name: str
    kind: str  # township | department | county_government
    column_id: str
    column_title: str
    nav_code: str | None  # the unit's own xxgk_navs page; None for the county itself
    site: str = "huichang"  # the site key (one per host)
    slug: str = ""  # family-specific folder or prefix (TRS unit directory, gkmlpt prefix)

    @property
    def title_name(self) -> str:
        """The name used in report titles (townships by short name)."""
        return self.short_name if self.kind == "township" else self.name

    @property
    def display_name(self) -> str:
        """The name used in navigation lists and breadcrumbs."""
        return self.short_name if self.kind == "township" else self.name


@dataclass
class Column:
    id: str
    title: str
    kind: str  # annual_report | guide | ordinary
    agency: Agency | None  # None: a county-wide column without a unit page
    column_type: str

    @property
    def list_path(self) -> str:
        return list_path(self.id, 1)


@dataclass
class Item:
    """A non-report article of an ordinary column."""

    column: Column
    title: str
    published_at: datetime
    path: str
    uuid: str
    paragraphs: list[str]

    @property
    def published(self) -> date:
        return self.published_at.date()


@dataclass
class Portal:
    """The 会昌县 site (Ganzhou family).  With the default arguments of ``build_portal`` it is the
    whole simulated web; inside a multi-site ``Web`` it is the site of www.huichang.gov.cn."""

    seed: int
    agencies: list[Agency]
    reports: list[Report]
    columns: list[Column] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    page_size: int = 4
    years: tuple[int, ...] = ()
    clock: Clock = field(default_factory=Clock)
    plan: SitePlan = field(default_factory=SitePlan)
    missing: list = field(default_factory=list)  # (agency, year) that never published a report

    key = "huichang"
    family = "ganzhou"
    host = SITE_DOMAIN
    title = SITE_NAME

    def __post_init__(self):
        self._contents = ContentCache(self._build_contents)
        self.reindex()

    def _build_contents(self, agency_code: str) -> dict:
        layouts = {r.report_year: (r.form, r.layout) for r in self._of_agency.get(agency_code, [])}
        return build_agency(self.seed, self.key, self.agency(agency_code), self.years, layouts)

    def load_content(self, report: Report) -> Content:
        return self._contents.get(report.agency.code)[report.report_year]

    def reindex(self) -> None:
        """Rebuild the lookups (after faults moved or re-dated reports)."""
        self._by_path = {}
        for r in self.reports:
            for p in r.paths():
                self._by_path[p] = r
        self._attachments = {att.path: (r, i) for r in self.reports for i, att in enumerate(r.attachments)}
        self._items_by_path = {i.path: i for i in self.items}
        self._columns = {c.id: c for c in self.columns}
        self._agencies = {a.code: a for a in self.agencies}
        self._by_nav = {a.nav_code: a for a in self.agencies if a.nav_code}
        self._by_year = {(r.agency.code, r.report_year): r for r in self.reports}
        self._of_agency: dict[str, list[Report]] = {}
        for r in self.reports:
            self._of_agency.setdefault(r.agency.code, []).append(r)
        self._of_kind: dict[str, list[Agency]] = {}
        for a in self.agencies:
            self._of_kind.setdefault(a.kind, []).append(a)
        self._cols_of: dict[str | None, list[Column]] = {}
        for c in self.columns:
            self._cols_of.setdefault(c.agency.code if c.agency else None, []).append(c)
        by_column: dict[str, list] = {}
        for r in self.reports:
            by_column.setdefault(r.agency.column_id, []).append(r)
        for i in self.items:
            by_column.setdefault(i.column.id, []).append(i)
        self._column_all = {
            cid: sorted(entries, key=lambda e: (e.published_at, e.path), reverse=True) for cid, entries in by_column.items()
        }
        self._newest = sorted(self.reports, key=lambda r: (r.published_at, r.path), reverse=True)
        self._visible_cache: dict = {}

    # --- lookups ---
    def report_by_path(self, path: str) -> Report | None:
        return self._by_path.get(path)

    def item_by_path(self, path: str) -> Item | None:
        return self._items_by_path.get(path)

    def agency(self, code: str) -> Agency | None:
        return self._agencies.get(code)

    def agency_by_nav(self, nav_code: str) -> Agency | None:
        return self._by_nav.get(nav_code)

    def column(self, column_id: str) -> Column | None:
        return self._columns.get(column_id)

    def report(self, agency_code: str, year: int) -> Report | None:
        return self._by_year.get((agency_code, year))

    def reports_of(self, agency_code: str) -> list[Report]:
        return list(self._of_agency.get(agency_code, []))

    def agencies_of_kind(self, kind: str) -> list[Agency]:
        return list(self._of_kind.get(kind, []))

    def columns_of(self, agency: Agency | None) -> list[Column]:
        return list(self._cols_of.get(agency.code if agency else None, []))

    @property
    def county(self) -> Agency:
        return self.agencies_of_kind("county_government")[0]

    # --- what the server shows on the clock's day ---
    def shown(self, entry) -> bool:
        if isinstance(entry, Report):
            return entry.visible(self.clock)
        return self.clock.as_of is None or entry.published <= self.clock.as_of

    def entry_path(self, entry) -> str:
        return entry.current_path(self.clock) if isinstance(entry, Report) else entry.path

    def newest_reports(self, n: int) -> list[Report]:
        out = []
        for r in self._newest:
            if self.shown(r):
                out.append(r)
                if len(out) == n:
                    break
        return out

    def column_entries(self, column_id: str) -> list:
        """Reports or items of a column shown today, newest first (the list page order)."""
        key = (column_id, self.clock.as_of)
        hit = self._visible_cache.get(key)
        if hit is None:
            col = self.column(column_id)
            entries = self._column_all.get(column_id, []) if col is not None else []
            if col is not None and col.kind == "annual_report":
                entries = [e for e in entries if isinstance(e, Report)]
            elif col is not None:
                entries = [e for e in entries if not isinstance(e, Report)]
            hit = [e for e in entries if self.shown(e)]
            if len(self._visible_cache) > 4096:
                self._visible_cache.clear()
            self._visible_cache[key] = hit
        return hit

    def page_count(self, column_id: str) -> int:
        n = len(self.column_entries(column_id))
        return max(1, -(-n // self.page_size))

    def column_page(self, column_id: str, page: int) -> list:
        entries = self.column_entries(column_id)
        start = (page - 1) * self.page_size
        return entries[start : start + self.page_size]

    def paths(self) -> list[str]:
        """Every path the portal serves with status 200 (pages, not assets)."""
        out = ["/", f"/{SECTION}/", f"/{SECTION}/{TOWNSHIP_NAV}/xxgk_navs.shtml", f"/{SECTION}/{DEPARTMENT_NAV}/xxgk_navs.shtml"]
        out += [nav_path(a.nav_code) for a in self.agencies if a.nav_code]
        for c in self.columns:
            out += [list_path(c.id, p) for p in range(1, self.page_count(c.id) + 1)]
        out += [i.path for i in self.items if self.shown(i)]
        out += [r.current_path(self.clock) for r in self.reports if self.shown(r)]
        return out

    # --- URLs, attachments and fault hooks (shared with the other families) ---
    moved_status = 301  # the CMS keeps a redirect from a moved article's old address

    def report_path(self, report: Report, when: date, salt: str) -> str:
        uuid = report.uuid if not salt else _hex(self.seed, report.agency.column_id, report.report_year, salt)
        return article_path(report.agency.column_id, when, uuid)

    def place(self, report: Report) -> None:
        from .forms import ganzhou_attachments

        report.relocate(self.report_path(report, report.appeared, ""), ganzhou_attachments)

    def redate(self, report: Report, declared: datetime, appeared: date) -> None:
        report.redate(declared, appeared)
        self.place(report)

    def column_of(self, report: Report) -> str:
        return report.agency.column_id

    def list_columns(self) -> list[str]:
        return [a.column_id for a in self.agencies]

    def attachment(self, path: str):
        return self._attachments.get(path)

    def robots_fault(self, rng):
        units = [a for a in self.agencies if a.kind == "department"] or self.agencies
        unit = units[rng.randrange(len(units))]
        text = f"User-agent: *\nDisallow: /{SECTION}/{unit.column_id}/\nDisallow: /jsearchfront/\n"
        return text, (lambda r: r.agency.column_id == unit.column_id), {"disallow": [f"/{SECTION}/{unit.column_id}/", "/jsearchfront/"]}

    # --- the web server's view ---
    def respond(self, request):
        from .render import respond
        from .site import Response

        return Response(*respond(self, request.method, request.target))


# --- paths ----------------------------------------------------------------------------------


def _hex(*parts) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:32]


def _rng(*parts) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


# --- the agencies (fixed facts, independent of the seed) ------------------------------------

COUNTY = Agency("hc2453", "会昌县人民政府", "会昌县", "county_government", "hc2453", "政府信息公开年报", None)

TOWNSHIPS = [
    # short name, 年报 column id, unit nav code
    ("庄口镇", "hc1590", "hc1572"),
    ("小密乡", "hc1528", "hc1519"),
    ("文武坝镇", "hc1497", "hc1603"),
    ("筠门岭镇", "hc1544", "hc1486"),
    ("西江镇", "hc1561", "hc1625"),
    ("周田镇", "hc1613", "hc1538"),
]

DEPARTMENTS = [
    # full name, short name, 年报 column id, unit nav code
    ("会昌县文化广电新闻出版旅游局", "县文广新旅局", "wglbmndbg", "wglbmxxgk"),
    ("会昌县财政局", "县财政局", "hc3318", "hc3301"),
    ("会昌县教育科技体育局", "县教科体局", "jtjnb7k", "hc3256"),
]


def default_agencies() -> list[Agency]:
    out = [COUNTY]
    for short, col, nav in TOWNSHIPS:
        out.append(Agency(col, f"会昌县{short}人民政府", short, "township", col, "政务信息公开年报", nav))
    for name, short, col, nav in DEPARTMENTS:
        out.append(Agency(col, name, short, "department", col, "政府信息公开年报", nav))
    return out


_ORDINARY_POOL = ("机构职能", "政策文件", "财政预决算", "工作动态", "规划计划", "人事信息")


def _ordinary_column_id(owner: str, title: str, taken: set[str]) -> str:
    salt = 0
    while True:
        digest = hashlib.sha256(f"column:{owner}:{title}:{salt}".encode()).hexdigest()
        cid = "hc" + str(1000 + int(digest[:8], 16) % 8999)
        if cid not in taken:
            taken.add(cid)
            return cid
        salt += 1


# --- publication dates ----------------------------------------------------------------------


def _publish_time(rng: random.Random, agency: Agency, year: int) -> datetime:
    nxt = year + 1
    if agency.kind == "county_government":
        day, month = rng.randint(1, 31), 3
    elif agency.kind == "department":
        day, month = rng.randint(8, 31), 1
    else:
        day, month = rng.randint(5, 28), 1
    hour = rng.randint(8, 17)
    minute = rng.randint(0, 59)
    return datetime(nxt, month, day, hour, minute)


# --- ordinary (non-report) items ------------------------------------------------------------

_ITEM_TITLES = {
    "机构职能": ["{name}主要职责", "{name}内设机构及联系方式", "{name}领导分工"],
    "政策文件": ["关于进一步做好{topic}工作的通知", "{short}{topic}实施方案", "关于印发{short}{topic}工作要点的通知"],
    "财政预决算": ["{short}{year}年部门预算公开说明", "{short}{year}年部门决算公开说明", "{short}{year}年“三公”经费情况说明"],
    "工作动态": ["{short}召开{topic}工作推进会", "{short}开展{topic}专项行动", "{short}部署{topic}工作"],
    "规划计划": ["{short}{year}年工作计划", "{short}“十四五”{topic}规划"],
    "人事信息": ["{short}{year}年公开招聘工作人员公告", "{short}干部任前公示"],
    "政府信息公开指南": ["{name}政府信息公开指南", "{name}政府信息公开申请表"],
}
_TOPICS = ("安全生产", "秸秆禁烧", "森林防火", "防汛抗旱", "农村人居环境整治", "营商环境优化", "乡村振兴", "文明创建")


def _items_for(seed: int, column: Column, owner_name: str, owner_short: str, count: int, years) -> list[Item]:
    rng = _rng(seed, column.id, "items")
    templates = _ITEM_TITLES.get(column.title, ["{short}{topic}情况说明"])
    items = []
    seen_titles = set()
    for i in range(count):
        year = rng.choice(list(years)) + 1
        year = min(year, max(years) + 1)
        when = datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 17), rng.randint(0, 59))
        title = rng.choice(templates).format(
            name=owner_name, short=owner_short, year=when.year, topic=rng.choice(_TOPICS)
        )
        if title in seen_titles:
            title = f"{title}（{i + 1}）"
        seen_titles.add(title)
        uuid = _hex(seed, column.id, "item", i)
        paragraphs = [
            f"{owner_name}按照有关规定公开本信息。",
            f"本页内容为{column.title}栏目信息，发布于{when:%Y年%m月%d日}。",
        ]
        items.append(Item(column, title, when, article_path(column.id, when.date(), uuid), uuid, paragraphs))
    return items


# --- the portal -----------------------------------------------------------------------------


def _check_years(years, page_size) -> tuple[int, ...]:
    years = tuple(sorted(years))
    if not years:
        raise ValueError("years must not be empty")
    if page_size < 1:
        raise ValueError("page_size must be >= 1")
    return years


def _pick_agencies(count: int | None, seed: int) -> list[Agency]:
    """The ten real-named bodies, cut down or topped up with invented ones to ``count``."""
    from .names import department_names, township_names

    core = default_agencies()
    if count is None or count == len(core):
        return core
    if count < len(core):
        return core[: max(1, count)]
    extra = count - len(core)
    taken = {a.short_name[:-1] for a in core} | {a.short_name[:-2] for a in core}
    bureaus = department_names("会昌县", extra // 4, {a.name for a in core})
    towns = township_names(seed, "huichang", extra - len(bureaus), taken)
    out = list(core)
    for i in range(extra):
        col, nav = f"hc{20000 + i}", f"hc{60000 + i}"
        if i % 4 == 3 and bureaus:
            name = bureaus.pop(0)
            out.append(Agency(col, name, "县" + name[len("会昌县"):], "department", col, "政府信息公开年报", nav))
        else:
            short = towns.pop(0)
            out.append(Agency(col, f"会昌县{short}人民政府", short, "township", col, "政务信息公开年报", nav))
    return out


SEED_STYLE = dict(
    total_label="合计",
    word=False,
    blank_org_zeros=False,
    short_rows=list(SEED_SHORT_ROWS),
    short_cells=5,
    seed_layout=True,
    labels={
        "结果维持": "结果维护",
        "规章": "规    章",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开（区分处理的，只记这一情形，不记其他情形）",
        "1.信访举报投诉类申请": "1.信访投诉举报类申请",
    },
)


def _core_reports(seed: int, a: Agency, years) -> list[Report]:
    """The real-named bodies' reports, generated eagerly exactly as the first portal did (the
    publication time comes from the same random stream as the figures)."""
    reports = []
    state = F.AgencyState()
    for year in years:
        uuid = _hex(seed, a.column_id, year)
        title = f"{a.title_name}{year}年政府信息公开工作年度报告"
        if year < 2019:
            content = build_agency(seed, "huichang", a, [year], {year: ("html", "free_format")})[year]
            published_at = _publish_time(_rng(seed, a.code, year), a, year)
            reports.append(Report(a, year, "older", "html", published_at.date(),
                                  article_path(a.column_id, published_at.date(), uuid), uuid, title,
                                  published_at=published_at, seed=seed, layout="free_format", _content=content))
            continue
        template = F.template_for_year(year)
        rng = _rng(seed, a.code, year)
        style = _style(_rng(seed, a.code, year, "style"), a, year)
        if a.code == SEED_AGENCY and year == SEED_YEAR:
            values = F.seed_report_figures(state)
            published_at = SEED_PUBLISHED
            style.update(SEED_STYLE, short_rows=list(SEED_SHORT_ROWS), labels=dict(SEED_STYLE["labels"]))
        else:
            force_zero = a.code == SEED_AGENCY and year == SEED_YEAR - 1
            values = F.generate_figures(rng, a.kind, template, state, force_zero_forward=force_zero)
            published_at = _publish_time(rng, a, year)
        figures, defects = _apply_style(values, template, style)
        reports.append(
            Report(
                agency=a,
                report_year=year,
                template=template,
                form="html",
                published=published_at.date(),
                path=article_path(a.column_id, published_at.date(), uuid),
                uuid=uuid,
                title=title,
                published_at=published_at,
                seed=seed,
                _content=Content(values, figures, defects, style),
            )
        )
    return reports


def _lazy_reports(seed: int, a: Agency, index: int, years, loader) -> list[Report]:
    """Reports of an invented body: dates and forms now, figures when first asked for."""
    from .forms import choose_form

    reports = []
    for year in years:
        published_at = _publish_time(_rng(seed, "huichang", a.code, year, "date"), a, year)
        uuid = _hex(seed, a.column_id, year)
        form, layout = choose_form("ganzhou", seed, index, year)
        template = "older" if year < 2019 else F.template_for_year(year)
        r = Report(a, year, template, form, published_at.date(), article_path(a.column_id, published_at.date(), uuid),
                   uuid, f"{a.title_name}{year}年政府信息公开工作年度报告", published_at=published_at, seed=seed,
                   layout=layout, loader=loader, timeline=Timeline(published_at.date(), published_at.date()))
        reports.append(r)
    return reports


def build_huichang(seed: int = 1, years=range(2019, 2025), page_size: int = 4, agency_count: int | None = None) -> Portal:
    years = _check_years(years, page_size)
    agencies = _pick_agencies(agency_count, seed)
    core_codes = {a.code for a in default_agencies()}
    taken = {a.column_id for a in agencies} | {a.nav_code for a in agencies if a.nav_code}
    taken |= {TOWNSHIP_NAV, DEPARTMENT_NAV, "hc2871", "zfyjshc"}

    columns: list[Column] = []
    items: list[Item] = []

    # county-wide columns on the 政府信息公开 page
    guide = Column(_ordinary_column_id("county", "政府信息公开指南", taken), "政府信息公开指南", "guide", COUNTY, "信息公开指南")
    columns.append(guide)
    items += _items_for(seed, guide, COUNTY.name, COUNTY.short_name, 2, years)
    columns.append(Column(COUNTY.column_id, COUNTY.column_title, "annual_report", COUNTY, ANNUAL_COLUMN_TYPE))
    for cid, title, n in (("hc2871", "政策文件", 6), ("zfyjshc", "财政预决算", 3)):
        col = Column(cid, title, "ordinary", COUNTY, "信息公开")
        columns.append(col)
        items += _items_for(seed, col, COUNTY.name, COUNTY.short_name, n, years)

    # unit columns: two or three ordinary columns around the 年报 column (invented bodies of a
    # scaled-up portal only have their 年报 column, to keep a large portal light)
    for a in agencies:
        if a.nav_code is None:
            continue
        annual = Column(a.column_id, a.column_title, "annual_report", a, ANNUAL_COLUMN_TYPE)
        if a.code not in core_codes:
            columns.append(annual)
            continue
        pick = random.Random(f"columns:{a.code}")
        titles = pick.sample(_ORDINARY_POOL, pick.randint(2, 3))
        unit_cols = [Column(_ordinary_column_id(a.code, t, taken), t, "ordinary", a, "信息公开") for t in titles]
        position = pick.randint(1, len(unit_cols))
        unit_cols.insert(position, annual)
        columns += unit_cols
        for c in unit_cols:
            if c.kind == "ordinary":
                n = _rng(seed, c.id, "count").randint(1, 3)
                items += _items_for(seed, c, a.name, a.short_name, n, years)

    portal = Portal(seed=seed, agencies=agencies, reports=[], columns=columns, items=items, page_size=page_size,
                    years=years)
    reports: list[Report] = []
    for index, a in enumerate(agencies):
        if a.code in core_codes:
            reports += _core_reports(seed, a, years)
        else:
            for r in _lazy_reports(seed, a, index, years, portal.load_content):
                portal.place(r)
                reports.append(r)
    portal.reports = reports
    portal.reindex()
    return portal
