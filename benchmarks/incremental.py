#!/usr/bin/env python3
"""Benchmark of incremental reruns (issue 4): a crawl, 1% new articles, a second crawl.

Usage (from the repository root)::

    .venv/bin/python benchmarks/incremental.py                  # 5,000 articles, in a temporary folder
    .venv/bin/python benchmarks/incremental.py --articles 1000 --keep /tmp/bench   # keep site, archive and logs

It generates a mirror of N articles with ``benchmarks/sitegen.py``, serves it with
``newscrawl mirror --verbose`` (whose request log is counted), crawls it once with
``scrapy crawl almayadeen`` into a fresh archive, regenerates it with 1% new articles (at least
one), crawls again, and prints both runs' requests and wall times. Then it checks issue 4's
bound on the second run:

- requests <= L + 2 x (N + P) + 10, where L is the number of listings (one first page each),
  N the new articles and P the further listing pages (past the first) that hold them;
- its wall time is under 10% of the first run's;
- every new article is archived.

Each prints PASS or FAIL; where the request bound fails, the second run's requests are sorted
into kinds (listing first pages, further pages holding a new article or not, new articles,
archived articles fetched again, others) so the excess can be read. The exit status is 0 either
way (a benchmark prints figures); 1 only when something could not run at all.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sitegen  # benchmarks/sitegen.py, next to this file

from newscrawl.mirror.server import MirrorProcess

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    requests: list[str]
    seconds: float
    exit_status: int
    row: dict[str, Any]


def crawl(mirror: MirrorProcess, db: Path, log: Path) -> Run:
    """``scrapy crawl almayadeen`` into ``db``; its requests from the mirror's log."""
    mirror.requests_since(0)  # the log has caught up: what follows is this crawl's
    start = len(mirror.requests)
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "almayadeen",
        "-a",
        f"base_url={mirror.base_url}",
        "-s",
        f"ARCHIVE_DB={db}",
    ]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    began = time.monotonic()
    with log.open("w") as out:
        status = subprocess.run(command, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False).returncode
    seconds = time.monotonic() - began
    requests = [target for _, target, _ in mirror.requests_since(start)]
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.row_factory = sqlite3.Row
        row = dict(con.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone())
    return Run(requests, seconds, status, row)


def archived(db: Path, urls: list[str]) -> set[str]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        return {url for url in urls if con.execute("SELECT 1 FROM articles WHERE url = ?", [url]).fetchone()}


def kinds(requests: list[str], info: sitegen.SiteInfo, new_pages: set[tuple[str, int]]) -> dict[str, list[str]]:
    """The second run's requests by kind."""
    new = set(info.new)
    articles = set(info.articles)
    out: dict[str, list[str]] = {}
    for target in requests:
        parts = urlsplit(target)
        path = parts.path.strip("/")
        page = int(dict(parse_qsl(parts.query)).get("page", "1") or 1)
        if target in ("/", "/robots.txt"):
            kind = "homepage, robots.txt"
        elif path in info.listings and page == 1:
            kind = "listing first pages (L)"
        elif path in info.listings and (path, page) in new_pages:
            kind = "further listing pages holding a new article (P)"
        elif path in info.listings:
            kind = "further listing pages holding no new article"
        elif path in new:
            kind = "new articles (N)"
        elif path in articles:
            kind = "archived articles fetched again"
        else:
            kind = "other"
        out.setdefault(kind, []).append(target)
    return out


def report(first: Run, second: Run, second_site: sitegen.SiteInfo, db: Path) -> None:
    """Both runs' figures, and PASS or FAIL for each condition of issue 4."""
    new_pages = set(second_site.listing_pages_holding(second_site.new))
    listings, new, further = len(second_site.listings), len(second_site.new), len(new_pages)
    bound = listings + 2 * (new + further) + 10
    missing = sorted(set(map(second_site.url_of, second_site.new)) - archived(db, list(map(second_site.url_of, second_site.new))))
    by_kind = kinds(second.requests, second_site, new_pages)
    stats = json.loads(second.row["stats"] or "{}")

    print()
    print("| run | requests (mirror log) | requests (crawl_runs) | wall time | new articles | status |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, run in (("first", first), ("second", second)):
        row = run.row
        print(
            f"| {name} | {len(run.requests)} | {row['requests']} | {run.seconds:.1f} s | {row['new_articles']} | {row['status']}, exit {run.exit_status} |"
        )
    print()
    print(f"L = {listings} listings, N = {new} new articles, P = {further} further listing pages holding them")
    print("second run's requests by kind:")
    for kind, targets in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        print(f"  {len(targets):6d}  {kind}" + (f": {', '.join(targets[:10])}" if kind == "other" else ""))
    rechecks, skipped = stats.get("newscrawl/rechecks", 0), stats.get("newscrawl/archived_skipped", 0)
    print(f"  (spider stats: {rechecks} re-checks, {skipped} archived links skipped)")
    ok_requests = len(second.requests) <= bound
    ok_time = second.seconds < 0.1 * first.seconds
    print()
    print(
        f"{'PASS' if ok_requests else 'FAIL'}: second run made {len(second.requests)} requests; bound L + 2(N + P) + 10 = {bound}"
    )
    print(
        f"{'PASS' if ok_time else 'FAIL'}: second run took {second.seconds:.1f} s = "
        f"{100 * second.seconds / first.seconds:.1f}% of the first run's {first.seconds:.1f} s (must be under 10%)"
    )
    print(f"{'PASS' if not missing else 'FAIL'}: {new - len(missing)} of the {new} new articles archived by the second run")
    for url in missing[:20]:
        print(f"  missing: {url}")
    if not ok_requests:
        expected = {"listing first pages (L)", "further listing pages holding a new article (P)", "new articles (N)"}
        print("requests beyond L, P and N:")
        for kind, targets in sorted(by_kind.items()):
            if kind not in expected:
                shown = Counter(urlsplit(t).path for t in targets).most_common(8)
                print(f"  {kind}: {len(targets)}; e.g. " + ", ".join(f"{path} x{n}" for path, n in shown))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=5000, help="articles of the first site (default 5000)")
    parser.add_argument("--new", type=float, default=0.01, help="share of new articles for the rerun (default 0.01)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (site, archive, crawl logs)")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newscrawl-bench-")))
        work.mkdir(parents=True, exist_ok=True)
        site, db = work / "site", work / "archive.db"
        for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            stale.unlink(missing_ok=True)
        extra = max(1, round(args.articles * args.new))

        print(f"== generating {args.articles} articles into {site}", flush=True)
        first_site = sitegen.generate(site, args.articles)
        print(sitegen.describe(first_site), flush=True)
        mirror = MirrorProcess.start(site, log_requests=True)
        stack.callback(mirror.stop)
        print(f"== first crawl of {mirror.base_url} into {db}", flush=True)
        first = crawl(mirror, db, work / "crawl-1.log")
        print(
            f"first run: {len(first.requests)} requests, {first.seconds:.1f} s, exit {first.exit_status}, {first.row['new_articles']} new articles",
            flush=True,
        )

        print(f"== regenerating with {extra} new articles", flush=True)
        second_site = sitegen.generate(site, args.articles, extra=extra)
        print(sitegen.describe(second_site), flush=True)
        print("== second crawl", flush=True)
        second = crawl(mirror, db, work / "crawl-2.log")
        print(
            f"second run: {len(second.requests)} requests, {second.seconds:.1f} s, exit {second.exit_status}, {second.row['new_articles']} new articles",
            flush=True,
        )

        report(first, second, second_site, db)
        if args.keep:
            print(f"site, archive and crawl logs kept in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
