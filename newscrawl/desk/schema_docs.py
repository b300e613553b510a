"""What every table, view and column of the archive means, written once.

``docs/archive.md`` is generated from :data:`RELATIONS` (``python -m newscrawl.desk.schema_docs``;
``--check`` fails when the file is stale), and ``newscrawl serve`` gives Datasette the same
descriptions (:func:`table_description`, :func:`column_descriptions`). Descriptions are Markdown;
Datasette shows them as plain text (:func:`plain`).
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from newscrawl.archive import SCHEMA_VERSION

#: Where the generated reference lives.
DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "archive.md"


@dataclass(frozen=True)
class Column:
    """One row of a table's column list: one or more columns sharing a meaning."""

    names: tuple[str, ...]
    type: str
    meaning: str

    @property
    def is_json(self) -> bool:
        """Whether the column holds JSON text (an array or an object)."""
        return "JSON" in self.type


@dataclass(frozen=True)
class Example:
    """An example query, with what it shows."""

    caption: str
    sql: str


@dataclass(frozen=True)
class Relation:
    """A table or view of the archive: its description (the first paragraph is the summary
    Datasette shows), its columns, notes after the column list, and example queries."""

    name: str
    kind: str  # "table", "view" or "fts" (a full-text index)
    description: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """Every column described, in order."""
        return [name for column in self.columns for name in column.names]


def _columns(*rows: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(tuple(name.strip() for name in names.split(",")), kind, meaning) for names, kind, meaning in rows)


INTRO = """\
One SQLite file (default `data/archive.db`) in WAL mode, so it can be read while a crawl writes.
`newscrawl/archive/` creates the schema and the views and performs every write. Times are ISO
8601. Times taken from the site keep the site's own offset (Asia/Beirut: `+02:00` in winter,
`+03:00` in summer). Times taken from the crawler's clock are UTC (`+00:00`).

This file is generated from `newscrawl/desk/schema_docs.py`, which also gives `newscrawl serve`
(Datasette) its table and column descriptions: edit that module, then run
`.venv/bin/python -m newscrawl.desk.schema_docs` (a test fails while this file is stale)."""

#: The schema's version, after the intro.
VERSIONS = f"""\
The schema has a version, kept in the file (`PRAGMA user_version`): this newscrawl writes version
{SCHEMA_VERSION}; version 0 is every archive from before versions. A crawl migrates an archive of an
older version in place, in one transaction, before it writes anything else; it refuses an archive of
a newer version (written by a newer newscrawl) with exit status 2, writing nothing. The readers
(`newscrawl stats`, `search`, `export`, `runs`, `serve`) read an archive of any version."""

#: SQLite's own tables and the FTS5 index's shadow tables: internal, not described.
INTERNAL_TABLES = re.compile(r"^(sqlite_.*|articles_fts_(config|data|docsize|idx|content))$")

RELATIONS: tuple[Relation, ...] = (
    Relation(
        "articles",
        "table",
        "One row per article. An article is identified by its canonical URL, or by its edition and CMS post id when "
        "the URL changed.",
        _columns(
            ("id", "integer", "primary key"),
            ("url", "text, unique", "canonical URL on the edition's real host (also when crawled from a mirror)"),
            ("post_id", "text", "the CMS post id, e.g. `1864628`, when the page carries one"),
            (
                "edition",
                "text",
                '`en`, `ar` or `es`; for the `news` spider, the language the page declares (`de` from `de-AT`), `""` when none',
            ),
            ("content_type", "text", "`news`, `article`, `video`, `infograph` or `gallery`"),
            ("section", "text", "menu section as the site names it, e.g. `Politics`, `Opinion`, `Foreign Press`"),
            ("region", "text", "region as the site names it, e.g. `Palestine`, `US & Canada`"),
            ("coverage", "text", "the running story the site files it under, e.g. `War on Gaza`"),
            ("headline", "text", "plain text"),
            ("lead", "text", "the standfirst, plain text"),
            ("body", "text", 'paragraphs and subheadings joined by a blank line; no "Read more:" lines, captions or boxes'),
            ("authors", "text (JSON array)", 'names without "By", e.g. `["Al Mayadeen English"]`'),
            ("source", "text", 'wire agency from the "Source:" line, e.g. `TASS`; null when there is none'),
            (
                "published_at",
                "text",
                "e.g. `2023-11-13T20:45:00+02:00`; a displayed time without offset is read as Beirut time (the `news` "
                "spider keeps it without offset)",
            ),
            ("modified_at", "text", "last update time given by the page's metadata, same format"),
            ("published_raw", "text", "the date as displayed, e.g. `13 Nov 2023 20:45`"),
            ("tags", "text (JSON array)", "tags in page order"),
            ("read_time_min", "integer", 'from "4 Min Read"'),
            ("share_count", "integer", 'from "5 Shares" at the last fetch'),
            ("language", "text", "the language the page declares, as a primary subtag, e.g. `en`"),
            ("first_seen_at", "text", "UTC time of the first fetch that stored it"),
            ("last_fetched_at", "text", "UTC time of the latest fetch"),
            ("content_hash", "text", "SHA-256 of headline, lead, body, authors, source, tags and captions"),
            (
                "version",
                "integer",
                "1 for the text first stored, raised by one each time a re-fetch or a re-extraction changes that text",
            ),
            (
                "sitemap_lastmod",
                "text",
                "the `<lastmod>` of the sitemap entry of the latest sitemap backfill that fetched it, as the sitemap gives "
                "it; null when only the listings led to it",
            ),
            (
                "sitemap_news",
                "text (JSON object)",
                'what a Google News sitemap entry said: `{"title", "publication_date", "keywords"}`; null without one',
            ),
            (
                "missing_fields",
                "text (JSON array)",
                'the expected fields the latest fetch did not find, e.g. `["authors"]`; `[]` for a complete article (see below)',
            ),
            (
                "truncated",
                "text",
                "why the latest stored fetch's page could only be read in part, e.g. `the HTML parser stopped at line 1, "
                "column 4137: Excessive depth in document: 2048` (elements nested deeper than the parser goes): the text "
                "lacks what came after that point, and `missing_fields` names `body`; null when the page was read whole. A "
                "page read in part never replaces an article read whole (that fetch only moves `last_fetched_at`)",
            ),
            (
                "capture_id",
                "integer",
                "the capture (`captures.id`) the stored text was read from: the page as fetched, in the WARC files (a "
                "`revisit` capture's page is that of the capture its `refers_to` names); the latest fetch when it found the "
                "text unchanged. Null for an article stored before captures were kept, or by a crawl with "
                "`WARC_ENABLED=False` (once `newscrawl warc prune` removed its WARC file, the capture stays, its "
                "`warc_file` null)",
            ),
        ),
        notes=(
            "An article is stored when the spider recognized the page as one and it has a URL and a headline or a body; "
            "whatever else it lacks is stored empty and named in `missing_fields`. The expected fields are those every "
            "article page of its site shows, as the site's profile names them (`SiteProfile.expected_fields`); by default "
            "(`newscrawl.coverage.EXPECTED_FIELDS`) `headline`, `authors` (the "
            "byline), `published_at`, `section`, `lead`, `body` and `tags`. Fields only some pages have by nature "
            "(`source`, captions, `region`, the sitemap columns) are never missing. An archive from before this column "
            "gets it filled from the stored values when a crawl first opens it.",
            "A re-fetch whose text (the fields of `content_hash`) is unchanged refreshes only `last_fetched_at`, "
            "`modified_at`, the counters, the filing (`section`, `region`, `coverage`, `content_type`) and the links; "
            "it makes no version.",
            "`newscrawl reextract` reads the page `capture_id` names again with today's extraction: a new text becomes a "
            "version (`article_versions.reason` `reextract`), other fields found that were missing are filled and "
            "corrected ones replaced, never emptied; it is no fetch: `last_fetched_at`, `capture_id` and the links stay.",
        ),
        examples=(
            Example(
                "Articles that lack an expected field, latest first:",
                "select url, missing_fields from articles where missing_fields != '[]' order by last_fetched_at desc;",
            ),
            Example(
                "The ten latest articles:",
                "select published_at, section, headline from articles order by published_at desc limit 10;",
            ),
        ),
    ),
    Relation(
        "articles_fts",
        "fts",
        "An FTS5 index over `headline`, `lead` and `body` of `articles` (its `rowid` is `articles.id`). Triggers keep "
        "it in sync with every insert, update and delete.",
        _columns(
            ("headline", "text", "`articles.headline`"),
            ("lead", "text", "`articles.lead`"),
            ("body", "text", "`articles.body`"),
        ),
        notes=(
            "Its shadow tables (`articles_fts_config`, `articles_fts_data`, `articles_fts_docsize`, "
            "`articles_fts_idx`) belong to SQLite's FTS5 and are not meant to be read. A query uses FTS5's syntax: "
            'words, `"a phrase"`, `OR`, `NOT`, `prefix*`.',
        ),
        examples=(
            Example(
                "Full-text search, best match first:",
                "select articles.url, articles.headline\n"
                "from articles_fts join articles on articles.id = articles_fts.rowid\n"
                "where articles_fts match 'pharisaism' order by rank;",
            ),
            Example(
                "With the matched words highlighted in a snippet:",
                "select articles.url, snippet(articles_fts, -1, '[', ']', ' … ', 20) as snippet\n"
                "from articles_fts join articles on articles.id = articles_fts.rowid\n"
                "where articles_fts match 'ceasefire' order by rank limit 5;",
            ),
        ),
    ),
    Relation(
        "tags",
        "table",
        "Tag names, each once.",
        _columns(
            ("id", "integer", "primary key"),
            ("name", "text, unique", "tag as the site spells it"),
        ),
        examples=(
            Example(
                "The most used tags:",
                "select tags.name, count(*) as n from tags join article_tags on article_tags.tag_id = tags.id\n"
                "group by tags.name order by n desc limit 20;",
            ),
        ),
    ),
    Relation(
        "article_tags",
        "table",
        "Which articles carry which tags (`articles.tags` holds the same names in page order).",
        _columns(("article_id, tag_id", "integer", "the article carries the tag (primary key of both)")),
        examples=(
            Example(
                "The articles tagged `Gaza`:",
                "select a.published_at, a.headline from articles a\n"
                "join article_tags at on at.article_id = a.id join tags t on t.id = at.tag_id\n"
                "where t.name = 'Gaza' order by a.published_at desc;",
            ),
        ),
    ),
    Relation(
        "captions",
        "table",
        "Captioned images of the article itself, not those of teasers.",
        _columns(
            ("article_id, position", "integer", "the article and the image's 0-based place in page order (primary key)"),
            ("text", "text", "the caption without its credit"),
            ("credit", "text", "e.g. `AP Photo/Mohammed Dahman` (the brackets are dropped); null if none is shown"),
            ("image_url", "text", "absolute image URL"),
        ),
        examples=(
            Example(
                "Photo credits by agency:",
                "select credit, count(*) as n from captions where credit is not null group by credit order by n desc;",
            ),
        ),
    ),
    Relation(
        "links",
        "table",
        "Links from an article to other articles of the edition.",
        _columns(
            ("article_id", "integer", "the linking article"),
            ("url", "text", "canonical URL of the linked article"),
            ("kind", "text", '`read_more` (inline "Read more:"), `related` ("Related News"), `most_read`, `read_next`'),
        ),
        examples=(
            Example(
                'The articles most often linked as "Read more:", with the archived ones\' headlines:',
                "select l.url, a.headline, count(*) as n from links l left join articles a on a.url = l.url\n"
                "where l.kind = 'read_more' group by l.url order by n desc limit 10;",
            ),
        ),
    ),
    Relation(
        "article_versions",
        "table",
        "The earlier texts of an article: when a re-fetch (or `newscrawl reextract`) changes its headline, lead, body, "
        "authors, source, tags or captions, the text it had goes here and `articles` holds the newest.",
        _columns(
            ("article_id, version", "integer", "the article and the number its text had (primary key)"),
            ("fetched_at", "text", "UTC time of the last fetch that found that text"),
            ("content_hash", "text", "that text's `content_hash`"),
            ("headline, lead, body, source", "text", "as in `articles`"),
            ("authors, tags", "text (JSON array)", "as in `articles`"),
            ("captions", "text (JSON array)", 'JSON array of `{"text", "credit", "image_url"}`'),
            ("capture_id", "integer", "the capture (`captures.id`) that text was read from; null when none was kept"),
            (
                "reason",
                "text",
                "what replaced that text: `fetch` (a re-fetch found the article changed) or `reextract` (`newscrawl "
                "reextract` read the kept page again with newer extraction); null for versions from before it was recorded",
            ),
        ),
        examples=(
            Example(
                "Each revision, newest first:",
                "select a.url, v.version, v.headline as was, a.headline as now\n"
                "from article_versions v join articles a on a.id = v.article_id order by v.fetched_at desc;",
            ),
        ),
    ),
    Relation(
        "captures",
        "table",
        "Every fetch the crawl received (homepage, listings, sitemaps, robots.txt, articles, error pages), as kept in "
        "the WARC files (ISO 28500) under the archive's WARC folder: one row per `response` record, or per `revisit` "
        "record when the payload was identical to the URL's previous capture. The exchange itself (status line, "
        "headers and body as received) is in the WARC record; `offset` and `length` find it.",
        _columns(
            ("id", "integer", "primary key"),
            ("run_id", "integer", "the crawl run that fetched it (`crawl_runs.id`)"),
            ("url", "text", "the URL fetched (`WARC-Target-URI`): for a crawl of a mirror, the mirror's"),
            ("fetched_at", "text", "UTC time of the fetch (`WARC-Date`)"),
            ("status", "integer", "the HTTP status"),
            ("content_type", "text", "the `Content-Type` header as received"),
            ("payload_digest", "text", "`WARC-Payload-Digest` of the body as received, e.g. `sha1:2X5...`"),
            ("record_type", "text", "`response`, or `revisit` (the payload was that of the URL's previous capture)"),
            ("refers_to", "integer", "for a revisit, the capture holding the payload (`captures.id`); null otherwise"),
            (
                "warc_file",
                "text",
                "the WARC file holding the record, by name in the WARC folder; null once `newscrawl warc prune` removed it",
            ),
            ("offset, length", "integer", "where the record's gzip member starts in the file, and its size in bytes"),
            ("record_id", "text", "`WARC-Record-ID` of the record, e.g. `<urn:uuid:...>`; unique"),
        ),
        examples=(
            Example(
                "Where the page each article's stored text was read from is kept:",
                "select a.url, c.fetched_at, c.record_type, c.warc_file, c.offset, c.length\n"
                "from articles a join captures c on c.id = a.capture_id order by c.fetched_at desc;",
            ),
        ),
    ),
    Relation(
        "held_fetches",
        "table",
        "Re-fetches kept aside: when an article's re-fetched text looks damaged next to the text the archive holds "
        "(its headline, byline, tags or body gone, a body under 70% of the stored length, fewer than 60% of the stored "
        "paragraphs), it is kept here instead of made a version, and `articles` keeps the stored text and its "
        "`last_fetched_at`, so the article's next re-check comes when it was due.",
        _columns(
            ("id", "integer", "primary key"),
            ("article_id", "integer", "the article (`articles.id`)"),
            ("url", "text", "the URL fetched (canonical, on the real host)"),
            ("fetched_at", "text", "UTC time of the fetch"),
            ("reason", "text", "why it looked damaged, e.g. `body much shorter: 812 characters, 4210 stored`"),
            ("content_hash", "text", "the `content_hash` of the text fetched"),
            ("headline, lead, body, source", "text", "the text fetched, as in `articles`"),
            ("authors, tags", "text (JSON array)", "as in `articles`"),
        ),
        examples=(
            Example(
                "Re-fetches kept aside, newest first, with the stored headline:",
                "select h.fetched_at, h.url, h.reason, a.headline as stored\n"
                "from held_fetches h join articles a on a.id = h.article_id order by h.fetched_at desc;",
            ),
        ),
    ),
    Relation(
        "breaking",
        "table",
        "The BREAKING ticker: one row per distinct line per edition.",
        _columns(
            ("id", "integer", "primary key"),
            ("edition", "text", "edition whose pages showed the line"),
            ("text", "text", "the line verbatim (unique per edition)"),
            ("attribution", "text", 'the speaker before the first ": ", e.g. `Al Mayadeen\'s correspondent`, else null'),
            ("url", "text", "where the line links, if anywhere"),
            ("first_seen_at, last_seen_at", "text", "UTC times of the first and latest sighting"),
            ("seen_count", "integer", "how many crawl runs saw the line"),
        ),
        notes=("A line that leaves the ticker keeps its `last_seen_at`; if it comes back, it is the same row.",),
        examples=(
            Example(
                "The latest lines:",
                "select text, first_seen_at, last_seen_at, seen_count from breaking order by last_seen_at desc limit 20;",
            ),
        ),
    ),
    Relation(
        "breaking_sightings",
        "table",
        "Which crawl runs saw which ticker line.",
        _columns(
            ("breaking_id", "integer", "the line (`breaking.id`)"),
            ("run_id", "integer", "the run that saw it (`crawl_runs.id`); with `breaking_id`, the primary key"),
            ("seen_at", "text", "UTC time the run saw it"),
        ),
        examples=(
            Example(
                "What each run saw:",
                "select r.id, r.started_at, b.text from breaking_sightings s\n"
                "join breaking b on b.id = s.breaking_id join crawl_runs r on r.id = s.run_id order by r.id desc;",
            ),
        ),
    ),
    Relation(
        "crawl_runs",
        "table",
        "One row per crawl, with its status, counts, arguments and Scrapy stats.",
        _columns(
            ("id", "integer", "primary key"),
            ("spider", "text", "`almayadeen` or `news`"),
            ("edition", "text", "the run's `edition` argument (null for a spider without one)"),
            ("started_at, finished_at", "text", "UTC"),
            (
                "status",
                "text",
                "`running` (going on now), `finished`, `degraded` (finished, but its field coverage fell well below its "
                "history, or it stored no article although the site answered: see `run_coverage`; its articles are stored "
                "all the same), `failed`, `blocked`, `busy` (stopped because another program held the archive locked longer "
                "than `ARCHIVE_BUSY_TIMEOUT`) or `interrupted` (stopped by Ctrl-C or SIGTERM, or killed: then marked so by "
                "the next run, `finished_at` null)",
            ),
            (
                "complete",
                "integer",
                "1 when the run fetched everything it had to: finished (not degraded), not stopped at `max_articles`, no "
                "article or listing page lost (a page skipped for good, such as an oversized one, and an article the site "
                "answered 404 or 410 for, recorded in `gone_articles`, do not count). The "
                "next incremental run walks listings only as deep as they hold something new if the edition's previous "
                "run was complete, and every listing page otherwise.",
            ),
            ("requests", "integer", "requests the run made (robots.txt included)"),
            (
                "new_articles, new_versions, unchanged",
                "integer",
                "articles stored for the first time, re-fetched with a changed text, re-fetched unchanged",
            ),
            ("errors", "integer", "errors the run logged (failed requests, items that could not be stored)"),
            ("ticker_lines", "integer", "distinct ticker lines the run saw"),
            ("args", "text (JSON object)", "the spider arguments"),
            (
                "stats",
                "text (JSON object)",
                "Scrapy's stats at the end of the run. The `newscrawl/*` keys count new, changed and unchanged articles "
                "(`newscrawl/articles_new` ...), ticker lines, drops, duplicates and store errors. `newscrawl/message` "
                "says why a run did not finish, or why it is degraded (the fields whose coverage fell, with their "
                "baseline and their share in this run; `newscrawl/coverage_drops` lists them as `content_type:field`). "
                "`newscrawl/listing_pages`, `newscrawl/listing_article_links` (a listing's own links to articles, not its "
                '"Most Read" box) and `newscrawl/article_pages` (article pages fetched) tell a run that had nothing new '
                "from one that could not read the site. How the crawl met a hostile web: `retry/count` and "
                "`retry/reason_count/<reason>` (Scrapy's retries, spaced out by `newscrawl.crawl.middlewares`), "
                "`newscrawl/retry_after` (retries timed by the server's `Retry-After`), `newscrawl/host_pauses` (pauses "
                "after 429s in a row), `newscrawl/damaged_pages` (pages answered 200 but damaged: empty, cut short, their "
                "tags lost; retried), `newscrawl/article_errors` and `newscrawl/listing_errors` (pages not fetched, or "
                "still damaged, after retries: the run is not `complete`), `newscrawl/articles_held` (re-fetches whose "
                "text looked damaged next to the stored one, kept in `held_fetches`), `newscrawl/articles_skipped` and `newscrawl/listings_skipped` "
                "(pages that will not get better: oversized, redirected off the host or in a loop, disallowed by "
                "robots.txt), `newscrawl/offsite_refused` (requests to another host refused) and "
                "`newscrawl/charset_corrected` (pages whose declared charset was wrong). The `news` spider adds what "
                "discovery found (`newscrawl/found/<source>`, `newscrawl/articles_found`, "
                "`newscrawl/articles_requested`), the off-host links it declined (`newscrawl/offsite_skipped`) and the "
                "menu sections an incremental run did not walk because its start page linked nothing new "
                "(`newscrawl/sections_skipped`). Both spiders count the requested pages that held no article "
                "(`newscrawl/not_article`, recorded in `not_articles`), and what an incremental run did not ask for: "
                "archived articles (`newscrawl/archived_skipped`), those a sitemap names at the archived version "
                "(`newscrawl/sitemap_current`), pages found without an article (`newscrawl/not_article_skipped`) "
                "and articles found gone (`newscrawl/gone_skipped`) less than `GONE_RECHECK_DAYS` ago; "
                "`newscrawl/rechecks` counts the re-checks it made. Articles the site answered 404 or 410 for: "
                "`newscrawl/articles_gone` (recorded in `gone_articles`; not errors).",
            ),
        ),
        examples=(
            Example(
                "The last runs, with why a run did not finish cleanly:",
                "select id, started_at, status, new_articles, errors, json_extract(stats, '$.\"newscrawl/message\"') as note\n"
                "from crawl_runs order by id desc limit 10;",
            ),
        ),
    ),
    Relation(
        "run_coverage",
        "table",
        "Per crawl run, content type and monitored field: how many of the articles the run stored (new, revised or "
        "re-fetched unchanged) had the field. Re-fetched articles count because they show the site's current markup as "
        "well as new ones do: a `full=1` pass, or a run of re-checks only, is judged too.",
        _columns(
            ("run_id", "integer", "the run (`crawl_runs.id`); with `content_type` and `field`, the primary key"),
            ("content_type", "text", 'the articles\' `content_type` (`""` when none)'),
            ("field", "text", "the monitored field, e.g. `authors`"),
            ("articles", "integer", "articles of that type the run stored"),
            ("present", "integer", "how many of them had the field"),
        ),
        notes=(
            "The monitored fields are the expected ones of `missing_fields` plus `source`, `captions` and `region` "
            "(`newscrawl.coverage.MONITORED_FIELDS`). At the end of each run, each field's share is compared with its "
            "baseline: the median share over the last `COVERAGE_HISTORY_RUNS` (10) earlier runs of the same spider, "
            "edition and `discover` mode (for the `news` spider, the same start URLs) that `finished` (a degraded run never counts) and "
            "stored at least `COVERAGE_MIN_ARTICLES` (5) articles of the type. A field is judged once there are "
            "`COVERAGE_LEARN_RUNS` (2) such runs (the first runs only learn the baseline) and the run stored at least "
            "`COVERAGE_MIN_ARTICLES` of the type. It is flagged when its share fell by `COVERAGE_DROP` (0.5) of the "
            "baseline or more, and chance alone would give so few articles with it less often than `COVERAGE_P_VALUE` "
            "(0.001; the binomial lower tail at the baseline's share): a byline on 40% of articles that falls to none "
            "of 30 is flagged, one on 20% that falls to none of 10 is not. A flagged field, or a run that stored no "
            "article although it read listing or article pages (a listing redesign, a page layout no longer "
            "recognized), makes the run `degraded` (exit status 5). An incremental run that found every listed article "
            "archived, and so fetched none, is not degraded: it read article links, it just had nothing new. "
            "`COVERAGE_MONITOR = False` records coverage and judges nothing.",
        ),
        examples=(
            Example(
                "The share of articles with a byline, run by run:",
                "select r.id, r.started_at, c.content_type, round(100.0 * c.present / c.articles) as pct\n"
                "from run_coverage c join crawl_runs r on r.id = c.run_id\n"
                "where c.field = 'authors' and c.articles > 0 order by r.id desc, c.content_type;",
            ),
        ),
    ),
    Relation(
        "gone_articles",
        "table",
        "Article URLs the site answered 404 (Not Found) or 410 (Gone) for: deleted articles, or links to articles that "
        "never were. A fact about the site, not a failure of the crawl: the run stays `complete`, and whatever "
        "`articles` holds of such an article stays as it was.",
        _columns(
            (
                "url",
                "text",
                "canonical URL as the link named it (for `almayadeen`, on the edition's real host); primary key "
                "(`articles.url` when the archive holds the article)",
            ),
            ("status", "integer", "the latest answer: 404 or 410"),
            (
                "first_gone_at, last_gone_at",
                "text",
                "UTC times of the first and latest answer of this spell of being gone (a spell ends when the URL "
                "answers with the article again)",
            ),
            ("times_gone", "integer", "how many requests in this spell were answered 404 or 410"),
            ("run_id", "integer", "the run of the latest such answer (`crawl_runs.id`)"),
            (
                "returned_at",
                "text",
                "UTC time the URL answered with the article again (it was stored then); null while it is gone",
            ),
        ),
        notes=(
            "An incremental run does not ask again for a URL found gone less than `GONE_RECHECK_DAYS` (30) days ago, "
            "and counts it as known when it judges whether a listing page holds something new, so a listing that "
            "links a deleted article is walked no deeper than one that does not. A `full=1` pass asks for every "
            "URL again.",
        ),
        examples=(
            Example(
                "Archived articles the site has deleted since:",
                "select a.published_at, a.headline, g.status, g.first_gone_at from gone_articles g\n"
                "join articles a on a.url = g.url where g.returned_at is null order by g.first_gone_at desc;",
            ),
        ),
    ),
    Relation(
        "not_articles",
        "table",
        "Pages a spider fetched as articles that held none: a day archive, a tag page, a page the CMS types as a "
        "plain page. Not stored in `articles`; recorded so that later runs leave them alone.",
        _columns(
            ("url", "text", "canonical URL as the link named it, on the site's real host; primary key"),
            ("first_seen_at, last_seen_at", "text", "UTC times the page was first and last read without an article"),
            ("times_seen", "integer", "how many times it was"),
            ("run_id", "integer", "the run that read it last (`crawl_runs.id`)"),
        ),
        notes=(
            "An incremental run does not ask again for such a page read less than `GONE_RECHECK_DAYS` (30) days ago "
            "(`newscrawl/not_article_skipped`), and counts it as known when it judges whether a listing page holds "
            "something new. A `full=1` pass asks for it again. When the URL later holds an article, the article is "
            "stored as any other and this row stays as a record of what the page was.",
        ),
        examples=(
            Example(
                "What the crawl took for articles but were not, most recent first:",
                "select url, last_seen_at, times_seen from not_articles order by last_seen_at desc;",
            ),
        ),
    ),
    Relation(
        "article_details",
        "view",
        "Each article with its authors, tags and captions as readable lists, for browsing and exports that want one "
        "row per article.",
        _columns(
            ("id", "integer", "`articles.id`"),
            (
                "url, edition, content_type, section, region, coverage, source, published_at, headline, lead",
                "text",
                "as in `articles`",
            ),
            ("authors", "text", "the byline's names joined by `, `, in page order"),
            ("tags", "text", "the tags joined by `, `, in page order"),
            (
                "captions",
                "text",
                "the captions in page order, each `text (credit)` (or just the text without a credit), joined by ` | `",
            ),
            ("images", "integer", "how many captioned images the article has"),
            ("version", "integer", "as in `articles`: above 1 when its text was revised"),
            ("first_seen_at, last_fetched_at", "text", "as in `articles`"),
        ),
        examples=(
            Example(
                "The latest Opinion pieces, with their authors and tags:",
                "select published_at, headline, authors, tags from article_details\n"
                "where section = 'Opinion' order by published_at desc limit 10;",
            ),
        ),
    ),
    Relation(
        "ticker_timeline",
        "view",
        "Each ticker line with when it was first and last seen and in how many crawl runs, earliest first.",
        _columns(
            ("id", "integer", "`breaking.id`"),
            ("edition, text, attribution, url", "text", "as in `breaking`"),
            ("first_seen_at, last_seen_at", "text", "UTC times of the first and latest sighting"),
            ("hours_seen", "real", "hours between the first and the latest sighting, to one decimal"),
            (
                "runs",
                "integer",
                "how many crawl runs saw the line (from `breaking_sightings`; `breaking.seen_count` for lines from before "
                "sightings were recorded)",
            ),
            ("first_run, last_run", "integer", "the first and latest run that saw it (`crawl_runs.id`); null when unknown"),
        ),
        examples=(
            Example(
                "The lines that stayed longest on the ticker:",
                "select text, first_seen_at, hours_seen, runs from ticker_timeline order by hours_seen desc limit 10;",
            ),
        ),
    ),
)


def relation(name: str) -> Relation:
    """The description of the table or view ``name``; raises :class:`KeyError` for an unknown one."""
    for item in RELATIONS:
        if item.name == name:
            return item
    raise KeyError(name)


def plain(markdown: str) -> str:
    """``markdown`` as plain text (inline code marks dropped), as Datasette shows descriptions."""
    return markdown.replace("`", "")


def table_description(name: str) -> str:
    """The plain-text description Datasette shows above the table or view ``name``."""
    return plain(relation(name).description)


def column_descriptions(name: str) -> dict[str, str]:
    """Plain-text descriptions of each column of the table or view ``name``, by column name."""
    return {column_name: plain(column.meaning) for column in relation(name).columns for column_name in column.names}


def json_columns() -> dict[str, set[str]]:
    """The columns holding JSON text, by table or view name."""
    found: dict[str, set[str]] = {}
    for item in RELATIONS:
        names = {name for column in item.columns if column.is_json for name in column.names}
        if names:
            found[item.name] = names
    return found


def render_markdown() -> str:
    """``docs/archive.md``: the intro, then each table and view with its columns and examples."""
    parts = ["# The archive", INTRO, VERSIONS]
    for item in RELATIONS:
        heading = f"## `{item.name}`" + {"view": " (view)", "fts": " (full-text index)"}.get(item.kind, "")
        parts += [heading, _wrap(item.description)]
        rows = ["| column | type | meaning |", "| --- | --- | --- |"]
        rows += [f"| {', '.join(f'`{n}`' for n in column.names)} | {column.type} | {column.meaning} |" for column in item.columns]
        parts += ["\n".join(rows), *map(_wrap, item.notes)]
        for example in item.examples:
            parts += [_wrap(example.caption), f"```sql\n{example.sql}\n```"]
    return "\n\n".join(parts) + "\n"


def _wrap(paragraph: str) -> str:
    return textwrap.fill(paragraph, 100, break_long_words=False, break_on_hyphens=False)


def main(argv: list[str] | None = None) -> int:
    """Write ``docs/archive.md``, or with ``--check`` exit 1 when it differs from what would be written."""
    parser = argparse.ArgumentParser(prog="python -m newscrawl.desk.schema_docs", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="fail when docs/archive.md is stale instead of writing it")
    parser.add_argument("--out", type=Path, default=DOCS_PATH, help="the file (default: docs/archive.md)")
    args = parser.parse_args(argv)
    text = render_markdown()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is stale: run python -m newscrawl.desk.schema_docs", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
