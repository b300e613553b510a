"""A worker's item pipeline: what the crawl finds goes to Redis, for the writer to store.

It replaces :class:`newscrawl.crawl.pipelines.ArchivePipeline` in distributed mode. When the
crawl opens, it joins the spider's current run or starts one (:func:`join_run`); then it sends
its articles in batches (``ARCHIVE_BATCH_SIZE`` items or ``ARCHIVE_FLUSH_SECONDS``), each with
the WARC captures written since the last one, its ticker lines, gone articles and pages without
an article as they come, and, when it closes, its close reason and stats. It never opens the
archive.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet import task

from newscrawl.crawl.capture import CaptureMiddleware
from newscrawl.fleet.keys import ITEMS, connect, worker_name
from newscrawl.fleet.messages import Kind, Message, encode
from newscrawl.fleet.runs import join_run
from newscrawl.items import ArticleItem, GoneItem, NotArticleItem, TickerItem

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)


class FleetPipeline:
    """See the module."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.client = connect(settings["REDIS_URL"])
        self.batch_size = settings.getint("ARCHIVE_BATCH_SIZE", 100)
        self.flush_seconds = settings.getfloat("ARCHIVE_FLUSH_SECONDS", 5.0)
        self.worker = worker_name()
        self.pending: list[ArticleItem] = []
        self.last_flush = time.monotonic()
        self.timer = task.LoopingCall(self._flush_if_due)
        self.capture: CaptureMiddleware | None = None
        self.spider_name = ""
        self.token = ""
        self.run_id = 0
        if crawler.spider is not None:
            self._join(crawler.spider)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _join(self, spider: Spider) -> None:
        self.spider_name = spider.name
        settings = self.crawler.settings
        self.token, self.run_id = join_run(
            self.client,
            spider.name,
            getattr(spider, "arguments", {}),
            settings.getdict("FLEET_SPIDER_ARGS"),
            timeout=settings.getfloat("FLEET_WRITER_TIMEOUT", 60.0),
        )
        self.stats.set_value("newscrawl/run_id", self.run_id)
        self.stats.set_value("newscrawl/run_token", self.token)
        logger.info("Worker %s of run %d (Redis)", self.worker, self.run_id)

    def _send(self, kind: Kind, payload: Any) -> None:
        self.client.rpush(ITEMS, encode(Message(kind, self.spider_name, self.token, self.worker, payload, time.time())))

    def open_spider(self) -> None:
        if not self.token:
            assert self.crawler.spider is not None
            self._join(self.crawler.spider)
        if self.crawler.engine is not None:
            self.capture = self.crawler.get_downloader_middleware(CaptureMiddleware)
        self.timer.start(max(self.flush_seconds / 2, 0.1), now=False)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            self.pending.append(item)
            if len(self.pending) >= self.batch_size or time.monotonic() - self.last_flush >= self.flush_seconds:
                self.flush()
        elif isinstance(item, TickerItem):
            self._send("ticker", item)
        elif isinstance(item, GoneItem):
            self._send("gone", item)
        elif isinstance(item, NotArticleItem):
            self._send("not_article", item)
        return item

    def _flush_if_due(self) -> None:
        captures = self.capture is not None and self.capture.pending
        if (self.pending or captures) and time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Send the pending articles with the captures written since the last batch (their
        WARC records synced to disk first)."""
        batch, self.pending = self.pending, []
        self.last_flush = time.monotonic()
        captures = self.capture.take() if self.capture is not None else []
        noted = self.capture.article_records if self.capture is not None else {}
        records = {item.url: noted.pop(item.url) for item in batch if item.url in noted}
        if batch or captures:
            self._send("batch", (batch, captures, records))
            self.stats.inc_value("newscrawl/articles_sent", len(batch))

    def close_spider(self) -> None:
        if self.timer.running:
            self.timer.stop()
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = {key: value for key, value in self.stats.get_stats().items() if key != "newscrawl/run_id"}
        self._send("end", (reason, stats))
