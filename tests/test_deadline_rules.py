"""Deadline rules are data: the shipped file reads as the spec's table, and a provincial
rule is one more entry in a file, not code."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.archive.deadline_rules import RULES_FILE, RulesError, load_rules, site_regions

HUICHANG = "360733"   # 江西省赣州市会昌县
SHANGYU = "330604"    # 浙江省绍兴市上虞区


def test_the_shipped_rules_follow_article_49():
    rules = load_rules()
    assert rules.due("department", 2020, HUICHANG) == date(2021, 1, 31)
    assert rules.due("county_government", 2020, HUICHANG) == date(2021, 3, 31)
    assert rules.due("township", 2020, HUICHANG) is None
    assert rules.due(None, 2023, SHANGYU) is None              # a body of unknown kind
    for kind in ("department", "county_government", "township", None):
        assert rules.due(kind, 2018, SHANGYU) == date(2019, 3, 31)   # the 2008 Regulation
        assert rules.due(kind, 2008, None) == date(2009, 3, 31)
    assert rules.rule_for("department", 2024, HUICHANG).name.startswith("县级以上人民政府部门")


def test_a_provincial_rule_is_added_by_editing_the_file(tmp_path):
    edited = tmp_path / "rules.toml"
    edited.write_text(RULES_FILE.read_text(encoding="utf-8") + """
[[rule]]
name = "江西省：乡镇（试行）"
region = "36"
kinds = ["township"]
first_year = 2021
due = "02-28"
""", encoding="utf-8")
    rules = load_rules(edited)
    assert rules.due("township", 2022, HUICHANG) == date(2023, 2, 28)
    assert rules.due("township", 2020, HUICHANG) is None         # before its first year
    assert rules.due("township", 2022, SHANGYU) is None          # another province
    assert rules.due("department", 2022, HUICHANG) == date(2023, 1, 31)
    assert rules.crawl_interval_days == load_rules().crawl_interval_days


def test_a_rule_the_code_cannot_apply_is_refused(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text('[[rule]]\nname = "x"\nkinds = ["township"]\ndue = "02-30"\n',
                   encoding="utf-8")
    with pytest.raises(RulesError):
        load_rules(bad)


def test_every_registry_site_has_its_region():
    regions = site_regions()
    assert regions["huichang"] == HUICHANG and regions["shangyu"] == SHANGYU
    assert len(regions) >= 6
