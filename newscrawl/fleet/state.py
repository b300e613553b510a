"""What a worker reads to skip work, without the archive: the writer keeps it in Redis.

:class:`RedisState` answers a run's :class:`newscrawl.crawl.incremental.Frontier` as
:class:`newscrawl.archive.ArchiveState` does for a local crawl: whether an article is archived
(and at which sitemap version), gone, or known for a page without one; the candidates of a
re-check; whether the last run of the same scope was complete. :class:`StatePublisher` is the
writer's side: it loads all of it from the archive when it starts, then updates it after every
batch it stores, so a rerun's requests still grow with what is new.

Per article one hash field (URL → a short JSON list): about 260 bytes of Redis memory, so a
million archived articles take about 260 MB. WARC revisit records need the archive's captures:
a worker writes every response in full.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from newscrawl.archive.state import Standing, article_states, gone_states, not_article_states, run_scopes
from newscrawl.fleet.keys import PREFIX, RunKeys, connect, no_writer
from newscrawl.schedule import parse_moment

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Sequence

    import redis

ARTICLES = f"{PREFIX}:state:articles"
GONE = f"{PREFIX}:state:gone"
NOT_ARTICLES = f"{PREFIX}:state:not_articles"
COMPLETE = f"{PREFIX}:state:complete"
#: Set once the writer has loaded the archive's state: a worker waits for it.
LOADED = f"{PREFIX}:state:loaded"


def scope_key(spider: str, edition: str | None, discover: str, start_urls: Sequence[str] | None) -> str:
    """The field of :data:`COMPLETE` of runs of one scope (see :meth:`RedisState.last_run_complete`)."""
    return json.dumps([spider, edition, discover, None if start_urls is None else list(start_urls)], separators=(",", ":"))


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class RedisState:
    """A crawl's view of the archive, from what the writer keeps in Redis (see the module).

    What the run itself stored (an article first seen, a page found gone or without an article
    since the run ``began``, as its hash says) is not known to it: a local crawl asks about an
    article before it fetches it and keeps that answer, but here another worker may have fetched
    it, and a listing page of such links would look as if it held nothing new."""

    def __init__(self, client: redis.Redis, spider: str) -> None:
        self.client = client
        self.run_key = RunKeys(spider).run
        self._began: str | None = None

    def close(self) -> None:
        """Nothing to close: the client is the worker's."""

    def _article(self, url: str) -> list[str | None] | None:
        raw = self.client.hget(ARTICLES, url)
        return json.loads(raw) if raw else None

    def standing(self, url: str) -> Standing:
        # One round trip: the worker waits for every one.
        pipe = self.client.pipeline(transaction=False)
        pipe.hget(ARTICLES, url)
        pipe.hget(GONE, url)
        pipe.hget(NOT_ARTICLES, url)
        if self._began is None:
            pipe.hget(self.run_key, "began")
        article, gone, not_article, *began = pipe.execute()
        if began:
            self._began = _text(began[0]) or ""  # "": no time known (a writer of before it was told)
        first_seen = json.loads(article)[1] if article else None
        return Standing(self._before(first_seen) is not None, self._before(_text(gone)), self._before(_text(not_article)))

    def _before(self, moment: str | None) -> str | None:
        """``moment`` (ISO 8601 UTC) if it came before the run began, else ``None``."""
        return moment if not self._began or (moment is not None and moment < self._began) else None

    def has_version(self, url: str, lastmod: str | None) -> bool:
        """As :meth:`newscrawl.archive.ArchiveState.has_version`."""
        article = self._article(url)
        if article is None:
            return False
        _, _, fetched_at, stored_lastmod, _ = article
        if not lastmod or stored_lastmod == lastmod:
            return True
        if stored_lastmod is not None:
            return False
        modified, fetched = parse_moment(lastmod), parse_moment(fetched_at)
        return modified is not None and fetched is not None and fetched >= modified + timedelta(hours=1)

    def recent_articles(
        self, edition: str | None, since: str, *, origins: Sequence[str] = ()
    ) -> list[tuple[str, str | None, str, str]]:
        """As :meth:`newscrawl.archive.ArchiveState.recent_articles`, for the first worker of the
        run to ask (it requests their re-checks for the whole run); none for the others. A scan of
        every article: about 6 s a million."""
        if not self.client.hsetnx(self.run_key, "rechecks", "1"):
            return []
        floor = (datetime.fromisoformat(since) - timedelta(days=1)).isoformat(timespec="seconds")
        prefixes = tuple(origin + "/" for origin in origins)
        found = []
        for raw_url, raw in self.client.hscan_iter(ARTICLES, count=1000):
            url = raw_url.decode()
            published, first_seen, fetched, _, article_edition = json.loads(raw)
            if (published or first_seen) < floor or (edition is not None and article_edition != edition):
                continue
            if prefixes and not url.startswith(prefixes):
                continue
            found.append((url, published, first_seen, fetched))
        return found

    def last_run_complete(self, spider: str, edition: str | None, discover: str, start_urls: Sequence[str] | None = None) -> bool:
        return self.client.hget(COMPLETE, scope_key(spider, edition, discover, start_urls)) == b"1"

    # WARC: no revisit records and no repair in distributed mode (see the module).
    def last_capture(self, url: str) -> tuple[str, str, str, str] | None:
        return None

    def has_captures_before(self, run_id: int) -> bool:
        return False

    def unended_runs(self) -> set[int]:
        return set()

    def captured_end(self, run_id: int, warc_file: str) -> int:
        return 0


def redis_state(url: str, spider: str, *, timeout: float) -> RedisState:
    """The state of the Redis at ``url`` for a run of ``spider``, once the writer has loaded it
    (waiting up to ``timeout`` seconds; then :class:`newscrawl.fleet.keys.FleetError`)."""
    client = connect(url)
    deadline = time.monotonic() + timeout
    while not client.get(LOADED):
        if time.monotonic() > deadline:
            raise no_writer(timeout)
        time.sleep(0.1)
    return RedisState(client, spider)


class StatePublisher:
    """The writer's side: keeps :class:`RedisState`'s keys as the archive stands."""

    def __init__(self, client: redis.Redis, con: sqlite3.Connection) -> None:
        self.client = client
        self.con = con

    def load(self) -> int:
        """Publish the whole archive's state (replacing what Redis held); returns the articles."""
        pipe = self.client.pipeline(transaction=False)
        pipe.delete(ARTICLES, GONE, NOT_ARTICLES, COMPLETE, LOADED)
        pipe.execute()
        count = self.articles(None)
        self._hset(GONE, gone_states(self.con))
        self._hset(NOT_ARTICLES, not_article_states(self.con))
        for (spider, edition, discover, start_urls), complete in run_scopes(self.con).items():
            self.run_complete(spider, edition, discover, json.loads(start_urls) if start_urls else None, complete=complete)
        self.client.set(LOADED, "1")
        return count

    def articles(self, urls: Sequence[str] | None) -> int:
        """Publish the articles at ``urls`` as archived now (every one when ``None``)."""
        rows = article_states(self.con, urls)
        self._hset(
            ARTICLES,
            (
                (url, json.dumps([published, first, fetched, lastmod, edition]))
                for url, published, first, fetched, lastmod, edition in rows
            ),
        )
        return len(rows)

    def gone(self, url: str, at: str) -> None:
        self.client.hset(GONE, url, at)

    def not_article(self, url: str, at: str) -> None:
        self.client.hset(NOT_ARTICLES, url, at)

    def run_complete(
        self, spider: str, edition: str | None, discover: str, start_urls: Sequence[str] | None, *, complete: bool
    ) -> None:
        self.client.hset(COMPLETE, scope_key(spider, edition, discover, start_urls), "1" if complete else "0")

    def _hset(self, key: str, pairs: Iterable[tuple[str, str]]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for n, (field, value) in enumerate(pairs, 1):
            pipe.hset(key, field, value)
            if n % 1000 == 0:
                pipe.execute()
        pipe.execute()
