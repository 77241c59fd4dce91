"""Does a registered site still look the way its registry entry expects?

`check_site(name)` re-probes the site politely, the way its spider would start:
the entry page, the navigation it names (a few pages at most), one 年报 column
and its first list page, which must still list at least one report of its own.
`gongkai sites check NAME` prints the answer; the deadline watch raises a
structure_changed alert from it.
"""

from __future__ import annotations

import re
import tomllib
from urllib.parse import urlsplit

from gongkai.crawler.families import gkmlpt
from gongkai.crawler.families.common import links
from gongkai.crawler.families.listing import Listing
from gongkai.crawler.probe import Prober, ProbeError
from gongkai.crawler.registry import UnknownSite, load_site

MAX_PAGES = 6  # pages one check may fetch (robots.txt aside)
BLOCKING_STATUSES = frozenset({403, 405, 412, 429, 503, 521})


class _Check:
    def __init__(self, site, prober: Prober):
        self.site, self.prober = site, prober
        self.reasons: list[str] = []
        self.family_seen: str | None = None
        self.columns: list[str] = []
        self.reports = 0
        self.blocked = False

    def listing(self, url: str) -> Listing | None:
        if len(self.prober.fetched) >= MAX_PAGES:
            self.reasons.append(f"gave up after {MAX_PAGES} pages without reaching a 年报 list")
            return None
        listing = self.prober.listing(url, column_title="年报")
        self.family_seen = self.family_seen or listing.family
        return listing

    def result(self) -> dict:
        if self.family_seen and self.family_seen != self.site.family:
            self.reasons.append(f"pages now look like {self.family_seen}, the entry says "
                                f"{self.site.family}")
        if not self.columns:
            self.reasons.append("no 年报 column found from the entry pages")
        elif not self.reports:
            self.reasons.append("the 年报 column lists no report of its own")
        return {"site": self.site.name, "ok": not self.reasons, "blocked": self.blocked,
                "family": self.site.family,
                "family_seen": self.family_seen, "columns": self.columns,
                "reports": self.reports, "fetched": list(self.prober.fetched),
                "reasons": self.reasons}


def _own_reports(check: _Check, listing: Listing, column: str) -> int:
    return sum(1 for e in listing.reports
               if check.site.allows(e.url) and urlsplit(e.url).path.startswith(column))


def _check_columns(check: _Check) -> None:
    """TRS/Ganzhou: walk the navigation breadth-first to the first 年报 list."""
    discovery = check.site.discovery
    nav_page, list_page = re.compile(discovery["nav_page"]), re.compile(discovery["list_page"])
    column_title = re.compile(discovery["column_title"])
    queue = [url for url in (check.site.base_url + e for e in check.site.entries)]
    seen = set(queue)
    while queue and not check.reasons:
        url = queue.pop(0)
        path = urlsplit(url).path
        listing = check.listing(url)
        if listing is None:
            return
        if list_page.search(path):
            column = path.rsplit("/", 1)[0] + "/"
            check.columns.append(url)
            check.reports = _own_reports(check, listing, column)
            return
        for link in links(check.prober.last_text, url):
            target = urlsplit(link.url).path
            if not check.site.allows(link.url) or link.url in seen:
                continue
            if list_page.search(target) and column_title.search(link.text):
                queue.insert(0, link.url)  # a column: check it next
                seen.add(link.url)
            elif nav_page.search(target):
                queue.append(link.url)
                seen.add(link.url)


def _check_hanweb(check: _Check) -> None:
    for url in (check.site.base_url + e for e in check.site.entries):
        listing = check.listing(url)
        if listing is None:
            return
        match = re.search(r"/col/col(\d+)/", url)
        if match:
            check.columns.append(url)
            pattern = check.site.discovery["report_path"].replace("{column}", match.group(1))
            check.reports += sum(1 for e in listing.reports
                                 if re.search(pattern, urlsplit(e.url).path))


def _check_gkmlpt(check: _Check) -> None:
    column_title = re.compile(check.site.discovery["column_title"])
    for url in (check.site.base_url + e for e in check.site.entries):
        if check.listing(url) is None:
            return
        text = check.prober.last_text
        conf = gkmlpt.config(text)
        for category in gkmlpt.categories(text, url):
            if column_title.search(category.name):
                api = gkmlpt.api_url(url, conf, category.id, 1)
                check.columns.append(api)
                listing = check.listing(api)
                check.reports += len([e for e in listing.reports if not e.off_site]) if listing else 0
                return


def check_site(name: str, base_url: str | None = None, proxy: str | None = None,
               delay: float = 1.0) -> dict:
    """Whether site NAME's adapter still matches: {"ok": bool, "reasons": [str, ...],
    "blocked": bool (a challenge or refusal answered, not a changed page), "family",
    "family_seen", "columns": [url, ...], "reports": int, "fetched": [url, ...]}."""
    try:
        site = load_site(name, base_url)
    except (UnknownSite, tomllib.TOMLDecodeError, KeyError) as error:
        return {"site": name, "ok": False, "reasons": [f"registry entry unusable: {error}"]}
    check = _Check(site, Prober(proxy, delay=delay))
    walk = {"hanweb": _check_hanweb, "gkmlpt": _check_gkmlpt}.get(site.family, _check_columns)
    try:
        walk(check)
    except ProbeError as error:
        check.reasons.append(str(error))
        # 403/412/429/521/503: a wall or a busy server, not a changed structure.
        check.blocked = error.status in BLOCKING_STATUSES
    except (KeyError, re.error) as error:
        check.reasons.append(f"registry entry's discovery patterns unusable: {error!r}")
    return check.result()
