#!/usr/bin/env python3
"""Per-page CPU of what the ``almayadeen`` spider does with one page, in one process.

Usage (from the repository root)::

    .venv/bin/python benchmarks/pages.py                        # 500 articles, 3 rounds
    .venv/bin/python benchmarks/pages.py --quick                # 100 articles, 1 round
    .venv/bin/python benchmarks/pages.py --rounds 5 --profile /tmp/pages.prof   # and a cProfile of one round
    .venv/bin/python benchmarks/pages.py --site /tmp/site --keep               # reuse (or keep) the generated site

It generates a site with ``benchmarks/sitegen.py`` (or reads ``--site``), reads every page into
memory, learns the menus from the homepage as the spider does, then times, page by page with the
process's CPU clock, what the spider's page workers do with a page
(:func:`newscrawl.pagereading.read_page`), without Scrapy around it:

- an article page (``parse_article``): parse, the profile's ``ticker_lines``,
  ``article_page(...).is_article()``, ``load_article``;
- a listing page (``parse_listing``): parse, ``ticker_lines``, ``declares_article``, and the
  classification of every link (each reported, as on the first page a worker reads).

It prints, per page kind, milliseconds per page (min/median/mean over the pages of a round) for
each round, and the min/median/max of the rounds' means. Each round starts with every memo
(``functools.lru_cache``) emptied, as a fresh process would. :func:`article_result` and
:func:`listing_result` return what the spider would keep from a page (items, link
classifications), for checks that an optimization changes no output (``benchmarks/sameoutput.py``).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import functools
import gc
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

# This folder last on the path, not first (where running a script here puts it):
# benchmarks/incremental.py would shadow Twisted's "incremental" package, which Scrapy imports.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import sitegen  # benchmarks/sitegen.py, next to this file

from newscrawl.extract.document import Page
from newscrawl.loaders import LoadContext
from newscrawl.pagereading import PageJob, read_page
from newscrawl.sites import registry

if TYPE_CHECKING:
    from collections.abc import Callable

    from newscrawl.items import TickerItem
    from newscrawl.pagereading import PageWork
    from newscrawl.sites.profile import PageKind

site = registry.by_name("almayadeen")
ORIGIN = site.editions["en"].origin


@dataclasses.dataclass
class Crawl:
    """What the spider knows while it crawls: where URLs belong, and the menus' labels."""

    context: LoadContext
    sections: dict[str, str]
    regions: dict[str, str]

    @classmethod
    def from_home(cls, html: str) -> Crawl:
        """The state after ``parse_home`` on the homepage ``html``."""
        crawl = cls(LoadContext.for_edition(site.editions["en"]), {}, {})
        for link in site.menu_links(Page.from_html(html, ORIGIN + "/")):
            (crawl.regions if link.is_region else crawl.sections)[site.listing_path(link.url)] = link.label
        return crawl

    def section_hint(self, url: str) -> str | None:
        """As the spider's ``_section_hint``."""
        return site.section_hint(url, self.sections)


def url_of(root: Path, file: Path) -> str:
    """The URL a mirror serves ``file`` of ``root`` at (``a/b/index@page=2.html`` → ``/a/b?page=2``)."""
    folder = file.parent.relative_to(root).as_posix()
    path = "/" if folder == "." else f"/{folder}"
    query = file.stem.split("@", 1)[1] if "@" in file.stem else ""
    return ORIGIN + path + (f"?{query}" if query else "")


def site_pages(root: Path) -> list[tuple[str, str]]:
    """``(url, html)`` of every HTML page of a mirror folder, sorted by URL."""
    pages = [(url_of(root, file), file.read_text(encoding="utf-8")) for file in root.rglob("*.html")]
    return sorted(pages)


def item_dict(item: Any) -> dict[str, Any]:
    """An item as a dict, without the time it was seen (which differs from run to run)."""
    values = dataclasses.asdict(item)
    values.pop("seen_at", None)
    return values


def _read(html: str, url: str, crawl: Crawl, kind: PageKind) -> PageWork:
    # a fresh memory of reported links: every link of the page is reported, as on a first sighting
    job = PageJob(
        url=url, body=html.encode("utf-8"), encoding="utf-8", kind=kind, site=site.name, regions=crawl.regions,
        context=crawl.context, section_hint=crawl.section_hint(url),
    )  # fmt: skip
    return read_page(job, set())


def _ticker(work: PageWork) -> list[TickerItem]:
    return [dataclasses.replace(line, seen_at="") for line in work.ticker]


def article_result(html: str, url: str, crawl: Crawl) -> dict[str, Any]:
    """What ``parse_article`` keeps from a page (:func:`newscrawl.pagereading.read_page`, as a page
    worker runs it): its ticker items, and its article (or ``None``)."""
    work = _read(html, url, crawl, "article")
    return {"ticker": _ticker(work), "article": work.article}


def listing_result(html: str, url: str, crawl: Crawl) -> dict[str, Any]:
    """What ``parse_listing`` keeps from a page: ticker items, the article it declares, and each
    link's URL with its classification (article and whether the listing's own, other page,
    subsection and its label)."""
    work = _read(html, url, crawl, "listing")
    links = [(link.url, link.kind, link.own if link.kind == "article" else link.label or None) for link in work.links]
    return {"ticker": _ticker(work), "article": work.article, "links": links}


def _forget() -> None:
    """Empty every memo (``functools`` caches), so that each round is a fresh process's first pass
    over the site, not a replay of URLs and class names already judged."""
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper):  # the type of every lru_cache
            obj.cache_clear()


def _time(work: Callable[[str, str, Crawl], object], pages: list[tuple[str, str]], crawl: Crawl) -> list[float]:
    times = []
    for url, html in pages:
        started = time.process_time()
        work(html, url, crawl)
        times.append((time.process_time() - started) * 1000)
    return times


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {statistics.mean(values):.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, help="articles of the generated site (default 500; --quick 100)")
    parser.add_argument("--site", type=Path, help="a generated site's folder (generated there if it is empty or missing)")
    parser.add_argument("--rounds", type=int, help="timed rounds over every page (default 3; --quick 1)")
    parser.add_argument("--profile", type=Path, help="also profile one round with cProfile into this file and print its top")
    parser.add_argument("--quick", action="store_true", help="a small site and one round")
    parser.add_argument("--keep", action="store_true", help="keep the generated site (printed)")
    args = parser.parse_args(argv)
    articles = args.articles or (100 if args.quick else 500)
    rounds = args.rounds or (1 if args.quick else 3)

    work = Path(tempfile.mkdtemp(prefix="pages-")) if args.site is None else args.site
    root = work / "site" if args.site is None else args.site
    if not root.is_dir() or not any(root.iterdir()):
        print(sitegen.describe(sitegen.generate(root, articles)), flush=True)
    pages = site_pages(root)
    by_url = dict(pages)
    crawl = Crawl.from_home(by_url[ORIGIN + "/"])
    kinds: dict[str, list[tuple[str, str]]] = {"article": [], "listing": []}
    for url, html in pages:
        kind = site.page_kind(url)
        if kind in kinds:
            kinds[kind].append((url, html))
    print(
        f"{len(kinds['article'])} article pages, {len(kinds['listing'])} listing pages; "
        f"{len(crawl.sections)} sections, {len(crawl.regions)} regions; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    work_of = {"article": article_result, "listing": listing_result}
    means: dict[str, list[float]] = {kind: [] for kind in kinds}
    for number in range(1, rounds + 1):
        _forget()
        for kind, kind_pages in kinds.items():
            times = _time(work_of[kind], kind_pages, crawl)
            means[kind].append(statistics.mean(times))
            print(f"round {number} {kind:8} ms/page min/median/mean: {_spread(times)}", flush=True)
    for kind, values in means.items():
        print(
            f"{kind:8} mean ms/page over {rounds} rounds, min/median/max: "
            f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.profile:
        _forget()
        profiler = cProfile.Profile()
        profiler.enable()
        for kind, kind_pages in kinds.items():
            _time(work_of[kind], kind_pages, crawl)
        profiler.disable()
        profiler.dump_stats(args.profile)
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(40)
    if args.site is None:
        if args.keep:
            print(f"site kept in {root}")
        else:
            shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
