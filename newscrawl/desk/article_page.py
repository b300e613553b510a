"""The article page of ``newscrawl serve``: one article of the archive as :class:`ArticlePage` holds
it for the template ``newscrawl-article.html`` (its text, filing, times, images, links, capture,
the history of its text with word diffs, and the ticker lines seen while it was current), read by
:func:`article_page` from an open connection with queries by primary key or indexed column only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from newscrawl.archive.schema import utc_sql
from newscrawl.desk.edits import PARAGRAPH_BREAK, Op, names_diff, word_diff
from newscrawl.sites.registry import for_url

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Mapping, Sequence

#: The most ticker lines the page lists (it says how many there were in all).
TICKER_LINES = 20
#: The most ticker lines counted; beyond, the page says "over" that many.
TICKER_COUNT_LIMIT = 10_000
#: The most versions shown with what changed from the one before (the latest): each is a diff.
DIFFED_VERSIONS = 50
#: Words kept on each side of a change in a diff; longer unchanged runs are cut to "…".
CONTEXT_WORDS = 12
# Primary language subtags written right to left.
_RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"})
_PIECES = re.compile(r"\S+|\s+")
# The columns read of articles and article_versions: those an older archive lacks read as null.
_ARTICLE_COLUMNS = (
    "id", "url", "edition", "language", "content_type", "section", "region", "coverage", "headline", "lead", "body",
    "authors", "tags", "source", "published_at", "modified_at", "first_seen_at", "text_seen_at", "last_fetched_at",
    "version", "capture_id",
)  # fmt: skip
_VERSION_COLUMNS = (
    "version", "fetched_at", "text_seen_at", "headline", "lead", "body", "source", "authors", "tags", "captions", "capture_id",
    "reason",
)  # fmt: skip
_ELLIPSIS = "…"


@dataclass(frozen=True)
class Moment:
    """A time the page gave (``published_at``, ``modified_at``), shown as given (the site's local
    time with its offset) and in UTC; ``utc`` is ``None`` when the local time has no offset."""

    local: str | None
    utc: str | None
    raw: str | None


@dataclass(frozen=True)
class Named:
    """An author or a tag, and the page listing its articles."""

    name: str
    url: str


@dataclass(frozen=True)
class Image:
    """A captioned image of the article."""

    text: str | None
    credit: str | None
    image_url: str | None


@dataclass(frozen=True)
class Link:
    """A link of the article's, with the archived article it leads to (``page``: its article page)."""

    url: str
    kind: str
    headline: str | None
    page: str | None


@dataclass(frozen=True)
class Change:
    """How one field of the text changed from the previous version: diff pieces (see
    :func:`newscrawl.desk.edits.word_diff`), long unchanged runs cut."""

    field: str
    pieces: list[tuple[Op, str]]


@dataclass(frozen=True)
class Version:
    """One text of the article: ``seen_at`` when it was first fetched (``None``: not recorded),
    ``last_seen_at`` the last fetch that found it, ``replaced_by`` what replaced it (``fetch``,
    ``reextract``; ``None`` for the current text or when not recorded), and its changes from the
    version before (none for the first; ``diffed`` false where they were not compared, beyond
    :data:`DIFFED_VERSIONS`)."""

    number: int
    current: bool
    headline: str | None
    seen_at: str | None
    last_seen_at: str | None
    replaced_by: str | None
    capture: str | None
    changes: list[Change]
    diffed: bool


@dataclass(frozen=True)
class TickerLine:
    """A line of the BREAKING ticker, with when it was first and last seen."""

    text: str
    attribution: str | None
    url: str | None
    first_seen_at: str
    last_seen_at: str
    page: str


@dataclass(frozen=True)
class ArticlePage:
    """What the article page shows of one article (times shown as :func:`crawl_time` and
    :func:`local_time` give them, URLs as paths of ``newscrawl serve``)."""

    id: int
    url: str
    edition: str
    language: str | None
    direction: str
    headline: str | None
    lead: str | None
    paragraphs: list[str]
    authors: list[Named]
    tags: list[Named]
    source: str | None
    section: str | None
    region: str | None
    coverage: str | None
    content_type: str | None
    published: Moment
    modified: Moment
    images: list[Image]
    links: list[Link]
    capture: str | None
    captured_at: str | None
    first_seen_at: str
    last_fetched_at: str
    versions: list[Version]
    diffed_versions: int
    ticker: list[TickerLine]
    ticker_count: int
    ticker_count_limit: int
    ticker_from: str
    ticker_until: str
    has_ticker: bool
    json_url: str
    details_url: str
    versions_url: str


def article_page(con: sqlite3.Connection, base: str, article_id: int) -> ArticlePage | None:
    """The page of the article ``article_id`` of the archive open as ``con`` (``None``: no such
    article); ``base`` is the path of the archive's database in ``newscrawl serve``, e.g. ``/archive``."""
    row = _first(con, "SELECT * FROM articles WHERE id = ?", [article_id])
    if row is None:
        return None
    # an archive not yet migrated by a crawl (serve only reads) may lack newer tables and columns
    tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    row = {**dict.fromkeys(_ARTICLE_COLUMNS), **row}

    def page_of(table: str, key: object) -> str:
        return f"{base}/{table}/{key}"

    def listing(column: str, name: str) -> str:
        return f"{base}/articles?{column}__arraycontains={quote(name, safe='')}"

    images = [
        Image(c["text"], c["credit"], c["image_url"])
        for c in _rows(con, "SELECT text, credit, image_url FROM captions WHERE article_id = ? ORDER BY position", [article_id])
    ]
    links = [
        Link(r["url"], r["kind"], r["headline"], None if r["id"] is None else page_of("articles", r["id"]))
        for r in _rows(
            con,
            "SELECT l.url, l.kind, a.id, a.headline FROM links l LEFT JOIN articles a ON a.url = l.url "
            "WHERE l.article_id = ? ORDER BY l.rowid",
            [article_id],
        )
    ]
    capture = None
    if row["capture_id"] and "captures" in tables:
        capture = _first(con, "SELECT id, fetched_at FROM captures WHERE id = ?", [row["capture_id"]])
    has_ticker = "breaking" in tables and _has_ticker(row["url"], row["edition"])
    lines, count, start, end = _ticker(con, row, tables) if has_ticker else ([], 0, row["first_seen_at"], row["last_fetched_at"])
    earlier = []
    if "article_versions" in tables:
        earlier = _rows(con, "SELECT * FROM article_versions WHERE article_id = ? ORDER BY version", [article_id])
    language = row["language"] or row["edition"] or None
    return ArticlePage(
        id=row["id"],
        url=row["url"],
        edition=row["edition"],
        language=language,
        direction=direction(language),
        headline=row["headline"],
        lead=row["lead"],
        paragraphs=paragraphs(row["body"]),
        authors=[Named(name, listing("authors", name)) for name in _names(row["authors"])],
        tags=[Named(name, listing("tags", name)) for name in _names(row["tags"])],
        source=row["source"],
        section=row["section"],
        region=row["region"],
        coverage=row["coverage"],
        content_type=row["content_type"],
        published=_moment(con, row, "published_at"),
        modified=_moment(con, row, "modified_at"),
        images=images,
        links=links,
        capture=page_of("captures", capture["id"]) if capture else None,
        captured_at=crawl_time(capture["fetched_at"]) if capture else None,
        first_seen_at=crawl_time(row["first_seen_at"]) or row["first_seen_at"],
        last_fetched_at=crawl_time(row["last_fetched_at"]) or row["last_fetched_at"],
        versions=_versions(earlier, row, images, page_of),
        diffed_versions=DIFFED_VERSIONS,
        ticker=[
            TickerLine(
                line["text"],
                line["attribution"],
                line["url"],
                crawl_time(line["first_seen_at"]) or line["first_seen_at"],
                crawl_time(line["last_seen_at"]) or line["last_seen_at"],
                page_of("breaking", line["id"]),
            )
            for line in lines
        ],
        ticker_count=count,
        ticker_count_limit=TICKER_COUNT_LIMIT,
        ticker_from=crawl_time(start) or start,
        ticker_until=crawl_time(end) or end,
        has_ticker=has_ticker,
        json_url=f"{page_of('articles', article_id)}.json",
        details_url=f"{base}/article_details?id={article_id}",
        versions_url=f"{base}/article_versions?article_id={article_id}",
    )


def paragraphs(body: str | None) -> list[str]:
    """The paragraphs (and subheadings) of a body, which the archive joins by a blank line."""
    return [part.strip() for part in re.split(r"\n\s*\n", body or "") if part.strip()]


def direction(language: str | None) -> str:
    """The ``dir`` of a text in ``language`` (a language tag): ``rtl`` for a language written right
    to left, ``ltr`` for another, ``auto`` (the text's own first letters) when it is unknown."""
    if not language:
        return "auto"
    return "rtl" if language.split("-")[0].lower() in _RTL_LANGUAGES else "ltr"


def local_time(value: str | None) -> str | None:
    """A time as the site gave it (ISO 8601), readable: ``2023-11-13 20:45 +02:00``; without an
    offset, without one (``2023-11-13 20:45``, ``2023-11-13``); as given when it does not parse."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if "T" not in value and " " not in value:
        return moment.date().isoformat()
    shown = moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")
    offset = moment.utcoffset()
    if offset is None:
        return shown
    minutes = int(offset.total_seconds()) // 60
    return f"{shown} {'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def crawl_time(value: str | None) -> str | None:
    """A UTC time of the archive's (``2025-01-01T00:00:00+00:00``), readable: ``2025-01-01 00:00
    UTC``; ``None`` for none, or for a time without an offset (never taken for UTC)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if moment.second else "%Y-%m-%d %H:%M UTC")


def elided(pieces: Sequence[tuple[Op, str]], context: int = CONTEXT_WORDS) -> list[tuple[Op, str]]:
    """``pieces`` of a diff with each unchanged run longer than its context cut to ``…``: the
    ``context`` words after a change and before the next are kept (none before the first change,
    none after the last)."""
    if not any(op != "equal" for op, _ in pieces):
        return list(pieces)
    shown: list[tuple[Op, str]] = []
    for index, (op, text) in enumerate(pieces):
        if op != "equal":
            shown.append((op, text))
            continue
        tokens = _PIECES.findall(text)
        words = [i for i, token in enumerate(tokens) if not token.isspace()]
        head = context if index > 0 else 0
        tail = context if index < len(pieces) - 1 else 0
        if len(words) <= head + tail + 1:
            shown.append((op, text))
            continue
        kept = ["".join(tokens[: words[head - 1] + 1])] if head else []
        kept.append(_ELLIPSIS)
        if tail:
            kept.append("".join(tokens[words[-tail] :]))
        shown.append((op, " ".join(kept)))
    return shown


def _first(con: sqlite3.Connection, sql: str, params: Sequence[object] | Mapping[str, object]) -> dict[str, Any] | None:
    rows = _rows(con, sql, params)
    return rows[0] if rows else None


def _rows(con: sqlite3.Connection, sql: str, params: Sequence[object] | Mapping[str, object]) -> list[dict[str, Any]]:
    """The rows of a query, as dicts (whatever the connection's row factory)."""
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _names(value: str | None) -> list[str]:
    return [name for name in _json_list(value) if isinstance(name, str)]


def _json_list(value: str | None) -> list[Any]:
    """A JSON array of the archive's, ``[]`` for anything else."""
    try:
        items = json.loads(value or "[]")
    except ValueError:
        return []
    return items if isinstance(items, list) else []


def _moment(con: sqlite3.Connection, row: dict[str, Any], column: str) -> Moment:
    """The time ``column`` of an article row, with its UTC twin: the archive's generated column,
    or (an archive from before it) the same conversion (:func:`newscrawl.archive.schema.utc_sql`)."""
    value = row[column]
    utc = (
        row[f"{column}_utc"]
        if f"{column}_utc" in row
        else con.execute(f"SELECT {utc_sql(':value')}", {"value": value}).fetchone()[0]
    )
    return Moment(local_time(value), crawl_time(utc), value)


def _has_ticker(url: str, edition: str) -> bool:
    """Whether the article is of an edition whose site has a ticker the archive records
    (its profile's :attr:`~newscrawl.sites.profile.SiteProfile.has_ticker`): an edition of the
    site the URL is on, the one the article was stored as (the ``news`` spider's editions are
    languages, and the ``breaking`` lines of a same-named edition of another site not its)."""
    profile, known = for_url(url)
    return profile.has_ticker and known is not None and known.code == edition


def _ticker(con: sqlite3.Connection, row: dict[str, Any], tables: set[str]) -> tuple[list[dict[str, Any]], int, str, str]:
    """The ticker lines of the article's edition seen while it was current: whose sightings
    overlap the span from its first text to its last fetch (:func:`_crawl_span`), latest seen
    first (:data:`TICKER_LINES` of them); how many there are in all (counted up to one more than
    :data:`TICKER_COUNT_LIMIT`); and that span."""
    start, end = row["first_seen_at"], row["last_fetched_at"]
    if "crawl_runs" in tables:
        start, end = _crawl_span(con, start, end)
    span = {"edition": row["edition"], "start": start, "end": end}
    overlapping = "FROM breaking WHERE edition = :edition AND last_seen_at >= :start AND first_seen_at <= :end"
    lines = _rows(
        con,
        f"SELECT id, text, attribution, url, first_seen_at, last_seen_at {overlapping} "
        f"ORDER BY last_seen_at DESC, id DESC LIMIT {TICKER_LINES:d}",
        span,
    )
    count = len(lines)
    if count == TICKER_LINES:
        counted = f"SELECT count(*) FROM (SELECT 1 {overlapping} LIMIT {TICKER_COUNT_LIMIT + 1:d})"
        count = int(con.execute(counted, span).fetchone()[0])
    return lines, count, start, end


def _crawl_span(con: sqlite3.Connection, first: str, last: str) -> tuple[str, str]:
    """From ``first`` to ``last`` (UTC times of fetches), widened to the crawl runs that made
    those fetches: a run records the ticker when it reads the homepage, before the articles,
    so a line seen by the run that stored the article counts, as does one seen later in the
    run that last fetched it. A time no run holds stays as it is."""
    latest_run = "SELECT started_at, finished_at FROM crawl_runs WHERE started_at <= ? ORDER BY started_at DESC LIMIT 1"
    start, end = first, last
    run = _first(con, latest_run, [first])
    if run is not None and (run["finished_at"] is None or run["finished_at"] >= first):
        start = run["started_at"]
    run = _first(con, latest_run, [last])
    if run is not None and run["finished_at"] is not None and run["finished_at"] >= last:
        end = run["finished_at"]
    return start, end


def _versions(
    earlier: list[dict[str, Any]], row: dict[str, Any], images: list[Image], page_of: Callable[[str, object], str]
) -> list[Version]:
    """Every text of the article, newest first: the current one (``row`` and its ``images``) and
    the ``earlier`` ones (its ``article_versions`` rows), each with its changes from the one before."""
    texts = [{**dict.fromkeys(_VERSION_COLUMNS), **text} for text in earlier]
    for text in texts:
        text["captions"] = _caption_lines(_json_list(text["captions"]))
    current = {
        **{name: row[name] for name in ("headline", "lead", "body", "source", "authors", "tags", "text_seen_at", "capture_id")},
        "version": row["version"] or len(texts) + 1,
        "fetched_at": row["last_fetched_at"],
        "captions": _caption_lines([{"text": i.text, "credit": i.credit} for i in images]),
        "reason": None,
    }
    texts.append(current)
    versions = []
    for index, text in enumerate(texts):
        diffed = index > 0 and len(texts) - index <= DIFFED_VERSIONS
        versions.append(
            Version(
                number=text["version"],
                current=text is current,
                headline=text["headline"],
                seen_at=crawl_time(text["text_seen_at"]),
                last_seen_at=crawl_time(text["fetched_at"]),
                replaced_by=text["reason"],
                capture=page_of("captures", text["capture_id"]) if text["capture_id"] else None,
                changes=_changes(texts[index - 1], text) if diffed else [],
                diffed=diffed,
            )
        )
    return versions[::-1]


def _caption_lines(captions: list[Any]) -> str:
    """Captions as one text to diff: each ``text (credit)``, a paragraph each."""
    lines = [(c.get("text") or "") + (f" ({c['credit']})" if c.get("credit") else "") for c in captions if isinstance(c, dict)]
    return PARAGRAPH_BREAK.join(lines)


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The fields that differ between two texts, each with its diff."""
    changes = []
    for field in ("headline", "lead", "body", "source", "captions"):
        if (before[field] or "") != (after[field] or ""):
            changes.append(Change(field, elided(word_diff(before[field], after[field]))))
    for field in ("authors", "tags"):
        old, new = _names(before[field]), _names(after[field])
        if old != new:
            changes.append(Change(field, names_diff(old, new)))
    return changes
