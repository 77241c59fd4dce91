"""`gongkai deadlines`: which bodies published their annual report on time, late, or not
at all, with the evidence (archive/deadlines.py)."""

from __future__ import annotations

import csv
import json
import sys

import click

FIELDS = ["agency", "agency_kind", "site", "region", "report_year", "due", "status",
          "days_late", "declared", "first_seen", "last_seen", "flags", "evidence", "report_url",
          "list_url"]
STATUS_ZH = {"on_time": "按时", "late": "逾期", "missing": "未发布", "not_due": "未到期",
             "withdrawn": "已撤下", "published": "已发布", "not_found": "未找到"}


@click.command()
@click.option("--data", "data_dir", default="data", show_default=True,
              type=click.Path(file_okay=False), help="Folder holding the WARC files and gongkai.db.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge on the evidence archived by the end of this day (China time). "
                   "Default: today.")
@click.option("--year", "years", type=int, multiple=True, help="Only this report year (repeatable).")
@click.option("--region", "regions", multiple=True,
              help="Only sites whose region code starts with this (e.g. 36 for 江西), or a site name.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
def deadlines(data_dir, as_of, years, regions, as_json, as_csv):
    """Every body × finished report year: on_time, late, missing, not_due, withdrawn
    (bodies with a deadline) or published, not_found, withdrawn (without one)."""
    from gongkai.archive import db
    from gongkai.archive.deadlines import compute

    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    database = db.open_database(data_dir)
    if "agencies" not in database.table_names():
        raise click.ClickException(f"no reports in {data_dir}: run `gongkai extract` first")
    rows = [row for row in compute(database, as_of.date() if as_of else None)
            if _wanted(row, years, regions)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif as_csv:
        _write_csv(rows)
    else:
        _print_table(rows)


def _wanted(row: dict, years, regions) -> bool:
    if years and row["report_year"] not in years:
        return False
    return not regions or any((row["region"] or "").startswith(r) or row["site"] == r
                              for r in regions)


def _write_csv(rows: list[dict]) -> None:
    writer = csv.DictWriter(sys.stdout, FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "flags": " ".join(row["flags"]),
                         "evidence": " ".join(row["evidence"])})


def _print_table(rows: list[dict]) -> None:
    for row in rows:
        late = f" +{row['days_late']}天" if row["days_late"] else ""
        flags = f" [{', '.join(row['flags'])}]" if row["flags"] else ""
        click.echo(f"{row['report_year']}\t{STATUS_ZH.get(row['status'], row['status'])}{late}"
                   f"\t{row['agency']}\t{row['site']}\t截止 {row['due'] or '无'}"
                   f"\t声明 {row['declared'] or '—'}\t首见 {(row['first_seen'] or '—')[:10]}{flags}")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    click.echo(" · ".join(f"{STATUS_ZH.get(k, k)} {v}" for k, v in sorted(counts.items())),
               err=True)
