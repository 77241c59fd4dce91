"""Rotating revisits (crawler/revisit.py), measured on the simulated portal through real
`gongkai crawl` processes: a run with nothing due costs a small share of the first
crawl's requests, yet an edit is archived and a deletion seen within N days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gongkai.archive import db
from gongkai.crawler.revisit import RevisitRule, window
from simulator.web import build_portal
from simulator.server import PortalServer

from conftest import gongkai

N = 3  # revisit days in these tests (the scheduler's default is 28, 7 in season)


def crawl(server, data, day: date, revisit_days: int) -> int:
    """One crawl of 会昌县 on DAY (the portal served as of that day); requests it made."""
    before = len(server.requests)
    gongkai("crawl", "huichang", "--proxy", server.proxy_url, "--data", data,
            "--now", f"{day.isoformat()}T02:00:00Z", "-s", "LOG_LEVEL=WARNING",
            "-s", f"GONGKAI_REVISIT_DAYS={revisit_days}", "-s", "GONGKAI_REVISIT_SEASON_DAYS=0")
    return len(server.requests) - before


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=3, families=["ganzhou"], agencies=16, years=range(2015, 2025),
                        faults="edited,deleted")


def event(web, name) -> tuple[str, date]:
    record = next(r for r in web.fault_records if r["name"] == name)
    return "http://www.huichang.gov.cn" + record["path"], date.fromisoformat(record["on"])


def statuses(data, url) -> list[tuple[str, int, str]]:
    return [(r["fetched_at"][:10], r["status"], r["payload_sha256"]) for r in
            db.open_database(data).query(
                "select fetched_at, status, payload_sha256 from captures where url = ? "
                "and record_type in ('response', 'revisit') order by id", [url])]


def test_rule_rotates_every_url_within_n_days():
    rule = RevisitRule(days=7, season_days=2, season_months=frozenset({1, 2, 3, 4}))
    urls = [f"http://example.gov.cn/r/{i}.shtml" for i in range(700)]
    start = date(2025, 6, 2)
    asked = {url: start for url in urls}
    per_day = []
    for offset in range(1, 29):
        day = start + timedelta(days=offset)
        due = [url for url in urls if rule.due(url, day, asked[url])]
        assert all((day - asked[url]).days <= 7 for url in due)
        for url in due:
            asked[url] = day
        per_day.append(len(due))
        assert all((day - asked[url]).days < 7 for url in urls)
    # about a seventh a day, never all at once
    assert 60 <= min(per_day) and max(per_day) <= 140
    assert rule.period(date(2025, 2, 1)) == 2 and rule.period(date(2025, 5, 1)) == 7
    assert window(urls[0], start, 7) == window(urls[0], start, 7)  # deterministic
    assert RevisitRule(days=0).due(urls[0], start, start)  # 0: always
    lists = RevisitRule(days=28, season_days=7, list_days=2)
    assert lists.list_period(date(2025, 6, 2)) == 2 and lists.list_period(date(2025, 2, 2)) == 1
    assert RevisitRule(days=28).list_period(date(2025, 6, 2)) == 1
    half = [url for url in urls if lists.due(url, start + timedelta(days=1), start, 2)]
    assert 250 <= len(half) <= 450  # about half the first list pages on a given day


def test_unchanged_day_costs_under_a_tenth_and_edit_is_seen_within_n_days(web, tmp_path):
    url, edited_on = event(web, "edited")
    with PortalServer(web) as server:
        web.as_of = edited_on - timedelta(days=1)
        first = crawl(server, tmp_path, edited_on - timedelta(days=1), 0)
        same_day = crawl(server, tmp_path, edited_on - timedelta(days=1), N)
        print(f"first crawl {first} requests; a run with nothing due {same_day} "
              f"({same_day / first:.1%})")
        assert first > 150
        assert same_day <= 0.10 * first
        daily = []
        for offset in range(N + 1):
            day = edited_on + timedelta(days=offset)
            web.as_of = day
            daily.append(crawl(server, tmp_path, day, N))
        print(f"daily runs over {N + 1} days: {daily} requests "
              f"({max(daily) / first:.1%} of the first crawl at most)")
    history = statuses(tmp_path, url)
    versions = {sha for _, status, sha in history if status == 200}
    assert len(versions) == 2, history  # the edit was fetched whole
    seen = min(day for day, status, sha in history if status == 200 and day >= str(edited_on))
    assert date.fromisoformat(seen) <= edited_on + timedelta(days=N)
    # asked in turn, not every day: once before the edit, once (or twice) in N + 1 days
    assert len([h for h in history if h[0] >= str(edited_on)]) <= 2
    # each day: what is always asked, and about 1/N of the rest
    assert max(daily) < same_day + 2 * (first - same_day) / N


def test_deletion_is_seen_at_the_next_run(web, tmp_path):
    url, deleted_on = event(web, "deleted")
    with PortalServer(web) as server:
        web.as_of = deleted_on - timedelta(days=1)
        crawl(server, tmp_path, deleted_on - timedelta(days=1), 0)
        web.as_of = deleted_on
        crawl(server, tmp_path, deleted_on, N)
    history = statuses(tmp_path, url)
    assert history[0][1] == 200 and history[-1][0] == str(deleted_on)
    assert history[-1][1] != 200, history  # its list dropped it: asked at once
