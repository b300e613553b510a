"""The archive module on a real SQLite file: inserts, re-stores, children, ticker history, FTS."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

import pytest

from newscrawl.archive import Archive, ArchiveError, ArchiveState
from newscrawl.items import ArticleItem, Caption, GoneItem, RelatedLink, TickerItem

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

EN = "https://english.almayadeen.net"


def article(**changes: object) -> ArticleItem:
    base = ArticleItem(
        url=f"{EN}/news/politics/russian-intel-reveals-us-urging--israel--to-expedite-genocid",
        headline="Russian intel reveals US urging 'Israel' to expedite genocide in Gaza",
        post_id="1700001",
        content_type="news",
        section="Politics",
        lead="The US has been effectively urging...",
        body="First paragraph.\n\nThe SVR's press office mentioned ... 'pharisaism,' against the backdrop.",
        authors=["Al Mayadeen English"],
        source="TASS",
        published_at="2023-11-13T20:45:00+02:00",
        published_raw="13 Nov 2023 20:45",
        tags=["genocide in Gaza", "Israel", "US"],
        captions=[Caption("Palestinians evacuate a wounded man", "AP Photo/Mohammed Dahman", "https://media.example/1.jpg")],
        related=[RelatedLink(f"{EN}/news/politics/other-story-with-a-long-slug-here", "read_more")],
        read_time_min=4,
        share_count=5,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Archive]:
    archive = Archive(tmp_path / "sub" / "archive.db")
    yield archive
    archive.close()


def counts(archive: Archive) -> dict[str, int]:
    return {t: archive.db[t].count for t in ("articles", "tags", "article_tags", "captions", "links")}


def test_new_article_with_children(db: Archive) -> None:
    assert db.store_articles([article()], "2025-01-01T00:00:00+00:00") == {"new": 1, "changed": 0, "unchanged": 0, "held": 0}
    assert counts(db) == {"articles": 1, "tags": 3, "article_tags": 3, "captions": 1, "links": 1}
    row = next(db.db.query("SELECT * FROM articles"))
    assert json.loads(row["tags"]) == ["genocide in Gaza", "Israel", "US"]
    assert json.loads(row["authors"]) == ["Al Mayadeen English"]
    assert row["first_seen_at"] == row["last_fetched_at"] == "2025-01-01T00:00:00+00:00"
    assert db.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unchanged_article_adds_no_rows(db: Archive) -> None:
    db.store_articles([article()], "2025-01-01T00:00:00+00:00")
    before = counts(db)
    result = db.store_articles([article(share_count=9)], "2025-01-02T00:00:00+00:00")
    assert result == {"new": 0, "changed": 0, "unchanged": 1, "held": 0}
    assert counts(db) == before
    row = next(db.db.query("SELECT * FROM articles"))
    assert (row["share_count"], row["first_seen_at"], row["last_fetched_at"]) == (
        9,
        "2025-01-01T00:00:00+00:00",
        "2025-01-02T00:00:00+00:00",
    )


def test_view_count_is_stored_and_refreshed_like_shares(db: Archive) -> None:
    db.store_articles([article(edition="es", view_count=20)], "2025-01-01T00:00:00+00:00")
    assert next(db.db.query("SELECT view_count FROM articles"))["view_count"] == 20
    result = db.store_articles([article(edition="es", view_count=25)], "2025-01-02T00:00:00+00:00")
    assert result["unchanged"] == 1
    assert next(db.db.query("SELECT view_count FROM articles"))["view_count"] == 25


def test_changed_article_replaces_children(db: Archive) -> None:
    db.store_articles([article()], "2025-01-01T00:00:00+00:00")
    result = db.store_articles([article(tags=["Israel"], captions=[])], "2025-01-02T00:00:00+00:00")
    assert result["changed"] == 1
    assert counts(db) == {"articles": 1, "tags": 3, "article_tags": 1, "captions": 0, "links": 1}


def test_each_text_change_keeps_the_previous_text_as_a_version(db: Archive) -> None:
    db.store_articles([article()], "2025-01-01T00:00:00+00:00")
    db.store_articles([article(headline="Edited headline", share_count=7)], "2025-01-02T00:00:00+00:00")
    db.store_articles([article(headline="Edited headline", share_count=9)], "2025-01-03T00:00:00+00:00")  # counters only
    db.store_articles([article(headline="Edited again", captions=[])], "2025-01-04T00:00:00+00:00")
    versions = list(db.db.query("SELECT * FROM article_versions ORDER BY version"))
    assert [(v["version"], v["headline"], v["fetched_at"]) for v in versions] == [
        (1, "Russian intel reveals US urging 'Israel' to expedite genocide in Gaza", "2025-01-01T00:00:00+00:00"),
        (2, "Edited headline", "2025-01-03T00:00:00+00:00"),
    ]
    assert json.loads(versions[0]["captions"]) == [
        {
            "text": "Palestinians evacuate a wounded man",
            "credit": "AP Photo/Mohammed Dahman",
            "image_url": "https://media.example/1.jpg",
        }
    ]
    assert json.loads(versions[1]["captions"]) == json.loads(versions[0]["captions"])
    assert json.loads(versions[0]["tags"]) == ["genocide in Gaza", "Israel", "US"]
    assert versions[0]["content_hash"] != versions[1]["content_hash"]
    row = next(db.db.query("SELECT * FROM articles"))
    assert (row["headline"], row["version"], row["last_fetched_at"]) == ("Edited again", 3, "2025-01-04T00:00:00+00:00")


def test_unchanged_text_refreshes_filing_counters_and_links_without_a_version(db: Archive) -> None:
    db.store_articles([article()], "2025-01-01T00:00:00+00:00")
    moved = article(
        section="Opinion",
        modified_at="2025-01-02T08:00:00+02:00",
        related=[RelatedLink(f"{EN}/news/politics/a-newer-story-with-a-long-slug", "related")],
    )
    assert db.store_articles([moved], "2025-01-02T00:00:00+00:00") == {"new": 0, "changed": 0, "unchanged": 1, "held": 0}
    row = next(db.db.query("SELECT * FROM articles"))
    assert (row["section"], row["modified_at"], row["version"]) == ("Opinion", "2025-01-02T08:00:00+02:00", 1)
    assert [r["kind"] for r in db.db.query("SELECT kind FROM links")] == ["related"]
    assert db.db["article_versions"].count == 0


def test_same_post_id_under_another_url_is_the_same_article(db: Archive) -> None:
    db.store_articles([article()], "2025-01-01T00:00:00+00:00")
    db.store_articles(
        [article(url=f"{EN}/news/politics/russian-intel-reveals-us-urging-israel-to-expedite-genocide")],
        "2025-01-02T00:00:00+00:00",
    )
    assert db.db["articles"].count == 1


def test_full_text_search_follows_writes(db: Archive) -> None:
    db.store_articles([article()], "2025-01-01T00:00:00+00:00")
    hits = list(db.db.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'pharisaism'"))
    assert len(hits) == 1
    db.store_articles(
        [article(body="First paragraph.\n\nThe SVR's press office said, in a rewritten sentence without that word.")],
        "2025-01-02T00:00:00+00:00",
    )
    assert list(db.db.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'pharisaism'")) == []


def test_ticker_lines_counted_once_per_run(db: Archive) -> None:
    line = TickerItem(
        text="Israeli media outlet: Security incident",
        edition="en",
        seen_at="2025-07-09T10:00:00+00:00",
        attribution="Israeli media outlet",
    )
    assert db.record_ticker([line]) == 1
    assert db.record_ticker([dataclasses.replace(line, seen_at="2025-07-09T11:00:00+00:00")]) == 0
    row = next(db.db.query("SELECT * FROM breaking"))
    assert (row["first_seen_at"], row["last_seen_at"], row["seen_count"]) == (
        "2025-07-09T10:00:00+00:00",
        "2025-07-09T11:00:00+00:00",
        2,
    )
    db.record_ticker([dataclasses.replace(line, edition="ar")])
    assert db.db["breaking"].count == 2


def test_ticker_history_per_run(db: Archive) -> None:
    first, second, third = (db.start_run("almayadeen", {}) for _ in range(3))
    stays = TickerItem(text="Line that stays", edition="en", seen_at="2025-07-09T10:00:00+00:00")
    goes = TickerItem(text="Line that goes and comes back", edition="en", seen_at="2025-07-09T10:00:00+00:00")
    db.record_ticker([stays, goes], first)
    db.record_ticker([dataclasses.replace(stays, seen_at="2025-07-09T11:00:00+00:00")], second)
    frozen = next(db.db.query("SELECT last_seen_at FROM breaking WHERE text = ?", [goes.text]))["last_seen_at"]
    assert frozen == "2025-07-09T10:00:00+00:00"
    db.record_ticker([dataclasses.replace(goes, seen_at="2025-07-09T12:00:00+00:00")], third)
    rows = {r["text"]: r for r in db.db.query("SELECT * FROM breaking")}
    assert len(rows) == 2
    assert (rows[goes.text]["last_seen_at"], rows[goes.text]["seen_count"]) == ("2025-07-09T12:00:00+00:00", 2)
    sightings = db.db.execute(
        "SELECT b.text, s.run_id FROM breaking_sightings s JOIN breaking b ON b.id = s.breaking_id ORDER BY s.run_id, b.text"
    ).fetchall()
    assert sightings == [(goes.text, first), (stays.text, first), (stays.text, second), (goes.text, third)]


def test_crawl_run_record(db: Archive) -> None:
    run = db.start_run("almayadeen", {"max_articles": 3})
    stats = {"finish_reason": "blocked", "downloader/request_count": 12, "newscrawl/articles_new": 3, "log_count/ERROR": 1}
    db.finish_run(run, "blocked", stats)
    row = next(db.db.query("SELECT * FROM crawl_runs"))
    assert row["status"] == "blocked"
    assert json.loads(row["args"]) == {"max_articles": 3}
    assert json.loads(row["stats"]) == stats
    assert row["finished_at"] is not None
    counts = {k: row[k] for k in ("requests", "new_articles", "new_versions", "unchanged", "errors", "ticker_lines")}
    assert counts == {"requests": 12, "new_articles": 3, "new_versions": 0, "unchanged": 0, "errors": 1, "ticker_lines": 0}


@pytest.mark.parametrize("where", ["under_a_file", "a_directory"])
def test_unwritable_location_is_a_clear_error(tmp_path: Path, where: str) -> None:
    # Permission bits do not stop root (CI runs as root), so use failures root meets too.
    (tmp_path / "file").write_text("not a folder")
    (tmp_path / "folder").mkdir()
    path = tmp_path / "file" / "archive.db" if where == "under_a_file" else tmp_path / "folder"
    with pytest.raises(ArchiveError, match=rf"cannot write archive {path}: "):
        Archive(path)


def test_reopening_keeps_data_and_schema(tmp_path: Path) -> None:
    first = Archive(tmp_path / "a.db")
    first.store_articles([article()], "2025-01-01T00:00:00+00:00")
    first.close()
    second = Archive(tmp_path / "a.db")
    assert second.db["articles"].count == 1
    second.close()


@pytest.mark.parametrize(
    ("stored_lastmod", "fetched_at", "lastmod", "current"),
    [
        ("2025-07-13T20:30:00+03:00", "2025-07-14T00:00:00+00:00", "2025-07-13T20:30:00+03:00", True),  # same entry
        ("2025-07-13T20:30:00+03:00", "2025-08-01T00:00:00+00:00", "2025-07-20T09:00:00+03:00", False),  # entry changed
        (None, "2025-07-20T07:00:00+00:00", "2025-07-20T09:00:00+03:00", True),  # fetched an hour after the edit
        (None, "2025-07-20T06:30:00+00:00", "2025-07-20T09:00:00+03:00", False),  # too close to tell
        (None, "2025-07-01T00:00:00+00:00", None, True),  # no lastmod: archived is enough
    ],
)
def test_archive_state_knows_the_sitemap_version(
    tmp_path: Path, stored_lastmod: str | None, fetched_at: str, lastmod: str | None, current: bool
) -> None:
    archive = Archive(tmp_path / "a.db")
    archive.store_articles([article(sitemap_lastmod=stored_lastmod)], fetched_at)
    archive.close()
    state = ArchiveState(tmp_path / "a.db")
    assert state.has_version(article().url, lastmod) is current
    assert not state.has_version(f"{EN}/news/politics/never-archived-story-with-a-long-slug", lastmod)
    state.close()


def test_archive_state_of_a_missing_file(tmp_path: Path) -> None:
    state = ArchiveState(tmp_path / "none.db")
    assert not state.is_archived(article().url)
    assert state.recent_articles("en", "2025-01-01T00:00:00+00:00") == []
    assert not state.last_run_complete("almayadeen", "en", "menus")
    assert state.gone_at(article().url) is None
    assert not (tmp_path / "none.db").exists()


def test_listing_fetch_keeps_what_a_sitemap_said(db: Archive) -> None:
    news = {"title": "A story", "publication_date": "2025-07-13T20:30:00+03:00", "keywords": ["Gaza"]}
    db.store_articles([article(sitemap_lastmod="2025-07-13T20:30:00+03:00", sitemap_news=news)], "2025-07-14T00:00:00+00:00")
    db.store_articles([article(share_count=8)], "2025-07-15T00:00:00+00:00")
    db.store_articles([article(headline="Edited")], "2025-07-16T00:00:00+00:00")
    row = next(db.db.query("SELECT sitemap_lastmod, sitemap_news FROM articles"))
    assert row["sitemap_lastmod"] == "2025-07-13T20:30:00+03:00"
    assert json.loads(row["sitemap_news"]) == news


def test_gone_articles_are_recorded_spell_by_spell(db: Archive) -> None:
    url, columns = article().url, "status, first_gone_at, last_gone_at, times_gone, run_id, returned_at"
    runs = [db.start_run("almayadeen", {"edition": "en"}) for _ in range(3)]
    db.store_articles([article()], "2025-07-14T00:00:00+00:00")
    stored = next(db.db.query("SELECT * FROM articles"))

    def gone() -> tuple[object, ...]:
        return tuple(db.db.execute(f"SELECT {columns} FROM gone_articles WHERE url = ?", [url]).fetchone())

    def state_says() -> str | None:
        state = ArchiveState(db.path)
        try:
            return state.gone_at(url)
        finally:
            state.close()

    db.record_gone(GoneItem(url=url, status=404, seen_at="2025-07-15T00:00:00+00:00"), runs[0])
    assert gone() == (404, "2025-07-15T00:00:00+00:00", "2025-07-15T00:00:00+00:00", 1, runs[0], None)
    assert state_says() == "2025-07-15T00:00:00+00:00"
    db.record_gone(GoneItem(url=url, status=410, seen_at="2025-08-15T00:00:00+00:00"), runs[1])
    assert gone() == (410, "2025-07-15T00:00:00+00:00", "2025-08-15T00:00:00+00:00", 2, runs[1], None)
    assert next(db.db.query("SELECT * FROM articles")) == stored  # what was archived stays
    # it answers again: stored as any re-fetch, and no longer gone
    db.store_articles([article()], "2025-09-15T00:00:00+00:00")
    assert gone() == (410, "2025-07-15T00:00:00+00:00", "2025-08-15T00:00:00+00:00", 2, runs[1], "2025-09-15T00:00:00+00:00")
    assert state_says() is None
    # deleted again: a new spell
    db.record_gone(GoneItem(url=url, status=404, seen_at="2025-10-15T00:00:00+00:00"), runs[2])
    assert gone() == (404, "2025-10-15T00:00:00+00:00", "2025-10-15T00:00:00+00:00", 1, runs[2], None)
    assert state_says() == "2025-10-15T00:00:00+00:00"


def test_archive_state_of_an_archive_from_before_gone_articles(db: Archive) -> None:
    db.store_articles([article()], "2025-07-14T00:00:00+00:00")
    db.db.execute("DROP TABLE gone_articles")
    state = ArchiveState(db.path)
    assert state.gone_at(article().url) is None
    assert state.is_archived(article().url)
    state.close()


BODY = "\n\n".join(f"Paragraph {n} of the article, with what happened and who said it." for n in range(1, 7))


@pytest.mark.parametrize(
    ("changes", "outcome", "reason"),
    [
        ({"body": BODY.replace("who said it", "who confirmed it")}, "changed", None),
        ({"body": BODY + "\n\nParagraph 7, added by an update."}, "changed", None),
        ({"headline": "A corrected headline"}, "changed", None),
        ({"body": BODY[: len(BODY) // 3]}, "held", f"body much shorter: {len(BODY) // 3} characters, {len(BODY)} stored"),
        ({"headline": None}, "held", "headline gone"),
        ({"authors": []}, "held", "byline gone"),
        ({"body": BODY.replace("\n\n", " ")}, "held", "paragraphs lost: 1, 6 stored"),
    ],
    ids=[
        "sentence-edited",
        "paragraph-added",
        "headline-edited",
        "body-cut",
        "headline-gone",
        "byline-gone",
        "paragraphs-merged",
    ],
)
def test_a_refetch_that_looks_damaged_is_held_not_made_a_version(
    db: Archive, caplog: pytest.LogCaptureFixture, changes: dict[str, object], outcome: str, reason: str | None
) -> None:
    db.store_articles([article(body=BODY)], "2025-01-01T00:00:00+00:00")
    result = db.store_articles([article(**{"body": BODY, **changes})], "2025-01-02T00:00:00+00:00")
    assert result == {"new": 0, "changed": 0, "unchanged": 0, "held": 0, outcome: 1}
    row = next(db.db.query("SELECT * FROM articles"))
    held = list(db.db.query("SELECT * FROM held_fetches"))
    if outcome == "changed":
        assert (row["version"], row["last_fetched_at"], held) == (2, "2025-01-02T00:00:00+00:00", [])
        return
    assert (row["version"], row["body"], row["last_fetched_at"]) == (1, BODY, "2025-01-01T00:00:00+00:00")
    assert db.db["article_versions"].count == 0
    assert [(h["article_id"], h["url"], h["fetched_at"], h["reason"]) for h in held] == [
        (row["id"], row["url"], "2025-01-02T00:00:00+00:00", reason)
    ]
    assert held[0]["body"] == changes.get("body", BODY)
    assert f"article {row['url']} re-fetched looking damaged, stored text kept (held_fetches): {reason}" in caplog.messages
