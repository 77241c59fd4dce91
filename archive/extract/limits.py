"""What one document may make the extractor read, hold or build, in one place.

A report is a few pages with three tables of a few hundred cells. Documents far past
these bounds are not reports but mistakes or attacks (a zip bomb, a table of a million
spanned cells, a 5,000-page PDF): such a document is refused whole, naming the bound it
crossed, and gives no figures, so nothing is read from garbage. Each bound can be set
from the environment as GONGKAI_EXTRACT_<NAME> (e.g. GONGKAI_EXTRACT_MAX_PDF_PAGES=500).
"""
from __future__ import annotations

import dataclasses
import os

MB = 2 ** 20


@dataclasses.dataclass(frozen=True)
class Limits:
    max_markup_bytes: int = 16 * MB         # an HTML or text payload
    max_text_chars: int = 4_000_000         # text read from one document (a report: ~30,000)
    max_table_cells: int = 250_000          # slots of one grid once spans are laid out
    max_span: int = 1_000                   # rows or columns one DOCX/PDF/sheet cell spans
    max_sheet_cells: int = 1_000_000        # a sheet's used range, rows × columns
    max_pdf_pages: int = 300
    max_pdf_seconds: float = 45.0           # reading pages stops here, before the worker's limit
    max_stream_bytes: int = 64 * MB         # one PDF stream, inflated
    max_inflated_bytes: int = 256 * MB      # all PDF streams, or all members of a zip, inflated
    max_xml_part_bytes: int = 24 * MB       # one XML part of a DOCX/XLSX, inflated
    max_nesting: int = 256                  # element depth (libxml2's own bound)

    @classmethod
    def from_env(cls, environ=os.environ) -> "Limits":
        given = {}
        for field in dataclasses.fields(cls):
            value = environ.get(f"GONGKAI_EXTRACT_{field.name.upper()}")
            if value:
                given[field.name] = type(field.default)(value)
        return cls(**given)


LIMITS = Limits.from_env()


class Refused(Exception):
    """The document crossed `bound` (a Limits field name): not read, no figures."""

    def __init__(self, bound: str, reason: str):
        super().__init__(reason)
        self.bound = bound
        self.reason = reason


def check(bound: str, value: int | float, what: str) -> None:
    """Refuse when `value` is over the named bound; `what` says what was measured."""
    limit = getattr(LIMITS, bound)
    if value > limit:
        raise Refused(bound, f"{what} is {_size(bound, value)}, over the bound {bound} = "
                             f"{_size(bound, limit)}: the document was not read")


def _size(bound: str, value) -> str:
    if bound.endswith("_bytes"):
        return f"{value / MB:,.1f} MB" if value >= MB else f"{value:,} bytes"
    return f"{value:,}"
