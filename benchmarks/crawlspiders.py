#!/usr/bin/env python3
"""The reference spiders of ``benchmarks/crawl.py``: (1) fetch-only and (2) a minimal baseline.

Usage (``benchmarks/crawl.py`` runs them; by hand, from the repository root)::

    .venv/bin/python benchmarks/crawlspiders.py fetch --base-url http://127.0.0.1:8000 --urls urls.txt --stats out.json
    .venv/bin/python benchmarks/crawlspiders.py baseline --base-url ... --urls urls.txt --db base.db --stats out.json

Both request the same list of targets (one a line, e.g. ``/news/politics?page=2``), read from
the generated site's files, so neither discovers links: they are the ceilings the project's
spider is compared with. ``fetch`` downloads every page and does nothing with it; ``baseline``
also parses each article page with CSS selectors (headline, byline, date, tags, body
paragraphs) and stores the fields with sqlite-utils, 100 rows a transaction. They run with
Scrapy's default settings (no project settings), robots.txt not obeyed, no delays, and
``--concurrency`` requests at a time (default 16, the project's ``CONCURRENT_REQUESTS``).
Scrapy's stats are written to ``--stats`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
import sqlite_utils
from scrapy.crawler import CrawlerProcess
from sqlite_utils.db import Table

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response

#: Rows a transaction in the baseline's archive (the project's ``ARCHIVE_BATCH_SIZE``).
BATCH = 100


class FetchSpider(scrapy.Spider):
    """Requests every target of ``urls`` under ``base_url`` and ignores the responses."""

    name = "fetch"

    def __init__(self, base_url: str, urls: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        with self.urls.open(encoding="utf-8") as lines:
            for line in lines:
                if target := line.strip():
                    yield scrapy.Request(self.base_url + target, callback=self.parse, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Nothing: the page was fetched. Returns no items."""
        yield from ()


class BaselineSpider(FetchSpider):
    """:class:`FetchSpider` that also extracts the article fields with CSS (the three markups
    of the site) and yields one dict per article page."""

    name = "baseline"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """One dict (url, headline, byline, date, tags, body) per page that has an article."""
        headline = response.css("article h1 ::text").get()
        if headline is None:
            return
        byline = response.css(".byline__author::text, .post-meta a[href*='/authors']::text").getall() or [
            text for text in response.css("article header p::text").getall() if text.startswith("By ")
        ]
        yield {
            "url": response.url,
            "headline": headline.strip(),
            "byline": ", ".join(byline),
            "date": response.css("article time::attr(datetime)").get() or response.css("article time::text").get(),
            "tags": json.dumps(response.css("a[rel=tag]::text").getall()),
            "body": "\n\n".join(
                response.css(".p-content > p ::text, .article__content > p ::text, .article-body > p ::text").getall()
            ),
        }


class BatchPipeline:
    """Stores the baseline's items with sqlite-utils, :data:`BATCH` rows a transaction."""

    def __init__(self, path: str) -> None:
        self.db = sqlite_utils.Database(path)
        self.rows: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BatchPipeline:
        """A pipeline writing to the ``BASELINE_DB`` setting."""
        return cls(crawler.settings.get("BASELINE_DB"))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        """Buffers ``item``; writes the buffer when it holds :data:`BATCH` rows. Returns ``item``."""
        self.rows.append(item)
        if len(self.rows) >= BATCH:
            self.flush()
        return item

    def flush(self) -> None:
        """Writes the buffered rows in one transaction."""
        if self.rows:
            with self.db.conn:
                table = self.db.table("articles")
                assert isinstance(table, Table)
                table.insert_all(self.rows, pk="url", replace=True)
            self.rows = []

    def close_spider(self) -> None:
        """Writes what is left and closes the file."""
        self.flush()
        self.db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("kind", choices=("fetch", "baseline"))
    parser.add_argument("--base-url", required=True, help="where the site is served, e.g. http://127.0.0.1:8000")
    parser.add_argument("--urls", type=Path, required=True, help="file of targets, one a line")
    parser.add_argument("--db", type=Path, help="the baseline's SQLite file")
    parser.add_argument("--stats", type=Path, required=True, help="write Scrapy's stats here (JSON)")
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS (default 16)")
    args = parser.parse_args(argv)
    if args.kind == "baseline" and args.db is None:
        parser.error("baseline needs --db")
    settings: dict[str, Any] = {
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
    }
    if args.kind == "baseline":
        settings |= {"ITEM_PIPELINES": {BatchPipeline: 300}, "BASELINE_DB": str(args.db)}
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(FetchSpider if args.kind == "fetch" else BaselineSpider)
    process.crawl(crawler, base_url=args.base_url, urls=args.urls)
    process.start()
    assert crawler.stats is not None
    args.stats.write_text(json.dumps(crawler.stats.get_stats(), default=str, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
