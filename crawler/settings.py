"""Scrapy settings for gongkai. Polite by default: these are public servants' servers."""

BOT_NAME = "gongkai"
SPIDER_MODULES = ["gongkai.crawler.spiders"]
NEWSPIDER_MODULE = "gongkai.crawler.spiders"

# ASCII only: header values travel as Latin-1, and a Chinese name arrives mangled.
USER_AGENT = ("gongkai/0.1 (+https://github.com/gongkai-archive/gongkai; archive of "
              "government information-disclosure annual reports)")
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# AutoThrottle never goes below DOWNLOAD_DELAY: without this floor a fast server would
# soon be asked many times a second. Not randomised: at most one request a second.
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 3
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Response path, highest first: archive the bytes as received (950), answer 304s
# from the archive (HttpCache, 900), decompress (590), then recognise challenge
# pages (589) and fix the encoding (585) on the real body, before retries (550).
DOWNLOADER_MIDDLEWARES = {
    "gongkai.crawler.middlewares.ProxyMiddleware": 740,  # before Scrapy's HttpProxyMiddleware (750)
    "gongkai.crawler.middlewares.WarcCaptureMiddleware": 950,
    "gongkai.crawler.challenges.ChallengeMiddleware": 589,
    "gongkai.crawler.encoding.EncodingMiddleware": 585,
    # Retries of 5xx and timeouts wait before asking again (Scrapy's retry has no backoff).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "gongkai.crawler.middlewares.BackoffRetryMiddleware": 550,
    # Scrapy's own, with what their bounds drop recorded (crawler/bounds.py).
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "gongkai.crawler.bounds.BoundedCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "gongkai.crawler.bounds.BoundedRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "gongkai.crawler.bounds.BoundedMetaRefreshMiddleware": 580,
    # --simulated only: no request leaves the simulated web (crawler/politeness.py).
    "gongkai.crawler.politeness.SimulatedOnlyMiddleware": 960,
    # The archive answers only a 304, never a failed download (crawler/revalidate.py).
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "gongkai.crawler.revalidate.RevalidatingCacheMiddleware": 900,
}
# Bounds (issue 12): one hostile answer costs that answer alone, and is recorded.
# A body larger than this, as received or once decompressed, is dropped (Scrapy's
# default is 1 GiB, held in memory); reports run to a few MB, scanned ones to tens.
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
GONGKAI_MAX_LIST_PAGES = 200  # list pages followed per column
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry; doubled each time after
RETRY_BACKOFF_MAX = 60.0  # and never longer, whatever Retry-After asks

# Recrawls send conditional requests validated against the archive.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "gongkai.crawler.revalidate.AlwaysRevalidatePolicy"
HTTPCACHE_STORAGE = "gongkai.crawler.revalidate.WarcCacheStorage"
# A portal's own links under the other of http/https are asked for under the
# registry's scheme, next to the spider, so everything after sees one URL per page.
SPIDER_MIDDLEWARES = {
    "gongkai.crawler.schemes.CanonicalSchemeMiddleware": 950,
    # list pages answered and the entries they showed (a redesign shows none)
    "gongkai.crawler.revisit.ListPageStats": 960,
}
# Rotating revisits (crawler/revisit.py): 0 asks for every known report on every crawl;
# `gongkai schedule` sets N days (and fewer in the deadline season).
GONGKAI_REVISIT_DAYS = 0
GONGKAI_REVISIT_SEASON_DAYS = 0
GONGKAI_REVISIT_SEASON_MONTHS = "1-4"
GONGKAI_REVISIT_LIST_DAYS = 1  # a column's first list page off season (in season: every run)
EXTENSIONS = {
    "gongkai.crawler.runs.CrawlRunRecorder": 500,
    "gongkai.crawler.recheck.RecheckKnownReports": 510,
    # GONGKAI_STATS_FILE: the crawl's counts as JSON, for `gongkai schedule`
    "gongkai.crawler.statsfile.StatsFile": 520,
}
ITEM_PIPELINES = {
    "gongkai.crawler.pipelines.ReportMetadataPipeline": 300,
}

# Where WARC files and gongkai.db live (`gongkai --data DIR`).
GONGKAI_DATA_DIR = "data"
GONGKAI_WARC_MAX_BYTES = 512 * 1024 * 1024

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
