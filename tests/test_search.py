"""Chinese search: bigram index, queries as phrases of bigrams, traditional = simplified."""
import sqlite3
import time

import pytest

from gongkai.archive.search import MAX_TEXT, excerpt, fts_query, highlight, report_tokens, segment

TEXTS = {
    1: "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。",
    2: "全年主动公开政府信息960条，做好依申请公开工作，不予公开3件。",
    3: "加强培训，提高工作人员能力。",
    4: "會昌縣莊口鎮人民政府：本年度財政預算資訊公開申請12件。",
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
    ("公开", [1, 2, 4]),
    ("行政复议", [1]),
    ("依申请公开", [2]),
    ("不予公开", [2]),
    ("培训 能力", [3]),
    ("征收", []),
    ("庄口镇", [4]),
    ("莊口鎮", [4]),
    ("会昌", [4]),
    ("财政", [4]),
    ("財政", [4]),
    ("公开申请", [4]),
    ("复议诉讼", []),  # a phrase, not two words anywhere
])
def test_words_places_and_phrases_in_both_scripts(index, query, expected):
    assert search(index, query) == expected


def test_plain_fts5_would_not_find_them():
    # Why we index bigrams: the default tokenizer sees a whole Han run as one token.
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(body)")
    conn.execute("insert into t values (?)", (TEXTS[1],))
    assert conn.execute("select count(*) from t where t match '复议'").fetchone()[0] == 0


def test_query_syntax_cannot_break_the_match(index):
    for query in ['"复议" OR', "NEAR(", "a*b", "-", '"', "复议 AND"]:
        expression = fts_query(query)
        assert expression.count('"') % 2 == 0
        search(index, query)  # no fts5 syntax error
    assert fts_query("") == '""'


def test_space_inside_a_han_run_is_not_a_boundary():
    assert "口镇" in segment("庄口　镇")


def test_report_tokens_include_agency_and_title():
    tokens = report_tokens("2020年报告", "会昌县庄口镇人民政府", None, "正文")
    assert "庄口" in tokens and "正文" in tokens


def test_excerpt_and_highlight_show_the_match_escaped():
    assert "行政复议" in excerpt(TEXTS[1], "复议", width=5)
    marked = highlight("<script>x</script>会昌縣財政局的報告", "财政")
    assert "<mark>財政</mark>" in marked and "<script>" not in marked


def test_functions_are_bounded_on_huge_input():
    huge = "公开" * (MAX_TEXT * 5)
    started = time.monotonic()
    highlight(huge, "复议" * 1000)
    fts_query("复" * 100_000)
    assert len(segment(huge).split()) < MAX_TEXT
    assert time.monotonic() - started < 2


def test_digits_next_to_han_do_not_swallow_the_run():
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(tokens)")
    conn.execute("insert into t(rowid, tokens) values (1, ?)",
                 (report_tokens("会昌县财政局2023年政府信息公开工作年度报告", "会昌县财政局"),))
    for query in ("年度报告", "2023", "财政局", "2023年"):
        assert search(conn, query) == [1], query
