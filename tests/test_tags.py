"""Tags: which layer of a page to trust and how its values are cleaned, on small pages written
for each rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from newscrawl import processors as p
from newscrawl.extraction import extract_article

URL = "https://news.example/world/2024/05/30/ministers-meet-brussels-budget-talks"
BODY = "".join(f"<p>Paragraph {i} of the story, long enough to count as text.</p>" for i in range(4))


def page(head: str = "", body: str = "") -> str:
    return (
        f"<html lang='en'><head><title>Ministers meet</title>{head}</head>"
        f"<body><article><h1>Ministers meet</h1>{BODY}{body}</article></body></html>"
    )


def ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **data})}</script>'


def meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{content}">'


@pytest.mark.parametrize(
    ("rule", "head", "body", "expected"),
    [
        (
            "slugs give way to names",
            meta("parsely-tags", "news,climate-change,just-stop-oil") + ld({"keywords": ["Climate Change", "Just Stop Oil"]}),
            "",
            ["Climate Change", "Just Stop Oil"],
        ),
        (
            "slugs when nothing else",
            meta("parsely-tags", "news,climate-change,just-stop-oil"),
            "",
            ["news", "climate-change", "just-stop-oil"],
        ),
        (
            "words of the URL give way to the shown list",
            meta("news_keywords", "ministers,meet,brussels,budget"),
            "<ul class='tags'><li><a href='/tag/eu'>European Union</a></li><li><a href='/tag/tax'>Taxes</a></li></ul>",
            ["European Union", "Taxes"],
        ),
        (
            "keywords not in the URL are kept",
            meta("keywords", "budget,council,ukraine"),
            "<ul class='tags'><li><a href='/tag/eu'>European Union</a></li></ul>",
            ["budget", "council", "ukraine"],
        ),
        (
            "keywords before analytics tags",
            meta("parsely-tags", "Politics,Elections") + meta("keywords", "Jane Doe,John Roe"),
            "",
            ["Jane Doe", "John Roe"],
        ),
        (
            "wire codes give way",
            meta("keywords", "AER,AERO,INDS08,GEN,TRAN") + meta("news_keywords", "Airlines"),
            "",
            ["Airlines"],
        ),
        (
            "keywords cleaned to nothing fall through",
            meta("news_keywords", "a" * 90) + ld({"keywords": ["Budget"]}),
            "",
            ["Budget"],
        ),
        (
            "one comma-joined article:tag",
            '<meta property="article:tag" content="Spain,Europe,World news">',
            "",
            ["Spain", "Europe", "World news"],
        ),
        (
            "data-layer entries",
            ld({"keywords": ["Day: Friday", "Page Type: Article", "Language: English", "Subject: Justice", "Politics"]}),
            "",
            ["Justice", "Politics"],
        ),
        ("one facet is a tag's label", ld({"keywords": ["Brexit: the deal", "Politics"]}), "", ["Brexit: the deal", "Politics"]),
        ("taxonomy paths", ld({"keywords": ["sections/sverige", "topic/misshandel"]}), "", ["sverige", "misshandel"]),
        ("spaced CJK keywords", meta("keywords", "深空探测 探月工程 太空"), "", ["深空探测", "探月工程", "太空"]),
    ],
)
def test_tag_layers(rule: str, head: str, body: str, expected: list[str]) -> None:
    assert extract_article(page(head, body), URL)["tags"] == expected


@pytest.mark.parametrize(
    ("rule", "head", "body", "expected"),
    [
        (
            "list under a tag heading",
            "",
            "<div><div><div><h4>Mehr lesen über</h4></div></div>"
            "<ul><li><a href='/politik/eu/'>EU</a></li><li><a href='/wirtschaft/haushalt/'>Haushalt</a></li></ul></div>",
            ["EU", "Haushalt"],
        ),
        (
            "topics heading",
            "",
            "<section><h3>Topics</h3><a href='/world/'>World</a><a href='/eu/'>EU</a></section>",
            ["World", "EU"],
        ),
        (
            "headlines under a tag heading are no tags",
            "",
            "<section><h3>More on</h3><a href='/a'>Ministers agree on a new budget after a long night of talks</a></section>",
            [],
        ),
        ("a box named tags", "", "<div data-testid='article-tags'><a href='/sport/'>Sport</a></div>", ["Sport"]),
        (
            "a box named tags holding teasers",
            "",
            "<div class='article-tags'><a href='/a'>Ministers agree on a new budget after a long night</a></div>",
            [],
        ),
        (
            "an all-topics link is no tag",
            "",
            "<ul class='tags'><li><a href='/thema/eu'>EU</a></li><li><a href='/themen/'>Alle Themen</a></li></ul>",
            ["EU"],
        ),
        (
            "a topics control is no tag box",
            "",
            "<div class='topics'><a href='/themen/edit'>Themen bearbeiten</a></div>"
            "<div class='article-tags'><a href='/person/jane-doe/'>Jane Doe</a></div>",
            ["Jane Doe"],
        ),
        (
            "a list of links to tag pages",
            "",
            "<div><button class='chip'><a href='/thema/dax'>Dax</a></button><button class='chip'><a href='/thema/euro'>Euro</a></button></div>",
            ["Dax", "Euro"],
        ),
        (
            "tag-page links in a paragraph are no list",
            "",
            "<p>The <a href='/topic/eu'>EU</a> and <a href='/topic/budget'>budget</a> talks went on until late at night.</p>",
            [],
        ),
        (
            "JSON-LD subjects",
            ld({"about": [{"@type": "Thing", "name": "Budget"}], "mentions": {"@type": "Place", "name": "Brussels"}}),
            "",
            ["Budget", "Brussels"],
        ),
        ("an about string is a description", ld({"about": "A story about the budget talks"}), "", []),
        ("section when nothing else", ld({"articleSection": "Politics"}), "", ["Politics"]),
        ("sections listed in JSON-LD", ld({"articleSection": ["World", "Politics"]}), "", ["World", "Politics"]),
        ("a section path without its news root", ld({"articleSection": ["News", "Politics"]}), "", ["Politics"]),
        ("tags before the section", ld({"articleSection": "Politics", "keywords": ["Budget"]}), "", ["Budget"]),
        (
            "section before wire codes",
            '<meta property="article:section" content="World">' + meta("keywords", "AER,AERO,INDS08,GEN,TRAN"),
            "",
            ["World"],
        ),
    ],
)
def test_tag_fallbacks(rule: str, head: str, body: str, expected: list[str]) -> None:
    assert extract_article(page(head, body), URL)["tags"] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("EU, Budget", ["EU", "Budget"]),
        ("EU，Budget", ["EU", "Budget"]),
        ("深空探测 探月工程", ["深空探测", "探月工程"]),
        ("전당대회 후보등록", ["전당대회 후보등록"]),
        ("European Union", ["European Union"]),
    ],
)
def test_split_keywords(raw: str, expected: list[str]) -> None:
    assert p.split_keywords(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sections/sverige", "sverige"),
        ("deportes/formula-1", "formula-1"),
        ("AC/DC", "AC/DC"),
        ("9/11", "9/11"),
        ("NLP Category: General", None),
        ("NLP Entity Tokens: Jasper", "Jasper"),
        ("Category: Travel", "Travel"),
    ],
)
def test_clean_tag(raw: str, expected: str | None) -> None:
    assert p.clean_tag(raw) == expected
