"""Lists a page carries for JavaScript to render later: in an HTML comment, in a
Hanweb `<record><![CDATA[…]]>` datastore, or as JSON (`var listData = {…}` in an
inline script, or a whole JSON answer such as gkmlpt's API).

Read, never executed: the markup is parsed as text and the JSON is decoded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from gongkai.crawler.families.common import beijing_date, clean, normalise_date

_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_RECORD = re.compile(r"<record[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
# `= {` or `= [` after a variable, or a JSON.parse('…') argument: where embedded data starts.
_JSON_START = re.compile(r"(?:=|\(|:)\s*(?=[\[{])")
_TAG = re.compile(r"<[^>]+>")
# Field names list JSON uses, most specific first; create_time (publication) before date
# (gkmlpt's 成文日期).
_TITLE_KEYS = ("title", "name", "doctitle", "biaoti", "vc_title", "infotitle")
_URL_KEYS = ("url", "post_url", "link", "href", "docpuburl", "puburl", "vc_url", "linkurl")
_DATE_KEYS = ("create_time", "publish_time", "pubdate", "pub_date", "publishtime", "releasetime",
              "fbrq", "docreltime", "updatetime", "time", "date", "ctime")
MAX_JSON_CHARS = 2_000_000
MAX_JSON_RECORDS = 5_000


@dataclass(frozen=True)
class JsonEntry:
    url: str
    title: str
    date: str | None
    off_site: bool = False  # gkmlpt `type: "url"`: a link to another site's page


def comment_markup(html: str) -> list[str]:
    """Comments holding list markup (`<li><a …>`) or a paging call, in page order."""
    return [body for body in _COMMENT.findall(html)
            if "<a" in body.lower() or "createPageHTML" in body]


def comment_json(html: str) -> list[object]:
    """JSON a page parks in comments for its scripts (<!-- {"list": [...]} -->)."""
    return [value for body in _COMMENT.findall(html) if "{" in body or "[" in body
            for value in json_blocks(body)]


def record_markup(text: str) -> str:
    """The entries of a Hanweb datastore (column page or dataproxy answer) as one fragment."""
    return "".join(_RECORD.findall(text))


def json_blocks(text: str) -> list[object]:
    """Every JSON value the text holds: the text itself, or values assigned in scripts."""
    text = text[:MAX_JSON_CHARS]
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return [json.loads(stripped)]
        except ValueError:
            pass
    decoder = json.JSONDecoder()
    found = []
    for start in _JSON_START.finditer(text):
        try:
            value, _ = decoder.raw_decode(text, start.end())
        except ValueError:
            continue
        if isinstance(value, (dict, list)) and value:
            found.append(value)
    return found


def _field(record: dict, keys) -> object:
    lowered = {str(k).lower(): v for k, v in record.items()}
    return next((lowered[k] for k in keys if lowered.get(k) not in (None, "")), None)


def _date(value) -> str | None:
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        number = int(value)
        return beijing_date(number // 1000 if number > 10**11 else number)
    return normalise_date(str(value)) if value else None


def _entry(record: dict, page_url: str) -> JsonEntry | None:
    title, url = _field(record, _TITLE_KEYS), _field(record, _URL_KEYS)
    if not isinstance(title, str) or not isinstance(url, str) or not url.strip():
        return None
    if url.strip().startswith(("javascript:", "#", "mailto:")):
        return None
    return JsonEntry(urljoin(page_url, url.strip()), clean(_TAG.sub("", title)),
                     _date(_field(record, _DATE_KEYS)), str(record.get("type", "")) == "url")


def json_entries(value, page_url: str) -> list[JsonEntry]:
    """List records anywhere in a JSON value: objects with a title and a URL."""
    found: list[JsonEntry] = []
    stack = [value]
    while stack and len(found) < MAX_JSON_RECORDS:
        item = stack.pop()
        if isinstance(item, dict):
            entry = _entry(item, page_url)
            if entry is not None:
                found.append(entry)
                continue
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found
