"""Spider for the Ganzhou 集约化 CMS family (会昌县 and its peers).

Walks the 政府信息公开 navigation to every annual-report column (column ids are
discovered, never configured), pages through each `xxgk_list.shtml` and fetches
every report page and the files it links, as the TRS spider does
(crawler/spiders/columns.py). Only the report page differs: its breadcrumb
names the section and the unit (首页 > 乡镇信息公开 > 庄口镇 > 政务信息公开年报).
"""

from __future__ import annotations

from gongkai.crawler.families import ganzhou
from gongkai.crawler.families.attachments import find_attachments
from gongkai.crawler.spiders.columns import ColumnSpider


class GanzhouSpider(ColumnSpider):
    name = "ganzhou"
    default_site = "huichang"
    max_nav_depth = 3

    def parse_report(self, response, column, column_title, list_url, list_title, list_date,
                     section=None, unit=None):
        trail = ganzhou.breadcrumb(response.text)
        section = trail[1] if len(trail) > 1 else section
        unit = trail[2] if len(trail) > 3 else unit
        attachments = [a for a in find_attachments(response.text, response.url)
                       if self.in_scope(a.url)]
        yield self.report_item(response, column=column, column_title=column_title,
                               list_url=list_url, list_title=list_title, list_date=list_date,
                               breadcrumb=trail, unit=unit or self.site.title,
                               agency_kind=self.site.agency_kind(section),
                               attachments=attachments)
        yield from self.attachment_requests(response.url, attachments)
