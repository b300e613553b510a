"""Whether a fetch is damaged, judged from the fetch itself (pure functions, no I/O).

A server that is overloaded or restarting sometimes answers 200 with a broken page: cut short,
with its closing tags missing, or empty. lxml reads any of them without complaint, and what it
reads is not the article. :func:`page_damage` says why a fetched HTML page is not whole;
:func:`refetch_damage` says why a re-fetched article's text looks damaged next to the text the
archive holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

# A whole page ends with its closing tags, or with little after them (a script, a comment).
_TAIL_BYTES = 4096
_CLOSED = re.compile(rb"</(?:html|body)\s*>")
_OPENED = re.compile(rb"<html[\s>]", re.IGNORECASE)
# <div> and </div> in one pass over the page: the check runs on every page, in the crawl's thread.
_DIV_TAG = re.compile(rb"<(/?)div[\s>/]", re.IGNORECASE)
# On 469 real news pages the fewest <div>s closed was 55% of those opened (47 opened, 26
# closed); a page whose end tags were lost closes none.
_MIN_DIVS = 10
_MIN_DIVS_CLOSED = 0.25
# Elements whose end tag HTML never lets a page omit (and a head that no content ended): left
# open at the end of a page without </body> and </html>, they say where it was cut. On 642 real
# and fixture pages, at most one was open just before </body>.
_CONTAINERS = frozenset({
    "div", "section", "article", "main", "table", "ul", "ol", "form", "header", "footer", "nav", "aside", "figure", "dl",
    "blockquote", "head",
})  # fmt: skip
_MAX_OPEN = 1
_HEAD_ELEMENTS = frozenset({"head", "title", "meta", "link", "script", "style", "base", "noscript", "template"})


def page_damage(body: bytes, content_length: int | None = None) -> str | None:
    """Why the HTML page ``body`` is damaged, or ``None`` when it looks whole.

    Damaged: empty; shorter than the ``Content-Length`` it was sent with; ``<div>``s left
    unclosed wholesale (fewer than a quarter of ten or more closed); or, for a document that
    opened ``<html>`` and does not end with ``</body>`` or ``</html>``, one that stops inside a
    tag, a comment, a script or a style, or with its ``<head>`` or two or more elements such as
    ``<div>`` still open. A page that only omits its optional closing tags is whole.
    """
    if not body.strip():
        return "empty page"
    if content_length is not None and len(body) < content_length:
        return f"cut short: {len(body)} of the {content_length} bytes its Content-Length announced"
    tags = _DIV_TAG.findall(body)
    closed = tags.count(b"/")
    opened = len(tags) - closed
    if opened >= _MIN_DIVS and closed < opened * _MIN_DIVS_CLOSED:
        return f"malformed: {opened} <div> opened, {closed} closed"
    if not _OPENED.search(body) or _ends_closed(body):
        return None
    return _cut(body)


def _ends_closed(body: bytes) -> bool:
    """Whether ``body`` ends with ``</body>`` or ``</html>`` (not one in a script's text)."""
    tail = body[-_TAIL_BYTES:].lower()
    end = max(tail.rfind(b"</body"), tail.rfind(b"</html"))
    return end >= 0 and _CLOSED.match(tail, end) is not None and tail.rfind(b"<script", 0, end) <= tail.rfind(b"</script", 0, end)


class _OpenElements(HTMLParser):
    """The containers still open, and what the parser could not finish, as a page ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if "head" in self.open and tag not in _HEAD_ELEMENTS:
            self.open.remove("head")  # </head> and <body> may be left out: content ends the head
        if tag in _CONTAINERS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def unfinished(self) -> str | None:
        """The construct the page stops inside, if any (a tag, a comment, a script...)."""
        if self.cdata_elem:  # HTMLParser's own state: inside a <script> or <style>
            return f"<{self.cdata_elem}>"
        rest = self.rawdata.lstrip()
        return repr(rest[:20]) if rest.startswith("<") else None


def _cut(body: bytes) -> str | None:
    parser = _OpenElements()
    try:
        parser.feed(body.decode("utf-8", "replace"))
    except AssertionError:
        return None  # a marked section HTMLParser cannot read (<![foo): no judgement, not damage
    inside = parser.unfinished()
    if inside:
        return f"cut short: no </body> or </html>, ends inside {inside}"
    if "head" in parser.open:
        return "cut short: no </body> or </html>, ends in its <head>"
    if len(parser.open) > _MAX_OPEN:
        return f"cut short: no </body> or </html>, {len(parser.open)} elements left open ({', '.join(parser.open[-3:])}...)"
    return None


# -- a re-fetch next to the stored text --------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """The parts of an article's text a damaged fetch loses."""

    headline: str | None
    body: str | None
    authors: Sequence[str] = ()
    tags: Sequence[str] = ()


#: A re-fetched body shorter than this share of the stored one is not an edit.
MIN_BODY_SHARE = 0.7
#: Nor is one that keeps fewer than this share of the stored paragraphs (of 3 or more).
MIN_PARAGRAPH_SHARE = 0.6


def refetch_damage(stored: Text, fetched: Text) -> str | None:
    """Why ``fetched``, a re-fetch of an article whose stored text is ``stored``, looks damaged
    next to it, or ``None`` when it may be a genuine edit: the headline, byline, tags or body
    gone, a body much shorter (under :data:`MIN_BODY_SHARE` of the stored length), or
    paragraphs lost (under :data:`MIN_PARAGRAPH_SHARE` of three or more kept)."""
    for name, was, now in (
        ("headline", stored.headline, fetched.headline),
        ("byline", stored.authors, fetched.authors),
        ("tags", stored.tags, fetched.tags),
        ("body", stored.body, fetched.body),
    ):
        if was and not now:
            return f"{name} gone"
    if not stored.body or not fetched.body:
        return None
    if len(fetched.body) < len(stored.body) * MIN_BODY_SHARE:
        return f"body much shorter: {len(fetched.body)} characters, {len(stored.body)} stored"
    was_paragraphs, paragraphs = stored.body.count("\n\n") + 1, fetched.body.count("\n\n") + 1
    if was_paragraphs >= 3 and paragraphs < was_paragraphs * MIN_PARAGRAPH_SHARE:
        return f"paragraphs lost: {paragraphs}, {was_paragraphs} stored"
    return None
