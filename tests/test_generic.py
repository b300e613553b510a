"""The generic extractor on small pages written for each metadata shape and cleaning rule, and
the ``newscrawl extract`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from newscrawl.extract.captions import figure_captions
from newscrawl.extract.document import Page
from newscrawl.extraction import KEYS, extract_article

if TYPE_CHECKING:
    from pathlib import Path

URL = "https://news.example/world/2024/05/30/some-story-about-things"
BODY = (
    "<div class='story'>"
    + "".join(f"<p>Paragraph {i} of the story, long enough to count as text.</p>" for i in range(4))
    + "</div>"
)


def page(head: str = "", body: str = "", *, h1: str = "") -> str:
    return (
        f"<html lang='en-GB'><head><title>Doc title</title>{head}</head><body><article>{h1}{body}{BODY}</article></body></html>"
    )


def ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


ARTICLE = {"@type": "NewsArticle", "headline": "Ministers meet in Brussels", "datePublished": "2024-05-30T09:15:00+02:00"}


@pytest.mark.parametrize(
    ("shape", "head", "field", "expected"),
    [
        ("bare object", ld({"@context": "https://schema.org", **ARTICLE}), "headline", "Ministers meet in Brussels"),
        ("@graph", ld({"@graph": [{"@type": "WebPage"}, ARTICLE]}), "published", "2024-05-30T09:15:00+02:00"),
        ("top-level array", ld([{"@type": "Organization", "name": "X"}, ARTICLE]), "headline", "Ministers meet in Brussels"),
        ("nested mainEntity", ld({"@type": "WebPage", "mainEntity": ARTICLE}), "headline", "Ministers meet in Brussels"),
        ("subtype", ld({**ARTICLE, "@type": "ReportageNewsArticle"}), "headline", "Ministers meet in Brussels"),
        ("type list", ld({**ARTICLE, "@type": ["NewsArticle", "Article"]}), "headline", "Ministers meet in Brussels"),
        ("live blog", ld({**ARTICLE, "@type": "LiveBlogPosting"}), "headline", "Ministers meet in Brussels"),
        (
            "entities",
            ld({**ARTICLE, "headline": "Ministers &quot;meet&quot; in Br&uuml;ssel"}),
            "headline",
            'Ministers "meet" in Brüssel',
        ),
        ("author string", ld({**ARTICLE, "author": "Jane Doe"}), "authors", ["Jane Doe"]),
        ("author object", ld({**ARTICLE, "author": {"@type": "Person", "name": "Jane Doe"}}), "authors", ["Jane Doe"]),
        (
            "people and org",
            ld({**ARTICLE, "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "Wire"}]}),
            "authors",
            ["Jane Doe"],
        ),
        ("org only", ld({**ARTICLE, "author": {"@type": "Organization", "name": "Agence"}}), "authors", ["Agence"]),
        ("keywords list", ld({**ARTICLE, "keywords": ["EU", "Budget"]}), "tags", ["EU", "Budget"]),
        ("keywords string", ld({**ARTICLE, "keywords": "EU, Budget"}), "tags", ["EU", "Budget"]),
        ("modified is not published", ld({"@type": "NewsArticle", "dateModified": "2024-06-01T10:00:00Z"}), "published", None),
        ("modified", ld({**ARTICLE, "dateModified": "2024-06-01T10:00:00Z"}), "modified", "2024-06-01T10:00:00+00:00"),
        ("utc kept", ld({**ARTICLE, "datePublished": "2024-05-30T07:15:00Z"}), "published", "2024-05-30T07:15:00+00:00"),
        (
            "og:title suffix",
            '<meta property="og:title" content="Ministers meet | Daily"><meta property="og:site_name" content="Daily">',
            "headline",
            "Ministers meet",
        ),
        (
            "article:published_time",
            '<meta property="article:published_time" content="2024-05-30T09:15:00+02:00">',
            "published",
            "2024-05-30T09:15:00+02:00",
        ),
        (
            "article:tag",
            '<meta property="article:tag" content="EU"><meta property="article:tag" content="Budget">',
            "tags",
            ["EU", "Budget"],
        ),
        (
            "news_keywords",
            '<meta name="news_keywords" content="EU, Budget"><meta name="keywords" content="news, world">',
            "tags",
            ["EU", "Budget"],
        ),
        ("parsely", '<meta name="parsely-tags" content="EU,Budget">', "tags", ["EU", "Budget"]),
        ("dublin core", '<meta name="dc.date" content="2024-05-30">', "published", "2024-05-30"),
        (
            "twitter label",
            '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Jane Doe">',
            "authors",
            ["Jane Doe"],
        ),
        ("meta author e-mail", '<meta name="author" content="jd@news.example">', "authors", []),
        ("language", "", "language", "en"),
    ],
)
def test_metadata_shapes(shape: str, head: str, field: str, expected: Any) -> None:
    # a URL without a date in it, so that nothing but the markup speaks
    assert extract_article(page(head), "https://news.example/world/some-story-about-things")[field] == expected


@pytest.mark.parametrize(
    ("head", "header", "expected"),
    [
        # JSON-LD's date alone, the time in a meta tag, a <time> or the displayed line
        ('<meta property="article:published_time" content="2024-05-30T09:15:00+02:00">', "", "2024-05-30T09:15:00+02:00"),
        ("", "<time datetime='2024-05-30T09:15:00+02:00'>30 May</time>", "2024-05-30T09:15:00+02:00"),
        ("", "<p class='meta'>Published 30 May 2024 09:15</p>", "2024-05-30T09:15:00"),
        # another day's time is not the publication's
        ('<meta property="article:published_time" content="2024-05-31T09:15:00+02:00">', "", "2024-05-30"),
        ("", "", "2024-05-30"),
    ],
)
def test_published_keeps_the_time_a_later_layer_shows(head: str, header: str, expected: str) -> None:
    html = page(ld({**ARTICLE, "datePublished": "2024-05-30"}) + head, header, h1="<h1>Ministers meet in Brussels</h1>")
    assert extract_article(html, "https://news.example/world/some-story-about-things")["published"] == expected


@pytest.mark.parametrize(
    ("rule", "body", "field", "expected"),
    [
        ("by line", "<p class='meta'>By Jane Doe and John Roe</p>", "authors", ["Jane Doe", "John Roe"]),
        ("german byline", "<p class='meta'>Von Anna Schmidt und Jan Meier</p>", "authors", ["Anna Schmidt", "Jan Meier"]),
        (
            "rel=author links",
            "<p>By <a rel='author' href='/a/1'>Jane Doe</a> and <a rel='author' href='/a/2'>John Roe</a></p>",
            "authors",
            ["Jane Doe", "John Roe"],
        ),
        ("no date in names", "<div class='author-box'>20 Dec 2023 16:30 | 1 Min Read</div>", "authors", []),
        (
            "microdata date",
            "<meta itemprop='datePublished' content='2024-05-30T09:15:00+02:00'>",
            "published",
            "2024-05-30T09:15:00+02:00",
        ),
        ("time datetime", "<time datetime='2024-05-30T09:15:00+02:00'>30 May</time>", "published", "2024-05-30T09:15:00+02:00"),
        ("displayed date", "<p class='meta'>Published 30 May 2024 09:15</p>", "published", "2024-05-30T09:15:00"),
        ("source line", "<p class='meta'>Source: Reuters</p>", "source", "Reuters"),
        ("rel=tag", "<p><a rel='tag' href='/t/eu'>EU</a> <a rel='tag' href='/t/b'>Budget</a></p>", "tags", ["EU", "Budget"]),
        (
            "tag box with counts",
            "<ul class='tags'><li>Tags:</li><li><a href='/tag/eu'>EU<span>12</span></a></li></ul>",
            "tags",
            ["EU"],
        ),
    ],
)
def test_dom_rules(rule: str, body: str, field: str, expected: Any) -> None:
    assert extract_article(page(body=body, h1="<h1>Ministers meet</h1>"), URL)[field] == expected


@pytest.mark.parametrize(
    ("rule", "body", "expected"),
    [
        (
            "figcaption with credit",
            "<figure><img src='/a.jpg'><figcaption>Ministers arrive (AFP)</figcaption></figure>",
            [{"text": "Ministers arrive", "credit": "AFP"}],
        ),
        (
            "credit element",
            "<figure><img src='/a.jpg'><figcaption>Ministers arrive <span class='credit'>Jane Doe/AP</span></figcaption></figure>",
            [{"text": "Ministers arrive", "credit": "Jane Doe/AP"}],
        ),
        (
            "copyright mark",
            "<figure><img src='/a.jpg'><figcaption>Ministers arrive. © dpa | Jan Meier</figcaption></figure>",
            [{"text": "Ministers arrive.", "credit": "dpa | Jan Meier"}],
        ),
        (
            "wordpress box",
            "<div class='wp-caption'><img src='/a.jpg'><p class='wp-caption-text'>Ministers arrive (Reuters)</p></div>",
            [{"text": "Ministers arrive", "credit": "Reuters"}],
        ),
        (
            "caption-classed text",
            "<img src='/a.jpg'><p class='image-caption'>Ministers arrive in Brussels</p>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "teaser image",
            "<a href='/other'><figure><img src='/t.jpg'><figcaption>Another story entirely</figcaption></figure></a>",
            [],
        ),
        ("alt text is not a caption", "<img src='/a.jpg' alt='Ministers arrive in Brussels today'>", []),
        (
            "each caption once",
            "<figure><img src='/a.jpg'><figcaption>Ministers arrive</figcaption></figure>"
            "<figure><img src='/b.jpg'><figcaption>Ministers arrive</figcaption></figure>",
            [{"text": "Ministers arrive", "credit": None}],
        ),
        (
            "figure without image",
            "<figure><blockquote>A quote</blockquote><figcaption>Said the minister</figcaption></figure>",
            [],
        ),
        (
            "author photo",
            "<p class='byline'>By Jane Doe</p><figure><img src='/jd.jpg'><figcaption>Jane Doe</figcaption></figure>",
            [],
        ),
        (
            "inside a form",
            "<form><figure><img src='/n.jpg'><figcaption>Sign up for our newsletter today</figcaption></figure></form>",
            [],
        ),
        (
            "a figure's alt text is not a caption",
            "<figure><img src='/a.jpg' alt='Ministers arrive in Brussels'></figure>",
            [],
        ),
        (
            "image component named widget",
            "<div class='widget widget--type-image'><figure class='widget__figure'><img src='/a.jpg'>"
            "<figcaption class='widget__caption'>Ministers arrive in Brussels</figcaption></figure></div>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "widget in the sidebar",
            "<aside class='sidebar'><div class='widget'><figure><img src='/a.jpg'>"
            "<figcaption>Ministers arrive in Brussels</figcaption></figure></div></aside>",
            [],
        ),
        (
            "link to the full-size image",
            "<a href='/media/a-large.jpg'><figure><img src='/a.jpg'><figcaption>Ministers arrive</figcaption></figure></a>",
            [{"text": "Ministers arrive", "credit": None}],
        ),
        (
            "link to a gallery slide of the page",
            "<figure><a href='#slide-2'><img src='/a.jpg'></a><figcaption>Ministers arrive</figcaption></figure>",
            [{"text": "Ministers arrive", "credit": None}],
        ),
        (
            "link to the image's attachment page",
            "<figure><a rel='attachment wp-att-7' href='/attachment/7/'><img src='/a.jpg'></a>"
            "<figcaption>Ministers arrive</figcaption></figure>",
            [{"text": "Ministers arrive", "credit": None}],
        ),
        (
            "figcaption after its figure",
            "<figure><img src='/a.jpg'></figure><figcaption class='info'>Ministers arrive in Brussels</figcaption>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "caption box beside the image",
            "<div class='image'><img src='/a.jpg'><div class='info'><div class='caption'><p>Ministers arrive in Brussels</p>"
            "</div></div></div>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "custom image element",
            "<div class='media'><amp-img src='/a.jpg'></amp-img><figcaption>Ministers arrive in Brussels</figcaption></div>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "caption-classed text with no image near",
            "<div class='signup'><p class='caption'>Registering, I accept the terms of the newsletter.</p></div>",
            [],
        ),
        (
            "credit named as the caption's author",
            "<figure><img src='/a.jpg'><figcaption><p class='caption-title'>Ministers arrive</p>"
            "<span class='caption-author'>Jane Doe / Agency</span></figcaption></figure>",
            [{"text": "Ministers arrive", "credit": "Jane Doe / Agency"}],
        ),
        (
            "credit element glued to the text",
            "<figure><img src='/a.jpg'><figcaption><p>Ministers arrive<cite class='caption-credit'>(Image: AFP)</cite></p>"
            "</figcaption></figure>",
            [{"text": "Ministers arrive", "credit": "AFP"}],
        ),
        (
            "credit element before the text",
            "<figure><img src='/a.jpg'><figcaption><span class='copyright'>© AFP</span> Ministers arrive</figcaption></figure>",
            [{"text": "Ministers arrive", "credit": "© AFP"}],
        ),
        (
            "caption-styled line beside a captioned figure",
            "<div><div class='text-caption'>30.05.2024, 09:15 • 5 min read</div>"
            "<figure><img src='/a.jpg'><figcaption>Ministers arrive in Brussels</figcaption></figure></div>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "an image's description",
            "<div class='photo-box'><img src='/a.jpg'><span class='image-description'>Ministers arrive in Brussels</span></div>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "the article's description is no caption",
            "<div><p class='article-description'>The summit ends without a deal on the budget.</p><img src='/a.jpg'></div>",
            [],
        ),
        (
            "legend",
            "<div class='visual'><img src='/a.jpg'><span class='legend'>Ministers arrive in Brussels</span></div>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "slide text in a wrapper beside the image",
            "<div class='slide'><div class='slide-media'><picture><img src='/a.jpg'></picture></div>"
            "<div class='slide-info'><div class='slide-info-content'><span class='count'>2 of 9</span>"
            "<span class='slide-info-description'><p>Ministers arrive in Brussels</p></span></div>"
            "<button>Read more</button></div></div>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "caption beside a teaser image",
            "<div><a href='/world/2024/05/29/other-story'><img src='/t.jpg'></a>"
            "<p class='caption'>Another story entirely, read it here</p></div>",
            [],
        ),
        (
            "figure text no element names",
            "<figure><span class='frame'><img src='/a.jpg'></span><span class='bu'>Ministers arrive in Brussels</span></figure>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "image box in all but name",
            "<div class='media media--left'><picture><img src='/a.jpg'></picture><div class='info'>"
            "<p class='infotext'>Ministers arrive in Brussels</p></div></div>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "image box holding a heading is a card",
            "<div class='image-card'><img src='/a.jpg'><h3>Ministers arrive in Brussels</h3></div>",
            [],
        ),
        (
            "image box with two images is a strip",
            "<div class='image-row'><img src='/a.jpg'><img src='/b.jpg'><p>Ministers arrive in Brussels</p></div>",
            [],
        ),
        (
            "separator before a credit element",
            "<figure><img src='/a.jpg'><figcaption>Ministers arrive - <span class='copyright'>Copyright</span> "
            "<span class='credit'>AFP</span></figcaption></figure>",
            [{"text": "Ministers arrive", "credit": "Copyright AFP"}],
        ),
        (
            "rights named in the caption box",
            "<div class='media'><img src='/a.jpg'><div class='info'><span class='subtitle'>Ministers arrive in Brussels</span>"
            "<span class='media-rights'>Picture rights: Jane Doe</span></div></div>",
            [{"text": "Ministers arrive in Brussels", "credit": "Picture rights: Jane Doe"}],
        ),
        (
            "lead image in the article's header",
            "<header class='article-header'><figure><img src='/a.jpg'><figcaption>Ministers arrive in Brussels</figcaption>"
            "</figure></header>",
            [{"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "a bracket is no caption",
            "<figure><img src='/a.jpg'><figcaption>[<span class='credit'>Rendering: Studio A</span>]</figcaption></figure>",
            [{"text": "", "credit": "Rendering: Studio A"}],
        ),
        (
            "a credit-only image beside caption text",
            "<div class='slide'><figure><img src='/a.jpg'><p class='photo-credit'>Courtesy of Jane Doe</p></figure>"
            "<div class='slide-caption'><div class='share'>Share</div><div class='item-caption'>Ministers arrive in Brussels"
            "</div></div></div>",
            [{"text": "", "credit": "Courtesy of Jane Doe"}, {"text": "Ministers arrive in Brussels", "credit": None}],
        ),
        (
            "caption part of a credit-named block",
            "<figure><img src='/a.jpg'><figcaption class='caption-credit__figcaption'>"
            "<span class='caption-credit__caption'>Ministers arrive</span>"
            "<span class='caption-credit__credit'>(Image credit: Jane Doe)</span></figcaption></figure>",
            [{"text": "Ministers arrive", "credit": "Jane Doe"}],
        ),
        (
            "caption-named icon",
            "<figure><img src='/a.jpg'><button><svg class='icon-caption'><title>Caption Icon</title></svg></button>"
            "<figcaption>Ministers arrive</figcaption></figure>",
            [{"text": "Ministers arrive", "credit": None}],
        ),
    ],
)
def test_caption_rules(rule: str, body: str, expected: list[dict[str, Any]]) -> None:
    assert extract_article(page(body=body), URL)["captions"] == expected


@pytest.mark.parametrize(
    ("rule", "url", "href", "captioned"),
    [
        ("photo viewer of the article", "https://news.example/article/379018", "/photos?article_id=379018", True),
        ("photo page under the article", "https://news.example/news/20250121-QBJP5I/", "/news/20250121-QBJP5I/photo/2/", True),
        ("the article itself", "https://news.example/world/some-story", "/world/some-story/", True),
        ("another article", "https://news.example/article/379018", "/article/379020", False),
        ("a slug without an identifier", "https://news.example/world/some-story", "/world/some-story-gallery", False),
    ],
)
def test_image_links_that_stay_on_the_article(rule: str, url: str, href: str, captioned: bool) -> None:
    body = f"<figure><a href='{href}'><img src='/a.jpg'></a><figcaption>Ministers arrive</figcaption></figure>"
    expected = [{"text": "Ministers arrive", "credit": None}] if captioned else []
    assert extract_article(page(body=body), url)["captions"] == expected


def test_headline_where_two_sources_agree() -> None:
    head = (
        ld({**ARTICLE, "headline": "Ministers meet in Brussels to discuss the budget for next year"})
        + '<meta property="og:title" content="Ministers meet in Brussels - Daily News">'
        + '<meta property="og:site_name" content="Daily News">'
    )
    assert extract_article(page(head, h1="<h1>Ministers meet in Brussels</h1>"), URL)["headline"] == "Ministers meet in Brussels"


def test_kicker_set_off_by_a_separator_is_dropped_where_sources_agree() -> None:
    head = '<meta property="og:title" content="Ministers meet in Brussels">'
    assert (
        extract_article(page(head, h1="<h1>Budget talks: Ministers meet in Brussels</h1>"), URL)["headline"]
        == "Ministers meet in Brussels"
    )


@pytest.mark.parametrize(
    ("rule", "head", "h1", "expected"),
    [
        (
            "JSON-LD headline cut short: the full one is shown",
            ld({**ARTICLE, "headline": "Star quits after 21 years on air - with the final show just..."})
            + '<meta property="og:title" content="Star quits after 21 years on air">',
            "<h1>Star quits after 21 years on air - with the final show just weeks away</h1>",
            "Star quits after 21 years on air - with the final show just weeks away",
        ),
        (
            "site name in front of the title, named by a social handle",
            '<meta property="og:title" content="FactCheck - The year of the claim: our verdict">'
            '<meta property="og:site_name" content="@factcheck">',
            "",
            "The year of the claim: our verdict",
        ),
        (
            "an h1 that is the blog's name inside the title",
            '<meta property="og:title" content="Getting to know the star | Showblog | Channel One">',
            "<h1>Showblog</h1>",
            "Getting to know the star",
        ),
        (
            "an h1 that is the last part of the title is the headline",
            '<meta property="og:title" content="Ski jumping | Quarrel over the material">',
            "<h1>Quarrel over the material</h1>",
            "Quarrel over the material",
        ),
    ],
)
def test_headline_rules(rule: str, head: str, h1: str, expected: str) -> None:
    assert extract_article(page(head, h1=h1), URL)["headline"] == expected


def test_body_leaves_out_read_more_lines() -> None:
    body = "<p>Read more: <a href='/x'>Another story</a></p>"
    text = extract_article(page(body=body), URL)["body"]
    assert "Paragraph 0 of the story" in text
    assert "Read more" not in text


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "extract", *args], input=stdin, capture_output=True, text=True, check=False
    )


def test_extract_command_prints_one_object(tmp_path: Path) -> None:
    file = tmp_path / "page.html"
    file.write_text(page(ld(ARTICLE)), encoding="utf-8")
    result = run_cli("--url", URL, str(file))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert tuple(data) == KEYS
    assert data["headline"] == "Ministers meet in Brussels"


def test_extract_batch_keeps_order_and_reports_failures(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(page(ld(ARTICLE)), encoding="utf-8")
    lines = [
        {"url": URL, "file": str(good)},
        {"url": URL, "file": str(tmp_path / "missing.html")},
        {"url": URL, "file": str(good)},
    ]
    result = run_cli("--batch", stdin="".join(json.dumps(line) + "\n" for line in lines))
    assert result.returncode == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in o) for o in out] == [False, True, False]
    assert out[0]["headline"] == out[2]["headline"] == "Ministers meet in Brussels"
    assert "missing.html" in out[1]["error"]


def test_extract_without_a_file_is_a_usage_error() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "give a FILE, or --batch" in result.stderr


def test_site_suffix_after_a_closing_quote_is_dropped_where_sources_agree() -> None:
    head = (
        ld({**ARTICLE, "headline": 'Party vote fails: "why push it"'})
        + '<meta property="og:title" content="Party vote fails: &quot;why push it&quot;-Politicsㅣ Daily">'
    )
    assert extract_article(page(head), URL)["headline"] == 'Party vote fails: "why push it"'


@pytest.mark.parametrize(
    ("rule", "img", "expected"),
    [
        ("src", "<img src='/a.jpg'>", "https://news.example/a.jpg"),
        (
            "placeholder src, lazy data-src",
            "<img src='data:image/gif;base64,R0lGOD' data-src='/a.jpg'>",
            "https://news.example/a.jpg",
        ),
        ("no src, lazy srcset", "<img data-srcset='/a-480.jpg 480w, /a-960.jpg 960w'>", "https://news.example/a-480.jpg"),
    ],
)
def test_caption_image_url(rule: str, img: str, expected: str) -> None:
    html = page(body=f"<figure>{img}<figcaption>Ministers arrive</figcaption></figure>")
    assert figure_captions(Page.from_html(html, URL)) == [("Ministers arrive", None, expected)]
