"""Cron reruns on a site that changed: only what is new or due is fetched, edits become
versions, the ticker's history is kept; and a run killed at any moment loses nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

from newscrawl.warc import default_warc_dir
from tests.conftest import (
    FIXTURES,
    PROJECT,
    build_site,
    connect,
    crawl,
    crawl_env,
    expected_articles,
    incomplete_captures,
    start_mirror,
    warc_check,
)

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Server

EN = "https://english.almayadeen.net"
NEW = (
    "news/politics/ceasefire-talks-resume-in-cairo-as-mediators-press-for-a-deal",
    "news/politics/un-envoy-warns-of-famine-as-aid-crossings-stay-closed-in-gaza",
)
EDITED = "news/politics/major-ambush-in-gaza-kills-5-israeli-troops--injures-14"
# New articles on page 1 of Politics (the newest of the site), an edited lead, and the ticker's
# first line gone while a new one appears.
CHANGES = f"""
old = {{a.key: a for a in content.ARTICLES}}
new = [
    dataclasses.replace(old["handala"], key="new-a", path={NEW[0]!r},
                        headline="Ceasefire talks resume in Cairo as mediators press for a deal", local="2025-07-20 10:00"),
    dataclasses.replace(old["water"], key="new-b", path={NEW[1]!r},
                        headline="UN envoy warns of famine as aid crossings stay closed in Gaza", local="2025-07-20 11:30"),
]
content.ARTICLES = tuple(
    dataclasses.replace(a, lead=a.lead + " The toll was revised on Monday.") if a.path == {EDITED!r} else a
    for a in content.ARTICLES
) + tuple(new)
content.TICKER = (*content.TICKER[1:], content.TickerLine("Al Mayadeen's correspondent: A new line on the ticker"))
"""
# Re-check every article daily: only one whose last fetch is older than a day is due.
DAILY = {"RECHECK_SCHEDULE": "36500d:1d"}


def test_rerun_fetches_only_new_and_due_pages(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site")
    db = tmp_path / "archive.db"
    server = start_mirror(site, log_requests=True)
    try:
        first = crawl(server.base_url, db, settings=DAILY)
        assert first.returncode == 0, first.stderr[-3000:]
        first_requests = server.requests_since(0)
        with connect(db) as con:
            con.execute("UPDATE articles SET last_fetched_at = '2025-07-01T00:00:00+00:00' WHERE url = ?", [f"{EN}/{EDITED}"])
            old_ticker = {r["text"]: dict(r) for r in con.execute("SELECT * FROM breaking ORDER BY id")}
        build_site(site, CHANGES)
        mark = len(server.requests)
        second = crawl(server.base_url, db, settings=DAILY)
        assert second.returncode == 0, second.stderr[-3000:]
        requests = [target for _, target, _ in server.requests_since(mark)]
    finally:
        server.stop()
    assert len(requests) < len(first_requests) / 2
    paths = [t.strip("/") for t in requests]
    assert sorted(p for p in paths if p.count("/") >= 2) == sorted([*NEW, EDITED])
    # further listing pages: only those after a first page that lists a new article
    assert sorted(p for p in paths if "page=" in p) == ["news/politics?page=2", "news?page=2", "regions/palestine?page=2"]
    articles_of_the_site = {e["url"].removeprefix(EN) for _, e in expected_articles(FIXTURES)}
    first_pages = {t for _, t, _ in first_requests if "?" not in t and t not in articles_of_the_site}
    # robots.txt, the homepage and each listing's first page, then 3 articles and 3 further pages
    assert len(requests) == len(set(requests)) == len(first_pages) + 6
    assert set(requests) - first_pages == {
        f"/{p}" for p in (*NEW, EDITED, "news/politics?page=2", "news?page=2", "regions/palestine?page=2")
    }

    with connect(db) as con:
        run = dict(con.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone())
        versions = [dict(r) for r in con.execute("SELECT * FROM article_versions")]
        edited = dict(con.execute("SELECT * FROM articles WHERE url = ?", [f"{EN}/{EDITED}"]).fetchone())
        new_rows = con.execute(
            "SELECT count(*) FROM articles WHERE url IN (?, ?)", [f"{EN}/{NEW[0]}", f"{EN}/{NEW[1]}"]
        ).fetchone()[0]
        ticker = {r["text"]: dict(r) for r in con.execute("SELECT * FROM breaking")}
        sightings = con.execute("SELECT count(*) FROM breaking_sightings WHERE run_id = ?", [run["id"]]).fetchone()[0]
    assert (run["status"], run["complete"], run["requests"]) == ("finished", 1, len(requests))
    assert (run["new_articles"], run["new_versions"], run["unchanged"]) == (2, 1, 0)
    assert new_rows == 2
    assert [(v["article_id"], v["version"]) for v in versions] == [(edited["id"], 1)]
    assert edited["lead"].endswith("The toll was revised on Monday.")
    assert not versions[0]["lead"].endswith("The toll was revised on Monday.")
    assert edited["version"] == 2

    gone, added = next(iter(old_ticker)), "Al Mayadeen's correspondent: A new line on the ticker"
    assert set(ticker) == {*old_ticker, added}
    assert (ticker[gone]["last_seen_at"], ticker[gone]["seen_count"]) == (old_ticker[gone]["last_seen_at"], 1)
    assert ticker[added]["first_seen_at"] == ticker[added]["last_seen_at"]
    assert ticker[added]["first_seen_at"] > old_ticker[gone]["last_seen_at"]
    assert {t: r["seen_count"] for t, r in ticker.items() if t not in (gone, added)} == dict.fromkeys(set(old_ticker) - {gone}, 2)
    assert sightings == len(old_ticker)  # the lines it showed: all but the one gone, and the new one


def test_full_pass_refetches_everything(mirror: Server, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    assert crawl(mirror.base_url, db).returncode == 0
    assert crawl(mirror.base_url, db).returncode == 0
    assert crawl(mirror.base_url, db, "full=1").returncode == 0
    with connect(db) as con:
        runs = [dict(r) for r in con.execute("SELECT * FROM crawl_runs ORDER BY id")]
    articles = len(expected_articles(FIXTURES))
    assert [(r["new_articles"], r["unchanged"]) for r in runs] == [(articles, 0), (0, 0), (0, articles)]
    assert runs[1]["requests"] < runs[0]["requests"] / 2
    assert runs[2]["requests"] == runs[0]["requests"]


def snapshot(db: Path) -> dict[str, Any]:
    """The archive's content, by article URL, without ids and fetch times."""
    volatile = {"id", "first_seen_at", "last_fetched_at", "text_seen_at", "capture_id"}
    with connect(db) as con:
        articles = {r["url"]: {k: r[k] for k in r.keys() if k not in volatile} for r in con.execute("SELECT * FROM articles")}  # noqa: SIM118
        url = "(SELECT url FROM articles WHERE id = article_id)"
        queries = {
            "tags": f"SELECT {url}, name FROM article_tags JOIN tags ON tags.id = tag_id ORDER BY 1, 2",
            "authors": f"SELECT {url}, name FROM article_authors JOIN authors ON authors.id = author_id ORDER BY 1, 2",
            "captions": f"SELECT {url}, position, text, credit, image_url FROM captions ORDER BY 1, 2",
            "links": f"SELECT {url}, url, kind FROM links ORDER BY 1, 2, 3",
            "ticker": "SELECT text FROM breaking ORDER BY 1",
        }
        return {"articles": articles} | {name: [tuple(row) for row in con.execute(query)] for name, query in queries.items()}


def test_killed_runs_lose_nothing(archive: Path, tmp_path: Path) -> None:
    clean = snapshot(archive)
    server = start_mirror(FIXTURES / "site", log_requests=True)
    try:
        for kill_after in (1, 3, 20, 45, 70):
            db = tmp_path / f"killed-{kill_after}" / "archive.db"
            mark = len(server.requests)
            command = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"base_url={server.base_url}"]
            command += ["-s", f"ARCHIVE_DB={db}", "-s", "ARCHIVE_BATCH_SIZE=3"]
            # paced, so that the kill lands near its request count even on a loaded machine
            # (unpaced, the whole crawl can end before this loop sees the 70th request)
            command += ["-s", "DOWNLOAD_DELAY=0.03"]
            with subprocess.Popen(
                command, cwd=PROJECT, env=crawl_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            ) as process:
                deadline = time.monotonic() + 60
                while len(server.requests) - mark < kill_after and process.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.002)
                process.send_signal(signal.SIGKILL)
            assert process.returncode == -signal.SIGKILL, f"the crawl ended before {kill_after} requests"
            result = crawl(server.base_url, db)
            assert result.returncode == 0, result.stderr[-3000:]
            with connect(db) as con:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                statuses = [r[0] for r in con.execute("SELECT status FROM crawl_runs ORDER BY id")]
            assert statuses == ["interrupted", "finished"]
            assert snapshot(db) == clean, f"killed after {kill_after} requests"
            # every WARC record whole, the killed run's truncated tail cut, every capture complete
            assert warc_check(default_warc_dir(db)) == [], f"killed after {kill_after} requests"
            assert incomplete_captures(db) == [], f"killed after {kill_after} requests"
            with connect(db) as con:
                assert con.execute("SELECT count(*) FROM articles WHERE capture_id IS NULL").fetchone()[0] == 0
    finally:
        server.stop()
