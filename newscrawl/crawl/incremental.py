"""Which pages a run fetches: the archive as the crawl's state, shared by every spider.

A run asks for each page once. Unless it is full (``-a full=1``), it asks for an article only
when the archive does not hold it, when its re-check is due by the schedule
(``RECHECK_SCHEDULE``, :mod:`newscrawl.schedule`), or when its sitemap entry names a version
newer than the archive's; an article the site answered 404 or 410 for, or a page that turned
out not to hold an article, waits ``GONE_RECHECK_DAYS`` before it is asked for again.
Everything is judged as the archive stood when the run began: what the run stores itself does
not make a listing page look as if it held nothing new.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Protocol

from newscrawl.archive.state import UNKNOWN, Standing
from newscrawl.schedule import is_due, max_age, parse_moment
from newscrawl.urls import url_key

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from scrapy.statscollectors import StatsCollector

    from newscrawl.schedule import Schedule


class CrawlState(Protocol):
    """What a run reads of the archive to decide what to fetch: the archive file itself
    (:class:`newscrawl.archive.ArchiveState`) or, for a worker of a distributed run, what the
    writer keeps in Redis (:class:`newscrawl.fleet.state.RedisState`)."""

    def close(self) -> None: ...
    def standing(self, url: str) -> Standing: ...
    def has_version(self, url: str, lastmod: str | None) -> bool: ...
    def recent_articles(
        self, edition: str | None, since: str, *, origins: Sequence[str] = ()
    ) -> list[tuple[str, str | None, str, str]]: ...
    def last_run_complete(
        self, spider: str, edition: str | None, discover: str, start_urls: Sequence[str] | None = None
    ) -> bool: ...
    def last_capture(self, url: str) -> tuple[str, str, str, str] | None: ...
    def has_captures_before(self, run_id: int) -> bool: ...
    def unended_runs(self) -> set[int]: ...
    def captured_end(self, run_id: int, warc_file: str) -> int: ...


class Frontier:
    """One run's decisions on what to request, over the archive's state.

    ``key`` turns a link into the archive's key of the article it names (its canonical URL on
    the real site). What it decides is counted in the run's stats (``stats()``: Scrapy sets a
    crawler's stats only when the crawl starts): ``newscrawl/archived_skipped``,
    ``gone_skipped``, ``not_article_skipped``, ``sitemap_current``, ``rechecks``, ``capped``.
    """

    def __init__(
        self,
        state: CrawlState | None,
        stats: Callable[[], StatsCollector],
        *,
        key: Callable[[str], str],
        full: bool = False,
        max_articles: int | None = None,
        schedule: Schedule | None = None,
        gone_recheck: timedelta = timedelta(days=30),
    ) -> None:
        self.state = state
        self.stats = stats
        self.key = key
        self.full = full
        self.max_articles = max_articles
        self.schedule: Schedule = schedule or []
        self.gone_recheck = gone_recheck
        #: The pages asked for in this run, by :func:`newscrawl.urls.url_key` of the URL fetched.
        self.requested: set[str] = set()
        self.articles_requested = 0
        # Archive key → what the archive knew of it when the run first asked.
        self._standings: dict[str, Standing] = {}

    def take_page(self, url: str) -> bool:
        """Whether to request a page that is not an article (a listing, a feed, a sitemap): the
        first time the run meets it."""
        key = url_key(url)
        if key in self.requested:
            return False
        self.requested.add(key)
        return True

    def take_article(self, url: str, *, due: bool = False, newer: bool = False) -> bool:
        """Whether to request an article page now (``due``: its re-check is due; ``newer``: its
        sitemap entry names a version the archive does not hold). A link to an archived article
        is not marked requested: a re-check that falls due later in the run still fetches it."""
        key = url_key(url)
        if key in self.requested:
            return False
        if not (self.full or due or newer) and self.is_archived(url):
            self.stats().inc_value("newscrawl/archived_skipped")
            return False
        if not self.full and self._recent(self.gone_at(url)):
            self.stats().inc_value("newscrawl/gone_skipped")
            return False
        if not self.full and self._recent(self.not_article_at(url)):
            self.stats().inc_value("newscrawl/not_article_skipped")
            return False
        if self.max_articles is not None and self.articles_requested >= self.max_articles:
            self.stats().set_value("newscrawl/capped", True)
            return False
        self.requested.add(key)
        self.articles_requested += 1
        if due:
            self.stats().inc_value("newscrawl/rechecks")
        return True

    def due_rechecks(self, scope: Callable[[CrawlState, str], list[tuple[str, str | None, str, str]]]) -> Iterator[str]:
        """The URLs of archived articles whose re-check is due, among those ``scope(state,
        since)`` names (``(url, published_at, first_seen_at, last_fetched_at)`` of the articles
        of this crawl's site or edition published since ``since``)."""
        if self.state is None or not self.schedule:
            return
        now = datetime.now(timezone.utc)
        since = (now - max_age(self.schedule)).isoformat(timespec="seconds")
        for url, published, first_seen, last_fetched in scope(self.state, since):
            if is_due(self.schedule, published, first_seen, last_fetched, now):
                yield url

    def is_current(self, url: str, lastmod: str | None) -> bool:
        """Whether the archive holds the article at the version a sitemap's ``lastmod`` names (a
        full run holds nothing current)."""
        if self.full or self.state is None or not self.state.has_version(self.key(url), lastmod):
            return False
        self.stats().inc_value("newscrawl/sitemap_current")
        return True

    def is_archived(self, url: str) -> bool:
        """Whether the archive held the article when the run began."""
        return self._standing(url).archived

    def gone_at(self, url: str) -> datetime | None:
        """When the archive last found the article gone (404, 410), as the run began (``None``:
        it did not)."""
        return parse_moment(self._standing(url).gone_at)

    def not_article_at(self, url: str) -> datetime | None:
        """When the archive last found the page holding no article, as the run began (``None``:
        it did not)."""
        return parse_moment(self._standing(url).not_article_at)

    def _standing(self, url: str) -> Standing:
        """What the archive knew of the article ``url`` names the first time the run asked."""
        key = self.key(url)
        found = self._standings.get(key)
        if found is None:
            found = self._standings[key] = UNKNOWN if self.state is None else self.state.standing(key)
        return found

    def is_known(self, url: str) -> bool:
        """Whether the archive held the article, knew it gone, or knew the page for one without
        an article, when the run began: a listing page of such links holds nothing new."""
        return self.is_archived(url) or self.gone_at(url) is not None or self.not_article_at(url) is not None

    def _recent(self, moment: datetime | None) -> bool:
        """Whether ``moment`` is less than ``GONE_RECHECK_DAYS`` ago."""
        return moment is not None and datetime.now(timezone.utc) - moment < self.gone_recheck
