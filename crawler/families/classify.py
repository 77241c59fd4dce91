"""What a list entry or a link is: an annual disclosure report, a 年报 column, or neither.

A 年报 list shares its column with news, notices, work plans (工作要点) and the
interpretations of the report (年报解读); titles are the only evidence a list
gives, so the tests here are on titles, with the column as context.
"""

from __future__ import annotations

import re

# The words a report's own title carries.
_REPORT = re.compile(r"年度报告|年报|年度.{0,12}工作报告|\d{4}\s*年.{0,16}信息公开.{0,6}报告")
_DISCLOSURE = re.compile(r"信息公开|政务公开|政府信息")
# Titles about a report that are not the report: interpretations, charts, plans,
# evaluations, meetings, notices asking for reports, tables of contents.
_NOT_REPORT = re.compile(
    r"解读|图解|一图|图说|读懂|工作要点|要点|问答|答记者|发布会|通知|公告|通报|通告|考核|评议|评估|"
    r"督查|工作方案|实施方案|工作计划|工作安排|指南|目录|征集|征求|培训|会议|部署|表彰|名单|"
    r"决算|预算|年鉴|公报|白皮书|格式|模板|说明|更正|报送")
_YEAR = re.compile(r"(?:19|20)\d{2}")
# A year on its own, as 年报 columns split by year write it: 2024, 2024年, 2024年度.
_YEAR_ONLY = re.compile(r"^\s*(?:19|20)\d{2}\s*年?度?\s*$")
COLUMN_WORDS = re.compile(r"年报|年度报告")
_CUT = re.compile(r"(?:…+|\.{3,}|。{3,})\s*$")


def is_report_title(title: str, in_report_column: bool = False) -> bool:
    """An annual information-disclosure report (年度报告/年报 with 政府信息公开), or any
    report-named entry of a 年报 column; never its interpretation, plan or notice."""
    if not title or _NOT_REPORT.search(title):
        return False
    if _CUT.search(title) and _DISCLOSURE.search(title) and _YEAR.search(title):
        # Anchor text cut short (…2023年政府信息公开工作年度报…): what is left decides.
        kept = _CUT.sub("", title).strip()
        if kept.startswith("关于") or re.search(r"(?:报告|年报).+", kept):
            return False  # a text about the report (关于…的解读, 年报…图解)
        return bool(re.search(r"年度|年报|报$", kept))
    if not _REPORT.search(title):
        return in_report_column and bool(_YEAR.search(title)) and "报告" in title
    return bool(_DISCLOSURE.search(title)) or in_report_column


def is_column_title(text: str) -> bool:
    """A link naming a 年报 column (政府信息公开年报, 信息公开年度报告), not one report."""
    return (bool(text) and len(text) <= 24 and bool(COLUMN_WORDS.search(text))
            and not _NOT_REPORT.search(text) and not _YEAR.search(text))


def is_year_label(text: str) -> bool:
    return bool(_YEAR_ONLY.match(text or ""))
