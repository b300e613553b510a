"""What a crawl reads of the archive to decide what to fetch (:class:`ArchiveState`): whether
an article is archived, gone, known for a page without one, or held at the version a sitemap names, the candidates of a
re-check schedule, whether the last run was complete, the last capture of a URL (for revisit
records) and what the WARC files of unended runs hold, all through a read-only connection.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from newscrawl.archive.connection import BUSY_TIMEOUT
from newscrawl.schedule import parse_moment

if TYPE_CHECKING:
    from collections.abc import Sequence


class Standing(NamedTuple):
    """What an archive knows of an article's canonical URL, to decide whether to fetch it."""

    archived: bool
    gone_at: str | None  # as ArchiveState.gone_at
    not_article_at: str | None  # as ArchiveState.not_article_at


#: The standing of a URL no archive knows.
UNKNOWN = Standing(archived=False, gone_at=None, not_article_at=None)


class ArchiveState:
    """What a crawl reads of an archive to decide what to fetch, through its own read-only
    connection: never a write, never blocking the writer. A missing file is an empty archive."""

    def __init__(self, path: str | Path, *, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = Path(path)
        self._con: sqlite3.Connection | None = None
        if self.path.is_file():
            try:
                self._con = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=busy_timeout
                )
                self._con.execute("SELECT 1 FROM articles LIMIT 1")
            except sqlite3.Error:
                self.close()  # not an archive yet (or another file): nothing archived

    def close(self) -> None:
        """Close the read connection."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def standing(self, url: str) -> Standing:
        """Whether the article is archived, gone, or known for a page without one."""
        return Standing(self.is_archived(url), self.gone_at(url), self.not_article_at(url))

    def is_archived(self, url: str) -> bool:
        """Whether an article with this canonical URL is in the archive."""
        if self._con is None:
            return False
        return self._con.execute("SELECT 1 FROM articles WHERE url = ? LIMIT 1", [url]).fetchone() is not None

    def gone_at(self, url: str) -> str | None:
        """When the site last answered 404 or 410 for this canonical URL (ISO 8601 UTC), if it has
        not answered with the article since; ``None`` otherwise."""
        if self._con is None:
            return None
        try:
            row = self._con.execute(
                "SELECT last_gone_at FROM gone_articles WHERE url = ? AND returned_at IS NULL", [url]
            ).fetchone()
        except sqlite3.OperationalError:
            return None  # an archive from before gone articles were recorded
        return str(row[0]) if row else None

    def has_version(self, url: str, lastmod: str | None) -> bool:
        """Whether the archive holds the article at the version a sitemap's ``lastmod`` names:
        stored with that same ``lastmod``; or, when no sitemap led to it before, fetched an hour
        or more after that time (an hour, so a site clock running late hides no edit). Without
        a ``lastmod``, whether it holds the article at all."""
        if self._con is None:
            return False
        row = self._con.execute("SELECT sitemap_lastmod, last_fetched_at FROM articles WHERE url = ?", [url]).fetchone()
        if row is None:
            return False
        if not lastmod or row[0] == lastmod:
            return True
        if row[0] is not None:
            return False
        modified, fetched = parse_moment(lastmod), parse_moment(row[1])
        return modified is not None and fetched is not None and fetched >= modified + timedelta(hours=1)

    def not_article_at(self, url: str) -> str | None:
        """When a page fetched as an article at this canonical URL last held none (ISO 8601
        UTC); ``None`` if it never did."""
        if self._con is None:
            return None
        try:
            row = self._con.execute("SELECT last_seen_at FROM not_articles WHERE url = ?", [url]).fetchone()
        except sqlite3.OperationalError:
            return None  # an archive from before such pages were recorded
        return str(row[0]) if row else None

    def recent_articles(
        self, edition: str | None, since: str, *, origins: Sequence[str] = ()
    ) -> list[tuple[str, str | None, str, str]]:
        """``(url, published_at, first_seen_at, last_fetched_at)`` of the articles published (or,
        without a date, first seen) on or after ``since`` (ISO 8601 UTC), give or take a day of
        time-zone offsets: the candidates of a re-check schedule. Only the ``edition``'s unless
        it is ``None``; only those on one of ``origins`` (``https://site.example``) if any."""
        if self._con is None:
            return []
        where: list[str] = ["coalesce(published_at, first_seen_at) >= ?"]
        params: list[object] = [_day_before(since)]
        if edition is not None:
            where.append("edition = ?")
            params.append(edition)
        if origins:
            where.append("(" + " OR ".join("substr(url, 1, ?) = ?" for _ in origins) + ")")
            params += [value for origin in origins for value in (len(origin) + 1, origin + "/")]
        rows = self._con.execute(
            f"SELECT url, published_at, first_seen_at, last_fetched_at FROM articles WHERE {' AND '.join(where)}", params
        )
        return [(str(url), published, str(first), str(last)) for url, published, first, last in rows]

    def last_run_complete(self, spider: str, edition: str | None, discover: str, start_urls: Sequence[str] | None = None) -> bool:
        """Whether the latest run of ``spider`` on ``edition`` (and on the same ``start_urls``)
        that discovered articles the same way (its ``discover`` argument, ``menus`` when it had
        none) fetched everything it had to (finished, not capped, no article lost). A run
        killed midway never recorded that."""
        if self._con is None:
            return False
        try:
            row = self._con.execute(
                "SELECT complete FROM crawl_runs WHERE spider = ? AND edition IS ? "
                "AND coalesce(json_extract(args, '$.discover'), 'menus') = ? "
                "AND json_extract(args, '$.start_urls') IS json(?) ORDER BY id DESC LIMIT 1",
                [spider, edition, discover, None if start_urls is None else json.dumps(list(start_urls))],
            ).fetchone()
        except sqlite3.OperationalError:
            return False  # an archive from before runs recorded it
        return bool(row and row[0])

    def last_capture(self, url: str) -> tuple[str, str, str, str] | None:
        """``(payload_digest, record_id, url, WARC-Date)`` of the response record holding the last
        captured payload of ``url`` (a revisit's is the response it refers to), while its WARC
        file is kept; ``None`` otherwise."""
        if self._con is None:
            return None
        try:
            row = self._con.execute(
                "SELECT r.payload_digest, r.record_id, r.url, r.fetched_at, r.warc_file FROM captures c "
                "JOIN captures r ON r.id = coalesce(c.refers_to, c.id) WHERE c.url = ? ORDER BY c.id DESC LIMIT 1",
                [url],
            ).fetchone()
        except sqlite3.OperationalError:
            return None  # an archive from before captures were kept
        if row is None or row[4] is None:
            return None
        return str(row[0]), str(row[1]), str(row[2]), str(row[3]).replace("+00:00", "Z")

    def has_captures_before(self, run_id: int) -> bool:
        """Whether runs before ``run_id`` recorded captures."""
        if self._con is None:
            return False
        try:
            return self._con.execute("SELECT 1 FROM captures WHERE run_id < ? LIMIT 1", [run_id]).fetchone() is not None
        except sqlite3.OperationalError:
            return False

    def unended_runs(self) -> set[int]:
        """The ids of the runs that never recorded their end (killed, or this one): a killed run's
        WARC files may end with part of a record."""
        if self._con is None:
            return set()
        return {int(run) for (run,) in self._con.execute("SELECT id FROM crawl_runs WHERE finished_at IS NULL")}

    def captured_end(self, run_id: int, warc_file: str) -> int:
        """Where the last record the archive points at in run ``run_id``'s WARC file named
        ``warc_file`` ends (0 when it points at none): everything before it is whole."""
        if self._con is None:
            return 0
        try:
            row = self._con.execute(
                "SELECT max(offset + length) FROM captures WHERE run_id = ? AND warc_file = ?", [run_id, warc_file]
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0] or 0)


def _day_before(timestamp: str) -> str:
    return (datetime.fromisoformat(timestamp) - timedelta(days=1)).isoformat(timespec="seconds")


# --- what the writer of a distributed crawl publishes (newscrawl.fleet.state) -----------------


def article_states(
    con: sqlite3.Connection, urls: Sequence[str] | None = None
) -> list[tuple[str, str | None, str, str, str | None, str | None]]:
    """``(url, published_at, first_seen_at, last_fetched_at, sitemap_lastmod, edition)`` of the
    archived articles at ``urls`` (every one when ``None``)."""
    sql = "SELECT url, published_at, first_seen_at, last_fetched_at, sitemap_lastmod, edition FROM articles"
    if urls is None:
        return list(con.execute(sql))
    found = []
    for start in range(0, len(urls), 500):
        chunk = list(urls[start : start + 500])
        found += con.execute(f"{sql} WHERE url IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    return found


def gone_states(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """``(url, last_gone_at)`` of the articles gone (404, 410) and not come back."""
    return list(con.execute("SELECT url, last_gone_at FROM gone_articles WHERE returned_at IS NULL"))


def not_article_states(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """``(url, last_seen_at)`` of the pages fetched as articles that held none."""
    return list(con.execute("SELECT url, last_seen_at FROM not_articles"))


def run_scopes(con: sqlite3.Connection) -> dict[tuple[str, str | None, str, str | None], bool]:
    """For each scope of runs ``(spider, edition, discover, start_urls as JSON)``, whether its
    latest run was complete (as :meth:`ArchiveState.last_run_complete` answers)."""
    rows = con.execute(
        "SELECT spider, edition, coalesce(json_extract(args, '$.discover'), 'menus'), json(json_extract(args, '$.start_urls')),"
        " complete FROM crawl_runs ORDER BY id"
    )
    return {(spider, edition, discover, start_urls): bool(complete) for spider, edition, discover, start_urls, complete in rows}
