"""Distributed mode: a writer and workers on a real Redis (``redis-server``, started per test)
crawl the fixture mirror into an archive equal to a single process's."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import pytest
from redisserver import RedisServer

from newscrawl.archive import Archive
from newscrawl.crawl.runstore import RunStats
from newscrawl.fleet.keys import UNREADABLE
from newscrawl.fleet.keys import connect as connect_redis
from newscrawl.fleet.writer import Writer, _merge
from tests.conftest import FIXTURES, PROJECT, connect, crawl, crawl_env, run_spider, start_mirror

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.conftest import Server

#: Columns that differ between two crawls of the same pages: when, and which row or record.
VOLATILE = {"id", "first_seen_at", "last_fetched_at", "text_seen_at", "capture_id", "version"}


#: A dead worker is noticed this fast in these tests (a loaded machine may stall a live one for a second or two).
TIMEOUT = "5"


def writer(redis_url: str, db: Path, *args: str) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "newscrawl.cli",
        "writer",
        "--redis",
        redis_url,
        "--db",
        str(db),
        "--worker-timeout",
        TIMEOUT,
        *args,
    ]
    return subprocess.Popen(command, cwd=PROJECT, env=crawl_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def worker(
    base_url: str, redis_url: str, warc_dir: Path, *args: str, spider: str = "almayadeen", settings: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """``scrapy crawl almayadeen`` (or ``spider``) as a worker: no archive file of its own
    (``ARCHIVE_DB`` names one that must never be made)."""
    start = f"base_url={base_url}" if spider == "almayadeen" else f"start_urls={base_url}/"
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", start, "-s", f"REDIS_URL={redis_url}",
               "-s", f"WARC_DIR={warc_dir}", "-s", f"ARCHIVE_DB={warc_dir / 'never.db'}", "-s", "FLEET_HEARTBEAT=0.5",
               "-s", f"FLEET_WORKER_TIMEOUT={TIMEOUT}"]  # fmt: skip
    for arg in args:
        command += ["-a", arg]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    return subprocess.Popen(command, cwd=PROJECT, env=crawl_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=timeout)
    return process.returncode, stderr


def content(db: Path) -> dict[str, dict[str, Any]]:
    """Each article of an archive, by URL: its columns (but :data:`VOLATILE`), tags, authors, captions and links."""
    with connect(db) as con:
        articles = {
            row["url"]: {k: row[k] for k in row.keys() if k not in VOLATILE}  # noqa: SIM118 - a Row iterates its values
            for row in con.execute("SELECT * FROM articles")
        }
        ids = {row["id"]: row["url"] for row in con.execute("SELECT id, url FROM articles")}
        for name, sql in {
            "tag_rows": "SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id ORDER BY 1, 2",
            "author_rows": "SELECT aa.article_id, au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id ORDER BY 1, 2",
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
        files = {row[0] for row in con.execute("SELECT DISTINCT warc_file FROM captures")}
    # each worker wrote its own WARC files, named after it
    assert len({name.rsplit("-", 1)[1] for name in files}) == 2
    shown = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "runs", "--db", str(db)], capture_output=True, text=True, check=True
    ).stdout
    assert "distributed: 2 workers" in shown


def test_runs_shows_a_distributed_run_going_on_with_its_workers(
    mirror: Server, redis_server: RedisServer, tmp_path: Path
) -> None:
    db = tmp_path / "fleet.db"
    # The worker is stopped while `runs` looks: not for long enough to be taken for dead. It goes
    # slowly, so that it is stopped mid-run.
    the_writer = writer(redis_server.url, db, "--worker-timeout", "120")
    slow = {"FLEET_WORKER_TIMEOUT": "120", "DOWNLOAD_DELAY": "0.1"}
    the_worker = worker(mirror.base_url, redis_server.url, tmp_path / "warc", settings=slow)
    _when_archived(db, 2)
    the_worker.send_signal(signal.SIGSTOP)
    try:
        command = [sys.executable, "-m", "newscrawl.cli", "runs", "--db", str(db), "--redis", redis_server.url]
        table = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        lines = subprocess.run([*command, "--json"], capture_output=True, text=True, check=True).stdout.splitlines()
    finally:
        the_worker.send_signal(signal.SIGCONT)
    live = json.loads(lines[-1])
    assert (live["spider"], live["id"], live["ended"]) == ("almayadeen", 1, False)
    assert [worker["name"].rsplit("-", 1)[1] for worker in live["workers"]] == [str(the_worker.pid)]
    assert f"run 1 of almayadeen on {redis_server.url}: going on" in table
    assert f"-{the_worker.pid}: " in table
    for process in (the_worker, the_writer):
        code, stderr = finished(process)
        assert code == 0, stderr[-3000:]


def fleet_run(base_url: str, redis_url: str, db: Path, folder: Path, workers: int = 2) -> dict[str, Any]:
    """A distributed run of a writer and ``workers`` workers; returns its stats (as the writer
    recorded them)."""
    the_writer = writer(redis_url, db)
    processes = [worker(base_url, redis_url, folder / f"warc-{n}") for n in range(workers)]
    for process in processes:
        code, stderr = finished(process)
        assert code == 0, stderr[-3000:]
    code, stderr = finished(the_writer)
    assert code == 0, stderr[-3000:]
    with connect(db) as con:
        stats: dict[str, Any] = json.loads(con.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    return stats


def test_a_second_distributed_run_fetches_no_article(mirror: Server, redis_server: RedisServer, tmp_path: Path) -> None:
    db = tmp_path / "fleet.db"
    first = fleet_run(mirror.base_url, redis_server.url, db, tmp_path)
    assert first["newscrawl/articles_new"] > 40
    second = fleet_run(mirror.base_url, redis_server.url, db, tmp_path)
    assert second.get("newscrawl/article_pages", 0) == 0
    assert second.get("newscrawl/articles_new", 0) == 0
    assert second["newscrawl/archived_skipped"] > 0  # the workers knew them from the writer's state
    with connect(db) as con:
        runs = [tuple(row) for row in con.execute("SELECT status, complete FROM crawl_runs ORDER BY id")]
    assert runs == [("finished", 1), ("finished", 1)]


def _when_archived(db: Path, count: int, timeout: float = 120) -> None:
    """Wait until the archive at ``db`` holds ``count`` articles."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
                if con.execute("SELECT count(*) FROM articles").fetchone()[0] >= count:
                    return
        except sqlite3.OperationalError:
            pass  # not made yet
        time.sleep(0.05)
    pytest.fail(f"the archive never held {count} articles")


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


def _assert_like(db: Path, clean: dict[str, dict[str, Any]], case: str) -> None:
    """The archive at ``db`` holds what a clean crawl does, and SQLite finds it whole."""
    got = content(db)
    assert sorted(got) == sorted(clean), case
    assert [url for url in clean if got[url] != clean[url]] == [], case
    assert _integrity(db) == "ok", case


@pytest.fixture(scope="module")
def clean(mirror: Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """What a single-process crawl of the mirror archives."""
    db = tmp_path_factory.mktemp("clean") / "archive.db"
    result = crawl(mirror.base_url, db)
    assert result.returncode == 0, result.stderr[-3000:]
    return content(db)


def test_a_worker_killed_mid_run_loses_nothing_a_rerun_does_not_fetch(
    mirror: Server, redis_server: RedisServer, tmp_path: Path, clean: dict[str, dict[str, Any]]
) -> None:
    seed = random.randrange(1_000_000)
    at = random.Random(seed).randrange(2, 30)
    db = tmp_path / "fleet.db"
    the_writer = writer(redis_server.url, db)
    workers = [worker(mirror.base_url, redis_server.url, tmp_path / f"warc-{n}") for n in range(2)]
    _when_archived(db, at)
    workers[0].send_signal(signal.SIGKILL)
    for process in workers:
        process.communicate(timeout=300)
    assert workers[1].returncode == 0, f"seed {seed}"
    code, stderr = finished(the_writer)
    assert code == 0, stderr[-3000:]
    with connect(db) as con:
        (complete,) = con.execute("SELECT complete FROM crawl_runs").fetchone()
    if not complete:  # the killed worker held requests: the rerun walks every listing again
        fleet_run(mirror.base_url, redis_server.url, db, tmp_path, workers=1)
    _assert_like(db, clean, f"seed {seed}, killed at {at} articles")


def test_the_writer_killed_mid_run_and_restarted_loses_no_item(
    mirror: Server, redis_server: RedisServer, tmp_path: Path, clean: dict[str, dict[str, Any]]
) -> None:
    seed = random.randrange(1_000_000)
    at = random.Random(seed).randrange(2, 40)
    db = tmp_path / "fleet.db"
    first = writer(redis_server.url, db)
    workers = [worker(mirror.base_url, redis_server.url, tmp_path / f"warc-{n}") for n in range(2)]
    _when_archived(db, at)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=60)
    second = writer(redis_server.url, db)
    for process in workers:
        code, stderr = finished(process)
        assert code == 0, stderr[-3000:]
    code, stderr = finished(second)
    assert code == 0, stderr[-3000:]
    _assert_like(db, clean, f"seed {seed}, killed at {at} articles")
    with connect(db) as con:
        runs = [tuple(row) for row in con.execute("SELECT status, complete FROM crawl_runs ORDER BY id")]
    assert runs == [("finished", 1)]


def test_redis_restarted_from_its_append_only_file_resumes_the_run(
    mirror: Server, redis_server: RedisServer, tmp_path: Path, clean: dict[str, dict[str, Any]]
) -> None:
    db = tmp_path / "fleet.db"
    the_writer = writer(redis_server.url, db)
    workers = [worker(mirror.base_url, redis_server.url, tmp_path / f"warc-{n}") for n in range(2)]
    _when_archived(db, 10)
    redis_server.stop()
    time.sleep(0.5)
    restarted = RedisServer.start(redis_server.folder, port=redis_server.port)
    try:
        for process in workers:
            code, stderr = finished(process)
            assert code == 0, stderr[-3000:]
        code, stderr = finished(the_writer)
        assert code == 0, stderr[-3000:]
    finally:
        restarted.stop()
    _assert_like(db, clean, "Redis restarted")
    with connect(db) as con:
        runs = [tuple(row) for row in con.execute("SELECT status, complete FROM crawl_runs ORDER BY id")]
    assert runs == [("finished", 1)]


def test_news_workers_archive_what_one_news_crawl_does(redis_server: RedisServer, tmp_path: Path) -> None:
    server = start_mirror(FIXTURES / "othersite")
    try:
        single = tmp_path / "single.db"
        result = run_spider("news", single, f"start_urls={server.base_url}/")
        assert result.returncode == 0, result.stderr[-3000:]
        db = tmp_path / "fleet.db"
        the_writer = writer(redis_server.url, db)
        workers = [worker(server.base_url, redis_server.url, tmp_path / f"warc-{n}", spider="news") for n in range(2)]
        for process in workers:
            code, stderr = finished(process)
            assert code == 0, stderr[-3000:]
        code, stderr = finished(the_writer)
        assert code == 0, stderr[-3000:]
    finally:
        server.stop()
    # Every article with what every sitemap and feed said of it, whichever worker read them.
    expected, got = content(single), content(db)
    assert len(expected) > 10
    assert sum(bool(item["sitemap_lastmod"]) for item in expected.values()) == 3
    assert sorted(got) == sorted(expected)
    assert [url for url in expected if got[url] != expected[url]] == []


@pytest.mark.parametrize("redis_there", [True, False], ids=["no-writer", "no-redis"])
def test_a_worker_without_redis_or_writer_says_so_in_one_line(
    mirror: Server, redis_server: RedisServer, tmp_path: Path, redis_there: bool
) -> None:
    url = redis_server.url if redis_there else "redis://127.0.0.1:1/0"
    process = worker(mirror.base_url, url, tmp_path / "warc", settings={"FLEET_WRITER_TIMEOUT": "1"})
    code, stderr = finished(process, timeout=120)
    expected = "no newscrawl writer answers on Redis within 1 s" if redis_there else "cannot use Redis at redis://127.0.0.1:1/0"
    assert code == 1
    assert [line for line in stderr.splitlines() if line.startswith("newscrawl:")] == [
        next(line for line in stderr.splitlines() if line.startswith("newscrawl: failed: ") and expected in line)
    ]
    assert "Traceback" not in stderr


def _runs(db: Path) -> list[tuple[str, int]]:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return [tuple(row) for row in con.execute("SELECT status, complete FROM crawl_runs ORDER BY id")]
    except sqlite3.OperationalError:
        return []


def _until(predicate: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.1)


def enqueue(redis_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "newscrawl.cli", "enqueue", "--redis", redis_url, *args]
    return subprocess.run(command, cwd=PROJECT, env=crawl_env(), capture_output=True, text=True, timeout=120, check=False)


def test_a_worker_kept_alive_joins_the_next_enqueued_run(mirror: Server, redis_server: RedisServer, tmp_path: Path) -> None:
    db = tmp_path / "fleet.db"
    the_writer = writer(redis_server.url, db, "--follow")
    try:
        started = enqueue(redis_server.url, "almayadeen", "-a", f"base_url={mirror.base_url}")
        assert started.returncode == 0, started.stderr
        assert started.stdout.startswith(f"run 1 of almayadeen started on {redis_server.url}:")
        kept = worker(
            mirror.base_url, redis_server.url, tmp_path / "warc", settings={"REDIS_KEEP_ALIVE": "True", "LOG_LEVEL": "INFO"}
        )
        _until(lambda: _runs(db) == [("finished", 1)])
        assert kept.poll() is None  # waiting for the next run
        again = enqueue(redis_server.url, "almayadeen", "-a", f"base_url={mirror.base_url}")
        assert again.returncode == 0, again.stderr
        _until(lambda: len(_runs(db)) == 2 and _runs(db)[1][0] != "running")
        assert _runs(db) == [("finished", 1), ("finished", 1)]
        kept.send_signal(signal.SIGTERM)
        code, stderr = finished(kept, timeout=60)
        assert code == 0, stderr[-3000:]
        assert "Joining the next run of almayadeen (-a base_url=" in stderr
    finally:
        the_writer.send_signal(signal.SIGTERM)
        code, _ = finished(the_writer, timeout=60)
    assert code == 130
    with connect(db) as con:
        second = json.loads(con.execute("SELECT stats FROM crawl_runs WHERE id = 2").fetchone()[0])
    assert second.get("newscrawl/articles_new", 0) == 0


@pytest.mark.parametrize(
    ("args", "status", "line"),
    [
        (["nosuch"], 2, "newscrawl enqueue: no spider 'nosuch'"),
        (["almayadeen", "-a", "edition=fr"], 2, "newscrawl enqueue: "),
        (["almayadeen", "-a", "edition"], 2, "newscrawl enqueue: -a 'edition' is not NAME=VALUE"),
    ],
)
def test_enqueue_refuses_bad_input_in_one_line(redis_server: RedisServer, args: list[str], status: int, line: str) -> None:
    result = enqueue(redis_server.url, *args)
    assert result.returncode == status
    assert result.stderr.startswith(line)
    assert len(result.stderr.splitlines()) == 1


def test_a_message_the_writer_cannot_read_is_set_aside(redis_server: RedisServer, tmp_path: Path) -> None:
    client = connect_redis(redis_server.url)
    archive = Archive(tmp_path / "a.db")
    try:
        assert Writer(client, archive)._apply_raw(b"not a pickle") is None
    finally:
        archive.close()
    assert client.lrange(UNREADABLE, 0, -1) == [b"not a pickle"]


def test_a_writer_far_behind_its_workers_loses_nothing(
    mirror: Server, redis_server: RedisServer, tmp_path: Path, clean: dict[str, dict[str, Any]]
) -> None:
    # The workers end while the writer is stopped, and stay silent longer than the worker
    # timeout: they are closed, not dead, and the run waits for their last messages.
    db = tmp_path / "fleet.db"
    the_writer = writer(redis_server.url, db)
    workers = [worker(mirror.base_url, redis_server.url, tmp_path / f"warc-{n}") for n in range(2)]
    _until(lambda: len(_runs(db)) == 1)
    the_writer.send_signal(signal.SIGSTOP)
    try:
        for process in workers:
            code, stderr = finished(process)
            assert code == 0, stderr[-3000:]
        time.sleep(float(TIMEOUT) * 2)
    finally:
        the_writer.send_signal(signal.SIGCONT)
    code, stderr = finished(the_writer)
    assert code == 0, stderr[-3000:]
    assert "does not know" not in stderr
    assert _runs(db) == [("finished", 1)]
    _assert_like(db, clean, "writer far behind")


@pytest.mark.parametrize(
    ("before", "worker", "after"),
    [
        ({"n": 2}, {"n": 3}, {"n": 5}),
        ({}, {"n": 3.5}, {"n": 3.5}),
        ({"n": None}, {"n": 3}, {"n": 3}),
        ({"n": 3}, {"n": None}, {"n": 3}),
        ({"flag": True}, {"flag": False}, {"flag": False}),
        ({"reason": "finished"}, {"reason": "shutdown"}, {"reason": "shutdown"}),
    ],
)
def test_a_workers_stats_merge_into_the_runs(before: dict[str, Any], worker: dict[str, Any], after: dict[str, Any]) -> None:
    stats = RunStats(before)
    _merge(stats, worker)
    assert stats.get_stats() == after


def test_a_run_whose_workers_all_stop_blocked_ends_blocked(refusing_site: str, redis_server: RedisServer, tmp_path: Path) -> None:
    # Nobody sees such a run over (its workers stop at the homepage): the writer ends it once
    # they have all ended and none came for the worker timeout.
    db = tmp_path / "fleet.db"
    the_writer = writer(redis_server.url, db)
    workers = [worker(refusing_site, redis_server.url, tmp_path / f"warc-{n}") for n in range(2)]
    for process in workers:
        code, _ = finished(process)
        assert code == 3
    code, stderr = finished(the_writer, timeout=60)
    assert code == 0, stderr[-3000:]
    assert _runs(db) == [("blocked", 0)]
