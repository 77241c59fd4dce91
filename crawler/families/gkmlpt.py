"""Pure parsers for Guangdong's 政府信息公开目录平台 (gkmlpt: 武江区 and most Guangdong sites).

`/gkmlpt/index` is a script shell: `window._CONFIG` holds the site id (SID)
and the API root; the categories are links `/gkmlpt/index#<id>` whose id is
only in the fragment. `GET <API>/all/<id>?page=N&sid=SID` answers JSON
`{"articles": [...], "total", "offset"}`, 100 records a page, `create_time`
in Unix seconds; records of `type` "url" point to other sites.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from parsel import Selector

from gongkai.crawler.families.common import beijing_date, clean

PER_PAGE = 100

_CONFIG = re.compile(r"window\._CONFIG\s*=\s*(\{.*?\})\s*;", re.S)
_SID = re.compile(r"""['"]?SID['"]?\s*:\s*['"]?(\w+)""")
_API = re.compile(r"""['"]?API['"]?\s*:\s*['"]([^'"]+)""")


@dataclass(frozen=True)
class Category:
    id: str
    name: str


@dataclass(frozen=True)
class Record:
    url: str
    title: str
    date: str | None
    publisher: str | None
    off_site: bool  # a `type: "url"` record: a link to another site's page


@dataclass(frozen=True)
class ApiPage:
    records: list[Record]
    total: int | None
    offset: int


def config(html: str) -> dict:
    """window._CONFIG, read as JSON when it is JSON and by its SID/API keys when not."""
    match = _CONFIG.search(html)
    if not match:
        return {}
    try:
        return json.loads(match.group(1))
    except ValueError:
        found = {}
        for key, pattern in (("SID", _SID), ("API", _API)):
            hit = pattern.search(match.group(1))
            if hit:
                found[key] = hit.group(1)
        return found


def categories(html: str, page_url: str) -> list[Category]:
    """The category links of the index page: the id is the URL fragment."""
    found = {}
    for anchor in Selector(text=html).css("a[href*='#']"):
        fragment = urlsplit(urljoin(page_url, anchor.attrib["href"].strip())).fragment
        if fragment.isdigit():
            name = clean(" ".join(anchor.css("::text").getall()))
            found.setdefault(fragment, Category(fragment, name))
    return list(found.values())


def api_url(page_url: str, conf: dict, category: str, page: int) -> str:
    root = urljoin(page_url, conf.get("API") or "/gkmlpt/api").rstrip("/")
    query = {"page": page}
    if conf.get("SID"):
        query["sid"] = conf["SID"]
    return f"{root}/all/{category}?{urlencode(query)}"


def parse_api(text: str, page_url: str) -> ApiPage:
    data = json.loads(text)
    records = []
    for article in data.get("articles") or []:
        url = article.get("url") or article.get("post_url")
        if not url:
            continue
        records.append(Record(
            url=urljoin(page_url, url),
            title=clean(article.get("title")),
            date=beijing_date(article.get("create_time")),
            publisher=clean(article.get("publisher")) or None,
            off_site=article.get("type") == "url",
        ))
    total = data.get("total")
    return ApiPage(records, int(total) if total is not None else None, int(data.get("offset") or 0))
