"""The almayadeen spider's arguments and settings, without crawling."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from scrapy.http import Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.crawl.arguments import SpiderArgumentError
from newscrawl.spiders.almayadeen import AlMayadeenSpider


def crawler_settings(base_url: str | None, cmdline: dict[str, object] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.update(cmdline or {}, priority="cmdline")
    crawler = get_crawler(AlMayadeenSpider, settings_dict=None)
    crawler.settings = settings
    AlMayadeenSpider.from_crawler(crawler, **({"base_url": base_url} if base_url else {}))
    return crawler.settings


def test_live_site_keeps_polite_settings() -> None:
    settings = crawler_settings(None)
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.25
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 4
    assert settings.get("EXTRACT_PROCESSES") == 0  # a polite rate leaves the crawl's process idle


def test_loopback_mirror_is_crawled_without_delays() -> None:
    settings = crawler_settings("http://127.0.0.1:8000")
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 16
    assert settings.get("EXTRACT_PROCESSES") == "auto"


def test_command_line_settings_win_over_loopback_defaults() -> None:
    settings = crawler_settings("http://127.0.0.1:8000", {"DOWNLOAD_DELAY": 2})
    assert settings.getfloat("DOWNLOAD_DELAY") == 2


def test_arguments_are_recorded_and_only_the_fetched_host_allowed() -> None:
    spider = AlMayadeenSpider(base_url="http://127.0.0.1:8000/", max_articles="5", full="yes")
    assert spider.arguments == {
        "base_url": "http://127.0.0.1:8000", "edition": "en", "max_articles": 5, "full": True,
        "discover": "menus", "since": None, "until": None,
    }  # fmt: skip
    assert spider.allowed_domains == ["127.0.0.1"]  # a mirror crawl never reaches the real site
    assert spider.hosts.real_origin == "https://english.almayadeen.net"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_articles": "-1"}, "max_articles='-1' is not a positive integer"),
        ({"base_url": "english.almayadeen.net"}, "is not an http(s) URL"),
        ({"base_url": "http://127.0.0.1:99999"}, "has an invalid port"),
        ({"base_url": "http://[::1"}, "base_url='http://[::1' is not a URL (Invalid IPv6 URL)"),
        ({"base_url": "http://me:pw@127.0.0.1:8000"}, "base_url='http://***@127.0.0.1:8000' holds a user name or password"),
        ({"base_url": "http://me:p@w@[::1"}, "base_url='http://***@[::1' is not a URL"),
        ({"edition": "EN"}, "edition='EN' is not one of en, ar, es"),
        ({"full": "2"}, "full='2' is not 1 or 0 (yes or no)"),
    ],
)
def test_bad_arguments(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=re.escape(message)):
        AlMayadeenSpider(**kwargs)


def test_bad_recheck_schedule_is_a_clear_error() -> None:
    with pytest.raises(SpiderArgumentError, match=r"RECHECK_SCHEDULE: '2d' is not a step age:interval such as 2d:6h"):
        crawler_settings(None, {"RECHECK_SCHEDULE": "6h:1h, 2d"})


def test_bad_extract_processes_is_a_clear_error() -> None:
    with pytest.raises(SpiderArgumentError, match=r"EXTRACT_PROCESSES='many' is not a count of processes \(0 or more\) or auto"):
        crawler_settings("http://127.0.0.1:8000", {"EXTRACT_PROCESSES": "many"})


def test_listing_requests_come_in_order_of_need(tmp_path: Path) -> None:
    # A listing's further pages wait behind the articles already found (so the queue stays short
    # on a big site); its subsections come before articles, as menus do.
    from scrapy.http import HtmlResponse  # noqa: PLC0415

    crawler = get_crawler(AlMayadeenSpider)
    crawler.settings = Settings({"ARCHIVE_DB": str(tmp_path / "a.db"), "RECHECK_SCHEDULE": ""})
    spider = AlMayadeenSpider.from_crawler(crawler, base_url="http://127.0.0.1:8000")
    assert crawler.stats is not None
    page = Path(__file__).resolve().parent.parent / "fixtures/site/news/politics/index.html"
    response = HtmlResponse("http://127.0.0.1:8000/news/politics", body=page.read_bytes(), encoding="utf-8")

    async def requests() -> list[Request]:
        return [r async for r in spider.parse_listing(response) if isinstance(r, Request)]

    try:
        by_priority = {(r.priority, r.callback.__name__ if r.callback else "") for r in asyncio.run(requests())}
    finally:
        spider.state.close()  # type: ignore[union-attr]
    assert by_priority == {(10, "parse_listing"), (0, "parse_article"), (-10, "parse_listing")}
    pages = sorted(r.url for r in asyncio.run(requests()) if r.priority == -10)
    assert pages == []  # asked once per run
