"""The images the caption rules look at: the page's ``<img>`` elements and the article's, the
images the page declares as its own (``og:image``, JSON-LD ``image``), an image element's text and
credit, and whether a link around an image leads to another page (a teaser) or to a view of the
image or the article (a zoom)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lxml import etree

from newscrawl.extract.chrome import WORD, names_of
from newscrawl.extract.document import once_per_page
from newscrawl.extract.text import NO_TEXT_TAGS

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page


_CREDIT_WORDS = frozenset({"credit", "credits", "copyright", "photographer", "source"})
# Inside a caption, the author named is the photographer ("caption-author", "image__byline"), and
# the rights named are the credit ("media-rights").
_CAPTION_CREDIT_WORDS = _CREDIT_WORDS | {"author", "byline", "rights"}


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


# The parts of an image file's name that name a size or a crop, not the picture:
# "photo-1024x768", "photo-scaled", "photo_W2040", "photo@2x".
_SIZE_SUFFIX = re.compile(r"(?:[-_@](?:\d+x\d*|\d*x\d+|scaled|w\d+|\d+w|large|medium|small|thumb))+$", re.IGNORECASE)


def image_key(url: str | None) -> str | None:
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
    """The :func:`image_key` of the images the page declares as the article's own (``og:image``,
    ``twitter:image``, the article's JSON-LD ``image``)."""
    urls = [*page.meta_values("og:image", "og:image:url", "og:image:secure_url", "twitter:image")]
    value = page.article_jsonld.get("image")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            urls.append(item)
        elif isinstance(item, dict):
            urls.extend(u for u in (item.get("url"), item.get("contentUrl")) if isinstance(u, str))
    return list(dict.fromkeys(k for k in map(image_key, urls) if k))


def lead_images(page: Page) -> frozenset[str]:
    """The file names (:func:`image_key`) of the article's own images, as the page declares them
    for sharing and search: a box showing one is the article's, whatever its container's name
    says ("teaser-image", "sidebar-grid", a layout's ``<aside>``), and a link around it is a zoom."""
    return frozenset(_lead_image_keys(page))


def is_lead(img: HtmlElement, keys: frozenset[str]) -> bool:
    """Whether an image element shows one of the images named by ``keys``."""
    for attribute in ("src", *LAZY_SOURCES):
        value = img.get(attribute)
        # a name's mention first (a substring test), its key only then
        if value and any(key in value.lower() for key in keys) and image_key(value.strip().split(" ")[0]) in keys:
            return True
    return False


# An image: <img>, <picture>, and the custom elements that stand for one (<amp-img>, <brick-image>).
_IMAGE = etree.XPath(
    "descendant-or-self::*[self::picture or contains(local-name(), 'img') or contains(local-name(), 'image')][1]"
)


def has_image(el: HtmlElement) -> bool:
    return bool(_IMAGE(el))


def text_exceeds(el: HtmlElement, limit: int) -> bool:
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


def leads_elsewhere(anchor: HtmlElement, page: Page) -> bool:
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
    return any(key in (img.get(attribute) or "") for img in anchor.iter("img") for attribute in ("src", *LAZY_SOURCES))


def _article_key(path: str) -> str | None:
    """The identifier an article's URL ends with (``379018``, ``20250121-QBJP5I25``), when it
    is one: long enough and holding a digit, unlike a section name."""
    segment = path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return segment if len(segment) >= 6 and _DIGIT.search(segment) else None


_DIGIT = re.compile(r"\d")


_CAPTION_PART_WORDS = frozenset({"caption", "figcaption", "text", "title", "description", "legend"})


def names_credit(el: HtmlElement) -> bool:
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


# Where lazy-loading pages keep an image's address while ``src`` holds a placeholder.
LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original", "data-srcset", "srcset")
