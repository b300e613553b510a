"""``newscrawl stats`` and ``newscrawl search``: their pure parts as tables, then the real command
on an archive of the fixture mirror."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from newscrawl.archive import Archive
from newscrawl.desk.days import published_day as day_sql
from newscrawl.desk.query import (
    ArticleFilter,
    Hit,
    connect_readonly,
    format_hits,
    format_stats,
    mark,
    parse_day,
    search_command,
    wrap_items,
)
from tests.conftest import FIXTURES, connect, expected_articles, published_day

if TYPE_CHECKING:
    from pathlib import Path


def newscrawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", *args], capture_output=True, text=True, timeout=60, check=False)


def seed_url() -> str:
    """The URL of the fixture mirror's seed article: the one with "pharisaism" in its body."""
    (url,) = [article["url"] for _, article in expected_articles(FIXTURES) if "pharisaism" in (article["body"] or "")]
    return str(url)


# --- pure parts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "day"),
    [("2024-02-29", date(2024, 2, 29)), (" 2023-11-13 ", date(2023, 11, 13)), ("2023-13-01", None), ("2023-02-30", None),
     ("20231113", None), ("2023-11-13T10:00", None), ("yesterday", None), ("", None)],
)  # fmt: skip
def test_parse_day(value: str, day: date | None) -> None:
    if day is None:
        with pytest.raises(ValueError, match=r"is not a date YYYY-MM-DD"):
            parse_day(value)
    else:
        assert parse_day(value) == day


# The day the filters compare, computed from published_at (an archive of any version).
DAY = day_sql("articles", stored=False)


@pytest.mark.parametrize(
    ("where", "sql", "params"),
    [
        (ArticleFilter(), "1", []),
        (ArticleFilter(since=date(2024, 1, 1)), f"{DAY} >= ?", ["2024-01-01"]),
        (ArticleFilter(until=date(2024, 1, 31), section="Politics"),
         f"{DAY} <= ? AND articles.section = ? COLLATE NOCASE", ["2024-01-31", "Politics"]),
        (ArticleFilter(date(2024, 1, 1), date(2024, 1, 1)), f"{DAY} >= ? AND {DAY} <= ?", ["2024-01-01", "2024-01-01"]),
    ],
)  # fmt: skip
def test_filter_sql(where: ArticleFilter, sql: str, params: list[Any]) -> None:
    assert where.where() == (sql, params)


@pytest.mark.parametrize(
    ("published", "section", "where", "selected"),
    [
        ("2023-11-13T20:45:00+02:00", "Politics", ArticleFilter(), True),
        (None, None, ArticleFilter(), True),
        (None, "Politics", ArticleFilter(section="politics"), True),
        ("2023-11-13T20:45:00+02:00", "Politics", ArticleFilter(since=date(2023, 11, 13)), True),
        ("2023-11-13T23:45:00+02:00", "Politics", ArticleFilter(until=date(2023, 11, 13)), True),
        ("2023-11-14T01:45:00+03:00", "Politics", ArticleFilter(until=date(2023, 11, 13)), True),  # UTC: 13 Nov
        ("2023-11-14T01:45:00+03:00", "Politics", ArticleFilter(since=date(2023, 11, 14)), False),
        ("2023-11-13T22:30:00-05:00", "Politics", ArticleFilter(since=date(2023, 11, 14)), True),  # UTC: 14 Nov
        ("2023-11-14T01:45:00", "Politics", ArticleFilter(since=date(2023, 11, 14)), True),  # no offset: the site's date
        ("2023-11-13T20:45:00+02:00", "Politics", ArticleFilter(since=date(2023, 11, 14)), False),
        ("2023-11-13T20:45:00+02:00", "Politics", ArticleFilter(until=date(2023, 11, 12)), False),
        (None, "Politics", ArticleFilter(since=date(2000, 1, 1)), False),
        ("2023-11-13T20:45:00+02:00", "Opinion", ArticleFilter(section="Politics"), False),
        ("2023-11-13T20:45:00", "Politics", ArticleFilter(date(2023, 11, 13), date(2023, 11, 13), "POLITICS"), True),
    ],
)  # fmt: skip
def test_filter_selects(published: str | None, section: str | None, where: ArticleFilter, selected: bool) -> None:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE articles (published_at TEXT, section TEXT)")
    con.execute("INSERT INTO articles VALUES (?, ?)", [published, section])
    sql, params = where.where()
    assert con.execute(f"SELECT count(*) FROM articles WHERE {sql}", params).fetchone()[0] == int(selected)


def test_filter_refuses_since_after_until() -> None:
    with pytest.raises(ValueError, match=r"^--since 2024-02-01 is after --until 2024-01-31$"):
        ArticleFilter(date(2024, 2, 1), date(2024, 1, 31))


@pytest.mark.parametrize(
    ("items", "width", "label", "text"),
    [
        ("52", 80, "articles  ", "articles  52"),
        (["a 1", "b 2", "c 3"], 80, "by x  ", "by x  a 1, b 2, c 3"),
        (["Politics 18", "Opinion 7", "Foreign Press 2"], 30, "by section  ",
         "by section  Politics 18,\n            Opinion 7,\n            Foreign Press 2"),
        (["Politics 18", "Opinion 7", "Foreign Press 2"], 33, "s  ", "s  Politics 18, Opinion 7,\n   Foreign Press 2"),
        (["an item longer than the width"], 10, "x ", "x an item longer than the width"),
        ([], 80, "by type  ", "by type"),
    ],
)  # fmt: skip
def test_wrap_items(items: list[str] | str, width: int, label: str, text: str) -> None:
    assert wrap_items(items, width, label) == text


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [("[", "]", "what they call '[pharisaism],' and [more]"), ("\x1b[1m", "\x1b[0m", "what they call '\x1b[1mpharisaism\x1b[0m,' and \x1b[1mmore\x1b[0m")],
)  # fmt: skip
def test_mark(start: str, end: str, shown: str) -> None:
    assert mark("what they call '\x02pharisaism\x03,' and \x02more\x03", start, end) == shown


HIT = Hit(
    rank=-1.5,
    published_at="2023-11-13T20:45:00+02:00",
    section="Politics",
    headline="Russian intel reveals US urging 'Israel' to expedite genocide in Gaza",
    url="https://english.almayadeen.net/news/politics/russian-intel",
    snippet="…once again resorting to what they call '\x02pharisaism\x03,' against the backdrop of the ongoing war in…",
)


@pytest.mark.parametrize(
    ("bold", "text"),
    [
        (False,
         "1. 2023-11-13  Politics  Russian intel reveals US urging 'Israel' to expedite\n"
         "   genocide in Gaza\n"
         "   https://english.almayadeen.net/news/politics/russian-intel\n"
         "   …once again resorting to what they call '[pharisaism],' against the backdrop\n"
         "   of the ongoing war in…\n\n"
         "2. ----------  -  (no headline)\n"
         "   https://example.com/x\n"
         "   [x]"),
        (True,
         "1. 2023-11-13  Politics  Russian intel reveals US urging 'Israel' to expedite\n"
         "   genocide in Gaza\n"
         "   https://english.almayadeen.net/news/politics/russian-intel\n"
         "   …once again resorting to what they call '\x1b[1mpharisaism\x1b[0m,' against the backdrop\n"
         "   of the ongoing war in…\n\n"
         "2. ----------  -  (no headline)\n"
         "   https://example.com/x\n"
         "   \x1b[1mx\x1b[0m"),
    ],
)  # fmt: skip
def test_format_hits(bold: bool, text: str) -> None:
    bare = Hit(rank=0.0, published_at=None, section=None, headline=None, url="https://example.com/x", snippet="\x02x\x03")
    assert format_hits([HIT, bare], bold=bold) == text


def test_hit_as_json_marks_matches_with_brackets() -> None:
    assert HIT.as_json() == {
        "rank": -1.5,
        "published_at": "2023-11-13T20:45:00+02:00",
        "section": "Politics",
        "headline": HIT.headline,
        "url": HIT.url,
        "snippet": "…once again resorting to what they call '[pharisaism],' against the backdrop of the ongoing war in…",
    }


# --- stats on real archives ---------------------------------------------------------------------


def counts(con: sqlite3.Connection, column: str) -> dict[str, int]:
    return {row[0]: row[1] for row in con.execute(f"SELECT {column}, count(*) FROM articles GROUP BY {column}")}


def test_stats_json_tells_what_the_archive_holds(archive: Path) -> None:
    result = newscrawl("stats", "--db", str(archive), "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    with connect(archive) as con:
        published = sorted(row[0] for row in con.execute("SELECT published_at FROM articles WHERE published_at IS NOT NULL"))
        assert stats["by_content_type"] == counts(con, "content_type")
        assert stats["by_section"] == counts(con, "section")
        assert stats["ticker_lines"] == con.execute("SELECT count(*) FROM breaking").fetchone()[0] == 10
        assert stats["tags"] == con.execute("SELECT count(*) FROM tags").fetchone()[0]
    articles = len(expected_articles(FIXTURES))
    assert stats["articles"] == articles == 52
    assert stats["by_edition"] == {"en": articles}
    assert list(stats["by_section"].values()) == sorted(stats["by_section"].values(), reverse=True)
    assert stats["by_content_type"]["news"] == 27
    # Beirut's offset changes with the season: these two are the earliest and latest moments too.
    assert (stats["first_published"], stats["last_published"]) == (published[0], published[-1])
    assert stats["first_published"] == "2023-10-21T14:35:00+03:00"
    assert (stats["versions"], stats["revised_articles"], stats["runs"]) == (0, 0, 1)
    run = stats["last_run"]
    assert {key: run[key] for key in ("id", "spider", "status", "new_articles", "errors")} == {
        "id": 1, "spider": "almayadeen", "status": "finished", "new_articles": articles, "errors": 0,
    }  # fmt: skip


def test_stats_text_fits_a_terminal(archive: Path) -> None:
    result = newscrawl("stats", "--db", str(archive))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[1:3] == ["articles    52", "published   2023-10-21 14:35 +03:00 to 2025-07-14 11:05 +03:00"]
    assert "ticker      10 lines" in lines
    assert "by type     news 27, article 16, video 5, gallery 2, infograph 2" in lines
    section = result.stdout[result.stdout.index("by section") :]
    assert section.startswith("by section  Politics 18, Opinion 7, ")
    assert section.count("\n            ") >= 2  # the long list is wrapped under its first item
    assert "\x1b[" not in result.stdout


def test_stats_of_a_missing_archive_is_one_line_and_fails(tmp_path: Path) -> None:
    result = newscrawl("stats", "--db", str(tmp_path / "none.db"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"newscrawl stats: no archive at {tmp_path / 'none.db'}\n"


@pytest.mark.parametrize(
    "command", [["stats"], ["runs"], ["search", "x"], ["export", "--format", "csv", "-"], ["serve", "--port", "0"], ["demo"]]
)
def test_db_naming_no_file_is_refused_with_exit_2(command: list[str]) -> None:
    result = newscrawl(*command, "--db", "")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == f"newscrawl {command[0]}: error: argument --db: '' is not a file name"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["schema only", "zero bytes"])
def test_stats_of_an_empty_archive_is_one_line(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "empty.db"
    if kind == "zero bytes":
        db.touch()
    else:
        Archive(db).close()
    result = newscrawl("stats", "--db", str(db))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"archive {db} holds no article yet\n"
    as_json = json.loads(newscrawl("stats", "--db", str(db), "--json").stdout)
    assert (as_json["articles"], as_json["by_section"], as_json["last_run"]) == (0, {}, None)


def test_stats_of_a_file_that_is_no_database(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("not a database, " * 100)
    result = newscrawl("stats", "--db", str(db))
    assert result.returncode == 1
    assert result.stderr == f"newscrawl stats: cannot read archive {db}: file is not a database\n"


def test_commands_read_while_a_crawl_writes(archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    with sqlite3.connect(archive) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    writer = Archive(db, exclusive=True)  # a crawl's lock, and a write transaction left open
    writer.db.execute("BEGIN IMMEDIATE")
    writer.db.execute(
        "INSERT INTO articles (url, edition, headline, first_seen_at, last_fetched_at) VALUES ('u', 'en', 'pharisaism', 'x', 'x')"
    )
    try:
        stats = json.loads(newscrawl("stats", "--db", str(db), "--json").stdout)
        hits = newscrawl("search", "pharisaism", "--db", str(db), "--json").stdout.splitlines()
        exported = newscrawl("export", "--db", str(db), "--format", "jsonl", "-").stdout.splitlines()
    finally:
        writer.db.conn.rollback()
        writer.close()
    assert (stats["articles"], len(hits), len(exported)) == (52, 1, 52)  # what is committed, not blocked


def test_reading_connection_cannot_write(archive: Path) -> None:
    with closing(connect_readonly(archive)) as con, pytest.raises(sqlite3.OperationalError, match="readonly database"):
        con.execute("CREATE TABLE scribble (x)")


def test_format_stats_without_a_date_or_a_run() -> None:
    stats = {"db": "a.db", "articles": 1, "by_content_type": {"": 1}, "by_section": {"": 1}, "by_edition": {"": 1},
             "first_published": None, "last_published": None, "versions": 0, "revised_articles": 0, "ticker_lines": 0,
             "tags": 0, "runs": 0, "last_run": None}  # fmt: skip
    assert format_stats(stats).splitlines()[2:] == [
        "published   no date",
        "versions    0 earlier texts of 0 revised articles",
        "ticker      0 lines",
        "tags        0",
        "last run    none",
        "by type     (none) 1",
        "by edition  (none) 1",
        "by section  (none) 1",
    ]


# --- search on a real archive -------------------------------------------------------------------


def test_search_finds_the_seed_article_first_with_a_marked_snippet(archive: Path) -> None:
    result = newscrawl("search", "pharisaism", "--db", str(archive))
    assert result.returncode == 0, result.stderr
    first = result.stdout.split("\n\n")[0].splitlines()
    assert first[0].startswith("1. 2023-11-13  Politics  Russian intel reveals US urging")
    assert first[2].strip() == seed_url()
    assert "[pharisaism]" in " ".join(first[3:])
    assert "\x1b[" not in result.stdout  # piped: brackets, no terminal codes
    assert max(len(line) for line in result.stdout.splitlines() if "://" not in line) <= 80


def test_search_json(archive: Path) -> None:
    result = newscrawl("search", "pharisaism", "--db", str(archive), "--json")
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits[0]["url"] == seed_url()
    assert (hits[0]["published_at"], hits[0]["section"]) == ("2023-11-13T20:45:00+02:00", "Politics")
    assert "what they call '[pharisaism],'" in hits[0]["snippet"]
    assert "\x02" not in hits[0]["snippet"]


def test_search_in_bold_on_a_terminal(archive: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    assert search_command(archive, "pharisaism", ArticleFilter(), 5, out=out) == 0
    assert "'\x1b[1mpharisaism\x1b[0m,'" in out.getvalue()
    assert "[pharisaism]" not in out.getvalue()


#: What articles_fts indexes, as one text.
TEXT = "coalesce(headline, '') || ' ' || coalesce(lead, '') || ' ' || coalesce(body, '')"


def search_json(archive: Path, *args: str) -> list[dict[str, Any]]:
    result = newscrawl("search", "--db", str(archive), "--json", *args)
    assert result.returncode in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_search_ranks_by_bm25(archive: Path) -> None:
    hits = search_json(archive, "Gaza", "--limit", "100")
    with connect(archive) as con:
        matching = {row[0] for row in con.execute(f"SELECT url FROM articles WHERE {TEXT} LIKE '%gaza%'")}
    assert {hit["url"] for hit in hits} == matching
    assert len(hits) > 10
    assert [hit["rank"] for hit in hits] == sorted(hit["rank"] for hit in hits)
    assert "Gaza" in hits[0]["headline"]  # the headline weighs most
    assert len(search_json(archive, "Gaza")) == 10  # the default limit
    assert len(search_json(archive, "Gaza", "--limit", "3")) == 3


@pytest.mark.parametrize(
    "args",
    [("--section", "politics"), ("--since", "2025-01-01"), ("--until", "2023-12-31"),
     ("--since", "2023-11-01", "--until", "2023-11-30", "--section", "Politics")],
)  # fmt: skip
def test_search_filters(archive: Path, args: tuple[str, ...]) -> None:
    options = dict(zip(args[::2], args[1::2], strict=True))
    with connect(archive) as con:
        rows = con.execute(f"SELECT url, published_at, section, {TEXT} AS text FROM articles").fetchall()
    expected = {
        row["url"]
        for row in rows
        if "gaza" in row["text"].lower()
        and options.get("--since", "") <= (published_day(row["published_at"]) or "") <= options.get("--until", "9999")
        and (row["section"] or "").lower() == options.get("--section", row["section"] or "").lower()
    }
    hits = search_json(archive, "gaza", "--limit", "100", *args)
    assert {hit["url"] for hit in hits} == expected
    assert 0 < len(expected) < len(search_json(archive, "gaza", "--limit", "100"))


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "nosuchcolumn:word", "NEAR(a b", ""])
def test_search_refuses_a_malformed_query_in_one_line(archive: Path, query: str) -> None:
    result = newscrawl("search", query, "--db", str(archive))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"newscrawl search: cannot search for {query!r}: ")
    assert result.stderr.count("\n") == 1


def test_search_without_match_exits_1(archive: Path) -> None:
    result = newscrawl("search", "xylophonist", "--db", str(archive))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "newscrawl search: no article matches 'xylophonist'\n"
    as_json = newscrawl("search", "xylophonist", "--db", str(archive), "--json")
    assert (as_json.returncode, as_json.stdout, as_json.stderr) == (1, "", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--since", "2024-02-30"), "argument --since: '2024-02-30' is not a date YYYY-MM-DD"),
     (("--until", "soon"), "argument --until: 'soon' is not a date YYYY-MM-DD"),
     (("--since", "2024-02-01", "--until", "2024-01-01"), "newscrawl search: --since 2024-02-01 is after --until 2024-01-01")],
)  # fmt: skip
def test_search_refuses_bad_dates(archive: Path, args: tuple[str, ...], message: str) -> None:
    result = newscrawl("search", "gaza", "--db", str(archive), *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert message in result.stderr


def test_search_of_a_missing_archive(tmp_path: Path) -> None:
    result = newscrawl("search", "gaza", "--db", str(tmp_path / "none.db"))
    assert (result.returncode, result.stderr) == (1, f"newscrawl search: no archive at {tmp_path / 'none.db'}\n")
