"""The authors as rows: ``authors`` and ``article_authors``, kept in step with the ``authors``
column as ``tags`` and ``article_tags`` are with ``tags`` (new articles, new versions, held
re-fetches, re-extraction, migrated archives), and what ``newscrawl serve`` makes of them."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import pytest

from newscrawl.archive import SCHEMA_VERSION, Archive, content_hash, stored_text
from newscrawl.record.fieldchanges import decide
from tests.test_archive import article
from tests.test_archive_file import OLD_ARCHIVES, old_archive
from tests.test_serve import canned, get_html, get_json

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

FETCHED = "2025-01-01T00:00:00+00:00"
EN = "https://english.almayadeen.net/news/politics"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Archive]:
    archive = Archive(tmp_path / "archive.db")
    yield archive
    archive.close()


def byline_rows(con: sqlite3.Connection) -> dict[str, list[str]]:
    """Each article's authors as ``article_authors`` rows name them, by URL (sorted names)."""
    rows = con.execute(
        "SELECT a.url, au.name FROM articles a JOIN article_authors aa ON aa.article_id = a.id "
        "JOIN authors au ON au.id = aa.author_id ORDER BY a.url, au.name"
    )
    found: dict[str, list[str]] = {}
    for url, name in rows:
        found.setdefault(url, []).append(name)
    return found


def byline_column(con: sqlite3.Connection) -> dict[str, list[str]]:
    """Each article's authors as its ``authors`` column names them, by URL (sorted, each once)."""
    rows = con.execute("SELECT url, authors FROM articles ORDER BY url")
    return {url: sorted(set(json.loads(authors))) for url, authors in rows if json.loads(authors or "[]")}


def bylines(archive: Archive) -> dict[str, list[str]]:
    """The archive's bylines by URL, after checking the rows and the column agree."""
    con = archive.db.conn
    assert byline_rows(con) == byline_column(con)
    return byline_rows(con)


def author_names(con: sqlite3.Connection) -> list[str]:
    return [name for (name,) in con.execute("SELECT name FROM authors ORDER BY id")]


# --- storing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authors", "rows"),
    [
        (["Al Mayadeen English"], ["Al Mayadeen English"]),
        (["Tarek Saad", "Omar Khalil"], ["Omar Khalil", "Tarek Saad"]),
        (["Tarek Saad", "Tarek Saad"], ["Tarek Saad"]),  # a byline naming one twice: one row
        (["الميادين"], ["الميادين"]),
        ([], None),
    ],
)
def test_a_new_article_gets_a_row_per_author(db: Archive, authors: list[str], rows: list[str] | None) -> None:
    assert db.store_articles([article(authors=authors)], FETCHED)["new"] == 1
    url = article().url
    assert bylines(db) == ({url: rows} if rows else {})
    assert author_names(db.db.conn) == list(dict.fromkeys(authors))


def test_articles_sharing_an_author_share_its_row(db: Archive) -> None:
    items = [
        article(url=f"{EN}/first-story-of-a-shared-byline", post_id="1", authors=["Tarek Saad"]),
        article(url=f"{EN}/second-story-of-a-shared-byline", post_id="2", authors=["Karim Nasser", "Tarek Saad"]),
    ]
    db.store_articles(items, FETCHED)
    assert bylines(db) == {items[0].url: ["Tarek Saad"], items[1].url: ["Karim Nasser", "Tarek Saad"]}
    assert author_names(db.db.conn) == ["Tarek Saad", "Karim Nasser"]
    with pytest.raises(sqlite3.IntegrityError):
        db.db.execute("INSERT INTO authors (name) VALUES ('Tarek Saad')")


#: One article fetched again and again: its byline each time, the outcome, the byline it then has.
REFETCHES = [
    (["Al Mayadeen English"], "new", ["Al Mayadeen English"]),
    (["Al Mayadeen English", "Tarek Saad"], "changed", ["Al Mayadeen English", "Tarek Saad"]),
    (["Tarek Saad"], "changed", ["Tarek Saad"]),
    (["Tarek Saad"], "unchanged", ["Tarek Saad"]),
    ([], "held", ["Tarek Saad"]),  # a byline gone reads as a damaged page: nothing changes
    (["Omar Khalil", "Tarek Saad"], "changed", ["Omar Khalil", "Tarek Saad"]),
]


def test_a_new_version_replaces_the_articles_author_rows(db: Archive) -> None:
    url = article().url
    for day, (authors, outcome, now) in enumerate(REFETCHES, start=1):
        counts = db.store_articles([article(authors=authors)], f"2025-01-{day:02d}T00:00:00+00:00")
        assert counts[outcome] == 1, (authors, counts)
        assert bylines(db) == {url: now}, authors
    assert author_names(db.db.conn) == ["Al Mayadeen English", "Tarek Saad", "Omar Khalil"]  # names stay, as tags do
    versions = db.db.execute("SELECT version, authors FROM article_versions ORDER BY version").fetchall()
    assert [(v, json.loads(a)) for v, a in versions] == [
        (1, ["Al Mayadeen English"]),
        (2, ["Al Mayadeen English", "Tarek Saad"]),
        (3, ["Tarek Saad"]),
    ]


@pytest.mark.parametrize(
    ("authors", "outcome", "now"),
    [
        (["Karim Nasser"], "version", ["Karim Nasser"]),
        (["Al Mayadeen English", "Karim Nasser"], "version", ["Al Mayadeen English", "Karim Nasser"]),
        (["Al Mayadeen English"], "unchanged", ["Al Mayadeen English"]),
    ],
)
def test_a_reextraction_replaces_the_articles_author_rows(db: Archive, authors: list[str], outcome: str, now: list[str]) -> None:
    db.store_articles([article()], FETCHED)
    article_id = db.db.execute("SELECT id FROM articles").fetchone()[0]
    item = article(authors=authors)
    decision = decide(stored_text(db.db.conn, article_id), item, content_hash(item))
    assert decision.outcome == outcome
    db.store_reextracted([(article_id, dataclasses.replace(item, related=[]), decision.values, outcome == "version")])
    assert bylines(db) == {item.url: now}
    reasons = [r for (r,) in db.db.execute("SELECT reason FROM article_versions")]
    assert reasons == (["reextract"] if outcome == "version" else [])


def test_a_crawl_stores_every_byline_as_rows(archive: Path) -> None:
    with closing(sqlite3.connect(f"{archive.resolve().as_uri()}?mode=ro", uri=True)) as con:
        rows, column = byline_rows(con), byline_column(con)
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert rows == column
    assert len(rows) >= articles // 2  # most fixture pages have a byline
    assert rows[f"{EN[: EN.index('/news')]}/news/politics/russian-intel-reveals-us-urging--israel--to-expedite-genocid"] == [
        "Al Mayadeen English"
    ]


# --- archives from before the tables -------------------------------------------------------------


def test_an_archive_of_version_2_gets_its_author_rows_from_the_column(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    items = [
        article(url=f"{EN}/first-story-of-a-shared-byline", post_id="1", authors=["Tarek Saad"]),
        article(url=f"{EN}/second-story-of-a-shared-byline", post_id="2", authors=["Karim Nasser", "Tarek Saad", "Tarek Saad"]),
        article(url=f"{EN}/a-story-without-a-byline-at-all", post_id="3", authors=[]),
        article(url=f"{EN}/a-story-of-the-arabic-edition", post_id="4", authors=["الميادين"]),
    ]
    archive = Archive(path)
    archive.store_articles(items, FETCHED)
    archive.close()
    with closing(sqlite3.connect(path)) as con:  # as version 2 left it: the column only
        con.execute("DROP TABLE article_authors")
        con.execute("DROP TABLE authors")
        con.execute("UPDATE articles SET authors = NULL WHERE post_id = '3'")  # as stored before the column had []
        con.execute("PRAGMA user_version = 2")
        con.commit()
    archive = Archive(path, exclusive=True)
    try:
        assert bylines(archive) == {
            items[0].url: ["Tarek Saad"],
            items[1].url: ["Karim Nasser", "Tarek Saad"],
            items[3].url: ["الميادين"],
        }
        assert author_names(archive.db.conn) == ["Tarek Saad", "Karim Nasser", "الميادين"]
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        # and the migrated rows are kept in step afterwards
        archive.store_articles([dataclasses.replace(items[0], authors=["Omar Khalil"])], "2025-01-02T00:00:00+00:00")
        assert bylines(archive)[items[0].url] == ["Omar Khalil"]
    finally:
        archive.close()


@pytest.mark.parametrize("name", OLD_ARCHIVES)
def test_an_archive_from_before_versions_gets_its_author_rows(tmp_path: Path, name: str) -> None:
    path = tmp_path / "a.db"
    old_archive(path, name)
    archive = Archive(path, exclusive=True)
    try:
        url = f"{EN}/an-article-archived-before-schema-versions"
        assert bylines(archive) == {url: ["Al Mayadeen English"]}
    finally:
        archive.close()


def test_the_tables_are_made_as_the_tag_tables_are(db: Archive) -> None:
    def shape(table: str) -> tuple[object, ...]:
        t = db.db[table]
        keys = sorted((fk.column, fk.other_table) for fk in t.foreign_keys)  # type: ignore[union-attr]
        return (t.pks, keys, sorted((i.columns, i.unique) for i in t.indexes))  # type: ignore[union-attr]

    assert shape("authors") == shape("tags") == (["id"], [], [(["name"], 1)])
    assert shape("article_authors") == (
        ["article_id", "author_id"],
        [("article_id", "articles"), ("author_id", "authors")],
        [(["article_id", "author_id"], 1), (["author_id"], 0)],
    )
    assert shape("article_tags") == (
        ["article_id", "tag_id"],
        [("article_id", "articles"), ("tag_id", "tags")],
        [(["article_id", "tag_id"], 1), (["tag_id"], 0)],
    )


# --- newscrawl serve ---------------------------------------------------------------------------

#: The served archive's articles: URL slug, publication time, byline.
SERVED = [
    ("an-english-story-of-2023", "2023-11-13T20:45:00+02:00", ["Al Mayadeen English"]),
    ("a-story-by-two-in-july", "2025-07-01T10:00:00+03:00", ["Tarek Saad", "Al Mayadeen English"]),
    ("a-story-by-one-in-july", "2025-07-02T09:00:00+03:00", ["Tarek Saad"]),
    ("a-story-without-a-byline", "2025-07-03T09:00:00+03:00", []),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("authors") / "archive.db"
    archive = Archive(path)
    archive.store_articles(
        [
            article(url=f"{EN}/{slug}", post_id=str(n), headline=f"Headline of {slug}", published_at=published, authors=authors)
            for n, (slug, published, authors) in enumerate(SERVED)
        ],
        FETCHED,
    )
    archive.close()
    return path


def test_articles_have_an_author_facet(served: Path) -> None:
    data = get_json(served, "/archive/articles.json?_size=0")
    assert {v["value"]: v["count"] for v in data["facet_results"]["authors"]["results"]} == {
        "Al Mayadeen English": 2,
        "Tarek Saad": 2,
    }


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("", "", [{"author": "Al Mayadeen English", "articles": 2}, {"author": "Tarek Saad", "articles": 2}]),
        ("2025-01-01", "", [{"author": "Tarek Saad", "articles": 2}, {"author": "Al Mayadeen English", "articles": 1}]),
        ("", "2024-12-31", [{"author": "Al Mayadeen English", "articles": 1}]),
        ("2025-07-03", "", []),
    ],
)
def test_top_authors_in_a_date_range(served: Path, since: str, until: str, expected: list[dict[str, object]]) -> None:
    assert canned(served, "top_authors", since=since, until=until) == expected


@pytest.mark.parametrize(
    ("author", "slugs"),
    [
        ("Tarek Saad", ["a-story-by-one-in-july", "a-story-by-two-in-july"]),
        ("Al Mayadeen English", ["a-story-by-two-in-july", "an-english-story-of-2023"]),
        ("Nobody", []),
        ("", []),
    ],
)
def test_articles_by_author_lists_an_authors_articles_newest_first(served: Path, author: str, slugs: list[str]) -> None:
    rows = canned(served, "articles_by_author", author=author)
    assert [row["url"] for row in rows] == [f"{EN}/{slug}" for slug in slugs]
    assert [row["headline"] for row in rows] == [f"Headline of {slug}" for slug in slugs]


def test_an_authors_page_links_its_articles(served: Path) -> None:
    author_id = get_json(served, "/archive/authors.json?name=Tarek+Saad&_shape=array")[0]["id"]
    assert f'href="/archive/article_authors?author_id={author_id}"' in get_html(served, f"/archive/authors/{author_id}")
    rows = get_json(served, f"/archive/article_authors.json?author_id={author_id}&_shape=array&_labels=on")
    assert sorted(row["article_id"]["label"] for row in rows) == [
        "Headline of a-story-by-one-in-july",
        "Headline of a-story-by-two-in-july",
    ]
