"""Consistency checks of the report model over extracted figures.

Every check ends PASS, FAIL, UNCERTAIN or NOT_ASSESSABLE:
- UNCERTAIN: it holds only if blank cells are read as 0, or a needed cell was
  unreadable (blank is not zero, so we cannot call it PASS);
- NOT_ASSESSABLE: the table (or the previous year's report) is missing;
- FAIL is data, not an error: an inconsistent report is what a watchdog looks for.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

from gongkai.archive.extract import labels as L

PASS, FAIL, UNCERTAIN, NOT_ASSESSABLE = "PASS", "FAIL", "UNCERTAIN", "NOT_ASSESSABLE"

_ABSENT = object()   # an unreadable cell: the key is missing from figures


# ---------------------------------------------------------------- arithmetic


def _side_sum(terms: list[tuple], side: int, blank: list, unreadable: list, moves: set):
    """Σ of one side's known terms; its unknowns go to `blank` or `unreadable`."""
    known = []
    for key, value, sign in terms:
        if isinstance(value, (int, float)):
            known.append(sign * value)
            continue
        (blank if value is None else unreadable).append(key)
        moves.add(sign * side)     # the direction an unknown would move left − right
    return sum(known)       # sum(), as _sums() adds: floats round the same either way


def _equation(what: str, left: list[tuple], right: list[tuple]) -> dict:
    """Compare Σleft with Σright; terms are (key, value, sign). Blank (None) and
    unreadable (_ABSENT) cells are unknowns that can only be zero or more."""
    blank, unreadable, moves = [], [], set()
    l_sum = _side_sum(left, 1, blank, unreadable, moves)
    r_sum = _side_sum(right, -1, blank, unreadable, moves)
    diff = l_sum - r_sum
    if not blank and not unreadable:
        status = PASS if diff == 0 else FAIL
    elif diff == 0 or moves == {1, -1} or (moves == {1} and diff < 0) or \
            (moves == {-1} and diff > 0):
        status = UNCERTAIN
    else:
        status = FAIL   # even non-negative values in the unknown cells cannot close the gap
    item = {"what": what, "left": l_sum, "right": r_sum, "status": status,
            "left_keys": [k for k, _, _ in left], "right_keys": [k for k, _, _ in right]}
    if blank:
        item["blank"] = blank
    if unreadable:
        item["unreadable"] = unreadable
    return item


def _sums(what: str, figures: dict, left: tuple[str, ...], right: tuple[str, ...]) -> dict:
    """`_equation` over keys that all count plus; when every cell is printed (most
    reports) the sums are taken in C, the unknowns sorted out only otherwise."""
    try:
        l_sum = sum(map(figures.__getitem__, left))
        r_sum = sum(map(figures.__getitem__, right))
    except (KeyError, TypeError):       # unreadable (missing) or blank (None) cells
        return _equation(what, _terms(figures, left), _terms(figures, right))
    return {"what": what, "left": l_sum, "right": r_sum, "status": PASS if l_sum == r_sum else FAIL,
            "left_keys": list(left), "right_keys": list(right)}


def _known_any(terms: list[tuple]) -> bool:
    return any(v is not _ABSENT for _, v, _ in terms)


def _verdict(rule: str, compared: list[dict], missing: str) -> dict:
    if not compared:
        return {"id": rule, "rule": rule, "status": NOT_ASSESSABLE, "detail": missing,
                "compared": []}
    statuses = [c["status"] for c in compared]
    status = next((s for s in (FAIL, UNCERTAIN, NOT_ASSESSABLE) if s in statuses), PASS)
    bad = [c["what"] for c in compared if c["status"] == status]
    if status == PASS:
        detail = f"all {len(compared)} comparisons hold"
    elif status == FAIL:
        detail = "does not hold for " + ", ".join(bad)
    else:
        detail = ("holds only if blank or unreadable cells are 0, or cannot be decided, for "
                  + ", ".join(bad))
    return {"id": rule, "rule": rule, "status": status, "detail": detail, "compared": compared}


def _has_table(figures: dict, prefixes: tuple[str, ...]) -> bool:
    # str.startswith mapped in C: figures hold ~200 keys and three checks ask this
    return any(map(str.startswith, figures, repeat(prefixes)))


_APP_KEYS: dict[tuple[str, str], str] = {}


def _app(row: str, col: str) -> str:
    key = _APP_KEYS.get((row, col))
    if key is None:
        key = _APP_KEYS[(row, col)] = f"{L.APPLICATIONS}.{row}.{col}"
    return key


@lru_cache(maxsize=None)
def _row_keys(row: str) -> tuple[str, ...]:
    """A row of table 三 as keys, one per applicant column, in column order: built
    once, since every report checks the same rows."""
    return tuple(_app(row, col) for col in L.APPLICANT_COLUMNS)


_SPLIT_KEYS = tuple(k for p in L.OTHER_HANDLING_PARTS for k in _row_keys(p))


def _terms(figures: dict, keys) -> list[tuple[str, object, int]]:
    """An equation's (key, value, sign) terms, all counting plus; a key the figures
    lack has the value _ABSENT."""
    return [(k, figures.get(k, _ABSENT), 1) for k in keys]


def _application_rows(result: dict) -> tuple[str, ...]:
    figures = result["figures"]
    split = any(k in figures for k in _SPLIT_KEYS)
    return L.APPLICATION_ROWS_T2021 if result.get("template") == "t2021" or split \
        else L.APPLICATION_ROWS_T2019


# ---------------------------------------------------------------- table rules


def check_balance(result: dict) -> dict:
    f = result["figures"]
    compared = []
    if _has_table(f, (f"{L.APPLICATIONS}.",)):
        for col in L.APPLICANT_COLUMNS:
            compared.append(_sums(col, f, (_app("new_received", col), _app("carried_over", col)),
                                  (_app("handled_total", col), _app("carried_forward", col))))
    return _verdict("applications.balance", compared, "table 三 is missing")


def check_row_totals(result: dict) -> dict:
    f = result["figures"]
    compared = []
    if _has_table(f, (f"{L.APPLICATIONS}.",)):
        for row in _application_rows(result):
            keys = _row_keys(row)
            compared.append(_sums(row, f, keys[-1:], keys[:-1]))   # total = the other columns
    return _verdict("applications.row_totals", compared, "table 三 is missing")


@lru_cache(maxsize=None)
def _handled_parts(rows: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Per applicant column, the keys of the rows that sum to （七）总计."""
    rows = tuple(r for r in rows
                 if r.startswith(L.HANDLED_PARTS_PREFIXES) or r.startswith("other_handling"))
    return tuple(tuple(_app(row, col) for row in rows) for col in L.APPLICANT_COLUMNS)


def check_handled_sum(result: dict) -> dict:
    f = result["figures"]
    parts_by_col = _handled_parts(_application_rows(result))
    compared = []
    if _has_table(f, (f"{L.APPLICATIONS}.",)):
        for col, keys in zip(L.APPLICANT_COLUMNS, parts_by_col):
            compared.append(_sums(col, f, (_app("handled_total", col),), keys))
    return _verdict("applications.handled_sum", compared, "table 三 is missing")


@lru_cache(maxsize=None)
def _review_keys(group: str) -> tuple[str, ...]:
    return tuple(f"{group}.{m}" for m in L.REVIEW_MEASURES)    # total last


def check_review_totals(result: dict) -> dict:
    f = result["figures"]
    compared = []
    if _has_table(f, ("review.", "litigation.")):
        for group in L.REVIEW_GROUPS:
            keys = _review_keys(group)
            compared.append(_sums(group, f, keys[-1:], keys[:-1]))
    return _verdict("review.totals", compared, "table 四 is missing")


_COMPLETENESS_TABLES = (("table 二", ("proactive.",)), ("table 三", ("applications.",)),
                        ("table 四", ("review.", "litigation.")))


@lru_cache(maxsize=None)
def _expected_by_table(template: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The template's expected keys split by table: the same split for every report."""
    expected = L.expected_keys(template)
    return tuple((table, tuple(k for k in expected if k.startswith(prefixes)))
                 for table, prefixes in _COMPLETENESS_TABLES)


def check_completeness(result: dict) -> dict:
    f = result["figures"]
    template = result.get("template") or "unknown"
    rule = "completeness"
    if not L.expected_keys(template):
        return _verdict(rule, [], f"template {result.get('template')!r} has no fixed cells")
    compared = []
    for table, keys in _expected_by_table(template):
        missing = [k for k in keys if k not in f]
        blank = [k for k in keys if k in f and f[k] is None]
        item = {"what": table, "left": len(keys) - len(missing), "right": len(keys),
                "status": PASS if not missing else FAIL}
        if missing:
            item["unreadable"] = missing
        if blank:
            item["blank"] = blank
        compared.append(item)
    if all(c["left"] == 0 for c in compared):
        return _verdict(rule, [], "no report table was found")
    verdict = _verdict(rule, compared, "")
    if verdict["status"] == FAIL:
        n = sum(len(c.get("unreadable", [])) for c in compared)
        verdict["detail"] = f"{n} cells were not read: " + ", ".join(
            f"{c['what']} {c['left']}/{c['right']}" for c in compared if c["status"] == FAIL)
    return verdict


# ---------------------------------------------------------------- text rules

_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日\s*(?:起\s*)?"
                     r"(?:至|到|—|-|－|~|～)\s*(?:((?:19|20)\d{2})\s*年\s*)?12\s*月\s*31\s*日")
_YEAR_WORD = re.compile(r"((?:19|20)\d{2})\s*年")


def check_year(result: dict) -> dict:
    year = result.get("report_year")
    rule = "year"
    if not year:
        return _verdict(rule, [], "no year in the title")
    text = result.get("text") or ""
    title = result.get("title") or ""
    compared = []
    for m in _PERIOD.finditer(text):
        for y in filter(None, m.groups()):
            compared.append({"what": "statistics period", "left": year, "right": int(y),
                             "status": PASS if int(y) == year else FAIL})
    body = _PERIOD.sub("", text.replace(title, "")) if title else _PERIOD.sub("", text)
    years = [int(y) for y in _YEAR_WORD.findall(body)]
    if years:
        common = max(set(years), key=years.count)
        if year in years:
            status = PASS
        elif set(years) <= {year + 1}:
            # Only the following year: the signature's publish date, not a contradiction.
            status = UNCERTAIN
        else:
            status = FAIL
        compared.append({"what": "body", "left": year, "right": year if year in years else common,
                         "status": status, "years_in_body": sorted(set(years))})
    return _verdict(rule, compared, "no statistics period or year in the body")


# numbers the prose states for a table figure
_NARRATIVE = [
    ("applications.new_received.total",
     re.compile(r"(?:收到|新收|受理)[^。；;，,]{0,15}?申请(?:共|合计|总计)?\s*(\d+)\s*(?:件|个|条|份)")),
    ("applications.carried_over.total",
     re.compile(r"上年结转[^。；;，,]{0,15}?(\d+)\s*(?:件|个|条|份)")),
    ("applications.carried_forward.total",
     re.compile(r"(?:结转下一?年度?|转下一?年度?|结转至下一?年度?)[^。；;，,]{0,12}?(\d+)\s*件")),
    ("applications.disclosed.total",
     re.compile(r"(?<![及和与、])(?:予以公开|同意公开)(?:答复)?的?\s*(\d+)\s*件")),
    ("applications.partly_disclosed.total",
     re.compile(r"(?<![及和与、])部分公开(?:答复)?的?\s*(\d+)\s*件")),
]


def _prose(result: dict) -> str:
    sections = result.get("sections") or {}
    if sections:
        return "\n".join(sections.values())
    return "\n".join(line for line in (result.get("text") or "").splitlines()
                     if "\t" not in line)


def check_narrative(result: dict) -> dict:
    f = result["figures"]
    prose = _prose(result)
    compared = []
    for key, pattern in _NARRATIVE:
        for m in pattern.finditer(prose):
            stated = int(m.group(1))
            value = f.get(key, _ABSENT)
            if isinstance(value, (int, float)):
                status = PASS if value == stated else FAIL
            else:
                status = UNCERTAIN
            compared.append({"what": key, "left": stated,
                             "right": None if value is _ABSENT else value,
                             "status": status, "quote": m.group(0)})
    return _verdict("narrative", compared, "the text states no table figure")


# ---------------------------------------------------------------- cross-year rules


def _previous_ok(result: dict, previous: dict | None) -> str | None:
    """Why the previous report cannot be used, or None."""
    if previous is None:
        return "no previous report of the same agency"
    this, last = result.get("report_year"), previous.get("report_year")
    if this and last and last != this - 1:
        return f"the previous report is for {last}, not {this - 1}"
    return None


def check_carry(result: dict, previous: dict | None) -> dict:
    rule = "cross_year.carry"
    reason = _previous_ok(result, previous)
    if reason:
        return _verdict(rule, [], reason)
    f, p = result["figures"], previous["figures"]
    compared = []
    for col in L.APPLICANT_COLUMNS:
        this = [("this." + _app("carried_over", col), f.get(_app("carried_over", col), _ABSENT), 1)]
        last = [("previous." + _app("carried_forward", col),
                 p.get(_app("carried_forward", col), _ABSENT), 1)]
        if _known_any(this) and _known_any(last):
            compared.append(_equation(col, this, last))
    return _verdict(rule, compared, "carried-over figures missing in one of the reports")


def check_valid_docs(result: dict, previous: dict | None) -> dict:
    rule = "cross_year.valid_docs"
    reason = _previous_ok(result, previous)
    if reason:
        return _verdict(rule, [], reason)
    if result.get("template") != "t2021":
        return _verdict(rule, [], "only the 2021 template prints 现行有效件数")
    f, p = result["figures"], previous["figures"]
    compared = []
    for row in ("rules", "normative_docs"):
        key = f"{L.PROACTIVE}.{row}"
        left = [(f"this.{key}.valid", f.get(f"{key}.valid", _ABSENT), 1)]
        right = [(f"previous.{key}.valid", p.get(f"{key}.valid", _ABSENT), 1),
                 (f"this.{key}.made", f.get(f"{key}.made", _ABSENT), 1),
                 (f"this.{key}.repealed", f.get(f"{key}.repealed", _ABSENT), -1)]
        if _known_any(left) and _known_any(right[:1]):
            compared.append(_equation(row, left, right))
    return _verdict(rule, compared, "现行有效件数 missing in one of the reports")


_NOT_WORDS = re.compile(r"[\s\d\W_]+")
_SHINGLE = 8
_COPIED = 0.8


def _shingles(text: str) -> set[str]:
    text = _NOT_WORDS.sub("", text)
    return {text[i:i + _SHINGLE] for i in range(max(0, len(text) - _SHINGLE + 1))}


def check_reuse(result: dict, previous: dict | None) -> dict:
    rule = "reuse"
    reason = _previous_ok(result, previous)
    if reason:
        return _verdict(rule, [], reason)
    this, last = _shingles(_prose(result)), _shingles(_prose(previous))
    if len(this) < 50 or len(last) < 50:
        return _verdict(rule, [], "too little text to compare")
    share = round(len(this & last) / len(this), 3)
    return _verdict(rule, [{"what": "share of this text found in the previous report",
                            "left": share, "right": _COPIED,
                            "status": FAIL if share >= _COPIED else PASS}], "")


# ---------------------------------------------------------------- entry point


def run_checks(result: dict, previous: dict | None = None) -> list[dict]:
    """All checks of the report model; `previous` is the same agency's report for
    the year before (cross-year checks are NOT_ASSESSABLE without it)."""
    return [
        check_balance(result),
        check_row_totals(result),
        check_handled_sum(result),
        check_review_totals(result),
        check_completeness(result),
        check_year(result),
        check_carry(result, previous),
        check_valid_docs(result, previous),
        check_narrative(result),
        check_reuse(result, previous),
    ]
