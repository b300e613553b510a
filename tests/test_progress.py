"""The progress line: its text as a table, and a real crawl on a terminal and under cron."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

import pytest

from newscrawl.crawl.progress import progress_line
from tests.conftest import crawl, crawl_env, run_on_terminal

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Server


@pytest.mark.parametrize(
    ("stats", "elapsed", "line"),
    [
        ({}, 0.0, "0 pages (0.0/s) · articles: 0 new, 0 revised, 0 unchanged · 0 errors · 0:00"),
        (
            {"response_received_count": 1204, "newscrawl/articles_new": 310, "newscrawl/articles_changed": 2,
             "newscrawl/articles_unchanged": 41, "log_count/ERROR": 1},
            31.3,
            "1,204 pages (38.5/s) · articles: 310 new, 2 revised, 41 unchanged · 1 error · 0:31",
        ),
        ({"response_received_count": 90, "log_count/ERROR": 3}, 3725.0, "90 pages (0.0/s) · articles: 0 new, 0 revised, 0 unchanged · 3 errors · 62:05"),
    ],
)  # fmt: skip
def test_progress_line(stats: dict[str, Any], elapsed: float, line: str) -> None:
    assert progress_line(stats, elapsed) == line


def test_progress_shows_on_a_terminal(mirror: Server, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"base_url={mirror.base_url}"]
    command += ["-s", f"ARCHIVE_DB={tmp_path / 'a.db'}"]
    returncode, output = run_on_terminal(command, crawl_env())
    assert returncode == 0
    # at the default level, the progress line is all a good run shows: no log line
    shown = [line.strip() for line in re.split(r"[\r\n]+", output) if line.strip()]
    progress = r"\d+ pages \(\d+\.\d/s\) · articles: \d+ new, 0 revised, 0 unchanged · 0 errors · \d+:\d\d"
    assert [line for line in shown if not re.fullmatch(progress, line)] == []
    assert re.fullmatch(progress.replace(r"\d+ pages", "99 pages").replace(r"\d+ new", "52 new"), shown[-1]), shown[-1]


def test_no_progress_under_cron(mirror: Server, tmp_path: Path) -> None:
    result = crawl(mirror.base_url, tmp_path / "a.db")
    assert result.returncode == 0
    assert result.stderr == ""  # at the default level a finished run says nothing: no start-up line, no warning
    assert result.stdout == ""
    verbose = crawl(mirror.base_url, tmp_path / "b.db", settings={"LOG_LEVEL": "INFO"})
    assert verbose.returncode == 0
    assert "[scrapy.utils.log] INFO: Scrapy " in verbose.stderr  # Scrapy's start-up lines and stats, asked for
    assert "[scrapy.statscollectors] INFO: Dumping Scrapy stats:" in verbose.stderr
    assert not re.search(r"pages \(\d+\.\d/s\)", verbose.stderr)  # no progress line under cron


def test_bad_progress_setting(mirror: Server, tmp_path: Path) -> None:
    result = crawl(mirror.base_url, tmp_path / "a.db", settings={"PROGRESS": "sometimes"})
    assert result.returncode == 2
    assert "newscrawl: error: PROGRESS='sometimes' is not auto, on or off" in result.stderr
