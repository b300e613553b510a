"""End to end: the real ``almayadeen`` spider through ``scrapy crawl`` against local mirrors.

What the extraction reads from each fixture page is tested per article and field in process
(``test_pages.py``); here, that a crawl finds every article, stores each as its page reads
(discovery, pipelines and archive end to end), and what only a crawl does: the ticker, reruns,
bounds, arguments, exits.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import urllib.request
from typing import TYPE_CHECKING

import pytest

from tests.conftest import (
    FIXTURES,
    HELDOUT,
    Server,
    archive_copy,
    closed_port,
    connect,
    crawl,
    expected_articles,
    run_stats,
    said,
    start_mirror,
    stored_article,
)
from tests.readings import CRAWL_ONLY, almayadeen_article, differences

if TYPE_CHECKING:
    from pathlib import Path

EXPECTED = expected_articles(FIXTURES)


def test_fixture_mirror_matches_its_generator_and_the_item_schema() -> None:
    result = subprocess.run(
        [sys.executable, str(FIXTURES / "build.py"), "--check"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_fixture_mirror_is_rich_enough() -> None:
    types = {article["content_type"] for _, article in EXPECTED}
    assert len(EXPECTED) >= 40
    assert types == {"news", "article", "video", "infograph", "gallery"}


def test_archived_articles_are_what_their_pages_read(archive: Path, mirror: Server) -> None:
    mismatches = []
    with connect(archive) as con:
        for name, expected in EXPECTED:
            stored = stored_article(con, expected["url"])
            read = almayadeen_article(FIXTURES / "site", expected["url"], mirror.base_url)
            mismatches += differences(name, stored, read)
            # what only the crawl sets: no sitemap led a crawl of the menus to any article
            mismatches += [
                f"{name}.{field}: archived {stored[field]!r} != expected {expected[field]!r}"
                for field in sorted(CRAWL_ONLY & expected.keys())
                if stored is not None and stored[field] != expected[field]
            ]
    assert mismatches == []


def test_breaking_ticker_verbatim(archive: Path) -> None:
    expected = json.loads((FIXTURES / "expected" / "ticker.json").read_text(encoding="utf-8"))
    with connect(archive) as con:
        rows = [dict(r) for r in con.execute("SELECT text, attribution, url, seen_count FROM breaking ORDER BY id")]
    assert len(rows) == 10
    assert [{k: r[k] for k in ("text", "attribution", "url")} for r in rows] == expected
    assert rows[0]["text"] == "Israeli media outlet: Security incident reported in the Gaza Strip"
    assert {r["seen_count"] for r in rows} == {1}


def test_every_article_stored_once_and_nothing_else(archive: Path) -> None:
    with connect(archive) as con:
        urls = [r[0] for r in con.execute("SELECT url FROM articles")]
        run = con.execute("SELECT status, stats FROM crawl_runs").fetchone()
    assert sorted(urls) == sorted(expected["url"] for _, expected in EXPECTED)
    stats = json.loads(run["stats"])
    assert run["status"] == "finished"
    assert stats["newscrawl/articles_new"] == len(EXPECTED)
    assert "item_dropped_count" not in stats
    # no request ever left the mirror: off-host links would have failed to resolve here
    assert not [key for key in stats if key.startswith("downloader/exception_type_count")]
    assert stats.get("downloader/response_status_count/404", 0) == 0


def test_second_crawl_adds_no_rows(archive: Path, mirror: Server, tmp_path: Path) -> None:
    db = archive_copy(archive, tmp_path / "twice")  # after a first crawl
    tables = ("articles", "tags", "article_tags", "authors", "article_authors", "captions", "links", "breaking")
    with connect(db) as con:
        first = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    assert crawl(mirror.base_url, db).returncode == 0
    with connect(db) as con:
        second = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        seen = {r[0] for r in con.execute("SELECT seen_count FROM breaking")}
        runs = [r[0] for r in con.execute("SELECT status FROM crawl_runs ORDER BY id")]
    assert second == first
    assert seen == {2}
    assert runs == ["finished", "finished"]


def test_max_articles_bounds_the_run(mirror: Server, tmp_path: Path) -> None:
    db = tmp_path / "bounded.db"
    result = crawl(mirror.base_url, db, "max_articles=3")
    assert result.returncode == 0, result.stderr[-2000:]
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM breaking").fetchone()[0] == 10


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("max_articles=0", "max_articles='0' is not a positive integer"),
        ("max_articles=many", "max_articles='many' is not a positive integer"),
        ("edition=fr", "edition='fr' is not one of en, ar, es"),
        ("colour=red", "unknown argument(s) colour"),
        ("base_url=ftp://example.net", "base_url='ftp://example.net' is not an http(s) URL"),
        ("base_url=http://127.0.0.1:1/news", "must be an origin only"),
        ("base_url=http://[::1", "base_url='http://[::1' is not a URL (Invalid IPv6 URL)"),
    ],
)
def test_bad_argument_is_one_clear_line(tmp_path: Path, argument: str, message: str) -> None:
    # base_url given twice: the later -a wins, so each row tests its own argument
    result = crawl("http://127.0.0.1:1", tmp_path / "a.db", argument)
    assert result.returncode == 2
    errors = said(result.stderr)
    assert len(errors) == 1
    assert message in errors[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "base_url", ["http://reader:s3cret@127.0.0.1:1", "http://reader:s3cret@[::1", "https://:s3cret@x.example"]
)
def test_base_url_with_a_password_is_refused_and_never_shown_or_stored(tmp_path: Path, base_url: str) -> None:
    result = crawl(base_url, tmp_path / "a.db")
    assert result.returncode == 2
    errors = said(result.stderr)
    assert len(errors) == 1
    assert errors[0].startswith("newscrawl: error: base_url='http")
    assert "***@" in errors[0]
    assert "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    assert not [path for path in tmp_path.rglob("*") if path.is_file() and b"s3cret" in path.read_bytes()]


@pytest.mark.parametrize(("value", "shown"), [("", "''"), ("/", "'/'")])
def test_archive_db_naming_no_file_is_one_clear_line(mirror: Server, tmp_path: Path, value: str, shown: str) -> None:
    result = crawl(mirror.base_url, tmp_path / "a.db", settings={"ARCHIVE_DB": value})
    assert result.returncode == 2
    errors = said(result.stderr)
    assert errors == [f"newscrawl: error: cannot write archive {shown}: not a file name"]
    assert "Traceback" not in result.stderr


def test_unwritable_archive_is_one_clear_line(mirror: Server, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = crawl(mirror.base_url, tmp_path / "file" / "archive.db")
    assert result.returncode == 2
    assert f"newscrawl: error: cannot write archive {tmp_path / 'file' / 'archive.db'}" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_site_fails_loudly(tmp_path: Path) -> None:
    result = crawl("http://127.0.0.1:9", tmp_path / "a.db", settings={"RETRY_TIMES": 0})
    assert result.returncode == 1
    assert "newscrawl: failed: cannot reach http://127.0.0.1:9/" in result.stderr
    with connect(tmp_path / "a.db") as con:
        assert con.execute("SELECT status FROM crawl_runs").fetchone()[0] == "failed"


def test_unreachable_site_is_one_line_with_tracebacks_only_at_debug(tmp_path: Path) -> None:
    base_url = f"http://127.0.0.1:{closed_port()}"
    why = "Connection was refused by other side: 111: Connection refused."
    fast = {"RETRY_TIMES": 1, "RETRY_BACKOFF_BASE": 0.01}
    result = crawl(base_url, tmp_path / "a.db", settings=fast)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"newscrawl: failed: cannot reach {base_url}/: {why}"]
    status, stats = run_stats(tmp_path / "a.db")
    assert (status, stats["newscrawl/message"]) == ("failed", f"cannot reach {base_url}/: {why}")
    assert "log_count/ERROR" not in stats  # the run's errors: none, its one line is its failure
    # at INFO: robots.txt's line and the run's own, once each, and nothing at WARNING or above
    info = crawl(base_url, tmp_path / "b.db", settings={**fast, "LOG_LEVEL": "INFO"})
    assert info.returncode == 1
    logged = [line.split("] ", 1)[1] for line in info.stderr.splitlines() if re.match(r"\S+ \S+ \[[^]]+\] [A-Z]+:", line)]
    assert [line for line in logged if not line.startswith("INFO:")] == []
    assert [line for line in logged if base_url in line] == [
        f"INFO: {base_url}/robots.txt unreachable: {why[:-1]}; crawling as if it allowed everything",
        f"INFO: cannot reach {base_url}/: {why}",
    ]
    assert said(info.stderr) == [f"newscrawl: failed: cannot reach {base_url}/: {why}"]
    assert "Traceback" not in info.stderr
    debug = crawl(base_url, tmp_path / "c.db", settings={**fast, "LOG_LEVEL": "DEBUG"})
    assert debug.returncode == 1
    assert said(debug.stderr) == [f"newscrawl: failed: cannot reach {base_url}/: {why}"]
    for line in (
        f"DEBUG: Gave up retrying <GET {base_url}/robots.txt> (failed 2 times): {why}",
        f"INFO: {base_url}/robots.txt unreachable: {why[:-1]}; crawling as if it allowed everything",
        f"DEBUG: Gave up retrying <GET {base_url}/> (failed 2 times): {why}",
        f"DEBUG: Error downloading <GET {base_url}/>",
    ):
        assert line in debug.stderr
    # robots.txt's traceback and the start page's, each ending in the fault
    assert "Traceback (most recent call last):" in debug.stderr
    assert debug.stderr.count("\nscrapy.exceptions.DownloadConnectionRefusedError: " + why) == 2


def test_blocked_site_stops_with_exit_3(refusing_site: str, tmp_path: Path) -> None:
    result = crawl(refusing_site, tmp_path / "a.db", settings={"RETRY_TIMES": 0})
    assert result.returncode == 3
    lines = said(result.stderr)
    assert lines == [lines[0]]
    # a challenge is seen on robots.txt already; a 403 is a block on the start page
    assert re.match(rf"newscrawl: blocked: {re.escape(refusing_site)}/(robots\.txt)? refused the crawler: ", lines[0])
    with connect(tmp_path / "a.db") as con:
        assert con.execute("SELECT status FROM crawl_runs").fetchone()[0] == "blocked"
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_mirror_command_serves_and_stops_on_sigterm(mirror: Server) -> None:
    server = start_mirror(FIXTURES / "site")
    try:
        with urllib.request.urlopen(f"{server.base_url}/robots.txt", timeout=10) as response:
            assert b"Sitemap:" in response.read()
        with urllib.request.urlopen(f"{server.base_url}/news/politics?page=2", timeout=10) as response:
            assert response.status == 200
    finally:
        assert server.stop() == 0


# --- renderings the extractor was not written against -------------------------------------


@pytest.fixture(scope="module", params=[p for p in HELDOUT if (p / "site").is_dir()], ids=lambda p: p.name)
def heldout_archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A held-out rendering's folder, the archive of one crawl of its mirror and the mirror's origin."""
    root: Path = request.param
    server = start_mirror(root / "site")
    db = tmp_path_factory.mktemp(root.name) / "archive.db"
    try:
        result = crawl(server.base_url, db)
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        server.stop()
    return root, db, server.base_url


def test_heldout_rendering_is_crawled_whole(heldout_archive: tuple[Path, Path, str]) -> None:
    root, db, base_url = heldout_archive
    mismatches = []
    with connect(db) as con:
        urls = [r[0] for r in con.execute("SELECT url FROM articles")]
        for name, expected in expected_articles(root):
            read = almayadeen_article(root / "site", expected["url"], base_url)
            mismatches += differences(name, stored_article(con, expected["url"]), read)
        ticker = [dict(r) for r in con.execute("SELECT text, attribution, url FROM breaking ORDER BY id")]
    assert sorted(urls) == sorted(expected["url"] for _, expected in expected_articles(root))
    assert ticker == json.loads((root / "expected" / "ticker.json").read_text(encoding="utf-8"))
    assert mismatches == []


def test_sqlite_file_passes_integrity_check(archive: Path) -> None:
    with sqlite3.connect(archive) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_second_crawl_on_a_busy_archive_exits_4_and_touches_nothing(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    # another process holding the archive's crawl lock, as a running crawl does
    code = (
        f"from newscrawl.archive import Archive; a = Archive({str(db)!r}, exclusive=True); print('locked', flush=True); input()"
    )
    mirror = start_mirror(FIXTURES / "site", log_requests=True)
    try:
        with subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "locked"
            before = db.read_bytes()
            result = crawl(mirror.base_url, db)
            holder.kill()  # SIGKILL: the kernel releases the lock with the process, none is left stale
        assert result.returncode == 4, result.stderr[-2000:]
        lines = said(result.stderr)
        assert lines == [f"newscrawl: busy: archive {db} is in use by another crawl (pid {holder.pid})"]
        assert "Traceback" not in result.stderr
        assert db.read_bytes() == before
        assert mirror.requests_since(0) == []
        result = crawl(mirror.base_url, db, "max_articles=1")
        assert result.returncode == 0, result.stderr[-2000:]
    finally:
        mirror.stop()
