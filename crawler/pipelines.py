"""Item pipelines: what the spider learnt about a report goes into the archive too.

Items are plain dicts with a `kind`: `report_page` (a report's page, with what its
column list said: title, date, column, breadcrumb, unit, agency kind, attachments)
or `attachment` (a document linked from a report page: url, report_url, name).
"""

from __future__ import annotations

from gongkai.crawler.archiving import archive_store


class ReportMetadataPipeline:
    """Stores each report item as a WARC metadata record beside its response.

    Extraction reads these records, so everything the database holds can be
    rebuilt from the WARC files alone.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        store = archive_store(self.crawler)
        capture = item.get("capture") or {}
        store.write_metadata(item["url"], dict(item), refers_to=capture.get("record_id"))
        kind = item.get("kind", "report_page")
        self.crawler.stats.inc_value("gongkai/report_pages" if kind == "report_page"
                                     else f"gongkai/{kind}s")
        return item
