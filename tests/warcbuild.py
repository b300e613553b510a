"""WARC files written as a crawl writes them, for the tests of export and prune: a ``warcinfo``
record first, then per fetch a ``response`` (or an identical-payload-digest ``revisit``) record
followed by its ``request`` record, gzip per record; the captures recorded in the archive."""

from __future__ import annotations

import hashlib
import os
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.warc import Capture, warc_file_name

if TYPE_CHECKING:
    from pathlib import Path

    from newscrawl.archive import Archive


@dataclass(frozen=True)
class Fetch:
    """One fetch to write: the URL, when (``WARC-Date``), the body; ``revisit`` writes a revisit
    record of the URL's previous capture in the same call instead of a response."""

    url: str
    fetched_at: str
    body: bytes = b"<html><body><p>page</p></body></html>"
    revisit: bool = False


def digest(body: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(body).digest()).decode()


def warcinfo(archive: Path) -> dict[str, str]:
    """The ``warcinfo`` fields of a file the crawl wrote for the archive ``archive``."""
    return {"software": "newscrawl tests", "newscrawl-archive": str(archive.resolve())}


def write_orphan(path: Path, archive: Path, mtime: float | None = None) -> None:
    """A WARC file the crawl wrote for ``archive`` that no capture names (its run was killed
    before recording any, or a prune stopped between its steps), last written at ``mtime``."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, warcinfo(archive)))
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def write_run(
    archive: Archive, warc_dir: Path, fetches: list[list[Fetch]], previous: dict[str, Capture] | None = None
) -> list[Capture]:
    """Start a run in ``archive`` and write its WARC files to ``warc_dir``, one per list of
    ``fetches``; record and return the captures. ``previous`` (URL: its last capture) is what a
    revisit refers to, and is updated."""
    run = archive.start_run("almayadeen", {})
    previous = {} if previous is None else previous
    captures: list[Capture] = []
    warc_dir.mkdir(parents=True, exist_ok=True)
    for sequence, group in enumerate(fetches, 1):
        name = warc_file_name(run, sequence)
        with (warc_dir / name).open("wb") as stream:
            writer = WARCWriter(stream, gzip=True, warc_version="1.1")
            writer.write_record(writer.create_warcinfo_record(name, warcinfo(archive.path)))
            for fetch in group:
                capture = _write_fetch(writer, stream, name, fetch, previous.get(fetch.url))
                captures.append(capture)
                previous[fetch.url] = capture
        # A file is last written when its last fetch is: what prune's orphan rule reads.
        written = datetime.fromisoformat(group[-1].fetched_at).timestamp()
        os.utime(warc_dir / name, (written, written))
    archive.record_captures(captures, run)
    archive.finish_run(run, "finished", {}, complete=True)
    return captures


def _write_fetch(writer: WARCWriter, stream: BinaryIO, name: str, fetch: Fetch, before: Capture | None) -> Capture:
    http = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(fetch.body)))], protocol="HTTP/1.1"
    )
    date = {"WARC-Date": fetch.fetched_at.replace("+00:00", "Z")}
    if fetch.revisit:
        assert before is not None
        headers = {
            **date,
            "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
            "WARC-Refers-To": before.record_id,
            "WARC-Refers-To-Target-URI": before.url,
            "WARC-Refers-To-Date": before.fetched_at.replace("+00:00", "Z"),
            "WARC-Payload-Digest": digest(fetch.body),
        }
        record = writer.create_warc_record(
            fetch.url, "revisit", payload=BytesIO(b""), length=0, http_headers=http, warc_headers_dict=headers
        )
    else:
        record = writer.create_warc_record(
            fetch.url, "response", payload=BytesIO(fetch.body), length=len(fetch.body), http_headers=http, warc_headers_dict=date
        )
    offset = stream.tell()
    writer.write_record(record)
    length = stream.tell() - offset
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    parts = urlsplit(fetch.url)
    request = StatusAndHeaders(f"GET {parts.path or '/'} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True)
    writer.write_record(
        writer.create_warc_record(
            fetch.url, "request", payload=BytesIO(b""), length=0, http_headers=request,
            warc_headers_dict={**date, "WARC-Concurrent-To": record_id},
        )
    )  # fmt: skip
    return Capture(
        fetch.url, fetch.fetched_at, 200, "text/html; charset=utf-8", digest(fetch.body),
        "revisit" if fetch.revisit else "response", record_id, name, offset, length,
        before.record_id if fetch.revisit and before else None,
    )  # fmt: skip


def add_article(
    archive: Archive, capture: Capture, headline: str, *, published: str = "2025-01-01", section: str = "Politics"
) -> int:
    """An articles row whose stored text was read from ``capture``; returns its id."""
    cursor = archive.db.execute(
        "INSERT INTO articles (url, edition, headline, body, section, published_at, first_seen_at, last_fetched_at, version, "
        "capture_id) VALUES (?, 'en', ?, 'text', ?, ?, ?, ?, 1, (SELECT id FROM captures WHERE record_id = ?))",
        [
            capture.url,
            headline,
            section,
            published + "T10:00:00+03:00",
            capture.fetched_at,
            capture.fetched_at,
            capture.record_id,
        ],
    )
    archive.db.conn.commit()
    return int(cursor.lastrowid or 0)
