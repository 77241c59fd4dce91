"""Reports whose tables reach us flattened into text (issue 16).

The real ones are measured in ../shared/corpus (skipped where it is absent); the rest are
written by flattened_builder.py in every style, with the templates' labels spelt there
from the report model, not taken from the parser.
"""
import json
import re
from pathlib import Path

import pytest

from gongkai.archive.extract import extract_document, extract_file
from flattened_builder import HEADINGS, figures, render_table, report_text, table_rows

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
STYLES = ("pipe", "pipe_lead", "markdown", "cells_blank", "cells_bar", "cells_suffix", "dump",
          "tsv")


def _extract(text: str, name: str = "report.txt") -> dict:
    return extract_document(text.encode("utf-8"), filename=name)


def _printed(result: dict) -> dict:
    """The figures the document printed (not those the extractor adds up itself)."""
    return {k: v for k, v in result["figures"].items() if k not in result["derived"]}


def _wrong(result: dict, truth: dict) -> dict:
    return {k: (truth.get(k, "(not printed)"), v) for k, v in _printed(result).items()
            if k not in truth or truth[k] != v}


# ---------------------------------------------------------------- the real documents

def _manifest() -> list[dict]:
    if not (CORPUS / "manifest.json").exists():
        return []
    return [e for e in json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
            if e.get("expected")]


@pytest.mark.parametrize("entry", _manifest() or [None], ids=lambda e: e and e["file"])
def test_real_corpus_documents(entry):
    if entry is None:
        pytest.skip(f"{CORPUS} is not available: the real reports are not measured")
    result = extract_file(CORPUS / entry["file"])
    expected, got = entry["expected"], result["figures"]
    wrong = {k: (v, got[k]) for k, v in expected.items()
             if got.get(k) is not None and float(got[k]) != float(v)}
    right = sum(1 for k, v in expected.items()
                if got.get(k) is not None and float(got[k]) == float(v))
    assert wrong == {}
    # every hand-verified figure of every document is read (the recall reached on issue 16)
    assert right == len(expected), sorted(set(expected) - {k for k in got if got[k] is not None})
    assert result["template"] == entry["template"]
    assert result["report_year"] == entry["report_year"]


def test_real_excerpts_name_what_they_leave_out():
    if not (CORPUS / "044_yongkang_jtys_2020.txt").exists():
        pytest.skip(f"{CORPUS} is not available")
    result = extract_file(CORPUS / "044_yongkang_jtys_2020.txt")
    # 行政许可 '106 | 2939 | |': two figures for three columns, so none of them
    assert not any(k.startswith("proactive.licensing.") for k in result["figures"])
    assert any("licensing" in w and "2 of 3" in w for w in result["warnings"])
    assert any("ends inside" in w for w in result["warnings"])
    assert any(w.startswith("三、收到和处理") and "not in the text" in w
               for w in result["warnings"])


# ---------------------------------------------------------------- every style, whole reports

@pytest.mark.parametrize("template", ["t2019", "t2021"])
@pytest.mark.parametrize("style", STYLES)
def test_every_style_gives_back_every_figure(template, style):
    text, truth = report_text(template, style)
    result = _extract(text)
    assert _wrong(result, truth) == {}
    assert _printed(result) == truth
    assert result["template"] == template
    assert result["report_year"] == (2020 if template == "t2019" else 2023)
    assert result["warnings"] == []


@pytest.mark.parametrize("style", ["pipe", "cells_blank", "cells_bar", "dump"])
def test_signed_fullwidth_thousands_and_units(style):
    text, truth = report_text("t2019", style, signed=lambda v: v % 2 == 0, fullwidth=True,
                              thousands=True, yuan=True)
    assert re.search("[１-９],[０-９]{3}", text) and "元" in text and "+" in text
    result = _extract(text)
    assert _wrong(result, truth) == {}
    assert _printed(result) == truth


def test_negative_changes_and_decimals_are_read_as_printed():
    text, truth = report_text("t2019", "pipe")
    negatives = {k: v for k, v in truth.items() if isinstance(v, (int, float)) and v < 0}
    decimals = {k: v for k, v in truth.items() if isinstance(v, float)}
    assert negatives and decimals      # the builder prints both
    figures_read = _extract(text)["figures"]
    assert {k: figures_read[k] for k in negatives} == negatives
    assert {k: figures_read[k] for k in decimals} == decimals


@pytest.mark.parametrize("style", ["pipe", "cells_blank"])
def test_portal_menu_before_the_report(style):
    text, truth = report_text("t2021", style, menu=True)
    assert text.startswith("首页")
    result = _extract(text)
    assert _printed(result) == truth
    assert result["title"] == "青石镇人民政府2023年政府信息公开工作年度报告"


# ---------------------------------------------------------------- short rows store nothing

SHORT = ("proactive.licensing", "proactive.procurement", "applications.disclosed",
         "applications.withheld.process_info", "review")


@pytest.mark.parametrize("style", ["pipe", "pipe_lead", "cells_blank", "cells_bar",
                                   "cells_suffix", "dump", "markdown", "tsv"])
def test_short_rows_store_nothing_and_are_named(style):
    text, truth = report_text("t2019", style, short=SHORT)
    result = _extract(text)
    got = _printed(result)
    assert _wrong(result, truth) == {}
    for row in SHORT:
        prefix = "review." if row == "review" else f"{row}."
        assert not any(k.startswith(prefix) or (row == "review" and k.startswith("litigation."))
                       for k in got), row
        name = row.split(".", 1)[1] if row != "review" else "review"
        assert any(name in w for w in result["warnings"]), (row, result["warnings"])
    # every other row is still read
    kept = {k for k in truth if not any(k.startswith(r + ".") for r in SHORT)
            and not k.startswith(("review.", "litigation."))}
    assert kept <= set(got)


def test_a_blank_inside_a_pipe_row_stores_nothing_of_the_row():
    text, truth = report_text("t2019", "pipe")
    licensing = "行政许可 | " + " | ".join(
        str(truth[f"proactive.licensing.{c}"]) for c in ("prev_count", "change", "decisions"))
    assert licensing in text
    gapped = "行政许可 | " + str(truth["proactive.licensing.prev_count"]) + " |  | " + \
        str(truth["proactive.licensing.decisions"])
    result = _extract(text.replace(licensing, gapped))
    assert not any(k.startswith("proactive.licensing.") for k in result["figures"])
    assert any("'licensing' has 2 of 3 cells" in w for w in result["warnings"])
    assert _wrong(result, truth) == {}


def test_a_comma_that_does_not_group_thousands_is_not_a_figure():
    text, truth = report_text("t2021", "pipe")
    rules = "规章 | " + " | ".join(str(truth[f"proactive.rules.{c}"])
                                  for c in ("made", "repealed", "valid"))
    assert rules in text
    truth = {**truth, "proactive.rules.repealed": 3, "proactive.rules.valid": 4}
    result = _extract(text.replace(rules, "规章 | 1,2 | 3 | 4"))
    assert "proactive.rules.made" not in result["figures"]
    assert any("proactive.rules.made: unreadable cell '1,2'" in w for w in result["warnings"])
    # the pipes still say which column each of the other two cells is under
    assert result["figures"]["proactive.rules.valid"] == 4
    assert _wrong(result, truth) == {}
    # a cell a line: '1,2' is no figure, so the row holds two for three columns
    text, truth = report_text("t2021", "cells_blank")
    made = str(truth["proactive.rules.made"])
    result = _extract(text.replace(f"\n规章\n\n{made}\n", "\n规章\n\n1,2\n", 1))
    assert "proactive.rules.made" not in result["figures"]
    assert any("unreadable cell '1,2'" in w for w in result["warnings"])
    assert _wrong(result, truth) == {}


def test_figures_without_a_row_label_are_skipped_and_named():
    text, truth = report_text("t2021", "cells_blank")
    result = _extract(text.replace("\n规章\n", "\n   \n", 1))
    assert not any(k.startswith("proactive.rules.") for k in result["figures"])
    assert any("without a row label" in w for w in result["warnings"])
    assert _wrong(result, truth) == {}


# ---------------------------------------------------------------- excerpts

def _lines_before(text: str, needle: str) -> str:
    return text[:text.index(needle)]


@pytest.mark.parametrize("style", ["pipe", "cells_blank", "cells_bar"])
def test_an_excerpt_that_stops_mid_table(style):
    text, truth = report_text("t2019", style)
    # stop inside table 三, after the label and the first figure of 予以公开
    at = text.index("（一）予以公开") + len("（一）予以公开")
    first = str(truth["applications.disclosed.natural_person"])
    cut = text[:text.index(first, at) + len(first)]
    result = _extract(cut)
    got = _printed(result)
    assert _wrong(result, truth) == {}
    assert not any(k.startswith("applications.disclosed.") for k in got)
    assert {k for k in truth if k.startswith("proactive.")} <= set(got)
    assert {k for k in truth if k.startswith(("applications.new_received.",
                                              "applications.carried_over."))} <= set(got)
    assert any("ends inside 三、收到和处理" in w for w in result["warnings"])
    assert any(w.startswith("四、") and "not in the text" in w for w in result["warnings"])


def test_an_excerpt_that_stops_inside_a_figure_stores_nothing_of_its_row():
    text, truth = report_text("t2019", "pipe")
    values = [str(truth[f"proactive.normative_docs.{c}"])
              for c in ("made", "published", "total_published")]
    row = "规范性文件 | " + " | ".join(values)
    assert len(values[-1]) > 1
    cut = text[:text.index(row) + len(row) - 1]     # the last figure lost its last digit
    result = _extract(cut)
    assert not any(k.startswith("proactive.normative_docs.") for k in result["figures"])
    assert any("cut short" in w for w in result["warnings"])
    assert {k for k in truth if k.startswith("proactive.rules.")} <= set(result["figures"])
    # the same row closed by its pipe is whole
    result = _extract(text[:text.index(row) + len(row) + 2])
    assert {k: result["figures"][k] for k in truth if k.startswith("proactive.normative_docs.")} \
        == {k: v for k, v in truth.items() if k.startswith("proactive.normative_docs.")}


# ---------------------------------------------------------------- headers, templates, years

def test_a_header_cut_short_is_read_by_the_template_order():
    text, truth = report_text("t2019", "pipe")
    text = text.replace("本年新制作数量 | 本年新公开数量", "本年新 | 本年新")
    result = _extract(text)
    assert _printed(result) == truth


def test_an_applicant_header_out_of_template_order_is_not_read():
    text, truth = report_text("t2021", "cells_blank")
    swapped = text.replace("科研机构", "@@").replace("社会公益组织", "科研机构").replace("@@", "社会公益组织")
    result = _extract(swapped)
    assert not any(k.startswith("applications.") for k in result["figures"])
    assert any("column header" in w for w in result["warnings"])
    assert {k for k in truth if k.startswith("proactive.")} <= set(result["figures"])


def test_a_wrapped_applicant_header_is_joined():
    text, truth = report_text("t2021", "cells_blank")
    wrapped = text.replace("\n商业企业\n", "\n商业\n\n企业\n").replace("\n科研机构\n", "\n科研\n\n机构\n")
    assert wrapped != text
    assert _printed(_extract(wrapped)) == truth


@pytest.mark.parametrize("template, year", [("t2019", 2023), ("t2021", 2020)])
def test_template_follows_the_tables_not_the_year(template, year):
    text, truth = report_text(template, "pipe", year=year)
    result = _extract(text)
    assert result["template"] == template
    assert result["report_year"] == year
    assert _printed(result) == truth


def test_year_from_the_statistics_period_when_no_title_names_it():
    text, _ = report_text("t2021", "cells_bar", year=2022)
    untitled = "\n".join(line for line in text.splitlines() if "年度报告" not in line)
    result = _extract(untitled)
    assert result["title"] is None
    assert result["report_year"] == 2022


def test_a_table_without_its_heading_is_still_found():
    text, truth = report_text("t2021", "pipe")
    result = _extract(text.replace(HEADINGS["proactive"] + "\n", ""))
    assert {k for k in truth if k.startswith("proactive.")} <= set(result["figures"])
    assert _wrong(result, truth) == {}


def test_text_without_tables_says_they_are_missing():
    result = _extract("某某镇2023年政府信息公开工作年度报告\n一、总体情况\n"
                      "本年度工作平稳。\n二、主动公开政府信息情况\n信息内容 见附件。\n")
    assert result["figures"] == {}
    assert result["report_year"] == 2023
    assert any(w.startswith("二、主动公开") and "holds no table" in w for w in result["warnings"])
    assert any(w.startswith("三、收到和处理") and "not in the text" in w
               for w in result["warnings"])


def test_builder_rows_are_the_templates():
    """The builder itself: every figure key is printed once in each table's rows."""
    for template in ("t2019", "t2021"):
        f = figures(template)
        keys = [key for name in HEADINGS for key, _ in table_rows(name, template, f, {}) if key]
        assert len(keys) == len(set(keys))
        assert render_table(table_rows("review", template, f, {}), "pipe")[-1].count("|") == 15


# ---------------------------------------------------------------- the test bed's reports

def test_simulated_reports_flattened_in_every_style():
    """Every report of a small simulated web (blank cells, short rows, 合计, Word labels,
    t2019 and t2021) printed as flattened text in each style the test bed knows."""
    from simulator.flattened import STYLES as SIM_STYLES, flattened_text, flattened_truth
    from simulator.web import build_portal
    from simulator.truth import report_truth

    web = build_portal(seed=3, families="all", agencies=4)
    checked = 0
    for site in web.family_sites:
        for report in site.reports:
            if not report.visible(site.clock):
                continue
            truth = report_truth(report, f"http://{site.host}", site)
            if truth["template"] not in ("t2019", "t2021") or not truth["text_extractable"]:
                continue
            expected = flattened_truth(truth["figures"])
            for style in SIM_STYLES:
                result = _extract(flattened_text(report.at(site.clock), style))
                got = {k: v for k, v in result["figures"].items()
                       if k not in result["derived"] or k in expected}
                assert got == expected, (style, truth["url"])
                assert result["template"] == truth["template"]
                assert result["report_year"] == truth["report_year"]
                checked += 1
    assert checked >= 5 * len(SIM_STYLES)


def test_title_and_agency_named_in_the_opening_sentence():
    text, truth = report_text("t2019", "pipe", agency="石门县交通运输局", year=2020)
    lines = text.splitlines()
    assert lines[0] == "石门县交通运输局2020年政府信息公开工作年度报告"
    opening = "根据条例要求，现公布石门县交通运输局2020年政府信息公开工作年度报告。"
    result = _extract("\n".join([opening] + lines[1:]))
    assert result["title"] == "石门县交通运输局2020年政府信息公开工作年度报告"
    assert result["agency"] == "石门县交通运输局"
    assert _printed(result) == truth


def test_a_blank_value_beside_a_blank_label_gives_nothing_to_the_row_above():
    """行政处罚 printed blank and 行政强制's label lost: the figure after them is
    行政强制's, never 行政处罚's. The blank cells still show as a line of spaces or a
    third empty line, and a figure after one is not placed."""
    text, truth = report_text("t2021", "cells_blank")
    penalty, coercion = truth["proactive.penalty.decisions"], truth["proactive.coercion.decisions"]
    rows = f"\n行政处罚\n\n{penalty}\n\n行政强制\n\n{coercion}\n"
    assert rows in text
    result = _extract(text.replace(rows, f"\n行政处罚\n\n\n\n   \n\n{coercion}\n"))
    assert "proactive.penalty.decisions" not in result["figures"]
    assert any("行政处罚" in w and "blank cell" in w for w in result["warnings"])
    assert _wrong(result, truth) == {}


def test_a_blank_row_before_a_label_cut_short_lends_it_no_figures():
    """行政许可 printed blank (its cells vanish in a cell-a-line text) and the next label
    cut to 其他对外管理服: the figures after it are not 行政许可's. Likewise in table 三,
    a numbered label after a blank row starts a row of its own."""
    text, truth = report_text("t2019", "cells_blank")
    lic = [truth[f"proactive.licensing.{c}"] for c in ("prev_count", "change", "decisions")]
    block = "\n行政许可\n\n" + "".join(f"{v}\n\n" for v in lic) + "其他对外管理服务事项\n"
    assert block in text
    result = _extract(text.replace(block, "\n行政许可\n\n其他对外管理服\n"))
    assert not any(k.startswith(("proactive.licensing.", "proactive.other_services."))
                   for k in result["figures"])
    assert _wrong(result, truth) == {}

    cells = [str(truth[f"applications.withheld.state_secret.{c}"]) for c in
             ("natural_person", "commercial", "research", "public_interest", "legal_services",
              "other_org", "total")]
    block = "\n1.属于国家秘密\n\n" + "".join(f"{v}\n\n" for v in cells) + "2.其他法律行政法规禁止公开\n"
    assert block in text
    result = _extract(text.replace(block, "\n1.属于国家秘密\n\n2.其他法\n"))
    assert not any(k.startswith(("applications.withheld.state_secret.",
                                 "applications.withheld.prohibited_by_law."))
                   for k in result["figures"])
    assert _wrong(result, truth) == {}


def test_markdown_tables_with_separator_lines_follow_the_same_rules():
    """Whole markdown tables (a separator line under each first row): a trailing empty
    cell is no column, and a row with a blank cell stores nothing."""
    text, truth = report_text("t2019", "markdown")
    lic = [str(truth[f"proactive.licensing.{c}"]) for c in ("prev_count", "change", "decisions")]
    row = "| 行政许可 | " + " | ".join(lic) + " |"
    assert row in text and "|---|---|" in text
    gapped = text.replace(row, f"| 行政许可 | {lic[0]} |  | {lic[2]} |")
    padded = "\n".join(line + " |" if line.startswith("| ") else line
                       for line in gapped.splitlines())
    result = _extract(padded, "report.md")
    assert not any(k.startswith("proactive.licensing.") for k in result["figures"])
    assert any("'licensing' has 2 of 3 cells" in w for w in result["warnings"])
    assert _printed(result) == {k: v for k, v in truth.items()
                                if not k.startswith("proactive.licensing.")}
