"""Al Mayadeen's pages: its menus, its BREAKING ticker and the layers of its article pages.

The real English markup is unknown (see ``docs`` and the site notes), so each field is read
from successive layers and the first that yields a value wins:

1. the CMS metadata block ``script#tawsiyat-metadata`` and ``meta[name=postid]`` (seen on the
   Arabic edition, very probably shared);
2. JSON-LD;
3. OpenGraph, ``article:*`` and other ``<meta>`` tags;
4. DOM candidates: class names seen in public scrapers and plausible variants;
5. generic heuristics (:mod:`newscrawl.extract.newspage`): a "By ..." line, a "Source: ..." line,
   a date near the headline, ``figcaption``, tag links, the densest text block.

Fields a reader sees but metadata may state differently (tags, captions, related links) take
the visible page first. Every method returns raw candidates; loaders clean them.
"""

from __future__ import annotations

import json
import re
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from newscrawl.extract.body import body_text, labelled_blocks
from newscrawl.extract.newspage import NewsPage
from newscrawl.extract.tags import tag_links
from newscrawl.extract.text import text_of
from newscrawl.processors import clean_text, split_keywords
from newscrawl.sites.almayadeen.editions import EDITIONS
from newscrawl.sites.almayadeen.urls import EDITIONS_WITH_PATH_IDS, content_type_of, page_kind, path_and_query, post_id_of
from newscrawl.sites.profile import NO_CONTEXT, Edition, MenuLink, PageContext, TickerLine
from newscrawl.urls import host

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page

# --- the homepage ------------------------------------------------------------------------------

_MENU_CONTAINERS = (
    "nav, header, [class*=menu], [class*=Menu], [id*=menu], [class*=nav], [class*=Nav], [id*=nav], [id*=Nav], "
    "[role=navigation], [class*=region], [class*=Region], [class*=countr]"
)


def menu_links(page: Page, edition: Edition | None = None) -> list[MenuLink]:
    """Listing links of the page's menus (desktop and mobile copies merged), in page order.
    A link is a region's when its box, its path or its label (a region name of the ``edition``,
    English by default) says so.

    Falls back to every listing-shaped link of the page when no menu container holds one.
    """
    words = (edition or EDITIONS["en"]).words
    region_names, region_paths = words.all_region_names(), {path for path, _ in words.regions}
    links = _listing_links(page, page.selector.css(_MENU_CONTAINERS), region_names, region_paths)
    if not links:
        links = _listing_links(page, [page.selector], region_names, region_paths)
    return links


def _listing_links(page: Page, containers: Any, region_names: frozenset[str], region_paths: set[str]) -> list[MenuLink]:
    seen: dict[str, MenuLink] = {}
    for box in containers:
        region_box = bool(re.search(r"region|countr", f"{box.attrib.get('class', '')} {box.attrib.get('id', '')}", re.I))
        for a in box.css("a[href]"):
            url = page.absolute(a.attrib.get("href"))
            label = text_of(a.root)
            if not url or not label or page_kind(url) != "listing" or url in seen:
                continue
            is_region = (
                region_box
                or "region" in url.lower()
                or label.casefold() in region_names
                or path_and_query(url)[0] in region_paths
            )
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
# Any edition's: a page is read before its edition is known.
_TICKER_LABELS = frozenset(label.casefold() for e in EDITIONS.values() for label in e.words.ticker_labels)


def ticker_lines(page: Page) -> list[TickerLine]:
    """The BREAKING ticker's lines, in order (empty when the page has no ticker)."""
    for selector in _TICKER_ITEMS:
        lines = [_ticker_line(page, item) for item in page.css(selector)]
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
    for el in _label_candidates(page):
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "title"):
            continue
        # a child's text first: it settles the page's big containers without reading all their text
        if any(isinstance(c.tag, str) and text_of(c) for c in el) or text_of(el).casefold().strip(" :") not in _TICKER_LABELS:
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


def _label_candidates(page: Page) -> list[HtmlElement]:
    """The elements that may read as a ticker label, in page order: those with a text node of
    their own (or a child's tail) whose text could be part of a label. Far fewer than the
    page's elements; each still gets the full test."""
    found: dict[HtmlElement, None] = {}
    for text in page.visible_texts[0]:
        # a label element's text is its own text nodes' (its children have none), so one of
        # them, case-folded and without the colons and spaces around it, is part of the label
        part = (clean_text(text) or "").casefold().strip(" :")
        if not part or not any(part in label for label in _TICKER_LABELS):
            continue
        owner = text.getparent()
        container = owner.getparent() if owner is not None and text.is_tail else owner
        if container is not None:
            found.setdefault(container)
    return list(found)


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


class ArticlePage(NewsPage):
    """The raw fields of an Al Mayadeen article page: the generic layers, with the site's CMS
    metadata block in front of them and its selectors before the generic DOM heuristics.

    The context's ``regions`` map region listing paths (``/regions/palestine``) to the labels
    the homepage menus give them; the spider passes what it discovered, in front of the regions
    the ``edition``'s words name (English: none, the labels are learnt).
    """

    def __init__(self, page: Page, context: PageContext = NO_CONTEXT) -> None:
        self.edition = context.edition or EDITIONS["en"]
        super().__init__(page, context.fallback, self.edition.words)
        self.regions = {**dict(self.words.regions), **context.regions}
        self._region_names = self.words.all_region_names()

    @cached_property
    def cms(self) -> dict[str, Any]:
        """The CMS metadata block (``script#tawsiyat-metadata``), or ``{}``."""
        for script in self.page.by_id("tawsiyat-metadata", "script"):
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

    def _cms(self, key: str) -> list[str]:
        value = self.cms.get(key)
        return [str(value)] if isinstance(value, (str, int)) and str(value).strip() else []

    def _metadata(self, field: str) -> list[str]:
        """The CMS metadata block's value for a field."""
        if field == "content_type":
            return [k for k in (content_type_of(self.page.url), *self.cms_class("posttype"), *self._cms("type")) if k]
        if field == "tags":
            return split_keywords(_str(self.cms.get("keywords")))
        if field == "authors":
            return self._cms("author") or self.cms_class("author")
        if field == "site_name":
            return list(self.edition.site_names)
        if field in _CMS_CLASSES:
            return self.cms_class(_CMS_CLASSES[field])
        return self._cms(_CMS_KEYS[field]) if field in _CMS_KEYS else []

    def _dom(self, field: str) -> list[str]:
        """The site's selectors for a field."""
        if field == "region":
            return [*self._css(_REGION), *self._region_links()]
        if field == "coverage":
            return self._css(_COVERAGE, in_boxes=True)
        return self._css(_SELECTORS[field]) if field in _SELECTORS else []

    def _css(self, selectors: tuple[str, ...], *, in_boxes: bool = False) -> list[str]:
        """Texts of the first selector that matches outside boilerplate.

        ``in_boxes`` also accepts matches inside label boxes (coverage, share bars), leaving out
        only the site's chrome and teaser boxes.
        """
        outside = self.page.in_chrome if in_boxes else self.page.in_boilerplate
        for selector in selectors:
            values = [text for el in self.page.css(selector) if not outside(el) and (text := text_of(el))]
            if values:
                return values
        return []

    def post_id(self) -> Iterator[str]:
        """As the generic layers, then the id the URL carries before its slug, in the editions
        whose URLs carry one (the Spanish: ``/entrevistas/2046797/<slug>``)."""
        yield from super().post_id()
        if self.edition.code in EDITIONS_WITH_PATH_IDS and (found := post_id_of(self.page.url)):
            yield from self._tagged("post_id", "url", [found])

    def is_article_url(self, url: str) -> bool:
        return page_kind(url) == "article"

    def is_article(self) -> bool:
        """Whether the page is an article (the CMS marks other pages ``"type": "page"``)."""
        if self.cms.get("type") == "page":
            return False
        return bool(self.cms or self.ld or self.page.headline_element is not None)

    def declares_article(self) -> bool:
        """Whether the CMS type or the generic metadata says the page is an article."""
        return self.cms.get("type") in ("article", "videoobject") or super().declares_article()

    def section(self, hint: str | None = None) -> Iterator[str]:
        """As the generic layers, but a breadcrumb ending in a region is not a section."""
        names = self.edition.site_names
        return (c for c in super().section(hint) if c.casefold() not in self._region_names and c not in names)

    def _region_links(self) -> list[str]:
        """Labels of links to region listings, leaving out the region bar and teaser boxes.

        The region bar is recognized as a container holding links to several regions.
        """
        # a link can lead to a region only if its href names the region's last path segment
        names = _any_of(frozenset(path.rsplit("/", 1)[-1] for path in self.regions))
        paths: dict[HtmlElement, str] = {}
        for a in self.page.root.iter("a"):  # a page's every link: inline, no call per link
            href = a.get("href")
            paths[a] = path_and_query(self.page.absolute(href) or "")[0] if href and names.search(href) else ""
        labelled = [(a, label) for a, path in paths.items() if (label := self.regions.get(path))]
        if not labelled:
            return []
        found = []
        boxes = {box for _, box in labelled_blocks(self.page)}
        for a, label in labelled:
            if any(anc in boxes or anc.tag == "footer" for anc in a.iterancestors()):
                continue
            container = next((anc for anc in a.iterancestors("ul", "ol", "nav", "div", "section")), None)
            around = {paths[x] for x in container.iter("a")} if container is not None else set()
            if len(around & self.regions.keys()) <= 1:
                found.append(label)
        return found

    def body_container(self) -> HtmlElement | None:
        """The body container: a site selector, else the densest text block."""
        for selector in _BODY:
            for el in self.page.css(selector):
                if not self.page.in_boilerplate(el) and self.page.css("p", within=el):
                    self.body_source = "site-dom"
                    return el
        return super().body_container()

    #: Where the body's container came from: the site's selectors or the densest text block.
    body_source = "generic-dom"

    def tags(self) -> list[str]:
        """The tags shown on the page, in page order (site selectors, tag links), else the
        CMS keywords and the generic layers."""
        if self.trace is not None:
            self._offer("tags", "site-dom", self._dom("tags"))
            self._offer("tags", "generic-dom", tag_links(self.page))
        if shown := self._dom("tags"):
            return self._chose("tags", "site-dom", shown)
        if shown := tag_links(self.page):
            return self._chose("tags", "generic-dom", shown)
        return super().tags()

    def body(self) -> list[str]:
        """Body paragraphs of the site's body container (or the densest text block), "Read more:"
        lines, captions and boxes left out: exact on every rendering of the site we know."""
        lines = body_text(self.body_blocks)
        self._offer("body", self.body_source, lines)
        return self._chose("body", self.body_source, lines)

    def edition_links(self) -> list[str]:
        """The ``hreflang`` alternates, then the links to the other editions' hosts, in page order
        (the top bar's "Ar", "Es": to this article in that edition where the site links it, else
        to its homepage, which the loader leaves out)."""
        sisters = {edition.host for edition in EDITIONS.values() if edition is not self.edition}
        absolute = self.page.absolute
        found = [url for href in self.page.root.xpath("//a/@href") if (url := absolute(href)) and host(url) in sisters]
        return list(dict.fromkeys([*super().edition_links(), *found]))

    def related_boxes(self) -> list[tuple[str, HtmlElement]]:
        """Boxes found by their headings, then by the site's class names."""
        boxes = super().related_boxes()
        for kind, selectors in _RELATED_CLASSES.items():
            for selector in selectors:
                matched = [el for el in self.page.css(selector) if el.tag not in ("a", "li", "body", "html")]
                if matched:
                    boxes.extend((kind, el) for el in matched)
                    break
        return boxes


# Fields read from the metadata block's top-level keys, and from its ``classes`` mappings.
_CMS_KEYS = {
    "url": "url",
    "post_id": "postid",
    "headline": "title",
    "lead": "description",
    "published": "published_time",
    "modified": "last_updated",
}
_CMS_CLASSES = {"section": "category", "region": "country", "coverage": "coverage"}
_SELECTORS = {
    "headline": _H1,
    "lead": _LEAD,
    "source": _SOURCE,
    "published_raw": _DATE,
    "section": _SECTION,
    "tags": _TAGS,
}


@lru_cache(maxsize=64)
def _any_of(names: frozenset[str]) -> re.Pattern[str]:
    """A pattern found in a string that contains one of ``names`` (one search, not one per name)."""
    # an empty name is in every string; no name, in none
    return re.compile("|".join(map(re.escape, sorted(names))) if names else "(?!)")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
