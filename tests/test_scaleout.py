"""The scale-out benchmark (``benchmarks/scaleout.py``): on a tiny site it runs a local crawl, fleets of
one and two workers and the writer alone end to end, and every fleet run archives every article of
the site. No timing is asserted: the figures are printed by the benchmark, not tested."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from typing import TYPE_CHECKING

import pytest

from tests.conftest import PROJECT

sys.path.append(str(PROJECT / "benchmarks"))  # after the installed packages: benchmarks/incremental.py must not shadow Twisted's
import scaleout  # benchmarks/scaleout.py

if TYPE_CHECKING:
    from pathlib import Path


def test_benchmark_runs_fleets_and_the_writer_alone_and_every_article_is_archived(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (.ci/run installs Debian's redis-server)")
    argv = ["--quick", "--articles", "30", "--workers", "1,2", "--keep", str(tmp_path)]
    assert scaleout.main(argv) == 0
    out = capsys.readouterr().out
    assert "exited with" not in out
    assert "FAIL: every fleet run" not in out
    assert "PASS: every fleet run (3) archived all of the site's 30 articles" in out
    for kind in ("local (no Redis)", "1 worker", "2 workers", "2 workers, writer stopped"):
        row = next(line for line in out.splitlines() if line.startswith(f"| {kind} | "))
        assert row.endswith("| 30 / 30 / 30 |")  # articles archived
    assert "2 workers / 1 worker = " in out
    assert "the writer alone stores " in out
    assert "one writer serves about " in out
    assert "1,000 pages/s: about " in out
    # a fleet's archive: one finished, complete run holding every article, fetched by both workers
    db = tmp_path / "round-1" / "2-workers" / "archive.db"
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT status, complete FROM crawl_runs").fetchall() == [("finished", 1)]
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (30,)
        files = [name for (name,) in con.execute("SELECT DISTINCT warc_file FROM captures")]
    assert len({name.rsplit("-", 1)[1] for name in files}) == 2
    # the writer alone stored every message queued while it was stopped
    alone = next(line for line in out.splitlines() if line.strip().startswith("writer alone: ") and "messages (" in line)
    assert "(30 articles, " in alone


def test_fleet_sizes_are_parsed() -> None:
    assert scaleout._sizes("4,1,2,2") == [1, 2, 4]
    with pytest.raises(Exception, match="positive integers"):
        scaleout._sizes("0,1")
