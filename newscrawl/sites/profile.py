"""What newscrawl knows of a site, as one typed interface (:class:`SiteProfile`).

A profile names the site's editions (:class:`Edition`: host, language, direction, time zone,
the names the site gives itself), says how its URLs classify (article, listing, a listing's
further pages and subsections, the content type a path names), how to navigate it (menus,
the sitemap index and its monthly children), what it shows besides articles (a breaking-news
ticker), which layers its article pages add over the generic ones (:meth:`article_page`), and
which fields every one of its article pages shows (:attr:`SiteProfile.expected_fields`).
The base class is the generic profile: any news site, with nothing known beforehand. A site
is one module that subclasses it and one line in :mod:`newscrawl.sites.registry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal
from urllib.parse import urlsplit

from newscrawl.coverage import EXPECTED_FIELDS
from newscrawl.discovery import is_article_link
from newscrawl.discovery import menu_links as nav_links
from newscrawl.extract.newspage import NewsPage
from newscrawl.urls import host, site_host
from newscrawl.words import ENGLISH, Words

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from newscrawl.extract.document import Page

#: What a URL of a site is to a crawl that walks its listings (``None``: neither, not followed).
PageKind = Literal["article", "listing"]


@dataclass(frozen=True)
class Edition:
    """One edition of a site: where it is, and how it speaks."""

    #: The code the spiders' ``edition`` argument takes and the archive records, e.g. ``en``.
    code: str
    #: The real origin, e.g. ``https://english.almayadeen.net``.
    origin: str
    #: The primary language tag of its pages, e.g. ``en``, ``ar``.
    language: str
    #: The IANA zone of times the site displays without an offset; ``None``: unknown (kept as given).
    timezone: str | None = None
    #: The names the site appends to titles (``Headline | Site Name``), stripped from headlines.
    site_names: tuple[str, ...] = ()
    #: The script's direction.
    direction: Literal["ltr", "rtl"] = "ltr"
    #: The words its pages label their parts with: source and byline labels, counters, the
    #: ticker's label, month names of displayed dates, section and region names. The generic
    #: layers read the edition's pages with them (default: English).
    words: Words = ENGLISH

    @property
    def host(self) -> str:
        """The edition's host name, e.g. ``english.almayadeen.net``."""
        return host(self.origin)


@dataclass(frozen=True)
class MenuLink:
    """A link of the site's menus: a section, a region or a landing page."""

    #: Absolute URL, as the menu links it (on the host the page was fetched from).
    url: str
    #: The link's text, whitespace collapsed, e.g. ``Politics``.
    label: str
    #: Whether it leads to a region's listing (else a section's or a landing page).
    is_region: bool


@dataclass(frozen=True)
class TickerLine:
    """A raw ticker line: its text and the link it carries, if any."""

    #: The line as shown, whitespace collapsed (its attribution not yet split off).
    text: str
    #: Absolute URL its link leads to, ``None`` when it links nowhere.
    href: str | None


@dataclass(frozen=True)
class PageContext:
    """What the crawl knows of an article page beyond its HTML (:meth:`SiteProfile.article_page`)."""

    #: Region listing paths → the labels the site's menus give them, as the crawl learnt them.
    regions: Mapping[str, str] = field(default_factory=dict)
    #: Values from a sitemap or feed for fields the page does not state, e.g. ``{"published": [...]}``.
    fallback: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: The edition the page is of (its words); ``None``: the profile's default edition.
    edition: Edition | None = None


#: No more than the page itself.
NO_CONTEXT = PageContext()


class SiteProfile:
    """A site's profile; this base class is the generic one (any news site).

    Subclasses set the class attributes and override the methods their site needs. Every
    method is pure: a URL or a parsed page in, values out.
    """

    #: The name the registry knows it by (and a page worker's job names it by).
    name: ClassVar[str] = "generic"
    #: The site's editions by code (none for the generic profile: any host).
    editions: ClassVar[Mapping[str, Edition]] = {}
    #: The edition a crawl takes when its ``edition`` argument names none.
    default_edition: ClassVar[str] = ""
    #: The path of the sitemap index of an edition, when the site has one at a known place.
    sitemap_index: ClassVar[str | None] = None
    #: The fields every article page of the site shows, as :class:`newscrawl.items.ArticleItem`
    #: names them (the registry refuses a profile naming another). An article stored without
    #: one lists it in ``articles.missing_fields``, and the coverage monitor judges a run on
    #: them (with the occasional ``source``, ``captions`` and ``region``): a field its articles
    #: stop showing makes the run ``degraded``. A site whose pages lack one by design (no
    #: section on its older template, say) leaves it out. Generic: what any news site shows
    #: (:data:`newscrawl.coverage.EXPECTED_FIELDS`).
    expected_fields: ClassVar[tuple[str, ...]] = EXPECTED_FIELDS
    #: Whether the site's pages carry a breaking-news ticker (:meth:`ticker_lines`), whose lines
    #: the archive keeps per edition in ``breaking``.
    has_ticker: ClassVar[bool] = False

    # --- editions -------------------------------------------------------------------------

    def edition_for_host(self, name: str) -> Edition | None:
        """The edition served on host ``name`` (its ``www.`` twin included), if any."""
        wanted = site_host(name.lower())
        return next((e for e in self.editions.values() if site_host(e.host) == wanted), None)

    # --- URLs -----------------------------------------------------------------------------

    def page_kind(self, url: str) -> PageKind | None:
        """``article``, ``listing`` or ``None`` (not followed). Generic: an article when the URL
        looks like one (:func:`newscrawl.discovery.is_article_link`), never a listing."""
        return "article" if is_article_link(url) else None

    def content_type_of(self, url: str) -> str | None:
        """The content type an article URL's path names (``news``, ``video``...), if the site's does."""
        return None

    def listing_path(self, url: str) -> str:
        """The path that names the listing a URL belongs to (``/news/politics``)."""
        return urlsplit(url).path.rstrip("/") or "/"

    def section_hint(self, url: str, sections: dict[str, str]) -> str | None:
        """The label of the listing (from ``sections``: listing paths → menu labels) an article
        URL sits under."""
        return None

    def is_pagination(self, url: str, listing_url: str) -> bool:
        """Whether ``url`` is another page of the listing at ``listing_url``."""
        return False

    def page_number(self, url: str) -> int:
        """The page number of a listing URL (1 for its first page)."""
        return 1

    def is_subsection(self, url: str, listing_url: str) -> bool:
        """Whether ``url`` is a listing under the listing at ``listing_url`` worth walking."""
        return False

    def sitemap_month(self, url: str) -> tuple[int, int] | None:
        """``(year, month)`` a child of the sitemap index covers, if its URL says."""
        return None

    # --- pages ----------------------------------------------------------------------------

    def menu_links(self, page: Page, edition: Edition | None = None) -> list[MenuLink]:
        """The links of the page's menus, in page order (on a page of ``edition``, the
        default edition's when ``None``). Generic: every link of its navigation menus
        (:func:`newscrawl.discovery.menu_links`), none taken for a region."""
        return [MenuLink(url, label, is_region=False) for url, label in nav_links(page)]

    def menu_labels(self, links: Iterable[MenuLink]) -> tuple[dict[str, str], dict[str, str]]:
        """``(sections, regions)``: each menu link's listing path (:meth:`listing_path`) with its label."""
        sections: dict[str, str] = {}
        regions: dict[str, str] = {}
        for link in links:
            (regions if link.is_region else sections)[self.listing_path(link.url)] = link.label
        return sections, regions

    def ticker_lines(self, page: Page) -> list[TickerLine]:
        """The lines of the page's breaking-news ticker, in order (none on most sites)."""
        return []

    def article_page(self, page: Page, context: PageContext = NO_CONTEXT) -> NewsPage:
        """The article page object: the generic layers, with what this site adds in front, read
        with what the crawl knows of the page (``context``)."""
        return NewsPage(page, context.fallback, context.edition.words if context.edition else ENGLISH)
