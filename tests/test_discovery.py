"""The pure discovery helpers: feeds, sitemaps, menus and hints, table by table."""

from __future__ import annotations

import gzip

import pytest

from newscrawl.discovery import (
    ArticleHints,
    FeedEntry,
    SitemapLink,
    apply_hints,
    feed_links,
    is_article_link,
    menu_links,
    news_hints,
    parse_feed,
    parse_sitemap,
    rss_date,
    sitemap_body,
)
from newscrawl.extract.document import Page
from newscrawl.extract.newspage import NewsPage
from newscrawl.items import ArticleItem

SITE = "https://news.example"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>News</title><link>https://news.example/</link>
<atom:link href="https://news.example/feed" rel="self" type="application/rss+xml"/>
<item><title>Rates &amp; markets</title><link> https://news.example/2025/03/14/rates.html?utm_source=rss </link>
<pubDate>Fri, 14 Mar 2025 08:10:00 +0000</pubDate></item>
<item><title>Relative link</title><link>/world/relative-story-12345</link><dc:date>2025-03-13T09:00:00+01:00</dc:date></item>
<item><title>Permalink guid</title><guid>https://news.example/world/guid-story-777777</guid></item>
<item><title>Opaque guid</title><guid isPermaLink="false">story-42</guid></item>
<item><title>Atom link only</title><atom:link href="https://news.example/world/atom-link-story-55555"/></item>
</channel></rss>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example/"><title>News</title><link>https://news.example/</link></channel>
<item rdf:about="https://news.example/a-story-in-rdf-1"><title>RDF story</title>
<link>https://news.example/a-story-in-rdf-1</link><dc:date>2025-03-12T07:00:00Z</dc:date></item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>News</title><link rel="self" href="https://news.example/atom.xml"/><link rel="alternate" href="https://news.example/"/>
<entry><title type="html">Markets &amp;amp; &lt;em&gt;rates&lt;/em&gt;</title>
<link rel="enclosure" type="image/jpeg" href="https://cdn.example/a.jpg"/>
<link rel="alternate" type="text/html" href="/2025/03/14/markets.html"/>
<published>2025-03-14T08:10:00Z</published><updated>2025-03-14T09:00:00Z</updated></entry>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Updated <b>only</b></div></title>
<link href="https://news.example/world/updated-only-12345"/><updated>2025-03-13T10:00:00+02:00</updated></entry>
<entry><title>No link</title><id>urn:uuid:1</id></entry>
</feed>"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            RSS,
            [
                FeedEntry(
                    f"{SITE}/2025/03/14/rates.html?utm_source=rss",
                    ArticleHints(title="Rates & markets", published="2025-03-14T08:10:00+00:00"),
                ),
                FeedEntry(
                    f"{SITE}/world/relative-story-12345",
                    ArticleHints(title="Relative link", published="2025-03-13T09:00:00+01:00"),
                ),
                FeedEntry(f"{SITE}/world/guid-story-777777", ArticleHints(title="Permalink guid")),
                FeedEntry(f"{SITE}/world/atom-link-story-55555", ArticleHints(title="Atom link only")),
            ],
        ),
        (
            RDF,
            [FeedEntry(f"{SITE}/a-story-in-rdf-1", ArticleHints(title="RDF story", published="2025-03-12T07:00:00+00:00"))],
        ),
        (
            ATOM,
            [
                FeedEntry(
                    f"{SITE}/2025/03/14/markets.html",
                    ArticleHints(title="Markets & rates", published="2025-03-14T08:10:00+00:00"),
                ),
                FeedEntry(
                    f"{SITE}/world/updated-only-12345", ArticleHints(title="Updated only", published="2025-03-13T10:00:00+02:00")
                ),
            ],
        ),
        (b"<html><body><a href='/story'>not a feed</a></body></html>", []),
        (b"", []),
        (b"\x00\x01binary", []),
    ],
    ids=["rss2", "rss1-rdf", "atom", "html", "empty", "binary"],
)
def test_parse_feed(body: bytes, expected: list[FeedEntry]) -> None:
    assert parse_feed(body, f"{SITE}/feed") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 14 Mar 2025 08:10:00 +0000", "2025-03-14T08:10:00+00:00"),
        ("Fri, 14 Mar 2025 08:10:00 GMT", "2025-03-14T08:10:00+00:00"),
        ("14 Mar 2025 08:10:00 -0500", "2025-03-14T08:10:00-05:00"),
        ("2025-03-14T08:10:00Z", "2025-03-14T08:10:00+00:00"),
        ("sometime soon", None),
        ("", None),
        (None, None),
    ],
)
def test_rss_date(value: str | None, expected: str | None) -> None:
    assert rss_date(value) == expected


URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
 xmlns:xhtml="http://www.w3.org/1999/xhtml">
<url><loc>https://news.example/world/a-story-12345</loc><lastmod>2025-03-14</lastmod>
<xhtml:link rel="alternate" hreflang="fr" href="https://news.example/fr/a-story-12345"/>
<news:news><news:publication><news:name>News</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2025-03-14T08:10:00+00:00</news:publication_date>
<news:title> A   story </news:title><news:keywords>harbour, strike,, Harbour </news:keywords></news:news></url>
<url><loc>/about</loc></url>
<url><loc></loc></url>
</urlset>"""


@pytest.mark.parametrize(
    ("body", "kind", "links"),
    [
        (
            URLSET,
            "urlset",
            [
                SitemapLink(
                    f"{SITE}/world/a-story-12345",
                    ArticleHints(
                        title="A story", published="2025-03-14T08:10:00+00:00", keywords=("harbour", "strike", "Harbour")
                    ),
                    lastmod="2025-03-14",
                ),
                SitemapLink(f"{SITE}/about", None, None),
            ],
        ),
        (
            b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://news.example/s1.xml</loc>'
            b"<lastmod>2025-03-14</lastmod></sitemap><sitemap><loc>/s2.xml.gz</loc></sitemap></sitemapindex>",
            "sitemapindex",
            [SitemapLink(f"{SITE}/s1.xml", None, "2025-03-14"), SitemapLink(f"{SITE}/s2.xml.gz", None, None)],
        ),
        (b"<html><body><p>Not found</p></body></html>", None, []),
        (b"", None, []),
        (b"<urlset><url><loc>https://news.example/broken", "urlset", [SitemapLink(f"{SITE}/broken", None, None)]),
    ],
    ids=["news-urlset", "index", "html", "empty", "truncated"],
)
def test_parse_sitemap(body: bytes, kind: str | None, links: list[SitemapLink]) -> None:
    parsed = parse_sitemap(body, f"{SITE}/sitemap.xml")
    assert (parsed.kind, parsed.links) == (kind, links)


@pytest.mark.parametrize(
    ("body", "max_size", "expected"),
    [
        (b"<urlset/>", 0, b"<urlset/>"),
        (gzip.compress(b"<urlset/>"), 0, b"<urlset/>"),
        (gzip.compress(b"<urlset>" + b" " * 100 + b"</urlset>"), 50, None),
        (b"\x1f\x8b\x08broken", 0, None),
    ],
    ids=["plain", "gzip", "too-big", "broken-gzip"],
)
def test_sitemap_body(body: bytes, max_size: int, expected: bytes | None) -> None:
    assert sitemap_body(body, max_size) == expected


@pytest.mark.parametrize(
    ("title", "published", "keywords", "expected"),
    [
        (" A\n story ", "2025-03-14T08:10:00Z", "a, b", ArticleHints("A story", "2025-03-14T08:10:00+00:00", ("a", "b"))),
        (None, "2025-03-14", None, ArticleHints(None, "2025-03-14", ())),
        ("", "not a date", " , ", ArticleHints()),
    ],
)
def test_news_hints(title: str | None, published: str | None, keywords: str | None, expected: ArticleHints) -> None:
    assert news_hints(title, published, keywords) == expected


HINTS = ArticleHints(title="Hint title", published="2025-03-14T08:10:00+00:00", keywords=("a", "b", "a"))


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            ArticleItem(url=f"{SITE}/x"),
            ArticleItem(
                url=f"{SITE}/x",
                headline="Hint title",
                published_at="2025-03-14T08:10:00+00:00",
                tags=["a", "b"],
                field_sources={"headline": "sitemap", "published_at": "sitemap", "tags": "sitemap"},
            ),
        ),
        (
            ArticleItem(url=f"{SITE}/x", headline="Page", published_at="2025-03-13", tags=["Page tag"]),
            ArticleItem(url=f"{SITE}/x", headline="Page", published_at="2025-03-13", tags=["Page tag"]),
        ),
        (
            ArticleItem(url=f"{SITE}/x", headline="Page", field_sources={"headline": "jsonld"}),
            ArticleItem(
                url=f"{SITE}/x",
                headline="Page",
                published_at="2025-03-14T08:10:00+00:00",
                tags=["a", "b"],
                field_sources={"headline": "jsonld", "published_at": "sitemap", "tags": "sitemap"},
            ),
        ),
    ],
    ids=["all-missing", "page-has-all", "headline-only"],
)
def test_apply_hints_fills_only_what_is_missing(item: ArticleItem, expected: ArticleItem) -> None:
    assert apply_hints(item, HINTS) == expected
    assert apply_hints(item, ArticleHints()) == item


def test_hints_merge_field_by_field() -> None:
    first = ArticleHints(title="First", keywords=())
    second = ArticleHints(title="Second", published="2025-03-14", keywords=("k",))
    assert first.or_else(second) == ArticleHints("First", "2025-03-14", ("k",))


def test_hints_name_their_source_field_by_field() -> None:
    sitemap = news_hints("From the sitemap", None, None)
    feed = parse_feed(RSS, f"{SITE}/feed.rss")[0].hints
    merged = sitemap.or_else(feed)
    assert (merged.title, merged.published) == ("From the sitemap", "2025-03-14T08:10:00+00:00")
    assert [merged.source_of(name) for name in ("title", "published")] == ["sitemap", "feed"]
    item = apply_hints(ArticleItem(url=f"{SITE}/x"), merged)
    assert item.field_sources == {"headline": "sitemap", "published_at": "feed"}
    assert not ArticleHints()
    assert ArticleHints(keywords=("k",))


@pytest.mark.parametrize(
    ("url", "article"),
    [
        (f"{SITE}/2025/03/14/a-story.html", True),
        (f"{SITE}/world/harbour-strike-ends-after-talks-40117", True),
        (f"{SITE}/world/", False),
        (f"{SITE}/tag/harbour", False),
        (f"{SITE}/media/2025/03/14/a-photo-of-the-harbour.jpg", False),
        (f"{SITE}/sitemaps/2025/03/news.xml", False),
        ("mailto:desk@news.example", False),
        ("ftp://news.example/2025/03/14/a-story.html", False),
    ],
)
def test_is_article_link(url: str, article: bool) -> None:
    assert is_article_link(url) is article


HOME = """<!DOCTYPE html><html><head>
<link rel="alternate" type="application/rss+xml" href="/feed.rss">
<link rel="Alternate" type="application/atom+xml" href="https://news.example/atom.xml">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/json+oembed" href="/oembed">
<link rel="stylesheet" type="text/css" href="/rss.css">
<link rel="alternate" type="application/rss+xml" href="/feed.rss">
</head><body>
<header><a href="/">Logo</a>
<nav><ul><li><a href="/world/">World</a></li><li><a href="/business/"> Business </a></li></ul></nav>
<div class="main-menu"><a href="/culture/">Culture</a><a href="/world/">World again</a></div>
<ul role="navigation"><li><a href="/sport/" title="Sport"><img src="/s.png" alt=""></a></li></ul>
<ul class="social-nav"><li><a href="https://x.com/news">X</a></li></ul>
</header>
<nav class="breadcrumb"><a href="/">Home</a></nav>
<main><a href="/2025/03/14/story.html">Story</a><div class="menu-card"><a href="#top">Top</a></div></main>
<footer><nav><a href="/about">About</a></nav></footer>
</body></html>"""


def test_feed_links() -> None:
    page = Page.from_html(HOME, f"{SITE}/")
    assert feed_links(page) == [f"{SITE}/feed.rss", f"{SITE}/atom.xml"]


def test_menu_links() -> None:
    page = Page.from_html(HOME, f"{SITE}/")
    assert menu_links(page) == [
        (f"{SITE}/world/", "World"),
        (f"{SITE}/business/", "Business"),
        (f"{SITE}/culture/", "Culture"),
        (f"{SITE}/sport/", "Sport"),
    ]


def _head(*parts: str) -> str:
    return f"<!DOCTYPE html><html><head>{''.join(parts)}</head><body><h1>Title</h1><p>Text of the page.</p></body></html>"


def _ld(kind: str) -> str:
    return f'<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "{kind}"}}</script>'


@pytest.mark.parametrize(
    ("html", "declared"),
    [
        (_head(_ld("CollectionPage")), True),
        (_head(_ld("ProfilePage")), True),
        (_head('<meta property="og:type" content="profile">'), True),
        (_head(_ld("CollectionPage"), _ld("NewsArticle")), False),
        (_head(_ld("AboutPage"), '<meta property="og:type" content="article">'), False),
        (_head('<meta property="og:type" content="website">'), False),
        (_head(_ld("WebPage"), _ld("WebSite")), False),
        (_head(), False),
    ],
    ids=["collection", "profile", "og-profile", "with-article", "og-article", "og-website", "webpage", "nothing"],
)
def test_declares_non_article(html: str, declared: bool) -> None:
    assert NewsPage(Page.from_html(html, f"{SITE}/page")).declares_non_article() is declared
