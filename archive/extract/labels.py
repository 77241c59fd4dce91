"""Canonical keys of the report model and the printed labels that map to them.

This is the one place the project spells the keys of ../shared/spec/report-model.md.
Labels are compared after `squash()`, which drops whitespace and unifies full- and
half-width forms, so the variants below only cover real wording differences.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# ---------------------------------------------------------------- text helpers

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "〔": "[", "〕": "]"})


def squash_text(text: str) -> str:
    """Comparable form of a label: NFKC, no whitespace, unified quotes."""
    # Each step only when it changes something: on CJK text, normalize(), re's \s and
    # translate() each cost ~100 ns a character, the checks a hundredth of that.
    if not text:
        return ""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split())        # str.split() and re's \s agree on what is a space
    if any(q in text for q in _QUOTE_CHARS):
        text = text.translate(_QUOTES)
    return text


_QUOTE_CHARS = tuple(chr(c) for c in _QUOTES)


# Labels repeat across every report, so they are cached; a whole table's or page's
# text is seen once, and goes to squash_text() lest the cache hold megabytes of it.
squash = lru_cache(maxsize=1 << 16)(squash_text)

# Every character whose NFKC form holds a CJK ideograph (Kangxi radicals as PDFs
# print them, compatibility ideographs, ㈱ and ㍻): tests check these ranges against
# unicodedata. Where none is present, NFKC cannot make a run of ideographs appear.
_IDEOGRAPH_VARIANTS = re.compile("[\u2e80-\u2fdf\u3038-\u303a\u3190-\u33ff\uf900-\ufaff"
                                 "\U0001f200-\U0001f2ff\U0002f800-\U0002fa1f]")
_IDEOGRAPHS = re.compile("[\u4e00-\u9fff]+")


def mentions(text: str, words: str) -> bool:
    """Whether squash_text(text) contains `words`, for a long text seen once: the
    text is squashed only when NFKC could make a difference to the answer."""
    stripped = "".join(text.split())
    if words in stripped:
        return True
    if _IDEOGRAPHS.fullmatch(words) and not _IDEOGRAPH_VARIANTS.search(stripped):
        return False
    return words in squash_text(text)


_MATCHES: dict[tuple[str, int], str | None] = {}


def first_match(text: str, table: list[tuple[str, tuple[str, ...]]]) -> str | None:
    """Key of the first (key, keywords) entry with a keyword inside squashed `text`."""
    cache_key = (text, id(table))
    if cache_key in _MATCHES:
        return _MATCHES[cache_key]
    s = squash(text)
    found = next((key for key, words in table if any(w in s for w in words)), None)
    if len(_MATCHES) > 1 << 17:      # bounded: prose lines are matched too
        _MATCHES.clear()
    _MATCHES[cache_key] = found
    return found


# ---------------------------------------------------------------- templates

T2019_MARKERS = ("本年新制作数量", "对外公开总数量", "上一年项目数量", "本年新公开数量")
T2021_MARKERS = ("本年制发件数", "现行有效件数", "本年废止件数", "本年处理决定数量")
# Rows of table 三 that exist only in the 2021 template.
T2021_ROW_MARKERS = ("逾期不补正", "缴纳费用")

# ---------------------------------------------------------------- table 二

PROACTIVE = "proactive"

# Row labels; 行政规范性文件 contains 规范性文件, so one keyword covers both templates.
PROACTIVE_ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("normative_docs", ("规范性文件",)),
    ("rules", ("规章",)),
    ("licensing", ("行政许可",)),
    ("other_services", ("其他对外管理服务事项", "对外管理服务")),
    ("penalty", ("行政处罚",)),
    ("coercion", ("行政强制",)),
    ("fees", ("行政事业性收费",)),
    ("procurement", ("政府集中采购", "集中采购")),
]

# Column headers; longer labels first because 处理决定数量 is inside 本年处理决定数量.
PROACTIVE_COLUMNS: list[tuple[str, tuple[str, ...]]] = [
    ("made", ("本年新制作数量", "本年制发件数", "新制作数量", "制发件数")),
    ("published", ("本年新公开数量", "新公开数量")),
    ("total_published", ("对外公开总数量", "公开总数量")),
    ("repealed", ("本年废止件数", "废止件数")),
    ("valid", ("现行有效件数", "有效件数")),
    ("prev_count", ("上一年项目数量", "上年项目数量")),
    ("change", ("本年增/减", "本年增减", "增/减", "增减")),
    ("decisions", ("处理决定数量",)),
    ("amount_10k_yuan", ("本年收费金额", "收费金额")),
    ("projects", ("采购项目数量",)),
    ("amount", ("采购总金额",)),
]

PROACTIVE_T2019 = {
    "rules": ("made", "published", "total_published"),
    "normative_docs": ("made", "published", "total_published"),
    "licensing": ("prev_count", "change", "decisions"),
    "other_services": ("prev_count", "change", "decisions"),
    "penalty": ("prev_count", "change", "decisions"),
    "coercion": ("prev_count", "change", "decisions"),
    "fees": ("prev_count", "change"),
    "procurement": ("projects", "amount"),
}
PROACTIVE_T2021 = {
    "rules": ("made", "repealed", "valid"),
    "normative_docs": ("made", "repealed", "valid"),
    "licensing": ("decisions",),
    "penalty": ("decisions",),
    "coercion": ("decisions",),
    "fees": ("amount_10k_yuan",),
}

# ---------------------------------------------------------------- table 三

APPLICATIONS = "applications"

APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "public_interest",
                     "legal_services", "other_org", "total")

# Header cells are matched whole (after squash): 法人或其他组织 must not read as 其他.
APPLICANT_HEADERS = {
    "自然人": "natural_person",
    "商业企业": "commercial",
    "科研机构": "research",
    "社会公益组织": "public_interest",
    "法律服务机构": "legal_services",
    "其他": "other_org",
    "其他组织": "other_org",
    "总计": "total",
    "合计": "total",
}

# Group cells of 三、本年度办理结果 that carry sub-rows.
APPLICATION_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("withheld", ("不予公开",)),
    ("unavailable", ("无法提供",)),
    ("not_processed", ("不予处理",)),
    ("other_handling", ("其他处理",)),
]

# Sub-rows, recognised by distinctive words wherever they sit. Checked before the
# top-level rows: 2.其他法律行政法规禁止公开 must not fall to any "其他" rule.
APPLICATION_SUBROWS: list[tuple[str, tuple[str, ...]]] = [
    ("withheld.state_secret", ("国家秘密",)),
    ("withheld.prohibited_by_law", ("法律行政法规禁止", "禁止公开", "其他法律")),
    ("withheld.security_stability", ('三安全一稳定', "三安全", "危及")),
    ("withheld.third_party_rights", ("第三方合法权益", "第三方")),
    ("withheld.internal_affairs", ("内部事务",)),
    ("withheld.process_info", ("过程性",)),
    ("withheld.enforcement_files", ("执法案卷",)),
    ("withheld.inquiry_matters", ("查询事项",)),
    ("other_handling.no_correction", ("逾期不补正", "不补正")),
    ("other_handling.unpaid_fee", ("缴纳费用", "收费通知")),
    ("unavailable.not_held", ("不掌握",)),
    ("unavailable.needs_creation", ("另行制作", "没有现成")),
    ("unavailable.still_unclear", ("补正后", "仍不明确")),
    ("not_processed.petition", ("信访", "举报投诉")),
    ("not_processed.duplicate", ("重复申请",)),
    ("not_processed.publication", ("公开出版物", "出版物")),
    ("not_processed.excessive", ("大量反复",)),
    ("not_processed.confirmation", ("重新出具", "确认或")),
]

APPLICATION_ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("new_received", ("本年新收",)),
    ("carried_over", ("上年结转",)),
    ("carried_forward", ("结转下年度", "下年度继续办理", "转下年度")),
    ("disclosed", ("予以公开",)),
    ("partly_disclosed", ("部分公开",)),
    ("other_handling", ("其他处理",)),
    ("handled_total", ("(七)总计", "(七)合计")),
]

# "3.其他" is a row only inside the group （六）其他处理.
BARE_OTHER = re.compile(r"^(?:\d+[.、]?)?其他$")
BARE_TOTAL = re.compile(r"^(?:\(七\))?(?:总计|合计)$")

APPLICATION_ROWS_T2019 = (
    "new_received", "carried_over", "disclosed", "partly_disclosed",
    "withheld.state_secret", "withheld.prohibited_by_law", "withheld.security_stability",
    "withheld.third_party_rights", "withheld.internal_affairs", "withheld.process_info",
    "withheld.enforcement_files", "withheld.inquiry_matters",
    "unavailable.not_held", "unavailable.needs_creation", "unavailable.still_unclear",
    "not_processed.petition", "not_processed.duplicate", "not_processed.publication",
    "not_processed.excessive", "not_processed.confirmation",
    "other_handling", "handled_total", "carried_forward",
)
OTHER_HANDLING_PARTS = ("other_handling.no_correction", "other_handling.unpaid_fee",
                        "other_handling.other")
APPLICATION_ROWS_T2021 = tuple(
    part for row in APPLICATION_ROWS_T2019
    for part in (OTHER_HANDLING_PARTS if row == "other_handling" else (row,)))

# Rows whose sum is （七）总计.
HANDLED_PARTS_PREFIXES = ("disclosed", "partly_disclosed", "withheld.", "unavailable.",
                          "not_processed.")

# ---------------------------------------------------------------- table 四

REVIEW_GROUPS = ("review", "litigation.direct", "litigation.after_review")
REVIEW_MEASURES = ("upheld", "corrected", "other", "pending", "total")

# Order matters: 未经复议直接起诉 and 复议后起诉 both contain 复议.
REVIEW_GROUP_LABELS: list[tuple[str, tuple[str, ...]]] = [
    ("litigation.after_review", ("复议后起诉",)),
    ("litigation.direct", ("未经复议直接起诉", "直接起诉")),
    ("review", ("行政复议",)),
]
REVIEW_MEASURE_LABELS: list[tuple[str, tuple[str, ...]]] = [
    ("upheld", ("结果维持", "结果维护", "维持", "维护")),
    ("corrected", ("结果纠正", "纠正")),
    ("other", ("其他结果",)),
    ("pending", ("尚未审结", "未审结")),
    ("total", ("总计", "合计")),
]


def review_keys() -> list[str]:
    return [f"{group}.{measure}" for group in REVIEW_GROUPS for measure in REVIEW_MEASURES]


# ---------------------------------------------------------------- table identity

# A table is identified by words in its own cells (checked in this order).
TABLE_KEYWORDS: list[tuple[str, tuple[tuple[str, ...], ...]]] = [
    # each inner tuple is a set of words that must all occur
    ("applications", (("本年新收",), ("申请人情况",), ("本年度办理结果",))),
    ("review", (("行政复议", "尚未审结"), ("行政复议", "行政诉讼"), ("复议后起诉",))),
    ("proactive", (("信息内容",), ("第二十条",))),
]
# Tables that are page furniture (the metadata box).
NON_REPORT_TABLE_WORDS = ("索引号", "发布机构", "发文机关", "主题分类")

# A heading in the prose just before a table can name it when the table's own
# header was lost (converted documents).
TABLE_HEADINGS: list[tuple[str, tuple[str, ...]]] = [
    ("review", ("行政复议", "行政诉讼")),
    ("applications", ("收到和处理", "申请情况")),
    ("proactive", ("主动公开政府信息情况", "主动公开情况")),
]

# ---------------------------------------------------------------- sections

SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("overview", ("总体情况",)),
    ("proactive", ("主动公开",)),
    ("applications", ("收到和处理", "依申请公开", "申请情况")),
    ("review", ("行政复议", "行政诉讼")),
    ("problems", ("存在的主要问题", "主要问题", "改进情况")),
    ("other", ("其他需要报告",)),
]


@lru_cache(maxsize=None)
def expected_keys(template: str) -> tuple[str, ...]:
    """Every cell of tables 二、三、四 in a template, as canonical keys."""
    if template == "t2019":
        proactive, rows = PROACTIVE_T2019, APPLICATION_ROWS_T2019
    elif template == "t2021":
        proactive, rows = PROACTIVE_T2021, APPLICATION_ROWS_T2021
    else:
        return ()
    keys = [f"{PROACTIVE}.{row}.{col}" for row, cols in proactive.items() for col in cols]
    keys += [f"{APPLICATIONS}.{row}.{col}" for row in rows for col in APPLICANT_COLUMNS]
    return tuple(keys + review_keys())
