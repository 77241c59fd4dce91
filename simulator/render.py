"""Rendering of the simulated portal (Ganzhou 集约化 CMS style) and the request router.

Pages are produced from the model only.  ``respond(portal, method, path)`` is the whole web
site as a pure function; ``server.PortalServer`` only puts it on a socket.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urlsplit

from . import figures as F
from .profiles import profile_of
from .model import (
    DEPARTMENT_NAV,
    SECTION,
    SITE_DOMAIN,
    SITE_ID_CODE,
    SITE_NAME,
    TOWNSHIP_NAV,
    Agency,
    Column,
    Item,
    Portal,
    Report,
    list_path,
    nav_path,
)

HTML_TYPE = "text/html; charset=utf-8"

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


def compose_blocks(report: Report) -> list[tuple]:
    """The report body as blocks: ("para"|"heading"|"subheading", text) or ("table", name, rows)."""
    rng = random.Random(f"{report.seed}:{report.agency.code}:{report.report_year}:prose")
    a, y, v = report.agency, report.report_year, report.values
    prof = profile_of(a)
    gov = f"{prof.level}政府"
    who = a.short_name if a.kind == "township" else ("本机关" if a.kind == "department" else gov)
    full = a.name
    office = {"township": "党政综合办公室", "department": "办公室", "county_government": f"{gov}办公室"}[a.kind]
    n = v["applications.new_received.total"]
    co = v["applications.carried_over.total"]
    ht = v["applications.handled_total.total"]
    cf = v["applications.carried_forward.total"]
    items_published = rng.randint(40, 400) if a.kind != "county_government" else rng.randint(900, 3000)
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

    blocks.append(("heading", SECTION_TITLES[1]))
    blocks.append(("table", "proactive", table_proactive(report)))
    blocks.append(("heading", SECTION_TITLES[2]))
    blocks.append(("table", "applications", table_applications(report)))
    blocks.append(("heading", SECTION_TITLES[3]))
    blocks.append(("table", "review", table_review(report)))

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


def _metas(pairs) -> str:
    return "\n".join(f'<meta name="{E(k)}" content="{E(v)}">' for k, v in pairs)


def _page(title: str, metas: list[tuple[str, str]], body: str) -> str:
    site = [("SiteName", SITE_NAME), ("SiteDomain", SITE_DOMAIN), ("SiteIDCode", SITE_ID_CODE)]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
        f"<title>{E(title)}</title>\n"
        f"{_metas(site + metas)}\n"
        '<script src="/js/page.js"></script>\n'
        "</head>\n<body>\n"
        '<div class="topbar"><div class="wrap"><span class="welcome">欢迎访问会昌县人民政府网站</span>'
        '<a href="javascript:void(0);" class="ghb">关怀版</a> <a href="javascript:void(0);" class="wza">无障碍</a></div></div>\n'
        '<div class="header"><div class="wrap"><a href="/" class="logo">会昌县人民政府</a>'
        '<ul class="mainnav"><li><a href="/">首页</a></li><li><a href="/hcxxxgk/">政府信息公开</a></li></ul></div></div>\n'
        f"{body}\n"
        '<div class="footer"><div class="wrap"><p>主办：会昌县人民政府办公室 承办：会昌县信息化服务中心</p>'
        '<p>相关链接：<a href="http://www.ganzhou.gov.cn/" target="_blank">赣州市人民政府</a></p></div></div>\n'
        "</body>\n</html>\n"
    )


def _crumbs(parts: list[tuple[str, str | None]]) -> str:
    out = []
    for text, href in parts:
        out.append(f'<a href="{E(href)}">{E(text)}</a>' if href else f"<span>{E(text)}</span>")
    return '<div class="position">您当前所在位置: ' + " &gt; ".join(out) + "</div>"


SECTION_PATH = f"/{SECTION}/"
TOWNSHIP_NAV_PATH = nav_path(TOWNSHIP_NAV)
DEPARTMENT_NAV_PATH = nav_path(DEPARTMENT_NAV)


def _column_crumbs(column: Column, link_column: bool) -> list[tuple[str, str | None]]:
    a = column.agency
    parts: list[tuple[str, str | None]] = [("首页", "/")]
    if a is None or a.kind == "county_government":
        parts.append(("政府信息公开", SECTION_PATH))
    elif a.kind == "township":
        parts += [("乡镇信息公开", TOWNSHIP_NAV_PATH), (a.display_name, nav_path(a.nav_code))]
    else:
        parts += [("部门信息公开", DEPARTMENT_NAV_PATH), (a.display_name, nav_path(a.nav_code))]
    parts.append((column.title, list_path(column.id) if link_column else None))
    return parts


def _column_metas(column: Column) -> list[tuple[str, str]]:
    return [
        ("ColumnName", column.title),
        ("ColumnDescription", f"{column.agency.display_name if column.agency else SITE_NAME}{column.title}"),
        ("ColumnKeywords", column.title),
        ("ColumnType", column.column_type),
    ]


# --- pages ----------------------------------------------------------------------------------


def render_home(portal: Portal) -> str:
    latest = portal.newest_reports(5)
    lis = "\n".join(
        f'<li><a href="{E(portal.entry_path(r))}" title="{E(r.title)}" target="_blank">{E(_short_title(r.title))}</a>'
        f'<span class="time">{r.published:%Y-%m-%d}</span></li>'
        for r in latest
    )
    body = (
        '<div class="main wrap">\n'
        '<div class="entry"><a href="/hcxxxgk/">政府信息公开</a></div>\n'
        '<div class="news"><h3>政务动态</h3><p>本站为会昌县人民政府网站的模拟站点。</p></div>\n'
        f'<div class="gknb"><h3>信息公开年报</h3><ul>\n{lis}\n</ul></div>\n'
        "</div>"
    )
    return _page(SITE_NAME, [], body)


def _section_menu(portal: Portal) -> str:
    county = portal.county
    cols = {c.title: c for c in portal.columns_of(county)}
    entries = [
        ("政府信息公开指南", list_path(cols["政府信息公开指南"].id)),
        ("政府信息公开年报", list_path(county.column_id)),
        ("乡镇信息公开", TOWNSHIP_NAV_PATH),
        ("部门信息公开", DEPARTMENT_NAV_PATH),
    ]
    entries += [(c.title, list_path(c.id)) for c in portal.columns_of(county) if c.kind == "ordinary"]
    lis = "\n".join(f'<li><a href="{E(h)}">{E(t)}</a></li>' for t, h in entries)
    return f'<div class="xxgk-nav"><h3>政府信息公开</h3><ul class="xxgk_nav">\n{lis}\n</ul></div>'


def render_section(portal: Portal) -> str:
    body = (
        '<div class="main wrap">\n'
        + _crumbs([("首页", "/"), ("政府信息公开", None)])
        + "\n"
        + _section_menu(portal)
        + '\n<div class="xxgk-right"><p>政府信息公开目录按主题和单位分类，请从左侧栏目进入。</p></div>\n</div>'
    )
    return _page(f"政府信息公开-{SITE_NAME}", [("ColumnName", "政府信息公开"), ("ColumnType", "信息公开")], body)


def render_units_nav(portal: Portal, kind: str) -> str:
    title = "乡镇信息公开" if kind == "township" else "部门信息公开"
    units = portal.agencies_of_kind(kind)
    lis = "\n".join(f'<li><a href="{E(nav_path(a.nav_code))}">{E(a.display_name)}</a></li>' for a in units)
    body = (
        '<div class="main wrap">\n'
        + _crumbs([("首页", "/"), ("政府信息公开", SECTION_PATH), (title, None)])
        + "\n"
        + _section_menu(portal)
        + f'\n<div class="xxgk-right"><div class="column-title">{E(title)}</div>'
        + f'<ul class="xxgk_navs">\n{lis}\n</ul></div>\n</div>'
    )
    return _page(f"{title}-{SITE_NAME}", [("ColumnName", title), ("ColumnType", "信息公开")], body)


def render_unit_nav(portal: Portal, agency: Agency) -> str:
    group = ("乡镇信息公开", TOWNSHIP_NAV_PATH) if agency.kind == "township" else ("部门信息公开", DEPARTMENT_NAV_PATH)
    cols = portal.columns_of(agency)
    lis = "\n".join(f'<li><a href="{E(list_path(c.id))}">{E(c.title)}</a></li>' for c in cols)
    body = (
        '<div class="main wrap">\n'
        + _crumbs([("首页", "/"), group, (agency.display_name, None)])
        + "\n"
        + _section_menu(portal)
        + f'\n<div class="xxgk-right"><div class="column-title">{E(agency.display_name)}</div>'
        + f'<ul class="xxgk_navs">\n{lis}\n</ul></div>\n</div>'
    )
    return _page(
        f"{agency.display_name}-{SITE_NAME}", [("ColumnName", agency.display_name), ("ColumnType", "信息公开")], body
    )


def _short_title(title: str, limit: int = 18) -> str:
    return title if len(title) <= limit else title[:limit] + "…"


def render_list(portal: Portal, column: Column, page: int) -> str:
    pages = portal.page_count(column.id) + portal.plan.inflated.get(column.id, 0)
    entries = [(e, portal.entry_path(e)) for e in portal.column_page(column.id, page)]
    total = len(portal.column_entries(column.id))
    if page == 1:
        entries += _fault_entries(portal, column)
    lis = "\n".join(
        f'<li><a href="{E(href)}" title="{E(e.title)}" target="_blank">{E(_short_title(e.title))}</a>'
        f'<span class="time">{e.published:%Y-%m-%d}</span></li>'
        for e, href in entries
    )
    body = (
        '<div class="main wrap">\n'
        + _crumbs(_column_crumbs(column, link_column=False))
        + "\n"
        + _section_menu(portal)
        + f'\n<div class="xxgk-right"><div class="column-title">{E(column.title)}</div>\n'
        + f'<ul class="xxgk_list">\n{lis}\n</ul>\n'
        + '<div id="page_div"></div>\n'
        + f"<script>createPageHTML('page_div', {pages}, {page}, 'xxgk_list', 'shtml', {total});</script>\n"
        + "</div>\n</div>"
    )
    return _page(f"{column.title}-{SITE_NAME}", _column_metas(column), body)


def _article(portal: Portal, column: Column, title: str, metas, content: str) -> str:
    body = (
        '<div class="main wrap">\n'
        + _crumbs(_column_crumbs(column, link_column=True))
        + "\n<div class=\"article\">\n"
        + f'<div class="article-title">{E(title)}</div>\n'
        + '<div class="article-info"><span>访问量:<span id="visits"></span></span>'
        + '<span class="fontsize">【字体：<a href="javascript:void(0);">大</a> <a href="javascript:void(0);">中</a> '
        + '<a href="javascript:void(0);">小</a>】</span></div>\n'
        + f'<div class="article-content" id="zoomcon">\n{content}\n</div>\n</div>\n</div>'
    )
    return _page(f"{title}-{SITE_NAME}", metas, body)


def _fault_entries(portal: Portal, column: Column) -> list:
    """List entries a fault adds: another column's report, a mirror host's copy, or one of
    the column's own reports again under https://."""
    out = [(r, portal.entry_path(r)) for r in portal.plan.cross.get(column.id, []) if portal.shown(r)]
    out += [(r, f"http://{host}{portal.entry_path(r)}") for r, host in portal.plan.mirrors.get(column.id, [])
            if portal.shown(r)]
    out += [(r, f"https://{portal.host}{portal.entry_path(r)}") for r in portal.plan.schemes.get(column.id, [])
            if portal.shown(r)]
    return out


def render_report(portal: Portal, report: Report) -> str:
    column = portal.column(report.agency.column_id)
    if report.layout != "inline" or report.form != "html":
        from .forms import body_html

        content = body_html(report, [(a.href, a.name) for a in report.attachments])
        return _article(portal, column, report.title, _report_metas(column, report), content)
    word = report.style.get("word", False)
    parts = []
    for block in compose_blocks(report):
        kind = block[0]
        if kind == "table":
            parts.append(f'<div class="table-{block[1]}">\n{table_html(block[2], word)}\n</div>')
        elif kind == "heading":
            parts.append(f'<p style="text-indent:2em"><strong>{E(block[1])}</strong></p>')
        elif kind == "subheading":
            parts.append(f'<p style="text-indent:2em"><strong>{E(block[1])}</strong></p>')
        elif kind == "sign":
            parts.append(f'<p style="text-align:right">{E(block[1])}</p>')
        else:
            parts.append(f'<p style="text-indent:2em">{E(block[1])}</p>')
    return _article(portal, column, report.title, _report_metas(column, report), "\n".join(parts))


def _report_metas(column: Column, report: Report) -> list[tuple[str, str]]:
    return [
        ("ColumnName", column.title),
        ("ColumnType", column.column_type),
        ("ArticleTitle", report.title),
        ("PubDate", f"{report.published_at:%Y-%m-%d %H:%M}"),
        ("ContentSource", report.agency.name),
    ]


def render_item(portal: Portal, item: Item) -> str:
    metas = [
        ("ColumnName", item.column.title),
        ("ColumnType", item.column.column_type),
        ("ArticleTitle", item.title),
        ("PubDate", f"{item.published_at:%Y-%m-%d %H:%M}"),
        ("ContentSource", item.column.agency.name if item.column.agency else SITE_NAME),
    ]
    content = "\n".join(f'<p style="text-indent:2em">{E(p)}</p>' for p in item.paragraphs)
    return _article(portal, item.column, item.title, metas, content)


# --- plain text in the seed's format --------------------------------------------------------


def table_text(rows: Table) -> str:
    """Rows of tab-led cell lines, rows separated by a blank line; rowspan-covered positions
    are written as empty cells (one per covering cell), as in text copied from a browser."""
    width = sum(c.colspan for c in rows[0]) if rows else 0
    covered: dict[tuple[int, int], tuple[int, int]] = {}  # (row, col) -> (colspan, origin row)
    out_rows = []
    for r, row in enumerate(rows):
        lines = []
        col = 0
        cells = list(row)
        while cells or col < width:
            if (r, col) in covered:
                span = covered[(r, col)][0]
                lines.append("\t")
                col += span
                continue
            if not cells:
                if any((r, c) in covered for c in range(col, width)):
                    col += 1
                    continue
                break
            cell = cells.pop(0)
            if cell.rowspan > 1:
                for dr in range(1, cell.rowspan):
                    covered[(r + dr, col)] = (cell.colspan, r)
            lines.append("\t" + ("" if cell.blank else cell.text))
            col += cell.colspan
        out_rows.append("\n".join(lines))
    return "\n\n".join(out_rows)


def render_report_text(report: Report) -> str:
    """The report as plain page text, laid out like the seed document (the 庄口镇 2020 page text)."""
    from .forms import report_blocks

    parts = [report.title, ""]
    after_table = False
    for block in report_blocks(report):
        kind = block[0]
        if kind == "table":
            parts.append(table_text(block[2]))
            parts.append("\n\n")
            after_table = True
            continue
        if kind == "heading" and not after_table:
            parts.append("")
        after_table = False
        parts.append(block[1])
    return "\n".join(parts).rstrip("\n") + "\n"


# --- router ---------------------------------------------------------------------------------

PAGE_JS = """function createPageHTML(divId, pages, cur, prefix, ext, total) {
  var el = document.getElementById(divId); if (!el) return;
  var h = '<span>共' + total + '条</span> ';
  for (var i = 1; i <= pages; i++) {
    var href = (i == 1 ? prefix : prefix + '_' + i) + '.' + ext;
    h += (i == cur) ? '<span class="cur">' + i + '</span> ' : '<a href="' + href + '">' + i + '</a> ';
  }
  el.innerHTML = h;
}
"""

ROBOTS = "User-agent: *\nAllow: /\n"

_LIST_RE = re.compile(rf"^/{SECTION}/([A-Za-z0-9_]+)/xxgk_list(?:_(\d+))?\.shtml$")
_NAV_RE = re.compile(rf"^/{SECTION}/([A-Za-z0-9_]+)/xxgk_navs\.shtml$")
_ARTICLE_RE = re.compile(rf"^/{SECTION}/([A-Za-z0-9_]+)/(\d{{6}})/([0-9a-f]{{32}})\.shtml$")


def _not_found() -> str:
    body = '<div class="main wrap"><h1>404</h1><p>您访问的页面不存在或已被删除。</p><p><a href="/">返回首页</a></p></div>'
    return _page(f"页面不存在-{SITE_NAME}", [], body)


_FILE_RE = re.compile(rf"^/{SECTION}/([A-Za-z0-9_]+)/(\d{{6}})/([0-9a-f]{{32}})/files/([0-9a-f]{{32}})\.(pdf|docx|xlsx|xls|png)$")


def _missing(portal: Portal):
    status = 200 if portal.plan.soft_404 else 404
    return status, HTML_TYPE, _not_found(), {}


def _route(portal: Portal, path: str):
    """(status, content_type, text or bytes, extra headers) for a GET of ``path``."""
    if path in ("/", "/index.html", "/index.shtml"):
        return 200, HTML_TYPE, render_home(portal), {}
    if path == "/robots.txt":
        return 200, "text/plain; charset=utf-8", portal.plan.robots or ROBOTS, {}
    if path == "/js/page.js":
        return 200, "application/javascript; charset=utf-8", PAGE_JS, {}
    if path == f"/{SECTION}":
        return 301, HTML_TYPE, _not_found(), {"Location": SECTION_PATH}
    if path in (SECTION_PATH, f"{SECTION_PATH}index.shtml"):
        return 200, HTML_TYPE, render_section(portal), {}
    m = _NAV_RE.match(path)
    if m:
        code = m.group(1)
        if code == TOWNSHIP_NAV:
            return 200, HTML_TYPE, render_units_nav(portal, "township"), {}
        if code == DEPARTMENT_NAV:
            return 200, HTML_TYPE, render_units_nav(portal, "department"), {}
        agency = portal.agency_by_nav(code)
        if agency is not None:
            return 200, HTML_TYPE, render_unit_nav(portal, agency), {}
    m = _LIST_RE.match(path)
    if m:
        column = portal.column(m.group(1))
        page = int(m.group(2)) if m.group(2) else 1
        if column is not None and (m.group(2) is None or page >= 2) and page <= portal.page_count(column.id):
            return 200, HTML_TYPE, render_list(portal, column, page), {}
    m = _ARTICLE_RE.match(path)
    if m:
        report = portal.report_by_path(path)
        if report is not None:
            if not portal.shown(report):
                return _missing(portal)
            current = portal.entry_path(report)
            if path != current:
                if path == report.path:  # moved: the CMS keeps a redirect from the old address
                    return 301, HTML_TYPE, _not_found(), {"Location": current}
                return _missing(portal)
            return 200, HTML_TYPE, render_report(portal, report.at(portal.clock)), {"X-Report": report.uuid}
        item = portal.item_by_path(path)
        if item is not None and portal.shown(item):
            return 200, HTML_TYPE, render_item(portal, item), {}
    m = _FILE_RE.match(path)
    if m:
        hit = portal.attachment(path)
        if hit is not None and portal.shown(hit[0]):
            from .documents import CONTENT_TYPES, document_bytes
            from .forms import document_kinds

            report, index = hit
            att = report.attachments[index]
            nth = document_kinds(report)[:index].count(att.kind)
            return 200, CONTENT_TYPES[att.kind], document_bytes(report.at(portal.clock), att.kind, nth), {}
    return _missing(portal)


def respond(portal: Portal, method: str, path: str) -> tuple[int, dict, bytes]:
    """The whole site as a pure function: (status, headers, body) for one request."""
    from .site import html_bytes

    method = method.upper()
    raw = urlsplit(path).path or "/"
    path = unquote(raw)
    if method not in ("GET", "HEAD"):
        body = _not_found().encode("utf-8")
        return 405, {"Content-Type": HTML_TYPE, "Content-Length": str(len(body)), "Allow": "GET, HEAD"}, body
    status, ctype, text, extra = _route(portal, path)
    uuid = extra.pop("X-Report", None)
    if isinstance(text, bytes):
        body = text
    elif uuid is not None and uuid in portal.plan.encodings:
        body, ctype = html_bytes(text, portal.plan.encodings[uuid])
    else:
        body = text.encode("utf-8")
    headers = {"Content-Type": ctype, "Content-Length": str(len(body))}
    headers.update(extra)
    return status, headers, (b"" if method == "HEAD" else body)
