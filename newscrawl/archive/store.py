"""The archive's writer, :class:`Archive`: it opens the file (taking the crawl lock when it is
``exclusive``), brings its schema up to date (:class:`~newscrawl.archive.schema.Schema`), and
performs every write: crawl runs and their field coverage, articles with their tags, authors, captions,
links, earlier versions and held re-fetches, re-extracted rows, captures of fetches, gone
articles and the ticker. All writes use bound parameters; page text never becomes SQL.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import sqlite3
from dataclasses import asdict, fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils
from sqlite_utils.db import jsonify_if_needed

from newscrawl.archive.connection import (
    _HELD_LOCKS,
    BUSY_TIMEOUT,
    ArchiveBusyError,
    ArchiveError,
    _Connection,
    _lock_holder,
    is_busy,
)
from newscrawl.archive.schema import _TEXT_COLUMNS, RUN_COUNTS, Schema
from newscrawl.coverage import EXPECTED_FIELDS, missing_fields
from newscrawl.damage import Text, refetch_damage
from newscrawl.items import CONTENT_FIELDS, ArticleItem

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from newscrawl.coverage import FieldCoverage, FieldSource
    from newscrawl.items import GoneItem, NotArticleItem, TickerItem
    from newscrawl.warc import Capture

# Fields a re-fetch refreshes without making a version: where the site files the article, its
# counters and links.
_REFRESHED_FIELDS = (
    "section", "region", "coverage", "content_type", "modified_at", "share_count", "view_count", "read_time_min",
)  # fmt: skip

# Named as the module was before it became a package, so its log lines read as they did.
logger = logging.getLogger("newscrawl.archive")


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


class Archive(Schema):
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
            # As SELECT * returns them: the generated columns too, which table_info leaves out.
            self._article_columns = [d[0] for d in self.db.execute("SELECT * FROM articles LIMIT 0").description]
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

    # --- crawl runs -----------------------------------------------------------------------

    def start_run(self, spider: str, args: Mapping[str, Any], *, interrupt_running: bool = True) -> int:
        """Record a crawl that starts now (its ``edition`` argument, if any, in its own column);
        returns its id. Until :meth:`finish_run`, its status is ``running``; a run killed before
        it could record its end is marked ``interrupted`` when the next one starts (unless
        ``interrupt_running`` is false: the one writer of distributed runs, which may write
        several at once, marks them itself, :meth:`interrupt_runs`)."""
        edition = args.get("edition")
        with self.db.conn:
            if interrupt_running:
                # This run holds the archive's lock, so a run still marked running was killed.
                self.db.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'")
            cursor = self.db.execute(
                "INSERT INTO crawl_runs (spider, edition, started_at, status, complete, args) VALUES (?, ?, ?, 'running', 0, ?)",
                [spider, edition, utcnow(), json.dumps(dict(args), sort_keys=True, default=str)],
            )
        return int(cursor.lastrowid or 0)

    def interrupt_runs(self, keep: Iterable[int] = ()) -> None:
        """Mark ``interrupted`` every run still ``running`` but those of ``keep`` (the runs a
        restarted writer goes on writing)."""
        kept = list(keep)
        with self.db.conn:
            self.db.execute(
                f"UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running' AND id NOT IN ({','.join('?' * len(kept))})",
                kept,
            )

    def finish_run(
        self,
        run_id: int,
        status: str,
        stats: Mapping[str, Any],
        *,
        complete: bool = False,
        coverage: Iterable[FieldCoverage] = (),
        sources: Iterable[FieldSource] = (),
    ) -> None:
        """Record how a crawl ended, whether it fetched everything it had to (``complete``),
        its counts (:data:`RUN_COUNTS`), its Scrapy stats, its field coverage and its fields'
        sources, in one transaction."""
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
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO run_field_sources (run_id, content_type, field, source, articles) VALUES (?, ?, ?, ?, ?)",
                [(run_id, f.content_type, f.field, f.source, f.articles) for f in sources],
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
            "SELECT content_type, field, 1.0 * present / articles FROM ("
            f"  {_BASELINE_RUNS}"
            ") WHERE n <= ? ORDER BY content_type, field, run_id DESC",
            [
                *_baseline_parameters(
                    spider, edition, before_run, min_articles=min_articles, start_urls=start_urls, discover=discover
                ),
                runs,
            ],
        )
        history: dict[tuple[str, str], list[float]] = {}
        for content_type, name, share in rows:
            history.setdefault((content_type, name), []).append(float(share))
        return history

    def source_history(
        self,
        spider: str,
        edition: str | None,
        before_run: int,
        *,
        min_articles: int,
        runs: int,
        start_urls: Sequence[str] | None = None,
        discover: str | None = None,
    ) -> dict[tuple[str, str], list[dict[str, float]]]:
        """The source baseline's material: for each ``(content_type, field)``, per run of those
        :meth:`coverage_history` reads that recorded its fields' sources (runs from before
        ``run_field_sources`` did not), the share of its articles of the type that had the field
        from each source (``{}`` when none had it); newest first."""
        rows = self.db.execute(
            "SELECT b.content_type, b.field, b.run_id, s.source, 1.0 * s.articles / b.articles FROM ("
            f"  {_BASELINE_RUNS} AND EXISTS (SELECT 1 FROM run_field_sources f WHERE f.run_id = r.id)"
            ") b LEFT JOIN run_field_sources s ON s.run_id = b.run_id AND s.content_type = b.content_type AND s.field = b.field"
            " WHERE b.n <= ? ORDER BY b.content_type, b.field, b.run_id DESC, s.source",
            [
                *_baseline_parameters(
                    spider, edition, before_run, min_articles=min_articles, start_urls=start_urls, discover=discover
                ),
                runs,
            ],
        )
        by_run: dict[tuple[str, str], dict[int, dict[str, float]]] = {}
        for content_type, name, run_id, source, share in rows:
            shares = by_run.setdefault((content_type, name), {}).setdefault(run_id, {})
            if source is not None:
                shares[source] = float(share)
        return {key: list(shares.values()) for key, shares in by_run.items()}

    # --- articles -------------------------------------------------------------------------

    def store_articles(
        self,
        items: Iterable[ArticleItem],
        fetched_at: str,
        records: Mapping[str, str] | None = None,
        expected: Mapping[str, Sequence[str]] | None = None,
    ) -> dict[str, int]:
        """Store a batch of articles in one transaction.

        A new article is inserted with its tags, authors, captions and links; a known one (same URL, or
        same edition and post id) whose text changed is updated and its child rows replaced;
        an unchanged one only gets its ``last_fetched_at`` and counters refreshed. A re-fetch
        whose text looks damaged next to the stored one (:func:`newscrawl.damage.refetch_damage`)
        changes nothing, not even ``last_fetched_at`` (so the article stays due for its
        re-check): it is kept in ``held_fetches``, with a warning. Returns counts by outcome:
        ``new``, ``changed``, ``unchanged``, ``held``.

        ``records`` gives, by article URL, the ``WARC-Record-ID`` of the capture the article was
        read from (recorded before, :meth:`record_captures`): its ``capture_id``. ``expected``
        gives, by article URL, the fields every article of its site shows (its site profile's),
        which ``missing_fields`` is computed against; :data:`newscrawl.coverage.EXPECTED_FIELDS`
        for an article it does not name.
        """
        counts = {"new": 0, "changed": 0, "unchanged": 0, "held": 0}
        records, expected = records or {}, expected or {}
        with self.db.conn:
            for item in items:
                capture_id = self._capture_id(records.get(item.url))
                counts[self._store_article(item, fetched_at, capture_id, expected.get(item.url, EXPECTED_FIELDS))] += 1
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

    def _store_article(self, item: ArticleItem, fetched_at: str, capture_id: int | None, expected: Sequence[str]) -> str:
        digest = content_hash(item)
        found = self._find_article(item)
        if found is not None and item.truncated and not found["truncated"]:
            return self._keep_whole_text(found, fetched_at)
        if found is not None and found["content_hash"] == digest:
            refreshed = {name: getattr(item, name) for name in _REFRESHED_FIELDS if getattr(item, name) is not None}
            refreshed.update(
                _sitemap_record(item),
                missing_fields=json.dumps(missing_fields(item, expected)),
                field_sources=field_sources_json(item),
            )
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
        record = _article_record(item, expected)
        record.update(last_fetched_at=fetched_at, text_seen_at=fetched_at, content_hash=digest, capture_id=capture_id)
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
            for table in ("article_tags", "article_authors", "captions", "links"):
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
                    "field_sources": row.get("field_sources"),
                    "article_id": row["id"],
                    "version": version,
                    "fetched_at": row["last_fetched_at"],
                    "text_seen_at": row.get("text_seen_at"),
                    "captions": json.dumps(captions, ensure_ascii=False),
                    "capture_id": row.get("capture_id"),
                    "reason": reason,
                }
            ],
            verb="INSERT OR REPLACE",
        )
        return version

    def _store_names(self, article_id: int, names: Sequence[str], table: str, links: str, key: str) -> None:
        """The article's ``names`` (tags, authors) in ``table``, linked to it in ``links``."""
        if not names:
            return
        self.db.conn.executemany(f"INSERT OR IGNORE INTO {table} (name) VALUES (?)", [(name,) for name in names])
        marks = ",".join("?" * len(names))
        self.db.execute(
            f"INSERT OR IGNORE INTO {links} (article_id, {key}) SELECT ?, id FROM {table} WHERE name IN ({marks})",
            [article_id, *names],
        )

    def _store_children(self, article_id: int, item: ArticleItem) -> None:
        self._store_names(article_id, item.tags, "tags", "article_tags", "tag_id")
        self._store_names(article_id, item.authors, "authors", "article_authors", "author_id")
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
        whose ``reason`` is ``reextract``, and replace its tags, authors and captions with the item's. A
        re-extraction is no fetch: ``last_fetched_at``, ``url``, ``capture_id`` and the links stay."""
        with self.db.conn:
            for article_id, item, values, new_text in updates:
                record = dict(values)
                if new_text:
                    row = self.db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
                    found = dict(zip(self._article_columns, row, strict=True))
                    record["version"] = self._keep_version(found, reason="reextract") + 1
                    record["text_seen_at"] = utcnow()  # read anew, not fetched: when it was read
                    for table in ("article_tags", "article_authors", "captions"):
                        self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
                    self._store_children(article_id, replace(item, related=[]))
                if record:
                    self._update("articles", article_id, record)

    # --- captures ---------------------------------------------------------------------------

    def record_captures(self, captures: Iterable[Capture], run_id: int | None = None) -> None:
        """Record WARC records of fetches (written and flushed to their files before) in one
        transaction; a revisit's ``refers_to`` is resolved to the capture it names. A record
        already recorded (a distributed run's writer storing a batch again after a crash) is
        left as it is."""
        rows = [
            (
                run_id, capture.url, capture.fetched_at, capture.status, capture.content_type, capture.payload_digest,
                capture.record_type, capture.refers_to, capture.warc_file, capture.offset, capture.length,
                capture.record_id,
            )
            for capture in captures
        ]  # fmt: skip
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO captures (run_id, url, fetched_at, status, content_type, payload_digest, record_type, "
                "refers_to, warc_file, offset, length, record_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM captures WHERE record_id = ?), ?, ?, ?, ?)",
                rows,
            )

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

    def record_not_article(self, item: NotArticleItem, run_id: int | None = None) -> None:
        """Record that a page fetched as an article held none (seen again: its ``last_seen_at``,
        count and run move forward)."""
        with self.db.conn:
            self.db.execute(
                "INSERT INTO not_articles (url, first_seen_at, last_seen_at, times_seen, run_id) VALUES (?, ?, ?, 1, ?) "
                "ON CONFLICT (url) DO UPDATE SET last_seen_at = excluded.last_seen_at, times_seen = times_seen + 1, "
                "run_id = excluded.run_id",
                [item.url, item.seen_at, item.seen_at, run_id],
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


_RECORD_FIELDS = tuple(
    f.name for f in fields(ArticleItem) if f.name not in ("captions", "related", "sitemap_lastmod", "sitemap_news")
)


def _article_record(item: ArticleItem, expected: Sequence[str] = EXPECTED_FIELDS) -> dict[str, Any]:
    # Not asdict(): it deep-copies every paragraph of the body, for nothing.
    data = {key: getattr(item, key) for key in _RECORD_FIELDS}
    data["authors"] = json.dumps(item.authors, ensure_ascii=False)
    data["tags"] = json.dumps(item.tags, ensure_ascii=False)
    data["missing_fields"] = json.dumps(missing_fields(item, expected))
    data["field_sources"] = field_sources_json(item)
    return {**data, **_sitemap_record(item)}


def field_sources_json(item: ArticleItem) -> str:
    """The item's ``field_sources`` as the ``field_sources`` column holds them (a JSON object)."""
    return json.dumps(item.field_sources, ensure_ascii=False)


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


# The runs a field's baseline reads (see Archive.coverage_history), numbered per content type and
# field from the newest (n); its parameters are _baseline_parameters'.
_BASELINE_RUNS = (
    "SELECT c.content_type, c.field, c.run_id, c.articles, c.present, row_number() OVER"
    "  (PARTITION BY c.content_type, c.field ORDER BY c.run_id DESC) AS n"
    " FROM run_coverage c JOIN crawl_runs r ON r.id = c.run_id"
    " WHERE r.spider = ? AND r.edition IS ? AND json_extract(r.args, '$.start_urls') IS json(?)"
    "  AND json_extract(r.args, '$.discover') IS ?"
    "  AND r.status = 'finished' AND r.id < ? AND c.articles >= ?"
)


def _baseline_parameters(
    spider: str,
    edition: str | None,
    before_run: int,
    *,
    min_articles: int,
    start_urls: Sequence[str] | None,
    discover: str | None,
) -> list[Any]:
    """The parameters of :data:`_BASELINE_RUNS`, in its order."""
    return [spider, edition, None if start_urls is None else json.dumps(list(start_urls)), discover, before_run, min_articles]
