"""Distributed mode: a writer and workers on a real Redis (``redis-server``, started per test)
crawl the fixture mirror into an archive equal to a single process's."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING, Any

from tests.conftest import PROJECT, connect, crawl, crawl_env

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import RedisServer, Server

#: Columns that differ between two crawls of the same pages: when, and which row or record.
VOLATILE = {"id", "first_seen_at", "last_fetched_at", "capture_id", "version"}


def writer(redis_url: str, db: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "newscrawl.cli", "writer", "--redis", redis_url, "--db", str(db), *args]
    return subprocess.Popen(command, cwd=PROJECT, env=crawl_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def worker(base_url: str, redis_url: str, warc_dir: Path, *args: str) -> subprocess.Popen[str]:
    """``scrapy crawl almayadeen`` as a worker: no archive file of its own (``ARCHIVE_DB`` names
    one that must never be made)."""
    command = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"base_url={base_url}", "-s", f"REDIS_URL={redis_url}",
               "-s", f"WARC_DIR={warc_dir}", "-s", f"ARCHIVE_DB={warc_dir / 'never.db'}", "-s", "FLEET_HEARTBEAT=0.5"]  # fmt: skip
    for arg in args:
        command += ["-a", arg]
    return subprocess.Popen(command, cwd=PROJECT, env=crawl_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=timeout)
    return process.returncode, stderr


def content(db: Path) -> dict[str, dict[str, Any]]:
    """Each article of an archive, by URL: its columns (but :data:`VOLATILE`), tags, captions and links."""
    with connect(db) as con:
        articles = {
            row["url"]: {k: row[k] for k in row.keys() if k not in VOLATILE} for row in con.execute("SELECT * FROM articles")
        }  # noqa: SIM118
        ids = {row["id"]: row["url"] for row in con.execute("SELECT id, url FROM articles")}
        for name, sql in {
            "tag_rows": "SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id ORDER BY 1, 2",
            "caption_rows": "SELECT article_id, position, text, credit, image_url FROM captions ORDER BY 1, 2",
            "link_rows": "SELECT article_id, url, kind FROM links ORDER BY 1, 2, 3",
        }.items():
            for row in con.execute(sql):
                articles[ids[row[0]]].setdefault(name, []).append(tuple(row)[1:])
    return articles


def test_a_writer_and_two_workers_archive_what_one_crawl_does(mirror: Server, redis_server: RedisServer, tmp_path: Path) -> None:
    single = tmp_path / "single.db"
    result = crawl(mirror.base_url, single)
    assert result.returncode == 0, result.stderr[-3000:]

    db = tmp_path / "fleet.db"
    the_writer = writer(redis_server.url, db)
    workers = [worker(mirror.base_url, redis_server.url, tmp_path / f"warc-{n}") for n in range(2)]
    for process in workers:
        code, stderr = finished(process)
        assert code == 0, stderr[-3000:]
    code, stderr = finished(the_writer)
    assert code == 0, stderr[-3000:]

    assert not (tmp_path / "warc-0" / "never.db").exists()
    assert not (tmp_path / "warc-1" / "never.db").exists()
    expected, got = content(single), content(db)
    assert sorted(got) == sorted(expected)
    assert [url for url in expected if got[url] != expected[url]] == []
    with connect(db) as con:
        runs = con.execute("SELECT status, complete FROM crawl_runs").fetchall()
        assert [tuple(run) for run in runs] == [("finished", 1)]
        workers_seen = con.execute("SELECT count(DISTINCT warc_file) FROM captures").fetchone()[0]
    assert workers_seen >= 2  # each worker wrote its own WARC file
