"""The forms a report takes on a page: inline tables (plain, pasted from Word, or split over
two ``<table>`` elements), a notice linking a PDF/DOCX/XLS(X) attachment (sometimes written by
``document.write``), scanned images, and the free-format prose of 2015–2018.

Which form a report gets is decided here (``choose_form``); every family renders the body with
``body_html`` inside its own page chrome.
"""

from __future__ import annotations

import html
import random

from .content import rng_for
from .profiles import profile_of
from .report_body import ROW_LABELS, Cell, _cn_date, compose_blocks, table_html
from .reports import Attachment

E = html.escape

# (form, layout) per family; the first bodies of a family walk the palette in order, so a small
# portal shows every form, and invented bodies draw from it at random.
PALETTES = {
    "ganzhou": (("html", "inline"),) * 5
    + (("html", "word_paste"), ("html", "split_table"), ("pdf", "attachment"), ("docx", "attachment"), ("image", "image_only")),
    "trs": (("pdf", "attachment"), ("html", "inline"), ("docx", "attachment"), ("xls", "attachment"),
            ("html", "word_paste"), ("pdf", "attachment")),
    "hanweb": (("html", "word_paste"), ("html", "inline"), ("pdf", "document_write"), ("xlsx", "attachment"),
               ("image", "image_only"), ("html", "split_table")),
    "gkmlpt": (("html", "inline"), ("html", "split_table"), ("pdf", "attachment"), ("docx", "attachment"),
               ("html", "word_paste"), ("xlsx", "attachment")),
}

CORE_WALK = 12  # bodies with an index below this walk the palette


def choose_form(family: str, seed: int, index: int, year: int) -> tuple[str, str]:
    if year < 2019:
        return "html", "free_format"
    palette = PALETTES[family]
    if index < CORE_WALK:
        return palette[(index + year) % len(palette)]
    return palette[rng_for(seed, family, index, year, "form").randrange(len(palette))]


def document_kinds(report) -> list[str]:
    """The files a report's page links, in order."""
    if report.form == "image":
        return ["png", "png", "png"]  # one scanned page per statutory table
    if report.form in ("pdf", "docx", "xlsx", "xls"):
        return [report.form]
    return []


def attachment_name(report, kind: str, index: int = 0) -> str:
    if kind == "png":
        return f"{report.title}（图{index + 1}）.png"
    if kind in ("xls", "xlsx"):
        return f"{report.title}附表.{kind}"
    return f"{report.title}.{kind}"


def _digits(report, salt, n: int) -> str:
    r = random.Random(f"{report.seed}:{report.agency.site}:{report.uuid}:{salt}")
    return "".join(str(r.randint(0, 9)) for _ in range(n))


def ganzhou_attachments(report) -> list[Attachment]:
    """``/<col>/<YYYYMM>/<article uuid>/files/<file uuid>.pdf`` (the 全南 pattern)."""
    folder = report.path.rsplit(".", 1)[0]
    out = []
    for i, kind in enumerate(document_kinds(report)):
        file_id = _hex_of(report, f"file{i}")
        path = f"{folder}/files/{file_id}.{kind}"
        out.append(Attachment(path, path, attachment_name(report, kind, i), kind))
    return out


def trs_attachment_id(report, when, i: int) -> str:
    """TRS names attachments P0 + upload date + 12 digits (``P020240808575593646209``)."""
    return f"P0{when:%Y%m%d}{_digits(report, f'att{i}', 12)}"


def _hex_of(report, salt: str) -> str:
    import hashlib

    return hashlib.sha256(f"{report.seed}:{report.agency.site}:{report.uuid}:{salt}".encode()).hexdigest()[:32]


# --- splitting table 三 over two <table> elements --------------------------------------------


def _positions(rows) -> list[list[tuple[int, Cell]]]:
    """Each row's cells with the grid column they start in."""
    covered: dict[tuple[int, int], bool] = {}
    out = []
    for r, row in enumerate(rows):
        col = 0
        placed = []
        for cell in row:
            while covered.get((r, col)):
                col += 1
            placed.append((col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered[(r + dr, col + dc)] = True
            col += cell.colspan
        out.append(placed)
    return out


def split_rows(rows, at: int) -> tuple[list, list]:
    """Rows before ``at`` and from ``at`` on; a rowspan crossing the cut is shortened in the first
    part and printed again, with the rest of its span, in the second (as Word does)."""
    placed = _positions(rows)
    first = []
    carry: list[tuple[int, Cell]] = []
    for r, row in enumerate(placed[:at]):
        new_row = []
        for col, cell in row:
            if r + cell.rowspan > at:
                keep = at - r
                rest = cell.rowspan - keep
                new_row.append(Cell(cell.text, keep, cell.colspan, cell.blank, cell.value))
                carry.append((col, Cell(cell.text, rest, cell.colspan, cell.blank, cell.value)))
            else:
                new_row.append(cell)
        first.append(new_row)
    second = [list(row) for row in placed[at:]]
    if second:
        merged = sorted(carry + second[0], key=lambda pc: pc[0])
        second[0] = merged
    return first, [[cell for _, cell in row] for row in second]


# --- Word-pasted markup -----------------------------------------------------------------------

_RUN = '<span style="font-family:仿宋_GB2312;font-size:{size}pt">{text}</span>'


def _runs(text: str, rng: random.Random, size: str = "12.0") -> str:
    """One piece of text cut into several styled runs, the way Word saves edited text."""
    if len(text) >= 2 and rng.random() < 0.7:
        cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(1, 2))))
        pieces = [text[i:j] for i, j in zip([0] + cuts, cuts + [len(text)])]
    else:
        pieces = [text]
    out = "".join(_RUN.format(size=size, text=E(p)) for p in pieces)
    if text.isdigit() and rng.random() < 0.3:
        out += "&nbsp;"  # padding after a digit, as seen in pasted tables
    return out


def _word_cell(cell: Cell, rng: random.Random) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    attrs += ' valign="center" style="border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt"'
    if cell.blank:
        return f'<td{attrs}><p class="MsoNormal" align="center"><span lang="EN-US"><o:p>&nbsp;</o:p></span></p></td>'
    paras = "".join(
        f'<p class="MsoNormal" align="center" style="text-align:center;mso-line-height-rule:exactly">{_runs(line, rng)}<o:p></o:p></p>'
        for line in cell.text.split("\n")
    )
    return f"<td{attrs}>{paras}</td>"


def word_table_html(rows, rng: random.Random) -> str:
    head = ('<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
            'style="border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184">')
    body = "\n".join(
        f'<tr style="mso-yfti-irow:{i}">' + "".join(_word_cell(c, rng) for c in row) + "</tr>" for i, row in enumerate(rows)
    )
    return f"{head}\n<tbody>\n{body}\n</tbody>\n</table>"


def _word_para(text: str, rng: random.Random, kind: str) -> str:
    size = "16.0"
    if kind in ("heading", "subheading"):
        inner = f'<b><span style="font-family:黑体;font-size:{size}pt">{E(text)}</span></b>'
    else:
        lead = "\u3000\u3000" if kind == "para" else ""
        inner = _runs(lead + text, rng, size)
    align = "text-align:right" if kind == "sign" else "text-indent:32.0pt"
    return f'<p class="MsoNormal" style="{align};line-height:28.0pt;mso-line-height-rule:exactly">{inner}<o:p></o:p></p>'


# --- older (2008 Regulation) reports ---------------------------------------------------------

OLDER_SECTIONS = (
    "一、概述",
    "二、主动公开政府信息情况",
    "三、依申请公开政府信息情况",
    "四、政府信息公开的收费及减免情况",
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
    "六、政府信息公开工作存在的主要问题及改进情况",
    "七、其他需要报告的事项",
)


def compose_older_blocks(report) -> list[tuple]:
    """Free prose in the seven-part format used before 2019; the numbers live in sentences."""
    rng = random.Random(f"{report.seed}:{report.agency.site}:{report.agency.code}:{report.report_year}:older")
    f = report.content.facts
    a, y = report.agency, report.report_year
    prof = profile_of(a)
    blocks: list[tuple] = [("para", (
        f"根据《中华人民共和国政府信息公开条例》的规定，现公布{a.name}{y}年度政府信息公开工作年度报告。"
        f"本报告统计期限自{y}年1月1日起至{y}年12月31日止，电子版可在{prof.portal}下载。"))]
    blocks.append(("heading", OLDER_SECTIONS[0]))
    blocks.append(("para", rng.choice([
        f"{y}年，我单位认真贯彻落实政府信息公开各项要求，调整充实工作力量，公开工作逐步规范。",
        f"{y}年，我单位继续把政府信息公开作为推进依法行政的重要内容，落实专人负责，按时更新公开目录。",
    ])))
    blocks.append(("heading", OLDER_SECTIONS[1]))
    blocks.append(("para", f"全年主动公开政府信息{f['proactive_items']}条，主要包括机构职能、工作动态、财政资金和民生事项等内容。"))
    blocks.append(("heading", OLDER_SECTIONS[2]))
    if f["applications_received"]:
        blocks.append(("para", f"全年共受理政府信息公开申请{f['applications_received']}件，已答复{f['applications_answered']}件。"))
    else:
        blocks.append(("para", "全年未受理政府信息公开申请。"))
    blocks.append(("heading", OLDER_SECTIONS[3]))
    blocks.append(("para", "本年度未收取政府信息公开相关费用，也无减免情况。"))
    blocks.append(("heading", OLDER_SECTIONS[4]))
    if f["reviews"] or f["lawsuits"]:
        blocks.append(("para", f"全年因政府信息公开被申请行政复议{f['reviews']}件，被提起行政诉讼{f['lawsuits']}件。"))
    else:
        blocks.append(("para", "全年未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"))
    blocks.append(("heading", OLDER_SECTIONS[5]))
    blocks.append(("para", "公开内容不够全面、更新不够及时的问题仍然存在，下一步将健全制度，加强督促检查。"))
    blocks.append(("heading", OLDER_SECTIONS[6]))
    blocks.append(("para", "无。"))
    blocks.append(("sign", a.name))
    blocks.append(("sign", _cn_date(report.published)))
    return blocks


def report_blocks(report) -> list[tuple]:
    return compose_older_blocks(report) if report.template == "older" else compose_blocks(report)


# --- page bodies ------------------------------------------------------------------------------


def _plain_block(block) -> str:
    kind = block[0]
    if kind in ("heading", "subheading"):
        return f'<p style="text-indent:2em"><strong>{E(block[1])}</strong></p>'
    if kind == "sign":
        return f'<p style="text-align:right">{E(block[1])}</p>'
    return f'<p style="text-indent:2em">{E(block[1])}</p>'


def _table_html(report, name: str, rows, word_rng) -> str:
    style = report.style
    if word_rng is not None:
        render = lambda rs: word_table_html(rs, word_rng)  # noqa: E731
    else:
        render = lambda rs: table_html(rs, style.get("word", False))  # noqa: E731
    split_key = style.get("split_at")
    if name == "applications" and split_key:
        at = _split_index(rows, split_key)
        first, second = split_rows(rows, at)
        # two tables with a page-break paragraph between them, as a pasted two-page Word table
        return (f'<div class="table-{name}">\n{render(first)}\n</div>\n<p style="page-break-before:always">&nbsp;</p>\n'
                f'<div class="table-{name}">\n{render(second)}\n</div>')
    return f'<div class="table-{name}">\n{render(rows)}\n</div>'


def _split_index(rows, row_key: str) -> int:

    label = ROW_LABELS[row_key]
    for i, row in enumerate(rows):
        if any(c.text == label or c.text.endswith(label) for c in row):
            return i
    return len(rows) // 2


def link_html(href: str, name: str) -> str:
    return f'<a href="{E(href)}" title="{E(name)}" target="_blank">{E(name)}</a>'


def body_html(report, links: list[tuple[str, str]], link=link_html) -> str:
    """The article body of ``report``; ``links`` are (href, name) of its attachments as this
    family writes them, ``link`` renders one of them."""
    layout = report.layout
    if layout == "image_only":
        return "\n".join(
            f'<p style="text-align:center"><img src="{E(href)}" alt="" width="640" border="0"></p>' for href, _ in links
        )
    blocks = report_blocks(report)
    if layout in ("attachment", "document_write"):
        if report.form in ("xls", "xlsx"):
            # prose on the page, the three tables in the spreadsheet
            parts = [_plain_block(b) for b in blocks if b[0] != "table"]
            parts.insert(0, '<p style="text-indent:2em">本报告第二、三、四部分统计表见附件。</p>')
        else:
            parts = [f'<p style="text-indent:2em">现将《{E(report.title)}》予以公开，全文见附件。</p>']
        if layout == "document_write":
            names = "<BR/>".join(name for _, name in links)
            written = "".join(f"<a href=\"{E(href)}\">{E(name)}</a>" for href, name in links)
            parts.append(f'<script>if("{E(names)}" != ""){{document.write(\'<p>附件：{written}</p>\')}}</script>')
        else:
            parts.append('<div class="attachments"><p>附件：</p>'
                         + "".join(f"<p>{link(href, name)}</p>" for href, name in links) + "</div>")
        return "\n".join(parts)
    word_rng = random.Random(f"{report.seed}:{report.agency.site}:{report.uuid}:runs") if layout == "word_paste" else None
    parts = []
    for block in blocks:
        if block[0] == "table":
            parts.append(_table_html(report, block[1], block[2], word_rng))
        elif word_rng is not None:
            parts.append(_word_para(block[1], word_rng, block[0]))
        else:
            parts.append(_plain_block(block))
    return "\n".join(parts)

