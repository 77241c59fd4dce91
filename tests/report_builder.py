"""Test-only builder of annual reports in the shapes real portals publish.

The labels and layouts are the national templates' (facts); the prose is our own.
HTML reports carry what portals.md §8 describes: a metadata box and portal chrome,
rowspan/colspan headers, Word-style <p><span> noise with <o:p> and &nbsp;, 商业/企业
split over two paragraphs, 合计 for 总计, 结果维护 for 结果维持, and table 三 split
over two <table> elements.
"""
from __future__ import annotations

import itertools

# The templates' keys and printed labels as the test bed spells them (simulator/), never
# the parser's own tables: a row the parser forgets is still printed and expected here.
from simulator import figures as T
from simulator.report_body import GROUP_LABELS, ROW_LABELS

COLUMNS = T.APPLICATION_COLUMNS
PARTS = COLUMNS[:-1]

RESULTS_LABEL = "三、本年度办理结果"
PROACTIVE = {template: dict(T.proactive_rows(template)) for template in T.TEMPLATES}
REVIEW_KEYS = [f"{group}.{column}" for group in T.REVIEW_GROUPS for column in T.REVIEW_COLUMNS]


# ---------------------------------------------------------------- figures

def sample_figures(template: str = "t2019", *, blanks: tuple[str, ...] = (),
                   seed: int = 3) -> dict:
    """A consistent set of figures: rows add up, columns balance, review totals hold.
    Keys listed in `blanks` are printed blank (None)."""
    counter = itertools.count(seed)
    rows = T.application_rows(template)
    handled = [r for r in rows if r not in ("new_received", "carried_over", "handled_total",
                                            "carried_forward")]
    f: dict = {}
    for n, row in enumerate(handled):
        for m, col in enumerate(PARTS):
            f[f"applications.{row}.{col}"] = (next(counter) * (n + 1) + m) % 7 if m < 2 else \
                (n + m) % 3
    for col in PARTS:
        f[f"applications.handled_total.{col}"] = sum(f[f"applications.{r}.{col}"] for r in handled)
        f[f"applications.carried_forward.{col}"] = (len(col) % 4)
        f[f"applications.carried_over.{col}"] = (len(col) % 3)
        f[f"applications.new_received.{col}"] = (f[f"applications.handled_total.{col}"]
                                                 + f[f"applications.carried_forward.{col}"]
                                                 - f[f"applications.carried_over.{col}"])
    for row in rows:
        f[f"applications.{row}.total"] = sum(f[f"applications.{row}.{c}"] for c in PARTS)
    review = {"review": (3, 1, 0, 2), "litigation.direct": (1, 0, 1, 1),
              "litigation.after_review": (0, 2, 0, 0)}
    for group, parts in review.items():
        for measure, value in zip(T.REVIEW_COLUMNS, (*parts, sum(parts))):
            f[f"{group}.{measure}"] = value
    if template == "t2019":
        proactive = {"rules": (2, 2, 41), "normative_docs": (7, 6, 120),
                     "licensing": (96, -3, 1520), "other_services": (14, 0, 210),
                     "penalty": (33, 2, 87), "coercion": (5, 0, 9),
                     "fees": (4, -1), "procurement": (12, 3056.5)}
        columns = PROACTIVE["t2019"]
    else:
        proactive = {"rules": (1, 0, 18), "normative_docs": (9, 2, 64),
                     "licensing": (1432,), "penalty": (77,), "coercion": (6,),
                     "fees": (12.35,)}
        columns = PROACTIVE["t2021"]
    for row, values in proactive.items():
        for col, value in zip(columns[row], values):
            f[f"proactive.{row}.{col}"] = value
    for key in blanks:
        f[key] = None
    return f


def with_derived(figures: dict) -> dict:
    """What the extractor adds for t2021: （六）其他处理 as the sum of its three rows."""
    out = dict(figures)
    for col in COLUMNS:
        parts = [figures.get(f"applications.{p}.{col}") for p in T.OTHER_HANDLING_T2021]
        if all(isinstance(v, (int, float)) for v in parts) and \
                f"applications.other_handling.{col}" not in figures:
            out[f"applications.other_handling.{col}"] = sum(parts)
    return out


# ---------------------------------------------------------------- Word-style HTML

_P = ("<p class=MsoNormal align=center style='text-align:center;mso-line-height-rule:"
      "exactly;line-height:15.0pt'>{}<span lang=EN-US style='font-size:10.5pt'><o:p></o:p>"
      "</span></p>")
_SPAN = "<span style='font-size:10.5pt;font-family:仿宋_GB2312;mso-hansi-font-family:宋体'>{}</span>"


def _word(text: str, split: bool = False) -> str:
    if split and len(text) > 2:
        third = max(1, len(text) // 3)
        pieces = [text[:third], text[third:2 * third], text[2 * third:]]
        return _P.format("".join(_SPAN.format(p) for p in pieces))
    return _P.format(_SPAN.format(text))


_variant = itertools.cycle(range(4))


def _number(value) -> str:
    kind = next(_variant)
    if value is None:
        return "<p>&nbsp;</p>" if kind % 2 else "<p><o:p>&nbsp;</o:p></p>"
    text = str(value)
    if kind == 1:
        text = f"&nbsp;{text}"
    elif kind == 2:
        text = f"{text}&nbsp;"
    elif kind == 3 and len(text) > 1:   # one number in two spans
        return _P.format(_SPAN.format(text[0]) + _SPAN.format(text[1:]))
    return _P.format(_SPAN.format(text))


def _td(content: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f" rowspan={rowspan}" if rowspan > 1 else "") + \
            (f" colspan={colspan}" if colspan > 1 else "")
    return (f"<td{attrs} valign=top style='border:solid windowtext 1.0pt;mso-border-alt:"
            f"solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>{content}</td>")


def _table(rows: list[str]) -> str:
    return ("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-"
            "collapse:collapse;mso-table-layout-alt:fixed'><tbody>"
            + "".join(f"<tr style='height:20.0pt'>{r}</tr>" for r in rows) + "</tbody></table>")


def _proactive_html(template: str, f: dict) -> str:
    rows = []

    def block(item: str, headers: list[tuple[str, int]], data: list[tuple[str, str]],
              value_spans: list[int]):
        rows.append(_td(_word(f"第二十条第（{item}）项"), colspan=5))
        rows.append(_td(_word("信息内容")) + "".join(_td(_word(h), colspan=c) for h, c in headers))
        for label, row in data:
            cols = (PROACTIVE["t2019"] if template == "t2019" else PROACTIVE["t2021"])[row]
            rows.append(_td(_word(label)) + "".join(
                _td(_number(f[f"proactive.{row}.{col}"]), colspan=span)
                for col, span in zip(cols, value_spans)))

    if template == "t2019":
        block("一", [("本年新<br/>制作数量", 1), ("本年新<br/>公开数量", 2), ("对外公开总数量", 1)],
              [("规    章", "rules"), ("规范性文件", "normative_docs")], [1, 2, 1])
        # Word often misaligns a data row's colspans with its header's
        block("五", [("上一年项目数量", 1), ("本年增/减", 2), ("处理决定数量", 1)],
              [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")], [2, 1, 1])
        block("六", [("上一年项目数量", 1), ("本年增/减", 2), ("处理决定数量", 1)],
              [("行政处罚", "penalty"), ("行政强制", "coercion")], [2, 1, 1])
        block("八", [("上一年项目数量", 2), ("本年增/减", 2)],
              [("行政事业性收费", "fees")], [2, 2])
        block("九", [("采购项目数量", 2), ("采购总金额", 2)],
              [("政府集中采购", "procurement")], [2, 2])
    else:
        block("一", [("本年制发件数", 1), ("本年废止件数", 2), ("现行有效件数", 1)],
              [("规章", "rules"), ("行政规范性文件", "normative_docs")], [1, 2, 1])
        block("五", [("本年处理决定数量", 4)], [("行政许可", "licensing")], [4])
        block("六", [("本年处理决定数量", 4)],
              [("行政处罚", "penalty"), ("行政强制", "coercion")], [4])
        block("八", [("本年收费金额（单位：万元）", 4)], [("行政事业性收费", "fees")], [4])
    return _table(rows)


def _values(f: dict, row: str) -> str:
    return "".join(_td(_number(f[f"applications.{row}.{col}"])) for col in COLUMNS)


def _applications_html(template: str, f: dict, total_label: str,
                       split_before: str | None, flat_header: bool = False) -> list[str]:
    header = [
        _td(_word("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
            rowspan=3, colspan=3) + _td(_word("申请人情况"), colspan=7),
        _td(_word("自然人"), rowspan=2) + _td(_word("法人或其他组织"), colspan=5)
        + _td(_word(total_label), rowspan=2),
        _td("<p><span>商业</span></p><p><span>企业</span></p>")
        + "".join(_td(_word(t)) for t in ("科研机构", "社会公益组织", "法律服务机构", "其他")),
    ]
    if flat_header:     # no 申请人情况 / 法人或其他组织 rows: the seven types side by side
        header = [_td(_word("申请人情况"), colspan=3) + "".join(
            _td(_word(t)) for t in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                                    "其他", total_label))]
    top = [_td(_word(ROW_LABELS[r]), colspan=3) + _values(f, r)
           for r in ("new_received", "carried_over")]
    rows = T.application_rows(template)
    results = [r for r in rows if r not in ("new_received", "carried_over", "carried_forward")]
    body: list[tuple[str, str]] = []          # (row key, html of its cells)
    for row in results:
        group = row.split(".")[0] if "." in row else None
        members = [r for r in results if r.startswith(f"{group}.")] if group else []
        cells = ""
        if group and members[0] == row:
            cells += _td(_word(GROUP_LABELS[group], split=True), rowspan=len(members))
        label = ROW_LABELS[row]
        cells += _td(_word(label, split="三安全" in label), colspan=1 if group else 2)
        body.append((row, cells + _values(f, row)))
    end = _td(_word(ROW_LABELS["carried_forward"]), colspan=3) + _values(f, "carried_forward")

    cut = [r for r, _ in body].index(split_before) if split_before else len(body)
    first = [_td(_word(RESULTS_LABEL), rowspan=cut) + body[0][1]] + [h for _, h in body[1:cut]]
    tables = [header + top + first]
    if cut < len(body):
        # the continuation has no header; the tall group cell goes on, empty
        rest = [h for _, h in body[cut:]]
        rest[0] = _td("<p>&nbsp;</p>", rowspan=len(rest)) + rest[0]
        tables.append(rest + [end])
    else:
        tables[0].append(end)
    return [_table(t) for t in tables]


def _applications_transposed_html(template: str, f: dict, total_label: str) -> str:
    """Table 三 turned: one row per applicant type, one column per result row."""
    rows = T.application_rows(template)
    results = [r for r in rows if r not in ("new_received", "carried_over", "carried_forward")]
    top = (_td(_word("申请人情况"), rowspan=3, colspan=2)
           + "".join(_td(_word(ROW_LABELS[r]), rowspan=3) for r in ("new_received", "carried_over"))
           + _td(_word(RESULTS_LABEL), colspan=len(results))
           + _td(_word(ROW_LABELS["carried_forward"]), rowspan=3))
    middle, bottom = "", ""
    for row in results:
        group = row.split(".")[0] if "." in row else None
        members = [r for r in results if r.startswith(f"{group}.")] if group else []
        if group and members[0] == row:
            middle += _td(_word(GROUP_LABELS[group]), colspan=len(members))
        if group:
            bottom += _td(_word(ROW_LABELS[row]))
        else:
            middle += _td(_word(ROW_LABELS[row]), rowspan=2)
    order = ("new_received", "carried_over", *results, "carried_forward")
    body = []
    for col, label in zip(COLUMNS, ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                                    "其他", total_label)):
        lead = _td(_word(label), colspan=2) if col in ("natural_person", "total") else \
            _td(_word(label))
        if col == "commercial":
            lead = _td(_word("法人或其他组织"), rowspan=5) + lead
        body.append(lead + "".join(_td(_number(f[f"applications.{r}.{col}"])) for r in order))
    return _table([top, middle, bottom, *body])


def _review_transposed_html(f: dict, upheld_label: str) -> str:
    """Table 四 with one row per group."""
    measures = [upheld_label, "结果纠正", "其他结果", "尚未审结", "总计"]
    values = lambda g: "".join(_td(_number(f[f"{g}.{m}"])) for m in T.REVIEW_COLUMNS)  # noqa
    return _table([
        _td("<p>&nbsp;</p>", colspan=2) + "".join(_td(_word(m)) for m in measures),
        _td(_word("行政复议"), colspan=2) + values("review"),
        _td(_word("行政诉讼"), rowspan=2) + _td(_word("未经复议直接起诉")) + values("litigation.direct"),
        _td(_word("复议后起诉")) + values("litigation.after_review"),
    ])


def _review_html(f: dict, upheld_label: str) -> str:
    measures = [upheld_label, "结果<br/>纠正", "其他<br/>结果", "尚未<br/>审结", "总计"]
    rows = [
        _td(_word("行政复议"), colspan=5) + _td(_word("行政诉讼"), colspan=10),
        "".join(_td(_word(m), rowspan=2) for m in measures)
        + _td(_word("未经复议直接起诉"), colspan=5) + _td(_word("复议后起诉"), colspan=5),
        "".join(_td(_word(m)) for m in measures * 2),
        "".join(_td(_number(f[k])) for k in REVIEW_KEYS),
    ]
    return _table(rows)


def html_report(template: str, figures: dict, *, agency: str = "青溪镇", year: int | None = None,
                published: str = "2022-01-18 09:30:00", narrative: int | None = None,
                total_label: str = "合计", upheld_label: str = "结果维护",
                split_before: str | None = "unavailable.not_held",
                omit_review: bool = False, charset: str = "utf-8", transposed: bool = False,
                flat_header: bool = False, halfwidth: bool = False) -> str:
    year = year or (2020 if template == "t2019" else 2021)
    title = f"{agency}{year}年政府信息公开工作年度报告"
    said = narrative if narrative is not None else figures.get(
        "applications.new_received.total")
    prose = [
        "<p>本报告由青溪镇人民政府根据《中华人民共和国政府信息公开条例》编制，"
        f"所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>",
        "<p style='mso-line-height-rule:exactly'><span>一、</span><span>总体情况</span></p>",
        f"<p>{year}年，本镇把政务公开当作日常功课来做，栏目按月核对，办件按周回访。</p>",
        f"<p>全年共收到政府信息公开申请{said}件，均在法定期限内答复。</p>",
        "<p>二、主动公开政府信息情况</p>", _proactive_html(template, figures),
        "<p>三、收到和处理政府信息公开申请情况</p>",
        *([_applications_transposed_html(template, figures, total_label)] if transposed else
          _applications_html(template, figures, total_label, split_before, flat_header)),
        "<p>四、政府信息公开行政复议、行政诉讼情况</p>",
        "" if omit_review else (_review_transposed_html if transposed else _review_html)(
            figures, upheld_label),
        "<p>五、存在的主要问题及改进情况</p>",
        "<p>栏目更新时快时慢，下一年排出固定的更新日程。</p>",
        "<p>六、其他需要报告的事项</p>", "<p>本年度未收取信息处理费。</p>",
    ]
    body = "".join(prose)
    if halfwidth:      # labels typed with ASCII brackets: (一)予以公开, (七)总计
        body = body.replace("（", "(").replace("）", ")")
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="PubDate" content="{published}">
<title>{title}_政府信息公开年报_示例县人民政府</title>
<style>.MsoNormal{{font-family:宋体}}</style>
<script>var channels = ["一、总体情况", "本年新收", "行政复议"];</script></head>
<body><div class="nav"><ul><li>首页</li><li>政务公开</li><li>政府信息公开年报</li></ul></div>
<table class="xxgk_meta"><tr><td>索引号</td><td>QX001/{year + 1}-00003</td><td>发布机构</td>
<td>{agency}人民政府</td></tr><tr><td>公开日期</td><td>{published[:10]}</td><td>文号</td><td></td></tr>
</table>
<div class="article"><h1>{title}</h1><div class="TRS_Editor">{body}</div></div>
<div class="footer"><p>版权所有：示例县人民政府 网站标识码 0000000000</p></div>
</body></html>"""


# ---------------------------------------------------------------- TAB page text

def _cells(*texts) -> str:
    return "".join(f"\t{t}\n" for t in texts) + "\n"


def _v(value) -> str:
    return "" if value is None else str(value)


def tab_text_report(figures: dict, *, short_rows: tuple[str, ...] = (), agency: str = "石桥乡",
                    year: int = 2020) -> str:
    """Plain page text of a t2019 report: a TAB-led line per cell, blank line per row.
    Rows in `short_rows` lose two of their seven figures, as the seed report's do."""
    f = figures
    out = [f"{agency}{year}年政府信息公开工作年度报告\n\n",
           f"本报告的统计期限为{year}年1月1日至{year}年12月31日。\n\n",
           "1、 总体情况\n",
           f"{year}年，{agency}人民政府把公开工作落到每一个办件上。\n",
           f"全年共收到政府信息公开申请{f['applications.new_received.total']}件。\n\n",
           "二、主动公开政府信息情况\n"]
    table = [_cells("第二十条第（一）项"),
             _cells("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")]
    for label, row in (("规    章", "rules"), ("规范性文件", "normative_docs")):
        table.append(_cells(label, *(_v(f[f"proactive.{row}.{c}"])
                                     for c in PROACTIVE["t2019"][row])))
    for item, labels in (("五", (("行政许可", "licensing"), ("其他对外管理服务事项", "other_services"))),
                         ("六", (("行政处罚", "penalty"), ("行政强制", "coercion")))):
        table += [_cells(f"第二十条第（{item}）项"),
                  _cells("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")]
        for label, row in labels:
            table.append(_cells(label, *(_v(f[f"proactive.{row}.{c}"])
                                         for c in PROACTIVE["t2019"][row])))
    table += [_cells("第二十条第（八）项"), _cells("信息内容", "上一年项目数量", "本年增/减"),
              _cells("行政事业性收费", _v(f["proactive.fees.prev_count"]),
                     _v(f["proactive.fees.change"])),
              _cells("第二十条第（九）项"), _cells("信息内容", "采购项目数量", "采购总金额"),
              _cells("政府集中采购", _v(f["proactive.procurement.projects"]),
                     _v(f["proactive.procurement.amount"]))]
    out += table + ["\n\n三、收到和处理政府信息公开申请情况\n"]

    apps = [_cells("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", "申请人情况"),
            _cells("", "自然人", "法人或其他组织", "总计"),
            "\t\n\t\n\t商业\n企业\n\t科研\n机构\n\t社会公益组织\n\t法律服务机构\n\t其他\n\t\n\n"]
    previous_group = None
    for row in T.application_rows("t2019"):
        values = [_v(f[f"applications.{row}.{c}"]) for c in COLUMNS]
        if row in short_rows:
            values = values[:4] + values[6:]
        group = row.split(".")[0] if "." in row else None
        lead: list[str] = []
        if row == "disclosed":
            lead = [RESULTS_LABEL]
        elif row not in ("new_received", "carried_over", "carried_forward"):
            lead = [""]
        if group:
            lead.append(GROUP_LABELS[group] if group != previous_group else "")
        previous_group = group
        apps.append(_cells(*lead, ROW_LABELS[row], *values))
    out += apps + ["\n\n四、政府信息公开行政复议、行政诉讼情况\n"]
    measures = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    out += [
        "\t行政复议\n（因政府信息公开被行政复议）\n\t行政诉讼\n（因政府信息公开被行政诉讼）\n\n",
        _cells(*measures, "未经复议直接起诉", "复议后起诉"),
        _cells("", "", "", "", "", *measures, *measures),
        _cells(*(_v(f[k]) for k in REVIEW_KEYS)),
        "\n\n五、存在的主要问题及改进情况\n公开栏目的更新节奏还不均衡。\n\n六、其他需要报告的事项\n无。\n",
    ]
    return "".join(out)
