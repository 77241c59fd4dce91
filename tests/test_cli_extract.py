"""`gongkai extract FILE --json` on the seed report's layout, as the foundation issue asks."""

import json

import pytest

from simulator.web import build_portal
from simulator.render import render_report_text

from conftest import gongkai

SHORT_ROWS = ["disclosed", "partly_disclosed", "withheld.state_secret", "unavailable.not_held",
              "not_processed.petition", "other_handling", "handled_total", "carried_forward"]


def check_seed_output(result: dict) -> None:
    assert result["template"] == "t2019"
    assert result["report_year"] == 2020
    assert "庄口镇" in result["agency"]
    assert result["figures"]["proactive.normative_docs.total_published"] == 20
    assert result["figures"]["applications.new_received.total"] == 0
    assert result["figures"]["applications.carried_over.total"] == 0
    for row in SHORT_ROWS:
        # Five values for seven columns: which is which cannot be known, so none is kept.
        assert not any(k.startswith(f"applications.{row}.") for k in result["figures"]), row
        assert any(f"'{row}' has 5 of 7 cells" in w for w in result["warnings"]), row
    assert {"rule", "status"} <= set(result["checks"][0])


def test_seed_layout_generated_by_the_portal(tmp_path):
    report = build_portal(seed=1).report("hc1590", 2020)
    path = tmp_path / "zhuangkou-2020.txt"
    path.write_text(render_report_text(report), encoding="utf-8")
    check_seed_output(json.loads(gongkai("extract", path, "--json").stdout))


def test_the_real_seed_report(shared_corpus):
    seed = shared_corpus / "000_663f01e44eff96d9.txt"
    if not seed.exists():
        pytest.skip("seed report not in ../shared/corpus")
    check_seed_output(json.loads(gongkai("extract", seed, "--json").stdout))
