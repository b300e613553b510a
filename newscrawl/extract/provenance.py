"""Where a field's value came from: the names of the layers that supply an article's fields
(:data:`SOURCES`), recorded per field in ``ArticleItem.field_sources`` and in the archive's
``field_sources`` columns.

A field method of :class:`newscrawl.extract.newspage.NewsPage` names the layer of each candidate
as it yields it (:meth:`~newscrawl.extract.newspage.NewsPage._tagged`); the loader keeps the
name of the candidate that survived cleaning. Nothing runs only to record a source.
"""

from __future__ import annotations

from typing import Literal

#: A layer's name. A site profile may name its own metadata layer otherwise
#: (:attr:`newscrawl.extract.newspage.NewsPage.metadata_source`), so a stored source is any string;
#: these are the names the code base uses.
Source = Literal[
    "cms", "profile", "jsonld", "meta", "site-dom", "generic-dom", "heuristic", "trafilatura", "htmldate", "sitemap",
    "feed", "url", "archive",
]  # fmt: skip

#: What each source means, in the order the layers usually run.
SOURCES: dict[str, str] = {
    "cms": "the site's own metadata block, read by its profile (Al Mayadeen's CMS JSON, its postid meta tag)",
    "profile": "what a site profile knows of every page of its site (The Meridian Post: every article is news)",
    "jsonld": "the page's JSON-LD article node (headline, datePublished, author, keywords, image captions...)",
    "meta": "the document's head: <meta> tags (og:, twitter:, article:, dc., keywords), link canonical, <title>, <html lang>",
    "site-dom": "the profile's CSS selectors on the page (its headline, date, tag and body boxes)",
    "generic-dom": "the generic DOM layers: <h1>, <time datetime>, tag links, figures, bylines, breadcrumb, "
    "lead-named paragraphs, data-postid, the page's own densest text block, related boxes",
    "heuristic": "guesses from text: the core two headline sources agree on, a date-like line near the headline, "
    "a 'Source:' line, a labelled value, counters ('4 Min Read'), the section hint from the URL or menus",
    "trafilatura": "the main text as trafilatura finds it (where the page's own dense text is in doubt)",
    "htmldate": "htmldate's search of the whole page for its date (where no other layer dated it)",
    "sitemap": "a news sitemap's entry for the article (its title, publication date, keywords)",
    "feed": "an RSS or Atom feed's entry for the article (its title, publication date)",
    "url": "the page's own address (the url field's last layer, an id read off the path)",
    "archive": "the value the archive held before, its own source unknown (a re-extraction's hint)",
}


def present_sources(sources: dict[str, str], values: dict[str, object]) -> dict[str, str]:
    """``sources`` of the fields that have a value in ``values`` (not ``None``, ``""`` or empty)."""
    return {name: source for name, source in sources.items() if values.get(name) not in (None, "", [], ())}
