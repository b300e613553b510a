"""Read-only questions to an archive from the terminal: ``newscrawl stats`` and ``newscrawl search``.

Everything here reads through its own read-only connection, so it never writes and never
blocks a crawl that is writing (the archive is in WAL mode); an archive in a read-only place (a
read-only mount, a folder without write permission) is read as immutable. The filters (:class:`ArticleFilter`)
are shared with ``newscrawl export``.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import textwrap
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from newscrawl.archive import ArchiveError, has_utc_times, read_only_uri
from newscrawl.desk.days import published_day
from newscrawl.desk.terminal import fail, json_line, terminal_safe
from newscrawl.textnorm import search_form

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Where the archive is when ``--db`` does not say.
DEFAULT_DB = Path("data/archive.db")
#: How wide the terminal output is laid out.
WIDTH = 80
# The snippet's match markers as SQLite writes them, replaced by bold or brackets when shown:
# control characters, which a page's text rarely holds (and when it does, they show as one more
# mark: never as a control, see format_hits).
_OPEN, _CLOSE = "\x02", "\x03"
# bm25 weights of articles_fts's columns (headline, lead, body): a match in the headline says
# more about what an article is about than one in its body.
_WEIGHTS = (5.0, 2.0, 1.0)
# Tokens of text around the match in a snippet: about one line of a terminal.
_SNIPPET_TOKENS = 14
# SQLite's messages for an FTS5 query it cannot parse (not for a locked or broken file).
_BAD_QUERY = re.compile(r"fts5|syntax error|unterminated string|no such column|unknown special query", re.IGNORECASE)


class QueryError(ValueError):
    """A search query that FTS5 cannot parse; the message says why."""


class EditionError(ValueError):
    """An ``--edition`` the archive holds no article of; the message names the editions it holds."""


def parse_day(value: str) -> date:
    """A ``--since``/``--until`` value, ``YYYY-MM-DD``, as a date; raises ``ValueError`` with a
    message fit for the user otherwise."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date YYYY-MM-DD") from None


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a command looks at: published from ``since`` to ``until`` (both included,
    each optional; the day of :func:`newscrawl.desk.days.published_day`, as the desk's dashboard
    and canned queries count: UTC where the site gives its time's offset, else the date the site
    gives) in ``section`` (the site's
    name for it) of ``edition`` (its code: ``en``, ``ar``, ``es``), both in any letter case as
    SQLite's ``NOCASE`` folds it: ASCII letters only (``POLITICS`` is ``Politics``; Arabic has no
    case; a Spanish section's ``É`` must be written ``É``), as the desk's canned ``search`` query
    does. Without a date bound, articles without a publication date count too; with one, they
    do not."""

    since: date | None = None
    until: date | None = None
    section: str | None = None
    edition: str | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"--since {self.since} is after --until {self.until}")

    def where(self, table: str = "articles") -> tuple[str, list[Any]]:
        """The SQL condition on ``table``'s columns and its parameters: ``("1", [])`` for no
        filter, so it can always follow ``WHERE``."""
        conditions: list[str] = []
        params: list[Any] = []
        # Computed from published_at, not read from published_at_utc: an archive of any version.
        day = published_day(table, stored=False)
        if self.since is not None:
            conditions.append(f"{day} >= ?")
            params.append(self.since.isoformat())
        if self.until is not None:
            conditions.append(f"{day} <= ?")
            params.append(self.until.isoformat())
        if self.section is not None:
            conditions.append(f"{table}.section = ? COLLATE NOCASE")
            params.append(self.section)
        if self.edition is not None:
            conditions.append(f"{table}.edition = ? COLLATE NOCASE")
            params.append(self.edition)
        return " AND ".join(conditions) or "1", params


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the archive at ``path``, rows as :class:`sqlite3.Row`. Raises
    :class:`ArchiveError` when there is no such file or it is not a database."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"no archive at {path}")
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA busy_timeout = 10000")
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot read archive {path}: {exc}") from exc
    return con


def has_articles_table(con: sqlite3.Connection) -> bool:
    """Whether the database holds an ``articles`` table (a crawl has created the schema)."""
    return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone() is not None


def archive_editions(con: sqlite3.Connection) -> list[str]:
    """The editions the archive's articles are of, in order."""
    if not has_articles_table(con):
        return []
    return [row[0] for row in con.execute("SELECT DISTINCT edition FROM articles WHERE edition IS NOT NULL ORDER BY 1")]


def check_edition(path: str | Path, edition: str) -> str:
    """The edition the archive at ``path`` writes ``edition`` (in any letter case, ``EN`` for
    ``en``), or ``edition`` when there is no archive to read (the command then says so). Raises
    :class:`EditionError` when the archive holds no article of it."""
    try:
        con = connect_readonly(path)
    except ArchiveError:
        return edition
    with closing(con):
        editions = archive_editions(con)
    for held in editions:
        if held.lower() == edition.lower():
            return held
    held = f"its editions: {', '.join(editions)}" if editions else "it holds no article yet"
    raise EditionError(f"no article of edition {edition!r} in {path} ({held})")


# --- stats --------------------------------------------------------------------------------------


def archive_stats(path: str | Path, edition: str | None = None) -> dict[str, Any]:
    """What the archive at ``path`` holds, or of it the articles of ``edition`` (their versions,
    tags and the edition's ticker lines; the runs stay the archive's); returns the dict
    ``newscrawl stats --json`` prints: ``edition`` (``null`` for all), ``articles`` (total), ``by_content_type``, ``by_section`` and ``by_edition`` (name to count,
    largest first; an article without one counts under ``""``), ``first_published`` and
    ``last_published`` (as stored, ordered in time across offsets), ``versions`` (earlier texts
    kept), ``revised_articles`` (articles with one or more), ``ticker_lines`` (distinct lines),
    ``tags`` (distinct), ``runs`` (crawl runs) and ``last_run`` (the latest crawl run's ``id``,
    ``spider``, ``status``, ``started_at``, ``finished_at`` and counts, or ``None``). Raises
    :class:`ArchiveError` when there is no archive to read."""
    # An edition's articles, and its rows of the tables that count its articles' things.
    mine = "edition = :edition" if edition is not None else "1"
    of_mine = f"article_id IN (SELECT id FROM articles WHERE {mine})" if edition is not None else "1"
    counted = {
        "versions": ("article_versions", f"SELECT count(*) FROM article_versions WHERE {of_mine}"),
        "ticker_lines": ("breaking", f"SELECT count(*) FROM breaking WHERE {mine}"),
        "tags": ("tags", "SELECT count(*) FROM tags" if edition is None else
                 f"SELECT count(DISTINCT tag_id) FROM article_tags WHERE {of_mine}"),
        "runs": ("crawl_runs", "SELECT count(*) FROM crawl_runs"),
    }  # fmt: skip
    bound = {"edition": edition}
    with closing(connect_readonly(path)) as con:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        stats: dict[str, Any] = {"db": str(path), "edition": edition, "articles": 0}
        if "articles" in tables:
            stats["articles"] = con.execute(f"SELECT count(*) FROM articles WHERE {mine}", bound).fetchone()[0]
            for key, column in (("by_content_type", "content_type"), ("by_section", "section"), ("by_edition", "edition")):
                rows = con.execute(
                    f"SELECT coalesce({column}, ''), count(*) AS n FROM articles WHERE {mine} GROUP BY 1 ORDER BY n DESC, 1",
                    bound,
                ).fetchall()
                stats[key] = dict(rows)
            # In time order: UTC where the archive has it (a time without offset has none).
            when = "published_at_utc" if has_utc_times(con) else "julianday(published_at)"
            span = con.execute(
                f"SELECT (SELECT published_at FROM articles WHERE {when} IS NOT NULL AND {mine}"
                f"        ORDER BY {when} LIMIT 1),"
                f"       (SELECT published_at FROM articles WHERE {when} IS NOT NULL AND {mine}"
                f"        ORDER BY {when} DESC LIMIT 1)",
                bound,
            ).fetchone()
            stats["first_published"], stats["last_published"] = span[0], span[1]
            stats["revised_articles"] = con.execute(
                f"SELECT count(*) FROM articles WHERE version > 1 AND {mine}", bound
            ).fetchone()[0]
        else:
            stats.update(by_content_type={}, by_section={}, by_edition={}, first_published=None, last_published=None)
            stats["revised_articles"] = 0
        for key, (table, sql) in counted.items():
            readable = table in tables and (edition is None or "articles" in tables)
            stats[key] = con.execute(sql, bound).fetchone()[0] if readable else 0
        stats["last_run"] = None
        if "crawl_runs" in tables:
            columns = [row[1] for row in con.execute("PRAGMA table_info(crawl_runs)")]
            wanted = [c for c in _LAST_RUN_COLUMNS if c in columns]
            row = con.execute(f"SELECT {', '.join(wanted)} FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
            if row is not None:
                stats["last_run"] = dict(zip(wanted, row, strict=True))
    return stats


_LAST_RUN_COLUMNS = (
    "id", "spider", "status", "started_at", "finished_at", "requests", "new_articles", "new_versions", "unchanged", "errors",
)  # fmt: skip


def format_stats(stats: dict[str, Any], width: int = WIDTH) -> str:
    """The text ``newscrawl stats`` prints: one labelled line per fact, long lists wrapped to
    ``width`` columns. An archive without articles is the one line ``archive PATH holds no
    article yet``."""
    if not stats["articles"]:
        return f"archive {stats['db']} holds no article yet"
    edition = stats.get("edition")
    span = f"{_moment(stats['first_published'])} to {_moment(stats['last_published'])}" if stats["first_published"] else "no date"
    lines = [
        ("archive", stats["db"] + (f", edition {edition}" if edition else "")),
        ("articles", f"{stats['articles']:,}"),
        ("published", span),
        ("versions", f"{stats['versions']:,} earlier texts of {stats['revised_articles']:,} revised articles"),
        ("ticker", f"{stats['ticker_lines']:,} lines"),
        ("tags", f"{stats['tags']:,}"),
        ("last run", _last_run(stats["last_run"], stats["runs"])),
        ("by type", _counts(stats["by_content_type"])),
        ("by edition", _counts(stats["by_edition"])),
        ("by section", _counts(stats["by_section"])),
    ]
    label_width = max(len(label) for label, _ in lines) + 2
    return "\n".join(wrap_items(_shown(value), width, label.ljust(label_width)) for label, value in lines)


def _shown(value: list[str] | str) -> list[str] | str:
    return terminal_safe(value) if isinstance(value, str) else [terminal_safe(item) for item in value]


def _moment(value: str) -> str:
    return value[:16].replace("T", " ") + (f" {value[19:]}" if len(value) > 19 else "")


def _last_run(run: dict[str, Any] | None, runs: int) -> list[str] | str:
    if run is None:
        return "none"
    started = str(run.get("started_at") or "")[:16].replace("T", " ")
    return [
        f"#{run['id']} of {runs:,}: {run.get('spider')} {run.get('status')}",
        f"started {started} UTC",
        f"{run.get('new_articles') or 0:,} new",
        f"{run.get('new_versions') or 0:,} revised",
        f"{run.get('unchanged') or 0:,} unchanged",
        f"{run.get('errors') or 0:,} errors",
    ]


def _counts(counts: dict[str, int]) -> list[str]:
    return [f"{name or '(none)'} {n:,}" for name, n in counts.items()]


def wrap_items(items: Sequence[str] | str, width: int, label: str) -> str:
    """``label`` then ``items`` joined by ``, ``, broken between items (never inside one) into
    lines of at most ``width`` columns where an item allows, later lines indented under the
    first item; a string is one item."""
    if isinstance(items, str):
        items = [items]
    indent = " " * len(label)
    lines: list[str] = []
    line = label
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if line == label:
            line += piece
        elif len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = indent + piece
        else:
            line += " " + piece
    lines.append(line)
    return "\n".join(line.rstrip() for line in lines)


# --- search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One article that matches a search, with its snippet (the matches between the markers
    ``\\x02`` and ``\\x03``; :func:`mark` shows them)."""

    rank: float
    published_at: str | None
    section: str | None
    headline: str | None
    url: str
    snippet: str

    def as_json(self) -> dict[str, Any]:
        """The hit as ``newscrawl search --json`` prints it: its fields, the snippet with the
        matches in brackets (``[pharisaism]``)."""
        return {
            "rank": self.rank,
            "published_at": self.published_at,
            "section": self.section,
            "headline": self.headline,
            "url": self.url,
            "snippet": mark(self.snippet, "[", "]"),
        }


def search(path: str | Path, query: str, where: ArticleFilter | None = None, limit: int = 10) -> list[Hit]:
    """The articles of the archive at ``path`` that match the FTS5 ``query`` (its full syntax:
    words, ``"phrases"``, ``prefix*``, ``AND``/``OR``/``NOT``, ``NEAR``, ``headline:word``) in
    their headline, lead or body, best first by bm25 (headline matches weigh most), at most
    ``limit``, among the articles ``where`` selects (all by default). The query is matched in its
    search form (:func:`newscrawl.textnorm.search_form`), as the index holds the text's: with or
    without Arabic marks, whatever the alef, ``educacion`` or ``educación``; the snippets show the
    text as written. Raises :class:`QueryError` for a query FTS5 cannot parse and
    :class:`ArchiveError` when there is no archive to read."""
    condition, params = (where or ArticleFilter()).where("a")
    weights = ", ".join(str(w) for w in _WEIGHTS)
    highlights = ", ".join(f"highlight(articles_fts, {n}, '{_OPEN}', '{_CLOSE}')" for n in range(len(_WEIGHTS)))
    # The snippets of the best hits only (a common word matches thousands of articles): the
    # best found first, then each matched again by its rowid (CROSS JOIN keeps that order).
    sql = (
        f"WITH best AS (SELECT a.id, bm25(articles_fts, {weights}) AS score"
        " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        f" WHERE articles_fts MATCH ? AND {condition} ORDER BY score, a.id LIMIT ?)"
        " SELECT best.score AS rank, a.published_at, a.section, a.headline, a.url, whole_snippet("
        f"'{_OPEN}', '{_CLOSE}', '…', snippet(articles_fts, -1, '{_OPEN}', '{_CLOSE}', '…', {_SNIPPET_TOKENS}),"
        f" {highlights}) AS snippet"
        " FROM best CROSS JOIN articles_fts ON articles_fts.rowid = best.id JOIN articles a ON a.id = best.id"
        " WHERE articles_fts MATCH ? ORDER BY best.score, best.id"
    )
    with closing(connect_readonly(path)) as con:
        if not has_articles_table(con):
            return []
        con.create_function("whole_snippet", -1, whole_snippet, deterministic=True)
        try:
            rows = con.execute(sql, [search_form(query), *params, limit, search_form(query)]).fetchall()
        except sqlite3.OperationalError as exc:
            if _BAD_QUERY.search(str(exc)):
                raise QueryError(f"cannot search for {query!r}: {exc}") from None
            raise ArchiveError(f"cannot read archive {path}: {exc}") from exc
    return [
        Hit(round(row["rank"], 6), row["published_at"], row["section"], row["headline"], row["url"], _one_line(row["snippet"]))
        for row in rows
    ]


def whole_snippet(start: str, end: str, ellipsis: str, snippet: str | None, *highlights: str | None) -> str | None:
    """FTS5's ``snippet`` (its matches between ``start`` and ``end``, ``ellipsis`` where it cuts
    the text) with a match it cuts at either end made whole, from the ``highlight`` of the
    columns it may be cut from (``highlights``, ``NULL`` for an empty column), on one line. FTS5
    chooses a snippet that holds a phrase's first word, often from the start of its sentence,
    and may cut the phrase after it (``passes through the [Strait]…``): here it runs on to the
    phrase's end (``…the [Strait of Hormuz], between Iran and Oman.``). The SQL function
    ``whole_snippet`` of ``newscrawl search`` and of the desk's canned ``search``."""
    if snippet is None:
        return None
    core = snippet.removeprefix(ellipsis)
    cut_before = len(core) < len(snippet)
    shortened = core.removesuffix(ellipsis)
    cut_after = len(shortened) < len(core)
    core = shortened
    text, _ = _matches(core, start, end)
    for highlight in highlights:
        if not highlight or not text:
            continue
        column, spans = _matches(highlight, start, end)
        first = column.find(text)
        if first < 0:
            continue
        last = first + len(text)
        first = min([first, *(a for a, b in spans if a < first < b)])
        last = max([last, *(b for a, b in spans if a < last < b)])
        # What is left of the column after the match, or before it, when it is no word (a full
        # stop, a closing quote) is shown rather than an ellipsis.
        if not _WORD.search(column[last:]):
            last, cut_after = len(column), False
        if not _WORD.search(column[:first]):
            first, cut_before = 0, False
        pieces = [ellipsis] if cut_before else []
        at = first
        for opened, closed in spans:
            a, b = max(opened, first), min(closed, last)
            if a < b:
                pieces += [column[at:a], start, column[a:b], end]
                at = b
        pieces += [column[at:last], ellipsis if cut_after else ""]
        return _one_line("".join(pieces))
    return _one_line(snippet)


_WORD = re.compile(r"\w")


def _matches(text: str, start: str, end: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` without its match markers, and where each match is in it (start, end)."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for n, piece in enumerate(text.split(start)):
        inside, _, after = piece.partition(end) if n else ("", "", piece)
        if n:
            spans.append((length, length + len(inside)))
        plain += [inside, after]
        length += len(inside) + len(after)
    return "".join(plain), spans


def mark(snippet: str, start: str, end: str) -> str:
    """``snippet`` with each match between ``start`` and ``end`` (bold codes, brackets)."""
    return snippet.replace(_OPEN, start).replace(_CLOSE, end)


def format_hits(hits: Sequence[Hit], *, bold: bool, width: int = WIDTH) -> str:
    """The text ``newscrawl search`` prints: per hit, its number, date, section and headline,
    then its URL, then its snippet, wrapped to ``width`` columns, a blank line between hits; the
    matches in bold (``bold``, for a terminal) or in brackets."""
    blocks = []
    for n, hit in enumerate(hits, 1):
        number = f"{n}. "
        indent = " " * len(number)
        day = (hit.published_at or "")[:10] or "----------"
        head = textwrap.fill(
            terminal_safe(f"{day}  {hit.section or '-'}  {hit.headline or '(no headline)'}"),
            width,
            initial_indent=number,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
        # Wrapped with one-column markers, then shown: brackets add as many columns, bold none.
        snippet = textwrap.fill(_safe_snippet(hit.snippet), width, initial_indent=indent, subsequent_indent=indent)
        shown = mark(snippet, "\x1b[1m", "\x1b[0m") if bold else mark(snippet, "[", "]")
        blocks.append(f"{head}\n{indent}{terminal_safe(hit.url)}\n{shown}")
    return "\n\n".join(blocks)


def _safe_snippet(snippet: str) -> str:
    """``snippet`` shown safe but for its match markers."""
    return _OPEN.join(_CLOSE.join(terminal_safe(part) for part in piece.split(_CLOSE)) for piece in snippet.split(_OPEN))


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


# --- the commands -------------------------------------------------------------------------------


def stats_command(db: Path, *, edition: str | None = None, as_json: bool = False, out: IO[str] = sys.stdout) -> int:
    """``newscrawl stats``: print what the archive holds (of ``edition``: see :func:`archive_stats`);
    returns the exit status (1 when there is no archive to read)."""
    try:
        stats = archive_stats(db, edition)
    except ArchiveError as exc:
        return fail("stats", exc, 1)
    print(json_line(stats) if as_json else format_stats(stats), file=out)
    return 0


def search_command(
    db: Path, query: str, where: ArticleFilter, limit: int, *, as_json: bool = False, out: IO[str] = sys.stdout
) -> int:
    """``newscrawl search``: print the best hits; returns the exit status: 0 with hits, 1 with
    none (like grep) or no archive, 2 for a query FTS5 cannot parse."""
    try:
        hits = search(db, query, where, limit)
    except QueryError as exc:
        return fail("search", exc, 2)
    except ArchiveError as exc:
        return fail("search", exc, 1)
    if as_json:
        for hit in hits:
            print(json_line(hit.as_json()), file=out)
    elif hits:
        print(format_hits(hits, bold=out.isatty()), file=out)
    else:
        print(f"newscrawl search: no article matches {query!r}", file=sys.stderr)
    return 0 if hits else 1
