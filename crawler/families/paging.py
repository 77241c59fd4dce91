"""`createPageHTML(...)` paging of static list pages (TRS WCM and look-alikes).

The page links are written by JavaScript, so the call's arguments are read
instead (shared/guide/portals.md §2.1). Two argument orders exist:

* `createPageHTML(120, 0, "index", "html"[, "black2", 621])`: page count first,
  current page 0-based; page 2 is `index_1.html`;
* `createPageHTML('page_div', 5, 1, 'fg', 'shtml', 89)` (also `('paging', …)`):
  a div id first, current page 1-based; page 2 is `fg_2.shtml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

_Q = r"""['"]"""
_ZERO_BASED = re.compile(
    rf"createPageHTML\(\s*(?P<pages>\d+)\s*,\s*(?P<cur>\d+)\s*,\s*{_Q}(?P<prefix>[^'\"]+){_Q}\s*,"
    rf"\s*{_Q}(?P<ext>[^'\"]+){_Q}")
_ONE_BASED = re.compile(
    rf"createPageHTML\(\s*{_Q}[^'\"]*{_Q}\s*,\s*(?P<pages>\d+)\s*,\s*(?P<cur>\d+)\s*,"
    rf"\s*{_Q}(?P<prefix>[^'\"]+){_Q}\s*,\s*{_Q}(?P<ext>[^'\"]+){_Q}")


@dataclass(frozen=True)
class Paging:
    pages: int
    index: int  # the current page, counted from 0 whatever the call's convention
    prefix: str
    extension: str
    one_based: bool

    @property
    def has_next(self) -> bool:
        return self.index + 1 < self.pages

    def url(self, list_url: str, index: int) -> str:
        """The URL of page INDEX (from 0), relative to any page of the same list."""
        if index == 0:
            name = f"{self.prefix}.{self.extension}"
        else:
            name = f"{self.prefix}_{index + 1 if self.one_based else index}.{self.extension}"
        return urljoin(list_url, name)

    def next_url(self, list_url: str) -> str:
        return self.url(list_url, self.index + 1)


def create_page_html(html: str) -> Paging | None:
    match = _ONE_BASED.search(html)
    if match:
        return Paging(int(match["pages"]), max(int(match["cur"]) - 1, 0), match["prefix"],
                      match["ext"], one_based=True)
    match = _ZERO_BASED.search(html)
    if match:
        return Paging(int(match["pages"]), int(match["cur"]), match["prefix"], match["ext"],
                      one_based=False)
    return None
