"""``newscrawl reextract``: an archive's articles read again from the pages the crawl kept.

The archive here is a real crawl of the fixture mirror, its pages kept as WARC records by the
crawl's capture; ``newscrawl reextract`` runs as a user runs it.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from newscrawl.archive import Archive, content_hash, stored_text
from newscrawl.coverage import EXPECTED_FIELDS
from newscrawl.items import ArticleItem, Caption
from newscrawl.record.fieldchanges import ChangeTable, change, decide, format_table
from newscrawl.record.reextraction import KeptPage, Reread, profile_of, reread
from newscrawl.warc import Capture
from tests.conftest import FIXTURES, OTHERSITE, PROJECT, crawl_env, published_day, run_on_terminal, run_spider, start_mirror
from tests.test_warc import write_records

if TYPE_CHECKING:
    from pathlib import Path

#: The tables whose rows a re-extraction may change.
TABLES = (
    "articles", "article_versions", "captions", "article_tags", "tags", "article_authors", "authors", "links", "held_fetches",
    "captures",
)  # fmt: skip


@pytest.fixture(scope="module")
def kept(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A crawl of the fixture mirror, with the WARC files its capture wrote."""
    folder = tmp_path_factory.mktemp("kept") / "a"
    shutil.copytree(archive.parent, folder)
    db = folder / archive.name
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*), count(capture_id) FROM articles").fetchone() == (52, 52)
    con.close()
    return db


@pytest.fixture
def db(kept: Path, tmp_path: Path) -> Path:
    """A copy of the kept archive and its WARC folder, for one test to change."""
    shutil.copytree(kept.parent, tmp_path / "a")
    return tmp_path / "a" / "archive.db"


def restored_as(article: dict[str, Any], bump: int, was: dict[str, Any]) -> dict[str, Any]:
    """An article after a re-extraction that gave it ``bump`` new texts, as it was before its
    damage: the version one back and, for a new text, when it was read (now) checked and left out."""
    if bump:
        assert article["text_seen_at"] >= was["text_seen_at"], article["url"]
    return {**article, "version": article["version"] - bump, "text_seen_at": was["text_seen_at"]}


def reextract(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "newscrawl.cli", "reextract", "--db", str(db), *args]
    return subprocess.run(command, cwd=PROJECT, env=crawl_env(), capture_output=True, text=True, timeout=300, check=False)


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a re-extraction may change, in a stable order."""
    with sqlite3.connect(db) as con:
        return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in TABLES}


def articles(db: Path) -> dict[int, dict[str, Any]]:
    """Every article as :func:`stored_text` reads it, with its tags and links, by id."""
    with sqlite3.connect(db) as con:
        ids = [row[0] for row in con.execute("SELECT id FROM articles")]
        found = {}
        for article_id in ids:
            article = stored_text(con, article_id)
            article["links"] = con.execute(
                "SELECT url, kind FROM links WHERE article_id = ? ORDER BY url, kind", [article_id]
            ).fetchall()
            found[article_id] = article
    return found


def table_row(output: str, name: str) -> list[int]:
    """The filled, changed and lost counts of field ``name`` in the printed table."""
    for line in output.splitlines():
        cells = line.split()
        if cells and cells[0] == name:
            return [int(cell.replace(",", "")) for cell in cells[1:]]
    raise AssertionError(f"no row {name} in {output}")


def damage(db: Path) -> tuple[set[int], set[int]]:
    """Empty the body of every other article and change the headline of every third; returns
    the ids of both."""
    with sqlite3.connect(db) as con:
        ids = [row[0] for row in con.execute("SELECT id FROM articles WHERE capture_id IS NOT NULL ORDER BY id")]
        emptied, renamed = set(ids[::2]), set(ids[::3])
        con.executemany("UPDATE articles SET body = '' WHERE id = ?", [(i,) for i in emptied])
        con.executemany("UPDATE articles SET headline = 'Damaged: ' || headline WHERE id = ?", [(i,) for i in renamed])
    return emptied, renamed


def test_a_clean_crawl_read_again_changes_nothing(db: Path) -> None:
    before = snapshot(db)
    result = reextract(db)
    assert result.returncode == 0, result.stderr
    assert snapshot(db) == before
    for name in ("headline", "body", "authors", "tags", "captions", "section", "region", "published_at"):
        assert table_row(result.stdout, name) == [0, 0, 0]
    count = len(before["articles"])
    assert f"articles: {count:,} with a kept page, {count:,} read again, {count:,} unchanged" in result.stdout
    assert "stored: 0 new versions" in result.stdout


def test_a_damaged_archive_is_restored_to_the_crawl_with_one_version_per_damaged_article(db: Path, kept: Path) -> None:
    clean = articles(kept)
    emptied, renamed = damage(db)
    damaged = articles(db)
    result = reextract(db)
    assert result.returncode == 0, result.stderr
    assert table_row(result.stdout, "body") == [len(emptied), 0, 0]
    assert table_row(result.stdout, "headline") == [0, len(renamed), 0]
    assert f"stored: {len(emptied | renamed):,} new versions (reason reextract)" in result.stdout
    restored = articles(db)
    assert restored.keys() == clean.keys()
    for article_id, article in restored.items():
        was = clean[article_id]
        bump = 1 if article_id in emptied | renamed else 0
        assert restored_as(article, bump, was) == was, article["url"]
    with sqlite3.connect(db) as con:
        versions = con.execute(
            "SELECT article_id, version, headline, body, reason, capture_id, fetched_at FROM article_versions ORDER BY article_id"
        ).fetchall()
    assert [row[0] for row in versions] == sorted(emptied | renamed)
    for article_id, version, headline, body, reason, capture_id, fetched_at in versions:
        assert (version, headline, body, reason) == (1, damaged[article_id]["headline"], damaged[article_id]["body"], "reextract")
        assert (capture_id, fetched_at) == (clean[article_id]["capture_id"], clean[article_id]["last_fetched_at"])

    after = snapshot(db)
    again = reextract(db)
    assert again.returncode == 0, again.stderr
    assert snapshot(db) == after
    assert "stored: 0 new versions (reason reextract), 0 updated" in again.stdout


def test_a_dry_run_prints_the_same_table_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    emptied, renamed = damage(db)
    shutil.copytree(db.parent, tmp_path / "twin")
    before = snapshot(db)
    dry = reextract(db, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert snapshot(db) == before
    assert "dry run: nothing was written" in dry.stdout
    assert table_row(dry.stdout, "body") == [len(emptied), 0, 0]
    real = reextract(tmp_path / "twin" / "archive.db")
    assert real.returncode == 0, real.stderr
    assert [line for line in dry.stdout.splitlines() if line.split()[:1] in (["body"], ["headline"], ["tags"])] == [
        line for line in real.stdout.splitlines() if line.split()[:1] in (["body"], ["headline"], ["tags"])
    ]
    assert f"{len(emptied | renamed):,} would be new versions" in dry.stdout


def test_url_since_and_run_select_the_articles_read(db: Path) -> None:
    emptied, _ = damage(db)
    with sqlite3.connect(db) as con:
        (url,) = con.execute("SELECT url FROM articles WHERE id = ?", [min(emptied)]).fetchone()
        dates = sorted(
            str(published_day(row[0])) for row in con.execute("SELECT published_at FROM articles WHERE published_at IS NOT NULL")
        )
        run = con.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
    one = reextract(db, "--url", url + "/", "--dry-run")  # a canonical URL is matched in its canonical form
    assert one.returncode == 0, one.stderr
    assert "articles: 1 with a kept page, 1 read again" in one.stdout
    assert table_row(one.stdout, "body") == [1, 0, 0]

    since = dates[len(dates) // 2]
    later = sum(1 for day in dates if day >= since)
    assert 0 < later < len(dates)
    recent = reextract(db, "--since", since, "--dry-run")
    assert recent.returncode == 0, recent.stderr
    assert f"articles: {later:,} with a kept page" in recent.stdout

    total = len(snapshot(db)["articles"])
    assert f"articles: {total:,} with a kept page" in reextract(db, "--run", str(run), "--dry-run").stdout
    other = reextract(db, "--run", str(run + 1))
    assert other.returncode == 1
    assert other.stderr.strip().endswith("no article selected has a kept page")


def test_a_missing_warc_file_and_a_pruned_capture_are_reported_not_fatal(db: Path) -> None:
    emptied, _ = damage(db)
    with sqlite3.connect(db) as con:
        pruned = con.execute("SELECT capture_id FROM articles WHERE id = ?", [min(emptied)]).fetchone()[0]
        con.execute("UPDATE captures SET warc_file = NULL WHERE id = ?", [pruned])
        misplaced, url = con.execute("SELECT capture_id, url FROM articles WHERE id = ?", [sorted(emptied)[1]]).fetchone()
        con.execute("UPDATE captures SET offset = offset + 7 WHERE id = ?", [misplaced])
        (name,) = con.execute("SELECT DISTINCT warc_file FROM captures WHERE warc_file IS NOT NULL").fetchone()
    result = reextract(db)
    assert result.returncode == 0, result.stderr
    assert "1 unreadable (WARC file or record missing), 1 pruned" in result.stdout
    assert table_row(result.stdout, "body") == [len(emptied) - 2, 0, 0]
    # 7 bytes into a gzip member, warcio either fails to read or reads no record: which depends on
    # the compressed bytes there, which differ from crawl to crawl.
    path = re.escape(str(db.parent / "warc" / name))
    assert re.match(
        rf"newscrawl reextract: {re.escape(url)}: (cannot read {path} at offset \d+|no response record at offset \d+ of {path})",
        result.stderr,
    ), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert articles(db)[sorted(emptied)[1]]["body"] == ""  # never read: left as it was

    (db.parent / "warc" / name).rename(db.parent / "elsewhere.warc.gz")
    missing = reextract(db)
    assert missing.returncode == 1
    lines = missing.stderr.strip().splitlines()
    assert (
        lines[0]
        == f"newscrawl reextract: WARC file {db.parent / 'warc' / name} is missing: {len(snapshot(db)['articles']) - 1} pages not read"
    )
    assert lines[-1] == "newscrawl reextract: no kept page could be read"
    moved = reextract(db, "--warc-dir", str(db.parent), "--dry-run")
    assert "is missing" in moved.stderr


def test_a_revisit_is_read_from_the_response_it_refers_to(db: Path) -> None:
    emptied, _ = damage(db)
    article_id = min(emptied)
    with sqlite3.connect(db) as con:
        row = con.execute(
            "SELECT c.url, c.record_id, c.warc_file, c.run_id FROM articles a JOIN captures c ON c.id = a.capture_id WHERE a.id = ?",
            [article_id],
        ).fetchone()
    archive = Archive(db)
    revisit = Capture(row[0], "2030-01-01T00:00:00+00:00", 200, "text/html", "sha1:X", "revisit", "<urn:uuid:revisit>",
                      row[2], 10**9, 300, refers_to=row[1])  # fmt: skip
    archive.record_captures([revisit], row[3])
    with archive.db.conn:
        archive.db.execute("UPDATE articles SET capture_id = (SELECT id FROM captures WHERE record_id = ?) WHERE id = ?",
                           ["<urn:uuid:revisit>", article_id])  # fmt: skip
    archive.close()
    result = reextract(db, "--url", articles(db)[article_id]["url"])
    assert result.returncode == 0, result.stderr
    assert table_row(result.stdout, "body") == [1, 0, 0]
    assert articles(db)[article_id]["body"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-13-01"], "is not a date YYYY-MM-DD"),
        (["--url", "ftp://x/"], "is not an http(s) URL"),
        (["--run", "0"], "is not a positive whole number"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = reextract(tmp_path / "a.db", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_no_archive_is_exit_1(tmp_path: Path) -> None:
    result = reextract(tmp_path / "none.db")
    assert (result.returncode, result.stderr) == (1, f"newscrawl reextract: no archive at {tmp_path / 'none.db'}\n")


def test_a_terminal_shows_the_progress(db: Path) -> None:
    damage(db)
    status, shown = run_on_terminal([sys.executable, "-m", "newscrawl.cli", "reextract", "--db", str(db)], env=crawl_env())
    assert status == 0
    assert "newscrawl reextract: " in shown
    assert " pages/s" in shown


# --- the decisions, as pure functions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("was", "now", "expected"),
    [
        (None, "text", "filled"),
        ("", "text", "filled"),
        ([], ["a"], "filled"),
        ("text", "other", "changed"),
        (["a"], ["a", "b"], "changed"),
        ("text", None, "lost"),
        ("text", "  ", "lost"),
        (["a"], [], "lost"),
        ("text", "text", None),
        (None, "", None),
        (0, 0, None),
        (None, 0, "filled"),
    ],
)
def test_change(was: object, now: object, expected: str | None) -> None:
    assert change(was, now) == expected


BODY = "First paragraph of the article.\n\nSecond paragraph.\n\nThird paragraph, the last."
ITEM = ArticleItem(
    url="https://english.almayadeen.net/news/politics/a-story-of-many-words-here",
    headline="A headline",
    body=BODY,
    authors=["Al Mayadeen English"],
    tags=["Gaza"],
    section="Politics",
    published_at="2024-01-01T10:00:00+02:00",
    lead="The lead.",
    captions=[Caption("A caption", "AP", "https://english.almayadeen.net/a.jpg")],
)


def _stored(item: ArticleItem, **changes: Any) -> dict[str, Any]:
    """An article as :func:`stored_text` reads it, from ``item`` and then ``changes``."""
    archive = Archive(":memory:")
    archive.store_articles([item], "2025-01-01T00:00:00+00:00")
    article = stored_text(archive.db.conn, 1)
    archive.close()
    return {**article, **changes}


@pytest.mark.parametrize(
    ("stored", "item", "outcome", "fields", "values"),
    [
        (_stored(ITEM), ITEM, "unchanged", {}, set()),
        (_stored(ITEM, body="", missing_fields='["body"]'), ITEM, "version", {"body": "filled"},
         {"headline", "lead", "body", "authors", "source", "tags", "content_hash", "truncated", "missing_fields"}),
        (_stored(ITEM), replace(ITEM, headline=None), "held", {"headline": "lost"}, set()),
        (_stored(ITEM), replace(ITEM, body="First paragraph."), "held", {}, set()),
        (_stored(ITEM), replace(ITEM, body=BODY + "\n\nMore.", truncated="cut"), "held", {}, set()),
        (_stored(ITEM), replace(ITEM, region="Palestine"), "updated", {"region": "filled"}, {"region"}),
        (_stored(ITEM), replace(ITEM, section=None, published_at=None), "unchanged",
         {"section": "lost", "published_at": "lost"}, set()),
        (_stored(ITEM, section=None, missing_fields='["section"]'), ITEM, "updated", {"section": "filled"}, {"section", "missing_fields"}),
        (_stored(ITEM), replace(ITEM, lead="A better lead."), "version", {"lead": "changed"},
         {"headline", "lead", "body", "authors", "source", "tags", "content_hash", "truncated"}),
    ],
)  # fmt: skip
def test_decide(stored: dict[str, Any], item: ArticleItem, outcome: str, fields: dict[str, str], values: set[str]) -> None:
    decision = decide(stored, item, content_hash(item))
    assert (decision.outcome, decision.fields, set(decision.values)) == (outcome, fields, values)
    if outcome == "held":
        assert decision.why


@pytest.mark.parametrize(
    ("expected", "missing"),
    [
        (EXPECTED_FIELDS, None),  # as stored: nothing to set
        (("headline", "authors", "published_at", "section", "lead", "body"), '["section"]'),  # a site without tags
        (("headline", "body"), "[]"),
    ],
)
def test_decide_names_the_fields_the_articles_site_expects(expected: tuple[str, ...], missing: str | None) -> None:
    stored = _stored(ITEM, section=None, tags=[], missing_fields='["section", "tags"]')
    decision = decide(stored, replace(ITEM, section=None, tags=[], region="Palestine"), "", expected)
    assert decision.outcome == "updated"
    assert decision.values.get("missing_fields") == missing


def test_format_table() -> None:
    table = ChangeTable(selected=3, pruned=1)
    table.add(decide(_stored(ITEM, body=""), ITEM, content_hash(ITEM)))
    table.add(decide(_stored(ITEM), replace(ITEM, headline=None), content_hash(ITEM)))
    text = format_table(table, seconds=2.0)
    assert table_row(text, "body") == [1, 0, 0]
    assert table_row(text, "headline") == [0, 0, 1]
    assert text.splitlines()[-5:] == [
        "articles: 3 with a kept page, 2 read again, 0 unchanged",
        "stored: 1 new versions (reason reextract), 0 updated without a new version (fields filled or corrected)",
        "not stored: 1 held (the new text looks worse), 0 no longer read as an article",
        "not read: 0 unreadable (WARC file or record missing), 1 pruned; 0 articles have no kept page",
        "2 pages in 2.0 s (1 pages/s)",
    ]


@pytest.mark.parametrize("through", ["mirror", "profile"])
def test_an_article_of_the_news_spider_is_read_as_that_spider_reads_it(tmp_path: Path, through: str) -> None:
    # "profile": the real host's start URL with the mirror as base_url, so the site's profile
    # reads it and its articles are archived under the real host (tests/test_news_spider.py)
    server = start_mirror(OTHERSITE)
    try:
        db = tmp_path / "archive.db"
        start = f"start_urls={server.base_url}/"
        if through == "profile":
            start = f"start_urls=https://www.meridianpost.example/ base_url={server.base_url}"
        result = run_spider("news", db, *start.split(" "))
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        server.stop()
    clean = articles(db)
    assert len(clean) == 12
    assert all(article["capture_id"] for article in clean.values())
    before = snapshot(db)
    unchanged = reextract(db)
    assert unchanged.returncode == 0, unchanged.stderr
    assert snapshot(db) == before  # what the feed and sitemap hints gave is filled from the archive
    emptied, renamed = damage(db)
    restored = reextract(db)
    assert restored.returncode == 0, restored.stderr
    assert f"stored: {len(emptied | renamed):,} new versions" in restored.stdout
    for article_id, article in articles(db).items():
        bump = 1 if article_id in emptied | renamed else 0
        assert restored_as(article, bump, clean[article_id]) == clean[article_id], article["url"]


@pytest.mark.parametrize(
    ("url", "profile"),
    [
        ("https://english.almayadeen.net/news/politics/a-story", "almayadeen"),
        ("https://www.almayadeen.net/news/politics/a-story", "almayadeen"),
        ("https://espanol.almayadeen.net/noticias/a-story", "almayadeen"),
        ("https://almayadeen.net.example/news/a-story", "news"),
        ("http://127.0.0.1:8001/2025/03/10/story.html", "news"),
    ],
)
def test_profile_of(url: str, profile: str) -> None:
    assert profile_of(url) == profile


def test_reread_says_why_a_page_gives_no_article(tmp_path: Path) -> None:
    path = tmp_path / "kept.warc.gz"
    url = "https://english.almayadeen.net/news/politics/a-story-of-many-words-here"
    (offset,) = write_records(path, [(url, [("Content-Type", "text/html")], b"<html><body><p>Nothing here.</p></body></html>")])
    page = KeptPage(article_id=7, url=url, warc_path=str(path), offset=offset)
    assert reread(page) == Reread(7, problem=f"{url}: its kept page {url} does not read as an article")
    gone = reread(replace(page, warc_path=str(tmp_path / "gone.warc.gz")))
    assert (gone.item, gone.unreadable) == (None, True)
    assert gone.problem is not None
    assert gone.problem.startswith(f"{url}: cannot read {tmp_path / 'gone.warc.gz'} at offset 0")


def test_reread_decodes_the_page_as_the_crawl_does(tmp_path: Path) -> None:
    name = "news/arts-culture/beirut-book-fair-returns-with-focus-on-palestinian-literatur"
    expected = json.loads((FIXTURES / "expected" / f"{name}.json").read_text(encoding="utf-8"))
    headline = expected["headline"] + " – café"
    page = (FIXTURES / "site" / name / "index.html").read_bytes().replace(expected["headline"].encode(), headline.encode())
    path = tmp_path / "kept.warc.gz"
    # Fetched from a mirror whose header claims ISO-8859-1 for the UTF-8 page: read as UTF-8, named by the real host.
    (offset,) = write_records(
        path, [(f"http://127.0.0.1:8000/{name}", [("Content-Type", "text/html; charset=iso-8859-1")], page)]
    )
    got = reread(KeptPage(article_id=1, url=expected["url"], warc_path=str(path), offset=offset))
    assert got.item is not None
    assert (got.item.url, got.item.headline, got.item.body) == (expected["url"], headline, expected["body"])
    assert got.digest == content_hash(got.item)


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "stored"])
def test_an_archive_of_a_newer_newscrawl_is_one_line_and_exit_2(tmp_path: Path, dry_run: bool) -> None:
    db = tmp_path / "archive.db"
    Archive(db).close()
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA user_version = 9")
    con.close()
    result = reextract(db, *(["--dry-run"] if dry_run else []))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"newscrawl reextract: archive {db} has schema version 9; this newscrawl ")
