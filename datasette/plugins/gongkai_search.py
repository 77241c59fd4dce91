"""SQL functions for Chinese full-text search, registered through Datasette's
documented `prepare_connection` hook so canned queries can segment queries the
same way the index was segmented."""

from datasette import hookimpl

from gongkai.archive.search import excerpt, fts_query


@hookimpl
def prepare_connection(conn):
    conn.create_function("jieba_query", 1, fts_query, deterministic=True)
    conn.create_function("excerpt", 2, excerpt, deterministic=True)
