"""The article's tags: the tags a page shows (``rel=tag`` links, tag boxes, lists under a
"Topics" heading, links to tag pages), and the cleaning and judging of a layer of tag values
(split, data-layer entries dropped, values for machines rather than readers told apart).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newscrawl.extract.chrome import CHROME_WORDS, HEADINGS, class_words, in_article
from newscrawl.extract.document import named_elements, once_per_page, text_nodes_with
from newscrawl.extract.text import XML_SPACE, text_of
from newscrawl.processors import clean_tag, split_keywords

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page


# A data-layer entry among keywords: "Day: Friday", "Page Type: Article", "WC: 1000-1999".
_KEY_VALUE = re.compile(r"^[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)?:\s+\S")


# The section written among keywords with its facet label: "Section: Sport:Football".
_SECTION_FACET = re.compile(r"^\s*sections?\s*:", re.IGNORECASE)


def tag_values(layer: Sequence[str]) -> list[str]:
    """The tags of one layer, cleaned: a lone comma-joined value split, data-layer entries
    (``Day: Friday``) dropped, the section labelled as such among tags (``Section: Sport``)
    dropped, ids and facet labels cleaned away."""
    if len(layer) == 1:
        layer = split_keywords(layer[0])
    entries = [value for value in layer if _KEY_VALUE.match(value.strip()) and clean_tag(value) == value.strip()]
    if len(entries) >= 3:
        layer = [value for value in layer if value not in entries]
    sections = [value for value in layer if _SECTION_FACET.match(value)]
    if sections and len(sections) < len(layer):
        layer = [value for value in layer if value not in sections]
    return without_flags(without_news_queries([tag for tag in (clean_tag(value) for value in layer) if tag]))


# A CMS flag's identifier: "editors_pick", "_commerce".
_IDENTIFIER = re.compile(r"^_?\w+_\w+$|^_\w+$")


def without_flags(tags: list[str]) -> list[str]:
    """The tags without the CMS's flags among them (``editors_pick``, ``_commerce``): identifiers
    written for code, told apart where most of the other tags are phrases with spaces."""
    flags = [tag for tag in tags if _IDENTIFIER.match(tag)]
    others = len(tags) - len(flags)
    if not flags or not others or sum(" " in tag for tag in tags) * 2 < others:
        return tags
    return [tag for tag in tags if tag not in flags]


# A search query for news written into keywords: "Bhopal news today", "World news live",
# "Top news in US", "Breaking news".
_NEWS_QUERY = re.compile(
    r"^(?:breaking|latest|top|today'?s?) news(?:\b|(?-i:(?=[A-Z])))|\bnews (?:today|live|updates?|headlines)$|\b(?:latest|live|today) news\b|\bnews in\b",
    re.IGNORECASE,
)
_NEWS_WORD = re.compile(r"\s*\b(?:news|today|live|latest|breaking|top|in)\b\s*", re.IGNORECASE)


def without_news_queries(tags: list[str]) -> list[str]:
    """The tags without search queries for news (SEO keyword stuffing: "Bhopal news today",
    "Top news in US"), and without the plain "<place> news" that such queries vary
    ("Bhopal news" beside "Bhopal news live"): they name what readers type, not the story."""
    queries = [tag for tag in tags if _NEWS_QUERY.search(tag)]
    if not queries:
        return tags
    roots = {_NEWS_WORD.sub(" ", query).strip().casefold() for query in queries}
    return [
        tag
        for tag in tags
        if tag not in queries and not (tag.casefold().endswith(" news") and tag.casefold()[:-5].strip() in roots)
    ]


#: Tag layers that stand in for missing tags: no rule takes them over a layer of tags.
STAND_INS = frozenset({"jsonld_subjects", "section"})
#: Tag layers that give the article's whole tag list as the page shows or declares it, which
#: a layer cut short gives way to (``news_keywords`` and analytics tags are lists of their own).
WHOLE_LISTS = frozenset({"jsonld_keywords", "keywords", "tag_links", "article_tag"})


def chosen_tags(layers: Mapping[str, Sequence[str]], url: str, authors: Collection[str] = ()) -> tuple[str | None, list[str]]:
    """The name and the tags of the first layer (in the mapping's order) that has tags for
    readers, each layer cleaned by :func:`tag_values`, then weighed against the other layers.

    A layer of machine values (:func:`machine_tags`) counts only when no layer has others; a
    layer naming only the article's ``authors`` (an author field in a tag slot) not at all.
    The layer found is then weighed by agreement (:func:`_agreed`): the section padding a
    list, a list padded or cut short, and a list the page shows against one it only declares."""
    cleaned = {name: tag_values(layer) for name, layer in layers.items()}
    by_author = {name.casefold() for name in authors}
    fallback: tuple[str | None, list[str]] = (None, [])
    for name, values in cleaned.items():
        if not values or all(tag.casefold() in by_author for tag in values):
            continue
        if machine_tags(values, url):
            fallback = fallback if fallback[0] else (name, values)
            continue
        if name in STAND_INS:
            return name, without_root_section(values) if name == "section" else values
        return _agreed(
            name, values, {other: tags for other, tags in cleaned.items() if other not in STAND_INS and tags}, cleaned, url
        )
    return fallback


def _agreed(
    name: str, values: list[str], tag_layers: Mapping[str, list[str]], cleaned: Mapping[str, list[str]], url: str
) -> tuple[str, list[str]]:
    """The chosen tag layer weighed against the other ``tag_layers`` (stand-ins left out), by
    these rules in turn:

    * the section padding a list: the list without the article's section (its ``section``
      stand-in) is another layer's list: that one;
    * a list the page shows (tag links) sharing no tag with the chosen list, and given again
      by another layer (``article:tag``), is the article's: keyword metas are written for
      search engines, the shown list for readers;
    * a list another layer confirms (the same tags) is whole; one no other confirms may be
      cut short (:func:`fuller_layer`).
    """
    folded = {other: frozenset(tag.casefold() for tag in tags) for other, tags in tag_layers.items()}
    have = folded[name]
    section = {tag.casefold() for tag in cleaned.get("section", ())}
    if have & section and (unpadded := have - section):
        same = next((other for other in folded if other != name and folded[other] == unpadded), None)
        if same:
            return same, tag_layers[same]
    shown = folded.get("tag_links")
    if shown and not shown & have and any(folded[other] == shown for other in folded if other not in (name, "tag_links")):
        return "tag_links", tag_layers["tag_links"]
    confirmed = [other for other in folded if other != name and folded[other] == have]
    if confirmed:
        return name, values
    later = list(tag_layers)[list(tag_layers).index(name) + 1 :]
    wholes = {other: tag_layers[other] for other in later if other in WHOLE_LISTS}
    return fuller_layer(name, values, wholes, url, section)


# The root of a site's news area, first in a section path ("News > World"): no topic.
_NEWS_ROOT = frozenset({"news", "nachrichten", "ニュース", "noticias", "notizie", "nieuws", "nyheter", "actualités", "haberler"})


def without_root_section(sections: list[str]) -> list[str]:
    """A section path standing in for tags without its root when that is the site's news area
    ("News", "ニュース"): the section that says what the story is about follows it."""
    return sections[1:] if len(sections) > 1 and sections[0].casefold() in _NEWS_ROOT else sections


def fuller_layer(
    name: str, values: list[str], wholes: Mapping[str, list[str]], url: str, section: Collection[str] = ()
) -> tuple[str, list[str]]:
    """The first of the later ``wholes`` (:data:`WHOLE_LISTS`) that holds every chosen tag and
    more, else the chosen layer: pages give one tag list in several places (JSON-LD, a tag box,
    ``article:tag``, ``keywords``), some of them cut short: the first tag alone, the section
    alone, the tags without the names of people. A list whose more is only the article's
    ``section`` (casefolded) is the chosen list padded, not a fuller one."""
    have = {tag.casefold() for tag in values}
    for other, tags in wholes.items():
        more = {tag.casefold() for tag in tags}
        if len(tags) > len(values) and have < more and not more - have <= set(section) and not machine_tags(tags, url):
            return other, tags
    return name, values


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
_CODE = re.compile(r"^[A-Z0-9]{2,}(?:[:_-][A-Z0-9-]+)?$")
_URL_WORD = re.compile(r"[^\W_]+")


def machine_tags(values: Sequence[str], url: str) -> bool:
    """Whether a layer holds values for machines rather than readers: slugs (``andy-murray``),
    wire-service codes (``AERO``, ``INDS08``), or the words of the URL's slug spread as keywords."""
    if all(" " not in value for value in values) and sum(bool(_SLUG.match(value)) for value in values) * 2 >= len(values):
        return True
    if len(values) >= 5 and sum(bool(_CODE.match(value)) for value in values) >= 0.8 * len(values):
        return True
    words = [value for value in values if _URL_WORD.fullmatch(value) and value.islower()]
    if len(values) >= 3 and len(words) == len(values):
        path = set(_URL_WORD.findall(_fold(urlsplit(url).path.casefold())))
        return sum(_fold(word) in path for word in words) * 3 >= 2 * len(words)
    return False


_BOX_TAGS = frozenset({"div", "ul", "ol", "section", "p", "span", "nav"})
# A meta whose name ends in a word for tags ("custom-keywords", "classification-tags", "taz:tag"),
# and the layers read by name before it or named for machines and ad targeting.
_TAG_META = re.compile(r"(?:^|[:._-])(?:tags?|keywords?)$")
_NAMED_TAG_METAS = frozenset({"keywords", "news_keywords", "article:tag", "parsely-tags", "sailthru.tags"})
_MACHINE_META = re.compile(r"(?:^|[:._-])(?:machine|site|ads?|adtags|iab)(?:[:._-]|$)")
# A data-layer pair in a value: "sub-section:panorama", "Page Type:story", "a:1;b:2".
_PAIR = re.compile(r"^[^:\s][^:]*:\S|;")


def other_tag_metas(page: Page) -> list[str]:
    """The values of the first other meta named for tags or keywords (CMSs and their analytics
    name theirs ``custom-keywords``, ``classification-tags``, ``cxenseparse:keywords``): the
    page's tags where no meta read by name has them. Metas named for machines or ad targeting,
    and data-layer pairs (``sub-section:panorama``), are none."""
    for name, contents in page.meta.items():
        if name in _NAMED_TAG_METAS or not _TAG_META.search(name) or _MACHINE_META.search(name):
            continue
        values = [value for value in tag_values(contents) if not _PAIR.search(value)]
        if values:
            return values
    return []


_TAG_WORDS = frozenset({"tags", "tag", "keywords", "topics"})
# A tag box's label ("Tags:") and its controls ("All topics", "Themen bearbeiten") are no tags.
_LABEL = re.compile(
    r"^(?:tags?|keywords|topics|themen|schlagworte)\s*:?$|:$|^(?:(?:see |show )?all (?:topics|tags)|alle themen|themen (?:bearbeiten|verwalten|folgen)|"
    r"(?:manage|edit|follow) (?:topics|tags))$",
    re.IGNORECASE,
)


@once_per_page
def tag_links(page: Page) -> list[str]:
    """Tag names shown on the page: ``a[rel~=tag]``, then the links of a tag box (a box whose
    class names tags and whose links lead to tag pages, else the first box named ``tags`` whose
    links read as tags), then the links under a tag-list heading ("Topics", "Mehr lesen über"),
    then a box of links to tag pages whatever its names.
    A label such as "Tags:" and a count beside a tag ("Gaza 398") are not part of it."""
    links = [a for a in page.root.iter("a") if (rel := a.get("rel")) and "tag" in XML_SPACE.split(rel)]
    if not links:
        boxes = dict.fromkeys(el for word in _TAG_WORDS for el in named_elements(page, word))
        named_list: list[HtmlElement] = []
        for box in sorted(boxes, key=page.order.__getitem__):
            if box.tag not in _BOX_TAGS or (page.in_chrome(box) and not _chrome_tag_box(page, box)):
                continue
            anchors = [a for a in box.iter("a") if not _LABEL.match(text_of(a)) and not _in_page(a)]
            to_tags = [a for a in anchors if _TAG_PATH.search(a.get("href") or "")]
            if to_tags and len(to_tags) * 2 >= len(anchors):
                links = anchors
                break
            if not named_list and not class_words(box).isdisjoint(_LIST_NAMES) and _read_as_tags(anchors):
                named_list = anchors
        links = links or named_list
    if not links:
        links = _headed_tag_list(page) or _labelled_tag_list(page) or _tag_chips(page) or _tag_path_list(page)
    return [label for label in (_link_label(a) for a in _without_sections(links)) if label and not _LABEL.match(label)]


# The path of a section page: one segment (``/sport/``) or a category's (``/category/kultur/``).
_SECTION_PATH = re.compile(r"^/(?:(?:category|categories|section|sections|rubrik|ressort)/)?[^/]+/?$", re.IGNORECASE)


def _without_sections(links: list[HtmlElement]) -> list[HtmlElement]:
    """The links of a tag list without its link to the article's section: where the list links
    its tags to tag pages (``/tag/kolumne/``), a link to a section page (``/sport/``,
    ``/category/kultur/``) names the section the site files the article under, not a tag."""
    hrefs = [a.get("href") or "" for a in links]
    if not any(_TAG_PATH.search(href) for href in hrefs):
        return links
    return [
        a for a, href in zip(links, hrefs, strict=True) if _TAG_PATH.search(href) or not _SECTION_PATH.match(urlsplit(href).path)
    ]


# Names of a box that lists the article's tags: "tags", and "topics" (``related-topics``).
_LIST_NAMES = frozenset({"tags", "topics"})


# Names of chrome that a tag box may carry and still be the article's: "related" tags are the
# article's; "trending" or "popular" topics, a menu or a footer are the site's.
_ARTICLE_CHROME = frozenset({"related", "nav", "navbar"})


def _chrome_tag_box(page: Page, box: HtmlElement) -> bool:
    """Whether a tag box in chrome is the article's: chrome only by its own name or element, or
    by wrappers around it alone (``<nav><ul class=tags>``: a tag list is links, and marked up as
    navigation), its names saying no more than ``related`` or ``nav``. A box the site's chrome
    holds (a menu, a sidebar, a footer) is the site's."""
    if not class_words(box).isdisjoint(CHROME_WORDS - _ARTICLE_CHROME):
        return False
    top, size = box, len(text_of(box))
    while (parent := top.getparent()) is not None and page.in_chrome(parent) and len(text_of(parent)) <= size + 20:
        if not class_words(parent).isdisjoint(CHROME_WORDS - _ARTICLE_CHROME):
            return False
        top = parent
    return parent is None or not page.in_chrome(parent)


_LABEL_WORDS = ("tags", "topics", "keywords", "themen", "schlagworte", "schlagwörter", "stichwörter", "temas", "sujets")
# A label in a box's own text before its links: "Tags:", "Schlagworte:", "Temas:".
_INLINE_LABEL = re.compile(rf"^(?:{'|'.join(_LABEL_WORDS)})\s*:$", re.IGNORECASE)


def _labelled_tag_list(page: Page) -> list[HtmlElement]:
    """The links of the first box that opens with a tag label in its own text ("Schlagworte:
    Schweiz Genf ...") and links to tag pages: a tag list even where the site's names call its
    part of the article a footer, when it sits inside the article."""
    article = page.article_root
    for box in text_nodes_with(page, *_LABEL_WORDS):
        if not _INLINE_LABEL.match((box.text or "").strip()) or len(box) < 1:
            continue
        if page.in_chrome(box) and not in_article(box) and article not in box.iterancestors():
            continue
        anchors = list(box.iter("a"))
        to_tags = [a for a in anchors if _TAG_PATH.search(a.get("href") or "")]
        if to_tags and len(to_tags) * 2 >= len(anchors) and _read_as_tags(anchors):
            return anchors
    return []


def _tag_chips(page: Page) -> list[HtmlElement]:
    """The links of the first box of "tag chips": links named ``tag`` or wrapping an element so
    named (``<a href=/list/Covid-19><span class=tag-like>Covid-19</span></a>``), all the links
    of their box, reading as tags."""
    for el in named_elements(page, "tag"):
        link = el if el.tag == "a" else next((a for a in itertools.islice(el.iterancestors(), 2) if a.tag == "a"), None)
        if link is None or page.in_chrome(link):
            continue
        box = link.getparent()
        if box is not None and box.tag == "li":
            box = box.getparent()
        if box is None:
            continue
        anchors = list(box.iter("a"))
        if _read_as_tags(anchors) and all(a is link or _names_tag(a) for a in anchors):
            return anchors
    return []


def _in_page(anchor: HtmlElement) -> bool:
    """Whether a link leads to a place on the same page (``#comments``, a "skip this section"
    link): a control, never a tag."""
    return (anchor.get("href") or "").startswith("#")


def _names_tag(anchor: HtmlElement) -> bool:
    """Whether a link, or an element in it, is named ``tag``."""
    return any("tag" in class_words(el) for el in anchor.iter() if isinstance(el.tag, str))


def _tag_path_list(page: Page) -> list[HtmlElement]:
    """The links of the box holding most links to tag pages (``/thema/opcw``), when the box is
    all links and they read as tags: a tag list whatever its class names."""
    anchors = [(anchor, anchor.get("href") or "") for anchor in page.root.iter("a")]
    if not _TAG_PATHS.search("\n".join(href for _, href in anchors)):
        return []  # one search of all the links says no link goes to a tag page
    counts: dict[HtmlElement, int] = {}
    for anchor, href in anchors:
        if _TAG_PATH.search(href) and not page.in_chrome(anchor):
            for box in itertools.islice(anchor.iterancestors(), 4):
                counts[box] = counts.get(box, 0) + 1
    for box, count in sorted(counts.items(), key=lambda item: (-item[1], page.order[item[0]])):
        if count < 2:
            break
        anchors = list(box.iter("a"))
        shown = sum(len(text_of(a)) for a in anchors)
        if count * 2 >= len(anchors) and _read_as_tags(anchors) and len(text_of(box)) <= shown + 2 * len(anchors) + 20:
            return anchors
    return []


def _read_as_tags(anchors: Sequence[HtmlElement]) -> bool:
    """Whether links read as tags: a few short names, not headlines."""
    return 0 < len(anchors) <= 30 and all(0 < len(text) <= 40 and text.count(" ") < 5 for text in map(text_of, anchors))


# Headings of a list of tags, in the languages of the sites we meet: "Tags", "Topics", "More on",
# "Mehr zum Thema", "Mehr lesen über", "Schlagwörter", "Temas", "Sujets", "Argomenti", "Emner".
_TAG_HEADING = re.compile(
    r"^(?:tags?|topics?|related (?:topics|tags|keywords)|keywords|ähnliche themen|schlagworte|関連キーワード|more (?:on|about)(?: this(?: topic| story)?)?|"
    r"themen?|mehr (?:zum thema|zu diesem thema|über|lesen über|zu)|schlagw[oö]rter|stichw[oö]rter|"
    r"temas?|etiquetas|sujets?|mots[- ]cl[ée]s|argomenti|tag correlati|tematy|emner|ämnen|aihe(?:et)?)\s*:?$",
    re.IGNORECASE,
)


def _headed_tag_list(page: Page) -> list[HtmlElement]:
    """The links of the first box that a tag-list heading ("Topics", "Mehr lesen über")
    introduces, when they read as tags: short names, not headlines."""
    for heading in page.root.iter(*HEADINGS):
        if len(heading) > 2 or not _TAG_HEADING.match(text_of(heading)) or page.in_chrome(heading):
            continue
        box = heading.getparent()
        for _ in range(6):
            if box is None:
                break
            anchors = [a for a in box.iter("a") if heading not in a.iterancestors()]
            if anchors:
                if _read_as_tags(anchors):
                    return anchors
                break
            box = box.getparent()
    return []


_TAG_PATH = re.compile(
    r"/(?:tags?|topics?|themen?|thema|schlagw[oö]rter|stichw[oö]rter|keywords?|etiquetas?|tema|temas|sujet|mots-cles)(?:/|\?|=|$)|[?&](?:tag|tags|keyword)=",
    re.IGNORECASE,
)
# The same over links joined by newlines: it matches wherever it matches one of them.
_TAG_PATHS = re.compile(_TAG_PATH.pattern, re.IGNORECASE | re.MULTILINE)


def _link_label(anchor: HtmlElement) -> str:
    """A link's text without a counter set in its own element (``Gaza<span>398</span>``)."""
    text = text_of(anchor)
    counters = [text_of(el) for el in anchor.iterdescendants() if isinstance(el.tag, str) and text_of(el).isdigit()]
    for counter in counters:
        if text.endswith(counter):
            text = text[: -len(counter)].strip()
    return text
