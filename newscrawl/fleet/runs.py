"""A spider's run on Redis, as its workers and ``newscrawl enqueue`` see it: joining it or
starting it, and waiting for the next one.

A run is started once (``HSETNX`` of its token) by whoever finds none: a ``start`` message
asks the writer to record it, and the writer answers with its id in the run's hash, beside the
spider arguments it was started with (``arguments``, as the spider normalized them, and
``spargs``, the ``-a`` arguments as given). A worker joins a run only with the same ``-a``
arguments; a worker kept alive (``REDIS_KEEP_ALIVE``) takes the next run's.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

from newscrawl.fleet.keys import ITEMS, FleetError, RunKeys, hash_of, no_writer, worker_name
from newscrawl.fleet.messages import Message, encode
from newscrawl.fleet.state import LOADED

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import redis


def join_run(
    client: redis.Redis,
    spider: str,
    arguments: Mapping[str, Any],
    spargs: Mapping[str, str],
    *,
    timeout: float,
    start: bool = True,
    sender: str = "",
) -> tuple[str, int]:
    """``(token, run id)`` of the spider's current run; when there is none (or the last one is
    ending) and ``start``, a new run with ``arguments`` (normalized) and ``spargs`` (as given),
    announced to the writer. Waits up to ``timeout`` seconds for the writer (to have loaded the
    archive's state, and to record a new run); raises :class:`FleetError` when it does not
    answer, or when the run going on was started with other arguments."""
    keys = RunKeys(spider)
    deadline = time.monotonic() + timeout
    while True:
        run = hash_of(client, keys.run)
        if run.get("ended"):
            pass  # the last run is ending: wait until the writer has recorded its end
        elif run.get("id") and client.get(LOADED):
            theirs = json.loads(run.get("spargs") or "{}")
            if start and theirs != dict(spargs):
                given = " ".join(f"-a {k}={v}" for k, v in sorted(theirs.items())) or "no -a arguments"
                raise FleetError(f"run {run['id']} of {spider} going on was started with {given}: join it with the same")
            return run["token"], int(run["id"])
        elif not run and client.get(LOADED) and start:
            token = uuid.uuid4().hex
            if client.hsetnx(keys.run, "token", token):
                payload = {"arguments": dict(arguments), "spargs": dict(spargs)}
                client.rpush(ITEMS, encode(Message("start", spider, token, sender or worker_name(), payload, time.time())))
        if time.monotonic() > deadline:
            raise no_writer(timeout)
        time.sleep(0.1)


def live_workers(client: redis.Redis, keys: RunKeys, timeout: float) -> dict[str, dict[str, Any]]:
    """The run's workers heard from within ``timeout`` seconds, or closed (their last messages
    may wait for the writer), with their state (``busy``, ``beat``, ``closed``). One silent longer
    is dead: it is removed, and if it held requests the run is marked ``lost`` (those requests
    are gone: the run is not complete)."""
    now = time.time()
    live = {}
    for name, raw in hash_of(client, keys.workers).items():
        state = json.loads(raw)
        if state.get("closed") or now - state["beat"] <= timeout:
            live[name] = state
            continue
        logger.warning(
            "worker %s of %s stopped answering%s", name, keys.spider, ": its requests are lost" if state["busy"] else ""
        )
        if state["busy"]:
            client.hset(keys.run, "lost", "1")
        client.hdel(keys.workers, name)
    return live


def next_run(client: redis.Redis, spider: str, after: str, *, stop: Callable[[], bool]) -> dict[str, str] | None:
    """The ``-a`` arguments of the spider's next run (one with an id, not ended, whose token is
    not ``after``), once there is one; ``None`` when ``stop()`` says to give up."""
    keys = RunKeys(spider)
    while not stop():
        run = hash_of(client, keys.run)
        if run.get("id") and not run.get("ended") and run.get("token") != after:
            spargs: dict[str, str] = json.loads(run.get("spargs") or "{}")
            return spargs
        time.sleep(0.5)
    return None


def enqueue_command(url: str, spider: str, pairs: list[str], *, timeout: float = 60.0) -> int:
    """``newscrawl enqueue --redis URL SPIDER [-a NAME=VALUE ...]``: start a run of ``spider``
    for workers to join (those kept alive join it at once). Exit status: 0 started (or a run of
    the spider is going on already: said so), 1 Redis or the writer does not answer, 2 bad input."""
    from scrapy.settings import Settings  # noqa: PLC0415 (imported with the command)
    from scrapy.spiderloader import SpiderLoader  # noqa: PLC0415

    from newscrawl.crawl.arguments import SpiderArgumentError  # noqa: PLC0415
    from newscrawl.desk.terminal import fail  # noqa: PLC0415
    from newscrawl.fleet.keys import connect  # noqa: PLC0415

    spargs: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            return fail("enqueue", f"-a {pair!r} is not NAME=VALUE", 2)
        spargs[name] = value
    settings = Settings()
    settings.setmodule("newscrawl.settings")
    try:
        spidercls = SpiderLoader.from_settings(settings).load(spider)
        arguments = getattr(spidercls(**spargs), "arguments", {})
    except KeyError:
        return fail("enqueue", f"no spider {spider!r} (scrapy list names them)", 2)
    except SpiderArgumentError as exc:
        return fail("enqueue", exc, 2)
    try:
        client = connect(url)
        going = hash_of(client, RunKeys(spider).run)
        if going.get("id") and not going.get("ended"):
            print(f"run {going['id']} of {spider} is going on on {url}: workers started now join it")
            return 0
        _, run_id = join_run(client, spider, arguments, spargs, timeout=timeout, sender="enqueue")
    except FleetError as exc:
        return fail("enqueue", exc, 1)
    print(f"run {run_id} of {spider} started on {url}: workers started with -s REDIS_URL={url} (or kept alive) join it")
    return 0
