"""HTML parsing: a page's tree as parsel builds it, with lxml.html's element classes looked up in
C, and why the parser stopped before the end of a page.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import lxml.html
from lxml import etree
from parsel.selector import create_root_node

if TYPE_CHECKING:
    from lxml.html import HtmlElement


class _HtmlParser(lxml.html.HTMLParser):  # type: ignore[misc]
    """lxml's HTML parser with a class lookup in C: every element an ``HtmlElement``.

    lxml.html's own lookup is a Python call for each element proxy lxml creates (millions per
    batch, in every walk over a tree and in trafilatura's copies of it), only to give form
    fields their own classes, whose extra methods no extractor here uses.
    """

    def __init__(self, **kwargs: Any) -> None:
        # no table of id attributes: nothing here asks XPath's id(), and filling it costs 5%
        super().__init__(collect_ids=False, **kwargs)
        self.set_element_class_lookup(_HTML_CLASSES)


def html_root(html: str | bytes, base_url: str | None = None) -> HtmlElement:
    """An HTML page's tree as parsel builds it, with lxml.html's element classes looked up in C.

    ``html`` is the page's text, or its bytes when they are valid UTF-8: lxml reads those as
    they are, which spares the copy parsel encodes from the text (a fifth of the parse)."""
    return parse_html(html, base_url)[0]


def parse_html(html: str | bytes, base_url: str | None = None) -> tuple[HtmlElement, str | None]:
    """:func:`html_root`'s tree, and why the parser stopped before the end of the page (``None``
    when it read it whole): what it had not read is not in the tree."""
    parsers: list[_HtmlParser] = []

    def parser(**kwargs: Any) -> _HtmlParser:
        made = _HtmlParser(**kwargs)
        parsers.append(made)
        return made

    factory = cast("type[_HtmlParser]", parser)
    if isinstance(html, bytes):
        root: HtmlElement = create_root_node("", factory, base_url=base_url, body=html)
    else:
        root = create_root_node(html, factory, base_url=base_url)
    return root, _stopped(parsers[-1])


def _stopped(parser: _HtmlParser) -> str | None:
    """Why ``parser`` stopped reading early: a fatal error, the last it logged. libxml2 gives up
    on elements nested deeper than 2048 (256 outside its "huge" mode, which parsel turns on),
    and reads nothing after them."""
    error = parser.error_log.last_error
    if error is None or error.level != etree.ErrorLevels.FATAL:
        return None
    message = error.message.removesuffix(", use XML_PARSE_HUGE option")
    return f"the HTML parser stopped at line {error.line}, column {error.column}: {message}"


_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)
# Text parsel would not parse as HTML: an XML document, or JSON.
NOT_HTML = re.compile(r"[\s\ufeff]*(?:<\?xml\s|[{\[])")
