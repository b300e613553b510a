"""Score the generic extractor on the real-world corpus and print the scorer's per-field table.

    .venv/bin/python benchmarks/realworld.py [--shared ../shared] [--limit N] [--out FILE]

Runs ``../shared/eval/score.py --system cmd --cmd-batch 'newscrawl extract --batch'`` over
``../shared/realworld/`` (469 real news pages from public projects, never copied into this
repository). The issue's floors are read on the "all excl. probe" row. Where the corpus is
absent (a machine without ``shared/``), it says so and exits 0: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared", help="the shared folder (default: %(default)s)")
    parser.add_argument("--limit", type=int, help="score only the first N pages")
    parser.add_argument("--out", type=Path, help="write per-page predictions and scores (JSONL) here")
    args = parser.parse_args()

    scorer = args.shared / "eval" / "score.py"
    cases = args.shared / "realworld" / "cases.jsonl"
    if not scorer.is_file() or not cases.is_file():
        print(f"realworld benchmark skipped: no corpus at {args.shared / 'realworld'} (or no scorer at {scorer})")
        return 0
    extractor = Path(sys.executable).with_name("newscrawl")
    command = [
        sys.executable, str(scorer), "--cases", str(cases), "--system", "cmd",
        "--cmd-batch", f"{shlex.quote(str(extractor))} extract --batch", "--label", "newscrawl",
    ]  # fmt: skip
    if args.limit:
        command += ["--limit", str(args.limit)]
    if args.out:
        command += ["--out", str(args.out)]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
