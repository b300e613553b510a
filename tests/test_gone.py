"""Articles the site answers 404 or 410 for: a fact about the site, recorded and re-checked
rarely, never an incomplete run, and never a loss of what the archive holds."""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from newscrawl.archive import Archive
from newscrawl.crawl.arguments import SpiderArgumentError, gone_recheck
from newscrawl.crawl.middlewares import Blocked
from newscrawl.items import ArticleItem, GoneItem
from newscrawl.spiders import gone_status
from newscrawl.spiders.almayadeen import AlMayadeenSpider
from tests.conftest import FIXTURES, OTHERSITE, connect, crawl, run_spider, start_mirror

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Server

EN = "https://english.almayadeen.net"
DEAD = "news/politics/a-story-the-site-deleted-after-publishing-it"
# One more teaser on the first page of Politics, linking an article the mirror has no file for.
DEAD_TEASER = (
    '<div class="listing-items">\n<div class="item"><div class="item__body"><span class="item__cat">Politics</span>'
    f'<h3 class="item__title"><a href="/{DEAD}">A story the site deleted after publishing it</a></h3>'
    '<span class="item__date">15 Jul 2025</span></div></div>'
)
# An archived article, re-checked daily (its publication date is long past).
REMOVED = "news/politics/tehran-says-no-date-set-for-araghchi-witkoff-meeting"
DAILY = {"RECHECK_SCHEDULE": "36500d:1d"}


def http_error(status: int) -> HttpError:
    response = HtmlResponse(f"http://127.0.0.1:8000/{DEAD}", status=status, body=b"<html></html>")
    return HttpError(response, f"Ignoring non-200 response ({status})")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (http_error(404), 404),
        (http_error(410), 410),
        (http_error(500), None),  # a server fault, retried: the run missed the article
        (http_error(403), None),
        (http_error(451), None),  # withheld, not deleted
        (IgnoreRequest("robots.txt"), None),
        (Blocked("challenge page"), None),
        (TimeoutError("timed out"), None),
    ],
    ids=["404", "410", "500", "403", "451", "ignored", "blocked", "timeout"],
)
def test_gone_status(error: Exception, status: int | None) -> None:
    assert gone_status(Failure(error)) == status  # type: ignore[no-untyped-call]


@pytest.mark.parametrize(
    ("value", "interval"),
    [
        (None, timedelta(days=30)),
        ("30", timedelta(days=30)),
        ("0", timedelta(0)),
        ("2.5", timedelta(days=2, hours=12)),
        (7, timedelta(days=7)),
    ],
)
def test_gone_recheck_setting(value: object, interval: timedelta) -> None:
    settings = Settings() if value is None else Settings({"GONE_RECHECK_DAYS": value})
    assert gone_recheck(settings) == interval


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf", ""])
def test_bad_gone_recheck_is_a_clear_error(value: str) -> None:
    with pytest.raises(SpiderArgumentError, match=rf"GONE_RECHECK_DAYS={value!r} is not a number of days \(0 or more\)"):
        gone_recheck(Settings({"GONE_RECHECK_DAYS": value}))


def listing_requests(tmp_path: Path, *, gone_days_ago: float | None, full: bool = False) -> list[str]:
    """The requests a shallow walk makes from the first page of Politics, with one dead link on
    it, all its other articles archived and the dead one found gone ``gone_days_ago`` (``None``:
    never): the paths of the article and further pages it asks for."""
    db = tmp_path / "a.db"
    site = copy_site(tmp_path)
    add_dead_link(site)
    archive = Archive(db)
    # its teasers, and the ticker's links
    archived = [f"news/politics/{slug}" for slug in (
        "tehran-says-no-date-set-for-araghchi-witkoff-meeting", "syrian-defense-ministry-calls-for-restraint-as-clashes-conti",
        "freedom-flotilla-s-handala-departs-sicily-in-bid-to-break-ga", "israel--strikes-gaza-kids-fetching-water--blames-it-on--malf",
        "us-shipbuilding-woes-deepen-as-tariffs--outdated-policies-ba", "mercenary-firm-tied-to-gaza-war-crimes-hires-obama-biden-pr",
    )] + ["videos/newsfeed/civil-defense-crews-search-for-survivors-in-gaza-s-salah-al"]  # fmt: skip
    archive.store_articles([ArticleItem(url=f"{EN}/{path}", headline=path) for path in archived], "2025-07-15T00:00:00+00:00")
    if gone_days_ago is not None:
        when = (datetime.now(timezone.utc) - timedelta(days=gone_days_ago)).isoformat(timespec="seconds")
        archive.record_gone(GoneItem(url=f"{EN}/{DEAD}", status=404, seen_at=when))
    archive.close()
    crawler = get_crawler(AlMayadeenSpider)
    crawler.settings = Settings({"ARCHIVE_DB": str(db), "RECHECK_SCHEDULE": ""})
    spider = AlMayadeenSpider.from_crawler(crawler, base_url="http://127.0.0.1:8000", full="1" if full else "0")
    spider.shallow = not full
    body = (site / "news" / "politics" / "index.html").read_bytes()
    response = HtmlResponse("http://127.0.0.1:8000/news/politics", body=body, encoding="utf-8")

    async def requests() -> list[Request]:
        return [r async for r in spider.parse_listing(response) if isinstance(r, Request)]

    try:
        return sorted(r.url.removeprefix("http://127.0.0.1:8000/") for r in asyncio.run(requests()) if "/news/politics" in r.url)
    finally:
        spider.state.close()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("gone_days_ago", "full", "expected"),
    [
        (None, False, [DEAD, "news/politics?page=2"]),  # unknown: new, so the walk goes on
        (1, False, []),  # found gone yesterday: known, and not asked again yet
        (29.9, False, []),
        (30.1, False, [DEAD]),  # due for a re-check, but known: the walk stops here
        (1, True, [DEAD, "news/politics?page=2", "news/politics?page=3"]),  # a full pass asks for everything
    ],
)
def test_a_listing_page_of_archived_and_gone_articles_holds_nothing_new(
    tmp_path: Path, gone_days_ago: float | None, full: bool, expected: list[str]
) -> None:
    politics = [p for p in listing_requests(tmp_path, gone_days_ago=gone_days_ago, full=full) if "?" in p or p == DEAD]
    assert politics == expected


def copy_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", site)
    return site


def add_dead_link(site: Path) -> None:
    listing = site / "news" / "politics" / "index.html"
    html = listing.read_text(encoding="utf-8")
    assert html.count('<div class="listing-items">') == 1
    listing.write_text(html.replace('<div class="listing-items">', DEAD_TEASER), encoding="utf-8")


def runs(db: Path) -> list[dict[str, Any]]:
    with connect(db) as con:
        return [dict(r) for r in con.execute("SELECT * FROM crawl_runs ORDER BY id")]


def gone_rows(db: Path) -> list[dict[str, Any]]:
    with connect(db) as con:
        return [dict(r) for r in con.execute("SELECT * FROM gone_articles ORDER BY url")]


def article_row(db: Path, path: str) -> dict[str, Any]:
    with connect(db) as con:
        return dict(con.execute("SELECT * FROM articles WHERE url = ?", [f"{EN}/{path}"]).fetchone())


def requested(server: Server, path: str, since: int = 0) -> int:
    return sum(target == f"/{path}" for _, target, _ in server.requests_since(since))


def crawl_four_times(server: Server, db: Path, settings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """A first crawl and three incremental reruns, each exiting 0."""
    for _ in range(4):
        result = crawl(server.base_url, db, settings=settings)
        assert result.returncode == 0, result.stderr[-3000:]
    return runs(db)


def test_a_dead_link_on_a_listing_costs_reruns_at_most_two_requests(mirror: Server, tmp_path: Path) -> None:
    clean = crawl_four_times(mirror, tmp_path / "clean.db")
    site = copy_site(tmp_path)
    add_dead_link(site)
    server = start_mirror(site, log_requests=True)
    try:
        dead = crawl_four_times(server, tmp_path / "dead.db")
        dead_requests = requested(server, DEAD)
    finally:
        server.stop()
    assert [r["complete"] for r in clean] == [1, 1, 1, 1]
    assert [(r["status"], r["complete"], r["errors"]) for r in dead] == [("finished", 1, 0)] * 4
    for clean_run, dead_run in zip(clean[1:], dead[1:], strict=True):
        assert dead_run["requests"] <= clean_run["requests"] + 2
    assert [r["new_articles"] for r in dead] == [r["new_articles"] for r in clean]
    assert dead_requests == 1  # asked once, then known gone for GONE_RECHECK_DAYS
    [gone] = gone_rows(tmp_path / "dead.db")
    assert {k: gone[k] for k in ("url", "status", "times_gone", "run_id", "returned_at")} == {
        "url": f"{EN}/{DEAD}",
        "status": 404,
        "times_gone": 1,
        "run_id": dead[0]["id"],
        "returned_at": None,
    }
    assert gone["first_gone_at"] == gone["last_gone_at"]
    assert dead[0]["started_at"] <= gone["first_gone_at"] <= dead[0]["finished_at"]
    assert '"newscrawl/articles_gone": 1' in dead[0]["stats"]
    assert '"newscrawl/article_errors"' not in dead[0]["stats"]


def test_an_archived_article_the_site_deleted_keeps_its_text(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    db = tmp_path / "archive.db"
    page = site / REMOVED / "index.html"
    kept = page.read_bytes()
    server = start_mirror(site, log_requests=True)
    try:
        assert crawl(server.base_url, db, settings=DAILY).returncode == 0
        with connect(db) as con:
            con.execute("UPDATE articles SET last_fetched_at = '2025-07-01T00:00:00+00:00' WHERE url = ?", [f"{EN}/{REMOVED}"])
        before = article_row(db, REMOVED)
        page.unlink()
        mark = len(server.requests)
        deleted = crawl(server.base_url, db, settings=DAILY)
        assert deleted.returncode == 0, deleted.stderr[-3000:]
        asked_when_deleted = requested(server, REMOVED, mark)
        gone_after_deletion, row_after_deletion = gone_rows(db), article_row(db, REMOVED)
        # Still due by its last fetch, but found gone a moment ago: not asked again.
        mark = len(server.requests)
        assert crawl(server.base_url, db, settings=DAILY).returncode == 0
        asked_again = requested(server, REMOVED, mark)
        page.write_bytes(kept)
        mark = len(server.requests)
        back = crawl(server.base_url, db, settings={**DAILY, "GONE_RECHECK_DAYS": 0})
        assert back.returncode == 0, back.stderr[-3000:]
        asked_when_back = requested(server, REMOVED, mark)
    finally:
        server.stop()
    assert (asked_when_deleted, asked_again, asked_when_back) == (1, 0, 1)
    assert f"article {server.base_url}/{REMOVED} gone: HTTP 404" in deleted.stderr
    assert [(r["status"], r["complete"], r["errors"]) for r in runs(db)] == [("finished", 1, 0)] * 4
    assert [(g["url"], g["status"], g["returned_at"]) for g in gone_after_deletion] == [(f"{EN}/{REMOVED}", 404, None)]
    assert row_after_deletion == before
    # the same text: only when it was last fetched moved, and with it the capture (the same page again;
    # a response, not a revisit: the URL's last capture was the 404)
    fetch = {"last_fetched_at": None, "capture_id": None}
    assert article_row(db, REMOVED) | fetch == before | fetch
    with connect(db) as con:
        first, latest = (
            tuple(con.execute("SELECT record_type, payload_digest FROM captures WHERE id = ?", [capture]).fetchone())
            for capture in (before["capture_id"], article_row(db, REMOVED)["capture_id"])
        )
    assert first == latest
    assert first[0] == "response"
    [gone] = gone_rows(db)
    assert gone["returned_at"] is not None
    assert gone["returned_at"] >= gone["last_gone_at"]


def test_the_news_spider_records_a_gone_article_and_leaves_it_alone(tmp_path: Path) -> None:
    site = tmp_path / "othersite"
    shutil.copytree(OTHERSITE, site)
    home = site / "index.html"
    dead = "/culture/a-review-the-site-took-down-a-day-later-40199"
    html = home.read_text(encoding="utf-8")
    anchor = '<h2><a href="/culture/open-air-theatre-season-announced-for-the-bay-40152">'
    assert html.count(anchor) == 1
    home.write_text(
        html.replace(anchor, f'<h2><a href="{dead}">A review the site took down</a></h2>\n{anchor}'), encoding="utf-8"
    )
    db = tmp_path / "archive.db"
    server = start_mirror(site, log_requests=True)
    try:
        results = [run_spider("news", db, f"start_urls={server.base_url}/") for _ in range(2)]
        asked = [target for _, target, _ in server.requests_since(0)].count(dead)
    finally:
        server.stop()
    assert [r.returncode for r in results] == [0, 0], results[-1].stderr[-3000:]
    assert f"article {server.base_url}{dead} gone: HTTP 404" in results[0].stderr
    assert asked == 1
    assert [(r["status"], r["complete"], r["errors"]) for r in runs(db)] == [("finished", 1, 0)] * 2
    first, second = (json.loads(r["stats"]) for r in runs(db))
    assert (first["newscrawl/articles_gone"], first.get("newscrawl/article_errors")) == (1, None)
    assert (second.get("newscrawl/articles_gone"), second["newscrawl/gone_skipped"]) == (None, 1)
    assert [(g["url"], g["status"], g["times_gone"], g["returned_at"]) for g in gone_rows(db)] == [
        (f"{server.base_url}{dead}", 404, 1, None)
    ]
