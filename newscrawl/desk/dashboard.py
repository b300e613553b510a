"""The archive's dashboard for datasette-dashboards, and Datasette's canned queries.

The dashboard (``/-/dashboards/archive``) has four charts, each a Vega-Lite spec over a SQL
query: articles per day by section, the top tags of the last 30 days, the share of articles per
wire agency, and ticker lines per day. Its filters (date range, section, edition) are optional
``[[ ... ]]`` blocks of those queries, dropped while the filter is empty.

Days are the site's own calendar days (the first ten characters of ``published_at``, which keeps
the site's offset), not UTC days. "The last 30 days" are those ending on the newest article the
filters leave: an archive that was not crawled lately still shows its last month, not nothing.
"""

from __future__ import annotations

from typing import Any

#: The dashboard's slug: it is served at ``/-/dashboards/archive``.
DASHBOARD = "archive"

# The filters of an article query, each dropped while its filter is empty.
_ARTICLE_FILTERS = (
    "[[ AND substr(published_at, 1, 10) >= :date_start ]] [[ AND substr(published_at, 1, 10) <= :date_end ]] "
    "[[ AND section = :section ]] [[ AND edition = :edition ]]"
)


def dashboard_config(database: str) -> dict[str, Any]:
    """datasette-dashboards' plugin configuration for the archive Datasette names ``database``."""
    charts: dict[str, dict[str, Any]] = {
        "articles-per-day": {
            "title": "Articles per day by section",
            "query": (
                "SELECT substr(published_at, 1, 10) AS day, coalesce(section, '') AS section, count(*) AS articles "
                f"FROM articles WHERE published_at IS NOT NULL {_ARTICLE_FILTERS} GROUP BY day, section ORDER BY day"
            ),
            "display": {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": "day"},
                    "y": {"field": "articles", "type": "quantitative", "title": "articles"},
                    "color": {"field": "section", "type": "nominal"},
                },
            },
        },
        "top-tags": {
            "title": "Top tags of the last 30 days (up to the newest article shown)",
            "query": (
                "WITH scope AS (SELECT id, substr(published_at, 1, 10) AS day FROM articles "
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
        "ticker-per-day": {
            "title": "Ticker lines seen per day (UTC)",
            "query": (
                "SELECT substr(s.seen_at, 1, 10) AS day, count(DISTINCT s.breaking_id) AS lines "
                "FROM breaking_sightings s JOIN breaking b ON b.id = s.breaking_id WHERE 1 = 1 "
                "[[ AND substr(s.seen_at, 1, 10) >= :date_start ]] [[ AND substr(s.seen_at, 1, 10) <= :date_end ]] "
                "[[ AND b.edition = :edition ]] GROUP BY day ORDER BY day"
            ),
            "display": {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {"field": "day", "type": "ordinal", "title": "day"},
                    "y": {"field": "lines", "type": "quantitative", "title": "ticker lines"},
                },
            },
        },
    }
    for chart in charts.values():
        chart.update(db=database, library="vega-lite")
    return {
        DASHBOARD: {
            "title": "News archive",
            "description": (
                "What the archive holds, by publication day (the site's calendar). Filters apply to every chart; "
                "the ticker chart ignores the section."
            ),
            "layout": [
                ["articles-per-day", "articles-per-day"],
                ["top-tags", "wire-agencies"],
                ["ticker-per-day", "ticker-per-day"],
            ],
            "filters": {
                "date_start": {"name": "From", "type": "date"},
                "date_end": {"name": "To", "type": "date"},
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


# The date range of a canned query over articles, each bound ignored while empty.
_SINCE_UNTIL = (
    "(:since = '' OR substr(a.published_at, 1, 10) >= :since) AND (:until = '' OR substr(a.published_at, 1, 10) <= :until)"
)

#: Datasette's canned queries, by name: ``title``, ``description`` and ``sql`` with named
#: parameters (an empty ``since``/``until`` leaves that end of the range open).
CANNED_QUERIES: dict[str, dict[str, str]] = {
    "articles_per_day_by_section": {
        "title": "Articles per day by section",
        "description": "Days are the site's calendar days (YYYY-MM-DD). Leave since/until empty for all.",
        "sql": (
            "SELECT substr(a.published_at, 1, 10) AS day, a.section, count(*) AS articles\n"
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
            "SELECT substr(a.published_at, 1, 7) AS month, a.source AS agency, count(*) AS articles\n"
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
            "WITH recent AS (\n"
            "  SELECT * FROM (SELECT article_id, version, text_seen_at FROM article_versions WHERE version > 1\n"
            "    ORDER BY text_seen_at DESC, article_id DESC, version DESC LIMIT 200)\n"
            "  UNION ALL SELECT * FROM (SELECT id, version, text_seen_at FROM articles WHERE version > 1\n"
            "    ORDER BY text_seen_at DESC, id DESC LIMIT 200)\n"
            "  ORDER BY text_seen_at DESC, article_id DESC, version DESC LIMIT 200),\n"
            "edits AS (\n"
            "  SELECT r.text_seen_at AS edited_at, r.article_id, r.version, o.reason, a.headline AS current_headline,\n"
            "    iif(n.article_id IS NULL, a.headline, n.headline) AS headline, iif(n.article_id IS NULL, a.lead, n.lead) AS lead,\n"
            "    iif(n.article_id IS NULL, a.body, n.body) AS body, iif(n.article_id IS NULL, a.authors, n.authors) AS authors,\n"
            "    iif(n.article_id IS NULL, a.tags, n.tags) AS tags, iif(n.article_id IS NULL, a.source, n.source) AS source,\n"
            "    o.headline AS old_headline, o.lead AS old_lead, o.body AS old_body, o.authors AS old_authors,\n"
            "    o.tags AS old_tags, o.source AS old_source\n"
            "  FROM recent r JOIN articles a ON a.id = r.article_id\n"
            "  JOIN article_versions o ON o.article_id = r.article_id AND o.version = r.version - 1\n"
            "  LEFT JOIN article_versions n ON n.article_id = r.article_id AND n.version = r.version)\n"
            "SELECT edited_at, article_id, current_headline AS headline, version, reason,\n"
            "  trim(iif(old_headline IS NOT headline, 'headline ', '') || iif(old_lead IS NOT lead, 'lead ', '')\n"
            "    || iif(old_body IS NOT body, 'body ', '') || iif(old_authors IS NOT authors, 'authors ', '')\n"
            "    || iif(old_tags IS NOT tags, 'tags ', '') || iif(old_source IS NOT source, 'source', '')) AS fields,\n"
            "  words_added(was, now) AS words_added, words_removed(was, now) AS words_removed,\n"
            "  '[history](articles/' || article_id || '#history)' AS history\n"
            "FROM (SELECT *, coalesce(old_headline, '') || ' ' || coalesce(old_lead, '') || ' ' || coalesce(old_body, '') AS was,\n"
            "  coalesce(headline, '') || ' ' || coalesce(lead, '') || ' ' || coalesce(body, '') AS now FROM edits)\n"
            "ORDER BY edited_at DESC, article_id DESC, version DESC"
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
