"""A frozen copy of gongkai.db to serve immutable (`gongkai serve --immutable`).

Why a copy: crawls append to gongkai.db in WAL mode and `gongkai extract` swaps in
each new build while Datasette serves it. SQLite's immutable mode ignores the WAL
and assumes the file never changes, so opening the live file immutable could return
stale rows or read a page mid-checkpoint. `VACUUM INTO` writes a consistent copy
(one read transaction, crawlers keep writing), which then never changes: Datasette
may open it immutable and cache its counts. Each publication gets a folder of its
own (a running server keeps the one it opened); `warc` there points at the live WARC
folder, whose closed files never change, so replay and evidence bundles work.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

KEEP = 3  # publications kept; older ones are removed


def publish(data_dir: str | os.PathLike) -> Path:
    data = Path(data_dir).resolve()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = data / "published" / stamp
    folder.mkdir(parents=True)
    target = folder / "gongkai.db"
    source = sqlite3.connect(f"file:{data / 'gongkai.db'}?mode=ro", uri=True)
    try:
        source.execute("vacuum into ?", [str(target)])
    finally:
        source.close()
    frozen = sqlite3.connect(target)
    frozen.execute("pragma journal_mode = delete")  # no -wal beside an immutable file
    frozen.close()
    (folder / "warc").symlink_to(Path("..") / ".." / "warc")
    _prune(data / "published")
    return target


def _prune(published: Path) -> None:
    for old in sorted(p for p in published.iterdir() if p.is_dir())[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
