"""`gongkai import WARC...`: WARC files made elsewhere become part of the archive
(archive/importer.py), so their captures count as evidence from before gongkai ran."""

from __future__ import annotations

import sys

import click


@click.command("import")
@click.argument("warcs", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False))
@click.option("--site", default=None,
              help="Registry site the records belong to (default: found by host name).")
@click.option("--data", "data_dir", default="data", show_default=True,
              type=click.Path(file_okay=False), help="Folder holding the WARC files and gongkai.db.")
def import_command(warcs, site, data_dir):
    """Copy each WARC file (gzip or not, WARC 1.0/1.1) into DATA/warc/ unchanged and index
    its records, their WARC-Date counting as when they were seen. Run `gongkai extract`
    afterwards to rebuild reports and deadlines."""
    from gongkai.archive.importer import NotWarc, import_warc

    failed = False
    for path in warcs:
        try:
            result = import_warc(data_dir, path, site=site)
        except (NotWarc, OSError) as error:
            click.echo(f"{path}: not imported: {error}", err=True)
            failed = True
            continue
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(result.indexed.items()))
        click.echo(f"{path} → {result.warc_file}: {sum(result.indexed.values())} records "
                   f"indexed ({kinds or 'none'}), {result.known} already indexed, "
                   f"{result.unresolved} revisits without their original; "
                   f"dated {result.first or '—'} … {result.last or '—'}", err=True)
        for problem in result.problems:
            click.echo(f"  problem: {problem}", err=True)
        failed = failed or bool(result.problems)
    if failed:
        sys.exit(1)
