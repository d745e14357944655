"""Scrapy settings for akhbar's crawls: polite, bounded, guarded."""

from workers.config import load_settings

_akhbar = load_settings()

BOT_NAME = "akhbar"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
USER_AGENT = "akhbar/0.1 (news archiver; +https://github.com/akhbar/akhbar)"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = _akhbar.max_page_bytes
DOWNLOAD_WARNSIZE = _akhbar.max_page_bytes // 4
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
DEPTH_LIMIT = 4
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False
LOG_LEVEL = "INFO"

AKHBAR_ALLOWED_HOSTS = list(_akhbar.allowed_hosts)

# The frontier, the in-flight requests and the seen URLs live in Redis, per site: a crawl
# killed mid-way is resumed by the next crawl of the site (crawler/scheduler.py).
SCHEDULER = "crawler.scheduler.RedisScheduler"
AKHBAR_FRONTIER_LOCK_TTL = 30.0  # seconds; a dead crawler's claim on its site expires after it

# The address each connection is made to is checked too (DNS rebinding)
TWISTED_DNS_RESOLVER = "crawler.middlewares.GuardedResolver"

DOWNLOADER_MIDDLEWARES = {
    # before robots.txt (100) and redirects (600): every hop, robots.txt included, is checked
    "crawler.middlewares.TargetGuardMiddleware": 50,
    # Scrapy's decompression (DOWNLOAD_MAXSIZE on the inflated size), counting what it refuses
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.SizeLimitMiddleware": 590,
}
EXTENSIONS = {
    "crawler.extensions.CrawlRecord": 500,
}
ITEM_PIPELINES = {
    "crawler.pipelines.CeleryHandoffPipeline": 300,
}
LOG_FORMATTER = "crawler.logformatter.ShortItemLogFormatter"  # a failed page's body stays out
