"""The fixture sites' article pages read in process, as the spiders read them in a crawl of a
local mirror: the page's bytes and what the spider knows when the page arrives (the menus'
labels; for the ``news`` spider, the sitemaps' and feeds' hints), without a server or Scrapy's
engine.

- :func:`almayadeen_article`: :func:`newscrawl.pagereading.read_page`, as the ``almayadeen``
  spider's page workers run it, with the sections and regions its ``parse_home`` learns from the
  homepage's menus.
- :func:`news_article_of`: :func:`newscrawl.extraction.news_article`, as the ``news`` spider's
  ``parse_article`` runs it, with the hints and section its discovery would hand over (read here
  from the site's robots.txt, sitemaps, feeds and homepage menus with :mod:`newscrawl.discovery`).

The crawl tests check that a crawl archives each fixture article as it reads here
(:func:`differences`), so a reading here that strays from the spider's fails there.

These belong in the package, next to the spiders they mirror (what a spider knows of a site
before it reads an article); they live here while the spiders are being restructured.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newscrawl import discovery
from newscrawl.discovery import ArticleHints
from newscrawl.extract.charset import body_encoding
from newscrawl.extract.response import html_page
from newscrawl.extraction import news_article, site_context
from newscrawl.loaders import LoadContext
from newscrawl.mirror.server import resolve
from newscrawl.pagereading import PageJob, read_page
from newscrawl.sites import registry
from newscrawl.urls import HostMap, is_static, origin, url_key
from tests.conftest import item_article

if TYPE_CHECKING:
    from pathlib import Path

    from newscrawl.extract.document import Page
    from newscrawl.items import ArticleItem

#: The profile the ``almayadeen`` spider reads its site with.
site = registry.by_name("almayadeen")

#: The origin an in-process reading says its pages came from: a local mirror's, as in a crawl
#: of one (the ``almayadeen`` spider maps it back onto the real host).
MIRROR = "http://127.0.0.1:8000"
#: What the mirror (``newscrawl/mirror/server.py``) says an HTML page is.
HTML = "text/html; charset=utf-8"


def served(root: Path, url: str) -> bytes:
    """The bytes the mirror of folder ``root`` answers ``url`` with (its origin does not matter)."""
    parts = urlsplit(url)
    file = resolve(root, parts.path + (f"?{parts.query}" if parts.query else ""))
    assert file is not None, f"{url}: no file under {root}"
    return file.read_bytes()


def page_at(root: Path, url: str) -> Page:
    """The page the mirror of ``root`` serves at ``url``, parsed as the spiders parse a response."""
    body = served(root, url)
    page = html_page(HtmlResponse(url=url, body=body, encoding=body_encoding(body, HTML)))
    assert page is not None  # an HtmlResponse is a text response
    return page


# --- the almayadeen spider ---------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """What the ``almayadeen`` spider knows of an edition once it has read its homepage: where
    its URLs belong, and the labels of the menus' sections and regions. (A crawl also learns the
    labels of subsections that listings link, such as ``/articles/foreign-press``; on the fixture
    sites :func:`newscrawl.sites.almayadeen.urls.section_hint` gives their articles the same label
    without them.)"""

    context: LoadContext
    sections: dict[str, str]
    regions: dict[str, str]


@functools.cache
def edition(root: Path, fetch_origin: str) -> Edition:
    """The English edition mirrored in ``root``, fetched from ``fetch_origin``, after ``parse_home``."""
    hosts = HostMap(real_origin=site.editions["en"].origin, fetch_origin=fetch_origin)
    menu = [link for link in site.menu_links(page_at(root, fetch_origin + "/")) if hosts.on_site(link.url)]
    sections, regions = site.menu_labels(menu)
    return Edition(LoadContext.for_edition(site.editions["en"], hosts), sections, regions)


@functools.cache
def almayadeen_article(root: Path, url: str, fetch_origin: str = MIRROR) -> ArticleItem | None:
    """The article the ``almayadeen`` spider reads from the page at ``url`` (on the real host) of
    the mirror of ``root`` fetched from ``fetch_origin``; ``None`` when the page holds none."""
    known = edition(root, fetch_origin)
    fetched = known.context.hosts.to_fetch(url)
    body = served(root, fetched)
    job = PageJob(
        url=fetched,
        body=body,
        encoding=body_encoding(body, HTML),
        kind="article" if site.page_kind(fetched) == "article" else "listing",
        site=site.name,
        regions=known.regions,
        context=known.context,
        section_hint=site.section_hint(fetched, known.sections),
    )
    return read_page(job).article


# --- the news spider ---------------------------------------------------------------------------

# Whose hints win when several sources describe an article: a news sitemap's, then a feed's
# (``newscrawl.spiders.news``), documents of one rank in the order of their URLs.
_NEWS_SITEMAP, _FEED = 0, 1


@dataclass
class Discovery:
    """What the ``news`` spider's discovery of one site says of its articles."""

    #: ``(rank, document URL, hints)`` of every sitemap and feed entry, by article URL key.
    hints: dict[str, list[tuple[int, str, ArticleHints]]] = field(default_factory=dict)
    #: The start page's menu sections: paths → labels.
    sections: dict[str, str] = field(default_factory=dict)

    def merged_hints(self, key: str) -> ArticleHints:
        """The hints of the article of URL key ``key``, field by field in order of trust."""
        merged = ArticleHints()
        for _, _, hints in sorted(self.hints.get(key, []), key=lambda entry: entry[:2]):
            merged = merged.or_else(hints)
        return merged

    def section(self, url: str) -> str | None:
        """The label of the deepest menu section whose path the article's path sits under. (The
        spider takes the section of the first section page listing the article, if one does: on
        the fixture site, each lists only articles under its own path.)"""
        path = _path(url)
        parents = [p for p in self.sections if p != "/" and path.startswith(p + "/")]
        return self.sections[max(parents, key=len)] if parents else None


@functools.cache
def news_discovery(root: Path, start: str) -> Discovery:
    """The discovery of the site mirrored in ``root`` from its start page ``start``: the sitemaps
    robots.txt names (and those of a sitemap index), the start page's feeds and menu sections.
    Documents on other hosts are not read: the spider requests none."""
    found = Discovery()
    site_origin = origin(start)
    robots = f"{site_origin}/robots.txt"
    sitemaps = [url for url in sitemap_urls_from_robots(served(root, robots), base_url=robots) if origin(url) == site_origin]
    while sitemaps:
        url = sitemaps.pop(0)
        parsed = discovery.parse_sitemap(discovery.sitemap_body(served(root, url)) or b"", url)
        for link in parsed.links:
            if parsed.kind == "sitemapindex" and origin(link.url) == site_origin:
                sitemaps.append(link.url)
            elif link.hints is not None:
                found.hints.setdefault(url_key(link.url), []).append((_NEWS_SITEMAP, url, link.hints))
    home = page_at(root, start)
    for feed in discovery.feed_links(home):
        for entry in discovery.parse_feed(served(root, feed), feed) if origin(feed) == site_origin else []:
            found.hints.setdefault(url_key(entry.url), []).append((_FEED, feed, entry.hints))
    for url, label in discovery.menu_links(home):
        if origin(url) == site_origin and not discovery.is_article_link(url) and not is_static(url) and url != start:
            found.sections.setdefault(_path(url), label or _path(url))
    return found


@functools.cache
def news_article_of(root: Path, path: str, served_at: str = MIRROR) -> ArticleItem | None:
    """The article the ``news`` spider, started at ``served_at/``, reads from the page at ``path``
    of the mirror of ``root`` served at the origin ``served_at``; ``None`` when the page holds none."""
    url = served_at + path
    found = news_discovery(root, served_at + "/")
    key = url_key(url)
    context = site_context(HostMap(served_at, served_at))
    return news_article(page_at(root, url), context, found.merged_hints(key), found.section(url))


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"


# --- comparing with a crawl's archive ------------------------------------------------------------

#: What an archived article holds that no reading of its page gives, so per-page tests leave it to
#: the crawl tests: the archive's own columns (its row id, when it first saw and last fetched the
#: article and first fetched its text, the text's hash and version, the WARC capture it came
#: from, the expected fields it lacks, the times in UTC it derives from the local ones), and what
#: the spider sets from the sitemap entry that led it to the page, after reading the page
#: (``sitemap_lastmod``, ``sitemap_news``). The last two are in the expected files.
CRAWL_ONLY = frozenset(
    {"id", "first_seen_at", "last_fetched_at", "text_seen_at", "content_hash", "version", "capture_id", "missing_fields"}
    | {"published_at_utc", "modified_at_utc"}
    | {"sitemap_lastmod", "sitemap_news"}
)


def differences(name: str, archived: dict[str, Any] | None, read: ArticleItem | None) -> list[str]:
    """How an archived article (:func:`tests.conftest.stored_article`) differs from the article
    read in process from its page, but for :data:`CRAWL_ONLY`: a line a field."""
    if archived is None or read is None:
        return [f"{name}: {'not archived' if archived is None else 'archived'}, {'no' if read is None else 'an'} article read"]
    article = item_article(read)
    return [
        f"{name}.{field}: archived {archived.get(field, _ABSENT)!r} != read {article.get(field, _ABSENT)!r}"
        for field in sorted((archived.keys() | article.keys()) - CRAWL_ONLY)
        if archived.get(field, _ABSENT) != article.get(field, _ABSENT)
    ]


#: A field one side lacks.
_ABSENT = "(no such field)"
