"""A kept page read again with today's extraction, as the crawl that fetched it would read it now.

Which extraction reads a page is decided here, once (:func:`profile_of`): an article of an Al
Mayadeen edition is read as the ``almayadeen`` spider reads it (:func:`newscrawl.pagereading.read_page`),
any other as the ``news`` spider does. The functions run in worker processes: what they get and
give is pickled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from scrapy.http import HtmlResponse

from newscrawl.archive import content_hash
from newscrawl.dates import http_date
from newscrawl.discovery import ArticleHints
from newscrawl.extract.charset import body_encoding
from newscrawl.extract.response import html_page
from newscrawl.extraction import news_article, site_context
from newscrawl.loaders import LoadContext
from newscrawl.pagereading import PageJob, read_page
from newscrawl.sites import registry
from newscrawl.urls import HostMap, host, origin
from newscrawl.warc import WarcReadError, read_exchange

if TYPE_CHECKING:
    from datetime import datetime

    from newscrawl.items import ArticleItem
    from newscrawl.warc import Exchange

#: The extraction that reads a page: the spider's that would crawl it.
Profile = Literal["almayadeen", "news"]
_ALMAYADEEN = registry.by_name("almayadeen")


@dataclass(frozen=True, slots=True)
class KeptPage:
    """An archived article and where the page its text was read from is kept."""

    article_id: int
    #: The article's canonical URL, on its real host.
    url: str
    #: The WARC file and the offset of the response record holding the page.
    warc_path: str
    offset: int
    #: The section the archive holds: the crawl's hint, when the page names none.
    section: str | None = None
    #: For a ``news`` article: what the crawl's sitemap and feed hints gave, where the page gave
    #: nothing, is what the archive holds (the hints themselves are not kept).
    hints: ArticleHints = field(default_factory=ArticleHints)
    #: Listing paths → menu labels, from the menus of the homepage the crawl read (when kept).
    sections: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    #: When the crawl fetched the page (its capture's time).
    fetched_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Reread:
    """What a kept page gave: an article, or why none."""

    article_id: int
    item: ArticleItem | None = None
    #: The item's :func:`newscrawl.archive.content_hash` (computed in the worker, which has time for it).
    digest: str = ""
    #: Why there is no item: the record could not be read (``unreadable``), or the page does
    #: not read as an article.
    problem: str | None = None
    unreadable: bool = False


def profile_of(url: str) -> Profile:
    """The extraction that reads the article at ``url`` (its canonical URL)."""
    return "almayadeen" if _ALMAYADEEN.edition_for_host(host(url)) is not None else "news"


def reread(page: KeptPage) -> Reread:
    """Read ``page``'s record back from its WARC file and extract its article."""
    try:
        exchange = read_exchange(Path(page.warc_path), page.offset)
    except WarcReadError as exc:
        return Reread(page.article_id, problem=f"{page.url}: {exc}", unreadable=True)
    item = extract(page, exchange)
    if item is None or not item.url or not (item.headline or item.body):
        return Reread(page.article_id, problem=f"{page.url}: its kept page {exchange.url} does not read as an article")
    return Reread(page.article_id, item, content_hash(item))


def extract(page: KeptPage, exchange: Exchange) -> ArticleItem | None:
    """The article today's extraction finds in ``exchange``, the kept response of ``page``, as
    the spider that crawls such a page reads it; ``None`` when it reads no article."""
    encoding = body_encoding(exchange.body, header(exchange, "content-type"))
    if profile_of(page.url) == "almayadeen":
        job = PageJob(
            url=exchange.url,
            body=exchange.body,
            encoding=encoding,
            kind="article",
            site=_ALMAYADEEN.name,
            regions=page.regions,
            context=_context(page.url, exchange.url).at(fetch_time(exchange, page.fetched_at)),
            # Offline there are no menus to learn a label from: the section stored is the one
            # the crawl's hint gave (or a layer of the page, which comes before the hint).
            section_hint=page.section or _ALMAYADEEN.section_hint(exchange.url, page.sections),
        )
        return read_page(job).article
    parsed = html_page(HtmlResponse(url=exchange.url, body=exchange.body, encoding=encoding))
    assert parsed is not None  # an HtmlResponse is a text response
    # As the spider read it: the archived URL's site (a mirror's page mapped back onto it), by
    # that site's profile and edition when it has one.
    hosts = HostMap(real_origin=origin(page.url), fetch_origin=origin(exchange.url))
    profile, edition = registry.for_url(page.url)
    context = LoadContext.for_edition(edition, hosts) if edition is not None else site_context(hosts)
    return news_article(parsed, context.at(fetch_time(exchange, page.fetched_at)), page.hints, page.section, profile)


def menus(exchange: Exchange, url: str) -> tuple[dict[str, str], dict[str, str]]:
    """``(sections, regions)``: listing paths → labels, from the menus of ``exchange``, a kept
    homepage of the edition of the article at ``url``, as the ``almayadeen`` spider learns them."""
    if profile_of(url) != "almayadeen":
        return {}, {}
    encoding = body_encoding(exchange.body, header(exchange, "content-type"))
    page = html_page(HtmlResponse(url=exchange.url, body=exchange.body, encoding=encoding))
    assert page is not None
    hosts = _context(url, exchange.url).hosts
    edition = _ALMAYADEEN.edition_for_host(host(url))
    links = _ALMAYADEEN.menu_links(page, edition)
    return _ALMAYADEEN.menu_labels(link for link in links if hosts.on_site(link.url))


def fetch_time(exchange: Exchange, fetched_at: datetime | None = None) -> datetime | None:
    """When the kept response was sent (its ``Date`` header), as the crawl read it: the moment a
    date shown without its year is read against (:func:`newscrawl.dates.parse_displayed_date`),
    not today. Without the header, ``fetched_at``, when the crawl fetched it (the crawl read
    such a page against its own clock)."""
    return http_date(header(exchange, "date")) or fetched_at


def header(exchange: Exchange, name: str) -> str | None:
    """The last value of the response header ``name`` (any case), ``None`` without one."""
    values = [value for key, value in exchange.headers if key.lower() == name]
    return values[-1] if values else None


def _context(url: str, fetched_url: str) -> LoadContext:
    # As the spider's: the real host of the edition of the article at ``url``, and the host the
    # page was fetched from (a mirror's).
    edition = _ALMAYADEEN.edition_for_host(host(url))
    assert edition is not None
    return LoadContext.for_edition(edition, HostMap(real_origin=edition.origin, fetch_origin=origin(fetched_url)))
