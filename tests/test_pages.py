"""Every fixture site's expected articles against what extraction reads from their pages, in
process: one test per site, article and field, so a failing field names itself
(``almayadeen/news/politics/<slug>-headline``).

Each page is read as its spider reads it in a crawl of the site's mirror (``tests/readings.py``),
and the article converted to the expected files' shape as the crawl tests convert an archived
one (:func:`tests.conftest.item_article`, :func:`tests.conftest.stored_article`). Sites:
``almayadeen`` (``fixtures/site``, the ``almayadeen`` spider), ``heldout`` and ``heldout2``
(``tests/heldout*``, renderings the extractors were not written against, the same spider),
``othersite`` (``fixtures/othersite``, the ``news`` spider, the fields ``expected.json`` gives for
a few of its articles, with the hints its sitemaps and feeds give). What a page cannot give
(:data:`tests.readings.CRAWL_ONLY`) is left to the crawl tests, which also check that a crawl
archives each article as its page reads here (``test_crawl.py``, ``test_news_spider.py``).
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import FIXTURES, HELDOUT, OTHERSITE, expected_articles, item_article
from tests.readings import CRAWL_ONLY, MIRROR, almayadeen_article, news_article_of, news_discovery

if TYPE_CHECKING:
    from pathlib import Path

#: The folders (``site/``, ``expected/``) of the sites the ``almayadeen`` spider reads.
EDITION_SITES: dict[str, Path] = {"almayadeen": FIXTURES, "heldout": HELDOUT[0], "heldout2": HELDOUT[1]}
OTHERSITE_EXPECTED: dict[str, Any] = json.loads((OTHERSITE / "expected.json").read_text(encoding="utf-8"))
SEED = "https://english.almayadeen.net/news/politics/russian-intel-reveals-us-urging--israel--to-expedite-genocid"
NO_TAGS = "/2025/03/12/offshore-wind-farm-clears-final-planning-hurdle.html"
NO_DATE = "/2025/03/11/fishing-quotas-reshape-the-north-harbour-fleet.html"
SHARED = "/world/harbour-strike-ends-after-nine-day-standoff-40117"  # homepage, both feeds, both sitemaps


@functools.cache
def read(site: str, page: str) -> dict[str, Any]:
    """The article of ``page`` (an expected article's URL; for ``othersite`` its path) of
    ``site``, read in process, in the shape of the expected files."""
    item = news_article_of(OTHERSITE, page) if site == "othersite" else almayadeen_article(EDITION_SITES[site] / "site", page)
    assert item is not None, f"{site}: no article read from {page}"
    return item_article(item)


def cases() -> list[Any]:
    """``(site, page, field, expected value)`` of every field of every expected article."""
    found = [
        pytest.param(site, expected["url"], field, value, id=f"{site}/{name}-{field}")
        for site, root in EDITION_SITES.items()
        for name, expected in expected_articles(root)
        for field, value in expected.items()
        if field not in CRAWL_ONLY
    ]
    found += [
        pytest.param("othersite", path, field, value, id=f"othersite{path}-{field}")
        for path, details in sorted(OTHERSITE_EXPECTED["details"].items())
        for field, value in details.items()
        if field != "why"  # the reason the article is detailed, not a field
    ]
    return found


CASES = cases()


def test_every_site_and_article_has_its_field_tests() -> None:
    articles = {(case.values[0], case.values[1]) for case in CASES}
    sizes = {site: len(expected_articles(root)) for site, root in EDITION_SITES.items()}
    sizes["othersite"] = len(OTHERSITE_EXPECTED["details"])
    assert {site: sum(1 for s, _ in articles if s == site) for site in sizes} == sizes
    assert min(sizes.values()) >= 5
    assert sizes["almayadeen"] >= 40


@pytest.mark.parametrize(("site", "page", "field", "expected"), CASES)
def test_page_field(site: str, page: str, field: str, expected: Any) -> None:
    assert read(site, page)[field] == expected


def test_seed_article_acceptance() -> None:
    # The seed page's values as its text shows them (not as fixtures/build.py wrote them).
    seed = read("almayadeen", SEED)
    assert seed["headline"] == "Russian intel reveals US urging 'Israel' to expedite genocide in Gaza"
    assert seed["authors"] == ["Al Mayadeen English"]
    assert seed["source"] == "TASS"
    assert seed["published_at"] == "2023-11-13T20:45:00+02:00"
    assert seed["tags"] == [
        "genocide in Gaza",
        "Israel",
        "US",
        "Russian intelligence",
        "Israeli war crimes",
        "SVR",
        "US elections",
    ]
    assert len(seed["captions"]) == 1
    assert seed["captions"][0]["text"].startswith("Palestinians evacuate a wounded man")
    assert seed["captions"][0]["credit"] == "AP Photo/Mohammed Dahman"
    assert "pharisaism" in seed["body"]
    assert "Read more:" not in seed["body"]


# --- othersite: the news spider's hints --------------------------------------------------------


def test_news_sitemap_keywords_give_tags_to_a_page_without_any() -> None:
    page = (OTHERSITE / NO_TAGS.lstrip("/")).read_text(encoding="utf-8")
    assert "tag" not in page.split('<main id="content">')[1].split("</main>")[0].lower()
    found = news_discovery(OTHERSITE, MIRROR + "/")
    assert found.merged_hints(MIRROR + NO_TAGS).keywords == ("offshore wind", "energy", "planning")
    assert read("othersite", NO_TAGS)["tags"] == ["offshore wind", "energy", "planning"]
    # the page shows a time without a zone: the page wins over the sitemap's
    assert found.merged_hints(MIRROR + NO_TAGS).published == "2025-03-12T09:00:00+00:00"
    assert read("othersite", NO_TAGS)["published_at"] == "2025-03-12T09:00:00"
    assert read("othersite", NO_DATE)["published_at"] == "2025-03-11T06:30:00+00:00"


def test_hints_never_replace_what_the_page_shows() -> None:
    news_sitemap = (OTHERSITE / "sitemaps" / "news.xml").read_text(encoding="utf-8")
    assert "<news:title>Harbour strike ends</news:title>" in news_sitemap
    assert news_discovery(OTHERSITE, MIRROR + "/").merged_hints(MIRROR + SHARED).title == "Harbour strike ends"
    assert read("othersite", SHARED)["headline"] == "Harbour strike ends after nine-day standoff"
    assert read("othersite", SHARED)["tags"] == ["Harbour", "Strikes", "Unions"]


def test_a_page_that_holds_no_article_reads_as_none() -> None:
    # the day archive: its URL has a date in it, its page is a CollectionPage
    assert news_article_of(OTHERSITE, "/2025/03/11/") is None
