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

_CALL = re.compile(r"createPageHTML\s*\(([^()]*)\)")
_ARG = re.compile(r"""\s*(?:'([^']*)'|"([^"]*)"|([\w.$]+))\s*(?:,|$)""")
# `var countPage = 12//共多少页` and friends: the call may name them instead of numbers.
_VAR = re.compile(r"""(?:var|let|const)?\s*\b([A-Za-z_$][\w$]*)\s*=\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*[;,\n/]""")


def _arguments(call: str, variables: dict[str, str]) -> list[tuple[str, bool]]:
    """The call's arguments as (value, was a string literal), variables resolved."""
    out = []
    for match in _ARG.finditer(call):
        single, double, bare = match.groups()
        if single is not None or double is not None:
            out.append((single if single is not None else double, True))
        elif bare:
            out.append((variables.get(bare, bare), False))
    return out


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

    def following(self, list_url: str, limit: int) -> list[str]:
        """Every later page's URL, at most LIMIT of them."""
        last = min(self.pages, self.index + 1 + limit)
        return [self.url(list_url, index) for index in range(self.index + 1, last)]


def create_page_html(html: str) -> Paging | None:
    """The paging a createPageHTML call declares (the first call that reads as one)."""
    variables = {m.group(1): next(g for g in m.groups()[1:] if g is not None)
                 for m in _VAR.finditer(html)}
    for call in _CALL.finditer(html):
        args = _arguments(call.group(1), variables)
        paging = _from_arguments(args)
        if paging is not None:
            return paging
    return None


def _from_arguments(args: list[tuple[str, bool]]) -> Paging | None:
    one_based = bool(args) and args[0][1] and not args[0][0].isdigit()
    rest = args[1:] if one_based else args
    if len(rest) < 4 or not (rest[0][0].isdigit() and rest[1][0].isdigit()):
        return None
    pages, current, prefix, extension = int(rest[0][0]), int(rest[1][0]), rest[2][0], rest[3][0]
    if not prefix or not extension or not re.fullmatch(r"[\w.-]+", prefix + extension):
        return None
    if one_based:
        return Paging(pages, max(current - 1, 0), prefix, extension, one_based=True)
    return Paging(pages, current, prefix, extension, one_based=False)


_COUNT_PAGE = re.compile(r"\bvar\s+(?:countPage|pageCount|totalPage|pageTotal)\s*=\s*['\"]?(\d+)")
_CURRENT_PAGE = re.compile(r"\bvar\s+(?:currentPage|curPage|pageIndex|nCurrIndex)\s*=\s*['\"]?(\d+)")
_PAGE_NAME = re.compile(r"^(?P<prefix>[\w-]+?)(?:_(?P<n>\d+))?\.(?P<ext>s?html?)$")


def count_page(html: str, list_url: str) -> Paging | None:
    """TRS pages that declare `var countPage = N` and draw the pager with their own
    script, no createPageHTML call: pages are the list's own name, _1, _2 … (0-based)."""
    count = _COUNT_PAGE.search(html)
    if not count:
        return None
    current = _CURRENT_PAGE.search(html)
    name = list_url.split("?")[0].rsplit("/", 1)[-1] or "index.html"
    match = _PAGE_NAME.match(name)
    if not match:
        return None
    index = int(current.group(1)) if current else int(match["n"] or 0)
    return Paging(int(count.group(1)), index, match["prefix"], match["ext"], one_based=False)
