"""One page in, one article out: the generic extractor as ``newscrawl extract`` shows it."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from newscrawl.discovery import apply_hints
from newscrawl.extract.document import Page
from newscrawl.extract.maintext import fast_main_text, is_doubtful
from newscrawl.extract.newspage import NewsPage
from newscrawl.loaders import LoadContext, load_article
from newscrawl.pool import WorkerPool
from newscrawl.sites.generic import PROFILE as GENERIC
from newscrawl.sites.profile import PageContext
from newscrawl.urls import HostMap, origin

if TYPE_CHECKING:
    from newscrawl.discovery import ArticleHints
    from newscrawl.items import ArticleItem
    from newscrawl.sites.profile import SiteProfile

#: The keys of an extracted article, in output order.
KEYS = (
    "headline", "authors", "published", "modified", "source", "tags", "captions", "lead", "body", "language", "truncated",
    "sources",
)  # fmt: skip


# The item fields behind KEYS.
_FIELDS = ("url", "headline", "authors", "published_at", "modified_at", "source", "tags", "captions", "lead", "body", "language")
# The keys of KEYS whose item fields are named otherwise.
_KEY_OF = {"published_at": "published", "modified_at": "modified"}


#: A page for :func:`main_text_pool`: its HTML (as :meth:`Page.from_html` takes it) and URL.
MainTextJob = tuple[str | bytes, str]


def extract_article(html: bytes | str, url: str, *, pool: WorkerPool[MainTextJob, list[str]] | None = None) -> dict[str, Any]:
    """The generic extraction of one article page, as a JSON-ready dict with :data:`KEYS`.

    Times keep the offset the page gives (``published`` is never a modification time); lists
    are empty and other fields ``None`` where the page has nothing; ``truncated`` says why the
    page could be read only in part (its fields lack what came after), ``None`` when it was read
    whole; ``sources`` names, for each of those keys that has a value, the layer that gave it
    (:data:`newscrawl.extract.provenance.SOURCES`). Where the page's own dense
    text is in doubt and trafilatura's is needed (:func:`newscrawl.extract.maintext.is_doubtful`),
    ``pool`` (:func:`main_text_pool`) computes it in another process while this one reads the
    other fields.
    """
    parsed = Page.from_html(html, url)
    page = NewsPage(parsed)
    if pool is not None and is_doubtful(parsed):
        parsed.fast_text = pool.submit((html, url))
    item = load_article(page, site_context(origin(url)), only=_FIELDS)
    return {
        "headline": item.headline,
        "authors": item.authors,
        "published": item.published_at,
        "modified": item.modified_at,
        "source": item.source,
        "tags": item.tags,
        "captions": [{"text": c.text, "credit": c.credit} for c in item.captions],
        "lead": item.lead,
        "body": item.body,
        "language": item.language,
        "truncated": item.truncated,
        "sources": {_KEY_OF.get(name, name): source for name, source in item.field_sources.items() if name != "url"},
    }


def site_context(site: str | HostMap) -> LoadContext:
    """The loaders' context for any site, at an origin (or fetched from a mirror of it, by a
    :class:`HostMap`): no edition, time zone or site names known beforehand (the ``news``
    spider sets the edition per article, from its language)."""
    hosts = site if isinstance(site, HostMap) else HostMap(site, site)
    return LoadContext(hosts=hosts, edition="", timezone=None, site_names=())


def news_article(
    page: Page, context: LoadContext, hints: ArticleHints, section: str | None, profile: SiteProfile = GENERIC
) -> ArticleItem | None:
    """The article of ``page`` as the ``news`` spider reads it: the layers of the site's
    ``profile`` (the generic ones for a site without a profile), then what its sitemap or feed
    ``hints`` say where the page says nothing; its edition is the language the page declares,
    else the context's (the profile's edition). ``None`` when the page holds no article."""
    fallback = {"published": [hints.published] if hints.published else []}
    article = profile.article_page(page, PageContext(fallback=fallback, edition=profile.editions.get(context.edition)))
    article.fallback_sources = {"published": hints.source_of("published")}
    if not article.is_article():
        return None
    item = apply_hints(load_article(article, context, section_hint=section), hints)
    return dataclasses.replace(item, edition=item.language or context.edition or "")


def main_text_pool() -> WorkerPool[MainTextJob, list[str]]:
    """A second process that computes trafilatura's fast main text of a page (the costliest
    layer, more than the others together) while this process runs the other layers, so such a
    page's result comes sooner (:func:`extract_article`); only pages whose own dense text is in
    doubt need it. The output is the same as in one process. A worker that dies is replaced, and
    its page's text computed here. Started; close it when done (it is a context manager)."""
    pool = WorkerPool(_fast_main_text, describe=_main_text_of)
    pool.start(1)
    return pool


def _fast_main_text(job: MainTextJob) -> list[str]:
    return fast_main_text(*job)


def _main_text_of(job: MainTextJob) -> str:
    return f"{job[1]}: the main text"
