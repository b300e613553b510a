"""The generic extractor: :class:`NewsPage`, the raw fields of a news page from layers that work
on any site (JSON-LD, meta tags, DOM heuristics), each field's layers in order.

Nothing here knows a publisher: no class name, host or path of a particular site. Site profiles
(:mod:`newscrawl.sites`) put their own selectors in front of these layers.

Every layer takes a :class:`newscrawl.extract.document.Page` (the parsed document, parsed once)
and returns raw values as the page shows them; cleaning is the loaders' job.
"""

from __future__ import annotations

import html
import re
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newscrawl.extract.authors import clean_layer, is_organization, publisher_names
from newscrawl.extract.body import (
    after_headline,
    body_blocks,
    body_text,
    embedded_posts,
    is_table_row,
    labelled_blocks,
    lead_candidates,
    read_more_links,
    until_declared_end,
    until_paywall,
    without_end_matter,
)
from newscrawl.extract.bylines import (
    byline_candidates,
    counter_lines,
    displayed_dates,
    labelled_values,
    original_date,
    source_lines,
    time_datetimes,
)
from newscrawl.extract.captions import figure_captions
from newscrawl.extract.document import named_elements
from newscrawl.extract.headline import (
    COPIED_PAIRS,
    HEADLINE_PAIRS,
    completes,
    displayed_headline,
    drop_section_label,
    shared_core,
    title_key,
)
from newscrawl.extract.jsonld import jsonld_text, node_types
from newscrawl.extract.maintext import main_text
from newscrawl.extract.metadata import (
    AUTHOR_LABELS,
    AUTHOR_METAS,
    breadcrumb_names,
    jsonld_authors,
    jsonld_images,
    jsonld_keywords,
    jsonld_publisher,
    jsonld_subjects,
    jsonld_type,
    labelled_metas,
)
from newscrawl.extract.tags import chosen_tags, other_tag_metas, tag_links
from newscrawl.extract.text import text_of
from newscrawl.processors import is_byline, parse_datetime, split_keywords, strip_title_suffix, timed_alternative
from newscrawl.words import ENGLISH, Words

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page


def looks_like_article_url(url: str) -> bool:
    """Whether a URL's path looks like an article's: a long slug, a numeric id or a date in it,
    or a ``.html`` page (``/2024/05/30/some-story``, ``/news/12345``, ``/world/long-story-slug``)."""
    path = urlsplit(url).path
    if re.search(r"/(?:19|20)\d{2}/\d{1,2}/", path) or re.search(r"\d{5,}", path) or path.endswith((".html", ".htm", ".php")):
        return True
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return len([w for w in re.split(r"[-_]+", last) if w]) >= 4


_DOM_FIELDS = ("headline", "lead", "source", "published_raw", "section", "region", "coverage", "tags")


class NewsPage:
    """The raw fields of a news article page, from layers that work on any site.

    Each field method returns candidates in layer order (JSON-LD, then meta tags, then DOM
    heuristics); loaders keep the first usable one. The methods of single-valued fields are
    generators: a layer runs only when the loader has not found a usable value in the earlier ones. Site profiles subclass it and fill two hooks:
    :meth:`_metadata` (the site's own metadata, in front of every layer) and :meth:`_dom` (the
    site's selectors, after the meta tags and before the generic heuristics).
    """

    def __init__(self, page: Page, fallback: Mapping[str, Sequence[str]] | None = None, words: Words = ENGLISH) -> None:
        self.page = page
        #: The words of the page's edition: its labels, counters and month names.
        self.words = words
        # Made now, the proxy of every element lives as long as the page: the layers' walks
        # over the tree then reuse them instead of making and freeing their own (2% faster).
        page.order  # noqa: B018
        #: Values from outside the page (a news sitemap, a feed) for fields it does not state,
        #: used before any guess from the page's text.
        self.fallback = fallback or {}

    # --- hooks ----------------------------------------------------------------------------

    def _metadata(self, field: str) -> list[str]:
        """The site's own metadata for a field (none on a generic page)."""
        return []

    def _dom(self, field: str) -> list[str]:
        """The site's selectors for a field (none on a generic page)."""
        return []

    def is_article_url(self, url: str) -> bool:
        """Whether a link points at an article (for related links)."""
        return looks_like_article_url(url)

    # --- page kind ------------------------------------------------------------------------

    @property
    def ld(self) -> dict[str, Any]:
        """The article's JSON-LD node."""
        return self.page.article_jsonld

    def declares_article(self) -> bool:
        """Whether the page's metadata says it is an article: an article ``og:type`` or a
        text-article JSON-LD type (a listing may carry a ``VideoObject`` for a featured video)."""
        kind = jsonld_type(self.page)
        return (kind is not None and kind not in _MEDIA_TYPES) or "article" in self.page.meta_values("og:type")

    def declares_non_article(self) -> bool:
        """Whether the metadata says the page is not an article: no article declaration, and a
        JSON-LD listing, profile or static-page type (as SEO plugins mark them) or ``og:type``
        ``profile``. ``og:type`` ``website`` does not count: some sites put it on articles too."""
        if self.declares_article():
            return False
        types = {kind for node in self.page.jsonld for kind in node_types(node)}
        return bool(types & NON_ARTICLE_TYPES) or "profile" in {v.strip().lower() for v in self.page.meta_values("og:type")}

    def is_article(self) -> bool:
        """Whether the page holds an article: declared so, or, unless declared a listing or
        profile, a headline over real paragraphs.

        The paragraphs are judged on the page's own densest text block, not on trafilatura's
        main text, which finds some "main text" on listings and author pages too.
        """
        if self.declares_article():
            return True
        if self.declares_non_article():
            return False
        return self.page.headline_element is not None and len(body_text(self.body_blocks)) >= 2

    # --- fields ---------------------------------------------------------------------------

    def url(self) -> Iterator[str]:
        """Site metadata URL, canonical link, ``og:url``, then the page URL."""
        yield from self._metadata("url")
        if self.page.canonical:
            yield self.page.canonical
        yield from self.page.meta_values("og:url")
        yield self.page.url

    def post_id(self) -> Iterator[str]:
        """Site metadata id, ``meta[name=postid]``-style tags, then a ``data-postid`` attribute."""
        yield from self._metadata("post_id")
        yield from self.page.meta_values("postid", "post_id", "article:id")
        yield from self.page.selector.css("[data-postid]::attr(data-postid), [data-post-id]::attr(data-post-id)").getall()

    def content_type(self) -> Iterator[str]:
        """Site metadata type, then the JSON-LD type."""
        yield from self._metadata("content_type")
        if kind := jsonld_type(self.page):
            yield kind

    def headline(self) -> Iterator[str]:
        """Site metadata, then the headline two independent sources agree on, the displayed
        ``<h1>``, the headline two copied metadata titles agree on, then og:title, the article's
        ``<h1>``, the JSON-LD headline, the Twitter and document titles.

        Sources often differ (a social title, an SEO title, a kicker in front, the site name
        behind); where two agree, up to such a prefix or suffix, their shared core is the
        displayed headline far more often than any single source (measured on real pages).
        """
        yield from self._metadata("headline")
        names = (*self.site_names(), *self._metadata("site_name"))
        h1 = self.page.headline_element
        sources = {
            "ld": jsonld_text(self.ld.get("headline") or self.ld.get("name"))[:1],
            "h1": [*self._dom("headline"), *([text_of(h1)] if h1 is not None else [])][:1],
            "og": self.page.meta_values("og:title")[:1],
            "tw": self.page.meta_values("twitter:title")[:1],
            "title": self.page.selector.css("title::text").getall()[:1],
        }
        clean = {k: t for k, v in sources.items() if v and (t := strip_title_suffix(html.unescape(v[0]), names))}
        if "h1" in clean:
            drop_section_label(clean)
        agreed = [core for a, b in HEADLINE_PAIRS if a in clean and b in clean and (core := shared_core(clean[a], clean[b]))]
        copied = [core for a, b in COPIED_PAIRS if a in clean and b in clean and (core := shared_core(clean[a], clean[b]))]
        completed = [full for k in ("h1", "og", "title") if k in clean and (full := completes(clean.get("ld"), clean[k]))]
        yield from completed[:1]
        yield from agreed[:1]
        yield from filter(None, [displayed_headline(clean)])
        yield from copied[:1]
        yield from (clean[k] for k in ("og", "h1", "ld", "tw", "title") if k in clean)

    def lead(self) -> Iterator[str]:
        """The displayed lead (site selectors, lead-named paragraphs), then descriptions."""
        yield from self._dom("lead")
        yield from lead_candidates(self.page)
        yield from self._metadata("lead")
        yield from jsonld_text(self.ld.get("description"))
        yield from self.page.meta_values("og:description", "description", "twitter:description")

    def authors(self) -> list[str]:
        """Author names of the first layer that has any: site metadata, JSON-LD, meta tags, then
        the page's byline, each layer's candidates cleaned by the same named rules
        (:mod:`newscrawl.extract.authors`). A layer naming only the publisher itself gives way
        to a later layer that names people."""
        return list(self._authors)

    @cached_property
    def _authors(self) -> list[str]:
        # once per page: the captions ask for the authors too (an author's photo is no figure)
        publisher = publisher_names((*self.site_names(), *jsonld_publisher(self.page)))
        fallback: list[str] = []
        for layer in self._author_layers():
            names = clean_layer(layer, publisher, self.words)
            if not names:
                continue
            if all(is_organization(name, publisher) for name in names):
                fallback = fallback or names
                continue
            return names
        return fallback

    def _author_layers(self) -> Iterator[Sequence[str]]:
        # one at a time: the byline search runs only where no metadata names a person
        yield self._metadata("authors")
        yield jsonld_authors(self.page)
        yield [v for v in self.page.meta_values(*AUTHOR_METAS) if not v.startswith("http")]
        yield labelled_metas(self.page, AUTHOR_LABELS)
        yield from byline_candidates(self.page, self.words)

    def source(self) -> Iterator[str]:
        """The wire agency's "Source:" line: site selectors, then the generic line search."""
        yield from self._dom("source")
        yield from source_lines(self.page, self.words)

    def published(self) -> Iterator[str]:
        """Publication time: site metadata, JSON-LD, meta tags, ``<time datetime>``, the displayed
        date, and last, where none of those parses, htmldate's search of the whole page. Where
        the first that parses is a date alone (or a time without offset) and a later layer gives
        the same day with its time (and offset), that one comes first
        (:func:`newscrawl.processors.timed_alternative`)."""
        found = False
        layers = self._published_layers()
        for value in layers:
            found = True
            moment = parse_datetime(value, None)
            if moment is None:
                yield value
                continue
            if len(moment) > len("2024-05-30T09:15:00"):  # a time with its offset: nothing to add
                yield value
                yield from layers
                return
            # a date alone, or a time without its offset, gives way to the same moment told in
            # full by a later layer (only here do all the later layers run)
            later = list(layers)
            better = timed_alternative(value, later)
            yield from [better] if better else []
            yield value
            yield from later
            return
        fallback = self.fallback.get("published", ())
        yield from fallback
        if not found and not fallback:
            # never a modification time labelled as the publication time
            modified = {value[:10] for value in (parse_datetime(v, None) for v in self.modified()) if value}
            yield from (date for date in original_date(self.page) if date[:10] not in modified)

    def _published_layers(self, *, displayed: bool = True) -> Iterator[str]:
        yield from self._metadata("published")
        yield from jsonld_text(self.ld.get("datePublished"))
        yield from self.page.meta_values(
            "article:published_time", "og:article:published_time", "datepublished",
            "parsely-pub-date", "dc.date.issued", "dc.date", "pubdate", "publishdate",
        )  # fmt: skip
        yield from time_datetimes(self.page)
        if displayed:
            yield from self.published_raw()

    def metadata_dates(self) -> Iterator[str]:
        """The publication and modification times the page's metadata states (not its displayed
        date): what dates the page shows without a year take it from."""
        yield from (value for value in self._published_layers(displayed=False))
        yield from self.modified()

    def modified(self) -> Iterator[str]:
        """Modification time: site metadata, JSON-LD, then meta tags (never the published time)."""
        yield from self._metadata("modified")
        yield from jsonld_text(self.ld.get("dateModified"))
        yield from self.page.meta_values("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified")

    def published_raw(self) -> Iterator[str]:
        """The date as displayed: site selectors, then a date-like line near the headline."""
        yield from self._dom("published_raw")
        yield from displayed_dates(self.page, self.words)

    def section(self, hint: str | None = None) -> Iterator[str]:
        """Site metadata, JSON-LD/meta section, site selectors, the breadcrumb, then ``hint``."""
        yield from self._metadata("section")
        yield from jsonld_text(self.ld.get("articleSection"))
        yield from self.page.meta_values("article:section")
        yield from self._dom("section")
        yield from [c for c in breadcrumb_names(self.page) if c.casefold() != "home"][-1:]
        if hint:
            yield hint

    def region(self) -> Iterator[str]:
        """Site metadata and selectors (no generic layer: regions are a site's own scheme)."""
        yield from self._metadata("region")
        yield from self._dom("region")

    def coverage(self) -> Iterator[str]:
        """Site metadata and selectors, then a value labelled "Coverage"."""
        yield from self._metadata("coverage")
        yield from self._dom("coverage")
        yield from labelled_values(self.page, "coverage")

    def tags(self) -> list[str]:
        """Tags of the first layer that has any. Keyword fields the publisher curates for news
        search come first (``news_keywords``, JSON-LD ``keywords``, ``keywords``), then the tags
        it gives its analytics (Parse.ly, Sailthru: sections and slugs mixed in), then tag boxes,
        ``rel=tag`` links and ``article:tag``: on real pages of many publishers,
        that order matches their own tag lists best (see ``benchmarks/realworld.py``), then other
        metas named for tags (``custom-keywords``). A layer of machine values (slugs, codes, words
        of the URL) is used only when no other has tags; JSON-LD ``about``/``mentions`` and, last,
        the article's section stand in for missing tags. The layer found is weighed against the
        others by agreement (:func:`newscrawl.extract.tags.chosen_tags`)."""
        shown_tags = tag_links(self.page)
        layers = {
            "site": self._metadata("tags"),
            "news_keywords": split_keywords(next(iter(self.page.meta_values("news_keywords")), None)),
            "jsonld_keywords": jsonld_keywords(self.page),
            "keywords": split_keywords(next(iter(self.page.meta_values("keywords")), None)),
            "analytics": split_keywords(next(iter(self.page.meta_values("parsely-tags", "sailthru.tags")), None)),
            "site_dom": self._dom("tags"),
            "tag_links": shown_tags,
            "article_tag": self.page.meta_values("article:tag"),
            "tag_metas": other_tag_metas(self.page),
            "jsonld_subjects": jsonld_subjects(self.page),
            "section": jsonld_text(self.ld.get("articleSection")) or self.page.meta_values("article:section")[:1],
        }
        _, values = chosen_tags(layers, self.page.url, authors=self._authors)
        shown = {tag.casefold(): tag for tag in shown_tags}
        return [shown.get(tag.casefold(), tag) for tag in values]

    def counters(self, kind: str) -> list[str]:
        """``"5 Shares"`` (``kind="shares"``), ``"20 Visualizaciones"`` (``"views"``) or
        ``"4 Min Read"`` (``"read_time"``) lines, in the edition's words."""
        return counter_lines(self.page, kind, self.words)

    def body_container(self) -> HtmlElement | None:
        """The element holding the main text (the densest text block)."""
        return self.page.main_text_container

    @cached_property
    def body_blocks(self) -> list[HtmlElement]:
        """Block elements of the body."""
        return body_blocks(self.page, self.body_container())

    @cached_property
    def _main_text(self) -> list[str]:
        return main_text(self.page)

    def body(self) -> list[str]:
        """Body paragraphs and subheadings: the main text as trafilatura finds it, without
        "Read more:" lines, table rows, embedded social-media posts, the texts of caption and
        credit elements, the headline it repeats at its top (with the kicker, date or breadcrumb
        lines above it), what follows the end of the JSON-LD ``articleBody`` or a paywall's note, and
        the links and end matter (copyright, contact lines, newsletter invitations, the author's
        bio) that trail it."""
        h1 = self.page.headline_element
        headlines = [
            *([text_of(h1)] if h1 is not None else []),
            *self.page.meta_values("og:title")[:1],
            *jsonld_text(self.ld.get("headline"))[:1],
        ]
        captions = {title_key(text_of(el)) for word in ("caption", "credit") for el in named_elements(self.page, word)}
        captions.discard("")
        longest = 2 * max(map(len, captions), default=0)  # longer lines cannot be one: no key needed
        posts = embedded_posts(self.page)
        lines = [
            line
            for line in self._main_text
            if not is_table_row(line)
            and not (len(line) <= longest and title_key(line) in captions)
            and not any(line in post for post in posts)
        ]
        lines = after_headline(lines, headlines)
        declared = self.ld.get("articleBody")
        if isinstance(declared, str):
            lines = until_declared_end(lines, declared)
        return without_end_matter(until_paywall(lines), self.page, self.authors())

    def captions(self) -> list[tuple[str, str | None, str | None]]:
        """``(caption, credit, image_url)`` of the article's own figures, else JSON-LD image
        captions. An author's photo ("Jane Doe", "By Jane Doe") is not an article image."""
        found = figure_captions(self.page) or [(caption, None, url) for caption, url in jsonld_images(self.page)]
        people = {name.casefold() for name in self.authors()}
        return [c for c in found if not is_byline(c[0], self.words) and c[0].casefold().strip(" .") not in people]

    def related_boxes(self) -> list[tuple[str, HtmlElement]]:
        """``(kind, box)`` of the boxes of links to other articles."""
        return labelled_blocks(self.page)

    def related(self) -> list[tuple[str, str]]:
        """``(url, kind)`` of links to other articles, in page order: inline "Read more:"
        links, then the boxes' links, sorted by their place in the page."""
        order = self.page.order
        found = [(order.get(p, 0), url, "read_more") for p in self.body_blocks for url in read_more_links([p], self.page)]
        seen: set[HtmlElement] = set()
        for kind, box in self.related_boxes():
            if box in seen or any(a in seen for a in box.iterancestors()):
                continue
            seen.add(box)
            for a in box.iter("a"):
                href = self.page.absolute(a.get("href"))
                if href and self.is_article_url(href):
                    found.append((order.get(a, 0), href, kind))
        found.sort(key=lambda entry: entry[0])
        return [(url, kind) for _, url, kind in found]

    def edition_links(self) -> list[str]:
        """URLs of this article in the site's other languages or editions: its ``hreflang``
        alternates, without the page's own URLs (its address, its canonical, the alternate in its
        own language). Not ``a[hreflang]``: sites mark any link to a page in another language so,
        a corporate page as well as a translation; a profile knows its language links."""
        own_language = " ".join(self.page.root.xpath("/html/@lang")).strip().lower()
        own = {self.page.url, self.page.canonical}
        found = [url for language, url in self.page.alternates if language.lower() != own_language]
        return [url for url in dict.fromkeys(found) if url not in own]

    def site_names(self) -> list[str]:
        """Names the page gives its site (``og:site_name``, ``application-name``, the JSON-LD
        publisher), which titles often carry as a suffix."""
        publisher = self.ld.get("publisher")
        return [
            *self.page.meta_values("og:site_name", "application-name", "apple-mobile-web-app-title"),
            *(jsonld_text(publisher) if isinstance(publisher, dict) else []),
        ]

    def language(self) -> Iterator[str]:
        """``<html lang>``, JSON-LD ``inLanguage``, ``og:locale``, then ``content-language``."""
        yield from self.page.root.xpath("/html/@lang")
        yield from jsonld_text(self.ld.get("inLanguage"))
        yield from self.page.meta_values("og:locale", "content-language", "dc.language", "language")


_MEDIA_TYPES = frozenset({"VideoObject", "ImageGallery", "MediaGallery"})
#: JSON-LD types of pages that are not articles, as SEO plugins mark listings, author pages and
#: static pages. ``WebPage`` and ``WebSite`` are left out: article pages carry them too.
NON_ARTICLE_TYPES = frozenset({"CollectionPage", "ProfilePage", "AboutPage", "ContactPage", "SearchResultsPage", "FAQPage"})
