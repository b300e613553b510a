"""The worker pool (newscrawl.pool): the same results in workers as in this process, in order, by
each of its three ways (asyncio, map, submit); a job's exception reported with its message; a
worker killed mid-job; and no child process left behind."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from newscrawl.pool import WorkerError, WorkerPool

if TYPE_CHECKING:
    from collections.abc import Iterator

#: The test's own process: jobs tell where they ran.
HERE = os.getpid()
#: The job a worker dies of (here it is squared as any other).
DIES = 1013


def square(job: int) -> tuple[int, int]:
    """A job's result and the process that computed it."""
    if job < 0:
        raise ValueError(f"no square of {job} here")
    if job == DIES and os.getpid() != HERE:
        os.kill(os.getpid(), signal.SIGKILL)  # a worker dies mid-job
    return job * job, os.getpid()


def run_all(pool: WorkerPool[int, tuple[int, int]], jobs: list[int]) -> list[tuple[int, int]]:
    async def gather() -> list[tuple[int, int]]:
        return list(await asyncio.gather(*(pool.run(job) for job in jobs)))

    return asyncio.run(gather())


def submit_all(pool: WorkerPool[int, tuple[int, int]], jobs: list[int]) -> list[tuple[int, int]]:
    results = [pool.submit(job) for job in jobs]
    return [result() for result in results]


def map_all(pool: WorkerPool[int, tuple[int, int]], jobs: list[int]) -> list[tuple[int, int]]:
    return list(pool.map(jobs))


Way = Callable[[WorkerPool[int, tuple[int, int]], list[int]], list[tuple[int, int]]]
WAYS: dict[str, Way] = {"run": run_all, "map": map_all, "submit": submit_all}


@pytest.fixture
def pool() -> Iterator[WorkerPool[int, tuple[int, int]]]:
    pool = WorkerPool(square)
    yield pool
    pids = pool.pids
    pool.close()
    assert not any(alive(pid) for pid in pids)


def alive(pid: int) -> bool:
    """Whether ``pid`` is a process (a zombie counts) that is this process's child."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[3] == str(os.getpid())
    return True


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize(("processes", "in_workers"), [(0, False), (1, True), (2, True)])
def test_results_in_order(pool: WorkerPool[int, tuple[int, int]], way: str, processes: int, in_workers: bool) -> None:
    pool.start(processes)
    assert pool.processes == len(pool.pids) == processes
    jobs = list(range(20))
    results = WAYS[way](pool, jobs)
    assert [value for value, _ in results] == [job * job for job in jobs]
    pids = {pid for _, pid in results}
    assert pids <= set(pool.pids) if in_workers else pids == {HERE}


@pytest.mark.parametrize("way", WAYS)
def test_without_fork_jobs_run_here(
    pool: WorkerPool[int, tuple[int, int]], way: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(os, "fork")
    with caplog.at_level(logging.WARNING):
        pool.start(2)
    assert "this system cannot fork" in caplog.text
    assert pool.processes == 0
    assert WAYS[way](pool, [3, 4]) == [(9, HERE), (16, HERE)]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("processes", [1, 2])
def test_an_exception_in_a_job_is_reported_with_its_message(
    pool: WorkerPool[int, tuple[int, int]], way: str, processes: int
) -> None:
    pool.start(processes)
    with pytest.raises(
        WorkerError, match=r"(?s)square failed in a worker:.*Traceback.*ValueError: no square of -1 here"
    ) as raised:
        WAYS[way](pool, [1, 2, -1, 3])
    assert isinstance(raised.value.__cause__, ValueError)
    assert str(raised.value.__cause__) == "no square of -1 here"
    assert WAYS[way](pool, [5, 6])[0][0] == 25  # the pool goes on
    assert pool.processes == processes


@pytest.mark.parametrize("way", WAYS)
def test_an_exception_in_this_process_is_the_jobs_own(pool: WorkerPool[int, tuple[int, int]], way: str) -> None:
    with pytest.raises(ValueError, match="no square of -2 here"):
        WAYS[way](pool, [-2])


def test_describe_names_the_job_in_the_error() -> None:
    with WorkerPool(square, describe=lambda job: f"job {job}: squaring") as pool:
        pool.start(1)
        with pytest.raises(WorkerError, match=r"^job -7: squaring failed in a worker:\n"):
            pool.submit(-7)()


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("processes", [1, 2])
def test_a_worker_killed_mid_job_is_replaced_and_its_job_done_here(
    pool: WorkerPool[int, tuple[int, int]], way: str, processes: int, caplog: pytest.LogCaptureFixture
) -> None:
    pool.start(processes)
    before = set(pool.pids)
    with caplog.at_level(logging.WARNING):
        results = WAYS[way](pool, [1, 2, DIES, 4, 5, 6])
    assert [value for value, _ in results] == [1, 4, DIES * DIES, 16, 25, 36]
    assert results[2][1] == HERE
    assert "an extraction process died" in caplog.text
    assert pool.processes == processes
    assert set(pool.pids) != before
    after = WAYS[way](pool, [7, 8])
    assert [value for value, _ in after] == [49, 64]
    assert {pid for _, pid in after} <= set(pool.pids)


@pytest.mark.parametrize("way", WAYS)
def test_without_replace_a_death_sends_every_later_job_here(way: str, caplog: pytest.LogCaptureFixture) -> None:
    with WorkerPool(square, replace=False) as pool:
        pool.start(2)
        pids = pool.pids
        with caplog.at_level(logging.ERROR):
            results = WAYS[way](pool, [1, DIES, 3])
        assert [value for value, _ in results] == [1, DIES * DIES, 9]
        assert "an extraction process died" in caplog.text
        assert pool.processes == 0
        assert not any(alive(pid) for pid in pids)
        assert WAYS[way](pool, [4]) == [(16, HERE)]


def test_a_map_left_midway_stops_the_workers_and_the_next_job_starts_new_ones(pool: WorkerPool[int, tuple[int, int]]) -> None:
    pool.start(2)
    pids = pool.pids
    results = pool.map(range(100))
    assert next(results)[0] == 0
    results.close()
    assert pool.processes == 0
    assert not any(alive(pid) for pid in pids)
    assert [value for value, _ in pool.map(range(5))] == [0, 1, 4, 9, 16]
    assert pool.processes == 2


def test_close_leaves_no_child_process() -> None:
    pool = WorkerPool(square)
    pool.start(2)
    assert submit_all(pool, [2, 3])[1][0] == 9
    assert run_all(pool, [4])[0][0] == 16
    pids = pool.pids
    assert all(alive(pid) for pid in pids)
    pool.close()
    assert pool.processes == 0
    assert not any(alive(pid) for pid in pids)
    assert map_all(pool, [5]) == [(25, HERE)]  # closed: in this process
