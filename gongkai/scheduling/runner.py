"""One scheduled run of a site: crawl → extract what changed → deadlines → alerts.

The crawl runs as a `gongkai crawl` child process (Twisted's reactor runs once per
process), with rotating revisits on and its counts written to a file; everything
after it runs here. A lock file per site means no two runs of one site overlap, even
from two schedulers on one data folder; extraction takes a lock of its own, since it
rebuilds the one database every site shares.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from filelock import FileLock, Timeout

from gongkai.archive import alerts as alerting
from gongkai.archive import db
from gongkai.archive.clock import parse_instant
from gongkai.crawler.children import _die_with, run_child
from gongkai.crawler.registry import load_site
from gongkai.scheduling.rules import ScheduleConfig, load_config

log = logging.getLogger(__name__)

EXTRACT_WAIT_SECONDS = 6 * 3600  # another site's extraction may take this long


@dataclass
class RunResult:
    site: str
    status: str                 # done | skipped (already running)
    exit_code: int | None = None
    crawl_run: int | None = None
    extracted: bool = False
    deadlines: int | None = None
    alerts: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def lock_path(data_dir, name: str) -> Path:
    folder = Path(data_dir) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.lock"


def scheduled_job(site: str, data_dir: str, config_path: str | None = None,
                  webhook: str | None = None, proxy: str | None = None) -> dict:
    """What the APScheduler job calls (stored by reference: keep the arguments plain)."""
    config = load_config(config_path)
    result = run_site(site, data_dir, config, webhook=webhook, proxy=proxy)
    log.info("%s: %s, crawl exit %s, run %s, extracted %s, alerts %s", site, result.status,
             result.exit_code, result.crawl_run, result.extracted,
             [a["kind"] for a in result.alerts] or "none")
    return result.as_dict()


def run_site(site: str, data_dir, config: ScheduleConfig, *, webhook: str | None = None,
             proxy: str | None = None, now: str | None = None) -> RunResult:
    lock = FileLock(lock_path(data_dir, f"site-{site}"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning("%s: a run of this site is still going; this one is skipped", site)
        return RunResult(site, "skipped")
    try:
        return _run(site, data_dir, config, webhook or config.webhook, proxy, now)
    finally:
        lock.release()


def _run(site, data_dir, config, webhook, proxy, now) -> RunResult:
    rule = config.site(site)
    database = _database(data_dir)
    previous = _last_run(database, site)
    database.conn.close()
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = Path(tmp) / "stats.json"
        code = _run_crawl(_crawl_command(site, data_dir, config, rule, proxy, now,
                                         stats_file))
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    result = RunResult(site, "done", exit_code=code, crawl_run=stats.get("gongkai/crawl_run"))
    # One site at a time past its crawl: extraction replaces the database file.
    with FileLock(lock_path(data_dir, "extract"), timeout=EXTRACT_WAIT_SECONDS):
        database = _database(data_dir)
        run = _run_row(database, site, result.crawl_run, previous)
        result.crawl_run = (run or {}).get("id")
        result.extracted = _extract_if_changed(data_dir, database, run)
        database = _database(data_dir)  # the build swapped a new file in
        if now or not result.extracted:  # extraction judged them as of today already
            result.deadlines = _write_deadlines(database, _as_of(now))
        facts = alerting.RunFacts(site=site, region=load_site(site).region_code,
                                  exit_code=code, run=run, previous=previous, stats=stats)
        facts.structure = _structure_check(facts, rule, proxy)
        raised = [a for a in [alerting.health_alert(facts)] if a]
        after = alerting.deadline_rows(database, site)
        raised += alerting.deadline_alerts(facts, alerting.alerted_rows(database, site), after)
        alerting.write_alerts(database, raised)
        alerting.remember_deadlines(database, site, after)
    result.alerts = [{"kind": a["kind"], "message": a["message"]} for a in raised]
    if webhook:
        from gongkai.scheduling.webhook import deliver_pending

        deliver_pending(database, webhook)
    database.conn.close()
    return result


def _database(data_dir):
    database = db.open_database(data_dir)
    db.ensure_schema(database)
    return database


def _last_run(database, site: str) -> dict | None:
    return next(database.query(
        "select * from crawl_runs where site = ? and finished_at is not null "
        "order by id desc limit 1", [site]), None)


def _run_row(database, site, run_id, previous) -> dict | None:
    if run_id:
        return next(database.query("select * from crawl_runs where id = ?", [run_id]), None)
    # The crawl died before writing its counts: its row, if it got that far.
    after = (previous or {}).get("id") or 0
    return next(database.query("select * from crawl_runs where site = ? and id > ? "
                               "order by id desc limit 1", [site, after]), None)


def _run_crawl(command: list[str]) -> int:
    if threading.current_thread() is threading.main_thread():
        return run_child(command)  # run-once: signals are passed on to the crawl
    # A scheduler's worker thread: signals belong to the main thread, which stops the
    # scheduler and waits for this run; a Ctrl-C reaches the crawl as well (same process
    # group) and it stops cleanly, to be finished by the next run; and if the scheduler
    # dies, the kernel stops the crawl (crawler/children.py).
    child = subprocess.Popen(command, preexec_fn=_die_with(os.getpid()))
    return child.wait()


def _crawl_command(site, data_dir, config, rule, proxy, now, stats_file) -> list[str]:
    revisit = config.revisit
    command = [sys.executable, "-m", "gongkai.cli", "crawl", site, "--data", str(data_dir),
               "-s", f"GONGKAI_REVISIT_DAYS={revisit.days}",
               "-s", f"GONGKAI_REVISIT_SEASON_DAYS={revisit.season_days}",
               "-s", f"GONGKAI_REVISIT_LIST_DAYS={revisit.list_days}",
               "-s", "GONGKAI_REVISIT_SEASON_MONTHS=" + ",".join(
                   str(m) for m in sorted(revisit.season_months)),
               "-s", f"GONGKAI_STATS_FILE={stats_file}", "-s", "LOG_LEVEL=WARNING"]
    proxy = proxy or rule.proxy
    command += ["--proxy", proxy] if proxy else []
    command += ["--base-url", rule.base_url] if rule.base_url else []
    command += ["--now", now] if now else []
    return command


def _extract_if_changed(data_dir, database, run: dict | None) -> bool:
    """Rebuild the database when this run archived something new, changed or gone
    (or it was never built); an unchanged portal costs no extraction."""
    built = database["reports"].exists()
    changed = run and any(run.get(k) for k in ("new_reports", "changed_reports",
                                                "removed_reports"))
    database.conn.close()
    if built and not changed:
        return False
    from gongkai.archive.database import build

    build(data_dir)
    return True


def _as_of(now: str | None) -> date | None:
    return parse_instant(now).date() if now else None


def _write_deadlines(database, as_of: date | None) -> int | None:
    try:
        from gongkai.archive.deadlines import write_deadlines
    except ImportError:  # the deadline watch is not installed: alerts about crawls only
        log.warning("gongkai.archive.deadlines is missing: no deadline alerts")
        return None
    return write_deadlines(database, as_of)


def _structure_check(facts, rule, proxy) -> dict | None:
    """Ask the site check only when the crawl found nothing where it found reports
    before (it costs requests), and the crawl itself did not say why."""
    if not alerting.health_alert(facts) or alerting.health_alert(facts)["kind"] not in (
            "zero_reports", "structure_changed"):
        return None
    try:
        from gongkai.crawler.site_check import check_site
    except ImportError:
        return None
    from gongkai.crawler.politeness import fast_requested

    return check_site(facts.site, rule.base_url, proxy or rule.proxy,
                      delay=0 if fast_requested() else 1.0)
