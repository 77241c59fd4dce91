"""The deadline watch: for every body and finished report year, was its annual report
published on time, late, or not at all, and on what evidence.

Expected reports are every body the archive knows (the bodies of the portals' 年报
columns, and bodies seen before) × every report year that is over, from the first year
the body's portal shows. Due dates come from the rules (archive/deadline_rules.toml).

Lateness is judged on the earliest evidence: the date the report declares, the first
time we (or an imported WARC) saw it, and the looks at its list that did not show it. A
report a look after the deadline missed, which later appears declaring an earlier date,
is late with the flag `backdated`, counted from the last look that missed it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from gongkai.archive.deadline_rules import Rules, load_rules, site_regions
from gongkai.archive.sightings import (Look, Sightings, china_day, end_of_day, has_table,
                                      url_key)
from gongkai.archive.warc import utc_now

STATUSES_WITH_DEADLINE = ("on_time", "late", "missing", "not_due", "withdrawn")
STATUSES_WITHOUT = ("published", "not_found", "withdrawn")
GONE = ("not_found", "soft_404")
MAX_LIST_EVIDENCE = 4  # list pages cited for a report not found

COLUMNS = {
    "agency_id": int, "agency": str, "agency_kind": str, "site": str, "region": str,
    "report_year": int, "due": str, "status": str, "days_late": int, "declared": str,
    "first_seen": str, "last_seen": str, "flags": str, "evidence": str, "report_id": int,
    "report_url": str, "list_url": str, "rule": str, "as_of": str,
}


@dataclass
class Body:
    """A body of a portal and what the archive holds of its reports."""
    agency: dict
    reports: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))

    @cached_property
    def keys(self) -> set[str]:
        return {url_key(r["url"]) for rows in self.reports.values() for r in rows} | self.lists

    @cached_property
    def lists(self) -> set[str]:
        return {url_key(r.get("list_url")) for rows in self.reports.values() for r in rows
                if r.get("list_url")}


def today_in_china() -> date:
    return china_day(utc_now())


def compute(database, as_of: date | str | None = None, *, rules: Rules | None = None,
            regions: dict | None = None, data_dir=None) -> list[dict]:
    """One row per expected agency-year, judged on the evidence archived by the end of
    AS_OF (a day in China; default today)."""
    as_of = _day(as_of) or today_in_china()
    rules = rules or load_rules()
    regions = site_regions() if regions is None else regions
    before = end_of_day(as_of)
    if not has_table(database, "agencies"):
        return []
    sightings = Sightings(database, before, data_dir)
    histories = _histories(database, before)
    bodies = _bodies(database)
    first_years = _first_years(bodies, before)
    rows = []
    for body in bodies:
        site = body.agency["site"]
        first = first_years.get(site)
        if first is None:
            continue  # nothing of this portal seen by then
        for year in range(first, as_of.year):
            rows.append(_judge(body, year, as_of, before, rules, regions.get(site),
                               sightings, histories))
    return rows


def _day(value) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _bodies(database) -> list[Body]:
    bodies = {row["id"]: Body(row) for row in database.query("select * from agencies order by id")}
    for row in database.query("select * from reports order by id"):
        if row["agency_id"] in bodies:   # year None: a report whose year could not be read
            bodies[row["agency_id"]].reports[row["report_year"]].append(row)
    return list(bodies.values())


def _first_years(bodies: list[Body], before: str) -> dict[str, int]:
    """The first report year each portal shows (by the end of the day judged)."""
    first: dict[str, int] = {}
    for body in bodies:
        for year, rows in body.reports.items():
            if year is not None and any(_seen_by(row, before) for row in rows):
                site = body.agency["site"]
                first[site] = min(year, first.get(site, year))
    return first


def _seen_by(row: dict, before: str) -> bool:
    return bool(row.get("first_seen")) and row["first_seen"] < before


def _histories(database, before: str) -> dict[str, list[dict]]:
    """URL key → its versions (oldest first) that began before BEFORE."""
    out: dict[str, list[dict]] = defaultdict(list)
    if has_table(database, "versions"):
        for row in database.query("select * from versions where first_seen < ? "
                                  "order by url, version", [before]):
            out[url_key(row["url"])].append(row)
    return out


@dataclass
class Evidence:
    """What the looks at a body's list say about one of its reports."""
    first_seen: str | None = None
    last_seen: str | None = None
    first_look: Look | None = None      # the first look that saw it
    last_absent: Look | None = None     # the last look before that which did not
    last_look: Look | None = None       # the last look at the body's list at all


def _evidence(body: Body, rows: list[dict], sightings: Sightings, before: str) -> Evidence:
    targets = {url_key(row["url"]) for row in rows}
    looks = sightings.looks(body.agency["site"], body.keys, body.lists, targets)
    seen = [look for look in looks if sightings.saw(look, targets, body.lists)]
    stamps = [look.seen_at(targets) for look in seen] + \
        [r["first_seen"] for r in rows if _seen_by(r, before)]
    first = min(stamps, default=None)
    seen_ids = {id(look) for look in seen}
    absent = [look for look in looks
              if id(look) not in seen_ids and (first is None or look.at < first)]
    return Evidence(first_seen=first,
                    last_seen=max((look.seen_at(targets) for look in seen), default=first),
                    first_look=seen[0] if seen else None,
                    last_absent=absent[-1] if absent else None,
                    last_look=looks[-1] if looks else None)


def _judge(body: Body, year: int, as_of: date, before: str, rules: Rules, region: str | None,
           sightings: Sightings, histories: dict) -> dict:
    agency = body.agency
    every = body.reports.get(year, [])
    rows = [row for row in every if _seen_by(row, before)]
    kind = agency.get("kind") or next((r["agency_kind"] for r in every if r["agency_kind"]), None)
    rule = rules.rule_for(kind, year, region)
    due = rules.due(kind, year, region)
    evidence = _evidence(body, every, sightings, before)
    primary = next((r for r in rows if r["superseded_by"] is None), rows[0] if rows else None)
    declared = _date(primary["published"]) if primary else None
    out = {
        "agency_id": agency["id"], "agency": agency.get("full_name") or agency.get("name"),
        "agency_kind": kind, "site": agency["site"], "region": region, "report_year": year,
        "due": due.isoformat() if due else None, "declared": declared.isoformat() if declared
        else None, "first_seen": evidence.first_seen, "last_seen": evidence.last_seen,
        "report_id": primary["id"] if primary else None,
        "report_url": primary["url"] if primary else None,
        "list_url": primary.get("list_url") if primary else None,
        "rule": rule.name if rule else None, "as_of": as_of.isoformat(),
    }
    if evidence.first_seen is None:
        status, days_late, flags = _not_seen(due, as_of, evidence)
        if any(_seen_by(row, before) for row in body.reports.get(None, [])):
            flags.append("unattributed_report")  # it may be the one whose year is unread
    else:
        status, days_late, flags = _seen(due, declared, evidence, rules.crawl_interval_days)
        if _withdrawn(every, histories):
            status = "withdrawn"
    out.update(status=status, days_late=days_late, flags=flags,
               evidence=_citations(body, primary, evidence))
    return out


def _not_seen(due: date | None, as_of: date, evidence: Evidence) -> tuple:
    if due is None:
        return "not_found", None, []
    # No look at the body's list after the deadline: missing by the calendar only.
    if as_of <= due:
        return "not_due", None, []
    flags = [] if evidence.last_look and evidence.last_look.day > due else ["unchecked"]
    return "missing", None, flags


def _seen(due: date | None, declared: date | None, evidence: Evidence, interval: int) -> tuple:
    first_day = china_day(evidence.first_seen)
    published = min(day for day in (declared, first_day) if day)
    flags = []
    missed = evidence.last_absent.day if evidence.last_absent else None
    if missed and declared and missed > declared:
        # A look after the declared date did not show it: it appeared after that look.
        flags.append("backdated")
        published = max(published, missed)
    if declared and (first_day - declared).days > interval:
        flags.append("declared_unverified")
    if due is None:
        return "published", None, flags
    if published > due:
        return "late", (published - due).days, flags
    return "on_time", None, flags


def _withdrawn(rows: list[dict], histories: dict) -> bool:
    """Archived, then gone: no URL of the report shows it now, and one answers not found."""
    latest = [histories[url_key(r["url"])][-1]["kind"] for r in rows
              if histories.get(url_key(r["url"]))]
    return bool(latest) and "ok" not in latest and any(kind in GONE for kind in latest)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def replay(capture_id: int) -> str:
    """Where Datasette replays an archived capture (datasette/plugins/gongkai_replay.py)."""
    return f"/-/archive/{capture_id}"


def _citations(body: Body, primary: dict | None, evidence: Evidence) -> list[str]:
    """The archived report, the list page that first showed it, and the list pages of the
    look that last missed it (or, for a report not found, of the last look)."""
    cited: list[int] = []
    targets = {url_key(r["url"]) for rows in [body.reports.get(primary["report_year"], [])]
               for r in rows} if primary else set()
    if evidence.first_look:
        cited += [cid for key, cid in evidence.first_look.captures.items() if key in targets]
    if primary and primary.get("capture_id"):
        cited.append(primary["capture_id"])
    lists = body.lists
    for look in (evidence.first_look, evidence.last_absent if primary else evidence.last_look):
        if look is not None:
            cited += [cid for key, cid in sorted(look.captures.items()) if key in lists][
                :MAX_LIST_EVIDENCE]
    return [replay(cid) for cid in dict.fromkeys(cited)]


def write_deadlines(database, as_of: date | str | None = None, **options) -> int:
    """(Re)write the `deadlines` table for AS_OF; returns its row count."""
    rows = compute(database, as_of, **options)
    with database.conn:
        if "deadlines" in database.table_names():
            database["deadlines"].drop()
        database["deadlines"].create(COLUMNS)
        database["deadlines"].insert_all(({
            **{key: row.get(key) for key in COLUMNS},
            "flags": json.dumps(row["flags"], ensure_ascii=False),
            "evidence": json.dumps(row["evidence"], ensure_ascii=False),
        } for row in rows), batch_size=500)
        database["deadlines"].create_index(["status"])
        database["deadlines"].create_index(["report_year", "region"])
    return len(rows)
