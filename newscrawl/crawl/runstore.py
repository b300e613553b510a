"""One crawl run's writes to the archive, whoever fetched its pages.

:class:`RunStore` records the run (``crawl_runs``), stores its articles in batches with the
captures they were read from, its ticker lines (once per run), its gone articles and pages
without an article, and closes the run with its status, completeness, stats, field coverage and
fields' sources. A local crawl drives it from its item pipeline
(:class:`newscrawl.crawl.pipelines.ArchivePipeline`); a distributed run from the one writer
(:mod:`newscrawl.fleet.writer`), from the items its workers sent. It knows no Scrapy: its stats are anything with the methods of Scrapy's stats
collector (:class:`Stats`), and it stops its crawl through a callback.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING, Any, Protocol

from newscrawl.archive import ArchiveBusyError, ArchiveError, is_busy, utcnow
from newscrawl.coverage import (
    CoverageTally,
    FieldCoverage,
    FieldSource,
    Limits,
    judge,
    judge_sources,
    monitored_fields,
    stored_nothing,
)
from newscrawl.sites import registry

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from newscrawl.archive import Archive
    from newscrawl.items import ArticleItem, GoneItem, NotArticleItem, TickerItem
    from newscrawl.warc import Capture

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


class Stats(Protocol):
    """What a run's stats are written and read with (Scrapy's ``StatsCollector`` has it)."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...
    def set_value(self, key: str, value: Any) -> None: ...
    def get_value(self, key: str, default: Any = None) -> Any: ...
    def get_stats(self) -> dict[str, Any]: ...


class RunStats:
    """A run's stats outside Scrapy (the writer's runs): a dictionary, like Scrapy's collector."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self.values: dict[str, Any] = dict(values or {})

    def inc_value(self, key: str, count: float = 1, start: float = 0) -> None:
        self.values[key] = self.values.get(key, start) + count

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def get_stats(self) -> dict[str, Any]:
        return self.values


class RunStore:
    """Writes one run into ``archive``; see the module's text.

    A write that fails because the archive itself cannot be written (another writer held it
    past the busy timeout, a full disk) calls ``stop(reason)`` (``archive_busy`` or
    ``archive_error``) once the run's ``stopped`` status (``busy``, ``failed``) and message are
    set, each article not stored logged with its URL. The coverage monitor (``monitor``,
    ``limits``: :mod:`newscrawl.coverage`) judges the run when it finishes.
    """

    def __init__(
        self, archive: Archive, stats: Stats, *, stop: Callable[[str], None], monitor: bool = True, limits: Limits | None = None
    ) -> None:
        self.archive = archive
        self.stats = stats
        self.stop = stop
        self.monitor = monitor
        self.limits = limits or Limits()
        self.run_id = 0
        self.spider_name = ""
        self.arguments: dict[str, Any] = {}
        self.ticker_seen: set[tuple[str, str]] = set()
        self.tally = CoverageTally()
        #: The run's status when the archive could not be written (``busy`` or ``failed``).
        self.stopped: str | None = None
        #: Whether the run fetched everything it had to, as :meth:`finish` recorded it.
        self.complete = False

    def start(self, spider: str, arguments: Mapping[str, Any], *, interrupt_running: bool = True) -> int:
        """Record the run (:meth:`Archive.start_run`) and return its id; raises
        :class:`ArchiveBusyError` or :class:`ArchiveError` when the archive cannot be written."""
        self.spider_name, self.arguments = spider, dict(arguments)
        try:
            self.run_id = self.archive.start_run(spider, arguments, interrupt_running=interrupt_running)
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise ArchiveBusyError(self.archive.busy_message()) from None
            raise ArchiveError(f"cannot write archive {self.archive.path}: {exc}") from None
        self.stats.set_value("newscrawl/run_id", self.run_id)
        return self.run_id

    def resume(self, run_id: int, spider: str, arguments: Mapping[str, Any]) -> None:
        """Go on writing a run recorded before (a writer restarted mid-run)."""
        self.run_id, self.spider_name, self.arguments = run_id, spider, dict(arguments)
        self.stats.set_value("newscrawl/run_id", run_id)

    # --- what a run fetched ---------------------------------------------------------------

    def ticker(self, item: TickerItem) -> None:
        """Record a ticker line, once per run."""
        key = (item.edition, item.text)
        if key in self.ticker_seen:
            return
        self.ticker_seen.add(key)
        try:
            new = self.archive.record_ticker([item], self.run_id)
        except sqlite3.OperationalError as exc:
            logger.error("ticker line %r not stored: %s", item.text, self.fail(exc, []))
            return
        self.stats.inc_value("newscrawl/ticker_lines")
        self.stats.inc_value("newscrawl/ticker_lines_new", new)

    def gone(self, item: GoneItem) -> None:
        """Record an article the site answered 404 or 410 for."""
        try:
            self.archive.record_gone(item, self.run_id)
        except sqlite3.OperationalError as exc:
            logger.error("gone article %s not recorded: %s", item.url, self.fail(exc, []))

    def not_article(self, item: NotArticleItem) -> None:
        """Record a page asked for as an article that holds none."""
        try:
            self.archive.record_not_article(item, self.run_id)
        except sqlite3.OperationalError as exc:
            logger.error("page %s not recorded as holding no article: %s", item.url, self.fail(exc, []))

    def store(self, batch: list[ArticleItem], captures: list[Capture], records: Mapping[str, str]) -> None:
        """Record ``captures`` (their WARC records durable before), then store ``batch`` in one
        transaction, each article linked to the record of ``records`` it was read from; if the
        batch fails, its articles one by one."""
        if captures:
            try:
                self.archive.record_captures(captures, self.run_id)
            except sqlite3.OperationalError as exc:
                self.fail(exc, batch)
                return
        if not batch:
            return
        fetched_at = utcnow()
        expected = {item.url: registry.expected_fields(item.url) for item in batch}
        try:
            self._count(self.archive.store_articles(batch, fetched_at, records, expected), batch, expected)
        except sqlite3.OperationalError as exc:
            # The file itself is unusable (disk full, read-only, locked): no item can be stored.
            self.fail(exc, batch)
        except Exception:
            for item in batch:
                self._store_one(item, fetched_at, records, expected)

    def fail(self, exc: sqlite3.OperationalError, batch: list[ArticleItem]) -> str:
        """Stop the crawl: the archive itself cannot be written, or another writer held it
        longer than the busy timeout (the run is then ``busy``). Returns why."""
        busy = is_busy(exc)
        message = self.archive.busy_message() if busy else f"cannot write archive {self.archive.path}: {exc}"
        self.stopped = "busy" if busy else "failed"
        self.stats.inc_value("newscrawl/store_errors", len(batch))
        self.stats.set_value("newscrawl/message", message)
        for item in batch:
            logger.error("article %s not stored: %s", item.url, message)
        self.stop("archive_busy" if busy else "archive_error")
        return message

    def _store_one(
        self, item: ArticleItem, fetched_at: str, records: Mapping[str, str], expected: dict[str, tuple[str, ...]]
    ) -> None:
        try:
            self._count(self.archive.store_articles([item], fetched_at, records, expected), [item], expected)
        except Exception as exc:
            self.stats.inc_value("newscrawl/store_errors")
            logger.error("article %s not stored: %s: %s", item.url, type(exc).__name__, exc)

    def _count(self, counts: dict[str, int], stored: list[ArticleItem], expected: dict[str, tuple[str, ...]]) -> None:
        for outcome, number in counts.items():
            self.stats.inc_value(f"newscrawl/articles_{outcome}", number)
        for item in stored:
            self.tally.add(item, monitored_fields(expected[item.url]))

    # --- the end --------------------------------------------------------------------------

    def finish(self, reason: str, *, complete: bool = True) -> str:
        """Record how the run ended (``reason``: Scrapy's close reason; ``complete=False``: it is
        known to have missed pages) and return its status."""
        status = self.stopped or RUN_STATUS.get(reason, "failed")
        coverage, sources = self.tally.rows(), self.tally.source_rows()
        if status == "finished" and self.monitor and self._degraded(coverage, sources):
            status = "degraded"
        self.stats.set_value("newscrawl/status", status)
        stats = self.stats.get_stats()
        # A degraded run may have missed what a broken listing hid: the next one walks every page.
        complete = (
            complete
            and reason == "finished"
            and status != "degraded"
            and not any(stats.get(mark) for mark in INCOMPLETE_MARKS)
            and not stats.get("newscrawl/store_errors")
        )
        self.complete = complete
        try:
            self.archive.finish_run(self.run_id, status, stats, complete=complete, coverage=coverage, sources=sources)
        except sqlite3.OperationalError as exc:
            # The run stays "running" in the archive; the next run marks it interrupted.
            if is_busy(exc):
                self.stats.set_value("newscrawl/status", "busy")
                self.stats.set_value("newscrawl/message", self.archive.busy_message())
            logger.error("run %d not recorded as %s: %s", self.run_id, status, self.stats.get_value("newscrawl/message") or exc)
        return status

    def _degraded(self, coverage: list[FieldCoverage], sources: list[FieldSource]) -> bool:
        """Judge the run's coverage and its fields' sources against the archive's history; log
        and record what fell or moved."""
        target: dict[str, Any] = {
            "min_articles": self.limits.min_articles,
            "runs": self.limits.history_runs,
            "start_urls": self.arguments.get("start_urls"),
            "discover": self.arguments.get("discover"),
        }
        edition = self.arguments.get("edition")
        drops = judge(coverage, self.archive.coverage_history(self.spider_name, edition, self.run_id, **target), self.limits)
        dropped = {(d.coverage.content_type, d.coverage.field) for d in drops}
        history = self.archive.source_history(self.spider_name, edition, self.run_id, **target)
        shifts = judge_sources(coverage, sources, history, self.limits, skip=dropped)
        for line in [*(d.describe() for d in drops), *(s.describe() for s in shifts)]:
            logger.warning(line)
        parts = []
        if drops:
            self.stats.set_value("newscrawl/coverage_drops", [f"{d.coverage.content_type}:{d.coverage.field}" for d in drops])
            fields = "; ".join(drop.summary() for drop in drops)
            parts.append(f"field coverage fell (a selector or the site's markup changed?): {fields}")
        if shifts:
            self.stats.set_value(
                "newscrawl/source_shifts", [f"{s.coverage.content_type}:{s.coverage.field}:{s.old}->{s.new}" for s in shifts]
            )
            fields = "; ".join(shift.summary() for shift in shifts)
            parts.append(f"field sources moved (the site's markup changed?): {fields}")
        if parts:
            self.stats.set_value("newscrawl/message", "; ".join(parts))
            return True
        empty = stored_nothing(self.stats.get_stats())
        if empty:
            logger.warning("No article stored: %s", empty)
            self.stats.set_value("newscrawl/message", f"no article stored although the site answered: {empty}")
            return True
        return False
