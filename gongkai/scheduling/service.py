"""The scheduler: APScheduler 3 with its jobs kept in DATA/schedule.db (SQLAlchemy job store).

One job per site, id `crawl:<site>`. Kept jobs keep their next run time across a
restart, so a run the scheduler was down for happens once when it comes back (coalesce:
several missed runs make one; misfire_grace_time: one missed by longer is skipped), and a
run that already started is not repeated (APScheduler stores the next time before it
starts the job). max_instances=1 keeps one run per site in this scheduler; the site's
lock file (runner.py) keeps it across schedulers.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED

from gongkai.scheduling.rules import ScheduleConfig

log = logging.getLogger(__name__)

JOB_FUNCTION = "gongkai.scheduling.runner:scheduled_job"
WORKERS = 2  # sites crawled at once (different hosts); each site one at a time


def job_store_url(data_dir) -> str:
    return f"sqlite:///{(Path(data_dir) / 'schedule.db').resolve()}"


def open_scheduler(data_dir, config: ScheduleConfig) -> BackgroundScheduler:
    """The scheduler with its stored jobs loaded, paused: nothing runs before `resume()`
    (the stored jobs are only readable once it has started)."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=job_store_url(data_dir))},
                executors={"default": ThreadPoolExecutor(WORKERS)},
                job_defaults={"coalesce": True, "max_instances": 1,
                              "misfire_grace_time": config.misfire_grace_seconds},
                timezone=config.timezone)
    scheduler.start(paused=True)
    return scheduler


def close(scheduler, wait: bool = True) -> None:
    """Stop the scheduler without touching its stored jobs. APScheduler 3's loop makes one
    last pass over the due jobs when woken by shutdown() and hands them to executors
    already shut down, so a run due then (or missed while we were down, in a paused
    scheduler) would be marked done without running: the job store is taken away first."""
    if scheduler.state != STATE_STOPPED:
        scheduler.pause()
        scheduler.remove_jobstore("default")
        scheduler.shutdown(wait=wait)


def sync_jobs(scheduler, data_dir, config: ScheduleConfig, *, webhook=None, proxy=None,
              function: str = JOB_FUNCTION) -> dict:
    """Make the stored jobs match the rules. A job whose rule is unchanged is left as it
    is (with its next run time, perhaps one missed while the scheduler was down); a
    changed rule replaces it; a site no longer scheduled is removed."""
    kwargs = {"data_dir": str(data_dir), "config_path": config.path, "webhook": webhook,
              "proxy": proxy}
    stored = {job.id: job for job in scheduler.get_jobs()}
    wanted = {f"crawl:{rule.site}": rule for rule in config.sites}
    changes = {"kept": [], "added": [], "replaced": [], "removed": []}
    for job_id, job in stored.items():
        if job_id not in wanted:
            scheduler.remove_job(job_id)
            changes["removed"].append(job_id)
    for job_id, rule in wanted.items():
        name = f"{rule.site} {rule.fingerprint}"
        old = stored.get(job_id)
        job_kwargs = {**kwargs, "site": rule.site}
        if old is not None and old.name == name and old.kwargs == job_kwargs \
                and _ref(old) == function:
            changes["kept"].append(job_id)
            continue
        scheduler.add_job(function, rule.trigger(), id=job_id, name=name, kwargs=job_kwargs,
                          replace_existing=True)
        changes["replaced" if old is not None else "added"].append(job_id)
    return changes


def _ref(job) -> str:
    return job.func_ref if hasattr(job, "func_ref") else ""


def serve(data_dir, config: ScheduleConfig, *, webhook=None, proxy=None, echo=print) -> None:
    """Run the schedule until SIGINT or SIGTERM; a run under way is finished first."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    scheduler = open_scheduler(data_dir, config)
    try:
        changes = sync_jobs(scheduler, data_dir, config, webhook=webhook, proxy=proxy)
        echo(f"schedule {config.path}: " + ", ".join(
            f"{len(v)} {k}" for k, v in changes.items() if v))
        for job in sorted(scheduler.get_jobs(), key=lambda j: j.next_run_time or 0):
            echo(f"  {job.id:<18} next run {job.next_run_time}")
        scheduler.resume()
        stop.wait()
    finally:
        echo("stopping: waiting for the runs under way")
        close(scheduler)
