"""The archive file itself: one crawl lock per file whatever its path, a busy archive, readers in a
read-only place, and the schema version (refusing a newer archive, migrating older ones)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.request
from contextlib import closing, contextmanager
from typing import TYPE_CHECKING, Any

import pytest
import sqlite_utils

from newscrawl.archive import (
    SCHEMA_VERSION,
    UPGRADES,
    Archive,
    ArchiveBusyError,
    ArchiveError,
    ArchiveVersionError,
    flock_owner,
)
from newscrawl.mirror.server import MirrorProcess
from tests.conftest import FIXTURES, PROJECT, crawl, crawl_env, said, start_mirror

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tests.conftest import Server

ARCHIVES = PROJECT / "tests" / "archives"


@contextmanager
def crawl_lock_held(db: Path) -> Iterator[int]:
    """Another process holding the archive's crawl lock, as a running crawl does, until the
    block ends (it is killed then); yields its pid."""
    code = (
        f"from newscrawl.archive import Archive; a = Archive({str(db)!r}, exclusive=True); print('locked', flush=True); input()"
    )
    with subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "locked"
            yield holder.pid
        finally:
            holder.kill()


def dump(db: Path) -> list[str]:
    """Every statement that rebuilds the archive (schema and rows), and its schema version."""
    with closing(sqlite3.connect(db)) as con:
        return [*con.iterdump(), f"user_version {con.execute('PRAGMA user_version').fetchone()[0]}"]


# --- one lock per archive file ------------------------------------------------------------------


@pytest.mark.parametrize("link", ["symlink", "hard link"])
def test_crawl_lock_holds_through_another_path_to_the_same_file(tmp_path: Path, link: str) -> None:
    db = tmp_path / "a.db"
    Archive(db).close()
    other = tmp_path / "other" / "same.db"
    other.parent.mkdir()
    if link == "symlink":
        other.symlink_to(db)
    else:
        os.link(db, other)
    with crawl_lock_held(db) as pid, pytest.raises(ArchiveBusyError) as refused:
        Archive(other, exclusive=True)
    assert str(refused.value) == f"archive {other} is in use by another crawl (pid {pid})"
    Archive(other, exclusive=True).close()  # the holder's end released it


def test_a_refused_crawl_through_a_symlink_exits_4_and_touches_nothing(mirror: Server, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    Archive(db).close()
    (tmp_path / "link.db").symlink_to(db)
    before = dump(db)
    with crawl_lock_held(db) as pid:
        result = crawl(mirror.base_url, tmp_path / "link.db")
    assert result.returncode == 4, result.stderr[-2000:]
    lines = said(result.stderr)
    assert lines == [f"newscrawl: busy: archive {tmp_path / 'link.db'} is in use by another crawl (pid {pid})"]
    assert dump(db) == before


@pytest.mark.parametrize(
    ("locks", "expected"),
    [
        ("1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146313 0 EOF\n", "4242"),
        ("1: POSIX  ADVISORY  WRITE 17 fe:00:2146313 0 EOF\n2: FLOCK  ADVISORY  WRITE 4242 fe:00:2146313 0 EOF\n", "4242"),
        ("1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146313 0 EOF\n1: -> FLOCK  ADVISORY  WRITE 99 fe:00:2146313 0 EOF\n", "4242"),
        ("1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146314 0 EOF\n", None),  # another file
        ("1: FLOCK  ADVISORY  WRITE 4242 fe:01:2146313 0 EOF\n", None),  # another device
        ("", None),
    ],
)
def test_flock_owner(locks: str, expected: str | None) -> None:
    assert flock_owner(locks, os.makedev(0xFE, 0), 2146313) == expected


# --- a busy archive -----------------------------------------------------------------------------


class Writer:
    """Another program writing to the archive: a write transaction (``BEGIN IMMEDIATE``) held
    open, in its own thread's connection, until :meth:`release` (or 30 s)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.held = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)
        self.thread.start()
        assert self.held.wait(30)

    def _hold(self) -> None:
        with closing(sqlite3.connect(self.db, isolation_level=None)) as con:
            con.execute("BEGIN IMMEDIATE")
            self.held.set()
            self.done.wait(30)
            con.execute("ROLLBACK")

    def release(self) -> None:
        self.done.set()
        self.thread.join(30)


def test_an_archive_another_program_holds_exits_4_with_one_line(mirror: Server, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    Archive(db).close()
    before = dump(db)
    writer = Writer(db)
    try:
        result = crawl(mirror.base_url, db, settings={"ARCHIVE_BUSY_TIMEOUT": 1})
    finally:
        writer.release()
    assert result.returncode == 4, result.stderr[-3000:]
    lines = said(result.stderr)
    assert lines == [f"newscrawl: busy: archive {db} is locked by another writer; waited 1 s (ARCHIVE_BUSY_TIMEOUT)"]
    assert "Traceback" not in result.stderr
    assert dump(db) == before  # no run recorded, nothing half-written


def test_an_archive_taken_mid_crawl_stops_the_run_as_busy(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    # articles answer slowly, so the crawl is still storing them when the other writer comes
    server = MirrorProcess.start(FIXTURES / "site", faults=[{"match": "^/(news|articles)/", "mode": "slow", "delay": 1}])
    settings = {"ARCHIVE_DB": db, "ARCHIVE_BUSY_TIMEOUT": 1, "ARCHIVE_FLUSH_SECONDS": 0.2}
    command = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"base_url={server.base_url}"]
    command += [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]
    stderr: list[str] = []
    try:
        with subprocess.Popen(command, cwd=PROJECT, env=crawl_env(), stderr=subprocess.PIPE, text=True) as process:
            assert process.stderr is not None
            wait_for(db, "SELECT 1 FROM crawl_runs, articles WHERE crawl_runs.status = 'running'")
            writer = Writer(db)
            try:
                for line in process.stderr:
                    stderr.append(line)
                    if "locked by another writer" in line:
                        break  # the crawl gave up: let the run record why
            finally:
                writer.release()
            stderr.extend(process.stderr)
    finally:
        server.stop()
    output = "".join(stderr)
    assert process.returncode == 4, output[-3000:]
    message = f"archive {db} is locked by another writer; waited 1 s (ARCHIVE_BUSY_TIMEOUT)"
    assert said(output) == [f"newscrawl: busy: {message}"]
    assert "Traceback" not in output
    not_stored = [line for line in output.splitlines() if " not stored: " in line]
    assert all(line.endswith(f" not stored: {message}") for line in not_stored)
    assert any(re.search(r"ERROR: article https://english\.almayadeen\.net/\S+ not stored", line) for line in not_stored)
    with closing(sqlite3.connect(db)) as con:
        status, stats = con.execute("SELECT status, stats FROM crawl_runs").fetchone()
    assert (status, json.loads(stats)["newscrawl/message"]) == ("busy", message)


def test_an_archive_taken_before_the_run_is_recorded_exits_4_without_a_traceback(mirror: Server, tmp_path: Path) -> None:
    # The other writer comes between the archive's opening and the run's record: SQLite's busy
    # error, raised where the run is recorded.
    db = tmp_path / "a.db"
    script = (
        "import sqlite3, sys\n"
        "from scrapy.cmdline import execute\n"
        "from newscrawl.archive import Archive\n"
        "class Busy(sqlite3.OperationalError):\n"
        "    sqlite_errorcode = sqlite3.SQLITE_BUSY\n"
        "def start_run(self, spider, args, **kwargs):\n"
        "    raise Busy('database is locked')\n"
        "Archive.start_run = start_run\n"
        "execute(sys.argv)\n"
    )
    command = [sys.executable, "-c", script, "crawl", "almayadeen", "-a", f"base_url={mirror.base_url}"]
    command += ["-s", f"ARCHIVE_DB={db}", "-s", "ARCHIVE_BUSY_TIMEOUT=2.5"]
    result = subprocess.run(command, cwd=PROJECT, env=crawl_env(), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 4, result.stderr[-3000:]
    lines = said(result.stderr)
    assert lines == [f"newscrawl: busy: archive {db} is locked by another writer; waited 2.5 s (ARCHIVE_BUSY_TIMEOUT)"]
    assert "Traceback" not in result.stderr
    with closing(sqlite3.connect(db)) as con:
        assert con.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 0


def wait_for(db: Path, query: str) -> None:
    """Poll the archive (read-only) until ``query`` returns a row."""
    for _ in range(30000):
        if db.is_file():
            try:
                with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as con:
                    if con.execute(query).fetchone():
                        return
            except sqlite3.OperationalError:
                pass  # no such table yet
        threading.Event().wait(0.01)
    pytest.fail(f"the archive never answered {query}")


def test_bad_busy_timeout_is_bad_input(mirror: Server, tmp_path: Path) -> None:
    result = crawl(mirror.base_url, tmp_path / "a.db", settings={"ARCHIVE_BUSY_TIMEOUT": "soon"})
    assert result.returncode == 2
    lines = said(result.stderr)
    assert lines == ["newscrawl: error: ARCHIVE_BUSY_TIMEOUT='soon' is not a number of seconds (0 or more)"]


# --- readers in a read-only place ---------------------------------------------------------------


def _mount_read_only(folder: Path) -> list[str]:
    """The command prefix that runs a command with ``folder`` read-only: bind-mounted read-only
    over itself in a private mount namespace."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(folder)]


@pytest.fixture
def read_only(archive: Path, tmp_path: Path) -> Iterator[tuple[Path, Callable[[list[str]], list[str]]]]:
    """A copy of the crawled archive in a folder its readers cannot write, and the function that
    turns a command into one run there: a read-only bind mount where the sandbox allows one (root
    ignores permissions), otherwise the folder without write permission (for another user)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "archive.db"
    shutil.copy(archive, db)
    probe = subprocess.run([*_mount_read_only(folder), "touch", str(folder / "probe")], capture_output=True, check=False)
    if probe.returncode != 0 and "Read-only file system" in probe.stderr.decode():
        yield db, lambda command: [*_mount_read_only(folder), *command]
        return
    if os.geteuid() == 0:
        pytest.skip("no read-only place for root here: mount namespaces are not allowed")
    folder.chmod(0o555)
    db.chmod(0o444)
    try:
        yield db, lambda command: command
    finally:
        folder.chmod(0o755)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "newscrawl.cli", *args]


def test_stats_search_export_and_runs_read_a_read_only_archive(
    read_only: tuple[Path, Callable[[list[str]], list[str]]],
) -> None:
    db, there = read_only
    before = sorted(path.name for path in db.parent.iterdir())

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(there(cli(*args)), cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        return result

    with closing(sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        word = re.findall("[A-Za-z]{6,}", con.execute("SELECT headline FROM articles ORDER BY id LIMIT 1").fetchone()[0])[0]
    assert json.loads(run("stats", "--db", str(db), "--json").stdout)["articles"] == articles
    hits = [json.loads(line) for line in run("search", word, "--db", str(db), "--json").stdout.splitlines()]
    assert hits
    assert all(word.lower() in json.dumps(hit).lower() for hit in hits)
    rows = list(csv.DictReader(io.StringIO(run("export", "--db", str(db), "--format", "csv", "-").stdout)))
    assert len(rows) == articles
    assert run("runs", "--db", str(db), "--json").stdout.count('"status": "finished"') == 1
    assert sorted(path.name for path in db.parent.iterdir()) == before


def test_serve_reads_a_read_only_archive(read_only: tuple[Path, Callable[[list[str]], list[str]]]) -> None:
    db, there = read_only
    command = there(cli("serve", "--db", str(db), "--port", "0"))
    with subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as server:
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            assert base.startswith("http://127.0.0.1:"), server.stderr.read() if server.stderr else ""
            pages = {}
            for page in ("archive/articles", "archive/article_details", "archive/crawl_runs.json", "-/dashboards/archive"):
                with urllib.request.urlopen(base + page, timeout=60) as response:
                    pages[page] = (response.status, response.read())
        finally:
            server.send_signal(signal.SIGTERM)
            server.communicate(timeout=30)
    assert {page: status for page, (status, _) in pages.items()} == dict.fromkeys(pages, 200)
    assert json.loads(pages["archive/crawl_runs.json"][1])["rows"][0][5] == "finished"


# --- the schema version ---------------------------------------------------------------------------


def future_archive(db: Path, version: int = SCHEMA_VERSION + 4) -> None:
    """An archive as a newer newscrawl left it: this schema, a higher version, one article."""
    Archive(db).close()
    with closing(sqlite3.connect(db)) as con:
        con.execute(f"PRAGMA user_version = {version}")
        con.execute("INSERT INTO articles (url, edition, first_seen_at, last_fetched_at) VALUES ('u', 'en', 'x', 'x')")
        con.commit()


def test_an_archive_from_a_newer_newscrawl_is_refused_before_any_write(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    future_archive(db, 6)
    before = db.read_bytes()
    with pytest.raises(ArchiveVersionError) as refused:
        Archive(db, exclusive=True)
    assert str(refused.value) == f"archive {db} has schema version 6; this newscrawl writes version 5: upgrade newscrawl"
    assert isinstance(refused.value, ArchiveError)
    assert db.read_bytes() == before
    assert not (tmp_path / "a.db-wal").exists() or (tmp_path / "a.db-wal").stat().st_size == 0
    Archive(db.with_name("b.db"), exclusive=True).close()


def test_a_crawl_on_an_archive_from_a_newer_newscrawl_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    future_archive(db, 6)
    before = db.read_bytes()
    server = start_mirror(FIXTURES / "site", log_requests=True)
    try:
        result = crawl(server.base_url, db)
        requests = server.requests_since(0)
    finally:
        server.stop()
    assert result.returncode == 2, result.stderr[-3000:]
    lines = said(result.stderr)
    assert lines == [f"newscrawl: error: archive {db} has schema version 6; this newscrawl writes version 5: upgrade newscrawl"]
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before
    assert not (tmp_path / "a.db-wal").exists() or (tmp_path / "a.db-wal").stat().st_size == 0
    assert requests == []


def test_one_upgrade_step_per_earlier_version() -> None:
    assert len(UPGRADES) == SCHEMA_VERSION


def test_a_new_archive_has_the_current_version(tmp_path: Path) -> None:
    Archive(tmp_path / "a.db").close()
    with closing(sqlite3.connect(tmp_path / "a.db")) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5


def old_archive(db: Path, name: str) -> None:
    """The archive ``tests/archives/NAME.sql`` describes, with its full-text index made the way
    that version of newscrawl made it."""
    with closing(sqlite3.connect(db)) as con:
        con.executescript((ARCHIVES / f"{name}.sql").read_text(encoding="utf-8"))
    sqlite_utils.Database(db)["articles"].enable_fts(["headline", "lead", "body"], fts_version="FTS5", create_triggers=True)


#: Archives as earlier newscrawl commits created them (all schema version 0): the first one;
#: one with versions but no run completeness, sitemap fields or missing_fields; main before versions.
OLD_ARCHIVES = ["v0-a02a558", "v0-4e188cd", "v0-fd8a6e7"]


@pytest.mark.parametrize("name", OLD_ARCHIVES)
def test_an_older_archive_is_migrated_in_place(tmp_path: Path, name: str) -> None:
    db = tmp_path / "a.db"
    old_archive(db, name)
    archive = Archive(db, exclusive=True)
    archive.close()
    with closing(sqlite3.connect(db)) as con:
        con.row_factory = sqlite3.Row
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        row = dict(con.execute("SELECT * FROM articles").fetchone())
        run = dict(con.execute("SELECT * FROM crawl_runs").fetchone())
        hits = con.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'pharisaism'").fetchall()
        details = con.execute("SELECT headline, tags FROM article_details").fetchall()
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert (row["url"], row["headline"], row["first_seen_at"]) == (
        "https://english.almayadeen.net/news/politics/an-article-archived-before-schema-versions",
        "An article archived before schema versions",
        "2025-01-01T00:00:00+00:00",
    )
    assert json.loads(row["missing_fields"]) == ["section"]
    assert row["view_count"] is None  # a column added since: empty for the rows stored before
    assert (run["status"], run["started_at"]) == ("finished", "2025-01-01T00:00:00+00:00")
    assert [tuple(h) for h in hits] == [(1,)]
    assert [tuple(d) for d in details] == [("An article archived before schema versions", "Gaza")]
    assert {"article_versions", "breaking_sightings", "run_coverage", "article_details", "ticker_timeline"} <= tables
    assert "run_field_sources" in tables


@pytest.mark.parametrize("name", OLD_ARCHIVES)
def test_a_failed_migration_leaves_the_archive_as_it_was(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "a.db"
    old_archive(db, name)
    before = dump(db)

    def fail(self: Archive) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    # the last thing a migration does before the version: everything else is written by then
    monkeypatch.setattr(Archive, "_create_views", fail)
    with pytest.raises(ArchiveError, match="disk I/O error"):
        Archive(db, exclusive=True)
    assert dump(db) == before


def test_a_current_archive_opens_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    Archive(db).close()
    before = dump(db)
    Archive(db, exclusive=True).close()
    assert dump(db) == before


def readers_of(db: Path) -> dict[str, Any]:
    result = subprocess.run(cli("stats", "--db", str(db), "--json"), capture_output=True, text=True, timeout=60, check=False)
    return {"code": result.returncode, "articles": json.loads(result.stdout)["articles"] if result.stdout else None}


def test_readers_read_an_archive_from_a_newer_newscrawl(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    future_archive(db)
    assert readers_of(db) == {"code": 0, "articles": 1}
