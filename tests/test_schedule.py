"""`gongkai schedule`: scheduled runs over two simulated portals through real processes,
one portal broken halfway raising exactly the expected alert; the webhook against a
local receiver; the APScheduler job store across restarts; the lock per site."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from filelock import FileLock

from gongkai.archive import alerts as alerting
from gongkai.archive import db
from gongkai.scheduling.rules import load_config, plan
from gongkai.scheduling.runner import lock_path, run_site
from gongkai.scheduling.service import close, open_scheduler, sync_jobs
from gongkai.scheduling.webhook import deliver_pending
from simulator.web import build_portal
from simulator.server import PortalServer
from simulator.site import bytes_response

from conftest import gongkai

SITES = ("huichang", "hukou")
TRS_LIST = re.compile(r"/zfxxgknb(_\d+)?/(index(_\d+)?\.s?html)?$")
CONFIG = """
timezone = "Asia/Shanghai"
season_months = "1-4"
revisit_days = 28
season_revisit_days = 7
misfire_grace_seconds = 3600
[defaults]
off_season = { day_of_week = "mon", hour = 2, minute = 0 }
season = { hour = 2, minute = 0 }
[sites.huichang]
[sites.hukou]
off_season = { day_of_week = "mon", hour = 2, minute = 30 }
season = { hour = 2, minute = 30 }
"""


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "schedule.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


class Receiver:
    """A webhook receiver on 127.0.0.1, port 0: keeps every JSON body POSTed to it."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def break_lists(web, how: str) -> None:
    """From now on 湖口县's column lists answer 500, or come in a markup the TRS
    adapter does not know (entries drawn by a script: no links)."""
    site = web.site("hukou")
    respond = site.respond

    def broken(req):
        response = respond(req)
        if not TRS_LIST.search(req.path) or response.status != 200:
            return response
        if how == "server_errors":
            return bytes_response(b"<html><body>500</body></html>", "text/html", 500)
        body = response.body.replace(b"href=", b"data-url=")
        return bytes_response(body, response.headers["Content-Type"], 200)

    site.respond = broken


def run_once(site, data, config, server, *extra) -> dict:
    result = gongkai("schedule", "run-once", site, "--data", data, "--config", config,
                     "--proxy", server.proxy_url, "--json", *extra, check=False)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.mark.parametrize("how, expected", [("markup", "structure_changed"),
                                           ("server_errors", "error_jump")])
def test_portal_broken_halfway_raises_exactly_the_expected_alert(tmp_path, config, how,
                                                                 expected):
    web = build_portal(seed=5, families=["ganzhou", "trs"], agencies=8,
                       faults="late,missing")
    receiver = Receiver()
    data = tmp_path / "data"
    try:
        with PortalServer(web) as server:
            first = {site: run_once(site, data, config, server) for site in SITES}
            break_lists(web, how)
            second = {site: run_once(site, data, config, server, "--webhook", receiver.url)
                      for site in SITES}
    finally:
        receiver.close()
    print({site: r["alerts"] for site, r in second.items()})
    for site in SITES:
        assert first[site]["exit_code"] == 0 and first[site]["alerts"] == []
        assert first[site]["extracted"]
    assert second["huichang"]["alerts"] == []
    assert not second["huichang"]["extracted"]  # nothing changed: no extraction
    assert [a["kind"] for a in second["hukou"]["alerts"]] == [expected]
    rows = list(db.open_database(data).query("select * from alerts"))
    assert [(r["kind"], r["site"], r["region"]) for r in rows] == [(expected, "hukou", "360429")]
    assert rows[0]["crawl_run"] == second["hukou"]["crawl_run"]
    assert rows[0]["delivered_at"] and rows[0]["delivery_attempts"] == 1
    assert [(body["kind"], body["site"], body["id"]) for body in receiver.received] == [
        (expected, "hukou", rows[0]["id"])]
    details = json.loads(rows[0]["details"])
    if expected == "structure_changed":
        assert details["list_pages"] > 0 and details["list_entries"] == 0
    else:
        assert details["error_rate"] >= 0.10 and "500" in details["responses_by_status"]


def test_reports_newly_missing_then_newly_late_are_raised_once(tmp_path, config):
    """会昌县's own 2024 report is due 31 March 2025; the simulated portal shows it only
    from 19 April (dated 25 March): missing on 1 April, late once it appears."""
    web = build_portal(seed=5, families=["ganzhou"], agencies=8, years=range(2023, 2025),
                       faults="late")
    late = next(r for r in web.fault_records if r["name"] == "late" and r["backdated"])
    assert (late["deadline"], late["appeared"]) == ("2025-03-31", "2025-04-19")
    data = tmp_path / "data"
    alerts = []
    with PortalServer(web) as server:
        for day in ("2025-03-31", "2025-04-01", "2025-04-20", "2025-04-20"):
            web.as_of = day
            result = run_once("huichang", data, config, server, "--now", f"{day}T04:00:00Z")
            alerts.append([(a["kind"]) for a in result["alerts"]])
    assert alerts == [[], ["newly_missing"], ["newly_late"], []]
    rows = {r["kind"]: json.loads(r["details"])["reports"] for r in
            db.open_database(data).query("select kind, details from alerts")}
    assert [(r["report_year"], r["due"]) for r in rows["newly_missing"]] == [(2024, "2025-03-31")]
    assert rows["newly_late"][0]["agency"] == rows["newly_missing"][0]["agency"]
    assert rows["newly_late"][0]["days_late"] > 0


def test_a_failed_webhook_post_is_recorded_and_tried_again(tmp_path):
    database = db.open_database(tmp_path)
    db.ensure_schema(database)
    facts = alerting.RunFacts(site="hukou", region="360429", exit_code=3, run=None,
                              previous=None)
    alerting.write_alerts(database, [alerting.health_alert(facts)])
    receiver = Receiver()
    dead = receiver.url
    receiver.close()  # nothing listens there any more
    assert deliver_pending(database, dead) == {"delivered": 0, "failed": 1}
    row = next(database.query("select * from alerts"))
    assert row["kind"] == "crawl_failed" and row["delivered_at"] is None
    assert row["delivery_attempts"] == 1 and "refused" in row["delivery_error"].lower()
    receiver = Receiver()
    try:
        assert deliver_pending(database, receiver.url) == {"delivered": 1, "failed": 0}
    finally:
        receiver.close()
    assert receiver.received[0]["kind"] == "crawl_failed"
    assert receiver.received[0]["details"]["exit_code"] == 3
    assert deliver_pending(database, receiver.url) == {"delivered": 0, "failed": 0}


def test_plan_lists_runs_from_the_triggers_more_often_in_season(config):
    runs = plan(load_config(config), datetime(2025, 4, 28).date(), datetime(2025, 5, 11).date())
    april = [r for r in runs if r["at"] < "2025-05"]
    may = [r for r in runs if r["at"] >= "2025-05"]
    assert len(april) == 3 * 2 and all(r["season"] and r["revisit_days"] == 7 for r in april)
    # off season: Mondays only (5 May; 12 May is after --to)
    assert [(r["site"], r["at"]) for r in may] == [
        ("huichang", "2025-05-05T02:00:00+08:00"), ("hukou", "2025-05-05T02:30:00+08:00")]
    assert not any(r["season"] for r in may)
    result = gongkai("schedule", "plan", "--config", config, "--from", "2025-04-28",
                     "--to", "2025-05-11", "--json")
    assert json.loads(result.stdout) == runs


def record_run(site: str, data_dir: str, **_):
    """The job function of the restart test: writes down that it ran, and when."""
    with open(Path(data_dir) / "runs.txt", "a", encoding="utf-8") as out:
        out.write(f"{site} {time.time()}\n")


def test_job_store_survives_a_restart_and_runs_a_missed_run_once(tmp_path, config):
    rules = load_config(config)
    function = f"{__name__}:record_run"
    scheduler = open_scheduler(tmp_path, rules)
    assert sync_jobs(scheduler, tmp_path, rules, function=function)["added"] == [
        "crawl:huichang", "crawl:hukou"]
    upcoming = {job.id: job.next_run_time for job in scheduler.get_jobs()}
    # The scheduler is down while hukou's run falls due, twice over (coalesced to one).
    missed = datetime.now(timezone.utc) - timedelta(minutes=10)
    scheduler.modify_job("crawl:hukou", next_run_time=missed)
    close(scheduler)

    scheduler = open_scheduler(tmp_path, rules)
    changes = sync_jobs(scheduler, tmp_path, rules, function=function)
    assert changes["kept"] == ["crawl:huichang", "crawl:hukou"] and not changes["added"]
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert jobs["crawl:huichang"].next_run_time == upcoming["crawl:huichang"]
    assert jobs["crawl:hukou"].next_run_time == missed
    assert jobs["crawl:hukou"].max_instances == 1 and jobs["crawl:hukou"].coalesce
    scheduler.resume()
    runs = tmp_path / "runs.txt"
    for _ in range(100):
        if runs.exists():
            break
        time.sleep(0.1)
    time.sleep(1.0)
    close(scheduler)
    assert [line.split()[0] for line in runs.read_text().splitlines()] == ["hukou"]

    # Restarted again: the run is not made a second time; its next one is in the future.
    scheduler = open_scheduler(tmp_path, rules)
    sync_jobs(scheduler, tmp_path, rules, function=function)
    assert all(job.next_run_time > datetime.now(timezone.utc) for job in scheduler.get_jobs())
    scheduler.resume()
    time.sleep(1.0)
    close(scheduler)
    assert len(runs.read_text().splitlines()) == 1


def test_a_changed_rule_replaces_the_stored_job(tmp_path, config):
    rules = load_config(config)
    scheduler = open_scheduler(tmp_path, rules)
    sync_jobs(scheduler, tmp_path, rules)
    close(scheduler)
    config.write_text(CONFIG.replace("minute = 30", "minute = 45")
                      .replace("[sites.huichang]\n", ""), encoding="utf-8")
    scheduler = open_scheduler(tmp_path, load_config(config))
    changes = sync_jobs(scheduler, tmp_path, load_config(config))
    assert changes["replaced"] == ["crawl:hukou"] and changes["removed"] == ["crawl:huichang"]
    assert scheduler.get_job("crawl:hukou").next_run_time.minute == 45
    close(scheduler)


def test_a_site_already_running_is_skipped_not_crawled_twice(tmp_path, config):
    with FileLock(lock_path(tmp_path, "site-hukou")):  # another scheduler's run
        result = run_site("hukou", tmp_path, load_config(config))
    assert result.status == "skipped" and result.exit_code is None
    assert not (tmp_path / "gongkai.db").exists()  # nothing was crawled


def test_the_scheduler_runs_a_site_by_itself_and_stops_cleanly(tmp_path):
    """`gongkai schedule` as an operator runs it: a rule firing every 20 seconds, a real
    crawl through the simulated web, stopped by SIGTERM once a run is done."""
    import signal
    import subprocess
    import sys

    from conftest import REPO

    config = tmp_path / "every20s.toml"
    config.write_text('revisit_days = 28\n[defaults]\noff_season = { second = "*/20" }\n'
                      'season = { second = "*/20" }\n[sites.huichang]\n', encoding="utf-8")
    data = tmp_path / "data"
    web = build_portal(seed=2, families=["ganzhou"], agencies=4)
    with PortalServer(web) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "gongkai.cli", "schedule", "--data", str(data), "--config",
             str(config), "--proxy", server.proxy_url], cwd=REPO, stderr=subprocess.PIPE,
            text=True)
        try:
            for _ in range(240):  # up to two minutes for the first run to finish
                if _judged(data):
                    break
                time.sleep(0.5)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr[-3000:]
    assert "crawl:huichang" in stderr
    runs = list(db.open_database(data).query("select * from crawl_runs"))
    assert runs and runs[0]["site"] == "huichang" and runs[0]["outcome"] == "ok"
    assert (data / "schedule.db").exists() and _judged(data)


def _judged(data) -> bool:
    """A run went through to its end: deadlines written after its crawl."""
    if not (data / "gongkai.db").exists():
        return False
    database = db.open_database(data)
    return database["deadlines"].exists() and database["deadlines"].count > 0


def _facts(run, previous, stats=None, code=0):
    base = {"id": 2, "outcome": "ok", "error_rate": 0.0, "report_pages": 10,
            "blocked_hosts": "[]", "responses_by_status": "{}"}
    return alerting.RunFacts(site="jxyy", region="360", exit_code=code,
                             run={**base, **run} if run is not None else None,
                             previous={**base, "id": 1, **previous} if previous is not None
                             else None,
                             stats=stats or {"gongkai/list_pages": 3, "gongkai/list_entries": 9})


@pytest.mark.parametrize("run, previous, stats, code, expected", [
    # challenge pages appear: blocked beats failed
    ({"outcome": "blocked", "blocked_hosts": '["www.jxyy.gov.cn"]', "report_pages": 0}, {},
     None, 4, "challenge_jump"),
    # still blocked, as last time: already raised
    ({"outcome": "blocked", "blocked_hosts": '["www.jxyy.gov.cn"]', "report_pages": 0},
     {"outcome": "blocked", "blocked_hosts": '["www.jxyy.gov.cn"]'}, None, 4, None),
    # host down: failed, once
    ({"outcome": "unreachable", "report_pages": 0, "error_rate": 1.0}, {}, None, 3,
     "crawl_failed"),
    ({"outcome": "unreachable", "report_pages": 0, "error_rate": 1.0},
     {"outcome": "unreachable"}, None, 3, None),
    # the crawl died without a row
    (None, {}, {}, 1, "crawl_failed"),
    # errors jump: the cause, though reports are gone too
    ({"error_rate": 0.4, "report_pages": 0}, {"error_rate": 0.05}, None, 0, "error_jump"),
    ({"error_rate": 0.12}, {"error_rate": 0.08}, None, 0, None),  # not over twice the last
    # lists answer without entries
    ({"report_pages": 0}, {}, {"gongkai/list_pages": 3, "gongkai/list_entries": 0}, 0,
     "structure_changed"),
    # lists fine, but no report page read
    ({"report_pages": 0}, {}, None, 0, "zero_reports"),
    # a first run is nobody's news
    ({"report_pages": 0}, None, {"gongkai/list_pages": 3, "gongkai/list_entries": 0}, 0, None),
    ({}, {}, None, 0, None),
])
def test_one_alert_for_the_most_specific_cause(run, previous, stats, code, expected):
    raised = alerting.health_alert(_facts(run, previous, stats, code))
    assert (raised or {}).get("kind") == expected
    if raised:
        assert raised["message"].count("(") >= 1 and raised["site"] == "jxyy"
