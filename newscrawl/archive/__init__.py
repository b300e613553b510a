"""The SQLite archive: its schema and every write to it, in one package.

Tables (see ``docs/archive.md``, generated from :mod:`newscrawl.desk.schema_docs`, for every column):

- ``articles``: one row per article, keyed by canonical ``url`` (and deduplicated on
  ``(edition, post_id)``), with ``authors`` and ``tags`` as JSON arrays;
- ``tags`` / ``article_tags``: tag names and which articles carry them;
- ``authors`` / ``article_authors``: author names and which articles name them in their byline
  (the same names as the ``authors`` column, kept in step with it);
- ``captions``: captioned images of each article, in page order;
- ``links``: each article's links to other articles, with their kind;
- ``article_versions``: the earlier texts of articles whose text changed on a re-fetch;
- ``held_fetches``: re-fetches whose text looked damaged next to the stored one, kept aside
  (see :func:`newscrawl.damage.refetch_damage`);
- ``breaking``: one row per distinct ticker line per edition, with when it was first and last
  seen and by how many crawl runs; ``breaking_sightings``: which runs saw which line;
- ``crawl_runs``: one row per crawl, with its status, counts, arguments and Scrapy stats;
- ``run_coverage``: per crawl run, content type and monitored field, how many of the articles
  the run stored had the field (see :mod:`newscrawl.coverage`); ``run_field_sources``: per
  run, content type, monitored field and source, how many of them had the field from that source;
- ``gone_articles``: article URLs the site answered 404 or 410 for, with when and by which run;
- ``articles_fts``: FTS5 index over the search form (:func:`newscrawl.textnorm.search_form`) of
  headline, lead and body, kept in sync by triggers; snippets show the text as written;
- views (:data:`VIEWS`): ``article_details`` (each article with readable lists of its authors,
  tags and captions) and ``ticker_timeline`` (each ticker line with its first and last sighting).

All writes use bound parameters; page text never becomes SQL. A crawl opens the archive
``exclusive``: one crawl at a time writes to a file, and readers are never locked out.

The schema has a version (:data:`SCHEMA_VERSION`, kept in the file as ``PRAGMA user_version``):
opening an archive of an older version migrates it in place, in one transaction (:data:`UPGRADES`);
one of a newer version is refused (:class:`ArchiveVersionError`) before anything is written.

Which module holds what (importers use this package's names, re-exported here):

- :mod:`~newscrawl.archive.connection`: the errors (:class:`ArchiveError`,
  :class:`ArchiveBusyError`, :class:`ArchiveVersionError`), the busy timeout
  (:data:`BUSY_TIMEOUT`, :func:`parse_busy_timeout`, :func:`is_busy`), the crawl lock's
  bookkeeping (:func:`flock_owner`, :func:`held_lock_fds`), the connection that holds one
  transaction, and how readers open the file (:func:`read_only_uri`, :func:`can_write`);
- :mod:`~newscrawl.archive.schema`: the tables' columns, :data:`VIEWS`, :data:`RUN_COUNTS`,
  :data:`SCHEMA_VERSION`, :data:`UPGRADES` and the schema's creation and migration;
- :mod:`~newscrawl.archive.store`: :class:`Archive`, the writer, with :func:`utcnow` and
  :func:`content_hash`;
- :mod:`~newscrawl.archive.state`: :class:`ArchiveState`, what a crawl reads to decide what to fetch;
- :mod:`~newscrawl.archive.reading`: what the commands read (:func:`recent_runs`,
  :data:`RUN_COLUMNS`, :func:`kept_pages`, :func:`count_unkept`, :func:`homepage_capture`,
  :func:`stored_text`, :func:`schema_version`, :func:`has_captures`, :func:`has_utc_times`, and for ``warc prune`` and
  ``export --format warc`` :func:`warc_files`, :func:`revisit_needs`, :func:`article_captures`).
"""

from newscrawl.archive.connection import (
    BUSY_TIMEOUT,
    ArchiveBusyError,
    ArchiveError,
    ArchiveVersionError,
    can_write,
    flock_owner,
    held_lock_fds,
    is_busy,
    parse_busy_timeout,
    read_only_uri,
)
from newscrawl.archive.reading import (
    RUN_COLUMNS,
    article_captures,
    count_unkept,
    has_captures,
    has_utc_times,
    homepage_capture,
    kept_pages,
    recent_runs,
    revisit_needs,
    schema_version,
    stored_text,
    warc_files,
)
from newscrawl.archive.schema import RUN_COUNTS, SCHEMA_VERSION, UPGRADES, VIEWS
from newscrawl.archive.state import ArchiveState
from newscrawl.archive.store import Archive, content_hash, utcnow

__all__ = [
    "BUSY_TIMEOUT",
    "RUN_COLUMNS",
    "RUN_COUNTS",
    "SCHEMA_VERSION",
    "UPGRADES",
    "VIEWS",
    "Archive",
    "ArchiveBusyError",
    "ArchiveError",
    "ArchiveState",
    "ArchiveVersionError",
    "article_captures",
    "can_write",
    "content_hash",
    "count_unkept",
    "flock_owner",
    "has_captures",
    "has_utc_times",
    "held_lock_fds",
    "homepage_capture",
    "is_busy",
    "kept_pages",
    "parse_busy_timeout",
    "read_only_uri",
    "recent_runs",
    "revisit_needs",
    "schema_version",
    "stored_text",
    "utcnow",
    "warc_files",
]
