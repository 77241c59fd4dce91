"""Single-document extraction: report bytes → the output contract of the report model.

Every form (HTML, text, PDF, DOCX, XLSX, XLS) becomes the same prose lines and
spanned grids (forms.py picks the parser by magic bytes), which tables.py reads by
their labels. Beside the spec's contract the result carries `form`, `raw`,
`derived` (keys computed, not printed), `index_number` and `document_number`
(索引号, 文号), `no_text` with the `images` of a document that has no text to read,
`text` and `extractor_version`.

Pure functions: nothing here reads or writes anything but its argument (except
`extract_file`, a convenience for tools and tests).
"""
from __future__ import annotations

from pathlib import Path

from .document import Document, Prose, clean
from .forms import parse
from .limits import Refused
from .metadata import (find_agency, find_box_fields, find_published, find_sections, find_title,
                       heading_lines, iso_date, report_year, year_in_text)
from .tables import detect_template, extract_tables

# Bump whenever the output for the same input may change.
EXTRACTOR_VERSION = "7"

__all__ = ["EXTRACTOR_VERSION", "extract_document", "extract_file"]


def _common_ancestor(elements: list):
    # The first element's ancestry, cut down to where each other element joins it:
    # anchors are mostly siblings, so each walk up stops after a step or two.
    chain = [elements[0], *elements[0].iterancestors()]    # innermost first
    depth = {id(e): i for i, e in enumerate(chain)}        # live proxies: ids stay unique
    lowest = 0
    for el in elements[1:]:
        while el is not None and id(el) not in depth:
            el = el.getparent()
        if el is None:
            return None
        lowest = max(lowest, depth[id(el)])
    return chain[lowest]


def _article_blocks(doc: Document, report_tables: dict) -> list:
    """In a portal page, the blocks of the element that holds the report (its
    tables and section headings), so navigation and footers stay out of the text."""
    tables = [t.element for ts in report_tables.values() for t in ts if t.element is not None]
    if doc.kind != "html" or not tables:
        return doc.blocks
    anchors = [t.getparent() if t.getparent() is not None else t for t in tables]
    for block in doc.blocks:
        if isinstance(block, Prose):
            anchors += [block.elements[i] for i in heading_lines(block.lines)
                        if block.elements[i] is not None]
    root = _common_ancestor(anchors)
    if root is None or root.tag in ("html", "body"):
        return doc.blocks
    return _within(doc.blocks, root)


def _within(blocks: list, root) -> list:
    """The blocks (and prose lines) whose element lies under `root`. In document
    order they make one run, root's subtree being one stretch of the page, so only
    the lines before and after it (navigation, footer) are looked up the tree."""
    items = [(block, line, el) for block in blocks for line, el in (
        zip(block.lines, block.elements) if isinstance(block, Prose) else [(None, block.element)])]

    def under(el) -> bool:
        while el is not None:
            if el is root:
                return True
            el = el.getparent()
        return False

    first = next((n for n, item in enumerate(items) if under(item[2])), None)
    if first is None:
        return []
    last = next(n for n in range(len(items) - 1, first - 1, -1) if under(items[n][2]))
    out: list = []
    source = None       # the Prose block the last kept line came from
    for block, line, el in items[first:last + 1]:
        if el is None:
            continue
        if line is None:
            out.append(block)
            source = None
            continue
        if source is not block:
            out.append(Prose())
            source = block
        out[-1].lines.append(line)
        out[-1].elements.append(el)
    return out


def _no_text(doc: Document, tables: dict, sections: dict, body: str) -> bool:
    """Nothing of the report can be read as text: a scan, a picture, or a page whose
    report is only images (no table, no section heading, little text of its own)."""
    if doc.kind == "image":
        return True
    if tables or sections:
        return False
    if doc.kind == "html":
        return bool(doc.images)
    return not body.strip() and (bool(doc.images) or doc.kind == "pdf")


def extract_document(data: bytes | str, *, filename: str | None = None,
                     content_type: str | None = None, hints: dict | None = None) -> dict:
    from gongkai.archive.checks import run_checks   # checks imports our labels: import late

    hints = hints or {}
    doc = None
    try:
        doc = parse(data, filename=filename, content_type=content_type)
        figures, found = extract_tables(doc.blocks)
    except Refused as refused:
        if doc is not None:         # a table past a bound, found once the form was read
            refused.kind = doc.kind
        return _refused(refused, hints)
    blocks = _article_blocks(doc, found)
    lines = [line for b in blocks if isinstance(b, Prose) for line in b.lines]
    body = Document(blocks=blocks, kind=doc.kind).text()

    sections = find_sections(lines)
    no_text = _no_text(doc, found, sections, body)
    title = find_title(doc) or clean(hints.get("title")) or None
    year = report_year(title) or year_in_text(lines) or report_year(hints.get("title"))
    text = body if not title or body.startswith(title) else f"{title}\n{body}"
    agency = (find_agency(title, text) or clean(hints.get("agency"))
              or doc.meta.get("contentsource") or None)
    box = find_box_fields(doc)
    result = {
        "form": doc.kind,
        "template": detect_template(figures, year),
        "title": title,
        "agency": agency,
        "report_year": year,
        "published": find_published(doc) or iso_date(hints.get("published")),
        "index_number": box["index_number"],
        "document_number": box["document_number"],
        "figures": figures.figures,
        "sections": sections,
        "checks": [],
        "warnings": doc.warnings + figures.warnings,
        "no_text": no_text,
        "images": doc.images if no_text else [],
        "raw": figures.raw,
        "derived": figures.derived,
        "text": text,
        "extractor_version": EXTRACTOR_VERSION,
    }
    result["checks"] = run_checks(result)
    return result


def _refused(refused: Refused, hints: dict) -> dict:
    """A document past one of the bounds (limits.py): no figures, the reason named."""
    title = clean(hints.get("title")) or None
    return {
        "form": getattr(refused, "kind", None) or "unknown", "template": "unknown",
        "title": title, "agency": clean(hints.get("agency")) or None,
        "report_year": report_year(title), "published": iso_date(hints.get("published")),
        "index_number": None, "document_number": None, "figures": {}, "sections": {},
        "checks": [], "warnings": [refused.reason], "refused": refused.bound,
        "no_text": False, "images": [], "raw": {}, "derived": [], "text": "",
        "extractor_version": EXTRACTOR_VERSION,
    }


def extract_file(path: str | Path) -> dict:
    path = Path(path)
    return extract_document(path.read_bytes(), filename=path.name)
