"""Typed items: what a crawl hands to the pipelines.

Every field's format is stated here, once. Loaders (:mod:`newscrawl.loaders`) fill these classes
from the raw fields the page extractors find; pipelines validate and store them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: The content types an article can have, from the edition's menu: News, Articles, Videos,
#: Infographs, In Pictures.
ContentType = Literal["news", "article", "video", "infograph", "gallery"]

#: Where on an article page a related link was found: inline "Read more:" (``read_more``), a
#: related, most-read or read-next box; ``edition``: the same article in another edition or
#: language of the site (an ``hreflang`` alternate or a language link).
LinkKind = Literal["read_more", "related", "read_next", "most_read", "edition"]


@dataclass(frozen=True)
class Caption:
    """One captioned image of an article, in page order."""

    #: The caption as shown, without its credit, e.g. ``Palestinians evacuate a wounded man ...``.
    text: str
    #: The photo credit without brackets, e.g. ``AP Photo/Mohammed Dahman``; ``None`` if not shown.
    credit: str | None = None
    #: Absolute URL of the image, ``None`` if the page gives none.
    image_url: str | None = None


@dataclass(frozen=True)
class RelatedLink:
    """A link from an article to another article of the edition, or to itself in another
    edition (kind ``edition``)."""

    #: Canonical URL of the linked article (on its edition's real host).
    url: str
    #: Which block of the page the link sits in.
    kind: LinkKind


#: The fields of an article's text: a change to any of them makes a version (counters and where
#: the site files the article are not among them).
CONTENT_FIELDS = ("headline", "lead", "body", "authors", "source", "tags", "captions")


@dataclass
class ArticleItem:
    """One article page of an edition, normalized.

    ``url`` and a ``headline`` or a ``body`` are the only required fields: the validation
    pipeline drops an item without them. Every other field is ``None`` (or empty) when the page
    does not show it; the archive records which expected ones an article lacks
    (:data:`newscrawl.coverage.EXPECTED_FIELDS`).
    """

    #: Canonical URL: ``link[rel=canonical]`` or the CMS metadata URL, else the response URL;
    #: always on the edition's real host (never a mirror's), canonicalized.
    url: str
    #: Headline as plain text.
    headline: str | None = None
    #: The CMS post id (a decimal string, e.g. ``"1864628"``) when the page carries one.
    post_id: str | None = None
    #: Edition code: ``en``, ``ar`` or ``es``.
    edition: str = "en"
    #: ``news``, ``article``, ``video``, ``infograph`` or ``gallery``.
    content_type: ContentType | None = None
    #: Menu section as the site names it, e.g. ``Politics``, ``Opinion``, ``NewsFeed``.
    section: str | None = None
    #: Region as the site names it, e.g. ``Palestine``, ``US & Canada``.
    region: str | None = None
    #: Coverage (running story) label, e.g. ``War on Gaza``.
    coverage: str | None = None
    #: Lead (standfirst) as plain text.
    lead: str | None = None
    #: Body as plain text: paragraphs and subheadings in page order joined by one blank line,
    #: without "Read more:" lines, captions, related-news boxes or other boilerplate.
    body: str | None = None
    #: Author names in page order, "By " and joiners removed, e.g. ``["Al Mayadeen English"]``.
    authors: list[str] = field(default_factory=list)
    #: The wire agency from the "Source:" line, e.g. ``TASS``; ``None`` when there is none.
    source: str | None = None
    #: Publication time, ISO 8601 with the site's UTC offset, e.g.
    #: ``2023-11-13T20:45:00+02:00``; a displayed time without offset is read in the site's
    #: time zone (Asia/Beirut).
    published_at: str | None = None
    #: Last modification time, same format as ``published_at``.
    modified_at: str | None = None
    #: The publication date exactly as the page displays it, e.g. ``13 Nov 2023 20:45``.
    published_raw: str | None = None
    #: Tags in page order, duplicates removed.
    tags: list[str] = field(default_factory=list)
    #: Captioned images of the article itself (not of teasers), in page order.
    captions: list[Caption] = field(default_factory=list)
    #: Links to other articles, in page order, one per (url, kind).
    related: list[RelatedLink] = field(default_factory=list)
    #: Read time in minutes, from "4 Min Read".
    read_time_min: int | None = None
    #: Share counter, from "5 Shares" ("٥ مشاركات").
    share_count: int | None = None
    #: View counter, from "20 Visualizaciones" ("١٢٠ مشاهدة"); ``None`` where the edition shows none.
    view_count: int | None = None
    #: Language the page declares, as a lower-case primary subtag, e.g. ``en`` (from ``en-US``).
    language: str | None = None
    #: The ``<lastmod>`` of the sitemap entry the crawl found the article by (a sitemap
    #: backfill), ISO 8601 as the sitemap gives it, e.g. ``2025-07-14T11:47:30+03:00``; ``None``
    #: when no sitemap led to it.
    sitemap_lastmod: str | None = None
    #: What a Google News sitemap entry said of the article: ``{"title": str | None,
    #: "publication_date": str | None, "keywords": [str]}`` (cleaned); ``None`` without one.
    sitemap_news: dict[str, Any] | None = None
    #: Where each field's value came from, for the fields that have one: field name -> the
    #: layer that supplied it (:data:`newscrawl.extract.provenance.SOURCES`: ``cms``, ``jsonld``,
    #: ``meta``, ``site-dom``, ``generic-dom``, ``heuristic``, ``trafilatura``, ``htmldate``,
    #: ``sitemap``, ``feed``, ``url``...), e.g. ``{"headline": "cms", "body": "site-dom"}``.
    field_sources: dict[str, str] = field(default_factory=dict)
    #: Why the page was read only in part, e.g. ``the HTML parser stopped at line 1, column 4137:
    #: Excessive depth in document: 2048``: every field lacks what came after that point, so the
    #: body is counted missing. ``None`` when the page was read whole.
    truncated: str | None = None


@dataclass
class TickerItem:
    """One line of the BREAKING ticker as a page showed it."""

    #: The line exactly as shown, whitespace collapsed.
    text: str
    #: Edition code of the page that showed it.
    edition: str
    #: When the line was seen, ISO 8601 UTC with seconds, e.g. ``2025-07-09T10:00:00+00:00``.
    seen_at: str
    #: The speaker before the first ": ", e.g. ``Al Mayadeen's correspondent``; else ``None``.
    attribution: str | None = None
    #: Canonical URL the line links to, ``None`` when it links nowhere.
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class NoArticleItem:
    """A URL fetched as an article that gave none: later runs leave it alone for
    ``GONE_RECHECK_DAYS``. A crawl yields one of its two kinds, :class:`GoneItem` or
    :class:`NotArticleItem`, each kept in a table of its own."""

    #: Canonical URL on the site's real host, as the link named it.
    url: str
    #: When the answer came, ISO 8601 UTC with seconds.
    seen_at: str


@dataclass(frozen=True, kw_only=True)
class GoneItem(NoArticleItem):
    """The site answered 404 (Not Found) or 410 (Gone): the article was deleted, or never there."""

    #: The HTTP status, 404 or 410.
    status: int


@dataclass(frozen=True, kw_only=True)
class NotArticleItem(NoArticleItem):
    """The page holds no article (a day archive, a tag page, a page the CMS types as a plain page)."""
