"""`gongkai schedule`: crawls that run by themselves and say when something breaks.

    gongkai schedule [--config FILE]               run the schedule (APScheduler) until stopped
    gongkai schedule plan --from D --to D [--json] the runs it would make
    gongkai schedule run-once SITE                 one scheduled run now
    gongkai schedule jobs                          the stored jobs and their next run
"""

from __future__ import annotations

import json
import sys

import click

data_option = click.option("--data", "data_dir", default="data", show_default=True,
                           type=click.Path(file_okay=False),
                           help="Folder holding the WARC files, gongkai.db and schedule.db.")
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             default=None, help="Schedule rules (TOML). Default: the shipped "
                             "gongkai/scheduling/schedule.toml.")
webhook_option = click.option("--webhook", metavar="URL", default=None,
                              help="POST each alert as JSON to this URL (else the config's).")
proxy_option = click.option("--proxy", metavar="URL", default=None,
                            help="Crawl through this HTTP proxy (e.g. the simulated web).")


def _config(config_path):
    from gongkai.scheduling.rules import ConfigError, load_config

    try:
        return load_config(config_path)
    except ConfigError as error:
        raise click.BadParameter(str(error), param_hint="--config")


@click.group(invoke_without_command=True)
@data_option
@config_option
@webhook_option
@proxy_option
@click.pass_context
def schedule(ctx, data_dir, config_path, webhook, proxy):
    """Run the configured crawls by themselves: each run crawls, extracts what changed,
    judges deadlines and raises alerts (table alerts, optionally a webhook)."""
    if ctx.invoked_subcommand is not None:
        return
    from gongkai.scheduling.service import serve

    serve(data_dir, _config(config_path), webhook=webhook, proxy=proxy,
          echo=lambda text: click.echo(text, err=True))


@schedule.command("plan")
@config_option
@click.option("--from", "first", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--to", "last", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def plan_command(config_path, first, last, sites, as_json):
    """List the runs the schedule would make from --from to --to (inclusive)."""
    from gongkai.scheduling.rules import plan

    if last < first:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    runs = plan(_config(config_path), first.date(), last.date(), set(sites) or None)
    if as_json:
        click.echo(json.dumps(runs, ensure_ascii=False, indent=1))
        return
    for run in runs:
        season = "年报季 (season)" if run["season"] else ""
        click.echo(f"{run['at']}  {run['site']:<10} revisit {run['revisit_days']} d  {season}")
    click.echo(f"{len(runs)} runs", err=True)


@schedule.command("run-once")
@click.argument("site")
@data_option
@config_option
@webhook_option
@proxy_option
@click.option("--now", metavar="ISO-DATETIME", default=None,
              help="Pin the crawl's clock and judge deadlines as of that day (replays).")
@click.option("--json", "as_json", is_flag=True, help="Print the run's result as JSON.")
def run_once(site, data_dir, config_path, webhook, proxy, now, as_json):
    """One scheduled run of SITE now: crawl, extract, deadlines, alerts."""
    from gongkai.scheduling.runner import run_site

    result = run_site(site, data_dir, _config(config_path), webhook=webhook, proxy=proxy,
                      now=now)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(f"{site}: {result.status}, crawl exit {result.exit_code}, run "
                   f"{result.crawl_run}, extracted {result.extracted}, "
                   f"{len(result.alerts)} alerts", err=True)
        for raised in result.alerts:
            click.echo(f"  [{raised['kind']}] {raised['message']}")
    if result.status == "skipped":
        sys.exit(2)
    sys.exit(0 if result.exit_code == 0 else 1)


@schedule.command("jobs")
@data_option
@config_option
def jobs(data_dir, config_path):
    """The jobs stored in DATA/schedule.db and when each runs next."""
    from gongkai.scheduling.service import close, open_scheduler

    scheduler = open_scheduler(data_dir, _config(config_path))
    try:
        for job in scheduler.get_jobs():
            click.echo(f"{job.id:<18} next run {job.next_run_time}  ({job.name})")
    finally:
        close(scheduler, wait=False)
