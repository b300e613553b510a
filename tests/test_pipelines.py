"""Validation and deduplication pipelines on real items and a real crawler's stats."""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.archive import Archive, ArchiveState
from newscrawl.coverage import FieldCoverage
from newscrawl.crawl.pipelines import ArchivePipeline, DedupePipeline, ValidatePipeline
from newscrawl.items import ArticleItem, GoneItem, TickerItem
from newscrawl.sites import registry
from newscrawl.sites.profile import Edition, SiteProfile
from newscrawl.spiders.almayadeen import AlMayadeenSpider
from newscrawl.spiders.news import NewsSpider

if TYPE_CHECKING:
    from pathlib import Path

EN = "https://english.almayadeen.net"


@pytest.mark.parametrize(
    ("item", "message", "stat"),
    [
        (ArticleItem(url=f"{EN}/news/politics/x-y-z-w"), "no headline and no body found", "missing_headline_and_body"),
        (
            ArticleItem(url=f"{EN}/news/politics/x-y-z-w", lead="A lead"),
            "no headline and no body found",
            "missing_headline_and_body",
        ),
        (ArticleItem(url="", headline="A headline"), "no url found", "missing_url"),
    ],
)
def test_article_without_headline_and_body_is_dropped_with_url_and_reason(item: ArticleItem, message: str, stat: str) -> None:
    crawler = get_crawler(AlMayadeenSpider)
    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=re.escape(f"article {item.url or '(no url)'} not stored: {message}")):
        pipeline.process_item(item)
    assert crawler.stats is not None
    assert crawler.stats.get_value(f"newscrawl/dropped/{stat}") == 1


def test_valid_items_pass_validation() -> None:
    pipeline = ValidatePipeline.from_crawler(get_crawler(AlMayadeenSpider))
    item = ArticleItem(url=f"{EN}/news/politics/x-y-z-w", headline="A headline")
    # A partial article, the body without its headline, is stored with what it has.
    partial = ArticleItem(url=f"{EN}/news/politics/x-y-z-w", body="A body.")
    ticker = TickerItem(text="A line", edition="en", seen_at="2025-01-01T00:00:00+00:00")
    assert pipeline.process_item(item) is item
    assert pipeline.process_item(partial) is partial
    assert pipeline.process_item(ticker) is ticker


@pytest.mark.parametrize(
    ("second", "dropped"),
    [
        (ArticleItem(url=f"{EN}/news/politics/x-y-z-w", headline="Same URL"), True),
        (ArticleItem(url=f"{EN}/news/politics/x-y-z-w-renamed", headline="Same post", post_id="42"), True),
        (ArticleItem(url=f"{EN}/news/politics/x-y-z-w-renamed", headline="Same post", post_id="42", edition="ar"), False),
        (ArticleItem(url=f"{EN}/news/politics/another-story-entirely", headline="Other", post_id="43"), False),
    ],
)
def test_dedupe_on_canonical_url_and_post_id(second: ArticleItem, dropped: bool, caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler(AlMayadeenSpider)
    pipeline = DedupePipeline.from_crawler(crawler)
    pipeline.process_item(ArticleItem(url=f"{EN}/news/politics/x-y-z-w", headline="First", post_id="42"))
    if dropped:
        with pytest.raises(DropItem, match="already stored in this run"):
            pipeline.process_item(second)
    else:
        assert pipeline.process_item(second) is second
    assert crawler.stats is not None
    assert crawler.stats.get_value("newscrawl/duplicates", 0) == int(dropped)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_waiting_article_is_committed_by_the_timer(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    crawler = get_crawler(AlMayadeenSpider, {"ARCHIVE_DB": str(db), "ARCHIVE_FLUSH_SECONDS": 0.05, "ARCHIVE_BATCH_SIZE": 100})
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.process_item(ArticleItem(url=f"{EN}/news/politics/x-y-z-w", headline="A headline"))
    state = ArchiveState(db)
    assert not state.is_archived(f"{EN}/news/politics/x-y-z-w")  # waiting for more items to batch
    pipeline._flush_if_due()
    assert not state.is_archived(f"{EN}/news/politics/x-y-z-w")  # not yet due
    time.sleep(0.06)
    pipeline._flush_if_due()  # what the timer calls, with no new item
    assert state.is_archived(f"{EN}/news/politics/x-y-z-w")
    state.close()
    pipeline.archive.close()


def test_a_held_refetch_is_counted_as_held(tmp_path: Path) -> None:
    crawler = get_crawler(AlMayadeenSpider, {"ARCHIVE_DB": str(tmp_path / "a.db")})
    pipeline = ArchivePipeline.from_crawler(crawler)
    url, body = f"{EN}/news/politics/x-y-z-w", "\n\n".join(["A paragraph of the article, as first fetched."] * 4)
    for fetched in (ArticleItem(url=url, headline="A headline", body=body), ArticleItem(url=url, body=body)):
        pipeline.process_item(fetched)
        pipeline.flush()
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    assert (stats["newscrawl/articles_new"], stats["newscrawl/articles_held"], stats["newscrawl/articles_changed"]) == (1, 1, 0)
    pipeline.archive.close()


@pytest.mark.parametrize(
    ("item", "line"),
    [
        (TickerItem(edition="en", text="A line", seen_at="2025-01-01T00:00:00+00:00"), "ticker line 'A line' not stored"),
        (GoneItem(url=f"{EN}/news/politics/a-b-c-d", status=404, seen_at="2025-01-01T00:00:00+00:00"), "gone article"),
    ],
    ids=["ticker", "gone"],
)
def test_a_line_or_gone_article_meeting_a_busy_archive_stops_the_run_as_busy(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, item: TickerItem | GoneItem, line: str
) -> None:
    db = tmp_path / "a.db"
    crawler = get_crawler(AlMayadeenSpider, {"ARCHIVE_DB": str(db), "ARCHIVE_BUSY_TIMEOUT": 0.05})
    pipeline = ArchivePipeline.from_crawler(crawler)
    crawler.engine = SimpleNamespace(running=False)  # type: ignore[assignment]  # a crawl that is closing anyway
    other = sqlite3.connect(db)
    other.execute("BEGIN IMMEDIATE")
    try:
        with caplog.at_level(logging.ERROR):
            pipeline.process_item(item)
    finally:
        other.rollback()
        other.close()
    pipeline.archive.close()
    assert crawler.stats is not None
    message = f"archive {db} is locked by another writer; waited 0.05 s (ARCHIVE_BUSY_TIMEOUT)"
    assert (pipeline.stopped, crawler.stats.get_value("newscrawl/message")) == ("busy", message)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"{line}{'' if isinstance(item, TickerItem) else f' {item.url} not recorded'}: {message}"
    ]


class Tagless(SiteProfile):
    """A site whose articles show no tags, by design."""

    name = "tagless"
    editions = {"en": Edition("en", "https://tagless.example", "en")}  # noqa: RUF012 - read-only
    expected_fields = ("headline", "authors", "published_at", "section", "lead", "body")


#: What a run stores of ten tag-less articles: their ``missing_fields``, the run's status and its
#: coverage rows of ``tags``.
Outcome = tuple[str, str, list[tuple[str, str, int, int]]]


@pytest.mark.parametrize(
    ("site", "outcome"),
    [
        # Its profile expects no tags: none missing, the tag coverage neither counted nor judged.
        ("https://tagless.example", ("[]", "finished", [])),
        # The same articles on a site of the generic profile: tags missing, and their fall judged.
        ("https://news.example", ('["tags"]', "degraded", [("news", "tags", 10, 0)])),
    ],
    ids=["tags-not-expected", "tags-expected"],
)
def test_an_article_is_judged_on_its_site_profiles_expected_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: str, outcome: Outcome
) -> None:
    monkeypatch.setitem(registry.PROFILES, Tagless.name, Tagless())
    db = tmp_path / "a.db"
    arguments = {"edition": None, "discover": "menus", "start_urls": [f"{site}/"]}
    archive = Archive(db)
    for _ in range(2):  # the history: every article of earlier runs had tags
        run = archive.start_run("news", arguments)
        archive.finish_run(run, "finished", {}, coverage=[FieldCoverage("news", "tags", 10, 10)])
    archive.close()
    crawler = get_crawler(NewsSpider, {"ARCHIVE_DB": str(db)})
    crawler.spider = SimpleNamespace(name="news", arguments=arguments)  # type: ignore[assignment]
    pipeline = ArchivePipeline.from_crawler(crawler)
    for n in range(10):
        pipeline.process_item(
            ArticleItem(
                url=f"{site}/world/a-story-without-tags-{n}",
                headline="A headline",
                content_type="news",
                section="World",
                lead="A lead.",
                body="A body.",
                authors=["A. Writer"],
                published_at="2025-03-14T08:10:00+00:00",
            )
        )
    pipeline.flush()
    pipeline.spider_closed(crawler.spider, "finished")  # type: ignore[arg-type]
    with sqlite3.connect(db) as con:
        stored = {row[0] for row in con.execute("SELECT missing_fields FROM articles")}
        (run_status,) = con.execute("SELECT status FROM crawl_runs WHERE id = ?", [pipeline.run_id]).fetchone()
        rows = con.execute(
            "SELECT content_type, field, articles, present FROM run_coverage WHERE run_id = ? AND field = 'tags'",
            [pipeline.run_id],
        ).fetchall()
        (authors,) = con.execute("SELECT present FROM run_coverage WHERE run_id = ? AND field = 'authors'", [pipeline.run_id])
    con.close()
    assert (stored, run_status, rows) == ({outcome[0]}, outcome[1], outcome[2])
    assert authors == (10,)  # the fields the site expects are counted either way
