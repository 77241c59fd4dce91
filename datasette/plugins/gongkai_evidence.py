"""`/-/evidence/<report id>.wacz`: one report's evidence bundle (gongkai.archive.evidence),
built from the WARC files beside the database, to hand to an editor or a court."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response

from gongkai.archive.evidence import TooLarge, build_wacz

DATABASE = "gongkai"


async def evidence(datasette, request):
    report_id = int(request.url_vars["report_id"])
    db = datasette.get_database(DATABASE)
    data_dir = Path(db.path).parent
    row = (await db.execute("select title from reports where id = ?", [report_id])).first()
    if row is None:
        return Response.html("<h1>没有这份报告</h1>", status=404)
    try:
        # the query runs on Datasette's connection; reading the WARC bytes off the event loop
        body = await db.execute_fn(lambda conn: build_wacz(conn, data_dir, report_id))
    except TooLarge as error:
        return Response.text(f"证据包太大，无法下载：{error}", status=413)
    except FileNotFoundError as error:
        return Response.text(f"存档文件缺失：{error.filename}", status=500)
    name = f"gongkai-report-{report_id}.wacz"
    return Response(body, status=200, content_type="application/wacz", headers={
        "Content-Disposition": f"attachment; filename={name}; filename*=UTF-8''"
                               f"{quote((row['title'] or name) + '.wacz')}"})


@hookimpl
def register_routes():
    return [(r"^/-/evidence/(?P<report_id>\d{1,12})\.wacz$", evidence)]
