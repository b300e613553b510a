"""The mirror's fault modes (``newscrawl mirror --faults``): each mode by name on the wire, the
rules' counting (``after``, ``times``, ``rate``), the counters, and bad rule files."""

from __future__ import annotations

import contextlib
import email.utils
import html
import http.client
import json
import re
import socket
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import parsel
import pytest

from newscrawl.crawl.blocking import block_reason
from newscrawl.mirror.faults import (
    CHALLENGE_PAGE,
    FaultRuleError,
    Rule,
    Served,
    loop_origin,
    parse_rules,
    retry_after_value,
    windows_1256,
)
from newscrawl.mirror.server import FIXTURES, Mirror, MirrorProcess
from tests.conftest import PROJECT

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

ARTICLE = "/news/miscellaneous/heatwave-grips-eastern-mediterranean-as-temperatures-near-re"
LISTING = "/news/politics"


def page(target: str) -> bytes:
    """The fixture file that serves ``target``."""
    return (FIXTURES / target.strip("/") / "index.html").read_bytes()


class Answer:
    """One reply as it arrived: status, headers (lower-cased names), body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body


def get(base_url: str, target: str, *, timeout: float = 30) -> Answer:
    """GET ``target``, following no redirect and raising on no status."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        body = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


def raw(base_url: str, target: str) -> bytes:
    """Every byte the server sends for ``target`` until it closes the connection."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: mirror\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def serve() -> Iterator[Callable[[list[dict[str, Any]]], str]]:
    """Start an in-process mirror of the fixture site with the given rules; returns its base URL."""
    started: list[Mirror] = []

    def start(rules: list[dict[str, Any]]) -> str:
        mirror = Mirror(FIXTURES, faults=parse_rules(rules))
        started.append(mirror)
        return mirror.start()

    yield start
    for mirror in started:
        mirror.stop()


@pytest.mark.parametrize(
    ("rule", "status", "retry_after"),
    [
        ({"mode": "500"}, 500, None),
        ({"mode": "502"}, 502, None),
        ({"mode": "503"}, 503, None),
        ({"mode": "503", "retry_after": "7"}, 503, "7"),
        ({"mode": "429"}, 429, "1"),
        ({"mode": "429", "retry_after": "30"}, 429, "30"),
        ({"mode": "503", "retry_after": "raw:\u00b2"}, 503, "\u00b2"),  # the byte 0xB2
        ({"mode": "403"}, 403, None),
    ],
)
def test_status_modes(
    serve: Callable[[list[dict[str, Any]]], str], rule: dict[str, Any], status: int, retry_after: str | None
) -> None:
    answer = get(serve([rule]), ARTICLE)
    assert answer.status == status
    assert answer.headers.get("retry-after") == retry_after
    assert f"<title>{status} ".encode() in answer.body
    assert b"cf-chl" not in answer.body
    assert block_reason(status, answer.headers, answer.body.decode()) == (
        "access refused (HTTP 403 Forbidden)" if status == 403 else None
    )


@pytest.mark.parametrize("mode", ["429", "503"])
def test_retry_after_as_http_date(serve: Callable[[list[dict[str, Any]]], str], mode: str) -> None:
    value = get(serve([{"mode": mode, "retry_after": "date:2"}]), ARTICLE).headers["retry-after"]
    assert value.endswith(" GMT")
    assert email.utils.parsedate_to_datetime(value).tzinfo is not None


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        ("2", "2"),
        ("120", "120"),
        ("date:2", "Mon, 30 Nov 2026 07:00:02 GMT"),
        ("date:3600", "Mon, 30 Nov 2026 08:00:00 GMT"),
    ],
)
def test_retry_after_value(spec: str, value: str) -> None:
    assert retry_after_value(spec, datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)) == value


def test_reset_aborts_the_connection(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    base_url = serve([{"match": "^/news/", "mode": "reset"}])
    try:
        sent = raw(base_url, ARTICLE)
    except ConnectionResetError:
        sent = b""
    assert sent == b""
    assert get(base_url, "/").status == 200  # the server goes on


def test_truncate_sends_half_the_declared_body(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    sent = raw(serve([{"mode": "truncate"}]), ARTICLE)
    head, _, body = sent.partition(b"\r\n\r\n")
    full = page(ARTICLE)
    assert head.startswith(b"HTTP/1.0 200 ")
    assert f"Content-Length: {len(full)}".encode() in head
    assert body == full[: len(full) // 2]


def test_slow_answers_after_the_delay(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    base_url = serve([{"mode": "slow", "delay": 2}])
    with pytest.raises(TimeoutError):
        get(base_url, ARTICLE, timeout=0.2)
    answer = get(base_url, ARTICLE)
    assert (answer.status, answer.body) == (200, page(ARTICLE))


def test_redirect_loop_never_ends(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    base_url = serve([{"match": f"^{LISTING}", "mode": "redirect-loop"}])
    target, seen = f"{LISTING}?page=2", []
    for _ in range(25):
        answer = get(base_url, target)
        assert answer.status == 302
        target = answer.headers["location"]
        seen.append(target)
    assert seen[:2] == [f"{LISTING}?page=2&_loop=1", f"{LISTING}?page=2&_loop=2"]
    assert seen[-1] == f"{LISTING}?page=2&_loop=25"
    assert len(set(seen)) == 25


@pytest.mark.parametrize(
    ("rule", "location"),
    [
        ({"mode": "redirect-offsite"}, f"http://offsite.invalid{LISTING}?page=2"),
        ({"mode": "redirect-offsite", "location": "https://cdn.example.net/"}, f"https://cdn.example.net{LISTING}?page=2"),
    ],
)
def test_redirect_offsite(serve: Callable[[list[dict[str, Any]]], str], rule: dict[str, Any], location: str) -> None:
    answer = get(serve([rule]), f"{LISTING}?page=2")
    assert (answer.status, answer.headers["location"]) == (302, location)


@pytest.mark.parametrize("chunked", [False, True])
def test_oversized(serve: Callable[[list[dict[str, Any]]], str], chunked: bool) -> None:
    answer = get(serve([{"mode": "oversized", "size": 3_000_000, "chunked": chunked}]), ARTICLE)
    assert answer.status == 200
    assert len(answer.body) == 3_000_000
    assert answer.headers.get("content-length") == (None if chunked else "3000000")
    original = page(ARTICLE)
    head = original[: original.rindex(b"</body>")]
    assert answer.body.startswith(head + b"<!-- xxx")
    assert answer.body.endswith(b"x -->" + original[len(head) :])


def test_oversized_default_size(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    assert len(get(serve([{"mode": "oversized"}]), ARTICLE).body) == 20 * 1024 * 1024


def test_wrong_charset(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    answer = get(serve([{"mode": "wrong-charset"}]), ARTICLE)
    original = page(ARTICLE)
    assert answer.headers["content-type"] == "text/html; charset=iso-8859-1"
    assert b"charset" not in answer.body
    assert answer.body == original.replace(b'<meta charset="utf-8">\n', b"")
    assert any(byte > 127 for byte in answer.body)  # UTF-8 that ISO-8859-1 would garble


def test_windows_1256_on_the_wire(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    answer = get(serve([{"mode": "windows-1256"}]), ARTICLE)
    assert answer.headers["content-type"] == "text/html"
    assert answer.body.count(b"charset") == 1
    assert b'<meta charset="windows-1256">' in answer.body
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")
    text = answer.body.decode("windows-1256").replace('\n<meta charset="windows-1256">', "")
    assert text == page(ARTICLE).decode().replace('<meta charset="utf-8">\n', "")


@pytest.mark.parametrize(
    ("head", "text", "encoded"),
    [
        ('<meta charset="utf-8">', "القدس – “news” ’", "القدس – “news” ’".encode("windows-1256")),
        ('<meta charset="utf-8">', "Señor ö 😀 é", b"Se&#241;or &#246; &#128512; \xe9"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "ok", b"ok"),
        ("", "ok", b"ok"),
    ],
)
def test_windows_1256_encoding(head: str, text: str, encoded: bytes) -> None:
    served = Served(200, "text/html; charset=utf-8", f"<html><head>{head}<title>t</title></head><body><p>{text}</p>".encode())
    reply = windows_1256(Rule(modes=("windows-1256",)), served, "/")
    assert reply.headers == (("Content-Type", "text/html"),)
    assert reply.body == b'<html><head>\n<meta charset="windows-1256"><title>t</title></head><body><p>' + encoded + b"</p>"
    assert html.unescape(reply.body.decode("windows-1256")).endswith(f"<p>{text}</p>")


def test_malformed_is_damaged_but_recoverable(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    body = get(serve([{"mode": "malformed"}]), ARTICLE).body
    original = page(ARTICLE)
    for closer in (b"</p>", b"</div>", b"</li>"):
        assert closer in original
        assert closer not in body
    assert b"</td></table><b><i>" in body
    assert body.count(b'class="mirror-duplicate"') == 5
    damaged, clean = parsel.Selector(body.decode()), parsel.Selector(original.decode())
    assert damaged.css("h1::text").get() == clean.css("h1::text").get()
    assert damaged.css("title::text").get() == clean.css("title::text").get()
    assert damaged.css("p").getall() != clean.css("p").getall()


@pytest.mark.parametrize("fraction", [0.5, 0.1])
def test_cut_html(serve: Callable[[list[dict[str, Any]]], str], fraction: float) -> None:
    answer = get(serve([{"mode": "cut-html", "fraction": fraction}]), ARTICLE)
    original = page(ARTICLE)
    assert answer.status == 200
    assert answer.headers["content-length"] == str(len(answer.body))
    assert original.startswith(answer.body)
    assert len(original) * fraction - 4 < len(answer.body) <= len(original) * fraction
    answer.body.decode("utf-8")  # cut between characters


@pytest.mark.parametrize(
    ("rule", "status", "mitigated"),
    [
        ({"mode": "challenge-403"}, 403, "challenge"),
        ({"mode": "challenge-503"}, 503, "challenge"),
        ({"mode": "challenge-503", "header": False}, 503, None),
    ],
)
def test_challenge(
    serve: Callable[[list[dict[str, Any]]], str], rule: dict[str, Any], status: int, mitigated: str | None
) -> None:
    answer = get(serve([rule]), "/")
    assert answer.status == status
    assert answer.headers.get("cf-mitigated") == mitigated
    assert answer.headers["server"] == "cloudflare"
    assert answer.body == CHALLENGE_PAGE
    assert b"<title>Just a moment...</title>" in answer.body
    assert b"/cdn-cgi/challenge-platform/" in answer.body
    assert b"cf-chl" in answer.body
    assert (block_reason(status, answer.headers, answer.body.decode()) or "").startswith("bot-protection challenge")


def test_empty(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    answer = get(serve([{"mode": "empty"}]), ARTICLE)
    assert (answer.status, answer.headers["content-type"], answer.headers["content-length"], answer.body) == (
        200,
        "text/html; charset=utf-8",
        "0",
        b"",
    )


@pytest.mark.parametrize(
    ("rule", "origin"),
    [
        ({"mode": "junk-links"}, "http://elsewhere.invalid"),
        ({"mode": "junk-links", "links_to": "https://x.example"}, "https://x.example"),
    ],
)
def test_junk_links(serve: Callable[[list[dict[str, Any]]], str], rule: dict[str, Any], origin: str) -> None:
    body = get(serve([rule]), LISTING).body.decode()
    original = page(LISTING).decode()
    links = parsel.Selector(body).css(".mirror-junk-links a::attr(href)").getall()
    article = parsel.Selector(original).xpath("//a/@href").re(r"^(?:https?://[^/]+)?(/[\w-]+/[\w-]+/[\w-]{12,})$")[0]
    foreign = urlsplit(origin).netloc
    assert links == [
        f"{origin}{article}",
        f"{origin}/",
        f"//{foreign}/news/politics",
        f"//{foreign}{article}",
        "javascript:void(0)",
        "mailto:newsdesk@elsewhere.invalid",
        "tel:+9611234567",
        "data:text/html,%3Ch1%3Ehello%3C%2Fh1%3E",
        "#top",
        f"{article}#comments",
    ]
    assert body.replace(body[body.index('<div class="mirror-junk-links">') : body.index("</body>")], "") == original


def test_after_and_times_count_each_target(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    base_url = serve([{"match": "^/news/", "mode": "500", "after": 1, "times": 2}, {"mode": "502", "times": 1}])
    # the first rule that applies wins: the 502 rule takes each target's first request
    assert [get(base_url, ARTICLE).status for _ in range(5)] == [502, 500, 500, 200, 200]
    assert [get(base_url, LISTING).status for _ in range(4)] == [502, 500, 500, 200]
    assert [get(base_url, "/").status for _ in range(3)] == [502, 200, 200]


@pytest.mark.parametrize(
    ("rule", "picks"),
    [
        (Rule(modes=("500",)), ["500", "500", "500", "500"]),
        (Rule(modes=("500",), after=1, times=2), [None, "500", "500", None]),
        (Rule(modes=("500",), times=0), [None, None, None, None]),
        (Rule(modes=("500",), after=3), [None, None, None, "500"]),
        (Rule(modes=("500",), rate=0.0), [None, None, None, None]),
        (Rule(modes=("500",), rate=1.0), ["500", "500", "500", "500"]),
        (Rule(modes=("500",), match=re.compile(r"^/a$")), ["500", "500", "500", "500"]),
        (Rule(modes=("500",), match=re.compile(r"^/b")), [None, None, None, None]),
    ],
)
def test_rule_picks(rule: Rule, picks: list[str | None]) -> None:
    assert [rule.pick("/a", number) for number in range(1, 5)] == picks
    assert rule.pick("/a?_loop=7", 4) == picks[3]  # a redirect-loop hop is matched as its origin


@pytest.mark.parametrize(
    ("target", "origin"),
    [
        ("/news?_loop=3", "/news"),
        ("/news?page=2&_loop=12", "/news?page=2"),
        ("/news?page=2", "/news?page=2"),
        ("/news", "/news"),
    ],
)
def test_loop_origin(target: str, origin: str) -> None:
    assert loop_origin(target) == origin


def test_counting_is_thread_safe(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    base_url = serve([{"mode": "503", "after": 3, "times": 5}])
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda _: get(base_url, ARTICLE).status, range(48)))
    assert sorted(statuses) == [200] * 43 + [503] * 5
    assert json.loads(get(base_url, "/__mirror/faults").body) == {"requests": 48, "injected": {"503": 5}}


def test_rate_is_a_repeatable_share(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    rules = [{"mode": ["500", "503"], "rate": 0.3, "seed": 4}]
    targets = [f"/missing/{n}" for n in range(300)]
    first, second = serve(rules), serve(rules)
    statuses = [get(first, target).status for target in targets]
    assert statuses == [get(second, target).status for target in targets]
    expected = [Rule(modes=("500", "503"), rate=0.3, seed=4).pick(target, 1) for target in targets]
    assert statuses == [404 if mode is None else int(mode) for mode in expected]
    assert 60 < sum(s != 404 for s in statuses) < 120
    assert {500, 503} <= set(statuses)
    other_seed = serve([{"mode": ["500", "503"], "rate": 0.3, "seed": 5}])
    assert [get(other_seed, target).status for target in targets] != statuses


def test_counters(serve: Callable[[list[dict[str, Any]]], str]) -> None:
    base_url = serve([{"match": "^/$", "mode": "503", "times": 2}, {"match": "politics", "mode": "reset", "times": 1}])
    for target in ["/", "/", "/", LISTING, "/__log-marker-1-2"]:
        with contextlib.suppress(ConnectionResetError, http.client.RemoteDisconnected):
            get(base_url, target)
    counts = json.loads(get(base_url, "/__mirror/faults").body)
    assert counts == {"requests": 4, "injected": {"503": 2, "reset": 1}}


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ({"mode": "500"}, "the rule file must hold a JSON list of rules"),
        (["500"], "rule 0: a rule is a JSON object, not str"),
        ([{"mode": "500"}, {"mode": "501"}], "rule 1: unknown mode '501'"),
        ([{}], "rule 0: 'mode' must be a mode name or a non-empty list of them"),
        ([{"mode": []}], "rule 0: 'mode' must be a mode name or a non-empty list of them"),
        ([{"mode": "500", "rate": 1.5}], "rule 0: 'rate' must be a number from 0 to 1, not 1.5"),
        ([{"mode": "500", "times": -1}], "rule 0: 'times' must be a whole number >= 0, not -1"),
        ([{"mode": "500", "times": True}], "rule 0: 'times' must be a whole number >= 0, not True"),
        ([{"mode": "500", "match": "("}], "rule 0: 'match' is not a regular expression"),
        (
            [{"mode": "429", "retry_after": 2}],
            "rule 0: 'retry_after' must be seconds ('2'), 'date:SECONDS' ('date:2') or 'raw:TEXT' (Latin-1), not 2",
        ),
        ([{"mode": "429", "retry_after": "raw:\u0663"}], "rule 0: 'retry_after' must be seconds"),  # not Latin-1
        ([{"mode": "429", "retry_after": "raw:1\r\nX-Evil: 1"}], "rule 0: 'retry_after' must be seconds"),
        ([{"mode": "429", "retry_after": "\u0663"}], "rule 0: 'retry_after' must be seconds"),
        ([{"mode": "429", "retry_after": "soon"}], "rule 0: 'retry_after' must be seconds"),
        ([{"mode": "redirect-offsite", "location": "/x"}], "rule 0: 'location' must be an http(s) origin"),
        ([{"mode": "slow", "dealy": 3}], "rule 0: unknown key 'dealy'"),
        ([{"mode": "challenge-403", "header": "no"}], "rule 0: 'header' must be a bool, not 'no'"),
    ],
)
def test_bad_rules(rules: object, problem: str) -> None:
    with pytest.raises(FaultRuleError) as raised:
        parse_rules(rules)
    assert str(raised.value).startswith(problem)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[{"mode": "500"}, {"mode": "teapot"}]', "rule 1: unknown mode 'teapot'"),
        ('[{"mode": "500",}]', "is not JSON"),
    ],
)
def test_cli_rejects_a_bad_rule_file(tmp_path: Path, text: str, problem: str) -> None:
    rules = tmp_path / "faults.json"
    rules.write_text(text)
    command = [sys.executable, "-m", "newscrawl.cli", "mirror", "--port", "0", "--faults", str(rules)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("newscrawl mirror: ")
    assert problem in result.stderr


def test_mirror_process_with_rules(tmp_path: Path) -> None:
    mirror = MirrorProcess.start(FIXTURES, log_requests=True, faults=[{"match": "^/news/", "mode": ["reset"], "times": 1}])
    try:
        assert mirror.rule_file is not None
        assert mirror.rule_file.is_file()
        with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
            get(mirror.base_url, LISTING)
        assert get(mirror.base_url, LISTING).status == 200
        assert mirror.requests_since(0) == [("GET", LISTING, 0), ("GET", LISTING, 200)]
        assert mirror.faults() == {"requests": 2, "injected": {"reset": 1}}
    finally:
        assert mirror.stop() == 0
    assert not mirror.rule_file.exists()
    with pytest.raises(RuntimeError, match="rule 0: unknown mode 'nope'"):
        MirrorProcess.start(FIXTURES, faults=[{"mode": "nope"}])


def test_faults_benchmark_loses_nothing(tmp_path: Path) -> None:
    """``benchmarks/faults.py`` on a small site: a fifth of the responses fail, yet the faulty
    crawl archives exactly what the clean one does."""
    command = [sys.executable, str(PROJECT / "benchmarks" / "faults.py"), "--articles", "30", "--keep", str(tmp_path)]
    result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (
        "PASS: faulty crawl archived 30 articles, clean crawl 30; same URLs, content hashes, versions and links: yes"
        in result.stdout
    )
    injected = re.search(r"failures injected: (\d+) of (\d+) responses", result.stdout)
    assert injected is not None
    assert int(injected[1]) > 0.1 * int(injected[2])
    with contextlib.closing(sqlite3.connect(tmp_path / "faulty.db")) as con:
        stats = json.loads(con.execute("SELECT stats FROM crawl_runs").fetchone()[0])
    assert stats["retry/count"] >= int(injected[1])  # every failure retried (a loaded machine may time out more)
    assert "retry/max_reached" not in stats
