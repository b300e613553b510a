"""The dashboard's queries (:mod:`newscrawl.desk.dashboard`), run as datasette-dashboards runs
them: the bin (day, ISO week, month) a range is shown in, the top sections and the others, the
ticker and the edits by the dates of the crawl, the latest edits; and the days they share with
``newscrawl search``'s filters (:mod:`newscrawl.desk.days`)."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from datasette_dashboards import replace_opts_in_query

from newscrawl.archive import Archive
from newscrawl.desk.dashboard import DASHBOARD, OTHER, TOP_SECTIONS, dashboard_config
from newscrawl.desk.days import bin_end, bin_start
from newscrawl.desk.days import published_day as day_sql
from newscrawl.desk.edits import words_added, words_removed
from newscrawl.desk.query import ArticleFilter
from newscrawl.items import TickerItem
from tests.conftest import connect, published_day
from tests.test_archive import article

if TYPE_CHECKING:
    from pathlib import Path

CHARTS = dashboard_config("archive")[DASHBOARD]["charts"]
# Datasette binds a parameter the request lacks as an empty string.
BLANK = {"date_start": "", "date_end": "", "section": "", "edition": ""}
EN = "https://english.almayadeen.net/news"


def chart_rows(db: Path, chart: str, **filters: str) -> list[dict[str, Any]]:
    """A chart's rows as datasette-dashboards computes them (its own filter substitution), with
    the SQL functions the newscrawl plugin gives Datasette."""
    with connect(db) as con:
        con.create_function("words_added", 2, words_added)
        con.create_function("words_removed", 2, words_removed)
        query = replace_opts_in_query(CHARTS[chart]["query"], filters)
        return [dict(row) for row in con.execute(query, {**BLANK, **filters})]


def binned(rows: list[dict[str, Any]], *columns: str) -> list[tuple[Any, ...]]:
    """Each row's bin (first day, day after, unit) and its ``columns``."""
    return [(row["bin"], row["bin_end"], row["unit"], *(row[c] for c in columns)) for row in rows]


# --- the day and the bins ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "day"),
    [
        ("2025-07-30T10:00:00+03:00", "2025-07-30"),
        ("2025-07-30T01:15:00+03:00", "2025-07-29"),  # the UTC day before
        ("2025-07-29T23:30:00-05:00", "2025-07-30"),  # the UTC day after
        ("2025-07-30T23:30:00Z", "2025-07-30"),
        ("2025-07-30T01:15:00", "2025-07-30"),  # no offset: the site's own date
        ("2025-07-30", "2025-07-30"),
        (None, None),
    ],
)
def test_the_day_of_an_article_is_utc_where_its_time_has_an_offset(published: str | None, day: str | None) -> None:
    with sqlite3.connect(":memory:") as con:
        con.execute(
            "CREATE TABLE articles (published_at TEXT, published_at_utc TEXT GENERATED ALWAYS AS "
            "(CASE WHEN published_at GLOB '*[+-][0-9][0-9]:[0-9][0-9]' OR published_at GLOB '*Z' "
            "THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', published_at) END))"
        )
        con.execute("INSERT INTO articles (published_at) VALUES (?)", [published])
        stored, computed = con.execute(
            f"SELECT {day_sql('articles')}, {day_sql('articles', stored=False)} FROM articles"
        ).fetchone()
    assert stored == computed == day


@pytest.mark.parametrize(
    ("day", "unit", "start", "end"),
    [
        ("2025-07-30", "day", "2025-07-30", "2025-07-31"),
        ("2025-07-28", "week", "2025-07-28", "2025-08-04"),  # a Monday
        ("2025-08-03", "week", "2025-07-28", "2025-08-04"),  # a Sunday: the week of the Monday before
        ("2025-01-01", "week", "2024-12-30", "2025-01-06"),  # ISO week 1 of 2025 begins in 2024
        ("2025-07-31", "month", "2025-07-01", "2025-08-01"),
        ("2024-12-31", "month", "2024-12-01", "2025-01-01"),
    ],
)
def test_a_bin_starts_on_the_day_the_monday_or_the_first(day: str, unit: str, start: str, end: str) -> None:
    with sqlite3.connect(":memory:") as con:
        found = con.execute(f"SELECT {bin_start('?1', '?2')}, {bin_end(bin_start('?1', '?2'), '?2')}", [day, unit]).fetchone()
    assert found == (start, end)


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive: four articles near the end of July 2025 (one dated by the site without
    offset, three on another UTC day than the site's), one of January 2024, one without a date."""
    db = tmp_path_factory.mktemp("days") / "archive.db"
    published = {
        "a": ("2024-01-15T10:00:00+02:00", "Politics"),
        "b": ("2025-07-30T01:15:00+03:00", "Politics"),  # UTC 2025-07-29
        "c": ("2025-07-31T12:00:00", "Opinion"),  # no offset: 2025-07-31
        "d": ("2025-07-29T23:30:00-05:00", "Opinion"),  # UTC 2025-07-30
        "e": (None, "Opinion"),  # never counted
        "f": ("2025-07-31T00:30:00+03:00", "Sports"),  # UTC 2025-07-30
    }
    store = Archive(db)
    store.store_articles(
        [
            article(url=f"{EN}/x/{slug}", post_id=slug, headline=slug, published_at=when, section=section)
            for slug, (when, section) in published.items()
        ],
        "2025-08-01T00:00:00+00:00",
    )
    store.close()
    return db


JULY_END = [
    ("2025-07-29", "2025-07-30", "day", "Politics", 1),
    ("2025-07-30", "2025-07-31", "day", "Opinion", 1),
    ("2025-07-30", "2025-07-31", "day", "Sports", 1),
    ("2025-07-31", "2025-08-01", "day", "Opinion", 1),
]
WEEK = [("2025-07-28", "2025-08-04", "week", "Opinion", 2), ("2025-07-28", "2025-08-04", "week", "Politics", 1),
        ("2025-07-28", "2025-08-04", "week", "Sports", 1)]  # fmt: skip


@pytest.mark.parametrize(
    ("date_start", "date_end", "rows"),
    [
        ("2025-07-29", "2025-07-29", [("2025-07-29", "2025-07-30", "day", "Politics", 1)]),
        ("2025-06-01", "2025-08-01", JULY_END),  # 62 days
        ("2025-06-01", "2025-08-02", WEEK),  # 63
        ("2024-07-31", "2025-07-31", WEEK),  # 366
        ("2024-07-30", "2025-07-31", [("2025-07-01", "2025-08-01", "month", "Opinion", 2), ("2025-07-01", "2025-08-01", "month", "Politics", 1),
                                      ("2025-07-01", "2025-08-01", "month", "Sports", 1)]),  # 367
        # an open end: the first or last day counted
        ("2025-07-01", "", JULY_END),
        ("", "2025-07-29", [("2024-01-01", "2024-02-01", "month", "Politics", 1), ("2025-07-01", "2025-08-01", "month", "Politics", 1)]),
        ("", "", [("2024-01-01", "2024-02-01", "month", "Politics", 1), ("2025-07-01", "2025-08-01", "month", "Opinion", 2),
                  ("2025-07-01", "2025-08-01", "month", "Politics", 1), ("2025-07-01", "2025-08-01", "month", "Sports", 1)]),
        ("2025-07-20", "2025-07-28", []),
    ],
    ids=["one-day", "62-days", "63-days", "366-days", "367-days", "no-end", "no-start", "unset", "nothing"],
)  # fmt: skip
def test_the_range_shown_chooses_the_bins(days: Path, date_start: str, date_end: str, rows: list[tuple[Any, ...]]) -> None:
    found = chart_rows(days, "articles-by-section", date_start=date_start, date_end=date_end)
    assert binned(found, "section", "articles") == rows


@pytest.mark.parametrize(
    ("date_start", "date_end", "shown"),
    [
        ("2025-06-01", "2025-08-01", ("day", "2025-06-01", "2025-08-02")),
        ("2025-06-01", "2025-08-02", ("week", "2025-05-26", "2025-08-04")),  # a Sunday to a Saturday
        ("2024-07-30", "2025-07-31", ("month", "2024-07-01", "2025-08-01")),
        ("", "", ("month", "2024-01-01", "2025-08-01")),  # the span of the articles: 2024-01-15 to 2025-07-31
        ("2025-07-30", "", ("day", "2025-07-30", "2025-08-01")),
    ],
)
def test_the_x_axis_spans_the_bins_of_the_range(days: Path, date_start: str, date_end: str, shown: tuple[str, str, str]) -> None:
    rows = chart_rows(days, "articles-by-section", date_start=date_start, date_end=date_end)
    assert {(row["unit"], row["shown_from"], row["shown_until"]) for row in rows} == {shown}


def test_a_section_filter_leaves_its_articles_and_their_span(days: Path) -> None:
    rows = chart_rows(days, "articles-by-section", section="Opinion")
    assert binned(rows, "section", "articles", "rank") == [
        ("2025-07-30", "2025-07-31", "day", "Opinion", 1, 1),
        ("2025-07-31", "2025-08-01", "day", "Opinion", 1, 1),
    ]


@pytest.mark.parametrize(
    ("since", "until", "articles"),
    [("2025-07-30", "2025-07-30", 2), ("2025-07-29", "2025-07-29", 1), ("2025-07-31", "", 1), ("", "2025-07-29", 2)],
)
def test_newscrawl_search_dates_articles_as_the_dashboard_does(days: Path, since: str, until: str, articles: int) -> None:
    where = ArticleFilter(date.fromisoformat(since) if since else None, date.fromisoformat(until) if until else None)
    condition, params = where.where()
    with connect(days) as con:
        assert con.execute(f"SELECT count(*) FROM articles WHERE {condition}", params).fetchone()[0] == articles
    assert sum(row["articles"] for row in chart_rows(days, "articles-by-section", date_start=since, date_end=until)) == articles


# --- the top sections, on the crawl's archive --------------------------------------------------


# Filters, and the bins they show the crawl's articles in (published 2023-10 to 2025-07).
FILTERS = {
    "none": ({}, "month"),
    "two-years": ({"date_start": "2023-08-01", "date_end": "2025-07-31"}, "month"),
    "one-month": ({"date_start": "2025-07-01", "date_end": "2025-07-31"}, "day"),
    "from": ({"date_start": "2025-01-01"}, "week"),  # to the newest, 2025-07-14
    "edition-until": ({"edition": "en", "date_end": "2024-12-31"}, "month"),
    "section": ({"section": "Politics"}, "month"),
    "empty-edition": ({"edition": "ar"}, None),
}


@pytest.mark.parametrize(("filters", "unit"), FILTERS.values(), ids=FILTERS)
def test_the_top_sections_and_the_others_sum_to_the_articles_shown(
    archive: Path, filters: dict[str, str], unit: str | None
) -> None:
    with connect(archive) as con:
        articles = con.execute("SELECT published_at, section, edition FROM articles WHERE published_at IS NOT NULL").fetchall()
    shown = Counter(
        a["section"] or "(none)"
        for a in articles
        if filters.get("date_start", "") <= str(published_day(a["published_at"])) <= filters.get("date_end", "9999")
        and filters.get("section", a["section"]) == a["section"]
        and filters.get("edition", a["edition"]) == a["edition"]
    )
    top = sorted(shown, key=lambda section: (-shown[section], section))[:TOP_SECTIONS]
    expected = {section: shown[section] for section in top}
    if len(shown) > TOP_SECTIONS:
        expected[OTHER] = shown.total() - sum(expected.values())

    rows = chart_rows(archive, "articles-by-section", **filters)
    totals: Counter[str] = Counter()
    for row in rows:
        totals[row["section"]] += row["articles"]
    assert totals == expected
    assert sum(totals.values()) == shown.total()
    assert {row["section"]: row["rank"] for row in rows} == {section: n for n, section in enumerate(expected, 1)}
    assert {row["unit"] for row in rows} == ({unit} if unit else set())


@pytest.mark.parametrize(("filters", "unit"), FILTERS.values(), ids=FILTERS)
def test_the_dashboard_and_newscrawl_search_count_the_same_articles(
    archive: Path, filters: dict[str, str], unit: str | None
) -> None:
    where = ArticleFilter(
        date.fromisoformat(filters["date_start"]) if "date_start" in filters else None,
        date.fromisoformat(filters["date_end"]) if "date_end" in filters else None,
        filters.get("section"),
        filters.get("edition"),
    )
    condition, params = where.where()
    with connect(archive) as con:
        # without a date bound the command counts articles without a date too; the crawl's have one
        expected = con.execute(f"SELECT count(*) FROM articles WHERE {condition}", params).fetchone()[0]
    assert sum(row["articles"] for row in chart_rows(archive, "articles-by-section", **filters)) == expected
    assert sum(row["articles"] for row in chart_rows(archive, "wire-agencies", **filters)) == expected
    assert (expected > 0) == (unit is not None)


def test_top_tags_chart_covers_the_30_days_up_to_the_newest_article(archive: Path) -> None:
    rows = chart_rows(archive, "top-tags")
    with connect(archive) as con:
        newest = con.execute(f"SELECT max({day_sql('articles')}) FROM articles").fetchone()[0]
        expected = con.execute(
            "SELECT count(*) FROM articles, json_each(articles.tags) "
            f"WHERE value = ? AND {day_sql('articles')} > date(?, '-30 days')",
            [rows[0]["tag"], newest],
        ).fetchone()[0]
    assert (newest, rows[0]["articles"]) == ("2025-07-14", expected)
    assert len(rows) == 15


# --- the ticker and the edits, by the crawl's dates --------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive of ticker lines and edits seen on 1 and 3 July 2025 (UTC)."""
    db = tmp_path_factory.mktemp("crawled") / "archive.db"
    store = Archive(db)
    store.record_ticker(
        [
            TickerItem("Line one", "en", "2025-07-01T10:00:00+00:00"),
            TickerItem("Line two", "en", "2025-07-01T23:59:00+00:00"),
            TickerItem("خط", "ar", "2025-07-01T12:00:00+00:00"),
        ]
    )
    store.record_ticker([TickerItem("Line one", "en", "2025-07-03T08:00:00+00:00")])  # seen again: not new
    store.record_ticker([TickerItem("Line three", "en", "2025-07-03T00:00:00+00:00")])
    politics = article(headline="First")
    store.store_articles([politics], "2025-06-30T08:00:00+00:00")
    store.store_articles([dataclasses.replace(politics, headline="Second")], "2025-07-01T20:00:00+00:00")
    odd = """Third <b>"bold" & 'odd'</b>"""
    store.store_articles([dataclasses.replace(politics, headline=odd)], "2025-07-03T09:00:00+00:00")
    opinion = article(url=f"{EN}/opinion/a-view", post_id="2", section="Opinion", body="One two three.")
    store.store_articles([opinion], "2025-06-30T08:00:00+00:00")
    store.store_articles([dataclasses.replace(opinion, body="One two four five.")], "2025-07-03T10:00:00+00:00")
    store.close()
    return db


@pytest.mark.parametrize(
    ("filters", "rows"),
    [
        ({}, [("2025-07-01", "2025-07-02", "day", 3), ("2025-07-03", "2025-07-04", "day", 1)]),
        ({"date_start": "2025-07-01", "date_end": "2025-07-01"}, [("2025-07-01", "2025-07-02", "day", 3)]),
        ({"date_start": "2025-07-01", "date_end": "2025-07-01", "edition": "en"}, [("2025-07-01", "2025-07-02", "day", 2)]),
        ({"date_start": "2025-07-02", "date_end": "2025-07-02"}, [("2025-07-02", "2025-07-03", "day", 0)]),  # none seen
        ({"date_start": "2025-07-04"}, []),  # none seen, and no end to the range
        ({"date_start": "2025-07-03", "section": "Opinion"}, [("2025-07-03", "2025-07-04", "day", 1)]),  # no section
        ({"date_start": "2024-07-01", "date_end": "2025-07-31"}, [("2025-07-01", "2025-08-01", "month", 4)]),
    ],
)
def test_the_ticker_chart_counts_the_lines_first_seen_in_the_range(
    crawled: Path, filters: dict[str, str], rows: list[tuple[Any, ...]]
) -> None:
    assert binned(chart_rows(crawled, "ticker-lines", **filters), "lines") == rows


@pytest.mark.parametrize(
    ("filters", "rows"),
    [
        ({}, [("2025-07-01", "2025-07-02", "day", 1), ("2025-07-03", "2025-07-04", "day", 2)]),
        ({"section": "Opinion"}, [("2025-07-03", "2025-07-04", "day", 1)]),
        ({"date_start": "2025-07-02", "date_end": "2025-07-02"}, [("2025-07-02", "2025-07-03", "day", 0)]),
        ({"date_start": "2025-01-01", "date_end": "2025-07-31"}, [("2025-06-30", "2025-07-07", "week", 3)]),
    ],
)
def test_the_edits_chart_counts_the_new_texts_first_fetched_in_the_range(
    crawled: Path, filters: dict[str, str], rows: list[tuple[Any, ...]]
) -> None:
    assert binned(chart_rows(crawled, "edits", **filters), "edits") == rows


def test_the_latest_edits_panel_links_each_edit_to_its_article_and_history(crawled: Path) -> None:
    with connect(crawled) as con:
        ids = dict(con.execute("SELECT section, id FROM articles").fetchall())

    def links(section: str, headline: str) -> tuple[str, str]:
        return (
            f'<a href="../../archive/articles/{ids[section]}">{headline}</a>',
            f'<a href="../../archive/articles/{ids[section]}#history">history</a>',
        )

    # as written, not as HTML
    politics = links("Politics", "Third &lt;b&gt;&quot;bold&quot; &amp; &#39;odd&#39;&lt;/b&gt;")
    opinion = links("Opinion", "Russian intel reveals US urging &#39;Israel&#39; to expedite genocide in Gaza")
    assert [tuple(row.values()) for row in chart_rows(crawled, "latest-edits")] == [
        ("2025-07-03 10:00", opinion[0], 2, "fetch", "body", 2, 1, opinion[1]),
        ("2025-07-03 09:00", politics[0], 3, "fetch", "headline", 4, 1, politics[1]),
        ("2025-07-01 20:00", politics[0], 2, "fetch", "headline", 1, 1, politics[1]),
    ]
    assert [row["version"] for row in chart_rows(crawled, "latest-edits", section="Opinion")] == [2]
    nothing = chart_rows(crawled, "latest-edits", date_start="2025-07-02", date_end="2025-07-02")
    assert [tuple(row.values()) for row in nothing] == [("no edit seen in this range", "", "", "", "", "", "", "")]
