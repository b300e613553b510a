"""``newscrawl serve``: Datasette on the archive, its metadata, canned queries and dashboard, and
a headless Chromium (Debian's) that opens every page and searches from it."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sqlite3
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from newscrawl.archive import Archive
from newscrawl.desk.dashboard import CANNED_QUERIES, DASHBOARD, OTHER, TOP_SECTIONS, dashboard_config
from newscrawl.desk.days import published_day
from newscrawl.desk.edits import words_added, words_removed
from newscrawl.desk.query import whole_snippet
from newscrawl.desk.schema_docs import RELATIONS, column_descriptions
from newscrawl.desk.serve import make_datasette, metadata
from newscrawl.items import TickerItem
from newscrawl.textnorm import search_form
from tests.conftest import Page, archive_copy, connect, serving
from tests.test_archive import article
from tests.test_desk_editions import ARTICLES, GAZA_AR, SCHOOLS_ES

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SEED = "https://english.almayadeen.net/news/politics/russian-intel-reveals-us-urging--israel--to-expedite-genocid"
PANELS = dashboard_config("archive")[DASHBOARD]["charts"]
# The Vega-Lite charts (the others are tables), and those that draw bars over time.
CHARTS = [name for name, panel in PANELS.items() if panel["library"] == "vega-lite"]
OVER_TIME = ["articles-by-section", "ticker-lines", "edits"]


def get_json(db: Path, path: str) -> Any:
    """The JSON Datasette answers for ``path``, in-process."""

    async def fetch() -> Any:
        response = await make_datasette(db).client.get(path)
        assert response.status_code == 200, response.text[:2000]
        return response.json()

    return asyncio.run(fetch())


def get_html(db: Path, path: str) -> str:
    async def fetch() -> str:
        response = await make_datasette(db).client.get(path)
        assert response.status_code == 200, response.text[:2000]
        return str(response.text)

    return asyncio.run(fetch())


def scalar(db: Path, sql: str, *params: object) -> Any:
    with connect(db) as con:
        return con.execute(sql, params).fetchone()[0]


# --- metadata --------------------------------------------------------------------------------


def test_metadata_describes_every_table_and_column() -> None:
    tables = metadata("archive")["databases"]["archive"]["tables"]
    assert sorted(tables) == sorted(r.name for r in RELATIONS)
    for item in RELATIONS:
        assert tables[item.name]["description"]
        assert tables[item.name]["columns"] == column_descriptions(item.name)
        assert "`" not in tables[item.name]["description"]
    assert tables["articles"]["columns"]["source"] == 'wire agency from the "Source:" line, e.g. TASS; null when there is none'
    assert tables["articles"]["facets"] == [
        "section", "region", "content_type", "source", "edition", {"array": "tags"}, {"array": "authors"},
    ]  # fmt: skip
    assert (tables["articles"]["fts_table"], tables["articles"]["fts_pk"]) == ("articles_fts", "id")


def test_datasette_shows_the_descriptions(archive: Path) -> None:
    assert "One row per article. An article is identified by its canonical URL" in get_html(archive, "/archive/articles")
    page = get_html(archive, "/archive/breaking")
    assert "The BREAKING ticker: one row per distinct line per edition." in page
    assert "how many crawl runs saw the line" in page  # a column description


def test_table_facets_count_real_values(archive: Path) -> None:
    data = get_json(archive, "/archive/articles.json?_size=0")
    sections = {v["value"]: v["count"] for v in data["facet_results"]["section"]["results"]}
    assert sections["Politics"] == scalar(archive, "SELECT count(*) FROM articles WHERE section = 'Politics'")
    tags = {v["value"]: v["count"] for v in data["facet_results"]["tags"]["results"]}
    assert tags["Gaza"] == scalar(archive, "SELECT count(*) FROM articles, json_each(articles.tags) WHERE value = 'Gaza'")


def test_the_runs_fields_by_source_are_faceted_by_field_and_source(archive: Path) -> None:
    data = get_json(archive, "/archive/run_field_sources.json?_size=0")
    sources = {v["value"]: v["count"] for v in data["facet_results"]["source"]["results"]}
    assert sources == dict(scalar_rows(archive, "SELECT source, count(*) FROM run_field_sources GROUP BY source"))
    assert sources["cms"] > 0
    assert {"field", "content_type"} <= set(data["facet_results"])


def scalar_rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with connect(db) as con:
        return [tuple(row) for row in con.execute(sql)]


def test_json_arrays_are_shown_as_lists(archive: Path) -> None:
    article_id = scalar(archive, "SELECT id FROM articles WHERE url = ?", SEED)
    page = get_html(archive, f"/archive/articles?id={article_id}")  # its row in the table (its own page is the article page)
    assert "genocide in Gaza, Israel, US, Russian intelligence, Israeli war crimes, SVR, US elections" in page
    assert "[&#34;genocide in Gaza&#34;" not in page


def test_an_article_is_one_click_from_its_capture(archive: Path) -> None:
    article_id, capture_id = (scalar(archive, f"SELECT {c} FROM articles WHERE url = ?", SEED) for c in ("id", "capture_id"))
    assert capture_id is not None
    assert f'<a href="/archive/captures/{capture_id}">{capture_id}</a>' in get_html(archive, f"/archive/articles?id={article_id}")
    assert f'<a class="capture" href="/archive/captures/{capture_id}">' in get_html(archive, f"/archive/articles/{article_id}")
    page = get_html(archive, f"/archive/captures/{capture_id}")
    assert "Every fetch the crawl received (homepage, listings, sitemaps, robots.txt, articles, error pages)" in page
    warc_file = scalar(archive, "SELECT warc_file FROM captures WHERE id = ?", capture_id)
    assert warc_file in page


def test_the_archive_is_opened_read_only(archive: Path) -> None:
    database = make_datasette(archive).get_database("archive")

    def write(con: sqlite3.Connection) -> None:
        con.execute("INSERT INTO tags (name) VALUES ('written by serve')")

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        asyncio.run(database.execute_fn(write))


def test_serve_reads_what_a_running_crawl_commits(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    crawl = Archive(db, exclusive=True)  # a crawl holds the archive while Datasette reads it
    crawl.store_articles([article()], "2025-01-01T00:00:00+00:00")
    datasette = make_datasette(db)

    async def count() -> int:
        response = await datasette.client.get("/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array")
        return int(response.json()[0]["n"])

    assert asyncio.run(count()) == 1
    crawl.store_articles(
        [article(url="https://english.almayadeen.net/news/politics/another-story-slug", post_id="2")], "2025-01-01"
    )
    assert asyncio.run(count()) == 2
    crawl.close()


# --- canned queries --------------------------------------------------------------------------


def canned(db: Path, name: str, **params: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    rows: list[dict[str, Any]] = get_json(db, f"/archive/{name}.json?_shape=array&{query}")
    return rows


def test_search_query_ranks_the_seed_first_with_a_highlighted_snippet(archive: Path) -> None:
    rows = canned(archive, "search", q="pharisaism")
    assert rows[0]["url"] == SEED
    assert "<mark>pharisaism</mark>" in rows[0]["snippet"]
    assert canned(archive, "search", q="pharisaism", section="Opinion") == []
    assert canned(archive, "search") == []  # no query yet: no rows, no error


@pytest.mark.parametrize(
    ("params", "urls"),
    [({"q": "الاحتلال"}, [GAZA_AR]), ({"q": "الإحتلالُ"}, [GAZA_AR]), ({"q": "educacion"}, [SCHOOLS_ES]),
     ({"q": "gaza", "edition": "es"}, [SCHOOLS_ES]), ({"q": "غزه", "edition": "en"}, [])],
)  # fmt: skip
def test_search_query_in_each_language_and_edition(editions: Path, params: dict[str, str], urls: list[str]) -> None:
    rows = canned(editions, "search", **params)
    assert [row["url"] for row in rows] == urls
    assert [row["edition"] for row in rows] == [{GAZA_AR: "ar", SCHOOLS_ES: "es"}[url] for url in urls]
    if urls == [GAZA_AR]:  # the text as written, the word matched marked
        assert rows[0]["snippet"] == "<mark>الإحتلالُ</mark> يُصعِّد في غزّة"


@pytest.mark.parametrize("query", ["الاحتلال", "الإحتلالُ", "غزه"])
def test_the_search_box_matches_arabic_as_newscrawl_search_does(editions: Path, query: str) -> None:
    rows = get_json(editions, f"/archive/articles.json?_shape=array&_search={query}")
    assert [row["url"] for row in rows] == [GAZA_AR]


def test_every_page_gives_its_cells_a_direction_of_their_own(editions: Path) -> None:
    page = get_html(editions, "/archive/articles")
    assert 'cell.dir = "auto"' in page
    assert "الإحتلالُ يُصعِّد في غزّة" in page


@pytest.mark.parametrize(("since", "until"), [("", ""), ("2025-07-01", ""), ("", "2024-12-31"), ("2025-06-01", "2025-06-30")])
def test_articles_per_day_by_section_counts_every_article_in_range(archive: Path, since: str, until: str) -> None:
    rows = canned(archive, "articles_per_day_by_section", since=since, until=until)
    expected = scalar(
        archive,
        f"SELECT count(*) FROM articles WHERE {published_day('articles')} BETWEEN ? AND ?",
        since or "0000",
        until or "9999",
    )
    assert sum(row["articles"] for row in rows) == expected > 0
    politics = [r for r in rows if r["section"] == "Politics"]
    assert all(since <= r["day"] and (not until or r["day"] <= until) for r in politics)


def test_top_tags_agree_with_the_articles_tag_lists(archive: Path) -> None:
    rows = canned(archive, "top_tags", since="2025-01-01")
    assert rows[0]["tag"] == "Gaza"
    expected = scalar(
        archive,
        "SELECT count(*) FROM articles, json_each(articles.tags) WHERE value = 'Gaza' AND published_at >= '2025-01-01'",
    )
    assert rows[0]["articles"] == expected


def test_wire_agencies_by_month(archive: Path) -> None:
    rows = canned(archive, "wire_agencies_by_month")
    assert sum(r["articles"] for r in rows) == scalar(archive, "SELECT count(*) FROM articles WHERE source != ''")
    assert {"month": "2023-11", "agency": "TASS", "articles": 1} in rows


def test_ticker_lines_per_hour(archive: Path) -> None:
    rows = canned(archive, "ticker_lines_per_hour")
    assert [(r["edition"], r["lines"], r["new_lines"]) for r in rows] == [("en", 10, 10)]


def test_revised_articles_lists_each_version(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    archive = Archive(db)
    archive.store_articles([article(headline="First headline")], "2025-01-01T00:00:00+00:00")
    archive.store_articles([article(headline="Second headline")], "2025-01-02T00:00:00+00:00")
    archive.store_articles([article(headline="Third headline")], "2025-01-03T00:00:00+00:00")
    archive.close()
    rows = canned(db, "revised_articles")
    assert [(r["version"], r["headline_then"], r["current_version"], r["headline_now"]) for r in rows] == [
        (1, "First headline", 3, "Third headline"),
        (2, "Second headline", 3, "Third headline"),
    ]


def test_latest_edits_say_when_what_and_how_many_words_and_link_the_history(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    archive = Archive(db)
    archive.store_articles([article(headline="First headline")], "2025-01-01T00:00:00+00:00")
    archive.store_articles([article(headline="Second headline", tags=["Gaza"])], "2025-01-02T00:00:00+00:00")
    archive.store_articles([article(headline="Second headline", tags=["Gaza"])], "2025-01-02T06:00:00+00:00")  # unchanged
    archive.store_articles([article(headline="Third and longer headline", tags=["Gaza"])], "2025-01-03T00:00:00+00:00")
    other = "https://english.almayadeen.net/news/politics/another-story-slug"
    archive.store_articles([article(url=other, post_id="2", body="One two three.")], "2025-01-02T12:00:00+00:00")
    archive.store_articles([article(url=other, post_id="2", body="One two four five.")], "2025-01-04T00:00:00+00:00")
    archive.close()
    rows = canned(db, "latest_edits")
    assert [(r["edited_at"], r["version"], r["reason"], r["fields"], r["words_added"], r["words_removed"]) for r in rows] == [
        ("2025-01-04T00:00:00+00:00", 2, "fetch", "body", 2, 1),
        ("2025-01-03T00:00:00+00:00", 3, "fetch", "headline", 3, 1),  # Second -> Third and longer
        ("2025-01-02T00:00:00+00:00", 2, "fetch", "headline tags", 1, 1),
    ]
    assert rows[1]["history"] == f"[history](articles/{rows[1]['article_id']}#history)"
    most = canned(db, "most_edited")
    assert [(r["headline"], r["edits"], r["last_edited_at"]) for r in most] == [
        ("Third and longer headline", 2, "2025-01-03T00:00:00+00:00"),
        (article().headline, 1, "2025-01-04T00:00:00+00:00"),
    ]
    html = get_html(db, "/archive/latest_edits")
    # a link relative to the query's page: /archive/articles/ID, the history on the article's page
    assert f'<a href="articles/{rows[0]["article_id"]}#history" rel="nofollow">history</a>' in html


@pytest.mark.parametrize(
    ("old", "new", "changes"),
    [
        ("a b c", "a b c", (0, 0)),
        ("a b c", "a b c d", (1, 0)),
        ("a b c", "a c", (0, 1)),
        ("a b c", "a x c", (1, 1)),
        ("", "new words here", (3, 0)),
        (None, "x", (1, 0)),
        ("one  two\nthree", "one two three", (0, 0)),  # whitespace is no word
        ("a b c d e f", "a b x d e f", (1, 1)),  # the alike start and end are no change
        ("keep this start and end", "keep this new start and end", (1, 0)),
        ("a a a", "a a", (0, 1)),
        ("x y", "y x", (1, 1)),
        ("same", "", (0, 1)),
    ],
)
def test_words_added_and_removed(old: str | None, new: str, changes: tuple[int, int]) -> None:
    assert (words_added(old, new), words_removed(old, new)) == changes


# --- the command -----------------------------------------------------------------------------


def test_serve_without_an_archive_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "serve", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"newscrawl serve: no archive at {tmp_path / 'none.db'} (crawl first: newscrawl demo, or scrapy crawl almayadeen)"
    ]


# --- the browser -----------------------------------------------------------------------------


def rendered_charts(page: Page) -> dict[str, list[int]]:
    """Each chart's drawing (Vega's canvas or SVG of class ``marks``) and its size, once every
    panel is drawn (each fetches its rows apart: a page left earlier would cut a fetch short)."""
    sizes: dict[str, list[int]] = {}
    for chart in CHARTS:
        marks = page.page.wait_for_selector(f"#chart-{chart} .marks", timeout=30_000)
        box = marks.bounding_box()
        sizes[chart] = [round(box["width"]), round(box["height"])]
    for table in set(PANELS) - set(CHARTS):
        page.page.wait_for_selector(f"#chart-{table} table tbody tr", timeout=30_000)
    return sizes


def test_dashboard_renders_its_charts_and_filters(served: str, page: Page) -> None:
    page.page.goto(f"{served}-/dashboards/{DASHBOARD}")
    sizes = rendered_charts(page)
    assert all(width > 200 and height > 100 for width, height in sizes.values()), sizes
    # Vega draws into SVG here: its bars and arcs are paths
    for chart in CHARTS:
        assert page.page.locator(f"#chart-{chart} .marks path").count() > 0, chart
    assert page.page.locator("#section option").all_inner_texts()[1:4] == ["Analysis", "Articles", "Arts&Culture"]
    page.shoot("dashboard")
    page.page.select_option("#section", "Politics")
    page.page.fill("#date_start", "2025-07-01")
    page.page.click("input[type=submit]")
    page.page.wait_for_url("**section=Politics**")
    rendered_charts(page)
    assert page.page.locator("#chart-wire-agencies .marks path").count() > 0
    page.shoot("dashboard-politics-july-2025")
    assert page.problems == []


@pytest.fixture(scope="module")
def served_lately(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``newscrawl serve`` on a copy of the crawled archive to which crawls of 2024 and July 2025
    added ticker lines and edits (the fixture's crawl saw its own today)."""
    db = archive_copy(archive, tmp_path_factory.mktemp("lately") / "archive")
    store = Archive(db)
    store.record_ticker([TickerItem("A line of March 2024", "en", "2024-03-01T09:00:00+00:00")])
    store.record_ticker([TickerItem(f"A line of July 2025, {n}", "en", "2025-07-09T09:00:00+00:00") for n in (1, 2)])
    story = article(url="https://english.almayadeen.net/news/politics/a-story-told-three-times", post_id="9000001",
                    published_at="2025-07-05T10:00:00+03:00")  # fmt: skip
    store.store_articles([story], "2024-11-01T08:00:00+00:00")
    for n, fetched in enumerate(("2025-07-10T08:00:00+00:00", "2025-07-20T08:00:00+00:00"), 2):
        store.store_articles([dataclasses.replace(story, headline=f"{story.headline}, told {n} times")], fetched)
    store.close()
    yield from serving(db)


@pytest.mark.parametrize(
    ("date_start", "date_end", "unit"),
    [("2023-08-01", "2025-07-31", "per month"), ("2025-07-01", "2025-07-31", "per day")],
    ids=["two-years", "one-month"],
)
def test_dashboard_charts_read_at_any_range(served_lately: str, page: Page, date_start: str, date_end: str, unit: str) -> None:
    page.page.goto(f"{served_lately}-/dashboards/{DASHBOARD}")
    rendered_charts(page)
    page.page.fill("#date_start", date_start)
    page.page.fill("#date_end", date_end)
    page.page.click("input[type=submit]")
    page.page.wait_for_url(f"**date_end={date_end}**")
    rendered_charts(page)
    for chart in CHARTS:
        assert page.page.locator(f"#chart-{chart} .marks path").count() > 0, chart
    for chart in OVER_TIME:  # bars, each over its bin, its unit the x axis's title
        page.page.wait_for_selector(f"#chart-{chart} .mark-rect path")
        heights = [bar.bounding_box()["height"] for bar in page.page.locator(f"#chart-{chart} .mark-rect path").all()]
        assert max(heights) > 10, chart
        assert page.page.locator(f"#chart-{chart} .role-axis-title text").first.text_content() == unit, chart
    symbols = page.page.locator("#chart-articles-by-section .role-legend-symbol path")
    colours = [symbol.get_attribute("fill") for symbol in symbols.all()]
    labels = page.page.locator("#chart-articles-by-section .role-legend-label text").all_text_contents()
    assert len(colours) == len(set(colours)) == len(labels) == TOP_SECTIONS + 1, (colours, labels)
    assert labels[-1] == OTHER
    edits = page.page.locator("#chart-latest-edits table tbody tr")
    assert edits.count() == 2
    assert edits.first.locator("td").first.inner_text() == "2025-07-20 08:00"
    link = edits.first.locator("a").first
    assert link.inner_text().endswith("told 3 times")
    page.shoot(f"dashboard-{date_start}-{date_end}")
    link.click()
    page.page.wait_for_url("**/archive/articles/*")
    assert "told 3 times" in page.page.content()
    assert page.problems == []


@pytest.mark.parametrize("name", list(CANNED_QUERIES))
def test_canned_query_pages(served: str, page: Page, archive: Path, name: str) -> None:
    params = {"q": "pharisaism", "section": ""} if name == "search" else {}
    page.page.goto(f"{served}archive/{name}?" + "&".join(f"{k}={v}" for k, v in params.items()))
    assert page.page.locator(".message-error").count() == 0
    with sqlite3.connect(f"{archive.resolve().as_uri()}?mode=ro", uri=True) as con:
        con.create_function("search_form", 1, search_form)  # as the newscrawl plugin gives Datasette
        con.create_function("whole_snippet", -1, whole_snippet)
        con.create_function("words_added", 2, words_added)
        con.create_function("words_removed", 2, words_removed)
        blank = {"q": "", "section": "", "edition": "", "since": "", "until": "", "author": ""}
        expected = len(con.execute(CANNED_QUERIES[name]["sql"], {**blank, **params}).fetchall())
    assert page.page.locator("table.rows-and-columns tbody tr").count() == expected
    assert page.page.locator("h1").inner_text() == CANNED_QUERIES[name]["title"]
    page.shoot(f"query-{name}")
    assert page.problems == []


def test_full_text_search_from_the_pages(served: str, page: Page) -> None:
    page.page.goto(f"{served}archive/articles")
    page.page.fill("#_search", "pharisaism")
    page.page.press("#_search", "Enter")
    page.page.wait_for_url("**_search=pharisaism**")
    urls = page.page.locator("table.rows-and-columns td.col-url").all_inner_texts()
    assert urls == [SEED]
    page.shoot("articles-search")

    page.page.goto(f"{served}archive/search")
    page.page.fill("input[name=q]", "pharisaism")
    page.page.click("input[type=submit][value='Run SQL']")
    page.page.wait_for_url("**q=pharisaism**")
    assert page.page.locator("table.rows-and-columns td.col-url").first.inner_text() == SEED
    assert page.page.locator("td.col-snippet mark").first.inner_text() == "pharisaism"
    page.shoot("search-query")
    assert page.problems == []


def test_article_details_page_shows_readable_lists(served: str, page: Page, tmp_path: Path) -> None:
    page.page.goto(f"{served}archive/article_details?url={json.dumps(SEED)[1:-1]}")
    shot = page.shoot("article-details")
    assert shot.parent == tmp_path
    assert page.page.locator("td.col-tags").first.inner_text().startswith("genocide in Gaza, Israel")


def test_cells_show_each_text_in_its_own_direction(served_editions: str, page: Page) -> None:
    page.page.goto(f"{served_editions}archive/articles?_sort=id")
    headlines = page.page.locator("table.rows-and-columns td.col-headline")
    assert headlines.all_inner_texts() == [ARTICLES[0].headline, "الإحتلالُ يُصعِّد في غزّة", ARTICLES[2].headline]
    assert [cell.get_attribute("dir") for cell in headlines.all()] == ["auto"] * 3
    directions = [cell.evaluate("(td) => getComputedStyle(td).direction") for cell in headlines.all()]
    assert directions == ["ltr", "rtl", "ltr"]
    page.shoot("articles-three-editions")

    page.page.goto(f"{served_editions}archive/search?q=غزه&section=&edition=")
    snippet = page.page.locator("td.col-snippet").first
    assert (snippet.get_attribute("dir"), snippet.evaluate("(td) => getComputedStyle(td).direction")) == ("auto", "rtl")
    assert page.page.locator("td.col-snippet mark").first.inner_text() == "غزّة"
    page.shoot("search-arabic")
    assert page.problems == []
