"""Test-only writer of annual reports whose tables reach us flattened into text.

The templates' labels and keys are spelt out here from the report model
(docs/model.md, after the national spec), independently of the parser's label tables
(archive/extract/labels.py) and of the test bed (simulator/), so a label the parser
forgets is still printed and still expected. The prose is our own.

A report is built as rows of cells in reading order (a spanned header read row by
row, as a page's text gives it); each style then prints those rows its way.
"""
from __future__ import annotations

import itertools

# ---------------------------------------------------------------- the templates

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# table 二: (caption, header labels, [(row label, row key)], column keys)
PROACTIVE = {
    "t2019": [
        ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
         [("规章", "rules"), ("规范性文件", "normative_docs")],
         ["made", "published", "total_published"]),
        ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")],
         ["prev_count", "change", "decisions"]),
        ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政处罚", "penalty"), ("行政强制", "coercion")],
         ["prev_count", "change", "decisions"]),
        ("第二十条第（八）项", ["上一年项目数量", "本年增/减"],
         [("行政事业性收费", "fees")], ["prev_count", "change"]),
        ("第二十条第（九）项", ["采购项目数量", "采购总金额"],
         [("政府集中采购", "procurement")], ["projects", "amount"]),
    ],
    "t2021": [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
         [("规章", "rules"), ("行政规范性文件", "normative_docs")],
         ["made", "repealed", "valid"]),
        ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing")], ["decisions"]),
        ("第二十条第（六）项", ["本年处理决定数量"],
         [("行政处罚", "penalty"), ("行政强制", "coercion")], ["decisions"]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"],
         [("行政事业性收费", "fees")], ["amount_10k_yuan"]),
    ],
}

APPLICANT_KEYS = ["natural_person", "commercial", "research", "public_interest",
                  "legal_services", "other_org", "total"]
APPLICANT_HEADER = [NOTE, "申请人情况", "自然人", "法人或其他组织", "总计",
                    "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]

# table 三: (group cell printed before the row's label or None, label, key)
_WITHHELD = [("1.属于国家秘密", "state_secret"), ("2.其他法律行政法规禁止公开", "prohibited_by_law"),
             ("3.危及“三安全一稳定”", "security_stability"),
             ("4.保护第三方合法权益", "third_party_rights"),
             ("5.属于三类内部事务信息", "internal_affairs"), ("6.属于四类过程性信息", "process_info"),
             ("7.属于行政执法案卷", "enforcement_files"), ("8.属于行政查询事项", "inquiry_matters")]
_UNAVAILABLE = [("1.本机关不掌握相关政府信息", "not_held"),
                ("2.没有现成信息需要另行制作", "needs_creation"),
                ("3.补正后申请内容仍不明确", "still_unclear")]
_NOT_PROCESSED = [("1.信访举报投诉类申请", "petition"), ("2.重复申请", "duplicate"),
                  ("3.要求提供公开出版物", "publication"), ("4.无正当理由大量反复申请", "excessive"),
                  ("5.要求行政机关确认或重新出具已获取信息", "confirmation")]
_OTHER_2021 = [("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "no_correction"),
               ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "unpaid_fee"),
               ("3.其他", "other")]


def application_rows(template: str) -> list[tuple[str | None, str, str]]:
    rows = [(None, "一、本年新收政府信息公开申请数量", "new_received"),
            (None, "二、上年结转政府信息公开申请数量", "carried_over"),
            ("三、本年度办理结果", "（一）予以公开", "disclosed"),
            (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partly_disclosed")]
    for group, key, items in (("（三）不予公开", "withheld", _WITHHELD),
                              ("（四）无法提供", "unavailable", _UNAVAILABLE),
                              ("（五）不予处理", "not_processed", _NOT_PROCESSED)):
        rows += [(group if i == 0 else None, label, f"{key}.{sub}")
                 for i, (label, sub) in enumerate(items)]
    if template == "t2019":
        rows.append((None, "（六）其他处理", "other_handling"))
    else:
        rows += [("（六）其他处理" if i == 0 else None, label, f"other_handling.{sub}")
                 for i, (label, sub) in enumerate(_OTHER_2021)]
    rows += [(None, "（七）总计", "handled_total"), (None, "四、结转下年度继续办理", "carried_forward")]
    return rows


REVIEW_HEADER = ["行政复议", "行政诉讼",
                 "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉",
                 *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2]
REVIEW_KEYS = [f"{group}.{m}" for group in ("review", "litigation.direct",
                                            "litigation.after_review")
               for m in ("upheld", "corrected", "other", "pending", "total")]

HEADINGS = {"proactive": "二、主动公开政府信息情况",
            "applications": "三、收到和处理政府信息公开申请情况",
            "review": "四、政府信息公开行政复议、行政诉讼情况"}


# ---------------------------------------------------------------- figures

def figures(template: str, seed: int = 1) -> dict[str, int | float]:
    """Every cell of the three tables, with signed changes, large numbers and decimals."""
    counter = itertools.count(seed * 7)
    out: dict[str, int | float] = {}
    for _, _, rows, columns in PROACTIVE[template]:
        for _, row in rows:
            for col in columns:
                n = next(counter)
                value = (n * 37) % 2500
                if col == "change":
                    value = -(n % 9) if n % 2 else n % 50
                elif col in ("amount", "amount_10k_yuan"):
                    value = round((n * 131) % 9000 + (n % 10) / 10, 1)
                out[f"proactive.{row}.{col}"] = value
    for _, _, row in application_rows(template):
        parts = [(next(counter) * 3) % 11 for _ in APPLICANT_KEYS[:-1]]
        for col, value in zip(APPLICANT_KEYS, parts + [sum(parts)]):
            out[f"applications.{row}.{col}"] = value
    for group in ("review", "litigation.direct", "litigation.after_review"):
        parts = [next(counter) % 4 for _ in range(4)]
        for m, value in zip(("upheld", "corrected", "other", "pending", "total"),
                            parts + [sum(parts)]):
            out[f"{group}.{m}"] = value
    return out


# ---------------------------------------------------------------- rows in reading order

def _print(value, style: dict) -> str:
    text = f"{value:,}" if style.get("thousands") and abs(value) >= 1000 else str(value)
    if style.get("signed") and isinstance(value, int) and value > 0 and style["signed"](value):
        text = "+" + text
    if style.get("fullwidth"):
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return text


def table_rows(name: str, template: str, f: dict, style: dict) -> list[tuple[str | None, list]]:
    """(key of the row or None for captions and headers, cells) in reading order."""
    short = style.get("short", ())
    out: list[tuple[str | None, list]] = []

    def values(prefix: str, columns: list[str]) -> list[str]:
        cells = [_print(f[f"{prefix}.{c}"], style) for c in columns]
        if prefix in short:
            cells = cells[:-1]      # a row printed with one figure fewer than its columns
        return cells

    if name == "proactive":
        for caption, header, rows, columns in PROACTIVE[template]:
            out.append((None, [caption]))
            out.append((None, ["信息内容", *header]))
            for label, row in rows:
                cells = values(f"proactive.{row}", columns)
                if row == "procurement" and style.get("yuan"):
                    cells[-1] += "元"
                out.append((f"proactive.{row}", [label, *cells]))
    elif name == "applications":
        out.append((None, APPLICANT_HEADER[:2]))
        out.append((None, APPLICANT_HEADER[2:5]))
        out.append((None, APPLICANT_HEADER[5:]))
        for group, label, row in application_rows(template):
            lead = [group] if group else []
            out.append((f"applications.{row}",
                        [*lead, label, *values(f"applications.{row}", APPLICANT_KEYS)]))
    else:
        out.append((None, REVIEW_HEADER[:2]))
        out.append((None, REVIEW_HEADER[2:9]))
        out.append((None, REVIEW_HEADER[9:]))
        cells = [_print(f[key], style) for key in REVIEW_KEYS]
        out.append(("review", cells[:-1] if "review" in short else cells))
    return out


# ---------------------------------------------------------------- styles

def _pipe(cells: list[str], lead: bool) -> str:
    return ("| " if lead else "") + " | ".join(cells) + " |"


def render_table(rows: list[tuple[str | None, list]], style: str) -> list[str]:
    """Lines of one table printed in `style`."""
    lines: list[str] = []
    for n, (key, cells) in enumerate(rows):
        if style == "pipe":                 # 规章 | 2 | 2 | 3 |
            lines.append(_pipe(cells, lead=False))
        elif style == "pipe_lead":          # | 规章 | 2 | 2 | 3 | |  (an extra empty cell)
            lines.append(_pipe(cells + [""], lead=True))
        elif style == "markdown":           # a separator line under the first row
            lines.append(_pipe(cells, lead=True))
            if n == 0:
                lines.append("|" + "---|" * len(cells))
        elif style == "cells_blank":        # a cell a line, blank lines between
            for cell in cells:
                lines += [cell, ""]
        elif style == "cells_bar":          # a cell a line, a lone | after each
            for cell in cells:
                lines += [cell, "|"]
        elif style == "cells_suffix":       # 'cell |' lines, a lone | closing each row
            lines += [f"{cell} |" for cell in cells] + ["|"]
        elif style == "dump":               # label and figures on one line, space-separated
            lines.append("  ".join(cells))
        elif style == "tsv":                # copied from a spreadsheet: TAB between cells,
            lead = [""] if key is None or key.startswith("applications.") else []
            lines.append("\t".join(lead + cells))     # merged cells left empty
        else:
            raise ValueError(style)
    return lines


MENU = ["首页", "> 政务公开", "> 政府信息公开年报", "主动公开", "依申请公开", "字号：大 中 小",
        "当前位置：首页 > 信息公开 > 年度报告"]


def report_text(template: str = "t2021", style: str = "pipe", *, year: int | None = None,
                agency: str = "青石镇人民政府", menu: bool = False, seed: int = 1,
                values: dict | None = None, **options) -> tuple[str, dict]:
    """(text of a whole report, the figures it prints)."""
    year = year or (2020 if template == "t2019" else 2023)
    f = figures(template, seed)
    lines = list(MENU) if menu else []
    lines += [f"{agency}{year}年政府信息公开工作年度报告",
              f"本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。",
              "一、总体情况",
              f"{year}年，本机关按照条例要求推进政务公开，各项工作有序开展。"]
    for name in ("proactive", "applications", "review"):
        lines.append(HEADINGS[name])
        lines += render_table(table_rows(name, template, f, options), style)
    lines += ["五、存在的主要问题及改进情况", "队伍力量不足，下一年度将加强培训。",
              "六、其他需要报告的事项", "本年度无其他需要报告的事项。"]
    return "\n".join(lines) + "\n", f
