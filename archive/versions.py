"""What a URL said over time: its distinct contents, and when it stopped answering.

Journalists cite the version they saw; watchdogs want to know when a report was
edited or removed. Everything here is computed from the `responses` index and
the archived bytes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

# Phrases of the "page not found" pages portals serve with status 200.
_SOFT_404 = re.compile(r"页面不存在|页面未找到|找不到(该|您要访问的)?页面|访问的页面不存在|"
                       r"信息已删除|内容已删除|该信息不存在|已被删除|page not found|404 not found",
                       re.I)
SOFT_404_MAX_BYTES = 16 * 1024


def is_soft_404(status: int, text: str) -> bool:
    """A 200 answer that is really 'not found': a small page saying so."""
    return status == 200 and len(text.encode("utf-8")) <= SOFT_404_MAX_BYTES and \
        bool(_SOFT_404.search(text))


def status_kind(status: int | None, soft_404: bool = False) -> str:
    if soft_404:
        return "soft_404"
    if status in (404, 410):
        return "not_found"
    if status == 304:
        return "unchanged"
    if status and 200 <= status < 300:
        return "ok"
    if status and 300 <= status < 400:
        return "redirect"
    return "error"


@dataclass
class Version:
    """One stretch of a URL's history: a content, or an answer such as 404."""
    kind: str
    payload_sha256: str | None
    capture_id: int
    first_seen: str
    last_seen: str
    fetches: int = 1
    captures: list[int] = field(default_factory=list)


def history(responses: list[dict], soft_404: set[int] = frozenset()) -> list[Version]:
    """Fold a URL's responses (oldest first) into versions.

    A 304 extends the version it confirmed; an answer of the same kind and
    content as the current version extends it; anything else starts a new one.
    A content seen again after another answer is a new stretch of history, so
    a report restored after deletion shows as such.
    """
    versions: list[Version] = []
    for row in responses:
        kind = status_kind(row["status"], row["id"] in soft_404)
        sha = row["payload_sha256"] if kind == "ok" else None
        current = versions[-1] if versions else None
        if kind == "unchanged" and current is not None:
            kind, sha = current.kind, current.payload_sha256
        if current is not None and (current.kind, current.payload_sha256) == (kind, sha):
            current.last_seen = row["fetched_at"]
            current.fetches += 1
            current.captures.append(row["id"])
            continue
        versions.append(Version(kind, sha, row["id"], row["fetched_at"], row["fetched_at"],
                                captures=[row["id"]]))
    return versions


def text_diff(before: str, after: str, *, context: int = 1) -> str:
    """A line diff of two versions' visible text, compact enough to read in a cell."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after",
                                 n=context, lineterm="")
    return "\n".join(list(lines)[2:])  # the ---/+++ header says nothing here


def figure_changes(before: dict, after: dict) -> list[dict]:
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, "absent"), after.get(key, "absent")
        if old != new:
            changes.append({"key": key, "before": old, "after": new})
    return changes
