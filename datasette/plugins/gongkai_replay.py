"""Replay of archived records, served from the WARC files, never from the live site.

`/-/archive/<capture_id>` is a page of ours: a banner (URL, fetch time, digest,
other versions) above a sandboxed frame. The frame loads
`/-/archive/<capture_id>/raw`: the archived bytes unmodified, under a
Content-Security-Policy sandbox so none of the page's scripts run.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from gongkai.archive.bodies import PayloadTooLarge
from gongkai.archive.warc import read_capture, read_record

DATABASE = "gongkai"
SQLITE_MAX_ID = 2**63 - 1
# No scripts, no forms, no plugins; the archived page may show its own images and styles
# only if they are archived too, so it cannot reach the live site.
RAW_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"
PAGE_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-src 'self'; script-src 'none'"
ATTACHMENT_TYPES = ("application/pdf", "application/msword", "application/vnd.", "application/zip",
                    "application/octet-stream", "application/x-")


def _data_dir(datasette) -> Path:
    return Path(datasette.get_database(DATABASE).path).parent


async def _capture(datasette, capture_id: int) -> dict | None:
    if capture_id > SQLITE_MAX_ID:  # no such row, and SQLite cannot even be asked
        return None
    result = await datasette.get_database(DATABASE).execute(
        "select * from responses where id = ?", [capture_id])
    row = result.first()
    return dict(row) if row else None


async def archived_raw(datasette, request):
    capture = await _capture(datasette, int(request.url_vars["capture_id"]))
    if capture is None:
        return Response.html("<h1>没有这条存档记录</h1>", status=404)
    try:
        record = read_capture(_data_dir(datasette), capture)
    except PayloadTooLarge as error:
        # A body that inflates without end (a gzip bomb) is not served, only named.
        return Response.html(f"<h1>存档内容解压后过大，不予显示</h1><p>{html.escape(str(error))}</p>",
                             status=413)
    content_type = capture["content_type"] or "application/octet-stream"
    headers = {"Content-Security-Policy": RAW_POLICY, "X-Content-Type-Options": "nosniff",
               "X-Robots-Tag": "noindex"}
    if content_type.startswith(ATTACHMENT_TYPES):
        name = await _attachment_name(datasette, capture)
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(record.payload, status=200, headers=headers, content_type=content_type)


async def _attachment_name(datasette, capture: dict) -> str:
    """The name the portal's link gave the file (e.g. 附件1：2023年报告.pdf), else the URL's."""
    from_url = Path(urlsplit(capture["url"]).path).name or f"capture-{capture['id']}"
    result = await datasette.get_database(DATABASE).execute(
        "select warc_file, offset from captures where record_type = 'metadata' and url = ? "
        "order by id desc limit 1", [capture["url"]])
    row = result.first()
    if row is None:
        return from_url
    metadata = json.loads(read_record(_data_dir(datasette), row["warc_file"], row["offset"]).payload)
    name = (metadata.get("name") or "").strip().replace("/", "_")
    if not name:
        return from_url
    suffix = Path(from_url).suffix
    return name if not suffix or name.lower().endswith(suffix.lower()) else name + suffix


async def archived_page(datasette, request):
    capture_id = int(request.url_vars["capture_id"])
    capture = await _capture(datasette, capture_id)
    if capture is None:
        return Response.html("<h1>没有这条存档记录</h1>", status=404)
    versions = await datasette.get_database(DATABASE).execute(
        "select min(id) as id, payload_sha256, min(fetched_at) as first_seen, "
        "max(fetched_at) as last_seen, count(*) as fetches, status from responses "
        "where url = ? group by payload_sha256, status "
        "order by first_seen", [capture["url"]])
    body = await datasette.render_template("gongkai_archive.html", {
        "capture": capture,
        "versions": [dict(row) for row in versions.rows],
        "raw_url": datasette.urls.path(f"/-/archive/{capture_id}/raw"),
    }, request=request)
    return Response.html(body, headers={"Content-Security-Policy": PAGE_POLICY})


@hookimpl
def register_routes():
    return [
        (r"^/-/archive/(?P<capture_id>\d+)$", archived_page),
        (r"^/-/archive/(?P<capture_id>\d+)/raw$", archived_raw),
    ]


TEXT_PREVIEW = 120


@hookimpl
def render_cell(value, column, table, database, datasette):
    # A whole report's text in an HTML cell buries the table; JSON and CSV keep it all.
    if database == DATABASE and table == "reports" and column == "text" and value:
        preview = value[:TEXT_PREVIEW].replace("\n", " ")
        more = "…（全文见 JSON/CSV 或存档副本）" if len(value) > TEXT_PREVIEW else ""
        return Markup(html.escape(preview) + more)
    # Every report links to its archived copy, the evidence behind its figures.
    if database == DATABASE and column in ("capture_id", "from_capture", "to_capture",
                                                  "source_capture_id") \
            and value is not None:
        if isinstance(value, dict):  # a foreign key Datasette has already expanded
            value = value.get("value")
        link = datasette.urls.path(f"/-/archive/{int(value)}")
        return Markup(f'<a href="{html.escape(link)}">存档副本 #{int(value)}</a>')
    return None
