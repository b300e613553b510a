#!/usr/bin/env python3
"""What ``newscrawl reextract`` costs next to the crawl it re-reads, in pages per second.

Usage (from the repository root)::

    .venv/bin/python benchmarks/reextract.py                  # 500 articles, 3 rounds
    .venv/bin/python benchmarks/reextract.py --quick          # 100 articles, 1 round

It generates a site with ``benchmarks/sitegen.py`` and serves it with the project's mirror. Each
round then, in turn (so that other work on the machine weighs on all alike):

1. crawls it into a fresh archive (``scrapy crawl almayadeen``, the loopback settings: every
   core); its pages/s are its responses over Scrapy's ``elapsed_time_seconds``;
   its capture keeps every page as a WARC record (``WARC_ENABLED``, on by default);
2. runs ``newscrawl reextract`` over the archive: every page read again, nothing to store;
3. empties every body and runs it again: every page read again, a version made of each.

The pages/s of (2) and (3) are the pages ``newscrawl reextract`` read over its own time
(interpreter start-up not counted), as it prints them. The target: (2) at least (1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# This folder last on the path, not first (where running a script here puts it):
# benchmarks/incremental.py would shadow Twisted's "incremental" package, which Scrapy imports.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import sitegen  # benchmarks/sitegen.py, next to this file

from newscrawl.mirror.server import MirrorProcess

PROJECT = Path(__file__).resolve().parent.parent


def crawl(base_url: str, db: Path) -> float:
    """Crawl the mirror at ``base_url`` into ``db``; returns its pages/s."""
    command = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"base_url={base_url}", "-s", f"ARCHIVE_DB={db}"]
    command += ["-s", "LOG_LEVEL=WARNING", "-s", "PROGRESS=off"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    subprocess.run(command, cwd=PROJECT, env=env, check=True, timeout=1800)
    with sqlite3.connect(db) as con:
        stats = json.loads(con.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    return float(stats["response_received_count"]) / float(stats["elapsed_time_seconds"])


def reextract(db: Path) -> tuple[float, str]:
    """Run ``newscrawl reextract`` on ``db``; returns its pages/s, as it prints them, and its table."""
    command = [sys.executable, "-m", "newscrawl.cli", "reextract", "--db", str(db)]
    result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, check=True, timeout=1800)
    found = re.search(r"\(([\d,]+) pages/s\)", result.stdout)
    return (float(found.group(1).replace(",", "")) if found else 0.0), result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, help="articles of the generated site (default 500; --quick 100)")
    parser.add_argument(
        "--rounds", type=int, help="rounds of crawl, reextract, reextract of damaged bodies (default 3; --quick 1)"
    )
    parser.add_argument("--quick", action="store_true", help="a small site and one round")
    args = parser.parse_args(argv)
    articles = args.articles or (100 if args.quick else 500)
    rounds = args.rounds or (1 if args.quick else 3)
    work = Path(tempfile.mkdtemp(prefix="reextract-"))
    rates: dict[str, list[float]] = {"crawl": [], "reextract": [], "reextract, every body emptied": []}
    try:
        root = work / "site"
        print(sitegen.describe(sitegen.generate(root, articles)), flush=True)
        server = MirrorProcess.start(root)
        try:
            for number in range(1, rounds + 1):
                shutil.rmtree(work / "a", ignore_errors=True)
                db = work / "a" / "archive.db"
                db.parent.mkdir()
                rates["crawl"].append(crawl(server.base_url, db))
                kept = _kept(db)
                rate, table = reextract(db)
                rates["reextract"].append(rate)
                with sqlite3.connect(db) as con:
                    con.execute("UPDATE articles SET body = ''")
                damaged_rate, damaged_table = reextract(db)
                rates["reextract, every body emptied"].append(damaged_rate)
                print(
                    f"round {number}: crawl {rates['crawl'][-1]:.0f} pages/s; {kept} pages kept; reextract {rate:.0f} pages/s "
                    f"({_stored(table)}); every body emptied: {damaged_rate:.0f} pages/s ({_stored(damaged_table)}); "
                    f"load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
        finally:
            server.stop()
        for name, values in rates.items():
            print(f"{name}: pages/s min / median / max {min(values):.0f} / {statistics.median(values):.0f} / {max(values):.0f}")
        crawl_rate, rate = statistics.median(rates["crawl"]), statistics.median(rates["reextract"])
        print(
            f"reextract over a crawled archive {rate:.0f} pages/s, crawl {crawl_rate:.0f}: {'PASS' if rate >= crawl_rate else 'FAIL'}"
        )
    finally:
        shutil.rmtree(work)
    return 0


def _kept(db: Path) -> int:
    """How many of the archive's articles have their page kept (a capture)."""
    with sqlite3.connect(db) as con:
        kept = int(con.execute("SELECT count(capture_id) FROM articles").fetchone()[0])
    con.close()
    return kept


def _stored(table: str) -> str:
    found = re.search(r"stored: ([\d,]+) ", table)
    return f"{found.group(1) if found else '?'} versions made"


if __name__ == "__main__":
    sys.exit(main())
