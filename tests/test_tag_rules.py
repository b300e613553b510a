"""The rules that find a page's shown tags and choose among its tag layers, one table per kind
of rule, on small pages written for each rule (a counter-example beside each)."""

from __future__ import annotations

import json
from typing import Any

import pytest

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
