"""Generic news-page extraction: JSON-LD, meta tags and DOM heuristics that work on any site.

Nothing here knows a publisher: no class name, host or path of a particular site. Site profiles
(:mod:`newscrawl.extract.almayadeen`) put their own selectors in front of these layers.

Every function takes a :class:`Page` (the parsed document, parsed once) and returns raw values
as the page shows them; cleaning is the loaders' job.
"""

from __future__ import annotations

import copy
import html
import itertools
import re
import unicodedata
from collections import Counter
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import etree
from trafilatura import bare_extraction

from newscrawl.extract import maintext
from newscrawl.extract.chrome import BLOCK_LABELS, CHROME_WORDS, HEADINGS, WORD, class_words, in_article, name_words, names_of
from newscrawl.extract.document import Page, named_elements, once_per_page, text_nodes_with
from newscrawl.extract.jsonld import ARTICLE_TYPES, jsonld_text, node_types
from newscrawl.extract.text import NO_TEXT_TAGS, XML_SPACE, inside, text_of
from newscrawl.processors import (
    DISPLAYED_DATE,
    clean_tag,
    clean_text,
    is_byline,
    is_source_line,
    parse_datetime,
    split_authors,
    split_keywords,
    strip_title_suffix,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from lxml.html import HtmlElement


_READ_MORE = re.compile(r"^\s*(?:read more|read also|also read|see also)\s*[:：]", re.IGNORECASE)


_BODY_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre"})
_CREDIT_WORDS = frozenset({"credit", "credits", "copyright", "photographer", "source"})
# Inside a caption, the author named is the photographer ("caption-author", "image__byline"), and
# the rights named are the credit ("media-rights").
_CAPTION_CREDIT_WORDS = _CREDIT_WORDS | {"author", "byline", "rights"}


# Elements that hold one short line of an article header (byline, source, date, counters).
_LINE_TAGS = ("li", "span", "p", "div", "time", "a", "small", "address", "dd", "dt", "em", "strong", "b", "cite")
_INLINE_TAGS = frozenset({"a", "em", "strong", "b", "cite"})
_SHARES = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[kKmM]?\s+shares?\s*$", re.IGNORECASE)
_READ_TIME = re.compile(r"^\s*\d+\s*min(?:ute)?s?\.?\s+read\s*$", re.IGNORECASE)


_AUTHOR_MARKED = etree.XPath('//*[@rel="author" or @itemprop="author"]')


def jsonld_type(page: Page) -> str | None:
    """The first article-like ``@type`` of the page's JSON-LD."""
    types = node_types(page.article_jsonld) & ARTICLE_TYPES
    return sorted(types)[0] if types else None


def jsonld_authors(page: Page) -> list[str]:
    """Author names from the article's JSON-LD: people first, organizations only if no person."""
    authors = page.article_jsonld.get("author") or page.article_jsonld.get("creator")
    items = authors if isinstance(authors, list) else [authors] if authors else []
    people = [n for a in items if not (isinstance(a, dict) and "Organization" in node_types(a)) for n in jsonld_text(a)]
    orgs = [n for a in items if isinstance(a, dict) and "Organization" in node_types(a) for n in jsonld_text(a)]
    return people or orgs


def jsonld_publisher(page: Page) -> list[str]:
    """Name of the article's JSON-LD publisher."""
    publisher = page.article_jsonld.get("publisher")
    return jsonld_text(publisher) if isinstance(publisher, (dict, list)) else []


_AUTHOR_METAS = ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author", "byl")
_AUTHOR_LABELS = ("written by", "author", "authors", "by", "verfasst von", "autor", "autorin", "auteur", "escrito por")


def labelled_metas(page: Page, labels: Iterable[str]) -> list[str]:
    """Values of Twitter's label/data meta pairs whose label is one of ``labels``
    (``twitter:label1`` "Written by" + ``twitter:data1`` "Jane Doe") and of
    ``twitter:misc:<label>`` metas."""
    wanted = {label.casefold() for label in labels}
    found = [v for key, values in page.meta.items() if key.startswith("twitter:misc:") and key[13:] in wanted for v in values]
    for index in range(1, 5):
        label = page.meta.get(f"twitter:label{index}", [""])[0]
        if label.casefold().strip(" :") in wanted:
            found.extend(page.meta.get(f"twitter:data{index}", []))
    return found


_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|net|org|de|at|ch|fr|it|es|lt|tr|uk|co|info|news|tv)\b|\(www\.", re.IGNORECASE)


def _looks_like_name(name: str) -> bool:
    """Whether a byline part can be a name: letters, no digits, one to six words."""
    return (
        any(ch.isalpha() for ch in name) and not any(ch.isdigit() for ch in name) and len(name.split()) <= 6 and len(name) <= 60
    )


def _is_organization(name: str, publisher: set[str]) -> bool:
    """Whether an author name is the publisher itself (its site name, or a domain)."""
    key = name.casefold()
    return key in publisher or bool(_DOMAIN.search(name)) or any(key in p or p in key for p in publisher if len(p) >= 4)


def jsonld_keywords(page: Page) -> list[str]:
    """Tags from the article's JSON-LD ``keywords`` (a list, or one comma-separated string)."""
    value = page.article_jsonld.get("keywords")
    if isinstance(value, str):
        return list(value.split(","))
    return jsonld_text(value)


def jsonld_subjects(page: Page) -> list[str]:
    """Names of the things the article's JSON-LD says it is ``about`` or ``mentions`` (objects
    with a ``name``; a bare string there is a description, not a subject)."""
    ld = page.article_jsonld
    things: list[Any] = []
    for key in ("about", "mentions"):
        value = ld.get(key)
        things.extend(value if isinstance(value, list) else [value])
    return [name for thing in things if isinstance(thing, dict) for name in jsonld_text(thing.get("name"))]


def jsonld_images(page: Page) -> list[tuple[str, str | None]]:
    """``(caption, url)`` of the article's JSON-LD images that have a caption."""
    value = page.article_jsonld.get("image")
    items = value if isinstance(value, list) else [value] if value else []
    found = []
    for item in items:
        if isinstance(item, dict):
            caption = item.get("caption") or item.get("description")
            if isinstance(caption, str) and caption.strip():
                url = item.get("url") or item.get("contentUrl")
                found.append((caption, page.absolute(url) if isinstance(url, str) else None))
    return found


def breadcrumb_names(page: Page) -> list[str]:
    """Names of the page's breadcrumb trail (JSON-LD ``BreadcrumbList``, else a breadcrumb nav)."""
    for node in page.jsonld:
        if "BreadcrumbList" in node_types(node):
            elements = node.get("itemListElement") or []
            ordered = sorted((e for e in elements if isinstance(e, dict)), key=_position)
            names = [
                n
                for e in ordered
                for n in jsonld_text(e.get("item") if isinstance(e.get("item"), dict) and "name" in e.get("item", {}) else e)
            ]
            if names:
                return names
    for el in page.selector.css('[class*="breadcrumb"], [aria-label="breadcrumb" i], [itemtype*="BreadcrumbList"]'):
        names = [t for t in (clean_text(a) for a in el.css("a ::text, [itemprop=name]::text").getall()) if t]
        if names:
            return names
    return []


def _position(element: dict[str, Any]) -> int:
    position = element.get("position")
    return position if isinstance(position, int) else 0


@once_per_page
def header_lines(page: Page) -> list[str]:
    """Short text lines between the headline and the main text: bylines, datelines, counters.

    These are the innermost line elements (list items, spans, paragraphs, ``dd``...) after the
    ``<h1>`` in document order, up to the first paragraph of the main text; an element with
    text of its own around its children (``<div><span>5</span> Shares</div>``) is one line.
    """
    h1 = page.headline_element
    if h1 is None:
        return []
    container = page.main_text_container
    stop = next((p for p in container.iter("p") if len(text_of(p)) >= 25), None) if container is not None else None
    lines: list[str] = []
    for el in _after(h1):
        if not isinstance(el.tag, str):
            continue
        if el is stop or len(lines) > 40:
            break
        if el.tag in _LINE_TAGS and not page.in_chrome(el):
            has_lines = any(isinstance(c.tag, str) and c.tag in _LINE_TAGS and c.tag not in _INLINE_TAGS for c in el)
            if has_lines and not _own_text(el):
                continue
            text = text_of(el)
            if text and len(text) <= 150:
                lines.append(text)
    return lines


def _after(el: HtmlElement) -> Iterator[HtmlElement]:
    """The nodes after ``el`` in document order, its own descendants first: ``root.iter()``
    from ``el`` on, without walking the page up to it."""
    yield from el.iterdescendants()
    node: HtmlElement | None = el
    while node is not None:
        for sibling in node.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()
        node = node.getparent()


def _own_text(el: HtmlElement) -> bool:
    return bool((el.text or "").strip() or any((c.tail or "").strip() for c in el))


@once_per_page
def byline_candidates(page: Page) -> list[list[str]]:
    """Byline candidates in groups, most specific first; the first non-empty group is the byline.

    1. ``rel=author`` / ``itemprop=author`` elements: one name each, several authors apart;
    2. elements whose class names a byline or an author (the innermost ones);
    3. "By ..." lines under the headline.
    """
    marked = _AUTHOR_MARKED(page.root)
    classed = [el for el, _ in page.named_with("author", "byline")]
    groups: list[list[str]] = []
    for elements, is_class in ((marked, False), (classed, True)):
        texts = []
        for el in elements:
            if page.in_chrome(el) or el.tag in ("meta", "link", "body", "html", "article", "main"):
                continue
            if is_class and any(
                "author" in page.names.get(d, "").lower() or d.get("rel") == "author" for d in el.iterdescendants()
            ):
                continue  # a wrapper: its inner author elements speak for it
            text = text_of(el)
            if text and len(text) <= 150 and not is_source_line(text):
                texts.append(text)
        groups.append(texts)
    groups.append([line for line in header_lines(page) if is_byline(line)])
    return groups


def source_lines(page: Page) -> list[str]:
    """ "Source: ..." lines near the headline, then anywhere in the article."""
    found = [line for line in header_lines(page) if is_source_line(line)]
    for el in text_nodes_with(page, "source"):
        text = text_of(el)
        if len(text) <= 80 and is_source_line(text) and not page.in_boilerplate(el):
            found.append(text)
    return found


def labelled_values(page: Page, label: str) -> list[str]:
    """Values the page labels with ``label``: ``"Coverage: War on Gaza"`` lines, then boxes whose
    class names the label (``<div class="coverage"><span>Coverage</span> <a>War on Gaza</a></div>``),
    the label word removed. Only the site's chrome and teaser boxes are left out.
    """
    line = re.compile(rf"^{re.escape(label)}s?\s*[:：]\s*(.+)$", re.IGNORECASE)
    prefix = re.compile(rf"^{re.escape(label)}s?\s*[:：]?\s*", re.IGNORECASE)
    word = label.lower()
    found = []
    for el in text_nodes_with(page, word):
        text = text_of(el)
        match = line.match(text) if len(text) <= 120 else None
        if match and not page.in_chrome(el):
            found.append(match.group(1))
    for el in named_elements(page, word):
        if page.in_chrome(el):
            continue
        if any(word in class_words(a) for a in el.iterancestors()):
            continue  # the outermost box speaks for its parts
        value = clean_text(prefix.sub("", text_of(el)))
        if value and len(value) <= 80:
            found.append(value)
    return found


def displayed_dates(page: Page) -> list[str]:
    """Date texts shown near the headline: ``<time>`` text, then lines that look like a date."""
    found = [text_of(el) for el in page.article_elements(("time",)) if text_of(el)]
    found.extend(line for line in header_lines(page) if DISPLAYED_DATE.search(line))
    return found


def time_datetimes(page: Page) -> list[str]:
    """``datetime`` attributes of ``<time>`` elements in the article, and ``itemprop=datePublished``."""
    found = [el.get("datetime") for el in page.article_elements(("time",)) if el.get("datetime")]
    found.extend(  # page.names holds every element with an itemprop, in page order
        el.get("content") or text_of(el) for el in page.names if el.tag != "meta" and el.get("itemprop") == "datePublished"
    )
    return [f for f in found if f]


def counter_lines(page: Page, kind: str) -> list[str]:
    """``"5 Shares"`` (``kind="shares"``) or ``"4 Min Read"`` (``kind="read_time"``) lines of the article.

    Counters often sit in share bars, so only the site's chrome and teaser boxes are left out.
    """
    pattern, word = (_SHARES, "share") if kind == "shares" else (_READ_TIME, "read")
    lines = [line for line in header_lines(page) if pattern.match(line)]
    if not lines:
        for el in text_nodes_with(page, word):
            # the number may sit in its own element: <div><span>5</span> Shares</div>
            for candidate in (el, el.getparent()):
                text = text_of(candidate) if candidate is not None else ""
                if len(text) <= 30 and pattern.match(text) and not page.in_chrome(el):
                    lines.append(text)
                    break
    return lines


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
    judged: set[HtmlElement] = set()
    for img in page.root.iter("img"):
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
    for el in sorted(dict.fromkeys(candidates), key=page.order.__getitem__):
        if el.tag not in _CAPTION_BOX_TAGS or any(a in boxes for a in el.iterancestors()) or _is_teaser(el, page):
            continue
        if _in_page_chrome(el, page) or next(el.iterancestors("form"), None) is not None:
            continue  # the site's chrome, or a sign-up or comment form's picture
        if el.tag == "figure" and not _has_image(el) and next(el.iter("source"), None) is None:
            continue  # a figure without an image: a quote, a player, a chart widget
        if el.tag != "figure" and not _has_image(el) and (len(text_of(el)) < 15 or not _beside_image(el, page, image_boxes)):
            continue
        boxes.add(el)
    return sorted(boxes, key=page.order.__getitem__)


_IMAGE_BOX_WORDS = frozenset({"image", "img", "photo", "foto", "picture", "bild", "media"})


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


def _has_image(el: HtmlElement) -> bool:
    return bool(_IMAGE(el))


def _beside_image(el: HtmlElement, page: Page, image_boxes: dict[HtmlElement, bool]) -> bool:
    """Whether caption text without an image of its own sits beside one: a sibling of it, of its
    parent, or of a wrapper holding little but it (a slide's "info" box with a "3 of 12" counter)
    is an image box: an ``<img>``, ``<picture>`` or custom ``<brick-image>`` with no caption of
    its own and no link to another page (a teaser). ``image_boxes`` remembers the judgements."""
    room = len(text_of(el)) + 40
    node = el
    for level in range(5):
        parent = node.getparent()
        if parent is None or (level >= 2 and _text_exceeds(parent, room)):
            return False
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
    return not (key and target.netloc == here.netloc and key in f"{target.path}?{target.query}")


def _article_key(path: str) -> str | None:
    """The identifier an article's URL ends with (``379018``, ``20250121-QBJP5I25``), when it
    is one: long enough and holding a digit, unlike a section name."""
    segment = path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return segment if len(segment) >= 6 and any(ch.isdigit() for ch in segment) else None


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
    for box in caption_boxes(page):
        img = next(box.iter("img"), None)
        if box.tag == "figure" or _has_image(box):
            caption_el = _caption_text_element(box)
        else:  # caption text: its own caption-named part, where it holds more (a share bar)
            inner = _caption_text_element(box)
            caption_el = inner if inner is not None else box
        if img is None and box.tag != "figure":
            img = next((i for i in box.itersiblings("img", preceding=True)), None)
        image = _image_url(img, page) if img is not None else None
        credits = [el for el in box.iter() if isinstance(el.tag, str) and _names_credit(el)]
        outermost = [el for el in credits if not any(a in credits for a in el.iterancestors())]
        credit = " ".join(dict.fromkeys(filter(None, map(text_of, outermost)))) or None
        if caption_el is not None:
            # The separator that stood before a left-out credit goes with it: "Text - <credit>".
            caption = _text_without(caption_el, frozenset(credits)).rstrip(" -–—|/")
        else:
            # No element says which text is the caption: the box's own text is, when it reads as one.
            own = _text_without(box, frozenset(credits))
            caption = own if len(own) >= 15 and next(box.iter("a"), None) is None else ""
            caption = caption or (clean_text(img.get("data-caption")) if img is not None else None) or ""
        if sum(ch.isalnum() for ch in caption) < 3:
            caption = ""  # a bracket or a "By" left over from the credit and byline is no caption
        if (caption or credit) and caption not in seen:
            seen.add(caption)
            found.append((caption, credit, image))
    return found


_LEAD_WORDS = frozenset(
    {"lead", "standfirst", "summary", "excerpt", "dek", "intro", "subtitle", "subheadline", "abstract", "teaser-text"}
)


def lead_candidates(page: Page) -> list[str]:
    """Texts of paragraphs whose class names a lead (``lead``, ``standfirst``, ``summary``, ``dek`` ...)."""
    return [
        text
        for el, _ in page.named_with(*_LEAD_WORDS)  # a lead word is a part of the names, in page order
        if el.tag in ("p", "div", "h2")
        and class_words(el) & _LEAD_WORDS
        and not page.in_boilerplate(el)
        and (text := text_of(el))
    ]


# A data-layer entry among keywords: "Day: Friday", "Page Type: Article", "WC: 1000-1999".
_KEY_VALUE = re.compile(r"^[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)?:\s+\S")


def tag_values(layer: Sequence[str]) -> list[str]:
    """The tags of one layer, cleaned: a lone comma-joined value split, data-layer entries
    (``Day: Friday``) dropped, ids and facet labels cleaned away."""
    if len(layer) == 1:
        layer = split_keywords(layer[0])
    entries = [value for value in layer if _KEY_VALUE.match(value.strip()) and clean_tag(value) == value.strip()]
    if len(entries) >= 3:
        layer = [value for value in layer if value not in entries]
    return [tag for tag in (clean_tag(value) for value in layer) if tag]


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
_CODE = re.compile(r"^[A-Z0-9]{2,}(?:[:_-][A-Z0-9-]+)?$")
_URL_WORD = re.compile(r"[^\W_]+")


def machine_tags(values: Sequence[str], url: str) -> bool:
    """Whether a layer holds values for machines rather than readers: slugs (``andy-murray``),
    wire-service codes (``AERO``, ``INDS08``), or the words of the URL's slug spread as keywords."""
    if all(" " not in value for value in values) and sum(bool(_SLUG.match(value)) for value in values) * 2 >= len(values):
        return True
    if len(values) >= 5 and sum(bool(_CODE.match(value)) for value in values) >= 0.8 * len(values):
        return True
    words = [value for value in values if _URL_WORD.fullmatch(value) and value.islower()]
    if len(values) >= 3 and len(words) == len(values):
        path = set(_URL_WORD.findall(_fold(urlsplit(url).path.casefold())))
        return sum(_fold(word) in path for word in words) * 3 >= 2 * len(words)
    return False


_TAG_WORDS = frozenset({"tags", "tag", "keywords", "topics"})
# A tag box's label ("Tags:") and its controls ("All topics", "Themen bearbeiten") are no tags.
_LABEL = re.compile(
    r"^(?:tags?|keywords|topics)\s*:?$|:$|^(?:(?:see |show )?all (?:topics|tags)|alle themen|themen (?:bearbeiten|verwalten|folgen)|"
    r"(?:manage|edit|follow) (?:topics|tags))$",
    re.IGNORECASE,
)


@once_per_page
def tag_links(page: Page) -> list[str]:
    """Tag names shown on the page: ``a[rel~=tag]``, then the links of a tag box (a box whose
    class names tags and whose links lead to tag pages, else the first box named ``tags`` whose
    links read as tags), then the links under a tag-list heading ("Topics", "Mehr lesen über"),
    then a box of links to tag pages whatever its names.
    A label such as "Tags:" and a count beside a tag ("Gaza 398") are not part of it."""
    links = [a for a in page.root.iter("a") if (rel := a.get("rel")) and "tag" in XML_SPACE.split(rel)]
    if not links:
        boxes = dict.fromkeys(el for word in _TAG_WORDS for el in named_elements(page, word))
        named_list: list[HtmlElement] = []
        for box in sorted(boxes, key=page.order.__getitem__):
            if box.tag not in ("div", "ul", "ol", "section", "p", "span", "nav") or page.in_chrome(box):
                continue
            anchors = [a for a in box.iter("a") if not _LABEL.match(text_of(a))]
            to_tags = [a for a in anchors if _TAG_PATH.search(a.get("href") or "")]
            if to_tags and len(to_tags) * 2 >= len(anchors):
                links = anchors
                break
            if not named_list and "tags" in class_words(box) and _read_as_tags(anchors):
                named_list = anchors
        links = links or named_list
    if not links:
        links = _headed_tag_list(page) or _tag_path_list(page)
    return [label for label in (_link_label(a) for a in links) if label and not _LABEL.match(label)]


def _tag_path_list(page: Page) -> list[HtmlElement]:
    """The links of the box holding most links to tag pages (``/thema/opcw``), when the box is
    all links and they read as tags: a tag list whatever its class names."""
    anchors = [(anchor, anchor.get("href") or "") for anchor in page.root.iter("a")]
    if not _TAG_PATHS.search("\n".join(href for _, href in anchors)):
        return []  # one search of all the links says no link goes to a tag page
    counts: dict[HtmlElement, int] = {}
    for anchor, href in anchors:
        if _TAG_PATH.search(href) and not page.in_chrome(anchor):
            for box in itertools.islice(anchor.iterancestors(), 4):
                counts[box] = counts.get(box, 0) + 1
    for box, count in sorted(counts.items(), key=lambda item: (-item[1], page.order[item[0]])):
        if count < 2:
            break
        anchors = list(box.iter("a"))
        shown = sum(len(text_of(a)) for a in anchors)
        if count * 2 >= len(anchors) and _read_as_tags(anchors) and len(text_of(box)) <= shown + 2 * len(anchors) + 20:
            return anchors
    return []


def _read_as_tags(anchors: Sequence[HtmlElement]) -> bool:
    """Whether links read as tags: a few short names, not headlines."""
    return 0 < len(anchors) <= 30 and all(0 < len(text) <= 40 and text.count(" ") < 5 for text in map(text_of, anchors))


# Headings of a list of tags, in the languages of the sites we meet: "Tags", "Topics", "More on",
# "Mehr zum Thema", "Mehr lesen über", "Schlagwörter", "Temas", "Sujets", "Argomenti", "Emner".
_TAG_HEADING = re.compile(
    r"^(?:tags?|topics?|related topics|keywords|more (?:on|about)(?: this(?: topic| story)?)?|"
    r"themen?|mehr (?:zum thema|zu diesem thema|über|lesen über|zu)|schlagw[oö]rter|stichw[oö]rter|"
    r"temas?|etiquetas|sujets?|mots[- ]cl[ée]s|argomenti|tag correlati|tematy|emner|ämnen|aihe(?:et)?)\s*:?$",
    re.IGNORECASE,
)


def _headed_tag_list(page: Page) -> list[HtmlElement]:
    """The links of the first box that a tag-list heading ("Topics", "Mehr lesen über")
    introduces, when they read as tags: short names, not headlines."""
    for heading in page.root.iter(*HEADINGS):
        if len(heading) > 2 or not _TAG_HEADING.match(text_of(heading)) or page.in_chrome(heading):
            continue
        box = heading.getparent()
        for _ in range(6):
            if box is None:
                break
            anchors = [a for a in box.iter("a") if heading not in a.iterancestors()]
            if anchors:
                if _read_as_tags(anchors):
                    return anchors
                break
            box = box.getparent()
    return []


_TAG_PATH = re.compile(
    r"/(?:tags?|topics?|themen?|thema|schlagw[oö]rter|stichw[oö]rter|keywords?|etiquetas?|tema|temas|sujet|mots-cles)(?:/|\?|=|$)|[?&](?:tag|tags|keyword)=",
    re.IGNORECASE,
)
# The same over links joined by newlines: it matches wherever it matches one of them.
_TAG_PATHS = re.compile(_TAG_PATH.pattern, re.IGNORECASE | re.MULTILINE)


def _link_label(anchor: HtmlElement) -> str:
    """A link's text without a counter set in its own element (``Gaza<span>398</span>``)."""
    text = text_of(anchor)
    counters = [text_of(el) for el in anchor.iterdescendants() if isinstance(el.tag, str) and text_of(el).isdigit()]
    for counter in counters:
        if text.endswith(counter):
            text = text[: -len(counter)].strip()
    return text


def labelled_blocks(page: Page) -> list[tuple[str, HtmlElement]]:
    """``(kind, box)`` for every box of article links introduced by a known heading."""
    return [
        (BLOCK_LABELS[label], box)
        for box, label in sorted(page.box_labels.items(), key=lambda item: page.order[item[0]])
        if label in BLOCK_LABELS and box.tag in ("section", "div", "aside", "ul", "nav")
    ]


def read_more_links(paragraphs: Iterable[HtmlElement], page: Page) -> list[str]:
    """Links of "Read more: ..." paragraphs."""
    return [
        url
        for p in paragraphs
        if _READ_MORE.match(text_of(p))
        for url in (page.absolute(a.get("href")) for a in p.iter("a"))
        if url
    ]


def is_read_more(text: str) -> bool:
    """Whether a paragraph is an inline "Read more: ..." link line."""
    return bool(_READ_MORE.match(text))


def body_blocks(page: Page, container: HtmlElement | None = None) -> list[HtmlElement]:
    """The main text's block elements (paragraphs, subheadings, quotes, list items), in order.

    Takes ``container`` (a site profile's choice) or the readability-style main text container,
    leaves out boilerplate boxes, figures and nested blocks.
    """
    container = container if container is not None else page.main_text_container
    if container is None:
        return []
    captions = frozenset(caption_boxes(page))
    blocks: list[HtmlElement] = []
    for el in container.iter():
        if not isinstance(el.tag, str) or el.tag not in _BODY_BLOCKS:
            continue
        if (
            page.in_boilerplate(el)
            or inside(el, captions)
            or any(a.tag in ("figure", "figcaption") or a in blocks for a in _ancestors_within(el, container))
        ):
            continue
        if el.tag in ("ul", "ol"):
            continue
        blocks.append(el)
    return blocks


def _ancestors_within(el: HtmlElement, container: HtmlElement) -> Iterator[HtmlElement]:
    node = el.getparent()
    while node is not None and node is not container:
        yield node
        node = node.getparent()


def body_text(blocks: Iterable[HtmlElement]) -> list[str]:
    """Texts of body blocks, without "Read more:" lines and empty blocks."""
    texts = (text_of(el) for el in blocks)
    return [t for t in texts if t and not is_read_more(t)]


def main_text(page: Page) -> list[str]:
    """The page's main text as paragraphs: the page's own densest text where that looks sound,
    else trafilatura's (which works on its own copy of the tree).

    The density extractor (:mod:`newscrawl.extract.maintext`) reads the tree already parsed and
    costs about a millisecond; trafilatura earns its place on the pages where that result is in
    doubt (text outside paragraphs, a short text, one missing much of the declared
    ``articleBody``): on real pages of many publishers it finds the text better than any density
    heuristic of ours (see ``benchmarks/realworld.py``). Its fast mode is used, and its full mode
    (which weighs its own result against readability and jusText) only where the fast result
    looks like a failed extraction: see :func:`_looks_failed`.
    """
    if not maintext.is_doubtful(page):
        return list(maintext.dense_text(page).lines)
    lines = page.fast_text() if page.fast_text is not None else _trafilatura_lines(page, fast=True)
    if _looks_failed(lines, page):
        lines = _trafilatura_lines(page, fast=False) or lines
    return lines


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


def _looks_failed(lines: list[str], page: Page) -> bool:
    """Whether trafilatura's fast result is implausible as an article's text: a short text while
    the page's densest paragraph block holds at least twice as much, or a list of mostly
    menu-length lines (it took the site's navigation)."""
    if len(lines) >= 10 and sorted(map(len, lines))[len(lines) // 2] < _MENU_LINE:
        return True
    length = sum(map(len, lines))
    if length >= _SHORT_TEXT:
        return False
    block = sum(map(len, body_text(body_blocks(page))))
    return block >= 2 * length and block > 0


def is_table_row(line: str) -> bool:
    """Whether a main-text line is a table row (trafilatura writes them ``| cell | cell |``): the
    article's data, not its prose."""
    return len(line) > 1 and line.startswith("|") and line.endswith("|")


# The class names the platforms' embed code gives the quoted post (every site embeds it so).
_EMBEDDED_POST = ("twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed")


def embedded_posts(page: Page) -> list[str]:
    """Texts of the social-media posts the page embeds (``<blockquote class="twitter-tweet">``):
    someone else's words, shown beside the article rather than written in it."""
    return [
        " ".join("".join(quote.itertext()).split())
        for quote in page.root.iter("blockquote")
        if any(name in (quote.get("class") or "") for name in _EMBEDDED_POST)
    ]


# The headline is looked for among the text's first lines ...
_HEADLINE_WITHIN = 8
# ... and what stands above it goes with it while it is this small a share of the text.
_ABOVE_HEADLINE = 0.15


def after_headline(lines: list[str], headlines: Iterable[str]) -> list[str]:
    """``lines`` without a repeat of the headline near their top. The few lines above that repeat
    (kicker, date, breadcrumb, a "reviewed by our editors" note) go too: they are the article's
    header, not its text; longer text above it is kept, since then the "headline" line is a
    subheading that happens to match it."""
    keys = {_title_key(h) for h in headlines} - {""}
    for i, line in enumerate(lines[:_HEADLINE_WITHIN]):
        if _title_key(line) in keys:
            above = sum(map(len, lines[:i]))
            if above <= _ABOVE_HEADLINE * sum(map(len, lines)):
                return lines[i + 1 :]
            return [*lines[:i], *lines[i + 1 :]]
    return lines


# The JSON-LD articleBody is trusted as the article's full text when this share of its words
# is in the extracted text and it covers this share of the extracted text ...
_DECLARED_INSIDE = 0.9
_DECLARED_COVERS = 0.3
# ... and a line is the article's when this share of its words is in the articleBody.
_LINE_DECLARED = 0.8


def _word_bag(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def until_declared_end(lines: list[str], article_body: str) -> list[str]:
    """``lines`` up to the last one the page's own JSON-LD ``articleBody`` holds. What trafilatura
    adds after the declared article (newsletter boxes, a donation appeal, the next story) is not
    the article's. Only where the ``articleBody`` is the full text of these lines, not a summary
    or another story's text; lines before its end (subheadings, captions) are kept as they are."""
    declared, extracted = _word_bag(article_body), _word_bag("\n".join(lines))
    shared = (declared & extracted).total()
    if not shared or shared < _DECLARED_INSIDE * declared.total() or shared < _DECLARED_COVERS * extracted.total():
        return lines
    for end in range(len(lines), 0, -1):
        bag = _word_bag(lines[end - 1])
        if bag and (bag & declared).total() >= _LINE_DECLARED * bag.total():
            return lines[:end]
    return lines


# A trailing line is a link when one link's text makes up this share of it ...
_LINK_LINE = 0.8
# ... and only lines this short are looked at: a paragraph is not a link.
_LINK_LINE_LENGTH = 200
# Whether the page has a link whose text is at least $length long and occurs in $line.
_HAS_LINK_WITHIN = etree.XPath(
    "boolean(//a[string-length(normalize-space(.)) >= $length and contains($line, normalize-space(.))])"
)


def without_trailing_links(lines: list[str], page: Page) -> list[str]:
    """``lines`` without the links that end them: a list of related stories, "MORE: ..." and
    "Next: ..." teasers, a "Sign up" link. A line counts as a link when the text of one of the
    page's links makes up most of it (a "MORE:" label or a list bullet aside)."""
    end = len(lines)
    while end and len(lines[end - 1]) <= _LINK_LINE_LENGTH:
        line = lines[end - 1].removeprefix("- ")
        if not _HAS_LINK_WITHIN(page.root, line=line, length=_LINK_LINE * len(line)):
            break
        end -= 1
    return lines[:end]


# Source pairs whose agreement settles the headline, most trusted first.
_HEADLINE_PAIRS = (
    ("h1", "og"),
    ("ld", "h1"),
    ("ld", "og"),
    ("h1", "tw"),
    ("og", "tw"),
    ("ld", "tw"),
    ("h1", "title"),
    ("og", "title"),
)
# A separator between a title and a kicker or site name; a closing quote may stand before it.
_TITLE_SEPARATOR = re.compile(r"^[\s\"'“”»’]*(?:[-|–—:：·•/]|ㅣ)\s*|\s*(?:[-|–—:：·•/]|ㅣ)[\s\"'“„«‘]*$")


def _title_key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip(" \"'“”„«»‘’.").casefold()


def _shared_core(a: str, b: str) -> str | None:
    """The text two titles share when they are equal, or when one is the other plus a prefix or
    suffix set off by a separator (``Kicker: Headline``, ``Headline - Site``); else ``None``."""
    ka, kb = _title_key(a), _title_key(b)
    if ka == kb:
        return a
    (short, short_raw), long_ = ((ka, a), kb) if len(ka) < len(kb) else ((kb, b), ka)
    if len(short) < 12:
        return None
    if long_.startswith(short) and _TITLE_SEPARATOR.match(long_[len(short) :]):
        return short_raw
    if long_.endswith(short) and _TITLE_SEPARATOR.search(long_[: -len(short)]):
        return short_raw
    return None


_ELLIPSIS = re.compile(r"\s*(?:\.{3}|…)$")


def _completes(truncated: str | None, full: str) -> str | None:
    """``full`` when ``truncated`` is it cut short with an ellipsis (CMSs cut JSON-LD headlines to
    search engines' length limits): then ``full`` is the displayed headline, whatever shorter
    social title other sources agree on."""
    if not truncated or not _ELLIPSIS.search(truncated):
        return None
    stem = _title_key(_ELLIPSIS.sub("", truncated))
    key = _title_key(full)
    return full if len(stem) >= 20 and len(key) > len(stem) and key.startswith(stem) else None


def _drop_section_label(titles: dict[str, str]) -> None:
    """Where a short ``<h1>`` is only a middle part of the document title (``Story | Blog Name |
    Site`` with ``<h1>Blog Name</h1>``), it names a section or blog, not the story: it is dropped,
    and the titles lose that part and what follows it."""
    label = _title_key(titles["h1"])
    if len(label.split()) > 4:
        return  # a name, not a story's headline
    for key in ("og", "title", "tw"):
        parts = titles.get(key, "").split(" | ")
        cut = next((i for i, part in enumerate(parts[:-1]) if i and _title_key(part) == label), None)
        if cut is not None:
            titles[key] = " | ".join(parts[:cut])
            titles.pop("h1", None)


def original_date(page: Page) -> list[str]:
    """The publication date htmldate finds (URL, scripts, text in many formats and languages),
    as a date when it found no time. htmldate is the specialist here, and costs only the pages
    where every other layer found nothing."""
    found = find_date(
        copy.deepcopy(page.root), url=page.url, extensive_search=True, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z"
    )
    if not found:
        return []
    return [found[:10] if found.endswith("T00:00:00") else found]


def looks_like_article_url(url: str) -> bool:
    """Whether a URL's path looks like an article's: a long slug, a numeric id or a date in it,
    or a ``.html`` page (``/2024/05/30/some-story``, ``/news/12345``, ``/world/long-story-slug``)."""
    path = urlsplit(url).path
    if re.search(r"/(?:19|20)\d{2}/\d{1,2}/", path) or re.search(r"\d{5,}", path) or path.endswith((".html", ".htm", ".php")):
        return True
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return len([w for w in re.split(r"[-_]+", last) if w]) >= 4


_DOM_FIELDS = ("headline", "lead", "source", "published_raw", "section", "region", "coverage", "tags")


class NewsPage:
    """The raw fields of a news article page, from layers that work on any site.

    Each field method returns candidates in layer order (JSON-LD, then meta tags, then DOM
    heuristics); loaders keep the first usable one. The methods of single-valued fields are
    generators: a layer runs only when the loader has not found a usable value in the earlier ones. Site profiles subclass it and fill two hooks:
    :meth:`_metadata` (the site's own metadata, in front of every layer) and :meth:`_dom` (the
    site's selectors, after the meta tags and before the generic heuristics).
    """

    def __init__(self, page: Page, fallback: Mapping[str, Sequence[str]] | None = None) -> None:
        self.page = page
        # Made now, the proxy of every element lives as long as the page: the layers' walks
        # over the tree then reuse them instead of making and freeing their own (2% faster).
        page.order  # noqa: B018
        #: Values from outside the page (a news sitemap, a feed) for fields it does not state,
        #: used before any guess from the page's text.
        self.fallback = fallback or {}

    # --- hooks ----------------------------------------------------------------------------

    def _metadata(self, field: str) -> list[str]:
        """The site's own metadata for a field (none on a generic page)."""
        return []

    def _dom(self, field: str) -> list[str]:
        """The site's selectors for a field (none on a generic page)."""
        return []

    def is_article_url(self, url: str) -> bool:
        """Whether a link points at an article (for related links)."""
        return looks_like_article_url(url)

    # --- page kind ------------------------------------------------------------------------

    @property
    def ld(self) -> dict[str, Any]:
        """The article's JSON-LD node."""
        return self.page.article_jsonld

    def declares_article(self) -> bool:
        """Whether the page's metadata says it is an article: an article ``og:type`` or a
        text-article JSON-LD type (a listing may carry a ``VideoObject`` for a featured video)."""
        kind = jsonld_type(self.page)
        return (kind is not None and kind not in _MEDIA_TYPES) or "article" in self.page.meta_values("og:type")

    def declares_non_article(self) -> bool:
        """Whether the metadata says the page is not an article: no article declaration, and a
        JSON-LD listing, profile or static-page type (as SEO plugins mark them) or ``og:type``
        ``profile``. ``og:type`` ``website`` does not count: some sites put it on articles too."""
        if self.declares_article():
            return False
        types = {kind for node in self.page.jsonld for kind in node_types(node)}
        return bool(types & NON_ARTICLE_TYPES) or "profile" in {v.strip().lower() for v in self.page.meta_values("og:type")}

    def is_article(self) -> bool:
        """Whether the page holds an article: declared so, or, unless declared a listing or
        profile, a headline over real paragraphs.

        The paragraphs are judged on the page's own densest text block, not on trafilatura's
        main text, which finds some "main text" on listings and author pages too.
        """
        if self.declares_article():
            return True
        if self.declares_non_article():
            return False
        return self.page.headline_element is not None and len(body_text(self.body_blocks)) >= 2

    # --- fields ---------------------------------------------------------------------------

    def url(self) -> Iterator[str]:
        """Site metadata URL, canonical link, ``og:url``, then the page URL."""
        yield from self._metadata("url")
        if self.page.canonical:
            yield self.page.canonical
        yield from self.page.meta_values("og:url")
        yield self.page.url

    def post_id(self) -> Iterator[str]:
        """Site metadata id, ``meta[name=postid]``-style tags, then a ``data-postid`` attribute."""
        yield from self._metadata("post_id")
        yield from self.page.meta_values("postid", "post_id", "article:id")
        yield from self.page.selector.css("[data-postid]::attr(data-postid), [data-post-id]::attr(data-post-id)").getall()

    def content_type(self) -> Iterator[str]:
        """Site metadata type, then the JSON-LD type."""
        yield from self._metadata("content_type")
        if kind := jsonld_type(self.page):
            yield kind

    def headline(self) -> Iterator[str]:
        """Site metadata, then the headline two sources agree on, then og:title, the article's
        ``<h1>``, the JSON-LD headline, the Twitter and document titles.

        Sources often differ (a social title, an SEO title, a kicker in front, the site name
        behind); where two agree, up to such a prefix or suffix, their shared core is the
        displayed headline far more often than any single source (measured on real pages).
        """
        yield from self._metadata("headline")
        names = (*self.site_names(), *self._metadata("site_name"))
        h1 = self.page.headline_element
        sources = {
            "ld": jsonld_text(self.ld.get("headline") or self.ld.get("name"))[:1],
            "h1": [*self._dom("headline"), *([text_of(h1)] if h1 is not None else [])][:1],
            "og": self.page.meta_values("og:title")[:1],
            "tw": self.page.meta_values("twitter:title")[:1],
            "title": self.page.selector.css("title::text").getall()[:1],
        }
        clean = {k: t for k, v in sources.items() if v and (t := strip_title_suffix(html.unescape(v[0]), names))}
        if "h1" in clean:
            _drop_section_label(clean)
        agreed = [core for a, b in _HEADLINE_PAIRS if a in clean and b in clean and (core := _shared_core(clean[a], clean[b]))]
        completed = [full for k in ("h1", "og", "title") if k in clean and (full := _completes(clean.get("ld"), clean[k]))]
        yield from completed[:1]
        yield from agreed[:1]
        yield from (clean[k] for k in ("og", "h1", "ld", "tw", "title") if k in clean)

    def lead(self) -> Iterator[str]:
        """The displayed lead (site selectors, lead-named paragraphs), then descriptions."""
        yield from self._dom("lead")
        yield from lead_candidates(self.page)
        yield from self._metadata("lead")
        yield from jsonld_text(self.ld.get("description"))
        yield from self.page.meta_values("og:description", "description", "twitter:description")

    def authors(self) -> list[str]:
        """Author names of the first layer that has any: site metadata, JSON-LD, meta tags, then
        the page's byline. A layer naming only the publisher itself gives way to a later layer
        that names people."""
        publisher = {name.casefold() for name in (*self.site_names(), *jsonld_publisher(self.page))}
        fallback: list[str] = []
        for layer in self._author_layers():
            names = [name for raw in layer for name in split_authors(raw) if _looks_like_name(name)]
            if not names:
                continue
            if all(_is_organization(name, publisher) for name in names):
                fallback = fallback or names
                continue
            return names
        return fallback

    def _author_layers(self) -> Iterator[Sequence[str]]:
        # one at a time: the byline search runs only where no metadata names a person
        yield self._metadata("authors")
        yield jsonld_authors(self.page)
        yield [v for v in self.page.meta_values(*_AUTHOR_METAS) if not v.startswith("http")]
        yield labelled_metas(self.page, _AUTHOR_LABELS)
        yield from byline_candidates(self.page)

    def source(self) -> Iterator[str]:
        """The wire agency's "Source:" line: site selectors, then the generic line search."""
        yield from self._dom("source")
        yield from source_lines(self.page)

    def published(self) -> Iterator[str]:
        """Publication time: site metadata, JSON-LD, meta tags, ``<time datetime>``, the displayed
        date, and last, where none of those parses, htmldate's search of the whole page."""
        found = parsed = False
        for value in self._published_layers():
            yield value
            found = True
            parsed = parsed or bool(parse_datetime(value, None))
        if parsed:
            return
        fallback = self.fallback.get("published", ())
        yield from fallback
        if not found and not fallback:
            # never a modification time labelled as the publication time
            modified = {value[:10] for value in (parse_datetime(v, None) for v in self.modified()) if value}
            yield from (date for date in original_date(self.page) if date[:10] not in modified)

    def _published_layers(self) -> Iterator[str]:
        yield from self._metadata("published")
        yield from jsonld_text(self.ld.get("datePublished"))
        yield from self.page.meta_values(
            "article:published_time", "og:article:published_time", "datepublished",
            "parsely-pub-date", "dc.date.issued", "dc.date", "pubdate", "publishdate",
        )  # fmt: skip
        yield from time_datetimes(self.page)
        yield from self.published_raw()

    def modified(self) -> Iterator[str]:
        """Modification time: site metadata, JSON-LD, then meta tags (never the published time)."""
        yield from self._metadata("modified")
        yield from jsonld_text(self.ld.get("dateModified"))
        yield from self.page.meta_values("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified")

    def published_raw(self) -> Iterator[str]:
        """The date as displayed: site selectors, then a date-like line near the headline."""
        yield from self._dom("published_raw")
        yield from displayed_dates(self.page)

    def section(self, hint: str | None = None) -> Iterator[str]:
        """Site metadata, JSON-LD/meta section, site selectors, the breadcrumb, then ``hint``."""
        yield from self._metadata("section")
        yield from jsonld_text(self.ld.get("articleSection"))
        yield from self.page.meta_values("article:section")
        yield from self._dom("section")
        yield from [c for c in breadcrumb_names(self.page) if c.casefold() != "home"][-1:]
        if hint:
            yield hint

    def region(self) -> Iterator[str]:
        """Site metadata and selectors (no generic layer: regions are a site's own scheme)."""
        yield from self._metadata("region")
        yield from self._dom("region")

    def coverage(self) -> Iterator[str]:
        """Site metadata and selectors, then a value labelled "Coverage"."""
        yield from self._metadata("coverage")
        yield from self._dom("coverage")
        yield from labelled_values(self.page, "coverage")

    def tags(self) -> list[str]:
        """Tags of the first layer that has any. Keyword fields the publisher curates for news
        search come first (``news_keywords``, JSON-LD ``keywords``, ``keywords``), then the tags
        it gives its analytics (Parse.ly, Sailthru: sections and slugs mixed in), then tag boxes,
        ``rel=tag`` links and ``article:tag``: on real pages of many publishers,
        that order matches their own tag lists best (see ``benchmarks/realworld.py``). A layer
        of machine values (slugs, codes, words of the URL) is used only when no other has tags;
        JSON-LD ``about``/``mentions`` and, last, the article's section stand in for missing tags."""
        fallback: list[str] = []
        shown_tags = tag_links(self.page)
        for layer in (
            self._metadata("tags"),
            split_keywords(next(iter(self.page.meta_values("news_keywords")), None)),
            jsonld_keywords(self.page),
            split_keywords(next(iter(self.page.meta_values("keywords")), None)),
            split_keywords(next(iter(self.page.meta_values("parsely-tags", "sailthru.tags")), None)),
            self._dom("tags"),
            shown_tags,
            self.page.meta_values("article:tag"),
            jsonld_subjects(self.page),
            jsonld_text(self.ld.get("articleSection")) or self.page.meta_values("article:section")[:1],
        ):
            values = tag_values(layer)
            if not values:
                continue
            if not machine_tags(values, self.page.url):
                break
            fallback = fallback or values
        else:
            values = fallback
        shown = {tag.casefold(): tag for tag in shown_tags}
        return [shown.get(tag.casefold(), tag) for tag in values]

    def counters(self, kind: str) -> list[str]:
        """``"5 Shares"`` (``kind="shares"``) or ``"4 Min Read"`` (``kind="read_time"``) lines."""
        return counter_lines(self.page, kind)

    def body_container(self) -> HtmlElement | None:
        """The element holding the main text (the densest text block)."""
        return self.page.main_text_container

    @cached_property
    def body_blocks(self) -> list[HtmlElement]:
        """Block elements of the body."""
        return body_blocks(self.page, self.body_container())

    @cached_property
    def _main_text(self) -> list[str]:
        return main_text(self.page)

    def body(self) -> list[str]:
        """Body paragraphs and subheadings: the main text as trafilatura finds it, without
        "Read more:" lines, table rows, embedded social-media posts, the texts of caption and
        credit elements, the headline it repeats at its top (with the kicker, date or breadcrumb
        lines above it), what follows the end of the JSON-LD ``articleBody`` and the links that
        trail it."""
        h1 = self.page.headline_element
        headlines = [
            *([text_of(h1)] if h1 is not None else []),
            *self.page.meta_values("og:title")[:1],
            *jsonld_text(self.ld.get("headline"))[:1],
        ]
        captions = {_title_key(text_of(el)) for word in ("caption", "credit") for el in named_elements(self.page, word)}
        captions.discard("")
        longest = 2 * max(map(len, captions), default=0)  # longer lines cannot be one: no key needed
        posts = embedded_posts(self.page)
        lines = [
            line
            for line in self._main_text
            if not is_table_row(line)
            and not (len(line) <= longest and _title_key(line) in captions)
            and not any(line in post for post in posts)
        ]
        lines = after_headline(lines, headlines)
        declared = self.ld.get("articleBody")
        if isinstance(declared, str):
            lines = until_declared_end(lines, declared)
        return without_trailing_links(lines, self.page)

    def captions(self) -> list[tuple[str, str | None, str | None]]:
        """``(caption, credit, image_url)`` of the article's own figures, else JSON-LD image
        captions. An author's photo ("Jane Doe", "By Jane Doe") is not an article image."""
        found = figure_captions(self.page) or [(caption, None, url) for caption, url in jsonld_images(self.page)]
        people = {name.casefold() for name in self.authors()}
        return [c for c in found if not is_byline(c[0]) and c[0].casefold().strip(" .") not in people]

    def related_boxes(self) -> list[tuple[str, HtmlElement]]:
        """``(kind, box)`` of the boxes of links to other articles."""
        return labelled_blocks(self.page)

    def related(self) -> list[tuple[str, str]]:
        """``(url, kind)`` of links to other articles, in page order: inline "Read more:"
        links, then the boxes' links, sorted by their place in the page."""
        order = self.page.order
        found = [(order.get(p, 0), url, "read_more") for p in self.body_blocks for url in read_more_links([p], self.page)]
        seen: set[HtmlElement] = set()
        for kind, box in self.related_boxes():
            if box in seen or any(a in seen for a in box.iterancestors()):
                continue
            seen.add(box)
            for a in box.iter("a"):
                href = self.page.absolute(a.get("href"))
                if href and self.is_article_url(href):
                    found.append((order.get(a, 0), href, kind))
        found.sort(key=lambda entry: entry[0])
        return [(url, kind) for _, url, kind in found]

    def site_names(self) -> list[str]:
        """Names the page gives its site (``og:site_name``, ``application-name``, the JSON-LD
        publisher), which titles often carry as a suffix."""
        publisher = self.ld.get("publisher")
        return [
            *self.page.meta_values("og:site_name", "application-name", "apple-mobile-web-app-title"),
            *(jsonld_text(publisher) if isinstance(publisher, dict) else []),
        ]

    def language(self) -> Iterator[str]:
        """``<html lang>``, JSON-LD ``inLanguage``, ``og:locale``, then ``content-language``."""
        yield from self.page.root.xpath("/html/@lang")
        yield from jsonld_text(self.ld.get("inLanguage"))
        yield from self.page.meta_values("og:locale", "content-language", "dc.language", "language")


_MEDIA_TYPES = frozenset({"VideoObject", "ImageGallery", "MediaGallery"})
#: JSON-LD types of pages that are not articles, as SEO plugins mark listings, author pages and
#: static pages. ``WebPage`` and ``WebSite`` are left out: article pages carry them too.
NON_ARTICLE_TYPES = frozenset({"CollectionPage", "ProfilePage", "AboutPage", "ContactPage", "SearchResultsPage", "FAQPage"})
