"""The extractor on every page the simulated portal generates (t2019 and t2021,
Word markup, blank cells, 合计, the damaged seed layout), against the ground truth."""

import pytest

from gongkai.archive.extract import extract_document
from simulator.web import build_portal
from simulator.render import render_report
from simulator.truth import report_truth


@pytest.mark.parametrize("seed", [1, 7])
def test_every_generated_report_extracts_to_its_truth(seed):
    portal = build_portal(seed=seed)
    templates = set()
    for report in portal.reports:
        truth = report_truth(report)
        result = extract_document(render_report(portal, report).encode("utf-8"),
                                  content_type="text/html; charset=utf-8")
        assert result["figures"] == truth["figures"], truth["title"]
        assert result["template"] == truth["template"], truth["title"]
        assert result["report_year"] == truth["report_year"], truth["title"]
        assert result["published"] == truth["published"], truth["title"]
        templates.add(result["template"])
    assert templates == {"t2019", "t2021"}
