
import pytest

from gongkai.archive.checks import run_checks
from gongkai.archive.extract import extract_document
from report_builder import html_report, sample_figures

RULES = ["applications.balance", "applications.row_totals", "applications.handled_sum",
         "review.totals", "completeness", "year", "cross_year.carry", "cross_year.valid_docs",
         "narrative", "reuse"]


def statuses(result, previous=None) -> dict:
    return {c["rule"]: c["status"] for c in run_checks(result, previous)}


def extracted(template="t2019", **kwargs) -> dict:
    figures = kwargs.pop("figures", None) or sample_figures(template)
    return extract_document(html_report(template, figures, **kwargs))


def test_every_rule_reports_in_shape():
    checks = extracted()["checks"]
    assert [c["id"] for c in checks] == RULES
    for check in checks:
        assert set(check) >= {"id", "rule", "status", "detail", "compared"}
        assert check["status"] in {"PASS", "FAIL", "UNCERTAIN", "NOT_ASSESSABLE"}
        assert isinstance(check["detail"], str) and check["detail"]


@pytest.mark.parametrize("template", ["t2019", "t2021"])
def test_consistent_report_passes(template):
    result = extracted(template)
    got = {c["rule"]: c["status"] for c in result["checks"]}
    for rule in RULES[:6] + ["narrative"]:
        assert got[rule] == "PASS", (rule, result["checks"])
    for rule in ("cross_year.carry", "cross_year.valid_docs", "reuse"):
        assert got[rule] == "NOT_ASSESSABLE"


def test_contradicting_total_fails_review_totals():
    figures = sample_figures("t2019")
    figures["review.total"] = 0            # printed 0 while 维持/纠正 are not
    result = extracted(figures=figures)
    check = next(c for c in result["checks"] if c["rule"] == "review.totals")
    assert check["status"] == "FAIL"
    review = next(c for c in check["compared"] if c["what"] == "review")
    assert (review["left"], review["right"]) == (0, 6)


def test_blanks_are_uncertain_not_pass():
    figures = sample_figures("t2019", blanks=("review.corrected",
                                              "applications.carried_forward.research"))
    got = statuses(extracted(figures=figures))
    assert got["applications.balance"] == "UNCERTAIN"
    assert got["review.totals"] == "UNCERTAIN"
    assert got["completeness"] == "PASS"     # a blank cell was read: it is blank


def test_missing_table_is_not_assessable():
    got = statuses(extracted(omit_review=True))
    assert got["review.totals"] == "NOT_ASSESSABLE"
    assert got["applications.balance"] == "PASS"
    assert got["completeness"] == "FAIL"


def _result(figures: dict, **extra) -> dict:
    base = {"template": "t2019", "title": None, "report_year": None, "figures": figures,
            "sections": {}, "text": ""}
    return {**base, **extra}


def test_unknown_cells_fail_only_when_nothing_could_close_the_gap():
    # parts 4 + 3 already exceed a printed total of 5: a blank part cannot help
    parts = {"review.upheld": 4, "review.corrected": 3, "review.other": None,
             "review.pending": 0, "review.total": 5}
    assert statuses(_result(parts))["review.totals"] == "FAIL"
    # a blank part could be 2: undecided
    parts.update({"review.total": 9})
    assert statuses(_result(parts))["review.totals"] == "UNCERTAIN"
    # an unreadable (absent) cell is uncertain too
    del parts["review.other"]
    parts["review.total"] = 7
    assert statuses(_result(parts))["review.totals"] == "UNCERTAIN"


def test_table_three_missing_is_not_assessable():
    got = statuses(_result({"review.total": 0}))
    for rule in ("applications.balance", "applications.row_totals", "applications.handled_sum"):
        assert got[rule] == "NOT_ASSESSABLE"


def test_narrative_contradiction_fails():
    figures = sample_figures("t2019")
    said = figures["applications.new_received.total"] + 5
    check = next(c for c in extracted(figures=figures, narrative=said)["checks"]
                 if c["rule"] == "narrative")
    assert check["status"] == "FAIL"
    assert check["compared"][0]["left"] == said


def test_year_disagreement_fails():
    text = "本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。"
    result = _result({}, title="某镇2020年政府信息公开工作年度报告", report_year=2020,
                     text=text)
    assert statuses(result)["year"] == "FAIL"
    assert statuses(_result({}))["year"] == "NOT_ASSESSABLE"


def test_cross_year_carry():
    this = extracted()
    previous = {"report_year": 2019, "figures": {
        f"applications.carried_forward.{c}": this["figures"][f"applications.carried_over.{c}"]
        for c in ("natural_person", "commercial", "research", "public_interest",
                  "legal_services", "other_org", "total")}, "sections": {}, "text": ""}
    assert statuses(this, previous)["cross_year.carry"] == "PASS"
    previous["figures"]["applications.carried_forward.total"] += 1
    assert statuses(this, previous)["cross_year.carry"] == "FAIL"
    previous["report_year"] = 2017
    assert statuses(this, previous)["cross_year.carry"] == "NOT_ASSESSABLE"


def test_cross_year_valid_docs():
    this = extracted("t2021")
    f = this["figures"]
    valid_before = f["proactive.normative_docs.valid"] - f["proactive.normative_docs.made"] + \
        f["proactive.normative_docs.repealed"]
    previous = {"report_year": 2020, "template": "t2021", "sections": {}, "text": "",
                "figures": {"proactive.normative_docs.valid": valid_before,
                            "proactive.rules.valid": f["proactive.rules.valid"]
                            - f["proactive.rules.made"] + f["proactive.rules.repealed"]}}
    assert statuses(this, previous)["cross_year.valid_docs"] == "PASS"
    previous["figures"]["proactive.normative_docs.valid"] += 3
    assert statuses(this, previous)["cross_year.valid_docs"] == "FAIL"


def test_reuse():
    this = extracted()
    copy = {**this, "report_year": 2019}
    assert statuses(this, copy)["reuse"] == "FAIL"
    other = {"report_year": 2019, "figures": {}, "text": "",
             "sections": {"overview": "上一年度主要围绕栏目改版和培训开展工作，共组织培训三次，"
                                      "新增专题栏目两个，完成了年度考核中提出的整改事项。"
                                      "来年计划把办件回访改为电话加短信两种方式，并请群众"
                                      "代表参与评议公开栏目的可读性，评议意见在网站公布。"}}
    assert statuses(this, other)["reuse"] == "PASS"
