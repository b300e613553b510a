"""A robots.txt that a network fault keeps from being fetched: one INFO line, and the crawl goes
on as if it allowed everything (as Scrapy's ``RobotsTxtMiddleware`` does for any robots.txt it
cannot fetch).

The same fault on a page that matters is said by the crawl itself (a start page stops the run
with ``cannot reach URL: why``; an article is counted as failed), so it is no warning here.
Scrapy's own lines for it go: its retry give-up is logged at DEBUG
(:class:`newscrawl.crawl.middlewares.BackoffRetryMiddleware`), and its ERROR ``Error downloading``
(with a traceback) not at all, because :class:`UnreachableRobots` hands Scrapy's robots.txt
middleware an ``IgnoreRequest`` in place of the fault: it takes that as "no robots.txt" and logs
nothing. A robots.txt answering 403 or 5xx is an answer, not a network fault: left as Scrapy
handles it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached

from newscrawl.crawl.logs import network_faults

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)


def is_robots_txt(request: Request) -> bool:
    """Whether ``request`` is the one Scrapy's ``RobotsTxtMiddleware`` sends for a host's
    robots.txt (not a spider's own request for it, which has a callback and obeys robots.txt)."""
    return (
        request.callback is NO_CALLBACK
        and bool(request.meta.get("dont_obey_robotstxt"))
        and urlparse_cached(request).path == "/robots.txt"
    )


class UnreachableRobots:
    """A downloader middleware, just before the retries (its ``process_exception`` sees a fault
    once they have given up): a network fault on robots.txt becomes one INFO line and an
    ``IgnoreRequest``."""

    def __init__(self, faults: tuple[type[BaseException], ...]) -> None:
        self.faults = faults

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(network_faults(crawler.settings))

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, self.faults) or not is_robots_txt(request):
            return
        why = (str(exception) or repr(exception)).rstrip(".")  # Twisted's messages end in one
        # the traceback only at LOG_LEVEL=DEBUG, as any network fault's (newscrawl.crawl.logs)
        logger.info("%s unreachable: %s; crawling as if it allowed everything", request.url, why, exc_info=exception)
        raise IgnoreRequest(f"{request.url} unreachable: {why}") from exception
