"""Worker processes for the CPU-heavy page jobs: the crawl's pages (:mod:`newscrawl.crawl.pagework`),
``newscrawl reextract``'s kept pages and ``newscrawl extract``'s main text, in one pool.

A :class:`WorkerPool` runs a function on jobs in worker processes forked from this one (so they
cost no start-up: the extractors are imported already), or in this process with 0 of them or
where the system cannot fork: the same function, the same results. The function and the jobs
are the caller's; each job and each result is pickled, the function never is (the workers have
it by the fork), so it may be a closure or a :func:`functools.partial` that keeps per-process
state. The asyncio side (:meth:`WorkerPool.run`) serves the crawl; the blocking side
(:meth:`WorkerPool.map`, :meth:`WorkerPool.submit`) the commands, on an event loop of the
pool's own.
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
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from newscrawl.archive import held_lock_fds

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable

logger = logging.getLogger(__name__)

J = TypeVar("J")
R = TypeVar("R")

#: Python's collector thresholds in a crawl's processes (its default: 700, 10, 10). A crawl makes
#: and drops objects by the million and keeps few cycles; at the default, collections took 5% of
#: the crawl's thread and of each page worker (1.8 s of a 5,000-article crawl; 0.2 s at these).
GC_THRESHOLDS = (10_000, 20, 20)


def collect_less() -> None:
    """Set :data:`GC_THRESHOLDS` for this process and the workers it forks."""
    gc.set_threshold(*GC_THRESHOLDS)


class WorkerError(RuntimeError):
    """A job failed in a worker process (the message holds the worker's traceback; its cause is
    the job's exception, where it could be pickled)."""


#: Jobs sent to a worker before its answer to the first: the next job waits in its socket while
#: it works on one, so it never idles waiting for this process.
JOBS_IN_FLIGHT = 2

#: Each message: its length, then a pickle.
_HEADER = struct.Struct("!Q")
#: A worker's answer: ``("ok", result, logs)`` or ``("error", (traceback, pickled exception), logs)``.
_Answer = tuple[str, object, list[logging.LogRecord]]


@dataclass(slots=True)
class _Worker:
    pid: int
    #: This process's end of the socket pair (non-blocking, used on the event loop).
    sock: socket.socket
    #: The answers awaited, in the order the worker got the jobs.
    waiting: collections.deque[asyncio.Future[_Answer]] = field(default_factory=collections.deque)
    sending: asyncio.Lock | None = None
    reader: asyncio.Task[None] | None = None


class WorkerPool(Generic[J, R]):
    """Runs ``function`` on jobs: in worker processes once :meth:`start` has made them, in this
    process until then (or with 0 of them).

    Each worker reads jobs from a socket pair, in order, and answers each; this process writes
    and reads the sockets on an event loop: no thread, and a few pickles' worth of its CPU per
    job (a ``ProcessPoolExecutor`` spent four times as much, in two threads that took the GIL
    from the crawl). At most :data:`JOBS_IN_FLIGHT` jobs wait on a worker; the others wait here.
    What a worker logs is logged here with the job's result. Workers ignore Ctrl-C (this process
    stops them) and exit when this process's end of their socket closes, as it does when it
    dies; they close the archive locks it holds (:func:`newscrawl.archive.held_lock_fds`).

    A job that raises in a worker raises :class:`WorkerError` here, with ``describe(job)`` and
    the worker's traceback; the worker lives on. A worker that dies is logged, and the jobs it
    held run in this process; with ``replace`` a new worker takes its place, without it every
    worker is stopped and every later job runs in this process.
    """

    def __init__(self, function: Callable[[J], R], *, describe: Callable[[J], str] | None = None, replace: bool = True) -> None:
        self.function = function
        self._describe = describe
        self.replace = replace
        self._workers: list[_Worker] = []
        #: The workers the pool keeps (0 after :meth:`close`, or a death without ``replace``).
        self._wanted = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        #: The event loop of :meth:`map` and :meth:`submit`.
        self._own_loop: asyncio.AbstractEventLoop | None = None

    @property
    def processes(self) -> int:
        """How many worker processes run jobs (0: this process does)."""
        return len(self._workers)

    @property
    def pids(self) -> list[int]:
        """The workers' process ids."""
        return [worker.pid for worker in self._workers]

    def start(self, processes: int) -> None:
        """Start ``processes`` workers (none for 0), in place of any there were."""
        self._stop_workers()
        self._wanted = 0
        self._slots = None  # made again for the new count
        if processes <= 0:
            return
        if not hasattr(os, "fork"):
            logger.warning("%d worker processes asked for, but this system cannot fork: jobs run in this process", processes)
            return
        # What exists now lives as long as this process: kept out of the collector's scans, in
        # the workers too, whose copies of it then stay shared with this process.
        gc.collect()
        gc.freeze()
        for _ in range(processes):
            self._workers.append(self._fork())
        self._wanted = processes

    def _fork(self) -> _Worker:
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the worker: it never returns to the caller's code
            status = 1
            try:
                ours.close()
                for worker in self._workers:
                    worker.sock.close()
                _serve(theirs, self.function)
                status = 0
            finally:
                os._exit(status)
        theirs.close()
        ours.setblocking(False)
        return _Worker(pid, ours)

    def _ready(self) -> bool:
        """Whether there are workers (started again after :meth:`map` was left midway)."""
        if len(self._workers) < self._wanted:
            self.start(self._wanted)
        return bool(self._workers)

    # --- on a running event loop --------------------------------------------------------------

    async def run(self, job: J) -> R:
        """The job's result, from a worker when there are workers."""
        if self._ready():
            slots = self._bind(asyncio.get_running_loop())
            async with slots:
                worker = min(self._workers, key=lambda w: len(w.waiting)) if self._workers else None
                answer = await self._ask(worker, job) if worker is not None else None
            if answer is not None:
                return self._result(job, answer)
        return self.function(job)

    def _bind(self, loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
        """The pool's asyncio state, on ``loop`` (a test may run several loops)."""
        if self._slots is None or self._loop is not loop:
            if any(worker.waiting for worker in self._workers):
                self.start(self._wanted)  # answers owed on another loop: their order is lost
            self._loop, self._slots = loop, asyncio.Semaphore(JOBS_IN_FLIGHT * max(len(self._workers), 1))
            for worker in self._workers:
                if worker.reader is not None and not worker.reader.done():
                    with contextlib.suppress(RuntimeError):  # its loop is gone already
                        worker.reader.cancel()
                worker.reader = None
        for worker in self._workers:
            if worker.reader is None:
                worker.sending = asyncio.Lock()
                worker.reader = loop.create_task(self._answers(worker))
        return self._slots

    async def _hand(self, worker: _Worker, job: J) -> asyncio.Future[_Answer]:
        """Send ``job`` to ``worker``; the future of its answer."""
        assert self._loop is not None
        assert worker.sending is not None
        assert worker.reader is not None
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        answer: asyncio.Future[_Answer] = self._loop.create_future()
        async with worker.sending:
            if worker.reader.done():
                raise EOFError("the worker's answers are no longer read")
            worker.waiting.append(answer)
            try:
                await self._loop.sock_sendall(worker.sock, _HEADER.pack(len(data)) + data)
            except asyncio.CancelledError:
                self._lost(worker, "a job was cancelled while it was sent")  # the rest of it never comes
                raise
        return answer

    async def _ask(self, worker: _Worker, job: J) -> _Answer | None:
        """Send ``job`` to ``worker``; its answer, or ``None`` when the worker died."""
        try:
            return await (await self._hand(worker, job))
        except (OSError, EOFError) as exc:
            self._lost(worker, exc)
            return None

    async def _answers(self, worker: _Worker) -> None:
        """Read ``worker``'s answers, in order, for the jobs waiting on them."""
        assert self._loop is not None
        try:
            while True:
                (size,) = _HEADER.unpack(await _receive(self._loop, worker.sock, _HEADER.size))
                answer: _Answer = pickle.loads(await _receive(self._loop, worker.sock, size))
                waiting = worker.waiting.popleft()
                if not waiting.done():  # not cancelled
                    waiting.set_result(answer)
        except Exception as exc:
            while worker.waiting:
                _fail(worker.waiting.popleft(), exc if isinstance(exc, EOFError) else EOFError(str(exc)))

    def _result(self, job: J, answer: _Answer) -> R:
        status, payload, logs = answer
        for record in logs:
            logging.getLogger(record.name).handle(record)
        if status == "error":
            trace, pickled = cast("tuple[str, bytes | None]", payload)
            what = self._describe(job) if self._describe is not None else getattr(self.function, "__name__", "a job")
            raise WorkerError(f"{what} failed in a worker:\n{trace}") from _unpickled(pickled)
        return cast("R", payload)

    def _lost(self, worker: _Worker, why: object) -> None:
        """``worker`` died (or its socket can no longer be trusted): replace it, or stop them all."""
        if worker not in self._workers:
            return  # dealt with already
        if not self.replace:
            logger.error("an extraction process died (%s): its jobs run in this process from now on", why)
            self._wanted = 0
            self._stop_workers()
            return
        logger.warning("an extraction process died (%s): a new one takes its place, its jobs run here", why)
        self._workers.remove(worker)
        _stop(worker, kill=True)
        self._workers.append(self._fork())
        if self._loop is not None and not self._loop.is_closed():
            self._bind(self._loop)

    # --- blocking, for a command --------------------------------------------------------------

    def map(self, jobs: Iterable[J]) -> Generator[R, None, None]:
        """The results of ``jobs``, in order, as they come (at most :data:`JOBS_IN_FLIGHT` jobs a
        worker ahead of the one given). Leaving it midway stops the workers, whose answers in
        flight are lost with them; the next job starts new ones."""
        if not self._ready():
            yield from (self.function(job) for job in jobs)
            return
        loop = self._loop_of_own()
        tasks: collections.deque[asyncio.Task[R]] = collections.deque()
        try:
            for job in jobs:
                tasks.append(loop.create_task(self.run(job)))
                if len(tasks) >= JOBS_IN_FLIGHT * max(len(self._workers), 1):
                    yield loop.run_until_complete(tasks.popleft())
            while tasks:
                yield loop.run_until_complete(tasks.popleft())
        finally:
            if tasks:
                for task in tasks:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
                self._stop_workers()

    def submit(self, job: J) -> Callable[[], R]:
        """Hand ``job`` to a worker and return at once; what gives its result when it is needed
        (computed here then, where there is no worker or it died)."""
        if not self._ready():
            return lambda: self.function(job)
        loop = self._loop_of_own()
        self._bind(loop)
        worker = min(self._workers, key=lambda w: len(w.waiting))
        try:
            answer = loop.run_until_complete(self._hand(worker, job))
        except (OSError, EOFError) as exc:
            self._lost(worker, exc)
            return lambda: self.function(job)

        def result() -> R:
            try:
                got = answer.result() if answer.done() else loop.run_until_complete(answer)
            except (OSError, EOFError) as exc:
                self._lost(worker, exc)
                return self.function(job)
            return self._result(job, got)

        return result

    def _loop_of_own(self) -> asyncio.AbstractEventLoop:
        if self._own_loop is None or self._own_loop.is_closed():
            self._own_loop = asyncio.new_event_loop()
        return self._own_loop

    # --- stopping -----------------------------------------------------------------------------

    def _stop_workers(self) -> None:
        """Stop the workers and wait for them to exit (the pool keeps its count of them)."""
        workers, self._workers = self._workers, []
        for worker in workers:
            _stop(worker)
        for worker in workers:
            _reap(worker.pid)

    def close(self) -> None:
        """Stop the workers and wait for them to exit; later jobs run in this process."""
        self._wanted = 0
        self._stop_workers()
        own, self._own_loop = self._own_loop, None
        if own is not None and not own.is_running() and not own.is_closed():
            tasks = asyncio.all_tasks(own)
            for task in tasks:
                task.cancel()
            if tasks:
                own.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            own.close()

    def __enter__(self) -> WorkerPool[J, R]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _stop(worker: _Worker, *, kill: bool = False) -> None:
    """Close this process's end of ``worker``'s socket (it reads the end of its input and exits)
    and fail the jobs waiting on it; with ``kill``, kill it and collect its exit."""
    if worker.reader is not None and not worker.reader.done():
        with contextlib.suppress(RuntimeError):  # its loop is gone already
            worker.reader.cancel()
    for waiting in worker.waiting:
        with contextlib.suppress(RuntimeError):  # its loop is gone already
            _fail(waiting, EOFError("the worker was stopped"))
    worker.sock.close()
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        _reap(worker.pid)


def _fail(waiting: asyncio.Future[_Answer], exc: EOFError) -> None:
    """Fail a job whose answer will not come: whoever awaits it runs it here (and where nobody
    does, asyncio keeps quiet about it)."""
    if not waiting.done():
        waiting.set_exception(exc)
        waiting.exception()


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


def _unpickled(data: bytes | None) -> BaseException | None:
    """A job's exception from a worker (``None`` where it cannot be had)."""
    try:
        return cast("BaseException", pickle.loads(data)) if data is not None else None
    except Exception:
        return None


# --- in a worker process ----------------------------------------------------------------------


def _pickled(exc: Exception) -> bytes | None:
    try:
        return pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return None


_worker_logs: list[logging.LogRecord] = []


class _Collect(logging.Handler):
    """Keeps a worker's log records, to hand them to the pool's process with the job's result."""

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted here: the arguments and traceback may not survive pickling.
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        _worker_logs.append(record)


def _serve(sock: socket.socket, function: Callable[[Any], object]) -> None:
    """A worker's life: read jobs from ``sock``, answer each, until the pool closes its end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for fd in held_lock_fds():
        with contextlib.suppress(OSError):
            os.close(fd)
    root = logging.getLogger()
    level = min((handler.level for handler in root.handlers), default=logging.WARNING)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_Collect(level))
    sock.setblocking(True)
    stream = sock.makefile("rb")
    while True:
        head = stream.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return  # the pool closed its end, or died
        (size,) = _HEADER.unpack(head)
        job = pickle.loads(stream.read(size))  # from the process that forked this one
        _worker_logs.clear()
        answer: _Answer
        try:
            answer = ("ok", function(job), [])
        except Exception as exc:
            answer = ("error", (traceback.format_exc(), _pickled(exc)), [])
        answer[2].extend(_worker_logs)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        sock.sendall(_HEADER.pack(len(data)))
        sock.sendall(data)
