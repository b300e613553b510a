"""Page work (newscrawl.pagereading, in the pools of newscrawl.crawl.pagework): the same results in
worker processes as in the spider's own, links reported once, a shallow walk's next page, logs
carried home, and dying workers."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from scrapy.settings import Settings

from newscrawl.archive import Archive
from newscrawl.crawl import pagework
from newscrawl.crawl.arguments import SpiderArgumentError, extract_processes
from newscrawl.crawl.pagework import page_pool
from newscrawl.loaders import LoadContext
from newscrawl.pagereading import PageJob, PageWork, read_page
from newscrawl.pool import WorkerError, WorkerPool
from newscrawl.sites.almayadeen.editions import EDITIONS
from newscrawl.urls import HostMap

if TYPE_CHECKING:
    from collections.abc import Iterator

    from newscrawl.sites.profile import PageKind

SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
REAL = "https://english.almayadeen.net"
MIRROR = "http://127.0.0.1:8000"
CONTEXT = LoadContext.for_edition(EDITIONS["en"], HostMap(real_origin=REAL, fetch_origin=MIRROR))
ARTICLE = "news/politics/freedom-flotilla-s-handala-departs-sicily-in-bid-to-break-ga"


def job(path: str, kind: PageKind, *, shallow: bool = False) -> PageJob:
    """The fixture page at ``path`` (``news/politics?page=2``), as fetched from a mirror."""
    name, _, query = path.partition("?")
    file = SITE / name / (f"index@{query}.html" if query else "index.html")
    if not file.is_file():
        file = SITE / name
    return PageJob(
        url=f"{MIRROR}/{path}", body=file.read_bytes(), encoding="utf-8", kind=kind, site="almayadeen",
        regions={"/regions/palestine": "Palestine"}, context=CONTEXT, section_hint="Politics", shallow=shallow,
    )  # fmt: skip


def without_times(work: PageWork) -> dict[str, object]:
    data = dataclasses.asdict(work)
    for line in data["ticker"]:
        line.pop("seen_at")
    return data


@pytest.fixture
def pool() -> Iterator[WorkerPool[PageJob, PageWork]]:
    pool = page_pool()
    pool.start(2)
    yield pool
    pool.close()


def test_an_article_page_gives_its_item_and_ticker() -> None:
    work = read_page(job(ARTICLE, "article"))
    assert work.article is not None
    assert work.article.url == f"{REAL}/{ARTICLE}"
    assert work.article.headline == "Freedom Flotilla's Handala departs Sicily in bid to break Gaza siege"
    assert work.article.section == "Politics"
    assert [line.text for line in work.ticker][:1] == ["Israeli media outlet: Security incident reported in the Gaza Strip"]
    assert not work.not_article
    assert not work.links


def test_a_listing_reports_its_links_by_kind() -> None:
    work = read_page(job("news/politics", "listing"))
    assert work.article is None
    own = [link.url for link in work.links if link.kind == "article" and link.own]
    assert len(own) == len(set(own)) == 8
    assert f"{MIRROR}/news/politics/israel--strikes-gaza-kids-fetching-water--blames-it-on--malf" in own
    boxes = {link.url.rsplit("/", 1)[-1] for link in work.links if link.kind == "article" and not link.own}
    assert "major-ambush-in-gaza-kills-5-israeli-troops--injures-14" in boxes
    assert [link.url for link in work.links if link.kind == "pagination"] == [
        f"{MIRROR}/news/politics?page=2",
        f"{MIRROR}/news/politics?page=3",
    ]
    subsections = {
        (link.url.removeprefix(MIRROR).removeprefix(REAL), link.label) for link in work.links if link.kind == "subsection"
    }
    assert ("/news/economy", "Economy") in subsections
    assert ("/news/arts-culture", "Arts&Culture") in subsections


def test_links_already_reported_are_left_out_but_own_articles_never() -> None:
    seen: set[tuple[str, str, str]] = set()
    first = read_page(job("news/politics", "listing"), seen)
    again = read_page(job("news/politics", "listing"), seen)
    assert [link for link in again.links if link.kind != "article" or not link.own] == []
    assert [link for link in again.links if link.own] == [link for link in first.links if link.own]


def test_a_shallow_walk_gets_only_the_next_page() -> None:
    # Page 2 links pages 1 and 3; a shallow walk walks on to 3 only, however often it saw it.
    seen: set[tuple[str, str, str]] = set()
    for _ in range(2):
        work = read_page(job("news/politics?page=2", "listing", shallow=True), seen)
        assert [link.url for link in work.links if link.kind == "pagination"] == [f"{MIRROR}/news/politics?page=3"]


def test_workers_give_what_the_spiders_process_gives() -> None:
    jobs = [job(ARTICLE, "article"), job("news/politics", "listing"), job("regions/palestine", "listing")] * 2
    pool = page_pool()
    pool.start(1)  # one worker, so its memory of reported links is that of one process here

    async def read_all() -> list[PageWork]:
        return list(await asyncio.gather(*(pool.run(j) for j in jobs)))

    try:
        assert pool.processes == 1
        in_worker = asyncio.run(read_all())
    finally:
        pool.close()
    seen: set[tuple[str, str, str]] = set()
    here = [read_page(j, seen) for j in jobs]
    assert [without_times(w) for w in in_worker] == [without_times(w) for w in here]
    assert in_worker[0].article is not None
    assert in_worker[0].article.headline


def test_what_a_worker_logs_is_logged_here(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def failing_field(job: PageJob, seen: object = None) -> PageWork:
        logging.getLogger("newscrawl.loaders").error("%s: extracting %s failed", job.url, "tags")
        return PageWork()

    monkeypatch.setattr(pagework, "read_page", failing_field)  # the fork below inherits it
    pool = page_pool()
    pool.start(1)
    try:
        with caplog.at_level(logging.ERROR):
            asyncio.run(pool.run(job(ARTICLE, "article")))
    finally:
        pool.close()
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("newscrawl.loaders", "ERROR", f"{MIRROR}/{ARTICLE}: extracting tags failed")
    ]


def test_a_page_that_fails_in_a_worker_fails_with_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(job: PageJob, seen: object = None) -> PageWork:
        raise ValueError("no such markup")

    monkeypatch.setattr(pagework, "read_page", broken)  # the fork below inherits it
    pool = page_pool()
    pool.start(1)
    try:
        with pytest.raises(
            WorkerError, match=r"(?s)freedom-flotilla.*reading the page failed in a worker.*ValueError: no such markup"
        ):
            asyncio.run(pool.run(job(ARTICLE, "article")))
        assert pool.processes == 1  # the worker lives on
    finally:
        pool.close()


def test_a_dead_worker_is_reported_and_pages_are_read_here(
    pool: WorkerPool[PageJob, PageWork], caplog: pytest.LogCaptureFixture
) -> None:
    asyncio.run(pool.run(job(ARTICLE, "article")))
    for pid in pool.pids:
        os.kill(pid, signal.SIGKILL)
    with caplog.at_level(logging.ERROR):
        work = asyncio.run(pool.run(job(ARTICLE, "article")))
    assert work.article is not None
    assert work.article.headline
    assert pool.processes == 0
    assert "an extraction process died" in caplog.text


def test_a_released_archive_lock_is_free_while_workers_live(tmp_path: Path) -> None:
    # Workers are forked while the pipeline holds the crawl lock; a flock lasts while any process
    # keeps its descriptor, so they must not keep it.
    archive = Archive(tmp_path / "a.db", exclusive=True)
    pool = page_pool()
    pool.start(1)
    try:
        asyncio.run(pool.run(job(ARTICLE, "article")))  # the worker is up
        archive.close()
        Archive(tmp_path / "a.db", exclusive=True).close()
    finally:
        pool.close()


def test_workers_exit_when_the_crawl_is_killed(tmp_path: Path) -> None:
    script = (
        "import os, sys, time\n"
        "from newscrawl.crawl.pagework import page_pool\n"
        "pool = page_pool(); pool.start(2)\n"
        "time.sleep(0.5)\n"
        "print(' '.join(map(str, pool.pids)), flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as crawl:
        assert crawl.stdout is not None
        workers = [int(pid) for pid in crawl.stdout.readline().split()]
        assert len(workers) == 2
        crawl.kill()
        crawl.wait()
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by init) counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), ("0", 0), ("3", 3), (2, 2), ("auto", os.cpu_count() or 1), (" AUTO ", os.cpu_count() or 1)],
)
def test_extract_processes_setting(value: object, expected: int) -> None:
    assert extract_processes(Settings({"EXTRACT_PROCESSES": value})) == expected


@pytest.mark.parametrize("value", ["-1", "two", "1.5", ""])
def test_bad_extract_processes_is_a_clear_error(value: object) -> None:
    with pytest.raises(SpiderArgumentError, match=r"EXTRACT_PROCESSES=.* is not a count of processes \(0 or more\) or auto"):
        extract_processes(Settings({"EXTRACT_PROCESSES": value}))
