"""Chinese full-text search: jieba segmentation at index time and at query time.

SQLite's tokenizers see a run of Han characters as one token, so 复议 inside
行政复议 is never found. We index the text as space-separated words
(cut_for_search also emits the short words inside long ones) and segment
queries the same way.
"""

from __future__ import annotations

import logging
import re
import warnings

with warnings.catch_warnings():
    # jieba 0.42 still imports pkg_resources, which setuptools now warns about.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"\w", re.UNICODE)


def _words(tokens) -> list[str]:
    return [token.strip().lower() for token in tokens if _WORD.search(token)]


def segment(text: str) -> str:
    """Text for the FTS index: every word and the words inside it, space separated."""
    return " ".join(_words(jieba.cut_for_search(text or "")))


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression: every word of the query must occur, in any order."""
    words = _words(jieba.cut(query or ""))
    if not words:
        return '""'
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def excerpt(text: str, query: str, width: int = 40) -> str:
    """The first place in the text where a word of the query occurs, with context."""
    text = text or ""
    for word in sorted(_words(jieba.cut(query or "")), key=len, reverse=True):
        at = text.lower().find(word)
        if at >= 0:
            start = max(0, at - width)
            end = min(len(text), at + len(word) + width)
            return ("…" if start else "") + text[start:end].replace("\n", " ") + \
                ("…" if end < len(text) else "")
    return text[: 2 * width].replace("\n", " ")
