"""A crawl's progress on a terminal: one line, rewritten each second. Silent under cron.

Enabled by ``EXTENSIONS`` in the settings; ``PROGRESS`` says when it shows: ``auto`` (default,
when standard error is a terminal), ``on`` or ``off``.
"""

from __future__ import annotations

import sys
import time
from typing import IO, TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from newscrawl.crawl.arguments import SpiderArgumentError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from scrapy.crawler import Crawler
    from typing_extensions import Self


def progress_line(stats: Mapping[str, Any], elapsed: float) -> str:
    """What a run has done so far, in one line: ``1,204 pages (38.5/s) · articles: 310 new,
    2 revised, 41 unchanged · 3 errors · 0:31``."""
    pages = int(stats.get("response_received_count", 0))
    rate = pages / elapsed if elapsed > 0 else 0.0
    errors = int(stats.get("log_count/ERROR", 0))
    minutes, seconds = divmod(int(elapsed), 60)
    return (
        f"{pages:,} pages ({rate:.1f}/s) · articles: {int(stats.get('newscrawl/articles_new', 0)):,} new, "
        f"{int(stats.get('newscrawl/articles_changed', 0)):,} revised, {int(stats.get('newscrawl/articles_unchanged', 0)):,} unchanged"
        f" · {errors:,} error{'s' if errors != 1 else ''} · {minutes}:{seconds:02d}"
    )


class Progress:
    """Rewrites one line on standard error every ``interval`` seconds while the spider runs,
    and leaves the last one standing when it closes."""

    def __init__(self, crawler: Crawler, stream: IO[str], interval: float = 1.0) -> None:
        self.crawler = crawler
        self.stream = stream
        self.interval = interval
        self.started = time.monotonic()
        self.timer = task.LoopingCall(self.show)
        self.width = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mode = crawler.settings.get("PROGRESS", "auto")
        if mode not in ("auto", "on", "off"):
            raise SpiderArgumentError(f"PROGRESS={mode!r} is not auto, on or off")
        stream = sys.stderr
        if mode == "off" or (mode == "auto" and not stream.isatty()):
            raise NotConfigured  # without a message: Scrapy logs none, so cron mails none
        extension = cls(crawler, stream)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.timer.start(self.interval, now=False)

    def show(self, end: str = "") -> None:
        """Write the current line over the previous one."""
        assert self.crawler.stats is not None
        line = progress_line(self.crawler.stats.get_stats(), time.monotonic() - self.started)
        self.stream.write(f"\r{line}{' ' * max(self.width - len(line), 0)}{end}")
        self.stream.flush()
        self.width = len(line)

    def spider_closed(self) -> None:
        if self.timer.running:
            self.timer.stop()
        self.show(end="\n")
