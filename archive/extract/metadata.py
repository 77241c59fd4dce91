"""Title, agency, report year, published date and sections of a report."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from . import labels as L
from .document import Document, clean

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_LINE = re.compile(r"(?:19|20)\d{2}\s*年.*政府信息公开")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_LABEL = re.compile(r"(?:发布日期|发布时间|公开日期)\s*[:：]?\s*")
_AROUND_CJK = re.compile(r"(?<=[\u4e00-\u9fff]) +| +(?=[\u4e00-\u9fff])")


def iso_date(value) -> str | None:
    """'2020-01-20 15:22', '2020年1月20日', a date or datetime → '2020-01-20'."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    m = _DATE.search(str(value or ""))
    if not m:
        return None
    try:
        return dt.date(*(int(g) for g in m.groups())).isoformat()
    except ValueError:
        return None


_AFTER_REPORT = re.compile(r"(报告|年报)\s*[·•—\-－:：|｜_]\s*\S.*$")


def _tidy_title(title: str) -> str:
    """Spaces around CJK gone; a table name glued after the title ('…报告·三、…') cut."""
    return _AFTER_REPORT.sub(r"\1", _AROUND_CJK.sub("", title).strip())


_AGENCY_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}$")


def find_title(doc: Document) -> str | None:
    """ArticleTitle meta, else the first line naming a year's disclosure report,
    else the page <title> part that does."""
    if doc.meta.get("articletitle") and "报告" in doc.meta["articletitle"]:
        return _tidy_title(doc.meta["articletitle"])
    lines = doc.prose_lines()
    for i, line in enumerate(lines[:200]):
        if len(line) <= 80 and _TITLE_LINE.search(line) and "。" not in line:   # no sentence
            if "报告" in line or "年报" in line:
                # a title set on two lines: the agency above, "2023年…年度报告" below
                if i and _YEAR.match(line) and _AGENCY_LINE.match(lines[i - 1]):
                    return _tidy_title(lines[i - 1] + line)
                return _tidy_title(line)
            # converted PDFs wrap the title: "…政府信息公开工作" / "年度报告"
            if i + 1 < len(lines) and len(lines[i + 1]) <= 12 and "报告" in lines[i + 1]:
                return _tidy_title(line + lines[i + 1])
    for part in re.split(r"[_|｜]| - ", doc.meta.get("<title>", "")):
        if _TITLE_LINE.search(part):
            return _tidy_title(part)
    for line in lines[:20]:     # an excerpt without its title line may name it in a sentence
        m = _TITLE_IN_SENTENCE.search(line)
        if m:
            return m.group(1)
    return None


# '…现公布开阳县市场监督管理局2020年政府信息公开工作年度报告。'
_TITLE_IN_SENTENCE = re.compile(r"(?:现|特向社会|特此|予以)公布([\u4e00-\u9fff（）()]{2,30}?"
                                r"(?:19|20)\d{2}\s*年度?政府信息公开工作年度报告)")


def report_year(title: str | None) -> int | None:
    m = _YEAR.search(title or "")
    return int(m.group(1)) if m else None


_Y = r"((?:19|20)\d{2})\s*年"
# Where the text states its year, surest first: the report named with its year, the
# statistics period (1 January to 31 December of one year), the year's disclosure work.
_YEAR_STATEMENTS = (
    re.compile(_Y + r"\s*度?\s*政府信息公开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报)"),
    re.compile(r"统计[^。]{0,16}?" + _Y + r"\s*0?1\s*月\s*0?1\s*日\s*起?\s*"
               r"(?:至|到|-|—|–|~|～)\s*(?:((?:19|20)\d{2})\s*年\s*)?12\s*月\s*31\s*日"),
    re.compile(_Y + r"\s*度?\s*政府信息公开工作"),
)


def year_in_text(lines: list[str]) -> int | None:
    """The report year as the text states it, where no title names it. Statements of
    one kind that name different years name none."""
    for pattern in _YEAR_STATEMENTS:
        years = set()
        for line in lines:
            for m in pattern.finditer(line):
                if m.lastindex and m.lastindex > 1 and m.group(2) and m.group(2) != m.group(1):
                    continue        # a period over two years is not a report year
                years.add(int(m.group(1)))
        if len(years) == 1:
            return years.pop()
    return None


def find_agency(title: str | None, text: str) -> str | None:
    """The title's words before the year ('庄口镇'), made whole ('庄口镇人民政府') when the
    text says so; or, for titles that start with the year, the words after it."""
    if not title:
        return None
    m = _YEAR.search(title)
    if not m:
        return None
    prefix = title[:m.start()].strip(" ：:（(")
    if prefix:
        whole = f"{prefix}人民政府"
        return whole if L.mentions(text, whole) else prefix
    rest = re.sub(r"^度", "", title[m.end():])
    agency = re.split(r"政府信息公开|政务公开|信息公开", rest)[0].strip(" ：:")
    return agency or None


_BOX_LABELS = {
    "index_number": re.compile(r"^(?:索引号|索取号|信息索引号)\s*[:：]?\s*"),
    "document_number": re.compile(r"^(?:文号|发文字号|发文文号|文件编号)\s*[:：]?\s*"),
}
_ANY_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,6}\s*[:：]")


def find_box_fields(doc: Document) -> dict[str, str | None]:
    """索引号 and 文号 from a metadata box: the value after the label in the same cell
    or line, else in the next cell. An empty box value is None."""
    found: dict[str, str | None] = {key: None for key in _BOX_LABELS}
    for line in doc.text().splitlines()[:400]:
        if "号" not in line:     # every label ends in 号
            continue
        cells = [clean(c) for c in line.split("\t")]
        for i, cell in enumerate(cells):
            for key, label in _BOX_LABELS.items():
                m = label.match(cell)
                if not m or found[key]:
                    continue
                rest = cell[m.end():].split()
                if rest and not _ANY_LABEL.match(rest[0]):
                    found[key] = rest[0]
                elif not rest and i + 1 < len(cells) and cells[i + 1] and \
                        not _ANY_LABEL.match(cells[i + 1]) and \
                        not any(lab.match(cells[i + 1]) for lab in _BOX_LABELS.values()):
                    found[key] = cells[i + 1].split()[0]
    return {key: None if value in _NONE else value for key, value in found.items()}


_NONE = {"无", "/", "-", "—", "暂无"}


def find_published(doc: Document) -> str | None:
    if doc.meta.get("pubdate"):
        found = iso_date(doc.meta["pubdate"])
        if found:
            return found
    for line in doc.text().splitlines():   # table rows too: the metadata box is a table
        m = _DATE_LABEL.search(line)
        if m:
            found = iso_date(line[m.end():m.end() + 30])
            if found:
                return found
    return None


# ---------------------------------------------------------------- sections

_HAN_HEADING = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]\s*(.+)$")
_ARABIC_HEADING = re.compile(r"^\d+\s*、\s*(.+)$")


@lru_cache(maxsize=1 << 14)     # the article finder and find_sections ask about the same lines
def _section_key(line: str, pattern) -> str | None:
    m = pattern.match(line)
    if m and len(m.group(1)) <= 40:
        return L.first_match(m.group(1), L.SECTIONS)
    return None


def find_sections(lines: list[str]) -> dict[str, str]:
    """The six parts of the report by their headings (一、总体情况 … 六、其他需要报告的事项).

    Headings numbered 1、 are accepted only for parts with no 一、-style heading:
    many reports number sub-items 1、 inside 总体情况.
    """
    han = {i: k for i, line in enumerate(lines) if (k := _section_key(line, _HAN_HEADING))}
    arabic = {i: k for i, line in enumerate(lines)
              if i not in han and (k := _section_key(line, _ARABIC_HEADING))
              and k not in han.values()}
    headings = sorted({**han, **arabic}.items())
    sections: dict[str, list[str]] = {}
    for n, (start, key) in enumerate(headings):
        end = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        sections.setdefault(key, []).extend(lines[start + 1:end])
    return {key: "\n".join(body) for key, body in sections.items()}


def heading_lines(lines: list[str]) -> list[int]:
    """Indexes of section headings (used to find the article body in a page)."""
    return [i for i, line in enumerate(lines) if _section_key(line, _HAN_HEADING)
            or _section_key(line, _ARABIC_HEADING)]
