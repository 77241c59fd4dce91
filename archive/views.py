"""Tables and views for readers: the portals and their regions, a wide table with one
column per figure, and one row per report with what journalists facet on.

Derived like everything `gongkai extract` writes; `create(database)` is called at
the end of the build and may be called again (it replaces what it made).
"""

from __future__ import annotations

from pathlib import Path

from gongkai.archive.extract import labels

# t2021's （六）其他处理 is printed as three rows; the extractor also gives their sum.
_EXTRA_KEYS = tuple(f"{labels.APPLICATIONS}.other_handling.{column}"
                    for column in labels.APPLICANT_COLUMNS)


def figure_keys() -> list[str]:
    """Every figure key of both templates, in printed order, each once."""
    seen: dict[str, None] = {}
    for key in (*labels.expected_keys("t2019"), *labels.expected_keys("t2021"), *_EXTRA_KEYS):
        seen.setdefault(key, None)
    return list(seen)


def registered_portals() -> list[dict]:
    """The site registry read as data (archive never imports the crawler)."""
    import tomllib

    from gongkai.archive.deadline_rules import SITES_DIR

    portals = []
    for path in sorted(Path(SITES_DIR).glob("*.toml")) if Path(SITES_DIR).is_dir() else []:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        portals.append({"site": data.get("name", path.stem), "title": data.get("title"),
                        "region": str(data["region_code"]) if data.get("region_code") else None,
                        "family": data.get("family"), "base_url": data.get("base_url")})
    return portals


def _portals(database) -> None:
    """One row per registered portal, with its region code (行政区划代码)."""
    database["portals"].drop(ignore=True)
    database["portals"].create({"site": str, "title": str, "region": str, "family": str,
                                "base_url": str}, pk="site")
    database["portals"].insert_all(registered_portals())


def _wide_view(database) -> None:
    columns = ",\n".join(
        f"  max(case when f.key = '{key}' then f.value end) as [{key}]" for key in figure_keys())
    database.create_view("report_figures_wide", f"""
        select r.id as report_id, r.agency, r.report_year, r.template,
        {columns}
        from reports r left join figures f on f.report_id = r.id
        group by r.id
    """, replace=True)


def _overview(database) -> None:
    # What the facets need on one row: region from the portal, the checks in one word.
    database.create_view("report_overview", """
        select r.id as report_id, r.title, r.agency, r.agency_kind, r.report_year, r.template,
          p.region, p.title as portal, r.site, r.published, r.first_seen,
          case when r.failed_checks > 0 then 'FAIL'
               when exists (select 1 from checks c where c.report_id = r.id
                            and c.status = 'UNCERTAIN') then 'UNCERTAIN'
               else 'PASS' end as check_status,
          r.failed_checks, r.warning_count, r.versions, r.removed_at, r.url
        from reports r left join portals p on p.site = r.site
    """, replace=True)


def _page_indexes(database) -> None:
    # A report's page looks these up by report; at 500,000 reports a scan per page shows.
    for table in ("warnings", "report_changes"):
        if table in database.table_names():
            database.execute(f"create index if not exists {table}_by_report on {table}(report_id)")


def create(database) -> None:
    _page_indexes(database)
    _portals(database)
    _wide_view(database)
    _overview(database)
