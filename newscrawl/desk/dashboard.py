"""The archive's dashboard for datasette-dashboards, and Datasette's canned queries.

The dashboard (``/-/dashboards/archive``) has six panels, each a SQL query and how to show it (a
Vega-Lite spec, or a table): articles by section over time, the top tags of the last 30 days, the
share of articles per wire agency, ticker lines over time, edits over time, and the latest edits.
Its filters (date range, section, edition) are optional ``[[ ... ]]`` blocks of those queries,
dropped while the filter is empty.

The charts over time count by day, ISO week or month, as the range they show is long (the date
filter, or the span of what they count where it leaves an end open; :mod:`newscrawl.desk.days`):
their SQL chooses, and returns each bin's first day (``bin``), the day after it (``bin_end``) and
its ``unit``. Articles are dated by publication (:func:`newscrawl.desk.days.published_day`: UTC
where the time has an offset); the ticker and the edits by the crawl that saw them (UTC), so the
date filter shows the lines and edits seen in its range. "The last 30 days" are those ending on
the newest article the filters leave: an archive that was not crawled lately still shows its last
month, not nothing.
"""

from __future__ import annotations

from typing import Any

from newscrawl.desk.days import bin_end, bin_start, bin_unit, published_day

#: The dashboard's slug: it is served at ``/-/dashboards/archive``.
DASHBOARD = "archive"
#: How many sections the chart of articles shows each in its own colour; the others are one, ``OTHER``.
TOP_SECTIONS = 8
#: The name the chart of articles gives the sections beyond the top ones, and an article without one.
OTHER, NO_SECTION = "(other)", "(none)"
# Vega's "tableau10" scheme, its grey (the last) kept for OTHER, which comes last.
_SECTION_COLOURS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#bab0ac"]

_DAY = published_day("articles")
# The filters of an article query, each dropped while its filter is empty.
_ARTICLE_FILTERS = (
    f"[[ AND {_DAY} >= :date_start ]] [[ AND {_DAY} <= :date_end ]] [[ AND section = :section ]] [[ AND edition = :edition ]]"
)


def _dated_filters(day: str) -> str:
    """The date filter on ``day`` (SQL of a UTC day), each end dropped while empty."""
    return f"[[ AND {day} >= :date_start ]] [[ AND {day} <= :date_end ]]"


def _binned(scope: str) -> str:
    """WITH clauses over ``scope`` (SQL of rows with a ``day``, filtered): ``span``, the range
    shown (the date filter, or where an end is open the first or last day of the scope);
    ``unit``, the bin it is shown in, and the days its bins cover (``shown_from`` up to
    ``shown_until``, the x axis); ``binned``, each row of the scope with its ``bin``."""
    return (
        f"scope AS ({scope}), "
        "span AS (SELECT coalesce(nullif(:date_start, ''), min(day)) AS first, "
        "coalesce(nullif(:date_end, ''), max(day)) AS last FROM scope), "
        f"unit AS (SELECT unit, {bin_start('first', 'unit')} AS shown_from, "
        f"{bin_end(bin_start('last', 'unit'), 'unit')} AS shown_until "
        f"FROM (SELECT first, last, {bin_unit('first', 'last')} AS unit FROM span)), "
        f"binned AS (SELECT scope.*, unit, shown_from, shown_until, {bin_start('day', 'unit')} AS bin FROM scope, unit)"
    )


# What each row of a chart over time says of its bin.
_BIN_COLUMNS = f"bin, {bin_end('bin', 'unit')} AS bin_end, unit, shown_from, shown_until"


def _per_bin(what: str, title: str, colour: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Vega-Lite spec of a chart of ``what`` per bin (``title``: the y axis's): a bar over
    each bin's days, stacked by ``colour`` (its ``rank`` first, at the bottom) when given, and the
    bin's unit in the x axis's title."""
    # Stacked here: Vega-Lite stacks no bar that spans a range of x (bin to bin_end).
    stack = {"stack": what, "groupby": ["bin"], "sort": [{"field": "rank"}] if colour else [], "as": ["low", "high"]}
    encoding: dict[str, Any] = {
        "x": {
            "field": "bin",
            "type": "temporal",
            "scale": {"type": "utc", "domain": {"expr": _SHOWN}},
            "axis": {"title": {"expr": _UNIT_TITLE}},
        },
        "x2": {"field": "bin_end"},
        "y": {"field": "low", "type": "quantitative", "title": title},
        "y2": {"field": "high"},
        "tooltip": [
            {"field": "bin", "type": "nominal", "title": "from"},
            {"field": "unit", "type": "nominal", "title": "per"},
            *([{"field": colour["field"], "type": "nominal"}] if colour else []),
            {"field": what, "type": "quantitative"},
        ],
    }
    if colour:
        encoding["color"] = colour
    return {"transform": [stack], "mark": {"type": "bar", "x2Offset": -1}, "encoding": encoding}


# The rows are Vega-Lite's first data source; each holds what the query chose for the range.
_FIRST_ROW = "data('source_0')[0]"
# The x axis: the days the range's bins cover (UTC days), its title their unit.
_SHOWN = f"length(data('source_0')) ? [toDate({_FIRST_ROW}.shown_from), toDate({_FIRST_ROW}.shown_until)] : null"
_UNIT_TITLE = f"length(data('source_0')) ? 'per ' + replace({_FIRST_ROW}.unit, 'week', 'ISO week (from Monday)') : ''"


def dashboard_config(database: str) -> dict[str, Any]:
    """datasette-dashboards' plugin configuration for the archive Datasette names ``database``."""
    charts: dict[str, dict[str, Any]] = {
        "articles-by-section": {
            "title": f"Articles by publication day, ISO week or month, of the top {TOP_SECTIONS} sections",
            "query": _articles_by_section(),
            "display": _per_bin(
                "articles",
                "articles",
                {
                    "field": "section",
                    "type": "nominal",
                    "sort": {"field": "rank"},
                    "scale": {"range": _SECTION_COLOURS},
                    "legend": {"title": "section"},
                },
            ),
        },
        "top-tags": {
            "title": "Top tags of the last 30 days (up to the newest article shown)",
            "query": (
                f"WITH scope AS (SELECT id, {_DAY} AS day FROM articles "
                f"WHERE published_at IS NOT NULL {_ARTICLE_FILTERS}), "
                "newest AS (SELECT max(day) AS day FROM scope) "
                "SELECT t.name AS tag, count(*) AS articles FROM scope s "
                "JOIN article_tags at ON at.article_id = s.id JOIN tags t ON t.id = at.tag_id, newest "
                "WHERE s.day > date(newest.day, '-30 days') GROUP BY t.name ORDER BY articles DESC, tag LIMIT 15"
            ),
            "display": {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "tag", "type": "nominal", "sort": "-x", "title": None},
                    "x": {"field": "articles", "type": "quantitative"},
                },
            },
        },
        "wire-agencies": {
            "title": "Share of articles per wire agency",
            "query": (
                "SELECT coalesce(nullif(source, ''), '(none)') AS agency, count(*) AS articles "
                f"FROM articles WHERE 1 = 1 {_ARTICLE_FILTERS} GROUP BY agency ORDER BY articles DESC"
            ),
            "display": {
                "mark": {"type": "arc", "tooltip": True},
                "encoding": {
                    "theta": {"field": "articles", "type": "quantitative", "stack": True},
                    "color": {"field": "agency", "type": "nominal", "sort": {"field": "articles", "order": "descending"}},
                },
            },
        },
        "ticker-lines": {
            "title": "Ticker lines by the day, ISO week or month a crawl first saw them",
            "query": _ticker_lines(),
            "display": _per_bin("lines", "new ticker lines"),
        },
        "edits": {
            "title": "Edits (new texts of articles) by the day, ISO week or month a crawl first fetched them",
            "query": _edits_per_bin(),
            "display": _per_bin("edits", "new texts"),
        },
        "latest-edits": {
            "title": "Latest edits",
            "query": _latest_edits_panel(database),
            "library": "table",
        },
    }
    for chart in charts.values():
        chart.setdefault("library", "vega-lite")
        chart["db"] = database
    return {
        DASHBOARD: {
            "title": "News archive",
            "description": (
                "What the archive holds: articles by the day they were published (UTC where the site gives its offset, "
                "else the site's own date); the ticker and the edits by the day a crawl saw them (UTC). The charts over "
                "time count by day over up to two months, by ISO week over up to a year, by month beyond. Filters apply "
                "to every panel; the ticker ignores the section."
            ),
            "layout": [
                ["articles-by-section", "articles-by-section"],
                ["top-tags", "wire-agencies"],
                ["ticker-lines", "edits"],
                ["latest-edits", "latest-edits"],
            ],
            "filters": {
                "date_start": {"name": "From (day, UTC)", "type": "date"},
                "date_end": {"name": "To (day, UTC)", "type": "date"},
                "section": {
                    "name": "Section",
                    "type": "select",
                    "db": database,
                    "query": "SELECT DISTINCT section FROM articles WHERE section IS NOT NULL ORDER BY section",
                },
                "edition": {
                    "name": "Edition",
                    "type": "select",
                    "db": database,
                    "query": "SELECT DISTINCT edition FROM articles ORDER BY edition",
                },
            },
            "charts": charts,
        }
    }


def _articles_by_section() -> str:
    """The chart of articles per bin, by section: the top sections of the range shown (most
    articles first), each with its ``rank``, and the others as one, ``OTHER``, ranked last."""
    scope = (
        f"SELECT coalesce(nullif(section, ''), '{NO_SECTION}') AS section, {_DAY} AS day FROM articles "
        f"WHERE published_at IS NOT NULL {_ARTICLE_FILTERS}"
    )
    return (
        f"WITH {_binned(scope)}, "
        "top AS (SELECT section, row_number() OVER (ORDER BY count(*) DESC, section) AS rank "
        f"FROM scope GROUP BY section ORDER BY rank LIMIT {TOP_SECTIONS}) "
        f"SELECT {_BIN_COLUMNS}, coalesce(top.section, '{OTHER}') AS section, "
        f"coalesce(top.rank, {TOP_SECTIONS + 1}) AS rank, count(*) AS articles "
        "FROM binned LEFT JOIN top USING (section) GROUP BY bin, rank ORDER BY bin, rank"
    )


# A count of 0 in the first bin of a date filter's range where the crawls saw nothing in it: the x
# axis still spans that range (Vega-Lite has no rows to take it from otherwise).
_NONE_SEEN = (
    f"UNION ALL SELECT shown_from, {bin_end('shown_from', 'unit')}, unit, shown_from, shown_until, 0 FROM unit "
    "WHERE shown_until IS NOT NULL AND NOT EXISTS (SELECT 1 FROM scope)"
)


def _ticker_lines() -> str:
    """The chart of ticker lines per bin of the day a crawl first saw them (UTC)."""
    day = "substr(first_seen_at, 1, 10)"
    scope = f"SELECT {day} AS day FROM breaking WHERE 1 = 1 {_dated_filters(day)} [[ AND edition = :edition ]]"
    return f"WITH {_binned(scope)} SELECT {_BIN_COLUMNS}, count(*) AS lines FROM binned GROUP BY bin {_NONE_SEEN} ORDER BY bin"


def _edits_per_bin() -> str:
    """The chart of edits (texts after an article's first) per bin of the day a crawl first
    fetched them (UTC); those of an older archive, whose time is unknown, are left out."""
    day = "substr(n.text_seen_at, 1, 10)"
    scope = (
        f"SELECT {day} AS day FROM new_texts n JOIN articles a ON a.id = n.article_id "
        f"WHERE n.text_seen_at IS NOT NULL {_dated_filters(day)} "
        "[[ AND a.section = :section ]] [[ AND a.edition = :edition ]]"
    )
    return (
        f"WITH {_NEW_TEXTS}, {_binned(scope)} SELECT {_BIN_COLUMNS}, count(*) AS edits FROM binned GROUP BY bin {_NONE_SEEN} "
        "ORDER BY bin"
    )


def _html(sql: str) -> str:
    """SQL of the text ``sql`` gives, escaped for HTML (the table panel shows its cells as HTML)."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        quoted = char.replace("'", "''")
        sql = f"replace({sql}, '{quoted}', '{entity}')"
    return sql


def _latest_edits_panel(database: str) -> str:
    """The table of the latest edits the filters leave (dated by the crawl that first fetched
    them), each linking to its article and its history; one row saying so when there is none
    (the table panel cannot show an empty table)."""
    where = f"{_dated_filters('substr(n.text_seen_at, 1, 10)')} [[ AND a.section = :section ]] [[ AND a.edition = :edition ]]"
    # Relative to /-/dashboards/archive: the pages of the database.
    pages = f"../../{database}"
    headline = _html("coalesce(e.headline, '(no headline)')")
    return (
        f"WITH {_edits(where, 20)} "
        "SELECT CASE WHEN e.article_id IS NULL THEN 'no edit seen in this range' "
        "ELSE coalesce(replace(substr(e.edited_at, 1, 16), 'T', ' '), 'unknown') END AS \"first fetched (UTC)\", "
        f"coalesce('<a href=\"{pages}/articles/' || e.article_id || '\">' || {headline} || '</a>', '') AS article, "
        "coalesce(e.version, '') AS version, coalesce(e.reason, '') AS reason, coalesce(e.fields, '') AS changed, "
        "iif(e.article_id IS NULL, '', words_added(e.was, e.now)) AS \"words added\", "
        "iif(e.article_id IS NULL, '', words_removed(e.was, e.now)) AS \"words removed\", "
        f"coalesce('<a href=\"{pages}/articles/' || e.article_id || '#history\">history</a>', '') AS history "
        "FROM (SELECT 1) LEFT JOIN edits e ON 1 "
        "ORDER BY e.edited_at DESC, e.article_id DESC, e.version DESC"
    )


# The date range of a canned query over articles, each bound ignored while empty.
_SINCE_UNTIL = f"(:since = '' OR {published_day('a')} >= :since) AND (:until = '' OR {published_day('a')} <= :until)"

# Each text of an article after its first, with when it was first fetched: the earlier texts
# (article_versions) and the current one; read from their partial indexes (no text).
_NEW_TEXTS = (
    "new_texts AS (\n"
    "  SELECT article_id, version, text_seen_at FROM article_versions WHERE version > 1\n"
    "  UNION ALL SELECT id, version, text_seen_at FROM articles WHERE version > 1)"
)


def _edits(where: str, limit: int) -> str:
    """The WITH clauses ``recent`` and ``edits``: the ``limit`` latest new texts that ``where``
    leaves (SQL conditions ``AND ...`` on ``n``, the new text, and ``a``, its article, or empty),
    latest first: when it was first fetched (``edited_at``), its article (``article_id``,
    ``headline``), ``version`` and ``reason``, the ``fields`` changed, the text before (``was``)
    and after (``now``).

    Each of the two tables is read newest first along its partial index of later texts and
    stops at ``limit``: the texts themselves are read for those rows only (at 100,000 articles
    this takes milliseconds, where joining every text took a second)."""

    def latest(table: str, key: str, order: str) -> str:
        return (
            f"SELECT * FROM (SELECT n.{key} AS article_id, n.version, n.text_seen_at FROM {table} n\n"
            f"    JOIN articles a ON a.id = n.{key} WHERE n.version > 1 {where}\n"
            f"    ORDER BY n.text_seen_at DESC, {order} LIMIT {limit})"
        )

    def text(column: str) -> str:
        return f"iif(n.article_id IS NULL, a.{column}, n.{column})"

    def changed(column: str) -> str:
        return f"iif(o.{column} IS NOT {text(column)}, '{column} ', '')"

    def words(alias: str) -> str:
        return " || ' ' || ".join(
            f"coalesce({alias}.{column}, '')" if alias == "o" else f"coalesce({text(column)}, '')"
            for column in ("headline", "lead", "body")
        )

    return (
        "recent AS (\n"
        f"  {latest('article_versions', 'article_id', 'n.article_id DESC, n.version DESC')}\n"
        f"  UNION ALL {latest('articles', 'id', 'n.id DESC')}\n"
        f"  ORDER BY text_seen_at DESC, article_id DESC, version DESC LIMIT {limit}),\n"
        "edits AS (\n"
        "  SELECT r.text_seen_at AS edited_at, r.article_id, a.headline, r.version, o.reason,\n"
        f"    rtrim({' || '.join(changed(c) for c in ('headline', 'lead', 'body', 'authors', 'tags', 'source'))}) AS fields,\n"
        f"    {words('o')} AS was,\n"
        f"    {words('n')} AS now\n"
        "  FROM recent r JOIN articles a ON a.id = r.article_id\n"
        "  JOIN article_versions o ON o.article_id = r.article_id AND o.version = r.version - 1\n"
        "  LEFT JOIN article_versions n ON n.article_id = r.article_id AND n.version = r.version)"
    )


#: Datasette's canned queries, by name: ``title``, ``description`` and ``sql`` with named
#: parameters (an empty ``since``/``until`` leaves that end of the range open).
CANNED_QUERIES: dict[str, dict[str, str]] = {
    "articles_per_day_by_section": {
        "title": "Articles per day by section",
        "description": (
            "Days (YYYY-MM-DD) are UTC days where the site gives its time's offset, else the site's own date. "
            "Leave since/until empty for all."
        ),
        "sql": (
            f"SELECT {published_day('a')} AS day, a.section, count(*) AS articles\n"
            f"FROM articles a WHERE a.published_at IS NOT NULL AND {_SINCE_UNTIL}\n"
            "GROUP BY day, a.section ORDER BY day DESC, articles DESC"
        ),
    },
    "top_tags": {
        "title": "Top tags in a date range",
        "description": "The 50 most used tags of the articles published between since and until (YYYY-MM-DD, both optional).",
        "sql": (
            "SELECT t.name AS tag, count(*) AS articles\n"
            "FROM articles a JOIN article_tags at ON at.article_id = a.id JOIN tags t ON t.id = at.tag_id\n"
            f"WHERE {_SINCE_UNTIL}\n"
            "GROUP BY t.name ORDER BY articles DESC, tag LIMIT 50"
        ),
    },
    "top_authors": {
        "title": "Top authors in a date range",
        "description": "The 50 most named authors of the articles published between since and until (YYYY-MM-DD, both optional).",
        "sql": (
            "SELECT au.name AS author, count(*) AS articles\n"
            "FROM articles a JOIN article_authors aa ON aa.article_id = a.id JOIN authors au ON au.id = aa.author_id\n"
            f"WHERE {_SINCE_UNTIL}\n"
            "GROUP BY au.name ORDER BY articles DESC, author LIMIT 50"
        ),
    },
    "articles_by_author": {
        "title": "Articles by author",
        "description": "The articles whose byline names the author (as spelled in the authors table), newest first.",
        "sql": (
            "SELECT a.id AS article_id, a.published_at, a.edition, a.section, a.headline, a.url\n"
            "FROM authors au JOIN article_authors aa ON aa.author_id = au.id JOIN articles a ON a.id = aa.article_id\n"
            "WHERE au.name = :author\n"
            "ORDER BY a.published_at_utc DESC, a.published_at DESC, a.id DESC"
        ),
    },
    "wire_agencies_by_month": {
        "title": "Wire agencies by month",
        "description": "Articles carrying a Source: line, by month of publication and agency.",
        "sql": (
            f"SELECT substr({published_day('a')}, 1, 7) AS month, a.source AS agency, count(*) AS articles\n"
            "FROM articles a WHERE a.source IS NOT NULL AND a.source != ''\n"
            "GROUP BY month, agency ORDER BY month DESC, articles DESC"
        ),
    },
    "ticker_lines_per_hour": {
        "title": "Ticker lines per hour",
        "description": "Distinct BREAKING lines the crawls saw each hour (UTC), and how many of them were new then.",
        "sql": (
            "SELECT substr(s.seen_at, 1, 13) || ':00' AS hour, b.edition, count(DISTINCT s.breaking_id) AS lines,\n"
            "  count(DISTINCT CASE WHEN substr(b.first_seen_at, 1, 13) = substr(s.seen_at, 1, 13) THEN b.id END) AS new_lines\n"
            "FROM breaking_sightings s JOIN breaking b ON b.id = s.breaking_id\n"
            "GROUP BY hour, b.edition ORDER BY hour DESC, b.edition"
        ),
    },
    "latest_edits": {
        "title": "Latest edits",
        "description": (
            "Each new text of an article, newest first: when it was first fetched (or re-read by newscrawl reextract), "
            "why, which fields changed, the words added and removed (headline, lead and body), and its history."
        ),
        "sql": (
            f"WITH {_edits('', 200)}\n"
            "SELECT e.edited_at, e.article_id, e.headline, e.version, e.reason, e.fields,\n"
            "  words_added(e.was, e.now) AS words_added, words_removed(e.was, e.now) AS words_removed,\n"
            "  '[history](articles/' || e.article_id || '#history)' AS history\n"
            "FROM edits e\n"
            "ORDER BY e.edited_at DESC, e.article_id DESC, e.version DESC"
        ),
    },
    "most_edited": {
        "title": "Most-edited articles",
        "description": "The articles with the most texts, each with when its latest text was first fetched and its history.",
        "sql": (
            "SELECT a.id AS article_id, a.headline, a.version - 1 AS edits, a.text_seen_at AS last_edited_at,\n"
            "  a.first_seen_at, '[history](articles/' || a.id || '#history)' AS history\n"
            "FROM articles a WHERE a.version > 1\n"
            "ORDER BY edits DESC, a.text_seen_at IS NULL, a.text_seen_at DESC, a.id LIMIT 100"
        ),
    },
    "revised_articles": {
        "title": "Revised articles with their versions",
        "description": "Each earlier text of a revised article beside its current headline, latest revision first.",
        "sql": (
            "SELECT a.id AS article_id, a.url, v.version, v.fetched_at AS last_seen_at, v.headline AS headline_then,\n"
            "  a.version AS current_version, a.headline AS headline_now, a.last_fetched_at\n"
            "FROM articles a JOIN article_versions v ON v.article_id = a.id\n"
            "ORDER BY a.last_fetched_at DESC, a.id, v.version"
        ),
    },
    "search": {
        "title": "Full-text search",
        "description": (
            'FTS5 syntax: words, "a phrase", OR, NOT, prefix*; Arabic with or without its marks and whatever the '
            "alef, Latin letters with or without accents. Best match first, with the matched words highlighted (a "
            "phrase whole); section and edition are optional, in any letter case (ASCII letters, as newscrawl search)."
        ),
        "sql": (
            "SELECT a.url, a.edition, a.headline, a.published_at, a.section,\n"
            "  whole_snippet('<mark>', '</mark>', ' … ', snippet(articles_fts, -1, '<mark>', '</mark>', ' … ', 24),\n"
            "    highlight(articles_fts, 0, '<mark>', '</mark>'), highlight(articles_fts, 1, '<mark>', '</mark>'),\n"
            "    highlight(articles_fts, 2, '<mark>', '</mark>')) AS snippet\n"
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid\n"
            "WHERE articles_fts MATCH search_form(coalesce(nullif(:q, ''), '\"\"'))\n"
            "  AND (:section = '' OR a.section = :section COLLATE NOCASE)\n"
            "  AND (:edition = '' OR a.edition = :edition COLLATE NOCASE)\n"
            "ORDER BY rank LIMIT 50"
        ),
    },
}
