"""What workers send the writer: one :class:`Message` per event of a run, pickled.

Pickled, not JSON: the items are the crawl's own dataclasses, and both ends are the same
newscrawl. Redis is the fleet's own service, trusted as the archive's disk is.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any, Literal

#: ``start``: a run begins (``payload``: its spider arguments); ``batch``: articles with the
#: captures written since the last batch (``(articles, captures, records)``, records by article
#: URL); ``ticker``, ``gone``, ``not_article``: one such item; ``end``: a worker is done
#: (``(close reason, its stats)``).
Kind = Literal["start", "batch", "ticker", "gone", "not_article", "end"]


@dataclass(frozen=True)
class Message:
    """One event of a run, from one worker."""

    kind: Kind
    #: The spider, and the run's token (its name in Redis, before the writer gives it an id).
    spider: str
    token: str
    worker: str
    payload: Any = None
    #: When it was sent (UNIX time): the writer's progress line shows the lag.
    sent: float = field(default=0.0, compare=False)


def encode(message: Message) -> bytes:
    return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def decode(data: bytes) -> Message:
    message = pickle.loads(data)
    if not isinstance(message, Message):
        raise TypeError(f"not a newscrawl message: {type(message).__name__}")
    return message
