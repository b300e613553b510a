"""The desk's "What changed" page (``/-/changes``): the latest edits and the most-edited
articles, as the canned queries give them, each linked to the article page's history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parsel import Selector

from newscrawl.archive import Archive
from newscrawl.desk.dashboard import CANNED_QUERIES
from tests.test_archive import article
from tests.test_serve import canned, get_html

if TYPE_CHECKING:
    from pathlib import Path

OTHER = "https://english.almayadeen.net/news/politics/another-story-slug"
THIRD = "https://english.almayadeen.net/news/politics/a-third-story-slug"


def edited_archive(db: Path) -> None:
    archive = Archive(db)
    archive.store_articles([article(headline="First headline")], "2025-01-01T00:00:00+00:00")
    archive.store_articles([article(headline="Second headline", tags=["Gaza"])], "2025-01-02T00:00:00+00:00")
    archive.store_articles([article(headline="Third and longer headline", tags=["Gaza"])], "2025-01-03T00:00:00+00:00")
    archive.store_articles([article(url=OTHER, post_id="2", body="One two three.")], "2025-01-02T12:00:00+00:00")
    archive.store_articles([article(url=THIRD, post_id="3", body="Alpha beta gamma.")], "2025-01-02T12:00:00+00:00")
    # two edits seen by the same fetch: the later-stored article first
    archive.store_articles(
        [article(url=OTHER, post_id="2", body="One two four five."), article(url=THIRD, post_id="3", body="Alpha beta delta.")],
        "2025-01-04T00:00:00+00:00",
    )
    archive.close()


def cells(html: str, table: str) -> list[list[str]]:
    """The text of each cell of each body row of the table of id ``table``."""
    page = Selector(html)
    return [
        [" ".join(cell.css("::text").getall()).strip() for cell in row.css("td")] for row in page.css(f"table#{table} tbody tr")
    ]


def test_changes_page_lists_the_latest_edits_and_the_most_edited(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    edited_archive(db)
    html = get_html(db, "/-/changes")
    assert cells(html, "latest-edits") == [
        ["2025-01-04T00:00:00+00:00", article().headline, "2", "fetch", "body", "+1", "−1"],
        ["2025-01-04T00:00:00+00:00", article().headline, "2", "fetch", "body", "+2", "−1"],
        ["2025-01-03T00:00:00+00:00", "Third and longer headline", "3", "fetch", "headline", "+3", "−1"],
        ["2025-01-02T00:00:00+00:00", "Third and longer headline", "2", "fetch", "headline, tags", "+1", "−1"],
    ]
    assert cells(html, "most-edited-articles") == [
        ["Third and longer headline", "2", "2025-01-03T00:00:00+00:00"],
        [article().headline, "1", "2025-01-04T00:00:00+00:00"],
        [article().headline, "1", "2025-01-04T00:00:00+00:00"],
    ]
    # the page's rows are the canned query's, and each links the article page's history
    rows = canned(db, "latest_edits")
    links = Selector(html).css("table#latest-edits tbody tr a::attr(href)").getall()
    assert links == [f"/archive/articles/{row['article_id']}#history" for row in rows]
    assert [row["article_id"] for row in rows][:2] == [3, 2]
    article_page = Selector(get_html(db, links[0].split("#")[0]))
    assert article_page.css("section#history h3::text").getall()[:2] == ["Version 2 (current)", "Version 1"]


def test_changes_page_of_an_archive_without_edits_says_so(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    archive = Archive(db)
    archive.store_articles([article()], "2025-01-01T00:00:00+00:00")
    archive.close()
    html = get_html(db, "/-/changes")
    assert "No article has changed since it was first fetched." in html
    assert Selector(html).css("table#latest-edits").get() is None


def test_the_archive_home_page_links_the_changes_page(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    edited_archive(db)
    assert Selector(get_html(db, "/")).css('a[href="/-/changes"]::text').get() == "What changed"


def test_latest_edits_read_the_newest_texts_by_their_index(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    edited_archive(db)
    sql = CANNED_QUERIES["latest_edits"]["sql"]
    recent = sql[len("WITH recent AS (") : sql.index("),\nedits AS (")]
    archive = Archive(db)
    steps = [row[3] for row in archive.db.execute("EXPLAIN QUERY PLAN " + recent).fetchall()]
    archive.close()
    assert "SCAN n USING COVERING INDEX idx_article_versions_edits" in steps
    assert "SCAN n USING INDEX idx_articles_edits" in steps
    assert [step for step in steps if step.startswith("SCAN n")] == [  # never a whole table
        "SCAN n USING COVERING INDEX idx_article_versions_edits",
        "SCAN n USING INDEX idx_articles_edits",
    ]
