"""Chinese full-text search: simplified-Chinese character bigrams in SQLite FTS5.

SQLite's tokenizers see a run of Han characters as one token, so 复议 inside
行政复议 is never found. Word segmentation (jieba) fixes that only when the
query is cut the way the text was: 庄口镇 in a query and 庄口/镇 in the index
miss each other. So the index holds every overlapping pair of Han characters
(行政复议 → 行政 政复 复议) and a query becomes the phrase of its own pairs: any
run of two or more characters is found wherever it occurs, like Ctrl-F, and
bm25 still ranks on the pairs.

Both sides are first converted to simplified Chinese with OpenCC (t2s), so 財政
and 财政 find the same reports. Every function here works on bounded input:
they run inside SQL queries and Datasette's time limit cannot interrupt Python.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import opencc

# A report's text past this is not indexed or searched for a passage (reports are
# ~5-30k characters; a pathological page must not stall a query).
MAX_TEXT = 200_000
MAX_QUERY = 200
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Han runs, and runs of other letters and digits (2023, pdf): never both in one
_RUN = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+", re.UNICODE)
_IS_HAN = re.compile(rf"[{_HAN}]")
# Whitespace inside a run of Han characters (full-width spaces in table labels,
# line breaks in PDFs) is not a word boundary in Chinese.
_HAN_GAP = re.compile(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])")

_converter = opencc.OpenCC("t2s")


def simplify(text: str) -> str:
    """Traditional characters to simplified (OpenCC t2s), bounded."""
    return _converter.convert((text or "")[:MAX_TEXT])


def _runs(text: str, *, joined: bool = True) -> list[str]:
    """Runs of Han characters and other words, simplified and lower-cased; in a
    document (`joined`) Han characters either side of whitespace form one run,
    in a query a space separates words."""
    text = simplify(text)
    return _RUN.findall((_HAN_GAP.sub("", text) if joined else text).lower())


def _bigrams(run: str) -> str:
    if len(run) < 2 or not _IS_HAN.match(run):
        return run
    return " ".join(run[i:i + 2] for i in range(len(run) - 1))


def segment(text: str) -> str:
    """Text for the FTS index: Han runs as overlapping bigrams, other words as they are."""
    return "\n".join(_bigrams(run) for run in _runs(text))


def report_tokens(*fields: str | None, site: str | None = None) -> str:
    """The indexed text of a report: its title, agency names, portal and text, so a
    place name (庄口镇, 会昌) finds the reports of the bodies named after it, and
    of every body on that place's portal."""
    # each field on its own: the end of one and the start of the next are no pair
    return "\n".join(segment(field) for field in (*fields, portal_title(site)) if field)


@lru_cache(maxsize=256)
def portal_title(site: str | None) -> str | None:
    """The registered portal's name (e.g. 会昌县人民政府), or None for an unknown site."""
    from gongkai.archive.views import registered_portals

    return next((p["title"] for p in registered_portals() if site and p["site"] == site), None)


@lru_cache(maxsize=1024)
def fts_query(query: str) -> str:
    """An FTS5 MATCH expression: every run of the query must occur (as a phrase of
    its bigrams), in any order. A single Han character matches pairs it starts."""
    terms = []
    for run in _runs((query or "")[:MAX_QUERY], joined=False):
        if len(run) == 1 and _IS_HAN.match(run):
            terms.append(f'"{run}"*')
        else:
            terms.append('"' + _bigrams(run).replace('"', "") + '"')
    return " ".join(terms) if terms else '""'


def _query_runs(query: str) -> list[str]:
    return sorted(set(_runs((query or "")[:MAX_QUERY], joined=False)), key=len, reverse=True)


def _find(text: str, query: str) -> tuple[int, int] | None:
    """Where in `text` (bounded) the longest run of the query first occurs."""
    simplified = _converter.convert(text[:MAX_TEXT]).lower()
    if len(simplified) != len(text[:MAX_TEXT]):
        return None  # t2s changed the length: positions would not line up
    for run in _query_runs(query):
        at = simplified.find(run)
        if at >= 0:
            return at, at + len(run)
    return None


def excerpt(text: str, query: str, width: int = 40) -> str:
    """The first place in the text where a word of the query occurs, with context."""
    text = (text or "")[:MAX_TEXT]
    found = _find(text, query)
    if found is None:
        return text[: 2 * width].replace("\n", " ")
    start, end = max(0, found[0] - width), min(len(text), found[1] + width)
    return ("…" if start else "") + text[start:end].replace("\n", " ") + \
        ("…" if end < len(text) else "")


def highlight(text: str, query: str, width: int = 60) -> str:
    """HTML: the passage around the first match, the match in <mark>, all escaped."""
    text = (text or "")[:MAX_TEXT]
    found = _find(text, query)
    if found is None:
        return html.escape(text[: 2 * width].replace("\n", " "))
    at, end = found
    start, stop = max(0, at - width), min(len(text), end + width)
    return "".join([
        "…" if start else "",
        html.escape(text[start:at].replace("\n", " ")),
        "<mark>", html.escape(text[at:end]), "</mark>",
        html.escape(text[end:stop].replace("\n", " ")),
        "…" if stop < len(text) else "",
    ])
