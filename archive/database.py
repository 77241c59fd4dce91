"""Build the derived tables of gongkai.db from the archive.

Reads report pages back out of the WARC files (never from the network), runs
the extractor (in worker processes, archive/isolation.py) and the checks, and writes
agencies, reports, figures, checks, warnings and the full-text index with sqlite-utils,
into a file aside that replaces the derived tables of gongkai.db when it is complete
(archive/rebuild.py). Re-running it gives the same tables: everything here is derived
from `captures` and the WARC files. The derived tables' schema is `_create_tables`.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Callable, Iterable

import sqlite_utils

from gongkai.archive import db, migrations, rebuild
from gongkai.archive.checks import run_checks
from gongkai.archive.deadlines import write_deadlines
from gongkai.archive.extract import EXTRACTOR_VERSION
from gongkai.archive.extract.metadata import report_year
from gongkai.archive.isolation import ExtractionFailed, Limits, Workers, remembered
from gongkai.archive.encoding import decode
from gongkai.archive.search import report_tokens
from gongkai.archive.versions import (SOFT_404_MAX_BYTES, Version, figure_changes, history, is_soft_404,
                              text_diff)
from gongkai.archive.warc import read_capture, read_record

DERIVED_TABLES = ["report_tokens_fts", "report_tokens", "report_changes", "versions", "warnings",
                  "checks", "figures", "reports", "agencies", "extraction_failures",
                  "report_summary", "deadlines"]


@dataclass
class ArchivedReport:
    """A report page the crawler found, and the archived response that holds it."""
    url: str
    metadata: dict
    capture: dict  # a row of `responses`
    first_seen: str
    # documents linked from the page: (attachment metadata, its latest 200 response)
    attachments: list = field(default_factory=list)


def archived_reports(database, data_dir) -> list[ArchivedReport]:
    """Latest crawler metadata per report URL, joined to the response it describes."""
    latest: dict[str, dict] = {}
    attachments: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in database.query(
            # Our crawler's records only: an imported WARC's metadata is another tool's.
            "select * from captures where record_type = 'metadata' "
            "and content_type like 'application/json; kind=%' order by id"):
        record = read_record(data_dir, row["warc_file"], row["offset"])
        metadata = json.loads(record.payload)
        if metadata.get("kind") == "report_page":
            latest[metadata["url"]] = metadata
        elif metadata.get("kind") == "attachment":
            attachments[metadata["report_url"]][metadata["url"]] = metadata
    found = []
    for url, metadata in latest.items():
        capture_id = (metadata.get("capture") or {}).get("id")
        capture = None
        if capture_id:
            capture = next(database.query("select * from responses where id = ?", [capture_id]),
                           None)
        if capture is None:
            capture = next(database.query(
                "select * from responses where url = ? and status = 200 "
                "order by fetched_at desc limit 1", [url]), None)
        if capture is None:
            continue
        first_seen = next(database.query(
            "select min(fetched_at) as t from responses where url = ? and status = 200",
            [url]))["t"]
        documents = []
        for attachment in attachments.get(url, {}).values():
            response = next(database.query(
                "select * from responses where url = ? and status = 200 order by id desc limit 1",
                [attachment["url"]]), None)
            if response is not None:
                documents.append((attachment, response))
        found.append(ArchivedReport(url, metadata, capture, first_seen, documents))
    return found


@cache
def derived_schema() -> list[str]:
    """The SQL of the derived tables and their indexes, as _create_tables makes them where
    the kept tables exist (their foreign keys name captures), to replay in a build file."""
    scratch = sqlite_utils.Database(memory=True)
    migrations.upgrade(scratch)
    _create_tables(scratch)
    return [sql for name, sql in scratch.execute(
        "select tbl_name, sql from sqlite_master where sql is not null order by rowid")
        if name not in rebuild.kept_names()]


def _create_tables(database) -> None:
    database["agencies"].create({
        "id": int, "site": str, "name": str, "full_name": str, "kind": str, "column_url": str,
    }, pk="id")
    database["reports"].create({
        "id": int, "url": str, "site": str, "agency_id": int, "agency": str, "agency_kind": str,
        "report_year": int, "template": str, "title": str, "published": str,
        "list_date": str, "first_seen": str, "fetched_at": str, "capture_id": int,
        "warc_file": str, "warc_offset": int, "payload_sha256": str, "extractor_version": str,
        "figure_count": int, "warning_count": int, "failed_checks": int, "versions": int,
        "last_seen": str, "removed_at": str, "superseded_by": int, "form": str, "no_text": int,
        "source_url": str, "source_capture_id": int, "text": str, "extraction_failure": str,
        "list_url": str,
    }, pk="id", foreign_keys=[("agency_id", "agencies", "id"), ("capture_id", "captures", "id")])
    # INTEGER affinity keeps counts as integers and money such as 1.25 as REAL.
    database["figures"].create({
        "report_id": int, "key": str, "value": int, "raw": str, "table_name": str,
    }, pk=("report_id", "key"), foreign_keys=[("report_id", "reports", "id")])
    database["checks"].create({
        "report_id": int, "rule": str, "check_id": str, "status": str, "detail": str,
        "compared": str,
    }, foreign_keys=[("report_id", "reports", "id")])
    database["warnings"].create({"report_id": int, "message": str},
                                foreign_keys=[("report_id", "reports", "id")])
    database["versions"].create({
        "url": str, "version": int, "kind": str, "payload_sha256": str, "capture_id": int,
        "first_seen": str, "last_seen": str, "fetches": int,
    }, pk=("url", "version"), foreign_keys=[("capture_id", "captures", "id")])
    database["report_changes"].create({
        "id": int, "report_id": int, "url": str, "kind": str, "changed_at": str,
        "from_capture": int, "to_capture": int, "answer": str, "text_diff": str,
        "figure_changes": str, "figures_changed": int,
    }, pk="id", foreign_keys=[("report_id", "reports", "id"), ("from_capture", "captures", "id"),
                              ("to_capture", "captures", "id")])
    database["report_tokens"].create({"report_id": int, "tokens": str}, pk="report_id",
                                     foreign_keys=[("report_id", "reports", "id")])
    # Documents no worker could read (archive/isolation.py); a new extractor version
    # tries them again, the same version under the same limits does not.
    database["extraction_failures"].create({
        "capture_id": int, "url": str, "site": str, "payload_sha256": str, "kind": str,
        "reason": str, "extractor_version": str, "failed_at": str, "time_limit_s": float,
        "memory_limit_mb": int,
    }, pk="capture_id", foreign_keys=[("capture_id", "captures", "id")])
    database["reports"].create_index(["agency_id", "report_year"])
    database["figures"].create_index(["key"])
    database["checks"].create_index(["report_id"])
    database["checks"].create_index(["rule", "status"])


def _table_name(key: str) -> str:
    if key.startswith("proactive."):
        return "二"
    if key.startswith("applications."):
        return "三"
    return "四"


def _agency_key(report: ArchivedReport) -> tuple:
    # By unit: on Hanweb and gkmlpt portals one column holds every body's reports.
    meta = report.metadata
    return (meta.get("site"), meta.get("unit") or meta.get("column"))


def build(data_dir: str | os.PathLike,
          progress: Callable[[Iterable], Iterable] | None = None,
          limits: Limits | None = None) -> dict:
    """(Re)build every derived table aside, each document read in a worker process under
    `limits`, and swap them into gongkai.db when complete. Returns counts to print, and
    under "failures" the documents that could not be read.

    The workers start from a fork server, which imports the caller's main module: a
    script calling build() does so under `if __name__ == "__main__":`."""
    limits = limits or Limits.from_env()
    main = db.open_database(data_dir)
    db.ensure_schema(main)
    earlier = list(main["extraction_failures"].rows) if main["extraction_failures"].exists() \
        else []
    main.conn.close()
    with rebuild.building(data_dir) as database:
        with Workers(data_dir, limits, remembered(earlier, limits)) as workers:
            counts = _build_aside(database, workers, progress)
        rebuild.swap_in(data_dir, database, replaces=DERIVED_TABLES)
    return counts


def _build_aside(database, workers: Workers, progress) -> dict:
    reports = sorted(archived_reports(database, workers.data_dir),
                     key=lambda r: str(_agency_key(r)))
    counts = {"reports": 0, "figures": 0, "checks": 0, "failed_checks": 0, "warnings": 0,
              "changes": 0}
    # Every core reads report pages ahead while this process writes.
    workers.plan((report.capture, _hints(report.metadata)) for report in reports)
    with database.conn:
        for sql in derived_schema():
            database.execute(sql)
        histories = _build_versions(database, workers.data_dir)
        group: list[ArchivedReport] = []
        for report in progress(reports) if progress else reports:
            if group and _agency_key(group[0]) != _agency_key(report):
                _insert_agency(database, workers, group, histories, counts)
                group = []
            group.append(report)
        if group:
            _insert_agency(database, workers, group, histories, counts)
        database["report_tokens"].enable_fts(["tokens"], create_triggers=False)
        database.execute("insert into report_tokens_fts(report_tokens_fts) values ('rebuild')")
        _create_views(database)
        database["extraction_failures"].insert_all(workers.failures.values())
    # The deadline watch as of today, from the tables just built (archive/deadlines.py).
    counts["deadlines"] = write_deadlines(database)
    counts["agencies"] = database["agencies"].count
    counts["failures"] = list(workers.failures.values())
    return counts


def _hints(metadata: dict) -> dict:
    return {"title": metadata.get("list_title"), "published": metadata.get("list_date"),
            "agency": metadata.get("unit")}


def _extract(workers: Workers, capture: dict, metadata: dict) -> dict:
    return workers.extract(capture, _hints(metadata))


def _unread(report: ArchivedReport, reason: str) -> dict:
    """A report page no worker could read: listed with what the crawler knew of it (so it
    is not taken for missing), without a figure, the reason in `extraction_failure`."""
    title = report.metadata.get("list_title")
    return {"title": title, "report_year": report_year(title), "figures": {}, "raw": {},
            "checks": [], "warnings": [f"document not read: {reason}"], "text": "",
            "extractor_version": EXTRACTOR_VERSION, "extraction_failure": reason,
            "source_url": report.url, "source_capture": report.capture["id"]}


def _extract_report(workers: Workers, report: ArchivedReport, extracted: dict) -> dict:
    """The report page; or, when its tables are in an attached document, that document
    with the page's own title, date and text around it. What it reads goes into
    `extracted` by payload sha256, so the report's history reads nothing twice."""
    try:
        page = _extract(workers, report.capture, report.metadata)
    except ExtractionFailed as failure:
        return _unread(report, failure.reason)
    page["source_url"], page["source_capture"] = report.url, report.capture["id"]
    extracted[report.capture.get("payload_sha256")] = page
    if page["figures"]:
        return page
    for attachment, response in report.attachments:
        try:
            document = _extract(workers, response, {**report.metadata,
                                                    "list_title": page.get("title")})
        except ExtractionFailed:
            continue  # recorded; the next attachment may hold the tables
        extracted[response.get("payload_sha256")] = document
        if not document["figures"]:
            continue
        merged = {**document,
                  "title": page.get("title") or document.get("title"),
                  "agency": page.get("agency") or document.get("agency"),
                  "report_year": page.get("report_year") or document.get("report_year"),
                  "published": page.get("published") or document.get("published"),
                  "text": "\n".join(filter(None, [page.get("text"), document.get("text")])),
                  "source_url": attachment["url"], "source_capture": response["id"]}
        merged["checks"] = run_checks(merged)
        return merged
    return page


def _insert_agency(database, workers: Workers, group: list[ArchivedReport], histories,
                   counts) -> None:
    """One agency's reports, in year order so each is checked against the year before."""
    extracted = {report.url: {} for report in group}
    results = [(report, _extract_report(workers, report, extracted[report.url]))
               for report in group]
    first = group[0].metadata
    names = [result.get("agency") for _, result in results if result.get("agency")]
    agency_id = database["agencies"].insert({
        "site": first.get("site"),
        "name": first.get("unit"),
        "full_name": max(set(names), key=names.count) if names else first.get("unit"),
        "kind": first.get("agency_kind"),
        "column_url": first.get("column"),
    }).last_pk
    # A report moved to a new URL is archived under both: the copy still answering
    # stands for the year, the other points at it.
    by_year: dict = defaultdict(list)
    for report, result in results:
        by_year[result.get("report_year") or ("unknown", report.url)].append((report, result))
    previous = None
    for year in sorted(by_year, key=lambda y: y if isinstance(y, int) else 0):
        # Most recently seen first, then (a stable sort) those still answering first.
        items = sorted(by_year[year], reverse=True, key=lambda item: max(
            (v.last_seen for v in histories.get(item[0].url, [])), default=""))
        items.sort(key=lambda item: _standing(histories.get(item[0].url, [])))
        primary_id = primary = None
        for report, result in items:
            if primary_id is None and previous is not None and isinstance(year, int) and \
                    previous.get("report_year") == year - 1 and \
                    not result.get("extraction_failure"):
                result["checks"] = run_checks(result, previous)
            report_id = _insert_report(database, agency_id, report, result, counts,
                                       histories.get(report.url, []), superseded_by=primary_id)
            _insert_changes(database, workers, report_id, report, result, histories, counts,
                            extracted[report.url])
            if primary_id is None:
                primary_id, primary = report_id, result
        previous = primary


def _standing(versions: list[Version]) -> int:
    """Sort key: URLs whose latest answer is their content first."""
    return 0 if versions and versions[-1].kind == "ok" else 1


def _build_versions(database, data_dir) -> dict[str, list[Version]]:
    """The `versions` table: every archived URL's history of contents and answers."""
    by_url: dict[str, list[dict]] = defaultdict(list)
    soft: set[int] = set()
    # In the order they were fetched: an imported WARC (gongkai import) adds older captures.
    for row in database.query("select * from responses order by fetched_at, id"):
        by_url[row["url"]].append(row)
        if row["status"] == 200 and (row["payload_length"] or 0) <= SOFT_404_MAX_BYTES:
            record = read_capture(data_dir, row)
            content_type = dict((k.lower(), v) for k, v in record.headers).get("content-type")
            if is_soft_404(200, decode(record.payload, content_type)):
                soft.add(row["id"])
    histories = {url: history(rows, soft) for url, rows in by_url.items()}
    database["versions"].insert_all(({
        "url": url, "version": n, "kind": v.kind, "payload_sha256": v.payload_sha256,
        "capture_id": v.capture_id, "first_seen": v.first_seen, "last_seen": v.last_seen,
        "fetches": v.fetches,
    } for url, versions in histories.items() for n, v in enumerate(versions, 1)),
        batch_size=1000)
    return histories


def _insert_changes(database, workers: Workers, report_id, report: ArchivedReport, latest: dict,
                    histories: dict, counts, extracted: dict) -> None:
    """How a report changed after it was first archived: edited, removed, restored; and
    when its figures are in an attached document, how that document changed."""
    source = latest.get("source_url", report.url)
    on_page = source == report.url
    _url_changes(database, workers, report_id, report.url, report.metadata,
                 histories.get(report.url, []), counts, figures=on_page, known=extracted)
    if not on_page:
        # read with the hints _extract_report gave the document, so the versions compare
        page = extracted[report.capture.get("payload_sha256")]
        _url_changes(database, workers, report_id, source,
                     {**report.metadata, "list_title": page.get("title")},
                     histories.get(source, []), counts, figures=True, known=extracted)


def _url_changes(database, workers: Workers, report_id, url: str, metadata: dict,
                 versions: list[Version], counts, *, figures: bool, known: dict) -> None:
    """The changes between one URL's versions; `figures`: whether the report's figures
    are read from this URL (else only its text is compared)."""
    extracted = dict(known)
    last_content: tuple[Version, dict] | None = None
    previous: Version | None = None
    for version in versions:
        change = None
        if version.kind == "ok":
            if version.payload_sha256 not in extracted:
                capture = next(database.query("select * from responses where id = ?",
                                              [version.capture_id]))
                try:
                    extracted[version.payload_sha256] = _extract(workers, capture, metadata)
                except ExtractionFailed:
                    continue  # recorded; an unreadable version is left out of the history
            result = extracted[version.payload_sha256]
            if result.get("extraction_failure"):
                continue  # refused by a bound: compared, it would look like every figure gone
            if last_content and last_content[0].payload_sha256 != version.payload_sha256:
                before = last_content[1]
                change = ("edited", text_diff(before.get("text") or "", result.get("text") or ""),
                          figure_changes(before["figures"], result["figures"])
                          if figures else [])
            elif last_content and previous is not last_content[0]:
                change = ("restored", "", [])
            if change:
                _insert_change(database, report_id, url, last_content[0], version, *change)
            last_content = (version, result)
        elif version.kind in ("not_found", "soft_404", "redirect") and last_content and \
                previous is last_content[0]:
            kind, note = "removed", ""
            if version.kind == "redirect":
                kind, note = "moved", _location(database, workers.data_dir, version)
            _insert_change(database, report_id, url, last_content[0], version, kind, note, [])
            change = True
        counts["changes"] += bool(change)
        previous = version


def _location(database, data_dir, version: Version) -> str:
    capture = next(database.query("select * from responses where id = ?", [version.capture_id]))
    headers = dict((k.lower(), v) for k, v in read_capture(data_dir, capture).headers)
    return "→ " + headers.get("location", "?")


def _insert_change(database, report_id, url, before: Version, after: Version, kind, diff,
                   figures) -> None:
    database["report_changes"].insert({
        "report_id": report_id, "url": url, "kind": kind, "changed_at": after.first_seen,
        "from_capture": before.capture_id, "to_capture": after.capture_id,
        "answer": after.kind, "text_diff": diff,
        "figure_changes": json.dumps(figures, ensure_ascii=False),
        "figures_changed": len(figures),
    })


def _insert_report(database, agency_id, report: ArchivedReport, result: dict, counts,
                   versions: list[Version], superseded_by: int | None = None) -> int:
    meta = report.metadata
    contents = [v for v in versions if v.kind == "ok"]
    removed_at = versions[-1].first_seen if versions and versions[-1].kind in (
        "not_found", "soft_404") else None
    failed = sum(1 for check in result["checks"] if check["status"] == "FAIL")
    report_id = database["reports"].insert({
        "url": report.url,
        "site": meta.get("site"),
        "agency_id": agency_id,
        "agency": result.get("agency") or meta.get("unit"),
        "agency_kind": meta.get("agency_kind"),
        "report_year": result.get("report_year"),
        "template": result.get("template"),
        "title": result.get("title") or meta.get("list_title"),
        "published": result.get("published") or meta.get("list_date"),
        "list_date": meta.get("list_date"),
        "first_seen": report.first_seen,
        "fetched_at": report.capture["fetched_at"],
        "capture_id": report.capture["id"],
        "warc_file": report.capture["warc_file"],
        "warc_offset": report.capture["offset"],
        "payload_sha256": report.capture["payload_sha256"],
        "extractor_version": result.get("extractor_version"),
        "figure_count": len(result["figures"]),
        "warning_count": len(result["warnings"]),
        "failed_checks": failed,
        "versions": len({v.payload_sha256 for v in contents}),
        "last_seen": contents[-1].last_seen if contents else None,
        "removed_at": removed_at,
        "superseded_by": superseded_by,
        "form": result.get("form"),
        "no_text": bool(result.get("no_text")),
        "source_url": result.get("source_url"),
        "source_capture_id": result.get("source_capture"),
        "text": result.get("text") or "",
        "extraction_failure": result.get("extraction_failure"),
        "list_url": meta.get("list_url"),
    }).last_pk
    raw = result.get("raw", {})
    database["figures"].insert_all(({
        "report_id": report_id, "key": key, "value": value, "raw": raw.get(key),
        "table_name": _table_name(key),
    } for key, value in result["figures"].items()), batch_size=500)
    database["checks"].insert_all(({
        "report_id": report_id, "rule": check["rule"], "check_id": check.get("id", check["rule"]),
        "status": check["status"], "detail": check.get("detail"),
        "compared": json.dumps(check.get("compared"), ensure_ascii=False),
    } for check in result["checks"]))
    database["warnings"].insert_all(({"report_id": report_id, "message": message}
                                     for message in result["warnings"]))
    database["report_tokens"].insert({
        "report_id": report_id,
        "tokens": report_tokens(result.get("title"), result.get("agency"), meta.get("unit"),
                                meta.get("list_title"), result.get("text"), site=meta.get("site")),
    })
    counts["reports"] += 1
    counts["figures"] += len(result["figures"])
    counts["checks"] += len(result["checks"])
    counts["failed_checks"] += failed
    counts["warnings"] += len(result["warnings"])
    return report_id


def _create_views(database) -> None:
    from gongkai.archive import views  # portals, report_figures_wide, report_overview
    views.create(database)
    # Table 三/四 headline figures side by side: what journalists compare first.
    database.create_view("report_summary", """
        select r.id as report_id, r.agency, r.agency_kind, r.report_year, r.template, r.published,
          max(case when f.key = 'applications.new_received.total' then f.value end) as new_applications,
          max(case when f.key = 'applications.handled_total.total' then f.value end) as handled,
          max(case when f.key = 'applications.disclosed.total' then f.value end) as disclosed,
          max(case when f.key = 'review.total' then f.value end) as reviews,
          max(case when f.key = 'litigation.direct.total' then f.value end) as lawsuits_direct,
          max(case when f.key = 'litigation.after_review.total' then f.value end) as lawsuits_after_review,
          r.failed_checks, r.warning_count, r.url
        from reports r left join figures f on f.report_id = r.id
        group by r.id
    """)
