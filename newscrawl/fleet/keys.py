"""The Redis keys of distributed mode, and who a worker is.

One Redis database serves one archive (one writer). Per spider, one run at a time:

- ``newscrawl:<spider>:requests``, ``:dupefilter``: the run's queue and duplicate filter
  (scrapy-redis's sorted set of requests and set of fingerprints);
- ``newscrawl:<spider>:run``: a hash: ``token`` (the run's own name), ``id`` (its
  ``crawl_runs.id``, set by the writer, with ``began``: the writer's time then), ``ended`` (set
  when the queue is empty and no worker holds a request), ``lost`` (a worker died holding
  requests: the run is not complete), ``rechecks`` (a worker has requested the run's due
  re-checks), ``discovered`` (a ``news`` run's discovery is over);
- ``newscrawl:<spider>:workers``: worker name → its state (JSON: ``busy``, ``beat``, the UNIX
  time of its last heartbeat);
- ``newscrawl:<spider>:discovered``: what the workers of a ``news`` run found in its discovery
  (:mod:`newscrawl.fleet.discovery`);
- ``newscrawl:<spider>:writer``: what the writer counted of the run so far (pickled), for a
  writer that takes over after a crash.

For the writer: ``newscrawl:items`` (the messages of every run, in order) and
``newscrawl:items:processing`` (the batch it is storing: emptied only once the archive committed
it, replayed when it restarts); ``newscrawl:state:*`` (what workers read to skip work, which the
writer keeps: :mod:`newscrawl.fleet.state`).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import redis
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.retry import Retry

PREFIX = "newscrawl"
#: ``Request.meta`` key: in distributed mode, the request is answered by the worker that made it
#: (the start page a spider learns its menus from), never put in the shared queue.
OWN_REQUEST = "newscrawl_own"
#: How often a command is tried again when Redis does not answer (backing off up to 2 s).
RECONNECT_TRIES = 40
#: Every run's messages to the writer, oldest first.
ITEMS = f"{PREFIX}:items"
#: The batch the writer is storing.
PROCESSING = f"{PREFIX}:items:processing"
#: Messages the writer could not read, set aside.
UNREADABLE = f"{PREFIX}:items:unreadable"


@dataclass(frozen=True)
class RunKeys:
    """The keys of a spider's run."""

    spider: str

    def _key(self, name: str) -> str:
        return f"{PREFIX}:{self.spider}:{name}"

    @property
    def requests(self) -> str:
        return self._key("requests")

    @property
    def dupefilter(self) -> str:
        return self._key("dupefilter")

    @property
    def run(self) -> str:
        return self._key("run")

    @property
    def workers(self) -> str:
        return self._key("workers")

    @property
    def checkpoint(self) -> str:
        return self._key("writer")

    @property
    def discovered(self) -> str:
        return self._key("discovered")

    def all(self) -> tuple[str, ...]:
        """Every key of the run (deleted once it ended, so the next run starts afresh)."""
        return (self.requests, self.dupefilter, self.run, self.workers, self.checkpoint, self.discovered)


class FleetError(Exception):
    """Distributed mode cannot go on: Redis cannot be used, or no writer answers."""


def no_writer(timeout: float) -> FleetError:
    """The error of a worker that waited ``timeout`` seconds for a writer in vain."""
    return FleetError(
        f"no newscrawl writer answers on Redis within {timeout:g} s (start 'newscrawl writer --redis URL --db ARCHIVE')"
    )


def text(value: bytes | str) -> str:
    """A value redis-py returns (bytes) as text."""
    return value.decode() if isinstance(value, bytes) else value


def hash_of(client: redis.Redis, key: str) -> dict[str, str]:
    """A Redis hash as text."""
    return {text(k): text(v) for k, v in client.hgetall(key).items()}


def worker_name() -> str:
    """This process's name as a worker: ``host-pid``."""
    return f"{socket.gethostname()}-{os.getpid()}"


def worker_tag() -> str:
    """This worker's tag in its WARC files' names: ``host_pid`` in letters, digits and ``_``."""
    host = "".join(c for c in socket.gethostname() if c.isalnum())[:32] or "host"
    return f"{host}_{os.getpid()}"


def connect(url: str) -> redis.Redis:
    """A client of the Redis at ``url`` (``redis://host:port/db``); raises :class:`FleetError`
    for a malformed URL or when nothing answers there."""
    # A lost connection is tried again for about a minute: Redis restarted (from its append-only
    # file) is met again, and the run goes on.
    retry = Retry(ExponentialWithJitterBackoff(base=0.05, cap=2.0), RECONNECT_TRIES)
    try:
        # First once, at once: a wrong URL is said in seconds, not after a minute of retries.
        with redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5, retry=Retry(NoBackoff(), 0)) as probe:
            probe.ping()
        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, retry=retry)
    except (ValueError, redis.exceptions.RedisError) as exc:
        raise FleetError(f"cannot use Redis at {url}: {exc}") from None
    return client
