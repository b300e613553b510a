"""Each extraction layer on its own: a page that carries a field in only one layer must still give it.

Rows are (layer, field, page body, expected value); the page around the snippet has no other
source for that field, so a failing row names the layer that broke.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from newscrawl.extract.document import Page
from newscrawl.loaders import LoadContext, load_article
from newscrawl.sites.almayadeen.editions import EDITIONS
from newscrawl.sites.almayadeen.page import ArticlePage, menu_links, ticker_lines
from newscrawl.sites.profile import PageContext
from newscrawl.urls import HostMap

EN = "https://english.almayadeen.net"
URL = f"{EN}/news/politics/some-article-about-events-in-the-region"
CONTEXT = LoadContext.for_edition(EDITIONS["en"])
BODY = "<div class='text'><p>" + "A first paragraph long enough to be body text. " * 3 + "</p></div>"

CMS = """<script id="tawsiyat-metadata" type="text/tawsiyat">\r\n{\r\n  "type": "article",\r\n  "postid": "1864628",\r\n
  "title": "Headline from metadata",\r\n  "url": "https://english.almayadeen.net/news/politics/cms-url-of-the-article-itself",\r\n
  "keywords": "Gaza,Israel,Gaza",\r\n  "published_time": "2024-05-30T23:49:00+03:00",\r\n
  "last_updated": "2024-05-30T23:54:36+03:00",\r\n  "description": "Lead from metadata",\r\n  "author": "Al Mayadeen English",\r\n
  "classes": [\r\n    {"key": "class1", "mapping": "posttype", "value": "News"},\r\n
    {"key": "class2", "mapping": "category", "value": "Politics"},\r\n    {"key": "class3", "mapping": "country", "value": "Palestine"},\r\n
    {"key": "class5", "mapping": "coverage", "value": "War on Gaza"}\r\n  ]\r\n}\r\n</script>"""

JSONLD = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "name": "page"},
  {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Home"},
    {"@type": "ListItem", "position": 2, "name": "Economy"}]},
  {"@type": ["NewsArticle"], "headline": "Headline from JSON-LD", "datePublished": "2023-11-13T18:45:00Z",
   "dateModified": "2023-11-14T08:00:00Z", "articleSection": "Economy", "keywords": ["Oil", "Yemen"],
   "description": "Lead from JSON-LD",
   "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"},
              {"@type": "Organization", "name": "Al Mayadeen English"}],
   "image": {"@type": "ImageObject", "url": "https://media.example/a.jpg", "caption": "Tankers at sea (Reuters)"}}
]}</script>"""

META = """<meta property="og:title" content="Headline from og | Al Mayadeen English">
<meta property="og:description" content="Lead from og">
<meta property="article:published_time" content="2025-07-08T14:20:00+03:00">
<meta property="article:modified_time" content="2025-07-08T15:00:00+03:00">
<meta property="article:section" content="Health">
<meta property="article:tag" content="WHO"><meta property="article:tag" content="Gaza">
<meta name="author" content="Sara Haddad"><meta name="postid" content="998877">"""

DOM_CANDIDATES = """<h1 class="post-title">Headline from h1</h1>
<ul class="post-info"><li>By Al Mayadeen English</li><li class="source">Source: TASS</li>
<li class="post-date">13 Nov 2023 20:45</li><li>5 Shares</li></ul><span>4 Min Read</span>
<p class="lg_para summary">Lead from the page.</p>
<div class="p-content"><p>First body paragraph of the article, long enough to count.</p>
<p>Read more: <a href="/news/politics/a-linked-article-about-something-else">Linked</a></p>
<div class="related-news"><h4>Related News</h4><a href="/news/politics/a-related-article-in-the-box-here">Rel</a></div>
<h3>A subheading</h3><p>Second body paragraph of the article, long enough to count.</p></div>
<ul class="tags"><li><a href="/tags/a">genocide in Gaza</a></li><li><a href="/tags/b">Israel</a></li></ul>
<a class="coverage" href="/coverage/war-on-gaza">War on Gaza</a>"""

GENERIC = """<article><h1>Headline from a bare h1</h1>
<p>By Jane Doe and John Roe</p><p>Source: Reuters</p><time>8 Jul 2025 14:20</time>
<figure><img src="/media/one.jpg" alt="ignored"><figcaption>Smoke rises over Gaza City, July 8, 2025 (AFP)</figcaption></figure>
<div><p>The first paragraph of the body, which is long enough to be the main text.</p>
<p>The second paragraph of the body, which is long enough to be the main text.</p></div>
<p><a rel="tag" href="/tags/x">Gaza</a> <a rel="tag" href="/tags/y">Ceasefire</a></p>
</article>
<section><h2>Most Read</h2><figure><img src="/t.jpg" alt="Soldiers (Military Media)"><figcaption>Soldiers (Media)</figcaption></figure>
<a href="/news/politics/a-most-read-article-about-other-things">Most read one</a></section>"""


def extract(head: str, body: str, url: str = URL, regions: dict[str, str] | None = None) -> dict[str, Any]:
    html = f"<html><head><title>Document title | Al Mayadeen English</title>{head}</head><body>{body}</body></html>"
    page = ArticlePage(Page.from_html(html, url), PageContext(regions or {}))
    return asdict(load_article(page, CONTEXT, section_hint="Hinted"))


@pytest.mark.parametrize(
    ("layer", "head", "body", "field", "expected"),
    [
        ("cms", CMS, BODY, "headline", "Headline from metadata"),
        ("cms", CMS, BODY, "post_id", "1864628"),
        ("cms", CMS, BODY, "url", f"{EN}/news/politics/cms-url-of-the-article-itself"),
        ("cms", CMS, BODY, "published_at", "2024-05-30T23:49:00+03:00"),
        ("cms", CMS, BODY, "modified_at", "2024-05-30T23:54:36+03:00"),
        ("cms", CMS, BODY, "authors", ["Al Mayadeen English"]),
        ("cms", CMS, BODY, "tags", ["Gaza", "Israel"]),
        ("cms", CMS, BODY, "section", "Politics"),
        ("cms", CMS, BODY, "region", "Palestine"),
        ("cms", CMS, BODY, "coverage", "War on Gaza"),
        ("cms", CMS, BODY, "lead", "Lead from metadata"),
        ("jsonld", JSONLD, BODY, "headline", "Headline from JSON-LD"),
        ("jsonld", JSONLD, BODY, "published_at", "2023-11-13T20:45:00+02:00"),
        ("jsonld", JSONLD, BODY, "modified_at", "2023-11-14T10:00:00+02:00"),
        ("jsonld", JSONLD, BODY, "authors", ["Jane Doe", "John Roe"]),
        ("jsonld", JSONLD, BODY, "tags", ["Oil", "Yemen"]),
        ("jsonld", JSONLD, BODY, "section", "Economy"),
        ("jsonld", JSONLD, BODY, "lead", "Lead from JSON-LD"),
        (
            "jsonld",
            JSONLD,
            BODY,
            "captions",
            [{"text": "Tankers at sea", "credit": "Reuters", "image_url": "https://media.example/a.jpg"}],
        ),
        ("meta", META, BODY, "headline", "Headline from og"),
        ("meta", META, BODY, "published_at", "2025-07-08T14:20:00+03:00"),
        ("meta", META, BODY, "modified_at", "2025-07-08T15:00:00+03:00"),
        ("meta", META, BODY, "section", "Health"),
        ("meta", META, BODY, "tags", ["WHO", "Gaza"]),
        ("meta", META, BODY, "authors", ["Sara Haddad"]),
        ("meta", META, BODY, "post_id", "998877"),
        ("meta", META, BODY, "lead", "Lead from og"),
        ("dom", "", DOM_CANDIDATES, "headline", "Headline from h1"),
        ("dom", "", DOM_CANDIDATES, "authors", ["Al Mayadeen English"]),
        ("dom", "", DOM_CANDIDATES, "source", "TASS"),
        ("dom", "", DOM_CANDIDATES, "published_at", "2023-11-13T20:45:00+02:00"),
        ("dom", "", DOM_CANDIDATES, "published_raw", "13 Nov 2023 20:45"),
        ("dom", "", DOM_CANDIDATES, "share_count", 5),
        ("dom", "", DOM_CANDIDATES, "read_time_min", 4),
        ("dom", "", DOM_CANDIDATES, "lead", "Lead from the page."),
        ("dom", "", DOM_CANDIDATES, "tags", ["genocide in Gaza", "Israel"]),
        ("dom", "", DOM_CANDIDATES, "coverage", "War on Gaza"),
        (
            "dom",
            "",
            DOM_CANDIDATES,
            "body",
            "First body paragraph of the article, long enough to count.\n\nA subheading\n\n"
            "Second body paragraph of the article, long enough to count.",
        ),
        (
            "dom",
            "",
            DOM_CANDIDATES,
            "related",
            [
                {"url": f"{EN}/news/politics/a-linked-article-about-something-else", "kind": "read_more"},
                {"url": f"{EN}/news/politics/a-related-article-in-the-box-here", "kind": "related"},
            ],
        ),
        ("generic", "", GENERIC, "headline", "Headline from a bare h1"),
        ("generic", "", GENERIC, "authors", ["Jane Doe", "John Roe"]),
        ("generic", "", GENERIC, "source", "Reuters"),
        ("generic", "", GENERIC, "published_at", "2025-07-08T14:20:00+03:00"),
        ("generic", "", GENERIC, "published_raw", "8 Jul 2025 14:20"),
        ("generic", "", GENERIC, "tags", ["Gaza", "Ceasefire"]),
        ("generic", "", GENERIC, "section", "Hinted"),
        (
            "generic",
            "",
            GENERIC,
            "captions",
            [{"text": "Smoke rises over Gaza City, July 8, 2025", "credit": "AFP", "image_url": f"{EN}/media/one.jpg"}],
        ),
        (
            "generic",
            "",
            GENERIC,
            "body",
            "The first paragraph of the body, which is long enough to be the main text.\n\n"
            "The second paragraph of the body, which is long enough to be the main text.",
        ),
        (
            "generic",
            "",
            GENERIC,
            "related",
            [{"url": f"{EN}/news/politics/a-most-read-article-about-other-things", "kind": "most_read"}],
        ),
        ("generic", "", GENERIC, "url", URL),
        ("generic", "", GENERIC, "content_type", "news"),
        ("generic", "", GENERIC, "post_id", None),
        ("generic", "", GENERIC, "modified_at", None),
    ],
)
def test_layer_gives_field(layer: str, head: str, body: str, field: str, expected: Any) -> None:
    assert extract(head, body)[field] == expected


def test_earlier_layer_wins_over_later() -> None:
    item = extract(CMS + JSONLD + META, DOM_CANDIDATES)
    assert item["headline"] == "Headline from metadata"
    assert item["published_at"] == "2024-05-30T23:49:00+03:00"
    assert item["authors"] == ["Al Mayadeen English"]
    # tags are shown to readers, so the visible list wins over metadata keywords
    assert item["tags"] == ["genocide in Gaza", "Israel"]


def test_region_from_link_to_a_known_region_listing() -> None:
    body = GENERIC.replace("</article>", '<a class="label" href="/regions/palestine">Palestine</a></article>')
    assert extract("", body, regions={"/regions/palestine": "Palestine"})["region"] == "Palestine"


def test_canonical_on_a_mirror_names_the_real_host() -> None:
    mirror = LoadContext.for_edition(EDITIONS["en"], HostMap(real_origin=EN, fetch_origin="http://127.0.0.1:9999"))
    html = f"<html><body>{GENERIC}</body></html>"
    page = ArticlePage(Page.from_html(html, "http://127.0.0.1:9999/news/politics/some-article-about-events-in-the-region"))
    item = load_article(page, mirror)
    assert item.url == URL
    assert item.related[0].url == f"{EN}/news/politics/a-most-read-article-about-other-things"


def test_off_site_canonical_is_ignored() -> None:
    head = '<link rel="canonical" href="https://amp.example.com/news/politics/x">'
    assert extract(head, GENERIC)["url"] == URL


TICKER_PAGES = [
    (
        "arabic cms",
        '<div id="ticker-box"><ul><li><div class="ticker-item"><a href="/news/politics/the-linked-breaking-story-here">'
        '<span class="ticker-text">Speaker: first line</span></a></div></li>'
        '<li><div class="ticker-item"><span class="ticker-text">Second line</span></div></li></ul></div>',
        [("Speaker: first line", f"{EN}/news/politics/the-linked-breaking-story-here"), ("Second line", None)],
    ),
    (
        "english bem",
        '<div class="ticker"><span class="ticker__item">Speaker: first line</span><span class="ticker__item">Second line</span></div>',
        [("Speaker: first line", None), ("Second line", None)],
    ),
    (
        "label then list",
        "<section><h2>BREAKING</h2><ul><li>Speaker: first line</li><li>Second line</li></ul></section>",
        [("Speaker: first line", None), ("Second line", None)],
    ),
    (
        "label then links",
        '<div><span>Breaking</span><div><a href="/news/politics/the-linked-breaking-story-here">Speaker: first line</a>'
        '<a href="#">Second line</a></div></div>',
        [("Speaker: first line", f"{EN}/news/politics/the-linked-breaking-story-here"), ("Second line", None)],
    ),
]


@pytest.mark.parametrize(("markup", "body", "expected"), TICKER_PAGES, ids=[t[0] for t in TICKER_PAGES])
def test_ticker_lines(markup: str, body: str, expected: list[tuple[str, str | None]]) -> None:
    page = Page.from_html(f"<html><body>{body}<h1>x</h1></body></html>", f"{EN}/")
    assert [(line.text, line.href) for line in ticker_lines(page)] == expected


def test_menu_links_merge_desktop_and_mobile_copies() -> None:
    menu = '<ul><li><a href="/news">News</a></li><li><a href="/news/politics">Politics</a></li></ul>'
    html = (
        f'<html><body><nav class="main-menu">{menu}</nav><div class="mobile-menu">{menu}</div>'
        '<ul class="regions"><li><a href="/regions/us-canada">US &amp; Canada</a></li></ul>'
        '<a href="/news/politics/some-article-about-events-in-the-region">teaser</a></body></html>'
    )
    links = menu_links(Page.from_html(html, f"{EN}/"))
    assert [(m.url, m.label, m.is_region) for m in links] == [
        (f"{EN}/news", "News", False),
        (f"{EN}/news/politics", "Politics", False),
        (f"{EN}/regions/us-canada", "US & Canada", True),
    ]


@pytest.mark.parametrize(
    ("head", "declares"),
    [
        ('<script id="tawsiyat-metadata" type="text/tawsiyat">{"type": "article"}</script>', True),
        ('<script id="tawsiyat-metadata" type="text/tawsiyat">{"type": "videoobject"}</script>', True),
        ('<script id="tawsiyat-metadata" type="text/tawsiyat">{"type": "page"}</script>', False),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x"}</script>', True),
        ('<script type="application/ld+json">{"@type": "VideoObject", "name": "featured video"}</script>', False),
        ('<script type="application/ld+json">{"@type": "ItemList"}</script>', False),
        ("", False),
    ],
)
def test_declares_article(head: str, declares: bool) -> None:
    html = f"<html><head>{head}</head><body><h1>Opinion</h1></body></html>"
    assert ArticlePage(Page.from_html(html, f"{EN}/articles/opinion")).declares_article() is declares
