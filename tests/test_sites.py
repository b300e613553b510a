"""The site profiles and their registry: every registered profile loads, names its editions and
hosts, and reads its fixture pages; the registry finds a profile by name and by host."""

from __future__ import annotations

import pytest

from newscrawl.extract.document import Page
from newscrawl.sites import registry
from newscrawl.sites.profile import SiteProfile
from newscrawl.urls import origin
from tests.conftest import FIXTURES, OTHERSITE

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
