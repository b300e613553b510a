"""The ``almayadeen`` spider: an Al Mayadeen edition, from its menus down to every article."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.http import Request, Response, TextResponse

from newscrawl.archive import utcnow
from newscrawl.crawl.arguments import (
    SpiderArgumentError,
    parse_base_url,
    parse_flag,
    parse_max_articles,
    refuse_unknown,
)
from newscrawl.crawl.backfill import DateWindow
from newscrawl.crawl.logs import REPORTED_META
from newscrawl.crawl.pagework import page_pool
from newscrawl.dates import http_date
from newscrawl.discovery import SitemapLink, parse_sitemap, sitemap_body
from newscrawl.extract.response import html_page
from newscrawl.fleet.keys import OWN_REQUEST
from newscrawl.loaders import LoadContext, load_ticker
from newscrawl.pagereading import PageJob
from newscrawl.sites import registry
from newscrawl.spiders import start_page_problem
from newscrawl.spiders.base import ArchiveSpider
from newscrawl.urls import HostMap, canonical, host

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from lxml.html import HtmlElement
    from twisted.python.failure import Failure

    from newscrawl.extract.document import Page
    from newscrawl.items import ArticleItem, NotArticleItem, TickerItem
    from newscrawl.pagereading import PageWork
    from newscrawl.pool import WorkerPool
    from newscrawl.sites.profile import PageKind


# A listing's first page comes before articles, so the labels its menus give are known before
# its articles parse; a listing's further pages come after the articles already found, so the
# queue of requests stays about a page of each listing long, whatever the site's size.
_LISTING_PRIORITY = 10
_PAGINATION_PRIORITY = -10


class AlMayadeenSpider(ArchiveSpider):
    """Crawl one Al Mayadeen edition into the archive.

    Starts at the homepage, takes the sections and regions from its menus, walks every listing
    through its pagination (and the subsections it links to), and parses each article once.
    Every page's BREAKING ticker is recorded.

    Arguments (``-a name=value``):

    - ``base_url``: where to fetch from; default the edition's site. A mirror such as
      ``http://127.0.0.1:8000`` is crawled as if it were the site: archived URLs name the real
      host.
    - ``edition``: ``en`` (default), ``ar`` or ``es``.
    - ``max_articles``: stop after requesting this many articles (a positive integer).
    - ``full``: ``1`` re-fetches every article and walks every listing page; by default
      (``0``) a run is incremental.
    - ``discover``: ``menus`` (default) walks the menus' listings; ``sitemap`` backfills from
      the sitemap index instead: the articles published from ``since`` to ``until``
      (``YYYY-MM-DD``, both optional), skipping those the archive holds at the version the
      sitemap's ``lastmod`` names. Each article keeps what its sitemap entry said of it.

    An incremental run fetches the articles the archive does not hold, and those whose re-check
    is due (``RECHECK_SCHEDULE``, see :mod:`newscrawl.schedule`). It stops walking a listing's
    pagination at the first page that holds nothing new, unless the edition's previous run did
    not complete (killed, capped, or an article lost): then it walks every listing page, so the
    work an interrupted run left is done.

    An article the site answers 404 or 410 for is gone, not lost: it is recorded
    (``gone_articles``), and the run stays complete. An incremental run asks for it again only
    once ``GONE_RECHECK_DAYS`` have passed, and counts it as known when judging whether a listing
    page holds something new. Whatever the archive held of it stays.

    A 403 or a challenge page on the homepage, an unreachable homepage, or a homepage without
    menus stops the crawl with a one-line reason and a non-zero exit (see ``newscrawl.commands``).
    """

    name = "almayadeen"
    #: The site this spider walks (:mod:`newscrawl.sites`).
    profile = registry.by_name("almayadeen")
    pages: WorkerPool[PageJob, PageWork]

    def __init__(
        self,
        *,
        base_url: str | None = None,
        edition: str | None = None,
        max_articles: str | int | None = None,
        full: str | bool | None = None,
        discover: str = "menus",
        since: str | None = None,
        until: str | None = None,
        **unknown: Any,
    ) -> None:
        refuse_unknown("almayadeen", unknown, "base_url, edition, max_articles, full, discover, since, until")
        if discover not in ("menus", "sitemap"):
            raise SpiderArgumentError(f"discover={discover!r} is not one of menus, sitemap")
        if discover != "sitemap" and (since or until):
            raise SpiderArgumentError("since and until go with discover=sitemap")
        super().__init__()
        edition = self.profile.default_edition if edition is None else edition
        if edition not in self.profile.editions:
            raise SpiderArgumentError(f"edition={edition!r} is not one of {', '.join(self.profile.editions)}")
        real_origin = self.profile.editions[edition].origin
        self.hosts = HostMap(real_origin=real_origin, fetch_origin=parse_base_url(base_url or real_origin))
        # Only the host fetched from: a crawl of a mirror never reaches the real site, even by a
        # redirect (newscrawl.crawl.middlewares.HostGuardMiddleware refuses every other host).
        self.allowed_domains = [host(self.hosts.fetch_origin)]
        self.edition = edition
        self.max_articles = parse_max_articles(max_articles)
        self.full = parse_flag("full", full)
        self.discover = discover
        self.window = DateWindow.parse(since, until)
        self.arguments = {
            "base_url": self.hosts.fetch_origin, "edition": edition, "max_articles": self.max_articles, "full": self.full,
            "discover": discover, "since": since or None, "until": until or None,
        }  # fmt: skip
        self.context = LoadContext.for_edition(self.profile.editions[edition], self.hosts)
        self.sitemap_index = self.profile.sitemap_index or "/sitemap.xml"
        # Listing paths → labels: the edition's own words, then what the menus and listings
        # teach as the crawl goes.
        words = self.profile.editions[edition].words
        self.ready = False  # until the homepage's menus are read
        self.sections: dict[str, str] = dict(words.sections)
        self.regions: dict[str, str] = dict(words.regions)
        self.ticker_seen: set[str] = set()
        self.pages = page_pool()

    def fetch_origins(self) -> list[str]:
        return [self.hosts.fetch_origin]

    def archive_key(self, url: str) -> str:
        return canonical(self.hosts.to_real(url))

    def run_scope(self) -> dict[str, Any]:
        # A backfill from the sitemap walks no listing: only a menus run says the listings were walked.
        return {"edition": self.edition, "discover": "menus"}

    async def start(self) -> AsyncIterator[Request]:
        # Every worker of a distributed run reads the menus from its own fetch of the homepage.
        yield Request(
            self.hosts.fetch_origin + "/",
            callback=self.parse_home,
            errback=self.home_failed,
            meta={"handle_httpstatus_all": True, OWN_REQUEST: True, **REPORTED_META},
            dont_filter=True,
        )

    # --- callbacks ------------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[Request | TickerItem]:
        """The homepage: refuse a block, record the ticker, follow menus and teasers."""
        problem = start_page_problem(response, "homepage")
        if problem:
            self.stop(*problem)
        page = html_page(response)
        assert page is not None  # start_page_problem refuses anything but HTML
        yield from self._ticker(page)
        menu = [m for m in self.profile.menu_links(page, self.profile.editions[self.edition]) if self.hosts.on_site(m.url)]
        if not menu:
            self.stop("failed", f"no section menu found on {response.url}: the site's layout may have changed")
        sections, regions = self.profile.menu_labels(menu)
        self.sections.update(sections)
        self.regions.update(regions)
        self.logger.info("Menus: %d sections, %d regions", len(self.sections), len(self.regions))
        self.ready = True
        if self.discover == "sitemap":
            yield Request(
                self.hosts.fetch_origin + self.sitemap_index,
                callback=self.parse_sitemap,
                errback=self.listing_failed,
                priority=_LISTING_PRIORITY,
            )
            return
        for link in menu:
            yield from self._follow_listing(link.url)
        for url, _ in self._links(page):
            if self.profile.page_kind(url) == "article":
                yield from self._follow_article(url)
        yield from self._due_rechecks()

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """The sitemap index or one of its monthly children: the months and articles of the window."""
        parsed = parse_sitemap(sitemap_body(response.body) or b"", response.url)
        if parsed.kind is None:
            if response.url.endswith(self.sitemap_index):
                self.stop("failed", f"no sitemap index at {response.url}: the site's layout may have changed")
            self.logger.error("sitemap %s could not be read", response.url)
            return
        assert self.crawler.stats is not None
        for link in parsed.links:
            if not self.hosts.on_site(link.url):
                continue
            if parsed.kind == "sitemapindex":
                month = self.profile.sitemap_month(link.url)
                if (month and not self.window.holds_month(*month)) or not self.window.may_hold(None, link.lastmod):
                    continue
                yield Request(
                    self.hosts.to_fetch(link.url),
                    callback=self.parse_sitemap,
                    errback=self.listing_failed,
                    priority=_LISTING_PRIORITY,
                )
                continue
            published = link.hints.published if link.hints else None
            if self.profile.page_kind(link.url) != "article" or not self.window.may_hold(published, link.lastmod):
                continue
            if self.frontier.is_current(link.url, link.lastmod):
                continue
            yield from self._follow_article(link.url, newer=True, sitemap=link)

    async def parse_listing(self, response: Response) -> AsyncIterator[Request | ArticleItem | TickerItem]:
        """A section or region listing: its articles, its other pages and its subsections.

        A page whose metadata declares an article is also stored as one, whatever its URL looks
        like (a short slug such as ``/articles/gaza`` has a listing's shape).
        """
        work = await self._read(response, "listing")
        if work is None:
            return
        for ticker in self._new_ticker(work.ticker):
            yield ticker
        if work.article is not None:
            yield work.article
        pages: list[str] = []
        holds_new = False
        for link in work.links:
            if link.kind == "article":
                # the listing's own items, not a "Most Read" box every page repeats
                if link.own:
                    self.inc("newscrawl/listing_article_links")
                holds_new |= self.shallow and link.own and not self.frontier.is_known(link.url)
                for request in self._follow_article(link.url):
                    yield request
            elif link.kind == "pagination":
                pages.append(link.url)
            else:
                if link.label and self.profile.listing_path(link.url) not in self.regions:
                    self.sections.setdefault(self.profile.listing_path(link.url), link.label)
                for request in self._follow_listing(link.url):
                    yield request
        if self.shallow and not holds_new:
            # Newest first: past a page of archived articles, the rest was archived before (the
            # links of a shallow walk name only the next page).
            pages = []
        for url in pages:
            for request in self._follow_listing(url, _PAGINATION_PRIORITY):
                yield request

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleItem | NotArticleItem | TickerItem]:
        """An article page: its ticker, then the article itself."""
        work = await self._read(response, "article")
        if work is None:
            return
        for ticker in self._new_ticker(work.ticker):
            yield ticker
        if work.not_article or work.article is None:
            yield self.not_article(response)
            return
        item = work.article
        entry: SitemapLink | None = response.meta.get("sitemap")
        if entry is not None:
            item.sitemap_lastmod = entry.lastmod
            if entry.hints:
                hints = entry.hints
                item.sitemap_news = {"title": hints.title, "publication_date": hints.published, "keywords": list(hints.keywords)}
        yield item

    async def _read(self, response: Response, kind: PageKind) -> PageWork | None:
        """The page's ticker, article and links, read by the page pool (``None``: not HTML); counted
        as ``newscrawl/listing_pages`` or ``newscrawl/article_pages``."""
        if not isinstance(response, TextResponse):
            return None
        self.inc(f"newscrawl/{kind}_pages")
        job = PageJob(
            url=response.url,
            body=response.body,
            encoding=response.encoding,
            kind=kind,
            site=self.profile.name,
            regions=self.regions,
            context=self.context.at(http_date(response.headers.get("Date"))),
            section_hint=self._section_hint(response.url),
            shallow=self.shallow,
        )
        return await self.pages.run(job)

    def home_failed(self, failure: Failure) -> None:
        """The homepage could not be fetched at all (DNS, refused connection, timeout, robots.txt)."""
        self.cannot_start(failure, self.hosts.fetch_origin)

    # --- following ------------------------------------------------------------------------

    def _follow_listing(self, url: str, priority: int = _LISTING_PRIORITY) -> Iterator[Request]:
        url = self.hosts.to_fetch(url)
        if self.frontier.take_page(url):
            yield Request(url, callback=self.parse_listing, errback=self.listing_failed, priority=priority)

    def _follow_article(
        self, url: str, *, due: bool = False, newer: bool = False, sitemap: SitemapLink | None = None
    ) -> Iterator[Request]:
        """Request an article once per run, if the frontier takes it (see :class:`Frontier`)."""
        url = self.hosts.to_fetch(url)
        if self.frontier.take_article(url, due=due, newer=newer):
            meta = {"sitemap": sitemap} if sitemap else {}
            yield Request(url, callback=self.parse_article, errback=self.article_failed, meta=meta)

    def _due_rechecks(self) -> Iterator[Request]:
        """Archived articles of the edition whose re-check is due, by the schedule."""
        for url in self.frontier.due_rechecks(lambda state, since: state.recent_articles(self.edition, since)):
            yield from self._follow_article(url, due=True)

    def _links(self, page: Page) -> Iterator[tuple[str, HtmlElement]]:
        """Absolute URLs of the page's links on the edition, with their anchors."""
        for anchor in page.root.iter("a"):
            url = page.absolute(anchor.get("href"))
            if url and self.hosts.on_site(url):
                yield url, anchor

    # --- helpers --------------------------------------------------------------------------

    def _ticker(self, page: Page) -> Iterator[TickerItem]:
        """The ticker lines of a page read here (the homepage) that this run has not seen yet."""
        yield from self._new_ticker(load_ticker(self.profile.ticker_lines(page), self.context, seen_at=utcnow()))

    def _new_ticker(self, items: list[TickerItem]) -> Iterator[TickerItem]:
        """The ticker items whose line this run has not seen yet (every page repeats them)."""
        for item in items:
            if item.text not in self.ticker_seen:
                self.ticker_seen.add(item.text)
                yield item

    def _section_hint(self, url: str) -> str | None:
        """The label of the listing an article URL sits under (``/news/politics/x`` → ``Politics``)."""
        return self.profile.section_hint(url, self.sections)
