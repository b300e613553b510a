"""The article page of ``newscrawl serve`` (``/archive/articles/<id>``): the word diff of its
history, what :func:`newscrawl.desk.article_page.article_page` reads of an archive written by the
crawl's own store functions, and the page in a headless Chromium: the seed article of the crawled
mirror, a revised article's diff, an Arabic article right to left; any other row page is
Datasette's own."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import pytest

from newscrawl.archive import Archive
from newscrawl.desk import article_page as article_page_module
from newscrawl.desk import edits
from newscrawl.desk.article_page import (
    Change,
    Image,
    Link,
    Moment,
    Named,
    article_page,
    crawl_time,
    direction,
    elided,
    local_time,
    paragraphs,
)
from newscrawl.desk.edits import Op, names_diff, word_diff
from newscrawl.items import TickerItem
from newscrawl.warc import Capture
from tests.conftest import serving
from tests.test_archive import article
from tests.test_desk_editions import ARTICLES, GAZA_AR

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from newscrawl.desk.article_page import ArticlePage
    from tests.conftest import Page

EN = "https://english.almayadeen.net"
LINKED = f"{EN}/news/politics/other-story-with-a-long-slug-here"  # article()'s "read more" link
ELSEWHERE = "https://www.example.org/world/a-story"  # a page of another site (the news spider's)
HOSTILE = f"{EN}/news/politics/markup-in-its-text"
HOSTILE_BODY = "<b>bold</b>\n\n<img src=x onerror=alert(1)>"
FIRST, REVISED, LAST = "2025-01-01T00:00:00+00:00", "2025-01-02T00:00:00+00:00", "2025-01-03T00:00:00+00:00"
NEW_HEADLINE = "Russian intel reveals US pressing 'Israel' to expedite genocide in Gaza"
ARABIC_PARAGRAPHS = ["أكّدت مصادرُ طبّيّةٌ في غزّة أنّ القصفَ طالَ محيطَ المستشفى.", "وقالَ الدّفاعُ المدنيُّ إنّ فرقَه تعملُ على إنقاذِ الجرحى."]
NEW_BODY = "First paragraph.\n\nThe SVR's press office said ... 'pharisaism,' against the backdrop.\n\nA new paragraph."


# --- the word diff ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "pieces"),
    [
        ("a b c", "a b c", [("equal", "a b c")]),
        ("a b c", "a x c", [("equal", "a"), ("delete", "b"), ("insert", "x"), ("equal", "c")]),
        ("a b c", "a b c d", [("equal", "a b c"), ("insert", "d")]),
        ("a b c", "b c", [("delete", "a"), ("equal", "b c")]),
        ("", "new words", [("insert", "new words")]),
        (None, "x", [("insert", "x")]),
        ("gone", None, [("delete", "gone")]),
        (None, None, []),
        ("one  two\nthree", "one two three", [("equal", "one two three")]),  # whitespace is no word
        # a paragraph break is kept, and is a change of its own
        ("One.\n\nTwo three.", "One.\n\nTwo four.", [("equal", "One.\n\nTwo"), ("delete", "three."), ("insert", "four.")]),
        ("One. Two.", "One.\n\nTwo.", [("equal", "One."), ("insert", "\n\n"), ("equal", "Two.")]),
        ("One.", "One.\n\nA new one.", [("equal", "One."), ("insert", "\n\nA new one.")]),
        ("غزة اليوم", "غزّة اليوم", [("delete", "غزة"), ("insert", "غزّة"), ("equal", "اليوم")]),
    ],
)
def test_word_diff(old: str | None, new: str | None, pieces: list[tuple[Op, str]]) -> None:
    assert word_diff(old, new) == pieces


@pytest.mark.parametrize(
    ("old", "new", "pieces"),
    [
        ("a b c d", "a x y d", [("equal", "a"), ("delete", "b c"), ("insert", "x y"), ("equal", "d")]),  # 2 x 2 words: within
        # 3 x 3 changed words in one paragraph: too many to compare, replaced whole (what begins and ends alike kept)
        ("p q r s t", "p x y z t", [("equal", "p"), ("delete", "q r s"), ("insert", "x y z"), ("equal", "t")]),
        # as many paragraphs each side: compared paragraph by paragraph
        (
            "a b c\n\nd e f",
            "a x c\n\nd y f",
            [
                ("equal", "a"),
                ("delete", "b"),
                ("insert", "x"),
                ("equal", "c\n\nd"),
                ("delete", "e"),
                ("insert", "y"),
                ("equal", "f"),
            ],
        ),
        ("a b c", "x y\n\nz w", [("delete", "a b c"), ("insert", "x y\n\nz w")]),
    ],
)
def test_word_diff_of_too_many_words(monkeypatch: pytest.MonkeyPatch, old: str, new: str, pieces: list[tuple[Op, str]]) -> None:
    monkeypatch.setattr(edits, "WORD_DIFF_LIMIT", 4)
    assert word_diff(old, new) == pieces


@pytest.mark.parametrize(
    ("old", "new", "pieces"),
    [
        (["Gaza", "US"], ["Gaza", "Iran", "US"], [("equal", "Gaza"), ("insert", "Iran"), ("equal", "US")]),
        (["genocide in Gaza", "US"], ["US"], [("delete", "genocide in Gaza"), ("equal", "US")]),
        (["A", "B"], ["B", "A"], [("insert", "B"), ("equal", "A"), ("delete", "B")]),
        ([], [], []),
    ],
)
def test_names_diff(old: list[str], new: list[str], pieces: list[tuple[Op, str]]) -> None:
    assert names_diff(old, new) == pieces


WORDS = " ".join(f"w{i}" for i in range(30))


@pytest.mark.parametrize(
    ("pieces", "shown"),
    [
        ([("equal", WORDS)], [("equal", WORDS)]),  # no change: nothing cut
        ([("equal", WORDS), ("insert", "x")], [("equal", "… w27 w28 w29"), ("insert", "x")]),
        ([("delete", "x"), ("equal", WORDS)], [("delete", "x"), ("equal", "w0 w1 w2 …")]),
        (
            [("insert", "x"), ("equal", WORDS), ("delete", "y")],
            [("insert", "x"), ("equal", "w0 w1 w2 … w27 w28 w29"), ("delete", "y")],
        ),
        (
            [("insert", "x"), ("equal", "a b c d e f g"), ("delete", "y")],
            [("insert", "x"), ("equal", "a b c d e f g"), ("delete", "y")],
        ),
        ([("insert", "x"), ("equal", "a\n\nb c d e f g h")], [("insert", "x"), ("equal", "a\n\nb c …")]),
    ],
)
def test_long_unchanged_runs_are_cut(pieces: list[tuple[Op, str]], shown: list[tuple[Op, str]]) -> None:
    assert elided(pieces, context=3) == shown


# --- times, paragraphs, direction --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "local", "utc"),
    [
        ("2023-11-13T20:45:00+02:00", "2023-11-13 20:45 +02:00", "2023-11-13 18:45 UTC"),
        ("2023-11-13T20:52:18+02:00", "2023-11-13 20:52:18 +02:00", "2023-11-13 18:52:18 UTC"),
        ("2025-07-23T01:20:00-04:30", "2025-07-23 01:20 -04:30", "2025-07-23 05:50 UTC"),
        ("2025-01-01T00:00:00+00:00", "2025-01-01 00:00 +00:00", "2025-01-01 00:00 UTC"),
        ("2025-01-05T10:00:00", "2025-01-05 10:00", None),  # no offset: never taken for UTC
        ("2025-01-05", "2025-01-05", None),
        ("13 Nov 2023", "13 Nov 2023", None),  # as given when it does not parse
        (None, None, None),
    ],
)
def test_times(value: str | None, local: str | None, utc: str | None) -> None:
    assert (local_time(value), crawl_time(value)) == (local, utc)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("One.\n\nTwo.\n\nThree.", ["One.", "Two.", "Three."]),
        ("One.\n \nTwo.\n\n\n\n", ["One.", "Two."]),
        ("One line\nand the next", ["One line\nand the next"]),
        ("", []),
        (None, []),
    ],
)
def test_paragraphs(body: str | None, expected: list[str]) -> None:
    assert paragraphs(body) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", "rtl"), ("fa-IR", "rtl"), ("he", "rtl"), ("en", "ltr"), ("es", "ltr"), (None, "auto"), ("", "auto")],
)
def test_direction(language: str | None, expected: str) -> None:
    assert direction(language) == expected


# --- what the page reads of an archive --------------------------------------------------------


def capture(record_id: str, fetched_at: str) -> Capture:
    return Capture(article().url, fetched_at, 200, "text/html", "sha1:X", "response", record_id, "a.warc.gz", 0, 100)


def ticker_line(text: str, *seen: str, edition: str = "en") -> list[TickerItem]:
    return [TickerItem(text=text, edition=edition, seen_at=at) for at in seen]


def revised_archive(db: Path) -> Path:
    """An archive of the seed's article first fetched at ``FIRST``, revised at ``REVISED`` and
    fetched unchanged at ``LAST``; the article it links to; an article of another site whose time
    has no offset; the three editions' articles; and ticker lines around that span."""
    archive = Archive(db)
    archive.record_captures([capture("<urn:1>", FIRST), capture("<urn:2>", REVISED)])
    archive.store_articles([article()], FIRST, records={article().url: "<urn:1>"})
    revised = article(headline=NEW_HEADLINE, body=NEW_BODY, tags=["genocide in Gaza", "Israel", "US", "SVR"])
    archive.store_articles([revised], REVISED, records={article().url: "<urn:2>"})
    archive.store_articles([revised], LAST)
    archive.store_articles([article(url=LINKED, post_id="1700002", headline="The other story", related=[])], FIRST)
    archive.store_articles(
        [article(url=ELSEWHERE, post_id=None, published_at="2025-01-05T10:00:00", source=None, captions=[], related=[])], LAST
    )
    archive.store_articles(ARTICLES[1:], LAST)
    hostile = article(url=HOSTILE, post_id="1700003", headline="<script>alert(1)</script> & more", body=HOSTILE_BODY, related=[])
    archive.store_articles([hostile], LAST)
    lines = [
        *ticker_line("Before it", "2024-12-30T00:00:00+00:00", "2024-12-31T00:00:00+00:00"),
        *ticker_line("Over its first fetch", "2024-12-31T20:00:00+00:00", "2025-01-01T06:00:00+00:00"),
        *ticker_line("Between its fetches", "2025-01-02T12:00:00+00:00"),
        *ticker_line("All along", "2024-12-01T00:00:00+00:00", "2025-02-01T00:00:00+00:00"),
        *ticker_line("After its last fetch", "2025-01-04T00:00:00+00:00"),
        *ticker_line("خبر عاجل", "2025-01-02T12:00:00+00:00", edition="ar"),
        *ticker_line("خبر آخر", LAST, edition="ar"),
    ]
    archive.record_ticker(lines)
    archive.close()
    return db


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return revised_archive(tmp_path_factory.mktemp("revised") / "archive.db")


def read_page(db: Path, url: str) -> ArticlePage:
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as con:
        (article_id,) = con.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
        page = article_page(con, "/archive", article_id)
    assert page is not None
    return page


def test_the_page_holds_the_article(revised: Path) -> None:
    page = read_page(revised, article().url)
    linked = read_page(revised, LINKED)
    assert (page.headline, page.lead, page.source, page.section, page.edition, page.language, page.direction) == (
        NEW_HEADLINE, "The US has been effectively urging...", "TASS", "Politics", "en", "en", "ltr",
    )  # fmt: skip
    assert page.paragraphs == [
        "First paragraph.",
        "The SVR's press office said ... 'pharisaism,' against the backdrop.",
        "A new paragraph.",
    ]
    assert page.authors == [Named("Al Mayadeen English", "/archive/articles?authors__arraycontains=Al%20Mayadeen%20English")]
    assert [tag.name for tag in page.tags] == ["genocide in Gaza", "Israel", "US", "SVR"]
    assert page.tags[0].url == "/archive/articles?tags__arraycontains=genocide%20in%20Gaza"
    assert page.published == Moment("2023-11-13 20:45 +02:00", "2023-11-13 18:45 UTC", "2023-11-13T20:45:00+02:00")
    assert page.modified == Moment(None, None, None)
    assert page.images == [
        Image("Palestinians evacuate a wounded man", "AP Photo/Mohammed Dahman", "https://media.example/1.jpg")
    ]
    assert page.links == [Link(LINKED, "read_more", "The other story", f"/archive/articles/{linked.id}")]
    assert (page.capture, page.captured_at) == ("/archive/captures/2", "2025-01-02 00:00 UTC")
    assert (page.first_seen_at, page.last_fetched_at) == ("2025-01-01 00:00 UTC", "2025-01-03 00:00 UTC")
    assert (page.json_url, page.details_url) == (f"/archive/articles/{page.id}.json", f"/archive/article_details?id={page.id}")
    assert linked.links == []  # no links stored for it


def test_the_history_has_every_text_with_its_changes_word_by_word(revised: Path) -> None:
    page = read_page(revised, article().url)
    assert [(v.number, v.current, v.headline, v.seen_at, v.last_seen_at, v.replaced_by, v.capture) for v in page.versions] == [
        (2, True, NEW_HEADLINE, "2025-01-02 00:00 UTC", "2025-01-03 00:00 UTC", None, "/archive/captures/2"),
        (1, False, article().headline, "2025-01-01 00:00 UTC", "2025-01-01 00:00 UTC", "fetch", "/archive/captures/1"),
    ]
    assert page.versions[0].changes == [
        Change(
            "headline",
            [
                ("equal", "Russian intel reveals US"),
                ("delete", "urging"),
                ("insert", "pressing"),
                ("equal", "'Israel' to expedite genocide in Gaza"),
            ],
        ),
        Change(
            "body",
            [
                ("equal", "First paragraph.\n\nThe SVR's press office"),
                ("delete", "mentioned"),
                ("insert", "said"),
                ("equal", "... 'pharisaism,' against the backdrop."),
                ("insert", "\n\nA new paragraph."),
            ],
        ),
        Change("tags", [("equal", "genocide in Gaza, Israel, US"), ("insert", "SVR")]),
    ]
    assert page.versions[1].changes == []  # the first text


def test_only_the_latest_versions_are_diffed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(article_page_module, "DIFFED_VERSIONS", 2)
    db = tmp_path / "archive.db"
    archive = Archive(db)
    for day, word in enumerate(["one", "two", "three", "four"], start=1):
        archive.store_articles([article(body=f"The count is {word}.")], f"2025-01-0{day}T00:00:00+00:00")
    archive.close()
    page = read_page(db, article().url)
    assert [(v.number, v.diffed, [c.pieces for c in v.changes]) for v in page.versions] == [
        (4, True, [[("equal", "The count is"), ("delete", "three."), ("insert", "four.")]]),
        (3, True, [[("equal", "The count is"), ("delete", "two."), ("insert", "three.")]]),
        (2, False, []),
        (1, False, []),
    ]
    assert (page.diffed_versions, page.versions_url) == (2, f"/archive/article_versions?article_id={page.id}")


def test_the_ticker_lines_seen_while_it_was_current_latest_first(revised: Path) -> None:
    page = read_page(revised, article().url)
    assert page.has_ticker
    assert [(line.text, line.first_seen_at, line.last_seen_at) for line in page.ticker] == [
        ("All along", "2024-12-01 00:00 UTC", "2025-02-01 00:00 UTC"),
        ("Between its fetches", "2025-01-02 12:00 UTC", "2025-01-02 12:00 UTC"),
        ("Over its first fetch", "2024-12-31 20:00 UTC", "2025-01-01 06:00 UTC"),
    ]
    assert (page.ticker_count, page.ticker_from, page.ticker_until) == (3, "2025-01-01 00:00 UTC", "2025-01-03 00:00 UTC")
    assert page.ticker[0].page.startswith("/archive/breaking/")
    # the Arabic edition's article, fetched at LAST only: its own edition's line then
    arabic = read_page(revised, GAZA_AR)
    assert ([line.text for line in arabic.ticker], arabic.ticker_count) == (["خبر آخر"], 1)


def test_the_ticker_spans_the_crawls_that_fetched_it(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    archive = Archive(db)
    for started, finished in [
        ("2024-12-31T23:50:00+00:00", "2025-01-01T00:10:00+00:00"),
        ("2025-01-02T23:55:00+00:00", "2025-01-03T00:20:00+00:00"),
    ]:
        run = archive.start_run("almayadeen", {"edition": "en"})
        archive.finish_run(run, "finished", {})
        with archive.db.conn:  # the runs of that time (the clock's is now)
            archive.db.execute("UPDATE crawl_runs SET started_at = ?, finished_at = ? WHERE id = ?", [started, finished, run])
    archive.store_articles([article()], FIRST)
    archive.store_articles([article()], LAST)
    archive.record_ticker(
        [
            *ticker_line("A crawl before", "2024-12-31T12:00:00+00:00"),
            *ticker_line("On the homepage before it", "2024-12-31T23:55:00+00:00"),  # by the run that stored it
            *ticker_line("Later in its last crawl", "2025-01-03T00:10:00+00:00"),
            *ticker_line("After its last crawl", "2025-01-03T06:00:00+00:00"),
        ]
    )
    archive.close()
    page = read_page(db, article().url)
    assert [line.text for line in page.ticker] == ["Later in its last crawl", "On the homepage before it"]
    assert (page.ticker_count, page.ticker_from, page.ticker_until) == (2, "2024-12-31 23:50 UTC", "2025-01-03 00:20 UTC")


def test_the_ticker_is_capped_with_its_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "archive.db"
    archive = Archive(db)
    archive.store_articles([article()], FIRST)
    archive.store_articles([article()], LAST)
    archive.record_ticker([item for i in range(25) for item in ticker_line(f"Line {i:02d}", f"2025-01-02T{i:02d}:00:00+00:00")])
    archive.close()
    page = read_page(db, article().url)
    assert page.ticker_count == 25
    assert [line.text for line in page.ticker] == [f"Line {i:02d}" for i in range(24, 4, -1)]
    monkeypatch.setattr(article_page_module, "TICKER_COUNT_LIMIT", 22)  # counted up to one more
    assert (read_page(db, article().url).ticker_count, len(read_page(db, article().url).ticker)) == (23, 20)


def test_another_sites_article_has_no_ticker_and_no_utc_time_it_was_not_given(revised: Path) -> None:
    page = read_page(revised, ELSEWHERE)
    assert (page.has_ticker, page.ticker, page.ticker_count) == (False, [], 0)
    assert page.published == Moment("2025-01-05 10:00", None, "2025-01-05T10:00:00")
    assert (page.capture, page.source, page.images, [v.number for v in page.versions]) == (None, None, [], [1])


def test_an_arabic_article_reads_right_to_left(revised: Path) -> None:
    page = read_page(revised, GAZA_AR)
    assert (page.language, page.direction, page.edition, page.section) == ("ar", "rtl", "ar", "سياسة")
    assert page.paragraphs == ARABIC_PARAGRAPHS
    assert page.tags[0] == Named("غزة", "/archive/articles?tags__arraycontains=%D8%BA%D8%B2%D8%A9")


def test_an_older_archive_has_its_pages_too(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    archive = Archive(db)
    archive.store_articles([article()], FIRST)
    archive.store_articles([article(headline=NEW_HEADLINE)], REVISED)
    archive.close()
    with closing(sqlite3.connect(db)) as con, con:  # what serve may read: newer columns and tables missing
        for column in ("published_at_utc", "modified_at_utc"):
            con.execute(f"DROP INDEX idx_articles_{column}")
            con.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        con.execute("DROP INDEX idx_articles_edits")
        con.execute("DROP INDEX idx_article_versions_edits")
        for table in ("articles", "article_versions"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN text_seen_at")
            con.execute(f"ALTER TABLE {table} DROP COLUMN capture_id")
        for table in ("captures", "crawl_runs", "breaking_sightings", "breaking"):
            con.execute(f"DROP TABLE {table}")
    page = read_page(db, article().url)
    assert page.published == Moment("2023-11-13 20:45 +02:00", "2023-11-13 18:45 UTC", "2023-11-13T20:45:00+02:00")
    assert [(v.number, v.seen_at, v.last_seen_at, v.capture, [c.field for c in v.changes]) for v in page.versions] == [
        (2, None, "2025-01-02 00:00 UTC", None, ["headline"]),
        (1, None, "2025-01-01 00:00 UTC", None, []),
    ]
    assert (page.capture, page.has_ticker, page.ticker) == (None, False, [])


@pytest.mark.parametrize(
    ("url", "edition", "has"),
    [
        ("https://english.almayadeen.net/news/politics/a-story", "en", True),
        ("https://www.almayadeen.net/news/politics/a-story", "ar", True),
        ("https://english.almayadeen.net/news/politics/a-story", "ar", False),  # stored as another edition
        ("https://www.meridianpost.example/world/a-story", "en", False),  # a profile's site without a ticker
        (ELSEWHERE, "en", False),  # the news spider's: an edition that is a language
    ],
)
def test_which_articles_have_a_ticker(url: str, edition: str, has: bool) -> None:
    assert article_page_module._has_ticker(url, edition) is has


def test_no_such_article(revised: Path) -> None:
    with closing(sqlite3.connect(revised)) as con:
        assert article_page(con, "/archive", 999_999) is None


# --- in the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_revised(revised: Path) -> Iterator[str]:
    yield from serving(revised)


def article_id(db: Path, where: str, *params: object) -> int:
    with closing(sqlite3.connect(db)) as con:
        return int(con.execute(f"SELECT id FROM articles WHERE {where}", params).fetchone()[0])


def texts(page: Page, selector: str) -> list[str]:
    return [text.strip() for text in page.page.locator(selector).all_inner_texts()]


def test_the_seed_article_page(served: str, archive: Path, page: Page) -> None:
    seed = article_id(archive, "source = 'TASS'")
    with closing(sqlite3.connect(archive)) as con:
        headline, body, capture_id = con.execute(
            "SELECT headline, body, capture_id FROM articles WHERE id = ?", [seed]
        ).fetchone()
    page.page.goto(f"{served}archive/articles/{seed}")
    assert texts(page, "h1.headline") == [headline] == ["Russian intel reveals US urging 'Israel' to expedite genocide in Gaza"]
    assert texts(page, ".byline a") == ["Al Mayadeen English"]
    assert (texts(page, "dd.source"), texts(page, "dd.section"), texts(page, "dd.region"), texts(page, "dd.coverage")) == (
        ["TASS"], ["Politics"], ["Palestine"], ["War on Gaza"],
    )  # fmt: skip
    assert (texts(page, ".published .local"), texts(page, ".published .utc")) == (
        ["2023-11-13 20:45 +02:00"],
        ["2023-11-13 18:45 UTC"],
    )
    assert (texts(page, ".modified .local"), texts(page, ".modified .utc")) == (
        ["2023-11-13 20:52:18 +02:00"], ["2023-11-13 18:52:18 UTC"],
    )  # fmt: skip
    assert texts(page, "figcaption .caption") == [
        "Palestinians evacuate a wounded man following an Israeli airstrike in Khan Younis refugee camp, southern Gaza Strip, "
        "Monday, Nov. 13, 2023"
    ]
    assert texts(page, "figcaption .credit") == ["(AP Photo/Mohammed Dahman)"]
    shown = texts(page, ".body p")
    assert len(shown) == body.count("\n\n") + 1 == 15
    assert shown[0].startswith("TASS news agency reported on Monday")
    assert shown[11] == "The US was warned"  # a subheading is a paragraph of its own
    assert page.page.locator("a.capture").get_attribute("href") == f"/archive/captures/{capture_id}"
    assert texts(page, ".version h3") == ["Version 1 (current)"]
    with closing(sqlite3.connect(archive)) as con:  # the crawl read its ticker's 10 lines before the article
        lines = [text for (text,) in con.execute("SELECT text FROM breaking ORDER BY last_seen_at DESC, id DESC")]
    assert texts(page, ".ticker li a") == lines
    assert len(lines) == 10
    page.shoot("article-seed")
    # a tag leads to the articles carrying it
    page.page.click(".tags a:text-is('SVR')")
    page.page.wait_for_url("**tags__arraycontains=SVR**")
    assert page.page.locator("table.rows-and-columns td.col-id").all_inner_texts() == [str(seed)]
    assert page.problems == []


def test_another_tables_row_page_is_datasettes_own(served: str, page: Page) -> None:
    page.page.goto(f"{served}archive/tags/1")
    assert page.page.locator("h1").inner_text() == "tags: 1"
    assert page.page.locator("table.rows-and-columns td.col-name").count() == 1
    assert page.page.locator(".newscrawl-article").count() == 0
    assert "Links from other tables" in page.page.content()
    page.shoot("tag-row")
    assert page.problems == []


def test_a_revised_article_shows_its_diff(served_revised: str, revised: Path, page: Page) -> None:
    page.page.goto(f"{served_revised}archive/articles/{article_id(revised, 'url = ?', article().url)}")
    assert texts(page, ".version h3") == ["Version 2 (current)", "Version 1"]
    current = "#version-2"
    assert texts(page, f"{current} h4") == ["headline", "body", "tags"]
    assert (texts(page, f"{current} .diff-headline del"), texts(page, f"{current} .diff-headline ins")) == (
        ["urging"],
        ["pressing"],
    )
    assert (texts(page, f"{current} .diff-body del"), texts(page, f"{current} .diff-body ins")) == (
        ["mentioned"], ["said", "A new paragraph."],
    )  # fmt: skip
    assert texts(page, f"{current} .diff-tags ins") == ["SVR"]
    assert page.page.locator(f"{current} .diff-tags del").count() == 0
    assert texts(page, ".ticker li a") == ["All along", "Between its fetches", "Over its first fetch"]
    page.shoot("article-revised")
    assert page.problems == []


def test_an_arabic_article_page_reads_right_to_left(served_revised: str, revised: Path, page: Page) -> None:
    page.page.goto(f"{served_revised}archive/articles/{article_id(revised, 'url = ?', GAZA_AR)}")
    body = page.page.locator(".body")
    assert (body.get_attribute("lang"), body.get_attribute("dir")) == ("ar", "rtl")
    assert body.evaluate("(div) => getComputedStyle(div).direction") == "rtl"
    assert page.page.locator("h1.headline").evaluate("(h1) => getComputedStyle(h1).direction") == "rtl"
    assert body.evaluate("(div) => getComputedStyle(div).textAlign") == "start"  # the right, in Arabic
    # the text of a paragraph (not its box) stands at the column's right, far from its left
    text = "(p) => { const range = document.createRange(); range.selectNodeContents(p); const r = range.getBoundingClientRect(); return [r.left, r.right]; }"
    left, right = page.page.locator(".body p").first.evaluate(text)
    column = page.page.locator(".column").bounding_box()
    assert abs(right - (column["x"] + column["width"])) < 1
    assert left - column["x"] > 100
    assert texts(page, ".body p") == ARABIC_PARAGRAPHS
    assert texts(page, "h1.headline") == ["الإحتلالُ يُصعِّد في غزّة"]
    page.shoot("article-arabic")
    assert page.problems == []


def test_the_page_escapes_archive_text(served_revised: str, revised: Path, page: Page) -> None:
    response = page.page.goto(f"{served_revised}archive/articles/{article_id(revised, 'url = ?', HOSTILE)}")
    html = response.text()
    assert '<h1 class="headline">&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</h1>' in html
    assert "<p>&lt;b&gt;bold&lt;/b&gt;</p>" in html
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert texts(page, ".body p") == ["<b>bold</b>", "<img src=x onerror=alert(1)>"]
    assert page.problems == []
