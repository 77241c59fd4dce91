"""What a report prints, whatever page or file carries it: the templates' labels as
published, its three statistical tables as cell grids, its prose, and the tables as HTML.

The portal's pages (render.py) and attachments (documents.py, forms.py) all print from here.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from . import figures as F
from .profiles import profile_of

if TYPE_CHECKING:
    from .reports import Report

# --- labels (facts of the national templates) -----------------------------------------------

APPLICANT_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
}

ROW_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "disclosed": "（一）予以公开",
    "partly_disclosed": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld.state_secret": "1.属于国家秘密",
    "withheld.prohibited_by_law": "2.其他法律行政法规禁止公开",
    "withheld.security_stability": "3.危及“三安全一稳定”",
    "withheld.third_party_rights": "4.保护第三方合法权益",
    "withheld.internal_affairs": "5.属于三类内部事务信息",
    "withheld.process_info": "6.属于四类过程性信息",
    "withheld.enforcement_files": "7.属于行政执法案卷",
    "withheld.inquiry_matters": "8.属于行政查询事项",
    "unavailable.not_held": "1.本机关不掌握相关政府信息",
    "unavailable.needs_creation": "2.没有现成信息需要另行制作",
    "unavailable.still_unclear": "3.补正后申请内容仍不明确",
    "not_processed.petition": "1.信访举报投诉类申请",
    "not_processed.duplicate": "2.重复申请",
    "not_processed.publication": "3.要求提供公开出版物",
    "not_processed.excessive": "4.无正当理由大量反复申请",
    "not_processed.confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_handling": "（六）其他处理",
    "other_handling.no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_handling.unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_handling.other": "3.其他",
    "handled_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}

GROUP_LABELS = {
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other_handling": "（六）其他处理",
}

BALANCE_NOTE = "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"

PROACTIVE_LABELS = {
    "rules": ("规章", "规章"),  # (t2019, t2021)
    "normative_docs": ("规范性文件", "行政规范性文件"),
    "licensing": ("行政许可", "行政许可"),
    "other_services": ("其他对外管理服务事项", None),
    "penalty": ("行政处罚", "行政处罚"),
    "coercion": ("行政强制", "行政强制"),
    "fees": ("行政事业性收费", "行政事业性收费"),
    "procurement": ("政府集中采购", None),
}

REVIEW_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}

SECTION_TITLES = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

# --- the table model ------------------------------------------------------------------------


@dataclass
class Cell:
    text: str = ""  # "\n" separates printed lines (paragraphs) inside the cell
    rowspan: int = 1
    colspan: int = 1
    blank: bool = False  # a value cell printed blank (truth None)
    value: bool = False  # a figure cell


Table = list  # list[list[Cell]]


def fmt_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def _label(report: Report, standard: str) -> str:
    return report.style.get("labels", {}).get(standard, standard)


def _vcell(report: Report, key: str, colspan: int = 1) -> Cell:
    if key in report.figures:
        v = report.figures[key]
    else:  # damaged cell: print what was generated, the truth does not claim it
        v = report.values.get(key)
    return Cell(fmt_value(v), colspan=colspan, blank=v is None, value=True)


def table_proactive(report: Report) -> Table:
    rows: Table = []
    head = lambda t: [Cell(t, colspan=4)]  # noqa: E731
    if report.template == "t2019":
        cols_a = ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
        cols_b = ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
        rows.append(head("第二十条第（一）项"))
        rows.append([Cell(t) for t in cols_a])
        for row in ("rules", "normative_docs"):
            label = _label(report, PROACTIVE_LABELS[row][0])
            rows.append([Cell(label)] + [_vcell(report, f"proactive.{row}.{c}") for c in ("made", "published", "total_published")])
        for clause, group in (("（五）", ("licensing", "other_services")), ("（六）", ("penalty", "coercion"))):
            rows.append(head(f"第二十条第{clause}项"))
            rows.append([Cell(t) for t in cols_b])
            for row in group:
                rows.append([Cell(PROACTIVE_LABELS[row][0])] + [_vcell(report, f"proactive.{row}.{c}") for c in ("prev_count", "change", "decisions")])
        rows.append(head("第二十条第（八）项"))
        rows.append([Cell("信息内容"), Cell("上一年项目数量"), Cell("本年增/减", colspan=2)])
        rows.append([Cell("行政事业性收费"), _vcell(report, "proactive.fees.prev_count"), _vcell(report, "proactive.fees.change", 2)])
        rows.append(head("第二十条第（九）项"))
        rows.append([Cell("信息内容"), Cell("采购项目数量"), Cell("采购总金额", colspan=2)])
        rows.append([Cell("政府集中采购"), _vcell(report, "proactive.procurement.projects"), _vcell(report, "proactive.procurement.amount", 2)])
    else:
        rows.append(head("第二十条第（一）项"))
        rows.append([Cell(t) for t in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")])
        for row in ("rules", "normative_docs"):
            rows.append([Cell(_label(report, PROACTIVE_LABELS[row][1]))] + [_vcell(report, f"proactive.{row}.{c}") for c in ("made", "repealed", "valid")])
        for clause, group in (("（五）", ("licensing",)), ("（六）", ("penalty", "coercion"))):
            rows.append(head(f"第二十条第{clause}项"))
            rows.append([Cell("信息内容"), Cell("本年处理决定数量", colspan=3)])
            for row in group:
                rows.append([Cell(PROACTIVE_LABELS[row][1]), _vcell(report, f"proactive.{row}.decisions", 3)])
        rows.append(head("第二十条第（八）项"))
        rows.append([Cell("信息内容"), Cell("本年收费金额（单位：万元）", colspan=3)])
        rows.append([Cell("行政事业性收费"), _vcell(report, "proactive.fees.amount_10k_yuan", 3)])
    return rows


def table_applications(report: Report) -> Table:
    t = report.template
    seed_layout = report.style.get("seed_layout", False)
    short = set(report.style.get("short_rows", []))
    short_cells = report.style.get("short_cells", 7)
    total_label = report.style.get("total_label", "总计")
    org = [APPLICANT_LABELS[c] for c in F.ORG_COLUMNS]
    if seed_layout:
        org[0], org[1] = "商业\n企业", "科研\n机构"
    rows: Table = [
        [Cell(BALANCE_NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell(total_label, rowspan=2)],
        [Cell(x) for x in org],
    ]

    def values(row: str) -> list[Cell]:
        cols = F.APPLICATION_COLUMNS
        if row in short:
            cols = cols[:short_cells]
        return [_vcell(report, f"applications.{row}.{c}") for c in cols]

    rows.append([Cell(ROW_LABELS["new_received"], colspan=3)] + values("new_received"))
    rows.append([Cell(ROW_LABELS["carried_over"], colspan=3)] + values("carried_over"))
    outcome_span = len(F.outcome_rows(t)) + 1
    first = [Cell("三、本年度办理结果", rowspan=outcome_span)]
    rows.append(first + [Cell(_label(report, ROW_LABELS["disclosed"]), colspan=2)] + values("disclosed"))
    rows.append([Cell(_label(report, ROW_LABELS["partly_disclosed"]), colspan=2)] + values("partly_disclosed"))
    groups = [("withheld", F.WITHHELD_ROWS), ("unavailable", F.UNAVAILABLE_ROWS), ("not_processed", F.NOT_PROCESSED_ROWS)]
    if t == "t2021":
        groups.append(("other_handling", F.OTHER_HANDLING_T2021))
    for group, group_rows in groups:
        for i, row in enumerate(group_rows):
            lead = [Cell(GROUP_LABELS[group], rowspan=len(group_rows))] if i == 0 else []
            rows.append(lead + [Cell(_label(report, ROW_LABELS[row]))] + values(row))
    if t == "t2019":
        rows.append([Cell(ROW_LABELS["other_handling"], colspan=2)] + values("other_handling"))
    rows.append([Cell(ROW_LABELS["handled_total"], colspan=2)] + values("handled_total"))
    rows.append([Cell(ROW_LABELS["carried_forward"], colspan=3)] + values("carried_forward"))
    return rows


def table_review(report: Report) -> Table:
    seed_layout = report.style.get("seed_layout", False)
    review = "行政复议\n（因政府信息公开被行政复议）" if seed_layout else "行政复议"
    lawsuit = "行政诉讼\n（因政府信息公开被行政诉讼）" if seed_layout else "行政诉讼"
    labels = [_label(report, REVIEW_LABELS[c]) for c in F.REVIEW_COLUMNS]
    rows: Table = [
        [Cell(review, colspan=5), Cell(lawsuit, colspan=10)],
        [Cell(x, rowspan=2) for x in labels] + [Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(x) for x in labels * 2],
        [_vcell(report, f"{g}.{c}") for g in F.REVIEW_GROUPS for c in F.REVIEW_COLUMNS],
    ]
    return rows


# --- prose ----------------------------------------------------------------------------------


def _pick(rng: random.Random, options):
    return options[rng.randrange(len(options))]


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _phone(report: Report) -> str:
    r = random.Random(f"phone:{report.agency.code}")
    return f"{profile_of(report.agency).phone}{r.randint(10000, 99999)}"


@dataclass
class _Voice:
    """Who speaks in a report's prose, and how."""
    who: str
    full: str
    office: str
    gov: str
    prof: object
    items_published: int


def _voice(report: Report, rng: random.Random) -> _Voice:
    a = report.agency
    prof = profile_of(a)
    gov = f"{prof.level}政府"
    who = a.short_name if a.kind == "township" else ("本机关" if a.kind == "department" else gov)
    office = {"township": "党政综合办公室", "department": "办公室", "county_government": f"{gov}办公室"}[a.kind]
    items_published = rng.randint(40, 400) if a.kind != "county_government" else rng.randint(900, 3000)
    return _Voice(who, a.name, office, gov, prof, items_published)


def compose_blocks(report: Report) -> list[tuple]:
    """The report body as blocks: ("para"|"heading"|"subheading", text) or ("table", name, rows).

    One random stream per report, drawn in reading order, so a report reads the same each time."""
    rng = random.Random(f"{report.seed}:{report.agency.code}:{report.report_year}:prose")
    voice = _voice(report, rng)
    return (_introduction(report, rng, voice) + _overview(report, rng, voice)
            + _tables(report) + _closing(report, rng, voice))


def _introduction(report: Report, rng: random.Random, voice: _Voice) -> list[tuple]:
    y, full, office, prof = report.report_year, voice.full, voice.office, voice.prof
    blocks: list[tuple] = []
    intro = _pick(
        rng,
        [
            "本报告由{full}依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级关于年度报告格式的要求编制，"
            "分为总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
            "存在的主要问题及改进情况、其他需要报告的事项六个部分。",
            "根据《中华人民共和国政府信息公开条例》规定，{full}汇总本单位政府信息公开工作有关数据，编制本年度报告。",
            "为全面反映政府信息公开工作情况，{full}按照《条例》要求和统一格式编写本报告。",
        ],
    ).format(full=full)
    intro += f"报告所列数据的统计时段为{y}年1月1日至{y}年12月31日。"
    intro += _pick(
        rng,
        [
            f"报告电子版可在{prof.portal}（{prof.domain}）查阅。",
            f"公众可登录{prof.portal}（{prof.domain}）查阅本报告。",
        ],
    )
    intro += f"对本报告有疑问的，请与{full}{office}联系（电话：{_phone(report)}）。"
    blocks.append(("para", intro))

    return blocks


def _overview(report: Report, rng: random.Random, voice: _Voice) -> list[tuple]:
    """总体情况: what was published, requests answered, how information is managed."""
    y, v, who, prof, gov = report.report_year, report.values, voice.who, voice.prof, voice.gov
    items_published = voice.items_published
    n = v["applications.new_received.total"]
    co = v["applications.carried_over.total"]
    ht = v["applications.handled_total.total"]
    cf = v["applications.carried_forward.total"]
    blocks: list[tuple] = []
    blocks.append(("heading", SECTION_TITLES[0]))
    blocks.append(("para", _pick(rng, [
        f"{y}年，{who}把政务公开作为转变作风、服务群众的重要抓手，围绕中心工作推进决策、执行、管理、服务、结果公开，各项工作有序开展。",
        f"{y}年，{who}按照{prof.level}委、{prof.level}政府部署，将政府信息公开工作纳入年度重点任务，明确分管领导和具体经办人员，工作总体平稳。",
        f"一年来，{who}坚持公开为常态、不公开为例外，不断完善工作机制，政府信息公开的质量和时效有所提升。",
    ])))
    blocks.append(("subheading", "（一）主动公开"))
    topics = "、".join(rng.sample(["财政资金", "民生保障", "乡村振兴", "安全生产", "行政执法", "重大项目", "人事任免", "应急管理"], 3))
    proactive = f"全年通过{prof.portal}信息公开平台主动公开各类信息{items_published}条，内容涉及{topics}等方面。"
    if report.template == "t2021":
        valid = v["proactive.normative_docs.valid"]
        proactive += f"截至{y}年底，现行有效的行政规范性文件{valid}件。" if valid else "本年度未制发行政规范性文件。"
    else:
        total_pub = v["proactive.normative_docs.total_published"]
        if total_pub:
            proactive += f"规范性文件对外公开总数量为{total_pub}件。"
    blocks.append(("para", proactive))
    blocks.append(("subheading", "（二）依申请公开"))
    if n == 0 and co == 0:
        dep = _pick(rng, ["本年度未收到政府信息公开申请，也无上年结转的申请。", f"{y}年，{who}未收到政府信息公开申请。"])
    else:
        dep = f"全年共收到政府信息公开申请{n}件，上年结转{co}件"
        if cf:
            dep += f"，已办结{ht}件，结转下年度继续办理{cf}件。"
        else:
            dep += f"，共办结{ht}件，均在法定期限内予以答复。"
    review_total = v["review.total"]
    lit_total = v["litigation.direct.total"] + v["litigation.after_review.total"]
    if review_total == 0 and lit_total == 0:
        dep += "全年未发生因政府信息公开引起的行政复议和行政诉讼。"
    else:
        dep += f"因政府信息公开被申请行政复议{review_total}件，被提起行政诉讼{lit_total}件。"
    blocks.append(("para", dep))
    blocks.append(("subheading", "（三）政府信息管理"))
    blocks.append(("para", _pick(rng, [
        "严格执行信息发布审核制度，坚持先审后发，对拟公开信息逐条核对，防止涉密和敏感信息上网。",
        "落实信息发布“三审”机制，明确起草、审核、签发各环节责任，确保公开内容准确规范。",
        "对照政务公开事项标准目录梳理公开内容，及时更新调整，做到应公开尽公开。",
    ])))
    blocks.append(("subheading", "（四）平台建设"))
    blocks.append(("para", _pick(rng, [
        f"依托{gov}网站信息公开专栏集中发布信息，同时利用政务新媒体扩大传播范围。",
        "持续维护信息公开专栏，规范栏目设置，及时清理过期内容，方便群众查找。",
        "在办事大厅设置政府信息查阅点，与网站专栏互为补充，拓宽群众获取信息的渠道。",
    ])))
    blocks.append(("subheading", "（五）监督保障"))
    blocks.append(("para", _pick(rng, [
        "将政务公开纳入年度工作考核，定期自查整改，主动接受群众和社会各界监督。",
        "公开监督电话，畅通意见反馈渠道，对群众反映的问题及时核实处理。",
        "组织工作人员参加业务培训，提升依法公开的意识和能力。",
    ])))

    return blocks


def _tables(report: Report) -> list[tuple]:
    blocks: list[tuple] = []
    blocks.append(("heading", SECTION_TITLES[1]))
    blocks.append(("table", "proactive", table_proactive(report)))
    blocks.append(("heading", SECTION_TITLES[2]))
    blocks.append(("table", "applications", table_applications(report)))
    blocks.append(("heading", SECTION_TITLES[3]))
    blocks.append(("table", "review", table_review(report)))

    return blocks


def _closing(report: Report, rng: random.Random, voice: _Voice) -> list[tuple]:
    """Problems and improvements, other matters, signature and date."""
    who, full = voice.who, voice.full
    blocks: list[tuple] = []
    blocks.append(("heading", SECTION_TITLES[4]))
    problems = rng.sample(
        [
            "公开内容的深度和广度还不够，解读类信息偏少",
            "信息更新有时不够及时",
            "工作人员业务能力有待进一步提高",
            "政务新媒体发布形式较为单一",
            "基层公开事项目录梳理还不够细",
        ],
        2,
    )
    blocks.append(("para", f"本年度工作仍存在一些不足：一是{problems[0]}；二是{problems[1]}。"))
    blocks.append(("para", _pick(rng, [
        f"下一步，{who}将加强业务学习，细化公开目录，提高信息发布的时效性和可读性。",
        f"针对上述问题，{who}将完善工作制度，加大培训力度，推动政府信息公开工作规范化、常态化。",
        f"{who}将以问题为导向，逐项落实整改，进一步提升政务公开工作水平。",
    ])))
    blocks.append(("heading", SECTION_TITLES[5]))
    if report.template == "t2021":
        blocks.append(("para", f"本年度{who}未收取政府信息公开信息处理费。" + _pick(rng, ["无其他需要报告的事项。", "其他事项无。"])))
    else:
        blocks.append(("para", _pick(rng, ["无其他需要报告的事项。", "本年度无其他需要报告的事项。"])))
    blocks.append(("sign", full))
    blocks.append(("sign", _cn_date(report.published)))
    return blocks


# --- HTML helpers ---------------------------------------------------------------------------

E = html.escape


def _cell_html(cell: Cell, word: bool) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if word:
        attrs += ' valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
    if cell.blank:
        return f"<td{attrs}><p>&nbsp;</p></td>"
    lines = cell.text.split("\n")
    if word:
        inner = "".join(
            '<p class="MsoNormal" align="center" style="text-align:center">'
            f'<span style="font-family:仿宋_GB2312;font-size:12.0pt">{E(line)}</span></p>'
            for line in lines
        )
    else:
        inner = "<br/>".join(E(line) for line in lines)
    return f"<td{attrs}>{inner}</td>"


def table_html(rows: Table, word: bool = False) -> str:
    if word:
        head = '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;border:none">'
    else:
        head = '<table border="1" cellspacing="0" cellpadding="0" width="100%">'
    body = "\n".join("<tr>" + "".join(_cell_html(c, word) for c in row) + "</tr>" for row in rows)
    return f"{head}\n<tbody>\n{body}\n</tbody>\n</table>"
