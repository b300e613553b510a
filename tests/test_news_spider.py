"""End to end: the generic ``news`` spider through ``scrapy crawl`` against the second fixture
site (``fixtures/othersite``, a sitemap- and feed-driven news site), plus its arguments and
callbacks without a crawl.

The site's ``expected.json`` lists the articles a crawl must archive (paths on the mirror's
origin), the fields of a few, the links to other hosts and the pages that are not articles.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from scrapy.http import Response, TextResponse, XmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.discovery import ArticleHints
from newscrawl.spiders import SpiderArgumentError
from newscrawl.spiders.news import Candidate, NewsSpider
from tests.conftest import OTHERSITE, Server, connect, run_spider, run_stats, start_mirror, stored_article

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

EXPECTED: dict[str, Any] = json.loads((OTHERSITE / "expected.json").read_text(encoding="utf-8"))
SHARED = "/world/harbour-strike-ends-after-nine-day-standoff-40117"  # homepage, both feeds, both sitemaps
NO_TAGS = "/2025/03/12/offshore-wind-farm-clears-final-planning-hurdle.html"
NO_DATE = "/2025/03/11/fishing-quotas-reshape-the-north-harbour-fleet.html"
TABLES = ("articles", "tags", "article_tags", "captions", "links")


def news(db: Path, *args: str, settings: dict[str, Any] | None = None) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl news -a ARG ...`` into ``db``."""
    return run_spider("news", db, *args, settings=settings)


@pytest.fixture(scope="module")
def othersite() -> Iterator[Server]:
    """The second fixture site, served with a log of every request."""
    server = start_mirror(OTHERSITE, log_requests=True)
    yield server
    server.stop()


@dataclass_like = None  # placeholder removed below
