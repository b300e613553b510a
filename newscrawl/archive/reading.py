"""What the commands read of an archive besides a crawl's own reads (:mod:`newscrawl.archive.state`),
each through a connection they open (read-only): the recent crawl runs (``newscrawl runs``), the
articles whose stored text was read from a kept page and where that page is (``newscrawl
reextract``), an article's stored text with its captions, the schema version of a file,
whether it keeps captures, the WARC files its captures name and the articles' captures
(``export --format warc``, ``warc prune``).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newscrawl.archive.connection import ArchiveError, read_only_uri
from newscrawl.archive.schema import RUN_COUNTS

if TYPE_CHECKING:
    from collections.abc import Sequence


#: The columns ``newscrawl runs`` shows, in order; ``message`` is the run's ``newscrawl/message``
#: stat (why it did not finish cleanly).
RUN_COLUMNS = ("id", "spider", "started_at", "finished_at", "status", *RUN_COUNTS, "args", "message", "workers")
# The ``message`` and ``workers`` (of a distributed run) columns of RUN_COLUMNS: read out of the run's stats.
_FROM_STATS = {
    "message": """json_extract(stats, '$."newscrawl/message"')""",
    "workers": """json_extract(stats, '$."newscrawl/workers"')""",
}


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
            wanted = [c for c in RUN_COLUMNS if c in columns or (c in _FROM_STATS and "stats" in columns)]
            selected = [_FROM_STATS.get(c, c) for c in wanted]
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
    ``headline``, ``published_at``, ``tags``, ``field_sources`` (``None`` in an archive from before
    that column), the capture's ``capture_id``, ``run_id``, ``fetched_url``,
    ``fetched_at`` and ``record_type``, and where the payload is (a revisit's is in the response it refers to):
    ``warc_file`` (``None`` once pruned), ``offset``, ``payload_id`` (``None`` for a revisit whose
    response is not recorded). In the order of the WARC files, so each is read front to back."""
    sources = (
        "a.field_sources" if any(row[1] == "field_sources" for row in con.execute("PRAGMA table_info(articles)")) else "NULL"
    )
    sql = (
        f"SELECT a.id, a.url, a.section, a.headline, a.published_at, a.tags, {sources} AS field_sources,"
        " c.id AS capture_id, c.run_id, c.url AS fetched_url,"
        " c.fetched_at, c.record_type, p.id AS payload_id, p.warc_file, p.offset"
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


def has_utc_times(con: sqlite3.Connection) -> bool:
    """Whether the archive open as ``con`` has ``published_at_utc`` and ``modified_at_utc``
    (version 3 on; an older archive is read as it is, sorted by its local times)."""
    return any(row[1] == "published_at_utc" for row in con.execute("PRAGMA table_xinfo(articles)"))


def has_captures(con: sqlite3.Connection) -> bool:
    """Whether the archive keeps captures: its ``articles`` table has ``capture_id``, and it has
    the ``captures`` table (an archive from before issue 15, read without writing, has neither)."""
    columns = {row[1] for row in con.execute("PRAGMA table_info(articles)")}
    table = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'captures'").fetchone()
    return "capture_id" in columns and table is not None


def warc_files(con: sqlite3.Connection) -> dict[str, tuple[str, int]]:
    """The WARC files the captures name (``newscrawl warc prune``): per file, when its last
    capture was fetched and how many captures it holds."""
    return {
        row[0]: (row[1], row[2])
        for row in con.execute(
            "SELECT warc_file, max(fetched_at), count(*) FROM captures WHERE warc_file IS NOT NULL GROUP BY warc_file"
        )
    }


def revisit_needs(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """``(revisit's file, response's file)`` for each two WARC files where a revisit in the first
    refers to a response in the second: the second must stay while the first does."""
    return con.execute(
        "SELECT DISTINCT v.warc_file, r.warc_file FROM captures v JOIN captures r ON r.id = v.refers_to "
        "WHERE v.warc_file IS NOT NULL AND r.warc_file IS NOT NULL AND v.warc_file != r.warc_file"
    ).fetchall()


def article_captures(con: sqlite3.Connection, condition: str = "1", params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The articles ``condition`` on ``articles a`` selects, in ``id`` order, each with its capture
    (``export --format warc``): ``(id, headline, url, fetched_at, record_type, record_id,
    warc_file, offset, length)`` of the article and its capture, then ``(record_id, url,
    warc_file, offset, length)`` of the response a revisit refers to; ``None`` where there is none."""
    return con.execute(
        "SELECT a.id, a.headline, c.url, c.fetched_at, c.record_type, c.record_id, c.warc_file, c.offset, c.length, "
        "r.record_id, r.url, r.warc_file, r.offset, r.length "
        "FROM articles a LEFT JOIN captures c ON c.id = a.capture_id LEFT JOIN captures r ON r.id = c.refers_to "
        f"WHERE {condition} ORDER BY a.id",
        params,
    ).fetchall()
