"""Shared test fixtures: local mirror servers and real ``scrapy crawl`` runs against them;
``newscrawl serve`` on an archive and a headless Chromium to open its pages.

Nothing here touches the internet: every server listens on 127.0.0.1 on a free port.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pty
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive import Archive
from newscrawl.mirror.server import MirrorProcess
from newscrawl.warc import SUFFIX, default_warc_dir

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from newscrawl.items import ArticleItem

PROJECT = Path(__file__).resolve().parent.parent
# After the installed packages: benchmarks/incremental.py must not shadow Twisted's.
sys.path.append(str(PROJECT / "benchmarks"))
from redisserver import RedisServer  # noqa: E402 - benchmarks/redisserver.py, found through the line above

CHROMIUM = "/usr/bin/chromium"
# Chromium flags for a machine without network: headless, and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

FIXTURES = PROJECT / "fixtures"
HELDOUT = [PROJECT / "tests" / "heldout", PROJECT / "tests" / "heldout2"]
OTHERSITE = FIXTURES / "othersite"


#: A mirror server process, as the tests start it.
Server = MirrorProcess


def start_mirror(root: Path, *, log_requests: bool = False, as_of: datetime | None = None) -> Server:
    """Start ``newscrawl mirror --port 0 --root ROOT`` (see :class:`MirrorProcess`)."""
    try:
        return Server.start(root, log_requests=log_requests, as_of=as_of)
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def mirror() -> Iterator[Server]:
    """The bundled fixture mirror, served for the whole session."""
    server = start_mirror(FIXTURES / "site")
    yield server
    server.stop()


def build_site(out: Path, changes: str = "") -> Path:
    """Render the fixture mirror with ``fixtures/build.py`` into ``out`` (files are overwritten),
    after the Python statements ``changes`` have edited the ``content`` module (its ``ARTICLES``,
    its ``TICKER``): the site as it is after new articles, edits and ticker changes. Without
    changes it is the bundled mirror."""
    script = "\n".join(
        [
            "import dataclasses, pathlib, sys",
            f"sys.path.insert(0, {str(FIXTURES)!r})",
            "import content",
            changes,
            "import build",  # after the changes: it reads the content when imported
            "for name, data in build.build().items():",
            "    if name.startswith('site/'):",
            f"        target = pathlib.Path({str(out)!r}) / name[len('site/'):]",
            "        target.parent.mkdir(parents=True, exist_ok=True)",
            "        target.write_bytes(data)",
        ]
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    return out


def run_spider(spider: str, db: Path, *args: str, settings: dict[str, Any] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy crawl SPIDER -a ARG ...`` as a user would, into ``db``."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"ARCHIVE_DB={db}"]
    for arg in args:
        command += ["-a", arg]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    return subprocess.run(command, cwd=PROJECT, env=crawl_env(), capture_output=True, text=True, timeout=300, check=False)


def crawl_env() -> dict[str, str]:
    """The environment ``scrapy crawl`` runs in, in the project's folder, as a user runs it."""
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}


def crawl(base_url: str, db: Path, *args: str, settings: dict[str, Any] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy crawl almayadeen`` as a user would, against ``base_url``, into ``db``."""
    return run_spider("almayadeen", db, f"base_url={base_url}", *args, settings=settings)


def run_stats(db: Path, run: int = -1) -> tuple[str, dict[str, Any]]:
    """``(status, stats)`` of a crawl run of an archive: the last one by default."""
    with connect(db) as con:
        rows = con.execute("SELECT status, stats FROM crawl_runs ORDER BY id").fetchall()
    return rows[run]["status"], json.loads(rows[run]["stats"])


@pytest.fixture(scope="session")
def archive(mirror: Server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive built by one full crawl of the fixture mirror."""
    db = tmp_path_factory.mktemp("archive") / "archive.db"
    result = crawl(mirror.base_url, db)
    assert result.returncode == 0, result.stderr[-3000:]
    return db


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the three editions (:data:`tests.test_desk_editions.ARTICLES`): one article
    each, the English one the seed's."""
    from tests.test_desk_editions import ARTICLES, FETCHED  # noqa: PLC0415 - a test module's data, imported when used

    db = tmp_path_factory.mktemp("editions") / "archive.db"
    archive = Archive(db)
    archive.store_articles(ARTICLES, FETCHED)
    archive.close()
    return db


def archive_copy(db: Path, folder: Path) -> Path:
    """A copy, in the new folder ``folder``, of the archive ``db`` and all beside it (its WARC
    files): a crawl fixture's archive to run another crawl on, leaving the fixture's as it is."""
    shutil.copytree(db.parent, folder)
    return folder / db.name


class _Refusing(BaseHTTPRequestHandler):
    body = b""
    status = 403

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Challenge(_Refusing):
    status = 503
    body = b"<html><head><title>Just a moment...</title></head><body><div id='cf-chl-widget'></div></body></html>"


class _Forbidden(_Refusing):
    body = b"<html><body><h1>403 Forbidden</h1></body></html>"


@pytest.fixture(params=[_Challenge, _Forbidden], ids=["challenge-503", "plain-403"])
def refusing_site(request: pytest.FixtureRequest) -> Iterator[str]:
    """A local site that answers every request with a challenge page or a 403."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), request.param)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run_on_terminal(command: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``command`` in the project's folder with its standard error on a pseudo-terminal (as
    a person at a terminal sees it); returns its exit status and all it wrote there."""
    controller, terminal = pty.openpty()
    with subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=terminal) as process:
        os.close(terminal)
        output = b""
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            try:
                chunk = os.read(controller, 65536) if ready else b""
            except OSError:  # the terminal closed with the process
                chunk = b""
            if not chunk:
                break
            output += chunk
    os.close(controller)
    return process.returncode, output.decode()


# --- newscrawl serve, and a browser --------------------------------------------------------


@pytest.fixture(scope="module")
def served(archive: Path) -> Iterator[str]:
    """``newscrawl serve --port 0`` on the crawled archive; its base URL."""
    yield from serving(archive)


@pytest.fixture(scope="module")
def served_editions(editions: Path) -> Iterator[str]:
    """``newscrawl serve --port 0`` on the archive of the three editions; its base URL."""
    yield from serving(editions)


def serving(archive: Path) -> Iterator[str]:
    """Run ``newscrawl serve --port 0`` on ``archive``; yields its base URL, then stops it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.cli", "serve", "--db", str(archive), "--port", "0"],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(process.stdout.readline() if process.stdout else ""), daemon=True)
    reader.start()
    reader.join(60)
    if not first or not first[0].startswith("http://"):
        process.kill()
        pytest.fail(f"newscrawl serve did not start: {process.communicate()[1][-2000:]}")
    yield first[0].strip()
    process.terminate()
    _, errors = process.communicate(timeout=30)  # closes the pipes too
    assert process.returncode == 0, errors


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (the README's test command does)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A browser page that records console errors, page errors and failed requests."""

    def __init__(self, browser: Any, shots: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 1000})
        self.shots = shots
        self.problems: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url}"))

    def shoot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000  # a real rendering, not a blank page
        return path


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Page]:
    opened = Page(browser, tmp_path)
    yield opened
    opened.page.close()


def connect(db: Path) -> sqlite3.Connection:
    """A read connection with rows as dicts."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return con


def published_day(published: str | None) -> str | None:
    """The day of an article published at ``published`` as the desk's date filters take it,
    here in Python: the UTC date where the time has an offset, else the date the site gives."""
    if not published:
        return None
    when = datetime.fromisoformat(published)
    return when.astimezone(UTC).date().isoformat() if when.tzinfo else published[:10]


def stored_article(con: sqlite3.Connection, url: str) -> dict[str, Any] | None:
    """An article as the archive holds it, in the shape of the expected JSON files (with the
    archive's own columns too: ``id``, ``first_seen_at``...)."""
    row = con.execute("SELECT * FROM articles WHERE url = ?", [url]).fetchone()
    if row is None:
        return None
    captions = con.execute("SELECT * FROM captions WHERE article_id = ? ORDER BY position", [row["id"]])
    links = con.execute("SELECT url, kind FROM links WHERE article_id = ? ORDER BY rowid", [row["id"]])
    return article_shape(dict(row), captions, links)


def article_shape(
    values: Mapping[str, Any], captions: Iterable[Mapping[str, Any]], related: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """An article in the shape of the expected JSON files: ``values`` (an archive row, or an
    item's fields) with ``authors``, ``tags``, ``sitemap_news`` and ``field_sources`` decoded where
    they are JSON text (as the archive stores them), its ``captions`` as ``text``/``credit``/``image_url`` and
    its ``related`` links as ``url``/``kind``, in the order given."""
    article = dict(values)
    for name in ("authors", "tags", "sitemap_news", "field_sources"):
        if isinstance(article.get(name), str):
            article[name] = json.loads(article[name])
    article["captions"] = [{"text": c["text"], "credit": c["credit"], "image_url": c["image_url"]} for c in captions]
    article["related"] = [{"url": link["url"], "kind": link["kind"]} for link in related]
    return article


def item_article(item: ArticleItem) -> dict[str, Any]:
    """An article item (as extraction gives it) in the shape of the expected JSON files, by the
    same conversion as :func:`stored_article`'s."""
    values = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    return article_shape(values, map(dataclasses.asdict, item.captions), map(dataclasses.asdict, item.related))


def expected_articles(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """``(name, expected)`` for every expected article JSON under ``root/expected``."""
    return [
        (str(path.relative_to(root / "expected").with_suffix("")), json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((root / "expected").rglob("*.json"))
        if path.name != "ticker.json"
    ]


def warc_check(folder: Path) -> list[str]:
    """The WARC files in ``folder`` that ``warcio check`` fails, with its output."""
    failures = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        result = subprocess.run(
            [sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            failures.append(f"{path.name}: {result.stdout[-500:]}{result.stderr[-500:]}")
    return failures


def _read_whole(record: Any) -> tuple[str, str]:
    record.content_stream().read()  # decompressed to its end: a cut member raises
    return record.rec_type, record.rec_headers.get_header("WARC-Record-ID")


def incomplete_captures(db: Path) -> list[str]:
    """The ``captures`` rows of the archive ``db`` that do not point at a complete record of
    theirs: its file missing, or the ``length`` bytes at ``offset`` not one whole gzip member
    holding a record of that id and type."""
    folder = default_warc_dir(db)
    problems = []
    with connect(db) as con:
        rows = [dict(r) for r in con.execute("SELECT * FROM captures ORDER BY id")]
    for row in rows:
        path = folder / row["warc_file"]
        if not path.is_file():
            problems.append(f"capture {row['id']}: no file {row['warc_file']}")
            continue
        with path.open("rb") as stream:
            stream.seek(row["offset"])
            member = stream.read(row["length"])
        try:
            records = [_read_whole(record) for record in ArchiveIterator(BytesIO(member))]
        except Exception as exc:
            problems.append(f"capture {row['id']}: {type(exc).__name__}: {exc}")
            continue
        if records != [(row["record_type"], row["record_id"])]:
            problems.append(f"capture {row['id']}: {records} at offset {row['offset']}")
    return problems


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def said(output: str) -> list[str]:
    """The lines newscrawl itself printed in ``output`` (``newscrawl: ...``): its one-line messages."""
    return [line for line in output.splitlines() if line.startswith("newscrawl:")]


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A Redis server for one test (a real ``redis-server``, not a fake)."""
    try:
        server = RedisServer.start(tmp_path_factory.mktemp("redis"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server
    server.stop()
