"""Al Mayadeen's URL shapes: which URLs are articles and listings, a listing's pages and
subsections, the content type an article's path names, and the sitemap index."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from newscrawl.processors import content_type
from newscrawl.urls import is_static

if TYPE_CHECKING:
    from newscrawl.items import ContentType

# First path segments that never hold articles or listings worth crawling.
_NOT_CONTENT = frozenset(
    {
        "assets", "static", "media", "images", "img", "css", "js", "fonts", "sitemaps", "search",
        "tags", "tag", "authors", "author", "user", "users", "login", "api", "rss", "feed",
        "about-us", "contact-us", "privacy-policy", "terms", "cdn-cgi",
        "etiquetas", "autor", "autores", "buscar", "contacto", "quienes-somos",
    }
)  # fmt: skip
# The site's own words for a content type in the first path segment of an article URL, besides
# the names every site uses (newscrawl.processors.CONTENT_TYPES: news, articles, videos...).
_SECTION_TYPES: dict[str, ContentType] = {
    "shortnews": "news",
    "tv-reports": "video",
    "newscast": "video",
    "programs": "video",
    "infographics": "infograph",
    "in-pictures": "gallery",
    "pictures": "gallery",
    "galleries": "gallery",
    "photos": "gallery",
    # the Spanish edition's sections
    "noticias": "news",
    "articulos": "article",
    "articulos-exclusivos": "article",
    "entrevistas": "article",
    "a-profundidad": "article",
}
_PAGE_SEGMENT = re.compile(r"^(?:page|p)$", re.IGNORECASE)
_ASCII_NAME = re.compile(r"^[\x20-\x24\x26-\x7e]*$")  # printable ASCII without "%"
# A post id in an article's path (the Spanish edition: ``/entrevistas/2046797/<slug>``); shorter
# numbers are parts of a date (``/newscast/2024/5/30/<slug>``).
_POST_ID = re.compile(r"^\d{5,}$")
# Query keys that name a listing's page (``?page=2``).
_PAGE_KEYS = ("page", "p", "pg", "pagenumber")
# What follows a listing's path in the path of another of its pages.
_PAGE_PATH = re.compile(r"(?:page|p)/\d+")


# Every page repeats the site's menus and teasers: their URLs are judged once (bounded memos,
# about 2 MB each when full).
@lru_cache(maxsize=4096)
def _path_segments(url: str) -> tuple[str, ...]:
    return tuple(s for s in urlsplit(url).path.split("/") if s)


@lru_cache(maxsize=4096)
def path_and_query(url: str) -> tuple[str, str]:
    """A URL's path without a trailing slash, and its query."""
    parts = urlsplit(url)
    return parts.path.rstrip("/"), parts.query


def is_slug(segment: str) -> bool:
    """Whether a path segment is an article slug rather than a section name.

    Slugs are headlines cut at 60 characters (``russian-intel-reveals-us-urging--israel--to-expedite-genocid``);
    section names are one to three ASCII words (``foreign-press``, ``video-features``), so an
    Arabic slug (as written or percent-encoded) is one however short.
    """
    words = [w for w in re.split(r"[-_]+", segment) if w]
    return len(words) >= 4 or len(segment) >= 30 or "--" in segment or ":" in segment or not _ASCII_NAME.match(segment)


@lru_cache(maxsize=4096)
def page_kind(url: str) -> str | None:
    """``"article"``, ``"listing"`` or ``None`` (home, assets, utility pages) for an edition URL.

    Article shapes, from the site notes: ``/news/<section>/<slug>``, ``/articles/<sub>/<slug>``,
    ``/articles/<slug>``, ``/video/<slug>``, ``/newscast/2024/5/30/<slug>``: a path of three or
    more segments, or of two whose last is a slug. One- and two-segment paths of short names are
    listings (``/news``, ``/news/politics``, ``/articles/foreign-press``).
    """
    segments = _path_segments(url)
    if not segments or segments[0].lower() in _NOT_CONTENT:
        return None
    last = segments[-1]
    if is_static(url):
        return None
    if len(segments) >= 2 and _PAGE_SEGMENT.match(segments[-2]) and last.isdigit():
        return "listing"
    if len(segments) >= 3 or (len(segments) == 2 and is_slug(last)):
        return "article"
    return "listing"


def listing_path(url: str) -> str:
    """A URL's path without its trailing slash (``/`` for the homepage): how listings are keyed."""
    return urlsplit(url).path.rstrip("/") or "/"


#: The editions whose article URLs carry the post id before the slug.
EDITIONS_WITH_PATH_IDS = frozenset({"es"})


def post_id_of(url: str) -> str | None:
    """The post id an article URL carries before its slug (``/entrevistas/2046797/<slug>`` →
    ``2046797``), if it has one."""
    segments = _path_segments(url)
    if len(segments) >= 3 and _POST_ID.match(segments[-2]) and not segments[-3].isdigit():
        return segments[-2]
    return None


def section_hint(url: str, sections: dict[str, str]) -> str | None:
    """The label of the listing an article URL sits under (``/news/politics/x`` → ``Politics``):
    the one ``sections`` (listing paths → menu labels) gives, else its last segment, titled. A
    post id before the slug is passed over to a listing ``sections`` names
    (``/entrevistas/2046797/x`` → ``Entrevistas``)."""
    parent = listing_path(url).rsplit("/", 1)[0]
    if post_id_of(url) and (listing := parent.rsplit("/", 1)[0]) in sections:
        return sections[listing]
    if parent in sections:
        return sections[parent]
    segment = parent.rsplit("/", 1)[-1]
    return segment.replace("-", " ").title() if segment else None


def content_type_of(url: str) -> ContentType | None:
    """Content type named by an article URL's first path segment (``/news/...`` → ``news``)."""
    segments = _path_segments(url)
    if not segments:
        return None
    first = segments[0].lower()
    return _SECTION_TYPES.get(first) or content_type(first)


def is_pagination(url: str, listing_url: str) -> bool:
    """Whether ``url`` is another page of the listing at ``listing_url``.

    ``/news/politics?page=2`` and ``/news/politics/page/2`` are pages of ``/news/politics``.
    """
    (path, query), listing_path = path_and_query(url), path_and_query(listing_url)[0]
    if path == listing_path:
        return _names_a_page(query)
    return path.startswith(f"{listing_path}/") and _PAGE_PATH.fullmatch(path, len(listing_path) + 1) is not None


@lru_cache(maxsize=4096)
def _names_a_page(query: str) -> bool:
    return any(key.lower() in _PAGE_KEYS for key in dict(parse_qsl(query)))


def page_number(url: str) -> int:
    """The page of a listing a URL shows: ``?page=3`` and ``/page/3`` are 3, the first page 1."""
    query = dict(parse_qsl(urlsplit(url).query))
    for key, value in query.items():
        if key.lower() in _PAGE_KEYS and value.isdigit():
            return int(value)
    segments = _path_segments(url)
    if len(segments) >= 2 and _PAGE_SEGMENT.match(segments[-2]) and segments[-1].isdigit():
        return int(segments[-1])
    return 1


#: The sitemap index of an edition (the site notes: one child per month).
SITEMAP_INDEX = "/sitemaps/all.xml"
_SITEMAP_MONTH = re.compile(r"sitemap-(\d{4})-(\d{1,2})\.xml(?:\.gz)?$")


def sitemap_month(url: str) -> tuple[int, int] | None:
    """The ``(year, month)`` a child of the sitemap index covers (``sitemap-2025-7.xml`` → ``(2025, 7)``)."""
    match = _SITEMAP_MONTH.search(urlsplit(url).path)
    return (int(match[1]), int(match[2])) if match and 1 <= int(match[2]) <= 12 else None


def is_subsection(url: str, listing_url: str) -> bool:
    """Whether ``url`` is a listing under the same top section as ``listing_url``.

    ``/articles/foreign-press`` is a subsection met on ``/articles``; it is crawled even though
    the main menu does not name it.
    """
    segments, listing = _path_segments(url), _path_segments(listing_url)
    return (
        page_kind(url) == "listing"
        and bool(segments)
        and bool(listing)
        and segments[0] == listing[0]
        and segments != listing
        and not is_pagination(url, listing_url)
    )
