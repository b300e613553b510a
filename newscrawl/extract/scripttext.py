"""The article's text where the page ships it inside a script instead of its markup.

Pages built with a JavaScript framework (Next.js, Nuxt, Gatsby and other server-rendering
front ends) may leave the article's DOM empty in the HTML as served and send the article's HTML
in a script: an escaped string in the framework's state (``self.__next_f.push([1, "..."])``,
``__NEXT_DATA__``, ``window.__INITIAL_STATE__``). A reader's browser renders it; a crawler that
does not run scripts finds it there, as a JSON string, sometimes a JSON string inside another.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from lxml import etree, html

from newscrawl.processors import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from newscrawl.extract.document import Page

# A JSON (or JavaScript) double-quoted string literal holding an escaped paragraph tag.
_STRING = re.compile(r'"((?:[^"\\]|\\.){200,})"', re.DOTALL)
_PARAGRAPH_TAG = ("<p", "\\u003cp", "\\u003Cp")
# Strings are looked into this deep (a JSON string in a JavaScript string: Next.js flight data).
_DEPTH = 2
# The blocks the text is read from, as in the page's own main text.
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li")
# Paragraphs shorter than this are labels and captions, not what makes a fragment the article.
_PARAGRAPH = 25


def script_text(page: Page) -> list[str]:
    """The lines (paragraphs, subheadings, list items) of the HTML fragment in the page's inline
    scripts with the most paragraph text, or none where no script holds one."""
    best: list[str] = []
    best_length = 0
    for script in page.root.iter("script"):
        code = script.text or ""
        if script.get("src") or not any(tag in code for tag in _PARAGRAPH_TAG):
            continue
        for fragment in _html_strings(code, _DEPTH):
            lines = _fragment_lines(fragment)
            length = sum(len(line) for line in lines if len(line) >= _PARAGRAPH)
            if length > best_length:
                best, best_length = lines, length
    return best


def _html_strings(code: str, depth: int) -> Iterator[str]:
    """The decoded string literals of ``code`` that hold a paragraph tag, and those inside them."""
    for match in _STRING.finditer(code):
        raw = match.group(1)
        if not any(tag in raw for tag in _PARAGRAPH_TAG):
            continue
        try:
            text = json.loads(f'"{raw}"')
        except ValueError:
            continue
        if not isinstance(text, str):
            continue
        if depth > 1 and '\\"' in raw:
            yield from _html_strings(text, depth - 1)
        if "<p" in text:
            yield text


def _fragment_lines(fragment: str) -> list[str]:
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    lines: list[str] = []
    taken: set[etree._Element] = set()
    for el in root.iter(*_BLOCKS):
        if any(ancestor in taken or _is_caption(ancestor) for ancestor in el.iterancestors()):
            continue
        taken.add(el)
        if text := clean_text(el.text_content()):
            lines.append(text)
    return lines


def _is_caption(el: etree._Element) -> bool:
    # an image's caption or credit is no paragraph of the text, here as in the page's markup
    return el.tag in ("figure", "figcaption") or "caption" in (el.get("class") or "")
