"""A fetched page read as the spider that fetched it reads it: its bytes in, what it gives out.

- :func:`read_page` (a :class:`PageJob`): a page of a site the ``almayadeen`` spider walks by
  its menus and listings; its ticker items, its article item and its links (:class:`PageWork`).
- :func:`read_news` (a :class:`NewsJob`): an article page the ``news`` spider found; its article.

Pure CPU work and pure functions of the job (but for the links a reader has reported, which it
is handed): a crawl runs them in its worker processes (:mod:`newscrawl.crawl.pagework`), and
``newscrawl reextract`` on a kept page (:mod:`newscrawl.record.reextraction`), so both read a
page alike. What they get and give is pickled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from scrapy.http import HtmlResponse, XmlResponse

from newscrawl.archive import utcnow
from newscrawl.extract.response import html_page
from newscrawl.extract.text import text_of
from newscrawl.extraction import news_article
from newscrawl.loaders import LoadContext, load_article, load_ticker
from newscrawl.sites import registry
from newscrawl.sites.profile import PageContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from newscrawl.discovery import ArticleHints
    from newscrawl.extract.document import Page
    from newscrawl.items import ArticleItem, TickerItem
    from newscrawl.sites.profile import PageKind, SiteProfile
    from newscrawl.urls import HostMap

LinkKind = Literal["article", "pagination", "subsection"]

#: Most links a worker remembers having reported (see :func:`read_page`); past it, it forgets them
#: all: a link reported twice costs the spider a set lookup, nothing more.
SEEN_LINKS_MAX = 100_000


@dataclass(frozen=True, slots=True)
class PageJob:
    """A fetched page to read: what the spider knows of it when it arrives."""

    #: The URL fetched (after redirects).
    url: str
    #: The response body, as downloaded.
    body: bytes
    #: The body's encoding, as Scrapy (and ``CharsetMiddleware``) decided it.
    encoding: str
    #: ``"article"`` (an article page) or ``"listing"`` (a section, region or its other pages).
    kind: PageKind
    #: The name of the site's profile (:mod:`newscrawl.sites.registry`), which reads the page.
    site: str
    #: Region listing paths → menu labels, as the spider has learnt them.
    regions: dict[str, str]
    #: The crawl's hosts and edition.
    context: LoadContext
    #: The label of the listing the URL sits under, for an article's section.
    section_hint: str | None
    #: For a listing: the spider walks its pagination only as deep as it holds something new,
    #: so only the next page's link matters.
    shallow: bool = False


@dataclass(frozen=True, slots=True)
class ListingLink:
    """A link of a listing page the spider may follow."""

    #: Absolute URL, on the edition's hosts.
    url: str
    #: ``"article"``, ``"pagination"`` (another page of this listing) or ``"subsection"``.
    kind: LinkKind
    #: For an article link: one of the listing's own items, not of a box every page repeats.
    own: bool = False
    #: The anchor's text (the label a subsection gets).
    label: str = ""


@dataclass(slots=True)
class PageWork:
    """What a page gave."""

    #: The page's ticker lines, as items (every page repeats them: the spider keeps new ones).
    ticker: list[TickerItem] = field(default_factory=list)
    #: The article: of an article page that is one, or of a listing whose metadata declares one.
    article: ArticleItem | None = None
    #: An article page that is not an article (the CMS says ``"type": "page"``).
    not_article: bool = False
    #: A listing's links; own article links and pagination always, others once per worker.
    links: list[ListingLink] = field(default_factory=list)


def read_page(job: PageJob, seen: set[tuple[str, str, str]] | None = None) -> PageWork:
    """Read one (HTML) page.

    ``seen`` holds the links already reported to the spider (kind, URL, label); those that can
    only repeat what the spider did with them (other pages' boxes, menus, subsections, other
    pages of the listing) are left out and added. A listing's own article links are always
    reported, and in a shallow walk the link to its next page: whether to walk on depends on
    them.
    """
    response = HtmlResponse(url=job.url, body=job.body, encoding=job.encoding)
    page = html_page(response)
    assert page is not None  # an HtmlResponse is a text response
    profile = registry.by_name(job.site)
    work = PageWork(ticker=load_ticker(profile.ticker_lines(page), job.context, seen_at=utcnow()))
    article = profile.article_page(page, PageContext(job.regions, edition=profile.editions.get(job.context.edition)))
    if job.kind == "article":
        if article.is_article():
            work.article = load_article(article, job.context, section_hint=job.section_hint)
        else:
            work.not_article = True
        return work
    if article.declares_article():
        work.article = load_article(article, job.context, section_hint=job.section_hint)
    work.links = list(_listing_links(page, job, profile, seen if seen is not None else set()))
    return work


def _listing_links(page: Page, job: PageJob, profile: SiteProfile, seen: set[tuple[str, str, str]]) -> Iterator[ListingLink]:
    if len(seen) > SEEN_LINKS_MAX:
        seen.clear()
    following = profile.page_number(page.url) + 1
    links = _links_memo(profile, job.context.hosts)
    # an href means the same link on every page of the same path (a relative one included)
    path = page.url.split("#", 1)[0].split("?", 1)[0]
    on_page: set[tuple[str, str, str]] = set()
    for anchor in page.root.iter("a"):
        href = anchor.get("href")
        if href is None:
            continue
        known = links.get((path, href))
        if known is None:
            if len(links) > LINK_MEMO_MAX:
                links.clear()
            known = links[path, href] = _link_kind(page, href, job.context.hosts, profile)
        url, kind, number = known
        if kind == "article":
            own = not page.in_chrome(anchor)
            key = ("own" if own else "article", url, "")
            if key in on_page or (not own and key in seen):
                continue
            on_page.add(key)
            seen.add(key)
            yield ListingLink(url, "article", own=own)
        elif kind == "pagination":
            key = ("pagination", url, "")
            if job.shallow:
                if key not in on_page and number == following:
                    on_page.add(key)
                    yield ListingLink(url, "pagination")
            elif key not in seen:
                seen.add(key)
                yield ListingLink(url, "pagination")
        elif kind == "subsection":
            key = ("subsection", url, text_of(anchor))
            if key not in seen:
                seen.add(key)
                yield ListingLink(url, "subsection", label=key[2])


#: Most (page path, href) pairs whose link :func:`_link_kind` remembers; past it, it forgets them
#: all. A listing's pagination can link every other page of it: thousands of links, the same on
#: each of its pages.
LINK_MEMO_MAX = 65_536
_link_memo: tuple[tuple[SiteProfile, HostMap] | None, dict[tuple[str, str], tuple[str, LinkKind | None, int]]] = (None, {})


def _links_memo(profile: SiteProfile, hosts: HostMap) -> dict[tuple[str, str], tuple[str, LinkKind | None, int]]:
    """The link memo of a crawl's site and hosts (another crawl in this process starts a new one)."""
    global _link_memo  # noqa: PLW0603 - one memo per process, bounded
    if _link_memo[0] != (profile, hosts):
        _link_memo = ((profile, hosts), {})
    return _link_memo[1]


def _link_kind(page: Page, href: str, hosts: HostMap, profile: SiteProfile) -> tuple[str, LinkKind | None, int]:
    """What an href of a listing page links to: its absolute URL, its kind (``None``: nothing to
    follow) and, for another page of the listing, its page number."""
    url = page.absolute(href)
    if not url or not hosts.on_site(url):
        return "", None, 0
    if profile.page_kind(url) == "article":
        return url, "article", 0
    if profile.is_pagination(url, page.url):
        return url, "pagination", profile.page_number(url)
    if profile.is_subsection(url, page.url):
        return url, "subsection", 0
    return "", None, 0


@dataclass(frozen=True, slots=True)
class NewsJob:
    """An article page the ``news`` spider fetched, with what its discovery said of it."""

    url: str
    body: bytes
    encoding: str
    #: Whether Scrapy took the response for XML (the page is then read as XML, as in a callback).
    xml: bool
    #: The name of the site's profile (:mod:`newscrawl.sites.registry`).
    site: str
    context: LoadContext
    #: What the sitemaps and feeds said of the article; the menu section that listed it.
    hints: ArticleHints
    section: str | None


def read_news(job: NewsJob) -> ArticleItem | None:
    """The article of a page the ``news`` spider fetched (:func:`newscrawl.extraction.news_article`);
    ``None`` when the page holds none."""
    response = (XmlResponse if job.xml else HtmlResponse)(url=job.url, body=job.body, encoding=job.encoding)
    page = html_page(response)
    assert page is not None  # a text response
    return news_article(page, job.context, job.hints, job.section, registry.by_name(job.site))
