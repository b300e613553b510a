"""``newscrawl export``: the archive's articles as CSV, JSON lines or Parquet, streamed.

Rows are read ``batch`` at a time through a read-only connection and written as they come, so an
archive of any size exports in constant memory (a Parquet file gets one row group per batch),
while a crawl may be writing. A file is written under a temporary name and renamed when
complete: an export that fails leaves no half file behind.

Parquet needs pyarrow, an optional extra (``pip install 'newscrawl[parquet]'``): it is imported
only when that format is asked for.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from newscrawl.archive import ArchiveError
from newscrawl.desk.query import ArticleFilter, connect_readonly, has_articles_table
from newscrawl.desk.terminal import fail

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterator, Sequence

#: The formats ``--format`` takes.
FORMATS = ("csv", "jsonl", "parquet")
#: Columns holding JSON arrays of strings: lists in JSON lines and Parquet, JSON text in CSV.
JSON_LIST_COLUMNS = frozenset({"authors", "tags", "missing_fields"})
#: Columns holding a JSON object: an object in JSON lines, JSON text in CSV and Parquet (their
#: keys are what a sitemap gave, the fields an article has).
JSON_OBJECT_COLUMNS = frozenset({"sitemap_news", "field_sources"})
#: Columns of times in UTC (ISO 8601, ``+00:00``): timestamps in UTC in Parquet. The local times
#: (``published_at``, ``modified_at``) stay text there: their offsets differ from row to row,
#: and a Parquet column has one zone.
UTC_TIME_COLUMNS = frozenset({"published_at_utc", "modified_at_utc", "first_seen_at", "last_fetched_at"})
#: Rows read and written at a time (and a Parquet file's row group size).
BATCH = 1000
#: What a CSV cell may not start with, unless asked (``--keep-formulas``): a spreadsheet reads
#: such a cell as a formula (OWASP's CSV injection rule).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: How to get what ``--format parquet`` needs.
PARQUET_EXTRA = "pip install 'newscrawl[parquet]'"


class MissingExtraError(Exception):
    """A format needs a package that is not installed (an optional extra of newscrawl)."""


def require_pyarrow() -> None:
    """Raise :class:`MissingExtraError` saying how to install pyarrow when it cannot be imported."""
    try:
        import pyarrow.parquet  # noqa: F401, PLC0415 -- a heavy import that only this format needs
    except ImportError as exc:
        raise MissingExtraError(f"--format parquet needs pyarrow, which is not installed: {PARQUET_EXTRA}") from exc


def neutralized(value: object) -> object:
    """A CSV cell's value: text that a spreadsheet would run as a formula (it starts with one of
    :data:`FORMULA_STARTS`) behind a ``'``, which shows it as text; anything else (a number, a
    NULL) as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Writer(Protocol):
    def write(self, rows: Sequence[sqlite3.Row]) -> None: ...

    def close(self) -> None: ...


class CsvWriter:
    """CSV with a header row; NULL is an empty cell, JSON columns stay their JSON text, text that
    would be a formula is :func:`neutralized` unless ``keep_formulas``."""

    def __init__(self, stream: IO[str], columns: Sequence[tuple[str, str]], *, keep_formulas: bool = False) -> None:
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow([name for name, _ in columns])
        self.keep_formulas = keep_formulas

    def write(self, rows: Sequence[sqlite3.Row]) -> None:
        """Write a batch of ``articles`` rows."""
        if self.keep_formulas:
            self.writer.writerows(tuple(row) for row in rows)
        else:
            self.writer.writerows([neutralized(value) for value in row] for row in rows)

    def close(self) -> None:
        """Nothing to finish: every row is written."""


class JsonlWriter:
    """One JSON object per line, keys in the table's column order, JSON columns decoded."""

    def __init__(self, stream: IO[str], columns: Sequence[tuple[str, str]]) -> None:
        self.stream = stream
        self.names = [name for name, _ in columns]
        self.decoded = [name in JSON_LIST_COLUMNS or name in JSON_OBJECT_COLUMNS for name in self.names]

    def write(self, rows: Sequence[sqlite3.Row]) -> None:
        """Write a batch of ``articles`` rows."""
        for row in rows:
            record = {
                name: _json(value) if decoded else value
                for name, value, decoded in zip(self.names, row, self.decoded, strict=True)
            }
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        """Nothing to finish: every row is written."""


class ParquetWriter:
    """A Parquet file, one row group per batch: integers as int64, JSON-array columns as lists of
    strings, the times in UTC as timestamps in UTC (in milliseconds, as Parquet keeps them), every other column as a string."""

    def __init__(self, path: Path, columns: Sequence[tuple[str, str]]) -> None:
        import pyarrow as pa  # noqa: PLC0415 -- a heavy import that only this format needs
        import pyarrow.parquet as pq  # noqa: PLC0415

        self.pa = pa
        self.names = [name for name, _ in columns]
        self.schema = pa.schema([(name, _arrow_type(pa, name, kind)) for name, kind in columns])
        self.readers = [_json if name in JSON_LIST_COLUMNS else _utc if name in UTC_TIME_COLUMNS else None for name in self.names]
        self.writer = pq.ParquetWriter(path, self.schema)

    def write(self, rows: Sequence[sqlite3.Row]) -> None:
        """Write a batch of ``articles`` rows as one row group."""
        data = {
            name: [row[i] for row in rows] if read is None else [read(row[i]) for row in rows]
            for i, (name, read) in enumerate(zip(self.names, self.readers, strict=True))
        }
        self.writer.write_batch(self.pa.RecordBatch.from_pydict(data, schema=self.schema))

    def close(self) -> None:
        """Write the file's footer."""
        self.writer.close()


def _arrow_type(pa: Any, name: str, declared: str) -> Any:
    if name in JSON_LIST_COLUMNS:
        return pa.list_(pa.string())
    if name in UTC_TIME_COLUMNS:
        return pa.timestamp("ms", tz="UTC")
    return {"INTEGER": pa.int64(), "REAL": pa.float64()}.get(declared.upper(), pa.string())


def _json(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _utc(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def article_columns(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """``(name, declared type)`` of the ``articles`` table's columns, in table order, the generated
    ones too (as ``SELECT *`` returns them)."""
    return [(row[1], row[2]) for row in con.execute("PRAGMA table_xinfo(articles)") if row[6] != 1]


def export_articles(
    db: str | Path,
    fmt: str,
    out: Path | None,
    where: ArticleFilter | None = None,
    *,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    keep_formulas: bool = False,
) -> int:
    """Write the articles of the archive at ``db`` that ``where`` selects (all by default),
    ordered by ``id``, to the file ``out`` (``None``: standard output, not for Parquet) in the
    format ``fmt``; call ``progress(done, total)`` after each batch when given. A CSV cell that
    a spreadsheet would read as a formula is :func:`neutralized` unless ``keep_formulas``. Returns how many
    articles were written. Raises :class:`ArchiveError` when there is no archive with articles
    to read, ``ValueError`` for Parquet to standard output, :class:`MissingExtraError` for Parquet
    without pyarrow and ``OSError`` when ``out`` cannot be written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if out is None and fmt == "parquet":
        raise ValueError("parquet needs a file to write (a Parquet file ends with its index)")
    if fmt == "parquet":
        require_pyarrow()
    with closing(connect_readonly(db)) as con:
        if not has_articles_table(con):
            raise ArchiveError(f"archive {db} holds no article yet")
        columns = article_columns(con)
        condition, params = (where or ArticleFilter()).where()
        # One read transaction: the count and the rows see the same archive while a crawl writes.
        con.execute("BEGIN")
        total = con.execute(f"SELECT count(*) FROM articles WHERE {condition}", params).fetchone()[0] if progress else 0
        cursor = con.execute(f"SELECT * FROM articles WHERE {condition} ORDER BY id", params)
        batches = iter(lambda: cursor.fetchmany(batch), [])
        if out is None:
            with _stdout() as stream:
                return _write(batches, _text_writer(fmt, stream, columns, keep_formulas), total, progress)
        with replacing(out) as part:
            if fmt == "parquet":
                return _write(batches, ParquetWriter(part, columns), total, progress)
            with open(part, "w", encoding="utf-8", newline="") as stream:
                return _write(batches, _text_writer(fmt, stream, columns, keep_formulas), total, progress)


def _text_writer(fmt: str, stream: IO[str], columns: Sequence[tuple[str, str]], keep_formulas: bool) -> _Writer:
    return CsvWriter(stream, columns, keep_formulas=keep_formulas) if fmt == "csv" else JsonlWriter(stream, columns)


def _write(batches: Iterator[list[sqlite3.Row]], writer: _Writer, total: int, progress: Callable[[int, int], None] | None) -> int:
    done = 0
    try:
        for chunk in batches:
            writer.write(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    finally:
        writer.close()
    return done


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``, renamed to ``out`` when the block ends and removed when
    it fails: ``out`` is complete or untouched."""
    part = out.with_name(f".{out.name}.part")
    try:
        yield part
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


@contextmanager
def _stdout() -> Iterator[IO[str]]:
    """Standard output as UTF-8 text without newline translation (CSV writes its own)."""
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    yield stream
    stream.detach()  # flushes, and leaves sys.stdout's buffer open


def progress_line(done: int, total: int) -> str:
    """The progress line of an export: ``1,000 of 52,000 articles (2%)``."""
    share = f" ({100 * done // total}%)" if total else ""
    return f"{done:,} of {total:,} articles{share}"


def export_command(
    db: Path, fmt: str, out: str, where: ArticleFilter | None = None, *, batch: int = BATCH, keep_formulas: bool = False
) -> int:
    """``newscrawl export``: write the articles to ``out`` (``-``: standard output), with a
    progress line on standard error when it is a terminal (CSV cells :func:`neutralized` unless
    ``keep_formulas``); returns the exit status: 0, 1 when there is no archive to read or ``out``
    cannot be written, 2 for Parquet to standard output or without pyarrow."""
    target = None if out == "-" else Path(out)
    show = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\rnewscrawl export: {progress_line(done, total)}")
        sys.stderr.flush()

    try:
        written = export_articles(
            db, fmt, target, where, batch=batch, progress=progress if show else None, keep_formulas=keep_formulas
        )
    except (ValueError, MissingExtraError) as exc:
        return fail("export", exc, 2)
    except BrokenPipeError:
        # The reader stopped (``| head``): not an error; keep Python from reporting it at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ArchiveError, OSError) as exc:
        return export_failed(exc, out)
    if show:
        where_to = "standard output" if target is None else str(target)
        sys.stderr.write(f"\rnewscrawl export: {written:,} articles to {where_to}\x1b[K\n")
    return 0


def export_failed(exc: ArchiveError | OSError, out: str) -> int:
    """Say on standard error why ``newscrawl export`` (of any format) failed: the archive could not
    be read (``ArchiveError``), or ``out`` could not be written; returns the exit status, 1."""
    why = str(exc) if isinstance(exc, ArchiveError) else f"cannot write {out}: {exc.strerror or exc}"
    return fail("export", why, 1)
