"""Alerts POSTed as JSON to an operator's webhook. A failed POST is written down on the
alert (delivery_error, delivery_attempts) and tried again after later runs, a few
times at most; it never fails the run."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from gongkai.archive.clock import utc_now

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 5
MAX_PER_RUN = 100  # alerts sent after one run at most; the rest wait for the next


def payload(row: dict) -> dict:
    body = {k: row[k] for k in ("id", "raised_at", "kind", "site", "region", "message",
                                "crawl_run")}
    body["details"] = json.loads(row["details"] or "{}")
    return body


def post(url: str, body: dict) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "gongkai-alerts"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        response.read(1024)


def deliver_pending(database, url: str) -> dict:
    """POST every alert not yet delivered (and not given up on); counts by outcome."""
    rows = list(database.query(
        "select * from alerts where delivered_at is null and coalesce(delivery_attempts, 0) < ? "
        "order by id limit ?", [MAX_ATTEMPTS, MAX_PER_RUN]))
    counts = {"delivered": 0, "failed": 0}
    for row in rows:
        try:
            post(url, payload(row))
            change = {"delivered_at": utc_now(), "delivery_error": None}
            counts["delivered"] += 1
        except (urllib.error.URLError, OSError, ValueError) as error:
            change = {"delivery_error": f"{type(error).__name__}: {error}"[:500]}
            counts["failed"] += 1
            log.warning("alert %s not delivered to the webhook: %s", row["id"], error)
        change["delivery_attempts"] = (row["delivery_attempts"] or 0) + 1
        with database.conn:
            database["alerts"].update(row["id"], change)
    return counts
