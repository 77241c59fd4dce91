"""Running a crawl from Python (the `gongkai crawl` command) with project settings."""

from __future__ import annotations

import logging
import os

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from gongkai.crawler import settings as project_settings
from gongkai.crawler.distributed import redis_settings
from gongkai.crawler.politeness import FAST, FAST_ENV, check_simulated, fast_requested
from gongkai.crawler.registry import load_site

log = logging.getLogger(__name__)


def crawl_settings(site_name: str, base_url: str | None, data_dir: str,
                   overrides: dict | None = None, redis_url: str | None = None,
                   crawl_id: str | None = None, proxy: str | None = None) -> Settings:
    site = load_site(site_name, base_url)
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("GONGKAI_DATA_DIR", os.fspath(data_dir), priority="cmdline")
    settings.set("GONGKAI_BASE_URL", site.base_url, priority="cmdline")
    for key, value in site.politeness.items():
        settings.set(key.upper(), value, priority="cmdline")
    if proxy:
        settings.set("GONGKAI_PROXY", proxy, priority="cmdline")
    if fast_requested(overrides):
        # Politeness follows the host, not the proxy: fast only for the simulated web,
        # asked for by name (crawler/politeness.py), refused anywhere else.
        check_simulated(site, proxy)
        for key, value in {**FAST, FAST_ENV: True}.items():
            settings.set(key, value, priority="cmdline")
    if redis_url:
        for key, value in redis_settings(redis_url, site.name, crawl_id or "default").items():
            if key in ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES"):  # added to, not replaced
                value = {**settings.getdict(key), **value}
            settings.set(key, value, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def crawl(site_name: str, base_url: str | None, data_dir: str,
          overrides: dict | None = None, redis_url: str | None = None,
          crawl_id: str | None = None, proxy: str | None = None) -> dict:
    """Crawl one registered site into the archive; returns Scrapy's stats."""
    site = load_site(site_name, base_url)
    settings = crawl_settings(site_name, base_url, data_dir, overrides, redis_url, crawl_id,
                              proxy)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(site.family)
    process.crawl(crawler, site=site.name, base_url=site.base_url)
    process.start()
    return dict(crawler.stats.get_stats())
