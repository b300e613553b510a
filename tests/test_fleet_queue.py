"""A worker's side of the shared frontier, against a real Redis: the queue's scripts (take
several requests and mark the worker busy, queue a page's requests through the duplicate
filter, see the run over in one step), requests as they travel through Redis, a scheduler that
gives back what it took when it closes, what a worker reads of the archive's state, and a
``news`` run's one discovery."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest
import scrapy
from scrapy.http import FormRequest
from scrapy.utils.test import get_crawler

from newscrawl.archive import Archive, ArchiveState
from newscrawl.discovery import ArticleHints
from newscrawl.fleet.discovery import SharedDiscovery
from newscrawl.fleet.keys import RunKeys
from newscrawl.fleet.scheduler import _END, FleetScheduler, RunQueue, worker_state
from newscrawl.fleet.state import RedisState, StatePublisher
from newscrawl.items import ArticleItem, GoneItem, NotArticleItem
from newscrawl.spiders.news import Candidate

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import redis
    from redisserver import RedisServer

KEYS = RunKeys("queue-test")
PAGE = "https://example.org/news"


class QueueSpider(scrapy.Spider):
    name = "queue-test"

    def parse(self, response: Any) -> None: ...

    def parse_article(self, response: Any) -> None: ...

    def failed(self, failure: Any) -> None: ...


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    with redis_server.client() as opened:
        yield opened


@pytest.fixture
def queue(client: redis.Redis) -> RunQueue:
    return RunQueue(client, QueueSpider(), KEYS, "me")


def request(path: str, priority: int = 0, **kwargs: Any) -> scrapy.Request:
    return scrapy.Request(f"{PAGE}/{path}", priority=priority, **kwargs)


def urls(requests: list[scrapy.Request]) -> list[str]:
    return [r.url.removeprefix(PAGE + "/") for r in requests]


def test_a_pop_takes_the_best_requests_and_marks_the_worker_busy(client: redis.Redis, queue: RunQueue) -> None:
    assert queue.pop_many(4) == []
    assert client.hget(KEYS.workers, "me") is None  # nothing taken: not marked
    queue.push_new([(request("low", 0), ""), (request("high", 5), ""), (request("mid", 2), ""), (request("low2", 0), "")])
    assert urls(queue.pop_many(2)) == ["high", "mid"]
    assert json.loads(client.hget(KEYS.workers, "me") or "{}")["busy"] is True
    assert len(queue) == 2
    assert sorted(urls(queue.pop_many(4))) == ["low", "low2"]
    assert len(queue) == 0


def test_a_push_queues_only_what_the_duplicate_filter_had_not_seen(client: redis.Redis, queue: RunQueue) -> None:
    first = queue.push_new([(request("a"), "fa"), (request("b"), "fb"), (request("a"), "fa")])
    assert first == [True, True, False]
    again = queue.push_new([(request("b"), "fb"), (request("c"), "fc"), (request("b", meta={"n": 2}), "")])
    assert again == [False, True, True]  # '': never filtered (dont_filter)
    assert client.smembers(KEYS.dupefilter) == {b"fa", b"fb", b"fc"}
    assert sorted(urls(queue.pop_many(10))) == ["a", "b", "b", "c"]


@pytest.mark.parametrize(
    "made",
    [
        lambda: request("plain"),
        lambda: request("cb", 3, callback=QueueSpider.parse_article, errback=QueueSpider.failed),
        lambda: request("kw", callback=QueueSpider.parse_article, cb_kwargs={"n": 1}, meta={"depth": 2, "x": [1]}),
        lambda: request("filtered", dont_filter=True, headers={"Referer": PAGE}, flags=["f"]),
        lambda: FormRequest(f"{PAGE}/form", formdata={"q": "x"}, callback=QueueSpider.parse),
    ],
)
def test_a_request_travels_through_redis_as_scrapy_would_write_it(queue: RunQueue, made: Any) -> None:
    spider = queue.spider
    original = made()
    for name in ("callback", "errback"):  # bound to the spider, as a spider's requests are
        if getattr(original, name) is not None:
            original = original.replace(**{name: getattr(spider, getattr(original, name).__name__)})
    assert queue.serializer.loads(queue._encode_request(original)) == original.to_dict(spider=spider)
    queue.push_new([(original, "")])
    (back,) = queue.pop_many(1)
    assert back.to_dict(spider=spider) == original.to_dict(spider=spider)
    assert type(back) is type(original)


# A worker's state in the table below: (busy, seconds since its last heartbeat, closed).
Worker = tuple[bool, float, bool]


@pytest.mark.parametrize(
    ("queued", "workers", "over"),
    [
        (0, {}, True),
        (1, {}, False),  # requests wait in the queue
        (0, {"me": (True, 0, False)}, True),  # the asker is idle whatever it last wrote
        (0, {"other": (True, 0, False)}, False),  # another worker holds requests
        (0, {"other": (False, 0, False), "third": (True, 0, False)}, False),
        (0, {"other": (False, 0, False), "third": (False, 0, False)}, True),
        (0, {"other": (True, 60, False)}, True),  # silent past the timeout: dead
        (0, {"other": (False, 60, True)}, True),  # closed, its last messages waiting for the writer
    ],
)
def test_the_run_is_over_when_the_queue_is_empty_and_no_live_worker_is_busy(
    client: redis.Redis, queue: RunQueue, queued: int, workers: dict[str, Worker], over: bool
) -> None:
    if queued:
        queue.push_new([(request("waiting"), "")])
    for name, (busy, age, closed) in workers.items():
        state = json.loads(worker_state(busy, closed=closed))
        client.hset(KEYS.workers, name, json.dumps({**state, "beat": state["beat"] - age}))
    end = client.register_script(_END)
    assert end(keys=[KEYS.requests, KEYS.workers, KEYS.run], args=["me", time.time(), 30]) == int(over)
    assert client.hget(KEYS.run, "ended") == (b"1" if over else None)


def test_a_scheduler_sends_a_pages_requests_together_and_gives_back_what_it_took(
    client: redis.Redis, redis_server: RedisServer
) -> None:
    crawler = get_crawler(QueueSpider, {"REDIS_URL": redis_server.url})
    spider = QueueSpider.from_crawler(crawler)
    scheduler = FleetScheduler.from_crawler(crawler)
    scheduler.open(spider)
    try:
        for path in ("a", "b", "a", "c", "d", "e", "f"):
            assert scheduler.enqueue_request(request(path))
        assert client.zcard(KEYS.requests) == 0  # not sent yet: they go together
        assert len(scheduler) == 7
        first = scheduler.next_request()
        assert first is not None
        assert client.zcard(KEYS.requests) == 6 - 4  # 6 new ones queued, 4 taken at once
        assert crawler.stats.get_value("dupefilter/filtered") == 1
        assert crawler.stats.get_value("scheduler/enqueued/redis") == 6
        assert scheduler.has_pending_requests()
        taken = [first, scheduler.next_request()]
        assert json.loads(client.hget(KEYS.workers, scheduler.worker) or "{}")["busy"] is True
    finally:
        scheduler.close("shutdown")
    # The two it took but did not hand to the engine are back, for the other workers.
    back = RunQueue(client, spider, KEYS, "other").pop_many(10)
    assert sorted(urls(back)) == sorted({"a", "b", "c", "d", "e", "f"} - set(urls([r for r in taken if r])))
    assert json.loads(client.hget(KEYS.workers, scheduler.worker) or "{}") == {
        "busy": False,
        "beat": pytest.approx(time.time(), abs=5),
        "closed": True,
    }


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive holding an article first seen on 1 December, one gone on the 2nd and a page
    without an article on the 3rd."""
    db = tmp_path / "a.db"
    archive = Archive(db)
    archive.store_articles([ArticleItem(url=f"{PAGE}/archived", headline="Archived")], "2026-12-01T10:00:00+00:00")
    archive.record_gone(GoneItem(url=f"{PAGE}/gone", status=404, seen_at="2026-12-02T10:00:00+00:00"))
    archive.record_not_article(NotArticleItem(url=f"{PAGE}/video", seen_at="2026-12-03T10:00:00+00:00"))
    archive.close()
    return db


def publish(client: redis.Redis, db: Path) -> None:
    archive = Archive(db)
    try:
        StatePublisher(client, archive.db.conn).load()
    finally:
        archive.close()


def test_a_worker_reads_what_the_archive_knows_of_an_article_as_a_local_crawl_does(client: redis.Redis, archive: Path) -> None:
    publish(client, archive)
    local, remote = ArchiveState(archive), RedisState(client, KEYS.spider)
    try:
        for path in ("archived", "gone", "video", "never"):
            assert remote.standing(f"{PAGE}/{path}") == local.standing(f"{PAGE}/{path}")
        assert local.standing(f"{PAGE}/gone") == (False, "2026-12-02T10:00:00+00:00", None)
        assert local.standing(f"{PAGE}/video") == (False, None, "2026-12-03T10:00:00+00:00")
        assert local.standing(f"{PAGE}/archived") == (True, None, None)
    finally:
        local.close()


@pytest.mark.parametrize(
    ("began", "known"),
    [
        ("2026-12-01T09:59:59+00:00", (False, None, None)),  # the run stored them all
        ("2026-12-01T10:00:00+00:00", (False, None, None)),  # in its first second
        ("2026-12-02T10:00:00+00:00", (True, None, None)),
        ("2026-12-03T00:00:00+00:00", (True, "2026-12-02T10:00:00+00:00", None)),
        ("2026-12-04T00:00:00+00:00", (True, "2026-12-02T10:00:00+00:00", "2026-12-03T10:00:00+00:00")),
    ],
)
def test_what_other_workers_stored_in_this_run_is_not_known_to_it(
    client: redis.Redis, archive: Path, began: str, known: tuple[bool, str | None, str | None]
) -> None:
    publish(client, archive)
    client.hset(KEYS.run, mapping={"id": 7, "began": began})
    remote = RedisState(client, KEYS.spider)
    found = (
        remote.standing(f"{PAGE}/archived").archived,
        remote.standing(f"{PAGE}/gone").gone_at,
        remote.standing(f"{PAGE}/video").not_article_at,
    )
    assert found == known


def test_a_news_runs_discovery_is_taken_over_once_by_a_worker_that_sees_the_run_idle(
    client: redis.Redis, queue: RunQueue
) -> None:
    mine, theirs = SharedDiscovery(client, KEYS.spider, "me", 30), SharedDiscovery(client, KEYS.spider, "other", 30)
    client.hset(KEYS.workers, "other", worker_state(True))
    assert mine.share(["a", "b"]) == "wait"  # the other worker still reads discovery pages
    client.hset(KEYS.workers, "other", worker_state(False))
    queue.push_new([(request("sitemap-2"), "")])
    assert theirs.share(["c"]) == "wait"  # a page of the discovery waits in the queue
    queue.pop_many(1)
    assert mine.share(None) == "taken"  # and no other worker busy: the whole run's found
    assert mine.parts() == [["a", "b"], ["c"]]
    assert client.hget(KEYS.run, "discovered") == b"1"
    assert theirs.share(["late"]) == "over"  # found after it was taken: not added
    assert mine.parts() == [["a", "b"], ["c"]]


def test_what_two_workers_found_of_one_article_is_merged_as_one_worker_would() -> None:
    url = f"{PAGE}/story"
    feed = (1, f"{PAGE}/feed", ArticleHints(title="From the feed", keywords=("a",)))
    news = (0, f"{PAGE}/news.xml", ArticleHints(title="From the news sitemap"))
    one = Candidate(url, hints=[feed], section=(3, "World"), lastmod="2026-12-01")
    other = Candidate(url, hints=[news, feed], section=(1, "Politics"), lastmod="2026-12-02T08:00:00+00:00")
    one.absorb(other)
    assert one == Candidate(url, hints=[feed, news], section=(1, "Politics"), lastmod="2026-12-02T08:00:00+00:00")
    assert one.merged_hints() == ArticleHints(title="From the news sitemap", keywords=("a",))
    one.absorb(Candidate(url, section=(5, "Sport"), lastmod="2026-11-30"))
    assert (one.section, one.lastmod) == ((1, "Politics"), "2026-12-02T08:00:00+00:00")


def test_the_first_worker_to_ask_gets_the_runs_recheck_candidates_and_the_others_none(client: redis.Redis, archive: Path) -> None:
    publish(client, archive)
    local = ArchiveState(archive)
    try:
        expected = local.recent_articles("en", "2026-11-15T00:00:00+00:00")
    finally:
        local.close()
    assert [url for url, *_ in expected] == [f"{PAGE}/archived"]
    first, second = RedisState(client, KEYS.spider), RedisState(client, KEYS.spider)
    assert first.recent_articles("en", "2026-11-15T00:00:00+00:00") == expected
    assert second.recent_articles("en", "2026-11-15T00:00:00+00:00") == []  # the first requests them for the run
