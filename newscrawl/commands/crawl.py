"""``scrapy crawl`` with an exit status that says how the run ended.

Scrapy's own command exits 0 whenever the spider started, even when the site blocked it. This
one prints one line naming the problem on standard error and exits with:

====  =====================================================================
0     the crawl finished
1     the crawl failed: site unreachable, layout not recognized, archive write error; in
      distributed mode, Redis unreachable or no writer answering
2     bad input: an unknown or malformed spider argument, an unusable ``ARCHIVE_DB`` (or one
      written by a newer newscrawl), a bad setting
3     the site blocked the crawl (HTTP 403 or a bot-protection challenge page)
4     the archive is busy: another crawl is writing to it (this one touched nothing), or another
      program held it locked longer than ``ARCHIVE_BUSY_TIMEOUT`` (a run that had started is
      recorded as ``busy``, with why)
5     the crawl finished but is degraded: a field's coverage fell well below its history, or
      no article was stored although the site answered (its articles are kept)
====  =====================================================================

The status is the one the archive pipeline recorded for the run (``crawl_runs.status``).
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any, cast

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred

from newscrawl.archive import ArchiveBusyError, ArchiveError
from newscrawl.coverage import CoverageSettingError
from newscrawl.crawl.arguments import SpiderArgumentError
from newscrawl.crawl.capture import WarcSettingError
from newscrawl.crawl.runstore import RUN_STATUS
from newscrawl.fleet.keys import FleetError
from newscrawl.pool import collect_less

if TYPE_CHECKING:
    import argparse
    import asyncio


logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BLOCKED, EXIT_BUSY, EXIT_DEGRADED = 0, 1, 2, 3, 4, 5
_EXIT_BY_STATUS = {"finished": EXIT_OK, "blocked": EXIT_BLOCKED, "busy": EXIT_BUSY, "degraded": EXIT_DEGRADED}


class Command(ScrapyCrawlCommand):
    """Run a spider; exit 0 finished, 1 failed, 2 bad argument or setting, 3 blocked, 4 archive busy, 5 degraded."""

    def short_desc(self) -> str:
        return "Run a spider; exit 0 finished, 1 failed, 2 bad argument or setting, 3 blocked, 4 archive busy, 5 degraded"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. 'scrapy crawl almayadeen'")
        assert self.crawler_process is not None
        collect_less()
        crawler = self._create_crawler(args[0])
        # A worker of a distributed run starts or joins a run with these (newscrawl.fleet.runs).
        crawler.settings.set("FLEET_SPIDER_ARGS", dict(opts.spargs), "cmdline")
        bad_input: list[tuple[int, str]] = []

        def is_bad_input(exc: BaseException | None) -> bool:
            if isinstance(exc, (SpiderArgumentError, ArchiveError, CoverageSettingError, WarcSettingError)):
                bad_input.append((EXIT_USAGE, f"error: {exc}"))
                return True
            if isinstance(exc, ArchiveBusyError):
                bad_input.append((EXIT_BUSY, f"busy: {exc}"))
                return True
            if isinstance(exc, FleetError):
                bad_input.append((EXIT_FAILED, f"failed: {exc}"))
                return True
            return False

        def on_task_done(task: asyncio.Future[Any]) -> None:
            exc = None if task.cancelled() else task.exception()
            if exc is not None and not is_bad_input(exc):
                logger.error("The crawl could not start", exc_info=exc)

        # A Deferred under Twisted's default reactor, an asyncio task under the asyncio one.
        started = self.crawler_process.crawl(crawler, **opts.spargs)
        if isinstance(started, Deferred):
            started.addErrback(lambda failure: None if is_bad_input(failure.value) else failure)
        else:
            cast("asyncio.Future[Any]", started).add_done_callback(on_task_done)
        self.crawler_process.start()
        if bad_input:
            self._exit(*bad_input[0])
            return
        if self.crawler_process.bootstrap_failed or crawler.stats is None:
            self.exitcode = EXIT_FAILED
            return
        reason = crawler.stats.get_value("finish_reason") or "unknown"
        status = crawler.stats.get_value("newscrawl/status") or RUN_STATUS.get(reason, "failed")
        message = crawler.stats.get_value("newscrawl/message")
        code = _EXIT_BY_STATUS.get(status, EXIT_FAILED)
        if code != EXIT_OK:
            self._exit(code, f"{status}: {message or f'the crawl ended with reason {reason!r}'}")

    def _exit(self, code: int, line: str) -> None:
        self.exitcode = code
        print(f"newscrawl: {line}", file=sys.stderr)
