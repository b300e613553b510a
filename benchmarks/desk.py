#!/usr/bin/env python3
"""Benchmark of the analysts' terminal commands: ``newscrawl stats``, ``search`` and ``export``.

Usage (from the repository root)::

    .venv/bin/python benchmarks/desk.py                    # 20,000 articles, in a temporary folder
    .venv/bin/python benchmarks/desk.py --articles 5000 --keep /tmp/desk

It writes two archives through :class:`newscrawl.archive.Archive` (the crawl's own writes, FTS
triggers included) of generated articles, one of N and one of N/10, each with a 3-6 KB body,
tags and authors, and runs each command on both as a user would (``python -m newscrawl.cli``),
printing its wall time and the process's peak memory. An export streams when its peak memory
is about the same for both archives; the output file grows tenfold. The exit status is 0 (a
benchmark prints figures), 1 only when a command failed.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newscrawl.archive import Archive
from newscrawl.items import ArticleItem

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="articles of the larger archive (default: %(default)s)")
    parser.add_argument("--keep", type=Path, help="a folder to keep the archives and exports in")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        sizes = [max(args.articles // 10, 1), args.articles]
        dbs = {}
        for size in sizes:
            dbs[size] = folder / f"archive-{size}.db"
            dbs[size].unlink(missing_ok=True)
            seconds = build(dbs[size], size)
            print(f"built {dbs[size].name}: {size:,} articles, {dbs[size].stat().st_size / 2**20:.0f} MB, {seconds:.1f} s")
        commands = {
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
        try:
            for name, command in commands.items():
                cells, outputs = [], []
                for size in sizes:
                    out = folder / f"export-{size}.{command[-1]}"
                    full = (*command, "--db", str(dbs[size]), *([str(out)] if command[0] == "export" else []))
                    seconds, mb = run(*full)
                    cells.append(f"{seconds:.2f} s, {mb} MB")
                    if command[0] == "export":
                        outputs.append(f"{out.stat().st_size / 2**20:.0f} MB")
                print(f"| `{name}` | " + " | ".join(cells) + f" | {' / '.join(outputs) or '-'} |")
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
