"""The ``newscrawl`` command: serve the bundled mirror, or crawl it into an archive offline.

Crawling itself is ``scrapy crawl almayadeen`` (see README); these commands wrap what a
researcher needs around it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from newscrawl.extraction import extract_article
from newscrawl.mirror import FIXTURES, Mirror

if TYPE_CHECKING:
    from types import FrameType
from typing import TextIO

_PROJECT = Path(__file__).resolve().parent.parent


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand (its ``--help`` texts are the reference)."""
    parser = argparse.ArgumentParser(prog="newscrawl", description="Archive news sites into SQLite.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    mirror = sub.add_parser(
        "mirror",
        help="serve the bundled mirror of english.almayadeen.net over HTTP",
        description="Serve a site mirror over HTTP until SIGINT or SIGTERM. The first line printed is the base URL.",
    )
    mirror.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    mirror.add_argument("--port", type=_port, default=0, help="port to listen on; 0 picks a free one (default: %(default)s)")
    mirror.add_argument("--root", type=Path, default=FIXTURES, help="the mirror's document root (default: the bundled fixtures)")
    mirror.add_argument("--verbose", action="store_true", help="log every request to standard error")

    extract = sub.add_parser(
        "extract",
        help="extract the article of a saved HTML page as JSON",
        description=(
            "Print one JSON object for an article page: headline, authors, published, modified, source, tags, captions, "
            'lead, body, language. With --batch, read JSON lines {"url": ..., "file": ...} on standard input and '
            "write one JSON object per line, in the same order, each flushed when done; a page that fails gives an "
            'object with an "error" key.'
        ),
    )
    extract.add_argument("file", nargs="?", type=Path, help="the saved HTML page (not with --batch)")
    extract.add_argument("--url", default="https://example.invalid/", help="the page's URL, to resolve its links")
    extract.add_argument("--batch", action="store_true", help="read JSON lines of pages on standard input")

    demo = sub.add_parser(
        "demo",
        help="crawl the bundled mirror into an archive, offline",
        description=(
            "Start the bundled mirror on a free local port, run 'scrapy crawl almayadeen' against it, and print what "
            "the archive holds. Exits with the crawl's exit status."
        ),
    )
    demo.add_argument("--db", type=Path, default=Path("data/archive.db"), help="archive file (default: %(default)s)")
    return parser


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0-65535)")
    return port


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``newscrawl`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "mirror":
        return serve_mirror(args.root, args.host, args.port, verbose=args.verbose)
    if args.command == "extract":
        return extract_batch(sys.stdin, sys.stdout) if args.batch else extract_file(args.file, args.url)
    return demo(args.db)


def extract_file(path: Path | None, url: str) -> int:
    """Print the extraction of one saved page."""
    if path is None:
        print("newscrawl extract: give a FILE, or --batch to read pages on standard input", file=sys.stderr)
        return 2
    try:
        html = path.read_bytes()
    except OSError as exc:
        print(f"newscrawl extract: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    print(json.dumps(extract_article(html, url), ensure_ascii=False))
    return 0


def extract_batch(lines: TextIO, out: TextIO) -> int:
    """Extract each page named on ``lines``; one JSON line out per line in, flushed as done."""
    for line in lines:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            result = extract_article(Path(request["file"]).read_bytes(), request["url"])
        except Exception as exc:
            result = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def serve_mirror(root: Path, host: str, port: int, *, verbose: bool = False) -> int:
    """Serve ``root`` until SIGINT/SIGTERM; print the base URL first."""
    try:
        mirror = Mirror(root, host, port, quiet=not verbose)
    except (OSError, FileNotFoundError) as exc:
        print(f"newscrawl mirror: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(mirror.start(), flush=True)
    stop.wait()
    mirror.stop()
    return 0


def demo(db: Path) -> int:
    """Crawl the bundled mirror into ``db`` with the real spider, then summarize the archive."""
    with Mirror() as base_url:
        print(f"Serving the bundled mirror at {base_url}", flush=True)
        command = [
            sys.executable, "-m", "scrapy", "crawl", "almayadeen",
            "-a", f"base_url={base_url}", "-s", f"ARCHIVE_DB={db.resolve()}", "-s", "LOG_LEVEL=WARNING",
        ]  # fmt: skip
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
        code = subprocess.run(command, cwd=_PROJECT, env=env, check=False).returncode
    if db.exists():
        archive = sqlite_utils.Database(db)
        counts = {table: archive[table].count for table in ("articles", "tags", "captions", "links", "breaking", "crawl_runs")}
        print(f"Archive {db}: " + ", ".join(f"{n} {table}" for table, n in counts.items()))
    return code


if __name__ == "__main__":
    sys.exit(main())
