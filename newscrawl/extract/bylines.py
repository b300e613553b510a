"""The article's header read off the page: the short lines under the headline, bylines and the
checks that a byline part is a person's name rather than the publisher, "Source:" lines,
labelled values ("Coverage: ..."), displayed and machine-readable dates, htmldate's date search,
and counters ("5 Shares", "4 Min Read").
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from htmldate import find_date
from lxml import etree

from newscrawl.dates import displayed_date_pattern, western_digits
from newscrawl.extract.chrome import class_words
from newscrawl.extract.document import named_elements, once_per_page, text_nodes_with
from newscrawl.extract.text import text_of
from newscrawl.processors import DISPLAYED_DATE, clean_text, is_byline, is_source_line, strip_by
from newscrawl.words import ENGLISH, Words

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page


# Elements that hold one short line of an article header (byline, source, date, counters).
_LINE_TAGS = ("li", "span", "p", "div", "time", "a", "small", "address", "dd", "dt", "em", "strong", "b", "cite")
_INLINE_TAGS = frozenset({"a", "em", "strong", "b", "cite"})

_NOT_BYLINE_TAGS = frozenset({"meta", "link", "body", "html", "article", "main", "button"})
# Names of controls inside author boxes: follow and subscribe buttons.
_CONTROL = re.compile(r"follow|subscribe|btn|button", re.IGNORECASE)

_AUTHOR_MARKED = etree.XPath('//*[@rel="author" or @itemprop="author"]')


@once_per_page
def header_lines(page: Page) -> list[str]:
    """Short text lines between the headline and the main text: bylines, datelines, counters.

    These are the innermost line elements (list items, spans, paragraphs, ``dd``...) after the
    ``<h1>`` in document order, up to the first paragraph of the main text; an element with
    text of its own around its children (``<div><span>5</span> Shares</div>``) is one line.
    """
    h1 = page.headline_element
    if h1 is None:
        return []
    container = page.main_text_container
    stop = next((p for p in container.iter("p") if len(text_of(p)) >= 25), None) if container is not None else None
    lines: list[str] = []
    for el in _after(h1):
        if not isinstance(el.tag, str):
            continue
        if el is stop or len(lines) > 40:
            break
        if el.tag in _LINE_TAGS and not page.in_chrome(el):
            has_lines = any(isinstance(c.tag, str) and c.tag in _LINE_TAGS and c.tag not in _INLINE_TAGS for c in el)
            if has_lines and not _own_text(el):
                continue
            text = text_of(el)
            if text and len(text) <= 150:
                lines.append(text)
    return lines


def _after(el: HtmlElement) -> Iterator[HtmlElement]:
    """The nodes after ``el`` in document order, its own descendants first: ``root.iter()``
    from ``el`` on, without walking the page up to it."""
    yield from el.iterdescendants()
    node: HtmlElement | None = el
    while node is not None:
        for sibling in node.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()
        node = node.getparent()


def _own_text(el: HtmlElement) -> bool:
    return bool((el.text or "").strip() or any((c.tail or "").strip() for c in el))


def byline_candidates(page: Page, words: Words = ENGLISH) -> Iterator[list[str]]:
    """Byline candidates in groups, most specific first; the first group with a name is the byline.

    1. ``rel=author`` / ``itemprop=author`` elements: one name each, several authors apart;
    2. elements whose class names a byline or an author (the innermost ones);
    3. "By ..." lines under the headline (the byline prefixes of ``words``);
    4. links to an author's page under the headline;
    5. a name in bold as a paragraph of its own at the start or the end of the main text.

    "Source: ..." lines (the source labels of ``words``) are no bylines.
    """
    header = header_lines(page)
    for texts in _author_elements(page):
        yield _under_headline([text for text in texts if not is_source_line(text, words)], header)
    # one at a time: the later searches run only where the earlier ones found no name
    yield _by_lines(header, words)
    yield author_links(page)
    yield bold_name_paragraphs(page)


def _by_lines(header: list[str], words: Words) -> list[str]:
    """The "By ..." lines among ``header``; a "By" line alone (a label element) gives the next line."""
    found = []
    for index, line in enumerate(header):
        if is_byline(line, words):
            found.append(line)
        elif index + 1 < len(header) and _by_prefix_only(line, words):
            found.append(header[index + 1])
    return found


def _by_prefix_only(line: str, words: Words) -> bool:
    return any(ch.isalpha() for ch in line) and strip_by(line, words) is None


# Paths of an author's page on a site: /author/jane-doe, /autoren/jane-doe, /journalist/123.
_AUTHOR_PAGE = re.compile(
    r"/(?:author|authors|autor|autoren|auteur|auteurs|autore|autori|journalist|journalists|journalisten|reporter|"
    r"reporters|redakteur|redakteure|columnist|columnists|writer|writers)/[^/?#]",
    re.IGNORECASE,
)
_AUTHOR_LINK_QUERY = ", ".join(
    f'a[href*="/{part}"]' for part in ("author", "autor", "auteur", "journalist", "reporter", "redakteur", "columnist", "writer")
)


def author_links(page: Page) -> list[str]:
    """Texts of links to an author's page (``/author/jane-doe``) between the headline and the
    main text: a byline that neither a "By" nor a class name says is one."""
    h1 = page.headline_element
    if h1 is None:
        return []
    order = page.order
    start, end = order.get(h1, 0), _header_end(page)
    found = []
    for a in page.css(_AUTHOR_LINK_QUERY):
        if start < order.get(a, -1) < end and _AUTHOR_PAGE.search(a.get("href") or "") and not page.in_chrome(a):
            text = text_of(a)
            if text and len(text) <= 80:
                found.append(text)
    return found


def _header_end(page: Page) -> int:
    """Where the header ends in document order: the first paragraph of the main text."""
    container = page.main_text_container
    stop = next((p for p in container.iter("p") if len(text_of(p)) >= 25), None) if container is not None else None
    return page.order.get(stop, len(page.order)) if stop is not None else len(page.order)


# A name written in bold as a paragraph of its own: capitalized words, initials, hyphens, "/".
_BOLD_NAME = re.compile(r"^(?:[^\W\d_][\w'’.-]*)(?:\s*[\s/]\s*[^\W\d_][\w'’.-]*){1,7}$")


def bold_name_paragraphs(page: Page) -> list[str]:
    """A paragraph of the main text that is only a name in bold, among its first three or as its
    last: where a byline is written into the text itself (``<p><strong>Jane Doe</strong></p>``)."""
    container = page.main_text_container
    if container is None:
        return []
    texts = [(p, text) for p in container.iter("p") if (text := text_of(p))]
    found = []
    for p, text in [*texts[:3], *texts[-1:]]:
        bold = [child for child in p if child.tag in ("strong", "b")]
        if len(bold) == 1 and text_of(bold[0]) == text and _BOLD_NAME.match(text) and _capitalized(text):
            found.append(text)
    return list(dict.fromkeys(found))


# Lower-case particles of names ("Jan de Vries"), and words no name holds ("The Big Picture").
_PARTICLES = frozenset({"de", "van", "von", "der", "den", "da", "di", "del", "la", "le", "bin", "al", "y", "e"})
_NOT_IN_NAMES = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "and",
        "to",
        "for",
        "in",
        "on",
        "at",
        "with",
        "how",
        "what",
        "why",
        "who",
        "is",
        "are",
        "more",
        "read",
    }
)


def _capitalized(text: str) -> bool:
    """Whether a text is written as a name: each word capitalized (or a name particle, or in a
    script without case), and no word that names do not hold."""
    words = [word for word in re.split(r"[\s/]+", text) if word]
    return not any(word.casefold() in _NOT_IN_NAMES for word in words) and all(
        word[:1].isupper() or word[:1].lower() == word[:1].upper() or word in _PARTICLES for word in words
    )


def _under_headline(texts: list[str], header: list[str]) -> list[str]:
    """The author elements' texts the lines under the headline show, where some are shown there.

    The article's byline sits under its headline; author elements elsewhere on the page are
    the bylines of teasers, of comments or of other stories' author boxes.
    """
    shown = {line.casefold() for line in header}
    under = [text for text in texts if _shown_in(text.casefold(), shown)]
    return under or texts


def _shown_in(text: str, lines: set[str]) -> bool:
    """Whether a text is one of ``lines`` or part of one, or holds one (a name and its joiner)."""
    return any(text in line or (len(line) >= 5 and line in text) for line in lines)


@once_per_page
def _author_elements(page: Page) -> list[list[str]]:
    """Texts of the ``rel``/``itemprop`` author elements and of the author- and byline-classed ones."""
    marked = _AUTHOR_MARKED(page.root)
    classed = [el for el, _ in page.named_with("author", "byline")]
    groups: list[list[str]] = []
    for elements, is_class in ((marked, False), (classed, True)):
        texts = []
        for el in elements:
            if page.in_chrome(el) or el.tag in _NOT_BYLINE_TAGS or _CONTROL.search(page.names.get(el, "")):
                continue  # a follow button's "Folgen" is no name
            if is_class and any(
                "author" in page.names.get(d, "").lower() or d.get("rel") == "author" for d in el.iterdescendants()
            ):
                continue  # a wrapper: its inner author elements speak for it
            text = text_of(el)
            if text and len(text) <= 150:
                texts.append(text)
        groups.append(texts)
    return groups


def source_lines(page: Page, words: Words = ENGLISH) -> list[str]:
    """ "Source: ..." lines (a source label of ``words``) near the headline, then anywhere in the article."""
    found = [line for line in header_lines(page) if is_source_line(line, words)]
    for el in text_nodes_with(page, *(label.casefold() for label in words.source_labels)):
        text = text_of(el)
        if len(text) <= 80 and is_source_line(text, words) and not page.in_boilerplate(el):
            found.append(text)
    return found


def labelled_values(page: Page, label: str) -> list[str]:
    """Values the page labels with ``label``: ``"Coverage: War on Gaza"`` lines, then boxes whose
    class names the label (``<div class="coverage"><span>Coverage</span> <a>War on Gaza</a></div>``),
    the label word removed. Only the site's chrome and teaser boxes are left out.
    """
    line = re.compile(rf"^{re.escape(label)}s?\s*[:：]\s*(.+)$", re.IGNORECASE)
    prefix = re.compile(rf"^{re.escape(label)}s?\s*[:：]?\s*", re.IGNORECASE)
    word = label.lower()
    found = []
    for el in text_nodes_with(page, word):
        text = text_of(el)
        match = line.match(text) if len(text) <= 120 else None
        if match and not page.in_chrome(el):
            found.append(match.group(1))
    for el in named_elements(page, word):
        if page.in_chrome(el):
            continue
        if any(word in class_words(a) for a in el.iterancestors()):
            continue  # the outermost box speaks for its parts
        value = clean_text(prefix.sub("", text_of(el)))
        if value and len(value) <= 80:
            found.append(value)
    return found


def displayed_dates(page: Page, words: Words = ENGLISH) -> list[str]:
    """Date texts shown near the headline: ``<time>`` text, then lines that look like a date (in
    the month names of ``words``, else English ones)."""
    found = [text_of(el) for el in page.article_elements(("time",)) if text_of(el)]
    if words.months:
        pattern = displayed_date_pattern(words.months, words.weekdays)
        found.extend(line for line in header_lines(page) if pattern.search(western_digits(line)))
    else:
        found.extend(line for line in header_lines(page) if DISPLAYED_DATE.search(line))
    return found


def time_datetimes(page: Page) -> list[str]:
    """``datetime`` attributes of ``<time>`` elements in the article, and ``itemprop=datePublished``."""
    found = [el.get("datetime") for el in page.article_elements(("time",)) if el.get("datetime")]
    found.extend(  # page.names holds every element with an itemprop, in page order
        el.get("content") or text_of(el) for el in page.names if el.tag != "meta" and el.get("itemprop") == "datePublished"
    )
    return [f for f in found if f]


#: The kinds of counters :func:`counter_lines` reads.
COUNTER_KINDS = ("shares", "views", "read_time")


def counter_lines(page: Page, kind: str, words: Words = ENGLISH) -> list[str]:
    """``"5 Shares"`` (``kind="shares"``), ``"20 Visualizaciones"`` (``"views"``) or ``"4 Min Read"``
    (``"read_time"``) lines of the article, in the counter words of ``words``.

    Counters often sit in share bars, so only the site's chrome and teaser boxes are left out.
    """
    pattern = counter_pattern(words, kind)
    if pattern is None:
        return []
    lines = [line for line in header_lines(page) if pattern.match(line)]
    if not lines:
        for el in text_nodes_with(page, _search_word(words, kind)):
            # the number may sit in its own element: <div><span>5</span> Shares</div>
            for candidate in (el, el.getparent()):
                text = text_of(candidate) if candidate is not None else ""
                if len(text) <= 30 and pattern.match(text) and not page.in_chrome(el):
                    lines.append(text)
                    break
    return lines


def _phrases(words: Words, kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A counter's phrases after a number, and those that mean one without a number."""
    if kind == "shares":
        return words.shares, ()
    if kind == "views":
        return words.views, ()
    return words.read_time, words.read_time_one


@lru_cache(maxsize=32)
def counter_pattern(words: Words, kind: str) -> re.Pattern[str] | None:
    """The pattern of a counter line of ``kind`` in ``words``; ``None`` when they have no word for it."""
    after, alone = _phrases(words, kind)
    if not after and not alone:
        return None

    def alternatives(phrases: tuple[str, ...]) -> str:
        ordered = sorted(phrases, key=len, reverse=True)
        return "|".join(re.escape(p).replace(r"\ ", r"\.?\s+") for p in ordered) or "(?!)"

    # a share count may be scaled (1.2K Shares); a read time is whole minutes
    number = r"\d+\s*" if kind == "read_time" else r"\d+(?:[.,]\d+)?\s*[kKmM]?\s+"
    return re.compile(rf"^\s*(?:{number}(?:{alternatives(after)})|(?:{alternatives(alone)}))\s*$", re.IGNORECASE)


def _search_word(words: Words, kind: str) -> str:
    """The word every counter line of ``kind`` contains: the common start of its phrases' last words."""
    after, alone = _phrases(words, kind)
    last = [phrase.split()[-1].casefold() for phrase in (*after, *alone)]
    common = last[0]
    while not all(word.startswith(common) for word in last):
        common = common[:-1]
    return common


def original_date(page: Page) -> list[str]:
    """The publication date htmldate finds (URL, scripts, text in many formats and languages),
    as a date when it found no time. htmldate is the specialist here, and costs only the pages
    where every other layer found nothing."""
    found = find_date(
        copy.deepcopy(page.root), url=page.url, extensive_search=True, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z"
    )
    if not found:
        return []
    return [found[:10] if found.endswith("T00:00:00") else found]
