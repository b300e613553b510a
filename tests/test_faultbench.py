"""The pure parts of the faults benchmark (``benchmarks/faults.py --damage``): its fault rule and
its verdict. The benchmark itself is run by hand; its figures are printed, not tested."""

from __future__ import annotations

import re
import sys

import pytest

from newscrawl.mirror.faults import MODES, parse_rules
from tests.conftest import PROJECT

sys.path.append(str(PROJECT / "benchmarks"))  # after the installed packages: benchmarks/incremental.py must not shadow Twisted's
import faults  # benchmarks/faults.py


def test_the_damage_rule_is_issue_14s_mixed_damage_at_a_quarter() -> None:
    rule = faults.damage_rule(0.25, 3)
    assert faults.DAMAGE_MODES == [
        "500",
        "502",
        "503",
        "429",
        "reset",
        "truncate",
        "slow",
        "cut-html",
        "empty",
        "malformed",
        "wrong-charset",
    ]
    assert set(faults.DAMAGE_MODES) <= set(MODES)
    (parsed,) = parse_rules([rule])
    assert (parsed.modes, parsed.rate, parsed.seed, parsed.times) == (tuple(faults.DAMAGE_MODES), 0.25, 3, None)


@pytest.mark.parametrize(
    ("target", "damaged"),
    [
        ("/news/politics/a-long-article-slug-here", True),
        ("/news/politics?page=3", True),
        ("/news", True),
        ("/articles/opinion", True),
        ("/videos/newsfeed/a-clip", True),
        ("/infographs", True),
        ("/in-pictures/a-gallery", True),
        ("/regions/mena?page=2", True),
        ("/", False),
        ("/robots.txt", False),
        ("/live", False),
        ("/sitemaps/all.xml", False),
        ("/about-us", False),
        ("/newsletter", False),
    ],
)
def test_the_damage_rule_hits_article_and_listing_paths_only(target: str, damaged: bool) -> None:
    assert bool(re.search(faults.PAGES, target)) is damaged


def row(run: str, stored: int = 4, differing: int = 0, versions: int = 0, ticker_as_clean: bool = True) -> faults.Figures:
    return faults.Figures(run, stored, differing, versions, 0, 10, ticker_as_clean, 100, 0, True)


@pytest.mark.parametrize(
    ("rows", "missed"),
    [
        ([row("first"), row("rerun 1"), row("rerun 2"), row("full=1")], []),
        ([row("first", 3), row("rerun 1", 3), row("rerun 2", 4), row("full=1")], []),
        (
            [row("first"), row("rerun 1"), row("rerun 2", 3, 1), row("full=1")],
            ["after the second rerun 3/4 stored, 1 differing (target 4, 0)"],
        ),
        (
            [row("first"), row("rerun 1"), row("rerun 2"), row("full=1", versions=2, differing=1)],
            ["full=1 made 2 versions, 1 articles differ (target 0, 0)"],
        ),
        (
            [row("first", ticker_as_clean=False), row("rerun 1"), row("rerun 2"), row("full=1")],
            ["first: the ticker is not the clean crawl's (10 lines)"],
        ),
    ],
    ids=["met", "first-run-short", "rerun-short", "full-versions", "ticker"],
)
def test_damage_verdict(rows: list[faults.Figures], missed: list[str]) -> None:
    assert faults.damage_verdict(rows, 4) == missed


def test_differing_counts_the_clean_articles_stored_otherwise() -> None:
    clean = {"a": "h1 ", "b": "h2 related x", "c": "h3 "}
    assert faults.differing(clean, {"a": "h1 ", "b": "h2 ", "d": "h9 "}) == ["b"]
