"""The spiders' page readers, in worker processes when asked.

Reading a page (:mod:`newscrawl.pagereading`) is pure CPU work: against a mirror or in a fast
backfill it holds the crawl at one core, so with ``EXTRACT_PROCESSES`` > 0 it runs in that many
processes (a :class:`newscrawl.pool.WorkerPool`) and the spider's own process only downloads,
schedules and stores. With 0 it runs in the spider's process, the same functions, the same
results.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from newscrawl.pagereading import NewsJob, PageJob, PageWork, read_news, read_page
from newscrawl.pool import WorkerPool

if TYPE_CHECKING:
    from newscrawl.items import ArticleItem


def page_pool() -> WorkerPool[PageJob, PageWork]:
    """The ``almayadeen`` spider's pool of :func:`~newscrawl.pagereading.read_page`: each worker
    keeps its own memory of the links it reported, and so does the spider's process for the
    pages it reads itself. A worker that dies is not replaced (a fork in the midst of a crawl
    would copy its threads' state): the pool says so and reads every later page in the
    spider's process."""
    return WorkerPool(functools.partial(read_page, seen=set()), describe=_reading, replace=False)


def news_pool() -> WorkerPool[NewsJob, ArticleItem | None]:
    """The ``news`` spider's pool of :func:`~newscrawl.pagereading.read_news` (a dead worker not
    replaced, as in :func:`page_pool`)."""
    return WorkerPool(read_news, describe=_reading, replace=False)


def _reading(job: PageJob | NewsJob) -> str:
    return f"{job.url}: reading the page"
