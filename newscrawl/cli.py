"""The ``newscrawl`` command: serve the bundled mirror, crawl it into an archive offline, extract
a saved page or diagnose its layers (:mod:`newscrawl.doctor`), show an archive's crawl runs, explore an archive in the browser; and at the
terminal, what an archive holds, full-text search and exports (:mod:`newscrawl.desk.query`,
:mod:`newscrawl.desk.export`); and re-extraction of the kept pages (:mod:`newscrawl.record.reextract`).

Crawling itself is ``scrapy crawl almayadeen`` (see README); these commands wrap what a
researcher needs around it.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import sqlite_utils

from newscrawl.archive import ArchiveError, recent_runs
from newscrawl.desk.export import FORMATS, export_command
from newscrawl.desk.query import ArticleFilter, EditionError, check_edition, parse_day, search_command, stats_command
from newscrawl.desk.terminal import fail, json_line, terminal_safe
from newscrawl.mirror.faults import MODES, FaultRuleError, load_rules
from newscrawl.mirror.server import FIXTURES, Mirror
from newscrawl.record.retention import prune_command
from newscrawl.record.webarchive import ARCHIVE_FORMATS, export_archive_command
from newscrawl.settings import ARCHIVE_DB
from newscrawl.urls import canonical
from newscrawl.warc import default_warc_dir

if TYPE_CHECKING:
    from types import FrameType
from typing import TextIO

_PROJECT = Path(__file__).resolve().parent.parent


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand (its ``--help`` texts are the reference)."""
    parser = argparse.ArgumentParser(prog="newscrawl", description="Archive news sites into SQLite.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    mirror = sub.add_parser(
        "mirror",
        help="serve the bundled mirror of english.almayadeen.net over HTTP",
        description="Serve a site mirror over HTTP until SIGINT or SIGTERM. The first line printed is the base URL.",
    )
    _listen_options(mirror, port=0)
    mirror.add_argument("--root", type=Path, default=FIXTURES, help="the mirror's document root (default: the bundled fixtures)")
    mirror.add_argument(
        "--verbose", action="store_true", help="log every request to standard error (a reset one with status 000)"
    )
    mirror.add_argument(
        "--as-of",
        type=_moment,
        metavar="MOMENT",
        help=(
            "send MOMENT (ISO 8601 with its offset, e.g. 2025-08-01T12:00+03:00) as every reply's Date header: the pages "
            "replayed as of the day they were taken (default: now)"
        ),
    )
    mirror.add_argument(
        "--faults",
        type=Path,
        metavar="FILE",
        help=(
            f"inject faults: a JSON list of rules, each with a 'mode' ({', '.join(MODES)}) and optionally 'match', "
            "'after', 'times', 'rate', 'seed' and mode parameters (see newscrawl/mirror/faults.py); GET /__mirror/faults "
            "answers the counts"
        ),
    )

    extract = sub.add_parser(
        "extract",
        help="extract the article of a saved HTML page as JSON",
        description=(
            "Print one JSON object for an article page: headline, authors, published, modified, source, tags, captions, "
            "lead, body, language, and truncated (why the page could be read only in part, its fields lacking what "
            "came after; null when it was read whole), and sources (the layer each of those fields came from: cms, "
            "jsonld, meta, site-dom, generic-dom, heuristic, trafilatura, htmldate...). "
            'With --batch, read JSON lines {"url": ..., "file": ...} on standard input and '
            "write one JSON object per line, in the same order, each flushed when done; a page that fails gives an "
            'object with an "error" key. Where a page needs trafilatura\'s main text, a batch computes it in a second '
            "process meanwhile."
        ),
    )
    extract.add_argument("file", nargs="?", type=Path, help="the saved HTML page (not with --batch)")
    extract.add_argument("--url", default="https://example.invalid/", help="the page's URL, to resolve its links")
    extract.add_argument("--batch", action="store_true", help="read JSON lines of pages on standard input")

    _add_doctor(sub)

    demo = sub.add_parser(
        "demo",
        help="crawl the bundled mirror into an archive, offline",
        description=(
            "Start the bundled mirror on a free local port, run 'scrapy crawl almayadeen' against it, print what "
            "the archive holds, then (when it holds articles) three commands to try next on it: stats, search and "
            "serve. Exits with the crawl's exit status."
        ),
    )
    _archive_option(demo)

    runs = sub.add_parser(
        "runs",
        help="show the last crawl runs of an archive",
        description=(
            "Print the last crawl runs of an archive, newest first: when each started and ended, its status "
            "(running, finished, degraded, failed, blocked, busy, interrupted), what it fetched and stored, its spider "
            "arguments, and for a run that did not finish cleanly, why (note; a distributed run's note says how many "
            "workers it had). A run still 'running' with no end was killed, or is going on now. With --redis, then the "
            "distributed runs going on: their queue and each worker, busy or idle, and when it was last heard of."
        ),
    )
    _archive_option(runs)
    runs.add_argument("--redis", metavar="URL", help="also show the distributed runs going on on this Redis")
    runs.add_argument("--limit", type=_positive, default=20, help="how many runs (default: %(default)s)")
    _json_option(runs, "one JSON object per run instead of a table")

    stats = sub.add_parser(
        "stats",
        help="show what an archive holds",
        description=(
            "Print what an archive holds: articles, the span of their publication dates, earlier versions kept, ticker "
            "lines, tags, the last crawl run, and articles by content type, edition and section; with --edition, of "
            "that edition's articles (their versions and tags, its ticker lines; the runs stay the archive's). Reads "
            "without writing: a crawl may be running. A missing archive is one line on standard error and exit status "
            "1; an --edition the archive holds no article of, exit status 2; an archive without articles is the one "
            "line 'archive PATH holds no article yet'."
        ),
    )
    _archive_option(stats)
    _edition_option(stats)
    _json_option(
        stats,
        "one JSON object instead (keys: db, edition, articles, by_content_type, by_section, by_edition, first_published, "
        "last_published, versions, revised_articles, ticker_lines, tags, runs, last_run)",
    )

    search = sub.add_parser(
        "search",
        help="full-text search of the archive's articles",
        description=(
            'Search the headline, lead and body of the archive\'s articles (SQLite FTS5: words, "a phrase", prefix*, '
            "AND, OR, NOT, NEAR(a b), headline:word) and print the best matches first (bm25; a match in the headline "
            "weighs most): date, section, headline, URL and a snippet with the matches in bold on a terminal, in "
            "[brackets] otherwise. Words match in any letter case, with or without accents (educacion finds "
            "educación) and, in Arabic, with or without their marks (tashkeel, tatweel) and whatever the alef "
            "(أ إ آ ٱ ا), ya (ى ي) or ta marbuta (ة ه). Exit status 0 with matches, 1 with none or no archive, 2 for a "
            "query FTS5 cannot parse, a bad date or an --edition the archive holds no article of."
        ),
    )
    search.add_argument("query", help="the FTS5 query; quote it for the shell")
    _filters(search)
    search.add_argument(
        "--limit", type=_positive, default=10, metavar="N", help="how many matches at most (default: %(default)s)"
    )
    _json_option(
        search, "one JSON object per match instead: rank, published_at, section, headline, url, snippet (matches in [brackets])"
    )

    export = sub.add_parser(
        "export",
        help="export the archive's articles as CSV, JSON lines or Parquet, or their fetches as WARC or WACZ",
        description=(
            "--format csv, jsonl and parquet write the rows of the archive's articles table (every column, in table "
            "order, by id) that the filters select to OUT, streaming: batches of rows, never the whole table in memory, while a crawl may be writing. "
            "The JSON-array columns (authors, tags, missing_fields) are lists in JSON lines and Parquet and their JSON "
            "text in CSV; sitemap_news and field_sources are objects in JSON lines and their JSON text otherwise. In CSV a NULL is an empty "
            "cell, and a text cell starting with =, +, -, @, tab or carriage return gets a leading ' (a spreadsheet "
            "shows it as text, never runs it as a formula) unless --keep-formulas. A file is written complete or not at "
            "all. On a terminal, a progress line shows on standard error. Parquet needs pyarrow, an optional extra: "
            "pip install 'newscrawl[parquet]' (without it, one line on standard error says so and the exit status is 2). "
            "--format warc writes, for the selected articles, the WARC records their text was read from (each response "
            "or revisit with its request, and for a revisit the response holding its payload) copied as they are, after "
            "a warcinfo record; --format wacz packages those records for replay (ReplayWeb.page, pywb) with their CDXJ "
            "index, pages/pages.jsonl (one page per article: the URL fetched, when, the headline) and datapackage.json. "
            "Both need a file for OUT, and skip (and count) the articles whose record is not kept. "
            "An --edition the archive holds no article of is one line on standard error and exit status 2."
        ),
    )
    export.add_argument("--format", choices=(*FORMATS, *ARCHIVE_FORMATS), required=True, help="the file format")
    _filters(export)
    _warc_dir_option(export)
    export.add_argument(
        "--keep-formulas",
        action="store_true",
        help="csv: write cells starting with =, +, -, @, tab or carriage return as stored, without the leading '",
    )
    export.add_argument("out", metavar="OUT", help="the file to write; - for standard output (csv and jsonl)")

    _add_warc(sub)
    _add_reextract(sub)

    serve = sub.add_parser(
        "serve",
        help="explore an archive in the browser (Datasette, read-only, with a dashboard)",
        description=(
            "Start Datasette on an archive, read-only (a crawl may be writing), until SIGINT or SIGTERM. The first line "
            "printed is the base URL. Every table and column is described, articles have full-text search and facets, "
            "each article a page of its own (its row's page: its text, its versions with what changed word by word, the "
            "ticker lines seen meanwhile), canned queries sit under the database, the dashboard is at "
            "/-/dashboards/archive and the latest edits at /-/changes."
        ),
    )
    _archive_option(serve)
    _listen_options(serve, port=8001)
    writer = sub.add_parser(
        "writer",
        help="store the items of distributed crawls (workers started with -s REDIS_URL) into the archive",
        description=(
            "The one writer of distributed runs: publish to Redis what workers need to skip archived articles, then "
            "store every run's items from Redis into the archive with the code of a local crawl (runs, versions, "
            "captures, coverage), in batches that stay in Redis until the archive committed them. Holds the archive's "
            "crawl lock. Exits 0 once the runs it served have ended and every item is stored (--follow: waits for "
            "the next runs). A progress line on a terminal shows the messages stored per second and the queue. Exit "
            "status: 0 done, 1 Redis or the archive cannot be used, 2 bad input, 4 the archive is busy, 130 stopped "
            "(Ctrl-C or SIGTERM; the batch being stored stays in Redis)."
        ),
    )
    writer.add_argument("--redis", required=True, metavar="URL", help="the fleet's Redis, e.g. redis://127.0.0.1:6379/0")
    _archive_option(writer)
    writer.add_argument("--follow", action="store_true", help="keep serving runs after the last one ended")
    writer.add_argument(
        "--worker-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="a worker silent this long is dead (as the workers' FLEET_WORKER_TIMEOUT; default: %(default)s)",
    )
    enqueue = sub.add_parser(
        "enqueue",
        help="start a distributed run of a spider for workers to join",
        description=(
            "Start a run of SPIDER on Redis with the spider arguments given (-a NAME=VALUE, as for scrapy crawl): the "
            "writer records it, and workers started with -s REDIS_URL and the same arguments join it (workers kept "
            "alive with -s REDIS_KEEP_ALIVE=True join it at once, with its arguments). A run of SPIDER going on is "
            "said and left as it is. Exit status: 0 started or going on, 1 Redis or the writer does not answer (60 s), "
            "2 bad input (an unknown spider, a bad argument)."
        ),
    )
    enqueue.add_argument("--redis", required=True, metavar="URL", help="the fleet's Redis, e.g. redis://127.0.0.1:6379/0")
    enqueue.add_argument("spider", metavar="SPIDER", help="almayadeen or news")
    enqueue.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE", help="a spider argument")
    return parser


def _archive_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=_db_path, default=Path(ARCHIVE_DB), help="archive file (default: %(default)s)")


def _db_path(value: str) -> Path:
    # Path("") is ".", the current folder: never the archive meant.
    if not Path(value).name:
        raise argparse.ArgumentTypeError(f"{value!r} is not a file name")
    return Path(value)


def _add_warc(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    warc = sub.add_parser(
        "warc",
        help="manage the archive's WARC files (prune)",
        description="Manage the WARC files that keep every fetch of the archive's crawls.",
    )
    warc_sub = warc.add_subparsers(dest="warc_command", required=True, metavar="ACTION")
    prune = warc_sub.add_parser(
        "prune",
        help="delete the WARC files of fetches before a day, keeping the archive's text",
        description=(
            "Delete the WARC files all of whose captures were fetched before DATE (UTC), and files of the crawl named by "
            "no capture and last written before DATE (left by an interrupted prune). A file holding a response that a "
            "newer revisit in a kept file replays with stays, and so does the archive's hold on a file not in the folder. The archive first forgets the files (their captures' "
            "warc_file, offset and length become null, in one transaction), then they are deleted: a crash between "
            "leaves files the next prune removes. Articles, their text and versions, and the captures rows stay. Holds "
            "the crawl lock: exit status 4 while a crawl runs. Prints how many files, bytes and captures."
        ),
    )
    _archive_option(prune)
    _warc_dir_option(prune)
    prune.add_argument("--before", type=_day, required=True, metavar="DATE", help="fetched before DATE (YYYY-MM-DD, UTC)")
    prune.add_argument("--dry-run", action="store_true", help="say what would be removed, and remove nothing")


def _add_doctor(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = sub.add_parser(
        "doctor",
        help="show where each field of one page comes from, and what every layer offered",
        description=(
            "Read one page as a crawl reads it (with the profile of its site when the URL belongs to a registered "
            "site, its CMS block and selectors; else the generic layers; the report names the profile and edition) "
            "and print every field with its value, its source (cms, jsonld, meta, site-dom, generic-dom, heuristic, "
            "trafilatura, htmldate, url...) and, per layer in extraction order, the candidates it offered: here every "
            "layer runs, the ones a crawl never reaches included; where layers share a source, each says what it reads "
            "(meta (og:title), heuristic (two titles agree)). * marks the layer taken, (taken) its candidate. "
            "URL-or-FILE: an http(s) URL is fetched once; anything else is a saved page, whose address --url gives. "
            "Exit status: 0 reported; 2 the file cannot be read or the page cannot be fetched (one line on "
            "standard error)."
        ),
    )
    doctor.add_argument("target", metavar="URL-or-FILE", help="the page's URL (fetched once) or a saved HTML file")
    doctor.add_argument("--url", help="the saved file's address (its site picks the profile; default: none, generic)")
    doctor.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")


def _add_reextract(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reextract = sub.add_parser(
        "reextract",
        help="read the archive's articles again from the pages the crawl kept (WARC), with today's extraction",
        description=(
            "Read each selected article's kept page back from the WARC files (no network), extract it as the crawl "
            "would today, and store what changed as a crawl stores it: a new text becomes a version whose reason is "
            "reextract (the earlier text kept in article_versions), other fields missing before and found now are "
            "filled, corrected ones replaced, and an unchanged article is left as it is (last_fetched_at never moves). "
            "A new text that looks worse than the stored one (headline, byline, tags or body gone, much shorter) is "
            "not stored; the fields outside the text (dates, section, region...) found before and missing now keep "
            "their stored value. Prints per field how many articles had "
            "it filled, changed and lost, then the totals; pages are read on every core, with a progress line on a "
            "terminal. A missing WARC file is one line on standard error. Exit status: 0 done, 1 no archive or "
            "nothing readable, 2 bad input (or an archive of a newer newscrawl), 4 the archive is busy (a crawl is "
            "writing to it), 130 interrupted (Ctrl-C; what was read so far is stored)."
        ),
    )
    _archive_option(reextract)
    _warc_dir_option(reextract)
    _since_option(reextract)
    reextract.add_argument("--url", type=_article_url, metavar="URL", help="only the article of this (canonical) URL")
    reextract.add_argument("--run", type=_positive, metavar="ID", help="only articles whose kept page crawl run ID fetched")
    reextract.add_argument("--dry-run", action="store_true", help="print the table only: write nothing")


def _warc_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warc-dir", type=Path, metavar="DIR", help="the archive's WARC folder (default: warc/ beside the archive file)"
    )


def _filters(parser: argparse.ArgumentParser) -> None:
    _archive_option(parser)
    _since_option(parser)
    parser.add_argument(
        "--until", type=_day, metavar="DATE", help="only articles published on or before DATE (YYYY-MM-DD, as --since)"
    )
    parser.add_argument("--section", metavar="NAME", help="only articles of this section, as the site names it (any case)")
    _edition_option(parser)


def _edition_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--edition", metavar="CODE", help="only articles of this edition (en, ar, es...: one the archive holds; any case)"
    )


def _json_option(parser: argparse.ArgumentParser, what: str) -> None:
    """The readers' ``--json``: JSON lines for programs instead of text for a person (``what`` says what each line holds)."""
    parser.add_argument("--json", action="store_true", help=what)


def _since_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since",
        type=_day,
        metavar="DATE",
        help="only articles published on or after DATE (YYYY-MM-DD: the UTC day where the site gives its time's offset, "
        "else the site's date)",
    )


def _listen_options(parser: argparse.ArgumentParser, port: int) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=_port, default=port, help="port to listen on; 0 picks a free one (default: %(default)s)")


def _day(value: str) -> date:
    try:
        return parse_day(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _article_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{value!r} is not an http(s) URL")
    return canonical(value.strip())


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} has no offset (write +00:00 for UTC)")
    return moment


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0-65535)")
    return port


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``newscrawl`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "mirror":
        return serve_mirror(args.root, args.host, args.port, verbose=args.verbose, faults=args.faults, as_of=args.as_of)
    if args.command == "extract":
        return extract_batch(sys.stdin, sys.stdout) if args.batch else extract_file(args.file, args.url)
    if args.command == "doctor":
        from newscrawl.doctor import doctor_command  # noqa: PLC0415 (the extractor is slow to import)

        return doctor_command(args.target, args.url, json_output=args.json)
    if args.command == "runs":
        status = show_runs(args.db, args.limit, as_json=args.json)
        if args.redis and status == 0:
            from newscrawl.fleet.writer import show_live_runs  # noqa: PLC0415 (imported with the option)

            return show_live_runs(args.redis, as_json=args.json)
        return status
    if args.command in ("stats", "search", "export") and args.edition is not None:
        try:
            args.edition = check_edition(args.db, args.edition)
        except EditionError as exc:
            return fail(args.command, exc, 2)
    if args.command == "stats":
        return stats_command(args.db, edition=args.edition, as_json=args.json)
    if args.command in ("search", "export"):
        try:
            where = ArticleFilter(args.since, args.until, args.section, args.edition)
        except ValueError as exc:
            return fail(args.command, exc, 2)
        if args.command == "search":
            return search_command(args.db, args.query, where, args.limit, as_json=args.json)
        if args.keep_formulas and args.format != "csv":
            return fail("export", f"--keep-formulas goes with --format csv, not {args.format}", 2)
        if args.format in ARCHIVE_FORMATS:
            return export_archive_command(args.db, args.warc_dir or default_warc_dir(args.db), args.format, args.out, where)
        if args.warc_dir is not None:
            return fail("export", f"--warc-dir goes with --format warc or wacz, not {args.format}", 2)
        return export_command(args.db, args.format, args.out, where, keep_formulas=args.keep_formulas)
    if args.command == "warc":
        return prune_command(args.db, args.warc_dir or default_warc_dir(args.db), args.before, dry_run=args.dry_run)
    if args.command == "reextract":
        from newscrawl.pool import collect_less  # noqa: PLC0415 (imported with the command)
        from newscrawl.record.reextract import Choice, reextract_command  # noqa: PLC0415

        collect_less()  # for this process and the page workers it forks

        warc_dir = args.warc_dir if args.warc_dir is not None else default_warc_dir(args.db)
        choice = Choice(warc_dir, ArticleFilter(args.since), url=args.url, run=args.run, dry_run=args.dry_run)
        return reextract_command(args.db, choice)
    if args.command == "enqueue":
        from newscrawl.fleet.runs import enqueue_command  # noqa: PLC0415 (imported with the command)

        return enqueue_command(args.redis, args.spider, args.spargs)
    if args.command == "writer":
        from newscrawl.fleet.writer import writer_command  # noqa: PLC0415 (imported with the command)

        return writer_command(args.redis, args.db, follow=args.follow, worker_timeout=args.worker_timeout)
    if args.command == "serve":
        from newscrawl.desk.serve import serve  # noqa: PLC0415 (Datasette is heavy to import)

        return serve(args.db, args.host, args.port)
    return demo(args.db)


# Column headings of ``newscrawl runs``.
_RUN_HEADINGS = {
    "id": "run", "spider": "spider", "started_at": "started (UTC)", "finished_at": "took", "status": "status",
    "requests": "requests", "new_articles": "new", "new_versions": "versions", "unchanged": "unchanged",
    "errors": "errors", "ticker_lines": "ticker", "args": "arguments", "message": "note",
}  # fmt: skip


def show_runs(db: Path, limit: int, *, as_json: bool = False) -> int:
    """Print the archive's last runs as a table (or JSON lines)."""
    try:
        runs = recent_runs(db, limit)
    except ArchiveError as exc:
        return fail("runs", exc, 1)
    if as_json:
        for run in runs:
            print(json_line({**run, "args": json.loads(run.get("args") or "{}")}))
        return 0
    if not runs:
        print(f"No crawl runs in {db} yet.")
        return 0
    table = [[terminal_safe(_run_cell(column, run)) for column in _RUN_HEADINGS] for run in runs]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(_RUN_HEADINGS.values())]
    for row in [list(_RUN_HEADINGS.values()), *table]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _run_cell(column: str, run: dict[str, object]) -> str:
    value = run.get(column)
    if column == "started_at":
        return str(value or "")[:19].replace("T", " ")
    if column == "finished_at":
        return _duration(str(run.get("started_at") or ""), str(value)) if value else "-"
    if column == "args":
        args = json.loads(str(value or "{}"))
        return " ".join(f"{k}={v}" for k, v in sorted(args.items()) if v is not None)
    if column == "message" and run.get("workers"):
        return "; ".join(filter(None, [f"distributed: {run['workers']} workers", str(value or "")]))
    return "" if value is None else str(value)


def _duration(start: str, end: str) -> str:
    try:
        seconds = int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return "?"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def extract_file(path: Path | None, url: str) -> int:
    """Print the extraction of one saved page."""
    if path is None:
        print("newscrawl extract: give a FILE, or --batch to read pages on standard input", file=sys.stderr)
        return 2
    try:
        html = path.read_bytes()
    except OSError as exc:
        return fail("extract", f"cannot read {path}: {exc.strerror}", 2)
    from newscrawl.extraction import extract_article  # noqa: PLC0415 (the extractor is slow to import)

    print(json.dumps(extract_article(html, url), ensure_ascii=False))
    return 0


def extract_batch(lines: TextIO, out: TextIO) -> int:
    """Extract each page named on ``lines``; one JSON line out per line in, flushed as done.

    A second process computes trafilatura's main text meanwhile where a page needs it
    (:func:`newscrawl.extraction.main_text_pool`)."""
    from newscrawl.extraction import extract_article, main_text_pool  # noqa: PLC0415 (slow to import)
    from newscrawl.pool import WorkerError, collect_less  # noqa: PLC0415

    collect_less()  # as a crawl does: pages make and drop objects by the million, few cycles
    with main_text_pool() as pool:
        for line in lines:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                html = Path(request["file"]).read_bytes()
                result = extract_article(html, request["url"], pool=pool)
            except Exception as exc:
                cause = exc.__cause__ if isinstance(exc, WorkerError) and isinstance(exc.__cause__, Exception) else exc
                result = {"error": f"{type(cause).__name__}: {cause}"}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
    return 0


def serve_mirror(
    root: Path, host: str, port: int, *, verbose: bool = False, faults: Path | None = None, as_of: datetime | None = None
) -> int:
    """Serve ``root`` until SIGINT/SIGTERM, with the fault rules of the file ``faults``, its replies
    dated ``as_of`` (default: now); print the base URL first. Returns the exit status: 0, or 2 for
    a bad root, port or rule file."""
    try:
        rules = load_rules(faults) if faults is not None else []
        mirror = Mirror(root, host, port, quiet=not verbose, faults=rules, as_of=as_of)
    except (OSError, FileNotFoundError, FaultRuleError) as exc:
        return fail("mirror", exc, 2)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(mirror.start(), flush=True)
    stop.wait()
    mirror.stop()
    return 0


def demo(db: Path) -> int:
    """Crawl the bundled mirror into ``db`` with the real spider, then summarize the archive."""
    with Mirror() as base_url:
        print(f"Serving the bundled mirror at {base_url}", flush=True)
        command = [
            sys.executable, "-m", "scrapy", "crawl", "almayadeen",
            "-a", f"base_url={base_url}", "-s", f"ARCHIVE_DB={db.resolve()}",
        ]  # fmt: skip
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
        code = subprocess.run(command, cwd=_PROJECT, env=env, check=False).returncode
    if db.exists():
        archive = sqlite_utils.Database(db)
        counts = {table: archive[table].count for table in ("articles", "tags", "captions", "links", "breaking", "crawl_runs")}
        print(f"Archive {db}: " + ", ".join(f"{n} {table}" for table, n in counts.items()))
        if counts["articles"]:
            print("\n".join(next_commands(db)))
    return code


def next_commands(db: Path, program: str | None = None) -> list[str]:
    """What ``newscrawl demo`` suggests trying next on the archive ``db``, as lines to print:
    ``program`` is the command as the user can type it (default: as this one was run)."""
    command = program or _program()
    where = shlex.quote(str(db))
    return [
        "Try next:",
        f"  {command} stats --db {where}",
        f"  {command} search --db {where} gaza",
        f"  {command} serve --db {where}",
    ]


def _program() -> str:
    """This command as the user can type it again: ``newscrawl`` when that is the script run (found
    on the PATH) or when run otherwise (``python -m newscrawl.cli``); else the script's path
    (``.venv/bin/newscrawl``), relative to the current folder when inside it."""
    script = Path(sys.argv[0])
    found = shutil.which("newscrawl")
    if script.name != "newscrawl" or (found is not None and Path(found).resolve() == script.resolve()):
        return "newscrawl"
    try:
        relative = script.resolve().relative_to(Path.cwd())
    except ValueError:
        return shlex.quote(str(script))
    # A bare name would be looked up on the PATH, not in the current folder.
    return shlex.quote(str(relative) if relative.parent != Path() else f"./{relative}")


if __name__ == "__main__":
    sys.exit(main())
