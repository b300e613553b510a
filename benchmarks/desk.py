#!/usr/bin/env python3
"""Benchmark of the analysts' desk: the terminal commands ``newscrawl stats``, ``search`` and
``export``, and the pages of ``newscrawl serve`` an analyst reads one by one.

Usage (from the repository root)::

    .venv/bin/python benchmarks/desk.py                    # 20,000 and 100,000 articles, in a temporary folder
    .venv/bin/python benchmarks/desk.py --articles 5000 --page-articles 20000 --keep /tmp/desk
    .venv/bin/python benchmarks/desk.py --only pages

Commands. It writes two archives through :class:`newscrawl.archive.Archive` (the crawl's own writes, FTS
triggers included) of generated articles, one of N and one of N/10, each with a 3-6 KB body,
tags and authors, and runs each command on both as a user would (``python -m newscrawl.cli``),
printing its wall time and the process's peak memory. An export streams when its peak memory
is about the same for both archives; the output file grows tenfold.

Pages. It writes one archive of ``--page-articles`` (default 100,000) articles the same way, a
tenth of them edited once (a second text a day later), and a BREAKING line for every fifth
article, seen over the month before; then serves it twice, with ``newscrawl serve`` and with
plain ``datasette serve`` (Datasette's own pages, its installed plugins, not newscrawl's), and
asks each page ``--requests`` times over HTTP after two unmeasured requests: an edited article's
page (newscrawl's, with its history and word diffs), the "What changed" page (``/-/changes``),
and the same article's row page of plain Datasette, the baseline. It prints the median and the
90th percentile of the answers' times, side by side.

The exit status is 0 (a benchmark prints figures), 1 only when a command or a page failed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newscrawl.archive import Archive
from newscrawl.items import ArticleItem, TickerItem

PROJECT = Path(__file__).resolve().parent.parent
WORDS = (
    "Gaza", "Lebanon", "Yemen", "ceasefire", "occupation", "resistance", "strike", "talks", "minister",
    "report", "army", "sources", "council", "sanctions", "oil", "Hormuz", "tanker", "drone", "statement",
    "officials", "week", "said", "according", "after", "during", "amid", "against", "security",
    "humanitarian", "aid", "border", "negotiations", "pharisaism", "election", "economy", "market",
)  # fmt: skip
SECTIONS = ("Politics", "Opinion", "Economy", "Sports", "Foreign Press", "Analysis", "Technology", "Health")
TAGS = ("Gaza", "Israel", "US", "Yemen", "Lebanon", "Iran", "Russia", "China", "oil", "UN", "Hezbollah", "Syria")
# Runs the command and reports its own peak memory last: VmHWM, the high-water mark of this
# process image's resident set (ru_maxrss would count the parent's, as it survives an exec).
RUNNER = (
    "import re, sys\n"
    "from pathlib import Path\n"
    "from newscrawl.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = re.search(r'VmHWM:\\s+(\\d+) kB', Path('/proc/self/status').read_text()).group(1)\n"
    "sys.stderr.write(f'peak_kb={peak}\\n')\n"
    "sys.exit(code)\n"
)


def articles(count: int, seed: int = 1) -> list[ArticleItem]:
    """``count`` generated articles, published an hour apart backwards from mid-2025."""
    rng = random.Random(seed)
    start = datetime(2025, 7, 14, 12, tzinfo=timezone(timedelta(hours=3)))

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."

    def paragraph() -> str:
        return " ".join(sentence() for _ in range(rng.randint(3, 6)))

    return [
        ArticleItem(
            url=f"https://english.almayadeen.net/news/politics/generated-{i}",
            headline=sentence()[:-1],
            post_id=str(1_000_000 + i),
            content_type="news",
            section=rng.choice(SECTIONS),
            lead=sentence(),
            body="\n\n".join(paragraph() for _ in range(rng.randint(4, 8))),
            authors=["Al Mayadeen English"],
            source=rng.choice([None, "TASS", "Reuters", "AFP"]),
            published_at=(start - timedelta(hours=i)).isoformat(),
            tags=rng.sample(TAGS, rng.randint(1, 5)),
            language="en",
        )
        for i in range(count)
    ]


def build(db: Path, count: int) -> float:
    """Write an archive of ``count`` articles; returns the seconds it took."""
    began = time.monotonic()
    archive = Archive(db, exclusive=True)
    items = articles(count)
    for first in range(0, count, 500):
        archive.store_articles(items[first : first + 500], "2026-01-01T00:00:00+00:00")
    archive.close()
    return time.monotonic() - began


def run(*args: str) -> tuple[float, int]:
    """Run ``newscrawl ARGS``; returns its wall time and peak memory in MB."""
    began = time.monotonic()
    result = subprocess.run([sys.executable, "-c", RUNNER, *args], cwd=PROJECT, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - began
    if result.returncode not in (0, 1) or "peak_kb=" not in result.stderr:
        raise RuntimeError(f"newscrawl {' '.join(args)} failed: {result.stderr[-2000:]}")
    kb = int(result.stderr.rsplit("peak_kb=", 1)[1])
    return seconds, kb // 1024


def edited(items: list[ArticleItem], count: int, seed: int = 2) -> list[ArticleItem]:
    """``count`` of ``items``, each with three words of its body replaced by two."""
    rng = random.Random(seed)
    revised = []
    for item in rng.sample(items, count):
        words = (item.body or "").split(" ")
        at = rng.randrange(len(words))
        words[at : at + 3] = ["revised", "wording"]
        revised.append(dataclasses.replace(item, body=" ".join(words)))
    return revised


def build_pages_archive(db: Path, count: int) -> tuple[float, str]:
    """Write the pages' archive of ``count`` articles (see the module's help); returns the
    seconds it took and the URL of an edited article."""
    began = time.monotonic()
    archive = Archive(db, exclusive=True)
    items = articles(count)
    for first in range(0, count, 500):
        archive.store_articles(items[first : first + 500], "2026-01-01T00:00:00+00:00")
    revised = edited(items, max(count // 10, 1))
    for first in range(0, len(revised), 500):
        archive.store_articles(revised[first : first + 500], "2026-01-02T00:00:00+00:00")
    seen = datetime(2026, 1, 3, tzinfo=timezone.utc)
    lines = [
        TickerItem(
            text=f"Breaking line {i}: {WORDS[i % len(WORDS)]}",
            edition="en",
            seen_at=(seen - timedelta(minutes=7 * i)).isoformat(),
        )
        for i in range(max(count // 5, 1))
    ]
    archive.record_ticker(lines)
    archive.close()
    return time.monotonic() - began, revised[0].url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_newscrawl(stack: ExitStack, db: Path) -> str:
    """``newscrawl serve`` on ``db``, stopped when ``stack`` closes; its base URL."""
    process = stack.enter_context(
        subprocess.Popen(
            [sys.executable, "-m", "newscrawl.cli", "serve", "--db", str(db), "--port", "0"],
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            text=True,
        )
    )
    stack.callback(process.terminate)
    assert process.stdout is not None
    base = process.stdout.readline().strip()
    if not base.startswith("http://"):
        raise RuntimeError(f"newscrawl serve did not start (status {process.wait()})")
    return base


def start_datasette(stack: ExitStack, db: Path) -> str:
    """Plain ``datasette serve`` on ``db``, stopped when ``stack`` closes; its base URL, once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(db), "--port", str(port)]
    process = stack.enter_context(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    stack.callback(process.terminate)
    base = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            fetch(base)
        except OSError:
            time.sleep(0.1)
        else:
            return base
    raise RuntimeError("datasette serve did not start")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return bytes(response.read())


def timed(url: str, requests: int, expected: str) -> tuple[float, float, int]:
    """Median and 90th percentile (ms) of ``requests`` answers to ``url``, after two unmeasured
    ones, and the answer's size; the page must hold ``expected``."""
    for _ in range(2):
        page = fetch(url)
    if expected.encode() not in page:
        raise RuntimeError(f"{url} does not show {expected!r}")
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        fetch(url)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.9))], len(page)


def pages(folder: Path, count: int, requests: int) -> None:
    """Build the pages' archive and print the pages' times, Datasette's plain row page beside them."""
    db = folder / "archive.db"
    db.unlink(missing_ok=True)
    seconds, url = build_pages_archive(db, count)
    print(f"built {db.name}: {count:,} articles, {count // 10:,} edited, {db.stat().st_size / 2**20:.0f} MB, {seconds:.1f} s")
    with contextlib.closing(sqlite3.connect(db)) as con:
        article_id, headline = con.execute("SELECT id, headline FROM articles WHERE url = ?", [url]).fetchone()
    with ExitStack() as stack:
        ours, plain = start_newscrawl(stack, db), start_datasette(stack, db)
        rows = {
            "article page (newscrawl serve)": (f"{ours}archive/articles/{article_id}", headline),
            "What changed, /-/changes (newscrawl serve)": (f"{ours}-/changes", "Latest edits"),
            "row page of the same article (plain Datasette)": (f"{plain}archive/articles/{article_id}", headline),
        }
        print()
        print(f"| page, {count:,} articles | median | 90th percentile | size |")
        print("| --- | --- | --- | --- |")
        for name, (address, expected) in rows.items():
            median, p90, size = timed(address, requests, expected)
            print(f"| {name} | {median:.1f} ms | {p90:.1f} ms | {size / 1024:.0f} KB |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--articles", type=int, default=20_000, help="articles of the commands' larger archive (default: %(default)s)"
    )
    parser.add_argument(
        "--page-articles", type=int, default=100_000, help="articles of the pages' archive (default: %(default)s)"
    )
    parser.add_argument("--requests", type=int, default=20, help="measured requests of each page (default: %(default)s)")
    parser.add_argument("--only", choices=["commands", "pages"], help="run one part only")
    parser.add_argument("--keep", type=Path, help="a folder to keep the archives and exports in")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            if args.only != "pages":
                commands(folder, args.articles)
            if args.only != "commands":
                print()
                pages(folder, args.page_articles, args.requests)
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


def commands(folder: Path, count: int) -> None:
    """Build the commands' two archives and print each command's time and peak memory on both."""
    sizes = [max(count // 10, 1), count]
    dbs = {}
    for size in sizes:
        dbs[size] = folder / f"archive-{size}.db"
        dbs[size].unlink(missing_ok=True)
        seconds = build(dbs[size], size)
        print(f"built {dbs[size].name}: {size:,} articles, {dbs[size].stat().st_size / 2**20:.0f} MB, {seconds:.1f} s")
    runs = {
        "stats": ("stats",),
        "search pharisaism": ("search", "pharisaism", "--limit", "10"),
        'search "oil tanker" --section Economy': ("search", '"oil tanker"', "--section", "Economy"),
        "export csv": ("export", "--format", "csv"),
        "export jsonl": ("export", "--format", "jsonl"),
        "export parquet": ("export", "--format", "parquet"),
    }
    print()
    print("| command | " + " | ".join(f"{size:,} articles: time, peak memory" for size in sizes) + " | output |")
    print("| --- | " + " | ".join("---" for _ in sizes) + " | --- |")
    for name, command in runs.items():
        cells, outputs = [], []
        for size in sizes:
            out = folder / f"export-{size}.{command[-1]}"
            full = (*command, "--db", str(dbs[size]), *([str(out)] if command[0] == "export" else []))
            seconds, mb = run(*full)
            cells.append(f"{seconds:.2f} s, {mb} MB")
            if command[0] == "export":
                outputs.append(f"{out.stat().st_size / 2**20:.0f} MB")
        print(f"| `{name}` | " + " | ".join(cells) + f" | {' / '.join(outputs) or '-'} |")


if __name__ == "__main__":
    sys.exit(main())
