"""``newscrawl reextract``: the archive's articles read again from the pages the crawl kept (its
WARC files, no network) with today's extraction, and what changed stored as the crawl stores it.

The pages are read in worker processes, one per core (:class:`newscrawl.pool.WorkerPool`, as
the crawl's pages);
this process selects the articles, decides what to store of each (:mod:`newscrawl.record.fieldchanges`)
and writes in batches, one transaction each, holding the archive's crawl lock: a crawl cannot
write meanwhile. A run that stops midway has stored its batches so far; running again finishes
the rest, and what it had stored reads as unchanged.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from newscrawl.archive import (
    SCHEMA_VERSION,
    Archive,
    ArchiveBusyError,
    ArchiveError,
    ArchiveVersionError,
    count_unkept,
    has_captures,
    homepage_capture,
    kept_pages,
    schema_version,
    stored_text,
)
from newscrawl.desk.query import ArticleFilter, connect_readonly
from newscrawl.desk.terminal import terminal_safe
from newscrawl.discovery import HINT_FIELDS, ArticleHints
from newscrawl.pool import WorkerPool
from newscrawl.record.fieldchanges import ChangeTable, decide, format_table
from newscrawl.record.reextraction import KeptPage, Reread, menus, profile_of, reread
from newscrawl.sites import registry
from newscrawl.urls import origin
from newscrawl.warc import WarcReadError, read_exchange

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from newscrawl.items import ArticleItem

#: Articles stored per transaction.
BATCH = 100


@dataclass(frozen=True)
class Choice:
    """Which articles to read again, from where, and how."""

    #: The folder of the WARC files.
    warc_dir: Path
    #: Their publication dates (``--since``).
    where: ArticleFilter = field(default_factory=ArticleFilter)
    #: The article of this canonical URL only.
    url: str | None = None
    #: Only articles whose kept page this crawl run fetched.
    run: int | None = None
    #: Decide and count, write nothing.
    dry_run: bool = False
    #: Worker processes; ``None``: one per core.
    processes: int | None = None


class _Selection:
    """The kept pages to read again, and what the selection found of the others."""

    def __init__(self) -> None:
        self.pages: list[KeptPage] = []
        self.missing_files: dict[str, int] = {}
        self.problems: list[str] = []


def reextract_command(db: Path, choice: Choice, out: IO[str] = sys.stdout) -> int:
    """``newscrawl reextract``: read the articles ``choice`` selects again from their kept pages,
    store what changed (unless a dry run) and print the table of changes; returns the exit
    status: 0 done, 1 no archive or nothing readable, 2 an archive of a newer schema, 4 the
    archive busy, 130 interrupted (Ctrl-C: the batches decided are stored)."""
    dry_run = choice.dry_run
    if not db.is_file():
        return _fail(f"no archive at {db}", 1)
    archive: Archive | None = None
    try:
        if dry_run:
            con = connect_readonly(db)
            version = schema_version(con)
            if version > SCHEMA_VERSION:
                con.close()
                return _fail(f"archive {db} has schema version {version}; this newscrawl reads {SCHEMA_VERSION}", 2)
        else:
            archive = Archive(db, exclusive=True)
            con = archive.db.conn
    except ArchiveVersionError as exc:
        return _fail(str(exc), 2)
    except ArchiveBusyError as exc:
        return _fail(str(exc), 4)
    except ArchiveError as exc:
        return _fail(str(exc), 1)
    try:
        with closing(con) if archive is None else contextlib.nullcontext():
            return _reextract(con, archive, choice, out)
    except sqlite3.OperationalError as exc:
        return _fail(f"cannot {'read' if dry_run else 'write'} archive {db}: {exc}", 4 if archive else 1)
    finally:
        if archive is not None:
            archive.close()


def _reextract(con: sqlite3.Connection, archive: Archive | None, choice: Choice, out: IO[str]) -> int:
    table = ChangeTable()
    if not has_captures(con):
        return _fail("the archive keeps no page yet (no captures): nothing to read again", 1)
    selection = _select(con, choice, table)
    condition, params = choice.where.where("a")
    table.unkept = 0 if choice.run is not None else count_unkept(con, condition, params, url=choice.url)
    for name, count in sorted(selection.missing_files.items()):
        _warn(f"WARC file {choice.warc_dir / name} is missing: {count:,} pages not read")
    for problem in selection.problems:
        _warn(problem)
    started = time.monotonic()
    progress = _Progress(len(selection.pages)) if sys.stderr.isatty() else None
    interrupted = False
    try:
        _read_and_store(con, archive, choice, selection.pages, table, progress=progress)
    except KeyboardInterrupt:
        interrupted = True
    if progress is not None:
        progress.clear()
    # Field names and counts only: no crawled text to make inert.
    print(format_table(table, dry_run=choice.dry_run, seconds=time.monotonic() - started), file=out)
    if interrupted:
        return _fail("interrupted: what the table counts is stored (unless a dry run); run again for the rest", 130)
    if not table.read and not table.not_article:
        return _fail("no kept page could be read" if table.selected else "no article selected has a kept page", 1)
    return 0


def _read_and_store(
    con: sqlite3.Connection,
    archive: Archive | None,
    choice: Choice,
    pages: list[KeptPage],
    table: ChangeTable,
    *,
    progress: _Progress | None,
) -> None:
    """Read ``pages`` again, count what changed in ``table`` and store it with ``archive``, in
    batches (none without an archive: a dry run)."""
    pending: list[tuple[int, ArticleItem, dict[str, Any], bool]] = []
    try:
        for done, result in enumerate(_reread_all(pages, choice.processes), 1):
            if result.item is None:
                if result.unreadable:
                    table.unreadable += 1
                else:
                    table.not_article += 1
                _warn(result.problem or "")
            else:
                stored = stored_text(con, result.article_id)
                decision = decide(stored, result.item, result.digest, registry.expected_fields(stored["url"]))
                table.add(decision)
                if decision.outcome == "held":
                    _warn(f"{stored['url']}: not stored, the new text looks worse: {decision.why}")
                elif decision.values and archive is not None:
                    pending.append((result.article_id, result.item, decision.values, decision.outcome == "version"))
                    if len(pending) >= BATCH:
                        archive.store_reextracted(pending)
                        pending = []
            if progress is not None:
                progress.step(done)
    finally:
        # Decided in full, so stored even when Ctrl-C stops the rest.
        if pending and archive is not None:
            archive.store_reextracted(pending)


def _select(con: sqlite3.Connection, choice: Choice, table: ChangeTable) -> _Selection:
    """The kept pages of the selected articles, with the menus of the homepage each crawl read."""
    selection = _Selection()
    warc_dir = choice.warc_dir
    menus_of: dict[tuple[int | None, str], tuple[dict[str, str], dict[str, str]]] = {}
    present: dict[str, bool] = {}
    condition, params = choice.where.where("a")
    for row in kept_pages(con, condition, params, url=choice.url, run=choice.run):
        table.selected += 1
        if row["payload_id"] is None:
            table.unreadable += 1
            selection.problems.append(f"{row['url']}: its capture is a revisit of a response not recorded")
            continue
        if row["warc_file"] is None:
            table.pruned += 1
            continue
        path = warc_dir / row["warc_file"]
        if row["warc_file"] not in present:
            present[row["warc_file"]] = path.is_file()
        if not present[row["warc_file"]]:
            table.unreadable += 1
            selection.missing_files[row["warc_file"]] = selection.missing_files.get(row["warc_file"], 0) + 1
            continue
        key = (row["run_id"], origin(row["fetched_url"]))
        if key not in menus_of:
            menus_of[key] = _menus(con, warc_dir, key, row["url"])
        sections, regions = menus_of[key]
        selection.pages.append(
            KeptPage(
                article_id=row["id"],
                url=row["url"],
                warc_path=str(path),
                offset=row["offset"],
                section=row["section"],
                hints=_hints(row) if profile_of(row["url"]) == "news" else ArticleHints(),
                sections=sections,
                regions=regions,
                fetched_at=datetime.fromisoformat(row["fetched_at"]),
            )
        )
    return selection


def _hints(row: dict[str, Any]) -> ArticleHints:
    """The stored headline, publication time and tags, as a ``news`` crawl's hints: they fill
    only what the page does not give, as the crawl's sitemap and feed hints did; each keeps the
    source stored with it, else ``archive`` (what the archive held)."""
    tags = tuple(json.loads(row["tags"] or "[]"))
    stored = json.loads(row["field_sources"] or "{}")
    sources = {hint: stored.get(name, "archive") for hint, name in HINT_FIELDS.items()}
    return ArticleHints(title=row["headline"], published=row["published_at"], keywords=tags, sources=sources)


def _menus(
    con: sqlite3.Connection, warc_dir: Path, key: tuple[int | None, str], url: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The menus of the homepage crawl run ``key[0]`` read from ``key[1]`` (empty when not kept)."""
    found = homepage_capture(con, key[1] + "/", key[0])
    if found is None:
        return {}, {}
    try:
        return menus(read_exchange(warc_dir / found[0], found[1]), url)
    except WarcReadError:
        return {}, {}


def _reread_all(pages: list[KeptPage], processes: int | None) -> Iterator[Reread]:
    """:func:`reread` of every page, in order: in one worker process per core (``processes``
    when given), in this one for 0 or where processes cannot be forked."""
    count = os.cpu_count() or 1 if processes is None else processes
    with WorkerPool(reread, describe=_rereading) as pool:
        if len(pages) >= 2:
            pool.start(min(count, len(pages)))
        yield from pool.map(pages)


def _rereading(page: KeptPage) -> str:
    return f"{page.url}: reading the kept page again"


class _Progress:
    """The progress line on a terminal: ``1,200 of 5,000 pages (24%) · 230 pages/s``."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.started = self.shown = time.monotonic()

    def step(self, done: int) -> None:
        now = time.monotonic()
        if now - self.shown < 0.5 and done < self.total:
            return
        self.shown = now
        rate = done / (now - self.started) if now > self.started else 0.0
        share = f" ({100 * done // self.total}%)" if self.total else ""
        sys.stderr.write(f"\rnewscrawl reextract: {done:,} of {self.total:,} pages{share} · {rate:,.0f} pages/s\x1b[K")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def _warn(message: str) -> None:
    print(f"newscrawl reextract: {terminal_safe(message)}", file=sys.stderr)


def _fail(message: str, status: int) -> int:
    _warn(message)
    return status
