"""A crawl's log: at the default level (``LOG_LEVEL=WARNING``) only what needs attention; a
network fault is one line, its traceback only at DEBUG.

A page that cannot be fetched (a refused connection, a timeout, a DNS failure: the exceptions of
``RETRY_EXCEPTIONS``) is a fact about the site, said in one line where the crawl decides what it
means (the spider's errback, robots.txt's middleware: :mod:`newscrawl.crawl.robots`); the Twisted
traceback under it (about 70 lines) says nothing more to a reader, so below ``LOG_LEVEL=DEBUG``
it is left out. Any other exception keeps its traceback.

A start page that cannot be fetched stops the run, and the run says why in one line of its own
(``newscrawl: failed: cannot reach URL: why``). Scrapy's lines for that request would say it
again: its ``Gave up retrying`` and its ``Error downloading`` are logged at DEBUG (a start
request's meta is :data:`REPORTED_META`).
"""

from __future__ import annotations

import logging
from types import MappingProxyType
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.logformatter import LogFormatter as ScrapyLogFormatter
from scrapy.utils.misc import load_object

if TYPE_CHECKING:
    from collections.abc import Mapping

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.logformatter import LogFormatterResult
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure
    from typing_extensions import Self

#: In a request's meta: the run says in its own line why the request failed.
REPORTED = "newscrawl_reported"
#: The meta of a request the run says the failure of (a start page): :data:`REPORTED`, for
#: :class:`LogFormatter`, and ``give_up_log_level``, Scrapy's meta key for the level of its
#: retry middleware's ``Gave up retrying`` line.
REPORTED_META: Mapping[str, object] = MappingProxyType({REPORTED: True, "give_up_log_level": "DEBUG"})


def network_faults(settings: BaseSettings) -> tuple[type[BaseException], ...]:
    """The exceptions of ``RETRY_EXCEPTIONS``: a page could not be fetched at all."""
    return tuple(load_object(path) if isinstance(path, str) else path for path in settings.getlist("RETRY_EXCEPTIONS"))


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
        extension = cls(network_faults(crawler.settings))
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
