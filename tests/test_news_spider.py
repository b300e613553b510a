"""End to end: the generic ``news`` spider through ``scrapy crawl`` against the second fixture
site (``fixtures/othersite``, a sitemap- and feed-driven news site), plus its arguments and
callbacks without a crawl.

The site's ``expected.json`` lists the articles a crawl must archive (paths on the mirror's
origin), the fields of a few (tested in process, with the hints of the site's sitemaps and feeds,
in ``test_pages.py``), the links to other hosts and the pages that are not articles. A crawl must
store each article as its page reads in process.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from scrapy.http import Response, TextResponse, XmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.crawl.arguments import SpiderArgumentError
from newscrawl.discovery import ArticleHints
from newscrawl.spiders.news import Candidate, NewsSpider
from newscrawl.warc import default_warc_dir
from tests.conftest import (
    OTHERSITE,
    Server,
    archive_copy,
    closed_port,
    connect,
    incomplete_captures,
    run_spider,
    run_stats,
    said,
    start_mirror,
    stored_article,
    warc_check,
)
from tests.readings import differences, news_article_of

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

EXPECTED: dict[str, Any] = json.loads((OTHERSITE / "expected.json").read_text(encoding="utf-8"))
TABLES = ("articles", "tags", "article_tags", "captions", "links")


def news(db: Path, *args: str, settings: dict[str, Any] | None = None) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl news -a ARG ...`` into ``db``."""
    return run_spider("news", db, *args, settings=settings)


@dataclass
class Crawl:
    """One crawl of the second fixture site: its archive, the mirror's origin and what it was asked."""

    db: Path
    base_url: str
    requests: list[tuple[str, str, int]]


@pytest.fixture(scope="module")
def othersite() -> Iterator[Server]:
    """The second fixture site, served with a log of every request."""
    server = start_mirror(OTHERSITE, log_requests=True)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def othersite_crawl(othersite: Server, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """An archive built by one full crawl of the second fixture site."""
    db = tmp_path_factory.mktemp("othersite") / "archive.db"
    before = len(othersite.requests)
    result = news(db, f"start_urls={othersite.base_url}/")
    assert result.returncode == 0, result.stderr[-3000:]
    return Crawl(db, othersite.base_url, othersite.requests_since(before))


def test_fixture_site_is_generated_and_consistent() -> None:
    result = subprocess.run(
        [sys.executable, str(OTHERSITE / "generate.py"), "--check"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert len(EXPECTED["articles"]) == 12


def test_archive_holds_exactly_the_expected_articles(othersite_crawl: Crawl) -> None:
    with connect(othersite_crawl.db) as con:
        urls = [r[0] for r in con.execute("SELECT url FROM articles")]
    assert sorted(urls) == sorted(othersite_crawl.base_url + path for path in EXPECTED["articles"])


def test_archived_articles_are_what_their_pages_read(othersite_crawl: Crawl) -> None:
    # with the hints and sections the crawl's discovery gave them (test_pages.py tests the fields)
    mismatches = []
    with connect(othersite_crawl.db) as con:
        for path in EXPECTED["articles"]:
            stored = stored_article(con, othersite_crawl.base_url + path)
            mismatches += differences(path, stored, news_article_of(OTHERSITE, path, othersite_crawl.base_url))
    assert mismatches == []


def test_every_page_requested_once_and_no_page_that_is_not_needed(othersite_crawl: Crawl) -> None:
    paths = Counter(target for _, target, _ in othersite_crawl.requests)
    # robots.txt twice: once for Scrapy's robots.txt middleware, once for its Sitemap: lines
    assert paths.pop("/robots.txt") == 2
    assert {path: n for path, n in paths.items() if n > 1} == {}
    discovery = {"/", "/sitemap_index.xml", "/sitemaps/pages.xml", "/sitemaps/news.xml", "/feeds/latest.rss", "/feeds/atom.xml"}
    sections = {"/world/", "/business/", "/culture/"}
    day_archive = "/2025/03/11/"  # its URL has a date: requested as an article, then not stored
    assert set(paths) == discovery | sections | {day_archive} | set(EXPECTED["articles"])
    assert {status for _, _, status in othersite_crawl.requests} == {200}
    never = set(EXPECTED["non_articles"]) - sections - {"/", day_archive}
    assert never & set(paths) == set()


def test_off_host_links_are_never_requested(othersite_crawl: Crawl) -> None:
    status, stats = run_stats(othersite_crawl.db)
    assert status == "finished"
    # an off-host request would have failed to resolve here, or been dropped by Scrapy
    assert [key for key in stats if key.startswith(("downloader/exception_type_count", "offsite/"))] == []
    assert stats["newscrawl/offsite_skipped"] == len(EXPECTED["offsite_links"])
    assert stats["downloader/request_count"] == len(othersite_crawl.requests)


def test_run_stats_count_discovery_and_pages_that_are_not_articles(othersite_crawl: Crawl) -> None:
    _, stats = run_stats(othersite_crawl.db)
    assert stats["newscrawl/articles_new"] == len(EXPECTED["articles"])
    assert stats["newscrawl/not_article"] == 1
    assert stats["newscrawl/articles_requested"] == len(EXPECTED["articles"]) + 1
    assert "newscrawl/duplicates" not in stats
    assert "item_dropped_count" not in stats
    assert {key.rsplit("/", 1)[1]: n for key, n in stats.items() if key.startswith("newscrawl/found/")} == {
        "start_page": 5,  # four stories and the day archive
        "section": 6,
        "feed": 5,  # six entries, one story in both feeds
        "news_sitemap": 3,
        "sitemap": 4,  # three stories and the day archive
    }


def test_a_full_second_crawl_adds_no_rows(othersite: Server, othersite_crawl: Crawl, tmp_path: Path) -> None:
    db = archive_copy(othersite_crawl.db, tmp_path / "twice")  # after a first crawl
    with connect(db) as con:
        first = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    assert news(db, f"start_urls={othersite.base_url}/", "full=1").returncode == 0
    with connect(db) as con:
        second = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        runs = [r[0] for r in con.execute("SELECT status FROM crawl_runs ORDER BY id")]
    assert first["articles"] == len(EXPECTED["articles"])
    assert second == first
    assert runs == ["finished", "finished"]
    assert run_stats(db)[1]["newscrawl/articles_unchanged"] == len(EXPECTED["articles"])


DISCOVERY = {
    "/robots.txt",
    "/",
    "/sitemap_index.xml",
    "/sitemaps/pages.xml",
    "/sitemaps/news.xml",
    "/feeds/latest.rss",
    "/feeds/atom.xml",
}
NEW_STORIES = {
    "/world/lighthouse-keepers-cottage-opens-to-visitors-50001": "/world/harbour-strike-ends-after-nine-day-standoff-40117",
    "/business/bakery-chain-adds-forty-jobs-on-the-quay-50002": "/business/regional-bank-posts-first-loss-in-a-decade-40131",
}


def add_stories(site: Path) -> None:
    """Two new articles on a copy of the second fixture site, named only by its page sitemap
    (each a copy of an older story's page under a new URL and headline)."""
    sitemap = site / "sitemaps" / "pages.xml"
    entries = []
    for path, like in NEW_STORIES.items():
        html = (site / like.lstrip("/") / "index.html").read_text(encoding="utf-8")
        headline = path.rsplit("/", 1)[1].rsplit("-", 1)[0].replace("-", " ").capitalize()
        html = html.replace(f'"{like}"', f'"{path}"')
        match = re.search(r"<h1[^>]*>([^<]*)", html)
        assert match is not None
        html = html.replace(match[1], headline)
        (site / path.lstrip("/")).mkdir(parents=True)
        (site / path.lstrip("/") / "index.html").write_text(html, encoding="utf-8")
        entries.append(f"<url><loc>{path}</loc><lastmod>2025-03-15</lastmod></url>")
    xml = sitemap.read_text(encoding="utf-8")
    sitemap.write_text(xml.replace("</urlset>", "\n".join(entries) + "\n</urlset>"), encoding="utf-8")


def rerun_requests(server: Server, db: Path, *args: str) -> Counter[str]:
    before = len(server.requests)
    result = news(db, f"start_urls={server.base_url}/", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return Counter(target for _, target, _ in server.requests_since(before))


def test_rerun_with_nothing_new_asks_for_discovery_pages_only(othersite: Server, othersite_crawl: Crawl, tmp_path: Path) -> None:
    db = archive_copy(othersite_crawl.db, tmp_path / "rerun")  # after a first crawl
    assert set(EXPECTED["articles"]) <= {target for _, target, _ in othersite_crawl.requests}
    second = rerun_requests(othersite, db)
    assert set(second) == DISCOVERY
    _, stats = run_stats(db)
    assert stats["newscrawl/articles_requested"] == 0
    assert stats["newscrawl/sections_skipped"] == 3
    # every article found is accounted for: archived, current by its sitemap, or the day archive
    skipped = ("newscrawl/archived_skipped", "newscrawl/sitemap_current", "newscrawl/not_article_skipped")
    assert sum(stats.get(key, 0) for key in skipped) == stats["newscrawl/articles_found"]
    assert stats["newscrawl/not_article_skipped"] == 1
    with connect(db) as con:
        assert [r[0] for r in con.execute("SELECT complete FROM crawl_runs ORDER BY id")] == [1, 1]
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(EXPECTED["articles"])


def test_rerun_fetches_exactly_the_new_articles_and_full_fetches_all(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(OTHERSITE, site)
    db = tmp_path / "grow.db"
    server = start_mirror(site, log_requests=True)
    try:
        rerun_requests(server, db)
        add_stories(site)
        grown = rerun_requests(server, db)
        full = rerun_requests(server, db, "full=1")
    finally:
        server.stop()
    assert set(grown) - DISCOVERY == set(NEW_STORIES)
    with connect(db) as con:
        headlines = {r[0].removeprefix(server.base_url): r[1] for r in con.execute("SELECT url, headline FROM articles")}
    assert len(headlines) == len(EXPECTED["articles"]) + 2
    assert (
        headlines["/world/lighthouse-keepers-cottage-opens-to-visitors-50001"] == "Lighthouse keepers cottage opens to visitors"
    )
    articles = set(EXPECTED["articles"]) | set(NEW_STORIES)
    assert articles <= set(full)
    assert {"/world/", "/business/", "/culture/"} <= set(full)
    assert run_stats(db)[1]["newscrawl/articles_unchanged"] == len(articles)


def test_a_backfill_takes_the_articles_its_sitemaps_and_feeds_date_in_the_window(othersite: Server, tmp_path: Path) -> None:
    db = tmp_path / "backfill.db"
    requested = rerun_requests(othersite, db, "since=2025-03-13", "until=2025-03-14")
    with connect(db) as con:
        dates = {r[0].removeprefix(othersite.base_url): r[1][:10] for r in con.execute("SELECT url, published_at FROM articles")}
        args = json.loads(con.execute("SELECT args FROM crawl_runs").fetchone()[0])
    # dated in the window by the news sitemap, the feeds or the page sitemap's lastmod
    assert dates == {
        "/world/harbour-strike-ends-after-nine-day-standoff-40117": "2025-03-14",
        "/2025/03/14/city-council-votes-to-pedestrianise-old-town.html": "2025-03-14",
        "/world/coastal-towns-brace-for-record-spring-tides-40122": "2025-03-13",
        "/business/regional-bank-posts-first-loss-in-a-decade-40131": "2025-03-13",
        "/2025/03/13/library-reopens-after-flood-repairs.html": "2025-03-13",
        "/culture/open-air-theatre-season-announced-for-the-bay-40152": "2025-03-14",
    }
    assert not {"/world/", "/business/", "/culture/"} & set(requested)  # no section page
    _, stats = run_stats(db)
    assert stats["newscrawl/outside_window"] == stats["newscrawl/articles_found"] - stats["newscrawl/articles_requested"]
    assert args["discover"] == "sitemap"
    assert (args["since"], args["until"]) == ("2025-03-13", "2025-03-14")


def test_the_example_profile_reads_its_site_through_two_mirrors_as_one_site(tmp_path: Path) -> None:
    # start_urls on the real host: the registry picks the Meridian Post's profile (the README's
    # "Adding a site" example), and base_url fetches from the mirror.
    db = tmp_path / "mirrors.db"
    real = "https://www.meridianpost.example"
    for _ in range(2):  # each time on another free port
        server = start_mirror(OTHERSITE)
        try:
            result = news(db, f"start_urls={real}/", f"base_url={server.base_url}", "full=1")
        finally:
            server.stop()
        assert result.returncode == 0, result.stderr[-3000:]
    with connect(db) as con:
        urls = {r[0] for r in con.execute("SELECT url FROM articles")}
        versions = con.execute("SELECT count(*) FROM article_versions").fetchone()[0]
    assert urls == {real + path.rstrip("/") for path in EXPECTED["articles"]}
    assert versions == 0  # the second pass found every article as the first stored it
    assert run_stats(db)[1]["newscrawl/articles_unchanged"] == len(urls)
    with connect(db) as con:
        wind = stored_article(con, real + "/2025/03/12/offshore-wind-farm-clears-final-planning-hurdle.html")
        museum = stored_article(con, real + "/2025/03/10/museum-returns-carved-figurehead-to-shipwrights-guild.html")
        types = {r[0] for r in con.execute("SELECT content_type FROM articles")}
        missing = {r[0] for r in con.execute("SELECT missing_fields FROM articles")}
        monitored = {r[0] for r in con.execute("SELECT DISTINCT field FROM run_coverage")}
    assert wind is not None
    assert museum is not None
    # what the profile knows and the generic reading does not (see test_article_fields)
    assert wind["published_at"] == "2025-03-12T09:00:00+00:00"  # its edition's time zone
    assert museum["edition"] == "en"  # the page declares no language; the edition is English
    assert types == {"news"}  # its own layer: the legacy template says nothing of the kind
    # the legacy template shows no section, which the profile does not expect of its articles
    assert missing == {"[]"}
    assert "section" not in monitored
    assert {"headline", "tags", "source"} <= monitored


def test_without_its_profile_the_legacy_articles_lack_their_section(othersite_crawl: Crawl) -> None:
    with connect(othersite_crawl.db) as con:
        missing = {url: json.loads(fields) for url, fields in con.execute("SELECT url, missing_fields FROM articles")}
    legacy = {path for path in EXPECTED["articles"] if path.startswith("/2025/")}
    assert len(legacy) == 5
    assert missing == {othersite_crawl.base_url + path: ["section"] if path in legacy else [] for path in EXPECTED["articles"]}


def test_max_articles_bounds_the_run(othersite: Server, tmp_path: Path) -> None:
    db = tmp_path / "bounded.db"
    result = news(db, f"start_urls={othersite.base_url}/", "max_articles=3")
    assert result.returncode == 0, result.stderr[-2000:]
    with connect(db) as con:
        urls = {r[0].removeprefix(othersite.base_url) for r in con.execute("SELECT url FROM articles")}
    # the start page's stories come first
    assert len(urls) == 3
    assert urls <= set(EXPECTED["articles"])
    assert run_stats(db)[1]["newscrawl/articles_requested"] == 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "start_urls is required"),
        (("start_urls= , ",), "start_urls is required"),
        (("start_urls=site.example",), "start_urls: 'site.example' is not an http(s) URL"),
        (("start_urls=http://127.0.0.1:9/,ftp://site.example/",), "start_urls: 'ftp://site.example/' is not an http(s) URL"),
        (("start_urls=http://127.0.0.1:99999/",), "start_urls: 'http://127.0.0.1:99999/' has an invalid port"),
        (("start_urls=http://127.0.0.1:9/,http://[::1/",), "start_urls: 'http://[::1/' is not a URL (Invalid IPv6 URL)"),
        (
            ("start_urls=https://desk:s3cret@127.0.0.1:9/news",),
            "start_urls: 'https://***@127.0.0.1:9/news' holds a user name or password (user:password@host)",
        ),
        (("start_urls=http://127.0.0.1:9/", "max_articles=0"), "max_articles='0' is not a positive integer"),
        (("start_urls=http://127.0.0.1:9/", "max_articles=many"), "max_articles='many' is not a positive integer"),
        (("start_urls=http://127.0.0.1:9/", "edition=en"), "unknown argument(s) edition"),
        (("start_urls=http://127.0.0.1:9/", "full=maybe"), "full='maybe' is not 1 or 0 (yes or no)"),
        (("start_urls=http://127.0.0.1:9/", "since=13 March"), "since='13 March' is not a date YYYY-MM-DD"),
        (("start_urls=http://127.0.0.1:9/", "since=2025-03-14", "until=2025-03-13"), "since='2025-03-14' is after until"),
        (
            ("start_urls=https://a.example/,https://b.example/", "base_url=http://127.0.0.1:9"),
            "base_url names a mirror of one site: give start_urls on one origin with it",
        ),
        (("start_urls=https://a.example/", "base_url=http://127.0.0.1:9/news"), "must be an origin only"),
    ],
)
def test_bad_argument_is_one_clear_line(tmp_path: Path, arguments: tuple[str, ...], message: str) -> None:
    result = news(tmp_path / "a.db", *arguments)
    assert result.returncode == 2
    errors = said(result.stderr)
    assert len(errors) == 1
    assert message in errors[0]
    assert "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr


def test_unreachable_site_is_one_line_with_tracebacks_only_at_debug(tmp_path: Path) -> None:
    start = f"http://127.0.0.1:{closed_port()}/"
    failed = f"newscrawl: failed: cannot reach {start}: Connection was refused by other side: 111: Connection refused."
    result = news(tmp_path / "a.db", f"start_urls={start}", settings={"RETRY_TIMES": 0})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [failed]
    assert run_stats(tmp_path / "a.db")[0] == "failed"
    debug = news(tmp_path / "b.db", f"start_urls={start}", settings={"RETRY_TIMES": 0, "LOG_LEVEL": "DEBUG"})
    assert debug.returncode == 1
    assert said(debug.stderr) == [failed]
    assert f"DEBUG: Gave up retrying <GET {start}> (failed 1 times): " in debug.stderr
    assert f"DEBUG: Error downloading <GET {start}>\nTraceback (most recent call last):" in debug.stderr
    # robots.txt's traceback and the start page's, each ending in the fault
    assert debug.stderr.count("\nscrapy.exceptions.DownloadConnectionRefusedError: ") == 2


def test_blocked_site_stops_with_exit_3(refusing_site: str, tmp_path: Path) -> None:
    result = news(tmp_path / "a.db", f"start_urls={refusing_site}/", settings={"RETRY_TIMES": 0})
    assert result.returncode == 3
    lines = said(result.stderr)
    assert lines == [lines[0]]
    # a challenge is seen on robots.txt already; a 403 is a block on the start page
    assert re.match(rf"newscrawl: blocked: {re.escape(refusing_site)}/(robots\.txt)? refused the crawler: ", lines[0])
    with connect(tmp_path / "a.db") as con:
        assert con.execute("SELECT status FROM crawl_runs").fetchone()[0] == "blocked"
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_site_without_article_links_fails(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Soon</title></head>'
        '<body><h1>Coming soon</h1><p><a href="/about">About</a></p></body></html>',
        encoding="utf-8",
    )
    server = start_mirror(root)
    try:
        result = news(tmp_path / "a.db", f"start_urls={server.base_url}/")
    finally:
        server.stop()
    assert result.returncode == 1
    assert f"newscrawl: failed: found no article links, feeds or sitemaps from {server.base_url}/" in result.stderr


# --- arguments and callbacks, without a crawl ------------------------------------------------


def spider_with_crawler(**kwargs: Any) -> NewsSpider:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    crawler = get_crawler(NewsSpider, settings_dict=None)
    crawler.settings = settings
    return NewsSpider.from_crawler(crawler, **kwargs)


@pytest.mark.parametrize(
    "link",
    [
        "https://www.site.example/world/a-story-1",
        "http://www.site.example/world/a-story-1",
        "https://site.example/world/a-story-1/",
        "https://www.site.example/world/a-story-1?utm_source=rss&fbclid=x#comments",
        "http://127.0.0.1:8123/world/a-story-1",
    ],
)
def test_url_variants_of_an_article_are_one_article(link: str) -> None:
    spider = NewsSpider(start_urls="https://www.site.example/", base_url="http://127.0.0.1:8123")
    assert spider.archive_key(link) == "https://www.site.example/world/a-story-1"
    assert spider._to_fetch(link) in {"http://127.0.0.1:8123/world/a-story-1", "http://127.0.0.1:8123/world/a-story-1/"}


def test_an_article_page_names_itself_by_its_canonical_link_without_tracking(tmp_path: Path) -> None:
    html = b"""<html><head><title>A story</title><link rel="canonical" href="https://site.example/world/a-story-1">
    </head><body><article><h1>A story</h1><p>One paragraph of the story, long enough to count as a body.</p>
    <p>Another paragraph of the story, long enough to count as a body too.</p></article></body></html>"""
    crawler = get_crawler(NewsSpider, settings_dict={"ARCHIVE_DB": str(tmp_path / "a.db")})
    spider = NewsSpider.from_crawler(crawler, start_urls="https://www.site.example/")

    async def urls(response: TextResponse) -> list[str]:
        return [item.url async for item in spider.parse_article(response, ArticleHints(), None)]

    for fetched in ("https://www.site.example/world/a-story-1?utm_medium=social", "http://site.example/world/a-story-1"):
        response = TextResponse(fetched, body=html, encoding="utf-8")
        assert asyncio.run(urls(response)) == ["https://www.site.example/world/a-story-1"]
    assert spider.state is not None
    spider.state.close()


def test_arguments_are_recorded_and_hosts_allowed() -> None:
    spider = NewsSpider(start_urls=" HTTPS://News.Example/world/#top, http://other.example, https://news.example/world/ ")
    assert spider.start_pages == ["https://news.example/world/", "http://other.example/"]
    assert spider.allowed_domains == ["news.example", "other.example"]
    assert spider.arguments == {"start_urls": spider.start_pages, "max_articles": None, "full": False, "base_url": None}


def test_loopback_start_urls_are_crawled_without_delays() -> None:
    assert not spider_with_crawler(start_urls="http://127.0.0.1:8000/").settings.getbool("AUTOTHROTTLE_ENABLED")
    assert spider_with_crawler(start_urls="http://127.0.0.1:8000/,https://news.example/").settings.getbool("AUTOTHROTTLE_ENABLED")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "start_urls is required"),
        ({"start_urls": "https://news.example/", "max_articles": "-1"}, "max_articles='-1' is not a positive integer"),
        ({"start_urls": "https://news.example/", "edition": "en"}, "unknown argument(s) edition"),
        ({"start_urls": "mailto:desk@news.example"}, "is not an http(s) URL"),
    ],
)
def test_bad_arguments(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        NewsSpider(**kwargs)


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/a/short</loc><news:news><news:title>Short</news:title>
<news:keywords>a, b</news:keywords></news:news></url>
<url><loc>https://news.example/2025/03/01/a-dated-story.html</loc></url>
<url><loc>https://news.example/tag/b</loc></url>
<url><loc>https://elsewhere.example/2025/03/01/their-story.html</loc></url>
</urlset>"""


@pytest.mark.parametrize(
    "response_class",
    [Response, XmlResponse],
    ids=["gzip-as-binary", "gzip-served-as-xml"],
)
def test_gzipped_sitemap_is_read(response_class: type[Response]) -> None:
    spider = spider_with_crawler(start_urls="https://news.example/")
    response = response_class(url="https://news.example/sitemap.xml.gz", body=gzip.compress(SITEMAP))
    assert list(spider.parse_sitemap(response)) == []
    assert list(spider.candidates) == ["https://news.example/a/short", "https://news.example/2025/03/01/a-dated-story.html"]
    # a news-sitemap entry is an article whatever its URL looks like, and keeps its hints
    assert spider.candidates["https://news.example/a/short"].merged_hints() == ArticleHints(title="Short", keywords=("a", "b"))
    assert spider.offsite == {"https://elsewhere.example/2025/03/01/their-story.html"}


def test_sitemap_index_follows_sitemaps_on_the_site_only() -> None:
    spider = spider_with_crawler(start_urls="https://news.example/")
    body = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>/sitemaps/1.xml</loc></sitemap><sitemap><loc>https://cdn.example/2.xml</loc></sitemap>"
        b"<sitemap><loc>https://news.example/sitemaps/1.xml</loc></sitemap></sitemapindex>"
    )
    requests = list(spider.parse_sitemap(XmlResponse(url="https://news.example/sitemap.xml", body=body)))
    assert [r.url for r in requests] == ["https://news.example/sitemaps/1.xml"]


def test_not_a_sitemap_is_counted_and_skipped() -> None:
    spider = spider_with_crawler(start_urls="https://news.example/")
    response = TextResponse(url="https://news.example/sitemap.xml", body=b"<html><body>Moved</body></html>")
    assert list(spider.parse_sitemap(response)) == []
    assert spider.crawler.stats is not None
    assert spider.crawler.stats.get_value("newscrawl/bad_sitemaps") == 1


def test_candidate_hints_merge_by_trust_whatever_their_order() -> None:
    feed = ArticleHints(title="Feed title", published="2025-03-01T10:00:00+00:00")
    sitemap = ArticleHints(title="Sitemap title", keywords=("x",))
    first = Candidate(
        "https://news.example/a", hints=[(1, "https://news.example/feed", feed), (0, "https://news.example/s", sitemap)]
    )
    second = Candidate(
        "https://news.example/a", hints=[(0, "https://news.example/s", sitemap), (1, "https://news.example/feed", feed)]
    )
    expected = ArticleHints(title="Sitemap title", published="2025-03-01T10:00:00+00:00", keywords=("x",))
    assert first.merged_hints() == second.merged_hints() == expected


def test_every_fetch_is_captured_and_each_article_names_its_capture(othersite_crawl: Crawl) -> None:
    assert warc_check(default_warc_dir(othersite_crawl.db)) == []
    assert incomplete_captures(othersite_crawl.db) == []
    with connect(othersite_crawl.db) as con:
        fetched = {url for (url,) in con.execute("SELECT url FROM captures WHERE record_type = 'response'")}
        linked = con.execute(
            "SELECT count(*) FROM articles a JOIN captures c ON c.id = a.capture_id AND c.url = a.url"
        ).fetchone()[0]
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert {othersite_crawl.base_url + target for _, target, _ in othersite_crawl.requests} == fetched
    assert linked == articles == len(EXPECTED["articles"])
