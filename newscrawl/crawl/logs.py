"""A crawl's log at its default level: a network fault is one line, its traceback only at DEBUG.

A page that cannot be fetched (a refused connection, a timeout, a DNS failure: the exceptions of
``RETRY_EXCEPTIONS``) is a fact about the site, said in one line where the crawl decides what it
means (the spider's errback, robots.txt's middleware); the Twisted traceback under it (about 70
lines) says nothing more to a reader, so below ``LOG_LEVEL=DEBUG`` it is left out. Any other
exception keeps its traceback.

A start page that cannot be fetched stops the run with one line of its own (``cannot reach URL:
why``); Scrapy's ``Error downloading`` for that request, which would say it again, is logged at
DEBUG (:class:`LogFormatter`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.logformatter import LogFormatter as ScrapyLogFormatter
from scrapy.utils.misc import load_object

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.logformatter import LogFormatterResult
    from twisted.python.failure import Failure
    from typing_extensions import Self

#: Set in a request's meta once the run's own line has said why it failed.
REPORTED = "newscrawl_reported"


class NetworkTracebacks(logging.Filter):
    """Drops the traceback of a log record whose exception is one of ``faults`` (the record,
    its one line, stays)."""

    def __init__(self, faults: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.faults = faults

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], self.faults):
            record.exc_info = None
            record.exc_text = None
        return True


class QuietNetworkFaults:
    """Installs :class:`NetworkTracebacks` on the root log handlers for the crawl, unless
    ``LOG_LEVEL`` is DEBUG (or lower)."""

    def __init__(self, faults: tuple[type[BaseException], ...]) -> None:
        self.filter = NetworkTracebacks(faults)
        self.handlers: list[logging.Handler] = []

    def install(self) -> None:
        # When the spider opens: the crawl replaces Scrapy's root handler after extensions are built.
        self.handlers = list(logging.root.handlers)
        for handler in self.handlers:
            handler.addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        level = logging.getLevelName(str(crawler.settings.get("LOG_LEVEL", "DEBUG")).upper())
        if not isinstance(level, int) or level <= logging.DEBUG:
            raise NotConfigured
        faults = tuple(
            load_object(path) if isinstance(path, str) else path for path in crawler.settings.getlist("RETRY_EXCEPTIONS")
        )
        extension = cls(faults)
        crawler.signals.connect(extension.install, signal=signals.spider_opened)
        crawler.signals.connect(extension.remove, signal=signals.engine_stopped)
        return extension

    def remove(self) -> None:
        for handler in self.handlers:
            handler.removeFilter(self.filter)


class LogFormatter(ScrapyLogFormatter):
    """Scrapy's log messages, but a download error the run has said in its own line (the
    request's meta holds :data:`REPORTED`) at DEBUG."""

    def download_error(self, failure: Failure, request: Request, spider: Spider, errmsg: str | None = None) -> LogFormatterResult:
        result = super().download_error(failure, request, spider, errmsg)
        if request.meta.get(REPORTED):
            result["level"] = logging.DEBUG
        return result
