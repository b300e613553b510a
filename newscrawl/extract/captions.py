"""The article's captioned images: which boxes are figures (a ``<figure>``, a caption-named box
with an image, caption text beside an image), which are teasers or chrome, and each one's
caption, credit and image address.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lxml import etree

from newscrawl.extract.chrome import CHROME_WORDS, HEADINGS, WORD, class_words, in_article, name_words, names_of
from newscrawl.extract.document import once_per_page
from newscrawl.extract.text import NO_TEXT_TAGS, inside, text_of
from newscrawl.processors import clean_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page


_CREDIT_WORDS = frozenset({"credit", "credits", "copyright", "photographer", "source"})
# Inside a caption, the author named is the photographer ("caption-author", "image__byline"), and
# the rights named are the credit ("media-rights").
_CAPTION_CREDIT_WORDS = _CREDIT_WORDS | {"author", "byline", "rights"}

# A "legend" (French "légende") is a caption; so is the "description" of an image or a slide.
_CAPTION_WORDS = frozenset({"caption", "legend"})
_IMAGE_WORDS = frozenset({"image", "img", "photo", "foto", "picture", "pic", "media", "gallery", "lightbox", "slide", "bild"})
_CAPTION_BOX_TAGS = frozenset({"figure", "div", "span", "p", "figcaption", "small", "em"})


@once_per_page
def page_images(page: Page) -> list[HtmlElement]:
    """The page's ``<img>`` elements, in page order (one walk of the tree, for every rule)."""
    return list(page.root.iter("img"))


def article_images(page: Page) -> frozenset[HtmlElement]:
    """The ``<img>`` elements inside the article (:attr:`Page.article_root`)."""
    found: frozenset[HtmlElement] | None = page.__dict__.get("_article_images")
    if found is None:
        found = page.__dict__["_article_images"] = frozenset(page.article_root.iter("img"))
    return found


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
        if el.tag == "figure" and not _has_image(el) and next(el.iter("source"), None) is None:
            continue  # a figure without an image: a quote, a player, a chart widget
        if el.tag != "figure" and not _has_image(el) and el not in echoes and not _caption_beside_image(el, page, image_boxes):
            continue
        boxes.add(el)
    return sorted(boxes, key=page.order.__getitem__)


_IMAGE_BOX_WORDS = frozenset({"image", "img", "photo", "foto", "picture", "bild", "media"})

# The parts of an image file's name that name a size or a crop, not the picture:
# "photo-1024x768", "photo-scaled", "photo_W2040", "photo@2x".
_SIZE_SUFFIX = re.compile(r"(?:[-_@](?:\d+x\d*|\d*x\d+|scaled|w\d+|\d+w|large|medium|small|thumb))+$", re.IGNORECASE)


def _image_key(url: str | None) -> str | None:
    """The name an image file keeps in all its sizes and crops (``GettyImages-2242056166``
    from ``.../GettyImages-2242056166-scaled.jpg?w=1200``), when it is long enough to name one
    picture and not a generic file (``image.jpg``, ``1.jpg``)."""
    if not url or url.startswith("data:"):
        return None
    name = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    stem = _SIZE_SUFFIX.sub("", name.rsplit(".", 1)[0] if "." in name else name).lower()
    return stem if len(stem) >= 6 else None


@once_per_page
def _lead_image_keys(page: Page) -> list[str]:
    """The :func:`_image_key` of the images the page declares as the article's own (``og:image``,
    ``twitter:image``, the article's JSON-LD ``image``)."""
    urls = [*page.meta_values("og:image", "og:image:url", "og:image:secure_url", "twitter:image")]
    value = page.article_jsonld.get("image")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            urls.append(item)
        elif isinstance(item, dict):
            urls.extend(u for u in (item.get("url"), item.get("contentUrl")) if isinstance(u, str))
    return list(dict.fromkeys(k for k in map(_image_key, urls) if k))


def lead_images(page: Page) -> frozenset[str]:
    """The file names (:func:`_image_key`) of the article's own images, as the page declares them
    for sharing and search: a box showing one is the article's, whatever its container's name
    says ("teaser-image", "sidebar-grid", a layout's ``<aside>``), and a link around it is a zoom."""
    return frozenset(_lead_image_keys(page))


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
        if any(_is_lead(img, keys) for img in filter(_is_image_element, box.iter())):
            return True
    return False


def _is_lead(img: HtmlElement, keys: frozenset[str]) -> bool:
    """Whether an image element shows one of the images named by ``keys``."""
    for attribute in ("src", *_LAZY_SOURCES):
        value = img.get(attribute)
        # a name's mention first (a substring test), its key only then
        if value and any(key in value.lower() for key in keys) and _image_key(value.strip().split(" ")[0]) in keys:
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
        if ancestor in page.chrome and _text_exceeds(ancestor, room):
            return next(ancestor.iter("h1"), None) is None
    return False


def _is_captioned_image(el: HtmlElement, page: Page) -> bool:
    """Whether an image-named box (``div.media``, ``div.image-widget``) is a figure in all but
    name: one image (its ``<noscript>`` copy aside) and a line of text, no heading, no link to
    another page."""
    if _text_exceeds(el, 400) or sum(1 for img in el.iter("img") if img.getparent().tag != "noscript") != 1:
        return False
    if next(el.iter(*HEADINGS), None) is not None or any(_leads_elsewhere(a, page) for a in el.iter("a")):
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
    return not _has_image(el)


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


# An image: <img>, <picture>, and the custom elements that stand for one (<amp-img>, <brick-image>).
_IMAGE = etree.XPath(
    "descendant-or-self::*[self::picture or contains(local-name(), 'img') or contains(local-name(), 'image')][1]"
)


def _caption_beside_image(el: HtmlElement, page: Page, image_boxes: dict[HtmlElement, bool]) -> bool:
    """Whether caption-named text without an image of its own reads as a caption (a line, not a
    word) and stands beside an image (:func:`_beside_image`)."""
    return len(text_of(el)) >= 15 and _beside_image(el, page, image_boxes)


def _has_image(el: HtmlElement) -> bool:
    return bool(_IMAGE(el))


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
        if level >= 2 and _text_exceeds(parent, room):
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
    if not _has_image(el) or any(_leads_elsewhere(a, page) for a in el.iter("a")):
        return False
    if not _text_exceeds(el, 20):
        return True
    # An image with only its credit beside it has no caption of its own either.
    credits = frozenset(e for e in el.iter() if isinstance(e.tag, str) and _names_credit(e))
    return bool(credits) and len(_text_without(el, credits)) < 20


def _text_exceeds(el: HtmlElement, limit: int) -> bool:
    """Whether an element's visible text is longer than ``limit`` characters (counted without
    surrounding blanks, and only as far as needed)."""
    total = 0
    for node in el.iter():
        if node is not el:
            total += len((node.tail or "").strip())
        if isinstance(node.tag, str) and node.tag not in NO_TEXT_TAGS:
            total += len((node.text or "").strip())
        if total > limit:
            return True
    return False


_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$", re.IGNORECASE)


def _leads_elsewhere(anchor: HtmlElement, page: Page) -> bool:
    """Whether a link takes the reader to another page. A link to the image itself (its file,
    WordPress's ``rel=attachment`` page), to an anchor, or to the article or a view of it (a URL
    carrying the article's own identifier: ``/article/123/photo/9``, ``/photos?article_id=123``)
    is a zoom."""
    href = page.absolute(anchor.get("href"))
    if href is None or "attachment" in (anchor.get("rel") or "").lower().split():
        return False
    target = urlsplit(href)
    if _IMAGE_FILE.search(target.path):
        return False
    here = urlsplit(page.url)
    if (target.netloc, target.path.rstrip("/")) == (here.netloc, here.path.rstrip("/")):
        return False
    key = _article_key(here.path)
    if key and target.netloc == here.netloc and key in f"{target.path}?{target.query}":
        return False
    return not _leads_to_own_image(anchor, target.path)


def _leads_to_own_image(anchor: HtmlElement, path: str) -> bool:
    """Whether a link around an image leads to that image's own page (a photo viewer or an
    image's page: ``/photo/20241203-OYT1I50202/`` around ``20241203-OYT1I50202-1.jpg``,
    ``.../story-118.html`` around ``.../story-118_v-big16x9.jpg``): the identifier its address
    ends with is in the image's file address."""
    key = _article_key(path)
    if not key:
        return False
    return any(key in (img.get(attribute) or "") for img in anchor.iter("img") for attribute in ("src", *_LAZY_SOURCES))


def _article_key(path: str) -> str | None:
    """The identifier an article's URL ends with (``379018``, ``20250121-QBJP5I25``), when it
    is one: long enough and holding a digit, unlike a section name."""
    segment = path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return segment if len(segment) >= 6 and _DIGIT.search(segment) else None


_DIGIT = re.compile(r"\d")


def _is_teaser(el: HtmlElement, page: Page) -> bool:
    """Whether an image box is a teaser: inside a link to another page, or its image wrapped in one."""
    outer = next(el.iterancestors("a"), None)
    if outer is not None:
        return _leads_elsewhere(outer, page)
    img = next(el.iter("img"), None)
    link = next(img.iterancestors("a"), None) if img is not None else None
    return link is not None and inside(link, frozenset([el])) and _leads_elsewhere(link, page)


def _caption_text_element(box: HtmlElement) -> HtmlElement | None:
    """The box's caption text: its first ``<figcaption>`` or caption-classed element that has text,
    holds no image and is not the credit alone."""
    for el in box.iter():
        if (
            el is not box
            and isinstance(el.tag, str)
            and (el.tag == "figcaption" or class_words(el) & _CAPTION_WORDS)
            and el.tag not in ("svg", "button")
            and not _names_credit(el)
            and next(el.iter("img"), None) is None
            and text_of(el)
        ):
            return el
    return None


_CAPTION_PART_WORDS = frozenset({"caption", "figcaption", "text", "title", "description", "legend"})


def _names_credit(el: HtmlElement) -> bool:
    """Whether one of an element's names says it is a caption's credit (``image-credit``,
    ``caption__copyright``, ``copyrightHolder``), not a caption part inside a credit-named block
    (``caption-credit__caption``)."""
    if not el.attrib:
        return False
    for name in names_of(el).split():
        words = [word.lower() for word in WORD.findall(name)]
        if set(words) & _CAPTION_CREDIT_WORDS and words[-1] not in _CAPTION_PART_WORDS:
            return True
    return False


def _text_without(el: HtmlElement, left_out: frozenset[HtmlElement]) -> str:
    """:func:`text_of` an element, the text inside ``left_out`` elements (its credits) left out."""
    within = frozenset([el])
    return text_of(el, frozenset(e for e in left_out if e is not el and inside(e, within)))


# Where lazy-loading pages keep an image's address while ``src`` holds a placeholder.
_LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original", "data-srcset", "srcset")


def _image_url(img: HtmlElement, page: Page) -> str | None:
    """An image's address: its ``src``, else (a ``data:`` placeholder or none) the first address
    its lazy-loading attributes give."""
    for attribute in ("src", *_LAZY_SOURCES):
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
        credits = [el for el in box.iter() if isinstance(el.tag, str) and _names_credit(el)]
        caption_el: HtmlElement | None
        if box in bare:
            caption_el, credit_el = bare[box]
            if credit_el is not None:
                credits.append(credit_el)
        elif box.tag == "figure" or _has_image(box):
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
            caption = own if len(own) >= 15 and not any(_leads_elsewhere(a, page) for a in links) else ""
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
        if not (alt or title) or ((img not in inside or page.in_chrome(img)) and not (lead and _is_lead(img, lead))):
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
    return _drawn_wide(img) or any(_names_credit(el) for el in box.iter() if isinstance(el.tag, str))


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
        if ancestor.tag == "a" and _leads_elsewhere(ancestor, page):
            return True
    return False


def _is_card(box: HtmlElement, text: HtmlElement, keys: set[str], page: Page) -> bool:
    """Whether the box an image shares with the text repeating its alt text is a card, not a
    figure: a teaser whose title links to its story (the text's own link, or a link over the
    card labelled with the same words), or a sign-up box (a form)."""
    if any(_leads_elsewhere(a, page) for a in text.iter("a")) or next(box.iter("form"), None) is not None:
        return True
    for a in box.iter("a"):
        label = " ".join(filter(None, (text_of(a), a.get("title"), a.get("aria-label"))))
        if label and any(_echoes(key, label) for key in keys) and _leads_elsewhere(a, page):
            return True
    return False


def _is_drawing(img: HtmlElement) -> bool:
    """Whether an image is a logo or an icon, titled with its name ("Top Stories", a team's,
    a newsletter's), not a photograph with a caption: an SVG file, or one drawn small."""
    for attribute in ("width", "height"):
        size = (img.get(attribute) or "").strip().removesuffix("px")
        if size.isdigit() and int(size) <= _ICON_PIXELS:
            return True
    source = next((img.get(a) for a in ("src", *_LAZY_SOURCES) if img.get(a) and not img.get(a, "").startswith("data:")), "")
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
    if not children or children[0] is not holder or not 2 <= len(children) <= 1 + _BARE_LINES or _text_exceeds(holder, 0):
        return None
    lines = children[1:]
    for line in lines:
        if line.tag in HEADINGS or _has_image(line) or _text_exceeds(line, _BARE_LINE_CHARS):
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
