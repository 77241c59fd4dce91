"""Simulated time: what a report looks like on a given day.

A report's life is a ``Timeline``: the date its page declares, the date it really appeared,
and the later events (an edit, a move to a new URL, a deletion).  ``Clock.as_of`` is the day the
server pretends it is; ``None`` means "after everything", which is the state the default portal
has always served.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Clock:
    as_of: date | None = None

    def reached(self, day: date | None) -> bool:
        """Has ``day`` come by the simulated today?"""
        if day is None:
            return False
        return self.as_of is None or day <= self.as_of


@dataclass
class Move:
    on: date
    new_path: str
    old_status: int  # 301 (redirect to the new URL) or 404 (old link simply dies)


@dataclass
class Timeline:
    declared: date  # what the page and the list say
    appeared: date  # the first day the server shows it (later than declared when backdated)
    edited: date | None = None  # from this day the same URL shows the corrected version
    deleted: date | None = None
    move: Move | None = None
    events: list = field(default_factory=list)  # kinds planted, for the truth

    def visible(self, clock: Clock) -> bool:
        return clock.reached(self.appeared) and not clock.reached(self.deleted)

    def version(self, clock: Clock) -> int:
        return 1 if clock.reached(self.edited) else 0

    def moved(self, clock: Clock) -> bool:
        return self.move is not None and clock.reached(self.move.on)


def parse_day(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    return date.fromisoformat(str(text))
