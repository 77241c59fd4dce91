from pathlib import Path

import lxml.html
import pytest

from gongkai.archive.extract import EXTRACTOR_VERSION, extract_document, extract_file
from gongkai.archive.extract.document import clean, decode
from gongkai.archive.extract.forms import parse_markup as parse
from gongkai.archive.extract.tables import _application_label, parse_value
from simulator import figures as T
from report_builder import html_report, sample_figures, tab_text_report, with_derived

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
SEED = CORPUS / "000_663f01e44eff96d9.txt"

CONTRACT = {"template", "title", "agency", "report_year", "published", "figures", "sections",
            "checks", "warnings", "raw", "text", "extractor_version"}


# ---------------------------------------------------------------- the seed report

@pytest.mark.skipif(not SEED.exists(), reason="../shared/corpus is not available")
def test_seed_report():
    result = extract_file(SEED)
    assert set(result) >= CONTRACT
    assert result["template"] == "t2019"
    assert result["report_year"] == 2020
    assert "庄口镇" in result["agency"]
    f = result["figures"]
    assert f["proactive.normative_docs.total_published"] == 20
    assert f["applications.new_received.total"] == 0
    assert f["applications.carried_over.total"] == 0
    for key in ("review.total", "litigation.direct.total", "litigation.after_review.total"):
        assert f[key] == 0
    # rows （一）予以公开 … 四、结转下年度继续办理 print 5 figures for 7 columns
    short = T.application_rows("t2019")[2:]
    for row in short:
        assert f"applications row '{row}' has 5 of 7 cells" in result["warnings"]
        assert not any(k.startswith(f"applications.{row}.") for k in f)
    assert result["sections"]["overview"]


@pytest.mark.skipif(not (CORPUS / "manifest.json").exists(), reason="no corpus")
def test_corpus_evaluation():
    from simulator.evaluate import evaluate_corpus

    report = evaluate_corpus(CORPUS)
    by_file = {f["file"]: f for f in report["files"]}
    for name in ("000_663f01e44eff96d9.txt", "001_huaian_hongze_2023.pdf",
                 "011_shanghai_office_2019.html", "030_pingtan_2019.html"):
        assert by_file[name]["wrong"] == [] and by_file[name]["missing"] == [], name
        assert by_file[name]["template"]["got"] == by_file[name]["template"]["expected"]
    assert by_file["012_shanghai_stcsm_2024.md"]["wrong"] == []
    # the PDF's printed 复议 总计 contradicts its parts; its table 三 balances
    assert all(c["agree"] for c in by_file["001_huaian_hongze_2023.pdf"]["checks"].values())
    assert report["skipped"] == []


# ---------------------------------------------------------------- our own documents

@pytest.mark.parametrize("template", ["t2019", "t2021"])
def test_html_report_gives_back_its_figures(template):
    blanks = ("applications.disclosed.research", "review.other", "proactive.rules.made")
    figures = sample_figures(template, blanks=blanks)
    result = extract_document(html_report(template, figures).encode("utf-8"),
                              filename="report.shtml")
    assert result["figures"] == with_derived(figures)
    assert result["warnings"] == []
    assert result["template"] == template
    for key in blanks:
        assert result["figures"][key] is None and result["raw"][key] == ""
    assert set(result["raw"]) == set(result["figures"])
    assert result["extractor_version"] == EXTRACTOR_VERSION


def test_html_report_metadata_and_chrome():
    figures = sample_figures("t2021")
    result = extract_document(html_report("t2021", figures, published="2022-01-18 09:30:00"),
                              content_type="text/html")
    assert result["title"] == "青溪镇2021年政府信息公开工作年度报告"
    assert result["agency"] == "青溪镇人民政府"
    assert result["report_year"] == 2021
    assert result["published"] == "2022-01-18"
    assert set(result["sections"]) == {"overview", "proactive", "applications", "review",
                                       "problems", "other"}
    assert "信息处理费" in result["sections"]["other"]
    # navigation, footer and scripts stay out of the report's text
    for chrome in ("版权所有", "首页", "var channels", "索引号"):
        assert chrome not in result["text"]
    assert "栏目按月核对" in result["text"]


def test_template_drift_is_read_from_headers():
    # a 2023 report still printing the 2019 table 二
    figures = sample_figures("t2019")
    result = extract_document(html_report("t2019", figures, year=2023))
    assert result["report_year"] == 2023
    assert result["template"] == "t2019"


def test_tab_text_with_short_rows():
    figures = sample_figures("t2019", blanks=("proactive.fees.change",))
    short = ("disclosed", "withheld.prohibited_by_law", "carried_forward")
    result = extract_document(tab_text_report(figures, short_rows=short), filename="page.txt")
    expected = {k: v for k, v in figures.items()
                if not any(k.startswith(f"applications.{row}.") for row in short)}
    assert result["figures"] == expected
    assert result["warnings"] == [f"applications row '{row}' has 5 of 7 cells" for row in short]
    assert result["figures"]["proactive.fees.change"] is None
    assert result["agency"] == "石桥乡人民政府"
    assert result["sections"]["overview"].startswith("2020年")   # "1、 总体情况" heading


def test_short_html_row_is_left_out():
    figures = sample_figures("t2019")
    root = lxml.html.document_fromstring(html_report("t2019", figures))
    row = next(tr for tr in root.iter("tr") if "重复申请" in tr.text_content())
    for td in row.findall("td")[-2:]:
        row.remove(td)
    result = extract_document(lxml.html.tostring(root, encoding="unicode"))
    assert "applications row 'not_processed.duplicate' has 5 of 7 cells" in result["warnings"]
    assert not any(k.startswith("applications.not_processed.duplicate.")
                   for k in result["figures"])
    assert result["figures"]["applications.not_processed.publication.total"] == \
        figures["applications.not_processed.publication.total"]


HANDMADE = """<html><head><meta name="pubdate" content="2021-02-03 10:11:12"></head><body>
<p>2020年示例局政府信息公开工作年度报告</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table>
<tr><td colspan=2 rowspan=2>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>
<td rowspan=2>总计</td><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan=2>一、本年新收政府信息公开申请数量</td><td>9</td><td>5</td><td>4</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td colspan=2>二、上年结转政府信息公开申请数量</td><td>1</td><td>1</td><td>/</td><td>-</td><td>—</td><td></td><td>0</td></tr>
</table>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
<table>
<tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>
<tr><td rowspan=2>总计</td><td rowspan=2>结果维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td>
<td rowspan=2>尚未审结</td><td colspan=5>复议后起诉</td><td colspan=5>未经复议直接起诉</td></tr>
<tr><td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td>
<td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td></tr>
<tr><td>6</td><td>1</td><td>2</td><td>3</td><td>0</td><td>4</td><td>4</td><td>0</td><td>0</td><td>0</td>
<td>5</td><td>0</td><td>5</td><td>0</td><td>0</td></tr>
</table></body></html>"""


def test_columns_follow_header_labels_not_positions():
    result = extract_document(HANDMADE)
    f = result["figures"]
    assert f["applications.new_received.total"] == 9
    assert f["applications.new_received.natural_person"] == 5
    assert f["applications.new_received.commercial"] == 4
    assert [f[f"applications.carried_over.{c}"] for c in
            ("total", "natural_person", "commercial", "research", "public_interest",
             "legal_services", "other_org")] == [1, 1, None, None, None, None, 0]
    assert (f["review.total"], f["review.upheld"], f["review.corrected"]) == (6, 1, 2)
    assert f["litigation.after_review.total"] == 4
    assert (f["litigation.direct.total"], f["litigation.direct.corrected"]) == (5, 5)
    assert result["published"] == "2021-02-03"
    assert result["agency"] == "示例局"


# ---------------------------------------------------------------- metadata

def test_hints_fill_gaps_and_document_wins():
    text = "一、总体情况\n本年度工作平稳。\n"
    result = extract_document(text, filename="a.txt", hints={
        "title": "河口乡2022年政府信息公开工作年度报告", "published": "2023-01-09",
        "agency": "河口乡人民政府"})
    assert result["title"] == "河口乡2022年政府信息公开工作年度报告"
    assert result["report_year"] == 2022
    assert result["published"] == "2023-01-09"
    assert result["agency"] == "河口乡"

    page = ("<html><body><p>河口乡2022年政府信息公开工作年度报告</p>"
            "<p>发布时间：2023年01月12日 10:02</p></body></html>")
    result = extract_document(page, hints={"title": "列表页标题", "published": "2023-01-09"})
    assert result["title"] == "河口乡2022年政府信息公开工作年度报告"
    assert result["published"] == "2023-01-12"


def test_published_from_the_metadata_box():
    page = html_report("t2019", sample_figures("t2019"), published="2021-01-20 08:00")
    page = page.replace('<meta name="PubDate" content="2021-01-20 08:00">', "")
    assert extract_document(page)["published"] == "2021-01-20"


def test_template_older_and_unknown():
    older = "某县2015年政府信息公开工作年度报告\n一、概述\n全年主动公开信息一千余条。\n"
    assert extract_document(older, filename="x.txt")["template"] == "older"
    assert extract_document("一段没有年份的文字。", filename="x.txt")["template"] == "unknown"


# ---------------------------------------------------------------- decoding and cells

def test_decoding():
    html = "<html><head><meta charset=gb2312></head><body><p>规范性文件</p></body></html>"
    assert "规范性文件" in decode(html.encode("gb18030"))
    assert "规范性文件" in decode("<p>规范性文件</p>".encode("gb18030"))   # undeclared
    assert decode("\ufeff<p>规章</p>".encode("utf-8")) == "<p>规章</p>"
    assert "规章" in decode("规章".encode("gbk"), content_type="text/html; charset=GBK")
    result = extract_document(html_report("t2019", sample_figures("t2019"), charset="gbk")
                              .encode("gb18030"))
    assert result["figures"]["applications.new_received.total"] == \
        sample_figures("t2019")["applications.new_received.total"]


def test_cell_text_normalisation():
    assert clean("规\u3000\u3000章") == "规章"
    assert clean("\xa012\xa0") == "12"
    assert clean("商业\n企业") == "商业企业"
    doc = parse("<table><tr><td><p><span>三</span><span>安全</span></p><p>一稳定</p>"
                "<o:p>&nbsp;</o:p></td><td>结果<br/>纠正</td><td>0&nbsp;</td></tr></table>")
    table = doc.blocks[0]
    assert [c.text for c in table.rows[0]] == ["三安全一稳定", "结果纠正", "0"]


def test_values_and_labels():
    assert parse_value("12件") == (True, 12)
    assert parse_value("75394432.52元") == (True, 75394432.52)
    assert parse_value("-3") == (True, -3)
    for blank in ("", "/", "-", "—", "\xa0"):
        assert parse_value(blank) == (True, None)
    assert parse_value("约5")[0] is False
    assert _application_label("2.其他法律行政法规禁止公开") == ("row", "withheld.prohibited_by_law")
    assert _application_label("3.其他") == ("other", None)
    assert _application_label("（三）不予公开") == ("group", "withheld")


# ---------------------------------------------------------------- label variants

@pytest.mark.parametrize("template", ["t2019", "t2021"])
@pytest.mark.parametrize("variant", [
    {"transposed": True},                                   # a row per applicant type / group
    {"flat_header": True},                                  # no 法人或其他组织 header row
    {"halfwidth": True, "total_label": "总计", "upheld_label": "结果维持"},
    {"transposed": True, "halfwidth": True},
])
def test_layout_and_label_variants_read_by_labels(template, variant):
    figures = sample_figures(template, blanks=("applications.carried_over.research",))
    result = extract_document(html_report(template, figures, **variant))
    assert result["figures"] == with_derived(figures)
    assert result["warnings"] == []
    assert result["template"] == template


def test_a_page_nested_too_deep_says_where_reading_stopped():
    """libxml2 gives up 256 elements down and keeps what it had: the figures found
    before that point stay, and the warning says the rest was not read."""
    figures = sample_figures("t2019")
    page = html_report("t2019", figures)
    deep = 300
    cut = page.replace("<p>五、存在的主要问题", "<div>" * deep + "<p>五、存在的主要问题", 1)
    result = extract_document(cut.encode(), content_type="text/html; charset=utf-8")
    assert any(w.startswith("the page was read only up to line") and "depth" in w
               for w in result["warnings"])
    assert {k: v for k, v in result["figures"].items() if k in figures} == figures
    assert not extract_document(page.encode(), content_type="text/html")["warnings"]


def test_a_header_that_lost_a_column_places_no_row_by_position():
    """A header a column short and a row a value short fit each other position by
    position, a column off (found by fuzzing the text form): nothing of that group."""
    f = sample_figures()
    made, published, total = (f[f"proactive.normative_docs.{c}"]
                              for c in ("made", "published", "total_published"))
    text = tab_text_report(f)
    damaged = text.replace("\t本年新制作数量\n", "", 1).replace(
        f"\t规范性文件\n\t{made}\n\t{published}\n\t{total}\n", f"\t规范性文件\n\t{made}\n\t{total}\n", 1)
    assert damaged.count("\n") == text.count("\n") - 2
    result = extract_document(damaged)
    assert not any(key.startswith(("proactive.rules.", "proactive.normative_docs."))
                   for key in result["figures"])
    assert any("normative_docs' sits under a header naming only" in w for w in result["warnings"])
    assert result["figures"]["proactive.licensing.decisions"] == f["proactive.licensing.decisions"]
