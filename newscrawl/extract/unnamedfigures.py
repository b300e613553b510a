"""Figures no name says are figures: text beside an image repeating its ``alt`` or ``title``
text (:func:`alt_echoes`), and a box holding an image and one or two short lines of text
(:func:`bare_figures`), as components with hashed class names print them."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from lxml import etree

from newscrawl.extract.chrome import HEADINGS, class_words
from newscrawl.extract.document import once_per_page
from newscrawl.extract.images import (
    LAZY_SOURCES,
    article_images,
    has_image,
    is_lead,
    lead_images,
    leads_elsewhere,
    names_credit,
    page_images,
    text_exceeds,
)
from newscrawl.extract.text import NO_TEXT_TAGS, text_of

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page


# How far up from an image its caption may stand: its wrapper's wrappers (``<picture>``, a
# link, a sizing box), and how much more text than the caption the box they share may hold.
_ECHO_LEVELS = 4
_ECHO_ROOM = 200
# A box of more children than this beside an image is the article's text or a list, no caption.
_ECHO_BOX_CHILDREN = 10
_HEADING_TAGS = frozenset(HEADINGS)


_ALL_TEXT = etree.XPath("normalize-space(.)", smart_strings=False)


def _echo_key(text: str | None) -> str:
    """A text reduced to its words, lower-cased: what an alt text and a caption share when
    their punctuation, spacing or case differ."""
    return " ".join(WORD_CHARS.findall((text or "").casefold()))


WORD_CHARS = re.compile(r"\w+")


def _echoes(key: str, text: str) -> bool:
    """Whether a visible text repeats an image's described text (``key``, :func:`_echo_key`ed):
    the same words, or the same words with a credit after them on one side
    (``Ministers arrive | Getty Images`` in the ``title``, ``Ministers arrive. AFP`` on the page)."""
    seen = _echo_key(text)
    if not seen:
        return False
    short, long = sorted((seen, key), key=len)
    return short == long or (long.startswith(short + " ") and len(short) >= 0.6 * len(long))


@once_per_page
def _alt_echo_pairs(page: Page) -> list[tuple[HtmlElement, HtmlElement]]:
    """``(caption element, image)`` of the images whose ``alt`` or ``title`` text the page
    also shows beside them (see :func:`alt_echoes`)."""
    pairs: list[tuple[HtmlElement, HtmlElement]] = []
    taken: set[HtmlElement] = set()
    lead = lead_images(page)
    inside = article_images(page)
    for img in page_images(page):
        alt, title = img.get("alt"), img.get("title")
        if not (alt or title) or ((img not in inside or page.in_chrome(img)) and not (lead and is_lead(img, lead))):
            continue  # no text to repeat; outside the article or in the site's chrome, but its own image
        figure = next(img.iterancestors("figure"), None)
        if figure is not None and next(figure.iter("figcaption"), None) is not None:
            continue  # a figure with its caption: no text need say which is the caption
        keys = {k for k in (_echo_key(alt), _echo_key(title)) if len(k) >= 8}
        if not keys or img.getparent() is None or img.getparent().tag == "noscript":
            continue
        caption = _echo_beside(img, keys, page)
        if caption is not None and caption not in taken and not _is_drawing(img):
            taken.add(caption)
            pairs.append((caption, img))
    return pairs


def _echo_beside(img: HtmlElement, keys: set[str], page: Page) -> HtmlElement | None:
    """The element beside an image (in one of the next two siblings or the previous one of the
    image or of its wrappers, four levels up) whose text repeats one of ``keys``: not a
    heading, a link or the headline, nor a teaser's or a sign-up box's text."""
    # What any repeating text shows: the words of the first 60% of the alt text (see _echoes),
    # run together.
    starts = [key[: int(0.6 * len(key))].rsplit(" ", 1)[0].replace(" ", "") for key in keys]
    room = 2 * (max(map(len, keys)) + _ECHO_ROOM)  # room for a script or a style among the text
    node = img
    levels = 0
    while levels < _ECHO_LEVELS:
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return None
        levels += parent.tag not in ("picture", "source")  # parts of one image, not wrappers
        # a caption follows its image, or (rarely) comes first: the next two, the previous one
        near = (*itertools.islice(node.itersiblings(), 2), *itertools.islice(node.itersiblings(preceding=True), 1))
        for sibling in near:
            if not isinstance(sibling.tag, str) or len(sibling) > _ECHO_BOX_CHILDREN:
                continue
            raw = _ALL_TEXT(sibling)  # in C: its text nodes' words, joined; scripts' too
            if len(raw) > room:
                continue
            shown = "".join(WORD_CHARS.findall(raw.casefold()))  # words run together: tags joined them
            if not any(start in shown for start in starts):
                continue  # too much text to be a caption, or none that can repeat the alt text
            for el in sibling.iter():
                if not isinstance(el.tag, str) or el.tag in _HEADING_TAGS or el.tag in NO_TEXT_TAGS:
                    continue
                if next(el.iterancestors("a", *HEADINGS), None) is not None or el.tag == "a" or _in_person(el):
                    continue
                text = text_of(el)
                if text and any(_echoes(key, text) for key in keys):
                    if _is_headline(text, page) or _is_card(parent, el, keys, page) or _in_teaser_link(img, parent, page):
                        return None
                    return el if len(text.split()) >= _LABEL_WORDS or _is_photo(img, parent) else None
        if parent.tag in ("article", "main"):
            return None
        node = parent
    return None


# An image drawn at most this many pixels wide or high is an icon, a logo or an avatar.
_ICON_PIXELS = 100


# A text of fewer words than this beside an image may be a label (a topic badge's, a logo's).
_LABEL_WORDS = 4
# A photograph is drawn at least this many pixels wide.
_PHOTO_PIXELS = 300


def _is_photo(img: HtmlElement, box: HtmlElement) -> bool:
    """Whether an image is a photograph, whose few words beside it ("Jane Doe") are a caption,
    not a badge's or a topic's label ("War on Gaza" beside its emblem): drawn wide, or credited
    (a credit-named element in the ``box`` it shares with the text)."""
    return _drawn_wide(img) or any(names_credit(el) for el in box.iter() if isinstance(el.tag, str))


def _is_headline(text: str, page: Page) -> bool:
    """Whether a text is the article's headline (its ``<h1>``'s, its ``og:title``), as a lead
    image's alt text often is: shown again beside the image, it is no caption."""
    key = _echo_key(text)
    h1 = page.headline_element
    titles = [text_of(h1)] if h1 is not None else []
    return any(_echo_key(title) == key for title in (*titles, *page.meta_values("og:title")))


def _in_teaser_link(img: HtmlElement, box: HtmlElement, page: Page) -> bool:
    """Whether an image is a link to another page (a teaser's) within ``box``."""
    for ancestor in img.iterancestors():
        if ancestor is box:
            return False
        if ancestor.tag == "a" and leads_elsewhere(ancestor, page):
            return True
    return False


def _is_card(box: HtmlElement, text: HtmlElement, keys: set[str], page: Page) -> bool:
    """Whether the box an image shares with the text repeating its alt text is a card, not a
    figure: a teaser whose title links to its story (the text's own link, or a link over the
    card labelled with the same words), or a sign-up box (a form)."""
    if any(leads_elsewhere(a, page) for a in text.iter("a")) or next(box.iter("form"), None) is not None:
        return True
    for a in box.iter("a"):
        label = " ".join(filter(None, (text_of(a), a.get("title"), a.get("aria-label"))))
        if label and any(_echoes(key, label) for key in keys) and leads_elsewhere(a, page):
            return True
    return False


def _is_drawing(img: HtmlElement) -> bool:
    """Whether an image is a logo or an icon, titled with its name ("Top Stories", a team's,
    a newsletter's), not a photograph with a caption: an SVG file, or one drawn small."""
    for attribute in ("width", "height"):
        size = (img.get(attribute) or "").strip().removesuffix("px")
        if size.isdigit() and int(size) <= _ICON_PIXELS:
            return True
    source = next((img.get(a) for a in ("src", *LAZY_SOURCES) if img.get(a) and not img.get(a, "").startswith("data:")), "")
    return source.split("?", 1)[0].split("#", 1)[0].strip().lower().endswith(".svg")


def _in_person(el: HtmlElement) -> bool:
    """Whether an element is part of a person's profile (schema.org ``Person`` microdata: an
    expert's or an author's box, photo and name), whose name repeats the photo's alt text."""
    return any("person" in (a.get("itemtype") or "").lower() for a in (el, *itertools.islice(el.iterancestors(), 6)))


def alt_echoes(page: Page) -> dict[HtmlElement, HtmlElement]:
    """Caption text standing beside its image with no name that says so: visible text that
    repeats the image's ``alt`` (or ``title``) text, mapped to that image.

    Many publishing systems fill an image's ``alt`` with its caption and print the caption under
    the image in a box whose class says nothing (``<p class="text-sm">``, ``<small>``): the
    repetition itself says which text describes the image. The alt text alone is no caption
    (teaser and stock images carry one too); the text must be shown beside the image, outside
    links and headings, and not be the headline."""
    return dict(_alt_echo_pairs(page))


# A figure in all but name holds its image and at most this many lines of text (caption, credit),
_BARE_LINES = 2
# each no longer than this,
_BARE_LINE_CHARS = 300
# and its credit line has at most this many words ("Getty Images", "The London Standard").
_CREDIT_WORDS_MAX = 5


@once_per_page
def _bare_figure_list(page: Page) -> list[tuple[HtmlElement, HtmlElement, HtmlElement | None]]:
    """``(box, caption line, credit line)`` of :func:`bare_figures`."""
    found: list[tuple[HtmlElement, HtmlElement, HtmlElement | None]] = []
    root = page.article_root
    inside = article_images(page)
    for img in filter(inside.__contains__, page_images(page)):
        if not _drawn_wide(img) or _in_player(img):
            continue  # an avatar, an icon, a video's still: no photograph shown in the text
        holder = img
        for _ in range(3):
            box = holder.getparent()
            if box is None or box is root or box.tag in ("article", "main", "body", "a", "noscript"):
                break
            lines = _bare_lines(box, holder, page)
            if lines is not None:
                if not page.in_boilerplate(box):
                    found.append((box, *lines))
                break
            holder = box
    return found


_PLAYER_WORDS = frozenset({"video", "player", "audio", "podcast"})


def _in_player(img: HtmlElement) -> bool:
    """Whether an image is a video's or an audio player's still (its box, within three levels,
    named so): the text beside it is the clip's title and length, not a caption."""
    return any(class_words(el) & _PLAYER_WORDS for el in itertools.islice(img.iterancestors(), 3)) or bool(
        class_words(img) & _PLAYER_WORDS
    )


def _drawn_wide(img: HtmlElement) -> bool:
    """Whether an image declares a photograph's width (``width`` of at least 300 pixels)."""
    width = (img.get("width") or "").strip().removesuffix("px")
    return width.isdigit() and int(width) >= _PHOTO_PIXELS


def _bare_lines(box: HtmlElement, holder: HtmlElement, page: Page) -> tuple[HtmlElement, HtmlElement | None] | None:
    """``(caption line, credit line)`` when ``box`` is an image (its first child, ``holder``,
    holding the image and no text) followed by one or two lines of text and nothing else."""
    children = [child for child in box if isinstance(child.tag, str) and child.tag not in NO_TEXT_TAGS]
    if not children or children[0] is not holder or not 2 <= len(children) <= 1 + _BARE_LINES or text_exceeds(holder, 0):
        return None
    lines = children[1:]
    for line in lines:
        if line.tag in HEADINGS or has_image(line) or text_exceeds(line, _BARE_LINE_CHARS):
            return None
        if next(line.iter(*HEADINGS, "a", "button", "form", "input", "time"), None) is not None or _in_person(line):
            return None  # a card's title, a link, a control, a duration or a date, a person's name
    caption, *rest = lines
    if len(text_of(caption).split()) < 3:
        return None
    credit = rest[0] if rest and 0 < len(text_of(rest[0]).split()) <= _CREDIT_WORDS_MAX else None
    if rest and credit is None and text_of(rest[0]):
        return None  # a second line of text that is no credit: a card's, a box's
    return caption, credit


def bare_figures(page: Page) -> dict[HtmlElement, tuple[HtmlElement, HtmlElement | None]]:
    """Figures in all but name, in the article, mapped to their caption line and credit line:
    a box whose first child holds the image and nothing else, followed by a line of text of a
    few words or more and, maybe, a short credit line (``<div><picture>...</picture><div>Fans
    cheer the team</div><div>Getty Images</div></div>``). Components whose classes are hashes
    (``sc-hzhJZQ``) say nothing; the shape says figure. A line holding a heading, a link, a
    button or a form makes a card, a teaser or a sign-up box instead."""
    return {box: (caption, credit) for box, caption, credit in _bare_figure_list(page)}
