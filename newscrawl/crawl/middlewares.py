"""Downloader middlewares for a hostile web: spaced-out retries, blocks, mis-declared charsets,
no request off the crawl's hosts.

Enabled in ``settings.DOWNLOADER_MIDDLEWARES``. Responses pass through them in this order:
:class:`CharsetMiddleware` (after decompression), :class:`BlockMiddleware`, then
:class:`BackoffRetryMiddleware` (in place of Scrapy's own ``RetryMiddleware``), so a challenge
page served with a 503 stops the crawl instead of being retried.
"""

from __future__ import annotations

import logging
import random
import sys
import time
from collections import defaultdict
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached

from newscrawl.crawl.blocking import MAX_CHALLENGE_BYTES, challenge_reason
from newscrawl.crawl.robots import is_robots_txt
from newscrawl.damage import page_damage
from newscrawl.extract.charset import body_encoding

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from typing_extensions import Self

logger = logging.getLogger(__name__)

#: ``Request.meta`` key: the UNIX time before which a retry must not be sent.
NOT_BEFORE = "newscrawl_not_before"


class Blocked(IgnoreRequest):
    """The site refuses the crawler; the request is dropped and the crawl is closing."""


class DamagedPage(Exception):
    """A page answered 200 but damaged (:func:`newscrawl.damage.page_damage`), still so after
    every retry: the request fails, to its errback, as an error."""


def fetch_damage(response: Response) -> str | None:
    """Why a response that answered 200 with an HTML page is damaged, or ``None``."""
    if response.status != 200 or not isinstance(response, HtmlResponse):
        return None
    length = response.headers.get(b"Content-Length")
    declared = int(length) if length is not None and length.isdigit() else None
    # a gzipped page's Content-Length is its compressed size: decompressed, the body only outgrows it
    return page_damage(response.body, declared)


def retry_after(value: bytes | str | None, now: float) -> float | None:
    """Seconds to wait by a ``Retry-After`` header (delay seconds or an HTTP-date), never
    negative; ``None`` when the header is absent or unreadable."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    # ASCII digits only (RFC 9110's DIGIT): str.isdigit() also takes "²", which float() refuses;
    # and a finite number, which the cap's warning can print.
    if text.isascii() and text.isdigit():
        return min(float(text), sys.float_info.max)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # an HTTP-date is always GMT
        return None
    return max(moment.timestamp() - now, 0.0)


def backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retry number ``attempt`` (1, 2, ...): exponential from ``base``, at most
    ``cap``, with "equal jitter" (half fixed, half random) so that retries of many requests that
    failed together do not arrive together."""
    delay = min(cap, base * 2.0 ** (attempt - 1))
    return delay / 2 + rng.uniform(0, delay / 2)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``), spaced out.

    - An HTML page that answered 200 but is damaged (empty, cut short, its tags lost: see
      :func:`newscrawl.damage.page_damage`) is retried too; when the retries run out, the
      request fails with :class:`DamagedPage`, to its errback.
    - A retry waits ``RETRY_BACKOFF_BASE`` seconds, doubling per attempt up to
      ``RETRY_BACKOFF_MAX``, with jitter; it waits before it takes a slot of its host.
    - A 429 or 503 with ``Retry-After`` waits what the server asks, up to ``RETRY_AFTER_MAX``.
    - ``HOST_PAUSE_AFTER_429S`` answers of 429 in a row from one host (a rate limit, not a
      stray 429) pause every request to that host for the longer of its ``Retry-After`` and a
      backoff that doubles with each pause until the host answers something else.
    - robots.txt's own request (:func:`newscrawl.crawl.robots.is_robots_txt`) gives up on a
      network fault at DEBUG: :class:`newscrawl.crawl.robots.UnreachableRobots` says it.

    Stats: ``newscrawl/retry_after`` (retries timed by the server), ``newscrawl/host_pauses``,
    ``newscrawl/damaged_pages`` (damaged answers, retried or not).
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.after_max = settings.getfloat("RETRY_AFTER_MAX", 600.0)
        self.pause_after = settings.getint("HOST_PAUSE_AFTER_429S", 3)
        self.rng = random.Random()
        # per host: 429s in a row, and pauses since its last answer that was not a 429
        self.in_a_row: defaultdict[str, int] = defaultdict(int)
        self.pauses: defaultdict[str, int] = defaultdict(int)
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_request(self, request: Request) -> None:
        """Hold a request until its retry time and its host's pause have passed."""
        host = urlparse_cached(request).hostname or ""
        wait = max(request.meta.get(NOT_BEFORE, 0.0), self.paused_until.get(host, 0.0)) - time.time()
        if wait > 0:
            await sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        host = urlparse_cached(request).hostname or ""
        if response.status != 429 and self.in_a_row[host]:
            self.in_a_row[host] = self.pauses[host] = 0
        if request.meta.get("dont_retry", False):
            return response
        damage = fetch_damage(response)
        if damage is not None:
            # an overloaded server or a cache answering with a broken page: lxml reads it all the
            # same, and what it reads is not the page
            self._stats_inc("newscrawl/damaged_pages")
            retry = self._retry(request, DamagedPage(damage))
            if retry is None:
                raise DamagedPage(f"damaged page after {request.meta.get('retry_times', 0)} retries: {damage}")
            retry.meta[NOT_BEFORE] = time.time() + backoff(retry.meta["retry_times"], self.base, self.cap, self.rng)
            return retry
        if response.status not in self.retry_http_codes:
            return response
        now = time.time()
        asked = self._retry_after(request, response, now) if response.status in (429, 503) else None
        if response.status == 429:
            self._note_429(host, asked, now)
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        if asked is not None:
            self._stats_inc("newscrawl/retry_after")
            if asked > self.after_max:
                logger.warning("%s asks to retry in %d s; waiting %d s (RETRY_AFTER_MAX)", request.url, asked, self.after_max)
            delay = min(asked, self.after_max)
        else:
            delay = backoff(retry.meta["retry_times"], self.base, self.cap, self.rng)
        retry.meta[NOT_BEFORE] = now + delay
        return retry

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        # robots.txt's network fault is said in one INFO line (newscrawl.crawl.robots): Scrapy's
        # give-up line for it at DEBUG. A robots.txt answering 5xx (process_response) is not quieted.
        quiet = is_robots_txt(request) and "give_up_log_level" not in request.meta
        retry = super().process_exception(
            request.replace(meta={**request.meta, "give_up_log_level": logging.DEBUG}) if quiet else request, exception
        )
        if retry is not None:
            if quiet:
                del retry.meta["give_up_log_level"]
            retry.meta[NOT_BEFORE] = time.time() + backoff(retry.meta["retry_times"], self.base, self.cap, self.rng)
        return retry

    def _retry_after(self, request: Request, response: Response, now: float) -> float | None:
        header = response.headers.get(b"Retry-After")
        asked = retry_after(header, now)
        if asked is None and header is not None:
            logger.debug("%s: ignoring Retry-After %r (neither seconds nor an HTTP-date)", request.url, header)
        return asked

    def _note_429(self, host: str, asked: float | None, now: float) -> None:
        self.in_a_row[host] += 1
        if self.in_a_row[host] < self.pause_after or self.paused_until.get(host, 0.0) > now:
            return
        self.pauses[host] += 1
        pause = min(max(asked or 0.0, backoff(self.pauses[host], self.base, self.cap, self.rng)), self.after_max)
        self.paused_until[host] = now + pause
        self._stats_inc("newscrawl/host_pauses")
        logger.warning(
            "%s answered HTTP 429 %d times in a row: pausing requests to it for %.1f s", host, self.in_a_row[host], pause
        )
        self.in_a_row[host] = 0

    def _stats_inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)


class BlockMiddleware:
    """Stops the crawl, with status ``blocked``, when the site refuses the crawler.

    A bot-protection challenge (a ``cf-mitigated: challenge`` header or a challenge page, with
    any status) stops it at once; so do ``BLOCK_AFTER_403S`` answers of 403 in a row (one 403
    may be one forbidden page; a run of them is a refusal). The reason and URL go to the log
    and to the ``newscrawl/message`` stat, which ``scrapy crawl`` prints; the response is
    dropped (:class:`Blocked`).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.limit = crawler.settings.getint("BLOCK_AFTER_403S", 3)
        self.forbidden_in_a_row = 0
        self.blocked = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if self.blocked:
            raise Blocked(f"{request.url}: the crawl is stopping, the site blocked it")
        headers = {"cf-mitigated": (response.headers.get(b"cf-mitigated") or b"").decode("latin-1")}
        # a challenge page is small: a full page is not read twice here
        text = response.text if isinstance(response, TextResponse) and len(response.body) <= MAX_CHALLENGE_BYTES else ""
        reason = challenge_reason(response.status, headers, text)
        if reason is None and response.status == 403:
            self.forbidden_in_a_row += 1
            if self.forbidden_in_a_row >= self.limit:
                reason = f"{self.forbidden_in_a_row} requests in a row answered HTTP 403 Forbidden"
        elif response.status < 400:
            self.forbidden_in_a_row = 0
        if reason is None:
            return response
        self._block(f"{response.url} refused the crawler: {reason}")
        raise Blocked(reason)

    def _block(self, message: str) -> None:
        self.blocked = True
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("newscrawl/message", message)
        logger.error(message)
        engine = self.crawler.engine
        if engine is not None and engine.running:
            deferred_from_coro(engine.close_spider_async(reason="blocked"))


class HostGuardMiddleware:
    """Refuses every request to a host outside the spider's ``allowed_domains``, with a log line.

    It replaces Scrapy's own ``OffsiteMiddleware``, which lets ``dont_filter`` requests through
    (retries, and the redirects of a start page are such requests: a redirect to another host
    would be followed) and drops the others without a word. Requests are checked when they are
    scheduled and again before they are sent. Stat: ``newscrawl/offsite_refused``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.process_request, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        host = (urlparse_cached(request).hostname or "").lower()
        if not domains or any(host == domain or host.endswith(f".{domain}") for domain in domains):
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newscrawl/offsite_refused")
        reason = f"{request.url} is not on the crawl's hosts ({', '.join(domains)})"
        redirected_from = request.meta.get("redirect_urls")
        if redirected_from:
            reason += f"; redirected from {redirected_from[0]}"
        logger.warning("not requested: %s", reason)
        raise IgnoreRequest(reason)


class CharsetMiddleware:
    """Reads an HTML page in the encoding it is really in (:func:`newscrawl.extract.charset.body_encoding`),
    not the one a server wrongly declares. Stat: ``newscrawl/charset_corrected``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse) or not response.body:
            return response
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        encoding = body_encoding(response.body, content_type)
        if encoding == response.encoding:
            return response
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newscrawl/charset_corrected")
        logger.debug("%s: declared %s, read as %s", response.url, response.encoding, encoding)
        return response.replace(encoding=encoding)
