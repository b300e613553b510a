"""The project's spiders; ``scrapy list`` names them. Also what they share: argument errors and
parsing, response headers, what a failed request means, and the settings for crawling a mirror
on this machine."""

from __future__ import annotations

import codecs
import os
import re
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import TextResponse, XmlResponse
from scrapy.selector import Selector
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.response import get_base_url

from newscrawl.archive import utcnow
from newscrawl.blocking import block_reason
from newscrawl.extract.generic import Page, parse_html
from newscrawl.items import GoneItem
from newscrawl.middlewares import Blocked

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Spider
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

#: Settings for a crawl of a server on this machine (a mirror, a test server): no politeness
#: delays, and pages read in as many processes as there are cores (the crawl is CPU-bound).
LOOPBACK_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "EXTRACT_PROCESSES": "auto",
}


class SpiderArgumentError(ValueError):
    """A spider argument (``-a name=value``) is missing, unknown or malformed."""


def parse_max_articles(value: str | int | None) -> int | None:
    """The ``max_articles`` argument: a positive integer, or ``None`` when not given."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise SpiderArgumentError(f"max_articles={value!r} is not a positive integer")
    return number


def check_url_argument(prefix: str, value: str) -> None:
    """Refuse a URL argument that cannot be split into its parts (``http://[::1``), or that holds
    a user name or password (``http://user:password@host``): a crawl sends no credentials, and a
    run's arguments are stored. ``prefix`` starts the message (``base_url=``), which never shows
    what comes before the ``@``. Raises :class:`SpiderArgumentError`."""
    try:
        netloc = urlsplit(value).netloc
    except ValueError as exc:
        raise SpiderArgumentError(f"{prefix}{without_userinfo(value)!r} is not a URL ({exc})") from None
    if "@" in netloc:
        raise SpiderArgumentError(
            f"{prefix}{without_userinfo(value)!r} holds a user name or password (user:password@host), which is not accepted"
        )


def without_userinfo(url: str) -> str:
    """``url`` with the user name and password it may hold shown as ``***``."""
    return _USERINFO.sub("***@", url)


# Everything between "//" and the host's "@": a password may itself hold an "@".
_USERINFO = re.compile(r"(?<=//)[^/?#]*@")


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def extract_processes(settings: BaseSettings) -> int:
    """The ``EXTRACT_PROCESSES`` setting: a count of worker processes (0: none), or ``auto``
    for one per core."""
    value = settings.get("EXTRACT_PROCESSES", 0)
    if str(value).strip().lower() == "auto":
        return os.cpu_count() or 1
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise SpiderArgumentError(f"EXTRACT_PROCESSES={value!r} is not a count of processes (0 or more) or auto")
    return number


def parse_flag(name: str, value: str | bool | None) -> bool:
    """A yes/no argument such as ``full``: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SpiderArgumentError(f"{name}={value!r} is not 1 or 0 (yes or no)")


def html_page(response: Response) -> Page | None:
    """The parsed page of a text response, ``None`` for another kind (blocks never get here:
    :class:`newscrawl.middlewares.BlockMiddleware` stops them before any callback)."""
    if not isinstance(response, TextResponse):
        return None
    # Not response.selector: the response would keep its selector, and the selector its
    # response, a cycle that holds the page's parsed tree until a full garbage collection (peak
    # memory grew as extraction got faster). Freed with the page instead.
    if isinstance(response, XmlResponse):
        return Page(url=response.url, selector=Selector(response))
    # Parsed as Selector(response) would, with lxml.html's element classes looked up in C.
    base_url = get_base_url(response)
    text, body = response.text, response.body
    # Text decoded from UTF-8 without a replacement character is the body's valid UTF-8, which
    # lxml reads as it is: no copy of the page re-encoded from the text.
    utf8 = response.encoding == "utf-8" and "\ufffd" not in text and not body.startswith(_UTF16_BOMS)
    source = body if utf8 else text
    root, truncated = parse_html(source, base_url)
    selector = Selector(root=root, type="html", base_url=base_url)
    return Page(url=response.url, selector=selector, truncated=truncated)


# A byte order mark decides a text's encoding over any declaration.
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


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


def gone_recheck(settings: BaseSettings) -> timedelta:
    """The ``GONE_RECHECK_DAYS`` setting: how long an incremental run leaves an article the site
    answered 404 or 410 for before asking again."""
    value = settings.get("GONE_RECHECK_DAYS", 30)
    try:
        interval = timedelta(days=float(value))
    except (TypeError, ValueError, OverflowError):  # NaN and infinity included
        interval = timedelta(-1)
    if interval < timedelta(0):
        raise SpiderArgumentError(f"GONE_RECHECK_DAYS={value!r} is not a number of days (0 or more)")
    return interval
