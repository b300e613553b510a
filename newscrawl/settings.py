"""Scrapy settings for newscrawl: polite defaults for a real news site, and the archive location.

Override any of them with ``-s NAME=value``.
"""

from newscrawl.schedule import DEFAULT_SCHEDULE

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
# Our own `crawl` command: same as Scrapy's, plus an exit status that tells cron how a run ended.
COMMANDS_MODULE = "newscrawl.commands"

#: Where the archive is written (a SQLite file; its folder is created).
ARCHIVE_DB = "data/archive.db"
#: Articles per transaction, and the longest an article waits before it is committed.
ARCHIVE_BATCH_SIZE = 100
ARCHIVE_FLUSH_SECONDS = 5.0
#: How long, in seconds, a write to the archive waits while another program (not a crawl: one
#: crawl at a time holds the archive) writes to it; then the crawl stops, exit status 4 (busy).
ARCHIVE_BUSY_TIMEOUT = 60.0
#: How often a rerun re-fetches archived articles to catch edits, by their age ("age:interval"
#: steps, youngest first): hourly for 6 hours, every 6 hours for 2 days, daily for 2 weeks,
#: monthly for 3 months, then never (see newscrawl.schedule). "" never re-checks.
RECHECK_SCHEDULE = DEFAULT_SCHEDULE
#: Days an incremental run leaves an article the site answered 404 or 410 for (deleted, or
#: never there) before asking for it again; 0 asks every run. Such an article is recorded in
#: gone_articles and does not make the run incomplete.
GONE_RECHECK_DAYS = 30

# The coverage monitor (newscrawl.coverage): a run whose articles lack a field far more often
# than earlier runs did, or whose field's main source moved away from the one of earlier runs
# (the old source's share fell as a field's coverage would), is marked "degraded" (exit 5). The
# same settings judge both.
#: False: record coverage and sources, judge nothing.
COVERAGE_MONITOR = True
#: The baseline is the median share of a field (of a field's source) over this many earlier finished runs.
COVERAGE_HISTORY_RUNS = 10
#: Fewest articles of a content type a run needs to be judged, or to count in a baseline.
COVERAGE_MIN_ARTICLES = 5
#: Fewest earlier runs a baseline needs: until then runs only learn it.
COVERAGE_LEARN_RUNS = 2
#: Smallest fall flagged, relative to the baseline (0.5: to half of it or below).
COVERAGE_DROP = 0.5
#: Flag a fall only when chance would give it less often than this (binomial lower tail).
COVERAGE_P_VALUE = 0.001

USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; news archiving for research)"
ROBOTSTXT_OBEY = True

# Politeness toward a real site: a few parallel requests, adapted to its response times.
# (Against a mirror on this machine the spider turns delays off; see its from_crawler.)
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
#: Processes that read pages (parse, extract) beside the crawl's own, for the almayadeen spider:
#: 0 reads them in the crawl's process, which keeps up with any polite rate; "auto" is one per
#: core, for a fast backfill or a mirror (the spider sets it for a mirror on this machine). See
#: README, Performance.
EXTRACT_PROCESSES = 0
#: Items of a page processed at once: the pipelines are synchronous, so Scrapy's default (100)
#: only costs 100 tasks per page.
CONCURRENT_ITEMS = 1
# A hostile web (newscrawl.crawl.middlewares): retries spaced out by a doubling backoff, or by the
# server's Retry-After (up to RETRY_AFTER_MAX seconds); a host that answers 429 this many times
# in a row is paused; a challenge page, or BLOCK_AFTER_403S 403s in a row, stops the run
# as "blocked"; no request, redirects and retries included, leaves the spider's hosts.
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 600.0
HOST_PAUSE_AFTER_429S = 3
BLOCK_AFTER_403S = 3
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newscrawl.crawl.middlewares.HostGuardMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.crawl.middlewares.BackoffRetryMiddleware": 550,
    # After the retries gave up: robots.txt's network fault is one INFO line (newscrawl.crawl.robots).
    "newscrawl.crawl.robots.UnreachableRobots": 545,
    "newscrawl.crawl.middlewares.BlockMiddleware": 560,
    "newscrawl.crawl.middlewares.CharsetMiddleware": 570,
    # Nearest the downloader (after DownloaderStats, 850): responses as received, requests as sent.
    "newscrawl.crawl.capture.CaptureMiddleware": 950,
}
# Which capture each article was read from (newscrawl.crawl.capture).
SPIDER_MIDDLEWARES = {"newscrawl.crawl.capture.CaptureLinkMiddleware": 950}
#: Every response kept as a WARC record (newscrawl.crawl.capture): False keeps none. WARC_DIR "" is
#: warc/ beside ARCHIVE_DB; a file is rotated once it reaches WARC_MAX_BYTES.
WARC_ENABLED = True
WARC_DIR = ""
WARC_MAX_BYTES = 1_000_000_000
# A news page is well under 4 MB; a bigger answer is dropped with a log line, not archived.
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
# A redirect chain longer than this is a loop.
REDIRECT_MAX_TIMES = 5

ITEM_PIPELINES = {
    "newscrawl.crawl.pipelines.ValidatePipeline": 100,
    "newscrawl.crawl.pipelines.DedupePipeline": 200,
    "newscrawl.crawl.pipelines.ArchivePipeline": 300,
}

# Distributed mode (newscrawl.fleet): with -s REDIS_URL=redis://host:port/db this crawl is one
# worker of its spider's run on that Redis, and `newscrawl writer` keeps the archive.
ADDONS = {"newscrawl.fleet.addon.Fleet": 0}
REDIS_URL = ""
#: Seconds between a worker's heartbeats; a worker silent for FLEET_WORKER_TIMEOUT is dead.
FLEET_HEARTBEAT = 2.0
FLEET_WORKER_TIMEOUT = 30.0
#: How long a worker waits for the writer to answer when it starts.
FLEET_WRITER_TIMEOUT = 60.0
#: True: a worker starts no run; it joins the spider's runs (`newscrawl enqueue`) one after the other until stopped.
REDIS_KEEP_ALIVE = False

# One progress line on a terminal (PROGRESS = "auto", "on" or "off"); nothing under cron.
EXTENSIONS = {"newscrawl.crawl.progress.Progress": 500, "newscrawl.crawl.logs.QuietNetworkFaults": 0}
# A network fault is one line in the log; its traceback only at LOG_LEVEL=DEBUG (newscrawl/crawl/logs.py).
LOG_FORMATTER = "newscrawl.crawl.logs.LogFormatter"
PROGRESS = "auto"

# Nothing listens on a port: no telnet console, and no remote-control server (on by default since
# Scrapy 2.19), which runs the Python code sent to it by whoever reads its token file.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
# Only what needs attention: warnings, errors and newscrawl's own last line (under cron a good run
# prints nothing); -s LOG_LEVEL=INFO adds Scrapy's start-up lines and stats, DEBUG every request
# and the tracebacks of network faults.
LOG_LEVEL = "WARNING"
