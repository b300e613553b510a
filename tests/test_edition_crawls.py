"""Crawls of the Arabic and Spanish mirrors (``fixtures/site-ar``, ``fixtures/site-es``) with
``-a edition=ar|es``: every article archived as its expected JSON says, the edition's ticker,
and a rerun that adds nothing.

Two Spanish differences are known and marked, so that fixing either turns its mark into a
failure to remove: the captions keep the sentence's period before "(AFP)" in the expected files
while ``processors.split_caption`` drops it, and two pages show a date without a year and have
no metadata, whose year the crawl takes from its own clock (the expected files assume a fetch on
``fixtures/editions.py``'s ``FETCH_REFERENCE``)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import FIXTURES, connect, crawl, run_stats, start_mirror, stored_article

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Fields only a crawl of the menus sets (no sitemap led to any article).
NOT_COMPARED = frozenset({"sitemap_lastmod", "sitemap_news"})
#: The Spanish pages whose year-less date has no metadata to take the year from.
NO_YEAR = ("/2046502/", "/2039904/")


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
    server = start_mirror(FIXTURES / f"site-{edition}")
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
    if edition == "es":
        # Checked apart below (known differences): captions, and the two pages' year-less dates.
        mismatches = [m for m in _mismatches(edition, db, frozenset({"captions"})) if not any(p in m for p in NO_YEAR)]
    else:
        mismatches = _mismatches(edition, db)
    assert mismatches == []
    with connect(db) as con:
        editions = {row[0] for row in con.execute("SELECT DISTINCT edition FROM articles")}
    assert editions == {edition}


@pytest.mark.xfail(strict=True, reason="split_caption drops the period the Spanish expected captions keep")
def test_spanish_captions_as_expected(edition_crawl: tuple[str, Path, str]) -> None:
    edition, db, _ = edition_crawl
    if edition != "es":
        pytest.skip("Spanish only")
    assert [m for m in _mismatches(edition, db) if " captions:" in m] == []


def test_spanish_year_less_dates_take_the_crawls_year(edition_crawl: tuple[str, Path, str]) -> None:
    edition, db, _ = edition_crawl
    if edition != "es":
        pytest.skip("Spanish only")
    today = datetime.now(ZoneInfo("Asia/Beirut")).date()
    with connect(db) as con:
        for url, item in _expected("es").items():
            if not any(part in url for part in NO_YEAR):
                continue
            stored = stored_article(con, url)
            assert stored is not None
            shown = date.fromisoformat(item["published_at"][:10])
            # the latest such date not after the fetch: this year's, or last year's if it is still to come
            year = today.year if shown.replace(year=today.year) <= today else today.year - 1
            assert stored["published_at"] == f"{year}{item['published_at'][4:]}"
            assert stored["published_raw"] == item["published_raw"]


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
