"""The SQLite archive: its schema and every write to it, in one place.

Tables (see ``docs/archive.md`` for every column):

- ``articles``: one row per article, keyed by canonical ``url`` (and deduplicated on
  ``(edition, post_id)``), with ``authors`` and ``tags`` as JSON arrays;
- ``tags`` / ``article_tags``: tag names and which articles carry them;
- ``captions``: captioned images of each article, in page order;
- ``links``: each article's links to other articles, with their kind;
- ``breaking``: one row per distinct ticker line per edition, with when it was first and last
  seen and by how many crawl runs;
- ``crawl_runs``: one row per crawl, with its status and Scrapy stats;
- ``articles_fts``: FTS5 index over headline, lead and body, kept in sync by triggers.

All writes use bound parameters; page text never becomes SQL. A crawl opens the archive
``exclusive``: one crawl at a time writes to a file, and readers are never locked out.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils
from sqlite_utils.db import Table

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from newscrawl.items import ArticleItem, TickerItem

# Fields whose change makes an article a different text (counters are not among them).
_CONTENT_FIELDS = ("headline", "lead", "body", "authors", "source", "tags", "captions")
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
}


class ArchiveError(Exception):
    """The archive cannot be opened or written; the message says which file and why."""


class ArchiveBusyError(Exception):
    """Another crawl is writing to the archive; the message names the file and that run's pid."""


def utcnow() -> str:
    """The current time, ISO 8601 UTC with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(item: ArticleItem) -> str:
    """SHA-256 of the article's text fields; equal hashes mean an unchanged article."""
    data = asdict(item)
    payload = json.dumps({key: data[key] for key in _CONTENT_FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Archive:
    """An open archive file. Create the schema on open; every write goes through a method here."""

    def __init__(self, path: str | Path, *, exclusive: bool = False) -> None:
        """Open (and create) the archive at ``path``. ``exclusive`` first takes the archive's
        crawl lock, ``<path>.lock``, and raises :class:`ArchiveBusyError` at once, having touched
        nothing, when another crawl holds it. The lock is the kernel's (``flock``): it ends with
        its process, however that process ends, so a killed crawl leaves no stale lock."""
        self.path = Path(path)
        self._lock: int | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if exclusive:
                self._take_lock()
            self.db = sqlite_utils.Database(self.path)
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.enable_wal()  # type: ignore[no-untyped-call]
            self._create_schema()
        except (OSError, sqlite3.Error) as exc:
            if self._lock is not None:
                os.close(self._lock)
            raise ArchiveError(f"cannot write archive {self.path}: {exc}") from exc

    def _take_lock(self) -> None:
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise ArchiveBusyError(f"archive {self.path} is in use by another crawl (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._lock = fd

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite) and release the crawl lock."""
        self.db.close()
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def _table(self, name: str) -> Table:
        return Table(self.db, name)

    # --- schema ---------------------------------------------------------------------------

    def _create_schema(self) -> None:
        with self.db.conn:
            self._table("articles").create(
                _ARTICLE_COLUMNS, pk="id", not_null={"url", "edition", "first_seen_at", "last_fetched_at"}, if_not_exists=True
            )
            self._add_missing_columns("articles", _ARTICLE_COLUMNS)
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
            self._table("crawl_runs").create(
                {"id": int, "spider": str, "started_at": str, "finished_at": str, "status": str, "args": str, "stats": str},
                pk="id",
                not_null={"spider", "started_at", "status"},
                if_not_exists=True,
            )
        if self._table("articles").detect_fts() is None:
            self._table("articles").enable_fts(["headline", "lead", "body"], fts_version="FTS5", create_triggers=True)

    def _add_missing_columns(self, name: str, columns: dict[str, type]) -> None:
        """Add columns a newer version defines to a table an older version created."""
        table = self._table(name)
        existing = table.columns_dict
        for column, kind in columns.items():
            if column not in existing:
                table.add_column(column, kind)

    # --- crawl runs -----------------------------------------------------------------------

    def start_run(self, spider: str, args: Mapping[str, Any]) -> int:
        """Record a crawl that starts now; returns its id."""
        with self.db.conn:
            cursor = self.db.execute(
                "INSERT INTO crawl_runs (spider, started_at, status, args) VALUES (?, ?, 'running', ?)",
                [spider, utcnow(), json.dumps(dict(args), sort_keys=True, default=str)],
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, stats: Mapping[str, Any]) -> None:
        """Record how a crawl ended and its stats."""
        with self.db.conn:
            self.db.execute(
                "UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                [utcnow(), status, json.dumps(dict(stats), sort_keys=True, default=str), run_id],
            )

    # --- articles -------------------------------------------------------------------------

    def store_articles(self, items: Iterable[ArticleItem], fetched_at: str) -> dict[str, int]:
        """Store a batch of articles in one transaction.

        A new article is inserted with its tags, captions and links; a known one (same URL, or
        same edition and post id) whose text changed is updated and its child rows replaced;
        an unchanged one only gets its ``last_fetched_at`` and counters refreshed. Returns
        counts by outcome: ``new``, ``changed``, ``unchanged``.
        """
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        with self.db.conn:
            for item in items:
                counts[self._store_article(item, fetched_at)] += 1
        return counts

    def _find_article(self, item: ArticleItem) -> tuple[int, str] | None:
        row = self.db.execute("SELECT id, content_hash FROM articles WHERE url = ?", [item.url]).fetchone()
        if row is None and item.post_id:
            row = self.db.execute(
                "SELECT id, content_hash FROM articles WHERE edition = ? AND post_id = ? ORDER BY id LIMIT 1",
                [item.edition, item.post_id],
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def _store_article(self, item: ArticleItem, fetched_at: str) -> str:
        digest = content_hash(item)
        found = self._find_article(item)
        if found is not None and found[1] == digest:
            self.db.execute(
                "UPDATE articles SET last_fetched_at = ?, share_count = ?, read_time_min = ? WHERE id = ?",
                [fetched_at, item.share_count, item.read_time_min, found[0]],
            )
            return "unchanged"
        record = _article_record(item)
        record.update(last_fetched_at=fetched_at, content_hash=digest)
        if found is None:
            record["first_seen_at"] = fetched_at
            article_id = int(self._table("articles").insert(record).last_pk or 0)
            outcome = "new"
        else:
            article_id = found[0]
            record.pop("url")  # the first canonical URL stays the article's identity
            self._table("articles").update(article_id, record)
            for table in ("article_tags", "captions", "links"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
            outcome = "changed"
        self._store_children(article_id, item)
        return outcome

    def _store_children(self, article_id: int, item: ArticleItem) -> None:
        if item.tags:
            self.db.conn.executemany("INSERT OR IGNORE INTO tags (name) VALUES (?)", [(t,) for t in item.tags])
            marks = ",".join("?" * len(item.tags))
            self.db.execute(
                f"INSERT OR IGNORE INTO article_tags (article_id, tag_id) SELECT ?, id FROM tags WHERE name IN ({marks})",
                [article_id, *item.tags],
            )
        if item.captions:
            self._table("captions").insert_all(
                {"article_id": article_id, "position": i, "text": c.text, "credit": c.credit, "image_url": c.image_url}
                for i, c in enumerate(item.captions)
            )
        if item.related:
            self._table("links").insert_all(
                ({"article_id": article_id, "url": link.url, "kind": link.kind} for link in item.related),
                ignore=True,
            )

    # --- the ticker -----------------------------------------------------------------------

    def record_ticker(self, items: Iterable[TickerItem]) -> int:
        """Record ticker lines seen by a crawl run, each at most once per run.

        A new line gets a row; a known one (same edition and text) gets its ``last_seen_at``
        moved forward and its ``seen_count`` raised by one. Returns how many lines were new.
        """
        new = 0
        with self.db.conn:
            for item in items:
                cursor = self.db.execute(
                    "UPDATE breaking SET last_seen_at = max(last_seen_at, ?), seen_count = seen_count + 1, "
                    "attribution = coalesce(attribution, ?), url = coalesce(url, ?) WHERE edition = ? AND text = ?",
                    [item.seen_at, item.attribution, item.url, item.edition, item.text],
                )
                if cursor.rowcount == 0:
                    self.db.execute(
                        "INSERT INTO breaking (edition, text, attribution, url, first_seen_at, last_seen_at, seen_count) "
                        "VALUES (?, ?, ?, ?, ?, ?, 1)",
                        [item.edition, item.text, item.attribution, item.url, item.seen_at, item.seen_at],
                    )
                    new += 1
        return new


def _article_record(item: ArticleItem) -> dict[str, Any]:
    data = asdict(item)
    for key in ("captions", "related"):
        data.pop(key)
    data["authors"] = json.dumps(item.authors, ensure_ascii=False)
    data["tags"] = json.dumps(item.tags, ensure_ascii=False)
    return data
