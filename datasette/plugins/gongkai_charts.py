"""Charts drawn on the server as SVG, readable without JavaScript.

Per agency (its row page and each of its reports' pages) and per region
(`/-/regions/<region code prefix>`): requests received and how they were answered,
year by year; and the share of bodies that published on time, late or not at all
(from the deadline watch's `deadlines` table, where it exists).
"""

from __future__ import annotations

from html import escape

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

DATABASE = "gongkai"
A = "applications."
OUTCOMES = [  # (label, colour, keys summed)
    ("予以公开", "#2e7d32", [A + "disclosed.total"]),
    ("部分公开", "#9ccc65", [A + "partly_disclosed.total"]),
    ("不予公开", "#c62828", [A + f"withheld.{k}.total" for k in (
        "state_secret", "prohibited_by_law", "security_stability", "third_party_rights",
        "internal_affairs", "process_info", "enforcement_files", "inquiry_matters")]),
    ("无法提供", "#ef6c00", [A + f"unavailable.{k}.total" for k in (
        "not_held", "needs_creation", "still_unclear")]),
    ("不予处理", "#8d6e63", [A + f"not_processed.{k}.total" for k in (
        "petition", "duplicate", "publication", "excessive", "confirmation")]),
    ("其他处理", "#90a4ae", [A + "other_handling.total"]),
]
NEW = A + "new_received.total"
DEADLINE_STATES = [("on_time", "按期", "#2e7d32"), ("late", "逾期", "#ef6c00"),
                   ("missing", "未发布", "#c62828")]
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 48, 36, 28


def _outcome_sql(where: str) -> str:
    parts = ",\n".join(
        f"sum(case when f.key in ({', '.join(repr(k) for k in keys)}) then f.value end) as o{i}"
        for i, (_, _, keys) in enumerate(OUTCOMES))
    return f"""
        select r.report_year as year, sum(case when f.key = '{NEW}' then f.value end) as new,
        {parts}
        from reports r join figures f on f.report_id = r.id
          left join portals p on p.site = r.site
        where r.superseded_by is null and r.report_year is not null and {where}
        group by r.report_year order by r.report_year"""


def _legend(items) -> str:
    out, x = [], LEFT
    for label, colour in items:
        out.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="15" font-size="11">{escape(label)}</text>')
        x += 14 + 12 * len(label) + 14
    return "".join(out)


def _frame(title: str, body: str, legend: str) -> Markup:
    return Markup(
        f'<figure class="gk-chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif"><title>{escape(title)}</title>{legend}{body}</svg>'
        f'<figcaption>{escape(title)}</figcaption></figure>')


def stacked_bars(title: str, years: list, stacks: list[list[float]], colours: list[str],
                 labels: list[str], totals: list | None = None, percent: bool = False) -> Markup:
    """One bar per year, segments stacked; `totals` printed above each bar."""
    if not years:
        return Markup("")
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    peak = 100 if percent else max([sum(s) for s in stacks] + [t or 0 for t in totals or []] + [1])
    slot = plot_w / len(years)
    bar = min(48, slot * 0.6)
    out = [f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 10}" y2="{TOP + plot_h}" stroke="#999"/>',
           f'<text x="{LEFT - 6}" y="{TOP + 4}" font-size="10" text-anchor="end">'
           f'{escape(_num(peak))}{"%" if percent else ""}</text>',
           f'<text x="{LEFT - 6}" y="{TOP + plot_h}" font-size="10" text-anchor="end">0</text>']
    for i, (year, stack) in enumerate(zip(years, stacks)):
        x = LEFT + slot * i + (slot - bar) / 2
        y = TOP + plot_h
        for value, colour, label in zip(stack, colours, labels):
            h = plot_h * (value or 0) / peak
            if h > 0:
                y -= h
                out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                           f'fill="{colour}"><title>{escape(str(year))} {escape(label)}：'
                           f'{escape(_num(value))}{"%" if percent else ""}</title></rect>')
        if totals is not None and totals[i] is not None:
            top = TOP + plot_h - plot_h * totals[i] / peak
            out.append(f'<text x="{x + bar / 2:.1f}" y="{min(y, top) - 4:.1f}" font-size="10" '
                       f'text-anchor="middle">{escape(_num(totals[i]))}</text>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h + 16}" font-size="11" '
                   f'text-anchor="middle">{escape(str(year))}</text>')
    return _frame(title, "".join(out), _legend(zip(labels, colours)))


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


async def outcomes_chart(db, title: str, where: str, params: dict) -> Markup:
    rows = (await db.execute(_outcome_sql(where), params)).rows
    rows = [row for row in rows if row["new"] is not None or any(row[f"o{i}"] for i in range(len(OUTCOMES)))]
    return stacked_bars(
        title, [row["year"] for row in rows],
        [[row[f"o{i}"] or 0 for i in range(len(OUTCOMES))] for row in rows],
        [c for _, c, _ in OUTCOMES], [label for label, _, _ in OUTCOMES],
        totals=[row["new"] for row in rows])


async def deadline_chart(db, title: str, where: str, params: dict) -> Markup:
    if not await db.table_exists("deadlines"):
        return Markup("")
    rows = (await db.execute(
        "select d.report_year as year, " +
        ", ".join(f"sum(d.status = '{s}') as {s}" for s, _, _ in DEADLINE_STATES) +
        " from deadlines d where d.report_year is not null and " + where +
        " group by d.report_year order by d.report_year", params)).rows
    stacks, years = [], []
    for row in rows:
        counts = [row[s] or 0 for s, _, _ in DEADLINE_STATES]
        if sum(counts):
            years.append(row["year"])
            stacks.append([100 * c / sum(counts) for c in counts])
    return stacked_bars(title, years, stacks, [c for _, _, c in DEADLINE_STATES],
                        [label for _, label, _ in DEADLINE_STATES], percent=True)


async def agency_charts(datasette, agency_id: int) -> Markup:
    db = datasette.get_database(DATABASE)
    where, params = "r.agency_id = :agency", {"agency": agency_id}
    charts = [await outcomes_chart(db, "历年收到的申请（柱顶数字）与办理结果", where, params),
              await deadline_chart(db, "历年按期、逾期、未发布", "d.agency_id = :agency", params)]
    return Markup("".join(charts))


async def region_charts(datasette, region: str) -> Markup:
    db = datasette.get_database(DATABASE)
    params = {"region": region}
    charts = [await outcomes_chart(db, f"地区 {region}：历年收到的申请与办理结果",
                                   "p.region like :region || '%'", params),
              await deadline_chart(db, f"地区 {region}：各年度按期、逾期、未发布的比例",
                                   "d.region like :region || '%'", params)]
    return Markup("".join(charts))


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or database != DATABASE or table not in ("reports", "agencies") \
            or request is None or not request.url_vars.get("pks", "").isdigit():
        return {}

    async def inner():
        pk = int(request.url_vars["pks"])
        if table == "agencies":
            return {"gongkai_charts": await agency_charts(datasette, pk)}
        row = (await datasette.get_database(DATABASE).execute(
            "select agency_id from reports where id = ?", [pk])).first()
        return {"gongkai_charts": await agency_charts(datasette, row[0])} if row else {}
    return inner


async def region_page(datasette, request):
    region = request.url_vars.get("region") or ""
    db = datasette.get_database(DATABASE)
    portals = [dict(row) for row in (await db.execute(
        "select * from portals where (:region = '' or region like :region || '%') order by region",
        {"region": region})).rows] if await db.table_exists("portals") else []
    body = await datasette.render_template("gongkai_region.html", {
        "region": region, "portals": portals,
        "charts": await region_charts(datasette, region) if region else Markup(""),
    }, request=request)
    return Response.html(body)


@hookimpl
def register_routes():
    return [(r"^/-/regions$", region_page), (r"^/-/regions/(?P<region>\d{1,12})$", region_page)]
