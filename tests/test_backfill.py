"""Sitemap backfill: the window's arithmetic as tables, and real crawls of the mirror's sitemaps."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

import pytest

from newscrawl.crawl.arguments import SpiderArgumentError
from newscrawl.crawl.backfill import DateWindow
from newscrawl.spiders.almayadeen import AlMayadeenSpider
from tests.conftest import FIXTURES, build_site, connect, crawl, expected_articles, start_mirror

if TYPE_CHECKING:
    from pathlib import Path

JULY = DateWindow(date(2025, 7, 10), date(2025, 7, 13))


@pytest.mark.parametrize(
    ("year", "month", "held"),
    [(2025, 7, True), (2025, 6, False), (2025, 8, False), (2024, 7, False)],
)
def test_window_months(year: int, month: int, held: bool) -> None:
    assert JULY.holds_month(year, month) is held
    assert DateWindow().holds_month(year, month)
    assert DateWindow(since=date(2025, 7, 31)).holds_month(2025, 7)


@pytest.mark.parametrize(
    ("published", "lastmod", "may"),
    [
        (None, "2025-07-12T10:00:00+03:00", True),
        (None, "2025-07-09T23:59:00+03:00", False),  # last modified before since: published before it
        (None, "2025-08-20", True),  # modified after until: may still have been published in the window
        (None, None, True),
        ("2025-07-14T08:00:00+03:00", "2025-07-14T08:00:00+03:00", False),  # a news date decides
        ("2025-07-11", "2025-09-01", True),
        ("2025-07-09T23:00:00+03:00", None, False),
    ],
)
def test_window_entries(published: str | None, lastmod: str | None, may: bool) -> None:
    assert JULY.may_hold(published, lastmod) is may


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"discover": "feeds"}, "discover='feeds' is not one of menus, sitemap"),
        ({"since": "2025-07-01"}, "since and until go with discover=sitemap"),
        ({"discover": "sitemap", "since": "2025-13-01"}, "since='2025-13-01' is not a date YYYY-MM-DD"),
        ({"discover": "sitemap", "until": "July"}, "until='July' is not a date YYYY-MM-DD"),
        ({"discover": "sitemap", "since": "2025-07-02", "until": "2025-07-01"}, "since='2025-07-02' is after until='2025-07-01'"),
    ],
)
def test_bad_backfill_arguments(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=re.escape(message)):
        AlMayadeenSpider(**kwargs)


def sitemap_lastmods(site: Path) -> dict[str, str]:
    """``{url: lastmod}`` of every entry of the site's monthly sitemaps."""
    found: dict[str, str] = {}
    for child in (site / "sitemaps" / "all").glob("*.xml"):
        found.update(re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", child.read_text()))
    return found


BACKFILL = ("discover=sitemap", "since=2025-07-10", "until=2025-07-13")
EDITED = "https://english.almayadeen.net/news/politics/freedom-flotilla-s-handala-departs-sicily-in-bid-to-break-ga"


def test_backfill_fetches_the_window_then_only_what_changed(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site")
    db = tmp_path / "archive.db"
    lastmods = sitemap_lastmods(site)
    published = {e["url"]: e["published_at"] for _, e in expected_articles(FIXTURES)}
    in_window = {url for url, when in published.items() if "2025-07-10" <= when[:10] <= "2025-07-13"}
    # a plain sitemap gives no publication date: its month and lastmod are all the spider knows
    candidates = {url for url, mod in lastmods.items() if published[url][:7] == "2025-07" and mod[:10] >= "2025-07-10"}
    server = start_mirror(site, log_requests=True)
    try:
        result = crawl(server.base_url, db, *BACKFILL)
        assert result.returncode == 0, result.stderr[-3000:]
        first = [t for _, t, _ in server.requests_since(0)]
        with connect(db) as con:
            stored = {r["url"]: dict(r) for r in con.execute("SELECT url, sitemap_lastmod, published_at FROM articles")}
        assert in_window <= set(stored) <= candidates
        assert {url: row["sitemap_lastmod"] for url, row in stored.items()} == {url: lastmods[url] for url in stored}
        assert [t for t in first if "sitemap" in t] == ["/sitemaps/all.xml", "/sitemaps/all/sitemap-2025-7.xml"]
        assert not [t for t in first if "?page=" in t or (t.rstrip("/").count("/") == 1 and t not in ("/robots.txt",))]

        mark = len(server.requests)
        assert crawl(server.base_url, db, *BACKFILL).returncode == 0
        assert [t for _, t, _ in server.requests_since(mark)] == [
            "/robots.txt",
            "/",
            "/sitemaps/all.xml",
            "/sitemaps/all/sitemap-2025-7.xml",
        ]

        build_site(
            site,
            f"""
content.ARTICLES = tuple(
    dataclasses.replace(a, lead=a.lead + " Updated.", modified_iso="2025-07-20T09:00:00+03:00")
    if a.path == {EDITED.split("net/")[1]!r} else a for a in content.ARTICLES
)""",
        )
        mark = len(server.requests)
        assert crawl(server.base_url, db, *BACKFILL).returncode == 0
        articles = [t for _, t, _ in server.requests_since(mark) if t.count("/") >= 3 and "sitemap" not in t]
        assert articles == [EDITED.split("net")[1]]
        with connect(db) as con:
            row = con.execute("SELECT version, sitemap_lastmod FROM articles WHERE url = ?", [EDITED]).fetchone()
        assert tuple(row) == (2, "2025-07-20T09:00:00+03:00")
    finally:
        server.stop()
