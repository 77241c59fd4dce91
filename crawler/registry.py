"""The site registry: one TOML file per portal under crawler/sites/.

Portals differ in data, not code: URLs, discovery patterns and agency kinds
live in the registry file; the family's spider reads them.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

# Read as package resources so the registry also works from a Scrapyd egg.
SITES = files("gongkai.crawler") / "sites"
# An operator's own folder of entries (`gongkai sites add --dir`), read before the shipped ones.
SITES_DIR_ENV = "GONGKAI_SITES_DIR"


def site_folders() -> list:
    extra = os.environ.get(SITES_DIR_ENV)
    return ([Path(extra)] if extra and Path(extra).is_dir() else []) + [SITES]


class UnknownSite(LookupError):
    pass


@dataclass(frozen=True)
class Site:
    name: str
    title: str
    family: str
    base_url: str
    entries: tuple[str, ...]
    scope_prefix: str
    region_code: str | None = None
    discovery: dict = field(default_factory=dict)
    agency_kinds: dict = field(default_factory=dict)
    politeness: dict = field(default_factory=dict)
    # Hosts the crawl may request; the base URL's host is always one of them.
    hosts: tuple[str, ...] = ()
    # Agency kind of a unit none of the agency_kinds labels names.
    default_agency_kind: str | None = None

    def with_base_url(self, base_url: str | None) -> "Site":
        if not base_url:
            return self
        if not base_url.endswith("/"):
            base_url += "/"
        hosts = self.hosts
        if urlsplit(base_url).hostname not in self.allowed_hosts:
            # A copy of the site elsewhere (the simulated portal): only that copy is in scope.
            hosts = ()
        return Site(**{**self.__dict__, "base_url": base_url, "hosts": hosts})

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.host, *self.hosts)))

    def allows(self, url: str) -> bool:
        return (urlsplit(url).hostname or "") in self.allowed_hosts

    def agency_kind(self, section: str | None) -> str | None:
        if not section:
            return None
        for label, kind in self.agency_kinds.items():
            if label in section:
                return kind
        return None

    def kind_of(self, *labels: str | None) -> str | None:
        """The kind the first recognised label says (breadcrumb section, then unit name)."""
        for label in labels:
            kind = self.agency_kind(label)
            if kind:
                return kind
        return self.default_agency_kind


def site_names() -> list[str]:
    return sorted({entry.name[:-5] for folder in site_folders() for entry in folder.iterdir()
                   if entry.name.endswith(".toml")})


def site_file(name: str):
    """The registry file of NAME (the operator's folder first), or None."""
    return next((folder / f"{name}.toml" for folder in site_folders()
                 if (folder / f"{name}.toml").is_file()), None)


def load_site(name: str, base_url: str | None = None) -> Site:
    entry = site_file(name)
    if entry is None:
        raise UnknownSite(f"unknown site {name!r}; known sites: {', '.join(site_names())}")
    data = tomllib.loads(entry.read_text(encoding="utf-8"))
    site = Site(
        name=data["name"],
        title=data["title"],
        family=data["family"],
        base_url=data["base_url"],
        entries=tuple(data["entries"]),
        scope_prefix=data.get("scope_prefix", "/"),
        region_code=data.get("region_code"),
        discovery=data.get("discovery", {}),
        agency_kinds=data.get("agency_kinds", {}),
        politeness=data.get("politeness", {}),
        hosts=tuple(data.get("hosts", ())),
        default_agency_kind=data.get("default_agency_kind"),
    )
    return site.with_base_url(base_url)
