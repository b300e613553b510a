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
5     the crawl finished but is degraded: a field's coverage fell well below its history, a
      field's main source moved away from its history's, or no article was stored although
      the site answered (its articles are kept)
====  =====================================================================

The status is the one the archive pipeline recorded for the run (``crawl_runs.status``). A worker
of a distributed run kept alive (``-s REDIS_KEEP_ALIVE=True``) starts no run: it joins the
spider's runs one after the other, until it is stopped; its status is then its last run's (0 if
none came).
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import TYPE_CHECKING, Any, cast

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred

from newscrawl.archive import ArchiveBusyError, ArchiveError
from newscrawl.coverage import CoverageSettingError
from newscrawl.crawl.arguments import SpiderArgumentError
from newscrawl.crawl.capture import WarcSettingError
from newscrawl.crawl.reactor import installed_reactor
from newscrawl.crawl.runstore import RUN_STATUS
from newscrawl.fleet.keys import FleetError, connect
from newscrawl.fleet.runs import next_run
from newscrawl.pool import collect_less

if TYPE_CHECKING:
    import argparse
    import asyncio
    from collections.abc import Callable

    from scrapy.crawler import Crawler


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

        name, url = args[0], crawler.settings.get("REDIS_URL")

        def crawl(crawler: Crawler, spargs: dict[str, str]) -> None:
            # A Deferred under Twisted's default reactor, an asyncio task under the asyncio one.
            started = self.crawler_process.crawl(crawler, **spargs)  # type: ignore[union-attr]
            if isinstance(started, Deferred):
                started.addErrback(lambda failure: None if is_bad_input(failure.value) else failure)
                if keep_alive:
                    started.addBoth(lambda _: self._wait_next(crawler, crawl, bad_input, url, name))
            else:
                cast("asyncio.Future[Any]", started).add_done_callback(on_task_done)
                if keep_alive:
                    cast("asyncio.Future[Any]", started).add_done_callback(
                        lambda _: self._wait_next(crawler, crawl, bad_input, url, name)
                    )

        keep_alive = bool(crawler.settings.get("REDIS_URL")) and crawler.settings.getbool("REDIS_KEEP_ALIVE")
        self.last_crawler = crawler
        if keep_alive:
            # A worker kept alive only joins runs (newscrawl enqueue, or a worker that starts one).
            installed_reactor().callWhenRunning(self._wait_next, None, crawl, bad_input, url, name)
        else:
            crawl(crawler, dict(opts.spargs))
        self.crawler_process.start(stop_after_crawl=not keep_alive)
        crawler = self.last_crawler
        if bad_input:
            self._exit(*bad_input[0])
            return
        if keep_alive and crawler.stats is None:
            return  # stopped before any run came
        if self.crawler_process.bootstrap_failed or crawler.stats is None:
            self.exitcode = EXIT_FAILED
            return
        reason = crawler.stats.get_value("finish_reason") or "unknown"
        status = crawler.stats.get_value("newscrawl/status") or RUN_STATUS.get(reason, "failed")
        message = crawler.stats.get_value("newscrawl/message")
        code = _EXIT_BY_STATUS.get(status, EXIT_FAILED)
        if code != EXIT_OK:
            self._exit(code, f"{status}: {message or f'the crawl ended with reason {reason!r}'}")

    def _wait_next(
        self,
        done: Crawler | None,
        crawl: Callable[[Crawler, dict[str, str]], None],
        bad_input: list[tuple[int, str]],
        url: str,
        name: str,
    ) -> None:
        """A worker kept alive (``REDIS_KEEP_ALIVE``): once its run is over (``done``; ``None``:
        at start), wait (in a thread) for the spider's next run on Redis and join it with that
        run's arguments; stop when the crawl could not start or was stopped (Ctrl-C, SIGTERM)."""
        reactor = installed_reactor()
        after = ""
        if done is not None:
            reason = done.stats.get_value("finish_reason") if done.stats is not None else None
            if bad_input or reason != "finished":
                reactor.callLater(0, self._stop)
                return
            assert done.stats is not None
            after = str(done.stats.get_value("newscrawl/run_token") or "")
        stopping = threading.Event()
        reactor.addSystemEventTrigger("before", "shutdown", stopping.set)

        def wait() -> None:
            try:
                spargs = next_run(connect(url), name, after, stop=stopping.is_set)
            except FleetError as exc:
                bad_input.append((EXIT_FAILED, f"failed: {exc}"))
                reactor.callFromThread(self._stop)
                return
            if spargs is not None:
                reactor.callFromThread(start, spargs)

        def start(spargs: dict[str, str]) -> None:
            logger.info("Joining the next run of %s (%s)", name, " ".join(f"-a {k}={v}" for k, v in sorted(spargs.items())))
            crawler = self._create_crawler(name)
            crawler.settings.set("FLEET_SPIDER_ARGS", spargs, "cmdline")
            self.last_crawler = crawler
            crawl(crawler, spargs)

        logger.info("Waiting for the next run of %s on Redis (REDIS_KEEP_ALIVE)", name)
        threading.Thread(target=wait, name="next-run", daemon=True).start()

    def _stop(self) -> None:
        cast("Any", self.crawler_process).stop()
        reactor = installed_reactor()
        if reactor.running:
            reactor.stop()

    def _exit(self, code: int, line: str) -> None:
        self.exitcode = code
        print(f"newscrawl: {line}", file=sys.stderr)
