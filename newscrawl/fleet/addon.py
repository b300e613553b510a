"""The switch of distributed mode: ``-s REDIS_URL=redis://host:port/db`` (a Scrapy add-on).

With ``REDIS_URL`` set, a crawl is a worker of its spider's run on that Redis: the scheduler is
:class:`newscrawl.fleet.scheduler.FleetScheduler`, and :class:`newscrawl.fleet.worker.FleetPipeline`
takes the place of the archive pipeline; its WARC files carry its name (``WARC_FILE_TAG``).
Without it, nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawl.crawl.pipelines import ArchivePipeline
from newscrawl.fleet.keys import worker_tag
from newscrawl.fleet.worker import FleetPipeline

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class Fleet:
    """See the module."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        settings.set("SCHEDULER", "newscrawl.fleet.scheduler.FleetScheduler", "addon")
        settings.set("WARC_FILE_TAG", worker_tag(), "addon")
        settings.replace_in_component_priority_dict("ITEM_PIPELINES", ArchivePipeline, FleetPipeline)
