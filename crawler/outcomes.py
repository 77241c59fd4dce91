"""What became of each download of a crawl, and whether the crawl reached its site.

Every download is counted once, by what happened: an answer (by status), a network
error (by exception), or a body a bound refused (by reason, crawler/bounds.py). From
those counts a crawl that could not crawl its site is told apart, with a one-line
reason, and the exit code `gongkai crawl` ends with (schedulers read it).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

# Exit codes of `gongkai crawl` (schedulers read them): 0 the site was crawled; 1 the
# crawl did not finish (killed, crashed); 3 the site could not be crawled (host down,
# every answer a server error, nothing usable); 4 blocked by challenge walls.
EXIT_CODES = {"ok": 0, "unreachable": 3, "server_errors": 3, "no_content": 3,
              "nothing_asked": 3, "blocked": 4}


@dataclass
class Outcomes:
    """Each download counted once: an answer (by status), an error, or a dropped body."""
    by_status: dict
    errors_by_type: dict
    dropped: dict

    @property
    def responses(self) -> int:
        return sum(self.by_status.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.by_status.items() if status.startswith("5"))

    @property
    def network_errors(self) -> int:
        return sum(self.errors_by_type.values())

    @property
    def dropped_bodies(self) -> int:
        return sum(n for reason, n in self.dropped.items()
                   if reason in ("body_too_large", "decompressed_too_large"))

    @property
    def requests(self) -> int:
        # A body too large to receive had no response; one too large to inflate did.
        return self.responses + self.network_errors + self.dropped.get("body_too_large", 0)

    def row(self) -> dict:
        errors = self.network_errors + self.server_errors
        return {"requests": self.requests, "responses": self.responses,
                "responses_by_status": json.dumps(self.by_status, sort_keys=True),
                "errors": errors,
                "error_rate": round(errors / self.requests, 4) if self.requests else 0.0,
                "dropped": json.dumps(self.dropped, sort_keys=True),
                "dropped_bodies": self.dropped_bodies}


def count_outcomes(stats: dict) -> Outcomes:
    def under(prefix):
        return {key[len(prefix):]: value for key, value in stats.items()
                if key.startswith(prefix)}
    return Outcomes(under("gongkai/response_status/"), under("gongkai/outcome/error/"),
                    under("gongkai/dropped/"))


def judge(counts: Outcomes, blocked: list[str], usable: int,
          shared: bool = False) -> tuple[str, str]:
    """Whether the crawl reached the site, and if not, why, in one line."""
    if usable:
        return "ok", ""
    if shared and not counts.requests:
        # a worker of a Redis-shared crawl whose peers took every request failed at nothing
        return "ok", "the other workers of the shared crawl took every request"
    if blocked:
        return "blocked", f"blocked: {', '.join(blocked)} answered only with challenge pages"
    if not counts.requests:
        return "nothing_asked", "no request was made (robots.txt forbids every entry page?)"
    if not counts.responses:
        return "unreachable", (f"host unreachable: {counts.requests} requests, none answered "
                               f"({_most(counts.errors_by_type or counts.dropped)})")
    if counts.server_errors == counts.responses:
        return "server_errors", (f"every answer was a server error ({_most(counts.by_status)})")
    return "no_content", f"no usable page: the answers were {_most(counts.by_status)}"


def _most(counter: dict) -> str:
    return ", ".join(f"{key} ×{n}" for key, n in Counter(counter).most_common(3))
