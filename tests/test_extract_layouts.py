"""Reading a table layout once and replaying it (archive/extract/tables.py): a replayed
reading must give exactly what reading the table afresh gives."""

import pytest

from gongkai.archive.extract import extract_document
from gongkai.archive.extract.forms import parse
from gongkai.archive.extract import labels as L
from gongkai.archive.extract import tables
from gongkai.archive.extract.tables import is_number
from simulator.web import build_portal
from simulator.truth import report_truth
from tests.report_builder import html_report, sample_figures

HTML = "text/html; charset=utf-8"


@pytest.fixture
def replays(monkeypatch):
    """Counts replayed readings; starts with no layout known."""
    monkeypatch.setattr(tables, "_PLANS", {})
    count = {"n": 0}
    replay = tables._replay

    def counting(*args):
        count["n"] += 1
        replay(*args)

    monkeypatch.setattr(tables, "_replay", counting)
    return count


def fresh(page: bytes, content_type: str = HTML) -> dict:
    tables._PLANS.clear()
    return extract_document(page, content_type=content_type)


def test_replayed_readings_equal_fresh_ones_on_every_family(replays):
    web = build_portal(seed=5, families="all", agencies=6)
    pages = []
    for site in web.family_sites:
        for report in site.reports:
            truth = report_truth(report, f"http://{site.host}", site)
            if truth["form"] == "html":
                pages.append((truth, web.respond("GET", truth["url"]).body))
    warm = []
    for _, page in pages:          # one run, layouts met before are replayed
        warm.append(extract_document(page, content_type=HTML))
    assert replays["n"] > len(pages)      # most of three tables a page came from a plan
    for (truth, page), replayed in zip(pages, warm):
        assert replayed == fresh(page), truth["url"]
        assert replayed["figures"] == truth["figures"], truth["url"]


def test_other_figures_in_a_known_layout_are_read_as_printed(replays):
    first, second = sample_figures("t2021", seed=3), sample_figures("t2021", seed=4)
    assert first != second
    extract_document(html_report("t2021", first).encode(), content_type=HTML)
    result = extract_document(html_report("t2021", second).encode(), content_type=HTML)
    assert replays["n"] == 3
    assert {k: v for k, v in result["figures"].items() if k in second} == second
    # a blank where a number was: table 三 is another layout, read afresh
    blank = sample_figures("t2021", seed=4, blanks=("applications.disclosed.natural_person",))
    result = extract_document(html_report("t2021", blank).encode(), content_type=HTML)
    assert replays["n"] == 5
    assert result["figures"]["applications.disclosed.natural_person"] is None
    assert result["raw"]["applications.disclosed.natural_person"] == ""     # blank, not 0


def test_a_label_in_place_of_a_number_is_a_new_layout(replays):
    figures = sample_figures("t2019")
    page = html_report("t2019", figures)
    extract_document(page.encode(), content_type=HTML)
    # the same grid, but one figure cell now holds a word
    changed = page.replace(">3<", ">不详<", 1)
    assert changed != page
    result = extract_document(changed.encode(), content_type=HTML)
    assert replays["n"] == 2
    assert any("不详" in w for w in result["warnings"])
    assert result == fresh(changed.encode())


def test_a_layout_the_reader_warned_about_is_read_afresh_each_time(replays):
    figures = sample_figures("t2019")
    # a row of figures under table 三 with no label: the reader skips it and says so
    page = html_report("t2019", figures).replace(
        "</table><p>四、", "<tr>" + "<td>1</td>" * 10 + "</tr></table><p>四、", 1)
    warning = "applications: a row of numbers without a label was skipped"
    for _ in range(2):
        result = extract_document(page.encode(), content_type=HTML)
        assert any(w.startswith(warning) for w in result["warnings"])
    assert result == fresh(page.encode())


def test_no_label_is_a_number():
    """The layout keeps a number's text out of its key; that is sound only while no
    label a reader matches could be a number."""
    tables_of_labels = [v for v in vars(L).values()
                        if isinstance(v, list) and v and isinstance(v[0], tuple)]
    words = [w for table in tables_of_labels for _, ws in table for w in ws
             if isinstance(w, str)]
    words += list(L.APPLICANT_HEADERS)
    assert len(words) > 50
    assert not [w for w in words if is_number(w)]
    assert not any(L.BARE_OTHER.match(n) or L.BARE_TOTAL.match(n) for n in ("1", "12", "0"))


def test_plans_are_bounded_and_the_least_recently_used_goes_first(replays, monkeypatch):
    monkeypatch.setattr(tables, "_MAX_PLANS", 2)
    page = html_report("t2019", sample_figures("t2019")).encode()
    found = tables.report_tables(parse(page, content_type=HTML).blocks)

    def read(name):
        tables._read(name, found[name], tables.Figures())

    read("proactive")
    read("review")
    read("proactive")           # replayed, and now the most recently used
    read("applications")        # a third layout: review, the least recently used, goes
    assert [name for name, _ in tables._PLANS] == ["proactive", "applications"]
    assert replays["n"] == 1
