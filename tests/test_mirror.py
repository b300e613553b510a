"""The mirror's URL → file mapping, and targets no file can answer: every request gets a status,
the connection is never dropped, and the server goes on serving."""

from __future__ import annotations

import http.client
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import pytest

from newscrawl.mirror.server import FIXTURES, BadTarget, Mirror, resolve

if TYPE_CHECKING:
    from collections.abc import Iterator

ARTICLE = "/news/miscellaneous/heatwave-grips-eastern-mediterranean-as-temperatures-near-re"
LONG = "a" * 256  # one byte over what a file name may hold (ENAMETOOLONG)


@pytest.mark.parametrize(
    ("target", "served"),
    [
        ("/", "index.html"),
        (ARTICLE, f"{ARTICLE[1:]}/index.html"),
        ("/news/politics?page=2", "news/politics/index@page=2.html"),
        ("/robots.txt", "robots.txt"),
        ("/no/such/page", None),
        ("/../../etc/passwd", None),
        ("/%2e%2e/%2e%2e/etc/passwd", None),
        ("/news/politics?page=/../../../../etc/passwd", None),
        (f"/{LONG}", None),
        (f"/news/{'%C3%A9' * 128}", None),  # 256 bytes of "é"
        (f"/news/politics?{LONG}", None),
        (f"/{'/'.join(['news'] * 1200)}", None),  # a path over PATH_MAX
    ],
)
def test_resolve(target: str, served: str | None) -> None:
    found = resolve(FIXTURES, target)
    assert (None if found is None else found.relative_to(FIXTURES).as_posix()) == served


@pytest.mark.parametrize("target", ["/news%00", "/news/politics?page=%00", "/%00/../index.html", "//[::1/news"])
def test_resolve_refuses_a_target_no_file_name_can_hold(target: str) -> None:
    with pytest.raises(BadTarget):
        resolve(FIXTURES, target)


@pytest.fixture
def base_url() -> Iterator[str]:
    with Mirror(FIXTURES) as url:
        yield url


def status(base_url: str, target: str) -> tuple[int, bytes]:
    """Status and body of ``GET target``, sent byte for byte as given."""
    connection = http.client.HTTPConnection(base_url.removeprefix("http://"), timeout=30)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/news%00", 400),
        ("/news/politics?page=%00", 400),
        (f"/{LONG}", 404),
        (f"/news/{'%C3%A9' * 128}", 404),
        (f"/news/politics?{LONG}", 404),
    ],
)
def test_mirror_answers_every_target_and_goes_on(base_url: str, target: str, expected: int) -> None:
    answer, body = status(base_url, target)
    assert answer == expected
    assert f"<title>{expected} ".encode() in body
    answer, body = status(base_url, ARTICLE)
    assert answer == 200
    assert body == (FIXTURES / ARTICLE[1:] / "index.html").read_bytes()


def _date_header(mirror: Mirror) -> str:
    with mirror as url:
        connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=30)
        try:
            connection.request("GET", "/")
            return connection.getresponse().getheader("Date") or ""
        finally:
            connection.close()


def test_as_of_dates_every_reply_at_the_moment_replayed() -> None:
    taken = datetime(2025, 8, 1, 12, tzinfo=timezone(timedelta(hours=3)))
    assert _date_header(Mirror(FIXTURES, as_of=taken)) == "Fri, 01 Aug 2025 09:00:00 GMT"
    # without it, now
    now = parsedate_to_datetime(_date_header(Mirror(FIXTURES)))
    assert abs(now - datetime.now(timezone.utc)) < timedelta(minutes=5)


@pytest.mark.parametrize(("value", "problem"), [("2025-08-01T12:00", "has no offset"), ("1 August", "is not an ISO 8601 time")])
def test_as_of_needs_a_moment_with_its_offset(value: str, problem: str) -> None:
    command = [sys.executable, "-m", "newscrawl.cli", "mirror", "--port", "0", "--as-of", value]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert problem in result.stderr
