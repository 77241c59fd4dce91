"""Schedule rules as data: which sites, how often, more often in the deadline season.

The rules live in a TOML file (the default ships as gongkai/scheduling/schedule.toml;
an operator passes their own with --config). Each site's runs are an APScheduler
trigger built from the file, and `gongkai schedule plan` lists the runs from the same
triggers the scheduler fires.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from gongkai.crawler.registry import UnknownSite, load_site
from gongkai.crawler.revisit import RevisitRule, _months

DEFAULT_CONFIG = files("gongkai.scheduling") / "schedule.toml"
CRON_FIELDS = {"year", "month", "day", "week", "day_of_week", "hour", "minute", "second"}
MAX_PLANNED = 10_000  # runs one plan lists at most


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SiteRule:
    site: str
    season: dict
    off_season: dict
    season_months: frozenset
    timezone: str
    proxy: str | None = None
    base_url: str | None = None

    def trigger(self) -> OrTrigger:
        tz = ZoneInfo(self.timezone)
        inside = ",".join(str(m) for m in sorted(self.season_months))
        outside = ",".join(str(m) for m in range(1, 13) if m not in self.season_months)
        triggers = [CronTrigger(month=inside, timezone=tz, **self.season)] if inside else []
        if outside:
            triggers.append(CronTrigger(month=outside, timezone=tz, **self.off_season))
        return OrTrigger(triggers)

    @property
    def fingerprint(self) -> str:
        """Changes when the rule changes: the scheduler then replaces the stored job."""
        text = json.dumps([self.season, self.off_season, sorted(self.season_months),
                           self.timezone, self.proxy, self.base_url], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class ScheduleConfig:
    path: str
    sites: tuple[SiteRule, ...]
    revisit: RevisitRule
    misfire_grace_seconds: int = 21600
    webhook: str | None = None
    timezone: str = "Asia/Shanghai"
    raw: dict = field(default_factory=dict, compare=False)

    def site(self, name: str) -> SiteRule:
        for rule in self.sites:
            if rule.site == name:
                return rule
        raise ConfigError(f"site {name!r} is not in the schedule ({self.path})")

    def in_season(self, day: date) -> bool:
        return day.month in self.revisit.season_months


def _cron(table: dict, where: str) -> dict:
    unknown = set(table) - CRON_FIELDS
    if unknown:
        raise ConfigError(f"{where}: unknown cron fields {sorted(unknown)} "
                          f"(known: {', '.join(sorted(CRON_FIELDS))})")
    return dict(table)


def load_config(path: str | Path | None = None) -> ScheduleConfig:
    source = Path(path) if path else DEFAULT_CONFIG
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read the schedule {source}: {error}") from error
    zone = data.get("timezone", "Asia/Shanghai")
    months = _months(data.get("season_months", "1-4"))
    defaults = data.get("defaults", {})
    rules = []
    for name, table in (data.get("sites") or {}).items():
        if not table.get("enabled", True):
            continue
        try:
            load_site(name)
        except UnknownSite as error:
            raise ConfigError(str(error)) from error
        rules.append(SiteRule(
            site=name, season_months=months, timezone=zone,
            season=_cron(table.get("season", defaults.get("season", {})), f"sites.{name}"),
            off_season=_cron(table.get("off_season", defaults.get("off_season", {})),
                             f"sites.{name}"),
            proxy=table.get("proxy"), base_url=table.get("base_url")))
    revisit = RevisitRule(days=int(data.get("revisit_days", 28)),
                          season_days=int(data.get("season_revisit_days", 7)),
                          season_months=months,
                          list_days=int(data.get("list_revisit_days", 1)))
    return ScheduleConfig(path=str(source), sites=tuple(rules), revisit=revisit,
                          misfire_grace_seconds=int(data.get("misfire_grace_seconds", 21600)),
                          webhook=data.get("webhook") or None, timezone=zone, raw=data)


def plan(config: ScheduleConfig, first: date, last: date, sites=None) -> list[dict]:
    """Every run the scheduler would start from FIRST to LAST (inclusive), in order."""
    tz = ZoneInfo(config.timezone)
    start = datetime.combine(first, time.min, tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tz)
    runs = []
    for rule in config.sites:
        if sites and rule.site not in sites:
            continue
        trigger = rule.trigger()
        fire = trigger.get_next_fire_time(None, start)
        while fire is not None and fire < end and len(runs) < MAX_PLANNED:
            day = fire.date()
            runs.append({"site": rule.site, "at": fire.isoformat(),
                         "season": config.in_season(day),
                         "revisit_days": config.revisit.period(day)})
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return sorted(runs, key=lambda run: (run["at"], run["site"]))
