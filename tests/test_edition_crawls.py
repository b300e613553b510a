"""Crawls of the Arabic and Spanish mirrors (``fixtures/site-ar``, ``fixtures/site-es``) with
``-a edition=ar|es``: every article archived as its expected JSON says, the edition's ticker,
and a rerun that adds nothing.

The mirrors are served as of the moment their pages were taken (``fixtures/editions.py``'s
``FETCH_REFERENCE``, sent as each reply's ``Date``): two Spanish pages show a date without a year
and have no metadata, so their year is the one that puts the date not after that moment (2025),
not the test machine's year."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import FIXTURES, connect, crawl, crawl_env, run_stats, start_mirror, stored_article

sys.path.insert(0, str(FIXTURES))
from editions import FETCH_REFERENCE

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Fields only a crawl of the menus sets (no sitemap led to any article).
NOT_COMPARED = frozenset({"sitemap_lastmod", "sitemap_news"})
#: When the mirrors' pages were taken, in the site's zone.
TAKEN = FETCH_REFERENCE.replace(tzinfo=ZoneInfo("Asia/Beirut"))


def _expected(edition: str) -> dict[str, dict[str, Any]]:
    folder = FIXTURES / f"expected-{edition}"
    items = (
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.rglob("*.json")) if path.name != "ticker.json"
    )
    return {item["url"]: item for item in items}


@pytest.fixture(scope="module", params=["ar", "es"])
def edition_crawl(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """``(edition, archive, base URL)`` after one crawl of the edition's mirror (served while
    the module's tests run)."""
    edition: str = request.param
    server = start_mirror(FIXTURES / f"site-{edition}", as_of=TAKEN)
    db = tmp_path_factory.mktemp(f"crawl-{edition}") / "archive.db"
    result = crawl(server.base_url, db, f"edition={edition}")
    assert result.returncode == 0, result.stderr[-3000:]
    yield edition, db, server.base_url
    server.stop()


def _mismatches(edition: str, db: Path, skip: frozenset[str] = frozenset()) -> list[str]:
    found = []
    with connect(db) as con:
        urls = {row[0] for row in con.execute("SELECT url FROM articles")}
        expected = _expected(edition)
        assert urls == set(expected), "the archive holds exactly the mirror's articles"
        for url, item in expected.items():
            stored = stored_article(con, url)
            assert stored is not None
            found += [
                f"{url} {field}: {stored[field]!r} != {value!r}"
                for field, value in item.items()
                if field not in NOT_COMPARED | skip and stored[field] != value
            ]
    return found


def test_every_article_is_archived_as_expected(edition_crawl: tuple[str, Path, str]) -> None:
    edition, db, _ = edition_crawl
    assert _mismatches(edition, db) == []
    with connect(db) as con:
        editions = {row[0] for row in con.execute("SELECT DISTINCT edition FROM articles")}
    assert editions == {edition}


def test_a_date_without_year_takes_the_year_of_the_replys_date(edition_crawl: tuple[str, Path, str]) -> None:
    edition, db, _ = edition_crawl
    if edition != "es":
        pytest.skip("Spanish only")
    with connect(db) as con:
        rows = con.execute(
            "SELECT published_raw, published_at FROM articles WHERE url LIKE '%/2046502/%' OR url LIKE '%/2039904/%' ORDER BY url"
        ).fetchall()
    # shown without a year, on pages without metadata: read against the mirror's Date (1 August
    # 2025), a date after 1 August is last year's
    assert [tuple(row) for row in rows] == [
        ("14 Julio 09:30", "2025-07-14T09:30:00+03:00"),
        ("9 diciembre 18:05", "2024-12-09T18:05:00+02:00"),
    ]


def test_reextract_reads_the_kept_pages_as_the_crawl_did(edition_crawl: tuple[str, Path, str]) -> None:
    # the year-less Spanish dates included: the kept reply's Date is the moment they are read against
    edition, db, _ = edition_crawl
    command = [sys.executable, "-m", "newscrawl.cli", "reextract", "--dry-run", "--db", str(db)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, env=crawl_env())
    assert result.returncode == 0, result.stderr
    count = len(_expected(edition))
    assert f"articles: {count} with a kept page, {count} read again, {count} unchanged" in result.stdout


def test_the_editions_ticker(edition_crawl: tuple[str, Path, str]) -> None:
    edition, db, _ = edition_crawl
    expected = json.loads((FIXTURES / f"expected-{edition}" / "ticker.json").read_text(encoding="utf-8"))
    with connect(db) as con:
        rows = [dict(r) for r in con.execute("SELECT text, attribution, url FROM breaking ORDER BY id")]
    assert rows == expected
    assert len(rows) == 6


def test_a_rerun_adds_nothing(edition_crawl: tuple[str, Path, str]) -> None:
    edition, db, base_url = edition_crawl
    result = crawl(base_url, db, f"edition={edition}")
    assert result.returncode == 0, result.stderr[-3000:]
    status, stats = run_stats(db)
    assert status == "finished"
    assert stats.get("newscrawl/articles_new", 0) == 0
    assert stats.get("newscrawl/articles_changed", 0) == 0
    assert stats.get("newscrawl/ticker_lines_new", 0) == 0
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(_expected(edition))


def test_one_archive_relates_the_editions_versions_of_a_story(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    for edition in ("ar", "es"):
        server = start_mirror(FIXTURES / f"site-{edition}", as_of=TAKEN)
        try:
            result = crawl(server.base_url, db, f"edition={edition}")
        finally:
            server.stop()
        assert result.returncode == 0, result.stderr[-3000:]
    with connect(db) as con:
        pairs = con.execute(
            "SELECT a.edition, a.url, s.edition, s.url FROM links l JOIN articles a ON a.id = l.article_id"
            " LEFT JOIN articles s ON s.url = l.url WHERE l.kind = 'edition' ORDER BY a.edition, a.url"
        ).fetchall()
        editions = dict(con.execute("SELECT edition, count(*) FROM articles GROUP BY edition").fetchall())
    assert editions == {"ar": len(_expected("ar")), "es": len(_expected("es"))}
    # the four stories both editions tell, each linking the other's archived article
    assert len(pairs) == 8
    assert {(a, b) for a, _, b, _ in pairs} == {("ar", "es"), ("es", "ar")}
    links = {(url, there) for _, url, _, there in pairs}
    assert links == {(there, url) for url, there in links}
