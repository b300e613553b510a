"""Item pipelines, one concern each: validate, deduplicate, store.

Enabled in ``settings.ITEM_PIPELINES`` in that order. None of them parses pages; storage goes
through :class:`newscrawl.archive.Archive`.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from newscrawl.archive import BUSY_TIMEOUT, Archive, ArchiveError, parse_busy_timeout
from newscrawl.coverage import CoverageSettingError, Limits
from newscrawl.crawl.capture import CaptureMiddleware
from newscrawl.crawl.runstore import RunStore
from newscrawl.items import ArticleItem, GoneItem, NotArticleItem, TickerItem

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from typing_extensions import Self

    from newscrawl.warc import Capture

logger = logging.getLogger(__name__)


class ValidatePipeline:
    """Drops an article without a URL, or with neither a headline nor a body, logging its URL and
    the reason. A partial article (a body without a headline, a headline without a byline...)
    is stored with what it has; the archive records what it lacks (``missing_fields``). An
    article whose page was read only in part (``truncated``) is logged as a warning and counted
    (``newscrawl/articles_truncated``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem) and item.truncated:
            self._warn_truncated(item)
        if isinstance(item, ArticleItem):
            if not item.url:
                missing = ["url"]
            elif not (item.headline or item.body):
                missing = ["headline", "body"]
            else:
                return item
            assert self.stats is not None
            self.stats.inc_value(f"newscrawl/dropped/missing_{'_and_'.join(missing)}")
            raise DropItem(f"article {item.url or '(no url)'} not stored: no {' and no '.join(missing)} found")
        return item

    def _warn_truncated(self, item: ArticleItem) -> None:
        assert self.stats is not None
        self.stats.inc_value("newscrawl/articles_truncated")
        logger.warning("article %s was read only in part, its body is not stored as complete: %s", item.url, item.truncated)


class DedupePipeline:
    """Drops an article already seen in this run under the same canonical URL or post id."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.urls: set[str] = set()
        self.post_ids: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        key = (item.edition, item.post_id) if item.post_id else None
        if item.url in self.urls or (key and key in self.post_ids):
            assert self.stats is not None
            self.stats.inc_value("newscrawl/duplicates")
            raise DropItem(f"article {item.url} already stored in this run", log_level="DEBUG")
        self.urls.add(item.url)
        if key:
            self.post_ids.add(key)
        return item


def coverage_limits(settings: BaseSettings) -> Limits:
    """The coverage monitor's :class:`Limits` from the ``COVERAGE_*`` settings; raises
    :class:`CoverageSettingError` naming a malformed or out-of-range one."""
    try:
        return Limits(
            history_runs=settings.getint("COVERAGE_HISTORY_RUNS", 10),
            min_articles=settings.getint("COVERAGE_MIN_ARTICLES", 5),
            learn_runs=settings.getint("COVERAGE_LEARN_RUNS", 2),
            drop=settings.getfloat("COVERAGE_DROP", 0.5),
            p_value=settings.getfloat("COVERAGE_P_VALUE", 0.001),
        )
    except ValueError as exc:
        if isinstance(exc, CoverageSettingError):
            raise
        raise CoverageSettingError(f"a COVERAGE_* setting is not a number: {exc}") from exc


class BatchingPipeline:
    """What the archive pipeline and a distributed run's worker pipeline
    (:class:`newscrawl.fleet.worker.FleetPipeline`) share: articles go on in batches, every
    ``ARCHIVE_BATCH_SIZE`` items or ``ARCHIVE_FLUSH_SECONDS``, whichever comes first (a timer
    sends a batch that waits for more items), and at the end of the run, each batch with the
    WARC captures written since the last one (their records synced to disk first) and, by
    article URL, the record it was read from; ticker lines, gone articles and pages without an
    article go on as they come. Subclasses say where: :meth:`deliver`, :meth:`ticker`,
    :meth:`gone`, :meth:`not_article`."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.batch_size = settings.getint("ARCHIVE_BATCH_SIZE", 100)
        self.flush_seconds = settings.getfloat("ARCHIVE_FLUSH_SECONDS", 5.0)
        self.pending: list[ArticleItem] = []
        self.last_flush = time.monotonic()
        self.timer = task.LoopingCall(self._flush_if_due)
        #: The run's WARC capture (``None`` with ``WARC_ENABLED=False``); see :meth:`flush`.
        self.capture: CaptureMiddleware | None = None

    def open_spider(self) -> None:
        if self.crawler.engine is not None:
            self.capture = self.crawler.get_downloader_middleware(CaptureMiddleware)
        self.timer.start(max(self.flush_seconds / 2, 0.1), now=False)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            self.pending.append(item)
            if len(self.pending) >= self.batch_size or time.monotonic() - self.last_flush >= self.flush_seconds:
                self.flush()
        elif isinstance(item, TickerItem):
            self.ticker(item)
        elif isinstance(item, GoneItem):
            self.gone(item)
        elif isinstance(item, NotArticleItem):
            self.not_article(item)
        return item

    def _flush_if_due(self) -> None:
        captures = self.capture is not None and self.capture.pending
        if (self.pending or captures) and time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Deliver the pending articles with the captures written since the last batch."""
        batch, self.pending = self.pending, []
        self.last_flush = time.monotonic()
        if self.capture is None:
            self.deliver(batch, [], {})
            return
        captures = self.capture.take()
        noted = self.capture.article_records
        self.deliver(batch, captures, {item.url: noted.pop(item.url) for item in batch if item.url in noted})

    def close_spider(self) -> None:
        if self.timer.running:
            self.timer.stop()
        self.flush()

    def deliver(self, batch: list[ArticleItem], captures: list[Capture], records: dict[str, str]) -> None:
        raise NotImplementedError

    def ticker(self, item: TickerItem) -> None:
        raise NotImplementedError

    def gone(self, item: GoneItem) -> None:
        raise NotImplementedError

    def not_article(self, item: NotArticleItem) -> None:
        raise NotImplementedError


class ArchivePipeline(BatchingPipeline):
    """Writes articles and ticker lines to the archive in batched transactions (see
    :class:`BatchingPipeline`), through the run's :class:`newscrawl.crawl.runstore.RunStore`: a
    killed run loses at most a batch, which the next run fetches again. Each
    ticker line is recorded once per run. The run itself is a ``crawl_runs`` row, opened when
    the spider opens and closed with its status, completeness and stats when it closes. An
    article the site answered 404 or 410 for is recorded at once (``gone_articles``).

    The coverage monitor (``COVERAGE_*`` settings, see :mod:`newscrawl.coverage`) counts the
    fields of the articles stored and their sources; a run that would finish is ``degraded``
    instead when a field's share fell well below its history, when a field's main source moved
    away from its history's, or when it stored no article although it read listings or article
    pages. Its articles stay stored. An article's site is its URL's (its profile in
    :mod:`newscrawl.sites.registry`), whose expected fields are those the archive records it
    lacking and the monitor counts it on.

    A write waits up to ``ARCHIVE_BUSY_TIMEOUT`` seconds for another program writing to the
    archive; then the run stops with status ``busy``, each article not stored is logged with its
    URL, and the run's record says why (if the archive can be written by then; otherwise the next
    run marks it ``interrupted``).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        limits = coverage_limits(settings)  # a bad setting stops the crawl before the archive is made
        super().__init__(crawler)
        # Opened here so that an unusable or busy ARCHIVE_DB stops the crawl before any request.
        self.archive = Archive(
            settings.get("ARCHIVE_DB"),
            exclusive=True,
            busy_timeout=parse_busy_timeout(settings.get("ARCHIVE_BUSY_TIMEOUT", BUSY_TIMEOUT)),
        )
        self.run = RunStore(
            self.archive,
            self.stats,
            stop=self._stop,
            monitor=settings.getbool("COVERAGE_MONITOR", True),
            limits=limits,
        )
        if crawler.spider is not None:
            # Recorded before the engine starts, like the archive's opening: Scrapy cannot stop
            # cleanly once it is opening the spider.
            self._start_run()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def run_id(self) -> int:
        """The run's ``crawl_runs.id`` (0 before it is recorded)."""
        return self.run.run_id

    @property
    def stopped(self) -> str | None:
        """The run's status when the archive could not be written (``busy`` or ``failed``)."""
        return self.run.stopped

    def _start_run(self) -> None:
        """Record the run; raises :class:`ArchiveBusyError` or :class:`ArchiveError`, having
        closed the archive, when it cannot be written."""
        spider = self.crawler.spider
        assert spider is not None
        try:
            self.run.start(spider.name, getattr(spider, "arguments", {}))
        except ArchiveError:
            self.archive.close()
            raise

    def open_spider(self) -> None:
        if not self.run_id:
            self._start_run()
        logger.info("Archiving into %s (run %d)", self.archive.path, self.run_id)
        super().open_spider()

    def deliver(self, batch: list[ArticleItem], captures: list[Capture], records: dict[str, str]) -> None:
        self.run.store(batch, captures, records)

    def ticker(self, item: TickerItem) -> None:
        self.run.ticker(item)

    def gone(self, item: GoneItem) -> None:
        self.run.gone(item)

    def not_article(self, item: NotArticleItem) -> None:
        self.run.not_article(item)

    def _stop(self, reason: str) -> None:
        if self.crawler.engine is not None and self.crawler.engine.running:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        try:
            self.run.finish(reason)
        finally:
            self.archive.close()
