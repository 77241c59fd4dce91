"""One list parser for every family, used by `gongkai probe` and by the spiders.

`parse_listing(page, url)` is a pure function of a saved page: its bytes (or
text) and URL give the CMS family when it shows, every dated list entry with
whether it is an annual disclosure report, the further list pages a crawler
must follow, and the 年报 columns the page links. Entries come from the page's
markup (`li`, `tr`, `dl/dd`), from markup parked in HTML comments, from Hanweb
datastore records and from JSON the page carries for its scripts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector
from w3lib.html import get_base_url

from gongkai.archive.encoding import decode
from gongkai.crawler.families import gkmlpt, hanweb
from gongkai.crawler.families.classify import (COLUMN_WORDS, is_column_title, is_report_title,
                                               is_year_label)
from gongkai.crawler.families.common import (breadcrumb, clean, dated_entries, meta_tags,
                                             page_title)
from gongkai.crawler.families.embedded import (comment_json, comment_markup, json_blocks,
                                               json_entries, record_markup)
from gongkai.crawler.families.paging import Paging, count_page, create_page_html

MIN_LIST_ENTRIES = 5  # a page with article metas is a list only if it shows this many entries
MAX_NEXT_PAGES = 500  # a declared page count is a claim: never list more than this
_NEXT_WORDS = re.compile(r"^(下一页|下页|后一页|尾页|末页|最后一页|next|»|›|>)$", re.I)
_SET_PAGE = re.compile(r"""pagination\(\s*['"]setPage['"]\s*,\s*(\d+)\s*,\s*(\d+)""")
_SCRIPT = re.compile(r"<script(?![^>]*text/xml)[^>]*>(.*?)</script>", re.S | re.I)
_SKIP_HREF = ("javascript:", "#", "mailto:", "tel:")


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    date: str | None
    report: bool
    off_site: bool = False


@dataclass(frozen=True)
class Listing:
    url: str
    family: str | None
    entries: tuple[Entry, ...] = ()
    next: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    paging: Paging | None = None
    jpage: hanweb.JPage | None = None
    detail: bool = False  # an article page, not a list
    total: int | None = None  # records the list says it has (datastores, APIs)
    notes: tuple[str, ...] = field(default=())

    @property
    def reports(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.report]

    def as_json(self) -> dict:
        return {"family": self.family,
                "reports": [{"title": e.title, "url": e.url, "date": e.date} for e in self.reports],
                "next": list(self.next), "columns": list(self.columns)}


def url_key(url: str) -> str:
    """A URL as duplicates share it: no scheme, no fragment, no trailing slash, host lowercased."""
    parts = urlsplit(url.strip())
    path = re.sub(r"/+$", "", parts.path) or "/"
    return f"//{(parts.hostname or '').lower()}{path}" + (f"?{parts.query}" if parts.query else "")


def _unique(urls, skip=()) -> tuple[str, ...]:
    seen = {url_key(u) for u in skip}
    out = []
    for url in urls:
        key = url_key(url)
        if key not in seen:
            seen.add(key)
            out.append(url)
    return tuple(out)


def parse_listing(page: bytes | str, url: str, *, content_type: str | None = None,
                  column_title: str | None = None) -> Listing:
    """What a saved list page says. COLUMN_TITLE: the title the link to it gave, if any."""
    text = page if isinstance(page, str) else decode(page, content_type)
    if text.lstrip().startswith(("{", "[")):
        return _json_listing(text, url, column_title)
    base = get_base_url(text[:20000], url)
    family = detect_family(text, url)
    in_column = column_title and bool(COLUMN_WORDS.search(column_title)) or report_column(text)
    paging = create_page_html(text) or count_page(text, url)
    records = record_markup(text)
    jpage = hanweb.jpage(text, url) if family == "hanweb" else None
    entries = _entries(text, base, records, in_column)
    # An article's own metas (ArticleTitle, PubDate) and a few related links make a detail
    # page; a template that writes those metas on a real list still shows many entries.
    if _is_detail(text) and not (paging or records or jpage) and len(entries) < MIN_LIST_ENTRIES:
        return Listing(url, family, detail=True, notes=("an article page, not a list",))
    shown = len(dated_entries(records, base)) if records else 0
    nexts = _next_pages(text, url, base, paging, jpage, shown)
    columns = _columns(text, base, url, {url_key(e.url) for e in entries})
    categories = _gkmlpt_columns(text, url) if family == "gkmlpt" else []
    total = hanweb.dataproxy_records(text, url)[1] if records else None
    # gkmlpt's categories are the index page itself with a #id: kept apart from the
    # duplicate check, which ignores fragments.
    columns = _unique(columns, [url]) + tuple(categories)
    return Listing(url, family, tuple(entries), _unique(nexts, [url]), columns,
                   paging, jpage, total=total)


# -- what kind of page -----------------------------------------------------------

# Per family: what its URLs look like, and what only its pages' scripts and markup say.
_FAMILY_URLS = (
    ("gkmlpt", re.compile(r"/gkmlpt/(?:index|api|content)|/content/(?:\d+/\d+/)?m?post_\d+\.html")),
    ("hanweb", re.compile(r"dataproxy\.jsp|/col/col\d+/|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html"
                          r"|/module/(?:xxgk|web/jpage)/")),
    ("ganzhou", re.compile(r"xxgk_list|zwgklist|xxgk_navs|/\d{6}/(?:[0-9a-f]{32}|\d{6,})\.shtml")),
    ("trs", re.compile(r"/t\d{8}_\d+\.s?html?|/P0\d{11,}|/index(?:_\d+)?\.s?html?$")),
)
_FAMILY_MARKS = (
    ("gkmlpt", re.compile(r"window\._CONFIG")),
    ("hanweb", re.compile(r"<datastore>|jpage\(|<recordset>")),
    ("ganzhou", re.compile(r"createPageHTML\(\s*['\"](?:page_div|paging)")),
    ("trs", re.compile(r"createPageHTML|TRS_Editor")),
)
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.I)


def detect_family(text: str, url: str) -> str | None:
    """The CMS family: the page's own URL first, then its scripts, then its links' shapes."""
    for family, shape in _FAMILY_URLS:
        if shape.search(urlsplit(url).path):
            return family
    sample = text[:400_000]
    for family, mark in _FAMILY_MARKS:
        if mark.search(sample):
            return family
    host = urlsplit(url).hostname
    votes = {family: 0 for family, _ in _FAMILY_URLS}
    for href in _HREF.findall(sample):
        target = urlsplit(urljoin(url, href))
        if target.hostname == host:
            for family, shape in _FAMILY_URLS:
                if shape.search(target.path):
                    votes[family] += 1
                    break
    best = max(votes, key=votes.get)
    return best if votes[best] else None


def _is_detail(text: str) -> bool:
    metas = meta_tags(text)
    return bool(metas.get("ArticleTitle") or metas.get("PubDate"))


def report_column(text: str) -> bool:
    """The page is a 年报 column itself: its ColumnName, title or last crumb says so."""
    metas = meta_tags(text)
    names = [metas.get("ColumnName") or "", (page_title(text) or "").split("-")[0].split("_")[0]]
    trail = breadcrumb(text)
    names += trail[-1:]
    return any(COLUMN_WORDS.search(name) and "解读" not in name for name in names)


# -- entries ---------------------------------------------------------------------

def _entries(text: str, base: str, records: str, in_column: bool) -> list[Entry]:
    found = list(dated_entries(text, base))
    for fragment in comment_markup(text) + ([records] if records else []):
        found += dated_entries(fragment, base)
    found = [Entry(e.url, e.title, e.date, is_report_title(e.title, in_column)) for e in found]
    blocks = [block for script in _SCRIPT.findall(text) for block in json_blocks(script)]
    for block in blocks + comment_json(text):
        found += [Entry(e.url, e.title, e.date, is_report_title(e.title, in_column), e.off_site)
                  for e in json_entries(block, base)]
    found += _undated_reports(text, base)
    return _merge(found)


def _undated_reports(text: str, base: str) -> list[Entry]:
    """Links titled as one body's report of one year, shown without a date."""
    found = []
    for anchor in Selector(text=text).css("a[href]"):
        href = anchor.attrib["href"].strip()
        title = clean(anchor.attrib.get("title")) or clean(" ".join(anchor.css("::text").getall()))
        if (href and not href.startswith(_SKIP_HREF) and re.search(r"(?:19|20)\d{2}", title)
                and is_report_title(title) and not is_column_title(title)
                and not looks_like_list(urljoin(base, href))):
            found.append(Entry(urljoin(base, href), title, None, True))
    return found


def _merge(entries: list[Entry]) -> list[Entry]:
    """One entry a URL (http/https, trailing slash alike), the dated one kept."""
    by_key: dict[str, Entry] = {}
    for entry in entries:
        key = url_key(entry.url)
        known = by_key.get(key)
        if known is None or (known.date is None and entry.date is not None):
            by_key[key] = entry if known is None else Entry(
                known.url, known.title or entry.title, entry.date, known.report or entry.report,
                known.off_site)
    return list(by_key.values())


# -- further pages ---------------------------------------------------------------

def _next_pages(text, url, base, paging, jpage, shown) -> list[str]:
    nexts = paging.following(url, MAX_NEXT_PAGES) if paging else []
    set_page = _SET_PAGE.search(text)
    if set_page:
        current, pages = int(set_page.group(1)), min(int(set_page.group(2)), MAX_NEXT_PAGES)
        nexts += [urljoin(url, f"index_{n}.html") for n in range(current + 1, pages + 1)]
    nexts += _pager_links(text, base, url)
    if jpage is not None and jpage.form:
        nexts += _jpage_urls(jpage, shown) + _page_num_urls(text, url, jpage)
    return nexts


_UNIT_DIV = re.compile(r"""<div[^>]+id=["']?(\d+)["']?[^>]*>\s*<script[^>]*text/xml""", re.I)


def _page_num_urls(text: str, url: str, jpage: hanweb.JPage) -> list[str]:
    """Hanweb's own links to a column's later pages: index.html?uid=<unit>&pageNum=<n>."""
    unit = jpage.form.get("unitid") or next(iter(_UNIT_DIV.findall(text)), None)
    total = jpage.total
    if total is None:
        declared = re.search(r"<totalrecord>\s*(\d+)", text, re.I)
        total = int(declared.group(1)) if declared else None
    if not unit or not total or jpage.per_page < 1:
        return []
    pages = min(-(-total // jpage.per_page), MAX_NEXT_PAGES)
    page_url = url.split("?")[0]
    return [f"{page_url}?uid={unit}&pageNum={n}" for n in range(2, pages + 1)]


def _pager_links(text: str, base: str, url: str) -> list[str]:
    """下一页/尾页 links, and page numbers inside a pager, when they are real links."""
    found = []
    for anchor in Selector(text=text).css("a[href]"):
        href = anchor.attrib["href"].strip()
        if not href or href.startswith(_SKIP_HREF):
            continue
        label = clean(" ".join(anchor.css("::text").getall())) or clean(anchor.attrib.get("title"))
        pager = anchor.xpath("ancestor::*[contains(@class,'page') or contains(@id,'page') or "
                             "contains(@class,'fenye') or contains(@class,'pag')]")
        if _NEXT_WORDS.match(label) or (pager and label.isdigit()):
            target = urljoin(base, href)
            if urlsplit(target).hostname == urlsplit(url).hostname:
                found.append(target)
    return found


def _jpage_urls(jpage: hanweb.JPage, shown: int) -> list[str]:
    """The dataproxy requests for the records after the SHOWN ones, form fields in the query."""
    if jpage.total is None:
        starts = [shown + 1]
    else:
        starts = list(range(shown + 1, jpage.total + 1, hanweb.MAX_RECORDS))[:MAX_NEXT_PAGES]
    urls = []
    for start in starts:
        request_url, form = jpage.request(start)
        parts = urlsplit(request_url)
        query = urlencode(parse_qsl(parts.query) + sorted(form.items()))
        urls.append(urlunsplit(parts._replace(query=query)))
    return urls


# -- 年报 columns -----------------------------------------------------------------

def _columns(text: str, base: str, url: str, entry_keys: set[str]) -> list[str]:
    """Links to 年报 columns: named as one, or a year under a 年报 heading."""
    found = []
    for anchor in Selector(text=text).css("a[href]"):
        href = anchor.attrib["href"].strip()
        if not href or href.startswith(_SKIP_HREF):
            continue
        target = urljoin(base, href)
        label = clean(" ".join(anchor.css("::text").getall())) or clean(anchor.attrib.get("title"))
        if url_key(target) in entry_keys:
            continue
        if (is_column_title(label) or (is_year_label(label) and _under_report_heading(anchor))
                or (looks_like_list(target) and _YEAR_COLUMN.search(label))):
            found.append(target)
    return found


# A column per year named in full: 2023年政府信息公开年报, 2023年度报告.
_YEAR_COLUMN = re.compile(r"^\s*(?:19|20)\d{2}\s*年?度?\s*(?:政府|政务)?(?:信息公开)?(?:工作)?(?:年度报告|年报)\s*$")
_LIST_URL = re.compile(r"/$|/(?:index|n?list|xxgk_list|zwgklist|list_\w+|\w*list)(?:_\d+)?\.s?html?$"
                       r"|/col/col\d+/(?:index\.html)?$|/gkmlpt/index", re.I)


def looks_like_list(url: str) -> bool:
    """A URL shaped like a column list (folder, index.html, list.shtml, nlist.htm, col/colN/)."""
    return bool(_LIST_URL.search(urlsplit(url).path))


def _under_report_heading(anchor) -> bool:
    """A year link whose block (list, or its wrapper) is headed 年报/年度报告."""
    for block in anchor.xpath("ancestor::*[self::ul or self::ol or self::div or self::dl "
                              "or self::table][position() <= 3]"):
        heading = block.xpath("preceding-sibling::*[1]")
        if heading and COLUMN_WORDS.search(re.sub(r"\s+", "", heading[0].xpath("string()").get())):
            return True
    return False


def _gkmlpt_columns(text: str, url: str) -> list[str]:
    """A 年报 category as its link (index#id) and as its first API page."""
    conf = gkmlpt.config(text)
    found = []
    for category in gkmlpt.categories(text, url):
        if is_column_title(category.name):
            found += [f"{url.split('#')[0]}#{category.id}", gkmlpt.api_url(url, conf, category.id, 1)]
    return found


def _json_listing(text: str, url: str, column_title: str | None) -> Listing:
    """A JSON answer (gkmlpt's API and look-alikes): its records, and its next page."""
    try:
        data = json.loads(text)
    except ValueError:
        return Listing(url, None, notes=("not JSON after all",))
    in_column = bool(column_title and COLUMN_WORDS.search(column_title))
    found = [Entry(e.url, e.title, e.date, is_report_title(e.title, in_column), e.off_site)
             for e in json_entries(data, url)]
    # Search answers (jsearchfront) carry their hits as HTML snippets.
    snippets = "".join(_html_strings(data))[:MAX_SNIPPETS_CHARS]
    found += [Entry(e.url, e.title, e.date, is_report_title(e.title, in_column))
              for e in dated_entries(snippets, url)] if snippets else []
    entries = _merge(found)
    family = "gkmlpt" if "/gkmlpt/" in url or (isinstance(data, dict) and "articles" in data) else None
    nexts = []
    if family == "gkmlpt" and isinstance(data, dict):
        api = gkmlpt.parse_api(text, url)
        if len(api.records) >= gkmlpt.PER_PAGE and (api.total is None
                                                    or api.offset + len(api.records) < api.total):
            nexts.append(_with_page(url, int(dict(parse_qsl(urlsplit(url).query)).get("page", 1)) + 1))
    elif isinstance(data, dict):
        nexts += _json_next(data, url)
    total = data.get("total") if isinstance(data, dict) else None
    return Listing(url, family, tuple(entries), tuple(nexts),
                   total=int(total) if isinstance(total, int) else None)


MAX_SNIPPETS_CHARS = 2_000_000


def _html_strings(data, depth: int = 0) -> list[str]:
    """String values of a JSON answer that are HTML holding links."""
    if depth > 6:
        return []
    if isinstance(data, str):
        return [f"<div>{data}</div>"] if "<a " in data.lower() else []
    values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    return [html for value in values for html in _html_strings(value, depth + 1)]


def _with_page(url: str, page: int, name: str = "page") -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query[name] = str(page)
    return urlunsplit(parts._replace(query=urlencode(query)))


_PAGE_PARAMS = ("page", "pageNo", "pageNum", "pageIndex", "currentPage", "curPage", "p")
_PAGE_COUNTS = ("totalPage", "totalPages", "pageCount", "pages", "totalpage", "countPage")


def _find_count(data, names, depth: int = 0) -> int | None:
    """A page count anywhere near the top of a JSON answer (data.pageCount, totalPage …)."""
    if not isinstance(data, dict) or depth > 2:
        return None
    for name in names:
        if str(data.get(name, "")).isdigit():
            return int(data[name])
    return next((found for value in data.values()
                 if (found := _find_count(value, names, depth + 1)) is not None), None)


def _json_next(data: dict, url: str) -> list[str]:
    """Later pages of a JSON list API (trsapi and look-alikes): its page parameter, up to
    the page count the answer gives."""
    query = dict(parse_qsl(urlsplit(url).query))
    name = next((n for n in _PAGE_PARAMS if query.get(n, "").isdigit()), None)
    pages = _find_count(data, _PAGE_COUNTS)
    if name is None or pages is None:
        return []
    current = int(query[name])
    return [_with_page(url, n, name) for n in range(current + 1, min(pages, current + MAX_NEXT_PAGES) + 1)]
