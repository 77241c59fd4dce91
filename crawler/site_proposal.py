"""A registry entry drafted from what `gongkai probe` found on one page, for
`gongkai sites add URL`: the operator reviews it, the family's spider crawls it.

From a navigation page the entry walks that page to the 年报 columns it links;
from a 年报 list page it pages through that list. The URL patterns are the
shapes of the URLs seen, digits generalised, so sibling columns match too.
"""

from __future__ import annotations

import json
import re
from posixpath import splitext
from urllib.parse import urlsplit

from gongkai.crawler.families.listing import Listing

COLUMN_TITLE = "政府信息公开年报|政务信息公开年报|信息公开年报|信息公开年度报告|年度报告|年报"
YEAR_TITLE = r"^\s*(?:19|20)\d{2}\s*年?度?\s*$"
AGENCY_KINDS = {"乡镇": "township", "部门": "department", "镇人民政府": "township",
                "乡人民政府": "township", "街道办事处": "township",
                "县人民政府": "county_government", "区人民政府": "county_government",
                "市人民政府": "county_government"}


class CannotPropose(ValueError):
    """The page does not show enough to draft an entry (no family, no list, no column)."""


def _shape(path: str, literal_root: bool) -> str:
    """A list URL's path as a pattern: /xzf/zfxxgknb_171215/index.html →
    /[^/]+/zfxxgknb_\\d+/(?:index(?:_\\d+)?\\.html)?$."""
    folders, _, name = path.rpartition("/")
    parts = [p for p in folders.split("/") if p]
    stem, ext = splitext(name)
    stem = re.sub(r"_\d+$", "", stem)
    # A distinctive list name (xxgk_list.shtml) marks a list wherever its folder; a bare
    # folder or index.html needs the folder's own shape (zfxxgknb_<n>/).
    distinctive = bool(name) and stem != "index"
    shaped = []
    for index, part in enumerate(parts):
        if index == 0 and literal_root:
            shaped.append(re.escape(part))
        elif index == len(parts) - 1 and not distinctive:
            shaped.append(re.sub(r"\d+", r"\\d+", re.escape(part)))
        else:
            shaped.append("[^/]+")
    page = (rf"(?:{re.escape(stem)}(?:_\d+)?{re.escape(ext)})" if name
            else r"(?:index(?:_\d+)?\.s?html?)")
    optional = "?" if not name or stem == "index" else ""
    return "/" + "".join(f"{s}/" for s in shaped) + page + optional + "$"


def list_pattern(urls: list[str]) -> str:
    paths = [urlsplit(u).path for u in urls]
    roots = {p.strip("/").split("/")[0] for p in paths}
    literal_root = len(roots) == 1 and all(p.count("/") > 2 for p in paths)
    return "|".join(dict.fromkeys(_shape(p, literal_root) for p in paths))


def _discovery(listing: Listing, entry_path: str, page_text: str) -> dict:
    family = listing.family
    if family == "hanweb":
        return {"column_page": r"/col/col\d+/(index\.html)?$", "column_title": COLUMN_TITLE,
                "report_path": r"^/art/\d{4}/\d{1,2}/\d{1,2}/art_{column}_\d+\.html$"}
    if family == "gkmlpt":
        return {"column_title": COLUMN_TITLE,
                "report_path": r"/content/(\d+/\d+/)?post_\d+\.html$"}
    if listing.reports:
        return {"nav_page": f"^{re.escape(entry_path)}$", "list_page": list_pattern([listing.url]),
                "column_title": COLUMN_TITLE, "max_nav_depth": 1}
    if not listing.columns:
        raise CannotPropose(f"{listing.url} shows neither 年报 entries nor 年报 columns")
    host = urlsplit(listing.url).hostname
    columns = [u for u in listing.columns if urlsplit(u).hostname == host]
    title = COLUMN_TITLE + "|" + YEAR_TITLE
    list_page = list_pattern(columns)
    navs = nav_shapes(page_text, listing.url, entry_path, re.compile(list_page))
    nav_page = "|".join([f"^{re.escape(entry_path)}(index\\.s?html?)?$", *navs])
    return {"nav_page": nav_page, "list_page": list_page, "column_title": title,
            "max_nav_depth": 3 if navs else 1}


def nav_shapes(page_text: str, url: str, entry_path: str, list_page) -> list[str]:
    """Deeper navigation pages the entry links (乡镇信息公开 → 庄口镇 → its columns):
    same-host links below the entry named like navigation (xxgk_navs.shtml, navs_list)."""
    from gongkai.crawler.families.common import links

    host, prefix = urlsplit(url).hostname, entry_path.rsplit("/", 1)[0] + "/"
    shapes = []
    for link in links(page_text, url):
        path = urlsplit(link.url).path
        name = path.rsplit("/", 1)[1]
        if (urlsplit(link.url).hostname == host and path.startswith(prefix)
                and re.search(r"nav", name, re.I) and not list_page.search(path)):
            shapes.append(re.escape(prefix) + r"(?:[^/]+/)*" + re.escape(name) + "$")
    return list(dict.fromkeys(shapes))


def propose(listing: Listing, name: str, title: str | None = None,
            region_code: str | None = None, page_text: str = "") -> dict:
    """The registry entry (as TOML-ready data) for the site LISTING's page belongs to."""
    if listing.family not in ("trs", "ganzhou", "hanweb", "gkmlpt"):
        raise CannotPropose(f"family of {listing.url} not recognised ({listing.family}): "
                            "write the entry by hand")
    parts = urlsplit(listing.url)
    entry = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
    if listing.family == "gkmlpt" and "/gkmlpt/" in parts.path:
        entry = parts.path.split("/gkmlpt/")[0].lstrip("/") + "gkmlpt/index"
    site = {"name": name, "title": title or name, "family": listing.family,
            "region_code": region_code, "base_url": f"{parts.scheme}://{parts.netloc}/",
            "hosts": [parts.hostname], "entries": [entry], "scope_prefix": "/",
            "default_agency_kind": "department"}
    return {**{k: v for k, v in site.items() if v is not None},
            "discovery": _discovery(listing, parts.path, page_text), "agency_kinds": dict(AGENCY_KINDS)}


def _value(value) -> str:
    if isinstance(value, str):
        # Literal strings keep regular expressions readable; JSON escaping is valid TOML too.
        return f"'{value}'" if "'" not in value and "\n" not in value else json.dumps(
            value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(value)


def to_toml(site: dict, note: str = "") -> str:
    lines = [f"# {line}" for line in note.splitlines()]
    lines += [f"{key} = {_value(value)}" for key, value in site.items()
              if not isinstance(value, dict)]
    for key, value in site.items():
        if isinstance(value, dict):
            lines += ["", f"[{key}]"] + [f"{json.dumps(k, ensure_ascii=False)} = {_value(v)}"
                                          for k, v in value.items()]
    return "\n".join(lines) + "\n"

