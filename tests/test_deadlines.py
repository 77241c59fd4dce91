"""The deadline watch against the simulated web's ground truth.

(A) one crawl of every family with the clock at 2025-06-30 gives every body-year the
status the truth implies for what that crawl could see; (B) 会昌县 crawled on 2021-02-05
and again on 2021-02-20 shows the backdated 2020 report late, flagged `backdated`, and
later crawls see a report withdrawn and one moved. Crawls are real `gongkai crawl`
processes through the simulated web, with their clock pinned by `--now`.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import date

import pytest
from warcio.archiveiterator import ArchiveIterator

from gongkai.archive import db
from gongkai.archive.deadline_rules import load_rules
from simulator.web import build_portal
from simulator.server import PortalServer
from simulator.truth import ground_truth

from conftest import REPO, gongkai

FAULTS = "late,missing,deleted,edited,moved"
CLOCK = "2025-06-30"
SITES = ("huichang", "hukou", "shangyu", "sgwjq")
DAYS = ["2021-02-05", "2021-02-20", "2022-03-01", "2022-05-01", "2022-06-01"]


def crawl(site, server, data, day, *more):
    return gongkai("crawl", site, "--proxy", server.proxy_url, "--simulated",
                   "--now", f"{day}T02:00:00Z", "--data", data, *more)


def deadlines(data, as_of, *more) -> list[dict]:
    return json.loads(gongkai("deadlines", "--data", data, "--as-of", as_of, "--json",
                              *more).stdout)


# -- what the truth implies -----------------------------------------------------------------

def implied(truth: dict, day: str, interval: int) -> dict:
    """(site, agency, year) → (status, days_late, flag) the truth implies for ONE crawl on
    DAY: it sees what the portal shows that day, and nothing of what came before."""
    out = {}
    for report in truth["reports"]:
        key = (report["site"], report["agency"], report["report_year"])
        due, declared = report["deadline"], report["declared_published"]
        if not report["visible"]:   # deleted before the crawl (or not yet there)
            out[key] = (_absent(due, day), None, None)
            continue
        unverified = (date.fromisoformat(day) - date.fromisoformat(declared)).days > interval
        flag = "declared_unverified" if unverified else None
        if due is None:
            out[key] = ("published", None, flag)
        elif declared > due:
            days = (date.fromisoformat(declared) - date.fromisoformat(due)).days
            out[key] = ("late", days, flag)
        else:   # a backdated report declares a date in time: one crawl cannot tell
            out[key] = ("on_time", None, flag)
    for gap in truth["missing"]:
        out[(gap["site"], gap["agency"], gap["report_year"])] = (
            _absent(gap["deadline"], day), None, None)
    return out


def _absent(due: str | None, day: str) -> str:
    if due is None:
        return "not_found"
    return "missing" if day > due else "not_due"


def bodies(truth: dict, rows: list[dict]) -> dict:
    """Truth body (site, name) → our agency_id, through the reports both know by URL."""
    ours = {row["report_url"]: row["agency_id"] for row in rows if row["report_url"]}
    mapping = {}
    for report in truth["reports"]:
        for url in report["urls"]:
            if url["url"] in ours:
                mapping[(report["site"], report["agency"])] = ours[url["url"]]
    return mapping


def scores(truth: dict, rows: list[dict], mapping: dict) -> dict:
    """Precision and recall of `late` and `missing` against what really happened (late:
    appeared after the deadline, backdated or not; missing: never published), and the
    false alarms (late or missing where the body really published in time)."""
    status = {(row["agency_id"], row["report_year"]): row["status"] for row in rows}
    really = {}
    for report in truth["reports"]:
        if report["deadline"]:
            late = report["actual_published"] > report["deadline"]
            really[(report["site"], report["agency"], report["report_year"])] = \
                "late" if late else "on_time"
    for gap in truth["missing"]:
        if gap["deadline"]:
            really[(gap["site"], gap["agency"], gap["report_year"])] = "missing"
    out = {}
    for kind in ("late", "missing"):
        said = {k for k in really if status.get((mapping.get(k[:2]), k[2])) == kind}
        true = {k for k, v in really.items() if v == kind}
        out[kind] = {"precision": len(said & true) / len(said) if said else 1.0,
                     "recall": len(said & true) / len(true) if true else 1.0,
                     "said": len(said), "true": len(true)}
    out["false_alarms"] = sorted(
        f"{k[0]} {k[1]} {k[2]}: {status.get((mapping.get(k[:2]), k[2]))}"
        for k, v in really.items() if v == "on_time"
        and status.get((mapping.get(k[:2]), k[2])) in ("late", "missing"))
    return out


# -- (A) one crawl of every family ------------------------------------------------------------

@pytest.fixture(scope="module")
def one_crawl(tmp_path_factory):
    data = tmp_path_factory.mktemp("one_crawl")
    web = build_portal(seed=1, families="all", faults=FAULTS, as_of=CLOCK)
    with PortalServer(web) as server:
        for site in SITES:
            crawl(site, server, data, CLOCK)
        truth = ground_truth(web)
    gongkai("extract", "--data", data)
    return data, truth, deadlines(data, CLOCK)


def test_one_crawl_gives_every_body_year_the_status_the_truth_implies(one_crawl):
    _, truth, rows = one_crawl
    expected = implied(truth, CLOCK, load_rules().crawl_interval_days)
    mapping = bodies(truth, rows)
    assert len(set(mapping.values())) == len(mapping)   # one body of ours per body
    got = {(row["agency_id"], row["report_year"]): row for row in rows}
    wrong = []
    for (site, agency, year), (status, days_late, flag) in sorted(expected.items()):
        row = got.pop((mapping.get((site, agency)), year), None)
        if row is None or (row["status"], row["days_late"]) != (status, days_late) or \
                (flag and flag not in row["flags"]):
            wrong.append((site, agency, year, status, days_late, row and (
                row["status"], row["days_late"], row["flags"])))
    assert not wrong
    assert not got, "rows for body-years the truth does not have"   # no false alarm
    statuses = {row["status"] for row in rows}
    assert {"on_time", "late", "missing", "published", "not_found"} <= statuses


def test_every_late_or_missing_verdict_cites_archived_pages(one_crawl):
    data, _, rows = one_crawl
    database = db.open_database(data)
    for row in rows:
        if row["status"] in ("late", "missing", "on_time"):
            assert row["evidence"], row
        for path in row["evidence"]:
            capture_id = int(path.rsplit("/", 1)[1])
            assert database["captures"].get(capture_id)["fetched_at"] < "2025-07-01"
    late = [row for row in rows if row["status"] == "late"]
    assert all(row["declared"] > row["due"] and row["first_seen"] for row in late)


def test_the_table_is_in_the_database_and_filters_work(one_crawl):
    data, _, rows = one_crawl
    database = sqlite3.connect(data / "gongkai.db")
    columns = {row[1] for row in database.execute("pragma table_info(deadlines)")}
    assert {"agency_id", "agency", "agency_kind", "site", "region", "report_year", "due",
            "status", "days_late", "declared", "first_seen", "last_seen", "flags",
            "evidence", "report_id", "as_of"} <= columns
    assert database.execute("select count(*) from deadlines").fetchone()[0] > len(rows) / 2
    jiangxi = deadlines(data, CLOCK, "--region", "36", "--year", "2022")
    assert jiangxi and {row["site"] for row in jiangxi} == {"huichang", "hukou"}
    assert {row["report_year"] for row in jiangxi} == {2022}
    text = gongkai("deadlines", "--data", data, "--as-of", CLOCK, "--csv").stdout
    assert text.splitlines()[0].startswith("agency,agency_kind,site,region,report_year,due")
    assert len(text.splitlines()) == len(rows) + 1


# -- (B) a history of crawls ------------------------------------------------------------------

@pytest.fixture(scope="module")
def history(tmp_path_factory):
    data = tmp_path_factory.mktemp("deadline_history")
    web = build_portal(seed=1, families=["ganzhou"], faults=FAULTS)
    with PortalServer(web) as server:
        for day in DAYS:
            web.as_of = date.fromisoformat(day)
            crawl("huichang", server, data, day)
    gongkai("extract", "--data", data)
    return data, web.fault_records


def fault(records, name, **match):
    [record] = [r for r in records if r["name"] == name and r["site"] == "huichang"
                and all(r.get(k) == v for k, v in match.items())]
    return record


def test_the_crawl_clock_is_pinned(history):
    data, _ = history
    database = db.open_database(data)
    runs = list(database.query("select started_at, finished_at from crawl_runs order by id"))
    assert [run["started_at"][:10] for run in runs] == DAYS
    assert all(run["finished_at"][:10] == run["started_at"][:10] for run in runs)
    days = {row["day"] for row in database.query(
        "select distinct substr(fetched_at, 1, 10) as day from captures")}
    assert days == set(DAYS)
    # The WARC files too: named and introduced (warcinfo) on the crawl's day.
    files = sorted((data / "warc").glob("gongkai-*.warc.gz"))
    named = {f"{p.name[8:12]}-{p.name[12:14]}-{p.name[14:16]}" for p in files}
    assert named == set(DAYS)
    for path in files:
        with open(path, "rb") as fh:
            info = next(iter(ArchiveIterator(fh)))
        assert info.rec_type == "warcinfo"
        assert info.rec_headers.get_header("WARC-Date")[:10] == \
            f"{path.name[8:12]}-{path.name[12:14]}-{path.name[14:16]}"


def test_a_backdated_report_is_late_from_the_crawl_that_missed_it(history):
    data, records = history
    backdated = fault(records, "late", backdated=True)
    due = date.fromisoformat(backdated["deadline"])
    assert DAYS[0] < backdated["appeared"] < DAYS[1] and backdated["declared"] < DAYS[0]
    before = [r for r in deadlines(data, DAYS[0]) if r["report_url"] is None
              and r["due"] == backdated["deadline"] and r["status"] == "missing"]
    assert before, "on the first day the report is missing"
    [row] = [r for r in deadlines(data, DAYS[1])
             if (r["report_url"] or "").endswith(backdated["path"])]
    assert row["status"] == "late" and "backdated" in row["flags"]
    assert row["days_late"] == (date.fromisoformat(DAYS[0]) - due).days
    assert row["declared"] == backdated["declared"] and row["first_seen"][:10] == DAYS[1]
    assert len(row["evidence"]) >= 3   # the report, the list showing it, the list without it
    [same] = [r for r in before if r["agency_id"] == row["agency_id"]]


def test_a_report_archived_then_deleted_is_withdrawn_and_a_moved_one_is_not(history):
    data, records = history
    deleted, moved = fault(records, "deleted"), fault(records, "moved")
    assert DAYS[2] < deleted["on"] < DAYS[3] and DAYS[3] < moved["on"] < DAYS[4]
    rows = deadlines(data, DAYS[4])
    [gone] = [r for r in rows if (r["report_url"] or "").endswith(deleted["path"])]
    assert gone["status"] == "withdrawn" and gone["last_seen"][:10] == DAYS[2]
    [kept] = [r for r in rows if r["report_year"] == 2021 and r["agency_id"] == next(
        x["agency_id"] for x in rows if (x["report_url"] or "").endswith(moved["new_path"])
        or (x["report_url"] or "").endswith(moved["path"]))]
    assert kept["status"] in ("on_time", "late")
    # As of the day before the deletion was seen, the same report still stands.
    [earlier] = [r for r in deadlines(data, DAYS[2]) if r["report_id"] and
                 (r["report_url"] or "").endswith(deleted["path"])]
    assert earlier["status"] == "published"


def test_scrapy_crawl_takes_the_clock_as_a_setting(tmp_path):
    web = build_portal(seed=2, families=["ganzhou"], as_of="2020-02-10")
    with PortalServer(web) as server:
        subprocess.run([str(REPO / ".venv" / "bin" / "scrapy"), "crawl", "ganzhou",
                        "-a", "site=huichang", "-s", f"GONGKAI_PROXY={server.proxy_url}",
                        "-s", "GONGKAI_NOW=2020-02-10T03:00:00+08:00",
                        "-s", f"GONGKAI_DATA_DIR={tmp_path}", "-s", "LOG_LEVEL=WARNING"],
                       cwd=REPO, check=True, timeout=300)
    database = db.open_database(tmp_path)
    stamps = [row["fetched_at"] for row in database.query("select fetched_at from captures")]
    assert stamps and all(s.startswith("2020-02-09T19:00") for s in stamps)


def test_a_provincial_rule_changes_the_verdicts_of_its_bodies_only(history, tmp_path):
    from gongkai.archive.deadline_rules import RULES_FILE
    from gongkai.archive.deadlines import compute

    data, _ = history
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES_FILE.read_text(encoding="utf-8") + (
        '\n[[rule]]\nname = "江西省：乡镇"\nregion = "36"\nkinds = ["township"]\n'
        'first_year = 2019\ndue = "01-15"\n'), encoding="utf-8")
    database = db.open_database(data)
    national = {(r["agency_id"], r["report_year"]): r for r in compute(database, DAYS[1])}
    provincial = compute(database, DAYS[1], rules=load_rules(rules))
    changed = [r for r in provincial
               if r["status"] != national[(r["agency_id"], r["report_year"])]["status"]]
    assert changed and all(r["agency_kind"] == "township" for r in changed)
    for row in changed:
        assert row["due"] == f"{row['report_year'] + 1}-01-15"
        assert row["status"] in ("on_time", "late")
        if row["status"] == "late":
            assert row["days_late"] == (date.fromisoformat(row["declared"])
                                        - date.fromisoformat(row["due"])).days
