"""The article's body: the lead, the main text's block elements and their text, "Read more:"
lines and the boxes of links to other articles, and the trimming of main-text lines (table rows,
embedded posts, the repeated headline, what follows the declared ``articleBody``, trailing links).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from lxml import etree

from newscrawl.extract.captions import caption_boxes
from newscrawl.extract.chrome import BLOCK_LABELS, class_words
from newscrawl.extract.headline import title_key
from newscrawl.extract.text import inside, text_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lxml.html import HtmlElement

    from newscrawl.extract.document import Page


# "Read more:" as news sites write it in English, Spanish, French, German, Italian and Arabic
# (اقرأ أيضاً, with or without its hamza and tanween).
_READ_MORE = re.compile(
    r"^\s*(?:read more|read also|also read|see also|lea también|lee también|leer más|ver también|lire aussi"
    r"|à lire aussi|lesen sie auch|leggi anche|[اإ]قر[أا]\s+[أا]يضا\u064b?)\s*[:：]",
    re.IGNORECASE,
)

_BODY_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre"})

_LEAD_WORDS = frozenset(
    {"lead", "standfirst", "summary", "excerpt", "dek", "intro", "subtitle", "subheadline", "abstract", "teaser-text"}
)


def lead_candidates(page: Page) -> list[str]:
    """Texts of paragraphs whose class names a lead (``lead``, ``standfirst``, ``summary``, ``dek`` ...)."""
    return [
        text
        for el, _ in page.named_with(*_LEAD_WORDS)  # a lead word is a part of the names, in page order
        if el.tag in ("p", "div", "h2")
        and class_words(el) & _LEAD_WORDS
        and not page.in_boilerplate(el)
        and (text := text_of(el))
    ]


def labelled_blocks(page: Page) -> list[tuple[str, HtmlElement]]:
    """``(kind, box)`` for every box of article links introduced by a known heading."""
    return [
        (BLOCK_LABELS[label], box)
        for box, label in sorted(page.box_labels.items(), key=lambda item: page.order[item[0]])
        if label in BLOCK_LABELS and box.tag in ("section", "div", "aside", "ul", "nav")
    ]


def read_more_links(paragraphs: Iterable[HtmlElement], page: Page) -> list[str]:
    """Links of "Read more: ..." paragraphs."""
    return [
        url
        for p in paragraphs
        if _READ_MORE.match(text_of(p))
        for url in (page.absolute(a.get("href")) for a in p.iter("a"))
        if url
    ]


def is_read_more(text: str) -> bool:
    """Whether a paragraph is an inline "Read more: ..." link line."""
    return bool(_READ_MORE.match(text))


def body_blocks(page: Page, container: HtmlElement | None = None) -> list[HtmlElement]:
    """The main text's block elements (paragraphs, subheadings, quotes, list items), in order.

    Takes ``container`` (a site profile's choice) or the readability-style main text container,
    leaves out boilerplate boxes, figures and nested blocks.
    """
    container = container if container is not None else page.main_text_container
    if container is None:
        return []
    captions = frozenset(caption_boxes(page))
    blocks: list[HtmlElement] = []
    for el in container.iter():
        if not isinstance(el.tag, str) or el.tag not in _BODY_BLOCKS:
            continue
        if (
            page.in_boilerplate(el)
            or inside(el, captions)
            or any(a.tag in ("figure", "figcaption") or a in blocks for a in _ancestors_within(el, container))
        ):
            continue
        if el.tag in ("ul", "ol"):
            continue
        blocks.append(el)
    return blocks


def _ancestors_within(el: HtmlElement, container: HtmlElement) -> Iterator[HtmlElement]:
    node = el.getparent()
    while node is not None and node is not container:
        yield node
        node = node.getparent()


def body_text(blocks: Iterable[HtmlElement]) -> list[str]:
    """Texts of body blocks, without "Read more:" lines and empty blocks."""
    texts = (text_of(el) for el in blocks)
    return [t for t in texts if t and not is_read_more(t)]


def is_table_row(line: str) -> bool:
    """Whether a main-text line is a table row (trafilatura writes them ``| cell | cell |``): the
    article's data, not its prose."""
    return len(line) > 1 and line.startswith("|") and line.endswith("|")


# The class names the platforms' embed code gives the quoted post (every site embeds it so).
_EMBEDDED_POST = ("twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed")


def embedded_posts(page: Page) -> list[str]:
    """Texts of the social-media posts the page embeds (``<blockquote class="twitter-tweet">``):
    someone else's words, shown beside the article rather than written in it."""
    return [
        " ".join("".join(quote.itertext()).split())
        for quote in page.root.iter("blockquote")
        if any(name in (quote.get("class") or "") for name in _EMBEDDED_POST)
    ]


# The headline is looked for among the text's first lines ...
_HEADLINE_WITHIN = 8
# ... and what stands above it goes with it while it is this small a share of the text.
_ABOVE_HEADLINE = 0.15


def after_headline(lines: list[str], headlines: Iterable[str]) -> list[str]:
    """``lines`` without a repeat of the headline near their top. The few lines above that repeat
    (kicker, date, breadcrumb, a "reviewed by our editors" note) go too: they are the article's
    header, not its text; longer text above it is kept, since then the "headline" line is a
    subheading that happens to match it."""
    keys = {title_key(h) for h in headlines} - {""}
    for i, line in enumerate(lines[:_HEADLINE_WITHIN]):
        if title_key(line) in keys:
            above = sum(map(len, lines[:i]))
            if above <= _ABOVE_HEADLINE * sum(map(len, lines)):
                return lines[i + 1 :]
            return [*lines[:i], *lines[i + 1 :]]
    return lines


# The JSON-LD articleBody is trusted as the article's full text when this share of its words
# is in the extracted text and it covers this share of the extracted text ...
_DECLARED_INSIDE = 0.9
_DECLARED_COVERS = 0.3
# ... and a line is the article's when this share of its words is in the articleBody.
_LINE_DECLARED = 0.8


def _word_bag(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def until_declared_end(lines: list[str], article_body: str) -> list[str]:
    """``lines`` up to the last one the page's own JSON-LD ``articleBody`` holds. What trafilatura
    adds after the declared article (newsletter boxes, a donation appeal, the next story) is not
    the article's. Only where the ``articleBody`` is the full text of these lines, not a summary
    or another story's text; lines before its end (subheadings, captions) are kept as they are."""
    declared, extracted = _word_bag(article_body), _word_bag("\n".join(lines))
    shared = (declared & extracted).total()
    if not shared or shared < _DECLARED_INSIDE * declared.total() or shared < _DECLARED_COVERS * extracted.total():
        return lines
    for end in range(len(lines), 0, -1):
        bag = _word_bag(lines[end - 1])
        if bag and (bag & declared).total() >= _LINE_DECLARED * bag.total():
            return lines[:end]
    return lines


# A trailing line is a link when one link's text makes up this share of it ...
_LINK_LINE = 0.8
# ... and only lines this short are looked at: a paragraph is not a link.
_LINK_LINE_LENGTH = 200
# Whether the page has a link whose text is at least $length long and occurs in $line.
_HAS_LINK_WITHIN = etree.XPath(
    "boolean(//a[string-length(normalize-space(.)) >= $length and contains($line, normalize-space(.))])"
)


def without_trailing_links(lines: list[str], page: Page) -> list[str]:
    """``lines`` without the links that end them: a list of related stories, "MORE: ..." and
    "Next: ..." teasers, a "Sign up" link. A line counts as a link when the text of one of the
    page's links makes up most of it (a "MORE:" label or a list bullet aside)."""
    end = len(lines)
    while end and len(lines[end - 1]) <= _LINK_LINE_LENGTH:
        line = lines[end - 1].removeprefix("- ")
        if not _HAS_LINK_WITHIN(page.root, line=line, length=_LINK_LINE * len(line)):
            break
        end -= 1
    return lines[:end]


# End matter: what sites print under the article's last paragraph, in any language they write in.
# A copyright notice ("© 2024 Agency", "Copyright: Syndicate") ...
_COPYRIGHT = re.compile(r"^\W{0,3}(?:©|\(c\)\s|copyright\b)|©", re.IGNORECASE)
# ... a contact line (an e-mail address) ...
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# ... and an invitation to a newsletter, to follow, to write in or to comment.
_INVITATION = re.compile(
    r"\b(?:newsletters?|sign(?:ing)? up|subscribe|follow (?:us|(?:\S+ ){1,3}on)|get in touch|join (?:our|the) (?:comment|convers)"
    r"|commenting|for more stories)\b",
    re.IGNORECASE,
)
# Such lines are short: a notice, not a paragraph ...
_END_LINE = 300
# ... and an author's bio, which starts with the name, is a few sentences at most; a line
# this short naming an author anywhere is a signature ("Text: Jane Doe", "Agency (Jane Doe)").
_BIO_LINE = 400
_SIGNATURE_LINE = 80


def is_end_matter(line: str, authors: Iterable[str] = ()) -> bool:
    """Whether a line is what sites print after the article's text: a copyright notice, a
    contact line (an e-mail address), an invitation to a newsletter, to follow the site, to write
    in or to comment, or the author's bio or signature (a line that starts with an author's name,
    or a short one that names them)."""
    if len(line) <= _END_LINE and (_COPYRIGHT.search(line) or _EMAIL.search(line) or _INVITATION.search(line)):
        return True
    if len(line) > _BIO_LINE:
        return False
    text = line.lstrip(" •—–-*_").casefold()
    for name in authors:
        key = name.casefold()
        if len(key) > 4 and (text.startswith(key) or (len(line) <= _SIGNATURE_LINE and key in text)):
            return True
    return False


def without_end_matter(lines: list[str], page: Page, authors: Iterable[str] = ()) -> list[str]:
    """``lines`` without what follows the article's last paragraph: end matter
    (:func:`is_end_matter`: copyright, contact lines, newsletter and follow invitations, the
    author's bio) and links (:func:`without_trailing_links`), however they alternate. Only at the
    end: the same words inside the text are the article's."""
    names = [name for name in authors if name]
    while True:
        end = len(lines)
        while end and is_end_matter(lines[end - 1], names):
            end -= 1
        trimmed = without_trailing_links(lines[:end], page)
        if len(trimmed) == len(lines):
            return lines
        lines = trimmed


# A paywall's note that the rest of the article is for subscribers, as sites word it in English,
# German, French, Spanish, Italian and Japanese.
_PAYWALL = re.compile(
    r"subscribers? only|for (?:paying )?subscribers|subscribe to (?:continue|keep) reading|already a subscriber"
    r"|exklusiv für abonnenten|nur für abonnenten|réservée? aux abonnés|il vous reste \d+(?:[.,]\d+)?\s?%"
    r"|exclusivo para suscriptores|riservato agli abbonati|会員限定|有料会員",
    re.IGNORECASE,
)
# The note is a line, not a paragraph ...
_PAYWALL_LINE = 120
# ... and past this share of the text it ends what the page gives of the article: what follows
# is the paywall's box (offers, log-in help), not text.
_PAYWALL_END = 0.5


def is_paywall_note(line: str) -> bool:
    """Whether a line is a paywall's note ("Article réservé aux abonnés", "The rest of this
    article is for subscribers only", "この記事は会員限定です")."""
    return len(line) <= _PAYWALL_LINE and _PAYWALL.search(line) is not None


def until_paywall(lines: list[str]) -> list[str]:
    """``lines`` without paywall notes (:func:`is_paywall_note`), and without what follows one
    that stands in the second half of the text: there the page's share of the article ends and
    the paywall's box (subscription offers, log-in help, device limits) begins. A note near the
    top ("for subscribers") only labels the article."""
    total = sum(map(len, lines))
    seen = 0
    kept: list[str] = []
    for line in lines:
        if is_paywall_note(line):
            if seen > _PAYWALL_END * total:
                break
        else:
            kept.append(line)
        seen += len(line)
    return kept
