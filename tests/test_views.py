"""The archive's views: readable article rows and the ticker timeline, kept current on open."""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import TYPE_CHECKING

from newscrawl.archive import VIEWS, Archive
from newscrawl.items import Caption, TickerItem
from tests.conftest import connect
from tests.test_archive import article

if TYPE_CHECKING:
    from pathlib import Path

SEED = "https://english.almayadeen.net/news/politics/russian-intel-reveals-us-urging--israel--to-expedite-genocid"


def test_article_details_of_the_crawled_seed_article(archive: Path) -> None:
    with connect(archive) as con:
        row = dict(con.execute("SELECT * FROM article_details WHERE url = ?", [SEED]).fetchone())
    assert row["authors"] == "Al Mayadeen English"
    assert row["tags"] == "genocide in Gaza, Israel, US, Russian intelligence, Israeli war crimes, SVR, US elections"
    assert row["captions"] == (
        "Palestinians evacuate a wounded man following an Israeli airstrike in Khan Younis refugee camp, southern Gaza "
        "Strip, Monday, Nov. 13, 2023 (AP Photo/Mohammed Dahman)"
    )
    assert (row["images"], row["section"], row["source"], row["version"]) == (1, "Politics", "TASS", 1)


def test_article_details_has_one_row_per_article(archive: Path) -> None:
    with connect(archive) as con:
        assert (
            con.execute("SELECT count(*) FROM article_details").fetchone()[0]
            == con.execute("SELECT count(*) FROM articles").fetchone()[0]
        )


def test_article_details_lists_keep_page_order(tmp_path: Path) -> None:
    db = Archive(tmp_path / "archive.db")
    captions = [Caption("Second image", None, "https://media.example/2.jpg"), Caption("First", "AFP", "https://m.example/1.jpg")]
    db.store_articles(
        [article(tags=["Zeta", "Alpha", "Mu"], authors=["B. Writer", "A. Writer"], captions=captions)], "2025-01-01"
    )
    row = next(db.db.query("SELECT authors, tags, captions, images FROM article_details"))
    db.close()
    assert row == {
        "authors": "B. Writer, A. Writer",
        "tags": "Zeta, Alpha, Mu",
        "captions": "Second image | First (AFP)",
        "images": 2,
    }


def test_ticker_timeline_counts_runs_and_hours(tmp_path: Path) -> None:
    db = Archive(tmp_path / "archive.db")
    first, second, third = (db.start_run("almayadeen", {}) for _ in range(3))
    stays = TickerItem(text="Line that stays", edition="en", seen_at="2025-07-09T10:00:00+00:00")
    once = TickerItem(text="Line seen once", edition="en", seen_at="2025-07-09T11:00:00+00:00")
    db.record_ticker([stays], first)
    db.record_ticker([dataclasses.replace(stays, seen_at="2025-07-09T11:30:00+00:00"), once], second)
    db.record_ticker([dataclasses.replace(stays, seen_at="2025-07-09T13:00:00+00:00")], third)
    rows = list(db.db.query("SELECT text, first_seen_at, hours_seen, runs, first_run, last_run FROM ticker_timeline"))
    db.close()
    assert rows == [
        {"text": stays.text, "first_seen_at": stays.seen_at, "hours_seen": 3.0, "runs": 3, "first_run": first, "last_run": third},
        {"text": once.text, "first_seen_at": once.seen_at, "hours_seen": 0.0, "runs": 1, "first_run": second, "last_run": second},
    ]


def test_ticker_timeline_of_the_crawled_archive(archive: Path) -> None:
    with connect(archive) as con:
        rows = con.execute("SELECT runs, first_run, last_run FROM ticker_timeline").fetchall()
    assert len(rows) == 10
    assert {tuple(row) for row in rows} == {(1, 1, 1)}


def test_views_are_created_on_old_archives_and_replaced_when_changed(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    Archive(path).close()
    with sqlite3.connect(path) as con:  # an archive from before the views, and one with an outdated view
        con.execute("DROP VIEW ticker_timeline")
        con.execute("DROP VIEW article_details")
        con.execute("CREATE VIEW article_details AS SELECT id FROM articles")
    Archive(path).close()
    with sqlite3.connect(path) as con:
        stored = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    assert stored == {name: f"CREATE VIEW {name} AS\n{select}" for name, select in VIEWS.items()}
