"""The `gongkai` command: one front for the portal, the crawl, extraction and serving."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

import gongkai.crawler

# The datasette/ folder sits beside crawler/ both in a checkout (crawler/, datasette/)
# and in an installed wheel (gongkai/crawler/, gongkai/datasette/, as package data).
DATASETTE_DIR = Path(gongkai.crawler.__file__).resolve().parents[1] / "datasette"
data_option = click.option("--data", "data_dir", default="data", show_default=True,
                           type=click.Path(file_okay=False),
                           help="Folder holding the WARC files and gongkai.db.")


@click.group()
@click.version_option(package_name="gongkai")
def main():
    """gongkai (公开): archive of 政府信息公开工作年度报告."""


# -- simulated portal ----------------------------------------------------------

@main.group()
def portal():
    """The built-in simulated government portal (offline demo and test bed)."""


def _years(value: str | None):
    """``--years 6`` (the last six report years, up to 2024) or ``--years 2015-2024``."""
    if value is None:
        return range(2019, 2025)
    value = value.strip()
    try:
        if "-" in value:
            first, last = (int(x) for x in value.split("-", 1))
            years = range(first, last + 1)
        else:
            years = range(2025 - int(value), 2025)
    except ValueError:
        raise click.BadParameter("a number of years (e.g. 6) or a range (e.g. 2015-2024)", param_hint="--years")
    if not years or years[0] < 2008:
        raise click.BadParameter("report years run from 2008 to 2024", param_hint="--years")
    return years


def _portal_options(command):
    """The options shared by `portal serve` and `portal truth`."""
    options = [
        click.option("--seed", default=1, show_default=True, type=int),
        click.option("--families", default=None,
                     help="Comma-separated portal families (ganzhou, trs, hanweb, gkmlpt) or 'all'. "
                          "Default: the 会昌县 site only."),
        click.option("--faults", default=None,
                     help="Comma-separated fault names or 'all' (see `gongkai portal faults`). Default: none."),
        click.option("--agencies", default=None, type=click.IntRange(min=1),
                     help="Bodies in total across the families (real-named ones first, then invented ones)."),
        click.option("--years", "years", default=None,
                     help="Report years: a count ending with 2024 (e.g. 6) or a range (e.g. 2015-2024)."),
        click.option("--as-of", "as_of", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
                     help="Serve the state of this day (YYYY-MM-DD). Default: after every planted event."),
        click.option("--markup", default=None, type=click.Choice(["plain", "varied"]),
                     help="varied: TRS list pages written the many ways real portals write them "
                          "(dl/dd, tables, lists in comments or JSON, JS paging, .htm, news in the list)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _build(seed, families, faults, agencies, years, as_of, markup=None):
    from simulator.web import build_portal

    kwargs = {"markup": markup} if markup else {}
    if families is not None:
        kwargs["families"] = families
    if faults is not None:
        kwargs["faults"] = faults
    if agencies is not None:
        kwargs["agencies"] = agencies
    if as_of is not None:
        kwargs["as_of"] = as_of.date()
    try:
        return build_portal(seed=seed, years=_years(years), **kwargs)
    except ValueError as error:
        raise click.UsageError(str(error))


@portal.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@_portal_options
def portal_serve(host, port, seed, families, faults, agencies, years, as_of, markup):
    """Serve the simulated portal(s) until interrupted.

    Unknown Host headers (127.0.0.1, localhost) get the 会昌县 site; the other simulated hosts
    answer by their Host header, or through this address used as an HTTP proxy.
    """
    from simulator.server import PortalServer

    web = _build(seed, families, faults, agencies, years, as_of, markup)
    server = PortalServer(web, host=host, port=port)
    server.start()
    hosts = [s.host for s in getattr(web, "sites", [web])]
    count = len(web.reports)
    click.echo(f"simulated portal (seed {seed}, {count} reports) at {server.url}hcxxxgk/ — Ctrl-C to stop")
    if len(hosts) > 1:
        click.echo(f"hosts (use {server.proxy_url} as HTTP proxy): {', '.join(hosts)}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


@portal.command("truth")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-", show_default=True)
@click.option("--base-url", default=None,
              help="Base URL the default site's report URLs are written against "
                   "[default: its own host].")
@_portal_options
def portal_truth(out, base_url, seed, families, faults, agencies, years, as_of, markup):
    """Write the ground truth of the simulated portal(s) as JSON (streamed)."""
    from simulator.truth import write_truth

    write_truth(_build(seed, families, faults, agencies, years, as_of, markup), out, base_url)


@portal.command("faults")
def portal_faults():
    """List the faults `--faults` can plant."""
    from simulator.faults import FAULTS

    for name, description in FAULTS.items():
        click.echo(f"{name:<20} {description}")


# -- crawling ------------------------------------------------------------------

@main.group(invoke_without_command=True)
@click.pass_context
def sites(ctx):
    """List the portals in the site registry: name, family, base URL, allowed hosts, title
    (`sites add URL` drafts a new entry, `sites check NAME` re-probes one)."""
    from gongkai.crawler.registry import load_site, site_names

    if ctx.invoked_subcommand:
        return
    for name in site_names():
        site = load_site(name)
        click.echo(f"{name}\t{site.family}\t{site.base_url}\t{','.join(site.allowed_hosts)}"
                   f"\t{site.title}")


@main.command()
@click.argument("site", required=False)
@click.option("--all", "all_sites", is_flag=True,
              help="Crawl every site of the registry, one after another.")
@click.option("--base-url", help="Crawl this copy of the site instead (e.g. the simulated portal).")
@click.option("--redis", "redis_url", metavar="URL",
              help="Share the crawl with other workers through this Redis (scrapy-redis).")
@click.option("--crawl-id", default=lambda: time.strftime("%Y%m%d"), show_default="today",
              help="With --redis: workers given the same id share one crawl.")
@click.option("--proxy", metavar="URL",
              help="Send every request through this HTTP proxy, e.g. the simulated web "
                   "(`gongkai portal serve --families all`) to crawl its copies of real hosts.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting for this crawl (repeatable), e.g. -s DOWNLOAD_DELAY=2.")
@click.option("--simulated", is_flag=True, envvar="GONGKAI_SIMULATED_FAST",
              help="Crawl the simulated web fast (no delay, 8 at a time). Refused unless "
                   "every host is one the simulated web serves and it runs on this machine.")
@click.option("--now", metavar="ISO-DATETIME",
              help="Pin the crawl's clock: what it records as fetched at starts here (UTC unless "
                   "the time says otherwise), to replay crawls against `portal serve --as-of`.")
@data_option
def crawl(site, all_sites, base_url, redis_url, crawl_id, proxy, overrides, simulated, now,
          data_dir):
    """Crawl SITE from the registry into the archive (or every site, with --all)."""
    from gongkai.crawler.politeness import NotSimulated
    from gongkai.crawler.registry import UnknownSite, load_site
    from gongkai.crawler.run import crawl as run_crawl
    from gongkai.crawler.outcomes import EXIT_CODES

    if now:
        overrides = (*overrides, f"GONGKAI_NOW={_pinned_now(now)}")
    if all_sites:
        if site or base_url:
            raise click.UsageError("--all crawls every registered site at its own address: "
                                   "give neither SITE nor --base-url")
        _crawl_all(redis_url, crawl_id, proxy, overrides, data_dir, simulated)
        return
    if not site:
        raise click.UsageError("give a SITE (see `gongkai sites`) or --all")
    try:
        load_site(site)
    except UnknownSite as error:
        raise click.BadParameter(str(error), param_hint="SITE")
    settings = {}
    for override in overrides:
        name, sep, value = override.partition("=")
        if not sep:
            raise click.BadParameter(f"{override!r} is not NAME=VALUE", param_hint="--set")
        settings[name] = value
    settings.setdefault("GONGKAI_SIMULATED_FAST", "1" if simulated else "0")  # -s wins
    try:
        stats = run_crawl(site, base_url, data_dir, overrides=settings, redis_url=redis_url,
                          crawl_id=crawl_id, proxy=proxy)
    except NotSimulated as error:
        raise click.UsageError(str(error))
    _print_crawl_stats(stats)
    outcome = stats.get("gongkai/outcome", "ok")
    if outcome != "ok":
        click.echo(f"crawl of {site} failed: {stats.get('gongkai/outcome_reason')}", err=True)
    finish = stats.get("finish_reason") or ""
    # A limit the operator set (CLOSESPIDER_*) ends a crawl as asked; anything else
    # (shutdown, a crash, --simulated meeting a real host) did not finish it.
    if finish != "finished" and not finish.startswith("closespider_"):
        sys.exit(1)
    sys.exit(EXIT_CODES.get(outcome, 3))


def _pinned_now(text: str) -> str:
    from gongkai.archive.clock import parse_instant, stamp

    try:
        return stamp(parse_instant(text))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date or date-time", param_hint="--now")


def _crawl_all(redis_url, crawl_id, proxy, overrides, data_dir, simulated) -> None:
    """One `gongkai crawl SITE` process per site: Twisted's reactor runs once per process."""
    from gongkai.crawler.children import run_child
    from gongkai.crawler.registry import site_names

    shared = ["--data", data_dir, "--crawl-id", crawl_id]
    shared += ["--simulated"] if simulated else []
    shared += ["--redis", redis_url] if redis_url else []
    shared += ["--proxy", proxy] if proxy else []
    for override in overrides:
        shared += ["-s", override]
    failed = []
    for name in site_names():
        click.echo(f"crawling {name}…", err=True)
        code = run_child([sys.executable, "-m", "gongkai.cli", "crawl", name, *shared])
        if code != 0:
            failed.append(f"{name} (exit {code})")
    if failed:
        click.echo(f"crawl failed for: {', '.join(failed)}", err=True)
        sys.exit(1)


def _print_crawl_stats(stats: dict) -> None:
    click.echo(
        f"crawl {stats.get('finish_reason')}: "
        f"{stats.get('downloader/request_count', 0)} requests, "
        f"{stats.get('gongkai/archived_responses', 0)} responses archived "
        f"({stats.get('gongkai/archived_bytes', 0)} bytes), "
        f"{stats.get('gongkai/report_pages', 0)} report pages, "
        f"{stats.get('log_count/ERROR', 0)} errors logged", err=True)


# -- extraction ----------------------------------------------------------------

@main.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the extraction of FILE as JSON.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help="Seconds one document may take [default: $GONGKAI_EXTRACT_TIME_LIMIT or 60].")
@click.option("--memory-limit", type=click.IntRange(min=64), default=None,
              help="MB one worker may use [default: $GONGKAI_EXTRACT_MEMORY_MB or 1024].")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Worker processes, 0 = one per core [default: $GONGKAI_EXTRACT_WORKERS or 0].")
@click.option("--retry-failed", is_flag=True,
              help="Try again the documents that failed under this extractor version.")
@data_option
def extract(file, as_json, time_limit, memory_limit, workers, retry_failed, data_dir):
    """Extract every archived report into gongkai.db, or one local FILE.

    Each document is read in a worker process under a time and a memory limit; one that
    fails is listed in the table extraction_failures and the rest go on. The database is
    built aside and swapped in when complete."""
    if file:
        from gongkai.archive.extract import extract_file

        result = extract_file(file)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        else:
            _print_single(result)
        return
    import dataclasses

    from gongkai.archive.database import build
    from gongkai.archive.isolation import Limits, summary
    from gongkai.archive.rebuild import BuildInProgress

    given = {"seconds": time_limit, "memory_mb": memory_limit, "workers": workers}
    limits = dataclasses.replace(Limits.from_env(), retry_failed=retry_failed,
                                 **{k: v for k, v in given.items() if v is not None})
    try:
        counts = build(data_dir, progress=_progress("extracting"), limits=limits)
    except BuildInProgress as error:
        raise click.ClickException(str(error))
    click.echo(f"{counts['reports']} reports from {counts['agencies']} agencies: "
               f"{counts['figures']} figures, {counts['checks']} checks "
               f"({counts['failed_checks']} failed), {counts['warnings']} warnings "
               f"→ {Path(data_dir) / 'gongkai.db'}", err=True)
    if counts["failures"]:
        unread = len(counts["failures"])
        click.echo(f"{unread} document{'s' if unread != 1 else ''} not read (table "
                   f"extraction_failures): {summary(counts['failures'])}", err=True)


def _print_single(result: dict) -> None:
    click.echo(f"{result.get('title')} · {result.get('agency')} · {result.get('report_year')} "
               f"· {result.get('template')} · {len(result['figures'])} figures")
    for check in result["checks"]:
        click.echo(f"  {check['status']:<14} {check['rule']}")
    for warning in result["warnings"]:
        click.echo(f"  warning: {warning}")


def _progress(label: str):
    def wrap(items):
        items = list(items)
        total = len(items)
        started = time.monotonic()
        for done, item in enumerate(items, 1):
            yield item
            if sys.stderr.isatty() or done == total or done % 100 == 0:
                rate = done / max(time.monotonic() - started, 1e-9)
                end = "\n" if done == total else "\r"
                click.echo(f"{label} {done}/{total} ({rate:.1f}/s)", err=True, nl=False)
                click.echo(end, err=True, nl=False)
    return wrap


@main.command()
@data_option
def verify(data_dir):
    """Re-read every WARC record and check it against its digests and the index."""
    from gongkai.archive.verify import verify as verify_archive

    report = verify_archive(data_dir)
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(f"{report.files} WARC files, {report.records} indexed records checked, "
               f"{len(report.problems)} problems", err=True)
    if not report.ok:
        sys.exit(1)


@main.command("eval")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              default=None, show_default="../shared/corpus", help="Folder of real reports with a manifest.json.")
@click.option("--seed", default=1, show_default=True, type=int, help="Simulated portal seed.")
@click.option("--agencies", default=24, show_default=True, type=int,
              help="Bodies in the simulated web (over its four portal families).")
@click.option("--jobs", type=int, default=None, help="Worker processes (default: one per core).")
@click.option("--json", "as_json", is_flag=True, help="Print the full measurement as JSON.")
def eval_command(corpus, seed, agencies, jobs, as_json):
    """Measure extraction: cell recall and precision per form and template on the simulated
    portal's ground truth, and on the real reports of CORPUS when it is present."""
    from simulator.evaluate import DEFAULT_CORPUS, run

    sys.exit(run(Path(corpus or DEFAULT_CORPUS), seed, agencies, as_json, jobs))


# -- serving -------------------------------------------------------------------

def datasette_command(data_dir: str, host: str, port: int, immutable: bool = False) -> list[str]:
    from gongkai.archive.publish import publish

    # Live (default): read-only, sees crawls and new builds as they commit (WAL).
    # Immutable: a frozen copy (archive/publish.py explains why not the live file).
    database = ["-i", str(publish(data_dir))] if immutable else [str(Path(data_dir) / "gongkai.db")]
    # The interpreter running gongkai has Datasette: no need for its script on PATH.
    return [sys.executable, "-m", "datasette", "serve", *database,
            "--host", host, "--port", str(port),
            "--metadata", str(DATASETTE_DIR / "metadata.yml"),
            "--plugins-dir", str(DATASETTE_DIR / "plugins"),
            "--template-dir", str(DATASETTE_DIR / "templates"),
            "--setting", "sql_time_limit_ms", "3000",
            # facets are chosen in metadata.yml; suggesting more costs a query per column
            # over every matching row on every table page (half a million reports)
            "--setting", "suggest_facets", "off"]


@main.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--immutable", is_flag=True,
              help="Serve a frozen copy (DATA/published/…) opened immutable, for publishing; "
                   "without it the live database is served read-only.")
def serve(data_dir, host, port, immutable):
    """Serve gongkai.db with Datasette."""
    if not (Path(data_dir) / "gongkai.db").exists():
        raise click.ClickException(f"no database in {data_dir}: run `gongkai extract` first")
    click.echo(f"open http://{host}:{port}/gongkai", err=True)
    command = datasette_command(data_dir, host, port, immutable=immutable)
    os.execv(command[0], command)


@main.command()
@data_option
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette's port.")
def demo(data_dir, seed, port):
    """The main job on the built-in simulated portal: crawl, archive, extract, serve."""
    from gongkai.archive.database import build
    from gongkai.crawler.run import crawl as run_crawl
    from simulator.web import build_portal
    from simulator.server import PortalServer

    server = PortalServer(build_portal(seed=seed))
    server.start()
    click.echo(f"1/4 simulated 会昌县 portal at {server.url}", err=True)
    click.echo("2/4 crawling and archiving…", err=True)
    stats = run_crawl("huichang", server.url, data_dir,
                      overrides={"LOG_LEVEL": "WARNING", "GONGKAI_SIMULATED_FAST": "1"})
    server.stop()
    _print_crawl_stats(stats)
    click.echo("3/4 extracting reports from the archive…", err=True)
    counts = build(data_dir, progress=_progress("extracting"))
    click.echo(f"    {counts['reports']} reports, {counts['figures']} figures, "
               f"{counts['failed_checks']} failed checks", err=True)
    click.echo(f"4/4 serving with Datasette: open http://127.0.0.1:{port}/gongkai", err=True)
    command = datasette_command(data_dir, "127.0.0.1", port)
    os.execv(command[0], command)


# The command groups that live in gongkai/commands/ join the command line here, after
# `main` and `sites` exist.
from gongkai.commands import deadlines, importer, probe, schedule  # noqa: E402
from gongkai.commands import sites as site_commands  # noqa: E402

main.add_command(deadlines.deadlines)
main.add_command(probe.probe)
main.add_command(importer.import_command)
main.add_command(schedule.schedule)
sites.add_command(site_commands.add)
sites.add_command(site_commands.check)

if __name__ == "__main__":
    main()
