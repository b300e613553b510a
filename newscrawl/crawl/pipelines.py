"""Item pipelines, one concern each: validate, deduplicate, store.

Enabled in ``settings.ITEM_PIPELINES`` in that order. None of them parses pages; storage goes
through :class:`newscrawl.archive.Archive`.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from newscrawl.archive import BUSY_TIMEOUT, Archive, ArchiveBusyError, ArchiveError, is_busy, parse_busy_timeout, utcnow
from newscrawl.coverage import CoverageSettingError, CoverageTally, FieldCoverage, Limits, judge, monitored_fields, stored_nothing
from newscrawl.crawl.capture import CaptureMiddleware
from newscrawl.items import ArticleItem, GoneItem, NotArticleItem, TickerItem
from newscrawl.sites import registry

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from typing_extensions import Self

logger = logging.getLogger(__name__)

#: ``crawl_runs.status`` by Scrapy close reason; any other reason is a failure.
RUN_STATUS = {
    "finished": "finished",
    "blocked": "blocked",
    "shutdown": "interrupted",
    "max_articles": "finished",
    "archive_busy": "busy",
}
#: Stats a spider sets when its run left something out: it stopped at ``max_articles``, or an
#: article or a listing page could not be fetched. Such a run is not complete, so the next one
#: walks every listing.
INCOMPLETE_MARKS = ("newscrawl/capped", "newscrawl/article_errors", "newscrawl/listing_errors")


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


class ArchivePipeline:
    """Writes articles and ticker lines to the archive in batched transactions.

    Articles are committed every ``ARCHIVE_BATCH_SIZE`` items or ``ARCHIVE_FLUSH_SECONDS``,
    whichever comes first (a timer commits a batch that waits for more items), and at the end of
    the run: a killed run loses at most that much work, which the next run fetches again. Each
    ticker line is recorded once per run. The run itself is a ``crawl_runs`` row, opened when
    the spider opens and closed with its status, completeness and stats when it closes. An
    article the site answered 404 or 410 for is recorded at once (``gone_articles``).

    The coverage monitor (``COVERAGE_*`` settings, see :mod:`newscrawl.coverage`) counts the
    fields of the articles stored; a run that would finish is ``degraded`` instead when a field's
    share fell well below its history, or when it stored no article although it read listings or
    article pages. Its articles stay stored. An article's site is its URL's (its profile in
    :mod:`newscrawl.sites.registry`), whose expected fields are those the archive records it
    lacking and the monitor counts it on.

    A write waits up to ``ARCHIVE_BUSY_TIMEOUT`` seconds for another program writing to the
    archive; then the run stops with status ``busy``, each article not stored is logged with its
    URL, and the run's record says why (if the archive can be written by then; otherwise the next
    run marks it ``interrupted``).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = settings.getint("ARCHIVE_BATCH_SIZE", 100)
        self.flush_seconds = settings.getfloat("ARCHIVE_FLUSH_SECONDS", 5.0)
        self.monitor = settings.getbool("COVERAGE_MONITOR", True)
        self.limits = coverage_limits(settings)
        # Opened here so that an unusable or busy ARCHIVE_DB stops the crawl before any request.
        self.archive = Archive(
            settings.get("ARCHIVE_DB"),
            exclusive=True,
            busy_timeout=parse_busy_timeout(settings.get("ARCHIVE_BUSY_TIMEOUT", BUSY_TIMEOUT)),
        )
        self.run_id = 0
        self.pending: list[ArticleItem] = []
        self.last_flush = time.monotonic()
        self.ticker_seen: set[tuple[str, str]] = set()
        self.timer = task.LoopingCall(self._flush_if_due)
        self.tally = CoverageTally()
        self.spider_name = ""
        self.edition: str | None = None
        self.start_urls: list[str] | None = None
        self.discover: str | None = None
        #: The run's status when the archive could not be written (``busy`` or ``failed``).
        self.stopped: str | None = None
        #: The run's WARC capture (``None`` with ``WARC_ENABLED=False``); see :meth:`_record_captures`.
        self.capture: CaptureMiddleware | None = None
        if crawler.spider is not None:
            # Recorded before the engine starts, like the archive's opening: Scrapy cannot stop
            # cleanly once it is opening the spider.
            self._start_run()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _start_run(self) -> None:
        """Record the run (:meth:`Archive.start_run`); raises :class:`ArchiveBusyError` or
        :class:`ArchiveError`, having closed the archive, when it cannot be written."""
        spider = self.crawler.spider
        assert spider is not None
        arguments = getattr(spider, "arguments", {})
        self.spider_name, self.edition = spider.name, arguments.get("edition")
        self.start_urls, self.discover = arguments.get("start_urls"), arguments.get("discover")
        try:
            self.run_id = self.archive.start_run(spider.name, arguments)
        except sqlite3.OperationalError as exc:
            self.archive.close()
            if is_busy(exc):
                raise ArchiveBusyError(self.archive.busy_message()) from None
            raise ArchiveError(f"cannot write archive {self.archive.path}: {exc}") from None
        assert self.stats is not None
        self.stats.set_value("newscrawl/run_id", self.run_id)

    def open_spider(self) -> None:
        if not self.run_id:
            self._start_run()
        logger.info("Archiving into %s (run %d)", self.archive.path, self.run_id)
        if self.crawler.engine is not None:
            self.capture = self.crawler.get_downloader_middleware(CaptureMiddleware)
        self.timer.start(max(self.flush_seconds / 2, 0.1), now=False)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, TickerItem):
            self._record_ticker(item)
        elif isinstance(item, ArticleItem):
            self.pending.append(item)
            if len(self.pending) >= self.batch_size or time.monotonic() - self.last_flush >= self.flush_seconds:
                self.flush()
        elif isinstance(item, GoneItem):
            self._record_gone(item)
        elif isinstance(item, NotArticleItem):
            self._record_not_article(item)
        return item

    def _record_gone(self, item: GoneItem) -> None:
        try:
            self.archive.record_gone(item, self.run_id)
        except sqlite3.OperationalError as exc:
            logger.error("gone article %s not recorded: %s", item.url, self._fail(exc, []))

    def _record_not_article(self, item: NotArticleItem) -> None:
        try:
            self.archive.record_not_article(item, self.run_id)
        except sqlite3.OperationalError as exc:
            logger.error("page %s not recorded as holding no article: %s", item.url, self._fail(exc, []))

    def _flush_if_due(self) -> None:
        captures = self.capture is not None and self.capture.pending
        if (self.pending or captures) and time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()

    def _record_ticker(self, item: TickerItem) -> None:
        key = (item.edition, item.text)
        if key in self.ticker_seen:
            return
        self.ticker_seen.add(key)
        try:
            new = self.archive.record_ticker([item], self.run_id)
        except sqlite3.OperationalError as exc:
            logger.error("ticker line %r not stored: %s", item.text, self._fail(exc, []))
            return
        assert self.stats is not None
        self.stats.inc_value("newscrawl/ticker_lines")
        self.stats.inc_value("newscrawl/ticker_lines_new", new)

    def flush(self) -> None:
        """Commit the pending articles; if the batch fails, store them one by one."""
        batch, self.pending = self.pending, []
        self.last_flush = time.monotonic()
        if not self._record_captures(batch) or not batch:
            return
        fetched_at = utcnow()
        records = self._records(batch)
        expected = {item.url: registry.expected_fields(item.url) for item in batch}
        try:
            self._count(self.archive.store_articles(batch, fetched_at, records, expected), batch, expected)
        except sqlite3.OperationalError as exc:
            # The file itself is unusable (disk full, read-only, locked): no item can be stored.
            self._fail(exc, batch)
        except Exception:
            for item in batch:
                self._store_one(item, fetched_at, records, expected)

    def _record_captures(self, batch: list[ArticleItem]) -> bool:
        """Record the captures written since the last batch, their WARC records synced to disk
        first (a row never points at a record that a crash could lose); ``False`` when the
        archive cannot be written."""
        if self.capture is None:
            return True
        captures = self.capture.take()
        if not captures:
            return True
        try:
            self.archive.record_captures(captures, self.run_id)
        except sqlite3.OperationalError as exc:
            self._fail(exc, batch)
            return False
        return True

    def _records(self, batch: list[ArticleItem]) -> dict[str, str]:
        """By article URL, the record of the capture each article of ``batch`` was read from."""
        if self.capture is None:
            return {}
        noted = self.capture.article_records
        return {item.url: noted.pop(item.url) for item in batch if item.url in noted}

    def _fail(self, exc: sqlite3.OperationalError, batch: list[ArticleItem]) -> str:
        """Stop the crawl: the archive itself cannot be written, or another writer held it
        longer than the busy timeout (the run is then ``busy``). Returns why."""
        assert self.stats is not None
        busy = is_busy(exc)
        message = self.archive.busy_message() if busy else f"cannot write archive {self.archive.path}: {exc}"
        self.stopped = "busy" if busy else "failed"
        self.stats.inc_value("newscrawl/store_errors", len(batch))
        self.stats.set_value("newscrawl/message", message)
        for item in batch:
            logger.error("article %s not stored: %s", item.url, message)
        if self.crawler.engine is not None and self.crawler.engine.running:
            reason = "archive_busy" if busy else "archive_error"
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
        return message

    def _store_one(
        self, item: ArticleItem, fetched_at: str, records: dict[str, str], expected: dict[str, tuple[str, ...]]
    ) -> None:
        try:
            self._count(self.archive.store_articles([item], fetched_at, records, expected), [item], expected)
        except Exception as exc:
            assert self.stats is not None
            self.stats.inc_value("newscrawl/store_errors")
            logger.error("article %s not stored: %s: %s", item.url, type(exc).__name__, exc)

    def _count(self, counts: dict[str, int], stored: list[ArticleItem], expected: dict[str, tuple[str, ...]]) -> None:
        assert self.stats is not None
        for outcome, number in counts.items():
            self.stats.inc_value(f"newscrawl/articles_{outcome}", number)
        for item in stored:
            self.tally.add(item, monitored_fields(expected[item.url]))

    def close_spider(self) -> None:
        if self.timer.running:
            self.timer.stop()
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.stats is not None
        status = self.stopped or RUN_STATUS.get(reason, "failed")
        coverage = self.tally.rows()
        if status == "finished" and self.monitor and self._degraded(coverage):
            status = "degraded"
        self.stats.set_value("newscrawl/status", status)
        stats = self.stats.get_stats()
        # A degraded run may have missed what a broken listing hid: the next one walks every page.
        complete = (
            reason == "finished"
            and status != "degraded"
            and not any(stats.get(mark) for mark in INCOMPLETE_MARKS)
            and not stats.get("newscrawl/store_errors")
        )
        try:
            self.archive.finish_run(self.run_id, status, stats, complete=complete, coverage=coverage)
        except sqlite3.OperationalError as exc:
            # The run stays "running" in the archive; the next run marks it interrupted.
            if is_busy(exc):
                self.stats.set_value("newscrawl/status", "busy")
                self.stats.set_value("newscrawl/message", self.archive.busy_message())
            logger.error("run %d not recorded as %s: %s", self.run_id, status, self.stats.get_value("newscrawl/message") or exc)
        finally:
            self.archive.close()

    def _degraded(self, coverage: list[FieldCoverage]) -> bool:
        """Judge the run's coverage against the archive's history; log and record what fell."""
        assert self.stats is not None
        history = self.archive.coverage_history(
            self.spider_name,
            self.edition,
            self.run_id,
            min_articles=self.limits.min_articles,
            runs=self.limits.history_runs,
            start_urls=self.start_urls,
            discover=self.discover,
        )
        drops = judge(coverage, history, self.limits)
        for drop in drops:
            logger.warning(drop.describe())
        if drops:
            self.stats.set_value("newscrawl/coverage_drops", [f"{d.coverage.content_type}:{d.coverage.field}" for d in drops])
            fields = "; ".join(drop.summary() for drop in drops)
            self.stats.set_value("newscrawl/message", f"field coverage fell (a selector or the site's markup changed?): {fields}")
            return True
        empty = stored_nothing(self.stats.get_stats())
        if empty:
            logger.warning("No article stored: %s", empty)
            self.stats.set_value("newscrawl/message", f"no article stored although the site answered: {empty}")
            return True
        return False
