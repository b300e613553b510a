"""The coverage monitor: partial articles record what they lack, each run's field coverage and
fields' sources are stored, and a run whose coverage fell well below its history, whose fields'
main sources moved away from their history's, or that stored nothing although the site answered,
is ``degraded`` (exit 5) with its articles kept.

The unit tests are tables over the pure functions of :mod:`newscrawl.coverage`; the crawl tests
run ``scrapy crawl`` against renderings of the fixture site with a field removed or moved, or
the site's metadata block gone."""

from __future__ import annotations

import html
import json
import logging
import math
import sqlite3
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import pytest

from newscrawl.archive import Archive
from newscrawl.coverage import (
    CoverageDrop,
    CoverageSettingError,
    CoverageTally,
    FieldCoverage,
    FieldSource,
    Limits,
    SourceShift,
    absent_fields,
    binomial_lower_tail,
    judge,
    judge_sources,
    main_source,
    missing_fields,
    monitored_fields,
    stored_nothing,
)
from newscrawl.coverage import present as field_present
from newscrawl.crawl.runstore import RunStats, RunStore
from newscrawl.extract.document import Page
from newscrawl.items import ArticleItem, Caption
from newscrawl.sites.almayadeen.page import ArticlePage
from tests.conftest import FIXTURES, build_site, connect, crawl, expected_articles, run_stats, start_mirror

if TYPE_CHECKING:
    from pathlib import Path

EN = "https://english.almayadeen.net"
URL = f"{EN}/news/politics/a-story-with-a-long-enough-slug"
FULL = ArticleItem(
    url=URL,
    headline="A headline",
    content_type="news",
    section="Politics",
    lead="A lead.",
    body="A body.",
    authors=["Al Mayadeen English"],
    published_at="2025-07-01T10:00:00+03:00",
    tags=["Gaza"],
)


# --- missing fields -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "missing"),
    [
        (FULL, []),
        (replace(FULL, authors=[]), ["authors"]),
        (replace(FULL, headline=None, tags=[]), ["headline", "tags"]),
        (replace(FULL, lead="  "), ["lead"]),
        (replace(FULL, section=None, published_at=None, body=""), ["published_at", "section", "body"]),
        # Optional by nature: no source, captions, region or sitemap entry is nothing missing.
        (replace(FULL, source=None, captions=[], region=None, sitemap_news=None), []),
        (ArticleItem(url=URL), ["headline", "authors", "published_at", "section", "lead", "body", "tags"]),
    ],
)
def test_missing_fields(item: ArticleItem, missing: list[str]) -> None:
    assert missing_fields(item) == missing


NO_TAGS = ("headline", "authors", "published_at", "section", "lead", "body")


@pytest.mark.parametrize(
    ("item", "expected", "missing"),
    [
        # A site whose profile expects no tags: a tag-less article lacks nothing.
        (replace(FULL, tags=[]), NO_TAGS, []),
        (replace(FULL, tags=[], authors=[]), NO_TAGS, ["authors"]),
        (replace(FULL, modified_at=None), (*NO_TAGS, "modified_at"), ["modified_at"]),
        (replace(FULL, truncated="cut"), ("headline", "body"), ["body"]),
        (ArticleItem(url=URL), ("lead", "headline"), ["lead", "headline"]),
    ],
)
def test_missing_fields_of_a_site_with_its_own_expected_fields(
    item: ArticleItem, expected: tuple[str, ...], missing: list[str]
) -> None:
    assert missing_fields(item, expected) == missing


@pytest.mark.parametrize(
    ("expected", "monitored"),
    [
        ((), ("source", "captions", "region")),
        (NO_TAGS, (*NO_TAGS, "source", "captions", "region")),
        (("headline", "region"), ("headline", "region", "source", "captions")),
    ],
)
def test_monitored_fields(expected: tuple[str, ...], monitored: tuple[str, ...]) -> None:
    assert monitored_fields(expected) == monitored


@pytest.mark.parametrize(
    ("values", "fields", "absent"),
    [
        ({"a": "x", "b": [], "c": None}, ("a", "b", "c", "d"), ["b", "c", "d"]),
        ({"a": 0, "b": ["x"], "c": {"k": 1}, "d": {}}, ("a", "b", "c", "d"), ["d"]),
        ({"a": "\n"}, ("a",), ["a"]),
    ],
)
def test_absent_fields(values: dict[str, Any], fields: tuple[str, ...], absent: list[str]) -> None:
    assert absent_fields(values, fields) == absent


@pytest.mark.parametrize(
    ("value", "held"),
    [
        (None, False),
        ("", False),
        (" \n\t", False),
        ("x", True),
        ([], False),
        ((), False),
        ({}, False),
        (["x"], True),
        ({"k": None}, True),
        (0, True),
        (False, True),
    ],
)
def test_field_present(value: Any, held: bool) -> None:
    assert field_present(value) is held


def test_tally_counts_present_fields_per_content_type() -> None:
    tally = CoverageTally(fields=("authors", "captions"))
    tally.add(FULL)
    tally.add(replace(FULL, authors=[], captions=[Caption("A caption")]))
    tally.add(replace(FULL, content_type="video"))
    tally.add(replace(FULL, content_type=None))
    assert tally.rows() == [
        FieldCoverage("", "authors", 1, 1),
        FieldCoverage("", "captions", 1, 0),
        FieldCoverage("news", "authors", 2, 1),
        FieldCoverage("news", "captions", 2, 1),
        FieldCoverage("video", "authors", 1, 1),
        FieldCoverage("video", "captions", 1, 0),
    ]


def test_tally_counts_each_field_on_the_articles_it_is_monitored_on() -> None:
    tally = CoverageTally(fields=("authors", "tags"))
    tally.add(replace(FULL, tags=[]), fields=("authors",))  # a site that expects no tags
    tally.add(replace(FULL, tags=[]))
    tally.add(FULL, fields=("authors", "tags", "modified_at"))
    tally.add(replace(FULL, content_type="video", tags=[]), fields=("authors",))
    assert tally.rows() == [
        FieldCoverage("news", "authors", 3, 3),
        FieldCoverage("news", "tags", 2, 1),
        FieldCoverage("news", "modified_at", 1, 0),
        FieldCoverage("video", "authors", 1, 1),
    ]
    assert tally.fields == ("authors", "tags")


def test_tally_counts_each_field_by_source() -> None:
    tally = CoverageTally(fields=("headline", "authors", "tags"))
    tally.add(replace(FULL, field_sources={"headline": "cms", "authors": "cms", "tags": "site-dom"}))
    tally.add(replace(FULL, field_sources={"headline": "heuristic", "authors": "cms", "tags": "site-dom"}))
    # A field without a value counts under no source; one with a value but no source, as unknown.
    tally.add(replace(FULL, authors=[], field_sources={"headline": "cms", "authors": "cms"}))
    tally.add(replace(FULL, content_type="video", field_sources={"headline": "jsonld"}), fields=("headline",))
    assert tally.source_rows() == [
        FieldSource("news", "headline", "cms", 2),
        FieldSource("news", "headline", "heuristic", 1),
        FieldSource("news", "authors", "cms", 2),
        FieldSource("news", "tags", "site-dom", 2),
        FieldSource("news", "tags", "unknown", 1),
        FieldSource("video", "headline", "jsonld", 1),
    ]
    assert [(c.field, c.present) for c in tally.rows() if c.content_type == "news"] == [
        ("headline", 3),
        ("authors", 2),
        ("tags", 3),
    ]


# --- judging ----------------------------------------------------------------------------------


def exact_lower_tail(k: int, n: int, p: Fraction) -> float:
    """P(X <= k) for X ~ Binomial(n, p) in exact rational arithmetic."""
    return float(sum((math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1)), Fraction(0)))


@pytest.mark.parametrize(
    ("k", "n", "p"),
    [
        (0, 30, Fraction(2, 5)),
        (2, 10, Fraction(1, 2)),
        (0, 10, Fraction(1, 5)),
        (1, 12, Fraction(1, 2)),
        (12, 31, Fraction(21, 50)),
        # comb(2000, 1000) overflows a float: summed in log space, it does not.
        (1000, 2000, Fraction(1, 2)),
        (900, 2000, Fraction(1, 2)),
    ],
)
def test_binomial_lower_tail(k: int, n: int, p: Fraction) -> None:
    assert binomial_lower_tail(k, n, float(p)) == pytest.approx(exact_lower_tail(k, n, p), rel=1e-9)


@pytest.mark.parametrize(
    ("k", "n", "p", "expected"),
    [(3, 3, 0.9, 1.0), (5, 10, 0.0, 1.0), (4, 5, 1.0, 0.0), (5, 5, 1.0, 1.0), (-1, 5, 0.5, 0.0)],
)
def test_binomial_lower_tail_edges(k: int, n: int, p: float, expected: float) -> None:
    assert binomial_lower_tail(k, n, p) == expected


def history(*shares: float) -> dict[tuple[str, str], list[float]]:
    return {("article", "authors"): list(shares)}


@pytest.mark.parametrize(
    ("present", "articles", "shares", "limits", "flagged"),
    [
        # The brief's two cases: 40% -> 0% of 30 is no chance; 20% -> 0% of 10 may be.
        (0, 30, (0.4, 0.4, 0.4), Limits(), True),
        (0, 10, (0.2, 0.2, 0.2), Limits(), False),
        # The first runs only learn the baseline.
        (0, 30, (1.0,), Limits(), False),
        (0, 30, (1.0,), Limits(learn_runs=1), True),
        # Too few articles of the type to judge.
        (0, 4, (1.0, 1.0), Limits(), False),
        (0, 4, (1.0, 1.0), Limits(min_articles=4), True),
        # A fall smaller than COVERAGE_DROP of the baseline is not flagged, however sure.
        (600, 1000, (0.9, 0.9), Limits(), False),
        (440, 1000, (0.9, 0.9), Limits(), True),
        (600, 1000, (0.9, 0.9), Limits(drop=0.3), True),
        # A field no earlier run had cannot fall.
        (0, 30, (0.0, 0.0), Limits(), False),
        # The baseline is the median of the last COVERAGE_HISTORY_RUNS shares: one odd run
        # does not move it, and runs older than the window do not count.
        (10, 30, (0.8, 0.1, 0.8), Limits(), True),
        (10, 30, (0.3, 0.3, 0.9, 0.9, 0.9), Limits(history_runs=2), False),
        # A stricter p-value lets a smaller sample through.
        (1, 12, (0.5, 0.5), Limits(), False),
        (1, 12, (0.5, 0.5), Limits(p_value=0.01), True),
    ],
)
def test_judge(present: int, articles: int, shares: tuple[float, ...], limits: Limits, flagged: bool) -> None:
    current = FieldCoverage("article", "authors", articles, present)
    drops = judge([current, FieldCoverage("news", "authors", articles, present)], history(*shares), limits)
    assert drops == ([CoverageDrop(current, drops[0].baseline, min(len(shares), limits.history_runs))] if flagged else [])


def test_a_drop_describes_itself() -> None:
    drop = CoverageDrop(FieldCoverage("article", "authors", 31, 0), 0.42, 5)
    assert drop.describe() == "coverage of authors for article fell to 0% (0/31) from a baseline of 42% over 5 runs"
    assert drop.summary() == "authors (article) 42% -> 0%"


# Source mixes, each a run's shares of a field's articles by source.
CMS = {"cms": 0.98, "heuristic": 0.02}
MIXED = {"cms": 0.5, "jsonld": 0.5}


@pytest.mark.parametrize(
    ("runs", "main"),
    [
        ([CMS, CMS, {"cms": 1.0}], ("cms", 0.98)),
        # The median: one odd run does not move it.
        ([{"heuristic": 0.9}, CMS, CMS], ("cms", 0.98)),
        # A source absent from a run counts 0 there: held in one run of three, it is no main source.
        ([{"jsonld": 1.0}, {"cms": 1.0}, {"meta": 1.0}], None),
        # Equal medians: the higher mean share, then the first name.
        ([{"cms": 0.4, "jsonld": 0.4}, {"cms": 0.4, "jsonld": 0.6}, {"cms": 0.2, "jsonld": 0.4}], ("jsonld", 0.4)),
        ([MIXED, MIXED], ("cms", 0.5)),
        # No run had the field.
        ([{}, {}], None),
        ([], None),
    ],
)
def test_main_source(runs: list[dict[str, float]], main: tuple[str, float] | None) -> None:
    assert main_source(runs) == main


def run_sources(articles: int, **by_source: int) -> tuple[FieldCoverage, list[FieldSource]]:
    """A run's headline coverage for news and its sources, ``articles`` of the type in all."""
    rows = [FieldSource("news", "headline", source.replace("_", "-"), n) for source, n in by_source.items()]
    return FieldCoverage("news", "headline", articles, sum(by_source.values())), rows


@pytest.mark.parametrize(
    ("run", "runs", "limits", "shift"),
    [
        # The brief's case: cms in 98% of the articles of 5 runs, now heuristic in 60% of 30.
        (run_sources(30, heuristic=18, generic_dom=12), [CMS] * 5, Limits(), ("cms", 0.98, 5, "heuristic", 18)),
        # The same source kept, a few articles more from a fallback: nothing moved.
        (run_sources(30, cms=27, heuristic=3), [CMS] * 5, Limits(), None),
        # Too few articles of the type to judge, until COVERAGE_MIN_ARTICLES allows it.
        (run_sources(4, heuristic=4), [CMS] * 5, Limits(), None),
        (run_sources(4, heuristic=4), [CMS] * 5, Limits(min_articles=4), ("cms", 0.98, 5, "heuristic", 4)),
        # Too few earlier runs: the first runs only learn the baseline.
        (run_sources(30, heuristic=30), [CMS], Limits(), None),
        (run_sources(30, heuristic=30), [CMS], Limits(learn_runs=1), ("cms", 0.98, 1, "heuristic", 30)),
        # A mixed history (no source held the field in half of the runs) has no main source to leave.
        (run_sources(30, meta=30), [{"jsonld": 1.0}, {"cms": 1.0}, {"heuristic": 1.0}], Limits(), None),
        # A history of two sources half and half: a small wobble to the other one is no shift...
        (run_sources(30, jsonld=17, cms=13), [MIXED] * 4, Limits(), None),
        # ...nor is a fall of the old one that chance gives often enough...
        (run_sources(10, jsonld=8, cms=2), [MIXED] * 4, Limits(), None),
        # ...but the old one all but gone from many articles is.
        (run_sources(40, jsonld=38, cms=2), [MIXED] * 4, Limits(), ("cms", 0.5, 4, "jsonld", 38)),
        # The main source moved, the old one kept more than COVERAGE_DROP allows: not flagged.
        (run_sources(100, heuristic=55, cms=45), [{"cms": 0.8, "heuristic": 0.2}] * 3, Limits(), None),
        (
            run_sources(100, heuristic=55, cms=45),
            [{"cms": 0.8, "heuristic": 0.2}] * 3,
            Limits(drop=0.4),
            ("cms", 0.8, 3, "heuristic", 55),
        ),
        # A tie keeps the old source.
        (run_sources(30, cms=15, heuristic=15), [{"cms": 1.0}] * 2, Limits(drop=0.5), None),
        # Only the last COVERAGE_HISTORY_RUNS runs count: older ones with another source do not.
        (run_sources(30, heuristic=30), [{"heuristic": 1.0}] * 2 + [CMS] * 5, Limits(history_runs=2), None),
        # A field the run's articles lack is the coverage monitor's: no source moved.
        (run_sources(30), [CMS] * 5, Limits(), None),
        # Sources unknown to the history (an article that recorded none) are sources like any other.
        (run_sources(30, unknown=30), [CMS] * 5, Limits(), ("cms", 0.98, 5, "unknown", 30)),
    ],
)
def test_judge_sources(
    run: tuple[FieldCoverage, list[FieldSource]], runs: list[dict[str, float]], limits: Limits, shift: tuple[Any, ...] | None
) -> None:
    coverage, sources = run
    # Another content type with the same articles but no history is never judged.
    other = FieldCoverage("video", "headline", coverage.articles, coverage.present)
    other_sources = [replace(row, content_type="video") for row in sources]
    shifts = judge_sources([other, coverage], [*sources, *other_sources], {("news", "headline"): runs}, limits)
    assert shifts == ([SourceShift(coverage, *shift)] if shift else [])


def test_judge_sources_leaves_out_the_fields_whose_coverage_fell() -> None:
    coverage, sources = run_sources(30, heuristic=3)
    history = {("news", "headline"): [CMS] * 5}
    assert [s.new for s in judge_sources([coverage], sources, history, Limits())] == ["heuristic"]
    assert judge_sources([coverage], sources, history, Limits(), skip={("news", "headline")}) == []


def test_a_shift_describes_itself() -> None:
    shift = SourceShift(FieldCoverage("news", "headline", 30, 30), "cms", 0.98, 5, "heuristic", 18)
    assert shift.describe() == "source of headline for news moved from cms (98% over 5 runs) to heuristic (60%, 18/30)"
    assert shift.summary() == "headline (news) cms 98% -> heuristic 60%"
    assert (
        SourceShift(FieldCoverage("", "tags", 10, 10), "site-dom", 1.0, 2, "meta", 10).summary()
        == "tags (untyped) site-dom 100% -> meta 100%"
    )


@pytest.mark.parametrize(
    ("limits", "error"),
    [
        ({"history_runs": 0}, "must be at least 1"),
        ({"learn_runs": 11}, "cannot exceed"),
        ({"drop": 0.0}, "COVERAGE_DROP"),
        ({"drop": 1.5}, "COVERAGE_DROP"),
        ({"p_value": 0.0}, "COVERAGE_P_VALUE"),
    ],
)
def test_limits_refuse_out_of_range_settings(limits: dict[str, Any], error: str) -> None:
    with pytest.raises(CoverageSettingError, match=error):
        Limits(**limits)


@pytest.mark.parametrize(
    ("stats", "reason"),
    [
        ({"newscrawl/listing_pages": 31, "newscrawl/listing_article_links": 0}, "no article link found on any of 31 listing pages"),
        ({"newscrawl/listing_pages": 31, "newscrawl/listing_article_links": 90, "newscrawl/article_pages": 52},
         "52 article pages fetched, none stored"),
        # An incremental run with nothing new: links seen, all archived, nothing fetched.
        ({"newscrawl/listing_pages": 31, "newscrawl/listing_article_links": 90}, None),
        ({"newscrawl/listing_pages": 31, "newscrawl/article_pages": 3, "newscrawl/articles_unchanged": 3}, None),
        ({"newscrawl/listing_pages": 2, "newscrawl/articles_new": 1}, None),
        ({}, None),
    ],
)  # fmt: skip
def test_stored_nothing(stats: dict[str, int], reason: str | None) -> None:
    assert stored_nothing(stats) == reason


# --- the archive ------------------------------------------------------------------------------


def test_archive_stores_missing_fields_and_fills_them_in_older_archives(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    archive = Archive(db)
    archive.store_articles([replace(FULL, authors=[], lead=None)], "2025-07-01T00:00:00+00:00")
    archive.store_articles([replace(FULL, url=f"{URL}-2", tags=[])], "2025-07-01T00:00:00+00:00")
    # A body without a headline: no column forbids it, and full-text search finds it.
    archive.store_articles([replace(FULL, url=f"{URL}-3", headline=None, body="Only a pharisaism.")], "2025-07-01T00:00:00+00:00")
    with archive.db.conn:
        rows = dict(archive.db.execute("SELECT url, missing_fields FROM articles").fetchall())
        assert rows == {URL: '["authors", "lead"]', f"{URL}-2": '["tags"]', f"{URL}-3": '["headline"]'}
        found = archive.db.execute(
            "SELECT a.url FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH 'pharisaism'"
        ).fetchall()
        assert found == [(f"{URL}-3",)]
        # An archive from before the column existed.
        archive.db.execute("ALTER TABLE articles DROP COLUMN missing_fields")
    archive.close()
    reopened = Archive(db)
    assert dict(reopened.db.execute("SELECT url, missing_fields FROM articles").fetchall()) == rows
    reopened.close()


def test_coverage_history_counts_only_finished_runs_of_the_same_target_with_enough_articles(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a.db")
    en: dict[str, Any] = {"edition": "en"}
    ar: dict[str, Any] = {"edition": "ar"}
    site_a: dict[str, Any] = {"start_urls": ["https://a.example/"]}
    site_b: dict[str, Any] = {"start_urls": ["https://b.example/"]}
    runs = [
        ("almayadeen", en, "finished", 10, 8),
        ("almayadeen", en, "degraded", 10, 0),  # never feeds the baseline
        ("almayadeen", en, "finished", 3, 3),  # too few articles
        ("almayadeen", ar, "finished", 10, 1),  # another edition
        ("news", site_a, "finished", 10, 2),  # another spider
        ("news", site_b, "finished", 10, 3),  # and another site
        ("almayadeen", en, "finished", 10, 6),
        ("almayadeen", en, "finished", 10, 5),
        ("almayadeen", {**en, "discover": "sitemap"}, "finished", 10, 9),  # a backfill
    ]
    for spider, args, status, articles, present in runs:
        run = archive.start_run(spider, args)
        archive.finish_run(run, status, {}, coverage=[FieldCoverage("news", "authors", articles, present)])
    current = archive.start_run("almayadeen", en)
    assert archive.coverage_history("almayadeen", "en", current, min_articles=5, runs=2) == {("news", "authors"): [0.5, 0.6]}
    assert archive.coverage_history("almayadeen", "en", current, min_articles=3, runs=10) == {
        ("news", "authors"): [0.5, 0.6, 1.0, 0.8]
    }
    assert archive.coverage_history("almayadeen", "en", 7, min_articles=5, runs=10) == {("news", "authors"): [0.8]}
    for start_urls, share in (["https://a.example/"], 0.2), (["https://b.example/"], 0.3):
        history = archive.coverage_history("news", None, current, min_articles=5, runs=10, start_urls=start_urls)
        assert history == {("news", "authors"): [share]}
    assert archive.coverage_history("news", None, current, min_articles=5, runs=10, start_urls=["https://c.example/"]) == {}
    assert archive.coverage_history("almayadeen", "en", current, min_articles=5, runs=10, discover="sitemap") == {
        ("news", "authors"): [0.9]
    }
    archive.close()


def test_source_history_reads_the_baseline_runs_that_recorded_sources(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a.db")
    en: dict[str, Any] = {"edition": "en"}
    headline = FieldCoverage("news", "headline", 10, 10)

    def sources(**by_source: int) -> list[FieldSource]:
        return [FieldSource("news", "headline", source.replace("_", "-"), n) for source, n in by_source.items()]

    runs = [
        (en, "finished", [headline], []),  # recorded no sources (an archive from before them)
        (en, "finished", [headline], sources(cms=9, heuristic=1)),
        (en, "degraded", [headline], sources(heuristic=10)),  # never feeds the baseline
        (en, "finished", [FieldCoverage("news", "headline", 3, 3)], sources(jsonld=3)),  # too few articles
        ({"edition": "ar"}, "finished", [headline], sources(meta=10)),  # another edition
        # The run's headline had sources; its authors, on none of its articles, have none.
        (en, "finished", [FieldCoverage("news", "authors", 10, 0), headline], sources(cms=8, site_dom=2)),
        (en, "finished", [headline], sources(cms=10)),
    ]
    for args, status, coverage, recorded in runs:
        run = archive.start_run("almayadeen", args)
        archive.finish_run(run, status, {}, coverage=coverage, sources=recorded)
    current = archive.start_run("almayadeen", en)
    assert archive.source_history("almayadeen", "en", current, min_articles=5, runs=10) == {
        ("news", "authors"): [{}],
        ("news", "headline"): [{"cms": 1.0}, {"cms": 0.8, "site-dom": 0.2}, {"cms": 0.9, "heuristic": 0.1}],
    }
    assert archive.source_history("almayadeen", "en", current, min_articles=3, runs=2) == {
        ("news", "authors"): [{}],
        ("news", "headline"): [{"cms": 1.0}, {"cms": 0.8, "site-dom": 0.2}],
    }
    assert archive.source_history("almayadeen", "en", 4, min_articles=3, runs=10) == {
        ("news", "headline"): [{"cms": 0.9, "heuristic": 0.1}]
    }
    with archive.db.conn:
        stored = archive.db.execute("SELECT * FROM run_field_sources WHERE run_id = 6 ORDER BY source").fetchall()
    assert [tuple(row) for row in stored] == [(6, "news", "headline", "cms", 8), (6, "news", "headline", "site-dom", 2)]
    archive.close()


def test_a_coverage_drop_and_a_source_shift_in_one_run_are_reported_in_one_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    archive = Archive(tmp_path / "a.db")
    en = {"edition": "en"}
    for _ in range(2):  # the history: headlines and leads from the CMS block on every article
        run = archive.start_run("almayadeen", en)
        coverage = [FieldCoverage("news", "headline", 10, 10), FieldCoverage("news", "lead", 10, 10)]
        sources = [FieldSource("news", "headline", "cms", 10), FieldSource("news", "lead", "cms", 10)]
        archive.finish_run(run, "finished", {}, coverage=coverage, sources=sources)
    store = RunStore(archive, RunStats(), stop=lambda reason: None)
    store.start("almayadeen", en)
    for n in range(10):
        # Headlines from a heuristic; two leads left, from the DOM: a drop, not also a shift.
        lead = "A lead." if n < 2 else None
        store.tally.add(replace(FULL, url=f"{URL}-{n}", lead=lead, field_sources={"headline": "heuristic", "lead": "site-dom"}))
    with caplog.at_level(logging.WARNING, logger="newscrawl.crawl.runstore"):
        assert store.finish("finished") == "degraded"
    assert [r.getMessage() for r in caplog.records] == [
        "coverage of lead for news fell to 20% (2/10) from a baseline of 100% over 2 runs",
        "source of headline for news moved from cms (100% over 2 runs) to heuristic (100%, 10/10)",
    ]
    stats = store.stats.get_stats()
    assert stats["newscrawl/message"] == (
        "field coverage fell (a selector or the site's markup changed?): lead (news) 100% -> 20%; "
        "field sources moved (the site's markup changed?): headline (news) cms 100% -> heuristic 100%"
    )
    assert (stats["newscrawl/coverage_drops"], stats["newscrawl/source_shifts"]) == (
        ["news:lead"],
        ["news:headline:cms->heuristic"],
    )
    # The degraded run's sources are recorded, and never feed a baseline.
    with archive.db.conn:
        stored = archive.db.execute("SELECT field, source, articles FROM run_field_sources WHERE run_id = 3").fetchall()
    assert {(field, source): n for field, source, n in stored} == {
        ("headline", "heuristic"): 10,
        ("lead", "site-dom"): 2,
        # FULL's other fields, with no source recorded.
        **{(name, "unknown"): 10 for name in ("authors", "published_at", "section", "body", "tags")},
    }
    later = archive.start_run("almayadeen", en)
    assert archive.source_history("almayadeen", "en", later, min_articles=5, runs=10)[("news", "headline")] == [{"cms": 1.0}] * 2
    archive.close()


# --- crawls -----------------------------------------------------------------------------------

#: The stored text of an article, as the columns of ``articles`` hold it.
TEXT = "headline, lead, body, authors, tags, source, published_at, section, region"
NO_LEAD = "content.ARTICLES = tuple(dataclasses.replace(a, lead=None) for a in content.ARTICLES)"


def article_paths() -> set[str]:
    """The fixture site's article paths, e.g. ``news/politics/<slug>``."""
    return {unquote(urlsplit(expected["url"]).path).strip("/") for _, expected in expected_articles(FIXTURES)}


def rewrite_pages(site: Path, *, articles: bool, edit: Any) -> int:
    """Apply ``edit(path, root)`` to the rendered article pages (or to every other page) of a
    site, in place; returns how many pages it rewrote."""
    paths, count = article_paths(), 0
    for file in sorted(site.rglob("*.html")):
        path = file.parent.relative_to(site).as_posix()
        if (path in paths and file.name == "index.html") != articles:
            continue
        root = lxml.html.fromstring(file.read_bytes())
        edit(path, root)
        file.write_bytes(lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8"))
        count += 1
    return count


def pages_showing(site: Path, texts: list[str]) -> set[str]:
    """The URLs of the article pages of a site whose HTML holds one of ``texts`` (entities
    decoded, spaces collapsed)."""
    return {
        f"{EN}/{path}"
        for path in article_paths()
        if any(
            text in " ".join(html.unescape((site / path / "index.html").read_text(encoding="utf-8")).split()) for text in texts
        )
    }


def coverage_of(db: Path, run: int) -> dict[tuple[str, str], tuple[int, int]]:
    with connect(db) as con:
        rows = con.execute("SELECT content_type, field, articles, present FROM run_coverage WHERE run_id = ?", [run])
        return {(r["content_type"], r["field"]): (r["articles"], r["present"]) for r in rows}


def learn_baseline(base_url: str, db: Path) -> None:
    """The coverage baseline's learning runs (COVERAGE_LEARN_RUNS, 2): a crawl, then a full pass."""
    for args in ((), ("full=1",)):
        learning = crawl(base_url, db, *args)
        assert learning.returncode == 0, learning.stderr[-3000:]


def test_a_field_gone_from_every_article_degrades_the_run(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    site = build_site(tmp_path / "site")
    server = start_mirror(site)
    try:
        # The default thresholds suffice here: news (27 articles), article (16) and video (5)
        # reach COVERAGE_MIN_ARTICLES, and two full passes are the COVERAGE_LEARN_RUNS.
        learn_baseline(server.base_url, db)
        assert [run_stats(db, run)[0] for run in (0, 1)] == ["finished", "finished"]
        assert coverage_of(db, 1)[("news", "lead")] == (27, 26)
        with connect(db) as con:
            before = {r["url"]: r["lead"] for r in con.execute("SELECT url, lead FROM articles")}
            bodies = {r["url"]: r["body"] for r in con.execute("SELECT url, body FROM articles")}
        leads = [lead[:40] for lead in before.values() if lead]
        assert len(leads) == 50
        assert pages_showing(site, leads) == {url for url, lead in before.items() if lead}
        # No page shows a standfirst any more: no CMS description, JSON-LD, meta tag or DOM lead;
        # the words stay only where the body itself opens with them.
        build_site(site, NO_LEAD)
        repeated = {url for url, lead in before.items() if lead and lead[:40] in " ".join(bodies[url].split())}
        assert len(repeated) == 2
        assert pages_showing(site, leads) == repeated
        result = crawl(server.base_url, db, "full=1")
    finally:
        server.stop()
    status, stats = run_stats(db)
    assert (result.returncode, status) == (5, "degraded"), result.stderr[-3000:]
    message = "field coverage fell (a selector or the site's markup changed?): lead (article) 100% -> 0%; lead (news) 96% -> 0%; lead (video) 80% -> 0%"
    assert stats["newscrawl/message"] == message
    assert f"newscrawl: degraded: {message}" in result.stderr
    assert "coverage of lead for news fell to 0% (0/27) from a baseline of 96% over 2 runs" in result.stderr
    assert stats["newscrawl/coverage_drops"] == ["article:lead", "news:lead", "video:lead"]
    # Too few galleries and infographs to judge; other fields held.
    assert coverage_of(db, 3)[("gallery", "lead")] == (2, 0)
    assert coverage_of(db, 3)[("news", "authors")] == (27, 27)
    with connect(db) as con:
        # Nothing lost: every article is kept, the leads they had as earlier versions.
        now = {r["url"]: (r["lead"], json.loads(r["missing_fields"])) for r in con.execute("SELECT * FROM articles")}
        kept = {
            r["url"]: r["lead"]
            for r in con.execute("SELECT a.url, v.lead FROM article_versions v JOIN articles a ON a.id = v.article_id")
        }
        complete = con.execute("SELECT complete FROM crawl_runs WHERE id = 3").fetchone()[0]
    assert now == {url: (None, ["lead"]) for url in before}
    assert kept == {url: lead for url, lead in before.items() if lead}
    assert complete == 0  # the next run walks every listing page again
    runs = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "runs", "--db", str(db), "--json"], capture_output=True, text=True, check=True
    )
    assert [(run["status"], run["message"]) for run in map(json.loads, runs.stdout.splitlines())] == [
        ("degraded", message),
        ("finished", None),
        ("finished", None),
    ]


def test_the_metadata_block_gone_moves_fields_to_other_sources_and_degrades_the_run(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    site = build_site(tmp_path / "site")
    server = start_mirror(site)
    dropped: list[str] = []

    def no_metadata_block(path: str, root: lxml.html.HtmlElement) -> None:
        """A redesign without Al Mayadeen's CMS JSON block (``script#tawsiyat-metadata``)."""
        for script in root.cssselect("script#tawsiyat-metadata"):
            script.drop_tree()
            dropped.append(path)

    try:
        learn_baseline(server.base_url, db)
        with connect(db) as con:
            before = {r["url"]: dict(r) for r in con.execute(f"SELECT url, {TEXT} FROM articles")}
            sources = {r["url"]: json.loads(r["field_sources"]) for r in con.execute("SELECT url, field_sources FROM articles")}
        assert rewrite_pages(site, articles=True, edit=no_metadata_block) == 52
        # The pages of the markup that has the block: the site's metadata supplied their headlines.
        assert len(dropped) == 19
        assert {url for url, named in sources.items() if named["headline"] == "cms"} == {f"{EN}/{path}" for path in dropped}
        result = crawl(server.base_url, db, "full=1")
    finally:
        server.stop()
    status, stats = run_stats(db)
    assert (result.returncode, status) == (5, "degraded"), result.stderr[-3000:]
    # One line per field whose main source moved: on news articles, the only type with enough
    # pages of that markup for chance not to explain it. Headlines and regions lost their CMS
    # source too, but their main source (a heuristic, the site's DOM) stayed: no move.
    lines = [
        "source of authors for news moved from cms (37% over 2 runs) to generic-dom (67%, 18/27)",
        "source of published_at for news moved from cms (37% over 2 runs) to site-dom (37%, 10/27)",
        "source of section for news moved from cms (37% over 2 runs) to heuristic (41%, 11/27)",
    ]
    assert [line.split("WARNING: ", 1)[1] for line in result.stderr.splitlines() if "WARNING: " in line] == lines
    message = (
        "field sources moved (the site's markup changed?): authors (news) cms 37% -> generic-dom 67%; "
        "published_at (news) cms 37% -> site-dom 37%; section (news) cms 37% -> heuristic 41%"
    )
    assert stats["newscrawl/message"] == message
    assert f"newscrawl: degraded: {message}" in result.stderr
    assert stats["newscrawl/source_shifts"] == [
        "news:authors:cms->generic-dom",
        "news:published_at:cms->site-dom",
        "news:section:cms->heuristic",
    ]
    assert "newscrawl/coverage_drops" not in stats
    learnt, judged = coverage_of(db, 2), coverage_of(db, 3)
    assert {key: (learnt[key], share) for key, share in judged.items() if learnt[key] != share} == {
        # The block alone named some pages' regions: coverage fell, not far enough to be flagged.
        ("article", "region"): ((16, 14), (16, 9)),
        ("gallery", "region"): ((2, 2), (2, 1)),
        ("infograph", "region"): ((2, 2), (2, 1)),
        ("news", "region"): ((27, 26), (27, 16)),
        ("video", "region"): ((5, 3), (5, 2)),
    }
    with connect(db) as con:
        by_source = {
            (r["run_id"], r["source"]): r["articles"]
            for r in con.execute("SELECT * FROM run_field_sources WHERE content_type = 'news' AND field = 'authors'")
        }
        now = {r["url"]: dict(r) for r in con.execute(f"SELECT url, {TEXT} FROM articles")}
        versions = con.execute("SELECT count(*) FROM article_versions").fetchone()[0]
        complete = con.execute("SELECT complete FROM crawl_runs WHERE id = 3").fetchone()[0]
    assert by_source == {
        **{(run, source): n for run in (1, 2) for source, n in (("cms", 10), ("jsonld", 9), ("generic-dom", 8))},
        (3, "generic-dom"): 18,
        (3, "jsonld"): 9,
    }
    # Nothing archived is lost: the fallbacks read the same text, so no article changed.
    assert (now, versions) == (before, 0)
    assert complete == 0
    runs = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "runs", "--db", str(db), "--json"], capture_output=True, text=True, check=True
    )
    assert [(run["status"], run["message"]) for run in map(json.loads, runs.stdout.splitlines())] == [
        ("degraded", message),
        ("finished", None),
        ("finished", None),
    ]


def only_meta_keywords(path: str, root: lxml.html.HtmlElement) -> None:
    """Move an article's tags to ``<meta name="keywords">``, a layer the site profile reads only
    when its tag box, its tag links and the CMS metadata have none: the tag boxes of the three
    markups, ``article:tag``, the JSON-LD and CMS keywords all go."""
    tags = [t for _, e in expected_articles(FIXTURES) if unquote(urlsplit(e["url"]).path).strip("/") == path for t in e["tags"]]
    for el in root.cssselect("ul.post-tags, div.article-tags, meta[property='article:tag']"):
        el.drop_tree()
    for p in root.iter("p"):
        if (p.text or "").startswith("Tags:"):
            p.drop_tree()
    for script in root.cssselect("script#tawsiyat-metadata, script[type='application/ld+json']"):
        data = json.loads(script.text or "", strict=False)
        for node in [data, *data.get("@graph", [])] if isinstance(data, dict) else data:
            node.pop("keywords", None)
        script.text = json.dumps(data, ensure_ascii=False)
    for meta in root.cssselect("meta[name='keywords'], meta[name='news_keywords']"):
        meta.drop_tree()
    head = root.find("head")
    assert head is not None
    head.append(lxml.html.Element("meta", name="keywords", content=", ".join(tags)))


def test_a_field_only_a_fallback_layer_finds_keeps_its_coverage_but_its_source_moved(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    site = build_site(tmp_path / "site")
    server = start_mirror(site)
    try:
        learn_baseline(server.base_url, db)
        assert rewrite_pages(site, articles=True, edit=only_meta_keywords) == 52
        # Only that layer has them: without it, a page has no tags (or its section, the last resort).
        for _, article in expected_articles(FIXTURES):
            root = lxml.html.fromstring((site / unquote(urlsplit(article["url"]).path).strip("/") / "index.html").read_bytes())
            for meta in root.cssselect("meta[name='keywords']"):
                meta.drop_tree()
            page = ArticlePage(Page.from_html(lxml.html.tostring(root, encoding="unicode"), article["url"]))
            assert page.tags() in ([], [article["section"]])
        result = crawl(server.base_url, db, "full=1")
    finally:
        server.stop()
    status, stats = run_stats(db)
    # Every tag found, but from the keywords meta tag where the page's tag links gave them: the
    # tag box was redesigned away, which the run reports as a move of the field's source. Five
    # videos, 3 of them tagged from their links before, are too few for chance to be ruled out.
    assert (result.returncode, status) == (5, "degraded"), result.stderr[-3000:]
    assert [line.split("WARNING: ", 1)[1] for line in result.stderr.splitlines() if "WARNING: " in line] == [
        "source of tags for article moved from generic-dom (69% over 2 runs) to meta (100%, 16/16)",
        "source of tags for news moved from generic-dom (63% over 2 runs) to meta (100%, 27/27)",
    ]
    message = "field sources moved (the site's markup changed?): tags (article) generic-dom 69% -> meta 100%; tags (news) generic-dom 63% -> meta 100%"
    assert stats["newscrawl/message"] == message
    assert stats["newscrawl/source_shifts"] == ["article:tags:generic-dom->meta", "news:tags:generic-dom->meta"]
    assert "newscrawl/coverage_drops" not in stats
    assert {key: value for key, value in coverage_of(db, 3).items() if key[1] == "tags"} == {
        (kind, "tags"): (n, n) for kind, n in (("article", 16), ("gallery", 2), ("infograph", 2), ("news", 27), ("video", 5))
    }
    expected = {e["url"]: e["tags"] for _, e in expected_articles(FIXTURES)}
    with connect(db) as con:
        stored = {r["url"]: json.loads(r["tags"]) for r in con.execute("SELECT url, tags FROM articles")}
    assert stored == expected


def no_article_links(path: str, root: lxml.html.HtmlElement) -> None:
    """A listing redesign the spider does not know: no link to an article anywhere (the
    anchors become plain text)."""
    paths = article_paths()
    for anchor in list(root.iter("a")):
        target = unquote(urlsplit(urljoin(f"{EN}/{path}/", anchor.get("href") or "")).path).strip("/")
        if target in paths:
            anchor.drop_tag()


def not_an_article(path: str, root: lxml.html.HtmlElement) -> None:
    """A page the spider cannot recognize as an article: no metadata, no headline, no body."""
    body = root.find("body")
    assert body is not None
    for el in root.cssselect("script, h1, article, main"):
        el.drop_tree()


@pytest.mark.parametrize(
    ("articles", "edit", "reason"),
    [
        (False, no_article_links, "no article link found on any of 45 listing pages"),  # all a clean crawl reads
        (True, not_an_article, "52 article pages fetched, none stored"),
    ],
    ids=["no-link-on-listings", "no-article-recognized"],
)
def test_a_run_that_stores_nothing_although_the_site_answered_is_degraded(
    tmp_path: Path, articles: bool, edit: Any, reason: str
) -> None:
    site = build_site(tmp_path / "site")
    assert rewrite_pages(site, articles=articles, edit=edit) > 0
    db = tmp_path / "archive.db"
    server = start_mirror(site)
    try:
        result = crawl(server.base_url, db)
    finally:
        server.stop()
    status, stats = run_stats(db)
    assert (result.returncode, status) == (5, "degraded"), result.stderr[-3000:]
    assert stats["newscrawl/message"] == f"no article stored although the site answered: {reason}"
    assert f"newscrawl: degraded: no article stored although the site answered: {reason}" in result.stderr
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_coverage_monitor_off_judges_nothing(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site")
    rewrite_pages(site, articles=True, edit=not_an_article)
    db = tmp_path / "archive.db"
    server = start_mirror(site)
    try:
        result = crawl(server.base_url, db, settings={"COVERAGE_MONITOR": "False"})
    finally:
        server.stop()
    assert (result.returncode, run_stats(db)[0]) == (0, "finished"), result.stderr[-3000:]
    assert run_stats(db)[1]["newscrawl/article_pages"] == 52


def test_an_incremental_rerun_with_nothing_new_is_not_degraded(mirror: Any, archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with sqlite3.connect(archive) as source, sqlite3.connect(db) as target:
        source.backup(target)
    # No re-check due either: the run fetches no article page at all, and stores none.
    result = crawl(mirror.base_url, db, settings={"RECHECK_SCHEDULE": ""})
    status, stats = run_stats(db)
    assert (result.returncode, status) == (0, "finished"), result.stderr[-3000:]
    assert "newscrawl/article_pages" not in stats
    assert not any(stats.get(f"newscrawl/articles_{outcome}") for outcome in ("new", "changed", "unchanged"))
    assert stats["newscrawl/listing_pages"] > 0
    assert stats["newscrawl/listing_article_links"] > 0
    assert "newscrawl/message" not in stats


def test_a_first_run_judges_nothing_and_records_its_coverage(archive: Path) -> None:
    status, stats = run_stats(archive, 0)
    assert status == "finished"
    coverage = coverage_of(archive, 1)
    # Every monitored field of every content type the run stored, as the expected articles have it.
    expected: dict[tuple[str, str], list[int]] = {}
    for _, article in expected_articles(FIXTURES):
        for name in CoverageTally().fields:
            counts = expected.setdefault((article["content_type"], name), [0, 0])
            counts[0] += 1
            counts[1] += article[name] not in (None, "", [])
    assert coverage == {key: tuple(counts) for key, counts in expected.items()}
    assert stats["newscrawl/article_pages"] >= 52


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("COVERAGE_DROP", "2", "COVERAGE_DROP=2.0 is not in (0, 1]"),
        ("COVERAGE_HISTORY_RUNS", "ten", "a COVERAGE_* setting is not a number"),
    ],
)
def test_a_bad_coverage_setting_is_bad_input(tmp_path: Path, setting: str, value: str, error: str) -> None:
    db = tmp_path / "archive.db"
    result = crawl("http://127.0.0.1:9", db, settings={setting: value})
    assert result.returncode == 2, result.stderr[-3000:]
    assert f"newscrawl: error: {error}" in result.stderr
    assert not db.exists()  # refused before the archive is opened
