"""The crawler against a hostile web: the fault-injecting mirror (``newscrawl mirror --faults``),
one behaviour per test, by the fault's name.

One faulty crawl of the fixture site serves most tests: each fault mode hits its own article (or
listing), and the archive is compared with a clean crawl of the same site. Blocks and 429 storms
need crawls of their own.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from newscrawl.mirror.server import MirrorProcess
from newscrawl.warc import default_warc_dir
from tests.conftest import build_site, connect, crawl, incomplete_captures, said, warc_check

if TYPE_CHECKING:
    import sqlite3
    import subprocess
    from collections.abc import Iterator
    from pathlib import Path

REAL = "https://english.almayadeen.net"
# Retries against a mirror on this machine need no long waits; the behaviour is the same.
# (A timeout of 4 s, not less: a crawler on a loaded machine reads answers late, and a spurious
# timeout would be one more retry; 2 s once gave one.)
FAST = {"RETRY_BACKOFF_BASE": 0.05, "DOWNLOAD_TIMEOUT": 4, "DOWNLOAD_MAXSIZE": 1_000_000}

#: Transient faults: (mode, article path, failures before the page is served, rule extras).
TRANSIENT: list[tuple[str, str, int, dict[str, Any]]] = [
    ("500", "news/economy/china-s-exports-beat-forecasts-despite-tariff-pressure", 2, {}),
    ("502", "news/health/cholera-cases-rise-in-sudan-as-rainy-season-approaches", 1, {}),
    ("503", "news/sports/hosts-morocco-prepare-for-women-s-afcon-knockout-stage", 2, {}),
    ("429", "news/technology/chinese-firms-unveil-new-ai-models-amid-chip-export-curbs", 1, {"retry_after": "1"}),
    ("429", "news/economy/eurozone-industrial-output-slips-as-energy-costs-weigh-on-fa", 1, {"retry_after": "date:2"}),
    ("reset", "news/arts-culture/beirut-book-fair-returns-with-focus-on-palestinian-literatur", 2, {}),
    ("truncate", "news/miscellaneous/heatwave-grips-eastern-mediterranean-as-temperatures-near-re", 1, {}),
    ("slow", "articles/opinion/the-red-sea-after-the-shipping-crisis", 1, {"delay": 8}),
    ("empty", "articles/opinion/latin-america-s-new-non-alignment", 1, {}),
    ("malformed", "news/politics/major-ambush-in-gaza-kills-5-israeli-troops--injures-14", 1, {}),
    ("cut-html", "articles/opinion/gaza-s-aid-model-is-a-humanitarian-fig-leaf", 2, {"fraction": 0.45}),
]
#: A listing page that fails once.
LISTING = ("503", "/news/politics?page=2")
#: Permanent faults of encoding: the page is served, always, in another charset.
WRONG_CHARSET = "news/politics/tehran-says-no-date-set-for-araghchi-witkoff-meeting"
WINDOWS_1256 = "news/politics/syrian-defense-ministry-calls-for-restraint-as-clashes-conti"
#: Pages that will never be fetched, whatever the retries: skipped with a log line.
SKIPPED = {
    "redirect-offsite": "news/politics/us-shipbuilding-woes-deepen-as-tariffs--outdated-policies-ba",
    "redirect-loop": "articles/opinion/why-sanctions-keep-failing-in-the-global-south",
    "oversized": "articles/opinion/europe-s-arms-exports-and-the-limits-of-conditionality",
}

# Text no ASCII charset holds, so a wrong decoding shows.
NON_ASCII = f"""
by_path = {{a.path: a for a in content.ARTICLES}}
def retitled(path, headline):
    return dataclasses.replace(by_path[path], headline=headline)
content.ARTICLES = tuple(
    retitled(a.path, "Tehran’s “no date” for Araghchi–Witkoff talks, says the café owner")
    if a.path == {WRONG_CHARSET!r} else
    retitled(a.path, "عاجل: Syrian ministry calls for restraint – «clashes continue»")
    if a.path == {WINDOWS_1256!r} else a
    for a in content.ARTICLES
)
"""


class Recorder(BaseHTTPRequestHandler):
    """Another host: it records every request it gets (none should come)."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<html><head><title>Elsewhere</title></head><body><h1>Elsewhere</h1></body></html>")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[tuple[str, list[str]]]:
    """``(origin, requests it got)`` of a server on another host name (``localhost``)."""
    seen: list[str] = []
    handler = type("Recording", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def rule(mode: str, path: str, **extra: Any) -> dict[str, Any]:
    """A fault rule for one page: an article ``path`` (and its redirect hops), or an exact
    ``/target``."""
    match = f"^{re.escape(path)}$" if path.startswith("/") else f"^/{re.escape(path)}(?:$|\\?)"
    return {"match": match, "mode": mode, **extra}


@dataclass
class Crawl:
    """A crawl of a mirror and what is left of it."""

    result: subprocess.CompletedProcess[str]
    db: Path
    requests: list[tuple[str, str, int]]
    #: When the server answered each request (UNIX time).
    times: list[float]
    faults: dict[str, Any]

    def stats(self) -> dict[str, Any]:
        with connect(self.db) as con:
            return dict(json.loads(con.execute("SELECT stats FROM crawl_runs ORDER BY id DESC").fetchone()[0]))

    def run(self) -> sqlite3.Row:
        with connect(self.db) as con:
            row: sqlite3.Row = con.execute("SELECT * FROM crawl_runs ORDER BY id DESC").fetchone()
            return row

    def requested(self, path: str) -> int:
        return sum(1 for _, target, _ in self.requests if target == f"/{path}")

    def answered_at(self, path: str) -> list[float]:
        return [t for (_, target, _), t in zip(self.requests, self.times, strict=True) if target == f"/{path}"]


def crawl_mirror(site: Path, db: Path, faults: list[dict[str, Any]] | None, *args: str, **settings: Any) -> Crawl:
    server = MirrorProcess.start(site, log_requests=True, faults=faults)
    try:
        result = crawl(server.base_url, db, *args, settings={**FAST, **settings})
        # a slow answer the crawl gave up on is logged when the server sends it: wait for it
        time.sleep(max((rule.get("delay", 0) for rule in faults or [] if rule.get("mode") == "slow"), default=0))
        requests = server.requests_since(0)
        times = server.times[: len(requests)]
        counts = server.faults()
    finally:
        server.stop()
    return Crawl(result, db, requests, times, counts)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site, two headlines made non-ASCII."""
    return build_site(tmp_path_factory.mktemp("faults") / "site", NON_ASCII)


@pytest.fixture(scope="module")
def clean(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """A crawl of the site with no fault."""
    run = crawl_mirror(site, tmp_path_factory.mktemp("clean") / "a.db", None)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def faulty(site: Path, elsewhere: tuple[str, list[str]], tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """A crawl of the site with every fault of the mirror, each on its own page."""
    origin, _ = elsewhere
    faults = [rule(mode, path, times=times, **extra) for mode, path, times, extra in TRANSIENT]
    faults += [
        rule(LISTING[0], LISTING[1], times=1),
        rule("wrong-charset", WRONG_CHARSET),
        rule("windows-1256", WINDOWS_1256),
        rule("redirect-offsite", SKIPPED["redirect-offsite"], location=origin),
        rule("redirect-loop", SKIPPED["redirect-loop"]),
        rule("oversized", SKIPPED["oversized"], size=3_000_000),
        {"match": r"^/(?:$|news(?:$|\?)|articles/opinion$)", "mode": "junk-links", "links_to": origin},
    ]
    run = crawl_mirror(site, tmp_path_factory.mktemp("faulty") / "a.db", faults)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    return run


def articles(db: Path) -> dict[str, sqlite3.Row]:
    with connect(db) as con:
        return {row["url"]: row for row in con.execute("SELECT * FROM articles")}


# --- transient faults: retried until served ---------------------------------------------------


@pytest.mark.parametrize("fault", TRANSIENT, ids=[f"{t[0]}-{'-'.join(map(str, t[3].values()))}".rstrip("-") for t in TRANSIENT])
def test_transient_fault_is_retried_until_the_page_is_served(
    faulty: Crawl, clean: Crawl, fault: tuple[str, str, int, Any]
) -> None:
    mode, path, times, _ = fault
    assert faulty.requested(path) == times + 1
    assert faulty.faults["injected"][mode] >= times
    stored, expected = articles(faulty.db)[f"{REAL}/{path}"], articles(clean.db)[f"{REAL}/{path}"]
    assert stored["content_hash"] == expected["content_hash"]
    assert stored["headline"] == expected["headline"]


@pytest.mark.parametrize(("path", "asked"), [(t[1], t[3]["retry_after"]) for t in TRANSIENT if t[0] == "429"])
def test_retry_after_is_honoured(faulty: Crawl, path: str, asked: str) -> None:
    first, retry = faulty.answered_at(path)
    # "1": one second; "date:2": a date two seconds ahead, to the second, so more than one
    assert retry - first >= 1.0, asked


def test_a_listing_that_fails_once_is_retried(faulty: Crawl) -> None:
    assert faulty.requested(LISTING[1].lstrip("/")) == 2


def test_retries_are_counted_by_reason(faulty: Crawl) -> None:
    stats = faulty.stats()
    reasons = {
        key.removeprefix("retry/reason_count/"): value for key, value in stats.items() if key.startswith("retry/reason_count/")
    }
    assert reasons == {
        "HTTP 500": 2,
        "HTTP 502": 1,
        "HTTP 503": 3,  # two on an article, one on a listing
        "HTTP 429": 2,
        "scrapy.exceptions.DownloadFailedError": 2,  # reset
        "scrapy.exceptions.ResponseDataLossError": 1,  # truncate
        "scrapy.exceptions.DownloadTimeoutError": 1,  # slow
        "newscrawl.crawl.middlewares.DamagedPage": 4,  # empty once, malformed once, cut-html twice
    }
    assert stats["retry/count"] == sum(reasons.values())
    assert stats["newscrawl/retry_after"] == 2  # the 429s' Retry-After
    assert "retry/max_reached" not in stats


def test_faulty_crawl_archives_every_article_a_clean_crawl_does(faulty: Crawl, clean: Crawl) -> None:
    got, expected = articles(faulty.db), articles(clean.db)
    skipped = {f"{REAL}/{path}" for path in SKIPPED.values()}
    assert set(got) == set(expected) - skipped
    for url in got:
        assert got[url]["content_hash"] == expected[url]["content_hash"], url
    with connect(faulty.db) as con:
        # nothing stored twice, nothing half-written
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = con.execute(
            "SELECT count(*), count(DISTINCT url), count(post_id), count(DISTINCT post_id) FROM articles"
        ).fetchone()
        assert tuple(counts) == (len(got), len(got), counts[3], counts[3])
        assert con.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 0
        assert con.execute("SELECT max(version) FROM articles").fetchone()[0] == 1
    assert faulty.run()["status"] == "finished"
    assert faulty.run()["complete"] == 1  # skipped pages do not leave the run incomplete


def test_every_answer_is_captured_retries_and_errors_included(faulty: Crawl) -> None:
    """Each response the crawl received is a capture, retried answers and error pages too;
    a reset, a cut body, a timeout or an oversized page (never received) is none."""
    assert warc_check(default_warc_dir(faulty.db)) == []
    assert incomplete_captures(faulty.db) == []
    with connect(faulty.db) as con:
        captures = [dict(r) for r in con.execute("SELECT * FROM captures ORDER BY id")]
        article_captures = dict(
            con.execute("SELECT a.url, c.status FROM articles a JOIN captures c ON c.id = a.capture_id").fetchall()
        )
    assert len(captures) == faulty.stats()["downloader/response_count"]
    base = captures[0]["url"].removesuffix("/robots.txt")
    for mode, path, times, _ in TRANSIENT:
        statuses = [c["status"] for c in captures if c["url"] == f"{base}/{path}"]
        answered = [int(mode)] * times if mode.isdigit() else [200] * times if mode in ("empty", "malformed", "cut-html") else []
        assert statuses == [*answered, 200], mode
        assert article_captures[f"{REAL}/{path}"] == 200
    assert not [c for c in captures if c["url"] == f"{base}/{SKIPPED['oversized']}"]


# --- pages that will not get better: skipped with a log line -----------------------------------


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("redirect-offsite", "is not on the crawl's hosts (127.0.0.1); redirected from http://127.0.0.1:"),
        ("redirect-loop", "max redirections reached"),
        ("oversized", "larger than download max size"),
    ],
)
def test_page_that_cannot_be_archived_is_skipped_with_a_log_line(faulty: Crawl, mode: str, reason: str) -> None:
    path = SKIPPED[mode]
    lines = [
        line
        for line in faulty.result.stderr.splitlines()
        if "WARNING: " in line and f"/{path}" in line and "[scrapy." not in line
    ]
    assert len(lines) == 1, faulty.result.stderr[-3000:]
    assert reason in lines[0]
    assert f"{REAL}/{path}" not in articles(faulty.db)


def test_redirect_loop_stops_at_redirect_max_times(faulty: Crawl) -> None:
    hops = [target for _, target, _ in faulty.requests if target.startswith(f"/{SKIPPED['redirect-loop']}")]
    assert len(hops) == 6  # the page and REDIRECT_MAX_TIMES (5) redirects


def test_no_request_leaves_the_edition_host(faulty: Crawl, elsewhere: tuple[str, list[str]]) -> None:
    _, seen = elsewhere
    assert seen == []
    stats = faulty.stats()
    assert stats["newscrawl/offsite_refused"] == 1  # the redirect; links to other hosts are never requested
    targets = [target for _, target, _ in faulty.requests]
    assert not [t for t in targets if any(s in t for s in ("javascript", "mailto", "tel:", "data:", "#", "elsewhere"))]


# --- pages in a bad shape: read right, or stored with what they hold --------------------------


@pytest.mark.parametrize(
    ("path", "headline"),
    [
        (WRONG_CHARSET, "Tehran’s “no date” for Araghchi–Witkoff talks, says the café owner"),
        (WINDOWS_1256, "عاجل: Syrian ministry calls for restraint – «clashes continue»"),
    ],
    ids=["wrong-charset", "windows-1256"],
)
def test_page_in_a_misdeclared_or_legacy_charset_is_read_right(faulty: Crawl, clean: Crawl, path: str, headline: str) -> None:
    stored = articles(faulty.db)[f"{REAL}/{path}"]
    assert stored["headline"] == headline
    assert stored["body"] == articles(clean.db)[f"{REAL}/{path}"]["body"]


# --- pages damaged for good: errors, never articles ----------------------------------------------

#: An article always cut short, and a listing page always malformed (its </div>s, </p>s and </li>s
#: lost: lxml nests the page into its ticker).
CUT = "articles/opinion/gaza-s-aid-model-is-a-humanitarian-fig-leaf"
MALFORMED_LISTING = "/news/politics?page=2"


@pytest.fixture(scope="module")
def damaged(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """A crawl with an article and a listing page damaged on every request (the last test reruns
    it without faults, into the same archive)."""
    db = tmp_path_factory.mktemp("damaged") / "a.db"
    run = crawl_mirror(site, db, [rule("cut-html", CUT), rule("malformed", MALFORMED_LISTING)], RETRY_TIMES=2)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    return run


def ticker(db: Path) -> set[str]:
    with connect(db) as con:
        return {row[0] for row in con.execute("SELECT text FROM breaking")}


def test_a_page_damaged_for_good_is_an_error_naming_it_and_why(damaged: Crawl) -> None:
    assert damaged.requested(CUT) == 3  # retried like a 5xx
    assert damaged.requested(MALFORMED_LISTING.lstrip("/")) == 3
    # sorted (the article's line first): the order the crawl meets them is its interleaving's
    errors = sorted(
        line.split(" ERROR: ", 1)[1]
        for line in damaged.result.stderr.splitlines()
        if " ERROR: " in line and "[scrapy." not in line
    )
    assert len(errors) == 2, errors
    assert re.fullmatch(
        rf"article http://127\.0\.0\.1:\d+/{re.escape(CUT)} not fetched: damaged page after 2 retries: cut short: no "
        r"</body> or </html>, .+",
        errors[0],
    ), errors
    assert re.fullmatch(
        rf"listing http://127\.0\.0\.1:\d+{re.escape(MALFORMED_LISTING)} not fetched: damaged page after 2 retries: "
        r"malformed: \d+ <div> opened, 0 closed",
        errors[1],
    ), errors
    stats = damaged.stats()
    assert (stats["newscrawl/article_errors"], stats["newscrawl/listing_errors"]) == (1, 1)
    assert "newscrawl/not_article" not in stats
    assert (damaged.run()["status"], damaged.run()["complete"]) == ("finished", 0)
    assert f"{REAL}/{CUT}" not in articles(damaged.db)


def test_a_damaged_page_gives_no_ticker_line_and_no_article_text(damaged: Crawl, clean: Crawl) -> None:
    assert ticker(damaged.db) == ticker(clean.db)
    expected = articles(clean.db)
    for url, row in articles(damaged.db).items():
        assert row["content_hash"] == expected[url]["content_hash"], url


def test_the_next_run_fetches_what_damage_left_out(damaged: Crawl, clean: Crawl, site: Path) -> None:
    rerun = crawl_mirror(site, damaged.db, None)
    assert rerun.result.returncode == 0, rerun.result.stderr[-3000:]
    assert {url: row["content_hash"] for url, row in articles(damaged.db).items()} == {
        url: row["content_hash"] for url, row in articles(clean.db).items()
    }
    assert rerun.run()["complete"] == 1


# --- blocks ------------------------------------------------------------------------------------


def snapshot(db: Path) -> list[tuple[Any, ...]]:
    with connect(db) as con:
        return [tuple(row) for row in con.execute("SELECT * FROM articles ORDER BY id")]


@pytest.mark.parametrize("mode", ["challenge-403", "challenge-503"])
def test_challenge_everywhere_stops_the_run_as_blocked(clean: Crawl, site: Path, tmp_path: Path, mode: str) -> None:
    db = tmp_path / "a.db"
    shutil.copy(clean.db, db)
    before = snapshot(db)
    run = crawl_mirror(site, db, [{"mode": mode}])
    assert run.result.returncode == 3
    lines = said(run.result.stderr)
    assert len(lines) == 1
    assert lines[0].startswith("newscrawl: blocked: http://127.0.0.1:")
    assert "/robots.txt refused the crawler: bot-protection challenge" in lines[0]
    assert run.run()["status"] == "blocked"
    assert snapshot(db) == before


def test_challenge_mid_crawl_stops_it_and_keeps_what_was_archived(site: Path, tmp_path: Path) -> None:
    path = "news/politics/hezbollah-sg-reveals-war-details-on-al-mayadeen-for-the-firs"
    run = crawl_mirror(site, tmp_path / "a.db", [rule("challenge-503", path)])
    assert run.result.returncode == 3
    assert "newscrawl: blocked: http://127.0.0.1:" in run.result.stderr
    assert f"/{path} refused the crawler: bot-protection challenge" in run.result.stderr
    assert run.run()["status"] == "blocked"
    assert f"{REAL}/{path}" not in articles(run.db)
    assert run.requested(path) == 1  # a challenge is not retried


def test_403s_in_a_row_stop_the_run_as_blocked(site: Path, tmp_path: Path) -> None:
    run = crawl_mirror(site, tmp_path / "a.db", [{"match": r"^/news/[a-z-]+/[a-z]", "mode": "403"}])
    assert run.result.returncode == 3
    assert "refused the crawler: 3 requests in a row answered HTTP 403 Forbidden" in run.result.stderr
    assert run.run()["status"] == "blocked"


# --- 429 storms ----------------------------------------------------------------------------------


def test_repeated_429s_pause_the_host_and_nothing_is_lost(clean: Crawl, site: Path, tmp_path: Path) -> None:
    run = crawl_mirror(site, tmp_path / "a.db", [{"match": r"^/news/", "mode": "429", "times": 1, "retry_after": "1"}])
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert run.stats()["newscrawl/host_pauses"] >= 1
    assert "127.0.0.1 answered HTTP 429 3 times in a row: pausing requests to it for " in run.result.stderr
    assert set(articles(run.db)) == set(articles(clean.db))


def test_a_retry_after_that_is_no_number_nor_date_is_ignored_for_the_backoff(site: Path, tmp_path: Path) -> None:
    path = TRANSIENT[0][1]
    run = crawl_mirror(site, tmp_path / "a.db", [rule("503", path, times=1, retry_after="raw:\u00b2")], LOG_LEVEL="DEBUG")
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert run.requested(path) == 2
    assert f"{REAL}/{path}" in articles(run.db)
    stats = run.stats()
    assert stats["retry/reason_count/HTTP 503"] == 1
    assert "newscrawl/retry_after" not in stats
    assert f"/{path}: ignoring Retry-After b'\\xb2' (neither seconds nor an HTTP-date)" in run.result.stderr
