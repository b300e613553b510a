"""One discovery for the whole run: the ``news`` spider's candidates, shared by its workers.

A ``news`` run discovers its articles first (start pages, robots.txt, sitemaps, feeds, section
pages) and requests them when discovery is over. A worker of a distributed run reads only some
of the discovery pages, and one sitemap may say more of an article another worker found in a
feed: so each worker adds what it found to the run's list (``newscrawl:<spider>:discovered``)
whenever it is idle, and the first worker to see the whole run idle (:data:`_SHARE`: its queue
empty, no other worker busy, which needs every worker to have added its part) takes the
discovery over: it merges every part and requests the articles, once each. What a worker finds
later (it joined after that) it requests itself.
"""

from __future__ import annotations

import pickle
import time
from typing import TYPE_CHECKING, Literal, cast

from newscrawl.fleet.keys import RunKeys
from newscrawl.fleet.scheduler import RUN_IDLE

if TYPE_CHECKING:
    import redis

#: What :meth:`SharedDiscovery.share` finds: ``wait`` (discovery goes on elsewhere), ``taken``
#: (this worker requests the run's articles) or ``over`` (another worker did).
Outcome = Literal["wait", "taken", "over"]
_OUTCOMES: dict[int, Outcome] = {0: "wait", 1: "taken", 2: "over"}

# Add a worker's part (unless the discovery was taken over already: 2), then take the discovery
# over if the run is idle (1) or wait (0). KEYS: queue, workers, run, parts; ARGV: as RUN_IDLE's,
# then the part ('': none).
_SHARE = (
    RUN_IDLE
    + """
if redis.call('hget', KEYS[3], 'discovered') then return 2 end
if ARGV[4] ~= '' then redis.call('rpush', KEYS[4], ARGV[4]) end
if not run_idle() then return 0 end
redis.call('hset', KEYS[3], 'discovered', '1')
return 1
"""
)


class SharedDiscovery:
    """A worker's side of the run's discovery (see the module)."""

    def __init__(self, client: redis.Redis, spider: str, worker: str, worker_timeout: float) -> None:
        self.client = client
        self.keys = RunKeys(spider)
        self.worker = worker
        self.worker_timeout = worker_timeout
        self._share = client.register_script(_SHARE)

    def share(self, part: object | None) -> Outcome:
        """Add ``part`` (what this worker found since it last shared; ``None``: nothing) to the
        run's discovery and see whether the discovery is over (see :data:`Outcome`); with
        ``over``, ``part`` was not added."""
        keys = self.keys
        data = b"" if part is None else pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
        found = self._share(
            keys=[keys.requests, keys.workers, keys.run, keys.discovered],
            args=[self.worker, time.time(), self.worker_timeout, data],
        )
        return _OUTCOMES[int(found)]

    def parts(self) -> list[object]:
        """Every worker's parts, in the order they were added."""
        found = cast("list[bytes]", self.client.lrange(self.keys.discovered, 0, -1))
        return [pickle.loads(data) for data in found]
