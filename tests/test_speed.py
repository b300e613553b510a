"""How the generic extractor computes what it finds: the faster paths give what the plain ones
gave (parsing, the trafilatura call, box labels, boilerplate containment, per-page caches)."""

from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

from newscrawl.extract.bylines import header_lines
from newscrawl.extract.document import Page
from newscrawl.extract.maintext import main_text

URL = "https://news.example/world/2024/05/30/some-story-about-things"
STORY = "".join(f"<p>Paragraph {i} of the story, long enough to count as text.</p>" for i in range(4))


def make(body: str) -> Page:
    return Page.from_html(f"<html><head><title>T</title></head><body>{body}</body></html>", URL)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("<html><body><form><input name='q'><label>Search</label></form></body></html>", "html"),
        ("  \n<!DOCTYPE html><html><body><p>Text</p></body></html>", "html"),
        ('<?xml version="1.0" encoding="utf-8"?><html><body><p>Text</p></body></html>', "xml"),
    ],
)
def test_parsing_keeps_parsel_document_kinds(text: str, kind: str) -> None:
    page = Page.from_html(text, URL)
    assert page.selector.type == kind
    assert page.selector.css("p::text, label::text").getall()


def test_html_elements_are_plain_html_elements() -> None:
    page = make("<form><input name='q'><select><option>A</option></select></form><!-- note -->")
    kinds = {type(el) for el in page.root.iter()}
    assert kinds == {lxml.html.HtmlElement, lxml.html.HtmlComment}


def test_main_text_leaves_the_page_tree_as_it_was() -> None:
    page = make(f"<nav><a href='/a'>Home</a></nav><article><h1>Headline</h1>{STORY}</article><footer>(c)</footer>")
    before = etree.tostring(page.root)
    assert main_text(page)
    assert etree.tostring(page.root) == before


@pytest.mark.parametrize(
    ("case", "heading", "label"),
    [
        ("plain label", "<h2>Related News</h2>", "related news"),
        ("label with colon and spacing", "<h2>\n   Most   Read :</h2>", "most read"),
        ("script text is not shown", "<h2>Read next<script>var longName = 'not a label at all';</script></h2>", "read next"),
        ("invisible characters are not counted", "<h2>See\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b also</h2>", "see also"),
        ("a longer heading is no label", "<h2>Related News from the whole region</h2>", None),
    ],
)
def test_box_labels(case: str, heading: str, label: str | None) -> None:
    page = make(f"<div class='box'>{heading}<a href='/x/123456'>X</a></div><article><h1>H</h1>{STORY}</article>")
    box = page.root.xpath("//div[@class='box']")[0]
    assert page.box_labels.get(box) == label


@pytest.mark.parametrize(
    ("body", "inside", "outside"),
    [
        ("<nav><div class='menu'><ul><li><a id='x'>Home</a></li></ul></div></nav><p id='y'>Text</p>", "x", "y"),
        ("<div class='sidebar'><aside><p id='x'>Teaser</p></aside></div><div><p id='y'>Story</p></div>", "x", "y"),
        ("<footer><p id='x'>(c)</p></footer><article><h1>H</h1><p id='y'>Story</p></article>", "x", "y"),
    ],
)
def test_boilerplate_holds_everything_under_its_boxes(body: str, inside: str, outside: str) -> None:
    page = make(body)
    by_id = {el.get("id"): el for el in page.root.iter() if el.get("id")}
    assert page.in_boilerplate(by_id[inside])
    assert not page.in_boilerplate(by_id[outside])


def test_cached_layers_give_each_caller_its_own_list() -> None:
    page = make(f"<article><h1>Headline</h1><p>By Jane Doe</p><p>Source: Reuters</p>{STORY}</article>")
    lines = header_lines(page)
    assert lines == ["By Jane Doe", "Source: Reuters"]
    lines.append("changed")
    assert header_lines(page) == ["By Jane Doe", "Source: Reuters"]
