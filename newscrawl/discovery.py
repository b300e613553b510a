"""Where a news site lists its articles: sitemaps, feeds and menus, read as pure functions.

The generic ``news`` spider asks these what to fetch next; none of them does I/O. Sitemaps and
feeds also say things about the articles they list (a title, a publication date, keywords):
those come back as :class:`ArticleHints`, already cleaned by the same processors the loaders
use, for :func:`apply_hints` to fill in what an article page itself does not show.
"""

from __future__ import annotations

import dataclasses
import struct
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector, SelectorList
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from w3lib.html import remove_tags, replace_entities

from newscrawl.extract.chrome import class_words
from newscrawl.extract.newspage import looks_like_article_url
from newscrawl.extract.text import text_of
from newscrawl.processors import clean_text, dedupe, parse_datetime, split_keywords
from newscrawl.urls import is_static

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page
    from newscrawl.items import ArticleItem

SitemapKind = Literal["sitemapindex", "urlset"]

_GZIP_MAGIC = b"\x1f\x8b"
_MENU_WORDS = frozenset({"nav", "navbar", "navigation", "menu", "menubar"})
_NOT_MENU_WORDS = frozenset({"footer", "breadcrumb", "breadcrumbs", "pagination", "pager", "social", "share"})


@dataclass(frozen=True)
class ArticleHints:
    """What a sitemap or feed says about an article, cleaned: the last fallback for its fields."""

    #: The headline, whitespace collapsed.
    title: str | None = None
    #: The publication time, ISO 8601 with the offset given (``parse_datetime(value, None)``).
    published: str | None = None
    #: Keywords in order, as ``split_keywords`` splits them.
    keywords: tuple[str, ...] = ()
    #: Where the hints came from (``sitemap``, ``feed``; ``archive`` for a re-extraction's),
    #: by field (``title``, ``published``, ``keywords``): the field sources of what they fill.
    #: Not compared: two sources saying the same are the same hints.
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __bool__(self) -> bool:
        return bool(self.title or self.published or self.keywords)

    def source_of(self, name: str) -> str:
        """Where the hint for ``name`` came from (a news sitemap when not said)."""
        return self.sources.get(name, "sitemap")

    def or_else(self, other: ArticleHints) -> ArticleHints:
        """These hints, each missing field taken from ``other``."""
        return ArticleHints(
            title=self.title or other.title,
            published=self.published or other.published,
            keywords=self.keywords or other.keywords,
            sources={name: (self if getattr(self, name) else other).source_of(name) for name in HINT_FIELDS},
        )


#: The article field each hint fills, by hint.
HINT_FIELDS = {"title": "headline", "published": "published_at", "keywords": "tags"}


def hint_sources(source: str) -> dict[str, str]:
    """:attr:`ArticleHints.sources` of hints that all came from ``source``."""
    return dict.fromkeys(HINT_FIELDS, source)


def apply_hints(item: ArticleItem, hints: ArticleHints) -> ArticleItem:
    """``item`` with its missing headline, publication time and tags taken from ``hints``.

    A field the page gave is never replaced: hints are the last fallback. Its field sources
    name the hints' source for each field they filled.
    """
    filled = {
        name: hints.source_of(hint) for hint, name in HINT_FIELDS.items() if getattr(hints, hint) and not getattr(item, name)
    }
    return dataclasses.replace(
        item,
        headline=item.headline or hints.title,
        published_at=item.published_at or hints.published,
        tags=item.tags or dedupe(hints.keywords),
        field_sources={**item.field_sources, **filled},
    )


def news_hints(title: str | None, published: str | None, keywords: str | None) -> ArticleHints:
    """Hints from a news sitemap's raw ``news:title``, ``news:publication_date`` and ``news:keywords``."""
    return ArticleHints(
        title=clean_text(title),
        published=parse_datetime(published, None),
        keywords=tuple(split_keywords(keywords)),
        sources=hint_sources("sitemap"),
    )


# --- URLs ------------------------------------------------------------------------------------


def is_article_link(url: str) -> bool:
    """Whether a link is worth requesting as an article: an http(s) page (not an asset) whose
    URL looks like an article's (:func:`newscrawl.extract.newspage.looks_like_article_url`)."""
    return urlsplit(url).scheme in ("http", "https") and not is_static(url) and looks_like_article_url(url)


# --- HTML pages ------------------------------------------------------------------------------


def page_links(page: Page) -> list[str]:
    """Absolute URLs of a page's ``<a href>`` links, in page order, each once."""
    return dedupe(url for a in page.root.iter("a") if (url := page.absolute(a.get("href"))))


def feed_links(page: Page) -> list[str]:
    """Absolute URLs of the RSS and Atom feeds a page links in its head
    (``<link rel="alternate" type="application/rss+xml" href="...">``), in page order."""
    found = []
    for link in page.root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower()
        if "alternate" in rel and ("rss" in kind or "atom" in kind):
            url = page.absolute(link.get("href"))
            if url:
                found.append(url)
    return dedupe(found)


def menu_links(page: Page) -> list[tuple[str, str]]:
    """``(url, label)`` of the links in a page's navigation menus, in page order, each URL once.

    A menu is a ``<nav>``, an element with ``role="navigation"``, or one whose class or id names
    a nav or menu. Footers, breadcrumbs, pagers and social-media bars are not menus.
    """
    found: dict[str, str] = {}
    for anchor in page.root.iter("a"):
        url = page.absolute(anchor.get("href"))
        if url and url not in found and _in_menu(anchor):
            found[url] = text_of(anchor) or clean_text(anchor.get("title") or anchor.get("aria-label")) or ""
    return list(found.items())


def _in_menu(anchor: HtmlElement) -> bool:
    in_menu = False
    for el in anchor.iterancestors():
        words = class_words(el)
        if el.tag == "footer" or words & _NOT_MENU_WORDS:
            return False
        if el.tag == "nav" or el.get("role") == "navigation" or words & _MENU_WORDS:
            in_menu = True
    return in_menu


# --- sitemaps --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapLink:
    """One ``<loc>`` of a sitemap: a child sitemap of an index, or a page of a urlset."""

    #: The ``<loc>``, resolved against the sitemap's URL.
    url: str
    #: For an entry of a Google News sitemap (``<news:news>``): its title, date and keywords;
    #: ``None`` for any other entry.
    hints: ArticleHints | None
    #: The entry's ``<lastmod>`` as given (a W3C datetime or date), ``None`` without one.
    lastmod: str | None


@dataclass(frozen=True)
class ParsedSitemap:
    """A sitemap's kind and its links."""

    #: ``sitemapindex`` or ``urlset``; ``None`` when the document is not a sitemap.
    kind: SitemapKind | None
    #: Its entries with a ``<loc>``, in document order.
    links: list[SitemapLink]


def sitemap_body(body: bytes, max_size: int = 0) -> bytes | None:
    """The XML of a sitemap response: gunzipped when the body is gzip (``sitemap.xml.gz``
    served as is), else the body itself. ``None`` for broken gzip or more than ``max_size``
    bytes once unpacked (0: no limit)."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    try:
        return gunzip(body, max_size=max_size)
    except (OSError, EOFError, ValueError, struct.error):
        return None


def parse_sitemap(body: bytes, base_url: str) -> ParsedSitemap:
    """Read a sitemap index or urlset (plain XML, see :func:`sitemap_body`).

    ``<loc>`` values are resolved against ``base_url`` (the sitemap's URL), so a sloppy relative
    one still names a page. Entries with a ``<news:news>`` block carry its hints.
    """
    try:
        sitemap = Sitemap(body)
        entries = list(sitemap)
    except (etree.XMLSyntaxError, StopIteration):
        return ParsedSitemap(None, [])
    if sitemap.type not in ("sitemapindex", "urlset"):
        return ParsedSitemap(None, [])
    kind: SitemapKind = "sitemapindex" if sitemap.type == "sitemapindex" else "urlset"
    hints = _news_hints_by_loc(body) if kind == "urlset" and b"sitemap-news" in body else {}
    links = [
        SitemapLink(urljoin(base_url, entry["loc"]), hints.get(entry["loc"]), (entry.get("lastmod") or "").strip() or None)
        for entry in entries
        if entry.get("loc")
    ]
    return ParsedSitemap(kind, links)


def _news_hints_by_loc(body: bytes) -> dict[str, ArticleHints]:
    # Scrapy's Sitemap keeps only the text of each <url>'s direct children and clears the
    # nested <news:news> block before it can be read, so news entries are read a second time.
    selector = Selector(body=body, type="xml")
    selector.remove_namespaces()
    hints = {}
    for url in selector.xpath("//url[news]"):
        loc = url.xpath("normalize-space(loc)").get("")
        news = url.xpath("news[1]")
        hints[loc] = news_hints(
            news.xpath("string(title)").get(),
            news.xpath("string(publication_date)").get(),
            news.xpath("string(keywords)").get(),
        )
    return hints


# --- feeds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    """One item of an RSS feed or entry of an Atom feed: the article's URL and what the feed says of it."""

    url: str
    hints: ArticleHints


def parse_feed(body: bytes, base_url: str) -> list[FeedEntry]:
    """The entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in feed order; ``[]`` for anything else.

    Links are resolved against ``base_url`` (the feed's URL). Hints are the entry's title and
    publication time (RSS ``pubDate``/``dc:date``, Atom ``published`` else ``updated``); feed
    categories are left out, since feeds often use them for sections rather than tags.
    """
    try:
        selector = Selector(body=body, type="xml")
    except (etree.XMLSyntaxError, ValueError):
        return []
    selector.remove_namespaces()
    root = getattr(selector.root, "tag", "")
    if root in ("rss", "RDF"):
        entries = [_rss_entry(item, base_url) for item in selector.xpath("//item")]
    elif root == "feed":
        entries = [_atom_entry(entry, base_url) for entry in selector.xpath("/feed/entry")]
    else:
        return []
    return [entry for entry in entries if entry is not None]


def _rss_entry(item: Selector, base_url: str) -> FeedEntry | None:
    link = item.xpath("normalize-space(link[normalize-space()][1])").get("")
    link = link or item.xpath("link[@href][1]/@href").get("")
    if not link:
        guid = item.xpath("guid[not(@isPermaLink) or @isPermaLink != 'false'][1]").xpath("normalize-space()").get("")
        link = guid if guid.startswith(("http://", "https://")) else ""
    if not link:
        return None
    published = item.xpath("normalize-space(pubDate)").get("") or item.xpath("normalize-space(date)").get("")
    title = item.xpath("string(title)").get()
    return FeedEntry(
        urljoin(base_url, link.strip()),
        ArticleHints(title=clean_text(title), published=rss_date(published), sources=hint_sources("feed")),
    )


def _atom_entry(entry: Selector, base_url: str) -> FeedEntry | None:
    links = entry.xpath("link[@href][not(@rel) or @rel='alternate']")
    html_links = [link for link in links if "html" in (link.attrib.get("type") or "text/html")]
    chosen = (html_links or links)[:1]
    if not chosen:
        return None
    published = entry.xpath("normalize-space(published)").get("") or entry.xpath("normalize-space(updated)").get("")
    return FeedEntry(
        urljoin(base_url, chosen[0].attrib["href"].strip()),
        ArticleHints(
            title=_atom_text(entry.xpath("title[1]")), published=parse_datetime(published, None), sources=hint_sources("feed")
        ),
    )


def _atom_text(nodes: SelectorList[Selector]) -> str | None:
    if not nodes:
        return None
    text = nodes[0].xpath("string()").get("")
    if nodes[0].attrib.get("type") == "html":
        # Escaped HTML: the XML parser has undone one level of escaping; the markup remains.
        text = replace_entities(remove_tags(text))
    return clean_text(text)


def rss_date(value: str | None) -> str | None:
    """An RSS date (RFC 822: ``Fri, 14 Mar 2025 08:10:00 +0000``) as ISO 8601 with its offset;
    other shapes go through ``parse_datetime(value, None)``."""
    text = clean_text(value)
    if text is None:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return parse_datetime(text, None)
    return parse_datetime(moment.isoformat(), None)
