import sqlite3

import pytest

from gongkai.archive.search import excerpt, fts_query, segment

TEXTS = {
    1: "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。",
    2: "全年主动公开政府信息960条，做好依申请公开工作。",
    3: "加强培训，提高工作人员能力。",
}


@pytest.fixture
def index():
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(tokens)")
    for rowid, text in TEXTS.items():
        conn.execute("insert into t(rowid, tokens) values (?, ?)", (rowid, segment(text)))
    return conn


def search(conn, query):
    return sorted(r[0] for r in conn.execute(
        "select rowid from t where t match ?", (fts_query(query),)))


@pytest.mark.parametrize("query, expected", [
    ("复议", [1]),
    ("公开", [1, 2]),
    ("行政复议", [1]),
    ("依申请公开", [2]),
    ("培训 能力", [3]),
    ("征收", []),
])
def test_two_character_words_are_found(index, query, expected):
    assert search(index, query) == expected


def test_plain_fts5_would_not_find_them():
    # Why we segment: the default tokenizer sees a whole Han run as one token.
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(body)")
    conn.execute("insert into t values (?)", (TEXTS[1],))
    assert conn.execute("select count(*) from t where t match '复议'").fetchone()[0] == 0


def test_query_syntax_cannot_break_the_match():
    assert fts_query('"复议" OR') .count('"') % 2 == 0
    assert fts_query("") == '""'


def test_excerpt_shows_context_around_the_word():
    assert "行政复议" in excerpt(TEXTS[1], "复议", width=5)
