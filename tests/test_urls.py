"""Table tests of URL heuristics: page kinds, pagination, host mapping, block detection."""

from __future__ import annotations

import pytest

from newscrawl.crawl.blocking import block_reason
from newscrawl.sites.almayadeen import urls as site
from newscrawl.urls import HostMap, canonical, clean_url, is_loopback, url_key

EN = "https://english.almayadeen.net"
SITE = "https://news.example"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # the real article URLs of the site notes
        (f"{EN}/news/politics/russian-intel-reveals-us-urging--israel--to-expedite-genocid", "article"),
        (f"{EN}/news/politics/axios:-us-pressured-lebanon-to-criticize-hezbollah-for-drone", "article"),
        (f"{EN}/articles/features/palestinians-in-gaza-are-taking-to-instagram-to-show-their-p", "article"),
        (f"{EN}/articles/foreign-press/four-nightmares-yemen-is-causing-israel-to-have", "article"),
        (f"{EN}/articles/why-the-israelis-are-so-afraid-of-a-liberated-yemen", "article"),
        ("https://www.almayadeen.net/newscast/2024/5/30/some-slug", "article"),
        ("https://www.almayadeen.net/video/some-long-video-slug-here", "article"),
        # listings
        (f"{EN}/news", "listing"),
        (f"{EN}/news/politics", "listing"),
        (f"{EN}/articles/foreign-press", "listing"),
        (f"{EN}/videos/video-features", "listing"),
        (f"{EN}/regions/us-canada", "listing"),
        (f"{EN}/news/politics/page/2", "listing"),
        # neither
        (f"{EN}/", None),
        (f"{EN}/assets/site.css", None),
        (f"{EN}/tags/gaza", None),
        (f"{EN}/sitemaps/all.xml", None),
        (f"{EN}/news/politics/photo.jpg", None),
    ],
)
def test_page_kind(url: str, expected: str | None) -> None:
    assert site.page_kind(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{EN}/news/politics", "news"),
        (f"{EN}/articles/opinion/x-y-z-w", "article"),
        (f"{EN}/videos/newsfeed/x-y-z-w", "video"),
        (f"{EN}/infographs/x-y-z-w", "infograph"),
        (f"{EN}/in-pictures/x-y-z-w", "gallery"),
        (f"{EN}/unknown/x-y-z-w", None),
    ],
)
def test_content_type_of(url: str, expected: str | None) -> None:
    assert site.content_type_of(url) == expected


@pytest.mark.parametrize(
    ("url", "listing", "expected"),
    [
        (f"{EN}/news/politics?page=2", f"{EN}/news/politics", True),
        (f"{EN}/news/politics?page=3", f"{EN}/news/politics?page=2", True),
        (f"{EN}/news/politics/page/2", f"{EN}/news/politics", True),
        (f"{EN}/news/economy?page=2", f"{EN}/news/politics", False),
        (f"{EN}/news/politics?sort=new", f"{EN}/news/politics", False),
    ],
)
def test_is_pagination(url: str, listing: str, expected: bool) -> None:
    assert site.is_pagination(url, listing) is expected


@pytest.mark.parametrize(
    ("url", "listing", "expected"),
    [
        (f"{EN}/articles/foreign-press", f"{EN}/articles", True),
        (f"{EN}/articles/opinion", f"{EN}/articles/features", True),
        (f"{EN}/news/politics", f"{EN}/articles", False),
        (f"{EN}/articles/why-the-israelis-are-so-afraid-of-a-liberated-yemen", f"{EN}/articles", False),
        (f"{EN}/articles?page=2", f"{EN}/articles", False),
    ],
)
def test_is_subsection(url: str, listing: str, expected: bool) -> None:
    assert site.is_subsection(url, listing) is expected


MIRROR = HostMap(real_origin=EN, fetch_origin="http://127.0.0.1:8123")


@pytest.mark.parametrize(
    ("url", "fetch", "real", "on_site"),
    [
        (f"{EN}/news/politics", "http://127.0.0.1:8123/news/politics", f"{EN}/news/politics", True),
        ("http://english.almayadeen.net/news?page=2", "http://127.0.0.1:8123/news?page=2", f"{EN}/news?page=2", True),
        ("http://127.0.0.1:8123/news/x-y-z-w/#top", "http://127.0.0.1:8123/news/x-y-z-w/#top", f"{EN}/news/x-y-z-w", True),
        ("https://www.almayadeen.net/", "https://www.almayadeen.net/", "https://www.almayadeen.net/", False),
        ("https://x.com/almayadeen", "https://x.com/almayadeen", "https://x.com/almayadeen", False),
    ],
)
def test_host_map(url: str, fetch: str, real: str, on_site: bool) -> None:
    assert MIRROR.to_fetch(url) == fetch
    assert MIRROR.to_real(url) == real
    assert MIRROR.on_site(url) is on_site


def test_host_map_on_the_real_site_is_identity() -> None:
    live = HostMap(real_origin=EN, fetch_origin=EN)
    assert not live.mirrored
    assert live.to_fetch(f"{EN}/news/politics") == f"{EN}/news/politics"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://English.Almayadeen.net/news/politics/", "https://english.almayadeen.net/news/politics"),
        ("https://english.almayadeen.net/news?b=2&a=1#x", "https://english.almayadeen.net/news?a=1&b=2"),
        ("https://english.almayadeen.net", "https://english.almayadeen.net/"),
    ],
)
def test_canonical(url: str, expected: str) -> None:
    assert canonical(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [("http://127.0.0.1:8000", True), ("http://localhost:1", True), ("http://[::1]:80", True), (EN, False)],
)
def test_is_loopback(url: str, expected: bool) -> None:
    assert is_loopback(url) is expected


CHALLENGE = "<html><head><title>Just a moment...</title></head><body><div id='cf-chl-widget'></div></body></html>"


@pytest.mark.parametrize(
    ("status", "headers", "text", "expected"),
    [
        (403, {}, CHALLENGE, "bot-protection challenge page (HTTP 403)"),
        (503, {}, CHALLENGE, "bot-protection challenge page (HTTP 503)"),
        (200, {}, CHALLENGE, "bot-protection challenge page (HTTP 200)"),
        (403, {"cf-mitigated": "challenge"}, "", "bot-protection challenge (HTTP 403, cf-mitigated: challenge)"),
        (403, {}, "<html><body>Forbidden</body></html>", "access refused (HTTP 403 Forbidden)"),
        (200, {}, "<html><head><title>News</title></head><body>Just a moment, please</body></html>", None),
        (200, {}, "<html>" + "x" * 70_000 + "cf-chl</html>", None),
        (404, {}, "<html>Not found</html>", None),
    ],
)
def test_block_reason(status: int, headers: dict[str, str], text: str, expected: str | None) -> None:
    assert block_reason(status, headers, text) == expected


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        (f"{SITE}/a?utm_source=rss&utm_medium=feed", f"{SITE}/a"),
        (f"{SITE}/a?id=2&utm_campaign=x&fbclid=abc#comments", f"{SITE}/a?id=2"),
        (f"{SITE}/a?q=a%20b&UTM_Source=x", f"{SITE}/a?q=a%20b"),
        (SITE, f"{SITE}/"),
        (f"{SITE}/a?utm=keep", f"{SITE}/a?utm=keep"),
    ],
)
def test_clean_url(url: str, cleaned: str) -> None:
    assert clean_url(url) == cleaned


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (f"{SITE}/world/", f"{SITE}/world"),
        (f"{SITE}/a?utm_source=rss", f"{SITE}/a#top"),
        (f"{SITE}/a?b=2&a=1", f"{SITE}/a?a=1&b=2"),
        ("https://NEWS.example/a", f"{SITE}/a"),
    ],
)
def test_url_key_is_the_same_for_the_same_page(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)
