"""``newscrawl serve``: Datasette on an archive, read-only, described and with a dashboard.

Datasette runs in this process (its Python API, served by uvicorn, as ``datasette serve``
does). Its metadata is built here from :mod:`newscrawl.desk.schema_docs` (table and column
descriptions) and :mod:`newscrawl.desk.dashboard` (canned queries and the dashboard): nothing about the
archive is written twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape
from pluggy import HookimplMarker

from newscrawl.archive import can_write, has_utc_times, read_only_uri
from newscrawl.desk import changes
from newscrawl.desk.article_page import article_page
from newscrawl.desk.dashboard import CANNED_QUERIES, DASHBOARD, dashboard_config
from newscrawl.desk.edits import words_added, words_removed
from newscrawl.desk.query import whole_snippet
from newscrawl.desk.schema_docs import RELATIONS, column_descriptions, json_columns, plain
from newscrawl.desk.terminal import fail
from newscrawl.textnorm import search_form

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from types import FrameType

    from datasette.app import Datasette

# Datasette's hook marker (datasette.hookimpl), from pluggy itself: typed.
hookimpl = HookimplMarker("datasette")

# Facets shown on a table's page, by table: the columns an analyst slices by.
_FACETS: dict[str, list[Any]] = {
    "articles": ["section", "region", "content_type", "source", "edition", {"array": "tags"}, {"array": "authors"}],
    "article_details": ["section", "content_type", "source", "edition"],
    "breaking": ["edition", "attribution"],
    "ticker_timeline": ["edition", "attribution"],
    "captions": ["credit"],
    "links": ["kind"],
    "crawl_runs": ["status", "spider", "edition"],
    "run_coverage": ["field", "content_type"],
    "run_field_sources": ["field", "source", "content_type"],
    "captures": ["record_type", "status", "content_type", "run_id"],
}
_SORT_DESC = {
    "articles": "published_at_utc",
    "breaking": "last_seen_at",
    "crawl_runs": "id",
    "article_versions": "fetched_at",
    "captures": "id",
}
_LABELS = {"articles": "headline", "tags": "name", "authors": "name", "breaking": "text", "captures": "url"}


#: The templates of ``newscrawl serve``, found before Datasette's own: ``row.html``, which makes an
#: article's row page the article page, and the What changed page's.
TEMPLATES = Path(__file__).parent / "templates"


def database_name(path: Path) -> str:
    """The name Datasette gives the archive at ``path`` (its file name without suffix)."""
    return path.stem


def metadata(database: str, *, utc: bool = True) -> dict[str, Any]:
    """Datasette's metadata for the archive named ``database``: descriptions of every table, view
    and column, facets, full-text search on ``articles``, canned queries and the plugins' settings
    (``utc``: the archive has the UTC times, which sort articles; an older one sorts by the local
    times)."""
    tables: dict[str, dict[str, Any]] = {}
    for relation in RELATIONS:
        table: dict[str, Any] = {"description": plain(relation.description), "columns": column_descriptions(relation.name)}
        if relation.name in _FACETS:
            table["facets"] = _FACETS[relation.name]
        if relation.name in _SORT_DESC:
            table["sort_desc"] = _SORT_DESC[relation.name]
            if not utc:
                table["sort_desc"] = table["sort_desc"].removesuffix("_utc")
        if relation.name in _LABELS:
            table["label_column"] = _LABELS[relation.name]
        tables[relation.name] = table
    tables["articles"].update(fts_table="articles_fts", fts_pk="id")
    return {
        "title": "News archive",
        "description_html": (
            f'Articles, tags, authors, captions, versions and the BREAKING ticker. <a href="/-/dashboards/{DASHBOARD}">Dashboard</a>'
            f' · <a href="{changes.PATH}">What changed</a>'
        ),
        "databases": {database: {"tables": tables, "queries": CANNED_QUERIES}},
        "plugins": {
            "datasette-dashboards": dashboard_config(database),
            # the search query's snippets: FTS5 marks the matched words, the sanitizer keeps <mark> only
            "datasette-render-markdown": {"columns": ["snippet", "history"], "extra_tags": ["mark"], "patterns": []},
        },
    }


_JSON_COLUMNS = json_columns()


# Columns naming a capture (captures.id) without a foreign key (added to existing tables by
# ALTER TABLE, which cannot add one), shown as a link to it all the same.
_CAPTURE_COLUMNS = {("articles", "capture_id"), ("article_versions", "capture_id"), ("article_details", "capture_id")}


@hookimpl
def render_cell(value: object, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    """Datasette hook (this module is registered as the ``newscrawl`` plugin): the archive's JSON
    columns shown readably; lists of names as ``a, b``, anything else indented, non-ASCII text
    as it is; a ``capture_id`` as a link to its capture. Returns ``None`` for any other cell
    (Datasette's own rendering)."""
    if isinstance(value, int) and (table, column) in _CAPTURE_COLUMNS:
        return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, "captures", str(value)), value)
    if not isinstance(value, str) or table is None or column not in _JSON_COLUMNS.get(table, ()):
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if isinstance(data, list) and all(isinstance(item, str) for item in data):
        return Markup(escape(", ".join(data)))
    return Markup('<pre style="white-space: pre-wrap">{}</pre>').format(json.dumps(data, indent=2, ensure_ascii=False))


# Arabic text reads right to left: every cell of a page's table of rows (a table, a row, a query's
# results, the search's snippets) takes its direction from its own text, as ``dir="auto"`` says.
# Datasette's templates have no hook for a cell's attributes, so the page sets them when loaded.
_CELL_DIRECTION = 'document.querySelectorAll("table.rows-and-columns td").forEach((cell) => { cell.dir = "auto"; });'


@hookimpl
def extra_body_script() -> str:
    """Datasette hook: the script at the end of every page, which gives each cell of its table of
    rows ``dir="auto"``."""
    return _CELL_DIRECTION


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Any]]]:
    """Datasette hook: the desk's own pages (:mod:`newscrawl.desk.changes`)."""
    return [(f"^{changes.PATH}$", changes.changes_page)]


@hookimpl
def extra_template_vars(
    view_name: str, table: str | None, database: str | None, request: Any, datasette: Any
) -> Callable[[], Awaitable[dict[str, Any]]] | None:
    """Datasette hook: on an article's row page, ``newscrawl_article``, what the article page shows
    (:func:`newscrawl.desk.article_page.article_page`), which makes ``templates/row.html`` that
    page; nothing on any other page."""
    if view_name != "row" or table != "articles" or database is None or request is None:
        return None
    from datasette.utils import urlsafe_components  # noqa: PLC0415 (imported when serving: heavy)

    async def article() -> dict[str, Any]:
        keys = urlsafe_components(request.url_vars["pks"])
        if len(keys) != 1 or not keys[0].isdigit():
            return {}
        base = datasette.urls.database(database)
        page = await datasette.get_database(database).execute_fn(lambda con: article_page(con, base, int(keys[0])))
        return {"newscrawl_article": page}

    return article


# Last, after Datasette's own escape_fts, which this one replaces.
@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Datasette hook: the SQL function ``search_form`` (:func:`newscrawl.textnorm.search_form`,
    which the canned ``search`` query matches in), and the articles' search box matching the
    search form of what is typed, as ``newscrawl search`` does (Datasette's ``escape_fts`` applied
    after it)."""
    from datasette.utils import escape_fts  # noqa: PLC0415 (imported when serving: heavy)

    conn.create_function("search_form", 1, search_form, deterministic=True)
    conn.create_function("whole_snippet", -1, whole_snippet, deterministic=True)
    conn.create_function("words_added", 2, words_added, deterministic=True)
    conn.create_function("words_removed", 2, words_removed, deterministic=True)
    conn.create_function("escape_fts", 1, lambda query: escape_fts(search_form(query)), deterministic=True)


def make_datasette(path: Path) -> Datasette:
    """A Datasette instance on the archive at ``path``, read-only (``?mode=ro`` connections: a
    crawl may be writing; immutable where the archive cannot be written, as on a read-only
    mount), with :func:`metadata` and the newscrawl plugin."""
    from datasette.app import Datasette  # noqa: PLC0415 (imported when serving: heavy)
    from datasette.plugins import pm  # noqa: PLC0415

    if pm.get_plugin("newscrawl") is None:
        pm.register(sys.modules[__name__], name="newscrawl")
    writable = can_write(path)
    return Datasette(
        [str(path)] if writable else [],
        immutables=None if writable else [str(path)],
        metadata=metadata(database_name(path), utc=_has_utc_times(path)),
        template_dir=str(TEMPLATES),
        # long bodies are cut in the HTML tables (the JSON and CSV keep them whole)
        settings={"facet_time_limit_ms": 1000, "sql_time_limit_ms": 5000, "truncate_cells_html": 300},
    )


def _has_utc_times(path: Path) -> bool:
    with contextlib.closing(sqlite3.connect(read_only_uri(path), uri=True)) as con:
        return has_utc_times(con)


def serve(path: Path, host: str, port: int) -> int:
    """Serve the archive at ``path`` on ``host:port`` (``0`` picks a free port) until SIGINT or
    SIGTERM, after printing the base URL. Returns the exit status: 0, or 1 without an archive,
    2 when the address cannot be used."""
    import uvicorn  # noqa: PLC0415

    if not path.is_file():
        return fail("serve", f"no archive at {path} (crawl first: newscrawl demo, or scrapy crawl almayadeen)", 1)
    datasette = make_datasette(path)
    asyncio.run(datasette.invoke_startup())
    try:
        listener = socket.create_server((host, port))
    except OSError as exc:
        return fail("serve", f"cannot listen on {host}:{port}: {exc.strerror}", 2)
    bound = listener.getsockname()[1]
    print(f"http://{host}:{bound}/", flush=True)
    config = uvicorn.Config(datasette.app(), log_level="warning", access_log=False)
    # uvicorn shuts down on SIGINT/SIGTERM, then raises the signal again for the handlers it
    # found: these make that a clean exit (status 0), as for `newscrawl mirror`.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stopped)
    uvicorn.Server(config).run(sockets=[listener])
    return 0


def _stopped(signum: int, frame: FrameType | None) -> None:
    """The server has stopped on this signal; nothing is left to do."""
