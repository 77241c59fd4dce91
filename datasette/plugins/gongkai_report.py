"""A report's own page (`/gongkai/reports/<id>`): its three tables as printed.

Through Datasette's documented `extra_template_vars` hook the row page of the
reports table gets everything `row-gongkai-reports.html` lays out: the tables of
the report's template with every figure in an element carrying
`data-key="<canonical key>"`, the checks, the text, the archived original, the
versions of the page and what changed, and the same body's other years.
Everything from a crawled page is passed as text: Jinja autoescapes it.
"""

from __future__ import annotations

import json

from datasette import hookimpl

from gongkai.archive import layout

DATABASE = "gongkai"
STATUS_LABELS = {"PASS": "通过", "FAIL": "不符", "UNCERTAIN": "无法确定",
                 "NOT_ASSESSABLE": "无法核验"}
CHANGE_LABELS = {"edited": "内容被修改", "removed": "被删除", "moved": "换了网址",
                 "restored": "被恢复"}
VERSION_KINDS = {"ok": "正常内容", "not_found": "404 不存在", "soft_404": "假 200（页面不存在）",
                 "redirect": "跳转", "error": "错误"}


def format_value(value) -> str:
    """A figure as printed: integers plain, money without a trailing .0; None blank."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _figure_cell(cell, figures: dict) -> dict:
    if cell.key not in figures:
        return {"key": cell.key, "state": "missing", "text": "？", "value": None, "raw": None,
                "label": layout.figure_label(cell.key)}
    value, raw = figures[cell.key]
    return {"key": cell.key, "state": "blank" if value is None else "value",
            "text": format_value(value), "value": value, "raw": raw,
            "label": layout.figure_label(cell.key)}


def laid_out(template: str, figures: dict) -> tuple[list, list]:
    """The report's tables (cells as dicts for the template) and the figures the
    layout has no place for (free-format reports, unexpected keys)."""
    out = []
    for title, grid in layout.tables(template):
        rows = [[_figure_cell(cell, figures) if cell.key else
                 {"text": cell.text, "header": cell.header, "rowspan": cell.rowspan,
                  "colspan": cell.colspan} for cell in row] for row in grid]
        out.append({"title": title, "rows": rows})
    placed = layout.layout_keys(template)
    extra = [{"key": key, "label": _safe_label(key), "text": format_value(value), "raw": raw,
              "state": "blank" if value is None else "value"}
             for key, (value, raw) in sorted(figures.items()) if key not in placed]
    return out, extra


def _safe_label(key: str) -> str:
    try:
        return layout.figure_label(key)
    except ValueError:
        return key


KIND_LABELS = {"county_government": "县级人民政府", "department": "部门", "township": "乡镇"}
DEADLINE_LABELS = {"on_time": "按期", "late": "逾期", "missing": "到期未发布", "not_due": "未到期",
                   "withdrawn": "已撤下", "published": "已发布（无法定期限）",
                   "not_found": "未找到（无法定期限）"}


def _compared(text):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def compared_lines(compared) -> list[str]:
    """The numbers a check compared, one short line per comparison (the keys it summed
    stay in the JSON download)."""
    items = compared if isinstance(compared, list) else [compared] if compared else []
    lines = []
    for item in items:
        if isinstance(item, dict) and "left" in item and "right" in item:
            status = STATUS_LABELS.get(item.get("status"), item.get("status") or "")
            blank = f"，空白 {len(item['blank'])} 格" if item.get("blank") else ""
            lines.append(f"{item.get('what', '')}：{format_value(item['left'])} 对 "
                         f"{format_value(item['right'])}（{status}{blank}）")
        else:
            lines.append(json.dumps(item, ensure_ascii=False)[:200])
    return lines


async def report_context(datasette, report_id: int) -> dict | None:
    db = datasette.get_database(DATABASE)
    report = (await db.execute("select * from reports where id = ?", [report_id])).first()
    if report is None:
        return None
    report = dict(report)
    figures = {row["key"]: (row["value"], row["raw"]) for row in (await db.execute(
        "select key, value, raw from figures where report_id = ?", [report_id])).rows}
    tables, extra = laid_out(report["template"], figures)
    checks = [dict(row) | {"status_label": STATUS_LABELS.get(row["status"], row["status"]),
                           "compared": compared_lines(_compared(row["compared"]))}
              for row in (await db.execute(
                  "select rule, check_id, status, detail, compared from checks "
                  "where report_id = ? order by status = 'PASS', rule", [report_id])).rows]
    changes = [dict(row) | {"kind_label": CHANGE_LABELS.get(row["kind"], row["kind"]),
                            "figure_changes": _compared(row["figure_changes"]) or []}
               for row in (await db.execute(
                   "select * from report_changes where report_id = ? order by changed_at",
                   [report_id])).rows]
    versions = [dict(row) | {"kind_label": VERSION_KINDS.get(row["kind"], row["kind"])}
                for row in (await db.execute(
                    "select * from versions where url = ? order by version", [report["url"]])).rows]
    years = [dict(row) for row in (await db.execute(
        "select id, report_year, title, published, failed_checks, removed_at, superseded_by "
        "from reports where agency_id = ? order by report_year, id", [report["agency_id"]])).rows]
    warnings = [row["message"] for row in (await db.execute(
        "select message from warnings where report_id = ?", [report_id])).rows]
    report["agency_kind_label"] = KIND_LABELS.get(report["agency_kind"], report["agency_kind"])
    report["portal"] = None
    if await db.table_exists("portals"):
        portal = (await db.execute("select title, region from portals where site = ?",
                                   [report["site"]])).first()
        report["portal"] = dict(portal) if portal else None
    deadline = await _deadline(db, report)
    if deadline:
        deadline["status_label"] = DEADLINE_LABELS.get(deadline["status"], deadline["status"])
    return {"report": report, "tables": tables, "extra_figures": extra, "checks": checks,
            "changes": changes, "versions": versions, "years": years, "warnings": warnings,
            "failed": sum(1 for c in checks if c["status"] == "FAIL"),
            "deadline": deadline}


async def _deadline(db, report: dict) -> dict | None:
    """The deadline watch's verdict on this report, when that table exists (looked up
    through its (report_year, region) index)."""
    if not (await db.table_exists("deadlines") and await db.table_exists("portals")):
        return None
    row = (await db.execute(
        "select * from deadlines where report_year = :year and region is "
        "(select region from portals where site = :site) and report_id = :id limit 1",
        {"year": report["report_year"], "site": report["site"], "id": report["id"]})).first()
    return dict(row) if row else None


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or database != DATABASE or table != "reports" or request is None:
        return {}

    async def inner():
        pks = request.url_vars.get("pks", "")
        if not pks.isdigit():
            return {}
        context = await report_context(datasette, int(pks))
        return {"gongkai": context} if context else {}
    return inner


def figures_wide_sql() -> str:
    """One row per report, one column per figure key (both templates), filterable."""
    from gongkai.archive.views import figure_keys

    columns = ",\n  ".join(f"max(case when f.key = '{key}' then f.value end) as [{key}]"
                           for key in figure_keys())
    return f"""select r.id as report_id, r.agency as 单位, r.report_year as 年度,
  r.template as 模板, p.region as 地区,
  {columns}
from reports r left join portals p on p.site = r.site
  left join figures f on f.report_id = r.id
where r.superseded_by is null
  and (:region = '' or p.region like :region || '%')
  and (:year = '' or r.report_year = cast(:year as integer))
  and (:agency = '' or r.agency like '%' || :agency || '%')
group by r.id
order by r.report_year desc, r.agency"""


@hookimpl
def canned_queries(database):
    # Written here, not in metadata.yml: its ~230 columns come from the key list.
    if database != DATABASE:
        return {}
    return {"figures_wide": {
        "title": "逐格数据宽表（每份报告一行、每格一列）",
        "description": "列名为规范键名；空白格为空，不等于 0。可按地区代码、年度、单位名称筛选；"
                       "下载 CSV 后可在表格软件中比较。",
        "sql": figures_wide_sql(),
    }}
