"""The archive's schema: the columns of its tables (the ``*_COLUMNS`` definitions), its views
(:data:`VIEWS`), its version (:data:`SCHEMA_VERSION`) and the migrations that bring an older
archive to it (:data:`UPGRADES`), in :class:`Schema`, the part of :class:`~newscrawl.archive.Archive`
that creates the tables, indexes, full-text index and views an archive lacks when it is opened,
in one write transaction (:meth:`Schema._transaction`).
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlite_utils.db import Table

from newscrawl.archive.connection import ArchiveVersionError
from newscrawl.coverage import EXPECTED_FIELDS, absent_fields
from newscrawl.textnorm import TOKENIZE, search_form_sql

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    import sqlite_utils

    from newscrawl.archive.connection import _Connection

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
    "view_count": int,
    "language": str,
    "first_seen_at": str,
    "last_fetched_at": str,
    "text_seen_at": str,
    "content_hash": str,
    "version": int,
    "sitemap_lastmod": str,
    "sitemap_news": str,
    "missing_fields": str,
    "truncated": str,
    "capture_id": int,
    "field_sources": str,
}
# An article's text as the articles table holds it (but captions, a table of their own there).
_TEXT_COLUMNS: dict[str, type] = dict.fromkeys(("headline", "lead", "body", "authors", "source", "tags"), str)
# The article's text as it was, kept in article_versions when a re-fetch changes it.
_VERSION_COLUMNS: dict[str, type] = {
    "article_id": int,
    "version": int,
    "fetched_at": str,
    "text_seen_at": str,
    "content_hash": str,
    **_TEXT_COLUMNS,
    "captions": str,
    "capture_id": int,
    "reason": str,
    "field_sources": str,
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
_RUN_COVERAGE_COLUMNS: dict[str, type] = {"run_id": int, "content_type": str, "field": str, "articles": int, "present": int}
_RUN_SOURCE_COLUMNS: dict[str, type] = {"run_id": int, "content_type": str, "field": str, "source": str, "articles": int}
_GONE_COLUMNS: dict[str, type] = {
    "url": str, "status": int, "first_gone_at": str, "last_gone_at": str, "times_gone": int, "run_id": int, "returned_at": str,
}  # fmt: skip
_NOT_ARTICLE_COLUMNS: dict[str, type] = {"url": str, "first_seen_at": str, "last_seen_at": str, "times_seen": int, "run_id": int}
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
#: Their columns are described in :mod:`newscrawl.desk.schema_docs`.
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


#: The version of the archive's schema this code writes. Raise it with any change to the
#: schema, and add the step that brings an archive of the previous version to it (:data:`UPGRADES`).
#: A new index alone is no such change: :meth:`Schema._create_schema` adds the indexes an archive
#: lacks whenever it is opened for writing, and an older newscrawl reads and writes it as before
#: (raising the version would make that one refuse the archive for nothing).
SCHEMA_VERSION = 5

#: ``articles`` columns whose UTC twin (``<name>_utc``) the schema computes.
UTC_COLUMNS = ("published_at", "modified_at")


def utc_sql(column: str) -> str:
    """SQL of ``column`` (ISO 8601 with an offset) as ISO 8601 UTC to the second; NULL for a value
    without an offset (a date alone, a local time without its zone), which SQLite would take
    for UTC."""
    with_offset = f"{column} GLOB '????-??-??T??:??*[+-][0-9][0-9]:[0-9][0-9]' OR {column} GLOB '????-??-??T??:??*Z'"
    return f"CASE WHEN {with_offset} THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', {column}) END"


#: The columns of ``articles`` that ``articles_fts`` indexes, in its order.
FTS_COLUMNS = ("headline", "lead", "body")


class Schema:
    """The schema half of :class:`~newscrawl.archive.Archive`, which opens the connection: creating
    and migrating the schema, and the write transaction that does it."""

    path: Path
    db: sqlite_utils.Database
    _conn: _Connection | None

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

    def _from_version_1(self) -> None:
        """Version 2 indexes the search form of the text (:func:`newscrawl.textnorm.search_form`),
        with a tokenizer that takes Arabic marks for letters: drop the index of the text as written
        (and its triggers), which :meth:`_create_schema` then creates anew and fills, once."""
        for trigger in ("articles_ai", "articles_ad", "articles_au"):
            self.db.execute(f"DROP TRIGGER IF EXISTS [{trigger}]")
        self.db.execute("DROP TABLE IF EXISTS [articles_fts]")

    def _from_version_2(self) -> None:
        """Version 3 has the authors as rows, as the tags are: ``authors`` and
        ``article_authors``, filled here from the ``authors`` column of the articles stored before
        (a new archive has no articles table yet: nothing to fill); ``published_at_utc`` and
        ``modified_at_utc``: columns SQLite computes from the local times (generated, so nothing
        writes them and they never disagree), which :meth:`_create_schema` adds, with their indexes;
        and ``text_seen_at`` (when each text was first fetched), which it adds and fills where known."""
        if "authors" not in self._table("articles").columns_dict:
            return
        self._create_author_tables()
        self._fill_author_rows()

    def _from_version_3(self) -> None:
        """Version 4 records where each field's value came from: ``field_sources`` in ``articles``
        and ``article_versions``, which :meth:`_create_schema` adds. Nothing to fill: the
        articles stored before keep it null (their sources were not recorded)."""

    def _from_version_4(self) -> None:
        """Version 5 records each run's fields by source (``run_field_sources``), which
        :meth:`_create_schema` creates. Nothing to fill: the runs before recorded no sources, and
        the source baseline reads only runs that did."""

    def _create_schema(self) -> None:
        with self.db.conn:
            self._table("articles").create(
                _ARTICLE_COLUMNS, pk="id", not_null={"url", "edition", "first_seen_at", "last_fetched_at"}, if_not_exists=True
            )
            had_missing_fields = "missing_fields" in self._table("articles").columns_dict
            had_text_seen = "text_seen_at" in self._table("articles").columns_dict
            self._add_missing_columns("articles", _ARTICLE_COLUMNS)
            if not had_missing_fields:
                self._fill_missing_fields()
            self._table("articles").create_index(["url"], unique=True, if_not_exists=True)
            self._table("articles").create_index(["edition", "post_id"], if_not_exists=True)
            self._table("articles").create_index(["published_at"], if_not_exists=True)
            self._add_utc_columns()
            self._create_name_tables("tags", "article_tags", "tag_id")
            self._create_author_tables()
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
            # The ticker lines an article page lists: an edition's lines seen since a time and first
            # seen before another, latest first (both times in the index: no row read to compare them).
            self._table("breaking").create_index(["edition", "last_seen_at", "first_seen_at"], if_not_exists=True)
            self._table("article_versions").create(
                _VERSION_COLUMNS,
                pk=("article_id", "version"),
                foreign_keys=[("article_id", "articles", "id")],
                if_not_exists=True,
            )
            self._add_missing_columns("article_versions", _VERSION_COLUMNS)
            if not had_text_seen:
                self._fill_text_seen()
            # the desk's latest edits: the newest later texts, read in this order, without a sort
            self.db.execute("CREATE INDEX IF NOT EXISTS idx_articles_edits ON articles (text_seen_at, id) WHERE version > 1")
            self.db.execute(
                "CREATE INDEX IF NOT EXISTS idx_article_versions_edits "
                "ON article_versions (text_seen_at, article_id, version) WHERE version > 1"
            )
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
            # The run going on at a time (the latest started before it), for an article page's ticker.
            self._table("crawl_runs").create_index(["started_at"], if_not_exists=True)
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
            self._table("run_field_sources").create(
                _RUN_SOURCE_COLUMNS,
                pk=("run_id", "content_type", "field", "source"),
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
            self._table("not_articles").create(
                _NOT_ARTICLE_COLUMNS,
                pk="url",
                not_null={"first_seen_at", "last_seen_at", "times_seen"},
                foreign_keys=[("run_id", "crawl_runs", "id")],
                if_not_exists=True,
            )
        if self._table("articles").detect_fts() is None:
            self._create_search_index()
        self._create_views()

    def _create_author_tables(self) -> None:
        """``authors`` and ``article_authors``, made as ``tags`` and ``article_tags`` are."""
        self._create_name_tables("authors", "article_authors", "author_id")

    def _create_name_tables(self, names: str, links: str, key: str) -> None:
        """A table of names (``names``: ``id``, unique ``name``) and the table ``links`` of which
        article names which (``article_id``, ``key``), indexed both ways."""
        self._table(names).create({"id": int, "name": str}, pk="id", not_null={"name"}, if_not_exists=True)
        self._table(names).create_index(["name"], unique=True, if_not_exists=True)
        self._table(links).create(
            {"article_id": int, key: int},
            pk=("article_id", key),
            foreign_keys=[("article_id", "articles", "id"), (key, names, "id")],
            if_not_exists=True,
        )
        self._table(links).create_index([key], if_not_exists=True)

    def _fill_author_rows(self) -> None:
        """Give every stored article its ``article_authors`` rows from its ``authors`` column
        (names numbered in the order the articles first name them)."""
        names = "json_each(CASE WHEN json_valid(a.authors) THEN a.authors ELSE '[]' END) j"
        self.db.execute(
            f"INSERT OR IGNORE INTO authors (name) SELECT j.value FROM articles a, {names} WHERE j.type = 'text' "
            "ORDER BY a.id, j.key"
        )
        self.db.execute(
            "INSERT OR IGNORE INTO article_authors (article_id, author_id) "
            f"SELECT a.id, au.id FROM articles a, {names} JOIN authors au ON au.name = j.value WHERE j.type = 'text'"
        )

    def _create_search_index(self) -> None:
        """Create ``articles_fts``, an FTS5 index of the search form
        (:func:`newscrawl.textnorm.search_form`) of each article's headline, lead and body, whose
        content is ``articles`` itself (external content: snippets and highlights show the text
        as written), kept by triggers in plain SQL; and index the articles already stored.

        FTS5's ``rebuild`` would index the text as written, not its search form: this
        ``INSERT ... SELECT`` is the rebuild."""
        columns = ", ".join(f"[{name}]" for name in FTS_COLUMNS)

        def folded(prefix: str) -> str:
            return ", ".join(search_form_sql(f"{prefix}[{name}]") for name in FTS_COLUMNS)

        add = f"INSERT INTO [articles_fts] (rowid, {columns}) VALUES (new.[id], {folded('new.')});"
        remove = f"INSERT INTO [articles_fts] ([articles_fts], rowid, {columns}) VALUES ('delete', old.[id], {folded('old.')});"
        tokenize = TOKENIZE.replace("'", "''")
        with self.db.conn:
            self.db.execute(
                f"CREATE VIRTUAL TABLE [articles_fts] USING FTS5 ({columns}, tokenize='{tokenize}', content=[articles], "
                "content_rowid=[id])"
            )
            self.db.execute(f"CREATE TRIGGER [articles_ai] AFTER INSERT ON [articles] BEGIN\n  {add}\nEND")
            self.db.execute(f"CREATE TRIGGER [articles_ad] AFTER DELETE ON [articles] BEGIN\n  {remove}\nEND")
            # Only a change of the indexed text (or of the id) touches the index: re-storing an
            # unchanged article, which updates when it was fetched, does not rewrite it.
            self.db.execute(
                f"CREATE TRIGGER [articles_au] AFTER UPDATE OF [id], {columns} ON [articles] BEGIN\n  {remove}\n  {add}\nEND"
            )
            self.db.execute(f"INSERT INTO [articles_fts] (rowid, {columns}) SELECT [id], {folded('')} FROM [articles]")

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

    def _add_utc_columns(self) -> None:
        """The generated UTC twins of :data:`UTC_COLUMNS`, indexed (every sort and range of times)."""
        existing = {row[1] for row in self.db.execute("PRAGMA table_xinfo(articles)")}
        for column in UTC_COLUMNS:
            if f"{column}_utc" not in existing:
                self.db.execute(
                    f"ALTER TABLE articles ADD COLUMN {column}_utc TEXT GENERATED ALWAYS AS ({utc_sql(column)}) VIRTUAL"
                )
            self.db.execute(f"CREATE INDEX IF NOT EXISTS idx_articles_{column}_utc ON articles ({column}_utc)")

    def _add_missing_columns(self, name: str, columns: dict[str, type]) -> None:
        """Add columns a newer version defines to a table an older version created."""
        table = self._table(name)
        existing = table.columns_dict
        for column, kind in columns.items():
            if column not in existing:
                table.add_column(column, kind)

    def _fill_text_seen(self) -> None:
        """When the texts of an archive from before ``text_seen_at`` were first fetched, where that
        is known: an article's first text was first fetched when the article was; a later one's
        time was not recorded (null)."""
        self.db.execute("UPDATE articles SET text_seen_at = first_seen_at WHERE coalesce(version, 1) = 1")
        self.db.execute(
            "UPDATE article_versions SET text_seen_at = "
            "(SELECT first_seen_at FROM articles a WHERE a.id = article_versions.article_id) WHERE version = 1"
        )

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


#: The steps that migrate an archive, by the version they start from: ``UPGRADES[n]`` brings an
#: archive of version ``n`` to version ``n + 1``. They run in order, with the version bump, in one
#: transaction, before :meth:`Archive._create_schema` (which creates any table, column, index
#: or view an archive lacks: a step is for what that cannot do, such as filling a new column of
#: the rows already stored). There are :data:`SCHEMA_VERSION` of them.
UPGRADES: tuple[Callable[[Schema], None], ...] = (
    Schema._from_version_0,
    Schema._from_version_1,
    Schema._from_version_2,
    Schema._from_version_3,
    Schema._from_version_4,
)
