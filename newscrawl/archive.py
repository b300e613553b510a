"""The SQLite archive: its schema and every write to it, in one place.

Tables (see ``docs/archive.md``, generated from :mod:`newscrawl.schema_docs`, for every column):

- ``articles``: one row per article, keyed by canonical ``url`` (and deduplicated on
  ``(edition, post_id)``), with ``authors`` and ``tags`` as JSON arrays;
- ``tags`` / ``article_tags``: tag names and which articles carry them;
- ``captions``: captioned images of each article, in page order;
- ``links``: each article's links to other articles, with their kind;
- ``article_versions``: the earlier texts of articles whose text changed on a re-fetch;
- ``held_fetches``: re-fetches whose text looked damaged next to the stored one, kept aside
  (see :func:`newscrawl.damage.refetch_damage`);
- ``breaking``: one row per distinct ticker line per edition, with when it was first and last
  seen and by how many crawl runs; ``breaking_sightings``: which runs saw which line;
- ``crawl_runs``: one row per crawl, with its status, counts, arguments and Scrapy stats;
- ``run_coverage``: per crawl run, content type and monitored field, how many of the articles
  the run stored had the field (see :mod:`newscrawl.coverage`);
- ``gone_articles``: article URLs the site answered 404 or 410 for, with when and by which run;
- ``articles_fts``: FTS5 index over headline, lead and body, kept in sync by triggers;
- views (:data:`VIEWS`): ``article_details`` (each article with readable lists of its authors,
  tags and captions) and ``ticker_timeline`` (each ticker line with its first and last sighting).

All writes use bound parameters; page text never becomes SQL. A crawl opens the archive
``exclusive``: one crawl at a time writes to a file, and readers are never locked out.

The schema has a version (:data:`SCHEMA_VERSION`, kept in the file as ``PRAGMA user_version``):
opening an archive of an older version migrates it in place, in one transaction (:data:`UPGRADES`);
one of a newer version is refused (:class:`ArchiveVersionError`) before anything is written.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import asdict, fields, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import sqlite_utils
from sqlite_utils.db import Table, jsonify_if_needed

from newscrawl.coverage import EXPECTED_FIELDS, absent_fields, missing_fields
from newscrawl.damage import Text, refetch_damage
from newscrawl.items import CONTENT_FIELDS, ArticleItem
from newscrawl.schedule import parse_moment

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from types import TracebackType

    from newscrawl.coverage import FieldCoverage
    from newscrawl.items import GoneItem, TickerItem
    from newscrawl.warc import Capture

_ARTICLE_COLUMNS: dict[str, type] = {
    "id": int,
    "url": str,
    "post_id": str,
    "edition": str,
    "content_type": str,
    "section": str,
    "region": str,
    "coverage": str,
    "headline": str,
    "lead": str,
    "body": str,
    "authors": str,
    "source": str,
    "published_at": str,
    "modified_at": str,
    "published_raw": str,
    "tags": str,
    "read_time_min": int,
    "share_count": int,
    "language": str,
    "first_seen_at": str,
    "last_fetched_at": str,
    "content_hash": str,
    "version": int,
    "sitemap_lastmod": str,
    "sitemap_news": str,
    "missing_fields": str,
    "truncated": str,
    "capture_id": int,
}
# An article's text as the articles table holds it (but captions, a table of their own there).
_TEXT_COLUMNS: dict[str, type] = dict.fromkeys(("headline", "lead", "body", "authors", "source", "tags"), str)
# The article's text as it was, kept in article_versions when a re-fetch changes it.
_VERSION_COLUMNS: dict[str, type] = {
    "article_id": int,
    "version": int,
    "fetched_at": str,
    "content_hash": str,
    **_TEXT_COLUMNS,
    "captions": str,
    "capture_id": int,
    "reason": str,
}
# One row per WARC record of a fetch (a response, or a revisit of an identical payload).
_CAPTURE_COLUMNS: dict[str, type] = {
    "id": int,
    "run_id": int,
    "url": str,
    "fetched_at": str,
    "status": int,
    "content_type": str,
    "payload_digest": str,
    "record_type": str,
    "refers_to": int,
    "warc_file": str,
    "offset": int,
    "length": int,
    "record_id": str,
}
# A re-fetch whose text looks damaged next to the stored one, kept aside instead of made a version.
_HELD_COLUMNS: dict[str, type] = {
    "id": int,
    "article_id": int,
    "url": str,
    "fetched_at": str,
    "reason": str,
    "content_hash": str,
    **_TEXT_COLUMNS,
}
# Fields a re-fetch refreshes without making a version: where the site files the article, its
# counters and links.
_REFRESHED_FIELDS = ("section", "region", "coverage", "content_type", "modified_at", "share_count", "read_time_min")
_RUN_COVERAGE_COLUMNS: dict[str, type] = {"run_id": int, "content_type": str, "field": str, "articles": int, "present": int}
_GONE_COLUMNS: dict[str, type] = {
    "url": str, "status": int, "first_gone_at": str, "last_gone_at": str, "times_gone": int, "run_id": int, "returned_at": str,
}  # fmt: skip
#: crawl_runs columns counting what a run did, by Scrapy stats key.
RUN_COUNTS = {
    "requests": "downloader/request_count",
    "new_articles": "newscrawl/articles_new",
    "new_versions": "newscrawl/articles_changed",
    "unchanged": "newscrawl/articles_unchanged",
    "errors": "log_count/ERROR",
    "ticker_lines": "newscrawl/ticker_lines",
}


#: The archive's views, by name: the ``SELECT`` of each. :meth:`Archive._create_views` creates
#: them when an archive is opened and replaces one whose SQL changed, so old archives get them too.
#: Their columns are described in :mod:`newscrawl.schema_docs`.
VIEWS: dict[str, str] = {
    "article_details": """SELECT a.id, a.url, a.edition, a.content_type, a.section, a.region, a.coverage, a.source,
  a.published_at, a.headline, a.lead,
  (SELECT group_concat(value, ', ') FROM (SELECT value FROM json_each(a.authors) ORDER BY key)) AS authors,
  (SELECT group_concat(value, ', ') FROM (SELECT value FROM json_each(a.tags) ORDER BY key)) AS tags,
  (SELECT group_concat(caption, ' | ') FROM (
    SELECT c.text || coalesce(' (' || c.credit || ')', '') AS caption FROM captions c
    WHERE c.article_id = a.id ORDER BY c.position)) AS captions,
  (SELECT count(*) FROM captions c WHERE c.article_id = a.id) AS images,
  a.version, a.first_seen_at, a.last_fetched_at
FROM articles a""",
    "ticker_timeline": """SELECT b.id, b.edition, b.text, b.attribution, b.url, b.first_seen_at, b.last_seen_at,
  round((julianday(b.last_seen_at) - julianday(b.first_seen_at)) * 24, 1) AS hours_seen,
  coalesce(nullif((SELECT count(*) FROM breaking_sightings s WHERE s.breaking_id = b.id), 0), b.seen_count) AS runs,
  (SELECT min(s.run_id) FROM breaking_sightings s WHERE s.breaking_id = b.id) AS first_run,
  (SELECT max(s.run_id) FROM breaking_sightings s WHERE s.breaking_id = b.id) AS last_run
FROM breaking b
ORDER BY b.first_seen_at, b.id""",
}


logger = logging.getLogger(__name__)


class ArchiveError(Exception):
    """The archive cannot be opened or written; the message says which file and why."""


class ArchiveBusyError(Exception):
    """The archive is busy: another crawl is writing to it (the message names that run's pid), or
    another program held it locked longer than the busy timeout (``ARCHIVE_BUSY_TIMEOUT``)."""


class ArchiveVersionError(ArchiveError):
    """The archive was written by a newer newscrawl (its schema version is above
    :data:`SCHEMA_VERSION`); the message names both versions."""


#: The version of the archive's schema this code writes. Raise it with any change to the
#: schema, and add the step that brings an archive of the previous version to it (:data:`UPGRADES`).
SCHEMA_VERSION = 1
#: The busy timeout when none is given: how long a write waits for another writer to let go.
BUSY_TIMEOUT = 60.0


def parse_busy_timeout(value: object) -> float:
    """The ``ARCHIVE_BUSY_TIMEOUT`` setting in seconds; raises :class:`ArchiveError` naming a bad value."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ArchiveError(f"ARCHIVE_BUSY_TIMEOUT={value!r} is not a number of seconds (0 or more)")
    return seconds


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite giving up on a lock another connection holds ("database is locked")."""
    code = getattr(exc, "sqlite_errorcode", None)
    return (
        isinstance(exc, sqlite3.OperationalError)
        and code is not None
        and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    )


def flock_owner(proc_locks: str, dev: int, ino: int) -> str | None:
    """The pid holding a ``flock`` on the file ``(dev, ino)``, read from the text of
    ``/proc/locks``; ``None`` when it lists none."""
    key = f"{os.major(dev):02x}:{os.minor(dev):02x}:{ino}"
    for line in proc_locks.splitlines():
        # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146313 0 EOF"; a waiter's line has "->" after "1:"
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == key:
            return fields[4]
    return None


def _lock_holder(fd: int) -> str:
    """The pid holding the crawl lock on the file open as ``fd``, or ``unknown``."""
    stat = os.fstat(fd)
    try:
        locks = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return "unknown"
    return flock_owner(locks, stat.st_dev, stat.st_ino) or "unknown"


class _Connection(sqlite3.Connection):
    """A connection that can hold one transaction open through sqlite-utils calls, which commit
    on their own (``with conn:``, ``executescript``): see :meth:`Archive._transaction`."""

    held = False

    def commit(self) -> None:
        if not self.held:
            super().commit()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None, /
    ) -> Literal[False]:
        if self.held:
            return False
        return super().__exit__(kind, value, traceback)

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        if not self.held:
            return super().executescript(sql_script)
        # executescript would commit first: run the statements one by one in the transaction.
        cursor = self.cursor()
        statement = ""
        for part in sql_script.split(";"):
            statement += part + ";"
            if sqlite3.complete_statement(statement):
                if statement.strip(" \t\n;"):
                    cursor.execute(statement)
                statement = ""
        if statement.strip(" \t\n;"):
            cursor.execute(statement)
        return cursor


def utcnow() -> str:
    """The current time, ISO 8601 UTC with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _sql_value(value: Any) -> Any:
    """A value as sqlite-utils would store it: lists and dicts as JSON."""
    return jsonify_if_needed(value)  # type: ignore[no-untyped-call]


def content_hash(item: ArticleItem) -> str:
    """SHA-256 of the article's text fields; equal hashes mean an unchanged article."""
    data = {key: getattr(item, key) for key in CONTENT_FIELDS}
    data["captions"] = [asdict(caption) for caption in item.captions]
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


#: Descriptors of the crawl locks this process holds (see :func:`held_lock_fds`).
_HELD_LOCKS: set[int] = set()


def held_lock_fds() -> frozenset[int]:
    """The descriptors of the crawl locks this process holds. A process forked from it must close
    them: a ``flock`` lasts until every descriptor of it is closed, so a child keeping one would
    keep the archive locked after the crawl released it, or died."""
    return frozenset(_HELD_LOCKS)


class Archive:
    """An open archive file. Create the schema on open; every write goes through a method here."""

    def __init__(self, path: str | Path, *, exclusive: bool = False, busy_timeout: float = BUSY_TIMEOUT) -> None:
        """Open (and create) the archive at ``path``, migrating an archive of an older schema
        version. ``exclusive`` first takes the archive's crawl lock, a ``flock`` on the database
        file itself (so every path to it, a symlink or a hard link, meets the same lock), and
        raises :class:`ArchiveBusyError` at once, having touched nothing, when another crawl
        holds it. The lock is the kernel's: it ends with its process, however that process ends,
        so a killed crawl leaves no stale lock. A write waits up to ``busy_timeout`` seconds for
        another program's write to end, then raises (at open: :class:`ArchiveBusyError`). An
        archive of a newer schema version raises :class:`ArchiveVersionError` before any write."""
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._lock: int | None = None
        self._conn: _Connection | None = None
        if not self.path.name:  # "" (read as "."), "/": no file to open and lock
            raise ArchiveError(f"cannot write archive {str(path)!r}: not a file name")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if exclusive:
                self._take_lock()
            self._conn = sqlite3.connect(self.path, timeout=busy_timeout, factory=_Connection)
            self.db = sqlite_utils.Database(self._conn)
            self._refuse_newer(self._schema_version())
            self.db.enable_wal()  # type: ignore[no-untyped-call]
            self._open_schema()
            self._article_columns = list(self._table("articles").columns_dict)
        except ArchiveError:
            self._release()
            raise
        except (OSError, sqlite3.Error) as exc:
            self._release()
            if is_busy(exc):
                raise ArchiveBusyError(self.busy_message()) from exc
            raise ArchiveError(f"cannot write archive {self.path}: {exc}") from exc

    def busy_message(self) -> str:
        """Why a write gave up: another writer held the archive longer than the busy timeout."""
        return f"archive {self.path} is locked by another writer; waited {self.busy_timeout:g} s (ARCHIVE_BUSY_TIMEOUT)"

    def _take_lock(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder(fd)
            os.close(fd)
            raise ArchiveBusyError(f"archive {self.path} is in use by another crawl (pid {holder})") from None
        self._lock = fd
        _HELD_LOCKS.add(fd)

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite) and release the crawl lock."""
        self._release()

    def _release(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._lock is not None:
            _HELD_LOCKS.discard(self._lock)
            # Closed after the connection: closing any descriptor of a file drops the POSIX locks
            # this process holds on it, SQLite's included. Closing it releases the flock.
            os.close(self._lock)
            self._lock = None

    def _table(self, name: str) -> Table:
        return Table(self.db, name)

    # --- schema ---------------------------------------------------------------------------

    def _schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise ArchiveVersionError(
                f"archive {self.path} has schema version {version}; this newscrawl writes version {SCHEMA_VERSION}: "
                "upgrade newscrawl"
            )

    def _open_schema(self) -> None:
        """Bring the archive to :data:`SCHEMA_VERSION` in one transaction: the :data:`UPGRADES`
        from its version, then :meth:`_create_schema` (what the schema has and the archive lacks),
        then the version. Any failure leaves the file as it was."""
        with self._transaction():
            found = self._schema_version()  # again: another process may have migrated it meanwhile
            self._refuse_newer(found)
            for upgrade in UPGRADES[found:]:
                upgrade(self)
            self._create_schema()
            if found != SCHEMA_VERSION:
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``, waiting up to the busy timeout for another
        writer) around calls that would commit on their own: it commits at the end of the block,
        or rolls back if the block raises."""
        conn = self._conn
        assert conn is not None
        conn.execute("BEGIN IMMEDIATE")
        conn.held = True
        try:
            yield
        except BaseException:
            conn.held = False
            conn.rollback()
            raise
        conn.held = False
        conn.commit()

    def _from_version_0(self) -> None:
        """Version 0 is every archive from before the schema had a version, whatever its shape.
        Nothing to do beyond :meth:`_create_schema`, which adds the tables, columns and indexes
        it lacks and fills ``missing_fields`` of the articles stored before that column."""

    def _create_schema(self) -> None:
        with self.db.conn:
            self._table("articles").create(
                _ARTICLE_COLUMNS, pk="id", not_null={"url", "edition", "first_seen_at", "last_fetched_at"}, if_not_exists=True
            )
            had_missing_fields = "missing_fields" in self._table("articles").columns_dict
            self._add_missing_columns("articles", _ARTICLE_COLUMNS)
            if not had_missing_fields:
                self._fill_missing_fields()
            self._table("articles").create_index(["url"], unique=True, if_not_exists=True)
            self._table("articles").create_index(["edition", "post_id"], if_not_exists=True)
            self._table("articles").create_index(["published_at"], if_not_exists=True)
            self._table("tags").create({"id": int, "name": str}, pk="id", not_null={"name"}, if_not_exists=True)
            self._table("tags").create_index(["name"], unique=True, if_not_exists=True)
            self._table("article_tags").create(
                {"article_id": int, "tag_id": int},
                pk=("article_id", "tag_id"),
                foreign_keys=[("article_id", "articles", "id"), ("tag_id", "tags", "id")],
                if_not_exists=True,
            )
            self._table("article_tags").create_index(["tag_id"], if_not_exists=True)
            self._table("captions").create(
                {"article_id": int, "position": int, "text": str, "credit": str, "image_url": str},
                pk=("article_id", "position"),
                foreign_keys=[("article_id", "articles", "id")],
                if_not_exists=True,
            )
            self._table("links").create(
                {"article_id": int, "url": str, "kind": str},
                pk=("article_id", "url", "kind"),
                foreign_keys=[("article_id", "articles", "id")],
                if_not_exists=True,
            )
            self._table("breaking").create(
                {
                    "id": int,
                    "edition": str,
                    "text": str,
                    "attribution": str,
                    "url": str,
                    "first_seen_at": str,
                    "last_seen_at": str,
                    "seen_count": int,
                },
                pk="id",
                not_null={"edition", "text", "first_seen_at", "last_seen_at", "seen_count"},
                if_not_exists=True,
            )
            self._table("breaking").create_index(["edition", "text"], unique=True, if_not_exists=True)
            self._table("article_versions").create(
                _VERSION_COLUMNS,
                pk=("article_id", "version"),
                foreign_keys=[("article_id", "articles", "id")],
                if_not_exists=True,
            )
            self._add_missing_columns("article_versions", _VERSION_COLUMNS)
            self._table("held_fetches").create(
                _HELD_COLUMNS, pk="id", foreign_keys=[("article_id", "articles", "id")], if_not_exists=True
            )
            self._table("held_fetches").create_index(["article_id"], if_not_exists=True)
            run_columns: dict[str, type] = {
                "id": int, "spider": str, "edition": str, "started_at": str, "finished_at": str, "status": str,
                "complete": int, **dict.fromkeys(RUN_COUNTS, int), "args": str, "stats": str,
            }  # fmt: skip
            self._table("crawl_runs").create(
                run_columns, pk="id", not_null={"spider", "started_at", "status"}, if_not_exists=True
            )
            self._add_missing_columns("crawl_runs", run_columns)
            self._table("captures").create(
                _CAPTURE_COLUMNS,
                pk="id",
                not_null={"url", "fetched_at", "record_type", "record_id"},
                foreign_keys=[("run_id", "crawl_runs", "id"), ("refers_to", "captures", "id")],
                if_not_exists=True,
            )
            self._table("captures").create_index(["url"], if_not_exists=True)
            self._table("captures").create_index(["run_id"], if_not_exists=True)
            self._table("captures").create_index(["record_id"], unique=True, if_not_exists=True)
            self._table("breaking_sightings").create(
                {"breaking_id": int, "run_id": int, "seen_at": str},
                pk=("breaking_id", "run_id"),
                foreign_keys=[("breaking_id", "breaking", "id"), ("run_id", "crawl_runs", "id")],
                if_not_exists=True,
            )
            self._table("breaking_sightings").create_index(["run_id"], if_not_exists=True)
            self._table("run_coverage").create(
                _RUN_COVERAGE_COLUMNS,
                pk=("run_id", "content_type", "field"),
                foreign_keys=[("run_id", "crawl_runs", "id")],
                if_not_exists=True,
            )
            self._table("gone_articles").create(
                _GONE_COLUMNS,
                pk="url",
                not_null={"status", "first_gone_at", "last_gone_at", "times_gone"},
                foreign_keys=[("run_id", "crawl_runs", "id")],
                if_not_exists=True,
            )
        if self._table("articles").detect_fts() is None:
            self._table("articles").enable_fts(["headline", "lead", "body"], fts_version="FTS5", create_triggers=True)
        self._create_views()

    def _create_views(self) -> None:
        """Create the :data:`VIEWS` an archive lacks, and replace those whose SQL changed."""
        with self.db.conn:
            for name, select in VIEWS.items():
                sql = f"CREATE VIEW {name} AS\n{select}"
                row = self.db.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", [name]).fetchone()
                if row is not None and row[0] == sql:
                    continue
                self.db.execute(f"DROP VIEW IF EXISTS {name}")
                self.db.execute(sql)

    def _add_missing_columns(self, name: str, columns: dict[str, type]) -> None:
        """Add columns a newer version defines to a table an older version created."""
        table = self._table(name)
        existing = table.columns_dict
        for column, kind in columns.items():
            if column not in existing:
                table.add_column(column, kind)

    def _fill_missing_fields(self) -> None:
        """Record ``missing_fields`` of the articles an archive from before that column holds."""
        names = ", ".join(EXPECTED_FIELDS)
        updates = []
        for row in self.db.execute(f"SELECT id, {names} FROM articles").fetchall():
            values = dict(zip(EXPECTED_FIELDS, row[1:], strict=True))
            for name in ("authors", "tags"):
                values[name] = json.loads(values[name] or "[]")
            updates.append((json.dumps(absent_fields(values)), row[0]))
        self.db.conn.executemany("UPDATE articles SET missing_fields = ? WHERE id = ?", updates)

    # --- crawl runs -----------------------------------------------------------------------

    def start_run(self, spider: str, args: Mapping[str, Any]) -> int:
        """Record a crawl that starts now (its ``edition`` argument, if any, in its own column);
        returns its id. Until :meth:`finish_run`, its status is ``running``; a run killed before
        it could record its end is marked ``interrupted`` when the next one starts."""
        edition = args.get("edition")
        with self.db.conn:
            # This run holds the archive's lock, so a run still marked running was killed.
            self.db.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'")
            cursor = self.db.execute(
                "INSERT INTO crawl_runs (spider, edition, started_at, status, complete, args) VALUES (?, ?, ?, 'running', 0, ?)",
                [spider, edition, utcnow(), json.dumps(dict(args), sort_keys=True, default=str)],
            )
        return int(cursor.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        status: str,
        stats: Mapping[str, Any],
        *,
        complete: bool = False,
        coverage: Iterable[FieldCoverage] = (),
    ) -> None:
        """Record how a crawl ended, whether it fetched everything it had to (``complete``),
        its counts (:data:`RUN_COUNTS`), its Scrapy stats and its field coverage, in one
        transaction."""
        counts = {column: int(stats.get(key, 0) or 0) for column, key in RUN_COUNTS.items()}
        assignments = ", ".join(f"{column} = ?" for column in counts)
        with self.db.conn:
            self.db.execute(
                f"UPDATE crawl_runs SET finished_at = ?, status = ?, complete = ?, {assignments}, stats = ? WHERE id = ?",
                [utcnow(), status, int(complete), *counts.values(), json.dumps(dict(stats), sort_keys=True, default=str), run_id],
            )
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO run_coverage (run_id, content_type, field, articles, present) VALUES (?, ?, ?, ?, ?)",
                [(run_id, c.content_type, c.field, c.articles, c.present) for c in coverage],
            )

    def coverage_history(
        self,
        spider: str,
        edition: str | None,
        before_run: int,
        *,
        min_articles: int,
        runs: int,
        start_urls: Sequence[str] | None = None,
        discover: str | None = None,
    ) -> dict[tuple[str, str], list[float]]:
        """The coverage baseline's material: for each ``(content_type, field)``, its shares in
        the last ``runs`` runs of ``spider`` on ``edition`` (and, for a spider that takes them,
        on the same ``start_urls``: the same sites; with the same ``discover``: a backfill of
        old articles is not judged by the menus' new ones) before ``before_run`` that finished
        (a degraded, failed or blocked run never counts) and stored ``min_articles`` or more
        articles of that type; newest first."""
        rows = self.db.execute(
            "SELECT content_type, field, share FROM ("
            "  SELECT c.content_type, c.field, c.run_id, 1.0 * c.present / c.articles AS share, row_number() OVER"
            "    (PARTITION BY c.content_type, c.field ORDER BY c.run_id DESC) AS n"
            "  FROM run_coverage c JOIN crawl_runs r ON r.id = c.run_id"
            "  WHERE r.spider = ? AND r.edition IS ? AND json_extract(r.args, '$.start_urls') IS json(?)"
            "    AND json_extract(r.args, '$.discover') IS ?"
            "    AND r.status = 'finished' AND r.id < ? AND c.articles >= ?"
            ") WHERE n <= ? ORDER BY content_type, field, run_id DESC",
            [
                spider,
                edition,
                None if start_urls is None else json.dumps(list(start_urls)),
                discover,
                before_run,
                min_articles,
                runs,
            ],
        )
        history: dict[tuple[str, str], list[float]] = {}
        for content_type, name, share in rows:
            history.setdefault((content_type, name), []).append(float(share))
        return history

    # --- articles -------------------------------------------------------------------------

    def store_articles(
        self, items: Iterable[ArticleItem], fetched_at: str, records: Mapping[str, str] | None = None
    ) -> dict[str, int]:
        """Store a batch of articles in one transaction.

        A new article is inserted with its tags, captions and links; a known one (same URL, or
        same edition and post id) whose text changed is updated and its child rows replaced;
        an unchanged one only gets its ``last_fetched_at`` and counters refreshed. A re-fetch
        whose text looks damaged next to the stored one (:func:`newscrawl.damage.refetch_damage`)
        changes nothing, not even ``last_fetched_at`` (so the article stays due for its
        re-check): it is kept in ``held_fetches``, with a warning. Returns counts by outcome:
        ``new``, ``changed``, ``unchanged``, ``held``.

        ``records`` gives, by article URL, the ``WARC-Record-ID`` of the capture the article was
        read from (recorded before, :meth:`record_captures`): its ``capture_id``.
        """
        counts = {"new": 0, "changed": 0, "unchanged": 0, "held": 0}
        records = records or {}
        with self.db.conn:
            for item in items:
                counts[self._store_article(item, fetched_at, self._capture_id(records.get(item.url)))] += 1
                self._mark_returned(item.url, fetched_at)
        return counts

    def _find_article(self, item: ArticleItem) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM articles WHERE url = ?", [item.url]).fetchone()
        if row is None and item.post_id:
            row = self.db.execute(
                "SELECT * FROM articles WHERE edition = ? AND post_id = ? ORDER BY id LIMIT 1", [item.edition, item.post_id]
            ).fetchone()
        if row is None:
            return None
        return dict(zip(self._article_columns, row, strict=True))

    def _capture_id(self, record_id: str | None) -> int | None:
        if record_id is None:
            return None
        row = self.db.execute("SELECT id FROM captures WHERE record_id = ?", [record_id]).fetchone()
        return int(row[0]) if row else None

    def _store_article(self, item: ArticleItem, fetched_at: str, capture_id: int | None = None) -> str:
        digest = content_hash(item)
        found = self._find_article(item)
        if found is not None and item.truncated and not found["truncated"]:
            return self._keep_whole_text(found, fetched_at)
        if found is not None and found["content_hash"] == digest:
            refreshed = {name: getattr(item, name) for name in _REFRESHED_FIELDS if getattr(item, name) is not None}
            refreshed.update(_sitemap_record(item), missing_fields=json.dumps(missing_fields(item)))
            if capture_id is not None:
                refreshed["capture_id"] = capture_id
            self._update("articles", found["id"], {**refreshed, "last_fetched_at": fetched_at})
            self.db.execute("DELETE FROM links WHERE article_id = ?", [found["id"]])
            self._store_links(found["id"], item)
            return "unchanged"
        if found is not None:
            why = refetch_damage(_stored_text(found), Text(item.headline, item.body, item.authors, item.tags))
            if why is not None:
                self._hold(found["id"], item, fetched_at, digest, why)
                return "held"
        record = _article_record(item)
        record.update(last_fetched_at=fetched_at, content_hash=digest, capture_id=capture_id)
        if found is None:
            record.update(first_seen_at=fetched_at, version=1)
            article_id = self._insert("articles", [record])
            outcome = "new"
        else:
            article_id = found["id"]
            version = self._keep_version(found, reason="fetch")
            record.pop("url")  # the first canonical URL stays the article's identity
            record["version"] = version + 1
            self._update("articles", article_id, record)
            for table in ("article_tags", "captions", "links"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
            outcome = "changed"
        self._store_children(article_id, item)
        return outcome

    def _keep_whole_text(self, row: dict[str, Any], fetched_at: str) -> str:
        """A page read only in part never replaces the text of one read whole: the stored
        article stays as it is but for when it was last fetched."""
        self._update("articles", row["id"], {"last_fetched_at": fetched_at})
        return "unchanged"

    def _hold(self, article_id: int, item: ArticleItem, fetched_at: str, digest: str, why: str) -> None:
        """Keep a re-fetch that looks damaged in ``held_fetches``, with a warning."""
        record = _article_record(item)
        self._insert(
            "held_fetches",
            [
                {
                    **{name: record[name] for name in ("url", *_TEXT_COLUMNS)},
                    "article_id": article_id,
                    "fetched_at": fetched_at,
                    "reason": why,
                    "content_hash": digest,
                }
            ],
        )
        logger.warning("article %s re-fetched looking damaged, stored text kept (held_fetches): %s", item.url, why)

    def _keep_version(self, row: dict[str, Any], reason: str) -> int:
        """Copy an article's current text into ``article_versions``, with the capture it was read
        from and ``reason``, what replaces it; returns its version number."""
        version = int(row.get("version") or 1)
        captions = [
            {"text": text, "credit": credit, "image_url": image_url}
            for text, credit, image_url in self.db.execute(
                "SELECT text, credit, image_url FROM captions WHERE article_id = ? ORDER BY position", [row["id"]]
            )
        ]
        self._insert(
            "article_versions",
            [
                {
                    **{name: row[name] for name in (*_TEXT_COLUMNS, "content_hash")},
                    "article_id": row["id"],
                    "version": version,
                    "fetched_at": row["last_fetched_at"],
                    "captions": json.dumps(captions, ensure_ascii=False),
                    "capture_id": row.get("capture_id"),
                    "reason": reason,
                }
            ],
            verb="INSERT OR REPLACE",
        )
        return version

    def _store_children(self, article_id: int, item: ArticleItem) -> None:
        if item.tags:
            self.db.conn.executemany("INSERT OR IGNORE INTO tags (name) VALUES (?)", [(t,) for t in item.tags])
            marks = ",".join("?" * len(item.tags))
            self.db.execute(
                f"INSERT OR IGNORE INTO article_tags (article_id, tag_id) SELECT ?, id FROM tags WHERE name IN ({marks})",
                [article_id, *item.tags],
            )
        if item.captions:
            self._insert(
                "captions",
                [
                    {"article_id": article_id, "position": i, "text": c.text, "credit": c.credit, "image_url": c.image_url}
                    for i, c in enumerate(item.captions)
                ],
            )
        self._store_links(article_id, item)

    def _store_links(self, article_id: int, item: ArticleItem) -> None:
        if item.related:
            self._insert(
                "links",
                [{"article_id": article_id, "url": link.url, "kind": link.kind} for link in item.related],
                verb="INSERT OR IGNORE",
            )

    def store_reextracted(self, updates: Iterable[tuple[int, ArticleItem, dict[str, Any], bool]]) -> None:
        """Store what a re-extraction of kept pages changed (``newscrawl reextract``), in one
        transaction: for each ``(article id, item, values, new_text)``, set the columns ``values``
        names; when its text changed (``new_text``), first keep the text it replaces as a version
        whose ``reason`` is ``reextract``, and replace its tags and captions with the item's. A
        re-extraction is no fetch: ``last_fetched_at``, ``url``, ``capture_id`` and the links stay."""
        with self.db.conn:
            for article_id, item, values, new_text in updates:
                record = dict(values)
                if new_text:
                    row = self.db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
                    found = dict(zip(self._article_columns, row, strict=True))
                    record["version"] = self._keep_version(found, reason="reextract") + 1
                    for table in ("article_tags", "captions"):
                        self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
                    self._store_children(article_id, replace(item, related=[]))
                if record:
                    self._update("articles", article_id, record)

    # --- captures ---------------------------------------------------------------------------

    def record_captures(self, captures: Iterable[Capture], run_id: int | None = None) -> None:
        """Record WARC records of fetches (written and flushed to their files before) in one
        transaction; a revisit's ``refers_to`` is resolved to the capture it names."""
        with self.db.conn:
            for capture in captures:
                self.db.execute(
                    "INSERT INTO captures (run_id, url, fetched_at, status, content_type, payload_digest, record_type, "
                    "refers_to, warc_file, offset, length, record_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM captures WHERE record_id = ?), ?, ?, ?, ?)",
                    [
                        run_id, capture.url, capture.fetched_at, capture.status, capture.content_type, capture.payload_digest,
                        capture.record_type, capture.refers_to, capture.warc_file, capture.offset, capture.length,
                        capture.record_id,
                    ],
                )  # fmt: skip

    def forget_warc_files(self, names: Iterable[str]) -> int:
        """Null the ``warc_file``, ``offset`` and ``length`` of every capture in the WARC files
        ``names``, in one transaction, before those files are deleted (``newscrawl warc prune``);
        the captures rows and the articles stay. Returns how many captures were changed."""
        changed = 0
        with self._transaction():
            for name in names:
                cursor = self.db.execute(
                    "UPDATE captures SET warc_file = NULL, offset = NULL, length = NULL WHERE warc_file = ?", [name]
                )
                changed += cursor.rowcount
        return changed

    # --- gone articles --------------------------------------------------------------------

    def record_gone(self, item: GoneItem, run_id: int | None = None) -> None:
        """Record that the site answered 404 or 410 for an article URL. A URL already recorded
        gone gets its ``last_gone_at``, status and run moved forward; one that had come back
        starts a new spell of being gone. Whatever the archive holds of the article stays."""
        with self.db.conn:
            self.db.execute(
                "INSERT INTO gone_articles (url, status, first_gone_at, last_gone_at, times_gone, run_id) "
                "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (url) DO UPDATE SET "
                "first_gone_at = CASE WHEN returned_at IS NULL THEN first_gone_at ELSE excluded.first_gone_at END, "
                "times_gone = CASE WHEN returned_at IS NULL THEN times_gone + 1 ELSE 1 END, "
                "status = excluded.status, last_gone_at = excluded.last_gone_at, run_id = excluded.run_id, returned_at = NULL",
                [item.url, item.status, item.seen_at, item.seen_at, run_id],
            )

    def _mark_returned(self, url: str, fetched_at: str) -> None:
        """Note that an article recorded gone answered again (in the caller's transaction)."""
        self.db.execute("UPDATE gone_articles SET returned_at = ? WHERE url = ? AND returned_at IS NULL", [fetched_at, url])

    # sqlite-utils' insert and update commit on every call: these write in the batch's
    # transaction, so a batch is one commit (and all or nothing).
    def _insert(self, table: str, records: list[dict[str, Any]], *, verb: str = "INSERT") -> int:
        """Insert rows with the columns of the first into ``table``; returns the last rowid."""
        columns = list(records[0])
        names = ", ".join(f"[{name}]" for name in columns)
        sql = f"{verb} INTO [{table}] ({names}) VALUES ({', '.join('?' * len(columns))})"
        cursor = self.db.conn.cursor()
        for record in records:
            cursor.execute(sql, [_sql_value(record[name]) for name in columns])
        return int(cursor.lastrowid or 0)

    def _update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        assignments = ", ".join(f"[{name}] = ?" for name in values)
        self.db.conn.execute(f"UPDATE [{table}] SET {assignments} WHERE id = ?", [*map(_sql_value, values.values()), row_id])

    # --- the ticker -----------------------------------------------------------------------

    def record_ticker(self, items: Iterable[TickerItem], run_id: int | None = None) -> int:
        """Record ticker lines seen by a crawl run, each at most once per run.

        A new line gets a row; a known one (same edition and text, also after it had left the
        ticker) gets its ``last_seen_at`` moved forward and its ``seen_count`` raised by one. A
        line a run does not see keeps its ``last_seen_at``. With ``run_id``, the sighting is
        recorded in ``breaking_sightings``. Returns how many lines were new.
        """
        new = 0
        with self.db.conn:
            for item in items:
                row = self.db.execute(
                    "SELECT id FROM breaking WHERE edition = ? AND text = ?", [item.edition, item.text]
                ).fetchone()
                if row is None:
                    cursor = self.db.execute(
                        "INSERT INTO breaking (edition, text, attribution, url, first_seen_at, last_seen_at, seen_count) "
                        "VALUES (?, ?, ?, ?, ?, ?, 1)",
                        [item.edition, item.text, item.attribution, item.url, item.seen_at, item.seen_at],
                    )
                    line_id = int(cursor.lastrowid or 0)
                    new += 1
                else:
                    line_id = int(row[0])
                    self.db.execute(
                        "UPDATE breaking SET last_seen_at = max(last_seen_at, ?), seen_count = seen_count + 1, "
                        "attribution = coalesce(attribution, ?), url = coalesce(url, ?) WHERE id = ?",
                        [item.seen_at, item.attribution, item.url, line_id],
                    )
                if run_id is not None:
                    self.db.execute(
                        "INSERT OR IGNORE INTO breaking_sightings (breaking_id, run_id, seen_at) VALUES (?, ?, ?)",
                        [line_id, run_id, item.seen_at],
                    )
        return new


#: The steps that migrate an archive, by the version they start from: ``UPGRADES[n]`` brings an
#: archive of version ``n`` to version ``n + 1``. They run in order, with the version bump, in one
#: transaction, before :meth:`Archive._create_schema` (which creates any table, column, index
#: or view an archive lacks: a step is for what that cannot do, such as filling a new column of
#: the rows already stored). There are :data:`SCHEMA_VERSION` of them.
UPGRADES: tuple[Callable[[Archive], None], ...] = (Archive._from_version_0,)


_RECORD_FIELDS = tuple(
    f.name for f in fields(ArticleItem) if f.name not in ("captions", "related", "sitemap_lastmod", "sitemap_news")
)


def _article_record(item: ArticleItem) -> dict[str, Any]:
    # Not asdict(): it deep-copies every paragraph of the body, for nothing.
    data = {key: getattr(item, key) for key in _RECORD_FIELDS}
    data["authors"] = json.dumps(item.authors, ensure_ascii=False)
    data["tags"] = json.dumps(item.tags, ensure_ascii=False)
    data["missing_fields"] = json.dumps(missing_fields(item))
    return {**data, **_sitemap_record(item)}


def _stored_text(row: dict[str, Any]) -> Text:
    return Text(row["headline"], row["body"], json.loads(row["authors"] or "[]"), json.loads(row["tags"] or "[]"))


def _sitemap_record(item: ArticleItem) -> dict[str, Any]:
    """What a sitemap said of the article; nothing when no sitemap led to this fetch, so a
    fetch through the listings keeps what an earlier sitemap fetch stored."""
    record: dict[str, Any] = {}
    if item.sitemap_lastmod is not None:
        record["sitemap_lastmod"] = item.sitemap_lastmod
    if item.sitemap_news is not None:
        record["sitemap_news"] = json.dumps(item.sitemap_news, ensure_ascii=False)
    return record


#: The columns ``newscrawl runs`` shows, in order; ``message`` is the run's ``newscrawl/message``
#: stat (why it did not finish cleanly).
RUN_COLUMNS = ("id", "spider", "started_at", "finished_at", "status", *RUN_COUNTS, "args", "message")
# The ``message`` column of RUN_COLUMNS: read out of the run's stats.
_MESSAGE = """json_extract(stats, '$."newscrawl/message"')"""


def can_write(path: Path) -> bool:
    """Whether this process may write the archive at ``path`` and create files beside it (its
    ``-wal`` and ``-shm``): not on a read-only mount, nor without write permission."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def read_only_uri(path: Path) -> str:
    """The URI a reader opens the archive at ``path`` with, never writing: ``mode=ro``, or
    ``immutable=1`` where the archive cannot be written (:func:`can_write`). ``mode=ro`` needs to
    create the ``-shm`` file of an archive in WAL mode, which a read-only place refuses; there no
    crawl can be writing, so SQLite may take the file as unchanging."""
    return f"{path.resolve().as_uri()}?{'mode=ro' if can_write(path) else 'immutable=1'}"


def recent_runs(path: str | Path, limit: int = 20) -> list[dict[str, Any]]:
    """The last ``limit`` crawl runs of the archive at ``path``, newest first, read without
    writing (a crawl may be running). Raises :class:`ArchiveError` when there is no archive."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"no archive at {path}")
    try:
        with sqlite3.connect(read_only_uri(path), uri=True) as con:
            columns = {row[1] for row in con.execute("PRAGMA table_info(crawl_runs)")}
            if not columns:
                return []
            wanted = [c for c in RUN_COLUMNS if c in columns or (c == "message" and "stats" in columns)]
            selected = [_MESSAGE if c == "message" else c for c in wanted]
            rows = con.execute(f"SELECT {', '.join(selected)} FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit]).fetchall()
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot read archive {path}: {exc}") from exc
    return [dict(zip(wanted, row, strict=True)) for row in rows]


def kept_pages(
    con: sqlite3.Connection, condition: str = "1", params: Sequence[Any] = (), *, url: str | None = None, run: int | None = None
) -> list[dict[str, Any]]:
    """The articles whose stored text was read from a kept page (``articles.capture_id``),
    among those ``condition`` on ``articles a`` selects, with ``url`` (canonical) and whose
    capture is of crawl run ``run`` when given: per article, ``id``, ``url``, ``section``,
    ``headline``, ``published_at``, ``tags``, the capture's ``capture_id``, ``run_id``, ``fetched_url`` and
    ``record_type``, and where the payload is (a revisit's is in the response it refers to):
    ``warc_file`` (``None`` once pruned), ``offset``, ``payload_id`` (``None`` for a revisit whose
    response is not recorded). In the order of the WARC files, so each is read front to back."""
    sql = (
        "SELECT a.id, a.url, a.section, a.headline, a.published_at, a.tags, c.id AS capture_id, c.run_id, c.url AS fetched_url,"
        " c.record_type, p.id AS payload_id, p.warc_file, p.offset"
        " FROM articles a JOIN captures c ON c.id = a.capture_id"
        " LEFT JOIN captures p ON p.id = CASE WHEN c.record_type = 'revisit' THEN c.refers_to ELSE c.id END"
        f" WHERE {condition}"
    )
    values = list(params)
    if url is not None:
        sql += " AND a.url = ?"
        values.append(url)
    if run is not None:
        sql += " AND c.run_id = ?"
        values.append(run)
    cursor = con.execute(sql + " ORDER BY p.warc_file, p.offset, a.id", values)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def count_unkept(con: sqlite3.Connection, condition: str = "1", params: Sequence[Any] = (), *, url: str | None = None) -> int:
    """How many articles ``condition`` (and ``url``) select have no kept page (no ``capture_id``)."""
    sql = f"SELECT count(*) FROM articles a WHERE a.capture_id IS NULL AND {condition}"
    values = list(params)
    if url is not None:
        sql += " AND a.url = ?"
        values.append(url)
    return int(con.execute(sql, values).fetchone()[0])


def homepage_capture(con: sqlite3.Connection, url: str, run: int | None) -> tuple[str, int] | None:
    """``(warc_file, offset)`` of the page holding the capture of ``url`` (a homepage, whose
    menus name the sections and regions) that crawl run ``run`` made, else the latest one kept;
    ``None`` when none is kept."""
    row = con.execute(
        "SELECT p.warc_file, p.offset FROM captures c"
        " JOIN captures p ON p.id = CASE WHEN c.record_type = 'revisit' THEN c.refers_to ELSE c.id END"
        " WHERE c.url = ? AND c.status = 200 AND p.warc_file IS NOT NULL ORDER BY c.run_id IS ? DESC, c.id DESC LIMIT 1",
        [url, run],
    ).fetchone()
    return (str(row[0]), int(row[1])) if row is not None else None


def stored_text(con: sqlite3.Connection, article_id: int) -> dict[str, Any]:
    """An article's row as stored, with ``authors`` and ``tags`` as lists and its ``captions``
    (``{"text", "credit", "image_url"}`` in page order)."""
    cursor = con.execute("SELECT * FROM articles WHERE id = ?", [article_id])
    names = [column[0] for column in cursor.description]
    article = dict(zip(names, cursor.fetchone(), strict=True))
    for name in ("authors", "tags"):
        article[name] = json.loads(article[name] or "[]")
    article["captions"] = [
        {"text": text, "credit": credit, "image_url": image_url}
        for text, credit, image_url in con.execute(
            "SELECT text, credit, image_url FROM captions WHERE article_id = ? ORDER BY position", [article_id]
        )
    ]
    return article


def schema_version(con: sqlite3.Connection) -> int:
    """The schema version of the archive open as ``con`` (see :data:`SCHEMA_VERSION`)."""
    return int(con.execute("PRAGMA user_version").fetchone()[0])


def has_captures(con: sqlite3.Connection) -> bool:
    """Whether the archive keeps captures: its ``articles`` table has ``capture_id``, and it has
    the ``captures`` table (an archive from before issue 15, read without writing, has neither)."""
    columns = {row[1] for row in con.execute("PRAGMA table_info(articles)")}
    table = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'captures'").fetchone()
    return "capture_id" in columns and table is not None


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

    def recent_articles(self, edition: str, since: str) -> list[tuple[str, str | None, str, str]]:
        """``(url, published_at, first_seen_at, last_fetched_at)`` of the edition's articles
        published (or, without a date, first seen) on or after ``since`` (ISO 8601 UTC), give
        or take a day of time-zone offsets: the candidates of a re-check schedule."""
        if self._con is None:
            return []
        rows = self._con.execute(
            "SELECT url, published_at, first_seen_at, last_fetched_at FROM articles "
            "WHERE edition = ? AND coalesce(published_at, first_seen_at) >= ?",
            [edition, _day_before(since)],
        )
        return [(str(url), published, str(first), str(last)) for url, published, first, last in rows]

    def last_run_complete(self, spider: str, edition: str | None, discover: str) -> bool:
        """Whether the latest run of ``spider`` on ``edition`` that discovered articles the same
        way (its ``discover`` argument, ``menus`` when it had none) fetched everything it had to
        (finished, not capped, no article lost). A run killed midway never recorded that."""
        if self._con is None:
            return False
        try:
            row = self._con.execute(
                "SELECT complete FROM crawl_runs WHERE spider = ? AND edition IS ? "
                "AND coalesce(json_extract(args, '$.discover'), 'menus') = ? ORDER BY id DESC LIMIT 1",
                [spider, edition, discover],
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
