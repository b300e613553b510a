"""The rules that find a page's shown tags and choose among its tag layers, one table per kind
of rule, on small pages written for each rule (a counter-example beside each)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from newscrawl import processors as p
from newscrawl.extraction import extract_article

URL = "https://news.example/world/2024/05/30/ministers-meet-brussels-budget-talks"
BODY = "".join(f"<p>Paragraph {i} of the story about the ministers, long enough to count as text.</p>" for i in range(4))


def page(head: str = "", body: str = "", after: str = "") -> str:
    """A small article page: ``body`` inside the ``<article>`` after its text, ``after`` after it."""
    return (
        f"<html lang='en'><head><title>Ministers meet</title>{head}</head>"
        f"<body><article><h1>Ministers meet</h1>{BODY}{body}</article>{after}</body></html>"
    )


def ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **data})}</script>'


def meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{content}">'


def tags(html: str) -> list[str]:
    return list(extract_article(html, URL)["tags"])


@pytest.mark.parametrize(
    ("rule", "body", "after", "expected"),
    [
        (
            "a related-tags box is the article's, though 'related' names chrome",
            "<div class='related-tags'><h2>Keywords</h2><ul><li><a href='/keyword/1/'>EU</a></li>"
            "<li><a href='/keyword/2/'>Budget</a></li></ul></div>",
            "",
            ["EU", "Budget"],
        ),
        (
            "a related-topics box whose links are no tag paths",
            "",
            "<section class='related-topics'><a href='#next'>Skip the section on related topics below</a>"
            "<aside><a href='/eu/t-123'>EU</a><a href='/budget/t-456'>Budget</a></aside></section>",
            ["EU", "Budget"],
        ),
        (
            "a trending-topics box is the site's, not the article's",
            "",
            "<div class='trending-topics'><a href='/topic/eu'>EU</a><a href='/topic/budget'>Budget</a></div>",
            [],
        ),
        (
            "a related-tags box inside the site's sidebar is the sidebar's",
            "",
            "<div class='sidebar'><div class='related-tags'><a href='/tag/eu'>EU</a><a href='/tag/tax'>Tax</a></div></div>",
            [],
        ),
        (
            "a box labelled in its own text, in the article's footer",
            "<div class='article-footer'><div class='footer-links'>Schlagworte: <a href='/thema/eu'>EU</a>"
            "<a href='/thema/haushalt'>Haushalt</a></div></div>",
            "",
            ["EU", "Haushalt"],
        ),
        (
            "a labelled box in the site's footer is not the article's",
            "",
            "<footer><div>Themen: <a href='/thema/eu'>EU</a><a href='/thema/haushalt'>Haushalt</a></div></footer>",
            [],
        ),
        (
            "a tag list marked up as navigation, inside the article",
            "<nav><ul class='tags'><li><a href='/law/admin'>Administrative law</a></li>"
            "<li><a href='/law/basic-rights'>Basic rights</a></li></ul></nav>",
            "",
            ["Administrative law", "Basic rights"],
        ),
        (
            "a tag list in the site's menu is the site's",
            "",
            "<nav class='menu'><ul class='tags'><li><a href='/law/admin'>Administrative law</a></li>"
            "<li><a href='/law/basic-rights'>Basic rights</a></li></ul></nav>",
            [],
        ),
        (
            "tag chips: links wrapping an element named tag",
            "<div class='top'><a href='/list/Covid-19'><span class='tag-like'>Covid-19</span></a>"
            "<a href='/list/Vaccines'><span class='tag-like'>Vaccines</span></a></div>",
            "",
            ["Covid-19", "Vaccines"],
        ),
        (
            "a box with a chip and other links is no chip list",
            "<div class='top'><a href='/list/Covid-19'><span class='tag-like'>Covid-19</span></a>"
            "<a href='/about'>About us</a></div>",
            "",
            [],
        ),
    ],
)
def test_shown_tags(rule: str, body: str, after: str, expected: list[str]) -> None:
    assert tags(page(body=body, after=after)) == expected


def tag_box(*names: str) -> str:
    return "<ul class='tags'>" + "".join(f"<li><a href='/tag/{n.lower()}'>{n}</a></li>" for n in names) + "</ul>"


def article_tags(*names: str) -> str:
    return "".join(f'<meta property="article:tag" content="{n}">' for n in names)


@pytest.mark.parametrize(
    ("rule", "head", "body", "expected"),
    [
        (
            "a shown list cut short gives way to the whole list",
            article_tags("Budget", "EU", "Jane Doe"),
            tag_box("Budget"),
            ["Budget", "EU", "Jane Doe"],
        ),
        (
            "a keyword that is the section alone gives way to the shown list",
            ld({"keywords": "Politics", "articleSection": "Politics"}),
            tag_box("Politics", "EU", "Budget"),
            ["Politics", "EU", "Budget"],
        ),
        (
            "a list another layer confirms is whole: a longer one is padded",
            meta("news_keywords", "Budget,EU")
            + meta("keywords", "Budget,EU")
            + ld({"keywords": ["world", "Budget", "EU", "paywall"]}),
            "",
            ["Budget", "EU"],
        ),
        (
            "a fuller keywords meta is no fuller list where another layer confirms the list",
            ld({"keywords": ["Budget", "EU"]})
            + meta("keywords", "Budget,EU,News,Breaking,Brussels")
            + article_tags("Budget", "EU"),
            "",
            ["Budget", "EU"],
        ),
        (
            "an author field in a tag slot is no tag layer",
            meta("author", "Jane Doe") + meta("keywords", "Jane Doe") + ld({"author": {"@type": "Person", "name": "Jane Doe"}}),
            tag_box("Budget", "EU"),
            ["Budget", "EU"],
        ),
        (
            "an author among other tags stays",
            ld({"author": {"@type": "Person", "name": "Jane Doe"}, "keywords": ["Jane Doe", "Budget"]}),
            "",
            ["Jane Doe", "Budget"],
        ),
        (
            "a meta named for keywords where no other has tags",
            meta("custom-keywords", "Supervisory board, Deutsche Bank"),
            "",
            ["Supervisory board", "Deutsche Bank"],
        ),
        ("data-layer pairs in a tag meta are no tags", meta("mrf:tags", "sub-section:panorama;contentType:article"), "", []),
        ("a meta named for machines is no tag meta", meta("machine_tags", "@all-river,@exmeter"), "", []),
        (
            "the section labelled among keywords is no tag",
            ld({"keywords": ["Section: Sport:Football", "Phil Foden", "Manchester City"]}),
            "",
            ["Phil Foden", "Manchester City"],
        ),
        ("a labelled section alone stays", ld({"keywords": ["Section: Sport"]}), "", ["Sport"]),
        (
            "a keywords meta holding an unconfirmed JSON-LD list and more is the fuller list",
            ld({"keywords": ["Meteorite", "Elmshorn"]}) + meta("keywords", "Meteorite,Elmshorn,Science"),
            "",
            ["Meteorite", "Elmshorn", "Science"],
        ),
        (
            "a list whose more is the section alone is padded",
            ld({"keywords": ["Meteorite", "Elmshorn"], "articleSection": "Science"})
            + meta("keywords", "Meteorite,Elmshorn,Science"),
            "",
            ["Meteorite", "Elmshorn"],
        ),
        ("a tag-list label is no tag", "", tag_box("THEMEN", "Basketball", "NBA"), ["Basketball", "NBA"]),
        (
            "the section padding a keyword list another layer gives without it",
            meta("news_keywords", "Health,Weight Loss") + ld({"keywords": ["Weight Loss"], "articleSection": "Health"}),
            "",
            ["Weight Loss"],
        ),
        (
            "the section among keywords no other layer gives without it stays",
            meta("news_keywords", "Health,Weight Loss") + ld({"articleSection": "Health"}),
            "",
            ["Health", "Weight Loss"],
        ),
        (
            "the shown list, given again by article:tag, over keywords sharing none of it",
            meta("keywords", "jane roe,favourite,cape town") + article_tags("Books", "Romance"),
            tag_box("Books", "Romance"),
            ["Books", "Romance"],
        ),
        (
            "a shown list no other layer gives does not beat the keywords",
            meta("keywords", "jane roe,favourite,cape town"),
            tag_box("Books", "Romance"),
            ["jane roe", "favourite", "cape town"],
        ),
        (
            "a section path standing in for tags without its news root",
            ld({"articleSection": ["News", "Society"]}),
            "",
            ["Society"],
        ),
        ("a section alone stays, root or not", ld({"articleSection": "News"}), "", ["News"]),
        (
            "the section's link in a tag list is no tag",
            "",
            "<ul class='tags'><li><a href='/category/culture/'>Culture</a></li><li><a href='/tag/care-work/'>Care work</a></li>"
            "<li><a href='/tag/columns/'>Columns</a></li></ul>",
            ["Care work", "Columns"],
        ),
        (
            "a CMS flag among phrases",
            ld({"keywords": ["editors_pick", "mexico steel tariff", "steel trade"]}),
            "",
            ["mexico steel tariff", "steel trade"],
        ),
        (
            "identifiers alone are no flags (machine values, used where nothing else is)",
            ld({"keywords": ["climate_change", "energy_policy"]}),
            "",
            ["climate_change", "energy_policy"],
        ),
    ],
)
def test_layer_choice(rule: str, head: str, body: str, expected: list[str]) -> None:
    assert tags(page(head, body)) == expected


@pytest.mark.parametrize(
    ("keywords", "expected"),
    [
        (
            "Bhopal news,Bhopal latest news,Bhopal news live,Bhopal news today,Today news Bhopal,infant abandonment",
            ["infant abandonment"],
        ),
        ("World news today,Top news in US,Breaking newsTehrik-e-Taliban Pakistan,militancy", ["militancy"]),
        ("World news,UK news,Fox News", ["World news", "UK news", "Fox News"]),
        ("Newsletter,Breaking Newsroom,Live music", ["Newsletter", "Breaking Newsroom", "Live music"]),
    ],
)
def test_news_queries(keywords: str, expected: list[str]) -> None:
    assert tags(page(meta("keywords", keywords))) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("(1) Free articles", "Free articles"), ("(12) Sport", "Sport"), ("(1)", "(1)"), ("G(7) summit", "G(7) summit")],
)
def test_sort_key(raw: str, expected: str) -> None:
    assert p.clean_tag(raw) == expected
