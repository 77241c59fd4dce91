"""Item pipelines: what the spider learnt about a report goes into the archive too.

Items are plain dicts with a `kind`: `report_page` (a report's page, with what its
column list said: title, date, column, breadcrumb, unit, agency kind, attachments)
or `attachment` (a document linked from a report page: url, report_url, name).
"""

from __future__ import annotations

from gongkai.archive.warc import metadata_sha256
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
        kind = item.get("kind", "report_page")
        if kind == "report_page":
            _listed(store, item["url"])
        if _unchanged(store, item):
            # The archive already says exactly this (a recrawl of an unchanged page).
            self.crawler.stats.inc_value("gongkai/metadata_unchanged")
        else:
            store.write_metadata(item["url"], dict(item), refers_to=capture.get("record_id"))
        self.crawler.stats.inc_value("gongkai/report_pages" if kind == "report_page"
                                     else f"gongkai/{kind}s")
        return item


def _listed(store, url: str) -> None:
    """This run's lists showed URL (crawl_runs counts new, changed and removed reports)."""
    with store.index.conn:
        store.index.conn.execute("insert or ignore into crawl_listings (crawl_run, url) "
                                 "values (?, ?)", [store.run_id, url])


def _unchanged(store, item: dict) -> bool:
    row = next(store.index.query(
        "select payload_sha256 from captures where record_type = 'metadata' and url = ? "
        "and content_type = ? order by id desc limit 1",
        [item["url"], f"application/json; kind={item.get('kind', 'unknown')}"]), None)
    return row is not None and row["payload_sha256"] == metadata_sha256(item)
