"""The parsed page every extraction layer reads: :class:`Page`, parsed once, with its indexes
(names, classes, ids, attribute values, text nodes, document order), the CSS selectors it answers
from them, its JSON-LD and meta tags, its boilerplate and chrome, its headline element and the
element holding the most paragraph text; and the per-page memo of the layers that several fields
read (:func:`once_per_page`).

Nothing here knows a publisher: no class name, host or path of a particular site.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache, wraps
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from urllib.parse import urljoin, urlsplit

from extruct.jsonld import JsonLdExtractor
from lxml import etree
from parsel import Selector

from newscrawl.extract.charset import decoded
from newscrawl.extract.chrome import (
    BLOCK_LABELS,
    CHROME_TAGS,
    CHROME_WORDS,
    HEADINGS,
    LABEL_WORDS,
    NAMING_ATTRIBUTES,
    NAMING_VALUES,
    NEVER_CHROME_BY_NAME,
    OTHER_BLOCK_LABELS,
    boxes_of,
    class_words,
    in_article,
    longer_than_label,
    name_words,
    names_chrome,
    own_heading,
)
from newscrawl.extract.cssplan import Compound, attribute_values, class_tokens, query_plan
from newscrawl.extract.jsonld import ARTICLE_TYPES, flatten_jsonld, node_types
from newscrawl.extract.parsing import NOT_HTML, parse_html
from newscrawl.extract.text import NO_TEXT_TAGS, XML_SPACE_CHARS, text_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from lxml.html import HtmlElement


_jsonld = JsonLdExtractor()


def text_nodes_with(page: Page, *words: str) -> Iterator[HtmlElement]:
    """Elements whose own text (or a child's tail) contains one of ``words`` (lower case; also
    found capitalized or in capitals), in page order: where to look for a labelled line without
    reading every element's full text."""
    texts, starts, joined = page.visible_texts
    found: set[int] = set()
    for form in _forms(words):
        at = joined.find(form)
        while at != -1:
            index = bisect_right(starts, at) - 1
            found.add(index)
            at = joined.find(form, starts[index + 1])  # the next text node: one hit is enough
    for index in sorted(found):
        text = texts[index]
        owner = text.getparent()
        if owner is None or (not text.is_tail and owner.tag in NO_TEXT_TAGS):
            continue
        container = owner.getparent() if text.is_tail else owner
        if container is not None:
            yield container


@cache
def _forms(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(form for word in words for form in (word, word.capitalize(), word.upper())))


# Text nodes that hold more than whitespace, script and style code left out: a page's few
# hundred lines among its thousands of nodes.
_ALL_TEXT = etree.XPath("//text()")
_CODE_TAGS = frozenset({"script", "style"})


def named_elements(page: Page, word: str) -> Iterator[HtmlElement]:
    """Elements whose class, id or role attributes contain ``word`` as a whole word."""
    for el, _ in page.named_with(word):
        if word in class_words(el):
            yield el


# An href with a scheme and an authority ("https://...", "HTTP://..."), as urlsplit reads one.
_WITH_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


# Bounded (about 5 MB when full): the links a site repeats on every page, not every URL seen.
@lru_cache(maxsize=4096)
def _join(origin: str, href: str) -> str:
    return urljoin(origin, href)


class _Naming(NamedTuple):
    """What one walk over a page's naming attributes (:data:`NAMING_ATTRIBUTES`) finds."""

    #: every named element's names, in document order
    names: dict[HtmlElement, str]
    #: every element with a class attribute, with it, in document order
    classes: list[tuple[HtmlElement, str]]
    #: the elements of each id
    ids: dict[str, list[HtmlElement]]
    #: each attribute's values
    values: dict[str, list[str]]


@dataclass
class Page:
    """A parsed page: its URL and the parsel selector over it (parsed once, reused by all layers)."""

    url: str
    selector: Selector
    #: trafilatura's fast-mode main text of this page when another process computes it (see
    #: :func:`newscrawl.extract.maintext.fast_main_text`): called once, when the body is needed;
    #: ``None`` computes it here.
    fast_text: Callable[[], list[str]] | None = None
    #: Why the parser read the page only in part (see :func:`parse_html`): ``None`` when it read it
    #: whole. The tree, so every field, lacks what came after that point.
    truncated: str | None = None
    # absolute(): a news page repeats its menu and teaser links, and several layers read them
    _joined: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_html(cls, html: str | bytes, url: str) -> Page:
        """Parse a page's HTML: its text, or its bytes in the encoding
        :func:`newscrawl.extract.charset.decode_html` finds (tests and the ``extract`` tool; spiders
        parse the response, :func:`newscrawl.extract.response.html_page`)."""
        if isinstance(html, bytes):
            encoding, text = decoded(html)
            source: str | bytes = html if encoding == "utf-8" else text
        else:
            text = source = html
        if NOT_HTML.match(text):
            return cls(url=url, selector=Selector(text=text, base_url=url))
        root, truncated = parse_html(source, url)
        selector = Selector(root=root, type="html", base_url=url)
        return cls(url=url, selector=selector, truncated=truncated)

    @property
    def root(self) -> HtmlElement:
        root: HtmlElement = self.selector.root
        return root

    def absolute(self, href: str | None) -> str | None:
        """``href`` resolved against the page URL; ``None`` for empty, fragment and script links."""
        if href is None:
            return None
        if href not in self._joined:
            stripped = href.strip()
            if not stripped or stripped.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
                self._joined[href] = None
            elif self._origin and (stripped.startswith("/") or _WITH_AUTHORITY.match(stripped)):
                # resolving these reads only the base's scheme and host (RFC 3986, 5.2.2): every
                # page of a site shares the answer for its menu and teaser links
                self._joined[href] = _join(self._origin, stripped)
            else:
                self._joined[href] = urljoin(self.url, stripped)
        return self._joined[href]

    @cached_property
    def visible_texts(self) -> tuple[list[Any], list[int], str]:
        """The page's text nodes that hold more than whitespace (script and style code left
        out), in page order; where each starts in their concatenation, and the concatenation
        (each node ended by NUL, which no word holds): one search over it finds every node with a
        word (:func:`text_nodes_with`)."""
        texts: list[Any] = [
            text
            for text in _ALL_TEXT(self.root)
            # normalize-space()'s test, in Python: half the time of the XPath predicates
            if text.strip(XML_SPACE_CHARS) and (text.is_tail or text.getparent().tag not in _CODE_TAGS)
        ]
        starts = list(itertools.accumulate((len(text) + 1 for text in texts), initial=0))
        return texts, starts, "\0".join(texts) + "\0"

    @cached_property
    def _origin(self) -> str | None:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None

    def css(self, query: str, within: HtmlElement | None = None) -> list[HtmlElement]:
        """The elements a CSS selector matches in the page (or in ``within``, itself included),
        in document order: ``selector.css`` without a selector object per match."""
        plan = query_plan(query)
        xpath, node = plan.xpath, self.root if within is None else within
        if within is None and plan.groups is not None:
            # Most of a profile's selectors match nothing on a given page: a class, id or
            # attribute value missing from the page's indexes says so without walking the tree.
            groups = [group for group in plan.groups if all(map(self._may_match, group))]
            if not groups:
                return []
            if len(groups) == 1 and len(plan.groups) == 1:
                first, *rest = groups[0]
                candidates = self._candidates(first)
                if candidates is not None and (not rest or not candidates):
                    return candidates if not rest else []
                if candidates is not None and len(candidates) == 1 and plan.rest is not None:
                    xpath, node = plan.rest, candidates[0]
        found: list[HtmlElement] = xpath(node)
        return found

    def _may_match(self, compound: Compound) -> bool:
        """Whether every class, id and attribute value ``compound`` needs is on the page."""
        index, ids = self._class_index, self._ids
        return (
            all(name in index for name in compound.classes)
            and all(i in ids for i in compound.ids)
            and all(value in self._attribute_text(attr, compound.tag) for attr, value in (*compound.contains, *compound.equals))
        )

    def _candidates(self, compound: Compound) -> list[HtmlElement] | None:
        """The elements ``compound`` matches, in document order, when a class, id or class-part
        test lets the indexes find them; ``None`` when only a walk would."""
        tokens = self._class_tokens
        if compound.classes:
            elements = self._class_index[compound.classes[0]]
        elif compound.ids:
            elements = self._ids[compound.ids[0]]
        elif any(attr == "class" for attr, _ in compound.contains):
            part = next(value for attr, value in compound.contains if attr == "class")
            elements = [el for el, value in self._class_values if part in value]
        else:
            return None
        return [el for el in elements if compound.matches(el, tokens.get(el, frozenset()))]

    @property
    def _class_values(self) -> list[tuple[HtmlElement, str]]:
        """Every element with a class attribute, with it, in document order."""
        return self._naming.classes

    @property
    def _class_tokens(self) -> dict[HtmlElement, frozenset[str]]:
        return self._classes[0]

    @property
    def _class_index(self) -> dict[str, list[HtmlElement]]:
        """The elements of each class name, in document order."""
        return self._classes[1]

    @cached_property
    def _classes(self) -> tuple[dict[HtmlElement, frozenset[str]], dict[str, list[HtmlElement]]]:
        tokens: dict[HtmlElement, frozenset[str]] = {}
        index: dict[str, list[HtmlElement]] = {}
        for el, value in self._class_values:
            tokens[el] = names = class_tokens(value)
            for name in names:
                index.setdefault(name, []).append(el)
        return tokens, index

    @property
    def _ids(self) -> dict[str, list[HtmlElement]]:
        """The elements of each id, in document order."""
        return self._naming.ids

    def by_id(self, id_: str, tag: str | None = None) -> list[HtmlElement]:
        """The elements whose id is ``id_`` (and whose tag is ``tag``, when given), in document
        order, from the page's index: ``//tag[@id="id_"]`` without a walk over the tree."""
        return [el for el in self._ids.get(id_, ()) if tag is None or el.tag == tag]

    def _attribute_text(self, attr: str, tag: str | None = None) -> str:
        """The distinct values of an attribute on the page (on ``tag`` elements, when given), one
        a line: what a value test needs."""
        texts: dict[tuple[str, str | None], str] = self.__dict__.setdefault("_attribute_texts", {})
        key = (attr, None if attr in NAMING_ATTRIBUTES else tag)
        if key not in texts:
            if attr in NAMING_ATTRIBUTES:  # read by the names walk
                values: Iterable[str] = self._naming.values.get(attr, ())
            elif tag is not None:  # lxml finds the elements in C: no walk over every node
                values = (value for el in self.root.iter(tag) if (value := el.get(attr)) is not None)
            else:
                values = map(str, attribute_values(attr)(self.root))
            texts[key] = "\n".join(dict.fromkeys(values))
        return texts[key]

    # --- metadata layers --------------------------------------------------------------------

    @cached_property
    def order(self) -> dict[HtmlElement, int]:
        """Each element's place in document order."""
        return {el: i for i, el in enumerate(self.root.iter())}

    @cached_property
    def names(self) -> dict[HtmlElement, str]:
        """The class, id and role names of every element that has any, in document order."""
        return self._naming.names

    @cached_property
    def _naming(self) -> _Naming:
        # one walk over the tree for the names, the class values, the ids and each naming
        # attribute's values (each a walk of its own cost as much)
        names: dict[HtmlElement, str] = {}
        classes: list[tuple[HtmlElement, str]] = []
        ids: dict[str, list[HtmlElement]] = {}
        values: dict[str, list[str]] = {}
        # One union over every naming attribute: cheaper than a scan of the page's bytes for
        # those it mentions (half the time on the generated pages, 0.7 ms against 1.3 on real ones).
        for value in NAMING_VALUES(self.root):  # values that know their element
            el = value.getparent()
            text = str(value)
            names[el] = f"{names[el]} {text}" if el in names else text
            attr = value.attrname
            values.setdefault(attr, []).append(text)
            if attr == "class":
                classes.append((el, text))
            elif attr == "id":
                ids.setdefault(text, []).append(el)
        return _Naming(names, classes, ids, values)

    @cached_property
    def named(self) -> list[tuple[HtmlElement, str]]:
        """Elements with a class, id or role attribute, with those names lower-cased."""
        return [(el, names.lower()) for el, names in self.names.items()]

    def named_with(self, *parts: str) -> list[tuple[HtmlElement, str]]:
        """The elements of :attr:`named` whose lower-cased names hold one of ``parts``, in page
        order: a search of all the names of the page per part (in C: Python's ``re`` is slower
        at an alternation of words than ``str.find`` at each), not one per element."""
        starts, text = self._names_text
        found: set[int] = set()
        for part in parts:
            at = text.find(part)
            while at != -1:
                index = bisect_right(starts, at) - 1
                found.add(index)
                at = text.find(part, starts[index + 1])  # on from the next element: one hit is enough
        named = self.named
        return [named[index] for index in sorted(found)]

    @cached_property
    def _names_text(self) -> tuple[list[int], str]:
        """Where each of :attr:`named`'s names starts in their concatenation, and the
        concatenation, each name ended by NUL (which lxml's C strings never hold)."""
        names = [names for _, names in self.named]
        return list(itertools.accumulate((len(name) + 1 for name in names), initial=0)), "\0".join([*names, ""])

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        """Every JSON-LD node of the page, ``@graph`` and arrays flattened."""
        nodes: list[dict[str, Any]] = []
        for script in self.root.iter("script"):
            if (script.get("type") or "").strip().lower() != "application/ld+json":
                continue
            try:
                items = list(_jsonld._extract_items(script))
            except ValueError:
                continue
            nodes.extend(flatten_jsonld(items))
        return nodes

    @cached_property
    def article_jsonld(self) -> dict[str, Any]:
        """The JSON-LD node of the article itself (the first article-typed node), or ``{}``."""
        for node in self.jsonld:
            if node_types(node) & ARTICLE_TYPES:
                return node
        return {}

    @cached_property
    def meta(self) -> dict[str, list[str]]:
        """``<meta>`` contents by lower-cased ``property``/``name``/``itemprop``, in page order."""
        found: dict[str, list[str]] = {}
        for el in self.root.iter("meta"):
            content = el.get("content")
            if content is None:
                continue
            for attr in ("property", "name", "itemprop"):
                key = el.get(attr)
                if key:
                    found.setdefault(key.strip().lower(), []).append(content)
        return found

    def meta_values(self, *keys: str) -> list[str]:
        """Contents of the given meta keys, in the order of ``keys``."""
        return [value for key in keys for value in self.meta.get(key, [])]

    @cached_property
    def canonical(self) -> str | None:
        """``link[rel=canonical]`` resolved against the page URL."""
        for el in self.root.iter("link"):
            if "canonical" in (el.get("rel") or "").lower().split():
                return self.absolute(el.get("href"))
        return None

    @cached_property
    def alternates(self) -> list[tuple[str, str]]:
        """``(hreflang, URL)`` of ``link[rel=alternate][hreflang]``: the page in other languages
        or regions, resolved against the page URL (``x-default`` left out)."""
        found = []
        for el in self.root.iter("link"):
            language = (el.get("hreflang") or "").strip()
            if language and language.lower() != "x-default" and "alternate" in (el.get("rel") or "").lower().split():
                url = self.absolute(el.get("href"))
                if url:
                    found.append((language, url))
        return found

    # --- the DOM ----------------------------------------------------------------------------

    @cached_property
    def boilerplate(self) -> frozenset[HtmlElement]:
        """Elements that are chrome or teaser boxes; nothing inside them belongs to the article.

        Built from three indexes, never a walk over every element: chrome tags (``nav``,
        ``aside``...; an article's own ``header``/``footer`` excepted), class names that say
        chrome (``menu``, ``sidebar``, ``related``...), and boxes a known label introduces.
        """
        found: set[HtmlElement] = set()
        for el in self.root.iter(*CHROME_TAGS):
            if el.tag == "header" and next(el.iterdescendants("h1"), None) is not None:
                continue
            if el.tag == "footer" and in_article(el):
                continue  # an article's own footer: tags, source, author box
            found.add(el)
        holds_text = self._text_holders
        for el, names in self.named:
            if el.tag in NEVER_CHROME_BY_NAME or el in holds_text or not names_chrome(names):
                continue  # e.g. "sidebar-layout__content" holding the article itself
            if not (el.tag == "footer" and in_article(el)):
                found.add(el)
        found.update(box for box in self.box_labels if box.tag in ("section", "div", "ul", "ol"))
        return frozenset(found)

    @cached_property
    def chrome(self) -> frozenset[HtmlElement]:
        """The site's chrome and teaser boxes: menus, footers, sidebars, "Most Read"-style boxes.

        Narrower than :attr:`boilerplate`: share bars, coverage and tag boxes are not chrome, so
        the counters and labels they hold can still be read.
        """
        names, labels = self.names, self.box_labels
        return frozenset(
            el
            for el in self.boilerplate
            if el.tag in ("nav", "footer", "aside", "header")
            or labels.get(el, "") in BLOCK_LABELS
            or name_words(names.get(el, "")) & CHROME_WORDS
        )

    @cached_property
    def _text_holders(self) -> frozenset[HtmlElement]:
        """The densest paragraph container and its ancestors, judged on text alone: whatever their
        class names say, they hold the article, so they are not chrome."""
        scores: dict[HtmlElement, int] = {}
        for p in self.root.iter("p"):
            parent = p.getparent()
            if parent is not None:
                length = len(p.text_content())
                if length >= 25:
                    scores[parent] = scores.get(parent, 0) + length
        if not scores:
            return frozenset()
        densest = max(scores, key=scores.__getitem__)
        return frozenset([densest, *densest.iterancestors()])

    @cached_property
    def box_labels(self) -> dict[HtmlElement, str]:
        """Boxes introduced by a known label ("Most Read", "Related News", "Tags"...), with it.

        Found from the labels up: a heading (or a label-classed element) whose text is a known
        label introduces its parent when it is the parent's first child, or its grandparent when
        it sits in a small wrapper that is (``<div><h2>Read Next</h2><a>All</a></div>``).
        """
        labels = {**BLOCK_LABELS, **dict.fromkeys(OTHER_BLOCK_LABELS, "")}
        candidates = [*self.root.iter(*HEADINGS), *(el for el, _ in self.named_with(*LABEL_WORDS))]
        found: dict[HtmlElement, str] = {}
        for el in candidates:
            if len(el) > 3 or longer_than_label(el):
                continue
            label = text_of(el).casefold().strip(" :")
            if label not in labels:
                continue
            for box in boxes_of(el):
                if own_heading(box) == label:
                    found[box] = label
        return found

    @cached_property
    def _in_boilerplate(self) -> frozenset[HtmlElement]:
        """Everything inside boilerplate."""
        return _subtrees(self.boilerplate)

    @cached_property
    def _in_chrome(self) -> frozenset[HtmlElement]:
        """Everything inside chrome (a listing asks only this)."""
        return _subtrees(self.chrome)

    def in_boilerplate(self, el: HtmlElement) -> bool:
        """Whether ``el`` sits inside a boilerplate container (or is one)."""
        return el in self._in_boilerplate

    def in_chrome(self, el: HtmlElement) -> bool:
        """Whether ``el`` sits inside the site's chrome or a teaser box (or is one)."""
        return el in self._in_chrome

    @cached_property
    def headline_element(self) -> HtmlElement | None:
        """The article's ``<h1>``: the first one outside chrome and teaser boxes."""
        for h1 in self.root.iter("h1"):
            if not self.in_boilerplate(h1) and text_of(h1):
                return h1
        return None

    @cached_property
    def article_root(self) -> HtmlElement:
        """The smallest element holding the headline and the main text (else ``<body>``)."""
        body = self.main_text_container
        h1 = self.headline_element
        if body is None:
            return h1.getparent() if h1 is not None else self._body
        if h1 is None:
            return body
        ancestors = set(h1.iterancestors())
        node: HtmlElement | None = body
        while node is not None and node not in ancestors:
            node = node.getparent()
        return node if node is not None else self._body

    @property
    def _body(self) -> HtmlElement:
        return next(self.root.iter("body"), self.root)

    @cached_property
    def main_text_container(self) -> HtmlElement | None:
        """The element whose paragraphs hold the most text (a readability-style choice)."""
        return densest_box(self)

    def article_elements(self, tags: Iterable[str]) -> Iterator[HtmlElement]:
        """Elements with the given tags inside the article root and outside boilerplate."""
        for el in self.article_root.iter(*tags):
            if not self.in_boilerplate(el):
                yield el


def _subtrees(containers: frozenset[HtmlElement]) -> frozenset[HtmlElement]:
    """The containers and everything inside them, gathered by lxml's iterators, not a walk over
    the whole page."""
    inside: set[HtmlElement] = set()
    for el in containers:
        if el not in inside:
            inside.update(el.iter())
    return frozenset(inside)


_T = TypeVar("_T")


def once_per_page(find: Callable[[Page], list[_T]]) -> Callable[[Page], list[_T]]:
    """Compute ``find(page)`` once per page (several fields read the same lines and boxes);
    each caller gets its own copy of the list."""

    @wraps(find)
    def cached(page: Page) -> list[_T]:
        memo: dict[str, list[_T]] = page.__dict__.setdefault("_memo", {})
        if find.__name__ not in memo:
            memo[find.__name__] = find(page)
        return list(memo[find.__name__])

    return cached


# A paragraph this short is a label, a date or a button, and does not count towards density.
PARAGRAPH = 25


def paragraphs(page: Page) -> list[tuple[HtmlElement, int]]:
    """The page's paragraphs of at least 25 characters outside boilerplate, with the length of
    their text, in page order (computed once per page)."""
    found: list[tuple[HtmlElement, int]] | None = page.__dict__.get("_paragraphs")
    if found is None:
        texts, found = element_texts(page), []
        for p in page.root.iter("p"):
            if not page.in_boilerplate(p) and (length := len(element_text(p, texts))) >= PARAGRAPH and p.getparent() is not None:
                found.append((p, length))
        page.__dict__["_paragraphs"] = found
    return found


def densest_box(page: Page) -> HtmlElement | None:
    """The element whose own paragraphs (:func:`paragraphs`) hold the most text (the first of
    equals); ``None`` where the page has no such paragraph."""
    direct: dict[HtmlElement, int] = {}
    for p, length in paragraphs(page):
        if (parent := p.getparent()) is not None:  # always: paragraphs() has only those
            direct[parent] = direct.get(parent, 0) + length
    return max(direct, key=direct.__getitem__) if direct else None


def element_texts(page: Page) -> dict[HtmlElement, str]:
    # the elements' texts read so far: density, then the lines, read each paragraph once
    texts: dict[HtmlElement, str] = page.__dict__.setdefault("_dense_texts", {})
    return texts


def element_text(el: HtmlElement, texts: dict[HtmlElement, str]) -> str:
    if el not in texts:
        texts[el] = text_of(el)
    return texts[el]
