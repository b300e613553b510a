"""The Al Mayadeen site profile: every selector, URL shape and name specific to the site.

The real English markup is unknown (see ``docs`` and the site notes), so each field is read
from successive layers and the first that yields a value wins:

1. the CMS metadata block ``script#tawsiyat-metadata`` and ``meta[name=postid]`` (seen on the
   Arabic edition, very probably shared);
2. JSON-LD;
3. OpenGraph, ``article:*`` and other ``<meta>`` tags;
4. DOM candidates: class names seen in public scrapers and plausible variants;
5. generic heuristics (:mod:`newscrawl.extract.generic`): a "By ..." line, a "Source: ..." line,
   a date near the headline, ``figcaption``, tag links, the densest text block.

Fields a reader sees but metadata may state differently (tags, captions, related links) take
the visible page first. Every method returns raw candidates; loaders clean them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from newscrawl.extract import generic
from newscrawl.extract.generic import Page, text_of
from newscrawl.processors import split_keywords
from newscrawl.urls import is_static

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

#: Real origin of each edition.
EDITIONS: dict[str, str] = {
    "en": "https://english.almayadeen.net",
    "ar": "https://www.almayadeen.net",
    "es": "https://espanol.almayadeen.net",
}
#: The names the site appends to titles ("Headline | Al Mayadeen English").
SITE_NAMES = ("Al Mayadeen English", "Al Mayadeen Español", "Al Mayadeen", "الميادين")
#: Displayed times carry no offset; they are Beirut local time.
TIMEZONE = "Asia/Beirut"

# Region names of the menu, from the site notes; a link labelled so is a region, not a section.
REGION_NAMES = frozenset({"africa", "asia", "asia-pacific", "europe", "latin america", "mena", "palestine", "us & canada"})

# --- URLs --------------------------------------------------------------------------------------

# First path segments that never hold articles or listings worth crawling.
_NOT_CONTENT = frozenset(
    {
        "assets", "static", "media", "images", "img", "css", "js", "fonts", "sitemaps", "search",
        "tags", "tag", "authors", "author", "user", "users", "login", "api", "rss", "feed",
        "about-us", "contact-us", "privacy-policy", "terms", "cdn-cgi",
    }
)  # fmt: skip
#: Content type by the first path segment of an article URL.
CONTENT_TYPES: dict[str, str] = {
    "news": "news",
    "shortnews": "news",
    "articles": "article",
    "article": "article",
    "videos": "video",
    "video": "video",
    "tv-reports": "video",
    "newscast": "video",
    "programs": "video",
    "infographs": "infograph",
    "infographics": "infograph",
    "infograph": "infograph",
    "in-pictures": "gallery",
    "pictures": "gallery",
    "gallery": "gallery",
    "galleries": "gallery",
    "photos": "gallery",
}
_MEDIA_TYPES = frozenset({"VideoObject", "ImageGallery", "MediaGallery"})
_PAGE_SEGMENT = re.compile(r"^(?:page|p)$", re.IGNORECASE)


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def is_slug(segment: str) -> bool:
    """Whether a path segment is an article slug rather than a section name.

    Slugs are headlines cut at 60 characters (``russian-intel-reveals-us-urging--israel--to-expedite-genocid``);
    section names are one to three words (``foreign-press``, ``video-features``).
    """
    words = [w for w in re.split(r"[-_]+", segment) if w]
    return len(words) >= 4 or len(segment) >= 30 or "--" in segment or ":" in segment


def page_kind(url: str) -> str | None:
    """``"article"``, ``"listing"`` or ``None`` (home, assets, utility pages) for an edition URL.

    Article shapes, from the site notes: ``/news/<section>/<slug>``, ``/articles/<sub>/<slug>``,
    ``/articles/<slug>``, ``/video/<slug>``, ``/newscast/2024/5/30/<slug>``: a path of three or
    more segments, or of two whose last is a slug. One- and two-segment paths of short names are
    listings (``/news``, ``/news/politics``, ``/articles/foreign-press``).
    """
    segments = _segments(url)
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


def content_type_of(url: str) -> str | None:
    """Content type named by an article URL's first path segment (``/news/...`` → ``news``)."""
    segments = _segments(url)
    return CONTENT_TYPES.get(segments[0].lower()) if segments else None


def is_pagination(url: str, listing_url: str) -> bool:
    """Whether ``url`` is another page of the listing at ``listing_url``.

    ``/news/politics?page=2`` and ``/news/politics/page/2`` are pages of ``/news/politics``.
    """
    path, listing_path = urlsplit(url).path.rstrip("/"), urlsplit(listing_url).path.rstrip("/")
    if path == listing_path:
        query = dict(parse_qsl(urlsplit(url).query))
        return any(key.lower() in ("page", "p", "pg", "pagenumber") for key in query)
    return bool(re.fullmatch(re.escape(listing_path) + r"/(?:page|p)/\d+", path))


def is_subsection(url: str, listing_url: str) -> bool:
    """Whether ``url`` is a listing under the same top section as ``listing_url``.

    ``/articles/foreign-press`` is a subsection met on ``/articles``; it is crawled even though
    the main menu does not name it.
    """
    segments, listing = _segments(url), _segments(listing_url)
    return (
        page_kind(url) == "listing"
        and bool(segments)
        and bool(listing)
        and segments[0] == listing[0]
        and segments != listing
        and not is_pagination(url, listing_url)
    )


# --- the homepage ------------------------------------------------------------------------------

_MENU_CONTAINERS = (
    "nav, header, [class*=menu], [class*=Menu], [id*=menu], [class*=nav], [class*=Nav], [id*=nav], [id*=Nav], "
    "[role=navigation], [class*=region], [class*=Region], [class*=countr]"
)


@dataclass(frozen=True)
class MenuLink:
    """A link of the site's menus: a section, a region or a landing page."""

    url: str
    label: str
    is_region: bool


def menu_links(page: Page) -> list[MenuLink]:
    """Listing links of the page's menus (desktop and mobile copies merged), in page order.

    Falls back to every listing-shaped link of the page when no menu container holds one.
    """
    links = _listing_links(page, page.selector.css(_MENU_CONTAINERS))
    if not links:
        links = _listing_links(page, [page.selector])
    return links


def _listing_links(page: Page, containers: Any) -> list[MenuLink]:
    seen: dict[str, MenuLink] = {}
    for box in containers:
        region_box = bool(re.search(r"region|countr", f"{box.attrib.get('class', '')} {box.attrib.get('id', '')}", re.I))
        for a in box.css("a[href]"):
            url = page.absolute(a.attrib.get("href"))
            label = text_of(a.root)
            if not url or not label or page_kind(url) != "listing" or url in seen:
                continue
            is_region = region_box or "region" in url.lower() or label.casefold() in REGION_NAMES
            seen[url] = MenuLink(url=url, label=label, is_region=is_region)
    return list(seen.values())


# --- the BREAKING ticker -----------------------------------------------------------------------

_TICKER_ITEMS = (
    "#ticker-box ul li .ticker-item",
    ".ticker__item",
    ".ticker-item",
    "[class*=ticker] li",
    "[id*=ticker] li",
    "[class*=breaking] li",
    "[class*=urgent] li",
)
_TICKER_LABELS = frozenset({"breaking", "breaking news", "عاجل", "urgente", "última hora", "ultima hora"})


@dataclass(frozen=True)
class TickerLine:
    """A raw ticker line: its text and the link it carries, if any."""

    text: str
    href: str | None


def ticker_lines(page: Page) -> list[TickerLine]:
    """The BREAKING ticker's lines, in order (empty when the page has no ticker)."""
    for selector in _TICKER_ITEMS:
        items = page.selector.css(selector)
        lines = [_ticker_line(page, item.root) for item in items]
        found = [line for line in lines if line is not None]
        if found:
            return _dedupe_lines(found)
    return _dedupe_lines(_labelled_ticker(page))


def _ticker_line(page: Page, item: HtmlElement) -> TickerLine | None:
    text_el = next((el for el in item.iter() if "ticker-text" in (el.get("class") or "")), item)
    text = text_of(text_el)
    if not text or text.casefold() in _TICKER_LABELS:
        return None
    link = item if item.tag == "a" else next(iter(item.iter("a")), None)
    if link is None:
        link = next((a for a in item.iterancestors("a")), None)
    href = page.absolute(link.get("href")) if link is not None else None
    return TickerLine(text=text, href=href)


def _labelled_ticker(page: Page) -> Iterator[TickerLine]:
    """Lines after a "BREAKING" label: the items of the list or box that follows it.

    The label may carry an icon (``<span><i class="icon"></i>Breaking News</span>``).
    """
    for el in page.root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "title"):
            continue
        if text_of(el).casefold().strip(" :") not in _TICKER_LABELS or any(isinstance(c.tag, str) and text_of(c) for c in el):
            continue
        node: HtmlElement | None = el
        while node is not None:
            sibling = node.getnext()
            while sibling is not None:
                lines = [line for line in (_ticker_line(page, item) for item in _line_items(sibling)) if line]
                if lines:
                    yield from lines
                    return
                sibling = sibling.getnext()
            node = node.getparent()
            if node is not None and node.tag == "body":
                return


_SEPARATOR = re.compile(r"^[\W_]{0,3}$")


def _line_items(box: HtmlElement) -> list[HtmlElement]:
    """The items of a ticker box: its list items, else the text-bearing children of its
    innermost wrapper, bullets and other separators left out."""
    items = box.xpath(".//li")
    if items:
        return list(items)
    node = box
    while True:
        children = [c for c in node if isinstance(c.tag, str) and text_of(c)]
        if len(children) == 1 and children[0].tag != "a" and len(children[0]) > 0:
            node = children[0]
            continue
        break
    return [c for c in children if not _SEPARATOR.match(text_of(c))] or [box]


def _dedupe_lines(lines: Iterator[TickerLine] | list[TickerLine]) -> list[TickerLine]:
    seen: set[str] = set()
    out = []
    for line in lines:
        if line.text not in seen:
            seen.add(line.text)
            out.append(line)
    return out


# --- article pages -----------------------------------------------------------------------------

_H1 = ("h1.post-title", "h1.article-title", "h1.news-title", "h1.title", ".post-title h1", "article h1", "main h1")
_LEAD = ("p.lg_para.summary", "p.lg_para", ".article-summary")
_BODY = ("div.p-content", ".article-body", ".post-content", ".article-content", ".entry-content", "[itemprop=articleBody]")
_TAGS = (".tags a", ".tags li", ".post-tags a", ".article-tags a", ".tag-list a", ".keywords a")
_DATE = (".post-date", ".date", ".article-date", ".publish-date", ".published", "[class*=date]")
_SOURCE = (".source", ".post-source", ".article-source", "[class*=source]")
_COVERAGE = (
    ".coverage-label",
    ".coverage a",
    "a.coverage",
    "[class*=coverage-title]",
    "a[href*='/coverage']",
    "a[href*='/coverages/']",
)
_REGION = (".region a", "a.region", ".post-region a", "[class*=region-label]", ".country a")
_SECTION = (".category a", "a.category", ".post-category a", ".section-label", "[class*=category-label]")
_RELATED_CLASSES = {
    "related": ("[class*=related-news]", "[class*=related]"),
    "most_read": ("[class*=most-read]", "[class*=mostread]", "[class*=most_read]"),
    "read_next": ("[class*=read-next]", "[class*=readnext]", "[class*=read_next]"),
}


@dataclass
class ArticlePage:
    """Raw fields of an Al Mayadeen article page, layer by layer.

    ``regions`` maps region listing paths (``/regions/palestine``) to the labels the homepage
    menus give them; the spider passes what it discovered, so labels need no hard-coded list.
    """

    page: Page
    regions: dict[str, str] = field(default_factory=dict)

    # --- layers ---------------------------------------------------------------------------

    @cached_property
    def cms(self) -> dict[str, Any]:
        """The CMS metadata block (``script#tawsiyat-metadata``), or ``{}``."""
        for script in self.page.root.xpath('//script[@id="tawsiyat-metadata"]'):
            try:
                data = json.loads(script.text or "", strict=False)
            except ValueError:
                continue
            if isinstance(data, dict):
                return data
        return {}

    def cms_class(self, mapping: str) -> list[str]:
        """Values of the metadata block's ``classes`` with the given ``mapping`` (``category``...)."""
        classes = self.cms.get("classes") or []
        return [str(c["value"]) for c in classes if isinstance(c, dict) and c.get("mapping") == mapping and c.get("value")]

    @property
    def ld(self) -> dict[str, Any]:
        """The article's JSON-LD node."""
        return self.page.article_jsonld

    def _css(self, selectors: tuple[str, ...], *, attr: str | None = None, in_boxes: bool = False) -> list[str]:
        """Texts (or an attribute) of the first selector that matches outside boilerplate.

        ``in_boxes`` also accepts matches inside label boxes (coverage, share bars), leaving out
        only the site's chrome and teaser boxes.
        """
        outside = self.page.in_chrome if in_boxes else self.page.in_boilerplate
        for selector in selectors:
            values = []
            for el in self.page.selector.css(selector):
                if outside(el.root):
                    continue
                value = el.attrib.get(attr) if attr else text_of(el.root)
                if value:
                    values.append(value)
            if values:
                return values
        return []

    # --- fields ---------------------------------------------------------------------------

    def is_article(self) -> bool:
        """Whether the page is an article (the CMS marks other pages ``"type": "page"``)."""
        if self.cms.get("type") == "page":
            return False
        return bool(self.cms or self.ld or self.page.headline_element is not None)

    def declares_article(self) -> bool:
        """Whether the page's metadata says it is an article: the CMS type, or a text-article
        JSON-LD type (a listing may carry a ``VideoObject`` for its featured video)."""
        kind = generic.jsonld_type(self.page)
        return self.cms.get("type") in ("article", "videoobject") or (kind is not None and kind not in _MEDIA_TYPES)

    def url(self) -> list[str]:
        """Canonical link, metadata URL, ``og:url``, then the response URL."""
        return [
            u
            for u in (self.page.canonical, self.cms.get("url"), *self.page.meta_values("og:url"), self.page.url)
            if isinstance(u, str) and u
        ]

    def post_id(self) -> list[str]:
        """CMS ``postid``, ``meta[name=postid]``, then a ``data-postid`` attribute."""
        return [
            str(v)
            for v in (
                self.cms.get("postid"),
                *self.page.meta_values("postid", "post_id", "article:id"),
                *self.page.selector.css("[data-postid]::attr(data-postid), [data-post-id]::attr(data-post-id)").getall(),
            )
            if v
        ]

    def content_type(self) -> list[str]:
        """Content type from the URL shape, the metadata type/posttype, then the JSON-LD type."""
        kinds = [content_type_of(self.page.url) or ""]
        kinds.extend(self.cms_class("posttype"))
        kinds.append(str(self.cms.get("type") or ""))
        kinds.append(generic.jsonld_type(self.page) or "")
        return [k for k in kinds if k]

    def headline(self) -> list[str]:
        """Metadata title, JSON-LD headline, DOM ``<h1>`` candidates, then og/document title."""
        return [
            *[v for v in (self.cms.get("title"),) if isinstance(v, str)],
            *generic.jsonld_text(self.ld.get("headline") or self.ld.get("name")),
            *self._css(_H1),
            *[text_of(h) for h in [self.page.headline_element] if h is not None],
            *self.page.meta_values("og:title", "twitter:title"),
            *self.page.selector.css("title::text").getall(),
        ]

    def lead(self) -> list[str]:
        """The displayed lead (DOM candidates), then metadata, JSON-LD and meta descriptions."""
        return [
            *self._css(_LEAD),
            *generic.lead_candidates(self.page),
            *[v for v in (self.cms.get("description"),) if isinstance(v, str)],
            *generic.jsonld_text(self.ld.get("description")),
            *self.page.meta_values("og:description", "description", "twitter:description"),
        ]

    def authors(self) -> list[str]:
        """Byline strings of the first layer that has any: metadata author, JSON-LD authors,
        meta author, then the DOM byline."""
        cms = [v for v in (self.cms.get("author"),) if isinstance(v, str) and v.strip()]
        meta = [
            v
            for v in self.page.meta_values("author", "article:author", "parsely-author", "dc.creator")
            if not v.startswith("http")
        ]
        for layer in (
            cms or self.cms_class("author"),
            generic.jsonld_authors(self.page),
            meta,
            *generic.byline_candidates(self.page),
        ):
            if layer:
                return layer
        return []

    def source(self) -> list[str]:
        """The "Source:" line: DOM candidates, then the generic line search."""
        return [s for s in (*self._css(_SOURCE), *generic.source_lines(self.page)) if s]

    def published(self) -> list[str]:
        """Publication time: metadata, JSON-LD, meta tags, ``<time datetime>``, displayed date."""
        return [
            *[v for v in (self.cms.get("published_time"),) if isinstance(v, str)],
            *generic.jsonld_text(self.ld.get("datePublished")),
            *self.page.meta_values(
                "article:published_time", "og:article:published_time", "datepublished",
                "parsely-pub-date", "dc.date.issued", "dc.date", "pubdate", "publishdate",
            ),
            *generic.time_datetimes(self.page),
            *self.published_raw(),
        ]  # fmt: skip

    def modified(self) -> list[str]:
        """Modification time: metadata ``last_updated``, JSON-LD, then meta tags."""
        return [
            *[v for v in (self.cms.get("last_updated"),) if isinstance(v, str)],
            *generic.jsonld_text(self.ld.get("dateModified")),
            *self.page.meta_values("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified"),
        ]

    def published_raw(self) -> list[str]:
        """The date as displayed: DOM date candidates, then a date-like line near the headline."""
        return [*self._css(_DATE), *generic.displayed_dates(self.page)]

    def section(self, hint: str | None = None) -> list[str]:
        """Metadata category, JSON-LD/meta section, DOM label, breadcrumb, then the menu label."""
        crumbs = [c for c in generic.breadcrumb_names(self.page) if c.casefold() not in ("home", "al mayadeen english")]
        return [
            *self.cms_class("category"),
            *generic.jsonld_text(self.ld.get("articleSection")),
            *self.page.meta_values("article:section"),
            *self._css(_SECTION),
            *[c for c in crumbs[-1:] if c.casefold() not in REGION_NAMES],
            *([hint] if hint else []),
        ]

    def region(self) -> list[str]:
        """Metadata country, DOM region labels, then the article's link to a known region listing."""
        return [*self.cms_class("country"), *self._css(_REGION), *self._region_links()]

    def _region_links(self) -> list[str]:
        """Labels of links to region listings, leaving out the region bar and teaser boxes.

        The region bar is recognized as a container holding links to several regions.
        """
        found = []
        boxes = {box for _, box in generic.labelled_blocks(self.page)}
        for a in self.page.root.iter("a"):
            label = self.regions.get(urlsplit(self.page.absolute(a.get("href")) or "").path.rstrip("/"))
            if not label or any(anc in boxes or anc.tag == "footer" for anc in a.iterancestors()):
                continue
            container = next((anc for anc in a.iterancestors("ul", "ol", "nav", "div", "section")), None)
            paths = (
                {urlsplit(self.page.absolute(x.get("href")) or "").path.rstrip("/") for x in container.iter("a")}
                if container is not None
                else set()
            )
            if len(paths & self.regions.keys()) <= 1:
                found.append(label)
        return found

    def coverage(self) -> list[str]:
        """Metadata coverage, then DOM coverage labels."""
        return [
            *self.cms_class("coverage"),
            *self._css(_COVERAGE, in_boxes=True),
            *generic.labelled_values(self.page, "coverage"),
        ]

    def tags(self) -> list[str]:
        """Tags as shown (DOM), else metadata keywords, JSON-LD keywords, meta tags."""
        for layer in (
            self._css(_TAGS),
            generic.tag_links(self.page),
            split_keywords(_str(self.cms.get("keywords"))),
            generic.jsonld_keywords(self.page),
            self.page.meta_values("article:tag"),
            split_keywords(next(iter(self.page.meta_values("keywords", "news_keywords")), None)),
        ):
            if layer:
                return layer
        return []

    def counters(self, kind: str) -> list[str]:
        """``"5 Shares"`` (``kind="shares"``) or ``"4 Min Read"`` (``kind="read_time"``) lines."""
        return generic.counter_lines(self.page, kind)

    def body_container(self) -> HtmlElement | None:
        """The body container: a DOM candidate, else the densest text block."""
        for selector in _BODY:
            for el in self.page.selector.css(selector):
                if not self.page.in_boilerplate(el.root) and el.css("p"):
                    return el.root
        return self.page.main_text_container

    @cached_property
    def body_blocks(self) -> list[HtmlElement]:
        """Block elements of the body."""
        return generic.body_blocks(self.page, self.body_container())

    def body(self) -> list[str]:
        """Body paragraph texts, "Read more:" lines and boxes left out."""
        return generic.body_text(self.body_blocks)

    def captions(self) -> list[tuple[str, str | None, str | None]]:
        """``(caption, credit, image_url)`` of the article's own figures, else JSON-LD image captions."""
        figures = generic.figure_captions(self.page)
        if figures:
            return figures
        return [(caption, None, url) for caption, url in generic.jsonld_images(self.page)]

    def related(self) -> list[tuple[str, str]]:
        """``(url, kind)`` of links to other articles, in page order."""
        found: list[tuple[int, str, str]] = []
        order = {el: i for i, el in enumerate(self.page.root.iter())}
        for p in self.body_blocks:
            for url in generic.read_more_links([p], self.page):
                found.append((order.get(p, 0), url, "read_more"))
        boxes = list(generic.labelled_blocks(self.page))
        for kind, selectors in _RELATED_CLASSES.items():
            for selector in selectors:
                matched = [el.root for el in self.page.selector.css(selector) if el.root.tag not in ("a", "li", "body", "html")]
                if matched:
                    boxes.extend((kind, el) for el in matched)
                    break
        seen_boxes: set[HtmlElement] = set()
        for kind, box in boxes:
            if box in seen_boxes or any(a in seen_boxes for a in box.iterancestors()):
                continue
            seen_boxes.add(box)
            for a in box.iter("a"):
                href = self.page.absolute(a.get("href"))
                if href and page_kind(href) == "article":
                    found.append((order.get(a, 0), href, kind))
        found.sort(key=lambda entry: entry[0])
        return [(url, kind) for _, url, kind in found]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
