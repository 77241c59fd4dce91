"""Alerts after a scheduled run: a portal that broke, reports newly late or missing.

A broken portal raises one alert, for its most specific cause, not one per symptom
(list pages answering 500 also leave zero reports; the operator needs the cause):
the crawl failed > challenge pages appeared > the error rate jumped > list pages no
longer match the adapter > zero reports where the last run found some. A failure
that lasts is raised when it starts, not again on every run.

Deadline alerts compare the deadlines table before and after the run, site by site,
and only where the site had rows before (a first run is a baseline, not news).
Rows go to the kept table `alerts` (archive/migrations.py); delivering them by
webhook is the scheduler's business (gongkai/scheduling/webhook.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from gongkai.archive import clock

ERROR_RATE_FLOOR = 0.10  # as crawl_runs flags: below this an error rate is noise
SHOWN = 5  # agency-years named in a deadline alert's message (all are in details)


@dataclass
class RunFacts:
    """What one scheduled run of a site saw, gathered by the scheduler."""
    site: str
    region: str | None
    exit_code: int
    run: dict | None            # this run's crawl_runs row (None: the crawl left none)
    previous: dict | None       # the site's previous finished crawl_runs row
    stats: dict = field(default_factory=dict)   # the crawl's counts (GONGKAI_STATS_FILE)
    structure: dict | None = None  # a structure check's verdict: {"ok": bool, "reason": …}


def alert(kind: str, facts: RunFacts, zh: str, en: str, **details) -> dict:
    return {"raised_at": clock.utc_now(), "kind": kind, "site": facts.site,
            "region": facts.region, "message": f"{zh} ({en})",
            "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
            "crawl_run": (facts.run or {}).get("id"), "delivered_at": None,
            "delivery_error": None, "delivery_attempts": 0}


def health_alert(facts: RunFacts) -> dict | None:
    """At most one alert about the portal itself, for the first cause that holds."""
    judges = (_challenged, _failed, _error_jump, _structure_changed, _zero_reports)
    if not _crawled(facts):
        judges = judges[:2]  # a crawl that failed says nothing about lists or reports
    for judge in judges:
        raised = judge(facts)
        if raised:
            return raised
    return None


def _crawled(facts: RunFacts) -> bool:
    return facts.exit_code == 0 and ((facts.run or {}).get("outcome") or "ok") == "ok"


def _blocked(run: dict | None) -> list[str]:
    return json.loads((run or {}).get("blocked_hosts") or "[]")


def _challenges(run: dict | None) -> int:
    by_status = json.loads((run or {}).get("responses_by_status") or "{}")
    return sum(n for status, n in by_status.items() if status in ("412", "521"))


def _challenged(facts: RunFacts) -> dict | None:
    now, before = _blocked(facts.run), _blocked(facts.previous)
    new = sorted(set(now) - set(before))
    if not new:
        return None
    return alert("challenge_jump", facts, f"{facts.site}：出现验证页面，已停止访问 {', '.join(new)}",
                 f"challenge pages now block {', '.join(new)}", blocked_hosts=now,
                 challenges=_challenges(facts.run), challenges_before=_challenges(facts.previous))


def _failed(facts: RunFacts) -> dict | None:
    if _crawled(facts):
        return None
    outcome = (facts.run or {}).get("outcome") or "failed"
    if facts.previous and (facts.previous.get("outcome") or "ok") != "ok":
        return None  # still failing: raised when it began
    reason = (facts.run or {}).get("outcome_reason") or f"exit code {facts.exit_code}"
    return alert("crawl_failed", facts, f"{facts.site}：无法抓取（{reason}）",
                 f"could not be crawled: {reason}", outcome=outcome, exit_code=facts.exit_code)


def _error_jump(facts: RunFacts) -> dict | None:
    rate = (facts.run or {}).get("error_rate") or 0.0
    last = (facts.previous or {}).get("error_rate") or 0.0
    if rate < ERROR_RATE_FLOOR or rate <= 2 * last:
        return None
    return alert("error_jump", facts, f"{facts.site}：错误率{rate:.0%}，上次{last:.0%}",
                 f"error rate {rate:.0%}, last run {last:.0%}", error_rate=rate,
                 error_rate_before=last, errors=facts.run.get("errors"),
                 responses_by_status=json.loads(facts.run.get("responses_by_status") or "{}"))


def _had_reports(facts: RunFacts) -> int:
    return (facts.previous or {}).get("report_pages") or 0


def _structure_changed(facts: RunFacts) -> dict | None:
    pages = facts.stats.get("gongkai/list_pages", 0)
    entries = facts.stats.get("gongkai/list_entries", 0)
    checked = facts.structure or {}
    # The crawl's own evidence first; the site check (crawler/site_check.py) otherwise.
    if _had_reports(facts) and pages and not entries:
        reason = f"{pages} list pages answered, none lists a report"
    elif _had_reports(facts) and not pages and not (facts.run or {}).get("report_pages"):
        reason = "no list page found from the navigation"
    elif checked and not checked.get("ok", True):
        reason = "; ".join(checked.get("reasons") or ["the site check failed"])
    else:
        return None
    return alert("structure_changed", facts, f"{facts.site}：栏目列表页与适配器不再匹配",
                 f"list pages no longer match the adapter: {reason}", list_pages=pages,
                 list_entries=entries, reports_before=_had_reports(facts), check=checked or None)


def _zero_reports(facts: RunFacts) -> dict | None:
    before = _had_reports(facts)
    if not before or (facts.run or {}).get("report_pages"):
        return None
    return alert("zero_reports", facts, f"{facts.site}：找到0份报告，上次找到{before}份",
                 f"zero reports where the last run found {before}", reports_before=before)


# -- deadlines -------------------------------------------------------------------

def deadline_rows(database, site: str) -> dict[tuple, dict]:
    """The site's deadlines rows by (agency, report year); empty before the first build."""
    if not database["deadlines"].exists():
        return {}
    return {(row["agency"], row["report_year"]): row for row in database.query(
        "select agency, report_year, status, due, days_late, flags, as_of from deadlines "
        "where site = ?", [site])}


def alerted_rows(database, site: str) -> dict[tuple, dict]:
    """The statuses the site's last scheduled run saw (table alerted_deadlines): what this
    run compares with, whoever rebuilt the deadlines table in between."""
    return {(row["agency"], row["report_year"]): row for row in database.query(
        "select agency, report_year, status from alerted_deadlines where site = ?", [site])}


def remember_deadlines(database, site: str, rows: dict[tuple, dict]) -> None:
    with database.conn:
        database.execute("delete from alerted_deadlines where site = ?", [site])
        database["alerted_deadlines"].insert_all(
            {"site": site, "agency": agency, "report_year": year, "status": row["status"],
             "as_of": row.get("as_of")} for (agency, year), row in rows.items())


def deadline_alerts(facts: RunFacts, before: dict, after: dict) -> list[dict]:
    if not before:
        return []
    raised = []
    for status, kind, zh, en in (("late", "newly_late", "逾期发布", "newly late"),
                                 ("missing", "newly_missing", "逾期未发布", "newly missing")):
        rows = [row for key, row in sorted(after.items(), key=lambda item: str(item[0]))
                if row["status"] == status and (before.get(key) or {}).get("status") != status]
        if not rows:
            continue
        named = "、".join(f"{row['agency']}{row['report_year']}年" for row in rows[:SHOWN])
        more = f"等{len(rows)}份" if len(rows) > SHOWN else ""
        raised.append(alert(kind, facts, f"{facts.site}：{named}{more}年报{zh}",
                            f"{len(rows)} reports {en}", reports=[
                                {k: row[k] for k in ("agency", "report_year", "due",
                                                     "days_late")} for row in rows]))
    return raised


def write_alerts(database, alerts: list[dict]) -> list[int]:
    ids = []
    with database.conn:
        for row in alerts:
            ids.append(database["alerts"].insert(row).last_pk)
    return ids
