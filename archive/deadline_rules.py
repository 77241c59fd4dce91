"""The deadline rules (archive/deadline_rules.toml) and the regions of the sites.

A rule names agency kinds, a report-year range and a region prefix; the due date of an
agency-year is the one of the most specific matching rule (see the TOML file's header).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

RULES_FILE = Path(__file__).with_name("deadline_rules.toml")
# The site registry as data: crawler/sites/ in a checkout, gongkai/crawler/sites/ installed
# (both sit beside this folder). Read as files: the archive never imports the crawler.
SITES_DIR = Path(__file__).resolve().parents[1] / "crawler" / "sites"


class RulesError(ValueError):
    """The rules file says something this code cannot apply."""


@dataclass(frozen=True)
class Rule:
    name: str
    kinds: tuple[str, ...]
    first_year: int | None
    last_year: int | None
    region: str
    due: tuple[int, int] | None  # (month, day) of the next year; None: no deadline
    order: int

    def matches(self, kind: str | None, year: int, region: str | None) -> bool:
        return (("*" in self.kinds or kind in self.kinds)
                and (self.first_year is None or year >= self.first_year)
                and (self.last_year is None or year <= self.last_year)
                and (region or "").startswith(self.region))


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    crawl_interval_days: int

    def rule_for(self, kind: str | None, year: int, region: str | None) -> Rule | None:
        matching = [r for r in self.rules if r.matches(kind, year, region)]
        return max(matching, key=lambda r: (len(r.region), r.order), default=None)

    def due(self, kind: str | None, year: int, region: str | None) -> date | None:
        rule = self.rule_for(kind, year, region)
        if rule is None or rule.due is None:
            return None
        month, day = rule.due
        return date(year + 1, month, day)


def load_rules(path: str | os.PathLike | None = None) -> Rules:
    data = tomllib.loads(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    rules = tuple(_rule(entry, n) for n, entry in enumerate(data.get("rule", [])))
    interval = int(data.get("watch", {}).get("crawl_interval_days", 7))
    return Rules(rules, interval)


def _rule(entry: dict, order: int) -> Rule:
    kinds = entry.get("kinds", ["*"])
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    due = str(entry.get("due", "none")).strip()
    if due.lower() == "none":
        when = None
    else:
        try:
            month, day = (int(part) for part in due.split("-"))
            date(2001, month, day)  # a real day of a common year (no 29 February)
        except ValueError:
            raise RulesError(f"rule {entry.get('name', order)!r}: due {due!r} is not MM-DD or none")
        when = (month, day)
    return Rule(entry.get("name", f"rule {order}"), kinds, entry.get("first_year"),
                entry.get("last_year"), str(entry.get("region", "")), when, order)


def site_regions(sites_dir: str | os.PathLike | None = None) -> dict[str, str]:
    """Site name → region_code, from the registry's TOML files."""
    regions = {}
    folder = Path(sites_dir or SITES_DIR)
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("region_code"):
            regions[data.get("name", path.stem)] = str(data["region_code"])
    return regions
