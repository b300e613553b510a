"""The project's spiders; ``scrapy list`` names them. Also what they share: response headers,
what a failed request means, and the settings for crawling a mirror on this machine (their
arguments are parsed in :mod:`newscrawl.crawl.arguments`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.archive import utcnow
from newscrawl.crawl.blocking import block_reason
from newscrawl.crawl.middlewares import Blocked
from newscrawl.items import GoneItem

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Spider
    from scrapy.http import Response
    from twisted.python.failure import Failure

#: Settings for a crawl of a server on this machine (a mirror, a test server): no politeness
#: delays, and pages read in as many processes as there are cores (the crawl is CPU-bound).
LOOPBACK_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "EXTRACT_PROCESSES": "auto",
}


def response_headers(response: Response) -> dict[str, str]:
    """A response's headers by lower-cased name, repeated headers joined with ``", "``."""
    return {k.decode("latin-1").lower(): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


def start_page_problem(response: Response, what: str) -> tuple[str, str] | None:
    """Why the page a crawl starts from stops it, as ``(run status, one-line message)``: a block
    (403, a challenge page), an error status, or something that is not an HTML page."""
    if not isinstance(response, TextResponse):
        return "failed", f"{what} {response.url} is not an HTML page"
    reason = block_reason(response.status, response_headers(response), response.text)
    if reason:
        return "blocked", f"{response.url} refused the crawler: {reason}"
    if response.status >= 400:
        return "failed", f"{what} {response.url} answered HTTP {response.status}"
    return None


def failure_kind(failure: Failure) -> str:
    """What a failed request means for the run:

    - ``blocked``: the site refused the crawler and the run is stopping (nothing to add);
    - ``skipped``: the page is not to be fetched, and fetching it again will not change that:
      larger than ``DOWNLOAD_MAXSIZE``, redirected off the edition's hosts or in a loop,
      disallowed by robots.txt;
    - ``error``: it could not be fetched (an error status or a network fault, after retries),
      so the run missed it.
    """
    error = failure.value
    if isinstance(error, Blocked):
        return "blocked"
    if isinstance(error, HttpError):
        return "error"
    if isinstance(error, (DownloadCancelledError, IgnoreRequest)):
        return "skipped"
    return "error"


def asked(response: Response) -> str:
    """The URL the spider asked for that gave ``response``: before any redirect."""
    return str(response.meta.get("redirect_urls", [response.url])[0])


def asked_url(failure: Failure) -> str:
    """The URL a failed request asked for, not its redirects' last hop (``?`` when unknown)."""
    request = getattr(failure, "request", None)
    return str(request.meta.get("redirect_urls", [request.url])[0]) if request is not None else "?"


def record_failure(spider: Spider, what: str, failure: Failure) -> None:
    """Count and log a page (``what``: ``article``, ``listing``) that failed, by
    :func:`failure_kind`: ``newscrawl/<what>s_skipped`` and a warning for one skipped for good,
    ``newscrawl/<what>_errors`` and an error for one lost; nothing for a block (reported where
    it was seen). The URL logged is the one the spider asked for, not its redirects' last hop."""
    kind = failure_kind(failure)
    if kind == "blocked":
        return
    url = asked_url(failure)
    stats = spider.crawler.stats
    assert stats is not None
    if kind == "skipped":
        stats.inc_value(f"newscrawl/{what}s_skipped")
        spider.logger.warning("%s %s skipped: %s", what, url, failure.getErrorMessage())
    else:
        stats.inc_value(f"newscrawl/{what}_errors")
        spider.logger.error("%s %s not fetched: %s", what, url, failure.getErrorMessage())


#: HTTP statuses that say an article is not there (404 Not Found, 410 Gone): a fact about the
#: site, which asking again soon will not change.
GONE_STATUSES = frozenset({404, 410})


def gone_status(failure: Failure) -> int | None:
    """The status of a failed request the site answered with one of :data:`GONE_STATUSES`;
    ``None`` for any other failure."""
    error = failure.value
    if isinstance(error, HttpError) and error.response.status in GONE_STATUSES:
        return int(error.response.status)
    return None


def article_gone(spider: Spider, failure: Failure, key: Callable[[str], str]) -> GoneItem | None:
    """For an article the site answered 404 or 410 for: a :class:`GoneItem` naming it by
    ``key(url)`` (its archive key), counted as ``newscrawl/articles_gone`` and logged with a
    warning. It is not an error of the run: the article was deleted (or never there), and the
    run did not miss it. ``None`` for any other failure (see :func:`record_failure`)."""
    status = gone_status(failure)
    if status is None:
        return None
    url = asked_url(failure)
    stats = spider.crawler.stats
    assert stats is not None
    stats.inc_value("newscrawl/articles_gone")
    spider.logger.warning("article %s gone: HTTP %d", url, status)
    return GoneItem(url=key(url), status=status, seen_at=utcnow())
