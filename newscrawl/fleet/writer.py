"""The one writer of distributed runs: ``newscrawl writer --redis URL --db ARCHIVE``.

It holds the archive (its crawl lock, as a local crawl does), publishes what workers need to
skip work (:class:`newscrawl.fleet.state.StatePublisher`), then stores the messages of every run
in the order they came, through the same code as a local crawl
(:class:`newscrawl.crawl.runstore.RunStore`): a run's ``start`` records it and gives its workers
its id; its batches, ticker lines, gone articles and pages without an article are stored; each
worker's ``end`` brings its stats. A run is recorded as ended once its workers saw it over and
every one of them ended (or died: then it is not complete), and its keys are deleted.

Nothing is lost when the writer dies: it moves a batch of messages to a processing list, stores
it, and empties that list only after the archive committed; a restarted writer stores what it
finds there first (storing an article twice changes nothing; a capture is recorded once). It
exits 0 once the runs it served have ended and every message is stored, unless it follows
(``--follow``: it waits for the next runs).
"""

from __future__ import annotations

import json
import logging
import pickle
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import redis

from newscrawl.archive import Archive, ArchiveBusyError, ArchiveError, ArchiveVersionError, utcnow
from newscrawl.crawl.runstore import RunStats, RunStore
from newscrawl.desk.terminal import fail
from newscrawl.fleet.keys import ITEMS, PREFIX, PROCESSING, UNREADABLE, FleetError, RunKeys, connect, hash_of, text
from newscrawl.fleet.messages import Message, decode
from newscrawl.fleet.runs import live_workers
from newscrawl.fleet.state import StatePublisher

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import FrameType
    from typing import TextIO

logger = logging.getLogger(__name__)

#: Most messages stored in one batch.
BATCH = 200


@dataclass
class ServedRun:
    """A run the writer writes."""

    spider: str
    token: str
    store: RunStore
    stats: RunStats
    reasons: list[str] = field(default_factory=list)
    #: Since when every worker that joined has ended though none saw the run over (they all
    #: stopped: blocked, failed): after the worker timeout the run ends so.
    abandoned_since: float | None = None


class Writer:
    """See the module. ``should_stop`` is asked between batches (a signal arrived)."""

    def __init__(
        self,
        client: redis.Redis,
        archive: Archive,
        *,
        follow: bool = False,
        worker_timeout: float = 30.0,
        should_stop: Callable[[], bool] = lambda: False,
        progress: TextIO | None = None,
    ) -> None:
        self.client = client
        self.archive = archive
        self.follow = follow
        self.worker_timeout = worker_timeout
        self.should_stop = should_stop
        self.progress = progress
        self.publisher = StatePublisher(client, archive.db.conn)
        self.runs: dict[str, ServedRun] = {}
        self.served = 0
        self.stored = 0
        self.started = time.monotonic()

    # --- the loop -------------------------------------------------------------------------

    def run(self) -> int:
        """Serve until done (see the module); returns the exit status (0)."""
        self._resume()
        articles = self.publisher.load()
        logger.info("Writer ready: %d archived articles published to Redis", articles)
        replay = [_bytes(raw) for raw in self.client.lrange(PROCESSING, 0, -1)]
        if replay:
            logger.info("Storing again the %d messages of the batch a writer was storing when it stopped", len(replay))
        while not self.should_stop():
            batch = replay or self._take()
            replay = []
            touched = {self._apply_raw(raw) for raw in batch}
            if batch:
                self._checkpoint(touched - {None})
                self.client.delete(PROCESSING)
                self.stored += len(batch)
            self._finish_ended()
            self._show()
            if not self.follow and self.served and not self.runs and not self.client.llen(ITEMS):
                break
        self._show(end="\n")
        return 0

    def _take(self) -> list[bytes]:
        """The next batch of messages, moved to the processing list (waits up to a second)."""
        first = self.client.blmove(ITEMS, PROCESSING, 1, "LEFT", "RIGHT")
        if first is None:
            return []
        batch = [_bytes(first)]
        while len(batch) < BATCH:
            more = self.client.lmove(ITEMS, PROCESSING, "LEFT", "RIGHT")
            if more is None:
                break
            batch.append(_bytes(more))
        return batch

    def _resume(self) -> None:
        """After a restart: go on writing the runs Redis still holds; any other run the archive
        says is running was killed."""
        for key in self.client.scan_iter(match=f"{PREFIX}:*:run"):
            run = hash_of(self.client, text(key))
            if "id" not in run:
                continue
            spider = text(key).split(":")[1]
            served = self._served(spider, run["token"])
            served.store.resume(int(run["id"]), spider, json.loads(run.get("arguments", "{}")))
            kept = self.client.get(RunKeys(spider).checkpoint)
            if kept:
                values, served.store.tally, served.store.ticker_seen, served.reasons = pickle.loads(_bytes(kept))
                served.stats.values.update(values)
            self.served += 1
            logger.info("Going on with run %d of %s", served.store.run_id, spider)
        self.archive.interrupt_runs(keep=[served.store.run_id for served in self.runs.values()])

    def _served(self, spider: str, token: str) -> ServedRun:
        stats = RunStats()
        store = RunStore(self.archive, stats, stop=self._archive_failed)
        served = self.runs[token] = ServedRun(spider, token, store, stats)
        return served

    def _archive_failed(self, reason: str) -> None:
        # RunStore logged each article not stored; the messages stay in the processing list.
        raise SystemExit(f"newscrawl writer: {reason}: the batch stays in Redis for the next writer")

    # --- messages -------------------------------------------------------------------------

    def _apply_raw(self, raw: bytes) -> str | None:
        """Store one message as Redis holds it; one that cannot be read (another program's, a
        newscrawl of another version) is set aside in :data:`UNREADABLE`, never stored again and again."""
        try:
            message = decode(raw)
        except Exception as exc:
            logger.error("a message that cannot be read was set aside in %s: %s", UNREADABLE, exc)
            self.client.rpush(UNREADABLE, raw)
            return None
        return self._apply(message)

    def _apply(self, message: Message) -> str | None:
        """Store one message; returns the token of the run it belongs to (``None``: none served)."""
        keys = RunKeys(message.spider)
        if message.kind == "start":
            self._start(message, keys)
            return message.token if message.token in self.runs else None
        served = self.runs.get(message.token)
        if served is None:
            logger.warning("a %s message of a run the writer does not know (%s); dropped", message.kind, message.token)
            return None
        store = served.store
        if message.kind == "batch":
            articles, captures, records = message.payload
            store.store(articles, captures, records)
            urls = [item.url for item in articles]
            self.publisher.articles(urls)
            if urls:
                self.client.hdel(f"{PREFIX}:state:gone", *urls)
        elif message.kind == "ticker":
            store.ticker(message.payload)
        elif message.kind == "gone":
            store.gone(message.payload)
            self.publisher.gone(message.payload.url, message.payload.seen_at)
        elif message.kind == "not_article":
            store.not_article(message.payload)
            self.publisher.not_article(message.payload.url, message.payload.seen_at)
        elif message.kind == "end":
            reason, stats = message.payload
            served.reasons.append(reason)
            _merge(served.stats, stats)
            self.client.hdel(keys.workers, message.worker)
        return message.token

    def _checkpoint(self, tokens: set[str | None]) -> None:
        """Keep in the run's hash what the writer counted of it (stats, coverage, ticker lines
        seen), so a writer that takes over after a crash goes on counting from there."""
        for token in tokens:
            served = self.runs.get(token or "")
            if served is not None:
                store = served.store
                state = (served.stats.values, store.tally, store.ticker_seen, served.reasons)
                self.client.set(RunKeys(served.spider).checkpoint, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))

    def _start(self, message: Message, keys: RunKeys) -> None:
        """Record a run that starts and tell its workers its id (once: a replayed start is
        known by its token)."""
        if self.client.hget(keys.run, "token") != message.token.encode() or self.client.hget(keys.run, "id"):
            return
        served = self._served(message.spider, message.token)
        arguments = dict(message.payload["arguments"])
        began = utcnow()  # what is stored from now on is the run's own (see RedisState)
        run_id = served.store.start(message.spider, arguments, interrupt_running=False)
        spargs = json.dumps(message.payload["spargs"], sort_keys=True)
        arguments_json = json.dumps(arguments, default=str)
        self.client.hset(keys.run, mapping={"id": run_id, "began": began, "arguments": arguments_json, "spargs": spargs})
        self.served += 1
        logger.info("Run %d of %s started (Redis run %s)", run_id, message.spider, message.token)

    # --- the end of a run -----------------------------------------------------------------

    def _finish_ended(self) -> None:
        """Record the end of every run whose workers saw it over and have all ended."""
        for token, served in list(self.runs.items()):
            keys = RunKeys(served.spider)
            run = hash_of(self.client, keys.run)
            if run.get("token") != token:
                del self.runs[token]  # deleted by hand, or another writer's: nothing to finish
                continue
            live_workers(self.client, keys, self.worker_timeout)  # the dead ones forgotten
            if self.client.hlen(keys.workers) or not (run.get("ended") or self._abandoned(served)):
                served.abandoned_since = None if self.client.hlen(keys.workers) else served.abandoned_since
                continue
            reason = next((r for r in served.reasons if r != "finished"), "finished")
            lost = bool(run.get("lost")) or not run.get("ended")
            if lost:
                served.stats.set_value("newscrawl/requests_lost", True)
            served.stats.set_value("newscrawl/workers", len(served.reasons))
            status = served.store.finish(reason, complete=not lost)
            arguments = served.store.arguments
            self.publisher.run_complete(
                served.spider,
                arguments.get("edition"),
                arguments.get("discover") or "menus",
                arguments.get("start_urls"),
                complete=served.store.complete,
            )
            self.client.delete(*keys.all())
            del self.runs[token]
            logger.info("Run %d of %s ended: %s", served.store.run_id, served.spider, status)

    def _abandoned(self, served: ServedRun) -> bool:
        """Whether every worker of a run not seen over has ended (and none came for the worker
        timeout): they all stopped, and nobody will end it."""
        if not served.reasons:
            return False
        now = time.monotonic()
        served.abandoned_since = served.abandoned_since or now
        return now - served.abandoned_since >= self.worker_timeout

    def _show(self, end: str = "") -> None:
        if self.progress is None:
            return
        elapsed = max(time.monotonic() - self.started, 1e-9)
        line = (
            f"writer: {self.stored:,} messages stored ({self.stored / elapsed:,.0f}/s), "
            f"queue {self.client.llen(ITEMS):,}, runs {len(self.runs)}"
        )
        self.progress.write(f"\r{line}{end}")
        self.progress.flush()


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def _merge(stats: RunStats, worker: dict[str, Any]) -> None:
    """Add a worker's stats to the run's: numbers summed, anything else the last worker's."""
    for key, value in worker.items():
        current = stats.get_value(key)
        if _number(value) and _number(current):
            stats.inc_value(key, value)
        elif value is not None or current is None:
            stats.set_value(key, value)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def writer_command(url: str, db: Path, *, follow: bool = False, worker_timeout: float = 30.0) -> int:
    """``newscrawl writer``: see the module and ``--help`` for the exit statuses."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        client = connect(url)
        archive = Archive(db, exclusive=True)
    except ArchiveBusyError as exc:
        return fail("writer", exc, 4)
    except (FleetError, ArchiveError) as exc:
        return fail("writer", exc, 2 if isinstance(exc, ArchiveVersionError) else 1)
    try:
        progress = sys.stderr if sys.stderr.isatty() else None
        writer = Writer(client, archive, follow=follow, worker_timeout=worker_timeout, should_stop=stop.is_set, progress=progress)
        writer.run()
    except redis.exceptions.RedisError as exc:
        return fail("writer", f"Redis at {url} failed: {exc}", 1)
    finally:
        archive.close()
    return 130 if stop.is_set() else 0


def show_live_runs(url: str, *, as_json: bool = False) -> int:
    """``newscrawl runs --redis URL``: the distributed runs going on, with their workers."""
    try:
        client = connect(url)
        runs = live_runs(client)
    except (FleetError, redis.exceptions.RedisError) as exc:
        return fail("runs", exc, 1)
    if as_json:
        for run in runs:
            print(json.dumps(run, sort_keys=True))
        return 0
    if not runs:
        print(f"No distributed run on {url}.")
    for run in runs:
        state = "ended, being recorded" if run["ended"] else "going on"
        print(
            f"run {run['id'] or '(waiting for the writer)'} of {run['spider']} on {url}: {state}, {run['queue']:,} requests queued"
        )
        for worker in run["workers"]:
            print(f"  worker {worker['name']}: {'busy' if worker['busy'] else 'idle'}, heard from {worker['silent']:.1f} s ago")
    return 0


def live_runs(client: redis.Redis) -> list[dict[str, Any]]:
    """Each distributed run in Redis: spider, token, id (``None`` before the writer gave one),
    ended, lost, queued requests, and its workers (name, busy, seconds since their heartbeat)."""
    found = []
    now = time.time()
    for key in sorted(text(k) for k in client.scan_iter(match=f"{PREFIX}:*:run")):
        spider = key.split(":")[1]
        keys = RunKeys(spider)
        run = hash_of(client, key)
        workers = [
            {"name": name, "busy": bool(state["busy"]), "silent": round(now - state["beat"], 1)}
            for name, state in sorted((name, json.loads(raw)) for name, raw in hash_of(client, keys.workers).items())
        ]
        found.append(
            {
                "spider": spider,
                "token": run.get("token"),
                "id": int(run["id"]) if "id" in run else None,
                "ended": bool(run.get("ended")),
                "lost": bool(run.get("lost")),
                "queue": int(client.zcard(keys.requests)),
                "workers": workers,
            }
        )
    return found
