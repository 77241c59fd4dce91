"""The real web's faults, planted on purpose and written down.

Each fault has a name (``FAULTS``); ``build_portal(faults=...)`` takes a ``FaultSet`` (or
names, or "all").  ``plant`` picks its victims deterministically from the seed, changes the
sites (dates, URLs over time, per-site ``SitePlan`` entries, extra hosts) and returns one record
per planted fault for the ground truth; the reports it touches also carry a defect entry.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .clock import Move
from .content import rng_for
from .reports import first_version

FAULTS = {
    "gbk_gb2312": "a report page in GBK whose header and <meta> say gb2312; it holds a character GB2312 lacks",
    "gbk_no_charset": "a report page in GBK with no charset in the header nor in the page",
    "meta_malformed": 'a GBK report page whose only charset is <meta httpequiv="ContentType" ... charset=gbk>',
    "page_count_inflated": "column lists declare two pages more than exist; those pages answer 404",
    "soft_404": "missing and deleted pages of one host answer 200 with a 'page not found' page",
    "cross_column_links": "a column's first list page also lists another body's report",
    "mirror_links": "a list page links a report's copy on an off-site mirror host (Traditional characters, spam)",
    "other_scheme_links": "a list page links one of its reports a second time, as https:// on the same host",
    "challenge_412": "a host that answers 412 with a JavaScript challenge until the computed cookie is sent",
    "challenge_521": "a host that answers 521 with a cookie-setting script until the cookie is sent",
    "slow": "one report page per host answers only after a delay",
    "burst_5xx": "the first requests to some paths answer 503 then 502; later ones succeed",
    "robots": "robots.txt of one host disallows a part that holds reports",
    "edited": "a report changes (one figure corrected) from a later date at the same URL",
    "deleted": "a report disappears from a later date (404, or soft 404)",
    "moved": "a report moves to a new URL from a later date; the old URL redirects (301) or dies (404)",
    "late": "reports published after their deadline: one openly, one backdated (declared before, appeared after)",
    "missing": "a body that never published one year's report",
}

SLOW_SECONDS = 1.5
BURST = (503, 502)
MIRRORS = {"ganzhou": "www.bgl66.com", "trs": "www.xmzaj.com"}
CHALLENGE_HOSTS = {"challenge_412": "www.jxyy.gov.cn", "challenge_521": "www.fuliang.gov.cn"}


class FaultSet:
    """A set of fault names; ``FaultSet()`` (none), ``FaultSet.all()``, ``FaultSet.parse("a,b")``."""

    def __init__(self, names=()):
        names = frozenset(names)
        unknown = names - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))} (known: {', '.join(FAULTS)})")
        self.names = names

    @classmethod
    def all(cls) -> "FaultSet":
        return cls(FAULTS)

    @classmethod
    def parse(cls, spec) -> "FaultSet":
        if spec is None:
            return cls()
        if isinstance(spec, FaultSet):
            return spec
        if isinstance(spec, str):
            if spec.strip() in ("all", "*"):
                return cls.all()
            if spec.strip() in ("", "none"):
                return cls()
            spec = [s.strip() for s in spec.split(",") if s.strip()]
        return cls(spec)

    def __contains__(self, name) -> bool:
        return name in self.names

    def __iter__(self):
        return iter(sorted(self.names))

    def __bool__(self) -> bool:
        return bool(self.names)

    def __repr__(self) -> str:
        return f"FaultSet({sorted(self.names)})"


# --- choosing victims -------------------------------------------------------------------------


class _Pool:
    """A site's reports in a seeded order; each fault takes its own, never one already taken."""

    def __init__(self, seed: int, site):
        rng = rng_for(seed, "faults", site.key)
        self.rng = rng_for(seed, "faults", site.key, "dates")
        reports = [r for r in site.reports if r.template != "older" and not _is_seed_document(r)]
        rng.shuffle(reports)
        self.reports = reports

    def take(self, accept=lambda r: True):
        for i, r in enumerate(self.reports):
            if accept(r):
                return self.reports.pop(i)
        return None


def _is_seed_document(r) -> bool:
    return r.agency.code == "hc1590" and r.report_year == 2020


def _first(sites: dict, order) -> object | None:
    for family in order:
        if family in sites:
            return sites[family]
    return None


def _record(name: str, site, **detail) -> dict:
    return {"name": name, "host": site.host, "site": site.key, **detail}


def _deadline(r) -> date:
    return date(r.report_year + 1, 3 if r.agency.kind == "county_government" else 1, 31)


def _has_deadline(r) -> bool:
    return r.agency.kind in ("department", "county_government")


def deadline_of(kind: str, year: int) -> str | None:
    """The day a body of KIND must publish its YEAR report by (ISO), None when no national
    deadline applies: the simulated web's own reading of Regulation art. 49."""
    if year <= 2018:
        return date(year + 1, 3, 31).isoformat()
    if kind not in ("department", "county_government"):
        return None
    return date(year + 1, 3 if kind == "county_government" else 1, 31).isoformat()


def plant(web, faults: FaultSet) -> list[dict]:
    """Plant ``faults`` on the sites of ``web`` (a ``web.Web`` under construction).

    Each fault takes its reports from a site's pool in a fixed order, so the same seed and
    faults always touch the same reports."""
    records: list[dict] = []
    sites = {s.family: s for s in web.family_sites}
    pools = {s.key: _Pool(web.seed, s) for s in sites.values()}
    for site in sites.values():
        for step in (_plant_missing, _plant_late, _plant_edited, _plant_deleted, _plant_moved):
            step(site, pools[site.key], faults, records)
    _plant_encodings(sites, pools, faults, records)
    for site in sites.values():
        _plant_slow(site, pools[site.key], faults, records)
        _plant_bursts(site, pools[site.key], faults, records)
    for step in (_plant_inflated_counts, _plant_cross_column_links, _plant_mirror_links,
                 _plant_other_scheme_links, _plant_soft_404, _plant_robots, _plant_challenges):
        step(web, sites, pools, faults, records)
    for site in list(sites.values()):
        site.reindex()
    return records


# --- time: reports that change, vanish, move, come late or never come ---


def _plant_missing(site, pool, faults, records) -> None:
    if "missing" not in faults:
        return
    r = pool.take()
    if r is not None:
        site.reports.remove(r)
        site.missing.append((r.agency, r.report_year))
        records.append(_record("missing", site, agency=r.agency.name, agency_kind=r.agency.kind,
                               report_year=r.report_year))


def _plant_late(site, pool, faults, records) -> None:
    """One report openly after its deadline, one backdated (declared before, appeared after)."""
    if "late" not in faults:
        return
    rng = pool.rng
    for backdated in (False, True):
        r = pool.take(_has_deadline)
        if r is None:
            continue
        deadline = _deadline(r)
        if backdated:
            declared = r.published_at
            appeared = deadline + timedelta(days=rng.randint(5, 30))
        else:
            shown = deadline + timedelta(days=rng.randint(10, 50))
            declared = datetime.combine(shown, r.published_at.time())
            appeared = shown
        site.redate(r, declared, appeared)
        r.timeline.events.append("late")
        entry = {"kind": "late", "deadline": deadline.isoformat(), "declared": declared.date().isoformat(),
                 "appeared": appeared.isoformat(), "backdated": backdated}
        r.extra_defects.append(entry)
        records.append(_record("late", site, path=r.path, **{k: v for k, v in entry.items() if k != "kind"}))


def _plant_edited(site, pool, faults, records) -> None:
    if "edited" not in faults:
        return
    r = pool.take(lambda r: r.form != "image")
    if r is not None:
        r.timeline.edited = r.timeline.appeared + timedelta(days=pool.rng.randint(15, 60))
        r.timeline.events.append("edited")
        changed = ["applications.disclosed.natural_person"]
        entry = {"kind": "edited", "on": r.timeline.edited.isoformat(), "changed": changed,
                 "before": "a count one too high breaks the row total and the balance"}
        r.extra_defects.append(entry)
        records.append(_record("edited", site, path=r.path, on=entry["on"], changed=changed))


def _plant_deleted(site, pool, faults, records) -> None:
    if "deleted" not in faults:
        return
    r = pool.take()
    if r is not None:
        r.timeline.deleted = r.timeline.appeared + timedelta(days=pool.rng.randint(30, 150))
        r.timeline.events.append("deleted")
        r.extra_defects.append({"kind": "deleted", "on": r.timeline.deleted.isoformat()})
        records.append(_record("deleted", site, path=r.path, on=r.timeline.deleted.isoformat()))


def _plant_moved(site, pool, faults, records) -> None:
    if "moved" not in faults:
        return
    r = pool.take()
    if r is not None:
        on = r.timeline.appeared + timedelta(days=pool.rng.randint(60, 200))
        r.timeline.move = Move(on, site.report_path(r, on, "moved"), site.moved_status)
        r.timeline.events.append("moved")
        entry = {"kind": "moved", "on": on.isoformat(), "old_path": r.path, "new_path": r.timeline.move.new_path,
                 "old_status": site.moved_status}
        r.extra_defects.append(entry)
        records.append(_record("moved", site, path=r.path, on=entry["on"], new_path=entry["new_path"],
                               old_status=site.moved_status))


# --- pages and hosts ---


def _plant_encodings(sites, pools, faults, records) -> None:
    enc_site = _first(sites, ("trs", "hanweb", "gkmlpt", "ganzhou"))
    for kind, declared in (("gbk_gb2312", "gb2312"), ("gbk_no_charset", None), ("meta_malformed", "gbk (malformed meta)")):
        if kind in faults and enc_site is not None:
            r = pools[enc_site.key].take(lambda r: r.form == "html" and r.layout != "image_only")
            if r is not None:
                enc_site.plan.encodings[r.uuid] = kind
                r.extra_defects.append({"kind": "encoding", "fault": kind, "encoding": "gbk", "declared": declared})
                records.append(_record(kind, enc_site, path=r.path, encoding="gbk", declared=declared))


def _plant_slow(site, pool, faults, records) -> None:
    if "slow" not in faults:
        return
    r = pool.take()
    if r is not None:
        site.plan.slow[r.path] = SLOW_SECONDS
        r.extra_defects.append({"kind": "slow", "seconds": SLOW_SECONDS})
        records.append(_record("slow", site, path=r.path, seconds=SLOW_SECONDS))


def _plant_bursts(site, pool, faults, records) -> None:
    if "burst_5xx" not in faults:
        return
    paths = []
    r = pool.take()
    if r is not None:
        paths.append(r.path)
        r.extra_defects.append({"kind": "burst_5xx", "statuses": list(BURST)})
    if site.family == "hanweb":
        paths.append("/module/web/jpage/dataproxy.jsp")
    if site.family == "gkmlpt":
        paths.append("/gkmlpt/api/all/2771")
    for p in paths:
        site.plan.bursts[p] = list(BURST)
        records.append(_record("burst_5xx", site, path=p, statuses=list(BURST)))


def _plant_inflated_counts(web, sites, pools, faults, records) -> None:
    site = _first(sites, ("trs", "ganzhou"))
    if "page_count_inflated" not in faults or site is None:
        return
    for c in _columns_with_reports(site)[:2]:
        site.plan.inflated[c] = 2
        records.append(_record("page_count_inflated", site, column=c, extra_pages=2))


def _plant_cross_column_links(web, sites, pools, faults, records) -> None:
    site = _first(sites, ("ganzhou", "trs"))
    if "cross_column_links" not in faults or site is None:
        return
    columns = _columns_with_reports(site)
    r = pools[site.key].take()
    target = next((c for c in columns if r is not None and c != site.column_of(r)), None)
    if r is not None and target is not None:
        site.plan.cross[target] = [r]
        r.extra_defects.append({"kind": "cross_column_link", "listed_in": target})
        records.append(_record("cross_column_links", site, column=target, path=r.path,
                               own_column=site.column_of(r)))


def _plant_mirror_links(web, sites, pools, faults, records) -> None:
    if "mirror_links" not in faults:
        return
    from .families.mirror import MirrorSite

    for family, mirror_host in MIRRORS.items():
        site = sites.get(family)
        r = pools[site.key].take() if site is not None else None
        if r is None:
            continue
        site.plan.mirrors[site.column_of(r)] = [(r, mirror_host)]
        web.extra_sites.append(MirrorSite(mirror_host, site))
        r.extra_defects.append({"kind": "mirror_link", "mirror_host": mirror_host})
        records.append(_record("mirror_links", site, path=r.path, column=site.column_of(r), mirror_host=mirror_host))


def _plant_other_scheme_links(web, sites, pools, faults, records) -> None:
    if "other_scheme_links" not in faults:
        return
    site = _first(sites, ("trs", "ganzhou"))
    r = pools[site.key].take() if site is not None else None
    if r is not None:
        column = site.column_of(r)
        site.plan.schemes[column] = [r]
        r.extra_defects.append({"kind": "other_scheme_link", "scheme": "https"})
        records.append(_record("other_scheme_links", site, path=r.path, column=column))


def _plant_soft_404(web, sites, pools, faults, records) -> None:
    site = _first(sites, ("hanweb", "gkmlpt", "trs", "ganzhou"))
    if "soft_404" not in faults or site is None:
        return
    site.plan.soft_404 = True
    records.append(_record("soft_404", site, status=200))
    # what "not found" looks like on this host changes for the reports already planted
    for rec in records:
        if rec["site"] == site.key and rec["name"] in ("deleted", "moved", "late"):
            rec["not_found_status"] = 200
    for r in site.reports:
        for d in r.extra_defects:
            if d["kind"] in ("deleted", "moved", "late"):
                d["not_found_status"] = 200


def _plant_robots(web, sites, pools, faults, records) -> None:
    site = _first(sites, ("trs", "ganzhou", "hanweb", "gkmlpt"))
    if "robots" not in faults or site is None:
        return
    text, forbids, detail = site.robots_fault(rng_for(web.seed, "robots", site.key))
    site.plan.robots = text
    mark = {"kind": "robots_disallowed", "host": site.host}
    hit = 0
    for r in site.reports:
        if forbids(r):
            r.extra_defects.append(mark)
            hit += 1
    records.append(_record("robots", site, robots_txt=text, reports=hit, **detail))


def _plant_challenges(web, sites, pools, faults, records) -> None:
    for name, host in CHALLENGE_HOSTS.items():
        if name in faults:
            from .families.challenge import challenge_site

            site = challenge_site(name, host, web)
            web.extra_sites.append(site)
            records.append(_record(name, site, status=site.status, cookie=site.cookie_name, value=site.cookie_value,
                                   reports=len(site.reports)))


def _columns_with_reports(site) -> list[str]:
    used = {site.column_of(r) for r in site.reports}
    return [c for c in site.list_columns() if c in used]


def versions(report) -> list[dict]:
    """The contents a report's URL showed over time (for the truth)."""
    t = report.timeline
    if t is None or t.edited is None:
        return []
    return [
        {"from": t.appeared.isoformat(), "figures": dict(first_version(report.content, report.template).figures)},
        {"from": t.edited.isoformat(), "figures": dict(report.figures)},
    ]
