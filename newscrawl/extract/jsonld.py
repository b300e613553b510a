"""JSON-LD nodes: the article types, a node's types, the nodes nested in a page's JSON-LD
(``@graph``, arrays, an article under ``mainEntity``), and the strings a JSON-LD value holds.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


#: JSON-LD types that describe the article a page is about.
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "SatiricalArticle",
        "ScholarlyArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
        "VideoObject",
        "ImageGallery",
        "MediaGallery",
    }
)


def node_types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    if isinstance(kind, str):
        return {kind.rsplit("/", 1)[-1]}
    if isinstance(kind, list):
        return {str(k).rsplit("/", 1)[-1] for k in kind}
    return set()


def flatten_jsonld(items: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Every typed node, outer before inner: ``@graph`` members, array items, and nodes nested
    as property values (a ``WebPage`` whose ``mainEntity`` is the ``NewsArticle``)."""
    for item in items:
        if isinstance(item, list):
            yield from flatten_jsonld(item)
        elif isinstance(item, dict):
            if "@type" in item:
                yield item
            for key, value in item.items():
                if key in _NESTED_ARTICLE_KEYS or key == "@graph":
                    yield from flatten_jsonld(value if isinstance(value, list) else [value])


# Properties under which pages nest the article node itself.
_NESTED_ARTICLE_KEYS = frozenset({"mainEntity", "mainEntityOfPage", "hasPart", "about", "subjectOf", "itemListElement", "item"})


def jsonld_text(value: Any) -> list[str]:
    """Strings of a JSON-LD value: a string, a list of strings, or objects with a ``name``."""
    if value is None:
        return []
    if isinstance(value, str):
        # publishers often put HTML entities in JSON-LD strings (&quot;, &#8216;)
        return [html.unescape(value)]
    if isinstance(value, (int, float)):
        return [str(value)]
    if isinstance(value, dict):
        for key in ("name", "@value", "text", "headline"):
            if isinstance(value.get(key), str):
                return [html.unescape(value[key])]
        return []
    if isinstance(value, list):
        return [text for item in value for text in jsonld_text(item)]
    return []
