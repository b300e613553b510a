#!/usr/bin/env python3
"""Dump what extraction gives on every rendering we have, to prove an optimization changes nothing.

Usage (from the repository root)::

    .venv/bin/python benchmarks/sameoutput.py --out /tmp/before.jsonl.gz [--site /tmp/site]
    # ... change the code ...
    .venv/bin/python benchmarks/sameoutput.py --out /tmp/after.jsonl.gz --compare /tmp/before.jsonl.gz

Pages: the fixture mirror (``fixtures/site``), the held-out renderings (``tests/heldout*/site``),
``fixtures/othersite``, a sitegen site (``--site``, e.g. one kept by ``benchmarks/pages.py``) and,
when present, the real-world corpus (``../shared/realworld``). Each page goes through both of the
``almayadeen`` spider's callbacks (:func:`pages.article_result`, :func:`pages.listing_result`:
ticker items, the article item without times of the run, every link's classification), and each
real-world page also through the generic extractor as ``newscrawl extract`` runs it. One JSON line
per page; ``--compare`` prints the pages whose output differs and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

# This folder last on the path, not first (where running a script here puts it):
# benchmarks/incremental.py would shadow Twisted's "incremental" package, which Scrapy imports.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import pages  # benchmarks/pages.py, next to this file

from newscrawl.extraction import extract_article

PROJECT = Path(__file__).resolve().parent.parent


def _roots(site: Path | None) -> list[Path]:
    roots = [
        PROJECT / "fixtures" / "site",
        *sorted((PROJECT / "tests").glob("heldout*/site")),
        PROJECT / "fixtures" / "othersite",
    ]
    return [*roots, site] if site is not None else roots


def _plain(result: dict[str, Any]) -> dict[str, Any]:
    """A page's result with its items as dicts."""
    item = result["article"]
    return {
        **result,
        "ticker": [pages.item_dict(line) for line in result["ticker"]],
        "article": pages.item_dict(item) if item is not None else None,
    }


def records(site: Path | None, shared: Path) -> Any:
    """``(key, output)`` of every page."""
    for root in _roots(site):
        found = pages.site_pages(root)
        home = dict(found).get(pages.ORIGIN + "/")
        crawl = pages.Crawl.from_home(home) if home else pages.Crawl.from_home("<html></html>")
        # Named from the project's folder, so a worktree's output compares with the main one's.
        name = root.relative_to(PROJECT) if root.is_relative_to(PROJECT) else root
        for url, html in found:
            yield (
                f"{name}:{url}",
                {
                    "article": _plain(pages.article_result(html, url, crawl)),
                    "listing": _plain(pages.listing_result(html, url, crawl)),
                },
            )
    cases = shared / "realworld" / "cases.jsonl"
    if cases.is_file():
        crawl = pages.Crawl.from_home("<html></html>")
        for line in cases.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            raw = gzip.decompress((cases.parent / case["html_file"]).read_bytes())
            html = raw.decode("utf-8", "replace")
            yield (
                f"realworld:{case['id']}",
                {
                    "generic": extract_article(raw, case["url"]),
                    "article": _plain(pages.article_result(html, case["url"], crawl)),
                    "listing": _plain(pages.listing_result(html, case["url"], crawl)),
                },
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="write the outputs here (gzipped JSON lines)")
    parser.add_argument("--site", type=Path, help="a sitegen site to include")
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared", help="the shared folder (default: %(default)s)")
    parser.add_argument("--compare", type=Path, help="a previous --out to compare with")
    args = parser.parse_args(argv)
    with gzip.open(args.out, "wt", encoding="utf-8") as out:
        count = 0
        for key, output in records(args.site, args.shared):
            out.write(json.dumps([key, output], ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    print(f"{count} pages written to {args.out}")
    if args.compare is None:
        return 0
    with gzip.open(args.compare, "rt", encoding="utf-8") as before, gzip.open(args.out, "rt", encoding="utf-8") as after:
        # keyed by line too: two files of a folder may be served at one URL
        old = {(n, key): output for n, (key, output) in enumerate(map(json.loads, before))}
        new = {(n, key): output for n, (key, output) in enumerate(map(json.loads, after))}
    differ = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    for _, key in differ[:20]:
        print(f"differs: {key}")
    print(f"{len(differ)} of {len(old)} pages differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
