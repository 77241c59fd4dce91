"""The simulated web: several portal families, each on a host of its own, plus the hosts the
faults add (spam mirrors, challenge gateways), under one simulated clock.

``Web.respond`` routes by the Host header or by an absolute-form request target (the server
then works as an HTTP proxy for crawlers that request the real URLs unchanged); a host it does
not know (127.0.0.1, localhost) gets the default site, 会昌县.
"""

from __future__ import annotations

import threading
from datetime import date
from urllib.parse import urlsplit

from .clock import Clock, Timeline, parse_day
from .faults import FaultSet, plant
from .families import FAMILIES, HOSTS
from .model import Portal, build_huichang
from .site import Request, Response, bytes_response

# the small page a 5xx burst answers with
_BUSY = "<html><head><title>{0}</title></head><body><h1>{0}</h1><p>服务器繁忙，请稍后再试。</p></body></html>"
_REASONS = {500: "500 Internal Server Error", 502: "502 Bad Gateway", 503: "503 Service Unavailable", 504: "504 Gateway Timeout"}


class Web:
    def __init__(self, *, seed: int, years, page_size: int, clock: Clock, family_sites: list, faults: FaultSet):
        self.seed = seed
        self.years = tuple(years)
        self.page_size = page_size
        self.clock = clock
        self.faults = faults
        self.family_sites = family_sites  # the portals of the requested families, in FAMILIES order
        self.extra_sites: list = []  # mirrors and challenge gateways added by faults
        self.fault_records: list[dict] = []
        self._hits: dict[tuple[str, str], int] = {}
        self._hits_lock = threading.Lock()

    # --- sites ----------------------------------------------------------------------------------

    @property
    def sites(self) -> list:
        return self.family_sites + self.extra_sites

    @property
    def hosts(self) -> dict:
        return {s.host: s for s in self.sites}

    @property
    def default_site(self):
        return self.family_sites[0]

    def site(self, name: str):
        """A site by key (``huichang``), family (``trs``) or host."""
        for s in self.sites:
            if name in (s.key, s.host) or (s in self.family_sites and s.family == name):
                return s
        raise KeyError(name)

    @property
    def reports(self) -> list:
        return [r for s in self.sites for r in s.reports]

    @property
    def agencies(self) -> list:
        return [a for s in self.sites if hasattr(s, "agencies") for a in s.agencies]

    # --- the clock -------------------------------------------------------------------------------

    @property
    def as_of(self) -> date | None:
        return self.clock.as_of

    @as_of.setter
    def as_of(self, value) -> None:
        self.clock.as_of = parse_day(value)

    # --- answering -------------------------------------------------------------------------------

    def respond(self, method: str, target: str, headers: dict | None = None, body: bytes = b"") -> Response:
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        host, target = split_target(target, headers.get("host", ""))
        site = self.hosts.get(host) or self.default_site
        req = Request(method.upper(), host, target or "/", headers, body)
        plan = getattr(site, "plan", None)
        statuses = plan.bursts.get(req.path) if plan is not None else None
        if statuses:
            key = (site.host, req.path)
            with self._hits_lock:
                n = self._hits.get(key, 0)
                self._hits[key] = n + 1
            if n < len(statuses):
                reason = _REASONS.get(statuses[n], str(statuses[n]))
                return bytes_response(_BUSY.format(reason).encode("utf-8"), "text/html; charset=utf-8", statuses[n],
                                      {"Retry-After": "1"})
        response = site.respond(req)
        if plan is not None and req.path in plan.slow:
            response.delay = plan.slow[req.path]
        if req.method == "HEAD":
            response.body = b""
        return response


def split_target(target: str, host_header: str) -> tuple[str, str]:
    """(host, origin-form target) of a request, from an absolute-form target or the Host header."""
    host = host_header
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        host = parts.netloc
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return host.rsplit("@", 1)[-1].split(":")[0].lower().rstrip("."), target or "/"


def as_web(portal) -> Web:
    """A ``Web`` around a lone ``Portal`` (what ``build_portal()`` gives with default arguments)."""
    if isinstance(portal, Web):
        return portal
    return Web(seed=portal.seed, years=portal.years, page_size=portal.page_size, clock=portal.clock,
               family_sites=[portal], faults=FaultSet())


def _family_counts(families: tuple[str, ...], agencies: int | None) -> dict:
    if agencies is None:
        return {f: None for f in families}
    if agencies < len(families):
        raise ValueError(f"agencies must be at least {len(families)} (one body per family)")
    base, rest = divmod(agencies, len(families))
    return {f: base + (1 if i < rest else 0) for i, f in enumerate(families)}


def normalize_families(families) -> tuple[str, ...]:
    if families is None:
        return ("ganzhou",)
    if isinstance(families, str):
        families = FAMILIES if families.strip() == "all" else [f.strip() for f in families.split(",") if f.strip()]
    unknown = set(families) - set(FAMILIES)
    if unknown or not families:
        raise ValueError(f"unknown families: {sorted(unknown)} (known: {', '.join(FAMILIES)})")
    return tuple(f for f in FAMILIES if f in families)


def build_web(*, seed: int = 1, years=range(2019, 2025), page_size: int = 4, families=None, faults=None,
              agencies: int | None = None, as_of=None, markup: str | None = None) -> Web:
    from .families.gkmlpt import WUJIANG_UNITS, GkmlptSite
    from .families.hanweb import SHANGYU_UNITS, HanwebSite
    from .families.trs import HUKOU_UNITS, TrsSite

    families = normalize_families(families)
    faults = FaultSet.parse(faults)
    years = tuple(sorted(years))
    clock = Clock(parse_day(as_of))
    counts = _family_counts(families, agencies)
    sites = []
    for family in families:
        if family == "ganzhou":
            portal: Portal = build_huichang(seed, years, page_size, counts[family])
            portal.clock = clock
            for r in portal.reports:
                if r.timeline is None:
                    r.timeline = Timeline(r.published, r.published)
            sites.append(portal)
            continue
        cls, key, title, region, units = {
            "trs": (TrsSite, "hukou", "湖口县人民政府", "湖口县", HUKOU_UNITS),
            "hanweb": (HanwebSite, "shangyu", "绍兴市上虞区人民政府", "绍兴市上虞区", SHANGYU_UNITS),
            "gkmlpt": (GkmlptSite, "sgwjq", "韶关市武江区人民政府", "韶关市武江区", WUJIANG_UNITS),
        }[family]
        sites.append(cls(key=key, host=HOSTS[family], title=title, region=region, seed=seed, years=years,
                         page_size=page_size, units=units, count=counts[family], clock=clock))
    if markup not in (None, "plain", "varied"):
        raise ValueError(f"unknown markup {markup!r} (plain or varied)")
    for site in sites:
        if markup == "varied" and isinstance(site, (TrsSite, HanwebSite)):
            site.markup = "varied"
    web = Web(seed=seed, years=years, page_size=page_size, clock=clock, family_sites=sites, faults=faults)
    web.fault_records = plant(web, faults)
    for site in sites:
        site.reindex()
    return web


def build_portal(
    seed: int = 1,
    years=range(2019, 2025),
    page_size: int = 4,
    *,
    families=None,
    faults=None,
    agencies: int | None = None,
    as_of=None,
    markup: str | None = None,
):
    """The simulated web.  With only ``seed``/``years``/``page_size`` it is the fault-free 会昌县
    site (a ``Portal``), as it has always been.  Any of ``families`` (names from
    ``families.FAMILIES``), ``faults`` (a ``FaultSet``, names, or "all"), ``agencies`` (how many
    bodies in total), ``as_of`` (the simulated today) or ``markup`` ("varied": list pages written the
    many ways real portals write them, families/trs_markup.py) gives a multi-site ``web.Web``."""
    if families is None and faults is None and agencies is None and as_of is None and markup is None:
        return build_huichang(seed, years, page_size)
    return build_web(seed=seed, years=years, page_size=page_size, families=families, faults=faults,
                     agencies=agencies, as_of=as_of, markup=markup)
