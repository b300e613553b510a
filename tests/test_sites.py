"""The site profiles and their registry: every registered profile loads, names its editions and
hosts, and reads its fixture pages; the registry finds a profile by name and by host."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

import pytest

from newscrawl.coverage import EXPECTED_FIELDS
from newscrawl.extract.document import Page
from newscrawl.extraction import news_article
from newscrawl.loaders import LoadContext
from newscrawl.sites import registry
from newscrawl.sites.profile import SiteProfile
from newscrawl.urls import HostMap, origin, url_key
from tests.conftest import FIXTURES, OTHERSITE, expected_articles, item_article
from tests.readings import CRAWL_ONLY, MIRROR, almayadeen_article, news_article_of, news_discovery, page_at

if TYPE_CHECKING:
    from collections.abc import Callable

    from newscrawl.items import ArticleItem

#: One article page of each profile's fixture site, and a field the profile reads from it.
FIXTURE_PAGE = {
    "almayadeen": (
        FIXTURES / "site/news/politics/freedom-flotilla-s-handala-departs-sicily-in-bid-to-break-ga/index.html",
        "https://english.almayadeen.net/news/politics/freedom-flotilla-s-handala-departs-sicily-in-bid-to-break-ga",
    ),
    "meridianpost": (
        OTHERSITE / "2025/03/14/city-council-votes-to-pedestrianise-old-town.html",
        "https://www.meridianpost.example/2025/03/14/city-council-votes-to-pedestrianise-old-town.html",
    ),
    "generic": (
        OTHERSITE / "world/harbour-strike-ends-after-nine-day-standoff-40117/index.html",
        "https://news.example/world/harbour-strike-ends-after-nine-day-standoff-40117",
    ),
}


@pytest.mark.parametrize("name", sorted(registry.PROFILES))
def test_every_profile_loads_names_its_editions_and_reads_its_fixture_page(name: str) -> None:
    profile = registry.by_name(name)
    assert isinstance(profile, SiteProfile)
    assert profile.name == name
    for code, edition in profile.editions.items():
        assert edition.code == code
        assert origin(edition.origin) == edition.origin
        assert registry.for_url(edition.origin + "/any/page") == (profile, edition)
    assert (profile.default_edition in profile.editions) == bool(profile.editions)
    path, url = FIXTURE_PAGE[name]
    article = profile.article_page(Page.from_html(path.read_bytes(), url))
    assert article.is_article()
    assert next(iter(article.headline()), None)


def test_hosts_belong_to_one_profile_each() -> None:
    hosts = [edition.host for profile in registry.PROFILES.values() for edition in profile.editions.values()]
    assert len(hosts) == len(set(hosts))
    assert registry.by_name("generic").editions == {}


@pytest.mark.parametrize(
    ("url", "profile", "edition"),
    [
        ("https://english.almayadeen.net/news/politics/x", "almayadeen", "en"),
        ("https://www.almayadeen.net/politics/x", "almayadeen", "ar"),
        ("http://almayadeen.net/", "almayadeen", "ar"),  # the www. twin
        ("https://espanol.almayadeen.net/", "almayadeen", "es"),
        ("https://meridianpost.example/world/", "meridianpost", "en"),
        ("https://static.meridianpost.example/a.jpg", "generic", None),
        ("http://127.0.0.1:8000/", "generic", None),
    ],
)
def test_the_registry_finds_a_profile_by_host(url: str, profile: str, edition: str | None) -> None:
    found, found_edition = registry.for_url(url)
    assert found.name == profile
    assert (found_edition.code if found_edition else None) == edition


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("generic", EXPECTED_FIELDS),
        ("almayadeen", EXPECTED_FIELDS),
        # its legacy template shows no section
        ("meridianpost", ("headline", "authors", "published_at", "lead", "body", "tags")),
    ],
)
def test_each_profile_names_the_fields_its_articles_show(name: str, expected: tuple[str, ...]) -> None:
    assert registry.by_name(name).expected_fields == expected
    assert set(expected) <= registry.ITEM_FIELDS


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://english.almayadeen.net/news/politics/x", EXPECTED_FIELDS),
        ("https://meridianpost.example/2025/03/14/a.html", ("headline", "authors", "published_at", "lead", "body", "tags")),
        ("https://news.example/world/a-story-12345", EXPECTED_FIELDS),
    ],
)
def test_the_expected_fields_of_an_articles_site(url: str, expected: tuple[str, ...]) -> None:
    assert registry.expected_fields(url) == expected


class Misnamed(SiteProfile):
    name = "misnamed"
    expected_fields = ("headline", "byline", "body", "keywords")


def test_a_profile_expecting_a_field_no_article_has_is_refused_at_load() -> None:
    with pytest.raises(registry.ProfileError) as refused:
        registry.checked((registry.by_name("generic"), Misnamed()))
    assert str(refused.value).startswith(
        "site profile 'misnamed': expected_fields names 'byline', 'keywords', not a field of an article "
        "(ArticleItem: authors, body, captions, "
    )
    assert list(registry.checked((SiteProfile(),))) == ["generic"]


def test_an_unknown_profile_name_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match=r"no site profile 'nowhere'; known: almayadeen, generic, meridianpost"):
        registry.by_name("nowhere")


def test_the_profile_classifies_its_urls() -> None:
    almayadeen, generic = registry.by_name("almayadeen"), registry.by_name("generic")
    listing = "https://english.almayadeen.net/news/politics"
    assert almayadeen.page_kind(listing) == "listing"
    assert generic.page_kind(listing) is None
    assert almayadeen.page_number(listing + "/page/3") == 3
    assert generic.page_number(listing + "/page/3") == 1
    assert generic.page_kind("https://news.example/2025/03/14/a-story.html") == "article"
    assert almayadeen.content_type_of("https://english.almayadeen.net/tv-reports/a-report-of-the-day") == "video"
    assert generic.content_type_of("https://news.example/videos/a-report") is None


# --- every profile against its fixture pages' expected JSON ----------------------------------

OTHERSITE_DETAILS: dict[str, dict[str, Any]] = json.loads((OTHERSITE / "expected.json").read_text(encoding="utf-8"))["details"]
MERIDIAN = "https://www.meridianpost.example"
#: Where the Meridian Post's profile reads a page otherwise than the generic one, by design (the
#: fixture's expected values are the generic reading's): times in its edition's zone (a time
#: shown without an offset read in it, one with an offset moved into it), the edition of a page
#: that declares no language.
MERIDIAN_READS = {
    "/2025/03/12/offshore-wind-farm-clears-final-planning-hurdle.html": {"published_at": "2025-03-12T09:00:00+00:00"},
    "/2025/03/10/museum-returns-carved-figurehead-to-shipwrights-guild.html": {"edition": "en"},
    "/culture/le-festival-de-jazz-revient-sur-les-quais-40145": {"published_at": "2025-03-10T17:00:00+00:00"},
}


def meridian_article(path: str) -> dict[str, Any]:
    """The article the ``news`` spider, started on the Meridian Post's real host with the
    othersite mirror as ``base_url``, reads from the page at ``path``."""
    url = MIRROR + path
    found = news_discovery(OTHERSITE, MIRROR + "/")
    profile, edition = registry.for_url(MERIDIAN)
    assert edition is not None
    context = LoadContext.for_edition(edition, HostMap(MERIDIAN, MIRROR))
    item = news_article(page_at(OTHERSITE, url), context, found.merged_hints(url_key(url)), found.section(url), profile)
    assert item is not None
    return item_article(item)


#: A fixture page of a profile: its name, its expected fields, and how the profile reads it.
Case = tuple[str, dict[str, Any], "Callable[[], dict[str, Any] | None]"]


def _shape(item: ArticleItem | None) -> dict[str, Any] | None:
    return item_article(item) if item is not None else None


def almayadeen_cases() -> list[Case]:
    read = lambda url: _shape(almayadeen_article(FIXTURES / "site", url))  # noqa: E731
    return [
        (name, {k: v for k, v in expected.items() if k not in CRAWL_ONLY}, functools.partial(read, expected["url"]))
        for name, expected in expected_articles(FIXTURES)
    ]


def othersite_cases(read: Callable[[str], dict[str, Any] | None], reads: dict[str, dict[str, Any]]) -> list[Case]:
    return [
        (path, {k: v for k, v in {**details, **reads.get(path, {})}.items() if k != "why"}, functools.partial(read, path))
        for path, details in sorted(OTHERSITE_DETAILS.items())
    ]


#: Each profile's fixture pages.
PROFILE_FIXTURES: dict[str, Callable[[], list[Case]]] = {
    "almayadeen": almayadeen_cases,
    "meridianpost": functools.partial(othersite_cases, meridian_article, MERIDIAN_READS),
    "generic": functools.partial(othersite_cases, lambda path: _shape(news_article_of(OTHERSITE, path)), {}),
}


@pytest.mark.parametrize("name", sorted(registry.PROFILES))
def test_every_profile_reads_its_fixture_pages_as_expected(name: str) -> None:
    cases = PROFILE_FIXTURES[name]()
    assert len(cases) >= 5
    wrong = {}
    for page, expected, read in cases:
        found = read()
        assert found is not None, f"{name}: {page} reads as no article"
        if differ := {field: (found[field], value) for field, value in expected.items() if found[field] != value}:
            wrong[page] = differ
    assert wrong == {}
