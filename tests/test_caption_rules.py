"""Caption rules on small pages written for each: captions no element names, images that are
the article's own though their box's name says otherwise, and the images that are not."""

from __future__ import annotations

from typing import Any

import pytest

from newscrawl.extraction import extract_article
from newscrawl.processors import split_caption

URL = "https://news.example/world/2024/05/30/some-story-about-things"
BODY = (
    "<div class='story'>"
    + "".join(f"<p>Paragraph {i} of the story, long enough to count as text.</p>" for i in range(4))
    + "</div>"
)


def page(body: str, head: str = "") -> str:
    return (
        f"<html lang='en-GB'><head><title>Doc title</title>{head}</head><body><article><h1>Ministers meet</h1>"
        f"{body}{BODY}</article></body></html>"
    )


def captions(body: str, head: str = "") -> list[dict[str, Any]]:
    return list(extract_article(page(body, head), URL)["captions"])


ARRIVE = "Ministers arrive in Brussels"


@pytest.mark.parametrize(
    ("rule", "body", "expected"),
    [
        (
            "text beside an image repeating its alt text",
            f"<div class='w-full'><img src='/a.jpg' alt='{ARRIVE}'><p class='text-sm'>{ARRIVE}</p></div>",
            [{"text": ARRIVE, "credit": None}],
        ),
        (
            "the repeated text in a wrapper's sibling, a credit after it",
            f"<div><div class='c1'><picture><img src='/a.jpg' alt='{ARRIVE}.'></picture></div>"
            f"<div class='c2'><span>{ARRIVE}. (AFP)</span></div></div>",
            [{"text": f"{ARRIVE}.", "credit": "AFP"}],
        ),
        (
            "the title attribute carrying a credit",
            f"<div><img src='/a.jpg' title='{ARRIVE} | Jane Doe/AP'><small>{ARRIVE}</small></div>",
            [{"text": ARRIVE, "credit": None}],
        ),
        (
            "a short caption: a name",
            "<div class='blog-image'><img src='/a.jpg' alt='Jane Doe'><p class='lead'>Jane Doe</p>"
            "<p class='image-author'>Photo: Reuters</p></div>",
            [{"text": "Jane Doe", "credit": "Reuters"}],
        ),
        (
            "a short caption beside a photo drawn wide",
            "<div><img src='/a.jpg' width='948' alt='Jane Doe'><p>Jane Doe</p></div>",
            [{"text": "Jane Doe", "credit": None}],
        ),
        (
            "a few words beside an emblem are its label",
            "<div class='topic'><img src='/topics/summit.jpg' alt='Summit in Brussels'><span>Summit in Brussels</span></div>",
            [],
        ),
        ("alt text shown nowhere", f"<div><img src='/a.jpg' alt='{ARRIVE}'><p>Other words here</p></div>", []),
        (
            "a teaser: the image links to another story",
            f"<div><a href='/world/2024/05/29/other-story'><img src='/t.jpg' alt='{ARRIVE}'></a><p>{ARRIVE}</p></div>",
            [],
        ),
        (
            "a teaser: a link over the card labelled with the title",
            f"<div><div><img src='/t.jpg' alt='{ARRIVE}'></div>"
            f"<a href='/world/2024/05/29/other-story'><span class='sr-only'>{ARRIVE}</span></a>"
            f"<div><span>{ARRIVE}</span></div></div>",
            [],
        ),
        (
            "a teaser: the title links to its story",
            f"<div><img src='/t.jpg' alt='{ARRIVE}'><p><a href='/world/2024/05/29/other-story'>{ARRIVE}</a> 2 hours ago</p></div>",
            [],
        ),
        (
            "a heading is a card's title",
            f"<div><img src='/t.jpg' alt='{ARRIVE}'><h3>{ARRIVE}</h3></div>",
            [],
        ),
        (
            "a sign-up box",
            "<div><div><img src='/n.jpg' alt='Get the news in your inbox every day'></div><div>"
            "<div>Get the news in your inbox every day</div><form><input type='email'></form></div></div>",
            [],
        ),
        (
            "a logo (SVG) titled with its name",
            "<div><img src='/logos/briefing.svg' alt='Morning Briefing'><p>Morning Briefing</p></div>",
            [],
        ),
        (
            "an icon drawn small",
            "<div><img src='/teams/fc.png' width='36' height='36' alt='Football Club'><span>Football Club</span></div>",
            [],
        ),
        (
            "a person's profile photo and name",
            "<div><img src='/p.jpg' alt='Jane Doe Smith'><div itemscope itemtype='https://schema.org/Person'>"
            "<p itemprop='name'>Jane Doe Smith</p><p itemprop='jobTitle'>Political scientist</p></div></div>",
            [],
        ),
    ],
)
def test_alt_echo(rule: str, body: str, expected: list[dict[str, Any]]) -> None:
    assert captions(body) == expected


LONG_TEXT = "".join(f"<p>Another paragraph {i} of the article, long enough to be read as text.</p>" for i in range(3))


@pytest.mark.parametrize(
    ("rule", "body", "expected"),
    [
        (
            "a caption in a layout's wrappers right after the lead image",
            f"<div class='page'><img src='/lead.jpg' class='header-image'><div class='container'><div class='row'>"
            f"<div class='col'><div class='image-caption'>{ARRIVE} on Monday</div></div></div></div>{LONG_TEXT}</div>",
            [{"text": f"{ARRIVE} on Monday", "credit": None}],
        ),
        (
            "a caption in wrappers after a paragraph is no image's",
            f"<div class='page'><img src='/lead.jpg'><p>Some words between them.</p><div class='container'><div class='row'>"
            f"<div class='col'><div class='image-caption'>{ARRIVE} on Monday</div></div></div></div>{LONG_TEXT}</div>",
            [],
        ),
    ],
)
def test_caption_after_its_image(rule: str, body: str, expected: list[dict[str, Any]]) -> None:
    assert captions(body) == expected


@pytest.mark.parametrize(
    ("rule", "body", "expected"),
    [
        (
            "a copy with its buttons' labels",
            f"<figure><img src='/a.jpg'><figcaption>{ARRIVE}.</figcaption></figure>"
            f"<figure><img src='/b.jpg'><figcaption>{ARRIVE}. hide caption toggle caption</figcaption></figure>",
            [{"text": f"{ARRIVE}.", "credit": None}],
        ),
        (
            "more sentences are another caption",
            f"<figure><img src='/a.jpg'><figcaption>{ARRIVE}.</figcaption></figure>"
            f"<figure><img src='/b.jpg'><figcaption>{ARRIVE}. They met at noon.</figcaption></figure>",
            [{"text": f"{ARRIVE}.", "credit": None}, {"text": f"{ARRIVE}. They met at noon.", "credit": None}],
        ),
        (
            "one more word is another caption",
            "<figure><img src='/a.jpg'><figcaption>The new phone</figcaption></figure>"
            "<figure><img src='/b.jpg'><figcaption>The new phone Pro</figcaption></figure>",
            [{"text": "The new phone", "credit": None}, {"text": "The new phone Pro", "credit": None}],
        ),
    ],
)
def test_caption_shown_again_with_controls(rule: str, body: str, expected: list[dict[str, Any]]) -> None:
    assert captions(body) == expected


OG = "<meta property='og:image' content='https://cdn.news.example/2024/05/GettyImages-2242056166-scaled.jpg?w=1200'>"
LEAD = "<img src='https://cdn.news.example/2024/05/GettyImages-2242056166-1024x768.jpg'>"
STORIES = "".join(
    f"<li><a href='/world/2024/05/2{i}/story-{i}'>Another story number {i} with a long title</a></li>" for i in range(6)
)


@pytest.mark.parametrize(
    ("rule", "head", "body", "expected"),
    [
        (
            "the declared image in a box named as a teaser",
            OG,
            f"<section class='teaser-image'><figure>{LEAD}<figcaption>{ARRIVE}</figcaption></figure></section>",
            [{"text": ARRIVE, "credit": None}],
        ),
        (
            "the same box showing another image is a teaser",
            OG,
            f"<section class='teaser-image'><figure><img src='/other-image-2024.jpg'><figcaption>{ARRIVE}</figcaption>"
            "</figure></section>",
            [],
        ),
        (
            "the declared image in an <aside> of its own",
            OG,
            f"<aside class='left image'>{LEAD}<p class='caption'>{ARRIVE}</p></aside>",
            [{"text": ARRIVE, "credit": None}],
        ),
        (
            "the declared image in a sidebar of stories",
            OG,
            f"<aside class='sidebar'><ul>{STORIES}</ul><figure>{LEAD}<figcaption>{ARRIVE}</figcaption></figure></aside>",
            [],
        ),
        (
            "the declared image in a menu",
            OG,
            f"<nav><figure>{LEAD}<figcaption>{ARRIVE}</figcaption></figure></nav>",
            [],
        ),
    ],
)
def test_lead_image(rule: str, head: str, body: str, expected: list[dict[str, Any]]) -> None:
    assert captions(body, head) == expected


@pytest.mark.parametrize(
    ("rule", "body", "expected"),
    [
        (
            "a link to the image's own page is a zoom",
            "<figure><a href='/photo/20240530-ABC12345/'><img src='/media/2024/05/20240530-ABC12345-1.jpg'></a>"
            f"<figcaption>{ARRIVE}</figcaption></figure>",
            [{"text": ARRIVE, "credit": None}],
        ),
        (
            "a link to another page with an identifier is a teaser",
            "<figure><a href='/photo/20240530-XYZ99999/'><img src='/media/2024/05/20240530-ABC12345-1.jpg'></a>"
            f"<figcaption>{ARRIVE}</figcaption></figure>",
            [],
        ),
        (
            "a box's own text without its zoom link's and buttons' labels",
            "<div class='media'><a href='/photo/story-118.html'><img src='/media/story-118_v-big.jpg'></a>"
            f"<button>Show caption</button><div class='info'><span class='subtitle'>{ARRIVE}</span></div></div>",
            [{"text": ARRIVE, "credit": None}],
        ),
        (
            "a slide's title heading left out of its caption",
            f"<figure><img src='/a.jpg'><figcaption><h3>Summit day</h3><p>{ARRIVE}</p></figcaption></figure>",
            [{"text": ARRIVE, "credit": None}],
        ),
    ],
)
def test_zoom_links_and_controls(rule: str, body: str, expected: list[dict[str, Any]]) -> None:
    assert captions(body) == expected


PHOTO = "<picture><img src='/a.jpg' width='1200'></picture>"


@pytest.mark.parametrize(
    ("rule", "body", "expected"),
    [
        (
            "an image, a line of text and a credit line",
            f"<div class='sc-x1'>{PHOTO}<div class='sc-x2'>{ARRIVE}</div><div class='sc-x3'>Getty Images</div></div>",
            [{"text": ARRIVE, "credit": "Getty Images"}],
        ),
        (
            "an image in a wrapper and a line of text",
            f"<div><div class='sc-a'>{PHOTO}</div><div class='sc-b'>{ARRIVE}</div></div>",
            [{"text": ARRIVE, "credit": None}],
        ),
        (
            "an image drawn small is an avatar",
            f"<div><img src='/a.jpg' width='60'><div>{ARRIVE}</div></div>",
            [],
        ),
        (
            "a second line that is no credit makes a card",
            f"<div>{PHOTO}<div>{ARRIVE}</div><div>Read the whole story of the summit and what it decided</div></div>",
            [],
        ),
        (
            "a line with a link is a teaser",
            f"<div>{PHOTO}<div><a href='/world/2024/05/29/other-story'>{ARRIVE}</a></div></div>",
            [],
        ),
        (
            "a line with a time is a clip's length or a byline's date",
            f"<div>{PHOTO}<div><time>2:34</time> {ARRIVE}</div></div>",
            [],
        ),
        (
            "a video's still",
            f"<div class='video-placeholder'>{PHOTO}<div>{ARRIVE}</div></div>",
            [],
        ),
        (
            "a person's photo and name and role",
            f"<div>{PHOTO}<div itemscope itemtype='https://schema.org/Person'>Jane Doe Smith, political scientist</div></div>",
            [],
        ),
    ],
)
def test_bare_figure(rule: str, body: str, expected: list[dict[str, Any]]) -> None:
    assert captions(body) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jonas Jonaitis / J. Petraitis / LRT nuotr.", ("Jonas Jonaitis", "J. Petraitis / LRT nuotr.")),
        ("Ministers arrive / AP Photo", ("Ministers arrive", "AP Photo")),
        ("Tools of the trade / photo", ("Tools of the trade / photo", None)),
        (
            "Ministers arrive in Brussels. | Jane Doe/PA Images via Getty Images",
            ("Ministers arrive in Brussels.", "Jane Doe/PA Images via Getty Images"),
        ),
        ("War | Peace talks", ("War | Peace talks", None)),
        (
            "Ministers arrive. | They met at noon. Then they left.",
            ("Ministers arrive. | They met at noon. Then they left.", None),
        ),
        ("Jane Doe. Isithombe: Sithunyelwe", ("Jane Doe.", "Sithunyelwe")),
    ],
)
def test_split_caption_credit(raw: str, expected: tuple[str | None, str | None]) -> None:
    assert split_caption(raw) == expected


def test_the_headline_beside_the_lead_image_is_no_caption() -> None:
    head = "<meta property='og:title' content='Ministers meet in Brussels to talk'>"
    body = "<div><img src='/a.jpg' alt='Ministers meet in Brussels to talk'><p>Ministers meet in Brussels to talk</p></div>"
    assert captions(body, head) == []


def test_each_figure_of_a_gallery_row() -> None:
    body = (
        "<figure class='gallery'><ul><li><figure><img src='/a.jpg'><figcaption>Ministers arrive</figcaption></figure></li>"
        "<li><figure><img src='/b.jpg'><figcaption>Ministers leave</figcaption></figure></li></ul></figure>"
    )
    assert captions(body) == [{"text": "Ministers arrive", "credit": None}, {"text": "Ministers leave", "credit": None}]
