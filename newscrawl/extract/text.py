"""The visible text of an element, the layer every other one reads through: :func:`text_of`, with
the tags whose text readers do not see and those whose boundaries separate words, XML's white
space, and whether an element sits inside one of a set of containers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from newscrawl.processors import clean_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement


_TEXT_NODES = etree.XPath(".//text()")

NO_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})
# Elements whose boundaries separate words; inline elements (a, em, span...) do not.
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "ul", "ol", "dl", "dd", "dt",
     "section", "article", "header", "footer", "figure", "figcaption", "blockquote", "nav", "aside", "time", "hr"}
)  # fmt: skip


def text_of(el: HtmlElement, left_out: frozenset[HtmlElement] = frozenset()) -> str:
    """An element's visible text, whitespace collapsed (scripts and styles, and the text inside
    ``left_out`` descendants, left out).

    Inline markup joins without a space (``cited by <a>Reuters</a>.`` → ``cited by Reuters.``);
    block boundaries and ``<br>`` separate words.
    """
    if not len(el):  # a leaf, as most are: its own text is all of it
        return "" if el.tag in NO_TEXT_TAGS else clean_text(el.text) or ""
    parts: list[str] = []
    for text in _TEXT_NODES(el):
        owner = text.getparent()
        if owner is None or (not text.is_tail and owner.tag in NO_TEXT_TAGS):
            continue
        if left_out:
            holder = owner.getparent() if text.is_tail else owner
            if holder is not None and inside(holder, left_out):
                continue
        if owner.tag in _BLOCK_TAGS:
            parts.append(" ")
        parts.append(text)
    return clean_text("".join(parts)) or ""


#: The white space of XML's ``normalize-space()`` (not a no-break space: that is text).
XML_SPACE_CHARS = " \t\r\n"

# XPath's normalize-space() splits a class attribute on exactly these.
XML_SPACE = re.compile(f"[{XML_SPACE_CHARS}]+")


def inside(el: HtmlElement, containers: frozenset[HtmlElement]) -> bool:
    node: HtmlElement | None = el
    while node is not None:
        if node in containers:
            return True
        node = node.getparent()
    return False
