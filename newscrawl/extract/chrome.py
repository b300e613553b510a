"""What an element's names and labels say it is: the words of its class, id and role attributes,
the headings and labels that introduce a box of links ("Most Read", "Related News"), and the tags
and class names of the site's chrome (navigation, footers, sidebars, teaser boxes).

These judge one element at a time; :class:`newscrawl.extract.document.Page` gathers them into
the page's boilerplate, chrome and labelled boxes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from lxml import etree

from newscrawl.extract.text import NO_TEXT_TAGS, text_of
from newscrawl.processors import INVISIBLE_CHARS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement


# Containers whose text is never part of the article: navigation, chrome, teaser boxes.
_BOILERPLATE_TAGS = frozenset(
    {"nav", "footer", "aside", "form", "script", "style", "noscript", "template", "iframe", "svg", "button", "select"}
)
_BOILERPLATE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|footer|sidebar|widget|related|most-?read|read-?next|"
    r"popular|trending|recommend\w*|teasers?|share|sharing|social|newsletter|ticker|breaking|"
    r"urgent|comments?|promo|advert\w*|ads?|cookie|modal|breadcrumbs?|pagination|pager)"
    r"(?:$|[\s_-])",  # of lower-cased names: matching without IGNORECASE is twice as fast
)

#: Headings that introduce a box of links to other articles, by kind.
BLOCK_LABELS: dict[str, str] = {
    "related news": "related",
    "related": "related",
    "related articles": "related",
    "related stories": "related",
    "see also": "related",
    "most read": "most_read",
    "most popular": "most_read",
    "popular": "most_read",
    "read next": "read_next",
    "up next": "read_next",
    "more stories": "read_next",
}
OTHER_BLOCK_LABELS = frozenset(
    {"coverage", "tags", "share", "more", "latest", "latest news", "trending", "you may also like", "recommended"}
)

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

CHROME_WORDS = frozenset(
    {"nav", "navbar", "menu", "footer", "sidebar", "widget", "related", "popular", "trending", "teaser", "teasers"}
)

# Attributes that name what an element is: classes, ids, and the role names of component markup.
NAMING_ATTRIBUTES = ("class", "id", "itemprop", "data-role", "data-testid", "data-component", "data-type")

# one union: the values in document order, each knowing its element
NAMING_VALUES = etree.XPath(" | ".join(f"//@{attr}" for attr in NAMING_ATTRIBUTES))


def names_of(el: HtmlElement) -> str:
    attrib = el.attrib
    if not attrib:
        return ""
    return " ".join(attrib[attr] for attr in NAMING_ATTRIBUTES if attr in attrib)


WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


# Pages repeat the same class strings on many elements: each is split once.
@lru_cache(maxsize=16384)
def name_words(names: str) -> frozenset[str]:
    return frozenset({word.lower() for word in WORD.findall(names)})


def in_article(el: HtmlElement) -> bool:
    return any(a.tag == "article" for a in el.iterancestors())


def class_words(el: HtmlElement) -> frozenset[str]:
    """The words of an element's class, id and role attributes, lower-cased: ``ArticleHeader_lead__Jx0p`` →
    ``{"article", "header", "lead", "jx", "0", "p"}``, ``lg_para summary`` → ``{"lg", "para", "summary"}``.

    Matching whole words, not substrings, keeps ``lead`` from matching ``leading-7``.
    """
    return name_words(names_of(el))


# Elements that a chrome-sounding class name does not make chrome.
NEVER_CHROME_BY_NAME = frozenset({"html", "body", "article", "main"})
# One tag scan (lxml's iter() filters tags in C), not a predicate over every node.
CHROME_TAGS = (*sorted(_BOILERPLATE_TAGS), "header")


def own_heading(el: HtmlElement) -> str | None:
    """The normalized label of a box: its first child's text when that child is a heading.

    The heading may sit in a small wrapper with other controls (``<div><h2>Read Next</h2>
    <a>All</a></div>``); the wrapper's first heading is then the label.
    """
    for child in el.iterchildren():
        if not isinstance(child.tag, str):
            continue
        if child.tag in HEADINGS or (child.tag in ("div", "span", "p", "strong") and len(child) <= 3 and _is_label(child)):
            label = text_of(child)
        elif child.tag in ("div", "header") and len(child) <= 4:
            heading = next((h for h in child if isinstance(h.tag, str) and h.tag in HEADINGS), None)
            label = text_of(heading) if heading is not None else ""
        else:
            return None
        return label.casefold().strip(" :") if label else None
    return None


def _is_label(el: HtmlElement) -> bool:
    return _is_label_name(names_of(el).lower())


LABEL_WORDS = ("title", "heading", "header", "label")
_LABEL_NAME = re.compile("|".join(LABEL_WORDS))


@lru_cache(maxsize=8192)
def _is_label_name(names: str) -> bool:
    return _LABEL_NAME.search(names) is not None


# The most characters a box label has, spaces left out.
_LABEL_LENGTH = max(len(label.replace(" ", "")) for label in (*BLOCK_LABELS, *OTHER_BLOCK_LABELS))


def longer_than_label(el: HtmlElement) -> bool:
    """Whether an element's text is too long to be a box label, told without :func:`text_of`:
    more characters than any label, whitespace, colons and invisible characters not counted
    (``text_of`` drops or strips them). Script and style text, which ``text_content`` counts
    but readers do not see, sends the element to the full check."""
    raw = el.text_content()
    if len(raw) <= _LABEL_LENGTH:
        return False
    compact = "".join(raw.split())
    length = len(compact) - compact.count(":") - sum(compact.count(ch) for ch in INVISIBLE_CHARS)
    return length > _LABEL_LENGTH and next(el.iter(*NO_TEXT_TAGS), None) is None


@lru_cache(maxsize=8192)
def names_chrome(names: str) -> bool:
    # class strings repeat across a page's elements and across a site's pages
    return _BOILERPLATE_CLASS.search(names) is not None


def boxes_of(label: HtmlElement) -> Iterator[HtmlElement]:
    """The parent, and the grandparent, that a label element may introduce."""
    parent = label.getparent()
    if parent is not None:
        yield parent
        grandparent = parent.getparent()
        if grandparent is not None:
            yield grandparent
