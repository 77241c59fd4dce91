"""A crawl's verdict in one line (crawler/outcomes.py), the exit code follows it."""

from gongkai.crawler.outcomes import Outcomes, judge


def outcomes(by_status=None, errors=None) -> Outcomes:
    return Outcomes(by_status or {}, errors or {}, {})


def test_a_lone_crawl_that_asked_nothing_failed():
    assert judge(outcomes(), [], 0)[0] == "nothing_asked"


def test_a_shared_worker_whose_peers_took_every_request_did_not_fail():
    outcome, reason = judge(outcomes(), [], 0, shared=True)
    assert outcome == "ok" and "other workers" in reason


def test_a_shared_worker_that_asked_and_got_nothing_still_failed():
    assert judge(outcomes(errors={"ConnectionRefusedError": 4}), [], 0, shared=True)[0] == "unreachable"
    assert judge(outcomes({"500": 3}), [], 0, shared=True)[0] == "server_errors"
