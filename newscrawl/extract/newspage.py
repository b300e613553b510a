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
from typing import TYPE_CHECKING, Any, TypeVar
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
from newscrawl.extract.maintext import read_main_text
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
    from collections.abc import Iterable, Iterator, Mapping, Sequence

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


_T = TypeVar("_T")

#: One layer of a field as :meth:`NewsPage.trace` records it: its source, what it reads where
#: several layers share a source (``og:title``, ``two titles agree``; else ``""``), and the
#: candidates it offered.
Layer = tuple[str, str, list[Any]]

_DOM_FIELDS = ("headline", "lead", "source", "published_raw", "section", "region", "coverage", "tags")


class NewsPage:
    """The raw fields of a news article page, from layers that work on any site.

    Each field method returns candidates in layer order (JSON-LD, then meta tags, then DOM
    heuristics); loaders keep the first usable one. The methods of single-valued fields are
    generators: a layer runs only when the loader has not found a usable value in the earlier ones. Site profiles subclass it and fill two hooks:
    :meth:`_metadata` (the site's own metadata, in front of every layer) and :meth:`_dom` (the
    site's selectors, after the meta tags and before the generic heuristics).

    Each layer names its source (:data:`newscrawl.extract.provenance.SOURCES`) as it yields a
    candidate (:meth:`_tagged`): :attr:`source_of` holds, per field, the source of the candidate
    yielded last, which the loader reads for the one it keeps. List fields record the layer they
    chose. A profile whose metadata is not a CMS block names its own (:attr:`metadata_source`).
    """

    #: The source name of :meth:`_metadata`'s values.
    metadata_source = "cms"

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
        #: Where each fallback field's values came from (``sitemap``, ``feed``), by field.
        self.fallback_sources: Mapping[str, str] = {}
        #: The source of the candidate each field method yielded last (list fields: of the
        #: layer it chose), by field (the method's name: ``published``, ``modified``...).
        self.source_of: dict[str, str] = {}
        #: ``None``, or (for ``newscrawl doctor``) every layer the field methods run, by field,
        #: with what it offered: then every layer runs (see :mod:`newscrawl.doctor`).
        self.trace: dict[str, list[Layer]] | None = None

    # --- provenance -----------------------------------------------------------------------

    def _tagged(self, field: str, source: str, values: Iterable[_T], what: str = "") -> Iterator[_T]:
        """``values``, one layer of ``field``, its ``source`` recorded before each is yielded;
        ``what`` names the layer for the trace where its source does not say it."""
        if self.trace is not None:
            values = list(values)
            self.trace.setdefault(field, []).append((source, what, values))
        for value in values:
            self.source_of[field] = source
            yield value

    def _offer(self, field: str, source: str, values: Sequence[Any], what: str = "") -> None:
        """Record a layer a list field considered, when tracing (``what``: as for :meth:`_tagged`)."""
        if self.trace is not None:
            self.trace.setdefault(field, []).append((source, what, list(values)))

    def _chose(self, field: str, source: str, values: list[_T]) -> list[_T]:
        """``values``, the layer a list field took, its source recorded."""
        self.source_of[field] = source
        return values

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
        yield from self._tagged("url", self.metadata_source, self._metadata("url"))
        yield from self._tagged("url", "meta", [self.page.canonical] if self.page.canonical else [], "link canonical")
        yield from self._tagged("url", "meta", self.page.meta_values("og:url"), "og:url")
        yield from self._tagged("url", "url", [self.page.url])

    def post_id(self) -> Iterator[str]:
        """Site metadata id, ``meta[name=postid]``-style tags, then a ``data-postid`` attribute."""
        yield from self._tagged("post_id", self.metadata_source, self._metadata("post_id"))
        yield from self._tagged("post_id", "meta", self.page.meta_values("postid", "post_id", "article:id"))
        yield from self._tagged(
            "post_id",
            "generic-dom",
            self.page.selector.css("[data-postid]::attr(data-postid), [data-post-id]::attr(data-post-id)").getall(),
        )

    def content_type(self) -> Iterator[str]:
        """Site metadata type, then the JSON-LD type."""
        yield from self._tagged("content_type", self.metadata_source, self._metadata("content_type"))
        kind = jsonld_type(self.page)
        yield from self._tagged("content_type", "jsonld", [kind] if kind else [])

    def headline(self) -> Iterator[str]:
        """Site metadata, then the headline two independent sources agree on, the displayed
        ``<h1>``, the headline two copied metadata titles agree on, then og:title, the article's
        ``<h1>``, the JSON-LD headline, the Twitter and document titles.

        Sources often differ (a social title, an SEO title, a kicker in front, the site name
        behind); where two agree, up to such a prefix or suffix, their shared core is the
        displayed headline far more often than any single source (measured on real pages).
        """
        yield from self._tagged("headline", self.metadata_source, self._metadata("headline"))
        names = (*self.site_names(), *self._metadata("site_name"))
        h1 = self.page.headline_element
        site_h1 = self._dom("headline")
        sources = {
            "ld": jsonld_text(self.ld.get("headline") or self.ld.get("name"))[:1],
            "h1": [*site_h1, *([text_of(h1)] if h1 is not None else [])][:1],
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
        layer = {"og": "meta", "h1": "site-dom" if site_h1 else "generic-dom", "ld": "jsonld", "tw": "meta", "title": "meta"}
        yield from self._tagged("headline", "heuristic", completed[:1], "JSON-LD headline completed by a title")
        yield from self._tagged("headline", "heuristic", agreed[:1], "two titles agree")
        yield from self._tagged("headline", layer["h1"], filter(None, [displayed_headline(clean)]), "<h1> naming the story")
        yield from self._tagged("headline", "heuristic", copied[:1], "copied titles agree")
        for k in ("og", "h1", "ld", "tw", "title"):
            yield from self._tagged("headline", layer[k], [clean[k]] if k in clean else [], _HEADLINE_LAYERS[k])

    def lead(self) -> Iterator[str]:
        """The displayed lead (site selectors, lead-named paragraphs), then descriptions."""
        yield from self._tagged("lead", "site-dom", self._dom("lead"))
        yield from self._tagged("lead", "generic-dom", lead_candidates(self.page))
        yield from self._tagged("lead", self.metadata_source, self._metadata("lead"))
        yield from self._tagged("lead", "jsonld", jsonld_text(self.ld.get("description")))
        yield from self._tagged("lead", "meta", self.page.meta_values("og:description", "description", "twitter:description"))

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
        fallback_source = ""
        layers: Iterable[tuple[str, str, Sequence[str]]] = self._author_layers()
        if self.trace is not None:
            layers = list(layers)
            for source, what, layer in layers:
                self._offer("authors", source, layer, what)
        for source, _, layer in layers:
            names = clean_layer(layer, publisher, self.words)
            if not names:
                continue
            if all(is_organization(name, publisher) for name in names):
                fallback, fallback_source = (fallback, fallback_source) if fallback else (names, source)
                continue
            return self._chose("authors", source, names)
        return self._chose("authors", fallback_source, fallback) if fallback else []

    def _author_layers(self) -> Iterator[tuple[str, str, Sequence[str]]]:
        # one at a time: the byline search runs only where no metadata names a person
        yield self.metadata_source, "", self._metadata("authors")
        yield "jsonld", "", jsonld_authors(self.page)
        yield "meta", "author metas", [v for v in self.page.meta_values(*AUTHOR_METAS) if not v.startswith("http")]
        yield "meta", "metas labelled author", labelled_metas(self.page, AUTHOR_LABELS)
        yield from (("generic-dom", "byline", layer) for layer in byline_candidates(self.page, self.words))

    def source(self) -> Iterator[str]:
        """The wire agency's "Source:" line: site selectors, then the generic line search."""
        yield from self._tagged("source", "site-dom", self._dom("source"))
        yield from self._tagged("source", "heuristic", source_lines(self.page, self.words))

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
                if self.trace is None:
                    return
                break
            # a date alone, or a time without its offset, gives way to the same moment told in
            # full by a later layer (only here do all the later layers run)
            source = self.source_of["published"]
            later = [(v, self.source_of["published"]) for v in layers]
            better = timed_alternative(value, [v for v, _ in later])
            for v, layer in [*[(v, layer) for v, layer in later if v == better][:1], (value, source), *later]:
                self.source_of["published"] = layer
                yield v
            if self.trace is None:
                return
            break
        fallback = self.fallback.get("published", ())
        yield from self._tagged("published", self.fallback_sources.get("published", "sitemap"), fallback)
        if self.trace is not None or (not found and not fallback):
            # never a modification time labelled as the publication time
            modified = {value[:10] for value in (parse_datetime(v, None) for v in self.modified()) if value}
            yield from self._tagged("published", "htmldate", [d for d in original_date(self.page) if d[:10] not in modified])

    def _published_layers(self, *, displayed: bool = True) -> Iterator[str]:
        yield from self._tagged("published", self.metadata_source, self._metadata("published"))
        yield from self._tagged("published", "jsonld", jsonld_text(self.ld.get("datePublished")))
        yield from self._tagged("published", "meta", self.page.meta_values(
            "article:published_time", "og:article:published_time", "datepublished",
            "parsely-pub-date", "dc.date.issued", "dc.date", "pubdate", "publishdate",
        ))  # fmt: skip
        yield from self._tagged("published", "generic-dom", time_datetimes(self.page))
        if displayed:
            yield from self.published_raw("published")

    def metadata_dates(self) -> Iterator[str]:
        """The publication and modification times the page's metadata states (not its displayed
        date): what dates the page shows without a year take it from."""
        yield from (value for value in self._published_layers(displayed=False))
        yield from self.modified()

    def modified(self) -> Iterator[str]:
        """Modification time: site metadata, JSON-LD, then meta tags (never the published time)."""
        yield from self._tagged("modified", self.metadata_source, self._metadata("modified"))
        yield from self._tagged("modified", "jsonld", jsonld_text(self.ld.get("dateModified")))
        yield from self._tagged(
            "modified",
            "meta",
            self.page.meta_values("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified"),
        )

    def published_raw(self, field: str = "published_raw") -> Iterator[str]:
        """The date as displayed: site selectors, then a date-like line near the headline
        (recorded as layers of ``field``: the displayed date is one of ``published``'s too)."""
        yield from self._tagged(field, "site-dom", self._dom("published_raw"))
        yield from self._tagged(field, "heuristic", displayed_dates(self.page, self.words))

    def section(self, hint: str | None = None) -> Iterator[str]:
        """Site metadata, JSON-LD/meta section, site selectors, the breadcrumb, then ``hint``."""
        yield from self._tagged("section", self.metadata_source, self._metadata("section"))
        yield from self._tagged("section", "jsonld", jsonld_text(self.ld.get("articleSection")))
        yield from self._tagged("section", "meta", self.page.meta_values("article:section"))
        yield from self._tagged("section", "site-dom", self._dom("section"))
        yield from self._tagged("section", "generic-dom", [c for c in breadcrumb_names(self.page) if c.casefold() != "home"][-1:])
        yield from self._tagged("section", "heuristic", [hint] if hint else [])

    def region(self) -> Iterator[str]:
        """Site metadata and selectors (no generic layer: regions are a site's own scheme)."""
        yield from self._tagged("region", self.metadata_source, self._metadata("region"))
        yield from self._tagged("region", "site-dom", self._dom("region"))

    def coverage(self) -> Iterator[str]:
        """Site metadata and selectors, then a value labelled "Coverage"."""
        yield from self._tagged("coverage", self.metadata_source, self._metadata("coverage"))
        yield from self._tagged("coverage", "site-dom", self._dom("coverage"))
        yield from self._tagged("coverage", "heuristic", labelled_values(self.page, "coverage"))

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
        for name, layer in layers.items() if self.trace is not None else ():
            self._offer("tags", self._tag_source(name), layer, name)
        taken, values = chosen_tags(layers, self.page.url, authors=self._authors)
        if taken is not None:
            self.source_of["tags"] = self._tag_source(taken)
        shown = {tag.casefold(): tag for tag in shown_tags}
        return [shown.get(tag.casefold(), tag) for tag in values]

    def _tag_source(self, layer: str) -> str:
        """The source of the tag layer named ``layer`` in :meth:`tags`."""
        if layer == "site":
            return self.metadata_source
        if layer == "section":
            return "jsonld" if jsonld_text(self.ld.get("articleSection")) else "meta"
        return _TAG_SOURCES[layer]

    def counters(self, kind: str) -> list[str]:
        """``"5 Shares"`` (``kind="shares"``), ``"20 Visualizaciones"`` (``"views"``) or
        ``"4 Min Read"`` (``"read_time"``) lines, in the edition's words."""
        return list(self._tagged(kind, "heuristic", counter_lines(self.page, kind, self.words)))

    def body_container(self) -> HtmlElement | None:
        """The element holding the main text (the densest text block)."""
        return self.page.main_text_container

    @cached_property
    def body_blocks(self) -> list[HtmlElement]:
        """Block elements of the body."""
        return body_blocks(self.page, self.body_container())

    @cached_property
    def _main_text(self) -> list[str]:
        lines, self.main_text_source = read_main_text(self.page)
        return lines

    #: Where :attr:`_main_text` came from: the page's own dense text or trafilatura's.
    main_text_source = "generic-dom"

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
        lines = without_end_matter(until_paywall(lines), self.page, self.authors())
        self._offer("body", self.main_text_source, lines)
        return self._chose("body", self.main_text_source, lines)

    def captions(self) -> list[tuple[str, str | None, str | None]]:
        """``(caption, credit, image_url)`` of the article's own figures, else JSON-LD image
        captions. An author's photo ("Jane Doe", "By Jane Doe") is not an article image."""
        found = self._chose("captions", "generic-dom", figure_captions(self.page))
        self._offer("captions", "generic-dom", found)
        if not found or self.trace is not None:
            images: list[tuple[str, str | None, str | None]] = [(caption, None, url) for caption, url in jsonld_images(self.page)]
            self._offer("captions", "jsonld", images)
            found = found or self._chose("captions", "jsonld", images)
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
        return self._chose("related", "generic-dom", [(url, kind) for _, url, kind in found])

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
        yield from self._tagged("language", "meta", self.page.root.xpath("/html/@lang"))
        yield from self._tagged("language", "jsonld", jsonld_text(self.ld.get("inLanguage")))
        yield from self._tagged(
            "language", "meta", self.page.meta_values("og:locale", "content-language", "dc.language", "language")
        )


#: What each title layer of :meth:`NewsPage.headline` reads.
_HEADLINE_LAYERS = {"og": "og:title", "h1": "<h1>", "ld": "JSON-LD headline", "tw": "twitter:title", "title": "<title>"}

#: The source of each tag layer of :meth:`NewsPage.tags` (but the site's and the section's).
_TAG_SOURCES = {
    "news_keywords": "meta", "jsonld_keywords": "jsonld", "keywords": "meta", "analytics": "meta", "site_dom": "site-dom",
    "tag_links": "generic-dom", "article_tag": "meta", "tag_metas": "meta", "jsonld_subjects": "jsonld",
}  # fmt: skip

_MEDIA_TYPES = frozenset({"VideoObject", "ImageGallery", "MediaGallery"})
#: JSON-LD types of pages that are not articles, as SEO plugins mark listings, author pages and
#: static pages. ``WebPage`` and ``WebSite`` are left out: article pages carry them too.
NON_ARTICLE_TYPES = frozenset({"CollectionPage", "ProfilePage", "AboutPage", "ContactPage", "SearchResultsPage", "FAQPage"})
