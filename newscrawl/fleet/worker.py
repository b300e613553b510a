"""A worker's item pipeline: what the crawl finds goes to Redis, for the writer to store.

It replaces :class:`newscrawl.crawl.pipelines.ArchivePipeline` in distributed mode, batching
as it does (:class:`newscrawl.crawl.pipelines.BatchingPipeline`). When the crawl opens, it
joins the spider's current run or starts one (:func:`newscrawl.fleet.runs.join_run`); then it
sends its articles in batches, each with the WARC captures written since the last one, its
ticker lines, gone articles and pages without an article as they come, and, when it closes, its
close reason and stats. It never opens the archive.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals

from newscrawl.crawl.pipelines import BatchingPipeline
from newscrawl.fleet.keys import ITEMS, connect, worker_name
from newscrawl.fleet.messages import Kind, Message, encode
from newscrawl.fleet.runs import join_run

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

    from newscrawl.items import ArticleItem, GoneItem, NotArticleItem, TickerItem
    from newscrawl.warc import Capture

logger = logging.getLogger(__name__)


class FleetPipeline(BatchingPipeline):
    """See the module."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.client = connect(crawler.settings["REDIS_URL"])
        self.worker = worker_name()
        self.spider_name = ""
        self.token = ""
        self.run_id = 0
        if crawler.spider is not None:
            self._join(crawler.spider)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        # Before the scheduler says this worker is idle (its handler comes later): a worker
        # that holds no request holds no unsent article either, so its death loses nothing.
        crawler.signals.connect(self.flush, signal=signals.spider_idle)

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
        super().open_spider()

    def deliver(self, batch: list[ArticleItem], captures: list[Capture], records: dict[str, str]) -> None:
        if batch or captures:
            self._send("batch", (batch, captures, records))
            self.stats.inc_value("newscrawl/articles_sent", len(batch))

    def ticker(self, item: TickerItem) -> None:
        self._send("ticker", item)

    def gone(self, item: GoneItem) -> None:
        self._send("gone", item)

    def not_article(self, item: NotArticleItem) -> None:
        self._send("not_article", item)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = {key: value for key, value in self.stats.get_stats().items() if key != "newscrawl/run_id"}
        self._send("end", (reason, stats))
