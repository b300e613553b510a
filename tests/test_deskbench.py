"""The desk benchmark's pages part (``benchmarks/desk.py --only pages``): it runs end to end on a
small archive, every page answering with what it must show. No timing is asserted: the figures
are printed by the benchmark, not tested."""

from __future__ import annotations

import re
import sqlite3
import sys
from typing import TYPE_CHECKING

from tests.conftest import PROJECT

sys.path.append(str(PROJECT / "benchmarks"))  # after the installed packages: benchmarks/incremental.py must not shadow Twisted's
import desk  # benchmarks/desk.py

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_pages_archive_has_edits_and_ticker_lines(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    _, url = desk.build_pages_archive(db, 200)
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*), sum(version = 2) FROM articles").fetchone() == (200, 20)
        assert con.execute("SELECT version FROM articles WHERE url = ?", [url]).fetchone() == (2,)
        assert con.execute("SELECT count(*) FROM breaking").fetchone() == (40,)


def test_pages_part_serves_and_times_every_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert desk.main(["--only", "pages", "--page-articles", "300", "--requests", "3", "--keep", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = re.findall(r"^\| (.+?) \| ([\d.]+) ms \| ([\d.]+) ms \| (\d+) KB \|$", out, re.MULTILINE)
    assert [row[0] for row in rows] == [
        "article page (newscrawl serve)",
        "What changed, /-/changes (newscrawl serve)",
        "row page of the same article (plain Datasette)",
    ]
    assert all(float(median) <= float(p90) for _, median, p90, _ in rows)
