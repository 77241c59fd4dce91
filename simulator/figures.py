"""Canonical figure keys and deterministic generation of a report's figures.

The keys follow ``shared/spec/report-model.md`` (tables 二, 三, 四 with the prefixes
``proactive.``, ``applications.``, ``review.`` and ``litigation.``).  Generation keeps the
report's own arithmetic and the cross-year rules:

* per applicant column ``new_received + carried_over = handled_total + carried_forward``;
* ``handled_total`` = the sum of the outcome rows, every row's ``total`` = the sum of the six
  applicant columns;
* each review / litigation group's ``total`` = upheld + corrected + other + pending;
* ``carried_over`` of year Y = ``carried_forward`` of year Y-1 (same agency);
* t2021: ``valid(Y) = valid(Y-1) + made - repealed`` for rules and normative documents.

Everything here is pure: randomness comes from the ``random.Random`` passed in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from bisect import bisect
from functools import lru_cache
from itertools import accumulate

TEMPLATES = ("t2019", "t2021")

# --- table 三 -------------------------------------------------------------------------------

APPLICANT_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "public_interest",
    "legal_services",
    "other_org",
)
ORG_COLUMNS = APPLICANT_COLUMNS[1:]
APPLICATION_COLUMNS = APPLICANT_COLUMNS + ("total",)

WITHHELD_ROWS = (
    "withheld.state_secret",
    "withheld.prohibited_by_law",
    "withheld.security_stability",
    "withheld.third_party_rights",
    "withheld.internal_affairs",
    "withheld.process_info",
    "withheld.enforcement_files",
    "withheld.inquiry_matters",
)
UNAVAILABLE_ROWS = (
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.still_unclear",
)
NOT_PROCESSED_ROWS = (
    "not_processed.petition",
    "not_processed.duplicate",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirmation",
)
OTHER_HANDLING_T2021 = (
    "other_handling.no_correction",
    "other_handling.unpaid_fee",
    "other_handling.other",
)


@lru_cache(maxsize=None)
def outcome_rows(template: str) -> tuple[str, ...]:
    """The result rows of 三、本年度办理结果 whose sum is （七）总计 (handled_total excluded)."""
    other = ("other_handling",) if template == "t2019" else OTHER_HANDLING_T2021
    return (
        ("disclosed", "partly_disclosed")
        + WITHHELD_ROWS
        + UNAVAILABLE_ROWS
        + NOT_PROCESSED_ROWS
        + other
    )


@lru_cache(maxsize=None)
def application_rows(template: str) -> tuple[str, ...]:
    """Every row of table 三 in printed order (middle part of the key)."""
    return (
        ("new_received", "carried_over")
        + outcome_rows(template)
        + ("handled_total", "carried_forward")
    )


# --- table 二 -------------------------------------------------------------------------------

PROACTIVE_T2019 = (
    ("rules", ("made", "published", "total_published")),
    ("normative_docs", ("made", "published", "total_published")),
    ("licensing", ("prev_count", "change", "decisions")),
    ("other_services", ("prev_count", "change", "decisions")),
    ("penalty", ("prev_count", "change", "decisions")),
    ("coercion", ("prev_count", "change", "decisions")),
    ("fees", ("prev_count", "change")),
    ("procurement", ("projects", "amount")),
)
PROACTIVE_T2021 = (
    ("rules", ("made", "repealed", "valid")),
    ("normative_docs", ("made", "repealed", "valid")),
    ("licensing", ("decisions",)),
    ("penalty", ("decisions",)),
    ("coercion", ("decisions",)),
    ("fees", ("amount_10k_yuan",)),
)


def proactive_rows(template: str):
    return PROACTIVE_T2019 if template == "t2019" else PROACTIVE_T2021


# --- table 四 -------------------------------------------------------------------------------

REVIEW_GROUPS = ("review", "litigation.direct", "litigation.after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def figure_keys(template: str) -> list[str]:
    """Every canonical key of the template, in printed order (table 二, 三, 四)."""
    return list(_figure_keys(template))


@lru_cache(maxsize=None)
def _figure_keys(template: str) -> tuple[str, ...]:
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}")
    keys = [f"proactive.{row}.{col}" for row, cols in proactive_rows(template) for col in cols]
    keys += [f"applications.{row}.{col}" for row in application_rows(template) for col in APPLICATION_COLUMNS]
    keys += [f"{group}.{col}" for group in REVIEW_GROUPS for col in REVIEW_COLUMNS]
    return tuple(keys)


def template_for_year(year: int) -> str:
    return "t2019" if year <= 2020 else "t2021"


# --- generation -----------------------------------------------------------------------------


@dataclass
class AgencyState:
    """What one year's figures hand to the next year of the same agency."""

    carried_forward: dict[str, int] | None = None
    docs_valid: int | None = None
    rules_valid: int = 0
    docs_total_published: int | None = None
    item_counts: dict[str, int] = field(default_factory=dict)  # t2019 上一年项目数量 chain


_APPLICANT_WEIGHTS = {
    "township": (92, 6, 0, 0, 1, 1),
    "department": (74, 14, 2, 2, 4, 4),
    "county_government": (70, 16, 2, 2, 5, 5),
}

_OUTCOME_WEIGHTS = {
    "disclosed": 40,
    "partly_disclosed": 8,
    "withheld.state_secret": 0.4,
    "withheld.prohibited_by_law": 0.6,
    "withheld.security_stability": 0.4,
    "withheld.third_party_rights": 2,
    "withheld.internal_affairs": 2,
    "withheld.process_info": 2,
    "withheld.enforcement_files": 1,
    "withheld.inquiry_matters": 1.5,
    "unavailable.not_held": 14,
    "unavailable.needs_creation": 4,
    "unavailable.still_unclear": 3,
    "not_processed.petition": 4,
    "not_processed.duplicate": 3,
    "not_processed.publication": 1,
    "not_processed.excessive": 0.8,
    "not_processed.confirmation": 1,
    "other_handling": 4,
    "other_handling.no_correction": 2.5,
    "other_handling.unpaid_fee": 0.3,
    "other_handling.other": 1.5,
}


def _new_requests(rng: random.Random, kind: str) -> int:
    if kind == "township":
        return 0 if rng.random() < 0.6 else rng.randint(1, 4)
    if kind == "department":
        if rng.random() < 0.2:
            return rng.randint(20, 60)
        return rng.randint(0, 20)
    return rng.randint(8, 60)


def _split(rng: random.Random, n: int, names, weights) -> dict[str, int]:
    out = {name: 0 for name in names}
    if not n:
        return out
    # what rng.choices(names, weights) does per draw, with the running sums computed once:
    # the same random() calls, hence the same figures, in a fraction of the time
    cum = list(accumulate(weights))
    total, hi, draw = cum[-1] + 0.0, len(cum) - 1, rng.random
    for _ in range(n):
        out[names[bisect(cum, draw() * total, 0, hi)]] += 1
    return out


def _applications(rng, kind, template, state: AgencyState, *, force_zero_forward=False) -> dict:
    cols = APPLICANT_COLUMNS
    new = _split(rng, _new_requests(rng, kind), cols, _APPLICANT_WEIGHTS[kind])
    if state.carried_forward is not None:
        carried = dict(state.carried_forward)
    else:  # first year simulated: a little left over from the year before
        carried = {c: 0 for c in cols}
        if kind != "township" and rng.random() < 0.4:
            carried["natural_person"] = rng.randint(1, 2)
    forward = {c: 0 for c in cols}
    for c in cols:
        available = new[c] + carried[c]
        if available and not force_zero_forward:
            chance = 0.1 if kind == "township" else (0.3 if c == "natural_person" else 0.1)
            if rng.random() < chance:
                forward[c] = rng.randint(1, min(3, available))
    rows = outcome_rows(template)
    weights = [_OUTCOME_WEIGHTS[r] for r in rows]
    out: dict[str, dict[str, int]] = {r: {} for r in application_rows(template)}
    for c in cols:
        handled = new[c] + carried[c] - forward[c]
        split = _split(rng, handled, rows, weights)
        out["new_received"][c] = new[c]
        out["carried_over"][c] = carried[c]
        for r in rows:
            out[r][c] = split[r]
        out["handled_total"][c] = handled
        out["carried_forward"][c] = forward[c]
    figures = {}
    for r in application_rows(template):
        for c in cols:
            figures[f"applications.{r}.{c}"] = out[r][c]
        figures[f"applications.{r}.total"] = sum(out[r][c] for c in cols)
    state.carried_forward = dict(forward)
    return figures


def _review(rng, kind) -> dict:
    figures = {}
    busy = {"township": 0.03, "department": 0.15, "county_government": 0.25}[kind]
    for group in REVIEW_GROUPS:
        vals = {"upheld": 0, "corrected": 0, "other": 0, "pending": 0}
        scale = 1.0 if group != "litigation.after_review" else 0.4
        if rng.random() < busy * scale:
            vals["upheld"] = rng.randint(1, 3)
        if rng.random() < busy * scale / 3:
            vals["corrected"] = 1
        if rng.random() < busy * scale / 4:
            vals["other"] = 1
        if rng.random() < busy * scale / 3:
            vals["pending"] = rng.randint(1, 2)
        for col, v in vals.items():
            figures[f"{group}.{col}"] = v
        figures[f"{group}.total"] = sum(vals.values())
    return figures


def _docs_made(rng, kind) -> int:
    if kind == "county_government":
        return rng.randint(4, 16)
    if kind == "department":
        return rng.randint(0, 4)
    return rng.randint(0, 2) if rng.random() < 0.35 else 0


def _item_chain(rng, kind, state: AgencyState, row: str) -> tuple[int, int]:
    """(上一年项目数量, 本年增/减) for a t2019 row, chained across years."""
    prev = state.item_counts.get(row)
    if prev is None:
        if kind == "township":
            prev = rng.randint(0, 3) if row in ("penalty", "other_services") else 0
        elif row == "fees":
            prev = rng.randint(0, 5)
        else:
            prev = rng.randint(2, 40)
    change = 0
    if rng.random() < (0.2 if kind == "township" else 0.5):
        change = rng.randint(-min(2, prev), 3)
    state.item_counts[row] = prev + change
    return prev, change


def _decisions(rng, kind, row) -> int:
    if kind == "township":
        if row == "penalty":
            return rng.randint(0, 12) if rng.random() < 0.5 else 0
        return 0
    hi = {"licensing": 300, "other_services": 150, "penalty": 50, "coercion": 6}[row]
    return rng.randint(0, hi) if rng.random() < 0.7 else 0


def _proactive_t2019(rng, kind, state: AgencyState) -> dict:
    f = {"proactive.rules.made": 0, "proactive.rules.published": 0, "proactive.rules.total_published": 0}
    made = _docs_made(rng, kind)
    published = max(0, made - (1 if made and rng.random() < 0.2 else 0))
    if state.docs_total_published is None:
        base = {"county_government": rng.randint(30, 90), "department": rng.randint(0, 15)}.get(
            kind, rng.randint(0, 10)
        )
    else:
        base = state.docs_total_published
    total = base + published
    state.docs_total_published = total
    f.update(
        {
            "proactive.normative_docs.made": made,
            "proactive.normative_docs.published": published,
            "proactive.normative_docs.total_published": total,
        }
    )
    for row in ("licensing", "other_services", "penalty", "coercion"):
        prev, change = _item_chain(rng, kind, state, row)
        f[f"proactive.{row}.prev_count"] = prev
        f[f"proactive.{row}.change"] = change
        f[f"proactive.{row}.decisions"] = _decisions(rng, kind, row)
    prev, change = _item_chain(rng, kind, state, "fees")
    f["proactive.fees.prev_count"] = prev
    f["proactive.fees.change"] = change
    projects = 0 if kind == "township" and rng.random() < 0.8 else rng.randint(0, 8)
    f["proactive.procurement.projects"] = projects
    f["proactive.procurement.amount"] = sum(rng.randint(2, 90) for _ in range(projects))
    return f


def _proactive_t2021(rng, kind, state: AgencyState) -> dict:
    f = {}
    f["proactive.rules.made"] = 0
    f["proactive.rules.repealed"] = 0
    f["proactive.rules.valid"] = state.rules_valid
    prev_valid = state.docs_valid
    if prev_valid is None:
        prev_valid = state.docs_total_published
    if prev_valid is None:
        prev_valid = {"county_government": rng.randint(30, 90), "department": rng.randint(0, 15)}.get(
            kind, rng.randint(0, 8)
        )
    made = _docs_made(rng, kind)
    repealed = 0
    if prev_valid + made and rng.random() < 0.4:
        repealed = rng.randint(0, min(5, prev_valid + made))
    valid = prev_valid + made - repealed
    state.docs_valid = valid
    f["proactive.normative_docs.made"] = made
    f["proactive.normative_docs.repealed"] = repealed
    f["proactive.normative_docs.valid"] = valid
    for row in ("licensing", "penalty", "coercion"):
        f[f"proactive.{row}.decisions"] = _decisions(rng, kind, row)
    fee = 0
    if kind != "township" and rng.random() < 0.4:
        fee = round(rng.randint(50, 30000) / 100, 2)
    f["proactive.fees.amount_10k_yuan"] = fee
    return f


def generate_figures(
    rng: random.Random,
    kind: str,
    template: str,
    state: AgencyState,
    *,
    force_zero_forward: bool = False,
) -> dict:
    """All canonical figures of one report (complete, no blanks), updating ``state``."""
    if template == "t2019":
        f = _proactive_t2019(rng, kind, state)
    else:
        f = _proactive_t2021(rng, kind, state)
    f.update(_applications(rng, kind, template, state, force_zero_forward=force_zero_forward))
    review = _review(rng, kind)
    if kind == "township" and f["applications.handled_total.total"] == 0:
        review = {k: 0 for k in review}  # no request handled, nothing to contest
    f.update(review)
    return {k: f[k] for k in figure_keys(template)}


def seed_report_figures(state: AgencyState) -> dict:
    """庄口镇 2020 as published: every figure 0 except 对外公开总数量 of 规范性文件 = 20."""
    f = {k: 0 for k in figure_keys("t2019")}
    f["proactive.normative_docs.total_published"] = 20
    state.carried_forward = {c: 0 for c in APPLICANT_COLUMNS}
    state.docs_total_published = 20
    for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
        state.item_counts[row] = 0
    return f


# --- checks used by tests and by the truth (arithmetic of a complete figure dict) -----------


def arithmetic_problems(figures: dict, template: str, *, blank_as_zero: bool = False) -> list[str]:
    """The report-internal rules that fail; keys absent from ``figures`` are skipped."""

    def val(key):
        v = figures.get(key, _MISSING)
        if v is None and blank_as_zero:
            return 0
        return v

    problems = []
    cols = APPLICANT_COLUMNS
    for row in application_rows(template):
        parts = [val(f"applications.{row}.{c}") for c in cols]
        total = val(f"applications.{row}.total")
        if _readable(parts + [total]) and sum(parts) != total:
            problems.append(f"row_totals:{row}")
    for c in APPLICATION_COLUMNS:
        n, co, ht, cf = (val(f"applications.{r}.{c}") for r in ("new_received", "carried_over", "handled_total", "carried_forward"))
        if _readable([n, co, ht, cf]) and n + co != ht + cf:
            problems.append(f"balance:{c}")
        parts = [val(f"applications.{r}.{c}") for r in outcome_rows(template)]
        if _readable(parts + [ht]) and sum(parts) != ht:
            problems.append(f"handled_sum:{c}")
    for g in REVIEW_GROUPS:
        parts = [val(f"{g}.{c}") for c in REVIEW_COLUMNS[:4]]
        total = val(f"{g}.total")
        if _readable(parts + [total]) and sum(parts) != total:
            problems.append(f"review_totals:{g}")
    return problems


class _Missing:
    pass


_MISSING = _Missing()


def _readable(values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
