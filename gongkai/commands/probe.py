"""`gongkai probe URL|FILE`: what a list page holds, as the crawl would read it
(crawler/families/listing.py): the CMS family, the annual reports it lists, the
further list pages and the 年报 columns it links."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _print_listing(listing) -> None:
    click.echo(f"页面 page: {listing.url}")
    click.echo(f"系统 family: {listing.family or '未识别 unknown'}")
    if listing.detail:
        click.echo("这是文章页，不是列表页 (an article page, not a list)")
    others = len(listing.entries) - len(listing.reports)
    click.echo(f"年报 reports: {len(listing.reports)}（其他条目 other entries: {others}）")
    for entry in listing.reports:
        click.echo(f"  {entry.date or '无日期 ----------'}  {entry.title}\n      {entry.url}")
    click.echo(f"后续列表页 next pages: {len(listing.next)}")
    for url in listing.next[:20]:
        click.echo(f"  {url}")
    if len(listing.next) > 20:
        click.echo(f"  … {len(listing.next) - 20} more")
    click.echo(f"年报栏目 columns: {len(listing.columns)}")
    for url in listing.columns:
        click.echo(f"  {url}")


@click.command()
@click.argument("target")
@click.option("--url", "page_url", metavar="URL",
              help="With a saved FILE: the address the page was saved from (links resolve "
                   "against it).")
@click.option("--proxy", metavar="URL", help="Fetch through this HTTP proxy (e.g. the simulated "
              "web); robots.txt is still the host's.")
@click.option("--column-title", metavar="TEXT",
              help="The title the link to this list gave (a 年报 column's entries are reports).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def probe(target, page_url, proxy, column_title, as_json):
    """Read one list page, live (TARGET is a URL; robots.txt obeyed, one request for the
    page) or saved (TARGET is a FILE, with --url): family, reports, next pages, columns."""
    from gongkai.crawler.probe import ProbeError, probe_file, probe_url

    try:
        if Path(target).is_file():
            if not page_url:
                raise click.UsageError("a saved FILE needs --url (the address it came from)")
            listing = probe_file(Path(target), page_url, column_title)
        elif target.startswith(("http://", "https://")):
            listing = probe_url(target, proxy, column_title)
        else:
            raise click.BadParameter(f"{target!r} is neither a file nor an http(s) URL",
                                     param_hint="TARGET")
    except ProbeError as error:
        click.echo(f"probe failed: {error}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(listing.as_json(), ensure_ascii=False, indent=1))
    else:
        _print_listing(listing)
