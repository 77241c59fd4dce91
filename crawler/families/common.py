"""Page readers every CMS family shares: dated list entries, meta tags, the
metadata box (索引号/发布机构/发布日期 …) and the 当前位置 trail.

Pure functions of a page's text, like the family parsers that use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

from parsel import Selector

BEIJING = timezone(timedelta(hours=8))

_SPACE = re.compile(r"[\s\u3000\xa0]+")
_DATE = re.compile(r"(?<!\d)(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})(?!\d)")
# A list showing only month and day ([01-31], 01-31, 01/31): the year comes from elsewhere.
_MONTH_DAY = re.compile(r"(?<![\d-])\[?\s*(\d{1,2})[-/.月](\d{1,2})日?\s*\]?(?![\d-])")
# Where a URL carries the year (and month) it was filed: /202401/, t20240115_, /art/2024/1/15/.
_URL_YEAR = re.compile(r"/(20\d{2})(\d{2})/|[/_t](20\d{2})(\d{2})\d{2}[_/.]|/(20\d{2})[-/](\d{1,2})[-/]")
# Breadcrumb separators as portals write them: >, >>, », ›, ＞, →, / (with or without spaces).
_CRUMB_SPLIT = re.compile(r"\s*(?:>>?|»|›|＞+|→|&gt;|\s/\s|^/|/$)\s*")
_LABELS = ("索引号", "发布机构", "发布单位", "发文机关", "发布日期", "公开日期", "成文日期", "生成日期",
           "名称", "标题", "文号", "发文字号", "分类", "主题分类", "公开目录", "公开方式", "来源")


def clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None


def normalise_date(text: str | None, url: str | None = None) -> str | None:
    """2024-01-31, 2024年1月31日, 2024/1/31, 2024.01.31 → '2024-01-31'.

    A month and day alone ([01-31]) count only when URL says the year it was
    filed under; without it no date is better than a guessed one.
    """
    match = _DATE.search(text or "")
    if match:
        return _valid(*(int(g) for g in match.groups()))
    short = _MONTH_DAY.search(text or "")
    filed = url_year(url)
    if not short or not filed:
        return None
    year, filed_month = filed
    month = int(short.group(1))
    # The URL says when the page was made; the list, when it was dated. Across New Year
    # the two differ by a year: December listed, January filed, or the other way round.
    if filed_month and month - filed_month > 6:
        year -= 1
    elif filed_month and filed_month - month > 6:
        year += 1
    return _valid(year, month, int(short.group(2)))


def url_year(url: str | None) -> tuple[int, int | None] | None:
    """The (year, month) a URL's folders or file name say it was filed in."""
    match = _URL_YEAR.search(url or "")
    if not match:
        return None
    groups = match.groups()
    year, month = next((groups[i], groups[i + 1]) for i in (0, 2, 4) if groups[i])
    return int(year), int(month) if month else None


def beijing_date(timestamp: int | float | str | None) -> str | None:
    """A Unix time as the calendar day it was in China (API create_time fields)."""
    try:
        return datetime.fromtimestamp(int(timestamp), BEIJING).date().isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True)
class ListEntry:
    url: str
    title: str
    date: str | None


_HOLDERS = frozenset({"li", "tr", "dd", "dt", "dl", "p", "div", "td", "span", "section",
                      "article", "h3", "h4", "em"})
_SKIP_HREF = ("javascript:", "#", "mailto:", "tel:")


def _text(node) -> str:
    return clean(" ".join(node.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
                          .getall()))


def _anchor_label(anchor) -> str:
    return clean(anchor.attrib.get("title")) or _text(anchor)


def _holder(anchor, url: str):
    """The list item around ANCHOR, found by walking up: the first element whose text
    outside its links shows exactly one date, holding few links. (item, date) or None."""
    node = anchor
    for _ in range(4):
        parent = node.xpath("..")
        if not parent or parent[0].root.tag not in _HOLDERS:
            return None
        node = parent[0]
        links = node.xpath(".//a[@href]")
        if len(links) > 3:
            return None
        cells = node.xpath(".//text()[not(ancestor::a) and not(ancestor::script)]").getall()
        outside = " ".join(cells)
        dates = _DATE.findall(outside) or _MONTH_DAY.findall(outside)
        if len(dates) > 1 and node.root.tag == "tr":
            # A catalogue row (成文日期 … 发布日期): the last date shown is the publication's.
            dated = [c for c in cells if normalise_date(c, url)]
            return node, normalise_date(dated[-1], url) if dated else None
        if len(dates) == 1:
            date = normalise_date(outside, url)
            return (node, date) if date else None
        if len(dates) > 1:
            return None
    return None


def _sibling_date(anchor, url: str) -> str | None:
    """Lists without items (<a>标题</a><span>2024-01-31</span><br>, or the date first):
    the date right beside the link, before the next link."""
    for axis in ("following-sibling", "preceding-sibling"):
        nodes = anchor.xpath(f"{axis}::node()[position() <= 3]")
        for node in (nodes if axis.startswith("following") else reversed(nodes)):
            tag = getattr(node.root, "tag", None)
            if tag in ("a", "br", "li", "p", "div", "tr"):
                break
            text = clean(node.get() if tag is None else " ".join(node.xpath(".//text()").getall()))
            if text:
                date = normalise_date(text, url) if len(text) <= 24 else None
                if date or tag is None or len(text) > 24:
                    if date:
                        return date
                    break
    return None


def _own_date(anchor, url: str) -> str | None:
    """A date written inside the link itself, apart from its title (<a>标题<span>日期</span></a>)."""
    title = clean(anchor.attrib.get("title"))
    text = _text(anchor)
    rest = text.replace(title, " ", 1) if title else " ".join(
        anchor.xpath("./*[not(self::a)]//text()").getall()[-1:])
    return normalise_date(rest, url)


def dated_entries(html: str, page_url: str) -> list[ListEntry]:
    """Links shown with a date: the entries of a column list, in page order.

    Navigation links carry no date, which is how they are told apart. An item may
    hold a tag link beside its title link ([年报] 标题): the longest label wins. The
    title is the anchor's @title when there is one, since anchor text is often cut off.
    """
    chosen: dict[object, tuple] = {}
    order = []
    for anchor in Selector(text=html).xpath("//a[@href]"):
        href = anchor.attrib["href"].strip()
        if not href or href.lower().startswith(_SKIP_HREF):
            continue
        url = urljoin(page_url, href)
        found = _holder(anchor, url)
        item, date = found if found else (anchor, _sibling_date(anchor, url)
                                          or _own_date(anchor, url))
        if date is None:
            continue
        label = _anchor_label(anchor)
        if date in label and not anchor.attrib.get("title"):
            label = clean(label.replace(date, " "))
        key = item.root  # held in the dict, so lxml hands back this same proxy object
        if key not in chosen:
            order.append(key)
        if key not in chosen or len(label) > len(chosen[key][1]):
            chosen[key] = (url, label, date)
    return [ListEntry(*chosen[key]) for key in order if chosen[key][1]]


class Metas(dict):
    """Meta tags by name, whatever case the page writes it in (contentSource, ContentSource)."""

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name) -> bool:
        return super().__contains__(str(name).lower())

    def get(self, name: str, default=None):
        return super().get(name.lower(), default)


def meta_tags(html: str) -> Metas:
    """<meta name=… content=…> pairs (ArticleTitle, PubDate, ContentSource …), names case-blind."""
    found = Metas()
    for meta in Selector(text=html).css("meta[name]"):
        name = meta.attrib.get("name", "").strip().lower()
        if name and name not in found:
            dict.__setitem__(found, name, clean(meta.attrib.get("content")))
    return found


def _label(text: str) -> str:
    return _SPACE.sub("", text).rstrip(":：")


def metadata_box(html: str) -> dict[str, str]:
    """The 索引号/发布机构/发布日期 box: label → value.

    Portals write it as label and value in neighbouring cells (`<td>发布机构</td>
    <td>…</td>`, `<th>发布机构：</th><td>…</td>`) or in one cell
    (`<td>发布单位：…</td>`); labels may be spaced out (`索 引 号`).
    """
    box: dict[str, str] = {}
    for row in Selector(text=html).css("tr"):
        cells = [clean(" ".join(cell.css("::text").getall())) for cell in row.css("td, th")]
        index = 0
        while index < len(cells):
            text = cells[index]
            label = _label(text)
            value_next = index + 1 < len(cells) and _label(cells[index + 1]) not in _LABELS
            if label in _LABELS and value_next:
                box.setdefault(label, cells[index + 1])
                index += 2
                continue
            match = re.match(r"^([^:：]{2,8})[:：]\s*(.*)$", text)
            if match and _label(match.group(1)) in _LABELS:
                box.setdefault(_label(match.group(1)), match.group(2).strip())
            index += 1
    return box


def breadcrumb(html: str) -> list[str]:
    """The 当前位置 trail as text, e.g. ['首页', '政务公开', '双钟镇', '政府信息公开年报']."""
    selector = Selector(text=html)
    holders = selector.xpath(
        "//*[not(self::script) and not(self::html) and not(self::body)]"
        "[contains(text(), '当前位置') or contains(text(), '所在位置')]")
    if not holders:
        return []
    node = holders[-1]
    for _ in range(3):
        # The label may sit in an element of its own (<span>当前位置：</span>): go up to the trail.
        pieces = [clean(t) for t in node.xpath(".//text()[not(ancestor::script)]").getall()]
        text = re.sub(r"^.*?位置\s*[:：]?\s*", "", " ".join(pieces))
        parent = node.xpath("..")
        if text or not parent:
            break
        node = parent[0]
    # Each text node is a crumb or holds several split by a separator; separators drawn
    # by CSS leave no text at all, so the nodes themselves still keep crumbs apart.
    pieces = [re.sub(r"^.*?位置\s*[:：]?\s*", "", p) if "位置" in p else p for p in pieces]
    crumbs = [clean(c) for piece in pieces for c in _CRUMB_SPLIT.split(piece)]
    return [crumb for crumb in crumbs if crumb and not re.fullmatch(r"[>»›＞→/|\s]+", crumb)]


def page_title(html: str) -> str | None:
    """The report's own title: ArticleTitle meta, else the heading, else <title>."""
    selector = Selector(text=html)
    title = meta_tags(html).get("ArticleTitle")
    if title:
        return title
    for query in ("h1", ".title", "title"):
        text = clean(" ".join(selector.css(f"{query} ::text").getall()))
        if text:
            return text
    return None


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    section: str | None = None  # the heading the link sits under on a navigation page


def links(html: str, page_url: str) -> list[Link]:
    """Every link of a navigation page, with its text and the heading above it."""
    found = []
    for anchor in Selector(text=html).css("a[href]"):
        href = anchor.attrib.get("href", "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        text = clean(" ".join(anchor.css("::text").getall())) or clean(anchor.attrib.get("title"))
        heading = anchor.xpath("preceding::*[self::h2 or self::h3 or self::h4][1]")
        section = clean(" ".join(heading[0].css("::text").getall())) if heading else None
        found.append(Link(urljoin(page_url, href), text, section or None))
    return found


@dataclass(frozen=True)
class ReportFacts:
    title: str | None
    date: str | None  # from the page: metadata box, else the PubDate meta tag
    unit: str | None  # the publishing body as the page names it
    breadcrumb: list[str]


def report_facts(html: str) -> ReportFacts:
    """What a report page says about itself, on any family's page."""
    box = metadata_box(html)
    metas = meta_tags(html)
    date = next((normalise_date(box[k]) for k in ("发布日期", "公开日期") if box.get(k)), None)
    unit = next((box[k] for k in ("发布机构", "发布单位", "发文机关") if box.get(k)), None)
    return ReportFacts(
        title=page_title(html),
        date=date or normalise_date(metas.get("PubDate")),
        unit=unit or metas.get("ContentSource") or None,
        breadcrumb=breadcrumb(html),
    )
