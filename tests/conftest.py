"""Shared test fixtures: local mirror servers and real ``scrapy crawl`` runs against them.

Nothing here touches the internet: every server listens on 127.0.0.1 on a free port.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "fixtures"
HELDOUT = [PROJECT / "tests" / "heldout", PROJECT / "tests" / "heldout2"]


@dataclass
class Server:
    """A ``newscrawl mirror`` process and the base URL it printed."""

    process: subprocess.Popen[str]
    base_url: str

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code


def start_mirror(root: Path) -> Server:
    """Start ``newscrawl mirror --port 0 --root ROOT`` and read the base URL from its first line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.cli", "mirror", "--port", "0", "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("http://127.0.0.1:"):
        process.kill()
        _, stderr = process.communicate(timeout=10)
        pytest.fail(f"newscrawl mirror did not start: {line!r} {stderr}")
    return Server(process, line)


@pytest.fixture(scope="session")
def mirror() -> Iterator[Server]:
    """The bundled fixture mirror, served for the whole session."""
    server = start_mirror(FIXTURES / "site")
    yield server
    server.stop()


def crawl(base_url: str, db: Path, *args: str, settings: dict[str, Any] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy crawl almayadeen`` as a user would, against ``base_url``, into ``db``."""
    command = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"base_url={base_url}", "-s", f"ARCHIVE_DB={db}"]
    for arg in args:
        command += ["-a", arg]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="session")
def archive(mirror: Server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive built by one full crawl of the fixture mirror."""
    db = tmp_path_factory.mktemp("archive") / "archive.db"
    result = crawl(mirror.base_url, db)
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def connect(db: Path) -> sqlite3.Connection:
    """A read connection with rows as dicts."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return con


def stored_article(con: sqlite3.Connection, url: str) -> dict[str, Any] | None:
    """An article as the archive holds it, in the shape of the expected JSON files."""
    row = con.execute("SELECT * FROM articles WHERE url = ?", [url]).fetchone()
    if row is None:
        return None
    article = dict(row)
    article["authors"] = json.loads(article["authors"])
    article["tags"] = json.loads(article["tags"])
    article["captions"] = [
        {"text": c["text"], "credit": c["credit"], "image_url": c["image_url"]}
        for c in con.execute("SELECT * FROM captions WHERE article_id = ? ORDER BY position", [row["id"]])
    ]
    article["related"] = [
        {"url": link["url"], "kind": link["kind"]}
        for link in con.execute("SELECT url, kind FROM links WHERE article_id = ? ORDER BY rowid", [row["id"]])
    ]
    return article


def expected_articles(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """``(name, expected)`` for every expected article JSON under ``root/expected``."""
    return [
        (str(path.relative_to(root / "expected").with_suffix("")), json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((root / "expected").rglob("*.json"))
        if path.name != "ticker.json"
    ]
