"""The named headline rules (:mod:`newscrawl.extract.headline`): each rule on what it decides
and on what it must leave alone, then the order of the sources through the whole extractor."""

from __future__ import annotations

import json

import pytest

from newscrawl.extract import headline as h
from newscrawl.extraction import extract_article

URL = "https://news.example/world/2024/05/30/some-story-about-things"
BODY = "".join(f"<p>Paragraph {i} of the story, long enough to count as real article text here.</p>" for i in range(6))


def page(head: str, h1: str = "", title: str = "Doc title") -> str:
    return f"<html lang='en'><head><title>{title}</title>{head}</head><body><article>{h1}{BODY}</article></body></html>"


def meta(prop: str, content: str) -> str:
    return f'<meta property="{prop}" content="{content}">'


def ld(headline: str) -> str:
    data = {"@type": "NewsArticle", "headline": headline, "datePublished": "2024-05-30T09:15:00+02:00"}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(
    ("prefix", "kicker"),
    [
        ("Budget talks: ", True),
        ("Nach dem Rückzug: ", True),
        ("Politics | ", True),
        ("Iran attack on Israel - ", True),
        ("Five words make a kicker: ", True),
        ("The different approaches to validation in blockchains: ", False),
        ("A long first half of a headline in two parts: ", False),
    ],
)
def test_is_kicker(prefix: str, kicker: bool) -> None:
    assert h.is_kicker(prefix) is kicker


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Ministers meet in Brussels", "Ministers meet in Brussels", "Ministers meet in Brussels"),
        ("Ministers meet in Brussels", "Budget talks: Ministers meet in Brussels", "Ministers meet in Brussels"),
        ("Ministers meet in Brussels - Daily News", "Ministers meet in Brussels", "Ministers meet in Brussels"),
        # a long first part is the headline's own: no shared core, nothing is dropped
        (
            "Proof of work vs proof of stake",
            "The different approaches to validation in blockchains: Proof of work vs proof of stake",
            None,
        ),
        ("Ministers meet in Brussels", "Ministers meet in Paris", None),
        ("Short one", "Kicker: Short one", None),
    ],
)
def test_shared_core(a: str, b: str, expected: str | None) -> None:
    assert h.shared_core(a, b) == expected


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (
            {"h1": "The quantum phantom", "og": "A ghostly quasiparticle could unlock quantum computing"},
            "The quantum phantom",
        ),
        (
            {"h1": "How a champion finally won", "tw": "Is the champion actually any good?", "title": "Other"},
            "How a champion finally won",
        ),
        # an h1 sharing no word with any title is a logo or a log-in heading, not the story's
        ({"h1": "Log In", "og": "Inside a union rebellion", "tw": "Inside a union rebellion"}, None),
        ({"h1": "NEWSDESK Logo", "og": "Missiles tested over the sea"}, None),
        ({"og": "Ministers meet in Brussels"}, None),
        ({"h1": "Ministers meet"}, None),
    ],
)
def test_displayed_headline(titles: dict[str, str], expected: str | None) -> None:
    assert h.displayed_headline(titles) == expected


@pytest.mark.parametrize(
    ("rule", "head", "h1", "expected"),
    [
        (
            "og:title and twitter:title repeating one social title do not outrank the displayed h1",
            meta("og:title", "Tired of quiet luxury? Shop these trends now")
            + meta("twitter:title", "Tired of quiet luxury? Shop these trends now"),
            "<h1>These are the trends you should know now</h1>",
            "These are the trends you should know now",
        ),
        (
            "og:title and the document title are one SEO title: the h1 beats them",
            meta("og:title", "Technology trends: the latest tech trends report"),
            "<h1>Latest technological trends creating a buzz</h1>",
            "Latest technological trends creating a buzz",
        ),
        (
            "JSON-LD and og:title agreeing are two fields: they still beat a lone h1",
            ld("The presidential campaigns brace for a sprint")
            + meta("og:title", "The presidential campaigns brace for a sprint"),
            "<h1>Campaigns brace for an intense sprint to Election Day</h1>",
            "The presidential campaigns brace for a sprint",
        ),
        (
            "an h1 unrelated to the titles is no headline: the copied titles' agreement stands",
            meta("og:title", "Inside a union rebellion") + meta("twitter:title", "Inside a union rebellion"),
            "<h1>Log In</h1>",
            "Inside a union rebellion",
        ),
        (
            "a long first part before a colon is kept: a two-part headline, not a kicker",
            meta("og:title", "Proof of work vs proof of stake"),
            "<h1>The different approaches to validation in blockchains: Proof of work vs proof of stake</h1>",
            "The different approaches to validation in blockchains: Proof of work vs proof of stake",
        ),
    ],
)
def test_headline_order(rule: str, head: str, h1: str, expected: str) -> None:
    title = "Technology trends: the latest tech trends report" if "SEO" in rule else "Doc title"
    assert extract_article(page(head, h1, title), URL)["headline"] == expected
