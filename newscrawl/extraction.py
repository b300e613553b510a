"""One page in, one article out: the generic extractor as ``newscrawl extract`` shows it."""

from __future__ import annotations

from typing import Any

from w3lib.encoding import html_to_unicode

from newscrawl.extract.generic import NewsPage, Page
from newscrawl.loaders import LoadContext, load_article
from newscrawl.urls import HostMap, origin

#: The keys of an extracted article, in output order.
KEYS = ("headline", "authors", "published", "modified", "source", "tags", "captions", "lead", "body", "language")


# The item fields behind KEYS.
_FIELDS = ("url", "headline", "authors", "published_at", "modified_at", "source", "tags", "captions", "lead", "body", "language")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """A page's text. Valid UTF-8 is taken as UTF-8 even where the page declares another
    charset (a wrong ``<meta charset>`` is common; valid UTF-8 by accident is not); otherwise
    the declared charset (HTTP header, BOM, ``<meta>``) decides, as browsers do."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return html_to_unicode(content_type, body)[1]


def extract_article(html: bytes | str, url: str) -> dict[str, Any]:
    """The generic extraction of one article page, as a JSON-ready dict with :data:`KEYS`.

    Times keep the offset the page gives (``published`` is never a modification time); lists
    are empty and other fields ``None`` where the page has nothing.
    """
    text = decode_html(html) if isinstance(html, bytes) else html
    page = NewsPage(Page.from_html(text, url))
    home = origin(url)
    context = LoadContext(hosts=HostMap(home, home), edition="", timezone=None, site_names=())
    item = load_article(page, context, only=_FIELDS)
    return {
        "headline": item.headline,
        "authors": item.authors,
        "published": item.published_at,
        "modified": item.modified_at,
        "source": item.source,
        "tags": item.tags,
        "captions": [{"text": c.text, "credit": c.credit} for c in item.captions],
        "lead": item.lead,
        "body": item.body,
        "language": item.language,
    }
