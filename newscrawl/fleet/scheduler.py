"""A worker's scheduler: scrapy-redis's, on the run's keys, knowing when the run is over.

The run's requests are one scrapy-redis priority queue and one duplicate filter, shared by every
worker (:class:`newscrawl.fleet.keys.RunKeys`). Each worker keeps its state in the run's
``workers`` hash: ``busy`` from the moment it takes requests until its engine is idle again,
and a heartbeat every ``FLEET_HEARTBEAT`` seconds. The run is over when the queue is empty and
no live worker is busy, seen in one step (:data:`_END`): the worker that sees it marks the run
``ended``; every worker then closes (reason ``finished``). A worker whose heartbeat is older
than ``FLEET_WORKER_TIMEOUT`` is dead: if it held requests, they are lost, and the run is marked
``lost`` (not complete: the next run walks every listing again).

Redis is asked as seldom as a page allows, since every question stops the worker until it is
answered: a worker takes up to :data:`POP_BATCH` requests at a time, and the requests a page
leads to go to the queue together, each only if the duplicate filter had not seen it
(:data:`_PUSH`), once the engine asks for a request or the reactor has run everything ready.

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

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newscrawl.crawl.reactor import installed_reactor
from newscrawl.fleet.keys import OWN_REQUEST, RunKeys, connect, worker_name
from newscrawl.fleet.runs import live_workers

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import redis
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)

#: Requests a worker takes from the queue at a time (it is busy while it holds any).
POP_BATCH = 4
#: Seconds an idle worker waits before it looks at the queue and the run again.
IDLE_LOOK = 0.25

# Take the best requests and mark the worker busy in one step: no other worker can see the queue
# empty and this one idle while it holds a request.
# KEYS: queue, workers; ARGV: worker, its state, how many.
_POP = """
local found = redis.call('zrange', KEYS[1], 0, tonumber(ARGV[3]) - 1)
if #found > 0 then
  redis.call('zremrangebyrank', KEYS[1], 0, #found - 1)
  redis.call('hset', KEYS[2], ARGV[1], ARGV[2])
end
return found
"""

# Queue each request its duplicate filter had not seen (fingerprint '': never filtered), in one
# step: a fingerprint is never recorded without its request. Returns 1 (queued) or 0 a request.
# KEYS: queue, duplicate filter; ARGV: fingerprint, score, request, fingerprint, ...
_PUSH = """
local queued = {}
for i = 1, #ARGV, 3 do
  if ARGV[i] == '' or redis.call('sadd', KEYS[2], ARGV[i]) == 1 then
    redis.call('zadd', KEYS[1], ARGV[i + 1], ARGV[i + 2])
    queued[#queued + 1] = 1
  else
    queued[#queued + 1] = 0
  end
end
return queued
"""

#: Lua: whether the whole run is idle, as a worker that is idle itself sees it: its queue empty
#: and no live worker but the asker busy. In one step, so no worker can queue requests and go idle
#: between the two looks. KEYS[1]: the queue, KEYS[2]: the workers; ARGV[1]: the asker, ARGV[2]:
#: now (UNIX time), ARGV[3]: the worker timeout.
RUN_IDLE = """
local function run_idle()
  if redis.call('zcard', KEYS[1]) > 0 then return false end
  local workers = redis.call('hgetall', KEYS[2])
  for i = 1, #workers, 2 do
    if workers[i] ~= ARGV[1] then
      local state = cjson.decode(workers[i + 1])
      if state.busy and (state.closed or tonumber(ARGV[2]) - state.beat <= tonumber(ARGV[3])) then return false end
    end
  end
  return true
end
"""

# The run is over when it is idle (RUN_IDLE): then it is marked ended. KEYS[3]: the run.
_END = (
    RUN_IDLE
    + """
if not run_idle() then return 0 end
redis.call('hset', KEYS[3], 'ended', '1')
return 1
"""
)


def worker_state(busy: bool, *, closed: bool = False) -> str:
    """A worker's entry in the run's ``workers`` hash."""
    return json.dumps({"busy": busy, "beat": time.time(), "closed": closed})


class RunQueue(PriorityQueue):  # type: ignore[misc]  # scrapy-redis is untyped
    """scrapy-redis's priority queue, whose pop takes several requests and marks the worker busy
    (:data:`_POP`), and whose push takes a page's requests at once through the duplicate filter
    (:data:`_PUSH`)."""

    def __init__(self, server: redis.Redis, spider: Spider, keys: RunKeys, worker: str, **kwargs: Any) -> None:
        super().__init__(server=server, spider=spider, key=keys.requests, **kwargs)
        self.keys = keys
        self.worker = worker
        # Registered once, then called by their SHA (redis-py loads them again after a restart).
        self._pop = server.register_script(_POP)
        self._push = server.register_script(_PUSH)
        self._method_names: dict[Any, str] = {}

    def pop_many(self, count: int) -> list[Request]:
        """Up to ``count`` requests, best first; the worker is marked busy when there is one."""
        found = self._pop(keys=[self.key, self.keys.workers], args=[self.worker, worker_state(True), count])
        return [self._decode_request(data) for data in found]

    def pop(self, timeout: int = 0) -> Request | None:
        found = self.pop_many(1)
        return found[0] if found else None

    def push_new(self, requests: Sequence[tuple[Request, str]]) -> list[bool]:
        """Queue each ``(request, fingerprint)`` whose fingerprint the duplicate filter had not
        seen (``''``: never filtered); returns whether each was queued."""
        args: list[Any] = []
        for request, fingerprint in requests:
            args += [fingerprint, -request.priority, self._encode_request(request)]
        return [bool(flag) for flag in self._push(keys=[self.key, self.keys.dupefilter], args=args)]

    def _encode_request(self, request: Request) -> bytes:
        # As Request.to_dict(spider=...), which looks a callback up among all of the spider's
        # members for every request (a third of a millisecond here): the name, once per method.
        obj = {
            "url": request.url,
            "callback": self._method_name(request.callback),
            "errback": self._method_name(request.errback),
            "headers": dict(request.headers),
        }
        for attr in request.attributes:
            obj.setdefault(attr, getattr(request, attr))
        if type(request) is not Request:
            obj["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        data: bytes = self.serializer.dumps(obj)
        return data

    def _method_name(self, method: Callable[..., Any] | None) -> str | None:
        if method is None:
            return None
        func = getattr(method, "__func__", method)
        if func not in self._method_names:
            self._method_names[func] = Request("about:blank", callback=method).to_dict(spider=self.spider)["callback"]
        return self._method_names[func]


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
        self.beat = task.LoopingCall(self._beat)
        #: This worker's own requests (:data:`OWN_REQUEST`), before any of the queue.
        self.own: deque[Request] = deque()
        #: Requests taken from the queue, not yet given to the engine.
        self.taken: deque[Request] = deque()
        #: Requests for the queue, not yet sent (see :meth:`push`).
        self.pending: list[Request] = []
        self._end: Any = None  # the script of _END, once open

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = cls(connect(crawler.settings["REDIS_URL"]), crawler)
        scheduler.stats = crawler.stats
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.keys = keys = RunKeys(spider.name)
        self.queue = RunQueue(self.server, spider, keys, self.worker, serializer=self.serializer)
        self.df = RFPDupeFilter(self.server, key=keys.dupefilter, debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        self._end = self.server.register_script(_END)
        self.server.hset(keys.workers, self.worker, worker_state(True))
        self.busy = True
        self.beat.start(self.heartbeat, now=False)
        if len(self.queue):
            spider.logger.info("Joining run: %d requests in the queue", len(self.queue))

    def close(self, reason: str) -> None:
        self.push()
        if self.taken:  # taken and not fetched (the crawl was stopped): back for the other workers
            self.queue.push_new([(request, "") for request in self.taken])
            self.taken.clear()
        # The worker stays in the run's workers, closed, until the writer has stored its last
        # message (its "end"): however far behind the writer is, the run does not end before.
        if self.beat.running:
            self.beat.stop()
        if self.keys is not None:
            self.server.hset(self.keys.workers, self.worker, worker_state(False, closed=True))

    def __len__(self) -> int:
        return len(self.queue) + len(self.own) + len(self.taken) + len(self.pending)

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get(OWN_REQUEST):
            self.own.append(request)
            return True
        if not self.pending:
            # Sent with the rest of the page's requests once the reactor has run what is ready.
            installed_reactor().callLater(0, self.push)
        self.pending.append(request)
        return True

    def push(self) -> None:
        """Send the pending requests to the queue, each unless the duplicate filter saw it."""
        if not self.pending:
            return
        requests, self.pending = self.pending, []
        marked = [(r, "" if r.dont_filter else self.df.request_fingerprint(r)) for r in requests]
        for request, queued in zip(requests, self.queue.push_new(marked), strict=True):
            if queued:
                if self.stats:
                    self.stats.inc_value("scheduler/enqueued/redis")
            else:
                self.df.log(request, self.spider)
                if self.stats:
                    self.stats.inc_value("dupefilter/filtered")

    def has_pending_requests(self) -> bool:
        return bool(self.own or self.taken or self.pending) or len(self.queue) > 0

    def next_request(self) -> Request | None:
        if self.own:
            return self.own.popleft()
        self.push()
        if not self.taken and getattr(self.spider, "ready", True):
            self.taken.extend(self.queue.pop_many(POP_BATCH))
        if not self.taken:
            return None
        self.busy = True
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return self.taken.popleft()

    def _beat(self) -> None:
        assert self.keys is not None
        self.server.hset(self.keys.workers, self.worker, worker_state(self.busy))

    def spider_idle(self, spider: Spider) -> None:
        """The engine holds nothing: this worker is idle. Close when the run is over."""
        assert self.keys is not None
        keys = self.keys
        self.push()
        self.busy = False
        self.server.hset(keys.workers, self.worker, worker_state(False))
        if self.server.hget(keys.run, "ended"):
            return  # the run is over: let the spider close
        if getattr(spider, "ready", True):
            live_workers(self.server, keys, self.worker_timeout)  # the dead are no longer waited for
            if self._end(keys=[keys.requests, keys.workers, keys.run], args=[self.worker, time.time(), self.worker_timeout]):
                logger.info("The run is over: its queue is empty and no worker holds a request")
                return
        self._look_again()
        raise DontCloseSpider

    def _look_again(self) -> None:
        """Have the idle engine ask for requests again in :data:`IDLE_LOOK` seconds, not in its
        own 5: the queue may fill from another worker, or the run end, meanwhile."""
        slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy's engine has no public hook
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            task.deferLater(installed_reactor(), IDLE_LOOK, nextcall.schedule).addErrback(lambda _: None)
