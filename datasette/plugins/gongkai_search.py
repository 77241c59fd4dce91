"""Chinese search in the reports table's own search box (`/gongkai/reports?_search=`).

Datasette's built-in search passes the query to FTS5 as it was typed; our index
holds simplified-Chinese bigrams (gongkai.archive.search), so the query must be
converted the same way. This plugin answers `_search` on the reports table
through Datasette's documented `filters_from_request` hook, converting the query
in Python (no SQL function in the WHERE clause), and adds, through
`extra_template_vars`, the best matches ranked by bm25 with the matching passage
highlighted. Both are bounded: the table lists at most MATCH_CAP matches (saying
so when there are more) and only RANK_WINDOW of them are ranked, so a word every
report contains costs the same at 500,000 reports as at 5,000.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl
from datasette.utils.asgi import BadRequest
from datasette.filters import FilterArguments
from markupsafe import Markup

from gongkai.archive.search import excerpt, fts_query, highlight, simplify

DATABASE = "gongkai"
# table → (FTS table whose rowid is the table's primary key, that key)
SEARCHABLE = {"reports": ("report_tokens_fts", "id")}
RANK_WINDOW = 2000
MATCH_CAP = 10_000
RANKED_SHOWN = 10


def _bounded(function, *limits):
    """A SQL function on bounded arguments: Datasette's time limit interrupts
    SQLite between rows, never inside Python, so no call may take long."""
    def call(*args):
        return function(*(a[:limit] if isinstance(a, str) else a
                          for a, limit in zip(args, limits)))
    return call


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, _bounded(fts_query, 1000), deterministic=True)
    conn.create_function("excerpt", 2, _bounded(excerpt, 200_000, 1000), deterministic=True)
    conn.create_function("simplify", 1, _bounded(simplify, 200_000), deterministic=True)


@hookimpl(trylast=True)  # called after the built-in search filter, so our context wins
def filters_from_request(request, database, table, datasette):
    if database != DATABASE or table not in SEARCHABLE:
        return None
    fts_table, fts_pk = SEARCHABLE[table]
    search = request.args.get("_search")
    context = {"supports_search": True}
    if not search:
        return FilterArguments([], extra_context=context)
    raw = request.args.get("_searchmode") == "raw"
    match = search if raw else fts_query(search)

    async def inner():
        # At most MATCH_CAP matches (the highest ids; FTS5 stops reading there), so a word
        # every report contains never makes Datasette sort or count half a million rows.
        try:
            capped = (await datasette.get_database(database).execute(
                f"select count(*) from (select rowid from {fts_table} where {fts_table} "
                f"match :m order by rowid desc limit {MATCH_CAP + 1})", {"m": match}
            )).first()[0] > MATCH_CAP
        except sqlite3.OperationalError as error:  # a raw query FTS5 cannot parse
            raise BadRequest(f"检索式有误：{error}")
        description = f'全文包含“{search}”' + (
            f"（匹配超过 {MATCH_CAP} 份，只列出其中 {MATCH_CAP} 份；可用下面的分面缩小范围）"
            if capped else "")
        return FilterArguments(
            [f"{fts_pk} in (select rowid from {fts_table} where {fts_table} "
             f"match :gongkai_match order by rowid desc limit {MATCH_CAP})"],
            {"gongkai_match": match}, [description],
            {**context, "search": search, "gongkai_search_capped": capped})
    return inner


async def ranked_matches(datasette, search: str, limit: int = RANKED_SHOWN) -> list[dict]:
    """The best matches by bm25 among the newest RANK_WINDOW matching reports."""
    db = datasette.get_database(DATABASE)
    fts_table, _ = SEARCHABLE["reports"]
    match = fts_query(search)
    floor = (await db.execute(
        f"select rowid from {fts_table} where {fts_table} match :m "
        f"order by rowid desc limit 1 offset {RANK_WINDOW - 1}", {"m": match})).first()
    rows = (await db.execute(
        f"select r.id, r.title, r.agency, r.report_year, r.text, f.rank from "
        f"(select rowid, rank from {fts_table} where {fts_table} match :m and rowid >= :floor "
        f" order by rank limit {int(limit)}) f join reports r on r.id = f.rowid order by f.rank",
        {"m": match, "floor": floor[0] if floor else 0})).rows
    return [{"id": row["id"], "title": row["title"], "agency": row["agency"],
             "report_year": row["report_year"],
             "passage": Markup(highlight(row["text"], search))} for row in rows]


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "table" or database != DATABASE or table not in SEARCHABLE \
            or request is None or not request.args.get("_search"):
        return {}

    async def inner():
        search = request.args["_search"]
        return {"gongkai_ranked": await ranked_matches(datasette, search),
                "gongkai_rank_window": RANK_WINDOW}
    return inner
