"""The plan by which :meth:`newscrawl.extract.document.Page.css` answers a CSS selector: its
compound selectors, which the page's indexes of classes, ids and attribute values can answer or
rule out without a walk over the tree, and the compiled XPath for the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from lxml import etree
from parsel.csstranslator import HTMLTranslator, css2xpath

from newscrawl.extract.text import XML_SPACE, XML_SPACE_CHARS

if TYPE_CHECKING:
    from lxml.html import HtmlElement


# The selectors a page's indexes answer without a walk over the tree: groups of compound
# selectors joined by descendant combinators, each compound a lower-case tag and class, id and
# attribute tests ("div.p-content", "#ticker-box ul li .ticker-item", "a[href*='/coverage']").
_SIMPLE = re.compile(
    r"""\.(-?[A-Za-z_][\w-]*)|#([\w-]+)|\[([a-z][a-z0-9-]*)(\*?)=(?:"([^"\\]+)"|'([^'\\]+)'|([A-Za-z_][\w-]*))\]"""
)
_TAG = re.compile(r"[a-z][a-z0-9]*")


@dataclass(frozen=True)
class Compound:
    """One compound selector: ``tag.class#id[attr*=value][attr=value]``."""

    text: str
    tag: str | None
    classes: tuple[str, ...]
    ids: tuple[str, ...]
    contains: tuple[tuple[str, str], ...]
    equals: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, text: str) -> Compound | None:
        tag_match = _TAG.match(text)
        pos = tag_match.end() if tag_match else 0
        classes: list[str] = []
        ids: list[str] = []
        contains: list[tuple[str, str]] = []
        equals: list[tuple[str, str]] = []
        while pos < len(text):
            match = _SIMPLE.match(text, pos)
            if match is None:
                return None
            class_name, id_name, attr, star, *quoted = match.groups()
            if class_name:
                classes.append(class_name)
            elif id_name:
                ids.append(id_name)
            else:
                value = next(v for v in quoted if v is not None)
                (contains if star else equals).append((attr, value))
            pos = match.end()
        if pos == 0:
            return None
        return cls(text, tag_match[0] if tag_match else None, tuple(classes), tuple(ids), tuple(contains), tuple(equals))

    def matches(self, el: HtmlElement, tokens: frozenset[str]) -> bool:
        """Whether ``el`` (whose class tokens are ``tokens``) matches, as the XPath would."""
        if self.tag is not None and el.tag != self.tag:
            return False
        if not all(name in tokens for name in self.classes) or not all(el.get("id") == i for i in self.ids):
            return False
        if not all(value in (el.get(attr) or "") and el.get(attr) is not None for attr, value in self.contains):
            return False
        return all(el.get(attr) == value for attr, value in self.equals)


@cache
def attribute_values(attr: str) -> etree.XPath:
    """The XPath of every value of an attribute on a page (compiled once per attribute)."""
    return etree.XPath(f"//@{attr}")


@lru_cache(maxsize=4096)
def class_tokens(value: str) -> frozenset[str]:
    """The class names of a class attribute, split where XPath's ``normalize-space()`` splits."""
    return frozenset(XML_SPACE.split(value.strip(XML_SPACE_CHARS)))


_TRANSLATOR = HTMLTranslator()


@dataclass(frozen=True)
class QueryPlan:
    """How :meth:`Page.css` answers a selector: its groups (``None``: the XPath alone), and for a
    descendant chain the XPath of what follows its first compound, relative to that compound's
    element."""

    xpath: etree.XPath
    groups: tuple[tuple[Compound, ...], ...] | None
    rest: etree.XPath | None


@cache
def query_plan(query: str) -> QueryPlan:
    # the site profiles' selectors are constants: each is translated and compiled once
    full = css2xpath(query)
    groups: list[tuple[Compound, ...]] = []
    for group in query.split(","):
        compounds = tuple(Compound.parse(part) for part in group.split())
        if not compounds or any(c is None for c in compounds) or any(ch in group for ch in ">+~:"):
            return QueryPlan(etree.XPath(full), None, None)
        groups.append(compounds)  # type: ignore[arg-type]
    rest = None
    if len(groups) == 1 and len(groups[0]) > 1:
        first, after = groups[0][0].text, " ".join(c.text for c in groups[0][1:])
        relative = _TRANSLATOR.css_to_xpath(after, prefix="descendant::")
        if f"{css2xpath(first)}/{relative}" == full:  # the same steps, from the first compound's element
            rest = etree.XPath(relative)
    return QueryPlan(etree.XPath(full), tuple(groups), rest)
