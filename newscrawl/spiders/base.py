"""What every newscrawl spider shares: the archive as its state, the run's frontier, the
settings for a mirror on this machine, the pool of processes that reads its pages, and how a
run stops or records a failed page or a page without an article.

A spider subclass navigates its site; it says where it fetches from (:meth:`ArchiveSpider.fetch_origins`)
and how its runs are scoped (:meth:`ArchiveSpider.run_scope`), asks :attr:`frontier` which
pages to request, and has :attr:`pages` read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider

from newscrawl.archive import BUSY_TIMEOUT, ArchiveState, parse_busy_timeout, utcnow
from newscrawl.crawl.arguments import SpiderArgumentError, extract_processes, gone_recheck
from newscrawl.crawl.incremental import CrawlState, Frontier
from newscrawl.fleet.state import redis_state
from newscrawl.items import NotArticleItem
from newscrawl.schedule import DEFAULT_SCHEDULE, ScheduleError, parse_schedule
from newscrawl.spiders import LOOPBACK_SETTINGS, article_gone, asked, failure_kind, record_failure
from newscrawl.urls import is_loopback

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure
    from typing_extensions import Self

    from newscrawl.items import GoneItem
    from newscrawl.pool import WorkerPool


class ArchiveSpider(scrapy.Spider):
    """A spider whose runs add to an archive (``ARCHIVE_DB``) and read it to skip what it holds.

    Subclasses set :attr:`full`, :attr:`max_articles` (from their arguments) and :attr:`pages`
    before :meth:`from_crawler` returns, and implement :meth:`fetch_origins`, :meth:`archive_key`
    and :meth:`run_scope`.
    """

    # The spider asks for each page once itself (Frontier.requested): Scrapy's duplicate filter
    # would only hash every request again and keep every hash in memory.
    custom_settings: dict[str, Any] | None = {"DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter"}  # noqa: RUF012 - Scrapy types it so

    full = False
    max_articles: int | None = None
    #: Whether the spider can read any page of the run yet (a worker of a distributed run takes
    #: no request of the shared queue before: :mod:`newscrawl.fleet.scheduler`).
    ready = True
    #: The run's decisions on what to request, set up by :meth:`from_crawler`.
    frontier: Frontier
    #: Whether listings are walked only as deep as they hold something new: the last run of the
    #: same scope fetched everything it had to.
    shallow = False
    #: The pool that reads the fetched pages: its ``EXTRACT_PROCESSES`` workers start when the
    #: spider opens and stop when it closes.
    pages: WorkerPool[Any, Any]

    def fetch_origins(self) -> list[str]:
        """The origins this run fetches from."""
        raise NotImplementedError

    def archive_key(self, url: str) -> str:
        """The archive's key of the article a link names: its canonical URL on the real site."""
        raise NotImplementedError

    def run_scope(self) -> dict[str, Any]:
        """What makes two runs of this spider comparable (``edition``, ``discover``,
        ``start_urls``): the arguments of :meth:`newscrawl.archive.ArchiveState.last_run_complete`."""
        raise NotImplementedError

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if all(is_loopback(url) for url in spider.fetch_origins()):
            # A server on this machine is ours: no politeness delays. "spider" priority, so
            # settings given with -s still win.
            for name, value in LOOPBACK_SETTINGS.items():
                settings.set(name, value, priority="spider")
        try:
            schedule = parse_schedule(settings.get("RECHECK_SCHEDULE", DEFAULT_SCHEDULE))
        except ScheduleError as exc:
            raise SpiderArgumentError(f"RECHECK_SCHEDULE: {exc}") from exc
        # Read before this run records itself, so the last run is the previous one.
        state: CrawlState
        if settings.get("REDIS_URL"):  # a worker of a distributed run: the writer's state, not the file
            state = redis_state(settings["REDIS_URL"], spider.name, timeout=settings.getfloat("FLEET_WRITER_TIMEOUT", 60.0))
        else:
            state = ArchiveState(
                settings.get("ARCHIVE_DB"),
                busy_timeout=parse_busy_timeout(settings.get("ARCHIVE_BUSY_TIMEOUT", BUSY_TIMEOUT)),
            )
        crawler.signals.connect(state.close, signal=signals.spider_closed)
        spider.frontier = Frontier(
            state,
            lambda: crawler.stats,
            key=spider.archive_key,
            full=spider.full,
            max_articles=spider.max_articles,
            schedule=schedule,
            gone_recheck=gone_recheck(settings),
        )
        spider.shallow = not spider.full and state.last_run_complete(spider.name, **spider.run_scope())
        processes = extract_processes(settings)
        crawler.signals.connect(lambda: spider.pages.start(processes), signal=signals.spider_opened, weak=False)
        crawler.signals.connect(spider.pages.close, signal=signals.spider_closed)
        return spider

    @property
    def state(self) -> CrawlState | None:
        """The archive as the run began (``None`` before :meth:`from_crawler`)."""
        frontier: Frontier | None = getattr(self, "frontier", None)
        return frontier.state if frontier is not None else None

    # --- failures -------------------------------------------------------------------------

    def cannot_start(self, failure: Failure, fallback_url: str) -> None:
        """The page a run starts from could not be fetched at all (DNS, refused connection,
        timeout, robots.txt): the run stops. A start request carries
        :data:`newscrawl.crawl.logs.REPORTED_META`: this is the one line said about it."""
        if failure_kind(failure) == "blocked":
            return  # the block was reported where it was seen
        request = getattr(failure, "request", None)
        url = request.url if request is not None else fallback_url
        self.stop("failed", f"cannot reach {url}: {failure.getErrorMessage() or repr(failure.value)}")

    def article_failed(self, failure: Failure) -> Iterator[GoneItem]:
        """An article could not be fetched (after retries): unless it is gone (404, 410: recorded
        as such) or to be skipped for good, the run is not complete."""
        gone = article_gone(self, failure, self.archive_key)
        if gone is not None:
            yield gone
        else:
            record_failure(self, "article", failure)

    def listing_failed(self, failure: Failure) -> None:
        """A listing page could not be fetched (after retries): the run is not complete."""
        record_failure(self, "listing", failure)

    def not_article(self, response: Response) -> NotArticleItem:
        """A page requested as an article holds none: counted (``newscrawl/not_article``), and
        recorded (``not_articles``) under the URL the spider asked for."""
        self.inc("newscrawl/not_article")
        return NotArticleItem(url=self.archive_key(asked(response)), seen_at=utcnow())

    # --- stats and stopping ---------------------------------------------------------------

    def inc(self, key: str, count: int = 1) -> None:
        """Add to one of the run's stats."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)

    def set_stat(self, key: str, value: object) -> None:
        """Set one of the run's stats."""
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(key, value)

    def stop(self, status: str, message: str) -> NoReturn:
        """Stop the run with ``status`` (a run status: ``failed``, ``blocked``) and a one-line reason.

        The reason is the run's ``newscrawl/message``: recorded in ``crawl_runs`` and said by the
        last line of ``scrapy crawl`` (``newscrawl: failed: ...``). Logged at INFO only, so that
        standard error says it once.
        """
        self.set_stat("newscrawl/message", message)
        self.logger.info(message)
        raise CloseSpider(status)
