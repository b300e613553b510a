"""A Scrapy response read as a :class:`newscrawl.extract.document.Page`: parsed once, from the
response's bytes when they are UTF-8."""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

from scrapy.http import TextResponse, XmlResponse
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url

from newscrawl.extract.document import Page
from newscrawl.extract.parsing import parse_html

if TYPE_CHECKING:
    from scrapy.http import Response


def html_page(response: Response) -> Page | None:
    """The parsed page of a text response, ``None`` for another kind (blocks never get here:
    :class:`newscrawl.crawl.middlewares.BlockMiddleware` stops them before any callback)."""
    if not isinstance(response, TextResponse):
        return None
    # Not response.selector: the response would keep its selector, and the selector its
    # response, a cycle that holds the page's parsed tree until a full garbage collection (peak
    # memory grew as extraction got faster). Freed with the page instead.
    if isinstance(response, XmlResponse):
        return Page(url=response.url, selector=Selector(response))
    # Parsed as Selector(response) would, with lxml.html's element classes looked up in C.
    base_url = get_base_url(response)
    text, body = response.text, response.body
    # Text decoded from UTF-8 without a replacement character is the body's valid UTF-8, which
    # lxml reads as it is: no copy of the page re-encoded from the text.
    utf8 = response.encoding == "utf-8" and "\ufffd" not in text and not body.startswith(_UTF16_BOMS)
    source = body if utf8 else text
    root, truncated = parse_html(source, base_url)
    selector = Selector(root=root, type="html", base_url=base_url)
    return Page(url=response.url, selector=selector, truncated=truncated)


# A byte order mark decides a text's encoding over any declaration.
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
