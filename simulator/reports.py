"""The report record shared by every portal family.

A ``Report`` is light: who, which year, where, when, in what form.  Its heavy part (every
figure, the rendering choices, the defects they cause) is a ``Content`` that the site builds on
demand and keeps in a bounded cache, so a 50,000-report portal does not hold 50,000 figure
dicts.  The default 会昌县 reports are built eagerly and carry their content from the start.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from .clock import Clock, Timeline

FORMS = ("html", "pdf", "docx", "xlsx", "xls", "image")


@dataclass
class Content:
    values: dict  # every figure as generated (complete, no blanks)
    figures: dict  # what a perfect extractor reads: key -> number, None if printed blank
    defects: list  # presentation defects of this content
    style: dict  # rendering choices
    facts: dict = field(default_factory=dict)  # numbers stated in the prose of older reports


@dataclass(frozen=True)
class Attachment:
    path: str  # where the server answers with the document
    href: str  # how the page links it (may be relative, e.g. ./P0202….pdf)
    name: str  # the link text / file title a reader sees
    kind: str  # pdf | docx | xlsx | xls | png


@dataclass(eq=False)
class Report:
    agency: object  # model.Agency
    report_year: int
    template: str  # t2019 | t2021 | older
    form: str  # html | pdf | docx | xlsx | xls | image
    published: date  # the date the page and the list declare
    path: str  # the first URL path (a move adds a second one, see ``timeline``)
    uuid: str
    title: str
    published_at: datetime | None = None
    seed: int = 1
    layout: str = "inline"  # inline | word_paste | split_table | attachment | document_write | image_only | free_format
    timeline: Timeline | None = None
    attachments: list = field(default_factory=list)
    extra_defects: list = field(default_factory=list)  # planted by forms and faults
    loader: Callable[["Report"], Content] | None = None
    _content: Content | None = None

    @property
    def content(self) -> Content:
        if self._content is not None:
            return self._content
        if self.loader is None:
            raise RuntimeError(f"report {self.path} has no content")
        return self.loader(self)

    @property
    def figures(self) -> dict:
        return self.content.figures

    @property
    def values(self) -> dict:
        return self.content.values

    @property
    def style(self) -> dict:
        return self.content.style

    @property
    def defects(self) -> list:
        return self.content.defects + self.extra_defects

    @property
    def column_id(self) -> str:
        return self.agency.column_id

    @property
    def appeared(self) -> date:
        return self.timeline.appeared if self.timeline else self.published

    def visible(self, clock: Clock) -> bool:
        return self.timeline is None or self.timeline.visible(clock)

    def current_path(self, clock: Clock) -> str:
        if self.timeline is not None and self.timeline.moved(clock):
            return self.timeline.move.new_path
        return self.path

    def paths(self) -> list[str]:
        if self.timeline is not None and self.timeline.move is not None:
            return [self.path, self.timeline.move.new_path]
        return [self.path]

    def relocate(self, path: str, attachments_of: Callable[["Report"], list]) -> None:
        """A (new) URL, then the attachments that follow from it (their folder is the
        page's); an image-only report names its images again."""
        self.path = path
        self.attachments = attachments_of(self)
        self.extra_defects = [d for d in self.extra_defects if d["kind"] != "no_text"]
        if self.form == "image":
            self.extra_defects.append({"kind": "no_text", "images": [a.path for a in self.attachments]})

    def redate(self, declared: datetime, appeared: date) -> None:
        """The date the report declares, and the day it really appeared."""
        if self.timeline is None:
            self.timeline = Timeline(declared.date(), appeared)
        self.published_at = declared
        self.published = declared.date()
        self.timeline.declared = declared.date()
        self.timeline.appeared = appeared

    def at(self, clock: Clock) -> "Report":
        """The report as the server shows it on the clock's day (the pre-edit version before
        an edit takes effect), with its content resolved."""
        content = self.content
        t = self.timeline
        if t is not None and t.edited is not None and t.version(clock) == 0:
            content = first_version(content, self.template)
        if content is self._content:
            return self
        # a copy holding its content: rendering reads figures thousands of times per page
        return dataclasses.replace(self, _content=content)


def first_version(content: Content, template: str) -> Content:
    """The version published before the correction: one applicant's 予以公开 cell was a
    count too high, so the row total and the column balance no longer add up."""
    if template not in ("t2019", "t2021"):
        return Content(dict(content.values), dict(content.figures), list(content.defects), content.style, dict(content.facts))
    key = "applications.disclosed.natural_person"
    values = dict(content.values)
    values[key] = (values.get(key) or 0) + 1
    figures = dict(content.figures)
    if key in figures:
        figures[key] = values[key]
    return Content(values, figures, list(content.defects), content.style, dict(content.facts))


class ContentCache:
    """A bounded, thread-safe map from an agency key to its reports' contents (one entry per
    agency, because a year's figures depend on the year before)."""

    def __init__(self, build: Callable[[str], dict], size: int = 256):
        self._build = build
        self._size = size
        self._data: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict:
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
                return hit
        built = self._build(key)
        with self._lock:
            self._data[key] = built
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        return built
