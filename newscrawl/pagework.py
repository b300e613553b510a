"""What the ``almayadeen`` spider does with a page it fetched, in worker processes when asked.

One response's bytes in; its ticker items, its article item and its links out (:class:`PageWork`).
Extraction is pure CPU work: against a mirror or in a fast backfill it holds the crawl at one
core, so with ``EXTRACT_PROCESSES`` > 0 it runs in that many processes (:class:`PagePool`) and
the spider's own process only downloads, schedules and stores. With 0 it runs in the spider's
process, the same functions, the same results.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import logging
import os
import pickle
import signal
import socket
import struct
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast

from scrapy.http import HtmlResponse

from newscrawl.archive import held_lock_fds, utcnow
from newscrawl.extract.response import html_page
from newscrawl.extract.text import text_of
from newscrawl.loaders import LoadContext, load_article, load_ticker
from newscrawl.sites import registry

if TYPE_CHECKING:
    from collections.abc import Iterator

    from newscrawl.extract.document import Page
    from newscrawl.items import ArticleItem, TickerItem
    from newscrawl.sites.profile import SiteProfile
    from newscrawl.urls import HostMap

logger = logging.getLogger(__name__)

PageKind = Literal["article", "listing"]
LinkKind = Literal["article", "pagination", "subsection"]

#: Most links a worker remembers having reported (see :func:`read_page`); past it, it forgets them
#: all: a link reported twice costs the spider a set lookup, nothing more.
SEEN_LINKS_MAX = 100_000


@dataclass(frozen=True, slots=True)
class PageJob:
    """A fetched page to read: what the spider knows of it when it arrives."""

    #: The URL fetched (after redirects).
    url: str
    #: The response body, as downloaded.
    body: bytes
    #: The body's encoding, as Scrapy (and ``CharsetMiddleware``) decided it.
    encoding: str
    #: ``"article"`` (an article page) or ``"listing"`` (a section, region or its other pages).
    kind: PageKind
    #: The name of the site's profile (:mod:`newscrawl.sites.registry`), which reads the page.
    site: str
    #: Region listing paths → menu labels, as the spider has learnt them.
    regions: dict[str, str]
    #: The crawl's hosts and edition.
    context: LoadContext
    #: The label of the listing the URL sits under, for an article's section.
    section_hint: str | None
    #: For a listing: the spider walks its pagination only as deep as it holds something new,
    #: so only the next page's link matters.
    shallow: bool = False


@dataclass(frozen=True, slots=True)
class ListingLink:
    """A link of a listing page the spider may follow."""

    #: Absolute URL, on the edition's hosts.
    url: str
    #: ``"article"``, ``"pagination"`` (another page of this listing) or ``"subsection"``.
    kind: LinkKind
    #: For an article link: one of the listing's own items, not of a box every page repeats.
    own: bool = False
    #: The anchor's text (the label a subsection gets).
    label: str = ""


@dataclass(slots=True)
class PageWork:
    """What a page gave."""

    #: The page's ticker lines, as items (every page repeats them: the spider keeps new ones).
    ticker: list[TickerItem] = field(default_factory=list)
    #: The article: of an article page that is one, or of a listing whose metadata declares one.
    article: ArticleItem | None = None
    #: An article page that is not an article (the CMS says ``"type": "page"``).
    not_article: bool = False
    #: A listing's links; own article links and pagination always, others once per worker.
    links: list[ListingLink] = field(default_factory=list)


def read_page(job: PageJob, seen: set[tuple[str, str, str]] | None = None) -> PageWork:
    """Read one (HTML) page.

    ``seen`` holds the links already reported to the spider (kind, URL, label); those that can
    only repeat what the spider did with them (other pages' boxes, menus, subsections, other
    pages of the listing) are left out and added. A listing's own article links are always
    reported, and in a shallow walk the link to its next page: whether to walk on depends on
    them.
    """
    response = HtmlResponse(url=job.url, body=job.body, encoding=job.encoding)
    page = html_page(response)
    assert page is not None  # an HtmlResponse is a text response
    profile = registry.by_name(job.site)
    work = PageWork(ticker=load_ticker(profile.ticker_lines(page), job.context, seen_at=utcnow()))
    article = profile.article_page(page, regions=job.regions)
    if job.kind == "article":
        if article.is_article():
            work.article = load_article(article, job.context, section_hint=job.section_hint)
        else:
            work.not_article = True
        return work
    if article.declares_article():
        work.article = load_article(article, job.context, section_hint=job.section_hint)
    work.links = list(_listing_links(page, job, profile, seen if seen is not None else set()))
    return work


def _listing_links(page: Page, job: PageJob, profile: SiteProfile, seen: set[tuple[str, str, str]]) -> Iterator[ListingLink]:
    if len(seen) > SEEN_LINKS_MAX:
        seen.clear()
    following = profile.page_number(page.url) + 1
    links = _links_memo(profile, job.context.hosts)
    # an href means the same link on every page of the same path (a relative one included)
    path = page.url.split("#", 1)[0].split("?", 1)[0]
    on_page: set[tuple[str, str, str]] = set()
    for anchor in page.root.iter("a"):
        href = anchor.get("href")
        if href is None:
            continue
        known = links.get((path, href))
        if known is None:
            if len(links) > LINK_MEMO_MAX:
                links.clear()
            known = links[path, href] = _link_kind(page, href, job.context.hosts, profile)
        url, kind, number = known
        if kind == "article":
            own = not page.in_chrome(anchor)
            key = ("own" if own else "article", url, "")
            if key in on_page or (not own and key in seen):
                continue
            on_page.add(key)
            seen.add(key)
            yield ListingLink(url, "article", own=own)
        elif kind == "pagination":
            key = ("pagination", url, "")
            if job.shallow:
                if key not in on_page and number == following:
                    on_page.add(key)
                    yield ListingLink(url, "pagination")
            elif key not in seen:
                seen.add(key)
                yield ListingLink(url, "pagination")
        elif kind == "subsection":
            key = ("subsection", url, text_of(anchor))
            if key not in seen:
                seen.add(key)
                yield ListingLink(url, "subsection", label=key[2])


#: Most (page path, href) pairs whose link :func:`_link_kind` remembers; past it, it forgets them
#: all. A listing's pagination can link every other page of it: thousands of links, the same on
#: each of its pages.
LINK_MEMO_MAX = 65_536
_link_memo: tuple[tuple[SiteProfile, HostMap] | None, dict[tuple[str, str], tuple[str, LinkKind | None, int]]] = (None, {})


def _links_memo(profile: SiteProfile, hosts: HostMap) -> dict[tuple[str, str], tuple[str, LinkKind | None, int]]:
    """The link memo of a crawl's site and hosts (another crawl in this process starts a new one)."""
    global _link_memo  # noqa: PLW0603 - one memo per process, bounded
    if _link_memo[0] != (profile, hosts):
        _link_memo = ((profile, hosts), {})
    return _link_memo[1]


def _link_kind(page: Page, href: str, hosts: HostMap, profile: SiteProfile) -> tuple[str, LinkKind | None, int]:
    """What an href of a listing page links to: its absolute URL, its kind (``None``: nothing to
    follow) and, for another page of the listing, its page number."""
    url = page.absolute(href)
    if not url or not hosts.on_site(url):
        return "", None, 0
    if profile.page_kind(url) == "article":
        return url, "article", 0
    if profile.is_pagination(url, page.url):
        return url, "pagination", profile.page_number(url)
    if profile.is_subsection(url, page.url):
        return url, "subsection", 0
    return "", None, 0


class PageWorkError(RuntimeError):
    """Reading a page failed in a worker process (the message holds the worker's traceback)."""


#: Python's collector thresholds in a crawl's processes (its default: 700, 10, 10). A crawl makes
#: and drops objects by the million and keeps few cycles; at the default, collections took 5% of
#: the crawl's thread and of each page worker (1.8 s of a 5,000-article crawl; 0.2 s at these).
GC_THRESHOLDS = (10_000, 20, 20)


def collect_less() -> None:
    """Set :data:`GC_THRESHOLDS` for this process and the workers it forks."""
    gc.set_threshold(*GC_THRESHOLDS)


#: Each message: its length, then a pickle.
_HEADER = struct.Struct("!Q")
#: A worker's answer: ``("ok", work, logs)`` or ``("error", traceback, logs)``.
_Answer = tuple[str, object, list[logging.LogRecord]]


@dataclass(slots=True)
class _Worker:
    pid: int
    #: The crawl's end of the socket pair (non-blocking, used on the event loop).
    sock: socket.socket
    #: The answers awaited, in the order the worker got the pages.
    waiting: collections.deque[asyncio.Future[_Answer]] = field(default_factory=collections.deque)
    sending: asyncio.Lock | None = None
    reader: asyncio.Task[None] | None = None


#: Pages sent to a worker before its answer to the first: the next page waits in its socket
#: while it reads one, so it never idles waiting for the crawl's process.
PAGES_IN_FLIGHT = 2


class PagePool:
    """Runs :func:`read_page` for the spider: in worker processes once :meth:`start` has made
    them, in the spider's own process until then (or with 0 of them).

    Workers are forked from a process that has imported the extractors already, so they cost no
    start-up. Each reads pages from a socket pair, in order, and answers each; the crawl writes and
    reads the sockets on its event loop: no thread, and a few pickles' worth of the crawl's CPU per
    page (a ``ProcessPoolExecutor`` spent four times as much, in two threads that took the GIL
    from the crawl). Workers ignore Ctrl-C (the crawl shuts down gracefully and stops them) and
    exit when the crawl's end of their socket closes, as it does when the crawl dies. If a worker
    dies, the pool says so and reads every later page in the spider's process.
    """

    def __init__(self) -> None:
        self._seen: set[tuple[str, str, str]] = set()
        self._workers: list[_Worker] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        #: How many worker processes read pages (0: the spider's process does).
        self.processes = 0

    @property
    def pids(self) -> list[int]:
        """The workers' process ids."""
        return [worker.pid for worker in self._workers]

    def start(self, processes: int) -> None:
        """Start ``processes`` workers (none for 0)."""
        self.close()
        if processes <= 0:
            return
        if not hasattr(os, "fork"):
            logger.warning("EXTRACT_PROCESSES=%d: this system cannot fork; pages are read in the crawl's process", processes)
            return
        # What exists now lives as long as the crawl: kept out of the collector's scans, in the
        # workers too, whose copies of it then stay shared with this process.
        gc.collect()
        gc.freeze()
        for _ in range(processes):
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:  # the worker: it never returns to the crawl's code
                status = 1
                try:
                    ours.close()
                    for worker in self._workers:
                        worker.sock.close()
                    _serve(theirs)
                    status = 0
                finally:
                    os._exit(status)
            theirs.close()
            ours.setblocking(False)
            self._workers.append(_Worker(pid, ours))
        self.processes = processes

    async def read(self, job: PageJob) -> PageWork:
        """The page's work, from a worker when there are workers."""
        if self._workers:
            slots = self._bind(asyncio.get_running_loop())
            async with slots:
                worker = min(self._workers, key=lambda w: len(w.waiting)) if self._workers else None
                answer = await self._ask(worker, job) if worker is not None else None
            if answer is not None:
                status, payload, logs = answer
                for record in logs:
                    logging.getLogger(record.name).handle(record)
                if status == "error":
                    raise PageWorkError(f"{job.url}: reading the page failed in a worker:\n{payload}")
                return cast("PageWork", payload)
        return read_page(job, self._seen)

    def _bind(self, loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
        """The pool's asyncio state, on the running loop (a test may run several loops)."""
        if self._slots is None or self._loop is not loop:
            self._loop, self._slots = loop, asyncio.Semaphore(PAGES_IN_FLIGHT * len(self._workers))
            for worker in self._workers:
                worker.waiting.clear()
                worker.sending = asyncio.Lock()
                worker.reader = loop.create_task(self._answers(worker))
        return self._slots

    async def _ask(self, worker: _Worker, job: PageJob) -> _Answer | None:
        """Send ``job`` to ``worker``; its answer, or ``None`` when the worker died."""
        assert self._loop is not None
        assert worker.sending is not None
        answer: asyncio.Future[_Answer] = self._loop.create_future()
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            async with worker.sending:
                worker.waiting.append(answer)
                await self._loop.sock_sendall(worker.sock, _HEADER.pack(len(data)) + data)
            return await answer
        except (OSError, EOFError) as exc:
            if self._workers:
                logger.error("an extraction process died (%s): pages are read in the crawl's own process from now on", exc)
                self.close()
            return None

    async def _answers(self, worker: _Worker) -> None:
        """Read ``worker``'s answers, in order, for the pages waiting on them."""
        assert self._loop is not None
        try:
            while True:
                (size,) = _HEADER.unpack(await _receive(self._loop, worker.sock, _HEADER.size))
                answer: _Answer = pickle.loads(await _receive(self._loop, worker.sock, size))
                worker.waiting.popleft().set_result(answer)
        except (OSError, EOFError) as exc:
            while worker.waiting:
                waiting = worker.waiting.popleft()
                if not waiting.done():
                    waiting.set_exception(exc if isinstance(exc, EOFError) else EOFError(str(exc)))

    def close(self) -> None:
        """Stop the workers and wait for them to exit."""
        workers, self._workers = self._workers, []
        self.processes = 0
        for worker in workers:
            if worker.reader is not None and not worker.reader.done():
                with contextlib.suppress(RuntimeError):  # its loop is gone already
                    worker.reader.cancel()
            for waiting in worker.waiting:
                if not waiting.done():
                    with contextlib.suppress(RuntimeError):
                        waiting.set_exception(EOFError("the pool closed"))
            worker.sock.close()  # the worker reads the end of its input and exits
        for worker in workers:
            _reap(worker.pid)


def _reap(pid: int, wait: float = 5.0) -> None:
    """Collect a worker's exit (killing it if it has not exited within ``wait`` seconds)."""
    deadline = time.monotonic() + wait
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
            time.sleep(0.005)


async def _receive(loop: asyncio.AbstractEventLoop, sock: socket.socket, size: int) -> bytearray:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        count = await loop.sock_recv_into(sock, view[got:])
        if not count:
            raise EOFError("the extraction process closed its end")
        got += count
    return buffer


# --- in a worker process ----------------------------------------------------------------------

_worker_seen: set[tuple[str, str, str]] = set()
_worker_logs: list[logging.LogRecord] = []


class _Collect(logging.Handler):
    """Keeps a worker's log records, to hand them to the spider's process with the page."""

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted here: the arguments and traceback may not survive pickling.
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        _worker_logs.append(record)


def _serve(sock: socket.socket) -> None:
    """A worker's life: read jobs from ``sock``, answer each, until the crawl closes its end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for fd in held_lock_fds():
        with contextlib.suppress(OSError):
            os.close(fd)
    root = logging.getLogger()
    level = min((handler.level for handler in root.handlers), default=logging.WARNING)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_Collect(level))
    _worker_seen.clear()
    sock.setblocking(True)
    stream = sock.makefile("rb")
    while True:
        head = stream.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return  # the crawl closed its end, or died
        (size,) = _HEADER.unpack(head)
        job = pickle.loads(stream.read(size))  # from the crawl that forked this process
        _worker_logs.clear()
        answer: tuple[str, object, list[logging.LogRecord]]
        try:
            answer = ("ok", read_page(job, _worker_seen), [])
        except Exception:
            answer = ("error", traceback.format_exc(), [])
        answer[2].extend(_worker_logs)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        sock.sendall(_HEADER.pack(len(data)))
        sock.sendall(data)
