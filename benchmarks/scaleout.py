#!/usr/bin/env python3
"""Distributed crawl scale-out: pages/s of 1, 2 and 4 workers on one Redis, and the writer on its own.

Usage (from the repository root)::

    .venv/bin/python benchmarks/scaleout.py                      # 3,000 articles, 3 rounds, in a temporary folder
    .venv/bin/python benchmarks/scaleout.py --articles 5000 --repeat 5 --keep /tmp/scaleout
    .venv/bin/python benchmarks/scaleout.py --workers 1,2,3,4    # other fleet sizes
    .venv/bin/python benchmarks/scaleout.py --quick              # 200 articles, one round: does it all run?

It generates a site of N articles with ``benchmarks/sitegen.py`` and serves it as
``benchmarks/crawl.py`` does (nginx when the machine has it, else the project's mirror; the output
says which), and starts a ``redis-server`` of its own (a free port on 127.0.0.1, a folder in the
work folder, ``--appendonly yes --save ""``, as the README advises). The crawl is the
``almayadeen`` spider on the one host (``-a base_url=...``): several hosts would be the same work a
page, and the ``news`` spider cannot stand in for it here, since the generated robots.txt and
sitemaps name the real site's host, so under another host name it finds only what the start
page's menus list. Then, in rounds, alternating:

1. ``local``: for reference, one ``scrapy crawl almayadeen`` without Redis into its own archive
   (what the fleet costs a page over a plain crawl);
2. for each fleet size K (``--workers``, default 1, 2, 4): ``FLUSHALL``, a fresh archive, the
   writer (``newscrawl writer``) started first and waited for (until it published the archive's
   state), then K workers at once (``scrapy crawl almayadeen -s REDIS_URL=...``, each with its
   own ``WARC_DIR``); every process must exit 0;
3. ``writer alone``: the same with 2 workers, but the writer is stopped (``SIGSTOP``) as soon as it
   has recorded the run, so the workers' messages pile up in Redis; when the last worker has
   exited, the writer is continued (``SIGCONT``) and timed until it exits: messages/s and
   articles/s are the messages and articles that were queued over that time (the real writer on
   the real messages, with no worker running). The workers' own figures, with no writer
   taking CPU, are shown too.

Every process of the fleet runs with ``EXTRACT_PROCESSES=0`` (one process a worker, no page
workers), ``PROGRESS=off`` and ``--concurrency`` requests at a time (default 16), and
``LOG_LEVEL=INFO``: about 120 log lines a worker, whose stats dump gives each worker's pages and
Scrapy ``elapsed_time_seconds``. Pages/s of a run = the responses of all its workers (the run's
``downloader/response_count`` as the writer merged it into ``crawl_runs.stats``) over the wall
time from the first worker's start to the last worker's exit: interpreter start-up, joining the
run and noticing that the run is over are all counted, as they are a fleet's. The local run's
pages/s are likewise its responses over its wall time. Pages/s "fetching" are the responses over
the time from the run's first response to its last (its captures' times, to the second): what a
long run approaches, the start-up and the end left out. CPU is user + sys seconds over the wall
time: the workers' and the writer's (``os.wait4``), Redis's and the web server's (from
``/proc``), and ``others``: whatever else the machine ran meanwhile (``/proc/stat``'s busy time
less all of those), which skews the figures; the load average is printed before and after.

Each fleet run also says how many commands Redis served a page, by command (``INFO
commandstats``, reset before the run; a script's own commands are counted too).

It prints a table (min / median / max over the rounds), PASS/FAIL lines for the issue's
targets: 2 workers at least 1.8 times one worker's pages/s (median; also round by round, which
a machine whose speed drifts over the rounds judges better), the writer alone at least 5
times one worker's articles/s (median), every fleet run archived every article of the site; the
most two workers could fetch on the machine's cores from what a page costs; and
what the figures say for sizing a fleet: CPU a page of a worker, the writer and Redis, how many
workers one writer serves, and what 1,000 pages/s would take. The exit status is 0 whatever the
figures; 1 when something could not run (no ``redis-server``, a process that exited non-zero or
did not finish in ``--timeout`` seconds).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

# crawl.py next to this file, after the installed packages (benchmarks/incremental.py must not
# shadow Twisted's incremental).
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.append(str(Path(__file__).resolve().parent))
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)
import crawl  # benchmarks/crawl.py: the site, its server, the reference crawl, the machine
import sitegen
from redisserver import RedisServer, redis_server

from newscrawl.fleet.keys import ITEMS, PROCESSING, RunKeys
from newscrawl.fleet.messages import decode
from newscrawl.fleet.state import LOADED

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import redis

PROJECT = crawl.PROJECT
SPIDER = "almayadeen"
#: The issue's targets.
SCALE_TARGET = 1.8  # 2 workers' pages/s over one worker's
WRITER_TARGET = 5.0  # the writer's articles/s alone over one worker's
#: The fleet size that feeds the writer-alone measurement.
FILL_WORKERS = 2
#: What a 1,000 pages/s fleet needs is worked out from the figures.
FLEET_PAGES = 1000
LOCAL = "local (no Redis)"
WRITER_ALONE = f"{FILL_WORKERS} workers, writer stopped"


def fleet_kind(workers: int) -> str:
    return f"{workers} worker{'s' if workers > 1 else ''}"


# --- Processes -----------------------------------------------------------------------------------


def crawl_env() -> dict[str, str]:
    """The environment ``scrapy crawl`` and ``newscrawl writer`` run in, as a user runs them."""
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}


class Watched:
    """A process started now, reaped by a thread of its own as soon as it exits (``os.wait4``): when it
    ended, its exit status, its CPU (user + sys, its reaped children's included) and peak RSS."""

    def __init__(self, command: Sequence[str], log: Path) -> None:
        self.log = log
        self.started = time.monotonic()
        self.ended = 0.0
        self.status: int | None = None
        self.cpu = 0.0
        self.rss_mb = 0.0
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=PROJECT, env=crawl_env(), stdout=out, stderr=subprocess.STDOUT)
        self.pid = self.process.pid
        self._thread = threading.Thread(target=self._reap, daemon=True)
        self._thread.start()

    def _reap(self) -> None:
        _, status, usage = os.wait4(self.pid, 0)
        self.ended = time.monotonic()
        self.cpu = usage.ru_utime + usage.ru_stime
        self.rss_mb = usage.ru_maxrss / 1024
        self.status = self.process.returncode = os.waitstatus_to_exitcode(status)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def signal(self, signum: int) -> None:
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def wait(self, timeout: float) -> int:
        """The exit status; a process still running after ``timeout`` seconds is killed (status -9)."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGKILL)
            self._thread.join()
        assert self.status is not None
        return self.status


def process_cpu(pid: int) -> float:
    """User + sys seconds of a running process so far (``/proc``; 0 when it is gone or elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """Seconds of CPU the whole machine spent busy since boot (``/proc/stat``: all but idle and iowait)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0
    return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class WorkerFigures:
    """One worker of a run, from its stats dump and ``os.wait4``."""

    pages: int
    elapsed: float  # Scrapy's elapsed_time_seconds
    wall: float
    cpu: float
    rss_mb: float
    status: int


@dataclass(frozen=True)
class Held:
    """The writer-alone part of a run whose writer was stopped while the workers crawled."""

    messages: int  # queued when it was continued
    articles: int  # in those messages
    queued_mb: float  # their pickled size
    seconds: float  # from SIGCONT to its exit
    cpu: float  # its CPU over those seconds

    @property
    def messages_rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def articles_rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Run:
    """One run: a fleet (a writer and its workers) or the local reference crawl."""

    kind: str
    pages: int
    articles: int  # the site's articles the archive holds
    wall: float  # first worker's start to last worker's exit
    cpu: dict[str, float]  # seconds over ``wall``: workers, writer, Redis, server, others
    workers: list[WorkerFigures] = field(default_factory=list)
    tail: float = 0.0  # last worker's exit to the writer's
    writer_status: int = 0
    missing: int = 0  # the site's articles the archive does not hold
    run_status: str = ""  # crawl_runs.status, complete
    held: Held | None = None
    fetching: float = 0.0  # first to last response (the captures' times, whole seconds)
    commands: dict[str, int] = field(default_factory=dict)  # Redis commands the run sent, by name

    @property
    def rate(self) -> float:
        return self.pages / self.wall if self.wall else 0.0

    @property
    def fetch_rate(self) -> float:
        """Pages/s from the first response to the last; 0 when that took under 2 s (too short to time
        with captures timed to the second)."""
        return self.pages / self.fetching if self.fetching >= 2 else 0.0

    @property
    def article_rate(self) -> float:
        return self.articles / self.wall if self.wall else 0.0

    @property
    def failures(self) -> list[str]:
        found = [f"worker {n} exited with {w.status}" for n, w in enumerate(self.workers, 1) if w.status != 0]
        if self.writer_status != 0:
            found.append(f"the writer exited with {self.writer_status}")
        return found


_STAT = re.compile(r"'(downloader/response_count|elapsed_time_seconds)': ([\d.]+)")


def worker_stats(log: Path) -> tuple[int, float]:
    """``(responses, elapsed seconds)`` from the stats a worker dumped in its log."""
    found = dict(_STAT.findall(log.read_text(errors="replace")))
    return int(found.get("downloader/response_count", 0)), float(found.get("elapsed_time_seconds", 0))


def worker_command(base_url: str, redis_url: str, folder: Path, n: int, concurrency: int) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", SPIDER, "-a", f"base_url={base_url}"]
    for setting in (
        f"REDIS_URL={redis_url}",
        f"WARC_DIR={folder / f'warc-{n}'}",
        f"ARCHIVE_DB={folder / 'never.db'}",  # a worker never opens an archive
        "EXTRACT_PROCESSES=0",
        "PROGRESS=off",
        "LOG_LEVEL=INFO",
        f"CONCURRENT_REQUESTS={concurrency}",
        f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
    ):
        command += ["-s", setting]
    return command


def _wait_for(what: str, ready: Callable[[], object], process: Watched, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if not process.running:
            raise RuntimeError(f"{what}: the process exited with {process.status} (see {process.log})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {timeout:g} s (see {process.log})")
        time.sleep(0.01)


def queued(client: redis.Redis) -> tuple[int, int, int]:
    """``(messages, articles, bytes)`` waiting for the writer in Redis."""
    messages = articles = size = 0
    for key in (PROCESSING, ITEMS):
        for raw in client.lrange(key, 0, -1):
            data = raw if isinstance(raw, bytes) else raw.encode()
            message = decode(data)
            messages += 1
            size += len(data)
            if message.kind == "batch":
                articles += len(message.payload[0])
    return messages, articles, size


@dataclass(frozen=True)
class Servers:
    """What a run is served by: the site's URL, Redis, and the web server's processes (for their CPU)."""

    base_url: str
    redis: RedisServer
    web: tuple[int, ...]


class Meter:
    """CPU seconds of Redis, the web server and the whole machine from :meth:`start` to :meth:`stop`."""

    def __init__(self, servers: Servers) -> None:
        self.servers = servers
        self.spent = {"Redis": 0.0, "server": 0.0, "machine": 0.0}
        self._began = dict(self.spent)

    def _now(self) -> dict[str, float]:
        web = sum(process_cpu(pid) for pid in self.servers.web)
        return {"Redis": process_cpu(self.servers.redis.process.pid), "server": web, "machine": machine_busy()}

    def start(self) -> None:
        self._began = self._now()

    def stop(self) -> None:
        self.spent = {name: value - self._began[name] for name, value in self._now().items()}

    def cpu(self, workers: float, writer: float) -> dict[str, float]:
        """Seconds of CPU by whom: ``others`` is the machine's busy time less all the rest."""
        found = {"workers": workers, "writer": writer, "Redis": self.spent["Redis"], "server": self.spent["server"]}
        found["others"] = max(0.0, self.spent["machine"] - sum(found.values()))
        return found


@dataclass(frozen=True)
class Archived:
    """What the last run of an archive says."""

    pages: int  # the responses of all its workers (its stats)
    status: str  # its status (and whether it is incomplete)
    missing: int  # the site's articles the archive does not hold
    fetching: float  # seconds from its first response to its last (captures are timed to the second)


def archived(db: Path, info: sitegen.SiteInfo) -> Archived:
    """The last run of the archive ``db`` (none: nothing fetched, every article missing)."""
    if not db.is_file():
        return Archived(0, "", len(info.articles), 0.0)
    pages, status, fetching = 0, "", 0.0
    with contextlib.suppress(sqlite3.Error, TypeError, ValueError), contextlib.closing(sqlite3.connect(db)) as con:
        run, stats, state, complete = con.execute(
            "SELECT id, stats, status, complete FROM crawl_runs ORDER BY id DESC"
        ).fetchone()
        pages = int(json.loads(stats or "{}").get("downloader/response_count", 0))
        status = f"{state}{'' if complete else ', incomplete'}"
        first, last = con.execute("SELECT min(fetched_at), max(fetched_at) FROM captures WHERE run_id = ?", [run]).fetchone()
        fetching = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    return Archived(pages, status, len(crawl.missing_articles(db, info)), fetching)


def redis_commands(client: redis.Redis) -> dict[str, int]:
    """The commands Redis served since its stats were reset, by name, most first."""
    stats = client.info("commandstats")
    calls = {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}
    calls.pop("info", None)  # this question's own
    return dict(sorted(calls.items(), key=lambda item: -item[1]))


def run_fleet(
    workers: int, servers: Servers, folder: Path, info: sitegen.SiteInfo, *, concurrency: int, timeout: float, hold: bool = False
) -> Run:
    """A writer and ``workers`` workers crawl the site into a fresh archive in ``folder``; ``hold``:
    the writer is stopped while they crawl, then timed alone (:class:`Held`)."""
    folder.mkdir(parents=True)
    client = servers.redis.client()
    client.flushall()
    client.config_resetstat()
    db = folder / "archive.db"
    command = [sys.executable, "-m", "newscrawl.cli", "writer", "--redis", servers.redis.url, "--db", str(db)]
    writer = Watched(command, folder / "writer.log")
    processes: list[Watched] = []
    meter, held = Meter(servers), None
    try:
        _wait_for("the writer publishing the archive's state", lambda: client.get(LOADED), writer)
        meter.start()
        writer_before = process_cpu(writer.pid)
        processes = [
            Watched(worker_command(servers.base_url, servers.redis.url, folder, n, concurrency), folder / f"worker-{n}.log")
            for n in range(1, workers + 1)
        ]
        if hold:
            _wait_for("the writer recording the run", lambda: client.hget(RunKeys(SPIDER).run, "id"), writer)
            writer.signal(signal.SIGSTOP)
        statuses = [process.wait(timeout) for process in processes]
        meter.stop()
        if hold:
            messages, articles, size = queued(client)
            paused = process_cpu(writer.pid)
            resumed = time.monotonic()
            writer.signal(signal.SIGCONT)
            writer.wait(timeout)
            held = Held(messages, articles, size / 1e6, writer.ended - resumed, writer.cpu - paused)
        writer_status = writer.wait(timeout)
        # The writer's CPU while the workers ran (up to its exit, which may come a little later).
        writer_during = paused - writer_before if hold else writer.cpu - writer_before
        commands = redis_commands(client)
    finally:
        for process in [*processes, writer]:
            if process.running:  # something went wrong: kill what is left
                process.wait(0)
        client.close()
    began, last = processes[0].started, max(process.ended for process in processes)
    figures = [
        WorkerFigures(*worker_stats(process.log), process.ended - process.started, process.cpu, process.rss_mb, status)
        for process, status in zip(processes, statuses, strict=True)
    ]
    found = archived(db, info)
    return Run(
        WRITER_ALONE if hold else fleet_kind(workers),
        found.pages,
        len(info.articles) - found.missing,
        last - began,
        meter.cpu(sum(process.cpu for process in processes), writer_during),
        figures,
        tail=writer.ended - last,
        writer_status=writer_status,
        missing=found.missing,
        run_status=found.status,
        held=held,
        fetching=found.fetching,
        commands=commands,
    )


def run_local(servers: Servers, folder: Path, info: sitegen.SiteInfo, *, concurrency: int) -> Run:
    """The reference: one ``scrapy crawl almayadeen`` without Redis, into its own archive."""
    folder.mkdir(parents=True)
    db = folder / "archive.db"
    meter = Meter(servers)
    meter.start()
    m = crawl.run_project(
        servers.base_url, db, work=folder, concurrency=concurrency, n=0, kind="local", settings=["EXTRACT_PROCESSES=0"]
    )
    meter.stop()
    found = archived(db, info)
    figures = [WorkerFigures(m.pages, m.seconds, m.wall, m.cpu, m.rss_mb, m.status)]
    cpu = meter.cpu(m.cpu, 0.0)
    return Run(
        LOCAL, m.pages, len(info.articles) - found.missing, m.wall, cpu, figures, missing=found.missing, fetching=found.fetching
    )


# --- Reporting -----------------------------------------------------------------------------------


def describe(run: Run, n: int) -> str:
    """One run on a line or two, as it ends."""
    wall = run.wall or 1e-9
    cpu = ", ".join(f"{name} {100 * seconds / wall:.0f}%" for name, seconds in run.cpu.items())
    each = "; ".join(f"{w.pages} pages in {w.elapsed:.1f} s ({w.wall:.1f} s wall, CPU {w.cpu:.1f} s)" for w in run.workers)
    fetching = (
        f" ({run.fetch_rate:.0f} pages/s over the {run.fetching:.0f} s from the first response to the last)"
        if run.fetch_rate
        else ""
    )
    line = (
        f"round {n}: ({run.kind}) {run.pages} pages in {run.wall:.1f} s = {run.rate:.0f} pages/s{fetching}, "
        f"{run.articles} articles archived; CPU {cpu}; {load_now()}\n    workers: {each}"
    )
    if run.kind != LOCAL:
        line += f"\n    run {run.run_status or '?'}; the writer exited {run.tail:+.1f} s from the last worker's exit"
    if run.commands:
        pages = max(1, run.pages)
        top = ", ".join(f"{name} {calls / pages:.2f}" for name, calls in list(run.commands.items())[:14])
        line += f"\n    Redis: {sum(run.commands.values()) / pages:.1f} commands a page ({top})"
    if run.held:
        h = run.held
        line += (
            f"\n    writer alone: {h.messages} messages ({h.articles} articles, {h.queued_mb:.1f} MB in Redis) stored in "
            f"{h.seconds:.2f} s = {h.messages_rate:.0f} messages/s, {h.articles_rate:.0f} articles/s; "
            f"CPU {h.cpu:.1f} s ({100 * h.cpu / max(h.seconds, 1e-9):.0f}%)"
        )
    for problem in run.failures:
        line += f"\n    FAIL: {problem} (see its log)"
    return line


def load_now() -> str:
    return "load " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def _spread(values: Sequence[float], fmt: str = "{:.0f}") -> str:
    return crawl._spread(values, fmt)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def table(runs: dict[str, list[Run]]) -> None:
    one = runs.get(fleet_kind(1), [])
    one_rate, one_fetch = _median([r.rate for r in one]), _median([r.fetch_rate for r in one if r.fetch_rate])
    print()
    print(
        "| run | pages | pages/s (min / median / max) | × 1 worker | pages/s fetching | × 1 worker | wall s | other s "
        "| CPU % workers | writer | Redis | server | others | workers' CPU ms a page | articles |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind, measured in runs.items():
        if not measured:
            continue
        fetches = [r.fetch_rate for r in measured if r.fetch_rate]
        rate, fetch = _median([r.rate for r in measured]), _median(fetches)
        ratio = f"{rate / one_rate:.2f}" if one_rate else "-"
        fetch_ratio = f"{fetch / one_fetch:.2f}" if one_fetch and fetch else "-"
        cpu = " | ".join(_spread([100 * r.cpu[name] / (r.wall or 1e-9) for r in measured]) for name in measured[0].cpu)
        print(
            f"| {kind} | {_spread([r.pages for r in measured])} | {_spread([r.rate for r in measured])} | {ratio} "
            f"| {_spread(fetches)} | {fetch_ratio} | {_spread([r.wall for r in measured], '{:.1f}')} "
            f"| {_spread([r.wall - r.fetching for r in measured], '{:.1f}')} | {cpu} "
            f"| {_spread([1000 * r.cpu['workers'] / max(1, r.pages) for r in measured], '{:.1f}')} "
            f"| {_spread([r.articles for r in measured])} |"
        )
    print(
        "(pages/s: over the wall time from the first worker's start to the last one's exit; fetching: over the time from "
        "the first response to the last, to the second; other s: the rest of the wall time, start-up and noticing the end; "
        "CPU: % of one core over the wall time)"
    )


def report(runs: dict[str, list[Run]], info: sitegen.SiteInfo) -> bool:
    """The table, PASS/FAIL against the targets and what they say for sizing; returns whether
    every process of every run exited 0."""
    table(runs)
    print()
    fleet = [run for kind, measured in runs.items() if kind != LOCAL for run in measured]
    failed = [(run.kind, problem) for measured in runs.values() for run in measured for problem in run.failures]
    for kind, problem in failed:
        print(f"FAIL: a run of {kind}: {problem}")
    articles = len(info.articles)
    short = [run for run in fleet if run.missing]
    print(
        f"{'PASS' if not short else 'FAIL'}: every fleet run ({len(fleet)}) archived all of the site's {articles} articles"
        + "".join(f"; {run.kind} archived {run.articles}" for run in short)
    )
    one = runs.get(fleet_kind(1), [])
    two = runs.get(fleet_kind(2), [])
    one_rate, one_articles = _median([r.rate for r in one]), _median([r.article_rate for r in one])
    if one_rate and two:
        ratio = _median([r.rate for r in two]) / one_rate
        print(f"{'PASS' if ratio >= SCALE_TARGET else 'FAIL'}: 2 workers / 1 worker = {ratio:.2f} (target >= {SCALE_TARGET})")
        print(
            "  round by round (the two runs of a round side by side): "
            + ", ".join(f"{b.rate / a.rate:.2f}" for a, b in zip(one, two, strict=False))
        )
        one_fetch = _median([r.fetch_rate for r in one if r.fetch_rate])
        if one_fetch:
            print(
                f"  while fetching (first response to last): 2 workers / 1 worker = "
                f"{_median([r.fetch_rate for r in two if r.fetch_rate]) / one_fetch:.2f}; a fleet run's other time (start-up, noticing "
                f"its end): median {_median([r.wall - r.fetching for r in two + one]):.1f} s"
            )
            ceiling(one, two, one_fetch)
    held = [run.held for run in runs.get(WRITER_ALONE, []) if run.held]
    writer_rate = _median([h.articles_rate for h in held])
    if held:
        print(
            f"writer alone: {_spread([h.messages_rate for h in held])} messages/s, "
            f"{_spread([h.articles_rate for h in held])} articles/s (min / median / max), "
            f"CPU {_spread([100 * h.cpu / max(h.seconds, 1e-9) for h in held])}%"
        )
    if held and one_articles:
        ratio = writer_rate / one_articles
        print(
            f"{'PASS' if ratio >= WRITER_TARGET else 'FAIL'}: the writer alone stores {writer_rate:.0f} articles/s = "
            f"{ratio:.1f} × one worker's {one_articles:.0f} articles/s (target >= {WRITER_TARGET:g} ×)"
        )
    local = runs.get(LOCAL, [])
    if local and one_rate:
        print(
            f"one worker = {one_rate / _median([r.rate for r in local]):.2f} × a local crawl's pages/s "
            f"({one_rate:.0f} and {_median([r.rate for r in local]):.0f})"
        )
    sizing(runs, info, writer_rate)
    return not failed


def ceiling(one: list[Run], two: list[Run], one_fetch: float) -> None:
    """The most two workers could fetch on this machine's cores, from what a page costs: one
    worker's CPU (on its own) and the writer's, Redis's and the web server's, with every core
    busy and a page no dearer for two workers than for one."""
    cores = os.cpu_count() or 1
    worker = _median([1000 * r.cpu["workers"] / r.pages for r in one if r.pages])
    shared = _median([1000 * (r.cpu["writer"] + r.cpu["Redis"] + r.cpu["server"]) / r.pages for r in two if r.pages])
    rate = cores * 1000 / (worker + shared)
    print(
        f"  at most, on {cores} cores: {rate:.0f} pages/s = {rate / one_fetch:.2f} × one worker while fetching "
        f"({cores} × 1000 ms / ({worker:.2f} ms of a worker's CPU a page + {shared:.2f} ms of the writer, Redis and the "
        f"server's), were every core busy and a page no dearer for two workers than for one)"
    )


def sizing(runs: dict[str, list[Run]], info: sitegen.SiteInfo, writer_rate: float) -> None:
    """What the figures say: CPU a page, workers a writer serves, what 1,000 pages/s takes."""
    fleet = [run for kind, measured in runs.items() if kind not in (LOCAL, WRITER_ALONE) for run in measured if run.pages]
    one = [run for run in runs.get(fleet_kind(1), []) if run.pages]
    if not fleet or not one:
        return
    per_page = {name: _median([1000 * run.cpu[name] / run.pages for run in fleet]) for name in ("workers", "writer", "Redis")}
    per_page["server"] = _median([1000 * run.cpu["server"] / run.pages for run in fleet])
    pages_per_article = _median([run.pages / max(1, run.articles) for run in fleet])
    # One worker on one core, while it fetches: a long run's rate, start-up and end left out.
    worker_rate = _median([run.fetch_rate for run in one if run.fetch_rate])
    basis = "while fetching"
    if not worker_rate:
        worker_rate, basis = _median([run.rate for run in one]), "over its whole run"
    print(
        "CPU a page, median over the fleet runs: "
        + ", ".join(f"{name} {ms:.2f} ms" for name, ms in per_page.items())
        + f"; {pages_per_article:.2f} pages an article on this site"
    )
    worker_articles = worker_rate / pages_per_article
    if writer_rate:
        print(
            f"one writer serves about {writer_rate / worker_articles:.0f} workers "
            f"({writer_rate:.0f} articles/s alone, one worker {worker_articles:.0f} articles/s {basis})"
        )
    workers = math.ceil(FLEET_PAGES / worker_rate)
    cores = FLEET_PAGES * per_page["workers"] / 1000
    articles = FLEET_PAGES / pages_per_article
    line = (
        f"{FLEET_PAGES:,} pages/s: about {workers} workers at one worker's {worker_rate:.0f} pages/s {basis} "
        f"({cores:.1f} cores of worker CPU at {per_page['workers']:.2f} ms a page), {articles:.0f} articles/s for the writer"
    )
    if writer_rate:
        line += f" ({math.ceil(articles / writer_rate)} writer{'s' if articles > writer_rate else ''} at {writer_rate:.0f} articles/s)"
    print(line + f", Redis {FLEET_PAGES * per_page['Redis'] / 1000:.2f} of a core")


# --- Main ----------------------------------------------------------------------------------------


def _sizes(value: str) -> list[int]:
    sizes = sorted({int(part) for part in value.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("fleet sizes: positive integers, comma-separated, such as 1,2,4")
    return sizes


def rounds(
    runs: dict[str, list[Run]], args: argparse.Namespace, servers: Servers, *, info: sitegen.SiteInfo, work: Path, repeat: int
) -> None:
    """Run ``repeat`` rounds of every kind of run, appending to ``runs``."""
    for n in range(1, repeat + 1):
        plan: list[tuple[str, int]] = [] if args.no_local else [(LOCAL, 0)]
        plan += [(fleet_kind(k), k) for k in args.workers]
        plan += [] if args.no_writer else [(WRITER_ALONE, FILL_WORKERS)]
        for kind, workers in plan:
            folder = work / f"round-{n}" / re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")
            shutil.rmtree(folder, ignore_errors=True)
            if kind == LOCAL:
                run = run_local(servers, folder, info, concurrency=args.concurrency)
            else:
                hold = kind == WRITER_ALONE
                run = run_fleet(workers, servers, folder, info, concurrency=args.concurrency, timeout=args.timeout, hold=hold)
            runs[kind].append(run)
            print(describe(run, n), flush=True)
            # The WARC files are the site over again: never kept. The archives and logs are, with --keep.
            for warc in [*folder.glob("warc-*"), folder / "warc"]:
                shutil.rmtree(warc, ignore_errors=True)
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, help="articles of the generated site (default 3000; --quick 200)")
    parser.add_argument("--repeat", type=int, help="rounds (default 3; --quick 1)")
    parser.add_argument("--workers", type=_sizes, default=[1, 2, 4], help="fleet sizes, comma-separated (default 1,2,4)")
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS of every crawl (default 16)")
    parser.add_argument("--no-local", action="store_true", help="leave out the local reference crawl")
    parser.add_argument("--no-writer", action="store_true", help="leave out the writer-alone measurement")
    parser.add_argument("--timeout", type=float, default=900, help="seconds a process may take (default 900)")
    parser.add_argument("--quick", action="store_true", help="200 articles, one round: checks that it all runs")
    parser.add_argument("--mirror", action="store_true", help="serve with the project's mirror even when nginx is present")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (site, archives, logs; never WARC)")
    args = parser.parse_args(argv)
    articles = args.articles or (200 if args.quick else 3000)
    repeat = args.repeat or (1 if args.quick else 3)
    runs: dict[str, list[Run]] = {LOCAL: [], **{fleet_kind(k): [] for k in args.workers}, WRITER_ALONE: []}
    with contextlib.ExitStack() as stack:
        work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newscrawl-scaleout-")))
        work.mkdir(parents=True, exist_ok=True)
        print(f"machine: {crawl.machine()}; {crawl.load()}", flush=True)
        print(f"== generating {articles} articles into {work / 'site'}", flush=True)
        info = sitegen.generate(work / "site", articles)
        print(sitegen.describe(info), flush=True)
        try:
            mine = set(crawl._descendants(os.getpid()))
            base_url, server = stack.enter_context(crawl.serve(info.root, work, use_nginx=not args.mirror))
            web = tuple(pid for pid in crawl._descendants(os.getpid()) if pid not in mine)
            store = stack.enter_context(redis_server(work / "redis"))
            print(f"server: {server} at {base_url}; {store.version()} at {store.url}", flush=True)
            print(
                f"every crawl: almayadeen, {args.concurrency} requests at a time, EXTRACT_PROCESSES=0; "
                f"fleet sizes {', '.join(map(str, args.workers))}",
                flush=True,
            )
            rounds(runs, args, Servers(base_url, store, web), info=info, work=work, repeat=repeat)
        except RuntimeError as exc:
            print(f"cannot run: {exc}", file=sys.stderr)
            return 1
        ok = report(runs, info)
        print(
            f"{crawl.load()}; this process's children used {resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:.0f} s user CPU"
        )
        if args.keep:
            print(f"site, logs and archives kept in {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
