"""The article body: which of trafilatura's lines are the article's text."""

from __future__ import annotations

import json

import pytest

from newscrawl.extract.body import (
    after_headline,
    embedded_posts,
    is_read_more,
    is_table_row,
    until_declared_end,
    without_trailing_links,
)
from newscrawl.extract.document import Page
from newscrawl.extract.maintext import _looks_failed
from newscrawl.extract.newspage import NewsPage
from newscrawl.extraction import extract_article

URL = "https://news.example/world/2024/05/30/some-story-about-things"
HEADLINE = "Ministers meet in Brussels to discuss the budget"
PARAGRAPH = "The ministers of the member states met on Thursday to talk about the budget for next year."


def story(paragraphs: int) -> str:
    return "".join(f"<p>{PARAGRAPH} This is paragraph {i}.</p>" for i in range(paragraphs))


def html(body: str, head: str = "") -> str:
    return f"<html><head><title>{HEADLINE} - Daily</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("case", "lines", "expected"),
    [
        ("repeat at the top", [HEADLINE, "First paragraph.", "Second."], ["First paragraph.", "Second."]),
        ("case and quotes differ", [f"“{HEADLINE.upper()}”", "First paragraph."], ["First paragraph."]),
        (
            "kicker and date above it",
            ["Politics", "30 May 2024", HEADLINE, PARAGRAPH * 3, PARAGRAPH * 3],
            [PARAGRAPH * 3, PARAGRAPH * 3],
        ),
        (
            "long text above: a subheading that matches",
            [PARAGRAPH * 3, PARAGRAPH * 3, HEADLINE, PARAGRAPH],
            [PARAGRAPH * 3, PARAGRAPH * 3, PARAGRAPH],
        ),
        ("no repeat", ["First paragraph.", "Second."], ["First paragraph.", "Second."]),
        (
            "repeat far down is text",
            [f"Line {i}." for i in range(10)] + [HEADLINE],
            [f"Line {i}." for i in range(10)] + [HEADLINE],
        ),
    ],
)
def test_after_headline(case: str, lines: list[str], expected: list[str]) -> None:
    assert after_headline(lines, [HEADLINE]) == expected, case


@pytest.mark.parametrize(
    ("case", "body", "lines", "failed"),
    [
        ("a short text, a long block", f"<div>{story(12)}</div>", [PARAGRAPH], True),
        ("a short text, no more on the page", f"<div>{story(1)}</div>", [PARAGRAPH], False),
        ("a long text", f"<div>{story(40)}</div>", [PARAGRAPH] * 30, False),
        ("menu entries", f"<div>{story(1)}</div>", ["Home", "World", "Politics", "Sport", "Culture"] * 3, True),
        ("short paragraphs are not menu entries", f"<div>{story(1)}</div>", [PARAGRAPH] * 12, False),
    ],
)
def test_a_fast_extraction_that_looks_failed(case: str, body: str, lines: list[str], failed: bool) -> None:
    assert _looks_failed(lines, Page.from_html(html(body), URL)) is failed, case


def test_body_starts_after_the_headline_it_repeats() -> None:
    page = html(f"<article><p class='kicker'>Politics</p><h1>{HEADLINE}</h1><div>{story(6)}</div></article>")
    body = extract_article(page, URL)["body"]
    assert body.startswith(PARAGRAPH)
    assert HEADLINE not in body


def test_body_of_a_page_without_a_headline_repeat_is_untouched() -> None:
    news = NewsPage(Page.from_html(html(f"<article><div>{story(6)}</div></article>"), URL))
    assert news.body() == news._main_text


ARTICLE = [f"{PARAGRAPH} This is paragraph {i}." for i in range(5)]
PROMO = ["Sign up for our newsletter", "Get the day's news in your inbox every morning, free of charge."]


@pytest.mark.parametrize(
    ("case", "lines", "declared", "expected"),
    [
        ("promo after the declared end", [*ARTICLE, *PROMO], " ".join(ARTICLE), ARTICLE),
        (
            "subheading inside is kept",
            [*ARTICLE[:2], "What comes next", *ARTICLE[2:], *PROMO],
            " ".join(ARTICLE),
            [*ARTICLE[:2], "What comes next", *ARTICLE[2:]],
        ),
        ("a summary, not the full text", [*ARTICLE, *PROMO], ARTICLE[0], [*ARTICLE, *PROMO]),
        (
            "another story's text",
            [*ARTICLE, *PROMO],
            "A different story about the weather on the coast this week.",
            [*ARTICLE, *PROMO],
        ),
        ("nothing after the end", ARTICLE, " ".join(ARTICLE), ARTICLE),
    ],
)
def test_until_declared_end(case: str, lines: list[str], declared: str, expected: list[str]) -> None:
    assert until_declared_end(lines, declared) == expected, case


def test_body_ends_where_the_declared_article_body_ends() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE)
    ld = json.dumps({"@type": "NewsArticle", "headline": HEADLINE, "articleBody": " ".join(ARTICLE)})
    promo = f"<p>{PROMO[1]}</p>"
    page = html(
        f"<article><h1>{HEADLINE}</h1><div>{paragraphs}{promo}</div></article>",
        f'<script type="application/ld+json">{ld}</script>',
    )
    body = extract_article(page, URL)["body"]
    assert ARTICLE[-1] in body
    assert PROMO[1] not in body


@pytest.mark.parametrize(
    ("line", "row"),
    [
        ("| Year | Team | Medal |", True),
        ("|---|---|", True),
        ("| 2016 | Gold |", True),
        ("|", False),
        ("The vote | a report", False),
        ("Paragraph with a | pipe |", False),
    ],
)
def test_is_table_row(line: str, row: bool) -> None:
    assert is_table_row(line) is row


def test_body_leaves_out_tables_and_the_articles_captions() -> None:
    caption = "The minister arrives at the meeting in Brussels on Thursday morning"
    figure = f"<div class='picture'><img src='/a.jpg'><p class='imageCaption'>{caption}</p></div>"
    table = "<table><tr><th>Year</th><th>Budget</th></tr><tr><td>2024</td><td>100</td></tr></table>"
    page = html(f"<article><h1>{HEADLINE}</h1><div>{story(3)}{figure}{story(3)}{table}{story(2)}</div></article>")
    body = extract_article(page, URL)["body"]
    assert caption not in body
    assert "| 2024 |" not in body
    assert body.count(PARAGRAPH) == 8


LINKS = "<ul><li><a href='/a'>Another story about the budget</a></li></ul><p>MORE: <a href='/b'>Ministers leave Brussels after the talks</a></p>"


@pytest.mark.parametrize(
    ("case", "lines", "expected"),
    [
        (
            "a list and a MORE line",
            [PARAGRAPH, "- Another story about the budget", "MORE: Ministers leave Brussels after the talks"],
            [PARAGRAPH],
        ),
        (
            "links inside the text stay",
            [PARAGRAPH, "Another story about the budget", PARAGRAPH],
            [PARAGRAPH, "Another story about the budget", PARAGRAPH],
        ),
        (
            "a line with a link in it is text",
            [PARAGRAPH, "He said that Another story about the budget was untrue, and repeated it twice."],
            [PARAGRAPH, "He said that Another story about the budget was untrue, and repeated it twice."],
        ),
        ("no links", [PARAGRAPH], [PARAGRAPH]),
        ("empty", [], []),
    ],
)
def test_without_trailing_links(case: str, lines: list[str], expected: list[str]) -> None:
    page = Page.from_html(html(f"<div>{story(2)}</div>{LINKS}"), URL)
    assert without_trailing_links(lines, page) == expected, case


TWEET = (
    "<blockquote class='twitter-tweet'><p lang='en'>The budget talks are over, see you next year</p>"
    "— Jane Doe (@janedoe) <a href='https://twitter.com/janedoe/status/1'>May 30, 2024</a></blockquote>"
)


@pytest.mark.parametrize(
    ("case", "quote", "posts"),
    [
        ("a tweet", TWEET, ["The budget talks are over, see you next year— Jane Doe (@janedoe) May 30, 2024"]),
        (
            "an instagram post",
            "<blockquote class='instagram-media'><p>A photo from the summit</p></blockquote>",
            ["A photo from the summit"],
        ),
        ("a quotation is the article's", "<blockquote><p>We will meet again next year</p></blockquote>", []),
    ],
)
def test_embedded_posts(case: str, quote: str, posts: list[str]) -> None:
    assert embedded_posts(Page.from_html(html(f"<div>{story(2)}{quote}</div>"), URL)) == posts, case


def test_body_leaves_out_embedded_posts() -> None:
    body = extract_article(html(f"<article><div>{story(3)}{TWEET}{story(3)}</div></article>"), URL)["body"]
    assert "see you next year" not in body
    assert "@janedoe" not in body
    assert body.count(PARAGRAPH) == 6


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Read more: Gaza ceasefire talks resume", True),
        ("See also: the full timeline", True),
        ("Lea también: Marruecos se prepara para la fase final", True),
        ("Leer más: la flotilla zarpa", True),
        ("Lire aussi : la COP29", True),
        ("Lesen Sie auch: Die Lage in Gaza", True),
        ("اقرأ أيضاً: أوروبا وصفقات السلاح", True),
        ("اقرأ ايضا: خطة الإعمار", True),
        ("إقرأ أيضا : الحرب على غزة", True),
        ("Lea también la entrevista completa en nuestra web.", False),  # no label: a sentence
        ("اقرأ المزيد عن الخطة في التقرير.", False),
        ("We read more reports: none confirmed it.", False),
    ],
)
def test_read_more_lines_in_the_languages_of_the_editions(line: str, expected: bool) -> None:
    assert is_read_more(line) is expected
