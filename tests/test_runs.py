"""``newscrawl runs``: the archive's crawl runs, as a table for people and JSON for scripts."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from tests.conftest import FIXTURES, expected_articles, run_stats

if TYPE_CHECKING:
    from pathlib import Path


def newscrawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", *args], capture_output=True, text=True, timeout=60, check=False)


def test_runs_table_shows_what_the_crawl_did(archive: Path) -> None:
    _, stats = run_stats(archive)
    result = newscrawl("runs", "--db", str(archive))
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split()[:6] == ["run", "spider", "started", "(UTC)", "took", "status"]
    cells = row.split()
    assert cells[:2] == ["1", "almayadeen"]
    assert cells[5:12] == [
        "finished",
        str(stats["downloader/request_count"]),
        str(len(expected_articles(FIXTURES))),
        "0",
        "0",
        "0",
        "10",
    ]
    assert cells[12].startswith("base_url=http://127.0.0.1:")


def test_runs_json_for_scripts(archive: Path) -> None:
    result = newscrawl("runs", "--db", str(archive), "--json")
    assert result.returncode == 0, result.stderr
    (run,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert run["status"] == "finished"
    assert run["new_articles"] == len(expected_articles(FIXTURES))
    assert run["args"]["edition"] == "en"


def test_runs_of_a_missing_archive_is_one_clear_line(tmp_path: Path) -> None:
    result = newscrawl("runs", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1
    assert result.stderr == f"newscrawl runs: no archive at {tmp_path / 'none.db'}\n"
    assert result.stdout == ""


def test_runs_limit_must_be_positive(tmp_path: Path) -> None:
    result = newscrawl("runs", "--limit", "0")
    assert result.returncode == 2
    assert "'0' is not a positive whole number" in result.stderr
