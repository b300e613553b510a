"""The density extractor that reads the main text off the parsed page, and when its result is
left to trafilatura instead."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from newscrawl.extract import maintext
from newscrawl.extract.document import Page
from newscrawl.extract.maintext import dense_text, is_doubtful, main_text, text_boxes
from newscrawl.extraction import MainTextJob, extract_article
from newscrawl.pool import WorkerPool

if TYPE_CHECKING:
    from collections.abc import Callable

URL = "https://news.example/world/2024/05/30/council-votes-on-the-new-harbour-plan"
SENTENCE = "The council voted on Tuesday to rebuild the old harbour wall before the winter storms come."


def paragraphs(first: int, last: int) -> str:
    return "".join(f"<p>{SENTENCE} Paragraph {i}.</p>" for i in range(first, last))


def lines(first: int, last: int) -> list[str]:
    return [f"{SENTENCE} Paragraph {i}." for i in range(first, last)]


def page(body: str, head: str = "") -> Page:
    return Page.from_html(f"<html><head><title>Harbour</title>{head}</head><body>{body}</body></html>", URL)


MENU = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav>"
TEASERS = "<aside class='related'><h2>Related</h2><p><a href='/x/1'>Another story about the harbour and its long history</a></p></aside>"


@pytest.mark.parametrize(
    ("case", "body", "expected"),
    [
        (
            "one box of paragraphs",
            f"{MENU}<article><h1>Harbour</h1><div class='text'>{paragraphs(0, 12)}</div></article>",
            lines(0, 12),
        ),
        (
            "chrome and teasers left out",
            f"{MENU}<main><div class='text'>{paragraphs(0, 12)}</div>{TEASERS}</main><footer><p>{SENTENCE} Footer.</p></footer>",
            lines(0, 12),
        ),
        (
            "subheadings, quotes and list items kept, in order",
            f"<div class='text'>{paragraphs(0, 6)}<h2>What comes next</h2><blockquote>We will build it.</blockquote>"
            f"<ul><li>First the wall.</li><li>Then the quay.</li></ul>{paragraphs(6, 12)}</div>",
            [*lines(0, 6), "What comes next", "We will build it.", "First the wall.", "Then the quay.", *lines(6, 12)],
        ),
        (
            "figure captions and teaser links inside the text left out",
            f"<div class='text'>{paragraphs(0, 6)}<figure><img src='/a.jpg'><figcaption>The old wall in 1950.</figcaption>"
            f"</figure><h3><a href='/x/2'>Read also: the mayor's plan for the port</a></h3>{paragraphs(6, 12)}</div>",
            lines(0, 12),
        ),
        (
            "a text cut in boxes of the same kind between ads",
            f"<article><div class='body'>{paragraphs(0, 5)}</div><div class='ad'>Advertisement</div>"
            f"<div class='body'>{paragraphs(5, 10)}</div><div class='ad'>Advertisement</div>"
            f"<div class='body'>{paragraphs(10, 14)}</div></article>",
            lines(0, 14),
        ),
        ("no paragraphs at all", f"{MENU}<div>Only a line of text</div>", []),
    ],
)
def test_dense_text(case: str, body: str, expected: list[str]) -> None:
    assert dense_text(page(body)).lines == expected, case


@pytest.mark.parametrize(
    ("case", "split", "expected"),
    [
        ("the paragraphs shared between two boxes: their parent", 5, "story"),
        ("most of them in one box: that box (the rest is a standfirst)", 2, "rest"),
    ],
)
def test_text_boxes_are_the_smallest_holding_most_of_the_text(case: str, split: int, expected: str) -> None:
    parsed = page(
        f"<main><div id='story'><div id='lead'>{paragraphs(0, split)}</div><div id='rest'>{paragraphs(split, 12)}</div></div></main>"
    )
    (box,) = text_boxes(parsed)
    assert box.get("id") == expected, case


def ld(article_body: str) -> str:
    node = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour", "articleBody": article_body}
    return f"<script type='application/ld+json'>{json.dumps(node)}</script>"


@pytest.mark.parametrize(
    ("case", "body", "head", "doubtful"),
    [
        ("a long text in paragraphs", f"<div class='text'>{paragraphs(0, 12)}</div>", "", False),
        ("a short text", f"<div class='text'>{paragraphs(0, 3)}</div>", "", True),
        ("no paragraphs", "<div>Nothing here</div>", "", True),
        (
            "most of the box's text outside paragraphs",
            f"<div class='text'>{paragraphs(0, 12)}<div>{'<br>'.join(lines(12, 40))}</div></div>",
            "",
            True,
        ),
        (
            "the declared articleBody is this text",
            f"<div class='text'>{paragraphs(0, 12)}</div>",
            ld(" ".join(lines(0, 12))),
            False,
        ),
        (
            "the declared articleBody is much longer",
            f"<div class='text'>{paragraphs(0, 12)}</div>",
            ld(" ".join(lines(0, 12)) + " " + "Another sentence that the page does not show in paragraphs. " * 30),
            True,
        ),
        ("a short declared summary does not count", f"<div class='text'>{paragraphs(0, 12)}</div>", ld("The harbour."), False),
    ],
)
def test_is_doubtful(case: str, body: str, head: str, doubtful: bool) -> None:
    assert is_doubtful(page(body, head)) is doubtful, case


def test_sound_dense_text_is_the_main_text_without_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_trafilatura(page: Page, *, fast: bool) -> list[str]:
        raise AssertionError("trafilatura was called")

    monkeypatch.setattr(maintext, "_trafilatura_lines", no_trafilatura)
    assert main_text(page(f"{MENU}<article><div class='text'>{paragraphs(0, 12)}</div></article>")) == lines(0, 12)


def test_doubtful_dense_text_goes_to_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    found = ["A paragraph of the text as trafilatura found it, long enough to read."] * 20
    monkeypatch.setattr(maintext, "_trafilatura_lines", lambda page, *, fast: list(found))
    assert main_text(page(f"<div class='text'>{paragraphs(0, 3)}</div>")) == found


class _NoWorker(WorkerPool[MainTextJob, list[str]]):
    def submit(self, job: MainTextJob) -> Callable[[], list[str]]:
        raise AssertionError("a page with sound dense text was sent to the worker")


def test_the_worker_only_gets_doubtful_pages() -> None:
    html = f"<html><head><title>Harbour</title></head><body><article><h1>Harbour</h1>{paragraphs(0, 12)}</article></body></html>"
    assert extract_article(html, URL, pool=_NoWorker(lambda job: []))["body"] == "\n\n".join(lines(0, 12))
