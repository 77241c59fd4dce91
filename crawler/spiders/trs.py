"""Spider for TRS WCM portals (湖口县 www.hukou.gov.cn and its peers).

Walks the navigation pages the registry names to every 年报 column, pages
through each column's `createPageHTML` list one page at a time, and fetches
every report page and its attachments (crawler/spiders/columns.py).
"""

from __future__ import annotations

from gongkai.crawler.spiders.columns import ColumnSpider


class TrsSpider(ColumnSpider):
    name = "trs"
    default_site = "hukou"
