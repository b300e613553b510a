#!/usr/bin/env python3
"""Crawl throughput and memory, side by side: fetch-only, a minimal baseline, and the project.

Usage (from the repository root)::

    .venv/bin/python benchmarks/crawl.py                         # 5,000 articles, 3 rounds, in a temporary folder
    .venv/bin/python benchmarks/crawl.py --articles 2000 --repeat 5 --keep /tmp/crawlbench
    .venv/bin/python benchmarks/crawl.py --articles 2000 --prefill 100000   # also against a full archive
    .venv/bin/python benchmarks/crawl.py --quick                 # 200 articles, one round: does it all run?

It generates a site of N articles with ``benchmarks/sitegen.py`` and serves it with nginx when
the machine has it (its own process in the foreground, a generated config in the work folder,
a free port on 127.0.0.1, the URL → file mapping of ``newscrawl/mirror/server.py``), else with the
project's mirror (``newscrawl.mirror.server.MirrorProcess``, much slower: one Python thread); the output
says which. Then, in rounds, alternating, it runs

1. ``fetch``: a spider that requests every page of the site (the targets come from the
   generated files, no link is discovered) and ignores the responses
   (``benchmarks/crawlspiders.py``);
2. ``baseline``: the same requests, article fields parsed with CSS (headline, byline, date,
   tags, body paragraphs) and stored with sqlite-utils in batches of 100;
3. ``project``: ``scrapy crawl almayadeen -a base_url=...`` with the project's settings (a
   loopback ``base_url`` drops the politeness delays: ``LOOPBACK_SETTINGS``) into a fresh archive,
   ``PROGRESS=off``; it discovers the pages itself, from the homepage's menus down.

Each round also runs (3) again with ``-s WARC_ENABLED=False`` (what keeping every fetch as WARC
costs: the target is (3) with WARC at least 0.90 of (3) without), and ``newscrawl reextract``
over (3)'s archive (its article pages read again from the WARC files; target: at least (3)'s
pages/s); it prints the WARC bytes a page and an article page's response record.

All three run with ``--concurrency`` requests at a time (default 16, the project's
``CONCURRENT_REQUESTS``), each in its own process. For each it prints pages/s (responses over
Scrapy's ``elapsed_time_seconds``, so interpreter start-up is not counted) as min/median/max over
the rounds, the process's CPU (user + sys over wall time, its reaped children's included: the
project's page workers, ``EXTRACT_PROCESSES``) and the peak memory of the process and its
children together, sampled from ``/proc`` every 0.1 s: RSS summed (pages the forked workers
share with their parent counted in each) and PSS summed (shared pages split between their
sharers: the memory the processes take together, what the target is judged on), then the ratios (3)/(2) and (3)/(1) of the medians, and PASS/FAIL lines
for the targets: (3) archived every article of the site; (3)/(2) >= 0.85; peak memory of (3)
<= 250 MB (the target is stated at N = 20,000; a smaller N prints it for information).

``--prefill M`` first writes M synthetic articles (other URLs than the site's) into an archive
through ``newscrawl.archive.Archive.store_articles`` in batches of 1,000, then adds to each
round a run of (3) against a copy of that archive, and prints (3)'s cost per new article, wall
and CPU, against the empty archive's (target: within 10%).

The exit status is 0 whatever the figures (a benchmark prints them); 1 when something could
not run at all. The machine's load is printed before and after: other work on the machine
skews the figures, so repeat runs and read min/median/max.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# Next to this file (sitegen.py), but after the installed packages: benchmarks/incremental.py
# must not shadow Twisted's incremental (as benchmarks/pages.py does).
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.append(str(Path(__file__).resolve().parent))
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)
import sitegen  # benchmarks/sitegen.py, next to this file

from newscrawl.archive import Archive
from newscrawl.items import ArticleItem
from newscrawl.mirror.server import MirrorProcess

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

PROJECT = Path(__file__).resolve().parent.parent
SPIDERS = Path(__file__).resolve().parent / "crawlspiders.py"
#: The issue's targets.
RATIO_TARGET = 0.85
RSS_TARGET_MB = 250
RSS_TARGET_ARTICLES = 20_000
PREFILL_TOLERANCE = 0.10

NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; text/plain txt; application/xml xml; }}
    default_type application/octet-stream;
    charset utf-8;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    open_file_cache max=50000 inactive=60s;
    client_body_temp_path {work}/tmp; proxy_temp_path {work}/tmp; fastcgi_temp_path {work}/tmp;
    uwsgi_temp_path {work}/tmp; scgi_temp_path {work}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        # newscrawl/mirror/server.py's mapping: /a/b?Q -> a/b/index@Q.html, /a/b -> a/b/index.html, a
        # file as itself. The "if" stays at server level: inside a location it would drop try_files.
        set $page "";
        if ($args != "") {{ set $page "@$args"; }}
        location / {{ try_files $uri/index$page.html $uri =404; }}
    }}
}}
"""


@dataclass(frozen=True)
class Measure:
    """One run of one spider: what it fetched and what it cost."""

    kind: str
    pages: int
    seconds: float  # Scrapy's elapsed_time_seconds
    wall: float
    cpu: float  # user + sys seconds of the process and the children it reaped
    rss_mb: float  # peak RSS of the process and its children, summed
    pss_mb: float  # peak PSS of the process and its children, summed
    status: int
    articles: int = 0  # new articles archived (project runs)
    warc_bytes: int = 0  # the run's WARC files on disk (project runs)
    article_record: float = 0.0  # mean bytes of an article page's response record (gzip member)

    @property
    def rate(self) -> float:
        """Pages a second."""
        return self.pages / self.seconds if self.seconds else 0.0


# --- Serving -------------------------------------------------------------------------------------


def site_targets(root: Path) -> list[str]:
    """Every request target the site serves (homepage first), by ``newscrawl/mirror/server.py``'s mapping
    read backwards: ``a/b/index.html`` → ``/a/b``, ``a/b/index@Q.html`` → ``/a/b?Q``."""
    targets: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name == sitegen.MARKER:
            continue
        relative = path.relative_to(root)
        folder = "/" + relative.parent.as_posix() if relative.parent != Path(".") else ""
        if path.name == "index.html":
            targets.append(folder or "/")
        elif path.name.startswith("index@") and path.name.endswith(".html"):
            targets.append(f"{folder or '/'}?{path.name[len('index@') : -len('.html')]}")
        else:
            targets.append("/" + relative.as_posix())
    targets.sort(key=lambda target: target != "/")
    return targets


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as reply:
            if reply.status == 200:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx did not answer {url} within 10 s")


def nginx_binary() -> str | None:
    """The nginx executable (Debian puts it in /usr/sbin), or ``None``."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


@contextlib.contextmanager
def serve(root: Path, work: Path, *, use_nginx: bool = True) -> Iterator[tuple[str, str]]:
    """Serve ``root``; yields ``(base_url, description of the server)``."""
    binary = nginx_binary() if use_nginx else None
    if binary is None:
        mirror = MirrorProcess.start(root)
        try:
            yield mirror.base_url, "newscrawl mirror (Python, one thread; nginx not found)"
        finally:
            mirror.stop()
        return
    folder = work / "nginx"
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    port = _free_port()
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=folder, port=port, root=root.resolve()))
    log = folder / "stderr.log"
    with log.open("wb") as err:
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")], stdout=err, stderr=err
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_up(base_url + "/", process, log)
        version = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False).stderr.strip()
        yield base_url, f"{version} ({binary}), one process"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Running -------------------------------------------------------------------------------------


def run_measured(command: Sequence[str], log: Path, env: dict[str, str] | None = None) -> tuple[int, float, float, float, float]:
    """Run ``command``; returns its exit status, wall seconds, CPU seconds (of the process and
    the children it reaped, such as the crawl's page workers: ``os.wait4``) and the peak memory
    in MB of the process and its children together, RSS and PSS (sampled: :class:`TreeMemory`)."""
    began = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT)
        with TreeMemory(process.pid) as memory:
            _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - began
    # The sampler may miss a short peak; the process's own ru_maxrss cannot.
    rss = max(memory.peak_rss_mb, usage.ru_maxrss / 1024)
    return process.returncode, wall, usage.ru_utime + usage.ru_stime, rss, memory.peak_pss_mb


class TreeMemory:
    """Samples, every ``interval`` seconds, the memory of a process and all its descendants,
    summed: RSS (pages shared between forked processes counted in each) and PSS (shared pages
    split between their sharers, so the sum is what the processes together take). Linux
    (``/proc``); elsewhere the peaks stay 0."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval = pid, interval
        self.peak_rss_mb = self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            rss = pss = 0
            for pid in _descendants(self.pid):
                try:
                    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                except OSError:
                    continue  # gone meanwhile
                fields = dict(line.split(":", 1) for line in rollup.splitlines()[1:] if ":" in line)
                rss += int(fields.get("Rss", "0 kB").split()[0])
                pss += int(fields.get("Pss", "0 kB").split()[0])
            self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _stats_figures(stats: dict[str, object]) -> tuple[int, float]:
    pages = int(str(stats.get("downloader/response_count", 0)))
    seconds = float(str(stats.get("elapsed_time_seconds", 0) or 0))
    return pages, seconds


def run_reference(kind: str, base_url: str, urls: Path, *, work: Path, concurrency: int, n: int) -> Measure:
    """Run spider (1) ``fetch`` or (2) ``baseline`` over the targets in ``urls``."""
    stats_file, db = work / f"{kind}-{n}.json", work / f"{kind}-{n}.db"
    db.unlink(missing_ok=True)
    # Not "python benchmarks/crawlspiders.py": benchmarks/ first on sys.path would shadow the
    # "incremental" package (Twisted's) with benchmarks/incremental.py.
    command = [
        sys.executable,
        "-c",
        f"import runpy; runpy.run_path({str(SPIDERS)!r}, run_name='__main__')",
        kind,
        "--base-url",
        base_url,
        "--urls",
        str(urls),
        "--stats",
        str(stats_file),
    ]
    command += ["--concurrency", str(concurrency)] + (["--db", str(db)] if kind == "baseline" else [])
    env = {key: value for key, value in os.environ.items() if key != "SCRAPY_SETTINGS_MODULE"}
    status, wall, cpu, rss, pss = run_measured(command, work / f"{kind}-{n}.log", env)
    stats = json.loads(stats_file.read_text()) if stats_file.is_file() else {}
    pages, seconds = _stats_figures(stats)
    articles = 0
    if kind == "baseline" and db.is_file():
        with contextlib.closing(sqlite3.connect(db)) as con:
            articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        db.unlink()
    return Measure(kind, pages, seconds, wall, cpu, rss, pss, status, articles)


def run_project(
    base_url: str,
    db: Path,
    *,
    work: Path,
    concurrency: int,
    n: int,
    kind: str = "project",
    warc: bool = True,
    settings: Sequence[str] = (),
) -> Measure:
    """Run (3), ``scrapy crawl almayadeen``, into ``db`` (``warc``: keeping every fetch as WARC;
    ``settings``: more ``NAME=VALUE`` settings)."""
    command = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"base_url={base_url}"]
    command += ["-s", f"WARC_ENABLED={warc}"]
    for setting in settings:
        command += ["-s", setting]
    command += ["-s", f"ARCHIVE_DB={db}", "-s", "PROGRESS=off", "-s", "LOG_LEVEL=INFO"]
    command += ["-s", f"CONCURRENT_REQUESTS={concurrency}", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    status, wall, cpu, rss, pss = run_measured(command, work / f"{kind}-{n}.log", env)
    stats: dict[str, object] = {}
    articles, run, record = 0, 0, 0.0
    with contextlib.suppress(sqlite3.Error, TypeError), contextlib.closing(sqlite3.connect(db)) as con:
        row = con.execute("SELECT stats, new_articles, id FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        stats, articles, run = json.loads(row[0] or "{}"), int(row[1] or 0), int(row[2])
        found = con.execute("SELECT avg(c.length) FROM articles a JOIN captures c ON c.id = a.capture_id").fetchone()
        record = float(found[0] or 0)
    pages, seconds = _stats_figures(stats)
    warc_bytes = sum(path.stat().st_size for path in _warc_files(db, run))
    return Measure(kind, pages, seconds, wall, cpu, rss, pss, status, articles, warc_bytes, record)


def run_reextract(db: Path, *, work: Path, n: int) -> Measure:
    """Run ``newscrawl reextract`` over the archive ``db`` of (3), whose pages its capture kept;
    its pages/s are the pages it read over its own time, as it prints them (start-up not counted)."""
    command = [sys.executable, "-m", "newscrawl.cli", "reextract", "--db", str(db)]
    log = work / f"reextract-{n}.log"
    status, wall, cpu, rss, pss = run_measured(command, log)
    found = re.search(r"([\d,]+) pages in ([\d.]+) s", log.read_text(errors="replace"))
    pages, seconds = (int(found.group(1).replace(",", "")), float(found.group(2))) if found else (0, 0.0)
    return Measure(REEXTRACT, pages, seconds, wall, cpu, rss, pss, status)


def _warc_files(db: Path, run: int) -> list[Path]:
    """The WARC files of run ``run`` of the archive ``db`` (its folder may hold other archives')."""
    with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(db)) as con:
        names = [name for (name,) in con.execute("SELECT DISTINCT warc_file FROM captures WHERE run_id = ?", [run])]
        return [db.parent / "warc" / name for name in names if name]
    return []


def missing_articles(db: Path, info: sitegen.SiteInfo) -> list[str]:
    """The site's article URLs that ``db`` does not hold."""
    with contextlib.closing(sqlite3.connect(db)) as con:
        held = {url for (url,) in con.execute("SELECT url FROM articles")}
    return [url for url in map(info.url_of, info.articles) if url not in held]


def prefill(db: Path, count: int, batch: int = 1000) -> float:
    """Write ``count`` synthetic articles (URLs the site does not have) into ``db``; returns
    the seconds it took."""
    began = time.monotonic()
    archive = Archive(db)
    try:
        for start in range(0, count, batch):
            items = [
                ArticleItem(
                    url=f"https://english.almayadeen.net/news/prefill/article-{i:07d}",
                    headline=f"Prefilled article {i}",
                    post_id=str(9_000_000 + i),
                    content_type="news",
                    section="Politics",
                    body=f"Paragraph one of prefilled article {i}.\n\nParagraph two, a little longer than the first.",
                    authors=["Al Mayadeen English"],
                    published_at=f"2020-01-01T{i % 24:02d}:00:00+02:00",
                    tags=["Gaza", f"tag{i % 50}"],
                )
                for i in range(start, min(count, start + batch))
            ]
            archive.store_articles(items, fetched_at="2020-01-02T00:00:00+00:00")
    finally:
        archive.close()
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the runs copy the file alone
    return time.monotonic() - began


# --- Reporting -----------------------------------------------------------------------------------


def _spread(values: Sequence[float], fmt: str = "{:.0f}") -> str:
    if not values:
        return "-"
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def machine() -> str:
    """CPU model, cores, RAM and load, on one line."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        ram = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 1024 / 1024:.1f} GB RAM"
    return f"{model}, {os.cpu_count()} cores, {ram}, Python {platform.python_version()}"


def load() -> str:
    """The load averages (1, 5, 15 minutes)."""
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def table(runs: dict[str, list[Measure]]) -> None:
    """The figures of each kind of run, min / median / max over the rounds."""
    print()
    print("| run | pages | pages/s (min / median / max) | wall s | CPU % | peak RSS MB | peak PSS MB | articles |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind, measures in runs.items():
        if not measures:
            continue
        print(
            f"| {kind} | {_spread([m.pages for m in measures])} | {_spread([m.rate for m in measures])} "
            f"| {_spread([m.wall for m in measures], '{:.1f}')} | {_spread([100 * m.cpu / m.wall for m in measures])} "
            f"| {_spread([m.rss_mb for m in measures])} | {_spread([m.pss_mb for m in measures])} "
            f"| {_spread([m.articles for m in measures])} |"
        )


def report(runs: dict[str, list[Measure]], info: sitegen.SiteInfo, missing: list[str], prefilled: int) -> None:
    """The table, the ratios and PASS/FAIL against the issue's targets."""
    table(runs)
    median = {kind: statistics.median(m.rate for m in measures) for kind, measures in runs.items() if measures}
    print()
    project = median.get("3 project", 0.0)
    for reference in ("2 baseline", "1 fetch"):
        if median.get(reference):
            print(f"ratio (3)/({reference[0]}) of the median pages/s: {project / median[reference]:.2f}")
    failed = [m for measures in runs.values() for m in measures if m.status != 0]
    for m in failed:
        print(f"FAIL: a {m.kind} run exited with {m.status} (see its log)")
    articles = len(info.articles)
    print(f"{'PASS' if not missing else 'FAIL'}: (3) archived {articles - len(missing)} of the site's {articles} articles")
    for url in missing[:10]:
        print(f"  missing: {url}")
    if median.get("2 baseline"):
        ratio = project / median["2 baseline"]
        print(f"{'PASS' if ratio >= RATIO_TARGET else 'FAIL'}: (3)/(2) = {ratio:.2f} (target >= {RATIO_TARGET})")
    rss = max(m.rss_mb for m in runs["3 project"])
    pss = max(m.pss_mb for m in runs["3 project"])
    note = (
        "" if articles >= RSS_TARGET_ARTICLES else f"; the target is set at N = {RSS_TARGET_ARTICLES:,}, this is N = {articles:,}"
    )
    # With forked page workers, RSS summed counts the pages they share with the crawl's process
    # once per process; PSS splits them, so its sum is the memory the crawl takes.
    memory, measure = (pss, "PSS") if pss else (rss, "RSS")  # no /proc: the crawl's own RSS
    print(
        f"{'PASS' if memory <= RSS_TARGET_MB else 'FAIL'}: peak memory of (3), its page workers included = "
        f"{memory:.0f} MB {measure} (RSS summed: {rss:.0f} MB) (target <= {RSS_TARGET_MB} MB{note})"
    )
    if runs.get(WARC_OFF):
        on, off = runs["3 project"], runs[WARC_OFF]
        share = median["3 project"] / median[WARC_OFF]
        print(
            f"{'PASS' if share >= WARC_TARGET else 'FAIL'}: (3) with WARC / (3) without = {share:.2f} (target >= {WARC_TARGET})"
        )
        print(
            f"WARC capture: median {median['3 project']:.0f} pages/s on, {median[WARC_OFF]:.0f} off "
            f"({median['3 project'] / median[WARC_OFF]:.2f}); CPU {statistics.median(m.cpu for m in on):.1f} s on, "
            f"{statistics.median(m.cpu for m in off):.1f} s off; {statistics.median(m.warc_bytes for m in on) / 1e6:.1f} MB "
            f"of WARC, {statistics.median(m.article_record for m in on) / 1000:.1f} KB an article page's response record"
        )
    if runs.get(REEXTRACT):
        rate = median[REEXTRACT]
        print(
            f"{'PASS' if rate >= project else 'FAIL'}: newscrawl reextract over (3)'s archive {rate:.0f} pages/s, "
            f"(3) {project:.0f} pages/s (target: at least the crawl's)"
        )
    full = runs.get(f"3 project, {prefilled:,} archived")
    if full:
        empty = runs["3 project"]
        wall_empty = statistics.median(m.wall / max(1, m.articles) for m in empty)
        wall_full = statistics.median(m.wall / max(1, m.articles) for m in full)
        cpu_empty = statistics.median(m.cpu / max(1, m.articles) for m in empty)
        cpu_full = statistics.median(m.cpu / max(1, m.articles) for m in full)
        print(
            f"cost per new article, median: empty archive {1000 * wall_empty:.2f} ms wall, {1000 * cpu_empty:.2f} ms CPU; "
            f"archive of {prefilled:,} {1000 * wall_full:.2f} ms wall, {1000 * cpu_full:.2f} ms CPU"
        )
        extra = wall_full / wall_empty - 1
        print(
            f"{'PASS' if extra <= PREFILL_TOLERANCE else 'FAIL'}: against {prefilled:,} archived articles (3) costs "
            f"{100 * extra:+.1f}% wall per new article (target within {100 * PREFILL_TOLERANCE:.0f}%)"
        )


#: (3) without capture (``WARC_ENABLED=False``), to show what keeping every fetch as WARC costs.
WARC_OFF = "3 project, WARC off"
#: ``newscrawl reextract`` over (3)'s archive: its article pages read again from the WARC files.
REEXTRACT = "4 reextract of (3)"
#: The issue's targets for capture: (3) with WARC at least this share of (3) without, and
#: re-extraction at least as fast as the crawl.
WARC_TARGET = 0.90


def rounds(
    runs: dict[str, list[Measure]],
    args: argparse.Namespace,
    *,
    base_url: str,
    urls: Path,
    info: sitegen.SiteInfo,
    work: Path,
    repeat: int,
) -> list[str]:
    """Run ``repeat`` rounds of (1), (2), (3) (and (3) on the prefilled archive), appending to
    ``runs``; returns the site's article URLs that some run of (3) did not archive."""
    missing: list[str] = []
    full_db, full_kind = work / "prefill.db", f"3 project, {args.prefill:,} archived"
    for n in range(1, repeat + 1):
        for kind in ("fetch", "baseline"):
            m = run_reference(kind, base_url, urls, work=work, concurrency=args.concurrency, n=n)
            runs[f"{1 if kind == 'fetch' else 2} {kind}"].append(m)
            print(f"round {n}: ({kind}) {m.pages} pages in {m.seconds:.1f} s = {m.rate:.0f} pages/s", flush=True)
        db = work / f"archive-{n}.db"
        for stale in work.glob(f"archive-{n}.db*"):
            stale.unlink()
        m = run_project(base_url, db, work=work, concurrency=args.concurrency, n=n)
        runs["3 project"].append(m)
        missing = (
            sorted(set(missing) | set(missing_articles(db, info))) if db.is_file() else list(map(info.url_of, info.articles))
        )
        print(
            f"round {n}: (project) {m.pages} pages in {m.seconds:.1f} s = {m.rate:.0f} pages/s, {m.articles} new articles; "
            f"WARC {m.warc_bytes / 1e6:.1f} MB, {m.warc_bytes / max(1, m.pages) / 1000:.1f} KB a page, "
            f"{m.article_record / 1000:.1f} KB an article page's response record",
            flush=True,
        )
        m = run_reextract(db, work=work, n=n)
        runs[REEXTRACT].append(m)
        print(f"round {n}: (reextract of (3)'s archive) {m.pages} pages in {m.seconds:.1f} s = {m.rate:.0f} pages/s", flush=True)
        if not args.keep:
            for stale in work.glob(f"archive-{n}.db*"):
                stale.unlink()
            shutil.rmtree(work / "warc", ignore_errors=True)
        for stale in work.glob(f"archive-off-{n}.db*"):
            stale.unlink()
        m = run_project(
            base_url, work / f"archive-off-{n}.db", work=work, concurrency=args.concurrency, n=n, kind="off", warc=False
        )
        runs[WARC_OFF].append(m)
        print(f"round {n}: (project, WARC off) {m.pages} pages in {m.seconds:.1f} s = {m.rate:.0f} pages/s", flush=True)
        if not args.keep:
            for stale in work.glob(f"archive-off-{n}.db*"):
                stale.unlink()
        if args.prefill:
            copy = work / f"archive-full-{n}.db"
            shutil.copyfile(full_db, copy)
            m = run_project(base_url, copy, work=work, concurrency=args.concurrency, n=n, kind="project-full")
            runs[full_kind].append(m)
            print(
                f"round {n}: (project, {args.prefill:,} archived) {m.pages} pages in {m.seconds:.1f} s = "
                f"{m.rate:.0f} pages/s, {m.articles} new articles",
                flush=True,
            )
            for stale in work.glob(f"archive-full-{n}.db*"):
                stale.unlink()
    return missing


# --- Main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, help="articles of the generated site (default 5000; --quick 200)")
    parser.add_argument("--repeat", type=int, help="rounds of (1), (2), (3) (default 3; --quick 1)")
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS of every spider (default 16)")
    parser.add_argument("--prefill", type=int, default=0, help="also run (3) against an archive of M synthetic articles")
    parser.add_argument("--quick", action="store_true", help="200 articles, one round: checks that it all runs")
    parser.add_argument("--mirror", action="store_true", help="serve with the project's mirror even when nginx is present")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (site, archives, logs)")
    args = parser.parse_args(argv)
    articles = args.articles or (200 if args.quick else 5000)
    repeat = args.repeat or (1 if args.quick else 3)
    with contextlib.ExitStack() as stack:
        work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newscrawl-crawlbench-")))
        work.mkdir(parents=True, exist_ok=True)
        print(f"machine: {machine()}; {load()}", flush=True)
        print(f"== generating {articles} articles into {work / 'site'}", flush=True)
        info = sitegen.generate(work / "site", articles)
        print(sitegen.describe(info), flush=True)
        targets = site_targets(info.root)
        urls = work / "urls.txt"
        urls.write_text("\n".join(targets) + "\n")
        print(f"(1) and (2) request the site's {len(targets)} files (listed from the folder); (3) discovers its pages")
        if args.prefill:
            full_db = work / "prefill.db"
            for stale in work.glob("prefill.db*"):
                stale.unlink()
            seconds = prefill(full_db, args.prefill)
            print(f"== prefilled {full_db} with {args.prefill:,} synthetic articles in {seconds:.0f} s", flush=True)
        base_url, server = stack.enter_context(serve(info.root, work, use_nginx=not args.mirror))
        print(f"server: {server} at {base_url}; concurrency {args.concurrency}", flush=True)
        runs: dict[str, list[Measure]] = {"1 fetch": [], "2 baseline": [], "3 project": [], WARC_OFF: [], REEXTRACT: []}
        if args.prefill:
            runs[f"3 project, {args.prefill:,} archived"] = []
        missing = rounds(runs, args, base_url=base_url, urls=urls, info=info, work=work, repeat=repeat)
        report(runs, info, missing, args.prefill)
        print(f"{load()}; this process's children used {resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:.0f} s user CPU")
        if args.keep:
            print(f"site, logs and archives kept in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
