"""Every form a report takes, fetched over HTTP and read back with the document libraries:
the figures each form shows equal the truth (image-only: nothing readable, as the truth says).

The table reader here is independent of the generator: it expands spans into a grid and maps
labels with the spec's label lists in ``test_portal``.
"""

from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup

from simulator import figures as F
from simulator.web import build_portal

from conftest import through_proxy as get
from test_portal import PROACTIVE_COLS, PROACTIVE_ROWS, REVIEW_COLS, ROW_BY_NORM, derived_keys, is_value, norm, parse_value

TABLES = ("proactive", "applications", "review")


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=3, families="all", years=range(2017, 2025))





def printed(r: dict, figures: dict | None = None) -> dict:
    """The figures a document prints: the truth without t2021's derived other_handling sums."""
    figures = r["figures"] if figures is None else figures
    return {k: v for k, v in figures.items() if k not in derived_keys(r)}


def of(truth, **conditions):
    return [r for r in truth["reports"] if all(r[k] == v for k, v in conditions.items())]


# --- grids: every position of a table holds (origin cell id, text) -------------------------------


def td_text(td) -> str:
    paras = td.find_all("p")
    if paras:
        return "\n".join(p.get_text("") for p in paras).replace("\xa0", " ").strip()
    for br in td.find_all("br"):
        br.replace_with("\n")
    return td.get_text("").replace("\xa0", " ").strip()


def html_grid(table) -> list[list]:
    grid = {}
    rows = table.find_all("tr")
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.find_all("td"):
            while (r, c) in grid:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            text = td_text(td)
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = (id(td), text)
            c += cs
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c)) for c in range(width)] for r in range(len(rows))]


def docx_grids(data: bytes) -> dict:
    import docx

    d = docx.Document(io.BytesIO(data))
    out = {}
    for name, table in zip(TABLES, d.tables):
        out[name] = [[(id(cell._tc), "\n".join(p.text for p in cell.paragraphs).strip()) for cell in row.cells]
                     for row in table.rows]
    return out


def _number_text(v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def xlsx_grids(data: bytes) -> dict:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    out = {}
    for name, ws in zip(TABLES, wb.worksheets):
        origin = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    origin[(r, c)] = (rng.min_row, rng.min_col)
        grid = []
        for r in range(2, ws.max_row + 1):
            row = []
            for c in range(1, ws.max_column + 1):
                o = origin.get((r, c), (r, c))
                row.append((o, _number_text(ws.cell(*o).value)))
            grid.append(row)
        out[name] = grid
    return out


def xls_grids(data: bytes) -> dict:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    out = {}
    for name, sheet in zip(TABLES, book.sheets()):
        origin = {}
        for rlo, rhi, clo, chi in sheet.merged_cells:
            for r in range(rlo, rhi):
                for c in range(clo, chi):
                    origin[(r, c)] = (rlo, clo)
        out[name] = [[(origin.get((r, c), (r, c)), _number_text(sheet.cell_value(*origin.get((r, c), (r, c)))))
                      for c in range(sheet.ncols)] for r in range(1, sheet.nrows)]
    return out


def distinct(cells) -> list[str]:
    out, last = [], object()
    for cell in cells:
        if cell is None or cell[0] == last:
            continue
        last = cell[0]
        out.append(cell[1])
    return out


def read_figures(grids: dict) -> dict:
    figures: dict = {}
    header = None
    for row in grids["proactive"]:
        texts = distinct(row)
        if norm(texts[0]) == "信息内容":
            header = [PROACTIVE_COLS[norm(t)] for t in texts[1:]]
        elif norm(texts[0]) in PROACTIVE_ROWS:
            for col, t in zip(header, texts[1:]):
                figures[f"proactive.{PROACTIVE_ROWS[norm(texts[0])]}.{col}"] = parse_value(t)
    for row in grids["applications"]:
        labels = [t for t in distinct(row[:3]) if norm(t) in ROW_BY_NORM]
        values = distinct(row[3:])
        if labels and len(values) == 7 and all(is_value(v) for v in values):
            for col, t in zip(F.APPLICATION_COLUMNS, values):
                figures[f"applications.{ROW_BY_NORM[norm(labels[-1])]}.{col}"] = parse_value(t)
    rows = grids["review"]
    cols = [REVIEW_COLS[norm(t)] for t in distinct(rows[1][:5])] + [REVIEW_COLS[norm(t)] for t in distinct(rows[2][5:])]
    groups = ["review"] * 5 + ["litigation.direct"] * 5 + ["litigation.after_review"] * 5
    for g, c, t in zip(groups, cols, [cell[1] for cell in rows[-1]]):
        figures[f"{g}.{c}"] = parse_value(t)
    return figures


def page_grids(body: bytes) -> dict:
    s = BeautifulSoup(body.decode("utf-8"), "lxml")
    out = {}
    for name in TABLES:
        grid = []
        for table in s.select(f"div.table-{name} table"):
            grid += html_grid(table)
        out[name] = grid
    return out


# --- the forms ---------------------------------------------------------------------------------


def test_inline_html_tables_equal_the_truth(server, truth):
    reports = of(truth, form="html", layout="inline")
    assert {r["family"] for r in reports} == {"ganzhou", "trs", "hanweb", "gkmlpt"}
    for r in reports[::5]:
        status, _, body = get(server, r["url"])
        assert status == 200
        assert read_figures(page_grids(body)) == printed(r), r["url"]


def test_word_pasted_markup(server, truth):
    reports = of(truth, form="html", layout="word_paste")
    assert reports
    for r in reports[:6]:
        body = get(server, r["url"])[2]
        text = body.decode()
        assert 'class="MsoNormal"' in text and "<o:p>" in text and "mso-" in text
        assert "\u3000" in text  # ideographic spaces in labels and indents
        s = BeautifulSoup(text, "lxml")
        runs = [len(p.find_all("span")) for p in s.select("div.table-applications p")]
        assert max(runs) >= 2  # one label or number cut into several runs
        assert "合计" in s.select_one("div.table-applications").get_text("")
        assert "结果维护" in s.select_one("div.table-review").get_text("")
        kinds = {d["kind"] for d in r["defects"]}
        assert {"split_runs", "fullwidth_spaces", "total_label", "label_typo"} <= kinds
        assert read_figures(page_grids(body)) == printed(r)


def test_table_split_over_two_tables(server, truth):
    reports = of(truth, form="html", layout="split_table")
    assert reports
    for r in reports[:6]:
        body = get(server, r["url"])[2]
        s = BeautifulSoup(body.decode(), "lxml")
        parts = s.select("div.table-applications table")
        assert len(parts) == 2
        [defect] = [d for d in r["defects"] if d["kind"] == "split_table"]
        first_label = norm(distinct(html_grid(parts[1])[0][:3])[-1])
        assert ROW_BY_NORM[first_label] == defect["second_table_starts_at"]
        assert read_figures(page_grids(body)) == printed(r)


@pytest.mark.parametrize("kind, grids", [("docx", docx_grids), ("xlsx", xlsx_grids), ("xls", xls_grids)])
def test_office_attachments_hold_the_tables(server, truth, kind, grids):
    reports = of(truth, form=kind)
    assert reports
    for r in reports[:3]:
        [att] = r["attachments"]
        assert att["kind"] == kind and att["name"].endswith("." + kind)
        status, headers, data = get(server, att["url"])
        assert status == 200
        assert read_figures(grids(data)) == printed(r), att["url"]
        if kind != "docx":
            page = get(server, r["url"])[2].decode()
            assert "统计表见附件" in page and "一、总体情况" in page  # prose on the page, tables in the file


def test_pdf_attachment_has_ruled_tables_and_table_three_crosses_a_page(server, truth):
    import pdfplumber

    reports = of(truth, form="pdf")
    assert {r["layout"] for r in reports} == {"attachment", "document_write"}
    for r in reports[:3]:
        [att] = r["attachments"]
        data = get(server, att["url"])[2]
        assert data.startswith(b"%PDF")
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            texts = [p.extract_text() for p in pdf.pages]
            assert len(pdf.pages) >= 2 and r["title"] in texts[0].replace("\n", "")
            first = next(i for i, t in enumerate(texts) if "一、本年新收政府信息公开申请数量" in t)
            last = next(i for i, t in enumerate(texts) if "四、结转下年度继续办理" in t)
            assert last == first + 1  # table 三 crosses exactly one page break
            assert pdf.pages[first].rects or pdf.pages[first].lines  # ruled
            rows = [row for p in pdf.pages for t in p.extract_tables() for row in t]
        for label, key in (("一、本年新收政府信息公开申请数量", "new_received"), ("四、结转下年度继续办理", "carried_forward")):
            row = next(row for row in rows if any(c and norm(c) == norm(label) for c in row))
            numbers = [c for c in row if c is not None and c != "" and is_value(c)]
            expected = [r["figures"].get(f"applications.{key}.{c}") for c in F.APPLICATION_COLUMNS]
            assert [parse_value(x) for x in numbers] == [v for v in expected if v is not None]


def test_attachment_link_written_by_document_write(server, truth):
    [r, *_] = of(truth, layout="document_write")
    page = get(server, r["url"])[2].decode()
    s = BeautifulSoup(page, "lxml")
    body = s.select_one("#zoom")
    assert not body.find("a")  # no link until a script runs
    script = body.find("script").string
    assert "document.write(" in script
    href = re.search(r"<a href=\\?\"([^\"\\]+)", script).group(1).replace("&amp;", "&")
    assert "http://www.shangyu.gov.cn" + href == r["attachments"][0]["url"]
    assert get(server, r["attachments"][0]["url"])[2].startswith(b"%PDF")


def test_image_only_report_has_no_text(server, truth):
    reports = of(truth, form="image")
    assert reports
    for r in reports[:3]:
        assert r["figures"] == {} and not r["text_extractable"]
        [defect] = [d for d in r["defects"] if d["kind"] == "no_text"]
        assert len(defect["images"]) == 3
        page = get(server, r["url"])[2].decode()
        body = BeautifulSoup(page, "lxml").select_one("#zoom")
        assert body.get_text(strip=True) == "" and len(body.find_all("img")) == 3
        for att in r["attachments"]:
            status, headers, data = get(server, att["url"])
            assert headers["Content-Type"] == "image/png" and data.startswith(b"\x89PNG")
            from PIL import Image

            assert Image.open(io.BytesIO(data)).size[0] > 1000


def test_free_format_reports_before_2019(server, truth):
    older = [r for r in truth["reports"] if r["report_year"] < 2019]
    assert older and all(r["template"] == "older" and r["layout"] == "free_format" and r["figures"] == {} for r in older)
    assert {r["family"] for r in older} == {"ganzhou", "trs", "hanweb", "gkmlpt"}
    for r in older[::7]:
        text = BeautifulSoup(get(server, r["url"])[2].decode(), "lxml").get_text()
        assert "一、概述" in text and "七、其他需要报告的事项" in text
        assert f"全年主动公开政府信息{r['facts']['proactive_items']}条" in text
        assert "本年新收" not in text
    assert {r["template"] for r in truth["reports"]} == {"older", "t2019", "t2021"}
