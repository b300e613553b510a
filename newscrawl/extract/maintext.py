"""The article's main text: a density extractor read straight off the parsed page, cheap enough
to run first on every page, the signs that its result is in doubt, and trafilatura where it is.

It picks the element whose paragraphs hold most of the page's paragraph text (boilerplate left
out), with the boxes of the same kind beside it where a page splits its text between ads, and
reads their paragraphs, subheadings, quotes and list items. trafilatura, about 15 times dearer,
is left for the pages where that result looks doubtful (:func:`is_doubtful`).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple
from unicodedata import east_asian_width

from trafilatura import bare_extraction

from newscrawl.extract.body import body_blocks, body_text, is_read_more
from newscrawl.extract.captions import caption_boxes
from newscrawl.extract.document import PARAGRAPH, Page, element_text, element_texts, paragraphs
from newscrawl.extract.scripttext import script_text
from newscrawl.processors import clean_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from newscrawl.extract.provenance import Source


# The text's box is the smallest holding this share of the page's paragraph text ...
_HOLDS = 0.7
# ... and boxes of the same class within this many levels above it hold the rest of it.
_KIN_LEVELS = 4
# A block whose text is mostly link text is a teaser or a link list, not the article's.
_LINKED = 0.8
# Doubt: less text than this (characters) ...
_SHORT = 1000
# ... or less than this share of the text of its boxes (the rest is outside paragraphs, or is
# script text, which also marks boxes that hold more than an article) ...
_IN_BLOCKS = 0.6
# ... or less than this share of the words of a JSON-LD articleBody of at least _DECLARED chars.
_DECLARED_SHARE = 0.8
_DECLARED = 200
# The blocks a text is read from (lists through their items).
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre")


class DenseText(NamedTuple):
    """The main text :func:`dense_text` reads, and the elements it read it from."""

    lines: list[str]
    boxes: list[HtmlElement]


def text_boxes(page: Page) -> list[HtmlElement]:
    """The elements holding the main text, in page order: the smallest element with most of
    the page's paragraph text (paragraphs of at least 25 characters, outside boilerplate), then
    the elements with the same class names near it that hold paragraphs too (a text cut in
    several boxes). Empty where the page has no such paragraph."""
    within: dict[HtmlElement, int] = {}
    total = 0
    for p, length in paragraphs(page):
        total += length
        for ancestor in p.iterancestors():
            within[ancestor] = within.get(ancestor, 0) + length
    box = page.main_text_container
    while box is not None and within[box] < _HOLDS * total:
        box = box.getparent()
    if box is None:
        return []
    return sorted([box, *_kin(page, box)], key=page.order.__getitem__)


def _kin(page: Page, box: HtmlElement) -> list[HtmlElement]:
    names = page.names.get(box)
    if not names:
        return []
    top = box
    for _ in range(_KIN_LEVELS):
        parent = top.getparent()
        if parent is None:
            break
        top = parent
    taken = set(box.iter())
    texts = element_texts(page)
    found: list[HtmlElement] = []
    for el in top.iter(box.tag):
        if el in taken or page.names.get(el) != names:
            continue
        if any(len(element_text(p, texts)) >= PARAGRAPH for p in el.iter("p")):
            found.append(el)
            taken.update(el.iter())
    return found


def text_blocks(page: Page, box: HtmlElement) -> list[HtmlElement]:
    """The block elements of ``box`` that hold its text (paragraphs, subheadings, quotes, list
    items), outermost only: not those in boilerplate boxes, figures or captions inside it, nor
    those mostly made of link text."""
    captions = frozenset(caption_boxes(page))
    boilerplate = page.boilerplate
    blocks: list[HtmlElement] = []
    taken: set[HtmlElement] = set()
    for el in box.iter(*_BLOCKS):
        node: HtmlElement | None = el
        while node is not None and node is not box:
            if node in boilerplate or node in captions or node in taken or node.tag in ("figure", "figcaption"):
                break
            node = node.getparent()
        else:
            if not _mostly_links(el):
                blocks.append(el)
                taken.add(el)
    return blocks


def _mostly_links(el: HtmlElement) -> bool:
    total = len(el.text_content().strip())
    linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
    return total > 0 and linked >= _LINKED * total


def dense_text(page: Page) -> DenseText:
    """The main text as lines, read from :func:`text_boxes` (no lines where nothing was found);
    computed once per page."""
    found: DenseText | None = page.__dict__.get("_dense_text")
    if found is None:
        boxes, texts = text_boxes(page), element_texts(page)
        blocks = (element_text(el, texts) for box in boxes for el in text_blocks(page, box))
        found = page.__dict__["_dense_text"] = DenseText([t for t in blocks if t and not is_read_more(t)], boxes)
    return found


def is_doubtful(page: Page) -> bool:
    """Whether :func:`dense_text` may not have found the article's text: a short text, a small
    part of the text of its boxes (the rest sits in ``div`` elements and ``<br>`` lines, not in
    paragraphs), or one missing much of the page's own JSON-LD ``articleBody``."""
    lines, boxes = dense_text(page)
    length = sum(map(len, lines))
    if length < _SHORT:
        return True
    boxed = sum(_collapsed_length(box.text_content()) for box in boxes)
    if length < _IN_BLOCKS * boxed:
        return True
    declared = page.article_jsonld.get("articleBody")
    if isinstance(declared, str) and len(declared) >= _DECLARED:
        words = _words(declared)
        return (words & _words("\n".join(lines))).total() < _DECLARED_SHARE * words.total()
    return False


def _collapsed_length(text: str) -> int:
    # len(" ".join(text.split())), without the joined copy
    words = text.split()
    return sum(map(len, words)) + len(words) - 1 if words else 0


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def main_text(page: Page) -> list[str]:
    """The page's main text as paragraphs: the page's own densest text where that looks sound,
    else trafilatura's (which works on its own copy of the tree).

    The density extractor (:func:`dense_text`) reads the tree already parsed and costs about a
    millisecond; trafilatura earns its place on the pages where that result is in doubt (text outside paragraphs, a short text, one missing much of the declared
    ``articleBody``): on real pages of many publishers it finds the text better than any density
    heuristic of ours (see ``benchmarks/realworld.py``). Its fast mode is used, and its full mode
    (which weighs its own result against readability and jusText) only where the fast result
    looks like a failed extraction: see :func:`_looks_failed`. Where neither finds any text, the
    article's HTML in the page's scripts (:func:`newscrawl.extract.scripttext.script_text`).
    """
    return read_main_text(page)[0]


def read_main_text(page: Page) -> tuple[list[str], Source]:
    """:func:`main_text`, with the layer it came from: ``generic-dom`` (the page's own dense
    text, or the article's HTML a script ships) or ``trafilatura``."""
    if not is_doubtful(page):
        return list(dense_text(page).lines), "generic-dom"
    lines = page.fast_text() if page.fast_text is not None else _trafilatura_lines(page, fast=True)
    if _looks_failed(lines, page):
        lines = _trafilatura_lines(page, fast=False) or lines
        if _menu_like(lines) and (dense := list(dense_text(page).lines)):
            # both of trafilatura's modes took a list of links (a teaser river, a menu): the
            # page's own densest paragraphs, though in doubt, are the better guess
            return dense, "generic-dom"
    if lines:
        return lines, "trafilatura"
    # a page whose markup holds no text may ship it in a script (a JavaScript front end's state)
    return script_text(page), "generic-dom"


def fast_main_text(html: str | bytes, url: str) -> list[str]:
    """trafilatura's fast-mode main text of a page given as HTML, parsed here as
    :meth:`Page.from_html` parses it: what :func:`main_text` starts from where the page's dense
    text is in doubt, for another process to compute while this one runs the other layers
    (``newscrawl extract --batch``)."""
    return _trafilatura_lines(Page.from_html(html, url), fast=True)


def _trafilatura_lines(page: Page, *, fast: bool) -> list[str]:
    document = bare_extraction(page.root, url=page.url, fast=fast, with_metadata=False, include_comments=False, as_dict=False)
    text = getattr(document, "text", None) or ""
    lines = (clean_text(line) for line in text.split("\n"))
    return [line for line in lines if line and not is_read_more(line)]


# Under this many characters (about 300 words) an extraction may have stopped early.
_SHORT_TEXT = 2000
# Lines this short (median) are menu entries and labels, not paragraphs.
_MENU_LINE = 25


def _menu_like(lines: list[str]) -> bool:
    """Whether extracted lines are a list of mostly menu-length lines (navigation, teasers).
    Lengths are display widths (:func:`display_width`): a Chinese or Japanese sentence holds in
    12 characters what an English one needs 25 for."""
    return len(lines) >= 10 and sorted(map(display_width, lines))[len(lines) // 2] < _MENU_LINE


def display_width(text: str) -> int:
    """The columns a text takes: two for each wide (CJK) character, one for any other."""
    return len(text) + sum(1 for ch in text if ch >= "\u1100" and east_asian_width(ch) in "WF")


def _looks_failed(lines: list[str], page: Page) -> bool:
    """Whether trafilatura's fast result is implausible as an article's text: a short text while
    the page's densest paragraph block holds at least twice as much, or a list of mostly
    menu-length lines (it took the site's navigation)."""
    if _menu_like(lines):
        return True
    length = sum(map(len, lines))
    if length >= _SHORT_TEXT:
        return False
    block = sum(map(len, body_text(body_blocks(page))))
    return block >= 2 * length and block > 0
