"""How the published templates lay out tables 二、三、四, for showing a report as printed.

Keys come from `labels` (the one place they are spelt); this module only adds the
Chinese row and column labels of 国办公开办函〔2019〕60号 (t2019) and
〔2021〕30号 (t2021) and the order they are printed in. Each table is returned as
a grid of cells: header cells with their spans, label cells with their spans,
and figure cells carrying the canonical key.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.archive.extract import labels

PROACTIVE_ROW_LABELS = {
    "rules": "规章", "normative_docs": "规范性文件", "licensing": "行政许可",
    "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "coercion": "行政强制",
    "fees": "行政事业性收费", "procurement": "政府集中采购",
}
PROACTIVE_ROW_LABELS_T2019 = {
    "rules": "第二十条第（一）项：规章", "normative_docs": "第二十条第（一）项：规范性文件",
    "licensing": "第二十条第（五）项：行政许可",
    "other_services": "第二十条第（五）项：其他对外管理服务事项",
    "penalty": "第二十条第（六）项：行政处罚", "coercion": "第二十条第（六）项：行政强制",
    "fees": "第二十条第（八）项：行政事业性收费", "procurement": "第二十条第（九）项：政府集中采购",
}
PROACTIVE_COLUMN_LABELS = {
    "made": ("本年新制作数量", "本年制发件数"), "published": ("本年新公开数量",),
    "total_published": ("对外公开总数量",), "repealed": ("本年废止件数",),
    "valid": ("现行有效件数",), "prev_count": ("上一年项目数量",), "change": ("本年增/减",),
    "decisions": ("处理决定数量", "本年处理决定数量"),
    "amount_10k_yuan": ("本年收费金额（单位：万元）",),
    "projects": ("采购项目数量",), "amount": ("采购总金额",),
}

APPLICANT_LABELS = {
    "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
    "public_interest": "社会公益组织", "legal_services": "法律服务机构", "other_org": "其他",
    "total": "总计",
}
RESULTS = "三、本年度办理结果"
APPLICATION_PATHS = {
    "new_received": ("一、本年新收政府信息公开申请数量",),
    "carried_over": ("二、上年结转政府信息公开申请数量",),
    "disclosed": (RESULTS, "（一）予以公开"),
    "partly_disclosed": (RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "withheld.state_secret": (RESULTS, "（三）不予公开", "1.属于国家秘密"),
    "withheld.prohibited_by_law": (RESULTS, "（三）不予公开", "2.其他法律行政法规禁止公开"),
    "withheld.security_stability": (RESULTS, "（三）不予公开", "3.危及“三安全一稳定”"),
    "withheld.third_party_rights": (RESULTS, "（三）不予公开", "4.保护第三方合法权益"),
    "withheld.internal_affairs": (RESULTS, "（三）不予公开", "5.属于三类内部事务信息"),
    "withheld.process_info": (RESULTS, "（三）不予公开", "6.属于四类过程性信息"),
    "withheld.enforcement_files": (RESULTS, "（三）不予公开", "7.属于行政执法案卷"),
    "withheld.inquiry_matters": (RESULTS, "（三）不予公开", "8.属于行政查询事项"),
    "unavailable.not_held": (RESULTS, "（四）无法提供", "1.本机关不掌握相关政府信息"),
    "unavailable.needs_creation": (RESULTS, "（四）无法提供", "2.没有现成信息需要另行制作"),
    "unavailable.still_unclear": (RESULTS, "（四）无法提供", "3.补正后申请内容仍不明确"),
    "not_processed.petition": (RESULTS, "（五）不予处理", "1.信访举报投诉类申请"),
    "not_processed.duplicate": (RESULTS, "（五）不予处理", "2.重复申请"),
    "not_processed.publication": (RESULTS, "（五）不予处理", "3.要求提供公开出版物"),
    "not_processed.excessive": (RESULTS, "（五）不予处理", "4.无正当理由大量反复申请"),
    "not_processed.confirmation": (RESULTS, "（五）不予处理",
                                   "5.要求行政机关确认或重新出具已获取信息"),
    "other_handling": (RESULTS, "（六）其他处理"),
    "other_handling.no_correction": (RESULTS, "（六）其他处理",
                                     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "other_handling.unpaid_fee": (RESULTS, "（六）其他处理",
                                  "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other_handling.other": (RESULTS, "（六）其他处理", "3.其他"),
    "handled_total": (RESULTS, "（七）总计"),
    "carried_forward": ("四、结转下年度继续办理",),
}
REVIEW_GROUP_LABELS = {"review": "行政复议", "litigation.direct": "未经复议直接起诉",
                       "litigation.after_review": "复议后起诉"}
MEASURE_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果",
                  "pending": "尚未审结", "total": "总计"}
TABLE_TITLES = {"二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况",
                "四": "四、政府信息公开行政复议、行政诉讼情况"}


@dataclass
class Cell:
    text: str = ""
    key: str | None = None      # a figure cell
    header: bool = False
    rowspan: int = 1
    colspan: int = 1


def figure_label(key: str) -> str:
    """A short Chinese label for a key, e.g. 三·（三）不予公开·1.属于国家秘密·自然人."""
    table, rest = key.split(".", 1)
    if table == labels.PROACTIVE:
        row, column = rest.split(".", 1)
        return f"二·{PROACTIVE_ROW_LABELS.get(row, row)}·{PROACTIVE_COLUMN_LABELS.get(column, (column,))[-1]}"
    if table == labels.APPLICATIONS:
        row, column = rest.rsplit(".", 1)
        path = APPLICATION_PATHS.get(row, (row,))
        return "三·" + "·".join(path[1:] if len(path) > 1 else path) + \
            "·" + APPLICANT_LABELS.get(column, column)
    group, measure = key.rsplit(".", 1)
    prefix = "" if group == "review" else "行政诉讼·"
    return f"四·{prefix}{REVIEW_GROUP_LABELS.get(group, group)}·{MEASURE_LABELS.get(measure, measure)}"


def _proactive(template: str) -> list[list[Cell]]:
    rows = labels.PROACTIVE_T2019 if template == "t2019" else labels.PROACTIVE_T2021
    names = PROACTIVE_ROW_LABELS_T2019 if template == "t2019" else PROACTIVE_ROW_LABELS
    width = max(len(columns) for columns in rows.values())
    grid: list[list[Cell]] = []
    previous = None
    for row, columns in rows.items():
        if columns != previous:  # a new block of the table: its own header row
            grid.append([Cell("信息内容", header=True)] + [
                Cell(_column_label(c, template), header=True) for c in columns] +
                ([Cell("", header=True, colspan=width - len(columns))] if len(columns) < width else []))
            previous = columns
        grid.append([Cell(names[row], header=True)] + [
            Cell(key=f"{labels.PROACTIVE}.{row}.{c}") for c in columns] +
            ([Cell("", colspan=width - len(columns))] if len(columns) < width else []))
    return grid


def _column_label(column: str, template: str) -> str:
    choices = PROACTIVE_COLUMN_LABELS.get(column, (column,))
    return choices[-1] if template == "t2021" else choices[0]


def _applications(template: str) -> list[list[Cell]]:
    rows = labels.APPLICATION_ROWS_T2019 if template == "t2019" else labels.APPLICATION_ROWS_T2021
    columns = labels.APPLICANT_COLUMNS
    grid = [
        [Cell("", header=True, rowspan=3, colspan=3), Cell("申请人情况", header=True, colspan=7)],
        [Cell("自然人", header=True, rowspan=2), Cell("法人或其他组织", header=True, colspan=5),
         Cell("总计", header=True, rowspan=2)],
        [Cell(APPLICANT_LABELS[c], header=True) for c in columns[1:6]],
    ]
    paths = [APPLICATION_PATHS[row] for row in rows]
    for row, labels_ in zip(rows, _label_cells(paths, depth=3)):
        grid.append(labels_ + [Cell(key=f"{labels.APPLICATIONS}.{row}.{c}") for c in columns])
    return grid


def _label_cells(paths: list[tuple[str, ...]], depth: int) -> list[list[Cell]]:
    """Row label cells as printed: a group label spans the rows under it, a label
    with no sub-levels spans the remaining label columns."""
    out: list[list[Cell]] = [[] for _ in paths]
    for level in range(depth):
        i = 0
        while i < len(paths):
            path = paths[i]
            if len(path) <= level:
                i += 1
                continue
            span = 1
            while i + span < len(paths) and len(paths[i + span]) > level and \
                    paths[i + span][:level + 1] == path[:level + 1]:
                span += 1
            colspan = depth - level if len(path) == level + 1 else 1
            out[i].append(Cell(path[level], header=True, rowspan=span, colspan=colspan))
            i += span
    return out


def _review() -> list[list[Cell]]:
    measures = labels.REVIEW_MEASURES
    grid = [
        [Cell("行政复议", header=True, colspan=5), Cell("行政诉讼", header=True, colspan=10)],
        [Cell(MEASURE_LABELS[m], header=True, rowspan=2) for m in measures] +
        [Cell("未经复议直接起诉", header=True, colspan=5), Cell("复议后起诉", header=True, colspan=5)],
        [Cell(MEASURE_LABELS[m], header=True) for m in measures] * 2,
        [Cell(key=key) for key in labels.review_keys()],
    ]
    return grid


def tables(template: str) -> list[tuple[str, list[list[Cell]]]]:
    """(title, grid) for tables 二、三、四 of a template; [] for free-format reports."""
    if template not in ("t2019", "t2021"):
        return []
    return [(TABLE_TITLES["二"], _proactive(template)),
            (TABLE_TITLES["三"], _applications(template)),
            (TABLE_TITLES["四"], _review())]


def layout_keys(template: str) -> set[str]:
    return {cell.key for _, grid in tables(template) for row in grid for cell in row if cell.key}
