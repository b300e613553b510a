"""The article's declared metadata, read per field: its JSON-LD node's type, authors, publisher,
keywords, subjects and captioned images, the breadcrumb trail, and Twitter's labelled meta pairs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newscrawl.extract.jsonld import ARTICLE_TYPES, jsonld_text, node_types
from newscrawl.processors import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable

    from newscrawl.extract.document import Page


def jsonld_type(page: Page) -> str | None:
    """The first article-like ``@type`` of the page's JSON-LD."""
    types = node_types(page.article_jsonld) & ARTICLE_TYPES
    return sorted(types)[0] if types else None


def jsonld_authors(page: Page) -> list[str]:
    """Author names from the article's JSON-LD: people first, organizations only if no person.
    A person given only by ``givenName`` and ``familyName`` is named by both."""
    authors = page.article_jsonld.get("author") or page.article_jsonld.get("creator")
    items = authors if isinstance(authors, list) else [authors] if authors else []
    people = [n for a in items if not (isinstance(a, dict) and "Organization" in node_types(a)) for n in _names(a)]
    orgs = [n for a in items if isinstance(a, dict) and "Organization" in node_types(a) for n in _names(a)]
    return people or orgs


def _names(value: Any) -> list[str]:
    if isinstance(value, dict) and isinstance(value.get("name"), list):
        return jsonld_text(value["name"])  # one person node naming several: {"name": ["A", "B"]}
    if isinstance(value, dict) and not value.get("name"):
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str):
            return [f"{given} {family}"]
    return jsonld_text(value)


def jsonld_publisher(page: Page) -> list[str]:
    """Name of the article's JSON-LD publisher."""
    publisher = page.article_jsonld.get("publisher")
    return jsonld_text(publisher) if isinstance(publisher, (dict, list)) else []


AUTHOR_METAS = ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author", "byl")
AUTHOR_LABELS = ("written by", "author", "authors", "by", "verfasst von", "autor", "autorin", "auteur", "escrito por")


def labelled_metas(page: Page, labels: Iterable[str]) -> list[str]:
    """Values of Twitter's label/data meta pairs whose label is one of ``labels``
    (``twitter:label1`` "Written by" + ``twitter:data1`` "Jane Doe") and of
    ``twitter:misc:<label>`` metas."""
    wanted = {label.casefold() for label in labels}
    found = [v for key, values in page.meta.items() if key.startswith("twitter:misc:") and key[13:] in wanted for v in values]
    for index in range(1, 5):
        label = page.meta.get(f"twitter:label{index}", [""])[0]
        if label.casefold().strip(" :") in wanted:
            found.extend(page.meta.get(f"twitter:data{index}", []))
    return found


def jsonld_keywords(page: Page) -> list[str]:
    """Tags from the article's JSON-LD ``keywords`` (a list, or one comma-separated string)."""
    value = page.article_jsonld.get("keywords")
    if isinstance(value, str):
        return list(value.split(","))
    return jsonld_text(value)


def jsonld_subjects(page: Page) -> list[str]:
    """Names of the things the article's JSON-LD says it is ``about`` or ``mentions`` (objects
    with a ``name``; a bare string there is a description, not a subject)."""
    ld = page.article_jsonld
    things: list[Any] = []
    for key in ("about", "mentions"):
        value = ld.get(key)
        things.extend(value if isinstance(value, list) else [value])
    return [name for thing in things if isinstance(thing, dict) for name in jsonld_text(thing.get("name"))]


def jsonld_images(page: Page) -> list[tuple[str, str | None]]:
    """``(caption, url)`` of the article's JSON-LD images that have a caption."""
    value = page.article_jsonld.get("image")
    items = value if isinstance(value, list) else [value] if value else []
    found = []
    for item in items:
        if isinstance(item, dict):
            caption = item.get("caption") or item.get("description")
            if isinstance(caption, str) and caption.strip():
                url = item.get("url") or item.get("contentUrl")
                found.append((caption, page.absolute(url) if isinstance(url, str) else None))
    return found


def breadcrumb_names(page: Page) -> list[str]:
    """Names of the page's breadcrumb trail (JSON-LD ``BreadcrumbList``, else a breadcrumb nav)."""
    for node in page.jsonld:
        if "BreadcrumbList" in node_types(node):
            elements = node.get("itemListElement") or []
            ordered = sorted((e for e in elements if isinstance(e, dict)), key=_position)
            names = [
                n
                for e in ordered
                for n in jsonld_text(e.get("item") if isinstance(e.get("item"), dict) and "name" in e.get("item", {}) else e)
            ]
            if names:
                return names
    for el in page.selector.css('[class*="breadcrumb"], [aria-label="breadcrumb" i], [itemtype*="BreadcrumbList"]'):
        names = [t for t in (clean_text(a) for a in el.css("a ::text, [itemprop=name]::text").getall()) if t]
        if names:
            return names
    return []


def _position(element: dict[str, Any]) -> int:
    position = element.get("position")
    return position if isinstance(position, int) else 0
