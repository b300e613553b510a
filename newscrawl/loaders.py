"""Item loaders: raw candidates from the page extractors in, typed items out.

Scalar fields get their candidates in layer order and keep the first that survives cleaning
(``TakeFirst``), so a layer that finds nothing usable falls through to the next; the candidates
are drawn one at a time, so the later (slower) layers run only for fields the earlier ones
missed. List fields get the list of the first layer that had one.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast, get_args
from urllib.parse import urlsplit

from itemloaders import ItemLoader
from itemloaders.processors import Identity, MapCompose, TakeFirst

from newscrawl import processors as p
from newscrawl.dates import date_of, find_displayed_date, parse_displayed_date
from newscrawl.extract.provenance import present_sources
from newscrawl.items import ArticleItem, Caption, LinkKind, RelatedLink, TickerItem
from newscrawl.urls import HostMap, clean_url
from newscrawl.words import ENGLISH, Words

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from newscrawl.extract.newspage import NewsPage
    from newscrawl.sites.profile import Edition, TickerLine

logger = logging.getLogger(__name__)

_LINK_KINDS = frozenset(get_args(LinkKind))
_ISO_LIKE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class LoadContext:
    """What the loaders need to know about the crawl: where URLs belong, and the site's clock.

    ``timezone`` is the site's zone, for displayed times without offset; ``None`` (a site whose
    zone is unknown) keeps every time as the page gives it. ``site_names`` are stripped from
    the end of titles, besides the names the page itself declares (``og:site_name``).
    ``words`` are the edition's labels, counters and month names (:class:`newscrawl.words.Words`).
    A displayed date without a year takes it from ``year_anchor`` (the page's metadata date),
    else from ``fetched_at``, when the page was sent (now when not given; :meth:`at`): see
    :func:`newscrawl.dates.parse_displayed_date`.
    """

    hosts: HostMap
    edition: str = ""
    timezone: str | None = None
    site_names: tuple[str, ...] = ()
    words: Words = ENGLISH
    fetched_at: datetime | None = None
    year_anchor: datetime | None = None

    @classmethod
    def for_edition(cls, edition: Edition, hosts: HostMap | None = None) -> LoadContext:
        """The context of a crawl of a site's ``edition``, fetched through ``hosts`` (by default
        from the edition's own origin)."""
        return cls(
            hosts=hosts or HostMap(edition.origin, edition.origin),
            edition=edition.code,
            timezone=edition.timezone,
            site_names=edition.site_names,
            words=edition.words,
        )

    def at(self, sent: datetime | None) -> LoadContext:
        """This context for a page sent at ``sent`` (its ``Date`` header, :func:`newscrawl.dates.http_date`);
        itself when the moment is unknown (the page is read against now)."""
        return self if sent is None else dataclasses.replace(self, fetched_at=sent)


def _ctx(loader_context: dict[str, Any]) -> LoadContext:
    return cast("LoadContext", loader_context["load"])


def edition_url(value: str | None, loader_context: dict[str, Any]) -> str | None:
    """An edition URL in its archived form (real host, canonical); ``None`` for other hosts."""
    if not value:
        return None
    hosts = _ctx(loader_context).hosts
    return hosts.to_real(value) if hosts.on_site(value) else None


def article_url(value: str | None, loader_context: dict[str, Any]) -> str | None:
    """An article's own URL in its archived form: an edition URL without click-tracking
    parameters (:func:`edition_url`)."""
    return edition_url(clean_url(value), loader_context) if value else None


def headline(value: str | None, loader_context: dict[str, Any]) -> str | None:
    """A headline without the site-name suffix of document and og titles."""
    return p.strip_title_suffix(value, _ctx(loader_context).site_names)


def timestamp(value: str | None, loader_context: dict[str, Any]) -> str | None:
    """ISO 8601 in the site's time zone; a displayed date in the edition's month names
    (:func:`newscrawl.dates.parse_displayed_date`) or, without them, in English ones."""
    ctx = _ctx(loader_context)
    words = ctx.words
    if value and words.months and not _ISO_LIKE.match(value):
        found = parse_displayed_date(
            value, words.months, ctx.timezone, anchor=ctx.year_anchor, fetched=ctx.fetched_at, weekdays=words.weekdays
        )
        if found:
            return found
    return p.parse_datetime(value, ctx.timezone)


def raw_date(value: str | None, loader_context: dict[str, Any]) -> str | None:
    """The displayed date string, cut out of a longer line when needed."""
    words = _ctx(loader_context).words
    if value and words.months and (found := find_displayed_date(value, words.months, words.weekdays)):
        return found
    return p.displayed_date(value)


def authors(value: str | None, loader_context: dict[str, Any]) -> list[str]:
    """Author names of a byline, its prefix in the edition's words removed."""
    return p.split_authors(value, _ctx(loader_context).words)


def read_time(value: str | None, loader_context: dict[str, Any]) -> int | None:
    """Minutes of a read-time line, in the edition's words."""
    return p.parse_read_time(value, _ctx(loader_context).words)


def source(value: str | None, loader_context: dict[str, Any]) -> str | None:
    """The wire agency of a source line, its label in the edition's words removed."""
    return p.parse_source(value, _ctx(loader_context).words)


def caption(raw: tuple[str | None, str | None, str | None], loader_context: dict[str, Any]) -> Caption | None:
    """``(caption, credit, image_url)`` → :class:`Caption`, splitting a bracketed credit off the text."""
    text, credit, image = raw
    if p.clean_text(credit):
        credit = p.clean_credit(credit)
        text = p.remove_credit(text, credit)
    else:
        text, credit = p.split_caption(text)
    if not text and not credit:
        return None
    hosts = _ctx(loader_context).hosts
    if image and hosts.on_site(image):
        image = hosts.to_real(image)
    return Caption(text=text or "", credit=credit, image_url=image or None)


def related_link(raw: tuple[str, str], loader_context: dict[str, Any]) -> RelatedLink | None:
    """``(url, kind)`` → :class:`RelatedLink` on the edition's real host; other hosts dropped,
    but for an ``edition`` link (:func:`sister_url`)."""
    url, kind = raw
    real = sister_url(url, loader_context) if kind == "edition" else edition_url(url, loader_context)
    if real is None or kind not in _LINK_KINDS:
        return None
    return RelatedLink(url=real, kind=cast("LinkKind", kind))


def sister_url(value: str, loader_context: dict[str, Any]) -> str | None:
    """The URL of an article in another edition, on any host (this crawl's in their archived
    form); ``None`` for what is not an http(s) URL, and for an edition's homepage, which says
    nothing about the article."""
    url = clean_url(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or (parts.path in ("", "/") and not parts.query):
        return None
    hosts = _ctx(loader_context).hosts
    return hosts.to_real(url) if hosts.on_site(url) else url


def join_paragraphs(paragraphs: Iterable[str]) -> str | None:
    """Body paragraphs joined by one blank line; ``None`` when there are none."""
    text = "\n\n".join(paragraphs)
    return text or None


class ArticleLoader(ItemLoader):
    """Cleans an article's raw candidates field by field (see :class:`ArticleItem` for formats)."""

    default_item_class = dict
    default_input_processor = MapCompose(p.clean_text)
    default_output_processor = TakeFirst()

    url_in = MapCompose(article_url)
    content_type_in = MapCompose(p.content_type)
    headline_in = MapCompose(headline)
    body_out = join_paragraphs
    authors_in = MapCompose(authors)
    authors_out = p.dedupe_casefold
    source_in = MapCompose(source)
    published_at_in = MapCompose(timestamp)
    modified_at_in = MapCompose(timestamp)
    published_raw_in = MapCompose(raw_date)
    tags_in = MapCompose(p.clean_tag)
    tags_out = p.dedupe_casefold
    captions_in = MapCompose(caption)
    captions_out = Identity()
    related_in = MapCompose(related_link)
    related_out = p.dedupe
    read_time_min_in = MapCompose(read_time)
    share_count_in = MapCompose(p.parse_count)
    view_count_in = MapCompose(p.parse_count)
    language_in = MapCompose(p.language_code)


def load_article(
    page: NewsPage, context: LoadContext, section_hint: str | None = None, only: Iterable[str] | None = None
) -> ArticleItem:
    """Fill an :class:`ArticleItem` from an article page's layers.

    ``only`` names the fields to extract (the rest stay empty), for callers that need a few.
    A field whose extraction fails is logged with the page URL and left empty; the rest of the
    article is still loaded.
    """
    fields_wanted = set(only) if only is not None else None
    loader = ArticleLoader(load=page_context(page, context, fields_wanted))
    fields = article_fields(page, section_hint)
    wanted = fields_wanted if fields_wanted is not None else fields.keys()
    sources: dict[str, str] = {}
    for name, candidates in fields.items():
        if name not in wanted:
            continue
        key = SOURCE_KEYS.get(name, name)
        try:
            if name in FIRST_OF:
                if _add_first(loader, name, candidates()):
                    sources[name] = page.source_of[key]
            else:
                loader.add_value(name, list(candidates()))
                if key in page.source_of:
                    sources[name] = page.source_of[key]
        except Exception:
            logger.exception("%s: extracting %s failed", page.page.url, name)
    values = loader.load_item()
    if "url" not in values:
        values["url"] = p.clean_text(page.page.url)
        sources["url"] = "url"
    values["field_sources"] = present_sources(sources, values)
    return ArticleItem(edition=context.edition, truncated=page.page.truncated, **values)


def page_context(page: NewsPage, context: LoadContext, fields: Iterable[str] | None = None) -> LoadContext:
    """``context`` for the loaders of ``page``: with the site names the page declares, and the
    year its metadata dates give a displayed date without one (unless only ``fields`` are
    wanted and ``published_at`` is not among them)."""
    names = tuple(dict.fromkeys((*context.site_names, *page.site_names())))
    anchor = context.year_anchor
    if context.words.months and anchor is None and (fields is None or "published_at" in fields):
        anchor = next(filter(None, map(date_of, page.metadata_dates())), None)
    return dataclasses.replace(context, site_names=names, year_anchor=anchor)


def survives(loader_context: LoadContext, name: str, candidate: Any) -> bool:
    """Whether ``candidate`` of the scalar field ``name`` survives its cleaning (what
    ``load_article`` keeps the first of)."""
    loader = ArticleLoader(load=loader_context)
    loader.add_value(name, candidate)
    return _has_value(loader, name)


#: The key of :attr:`NewsPage.source_of` behind an item field, where the two names differ.
SOURCE_KEYS = {
    "published_at": "published", "modified_at": "modified", "read_time_min": "read_time", "share_count": "shares",
    "view_count": "views",
}  # fmt: skip


def article_fields(page: NewsPage, section_hint: str | None = None) -> dict[str, Callable[[], Any]]:
    """Each item field's candidates from ``page``, in the order the loader draws them (the
    table ``load_article`` and ``newscrawl doctor`` share)."""
    return {
        "url": page.url,
        "post_id": page.post_id,
        "content_type": page.content_type,
        "section": lambda: page.section(section_hint),
        "region": page.region,
        "coverage": page.coverage,
        "headline": page.headline,
        "lead": page.lead,
        "authors": page.authors,
        "source": page.source,
        "published_at": page.published,
        "modified_at": page.modified,
        "published_raw": page.published_raw,
        "tags": page.tags,
        "captions": page.captions,
        "related": lambda: _related(page),
        "read_time_min": lambda: page.counters("read_time"),
        "share_count": lambda: page.counters("shares"),
        "view_count": lambda: page.counters("views"),
        "language": page.language,
        # last: its main text may come from another process, working while the rest is read
        "body": page.body,
    }


def _related(page: NewsPage) -> list[tuple[str, str]]:
    """The page's related links, then its links to itself in other editions (``hreflang``
    alternates: the head's, so ``meta`` when no other link was found)."""
    found = page.related()
    editions = [(url, "edition") for url in page.edition_links()]
    if not found and editions:
        page.source_of["related"] = "meta"
    return [*found, *editions]


#: Fields that keep their first usable candidate (``TakeFirst``): their layers are drawn lazily.
FIRST_OF = frozenset(
    name for name in ArticleItem.__dataclass_fields__ if isinstance(ArticleLoader().get_output_processor(name), TakeFirst)
)


def _add_first(loader: ItemLoader, name: str, candidates: Iterable[Any]) -> bool:
    """Add ``candidates`` one by one until one survives the field's input processor; whether
    one did (the page's source of the field is then that candidate's)."""
    for candidate in candidates:
        loader.add_value(name, candidate)
        if _has_value(loader, name):
            return True
    return False


def _has_value(loader: ItemLoader, name: str) -> bool:
    """Whether a candidate added to ``name`` survived its input processor."""
    return any(value is not None and value != "" for value in loader.get_collected_values(name))


def load_ticker(lines: Iterable[TickerLine], context: LoadContext, seen_at: str) -> list[TickerItem]:
    """Ticker items from the raw lines of one page."""
    items = []
    for line in lines:
        text = p.clean_text(line.text)
        if text is None:
            continue
        url = line.href
        if url and context.hosts.on_site(url):
            url = context.hosts.to_real(url)
        items.append(
            TickerItem(
                text=text,
                edition=context.edition,
                seen_at=seen_at,
                attribution=p.ticker_attribution(text),
                url=url,
            )
        )
    return items
