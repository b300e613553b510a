"""The ``news`` spider: any news site, from its robots.txt, sitemaps, feeds and menus to its articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newscrawl import discovery
from newscrawl.archive import ArchiveState
from newscrawl.arguments import SpiderArgumentError, check_url_argument, gone_recheck, parse_max_articles
from newscrawl.discovery import ArticleHints
from newscrawl.extract.response import html_page
from newscrawl.extraction import news_article, site_context
from newscrawl.schedule import parse_moment
from newscrawl.spiders import LOOPBACK_SETTINGS, article_gone, failure_kind, record_failure, start_page_problem
from newscrawl.urls import clean_url, host, is_loopback, is_static, origin, url_key

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure
    from typing_extensions import Self

    from newscrawl.items import ArticleItem, GoneItem


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

    def merged_hints(self) -> ArticleHints:
        """Every source's hints, field by field in order of trust (the same whatever order they came in)."""
        merged = ArticleHints()
        for _, _, hints in sorted(self.hints, key=lambda entry: entry[:2]):
            merged = merged.or_else(hints)
        return merged


class NewsSpider(scrapy.Spider):
    """Archive any news site, from the start URLs given.

    The crawl has two phases. Discovery fetches each start page, its robots.txt and the
    sitemaps (and sitemap indexes, gzipped or not) named there, the RSS and Atom feeds the start
    page links, and the section pages of its menus (one level). It collects article URLs from all
    of them, deduplicated, together with what news sitemaps and feeds say about each article
    (title, publication time, keywords). When discovery is done, each article is requested once;
    a page that does not hold an article is counted (``newscrawl/not_article``) and not stored.
    Sitemap and feed hints fill only the fields an article page does not show.

    Links are followed only on the start URLs' hosts (and the hosts they redirect to).

    Arguments (``-a name=value``):

    - ``start_urls``: one or more http(s) URLs, comma-separated (required);
    - ``max_articles``: request at most this many articles (a positive integer), start-page
      links first.

    A 403 or a challenge page on a start page, or a start page that cannot be fetched, stops the
    crawl with a one-line reason and a non-zero exit (see ``newscrawl.commands``), as does a
    discovery that finds no article link at all.

    An article the site answers 404 or 410 for is gone, not an error: it is recorded
    (``gone_articles``) and not requested again until ``GONE_RECHECK_DAYS`` have passed.
    """

    name = "news"

    def __init__(self, start_urls: str | None = None, max_articles: str | int | None = None, **unknown: Any) -> None:
        unknown.pop("_job", None)  # set by scrapyd, harmless
        if unknown:
            raise SpiderArgumentError(f"unknown argument(s) {', '.join(sorted(unknown))}; news takes start_urls, max_articles")
        super().__init__()
        self.start_pages = parse_start_urls(start_urls)
        self.max_articles = parse_max_articles(max_articles)
        # One load context per host: an article's URLs are judged against its own site.
        self.contexts = {host(url): site_context(origin(url)) for url in self.start_pages}
        # newscrawl.middlewares.HostGuardMiddleware refuses every other host, redirects included.
        self.allowed_domains = sorted(self.contexts)
        self.arguments = {"start_urls": self.start_pages, "max_articles": self.max_articles}
        self.requested: set[str] = set()
        self.candidates: dict[str, Candidate] = {}
        self.sections: dict[str, tuple[int, str]] = {}
        self.listed: set[tuple[str, str]] = set()
        self.offsite: set[str] = set()
        self.articles_scheduled = False
        self.gone_recheck = timedelta(days=30)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if all(is_loopback(url) for url in spider.start_pages):
            # A server on this machine is ours: no politeness delays. "spider" priority, so
            # settings given with -s still win.
            for name, value in LOOPBACK_SETTINGS.items():
                crawler.settings.set(name, value, priority="spider")
        crawler.signals.connect(spider.discovery_done, signal=signals.spider_idle)
        spider.gone_recheck = gone_recheck(crawler.settings)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_pages:
            self.requested.add(url_key(url))
            yield Request(
                url,
                callback=self.parse_start,
                errback=self.start_failed,
                meta={"handle_httpstatus_all": True},
                dont_filter=True,
            )

    # --- discovery ------------------------------------------------------------------------

    def parse_start(self, response: Response) -> Iterator[Request]:
        """A start page: refuse a block, then its robots.txt, feeds, menu sections and article links."""
        problem = start_page_problem(response, "start page")
        if problem:
            self._stop(*problem)
        assert isinstance(response, TextResponse)
        # A redirect to another host of the site (example.net → www.example.net) makes it the site.
        self.contexts.setdefault(host(response.url), site_context(origin(response.url)))
        self.requested.add(url_key(response.url))
        yield from self._follow(origin(response.url) + "/robots.txt", self.parse_robots)
        page = html_page(response)
        assert page is not None
        for url in discovery.feed_links(page):
            yield from self._follow(url, self.parse_feed)
        for url, label in discovery.menu_links(page):
            if discovery.is_article_link(url):
                self._add(url, "start_page")
            elif not self._on_site(url):
                self._skip_offsite(url)
            elif not is_static(url) and url_key(url) not in self.requested:
                section = (len(self.sections), label or _path(url))
                self.sections[_path(url)] = section
                yield from self._follow(url, self.parse_section, cb_kwargs={"section": section})
        for url in discovery.page_links(page):
            if discovery.is_article_link(url):
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
            self._inc("newscrawl/bad_sitemaps")
            self.logger.warning("Ignoring %s: not a sitemap", response.url)
            return
        for link in sitemap.links:
            if sitemap.kind == "sitemapindex":
                yield from self._follow(link.url, self.parse_sitemap)
            elif link.hints is not None:
                # Google News sitemaps list articles only, whatever their URLs look like.
                self._add(link.url, "news_sitemap", hints=link.hints, document=response.url, declared=True)
            else:
                self._add(link.url, "sitemap")

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
        for url in discovery.page_links(page):
            if discovery.is_article_link(url):
                self._add(url, "section", section=section)

    def discovery_done(self) -> None:
        """``spider_idle``: discovery is over, so request every article found, once."""
        if self.articles_scheduled:
            return
        self.articles_scheduled = True
        self._set("newscrawl/articles_found", len(self.candidates))
        if not self.candidates:
            self._stop("failed", f"found no article links, feeds or sitemaps from {', '.join(self.start_pages)}")
        assert self.crawler.engine is not None
        chosen = self._not_gone(list(self.candidates.values()))[: self.max_articles]
        for candidate in chosen:
            hints = candidate.merged_hints()
            section = candidate.section[1] if candidate.section else self._section_of(candidate.url)
            self.crawler.engine.crawl(
                Request(
                    candidate.url,
                    callback=self.parse_article,
                    errback=self.article_failed,
                    cb_kwargs={"hints": hints, "section": section},
                )
            )
        self._set("newscrawl/articles_requested", len(chosen))
        raise DontCloseSpider

    # --- articles -------------------------------------------------------------------------

    def parse_article(self, response: Response, hints: ArticleHints, section: str | None) -> Iterator[ArticleItem]:
        """An article page: stored if it holds an article, sitemap and feed hints filling its gaps."""
        page = html_page(response)
        if page is None:
            return
        self._inc("newscrawl/article_pages")
        context = self.contexts.get(host(response.url)) or site_context(origin(response.url))
        item = news_article(page, context, hints, section)
        if item is None:
            self._inc("newscrawl/not_article")
            return
        yield item

    def start_failed(self, failure: Failure) -> None:
        """A start page could not be fetched at all (DNS, refused connection, timeout, robots.txt)."""
        if failure_kind(failure) == "blocked":
            return  # the block was reported where it was seen
        request = getattr(failure, "request", None)
        url = request.url if request is not None else ", ".join(self.start_pages)
        self._stop("failed", f"cannot reach {url}: {failure.getErrorMessage() or repr(failure.value)}")

    def article_failed(self, failure: Failure) -> Iterator[GoneItem]:
        """An article could not be fetched (after retries), is gone (404, 410: recorded as
        such), or is skipped for good (oversized, redirected off its host)."""
        gone = article_gone(self, failure, url_key)
        if gone is not None:
            yield gone
        else:
            record_failure(self, "article", failure)

    def discovery_failed(self, failure: Failure) -> None:
        """A robots.txt, sitemap, feed or section page could not be fetched: the crawl goes on without it."""
        if failure_kind(failure) == "blocked":
            return  # the block was reported where it was seen
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self._inc("newscrawl/discovery_errors")
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
        key = url_key(url)
        if key in self.requested:
            return
        self.requested.add(key)
        yield Request(clean_url(url), callback=callback, errback=self.discovery_failed, cb_kwargs=cb_kwargs)

    def _add(
        self,
        url: str,
        source: str,
        *,
        hints: ArticleHints | None = None,
        document: str = "",
        section: tuple[int, str] | None = None,
        declared: bool = False,
    ) -> None:
        """Record an article URL found by ``source`` (``declared``: listed as an article, whatever its URL)."""
        if declared:
            if urlsplit(url).scheme not in ("http", "https") or is_static(url):
                return
        elif not discovery.is_article_link(url):
            return
        if not self._on_site(url):
            self._skip_offsite(url)
            return
        key = url_key(url)
        if key in self.requested:
            return  # a start, section, sitemap or feed page
        if (source, key) not in self.listed:
            self.listed.add((source, key))
            self._inc(f"newscrawl/found/{source}")
        candidate = self.candidates.setdefault(key, Candidate(clean_url(url)))
        if hints:
            candidate.hints.append((_HINT_RANK[source], document, hints))
        if section is not None and (candidate.section is None or section < candidate.section):
            candidate.section = section

    def _not_gone(self, candidates: list[Candidate]) -> list[Candidate]:
        """The candidates the archive did not find gone (404, 410) less than ``GONE_RECHECK_DAYS`` ago."""
        state = ArchiveState(self.settings.get("ARCHIVE_DB"))
        now = datetime.now(timezone.utc)
        try:
            kept = [c for c in candidates if not _gone_since(state, url_key(c.url), now - self.gone_recheck)]
        finally:
            state.close()
        if len(kept) < len(candidates):
            self._inc("newscrawl/gone_skipped", len(candidates) - len(kept))
        return kept

    def _on_site(self, url: str) -> bool:
        return urlsplit(url).scheme in ("http", "https") and host(url) in self.contexts

    def _skip_offsite(self, url: str) -> None:
        key = url_key(url)
        if key not in self.offsite:
            self.offsite.add(key)
            self._inc("newscrawl/offsite_skipped")

    def _section_of(self, url: str) -> str | None:
        """The label of the deepest menu section whose path an article's path sits under."""
        path = _path(url)
        parents = [p for p in self.sections if p != "/" and path.startswith(p + "/")]
        return self.sections[max(parents, key=len)][1] if parents else None

    # --- helpers --------------------------------------------------------------------------

    def _inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)

    def _set(self, key: str, value: object) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(key, value)

    def _stop(self, status: str, message: str) -> NoReturn:
        self._set("newscrawl/message", message)
        self.logger.error(message)
        raise CloseSpider(status)


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


def _gone_since(state: ArchiveState, key: str, since: datetime) -> bool:
    gone = parse_moment(state.gone_at(key))
    return gone is not None and gone > since


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"
