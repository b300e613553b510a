"""One page in, one article out: the generic extractor as ``newscrawl extract`` shows it."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from newscrawl.charset import decode_html
from newscrawl.extract.generic import NewsPage, Page, fast_main_text
from newscrawl.loaders import LoadContext, load_article
from newscrawl.urls import HostMap, origin

if TYPE_CHECKING:
    from collections.abc import Callable

#: The keys of an extracted article, in output order.
KEYS = ("headline", "authors", "published", "modified", "source", "tags", "captions", "lead", "body", "language")


# The item fields behind KEYS.
_FIELDS = ("url", "headline", "authors", "published_at", "modified_at", "source", "tags", "captions", "lead", "body", "language")


def extract_article(html: bytes | str, url: str, *, fast_text: Callable[[], list[str]] | None = None) -> dict[str, Any]:
    """The generic extraction of one article page, as a JSON-ready dict with :data:`KEYS`.

    Times keep the offset the page gives (``published`` is never a modification time); lists
    are empty and other fields ``None`` where the page has nothing. ``fast_text`` gives
    trafilatura's fast main text of the same (decoded) HTML when another process computes it
    (:func:`newscrawl.extract.generic.fast_main_text`).
    """
    text = decode_html(html) if isinstance(html, bytes) else html
    parsed = Page.from_html(text, url)
    parsed.fast_text = fast_text
    page = NewsPage(parsed)
    home = origin(url)
    context = LoadContext(hosts=HostMap(home, home), edition="", timezone=None, site_names=())
    item = load_article(page, context, only=_FIELDS)
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
    }


class MainTextWorker:
    """A second process that computes trafilatura's fast main text of each page (the costliest
    layer, about half the time) while this process runs the other layers, so a batch uses two
    cores and each page's result comes sooner. The output is the same as in one process. A
    worker that dies is replaced, and its page's text computed here.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, html: str, url: str) -> Callable[[], list[str]]:
        """Start on a page (decoded HTML text); returns what gives its lines when they are needed."""
        try:
            future = self._running().submit(fast_main_text, html, url)
        except BrokenProcessPool:  # the worker died since the last page
            self.close()
            future = self._running().submit(fast_main_text, html, url)

        def lines() -> list[str]:
            try:
                return future.result()
            except BrokenProcessPool:
                self.close()
                return fast_main_text(html, url)

        return lines

    def _running(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a clean process whatever threads this one has
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def close(self) -> None:
        """Stop the worker process."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> MainTextWorker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
