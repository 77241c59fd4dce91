"""`gongkai sites add URL` and `gongkai sites check NAME`: a new county in minutes, and
the alarm when a registered portal's pages stop looking the way its entry expects."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click


def _sites_dir(folder: str | None) -> Path:
    from gongkai.crawler.registry import SITES, SITES_DIR_ENV

    return Path(folder or os.environ.get(SITES_DIR_ENV) or os.fspath(SITES))


@click.command()
@click.argument("url")
@click.option("--name", help="Registry name of the new site [default: from its host].")
@click.option("--title", help="The portal's name, e.g. 湖口县人民政府.")
@click.option("--region", "region_code", help="Its administrative division code, e.g. 360429.")
@click.option("--proxy", metavar="URL", help="Fetch through this HTTP proxy.")
@click.option("--dir", "folder", type=click.Path(file_okay=False),
              help="Write the entry here [default: $GONGKAI_SITES_DIR, else crawler/sites/].")
@click.option("--force", is_flag=True, help="Replace an entry of the same name.")
def add(url, name, title, region_code, proxy, folder, force):
    """Probe URL (a 政务公开 navigation page or a 年报 list) and write a registry entry
    (TOML) from what it shows, for the operator to review before crawling."""
    from urllib.parse import urlsplit

    from gongkai.crawler.probe import Prober, ProbeError
    from gongkai.crawler.site_proposal import CannotPropose, propose, to_toml

    name = name or (urlsplit(url).hostname or "site").removeprefix("www.").split(".")[0]
    target = _sites_dir(folder) / f"{name}.toml"
    if target.exists() and not force:
        raise click.UsageError(f"{target} exists (use --force to replace it)")
    try:
        prober = Prober(proxy, delay=0)
        listing = prober.listing(url)
        site = propose(listing, name, title, region_code, prober.last_text)
    except (ProbeError, CannotPropose) as error:
        click.echo(f"sites add failed: {error}", err=True)
        sys.exit(2)
    note = (f"Drafted by `gongkai sites add {url}`: {listing.family} family, "
            f"{len(listing.reports)} reports and {len(listing.columns)} 年报 columns on the page.\n"
            "Review the title, region_code and agency_kinds before crawling.")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(to_toml(site, note), encoding="utf-8")
    click.echo(f"wrote {target}")
    click.echo(f"  family {listing.family}, entry {site['entries'][0]}, "
               f"{len(listing.columns)} columns, {len(listing.reports)} reports on the page")


@click.command()
@click.argument("name")
@click.option("--base-url", help="Check this copy of the site instead (e.g. the simulated portal).")
@click.option("--proxy", metavar="URL", help="Fetch through this HTTP proxy.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def check(name, base_url, proxy, as_json):
    """Re-probe registered site NAME: does its entry still lead to a 年报 list with reports?
    Exits 1 when it does not (the structure changed)."""
    from gongkai.crawler.site_check import check_site

    result = check_site(name, base_url=base_url, proxy=proxy)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        state = "仍然匹配 still matches" if result["ok"] else "已不匹配 no longer matches"
        click.echo(f"{name}: {state}")
        for column in result.get("columns", []):
            click.echo(f"  年报栏目 column: {column} ({result.get('reports', 0)} reports)")
        for reason in result["reasons"]:
            click.echo(f"  - {reason}")
    sys.exit(0 if result["ok"] else 1)
