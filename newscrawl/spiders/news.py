"""The ``news`` spider: any news site, from its robots.txt, sitemaps, feeds and menus to its articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit, urlunsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newscrawl import discovery
from newscrawl.crawl.arguments import (
    SpiderArgumentError,
    check_url_argument,
    parse_base_url,
    parse_flag,
    parse_max_articles,
    refuse_unknown,
)
from newscrawl.crawl.backfill import DateWindow
from newscrawl.crawl.logs import REPORTED_META
from newscrawl.crawl.pagework import news_pool
from newscrawl.dates import http_date
from newscrawl.discovery import ArticleHints
from newscrawl.extract.response import html_page
from newscrawl.extraction import site_context
from newscrawl.fleet.discovery import SharedDiscovery
from newscrawl.fleet.keys import OWN_REQUEST, connect, worker_name
from newscrawl.loaders import LoadContext
from newscrawl.pagereading import NewsJob
from newscrawl.schedule import parse_moment
from newscrawl.sites import registry
from newscrawl.spiders import failure_kind, start_page_problem
from newscrawl.spiders.base import ArchiveSpider
from newscrawl.urls import HostMap, clean_url, host, is_static, origin, site_host, url_key

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable, Iterator

    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure
    from typing_extensions import Self

    from newscrawl.crawl.incremental import CrawlState
    from newscrawl.items import ArticleItem, NotArticleItem
    from newscrawl.pool import WorkerPool
    from newscrawl.sites.profile import Edition, SiteProfile


# Whose hints win when several sources describe an article: a news sitemap's, then a feed's.
_HINT_RANK = {"news_sitemap": 0, "feed": 1}


@dataclass
class Candidate:
    """An article URL found during discovery, with everything its sources said about it."""

    url: str
    #: ``(rank, document URL, hints)`` from every sitemap and feed that listed it.
    hints: list[tuple[int, str, ArticleHints]] = field(default_factory=list)
    #: ``(menu position, label)`` of the first section page that listed it.
    section: tuple[int, str] | None = None
    #: The latest ``<lastmod>`` a sitemap gave it, as given.
    lastmod: str | None = None

    def absorb(self, other: Candidate) -> None:
        """Add what ``other`` (the same article, as another worker of the run found it) says."""
        self.hints += [entry for entry in other.hints if entry not in self.hints]
        if other.section is not None and (self.section is None or other.section < self.section):
            self.section = other.section
        if other.lastmod and (self.lastmod is None or _later(other.lastmod, self.lastmod)):
            self.lastmod = other.lastmod

    def merged_hints(self) -> ArticleHints:
        """Every source's hints, field by field in order of trust (the same whatever order they came in)."""
        merged = ArticleHints()
        for _, _, hints in sorted(self.hints, key=lambda entry: entry[:2]):
            merged = merged.or_else(hints)
        return merged


class NewsSpider(ArchiveSpider):
    """Archive any news site, from the start URLs given.

    The crawl has two phases. Discovery fetches each start page, its robots.txt and the
    sitemaps (and sitemap indexes, gzipped or not) named there, the RSS and Atom feeds the start
    page links, and the section pages of its menus (one level). It collects article URLs from all
    of them, deduplicated, together with what news sitemaps and feeds say about each article
    (title, publication time, keywords, the sitemap's ``lastmod``). When discovery is done, each
    article the run takes (see below) is requested once; a page that does not hold an article
    is counted (``newscrawl/not_article``), not stored, and recorded so that later runs leave it
    alone for ``GONE_RECHECK_DAYS``. Sitemap and feed hints fill only the fields an article
    page does not show.

    Links are followed only on the start URLs' hosts (and the hosts they redirect to); a host
    and its ``www.`` twin are one site. A site that has a profile (:mod:`newscrawl.sites.registry`,
    by host) is read with its layers and its edition's time zone and language; any other with
    the generic layers. An article is its canonical URL on its site: the page's
    ``rel=canonical`` or ``og:url`` when it names the same site, else the URL fetched, without
    click-tracking parameters.

    Arguments (``-a name=value``):

    - ``start_urls``: one or more http(s) URLs, comma-separated (required);
    - ``max_articles``: request at most this many articles (a positive integer), start-page
      links first;
    - ``full``: ``1`` re-fetches every article found and every section page; by default
      (``0``) a run is incremental;
    - ``base_url``: fetch from this origin instead (a mirror such as
      ``http://127.0.0.1:8000``), crawled as if it were the site of the one start URL's
      origin: archived URLs name the real host;
    - ``since``, ``until``: a backfill of the articles published from ``since`` to ``until``
      (``YYYY-MM-DD``, both included, either optional): only articles a sitemap or feed dates in
      the window are requested (by their publication date, else a sitemap's ``lastmod`` before
      ``since`` rules one out), and sitemaps an index dates before ``since`` are not read.

    An incremental run requests the articles the archive does not hold, those whose re-check is
    due (``RECHECK_SCHEDULE``), and those whose sitemap ``lastmod`` is newer than the archive's
    copy. When the previous run on the same start URLs was complete, the start page's menu
    sections are fetched only if the start page links an article the archive does not know:
    a rerun on a site with nothing new asks for robots.txt, the sitemaps, the feeds and the
    start page, and nothing else.

    A 403 or a challenge page on a start page, or a start page that cannot be fetched, stops the
    crawl with a one-line reason and a non-zero exit (see ``newscrawl.commands``), as does a
    discovery that finds no article link at all.

    An article the site answers 404 or 410 for is gone, not an error: it is recorded
    (``gone_articles``) and not requested again until ``GONE_RECHECK_DAYS`` have passed.
    """

    name = "news"
    pages: WorkerPool[NewsJob, ArticleItem | None]

    def __init__(
        self,
        start_urls: str | None = None,
        *,
        max_articles: str | int | None = None,
        full: str | bool | None = None,
        base_url: str | None = None,
        since: str | None = None,
        until: str | None = None,
        **unknown: Any,
    ) -> None:
        refuse_unknown("news", unknown, "start_urls, max_articles, full, base_url, since, until")
        super().__init__()
        self.start_pages = parse_start_urls(start_urls)
        self.max_articles = parse_max_articles(max_articles)
        self.full = parse_flag("full", full)
        #: How each site's URLs map between where they are fetched and what they are archived as,
        #: by the fetched host (its ``www.`` twin folded in).
        self.sites: dict[str, HostMap] = {}
        if base_url:
            origins = {origin(url) for url in self.start_pages}
            if len(origins) > 1:
                raise SpiderArgumentError("base_url names a mirror of one site: give start_urls on one origin with it")
            self._add_site(HostMap(real_origin=origins.pop(), fetch_origin=parse_base_url(base_url)))
        for url in self.start_pages:
            if self._site_of(url) is None:
                self._add_site(HostMap(origin(url), origin(url)))
        # newscrawl.crawl.middlewares.HostGuardMiddleware refuses every other host, redirects included.
        self.allowed_domains = sorted({host(hosts.fetch_origin) for hosts in self.sites.values()})
        #: A backfill's window (``since``/``until``); ``None``: every article found.
        self.window = DateWindow.parse(since, until) if since or until else None
        self.arguments = {
            "start_urls": self.start_pages, "max_articles": self.max_articles, "full": self.full, "base_url": base_url or None,
        }  # fmt: skip
        if self.window is not None:
            # A backfill is its own kind of run: it walks no section, so it says nothing of them.
            self.arguments |= {"discover": "sitemap", "since": since or None, "until": until or None}
        self.profiles: dict[str, tuple[SiteProfile, Edition | None]] = {}
        self.candidates: dict[str, Candidate] = {}
        self.sections: dict[str, tuple[int, str]] = {}
        # A worker of a distributed run reads each start page itself (the sites' hosts, a
        # redirect to another host) before it takes any other page of the run.
        self.starts_left = len(self.start_pages)
        self.ready = not self.starts_left
        self.listed: set[tuple[str, str]] = set()
        self.offsite: set[str] = set()
        self.articles_scheduled = False
        #: In a distributed run, the run's discovery (every worker's candidates) and the keys of
        #: this worker's candidates found or changed since it last shared them.
        self.shared: SharedDiscovery | None = None
        self.unshared: set[str] = set()
        self.pages = news_pool()

    def fetch_origins(self) -> list[str]:
        return sorted({hosts.fetch_origin for hosts in self.sites.values()})

    def archive_key(self, url: str) -> str:
        hosts = self._site_of(url)
        return hosts.to_real(clean_url(url)) if hosts is not None else url_key(url)

    def run_scope(self) -> dict[str, Any]:
        return {"edition": None, "discover": self.arguments.get("discover", "menus"), "start_urls": self.start_pages}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if settings.get("REDIS_URL"):
            spider.shared = SharedDiscovery(
                connect(settings["REDIS_URL"]), spider.name, worker_name(), settings.getfloat("FLEET_WORKER_TIMEOUT", 30.0)
            )
        # Before the scheduler's: the articles requested here keep the run from looking over.
        crawler.signals.connect(spider.discovery_done, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_pages:
            fetch = self._to_fetch(url)
            self.frontier.take_page(fetch)
            yield Request(
                fetch,
                callback=self.parse_start,
                errback=self.start_failed,
                meta={"handle_httpstatus_all": True, OWN_REQUEST: True, **REPORTED_META},
                dont_filter=True,
            )

    # --- discovery ------------------------------------------------------------------------

    def parse_start(self, response: Response) -> Iterator[Request]:
        """A start page: refuse a block, then its robots.txt, feeds, menu sections and article links."""
        problem = start_page_problem(response, "start page")
        if problem:
            self.stop(*problem)
        assert isinstance(response, TextResponse)
        if self._site_of(response.url) is None:
            # A redirect to another host (site.example → site.example.com) makes it the site.
            self._add_site(HostMap(origin(response.url), origin(response.url)))
        self.starts_left -= 1
        self.ready = self.starts_left <= 0
        self.frontier.take_page(response.url)
        yield from self._follow(origin(response.url) + "/robots.txt", self.parse_robots)
        page = html_page(response)
        assert page is not None
        for url in discovery.feed_links(page):
            yield from self._follow(url, self.parse_feed)
        profile = self._profile(response.url)
        articles = [url for url in discovery.page_links(page) if profile.page_kind(url) == "article"]
        # Past a start page that links nothing new, its sections hold nothing new either (the
        # sitemaps and feeds still name what is).
        # A backfill takes only what sitemaps and feeds date: section pages date nothing.
        walk_sections = self.window is None and (
            not self.shallow or any(not self.frontier.is_known(url) for url in articles if self._on_site(url))
        )
        for link in profile.menu_links(page):
            url, label = link.url, link.label
            if profile.page_kind(url) == "article":
                self._add(url, "start_page")
            elif not self._on_site(url):
                self._skip_offsite(url)
            elif (
                not is_static(url)
                and url_key(self._to_fetch(url)) not in self.frontier.requested
                and _path(url) not in self.sections
            ):
                section = (len(self.sections), label or _path(url))
                self.sections[_path(url)] = section
                if walk_sections:
                    yield from self._follow(url, self.parse_section, cb_kwargs={"section": section})
                else:
                    self.inc("newscrawl/sections_skipped")
        for url in articles:
            self._add(url, "start_page")

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """robots.txt: the sitemaps its ``Sitemap:`` lines name."""
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield from self._follow(url, self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """A sitemap index (its sitemaps) or a sitemap (its pages; a news sitemap's with hints)."""
        body = discovery.sitemap_body(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        sitemap = discovery.parse_sitemap(body, response.url) if body is not None else None
        if sitemap is None or sitemap.kind is None:
            self.inc("newscrawl/bad_sitemaps")
            self.logger.warning("Ignoring %s: not a sitemap", response.url)
            return
        for link in sitemap.links:
            if sitemap.kind == "sitemapindex":
                if self.window is None or self.window.may_hold(None, link.lastmod):
                    yield from self._follow(link.url, self.parse_sitemap)
            elif link.hints is not None:
                # Google News sitemaps list articles only, whatever their URLs look like.
                self._add(link.url, "news_sitemap", hints=link.hints, document=response.url, declared=True, lastmod=link.lastmod)
            else:
                self._add(link.url, "sitemap", lastmod=link.lastmod)

    def parse_feed(self, response: Response) -> None:
        """An RSS or Atom feed: its entries' links, with their titles and dates as hints."""
        entries = discovery.parse_feed(response.body, response.url)
        if not entries:
            self.logger.warning("No entries in feed %s", response.url)
        for entry in entries:
            self._add(entry.url, "feed", hints=entry.hints, document=response.url)

    def parse_section(self, response: Response, section: tuple[int, str]) -> None:
        """A section page of the start page's menus (``section``: its menu position and label):
        its article links. Its other links are not followed."""
        page = html_page(response)
        if page is None:
            return
        profile = self._profile(response.url)
        for url in discovery.page_links(page):
            if profile.page_kind(url) == "article":
                self._add(url, "section", section=section)

    def discovery_done(self) -> None:
        """``spider_idle``: discovery is over, so request the articles the run takes, once each:
        those found, then the archived ones whose re-check is due. In a distributed run, when
        the whole run's discovery is over (:mod:`newscrawl.fleet.discovery`)."""
        if self.shared is not None:
            self._share_discovery()
            return
        if self.articles_scheduled:
            return
        self.articles_scheduled = True
        self._request_articles(self.candidates)
        raise DontCloseSpider

    def _share_discovery(self) -> None:
        """Add what this worker found to the run's discovery; request the run's articles when
        this worker takes the discovery over, or what it found late, after another did."""
        assert self.shared is not None
        part = [self.candidates[key] for key in sorted(self.unshared)]
        self.unshared.clear()
        outcome = self.shared.share(part or None)
        if outcome == "taken":
            merged: dict[str, Candidate] = {}
            for found in self.shared.parts():
                for candidate in cast("list[Candidate]", found):
                    merged.setdefault(url_key(candidate.url), Candidate(candidate.url)).absorb(candidate)
            self._request_articles(merged)
            raise DontCloseSpider
        if outcome == "over" and part:
            requested = self.frontier.articles_requested
            self._take(part)
            self.inc("newscrawl/articles_requested", self.frontier.articles_requested - requested)
            raise DontCloseSpider

    def _request_articles(self, candidates: dict[str, Candidate]) -> None:
        """Request the articles the run takes among ``candidates`` (every one discovery found),
        then the archived ones whose re-check is due."""
        self.set_stat("newscrawl/articles_found", len(candidates))
        if not candidates:
            self.stop("failed", f"found no article links, feeds or sitemaps from {', '.join(self.start_pages)}")
        self._take(candidates.values())
        found = {self.archive_key(c.url): c for c in candidates.values()}
        assert self.crawler.engine is not None
        for url in self.frontier.due_rechecks(self._recent_articles):
            if self.frontier.take_article(self._to_fetch(url), due=True):
                self.crawler.engine.crawl(self._article_request(found.get(url) or Candidate(self._to_fetch(url))))
        self.set_stat("newscrawl/articles_requested", self.frontier.articles_requested)

    def _take(self, candidates: Iterable[Candidate]) -> None:
        """Request each of ``candidates`` the run takes (see the class)."""
        assert self.crawler.engine is not None
        for candidate in candidates:
            if self.window is not None and not self._in_window(candidate):
                self.inc("newscrawl/outside_window")
                continue
            newer = False
            if candidate.lastmod is not None:
                if self.frontier.is_current(candidate.url, candidate.lastmod):
                    continue
                newer = self.frontier.is_archived(candidate.url)
            if self.frontier.take_article(candidate.url, newer=newer):
                self.crawler.engine.crawl(self._article_request(candidate))

    def _in_window(self, candidate: Candidate) -> bool:
        """Whether what the sitemaps and feeds say of a candidate puts it in the backfill's window
        (one they do not date is not requested)."""
        assert self.window is not None
        published = candidate.merged_hints().published
        return (published or candidate.lastmod) is not None and self.window.may_hold(published, candidate.lastmod)

    def _article_request(self, candidate: Candidate) -> Request:
        section = candidate.section[1] if candidate.section else self._section_of(candidate.url)
        return Request(
            candidate.url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"hints": candidate.merged_hints(), "section": section, "lastmod": candidate.lastmod},
        )

    def _recent_articles(self, state: CrawlState, since: str) -> list[tuple[str, str | None, str, str]]:
        return state.recent_articles(None, since, origins=sorted({hosts.real_origin for hosts in self.sites.values()}))

    # --- articles -------------------------------------------------------------------------

    async def parse_article(
        self, response: Response, hints: ArticleHints, section: str | None, lastmod: str | None = None
    ) -> AsyncIterator[ArticleItem | NotArticleItem]:
        """An article page, read by the page pool: stored if it holds an article, sitemap and
        feed hints filling its gaps."""
        if not isinstance(response, TextResponse):
            return
        self.inc("newscrawl/article_pages")
        hosts = self._site_of(response.url) or HostMap(origin(response.url), origin(response.url))
        profile, edition = self._reading(hosts)
        context = LoadContext.for_edition(edition, hosts) if edition is not None else site_context(hosts)
        job = NewsJob(
            url=response.url,
            body=response.body,
            encoding=response.encoding,
            xml=isinstance(response, XmlResponse),
            site=profile.name,
            context=context.at(http_date(response.headers.get("Date"))),
            hints=hints,
            section=section,
        )
        item = await self.pages.run(job)
        if item is None:
            yield self.not_article(response)
            return
        item.sitemap_lastmod = lastmod
        yield item

    def start_failed(self, failure: Failure) -> None:
        """A start page could not be fetched at all (DNS, refused connection, timeout, robots.txt)."""
        self.cannot_start(failure, ", ".join(self.start_pages))

    def discovery_failed(self, failure: Failure) -> None:
        """A robots.txt, sitemap, feed or section page could not be fetched: the crawl goes on without it."""
        if failure_kind(failure) == "blocked":
            return  # the block was reported where it was seen
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self.inc("newscrawl/discovery_errors")
        if isinstance(failure.value, HttpError):
            # A site without robots.txt, or a feed that moved: worth a line, not an alarm.
            self.logger.info("Discovery: %s answered HTTP %s", url, failure.value.response.status)
        else:
            self.logger.warning("Discovery: cannot fetch %s: %s", url, failure.getErrorMessage() or repr(failure.value))

    # --- following ------------------------------------------------------------------------

    def _follow(self, url: str, callback: Callable[..., Any], cb_kwargs: dict[str, Any] | None = None) -> Iterator[Request]:
        """A discovery request for ``url``, unless it is off the site or already requested."""
        if not self._on_site(url):
            self._skip_offsite(url)
            return
        fetch = self._to_fetch(url)
        if self.frontier.take_page(fetch):
            yield Request(fetch, callback=callback, errback=self.discovery_failed, cb_kwargs=cb_kwargs)

    def _add(
        self,
        url: str,
        source: str,
        *,
        hints: ArticleHints | None = None,
        document: str = "",
        section: tuple[int, str] | None = None,
        declared: bool = False,
        lastmod: str | None = None,
    ) -> None:
        """Record an article URL found by ``source`` (``declared``: listed as an article, whatever its URL)."""
        if declared:
            if urlsplit(url).scheme not in ("http", "https") or is_static(url):
                return
        elif self._profile(url).page_kind(url) != "article":
            return
        if not self._on_site(url):
            self._skip_offsite(url)
            return
        fetch = self._to_fetch(url)
        key = url_key(fetch)
        if key in self.frontier.requested:
            return  # a start, section, sitemap or feed page
        if (source, key) not in self.listed:
            self.listed.add((source, key))
            self.inc(f"newscrawl/found/{source}")
        candidate = self.candidates.setdefault(key, Candidate(fetch))
        self.unshared.add(key)
        if hints:
            candidate.hints.append((_HINT_RANK[source], document, hints))
        if section is not None and (candidate.section is None or section < candidate.section):
            candidate.section = section
        if lastmod and (candidate.lastmod is None or _later(lastmod, candidate.lastmod)):
            candidate.lastmod = lastmod

    def _add_site(self, hosts: HostMap) -> None:
        self.sites[site_host(host(hosts.fetch_origin))] = hosts
        self.sites.setdefault(site_host(host(hosts.real_origin)), hosts)

    def _reading(self, hosts: HostMap) -> tuple[SiteProfile, Edition | None]:
        """The profile (and edition) that reads the site at ``hosts``, by its real host."""
        found = self.profiles.get(hosts.real_origin)
        if found is None:
            found = self.profiles[hosts.real_origin] = registry.for_url(hosts.real_origin)
        return found

    def _profile(self, url: str) -> SiteProfile:
        """The profile of the site of ``url`` (the generic one off the crawl's sites)."""
        hosts = self._site_of(url)
        return self._reading(hosts)[0] if hosts is not None else registry.by_name("generic")

    def _site_of(self, url: str) -> HostMap | None:
        return self.sites.get(site_host(host(url)))

    def _to_fetch(self, url: str) -> str:
        hosts = self._site_of(url)
        return hosts.to_fetch(clean_url(url)) if hosts is not None else clean_url(url)

    def _on_site(self, url: str) -> bool:
        return urlsplit(url).scheme in ("http", "https") and self._site_of(url) is not None

    def _skip_offsite(self, url: str) -> None:
        key = url_key(url)
        if key not in self.offsite:
            self.offsite.add(key)
            self.inc("newscrawl/offsite_skipped")

    def _section_of(self, url: str) -> str | None:
        """The label of the deepest menu section whose path an article's path sits under."""
        path = _path(url)
        parents = [p for p in self.sections if p != "/" and path.startswith(p + "/")]
        return self.sections[max(parents, key=len)][1] if parents else None


def parse_start_urls(value: str | None) -> list[str]:
    """The ``start_urls`` argument: comma-separated http(s) URLs, each kept once, without fragment."""
    urls = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not urls:
        raise SpiderArgumentError(
            "start_urls is required: one or more http(s) URLs, comma-separated, such as https://site.example/"
        )
    found: list[str] = []
    for url in urls:
        check_url_argument("start_urls: ", url)
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise SpiderArgumentError(f"start_urls: {url!r} is not an http(s) URL such as https://site.example/")
        try:
            parts.port  # noqa: B018 - validates the port
        except ValueError as exc:
            raise SpiderArgumentError(f"start_urls: {url!r} has an invalid port") from exc
        normal = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))
        if normal not in found:
            found.append(normal)
    return found


def _later(a: str, b: str) -> bool:
    """Whether sitemap ``lastmod`` ``a`` is later than ``b`` (a value that does not parse is not)."""
    first, second = parse_moment(a), parse_moment(b)
    return first is not None and (second is None or first > second)


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"
