"""Pure parsers for Hanweb (大汉) portals (上虞区 and most of Zhejiang, 抚州/鹰潭/萍乡).

A column page `/col/col<id>/index.html` embeds its first records as
`<record><![CDATA[<li>…</li>]]></record>` inside `<script type="text/xml">`;
the rest come from a POST to `/module/web/jpage/dataproxy.jsp?startrecord=…
&endrecord=…&perpage=…` with the form fields its jpage script declares
(`ajaxParam: {col: 1, webid: …, columnid: …}`), answered with the same
records in a `<datastore>` XML document.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from gongkai.crawler.families.common import ListEntry, dated_entries
from gongkai.crawler.families.embedded import record_markup

MAX_RECORDS = 100  # records asked for per dataproxy request: a polite page size

_DATASTORE = re.compile(r"<script[^>]*type=[\"']text/xml[\"'][^>]*>(.*?)</script>", re.S | re.I)
_JPAGE = re.compile(r"jpage\(\s*\{(.*)\}\s*\)", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)", re.S)
_OBJECT = re.compile(r"ajaxParam\s*:\s*\{(.*?)\}", re.S)
_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,}\s]+))""")
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_COLUMN = re.compile(r"/col/col(\d+)/")


@dataclass(frozen=True)
class JPage:
    """The paging a column page's jpage script declares."""
    proxy_url: str
    per_page: int
    total: int | None  # None: not declared, ask until an answer is empty
    form: dict[str, str]

    def request(self, start: int) -> tuple[str, dict[str, str]]:
        """URL and form of the dataproxy request for the records from START on."""
        end = start + MAX_RECORDS - 1
        if self.total is not None:
            end = min(self.total, end)
        query = urlencode({"startrecord": start, "endrecord": end,
                           "perpage": min(self.per_page, MAX_RECORDS)})
        return f"{self.proxy_url}?{query}", self.form


def column_id(url: str) -> str | None:
    match = _COLUMN.search(url)
    return match.group(1) if match else None


def _records(text: str, page_url: str) -> list[ListEntry]:
    # The same record reading as every list page's (families/embedded.py, listing.py).
    return dated_entries(record_markup(text), page_url)


def embedded_records(html: str, page_url: str) -> list[ListEntry]:
    """The records a column page carries in its `<script type="text/xml">` datastore."""
    return [entry for block in _DATASTORE.findall(html) for entry in _records(block, page_url)]


def jpage(html: str, page_url: str) -> JPage | None:
    match = _JPAGE.search(html)
    if not match:
        return None
    options = match.group(1)

    def option(name: str, default=None):
        found = re.search(rf"\b{name}\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|(\d+))", options)
        return next((g for g in found.groups() if g is not None), default) if found else default

    params = _OBJECT.search(options)
    form = {}
    if params:
        for pair in _PAIR.finditer(params.group(1)):
            form[pair.group(1)] = next(v for v in pair.groups()[1:] if v is not None)
    else:
        # Older pages declare the fields only in the datastore's nextgroup link.
        nextgroup = _NEXTGROUP.search(html)
        if nextgroup:
            query = urlsplit(html_lib.unescape(nextgroup.group(1))).query
            form = {k: v for k, v in parse_qsl(query, keep_blank_values=True) if k != "page"}
    proxy = option("proxyUrl", "/module/web/jpage/dataproxy.jsp")
    total = option("totalRecord")
    return JPage(urljoin(page_url, proxy), int(option("perPage", 15)),
                 int(total) if total is not None else None, form)


def dataproxy_records(xml: str, page_url: str) -> tuple[list[ListEntry], int | None]:
    """The records of a dataproxy answer and the total it reports."""
    total = _TOTAL.search(xml)
    return _records(xml, page_url), int(total.group(1)) if total else None
