"""How a failed robots.txt and a failed start page are said: which request is robots.txt's, the
level of each retry give-up, and the one line of a robots.txt a network fault kept away."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DownloadConnectionRefusedError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.test import get_crawler

from newscrawl.crawl.logs import REPORTED_META
from newscrawl.crawl.middlewares import BackoffRetryMiddleware
from newscrawl.crawl.robots import UnreachableRobots, is_robots_txt


def parse(response: Response) -> None:
    """A spider's callback."""


WHY = "Connection was refused by other side: 111: Connection refused"
ROBOTS = Request("https://site.test/robots.txt", meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
START = Request("https://site.test/", meta={"handle_httpstatus_all": True, **REPORTED_META}, callback=parse)
PAGE = Request("https://site.test/a", callback=parse)
REFUSED = DownloadConnectionRefusedError(f"{WHY}.")


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (ROBOTS, True),
        (ROBOTS.replace(url="https://site.test/robots.txt?x=1"), True),
        (ROBOTS.replace(url="https://site.test/a/robots.txt"), False),
        (ROBOTS.replace(callback=parse), False),  # a spider's own request for it
        (ROBOTS.replace(meta={}), False),
        (PAGE, False),
    ],
)
def test_is_robots_txt(request_: Request, expected: bool) -> None:
    assert is_robots_txt(request_) is expected


def retry_middleware(retry_times: int) -> BackoffRetryMiddleware:
    crawler = get_crawler(Spider, {"RETRY_TIMES": retry_times, "RETRY_BACKOFF_BASE": 0.01})
    crawler.spider = Spider("test")
    crawler.engine = SimpleNamespace(running=False)  # type: ignore[assignment]  # no crawl to close
    crawler.spider.crawler = crawler
    return BackoffRetryMiddleware.from_crawler(crawler)


def fail(middleware: BackoffRetryMiddleware, request: Request, failure: str) -> Request | Response | None:
    """One attempt of ``request`` failing by ``failure`` (``refused``: a network fault; else an
    HTTP status) through ``middleware``."""
    if failure == "refused":
        return middleware.process_exception(request, REFUSED)
    answer = HtmlResponse(request.url, status=int(failure), body=b"<p>busy</p>", request=request)
    return middleware.process_response(request, answer)


@pytest.mark.parametrize(
    ("request_", "failure", "level"),
    [
        (ROBOTS, "refused", logging.DEBUG),  # said by UnreachableRobots
        (ROBOTS, "503", logging.ERROR),  # an answer: as Scrapy says it
        (START, "refused", logging.DEBUG),  # said by the run: cannot reach URL
        (START, "503", logging.DEBUG),  # said by the run: start page answered HTTP 503
        (PAGE, "refused", logging.ERROR),
        (PAGE, "503", logging.ERROR),
    ],
)
def test_retry_give_up_level(request_: Request, failure: str, level: int, caplog: pytest.LogCaptureFixture) -> None:
    middleware = retry_middleware(retry_times=1)
    with caplog.at_level(logging.DEBUG, logger="scrapy.downloadermiddlewares.retry"):
        retry = fail(middleware, request_, failure)
        assert isinstance(retry, Request)
        assert retry.meta.get("give_up_log_level") == request_.meta.get("give_up_log_level")
        final = fail(middleware, retry, failure)
    assert final is None if failure == "refused" else isinstance(final, Response)
    assert [(r.levelno, r.getMessage().split(" (")[0]) for r in caplog.records] == [
        (logging.DEBUG, f"Retrying <GET {request_.url}>"),
        (level, f"Gave up retrying <GET {request_.url}>"),
    ]


def test_a_robots_txt_network_fault_is_one_info_line(caplog: pytest.LogCaptureFixture) -> None:
    middleware = UnreachableRobots((DownloadConnectionRefusedError, TimeoutError))
    with caplog.at_level(logging.DEBUG, logger="newscrawl.crawl.robots"), pytest.raises(IgnoreRequest) as raised:
        middleware.process_exception(ROBOTS, REFUSED)
    assert str(raised.value) == f"https://site.test/robots.txt unreachable: {WHY}"
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, f"https://site.test/robots.txt unreachable: {WHY}; crawling as if it allowed everything")
    ]
    assert caplog.records[0].exc_info is not None  # its traceback, left out below DEBUG by QuietNetworkFaults


@pytest.mark.parametrize(
    ("request_", "exception"),
    [
        (PAGE, REFUSED),  # any other page's fault is said by the spider
        (ROBOTS.replace(callback=parse), REFUSED),
        (ROBOTS, ValueError("not a network fault")),
    ],
)
def test_other_faults_pass_through(request_: Request, exception: Exception, caplog: pytest.LogCaptureFixture) -> None:
    middleware = UnreachableRobots((DownloadConnectionRefusedError, TimeoutError))
    with caplog.at_level(logging.DEBUG, logger="newscrawl.crawl.robots"):
        middleware.process_exception(request_, exception)  # raises nothing: the fault goes on as it was
    assert caplog.records == []
