"""The hostile-web middlewares and the charset rule, one behaviour at a time (no network)."""

from __future__ import annotations

import logging
import random
import re
import sys
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, TypeVar

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from newscrawl.crawl.middlewares import (
    NOT_BEFORE,
    BackoffRetryMiddleware,
    Blocked,
    BlockMiddleware,
    CharsetMiddleware,
    DamagedPage,
    HostGuardMiddleware,
    backoff,
    retry_after,
)
from newscrawl.extract.charset import body_encoding, decode_html

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("5", 5.0),
        (b"120", 120.0),
        (" 0 ", 0.0),
        ("Mon, 30 Nov 2026 12:00:30 GMT", 30.0),
        ("Mon, 30 Nov 2026 11:59:00 GMT", 0.0),  # already past: retry now
        ("soon", None),
        ("-3", None),
        ("", None),
        (b"\xb2", None),  # "²": a digit to str.isdigit(), not to float()
        ("\u0663", None),  # "٣": an Arabic-Indic digit, which float() reads as 3: not a DIGIT of HTTP
        ("1.5", None),
        ("9" * 400, sys.float_info.max),  # float() makes it inf, which no log line can print
        ("Mon, 30 Nov 99999999999999999999 12:00:00 GMT", None),
    ],
)
def test_retry_after(header: str | bytes | None, expected: float | None) -> None:
    assert retry_after(header, NOW) == expected


@pytest.mark.parametrize(
    ("attempt", "low", "high"),
    [(1, 0.5, 1.0), (2, 1.0, 2.0), (3, 2.0, 4.0), (10, 30.0, 60.0)],
)
def test_backoff_doubles_with_jitter_up_to_its_cap(attempt: int, low: float, high: float) -> None:
    delays = [backoff(attempt, 1.0, 60.0, random.Random(seed)) for seed in range(50)]
    assert all(low <= delay <= high for delay in delays)
    assert len(set(delays)) > 40  # jittered, so retries of one outage do not arrive together


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Zürich – café".encode(), "text/html; charset=iso-8859-1", "utf-8"),  # wrong header, UTF-8 body
        ("<meta charset='windows-1252'>Zürich".encode(), None, "utf-8"),  # wrong meta
        (b"plain ascii", "text/html; charset=iso-8859-1", "utf-8"),
        ("<meta charset='windows-1256'><p>عاجل</p>".encode("cp1256"), "text/html", "cp1256"),
        ("<meta charset='windows-1256'><p>عاجل</p>".encode("cp1256"), "text/html; charset=utf-8", "cp1256"),  # header lies
        ("<p>café</p>".encode("cp1252"), "text/html; charset=windows-1252", "cp1252"),
        ("<p>عاجل</p>".encode("cp1256"), "text/html; charset=windows-1256", "cp1256"),
    ],
)
def test_body_encoding(body: bytes, content_type: str | None, expected: str) -> None:
    assert body_encoding(body, content_type) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<meta charset='iso-8859-1'><p>Zürich – café</p>".encode(), "Zürich – café"),
        ("<meta charset='windows-1252'><p>Zürich – café</p>".encode("cp1252"), "Zürich – café"),
        ("<meta charset='windows-1256'><p>عاجل</p>".encode("cp1256"), "عاجل"),
    ],
)
def test_decoding_trusts_valid_utf8_over_a_wrong_declaration(raw: bytes, expected: str) -> None:
    assert expected in decode_html(raw)


M = TypeVar("M", BackoffRetryMiddleware, BlockMiddleware, CharsetMiddleware, HostGuardMiddleware)


def make(middleware: type[M], **settings: object) -> tuple[M, StatsCollector]:
    """A middleware on a crawler with these settings, and the crawler's stats."""
    crawler = get_crawler(Spider, {"RETRY_BACKOFF_BASE": 1.0, **settings})
    crawler.spider = Spider("test")
    crawler.engine = SimpleNamespace(running=False)  # type: ignore[assignment]  # no crawl to close
    crawler.spider.crawler = crawler
    assert crawler.stats is not None
    return middleware.from_crawler(crawler), crawler.stats


def response(
    url: str, status: int = 200, body: bytes = b"<html><body><p>ok</p></body></html>", headers: dict[str, str] | None = None
) -> Response:
    return HtmlResponse(url, status=status, body=body, headers=headers or {}, request=Request(url))


def test_retry_waits_what_retry_after_asks() -> None:
    middleware, stats = make(BackoffRetryMiddleware)
    request = Request("https://site.test/a")
    before = time.time()
    retry = middleware.process_response(request, response(request.url, 429, headers={"Retry-After": "7"}))
    assert isinstance(retry, Request)
    assert retry.meta["retry_times"] == 1
    assert 7 <= retry.meta[NOT_BEFORE] - before < 8
    assert stats.get_value("newscrawl/retry_after") == 1


def test_retry_after_is_capped() -> None:
    middleware, _ = make(BackoffRetryMiddleware, RETRY_AFTER_MAX=30)
    request = Request("https://site.test/a")
    retry = middleware.process_response(request, response(request.url, 503, headers={"Retry-After": "86400"}))
    assert isinstance(retry, Request)
    assert retry.meta[NOT_BEFORE] - time.time() <= 30


def test_retry_without_retry_after_backs_off_and_gives_up_after_retry_times() -> None:
    middleware, stats = make(BackoffRetryMiddleware, RETRY_TIMES=2)
    request = Request("https://site.test/a")
    waits = []
    for _ in range(2):
        retry = middleware.process_response(request, response(request.url, 502))
        assert isinstance(retry, Request)
        waits.append(retry.meta[NOT_BEFORE] - time.time())
        request = retry
    assert 0.4 < waits[0] <= 1.0 < waits[1] <= 2.0
    final = middleware.process_response(request, response(request.url, 502))
    assert isinstance(final, Response)
    assert final.status == 502
    assert stats.get_value("retry/count") == 2


def test_network_errors_are_retried_with_backoff() -> None:
    middleware, _ = make(BackoffRetryMiddleware)
    request = Request("https://site.test/a")
    retry = middleware.process_exception(request, ConnectionResetError())
    assert isinstance(retry, Request)
    assert 0 < retry.meta[NOT_BEFORE] - time.time() <= 1.0


def test_429s_in_a_row_pause_the_host_longer_each_time() -> None:
    middleware, stats = make(BackoffRetryMiddleware, HOST_PAUSE_AFTER_429S=2)

    def answer(path: str, status: int, after: str = "1") -> None:
        request = Request(f"https://site.test/{path}")
        middleware.process_response(request, response(request.url, status, headers={"Retry-After": after}))

    answer("a", 429)
    answer("b", 200)  # a stray 429 is no rate limit
    answer("c", 429)
    assert "site.test" not in middleware.paused_until
    answer("d", 429, "9")
    assert 8 < middleware.paused_until["site.test"] - time.time() <= 9  # Retry-After, longer than the backoff
    middleware.paused_until.clear()
    answer("e", 429, "0")
    answer("f", 429, "0")
    assert 0.5 < middleware.paused_until["site.test"] - time.time() <= 2.0  # the second pause's backoff: 1-2 s
    assert stats.get_value("newscrawl/host_pauses") == 2
    assert "other.test" not in middleware.paused_until


def test_unreadable_retry_after_is_ignored_for_the_normal_backoff(caplog: pytest.LogCaptureFixture) -> None:
    middleware, stats = make(BackoffRetryMiddleware)
    request = Request("https://site.test/a")
    answer = HtmlResponse(request.url, status=503, body=b"busy", headers={b"Retry-After": b"\xb2"}, request=request)
    with caplog.at_level(logging.DEBUG, logger="newscrawl.crawl.middlewares"):
        retry = middleware.process_response(request, answer)
    assert isinstance(retry, Request)
    assert retry.meta["retry_times"] == 1
    assert 0.4 < retry.meta[NOT_BEFORE] - time.time() <= 1.0  # the first backoff: 0.5-1 s
    assert stats.get_value("newscrawl/retry_after") is None
    assert [r.getMessage() for r in caplog.records] == [
        "https://site.test/a: ignoring Retry-After b'\\xb2' (neither seconds nor an HTTP-date)"
    ]


def test_http_date_retry_after() -> None:
    middleware, _ = make(BackoffRetryMiddleware)
    request = Request("https://site.test/a")
    when = format_datetime(datetime.fromtimestamp(time.time() + 5, timezone.utc), usegmt=True)
    retry = middleware.process_response(request, response(request.url, 429, headers={"Retry-After": when}))
    assert isinstance(retry, Request)
    assert 3.5 < retry.meta[NOT_BEFORE] - time.time() <= 5


CHALLENGE = b"<html><head><title>Just a moment...</title></head><body><script src='/cdn-cgi/challenge-platform/x.js'></script></body></html>"


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (403, CHALLENGE, {}),
        (503, CHALLENGE, {}),
        (200, CHALLENGE, {}),
        (403, b"<html><body>Forbidden</body></html>", {"cf-mitigated": "challenge"}),
    ],
)
def test_a_challenge_blocks_at_once(status: int, body: bytes, headers: dict[str, str]) -> None:
    middleware, stats = make(BlockMiddleware)
    with pytest.raises(Blocked):
        middleware.process_response(
            Request("https://site.test/a"), response("https://site.test/a", status, body, headers=headers)
        )
    assert stats.get_value("newscrawl/message").startswith("https://site.test/a refused the crawler: bot-protection challenge")
    with pytest.raises(Blocked):  # everything after is dropped too
        middleware.process_response(Request("https://site.test/b"), response("https://site.test/b"))


def test_403s_block_only_in_a_row() -> None:
    middleware, stats = make(BlockMiddleware, BLOCK_AFTER_403S=3)
    forbidden = b"<html><body>Forbidden</body></html>"
    for url in ("https://site.test/1", "https://site.test/2"):
        assert middleware.process_response(Request(url), response(url, 403, forbidden)).status == 403
    assert middleware.process_response(Request("https://site.test/ok"), response("https://site.test/ok")).status == 200
    for url in ("https://site.test/3", "https://site.test/4"):
        middleware.process_response(Request(url), response(url, 403, forbidden))
    with pytest.raises(Blocked):
        middleware.process_response(Request("https://site.test/5"), response("https://site.test/5", 403, forbidden))
    assert stats.get_value("newscrawl/message") == (
        "https://site.test/5 refused the crawler: 3 requests in a row answered HTTP 403 Forbidden"
    )


def test_a_big_page_mentioning_a_challenge_is_not_one() -> None:
    middleware, _ = make(BlockMiddleware)
    body = CHALLENGE + b"<p>" + b"x" * 70_000 + b"</p>"
    assert middleware.process_response(Request("https://site.test/a"), response("https://site.test/a", 200, body)).status == 200


def test_charset_middleware_reads_a_utf8_page_declared_latin1() -> None:
    middleware, stats = make(CharsetMiddleware)
    body = "<html><body><p>Gaza – the strip’s hospitals</p></body></html>".encode()
    raw = response("https://site.test/a", 200, body, headers={"Content-Type": "text/html; charset=iso-8859-1"})
    assert "â€" in raw.text  # what Scrapy alone would read
    fixed = middleware.process_response(Request("https://site.test/a"), raw)
    assert "Gaza – the strip’s hospitals" in fixed.text
    assert stats.get_value("newscrawl/charset_corrected") == 1
    same = response("https://site.test/b", 200, body, headers={"Content-Type": "text/html; charset=utf-8"})
    assert middleware.process_response(Request("https://site.test/b"), same) is same


WHOLE = (
    b"<html><head><title>t</title></head><body><div id=page><main><article>"
    + b"<div><p>text</p></div>" * 20
    + b"</article></main></div></body></html>"
)


@pytest.mark.parametrize(
    ("body", "headers", "reason"),
    [
        (b"", {}, "empty page"),
        (WHOLE[: len(WHOLE) // 2], {}, "cut short: no </body> or </html>"),
        (WHOLE.replace(b"</div>", b""), {}, "malformed: 21 <div> opened, 0 closed"),
        (WHOLE, {"Content-Length": str(len(WHOLE) + 100)}, f"cut short: {len(WHOLE)} of the {len(WHOLE) + 100} bytes"),
    ],
    ids=["empty", "cut-html", "malformed", "truncate"],
)
def test_a_damaged_page_is_retried_then_fails_as_an_error(body: bytes, headers: dict[str, str], reason: str) -> None:
    middleware, stats = make(BackoffRetryMiddleware, RETRY_TIMES=2)
    request = Request("https://site.test/a")
    for attempt in (1, 2):
        request = middleware.process_response(request, response(request.url, 200, body, headers=headers))  # type: ignore[assignment]
        assert isinstance(request, Request)
        assert request.meta["retry_times"] == attempt
    with pytest.raises(DamagedPage, match=f"^damaged page after 2 retries: {re.escape(reason)}"):
        middleware.process_response(request, response(request.url, 200, body, headers=headers))
    assert stats.get_value("retry/reason_count/newscrawl.crawl.middlewares.DamagedPage") == 2
    assert stats.get_value("newscrawl/damaged_pages") == 3
    assert stats.get_value("retry/max_reached") == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [(200, WHOLE), (200, WHOLE.removesuffix(b"</body></html>")), (404, b""), (500, WHOLE[:40])],
    ids=["whole", "closing-tags-omitted", "404", "500"],
)
def test_a_whole_page_or_an_error_status_is_not_damaged(status: int, body: bytes) -> None:
    middleware, stats = make(BackoffRetryMiddleware, RETRY_HTTP_CODES=[500])
    request = Request("https://site.test/a", meta={"dont_retry": status == 500})
    answer = response(request.url, status, body)
    assert middleware.process_response(request, answer) is answer
    assert stats.get_value("newscrawl/damaged_pages") is None


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://english.almayadeen.net/news/x", True),
        ("http://127.0.0.1:8000/news/x", True),
        ("https://cdn.almayadeen.net/x.jpg", False),
        ("https://elsewhere.example/news/x", False),
    ],
)
def test_no_request_leaves_the_crawl_hosts_even_with_dont_filter(url: str, allowed: bool) -> None:
    middleware, stats = make(HostGuardMiddleware)
    spider = middleware.crawler.spider
    assert spider is not None
    spider.allowed_domains = ["english.almayadeen.net", "127.0.0.1"]  # type: ignore[attr-defined]
    request = Request(url, dont_filter=True)
    if allowed:
        middleware.process_request(request)
    else:
        with pytest.raises(IgnoreRequest, match="is not on the crawl's hosts"):
            middleware.process_request(request)
        assert stats.get_value("newscrawl/offsite_refused") == 1
