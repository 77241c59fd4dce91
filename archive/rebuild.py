"""Rebuild the derived tables of gongkai.db aside, then swap them in at once.

`gongkai extract` writes every derived table (reports, figures, …) into a separate
file, `gongkai.db.building`, which sees the kept tables (captures, crawl_runs, …) of
gongkai.db through ATTACH. Only when that build is complete are its tables copied
into gongkai.db, in one write transaction that drops the old ones first: Datasette
(and any reader) sees the previous complete build up to the commit and the new one
after it, never a half. An extract killed before the commit leaves gongkai.db as it
was; the stale building file is thrown away by the next extract.

The copy, not a rename of files, because the kept tables live in gongkai.db too and
crawlers may be appending to them (WAL): they wait for the swap's write lock (their
busy timeout), never lose a row.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from functools import cache
from pathlib import Path
from typing import Iterator

import sqlite_utils

from gongkai.archive import db, migrations

BUILDING_SUFFIX = ".building"


class BuildInProgress(RuntimeError):
    """Another `gongkai extract` is building in the same data folder."""


def building_path(data_dir: str | os.PathLike) -> Path:
    return Path(str(db.database_path(data_dir)) + BUILDING_SUFFIX)


@cache
def kept_names() -> frozenset[str]:
    """Tables and views the migrations create: never written by a build, never dropped."""
    scratch = sqlite_utils.Database(memory=True)
    migrations.upgrade(scratch)
    return frozenset(scratch.table_names() + scratch.view_names())


@contextlib.contextmanager
def building(data_dir: str | os.PathLike) -> Iterator[sqlite_utils.Database]:
    """A fresh building file, with gongkai.db attached read-only (as `archive`) so the
    kept tables are read by their plain names. Holds a lock: one build at a time."""
    path = building_path(data_dir)
    with _lock(path.with_name(path.name + ".lock")):
        _remove(path)
        conn = sqlite3.connect(f"file:{path}", uri=True)
        database = sqlite_utils.Database(conn)
        # Thrown away if the build dies, so no journal on disk and no fsync.
        database.execute("PRAGMA journal_mode=MEMORY")
        database.execute("PRAGMA synchronous=OFF")
        database.execute("PRAGMA busy_timeout=30000")
        main = db.database_path(data_dir).resolve()
        database.execute("ATTACH DATABASE ? AS archive", [f"file:{main}?mode=ro"])
        try:
            yield database
        finally:
            conn.close()
            _remove(path)


@contextlib.contextmanager
def _lock(path: Path):
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildInProgress(f"another `gongkai extract` is building {path.parent}")
        yield


def _remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def swap_in(data_dir: str | os.PathLike, built: sqlite_utils.Database,
            replaces: list[str]) -> None:
    """Copy every table, index and view of the finished build into gongkai.db in one
    transaction, dropping first the old ones of the same names and those in `replaces`
    (derived tables a newer schema no longer has)."""
    built.conn.commit()
    database = db.open_database(data_dir)
    objects = _objects(built)
    clash = {name for _, name, _ in objects} & kept_names()
    if clash:
        raise RuntimeError(f"a build may not write kept tables: {', '.join(sorted(clash))}")
    database.execute("ATTACH DATABASE ? AS built", [built.execute(
        "select file from pragma_database_list where name = 'main'").fetchone()[0]])
    try:
        db.when_unlocked(lambda: database.execute("BEGIN IMMEDIATE"))
        try:
            _drop(database, {name for _, name, _ in objects} | set(replaces))
            _copy(database, objects, _shadow_tables(built))
        except BaseException:
            database.conn.rollback()
            raise
        database.conn.commit()
    finally:
        database.execute("DETACH DATABASE built")
        database.conn.close()


def _objects(built: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    """(type, name, sql) of the build's own objects, tables first, in creation order."""
    shadow = _shadow_tables(built)
    rows = built.execute(
        "select type, name, sql from main.sqlite_master "
        "where sql is not null and name not like 'sqlite_%' order by rowid").fetchall()
    order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
    return sorted((row for row in rows if row[1] not in shadow), key=lambda row: order[row[0]])


def _shadow_tables(database: sqlite_utils.Database) -> set[str]:
    return {name for (name,) in database.execute(
        "select name from pragma_table_list where schema = 'main' and type = 'shadow'")}


def _drop(database: sqlite_utils.Database, names: set[str]) -> None:
    present = dict(database.execute(
        "select name, type from pragma_table_list where schema = 'main'").fetchall())
    for name in sorted(names - kept_names()):
        kind = present.get(name)
        if kind in ("table", "virtual"):
            database.execute(f"DROP TABLE main.[{name}]")
        elif kind == "view":
            database.execute(f"DROP VIEW main.[{name}]")


def _copy(database: sqlite_utils.Database, objects, shadow: set[str]) -> None:
    for kind, name, sql in objects:
        database.execute(sql)
        if kind == "table" and not sql.upper().startswith("CREATE VIRTUAL"):
            database.execute(f"INSERT INTO main.[{name}] SELECT * FROM built.[{name}]")
    # A full-text index is its shadow tables: copied as they are, not re-tokenised.
    for name in sorted(shadow):
        database.execute(f"DELETE FROM main.[{name}]")
        database.execute(f"INSERT INTO main.[{name}] SELECT * FROM built.[{name}]")
