"""SQL helpers for the Atom feeds (canned queries rendered by datasette-atom).

Atom wants RFC 3339 times with a zone; the database holds UTC stamps ending in Z,
but dates such as a deadline are plain YYYY-MM-DD. `atom_time()` makes either an
Atom time, cheaply and on bounded input (it runs inside SQL's time limit).
"""

from __future__ import annotations

import re

from datasette import hookimpl

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAIVE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
EPOCH = "1970-01-01T00:00:00Z"


def atom_time(value) -> str:
    text = str(value or "").strip()[:40]
    if _DATE.match(text):
        return text + "T00:00:00Z"
    if _NAIVE.match(text):
        return text.replace(" ", "T") + "Z"
    if re.match(r"^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$", text):
        return text
    return EPOCH


@hookimpl
def prepare_connection(conn):
    conn.create_function("atom_time", 1, atom_time, deterministic=True)


# Feeds whose natural name is taken: `alerts` is a table (a canned query of that name
# would hide it) and `failed_checks` a canned query with Chinese columns for reading.
ALIASES = {"/gongkai/alerts.atom": "/gongkai/alerts_feed.atom",
           "/gongkai/failed_checks.atom": "/gongkai/failed_checks_feed.atom"}


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def serve(scope, receive, send):
            target = ALIASES.get(scope.get("path")) if scope.get("type") == "http" else None
            if target:
                scope = dict(scope, path=target, raw_path=target.encode())
            await app(scope, receive, send)
        return serve
    return wrap


# Queries over tables other parts build (the deadline watch, the crawl scheduler): until
# a database has the table, they answer with one row saying so instead of an SQL error.
NEEDS_TABLE = {"alerts_feed": "alerts", "late_or_missing": "deadlines",
               "late_or_missing_by_year": "deadlines"}


@hookimpl
def canned_queries(datasette, database):
    if database != "gongkai":
        return None

    async def inner():
        db = datasette.get_database(database)
        configured = (datasette.metadata(database=database) or {}).get("queries", {})
        missing = {}
        for name, table in NEEDS_TABLE.items():
            if name in configured and not await db.table_exists(table):
                missing[name] = {**configured[name], "sql": _placeholder(name, table)}
        return missing
    return inner


def _placeholder(name: str, table: str) -> str:
    note = f"本库尚无 {table} 表（还没有运行生成它的步骤）。"
    if name.endswith("_by_year"):
        return f"select '{note}' as 说明 where :region = :region"
    return (f"select 'tag:gongkai.archive,2024:{name}/none' as atom_id, '{note}' as atom_title, "
            f"'{EPOCH}' as atom_updated, '{note}' as atom_content, 'gongkai' as atom_author_name "
            f"where :region = :region")
