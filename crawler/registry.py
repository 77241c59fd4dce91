"""The site registry: one TOML file per portal under crawler/sites/.

Portals differ in data, not code: URLs, discovery patterns and agency kinds
live in the registry file; the family's spider reads them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

SITES_DIR = Path(__file__).parent / "sites"


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

    def with_base_url(self, base_url: str | None) -> "Site":
        if not base_url:
            return self
        if not base_url.endswith("/"):
            base_url += "/"
        return Site(**{**self.__dict__, "base_url": base_url})

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    def agency_kind(self, section: str | None) -> str | None:
        if not section:
            return None
        for label, kind in self.agency_kinds.items():
            if label in section:
                return kind
        return None


def site_names() -> list[str]:
    return sorted(path.stem for path in SITES_DIR.glob("*.toml"))


def load_site(name: str, base_url: str | None = None) -> Site:
    path = SITES_DIR / f"{name}.toml"
    if not path.exists():
        raise UnknownSite(f"unknown site {name!r}; known sites: {', '.join(site_names())}")
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
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
    )
    return site.with_base_url(base_url)
