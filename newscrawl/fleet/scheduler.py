"""A worker's scheduler: scrapy-redis's, on the run's keys, knowing when the run is over.

The run's requests are one scrapy-redis priority queue and one duplicate filter, shared by every
worker (:class:`newscrawl.fleet.keys.RunKeys`). Each worker keeps its state in the run's
``workers`` hash: ``busy`` from the moment it takes a request until its engine is idle again,
and a heartbeat every ``FLEET_HEARTBEAT`` seconds. The run is over when the queue is empty and
no live worker is busy, seen twice ``FLEET_HEARTBEAT`` apart: the worker that sees it marks the
run ``ended``; every worker then closes (reason ``finished``). A worker whose heartbeat is older
than ``FLEET_WORKER_TIMEOUT`` is dead: if it held requests, they are lost, and the run is marked
``lost`` (not complete: the next run walks every listing again).

A worker takes no request of the queue before its spider is ``ready`` (an attribute; the
``almayadeen`` spider learns the menus from its own fetch of the homepage first). Requests marked
:data:`newscrawl.fleet.keys.OWN_REQUEST` (that homepage) stay with the worker that made them.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newscrawl.fleet.keys import OWN_REQUEST, RunKeys, connect, worker_name
from newscrawl.fleet.runs import live_workers

if TYPE_CHECKING:
    import redis
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)

# Take the best request and mark the worker busy in one step: no other worker can see the queue
# empty and this one idle while it holds a request.
_POP = """
local found = redis.call('zrange', KEYS[1], 0, 0)
if #found > 0 then
  redis.call('zremrangebyrank', KEYS[1], 0, 0)
  redis.call('hset', KEYS[2], ARGV[1], ARGV[2])
end
return found
"""


def worker_state(busy: bool, *, closed: bool = False) -> str:
    """A worker's entry in the run's ``workers`` hash."""
    return json.dumps({"busy": busy, "beat": time.time(), "closed": closed})


class RunQueue(PriorityQueue):  # type: ignore[misc]  # scrapy-redis is untyped
    """scrapy-redis's priority queue, whose pop marks the worker busy (see :data:`_POP`)."""

    workers_key = ""
    worker = ""
    _script: Any = None

    def pop(self, timeout: int = 0) -> Request | None:
        # Registered once: then called by its SHA (redis-py loads it again after a Redis restart).
        if self._script is None:
            self._script = self.server.register_script(_POP)
        found = self._script(keys=[self.key, self.workers_key], args=[self.worker, worker_state(True)])
        return self._decode_request(found[0]) if found else None


class FleetScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis is untyped
    """See the module."""

    def __init__(self, server: redis.Redis, crawler: Crawler, **kwargs: Any) -> None:
        super().__init__(server, persist=True, **kwargs)
        self.crawler = crawler
        settings = crawler.settings
        self.heartbeat = settings.getfloat("FLEET_HEARTBEAT", 2.0)
        self.worker_timeout = settings.getfloat("FLEET_WORKER_TIMEOUT", 30.0)
        self.worker = worker_name()
        self.keys: RunKeys | None = None
        self.busy = False
        #: When this worker last saw the run over (queue empty, nobody busy); ``None``: it did not.
        self.seen_over: float | None = None
        self.beat = task.LoopingCall(self._beat)
        #: This worker's own requests (:data:`OWN_REQUEST`), before any of the queue.
        self.own: deque[Request] = deque()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = cls(connect(crawler.settings["REDIS_URL"]), crawler)
        scheduler.stats = crawler.stats
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.keys = keys = RunKeys(spider.name)
        self.queue = RunQueue(server=self.server, spider=spider, key=keys.requests, serializer=self.serializer)
        self.queue.workers_key, self.queue.worker = keys.workers, self.worker
        self.df = RFPDupeFilter(self.server, key=keys.dupefilter, debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        self.server.hset(keys.workers, self.worker, worker_state(True))
        self.busy = True
        self.beat.start(self.heartbeat, now=False)
        if len(self.queue):
            spider.logger.info("Joining run: %d requests in the queue", len(self.queue))

    def close(self, reason: str) -> None:
        # The worker stays in the run's workers, closed, until the writer has stored its last
        # message (its "end"): however far behind the writer is, the run does not end before.
        if self.beat.running:
            self.beat.stop()
        if self.keys is not None:
            self.server.hset(self.keys.workers, self.worker, worker_state(False, closed=True))

    def __len__(self) -> int:
        return len(self.queue) + len(self.own)

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get(OWN_REQUEST):
            self.own.append(request)
            return True
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def has_pending_requests(self) -> bool:
        return bool(self.own) or len(self.queue) > 0

    def next_request(self) -> Request | None:
        if self.own:
            return self.own.popleft()
        if not getattr(self.spider, "ready", True):
            return None
        request = self.queue.pop()
        if request is not None:
            self.busy = True
            if self.stats:
                self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _beat(self) -> None:
        assert self.keys is not None
        self.server.hset(self.keys.workers, self.worker, worker_state(self.busy))

    def spider_idle(self, spider: Spider) -> None:
        """The engine holds nothing: this worker is idle. Close when the run is over."""
        assert self.keys is not None
        keys = self.keys
        self.busy = False
        self.server.hset(keys.workers, self.worker, worker_state(False))
        if self.server.hget(keys.run, "ended"):
            return  # the run is over: let the spider close
        if len(self.queue) or not getattr(spider, "ready", True) or self._others_busy():
            self.seen_over = None
            self._look_again()
            raise DontCloseSpider
        now = time.monotonic()
        if self.seen_over is None or now - self.seen_over < self.heartbeat:
            self.seen_over = self.seen_over or now
            self._look_again()
            raise DontCloseSpider
        self.server.hset(keys.run, "ended", "1")
        logger.info("The run is over: its queue is empty and no worker holds a request")

    def _look_again(self) -> None:
        """Have the idle engine ask for requests again in ``FLEET_HEARTBEAT`` seconds, not in its
        own 5: the queue may fill from another worker, or the run end, meanwhile."""
        slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy's engine has no public hook
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            task.deferLater(_reactor(), self.heartbeat, nextcall.schedule).addErrback(lambda _: None)

    def _others_busy(self) -> bool:
        """Whether a live worker other than this one may hold requests (see
        :func:`newscrawl.fleet.runs.live_workers`)."""
        assert self.keys is not None
        live = live_workers(self.server, self.keys, self.worker_timeout)
        return any(state["busy"] for name, state in live.items() if name != self.worker)


def _reactor() -> Any:
    """The reactor Scrapy installed (Twisted types it as a module)."""
    from twisted.internet import reactor  # noqa: PLC0415 (imported once installed)

    return reactor
