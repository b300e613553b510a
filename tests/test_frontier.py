"""The run's frontier (newscrawl.crawl.incremental.Frontier): what an incremental run requests, over a
real archive, without crawling."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl.archive import Archive, ArchiveState
from newscrawl.crawl.incremental import Frontier
from newscrawl.items import ArticleItem, GoneItem
from newscrawl.schedule import parse_schedule
from newscrawl.urls import canonical

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SITE = "https://news.example"
ARCHIVED = f"{SITE}/2025/archived-story"
GONE = f"{SITE}/2025/deleted-story"
NEW = f"{SITE}/2025/new-story"


def ago(**span: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(**span)).isoformat(timespec="seconds")


@pytest.fixture
def state(tmp_path: Path) -> Iterator[ArchiveState]:
    """An archive holding one article fetched a day ago (published two days ago) and one gone
    since yesterday."""
    db = tmp_path / "a.db"
    archive = Archive(db)
    item = ArticleItem(url=ARCHIVED, headline="Archived", published_at=ago(days=2))
    archive.store_articles([item], ago(days=1))
    archive.record_gone(GoneItem(url=GONE, status=404, seen_at=ago(days=1)))
    archive.close()
    opened = ArchiveState(db)
    yield opened
    opened.close()


def frontier(state: ArchiveState | None, **options: object) -> Frontier:
    stats = MemoryStatsCollector(get_crawler())
    return Frontier(state, lambda: stats, key=canonical, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "url", "why", "outcome"),
    [
        ({}, NEW, {}, (True, None)),
        ({}, ARCHIVED, {}, (False, "newscrawl/archived_skipped")),
        ({}, ARCHIVED, {"due": True}, (True, "newscrawl/rechecks")),
        ({}, ARCHIVED, {"newer": True}, (True, None)),
        ({"full": True}, ARCHIVED, {}, (True, None)),
        ({}, GONE, {}, (False, "newscrawl/gone_skipped")),
        ({"gone_recheck": timedelta(hours=12)}, GONE, {}, (True, None)),
        ({"full": True}, GONE, {}, (True, None)),
        ({"max_articles": 0}, NEW, {}, (False, "newscrawl/capped")),
    ],
)
def test_take_article(
    state: ArchiveState, options: dict[str, object], url: str, why: dict[str, bool], outcome: tuple[bool, str | None]
) -> None:
    taken, stat = outcome
    run = frontier(state, **options)
    assert run.take_article(url, **why) is taken
    stats = run.stats().get_stats()
    assert {key for key in stats if key.startswith("newscrawl/")} == ({stat} if stat else set())


def test_each_page_is_taken_once_whatever_its_tracking_parameters(state: ArchiveState) -> None:
    run = frontier(state)
    assert run.take_article(NEW)
    assert not run.take_article(NEW + "?utm_source=rss#comments")
    assert run.take_page(f"{SITE}/world/")
    assert not run.take_page(f"{SITE}/world")
    assert run.articles_requested == 1


def test_an_archived_link_is_not_marked_requested_so_a_due_recheck_still_fetches_it(state: ArchiveState) -> None:
    run = frontier(state)
    assert not run.take_article(ARCHIVED)
    assert run.take_article(ARCHIVED, due=True)
    assert not run.take_article(ARCHIVED, due=True)


def test_archived_means_archived_when_the_run_began(state: ArchiveState, tmp_path: Path) -> None:
    # The run itself stores new articles as it goes; a listing page parsed after that must still
    # count them as new, or the walk of its listing would stop too early.
    run = frontier(state)
    assert not run.is_known(NEW)
    archive = Archive(tmp_path / "a.db")
    archive.store_articles([ArticleItem(url=NEW, headline="Stored by this run")], ago(seconds=1))
    archive.close()
    assert state.is_archived(NEW)
    assert not run.is_known(NEW)
    assert run.is_known(ARCHIVED)
    assert run.is_known(GONE)


def test_due_rechecks_follow_the_schedule(state: ArchiveState) -> None:
    scope = lambda state, since: state.recent_articles("en", since)  # noqa: E731
    assert list(frontier(state, schedule=parse_schedule("3d:12h")).due_rechecks(scope)) == [ARCHIVED]
    assert list(frontier(state, schedule=parse_schedule("3d:2d")).due_rechecks(scope)) == []
    assert list(frontier(state, schedule=parse_schedule("1d:1h")).due_rechecks(scope)) == []  # too old to re-check
    assert list(frontier(state).due_rechecks(scope)) == []  # no schedule, no re-checks


def test_without_an_archive_nothing_is_known() -> None:
    run = frontier(None)
    assert run.take_article(ARCHIVED)
    assert not run.is_known(GONE)
    assert not run.is_current(ARCHIVED, None)
