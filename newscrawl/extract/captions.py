"""The article's captioned images: which boxes are figures (a ``<figure>``, a caption-named box
with an image, caption text beside an image), which are teasers or chrome, and each one's
caption, credit and image address.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from newscrawl.extract.chrome import CHROME_WORDS, HEADINGS, class_words, in_article, name_words
from newscrawl.extract.document import once_per_page
from newscrawl.extract.images import (
    LAZY_SOURCES,
    has_image,
    is_lead,
    lead_images,
    leads_elsewhere,
    names_credit,
    page_images,
    text_exceeds,
)
from newscrawl.extract.text import inside, text_of
from newscrawl.extract.unnamedfigures import alt_echoes, bare_figures
from newscrawl.processors import clean_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page


# A "legend" (French "légende") is a caption; so is the "description" of an image or a slide.
_CAPTION_WORDS = frozenset({"caption", "legend"})
_IMAGE_WORDS = frozenset({"image", "img", "photo", "foto", "picture", "pic", "media", "gallery", "lightbox", "slide", "bild"})
_CAPTION_BOX_TAGS = frozenset({"figure", "div", "span", "p", "figcaption", "small", "em"})


@once_per_page
def caption_boxes(page: Page) -> list[HtmlElement]:
    """The article's captioned images: ``<figure>``s, boxes whose class names a caption and
    hold an image (``div.wp-caption``), and caption text standing on its own (``p.image-caption``,
    a ``<figcaption>`` placed after its figure), outermost only. Anywhere outside the site's
    chrome, but not teasers: an image that links to another page."""
    candidates = list(page.root.iter("figure", "figcaption"))
    for el, _ in page.named_with("caption", "legend", "description"):
        words = class_words(el)
        if "caption" in words or (words & {"legend", "description"} and _describes_image(el, words)):
            candidates.append(el)
    echoes = alt_echoes(page)
    candidates.extend(echoes)
    candidates.extend(bare_figures(page))
    judged: set[HtmlElement] = set()
    for img in page_images(page):
        for box in itertools.islice(img.iterancestors("div", "span", "p"), 3):
            if box in judged:
                break
            judged.add(box)
            box_names = page.names.get(box)
            if box_names and name_words(box_names) & _IMAGE_BOX_WORDS and _is_captioned_image(box, page):
                candidates.append(box)
                break
    boxes: set[HtmlElement] = set()
    image_boxes: dict[HtmlElement, bool] = {}
    lead = lead_images(page)
    for el in sorted(dict.fromkeys(candidates), key=page.order.__getitem__):
        if el.tag not in _CAPTION_BOX_TAGS or any(a in boxes for a in el.iterancestors()) or _is_gallery(el):
            continue
        if _left_out(el, page) and (not _shows(el, lead) or _lead_in_chrome(el, page)):
            continue  # unless it shows the article's own image outside a menu or a box of stories
        if el.tag == "figure" and not has_image(el) and next(el.iter("source"), None) is None:
            continue  # a figure without an image: a quote, a player, a chart widget
        if el.tag != "figure" and not has_image(el) and el not in echoes and not _caption_beside_image(el, page, image_boxes):
            continue
        boxes.add(el)
    return sorted(boxes, key=page.order.__getitem__)


_IMAGE_BOX_WORDS = frozenset({"image", "img", "photo", "foto", "picture", "bild", "media"})


def _is_gallery(el: HtmlElement) -> bool:
    """Whether a box holds several figures with their own captions (a gallery's row): each of
    them is a captioned image, not the box."""
    captioned = (f for f in el.iterdescendants("figure") if next(f.iter("figcaption"), None) is not None)
    return next(itertools.islice(captioned, 1, None), None) is not None


def _left_out(el: HtmlElement, page: Page) -> bool:
    """Whether an image box is a teaser, in the site's chrome, or a sign-up or comment form's
    picture."""
    return _is_teaser(el, page) or _in_page_chrome(el, page) or next(el.iterancestors("form"), None) is not None


def _is_image_element(el: HtmlElement) -> bool:
    """Whether an element is an image: ``<img>`` or a custom one (``<amp-img>``, ``<storefront-image>``)."""
    return isinstance(el.tag, str) and ("img" in el.tag or "image" in el.tag)


def _shows(el: HtmlElement, keys: frozenset[str]) -> bool:
    """Whether an element, or the box it stands in (a caption beside its image), shows one of
    the images named by ``keys`` (in an ``<img>`` or a custom image element)."""
    if not keys:
        return False
    parent = el.getparent()
    for box in (el, parent) if parent is not None else (el,):
        if any(is_lead(img, keys) for img in filter(_is_image_element, box.iter())):
            return True
    return False


def _lead_in_chrome(el: HtmlElement, page: Page) -> bool:
    """Whether a box showing the article's own image still sits in the site's chrome: in a menu,
    a footer or a form, or in a chrome box that holds more than this image and not the headline
    (the story's own card in a "Trending" sidebar). A chrome-named box holding little but the
    image ("teaser-image", an ``<aside>`` of an image) or the page's ``<h1>`` too ("sidebar-grid",
    the article's header) is the article's layout."""
    if next(el.iterancestors("nav", "footer", "form"), None) is not None:
        return True
    room = 2 * len(text_of(el)) + 200  # the caption may be shown twice (a zoom's copy)
    for ancestor in el.iterancestors():
        if ancestor in page.chrome and text_exceeds(ancestor, room):
            return next(ancestor.iter("h1"), None) is None
    return False


def _is_captioned_image(el: HtmlElement, page: Page) -> bool:
    """Whether an image-named box (``div.media``, ``div.image-widget``) is a figure in all but
    name: one image (its ``<noscript>`` copy aside) and a line of text, no heading, no link to
    another page."""
    if text_exceeds(el, 400) or sum(1 for img in el.iter("img") if img.getparent().tag != "noscript") != 1:
        return False
    if next(el.iter(*HEADINGS), None) is not None or any(leads_elsewhere(a, page) for a in el.iter("a")):
        return False
    return len(text_of(el)) >= 15


def _describes_image(el: HtmlElement, words: frozenset[str]) -> bool:
    """Whether a "legend" or "description"-named element (``words``: its class words) is an
    image's text: a legend always, a description when it or its parent names an image
    (``image-description``, ``gallery__description``, ``<div class="image-text"><span
    class="description">``), not the article's or an author's. An image box is no text."""
    if "legend" not in words:
        parent = el.getparent()
        if not (words | (class_words(parent) if parent is not None else set())) & _IMAGE_WORDS:
            return False
    return not has_image(el)


def _in_page_chrome(el: HtmlElement, page: Page) -> bool:
    """Whether an image box sits in the site's chrome. A name on the box itself, and "widget" in
    an ancestor's, say how the CMS builds it (``widget__figure``, ``widget--type-image``), not where;
    an article's own header is no chrome."""
    for ancestor in el.iterancestors():
        if ancestor not in page.chrome or (ancestor.tag == "header" and in_article(ancestor)):
            continue  # an <article>'s own <header> holds its lead image
        if ancestor.tag in ("nav", "footer", "aside", "header") or ancestor in page.box_labels:
            return True
        if name_words(page.names.get(ancestor, "")) & CHROME_WORDS - {"widget"}:
            return True
    return False


def _caption_beside_image(el: HtmlElement, page: Page, image_boxes: dict[HtmlElement, bool]) -> bool:
    """Whether caption-named text without an image of its own reads as a caption (a line, not a
    word) and stands beside an image (:func:`_beside_image`)."""
    return len(text_of(el)) >= 15 and _beside_image(el, page, image_boxes)


def _beside_image(el: HtmlElement, page: Page, image_boxes: dict[HtmlElement, bool]) -> bool:
    """Whether caption text without an image of its own sits beside one: a sibling of it, of its
    parent, or of a wrapper holding little but it (a slide's "info" box with a "3 of 12" counter)
    is an image box: an ``<img>``, ``<picture>`` or custom ``<brick-image>`` with no caption of
    its own and no link to another page (a teaser). ``image_boxes`` remembers the judgements.

    A wrapper right after an image is beside it too, in a parent holding much more: the lead
    image, then its caption in a layout's container, row and column, then the article."""
    room = len(text_of(el)) + 40
    node = el
    for level in range(5):
        parent = node.getparent()
        if parent is None:
            return False
        if level >= 2 and text_exceeds(parent, room):
            previous = next((p for p in node.itersiblings(preceding=True) if isinstance(p.tag, str)), None)
            return previous is not None and _is_image_box(previous, page)
        for child in parent:
            if child is node or not isinstance(child.tag, str):
                continue
            if child not in image_boxes:
                image_boxes[child] = _is_image_box(child, page)
            if image_boxes[child]:
                return True
        node = parent
    return False


def _is_image_box(el: HtmlElement, page: Page) -> bool:
    """Whether an element is an image with no caption of its own and no link to another page."""
    if not has_image(el) or any(leads_elsewhere(a, page) for a in el.iter("a")):
        return False
    if not text_exceeds(el, 20):
        return True
    # An image with only its credit beside it has no caption of its own either.
    credits = frozenset(e for e in el.iter() if isinstance(e.tag, str) and names_credit(e))
    return bool(credits) and len(_text_without(el, credits)) < 20


def _is_teaser(el: HtmlElement, page: Page) -> bool:
    """Whether an image box is a teaser: inside a link to another page, or its image wrapped in one."""
    outer = next(el.iterancestors("a"), None)
    if outer is not None:
        return leads_elsewhere(outer, page)
    img = next(el.iter("img"), None)
    link = next(img.iterancestors("a"), None) if img is not None else None
    return link is not None and inside(link, frozenset([el])) and leads_elsewhere(link, page)


def _caption_text_element(box: HtmlElement) -> HtmlElement | None:
    """The box's caption text: its first ``<figcaption>`` or caption-classed element that has text,
    holds no image and is not the credit alone."""
    for el in box.iter():
        if (
            el is not box
            and isinstance(el.tag, str)
            and (el.tag == "figcaption" or class_words(el) & _CAPTION_WORDS)
            and el.tag not in ("svg", "button")
            and not names_credit(el)
            and next(el.iter("img"), None) is None
            and text_of(el)
        ):
            return el
    return None


def _text_without(el: HtmlElement, left_out: frozenset[HtmlElement]) -> str:
    """:func:`text_of` an element, the text inside ``left_out`` elements (its credits) left out."""
    within = frozenset([el])
    return text_of(el, frozenset(e for e in left_out if e is not el and inside(e, within)))


def _image_url(img: HtmlElement, page: Page) -> str | None:
    """An image's address: its ``src``, else (a ``data:`` placeholder or none) the first address
    its lazy-loading attributes give."""
    for attribute in ("src", *LAZY_SOURCES):
        value = (img.get(attribute) or "").strip().split(",")[0].split(" ")[0]
        url = page.absolute(value)
        if url:
            return url
    return None


def figure_captions(page: Page) -> list[tuple[str, str | None, str | None]]:
    """``(caption, credit, image_url)`` of the article's captioned images, in page order, each
    caption once. An ``alt`` text is not a caption: readers do not see it, and teaser and
    stock images carry one as often as article photos do.

    A credit is returned separately only where the markup sets it apart (an element whose class
    names a credit); otherwise it stays in the caption text for the processors to split.
    """
    found: list[tuple[str, str | None, str | None]] = []
    seen: set[str] = set()
    echoes = alt_echoes(page)
    bare = bare_figures(page)
    for box in caption_boxes(page):
        img = next(box.iter("img"), None)
        credits = [el for el in box.iter() if isinstance(el.tag, str) and names_credit(el)]
        caption_el: HtmlElement | None
        if box in bare:
            caption_el, credit_el = bare[box]
            if credit_el is not None:
                credits.append(credit_el)
        elif box.tag == "figure" or has_image(box):
            caption_el = _caption_text_element(box)
            if caption_el is None:  # no name says which text: the one repeating the alt text does
                caption_el = next((el for el in box.iterdescendants() if el in echoes), None)
        else:  # caption text: its own caption-named part, where it holds more (a share bar)
            inner = _caption_text_element(box)
            caption_el = inner if inner is not None else box
        if img is None and box.tag != "figure":
            img = echoes[box] if box in echoes else next(box.itersiblings("img", preceding=True), None)
        image = _image_url(img, page) if img is not None else None
        outermost = [el for el in credits if not any(a in credits for a in el.iterancestors())]
        credit = " ".join(dict.fromkeys(filter(None, map(text_of, outermost)))) or None
        if caption_el is not None:
            # The separator that stood before a left-out credit goes with it: "Text - <credit>".
            # A heading in it is the gallery's or the story's title, said over each slide's caption.
            headings = [h for h in caption_el.iter(*HEADINGS) if h is not caption_el]
            caption = _text_without(caption_el, frozenset([*credits, *headings])).rstrip(" -–—|/")
            if headings and not caption:
                caption = _text_without(caption_el, frozenset(credits)).rstrip(" -–—|/")
        else:
            # No element says which text is the caption: the box's own text is, when it reads as one.
            # A link in it is a zoom (one to another page makes a teaser, no caption); its
            # text and a button's are the controls' labels ("Show caption", "Play video").
            links = list(box.iter("a"))
            controls = frozenset([*credits, *links, *box.iter("button")])
            own = _text_without(box, controls)
            caption = own if len(own) >= 15 and not any(leads_elsewhere(a, page) for a in links) else ""
            caption = caption or (clean_text(img.get("data-caption")) if img is not None else None) or ""
        if sum(ch.isalnum() for ch in caption) < 3:
            caption = ""  # a bracket or a "By" left over from the credit and byline is no caption
        if (caption or credit) and caption not in seen:
            seen.add(caption)
            found.append((caption, credit, image))
    return _without_echoed_controls(found)


def _without_echoed_controls(found: list[tuple[str, str | None, str | None]]) -> list[tuple[str, str | None, str | None]]:
    """The captions without those that are another one shown again with its controls' labels
    after it: words, not a sentence ("... next year. hide caption toggle caption", "... in June.
    Facebook Twitter WhatsApp Email Print"). More text that has a sentence's punctuation is
    another caption ("Using the zoom. The sky was blue." after "Using the zoom.")."""
    texts = [caption for caption, _, _ in found if caption]

    def controls_after(caption: str) -> bool:
        for text in texts:
            if caption.startswith(text + " "):
                rest = caption[len(text) :].split()
                if len(rest) >= 2 and not any(word[-1] in _SENTENCE_MARKS for word in rest):
                    return True
        return False

    return [c for c in found if not controls_after(c[0])]


_SENTENCE_MARKS = frozenset(".,;:!?)。")
