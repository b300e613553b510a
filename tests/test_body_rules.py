"""The named body rules: each on what it decides and on what it must leave alone (own small
HTML), then through the whole extractor."""

from __future__ import annotations

import json

import pytest

from newscrawl.extract import body, maintext
from newscrawl.extract.document import Page
from newscrawl.extract.scripttext import script_text
from newscrawl.extraction import extract_article

URL = "https://news.example/world/2024/05/30/some-story-about-things"
STORY = [
    "The council voted on Tuesday to close the old bridge to cars from next spring onwards.",
    "Engineers had warned for years that the structure could not carry modern traffic safely.",
    "Residents on both banks said they feared longer trips to schools, shops and the hospital.",
]


def story_html(lines: list[str] = STORY) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("Bridge", 6),
        ("宮崎県で震度", 12),
        ("中日新聞 Web", 12),
        ("", 0),
    ],
)
def test_display_width(text: str, width: int) -> None:
    assert maintext.display_width(text) == width


@pytest.mark.parametrize(
    ("lines", "menu"),
    [
        (["Home", "World", "Sport", "Culture", "Opinion", "Video", "Audio", "Weather", "Travel", "More"], True),
        (["By Dec 21, 2023", "2023 Year in Review", "A teaser headline that is long enough to read"] * 4, True),
        # ten short Japanese lines say as much as ten English lines twice as long
        (["中日新聞電子版が利用できる各種メールマガジン"] * 10, False),
        (STORY * 4, False),
        (["Home", "World"], False),  # too few lines to tell
    ],
)
def test_menu_like(lines: list[str], menu: bool) -> None:
    assert maintext._menu_like(lines) is menu


def flight(html: str) -> str:
    """A Next.js app-router script: the HTML as a JSON string inside a JavaScript string."""
    state = json.dumps(["$", "div", None, {"dangerouslySetInnerHTML": {"__html": html}}])
    return f"<script>self.__next_f.push([1,{json.dumps(state)}])</script>"


@pytest.mark.parametrize(
    ("rule", "scripts", "expected"),
    [
        ("HTML in a JSON string inside a JavaScript string", flight(story_html()), STORY),
        (
            "HTML in a JSON state object",
            f'<script id="__NEXT_DATA__" type="application/json">{json.dumps({"props": {"body": story_html()}})}</script>',
            STORY,
        ),
        (
            "captions in the fragment are left out",
            flight("<figure><p>The bridge at dusk, seen from the east bank of the river.</p></figure>" + story_html()),
            STORY,
        ),
        (
            "the fragment with the most paragraph text wins over a teaser",
            flight("<p>A teaser for another story on the same page.</p>" + "x" * 200) + flight(story_html()),
            STORY,
        ),
        ("no paragraph in any script", '<script>var config = {"theme": "dark"};</script>', []),
        ("an external script is not read", f'<script src="/app.js">{json.dumps(story_html())}</script>', []),
    ],
)
def test_script_text(rule: str, scripts: str, expected: list[str]) -> None:
    page = Page.from_html(f"<html><head></head><body><div id='app'></div>{scripts}</body></html>", URL)
    assert script_text(page) == expected


def test_body_of_a_page_that_renders_its_text_from_a_script() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Bridge to close"}</script>'
    html = (
        f"<html><head><title>Bridge to close</title>{head}</head><body><div id='app'></div>{flight(story_html())}</body></html>"
    )
    assert extract_article(html, URL)["body"] == "\n\n".join(STORY)


def test_a_page_with_text_in_its_markup_does_not_read_its_scripts() -> None:
    other = ["A different text that only the script holds, never shown in the page itself."] * 3
    html = (
        f"<html><body><article><h1>Bridge to close</h1>{story_html(STORY * 4)}</article>{flight(story_html(other))}</body></html>"
    )
    assert "only the script holds" not in extract_article(html, URL)["body"]


@pytest.mark.parametrize(
    ("trafilatura", "expected"),
    [
        # both modes took a teaser river: the page's own paragraphs, though short, are the text
        (["By Dec 21, 2023", "2023 Year in Review", "Another story"] * 4, STORY),
        # a plausible text from trafilatura is kept
        ([*STORY, "A fourth paragraph that trafilatura found and the density reading did not."], None),
    ],
)
def test_main_text_when_trafilatura_takes_a_list_of_links(
    monkeypatch: pytest.MonkeyPatch, trafilatura: list[str], expected: list[str] | None
) -> None:
    monkeypatch.setattr(maintext, "_trafilatura_lines", lambda page, *, fast: list(trafilatura))
    page = Page.from_html(f"<html><body><article>{story_html()}</article></body></html>", URL)
    assert maintext.is_doubtful(page)  # a short text: trafilatura is asked
    assert maintext.main_text(page) == (expected if expected is not None else trafilatura)


@pytest.mark.parametrize(
    ("line", "authors", "end"),
    [
        ("© 2024 Example Wire. All rights reserved.", [], True),
        ("Copyright © 2023 The Daily Example, LLC. Click here for reprint permission.", [], True),
        ("© dpa-infocom, dpa:230428-99-483045/5", [], True),
        ("Jane Doe can be reached at jane.doe@news.example.", [], True),
        ("Do you have a story to tell? Email: tips@news.example", [], True),
        ("For the latest news from across the globe, sign up for our newsletters.", [], True),
        ('"Hier ist Bayern": Der Newsletter informiert Sie immer montags bis freitags.', [], True),
        ("Follow Example News on Twitter and Facebook for the latest updates.", [], True),
        ("Jane Doe is a senior reporter covering the city council and its budget.", ["Jane Doe"], True),
        ("Korrespondent Max Muster ist bei der Zeitung für Landespolitik zuständig.", ["Max Muster"], True),
        # a sentence of the text that names the author past its start is the article's
        (
            "When the council met, it asked Jane Doe, who chairs the residents' group, to speak first about the plans.",
            ["Jane Doe"],
            False,
        ),
        ("Text: Max Muster", ["Max Muster"], True),
        ("MDR (Max Muster, Erika Beispiel)", ["Max Muster"], True),
        # the article's own sentences
        ("The council voted on Tuesday to close the old bridge to cars from next spring.", ["Jane Doe"], False),
        ("Residents can subscribe" + " to the council's alerts, the mayor said in a statement" * 6, [], False),
        ("Jane Doe", ["Jane"], False),  # too short a name to tell
    ],
)
def test_is_end_matter(line: str, authors: list[str], end: bool) -> None:
    assert body.is_end_matter(line, authors) is end


@pytest.mark.parametrize(
    ("tail", "expected_tail"),
    [
        # bio, contact, copyright and a link to another story, in any order, all go
        (
            [
                "Jane Doe is a senior reporter covering the city council.",
                "<a href='/other-story'>Council approves the new budget for schools</a>",
                "© 2024 The Daily Example",
            ],
            [],
        ),
        # a sentence of the article after the end matter keeps it all
        (["© 2024 The Daily Example", "The bridge will reopen to cyclists in the autumn, the council said."], None),
    ],
)
def test_without_end_matter(tail: list[str], expected_tail: list[str] | None) -> None:
    html = f"<html><body><article>{story_html()}{''.join(f'<p>{t}</p>' for t in tail)}</article></body></html>"
    page = Page.from_html(html, URL)
    lines = [*STORY, *(Page.from_html(f"<p>{t}</p>", URL).root.text_content() for t in tail)]
    kept = body.without_end_matter(lines, page, ["Jane Doe"])
    assert kept == (STORY if expected_tail == [] else lines)


@pytest.mark.parametrize(
    ("line", "note"),
    [
        ("Article réservé aux abonnés", True),
        ("Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.", True),
        ("この記事は会員限定です。", True),
        ("The rest of this article is for subscribers only.", True),
        ("Already a subscriber? Log in", True),
        ("Dieser Artikel ist exklusiv für Abonnenten.", True),
        # the article's own words about subscriptions
        ("The streaming service said it had added two million subscribers in the quarter.", False),
        ("Subscribers only" + " were told about the change, which the company announced on Friday" * 3, False),
    ],
)
def test_is_paywall_note(line: str, note: bool) -> None:
    assert body.is_paywall_note(line) is note


PAYWALL_BOX = ["Vous pouvez lire Le Journal sur un seul appareil à la fois.", "Lecture restreinte"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a note past the middle ends the text: the paywall's box goes with it
        ([*STORY, "Il vous reste 40% de cet article à lire.", *PAYWALL_BOX], STORY),
        # a note at the top labels the article: only the note goes
        (["Article réservé aux abonnés", *STORY], STORY),
        (STORY, STORY),
    ],
)
def test_until_paywall(lines: list[str], expected: list[str]) -> None:
    assert body.until_paywall(lines) == expected
