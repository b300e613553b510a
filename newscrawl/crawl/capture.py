"""Capture: every response the crawl receives kept as a WARC record (issue 15).

:class:`CaptureMiddleware`, the downloader middleware nearest the downloader, sees each response
as received (before its content encoding is undone, headers as sent) and each request with its
final headers: robots.txt, redirects, retried answers and error pages included. It writes them
into the run's WARC files (:class:`newscrawl.record.warcwrite.RunWarcWriter`) and keeps the captures
until the archive pipeline, the archive's one writer, syncs the files and records them.
:class:`CaptureLinkMiddleware` tells the pipeline which capture each article was read from.

Settings: ``WARC_ENABLED`` (``False``: nothing is captured), ``WARC_DIR`` (default: ``warc/``
beside ``ARCHIVE_DB``), ``WARC_MAX_BYTES`` (a file is rotated past this size), ``WARC_FILE_TAG``
(in the files' names: a worker of a distributed run sets its own).
"""

from __future__ import annotations

import contextlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.python import to_unicode

from newscrawl.archive import ArchiveState
from newscrawl.items import ArticleItem
from newscrawl.record.warcwrite import Fetch, Previous, RunWarcWriter, cut_truncated_tail, new_record_id, run_of
from newscrawl.warc import SUFFIX, Capture, default_warc_dir

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from typing_extensions import Self

    from newscrawl.crawl.incremental import CrawlState

logger = logging.getLogger(__name__)

#: ``Request.meta`` key: the ``WARC-Record-ID`` of the response (or revisit) record of the answer.
RECORD_ID = "newscrawl_capture"
DEFAULT_MAX_BYTES = 1_000_000_000


class WarcSettingError(ValueError):
    """A ``WARC_*`` setting is malformed."""


def warc_settings(settings: BaseSettings) -> tuple[bool, Path, int]:
    """``(enabled, folder, max_bytes)`` from the ``WARC_*`` settings; raises
    :class:`WarcSettingError` naming a malformed one."""
    try:
        enabled = settings.getbool("WARC_ENABLED", True)
    except ValueError:
        raise WarcSettingError(f"WARC_ENABLED must be True or False, not {settings.get('WARC_ENABLED')!r}") from None
    raw = settings.get("WARC_MAX_BYTES", DEFAULT_MAX_BYTES)
    try:
        max_bytes = int(raw)
    except (TypeError, ValueError):
        max_bytes = 0
    if max_bytes <= 0:
        raise WarcSettingError(f"WARC_MAX_BYTES must be a positive number of bytes, not {raw!r}")
    folder = settings.get("WARC_DIR") or ""
    if not isinstance(folder, (str, Path)):
        raise WarcSettingError(f"WARC_DIR must be a folder, not {folder!r}")
    return enabled, Path(folder) if str(folder) else default_warc_dir(settings.get("ARCHIVE_DB")), max_bytes


def _headers(headers: Any) -> list[tuple[str, str]]:
    return [(to_unicode(name, "latin-1"), to_unicode(value, "latin-1")) for name, values in headers.items() for value in values]


def fetch_of(request: Request, response: Response, moment: datetime) -> Fetch:
    """The exchange of ``response`` to ``request`` as the downloader handed it over."""
    return Fetch(
        url=response.url,
        status=response.status,
        protocol=response.protocol or "HTTP/1.1",
        headers=_headers(response.headers),
        body=response.body,
        method=request.method,
        request_headers=_headers(request.headers),
        request_body=request.body,
        fetched_at=moment,
    )


def repair_folder(folder: Path, state: CrawlState, current_run: int) -> int:
    """Cut the truncated tail of every WARC file of a run that did not record its end (a killed
    crawl), from the end of the last record the archive points at in it. Returns the bytes cut."""
    cut = 0
    if not folder.is_dir():
        return 0
    killed = state.unended_runs() - {current_run}
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        run = run_of(path.name)
        if run not in killed:
            continue
        cut += cut_truncated_tail(path, state.captured_end(run, path.name))
    return cut


#: Responses handed to the writer's thread together. A hand-over wakes the thread, which then
#: takes the GIL from the crawl's thread: once for this many responses instead of once for each.
BATCH = 32


class CaptureMiddleware:
    """Writes each response, and its request, into the run's WARC files; a re-fetch whose payload
    is the URL's last capture's is written as a revisit. Stats: ``newscrawl/warc_records``,
    ``newscrawl/warc_revisits``, ``newscrawl/warc_bytes``.

    The crawl's thread only names each response's record (its id goes into ``Request.meta``) and
    queues it; the writer's one thread digests, compresses and appends the records, in order, a
    batch at a time, and :meth:`take` waits for it."""

    def __init__(self, crawler: Crawler, folder: Path, max_bytes: int) -> None:
        self.crawler = crawler
        self.folder = folder
        self.max_bytes = max_bytes
        self.writer: RunWarcWriter | None = None
        self.state: CrawlState | None = None
        #: Exchanges not yet handed to the writer's thread, each with its record id.
        self.queued: list[tuple[Fetch, str]] = []
        #: Captures the writer's thread wrote and :meth:`take` has not returned, in order.
        self.written: list[Capture] = []
        #: Per URL, this run's last response record (the writer's thread's own).
        self.latest: dict[str, Previous] = {}
        #: Per article URL, the record its page was read from (see :class:`CaptureLinkMiddleware`).
        self.article_records: dict[str, str] = {}
        self.failed = False
        #: What stopped the writer's thread (a full disk...); the crawl's thread stops the crawl.
        self.error: OSError | None = None
        #: Whether the archive held captures of earlier runs: else no URL is looked up in it.
        self.earlier_captures = True
        #: The run id and the ``warcinfo`` fields, read in the crawl's thread before the first batch.
        self.run_info: tuple[int, dict[str, str]] | None = None
        #: The one thread that writes the WARC files.
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc")
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        enabled, folder, max_bytes = warc_settings(crawler.settings)
        if not enabled:
            raise NotConfigured("WARC_ENABLED is False")
        return cls(crawler, folder, max_bytes)

    @property
    def pending(self) -> bool:
        """Whether responses were captured that :meth:`take` has not returned."""
        return bool(self.queued or self.written)

    def _open(self, run_id: int, info: dict[str, str]) -> RunWarcWriter:
        """In the writer's thread: the run's writer, the folder repaired first."""
        if self.writer is None:
            # A worker of a distributed run never opens the archive: it reads the writer's state.
            shared = self.crawler.settings.get("REDIS_URL") and getattr(self.crawler.spider, "state", None)
            self.state = shared or ArchiveState(self.crawler.settings.get("ARCHIVE_DB"))
            repair_folder(self.folder, self.state, run_id)
            # An archive without captures before this run (a first crawl) is not asked per URL.
            self.earlier_captures = self.state.has_captures_before(run_id)
            tag = self.crawler.settings.get("WARC_FILE_TAG", "")
            self.writer = RunWarcWriter(self.folder, run_id, info, self.max_bytes, tag)
        return self.writer

    def _info(self, run_id: int) -> dict[str, str]:
        settings = self.crawler.settings
        spider = self.crawler.spider
        arguments = getattr(spider, "arguments", {})
        return {
            "software": f"newscrawl/{version('newscrawl')} (Scrapy/{version('scrapy')}; warcio/{version('warcio')})",
            "format": "WARC File Format 1.0",
            "conformsTo": "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf",
            "isPartOf": f"newscrawl run {run_id}",
            "newscrawl-run-id": str(run_id),
            # Which archive the run wrote to: a WARC folder may be shared by archives side by side.
            "newscrawl-archive": str(Path(settings.get("ARCHIVE_DB")).resolve()),
            "newscrawl-spider": spider.name if spider is not None else "",
            "newscrawl-arguments": json.dumps(dict(arguments), sort_keys=True, default=str),
            "http-header-user-agent": str(settings.get("USER_AGENT")),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        }

    def process_response(self, request: Request, response: Response) -> Response:
        if self.failed:
            return response
        if self.error is not None:
            self._fail(self.error)
            return response
        record_id = new_record_id()
        # Read now: a middleware nearer the engine may change the headers (HTTP compression
        # drops Content-Encoding once it has decoded the body).
        self.queued.append((fetch_of(request, response, datetime.now(timezone.utc)), record_id))
        request.meta[RECORD_ID] = record_id
        if len(self.queued) >= BATCH:
            self._hand_over()
        return response

    def _hand_over(self) -> None:
        batch, self.queued = self.queued, []
        if not batch:
            return
        if self.run_info is None:
            assert self.crawler.stats is not None
            run_id = int(self.crawler.stats.get_value("newscrawl/run_id") or 0)
            self.run_info = (run_id, self._info(run_id))
        self.thread.submit(self._write, batch, *self.run_info)

    def _write(self, batch: list[tuple[Fetch, str]], run_id: int, info: dict[str, str]) -> None:
        """In the writer's thread: write ``batch``; the first error stops every later write."""
        if self.error is not None:
            return
        try:
            writer = self._open(run_id, info)
            for fetch, record_id in batch:
                capture = writer.write(fetch, self._previous(fetch.url), record_id)
                if capture.record_type == "response":
                    self.latest[fetch.url] = Previous(capture.payload_digest, capture.record_id, fetch.url, _date(capture))
                self.written.append(capture)
        except OSError as exc:
            self.error = exc

    def _previous(self, url: str) -> Previous | None:
        if url in self.latest:
            return self.latest[url]
        assert self.state is not None
        if not self.earlier_captures:
            return None
        found = self.state.last_capture(url)
        return Previous(*found) if found is not None else None

    def _sync(self) -> list[Capture]:
        """In the writer's thread, after every batch handed over: sync the files and return
        what was written since the last call."""
        if self.error is not None:
            raise self.error
        if self.writer is not None:
            self.writer.sync()
        taken, self.written = self.written, []
        return taken

    def take(self) -> list[Capture]:
        """The captures written since the last call, their records made durable first."""
        if self.failed or not self.pending:
            return []
        self._hand_over()
        try:
            return self._counted(self.thread.submit(self._sync).result())
        except OSError as exc:
            self._fail(exc)
            return []

    def _counted(self, captures: list[Capture]) -> list[Capture]:
        stats = self.crawler.stats
        assert stats is not None
        for capture in captures:
            stats.inc_value("newscrawl/warc_records")
            stats.inc_value("newscrawl/warc_bytes", capture.length)
            if capture.record_type == "revisit":
                stats.inc_value("newscrawl/warc_revisits")
        return captures

    def _fail(self, exc: OSError) -> None:
        """Stop the crawl: its fetches can no longer be kept (a full disk, a WARC folder shared
        with another archive). What the archive holds points only at records synced before."""
        self.failed = True
        self.queued = []
        message = f"cannot write WARC files in {self.folder}: {exc}"
        logger.error(message)
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("newscrawl/message", message)
        if self.crawler.engine is not None and self.crawler.engine.running:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_error"))

    def spider_closed(self, spider: Spider) -> None:
        if not self.failed:
            self._hand_over()
        with contextlib.suppress(OSError):
            # Captures no batch took (no archive pipeline) are counted all the same.
            self._counted(self.thread.submit(self._close).result())
        self.thread.shutdown()
        if self.state is not None:
            self.state.close()

    def _close(self) -> list[Capture]:
        """In the writer's thread: close the files; returns the captures :meth:`take` did not."""
        if self.writer is not None:
            self.writer.close()
        taken, self.written = self.written, []
        return taken


def _date(capture: Capture) -> str:
    return capture.fetched_at.replace("+00:00", "Z")


class CaptureLinkMiddleware:
    """A spider middleware: notes, for each article a page gave, the record of that page's
    response, so the archive stores which capture the article's text was read from."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not warc_settings(crawler.settings)[0]:
            raise NotConfigured("WARC_ENABLED is False")
        return cls(crawler)

    def _note(self, response: Response, item: Any) -> None:
        record = response.meta.get(RECORD_ID)
        if isinstance(item, ArticleItem) and record:
            capture = self.crawler.get_downloader_middleware(CaptureMiddleware)
            if capture is not None:
                capture.article_records[item.url] = record

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for item in result:
            self._note(response, item)
            yield item

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            self._note(response, item)
            yield item
