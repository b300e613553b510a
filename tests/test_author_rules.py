"""The named author rules (:mod:`newscrawl.extract.authors`): each rule on what it cleans and on
what it must leave alone, then a candidate and a layer through all of them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from newscrawl import processors as p
from newscrawl.extract import authors as a
from newscrawl.extraction import extract_article

if TYPE_CHECKING:
    from collections.abc import Callable

PUBLISHER = a.publisher_names(["Legal Tribune Online", "MDR", "nba.com", "한국일보", "hessenschau.de"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # English, glued, doubled, upper case, with a colon
        ("By Jane Doe", ["Jane Doe"]),
        ("ByJane Doe", ["Jane Doe"]),
        ("ByVan Sias", ["Van Sias"]),
        ("Byby Jane Doe", ["Jane Doe"]),
        ("By by Jane Doe", ["Jane Doe"]),
        ("BY JANE DOE", ["JANE DOE"]),
        ("By: Jane Doe", ["Jane Doe"]),
        ("Written by Jane Doe", ["Jane Doe"]),
        # German, Spanish/Portuguese, French, Italian, Dutch, Swedish
        ("Von Birgit Baumann", ["Birgit Baumann"]),
        ("von Dr. Max Kolter", ["Dr. Max Kolter"]),
        ("Por María López", ["María López"]),
        ("par Jean Dupont", ["Jean Dupont"]),
        ("di Mario Rossi", ["Mario Rossi"]),
        ("A cura di Mario Rossi", ["Mario Rossi"]),
        ("door Jan de Vries", ["Jan de Vries"]),
        ("Av Anna Svensson", ["Anna Svensson"]),
        # names that start like a prefix stay whole
        ("Byron Smith", ["Byron Smith"]),
        ("Bylines Inc", ["Bylines Inc"]),
        ("Von Miller", ["Von Miller"]),
        ("Di Maria", ["Di Maria"]),
        ("Vondrak Ewa", ["Vondrak Ewa"]),
        ("Dianne Parker", ["Dianne Parker"]),
        ("BYJANE", ["BYJANE"]),
        ("By", []),
    ],
)
def test_by_prefix(raw: str, expected: list[str]) -> None:
    assert p.split_authors(raw) == expected


RuleCase = tuple["Callable[[str], str | None]", str, "str | None"]

RULE_CASES: list[RuleCase] = [
    # author-box links: the name in them, or nothing
    (a.archive_link_name, "View all posts by Will Macmaster", "Will Macmaster"),
    (a.archive_link_name, "More from Jane Doe", "Jane Doe"),
    (a.archive_link_name, "Articles by Jane Doe", "Jane Doe"),
    (a.archive_link_name, "Follow Jane Doe", "Jane Doe"),
    (a.archive_link_name, "View all articles by this author", None),
    (a.archive_link_name, "Jane Doe", "Jane Doe"),
    (a.archive_link_name, "Morena Baccarin", "Morena Baccarin"),
    (a.archive_link_name, "Followill Jones", "Followill Jones"),
    # source and picture-credit lines
    (a.labelled_value, "Quelle: sid/dpa", None),
    (a.labelled_value, "Source: Reuters", None),
    (a.labelled_value, "(Image: Getty Images)", None),
    (a.labelled_value, "Foto: AFP", None),
    (a.labelled_value, "Photography by Stephen Tayo", "Photography by Stephen Tayo"),
    (a.labelled_value, "Jane Source", "Jane Source"),
    # sections and datelines after the name
    (a.filed_in, "TPN, in News, Portugal, Business", "TPN"),
    (a.filed_in, "Jane Doe in Kyiv", "Jane Doe"),
    (a.filed_in, "in News", "in News"),
    (a.filed_in, "Jane Doe", "Jane Doe"),
    (a.filed_in, "Marlin Inman", "Marlin Inman"),
    (a.filed_in, "In Local News", "In Local News"),
    (a.filed_in, "Sophie in 't Veld", "Sophie in 't Veld"),
    # a date after the names
    (a.trailing_date, "By Simone M. Scully December 11, 2023", "By Simone M. Scully"),
    (a.trailing_date, "by Ilanga D | 5 November 2024", "by Ilanga D"),
    (a.trailing_date, "Jane Doe on Dec 21, 2023 at 3:53PM PST", "Jane Doe"),
    (a.trailing_date, "Birgit Baumann 3. Mai 2024", "Birgit Baumann"),
    (a.trailing_date, "13 Nov 2023", "13 Nov 2023"),
    (a.trailing_date, "Jane Doe", "Jane Doe"),
    (a.trailing_date, "BR24 Redaktion", "BR24 Redaktion"),
    # handles and URLs
    (a.web_address, "@janedoe", None),
    (a.web_address, "/@jane.doe", None),
    (a.web_address, "https://www.mirror.co.uk/authors/emma-mackenzie/", None),
    (a.web_address, "Jane Doe @janedoe", "Jane Doe"),
    (a.web_address, "Jane Doe", "Jane Doe"),
    (a.web_address, "AP Photo/Jane Doe", "AP Photo/Jane Doe"),
    # URL slugs
    (a.url_slug, "emma-mackenzie", None),
    (a.url_slug, "jane_doe", None),
    (a.url_slug, "t-online", "t-online"),
    (a.url_slug, "Daisy-Mae Schmitt", "Daisy-Mae Schmitt"),
    (a.url_slug, "dpa", "dpa"),
    # bracketed codes and qualifiers
    (a.bracketed_suffix, "Corina Gall (cog.)", "Corina Gall"),
    (a.bracketed_suffix, "Deutsche Welle (www.dw.com)", "Deutsche Welle"),
    (a.bracketed_suffix, "Jane Doe (Reuters)", "Jane Doe"),
    (a.bracketed_suffix, "(Reuters)", "(Reuters)"),
    (a.bracketed_suffix, "Jane Doe", "Jane Doe"),
    # titles written after the name in Korean, Japanese, Chinese
    (a.reporter_suffix, "신현주 기자", "신현주"),
    (a.reporter_suffix, "松岡大地記者", "松岡大地"),
    (a.reporter_suffix, "松岡大地", "松岡大地"),
    # widget texts
    (a.widget_text, "Follow", None),
    (a.widget_text, "Folgen", None),
    (a.widget_text, "フォロー", None),
    (a.widget_text, "この記事の筆者", None),
    (a.widget_text, "Sponsored", None),
    (a.widget_text, "Get author RSS feed", None),
    (a.widget_text, "View author archive", None),
    (a.widget_text, "Author:", None),
    (a.widget_text, "Follower Jones", "Follower Jones"),
    (a.widget_text, "Xi Jinping", "Xi Jinping"),
    # job titles and desks
    (a.job_title, "Senior Business Writer", None),
    (a.job_title, "Political Correspondent", None),
    (a.job_title, "Staff Reporter", None),
    (a.job_title, "News Desk", None),
    (a.job_title, "Jane Doe Staff Writer", "Jane Doe"),
    (a.job_title, "Slate Staff", "Slate Staff"),
    (a.job_title, "Guardian staff reporter", "Guardian staff reporter"),
    (a.job_title, "Jane Doe", "Jane Doe"),
    (a.job_title, "Gear Team", "Gear Team"),
    (a.job_title, "Jane Editorial", "Jane Editorial"),
]


@pytest.mark.parametrize(("rule", "text", "expected"), RULE_CASES, ids=[f"{r.__name__}:{t}" for r, t, _ in RULE_CASES])
def test_rule(rule: Callable[[str], str | None], text: str, expected: str | None) -> None:
    assert rule(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Slate Staff", True),
        ("Globe Correspondent", True),
        ("Crimson Staff Writer", True),
        ("Money Reporter", False),
        ("Jane Doe", False),
    ],
)
def test_is_collective(name: str, expected: bool) -> None:
    assert a.is_collective(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("LTO", True),  # the initials of "Legal Tribune Online"
        ("MDR THÜRINGEN", True),  # a name holding the publisher's
        ("NBA.com", True),
        ("Lrt.lt", True),  # any domain
        ("한국일보", True),
        ("Jane Doe", False),
        ("Mdrian Smith", False),
        ("Lotte Berg", False),
    ],
)
def test_is_organization(name: str, expected: bool) -> None:
    assert a.is_organization(name, PUBLISHER) is expected


def test_publisher_names_add_initials_of_three_words_or_more() -> None:
    assert a.publisher_names(["Legal Tribune Online", "The Times", " "]) == {"legal tribune online", "lto", "the times"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Cam E. Kettles, Crimson Staff Writer", ["Cam E. Kettles", "Crimson Staff Writer"]),
        ("Noah Eastwood, Money Reporter", ["Noah Eastwood"]),
        ("Daniel Tannenbaum | Sponsored", ["Daniel Tannenbaum"]),
        ("By Simone M. Scully December 11, 2023", ["Simone M. Scully"]),
        ("By TPN, in News, Portugal, Business, Property, Tourism · 31 Jan 2025, 20:02 · 0 Comments", ["TPN"]),
        ("View all posts by Will Macmaster", ["Will Macmaster"]),
        ("hessenschau.de, Frankfurt, Germany", ["hessenschau.de"]),  # the publisher's address
        ("Felix Schröder und Jörg Soldwisch, dpa", ["Felix Schröder", "Jörg Soldwisch", "dpa"]),
        ("Quelle: sid/dpa", []),
        ("emma-mackenzie", []),
        ("Elena Oberholzer (obe) · Corina Gall (cog.)", ["Elena Oberholzer", "Corina Gall"]),
    ],
)
def test_clean_candidate(raw: str, expected: list[str]) -> None:
    assert a.clean_candidate(raw, PUBLISHER) == expected


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        # the publisher and a collective byline beside people are dropped
        (["Evan Orris, NBA.com"], ["Evan Orris"]),
        (["By Cam E. Kettles, Crimson Staff Writer"], ["Cam E. Kettles"]),
        (["한국일보", "신현주 기자"], ["신현주"]),
        (["von David Straub, MDR THÜRINGEN"], ["David Straub"]),
        # ... but kept where they are the whole byline
        (["Slate Staff"], ["Slate Staff"]),
        (["LTO"], ["LTO"]),
        # a wire agency beside people is a co-author
        (["Paula Steiger", "SDA"], ["Paula Steiger", "SDA"]),
        (["Minyvonne Burke", "The Associated Press"], ["Minyvonne Burke", "The Associated Press"]),
        # each name once, the rules applied to every candidate
        (["Emma Mackenzie", "(Image: Getty Images)", "emma-mackenzie", "Emma Mackenzie"], ["Emma Mackenzie"]),
        ([], []),
    ],
)
def test_clean_layer(layer: list[str], expected: list[str]) -> None:
    assert a.clean_layer(layer, PUBLISHER) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mathatisi Sebusi/Mohalenyane Phakela", "Mathatisi Sebusi, Mohalenyane Phakela"),
        ("Jane Doe / TNN /", "Jane Doe, TNN"),
        ("srf/hosb", "srf/hosb"),
        ("Jörg Carstensen/dpa", "Jörg Carstensen/dpa"),
        ("https://news.example/Jane/Doe", "https://news.example/Jane/Doe"),
        ("Jane Doe", "Jane Doe"),
    ],
)
def test_names_apart(text: str, expected: str) -> None:
    assert a.names_apart(text) == expected


# --- every layer's candidates go through the rules ---------------------------------------------

URL = "https://news.example/world/2024/05/30/some-story-about-things"
TEXT = "".join(f"<p>Paragraph {i} of the story, long enough to count as text.</p>" for i in range(4))


def article_page(head: str = "", header: str = "", *, text: str = TEXT, after: str = "") -> str:
    return (
        f"<html><head><title>Doc</title>{head}</head><body><article><h1>Ministers meet in Brussels</h1>{header}"
        f"<div class='story'>{text}</div></article>{after}</body></html>"
    )


def ld_author(author: object) -> str:
    data = {"@type": "NewsArticle", "headline": "Ministers meet in Brussels", "author": author}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(
    ("layer", "html", "expected"),
    [
        (
            "json-ld: a label after the name",
            article_page(ld_author({"@type": "Person", "name": "Jane Doe | Sponsored"})),
            ["Jane Doe"],
        ),
        (
            "json-ld: given and family name",
            article_page(ld_author([{"@type": "Person", "givenName": "Anna Giulia", "familyName": "Fink"}])),
            ["Anna Giulia Fink"],
        ),
        (
            "json-ld: a list of names",
            article_page(ld_author({"@type": "Person", "name": ["Jane Doe", "John Roe"]})),
            ["Jane Doe", "John Roe"],
        ),
        (
            "json-ld: the publisher beside a person",
            article_page('<meta property="og:site_name" content="NBA.com">' + ld_author({"name": "Evan Orris, NBA.com"})),
            ["Evan Orris"],
        ),
        (
            "meta: credits, slug and URL beside the name",
            article_page(
                '<meta name="author" content="Emma Mackenzie"><meta name="author" content="(Image: Getty Images)">'
                '<meta name="author" content="emma-mackenzie">'
            ),
            ["Emma Mackenzie"],
        ),
        (
            "meta: the publisher's initials",
            article_page(
                '<meta property="og:site_name" content="Legal Tribune Online"><meta name="author" content="LTO">',
                "<p>von Dr. Max Kolter</p>",
            ),
            ["Dr. Max Kolter"],
        ),
        (
            "rel=author: an archive link",
            article_page(header="<a rel='author' href='/a/1'>View all posts by Will Macmaster</a>"),
            ["Will Macmaster"],
        ),
        (
            "author class: a job title and a follow button",
            article_page(
                header="<div class='author'><span class='author-name'>Noah Eastwood,</span> "
                "<span class='author-title'>Money Reporter</span><button class='author-follow'>Follow</button></div>"
            ),
            ["Noah Eastwood"],
        ),
        (
            "author class: teasers' bylines after the article",
            article_page(
                header="<p class='meta'><span class='author'>Jane Doe</span></p>",
                after="<div class='more'><span class='author'>John Roe</span><span class='author'>Ann Poe</span></div>",
            ),
            ["Jane Doe"],
        ),
        ("by line: glued", article_page(header="<p class='meta'>ByJane Doe</p>"), ["Jane Doe"]),
        (
            "by line: a date after the name",
            article_page(header="<p>By Simone M. Scully December 11, 2023</p>"),
            ["Simone M. Scully"],
        ),
        ("by line: the label apart", article_page(header="<p><span>By</span> <span>Zack Savitsky</span></p>"), ["Zack Savitsky"]),
        ("by line: Von Miller is a name", article_page(header="<p class='meta'>Von Miller</p>"), ["Von Miller"]),
        ("author page link", article_page(header="<p><a href='/author/kaitlin/'>Kaitlin Serio</a></p>"), ["Kaitlin Serio"]),
        ("bold name closing the text", article_page(text=TEXT + "<p><strong>Lê Phương</strong></p>"), ["Lê Phương"]),
        ("a bold sentence is no name", article_page(text=TEXT + "<p><strong>Read the full report here.</strong></p>"), []),
        ("a bold subheading is no name", article_page(text="<p><b>The Big Picture</b></p>" + TEXT), []),
        ("a bold name with a particle", article_page(text="<p><b>Jan de Vries</b></p>" + TEXT), ["Jan de Vries"]),
    ],
)
def test_rules_apply_to_every_layer(layer: str, html: str, expected: list[str]) -> None:
    assert extract_article(html, URL)["authors"] == expected
