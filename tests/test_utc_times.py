"""Time that sorts: ``published_at_utc`` and ``modified_at_utc``, computed by SQLite from the
local times, used by ``serve`` and ``stats`` to put articles in time order across offsets."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from newscrawl.archive import SCHEMA_VERSION, Archive
from newscrawl.archive.schema import utc_sql
from newscrawl.desk.query import archive_stats
from newscrawl.desk.serve import make_datasette
from newscrawl.items import ArticleItem

if TYPE_CHECKING:
    from pathlib import Path

EN = "https://english.almayadeen.net/news/politics"


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        ("2025-07-30T10:00:00+03:00", "2025-07-30T07:00:00+00:00"),
        ("2025-07-30T10:00:00+02:00", "2025-07-30T08:00:00+00:00"),
        ("2025-07-30T08:30:00+00:00", "2025-07-30T08:30:00+00:00"),
        ("2025-07-30T23:30:00-05:00", "2025-07-31T04:30:00+00:00"),  # the next UTC day
        ("2025-07-30T01:15:00+03:00", "2025-07-29T22:15:00+00:00"),  # the previous UTC day
        ("2025-07-30T10:00:00.250+02:00", "2025-07-30T08:00:00+00:00"),
        ("2025-07-30T10:00:00Z", "2025-07-30T10:00:00+00:00"),
        ("2025-07-30T10:00+05:30", "2025-07-30T04:30:00+00:00"),
        ("2025-07-30T10:00:00", None),  # no offset: never taken for UTC
        ("2025-07-30", None),
        ("30 Jul 2025 10:00", None),
        ("", None),
        (None, None),
    ],
)
def test_a_local_time_with_its_offset_is_read_in_utc_and_one_without_is_not(local: str | None, utc: str | None) -> None:
    with sqlite3.connect(":memory:") as con:
        assert con.execute(f"SELECT {utc_sql('?1')}", [local]).fetchone()[0] == utc


def article(slug: str, published: str | None, modified: str | None = None) -> ArticleItem:
    return ArticleItem(url=f"{EN}/{slug}", headline=slug, body=f"The {slug} story.", published_at=published, modified_at=modified)


# In UTC: beirut 07:00, cairo 07:30, wire 08:00, late 09:00; as text the order differs.
TIMES = {
    "wire": "2025-07-30T08:00:00+00:00",
    "beirut": "2025-07-30T10:00:00+03:00",
    "cairo": "2025-07-30T09:30:00+02:00",
    "late": "2025-07-30T12:00:00+03:00",
    "no-zone": "2025-07-30T09:45:00",
}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    db = tmp_path / "a.db"
    store = Archive(db)
    try:
        store.store_articles([article(slug, when, modified=when) for slug, when in TIMES.items()], "2025-07-30T13:00:00+00:00")
    finally:
        store.close()
    return db


def test_articles_sort_chronologically_across_offsets_by_their_utc_times(archive: Path) -> None:
    with sqlite3.connect(archive) as con:
        by_utc = [
            r[0]
            for r in con.execute("SELECT headline FROM articles WHERE published_at_utc IS NOT NULL ORDER BY published_at_utc")
        ]
        by_text = [
            r[0] for r in con.execute("SELECT headline FROM articles WHERE published_at_utc IS NOT NULL ORDER BY published_at")
        ]
        utc = dict(con.execute("SELECT headline, modified_at_utc FROM articles").fetchall())
        plan = " ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN SELECT id FROM articles ORDER BY published_at_utc"))
    assert by_utc == ["beirut", "cairo", "wire", "late"]
    assert by_text != by_utc  # the local times as text are not in time order
    assert utc == {
        "wire": "2025-07-30T08:00:00+00:00",
        "beirut": "2025-07-30T07:00:00+00:00",
        "cairo": "2025-07-30T07:30:00+00:00",
        "late": "2025-07-30T09:00:00+00:00",
        "no-zone": None,
    }
    assert "USING INDEX idx_articles_published_at_utc" in plan


def test_an_archive_of_version_2_gets_the_utc_times_when_a_crawl_opens_it(archive: Path) -> None:
    with sqlite3.connect(archive) as con:
        for column in ("published_at_utc", "modified_at_utc"):
            con.execute(f"DROP INDEX idx_articles_{column}")
            con.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        con.execute("PRAGMA user_version = 2")
    Archive(archive).close()
    with sqlite3.connect(archive) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        found = dict(con.execute("SELECT headline, published_at_utc FROM articles").fetchall())
    assert found["beirut"] == "2025-07-30T07:00:00+00:00"
    assert found["no-zone"] is None


def rows(db: Path, path: str) -> list[dict[str, Any]]:
    async def fetch() -> list[dict[str, Any]]:
        response = await make_datasette(db).client.get(path)
        assert response.status_code == 200, response.text[:2000]
        return list(response.json()["rows"])

    return asyncio.run(fetch())


def test_serve_lists_the_latest_articles_first_in_utc_and_reads_an_older_archive_too(archive: Path) -> None:
    shown = [row["headline"] for row in rows(archive, "/a/articles.json?_shape=objects")]
    assert shown[:4] == ["late", "wire", "cairo", "beirut"]
    with sqlite3.connect(archive) as con:
        for column in ("published_at_utc", "modified_at_utc"):
            con.execute(f"DROP INDEX idx_articles_{column}")
            con.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        con.execute("PRAGMA user_version = 2")
    older = [row["headline"] for row in rows(archive, "/a/articles.json?_shape=objects")]
    assert older == ["late", "beirut", "no-zone", "cairo", "wire"]  # by the local times, as before


def test_stats_span_the_first_and_last_published_in_utc(archive: Path) -> None:
    stats = archive_stats(archive)
    assert (stats["first_published"], stats["last_published"]) == (TIMES["beirut"], TIMES["late"])


def test_an_archive_of_version_2_learns_when_its_first_texts_were_seen(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    store = Archive(db)
    try:
        store.store_articles([article("kept", TIMES["wire"])], "2025-07-30T13:00:00+00:00")
        store.store_articles([article("edited", TIMES["wire"])], "2025-07-30T13:00:00+00:00")
        changed = replace(article("edited", TIMES["wire"]), body="The edited story, told again at greater length.")
        store.store_articles([changed], "2025-07-31T09:00:00+00:00")
    finally:
        store.close()
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT headline, text_seen_at FROM articles ORDER BY id").fetchall() == [
            ("kept", "2025-07-30T13:00:00+00:00"),
            ("edited", "2025-07-31T09:00:00+00:00"),
        ]
        assert con.execute("SELECT version, text_seen_at FROM article_versions").fetchall() == [(1, "2025-07-30T13:00:00+00:00")]
        con.execute("DROP INDEX idx_articles_edits")
        con.execute("DROP INDEX idx_article_versions_edits")
        con.execute("ALTER TABLE articles DROP COLUMN text_seen_at")
        con.execute("ALTER TABLE article_versions DROP COLUMN text_seen_at")
        con.execute("PRAGMA user_version = 2")
    Archive(db).close()
    with sqlite3.connect(db) as con:
        # A first text was first seen with its article; when a later one was is not known.
        assert con.execute("SELECT headline, text_seen_at FROM articles ORDER BY id").fetchall() == [
            ("kept", "2025-07-30T13:00:00+00:00"),
            ("edited", None),
        ]
        assert con.execute("SELECT version, text_seen_at FROM article_versions").fetchall() == [(1, "2025-07-30T13:00:00+00:00")]
