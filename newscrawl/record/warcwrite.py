"""Writing a crawl run's WARC files, and cutting the truncated tail a killed run left.

Each record is one gzip member (ISA-L at :data:`GZIP_LEVEL`), built in memory and appended to
the file in one write, so a file only ever grows by whole records; a process killed mid-write
leaves at most part of one member at the end, which :func:`cut_truncated_tail` finds and moves
aside. A response is followed by its request record (``WARC-Concurrent-To``); a payload
identical to the URL's last capture is written as a ``revisit`` record (profile
``identical-payload-digest``) instead.

warcio writes the ``warcinfo`` record and serializes the HTTP heads (its percent-encoding of a
header that is not ASCII included); the response, revisit and request records, one per fetch, are
laid out here: warcio's generic path, which reads the payload through a stream to digest and copy
it, took 0.5 ms of the crawl's CPU per page, twice the digests and compression themselves, most of
it holding the GIL the crawl's own thread needs. Here the body is digested and compressed where it
lies (hashlib and ISA-L release the GIL) and never copied; ``warcio check`` verifies the digests
(``tests/test_capture.py``).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import logging
import os
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO, FileIO
from typing import TYPE_CHECKING

from isal import isal_zlib
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.warc import SUFFIX, Capture, warc_file_name

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

logger = logging.getLogger(__name__)

#: Headers whose transfer encoding the HTTP client already undid: kept under this prefix, so a
#: reader does not undo it a second time (the body recorded is the one received, dechunked).
_UNDONE = {"transfer-encoding"}
_ORIGINAL_PREFIX = "X-Archive-Orig-"
#: ISA-L's level for a record's gzip member (any gzip reader reads it). On the generated
#: article pages (benchmarks/sitegen.py, 100 KB on average), a page and the CPU it takes: ISA-L 2
#: 20.2 KB, 0.13 ms; zlib 4 18.4 KB, 0.80 ms; zlib 6 17.0 KB, 1.7 ms; zlib 9 (warcio's own) about
#: 4 ms. The crawl is bound by the CPU: a few percent of bytes are not worth six times the time.
GZIP_LEVEL = 2


@dataclass(frozen=True)
class Fetch:
    """One exchange as the crawl received it: what a response record and its request record hold."""

    url: str
    status: int
    #: ``HTTP/1.1``, as the server answered.
    protocol: str
    #: Response headers as received, in order (a name may repeat).
    headers: list[tuple[str, str]]
    #: The body as received: its content encoding (gzip, br...) not undone.
    body: bytes
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    #: When the response arrived, UTC.
    fetched_at: datetime


@dataclass(frozen=True)
class Previous:
    """The response record holding a URL's last captured payload."""

    payload_digest: str
    record_id: str
    url: str
    #: Its ``WARC-Date``.
    date: str


def payload_digest(body: bytes) -> str:
    """``WARC-Payload-Digest`` of a body: SHA-1, base 32, as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    """``WARC-Date`` (WARC 1.0: seconds, ``Z``)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(_ORIGINAL_PREFIX + name if name.lower() in _UNDONE else name, value) for name, value in headers]


def _request_target(url: str) -> tuple[str, str]:
    """``(host, path?query)`` of an absolute URL, for the request record's request line."""
    rest = url.split("://", 1)[1]
    host, _, target = rest.partition("/")
    return host, "/" + target.split("#", 1)[0]


#: ``WARC-Profile`` of a revisit record whose payload is an earlier record's (WARC 1.0).
REVISIT_PROFILE = "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"


def new_record_id() -> str:
    """A ``WARC-Record-ID``: a URN of a random UUID, in angle brackets."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def _compressed(parts: tuple[bytes, ...]) -> bytes:
    """``parts``, one after the other, as one gzip member."""
    member = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS | 16)
    return b"".join([*(member.compress(part) for part in parts), member.flush()])


def _record(record_type: str, fields: list[tuple[str, str]], content_type: str, block: tuple[bytes, ...]) -> bytes:
    """A WARC/1.0 record of ``record_type`` as one gzip member: ``fields`` (the record id first),
    its block digest, type and length, then the ``block`` (an HTTP head and its body)."""
    digest = hashlib.sha1()
    for part in block:
        digest.update(part)
    block_digest = "sha1:" + base64.b32encode(digest.digest()).decode("ascii")
    lines = [
        "WARC/1.0",
        f"WARC-Type: {record_type}",
        *(f"{name}: {value}" for name, value in fields),
        f"WARC-Block-Digest: {block_digest}",
        f"Content-Type: {content_type}",
        f"Content-Length: {sum(map(len, block))}",
        "\r\n",
    ]
    return _compressed(("\r\n".join(lines).encode("utf-8"), *block, b"\r\n\r\n"))


class RunWarcWriter:
    """The WARC files of one crawl run in ``folder``: ``newscrawl-<run>-<n>[-<tag>].warc.gz``, each opened
    with a ``warcinfo`` record and rotated when it reaches ``max_bytes`` (a response and its request
    stay in one file). Never appends to another run's file."""

    def __init__(self, folder: Path, run_id: int, info: Mapping[str, str], max_bytes: int, tag: str = "") -> None:
        self.folder = folder
        self.run_id = run_id
        self.tag = tag
        self.info = dict(info)
        self.max_bytes = max_bytes
        self.sequence = 0
        self._file: FileIO | None = None
        self._name = ""
        self._size = 0
        #: Bytes written since the last :meth:`sync`.
        self._unsynced = False

    def _open_next(self) -> None:
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        while self._file is None:
            self.sequence += 1
            self._name = warc_file_name(self.run_id, self.sequence, self.tag)
            # "x": an existing file (another archive's run of the same id, in a shared folder) is
            # never appended to nor overwritten: the next sequence number is taken instead.
            with contextlib.suppress(FileExistsError):
                self._file = (self.folder / self._name).open("xb", buffering=0)
        # Held while the file is written: the repair of another run never cuts a file in use.
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._size = 0
        self._append(self._warcinfo())

    def _warcinfo(self) -> bytes:
        buffer = BytesIO()
        builder = WARCWriter(buffer, gzip=False)
        builder.write_record(builder.create_warcinfo_record(self._name, self.info))
        return _compressed((buffer.getvalue(),))

    def _append(self, data: bytes) -> tuple[int, int]:
        """Append one record, a gzip member; returns its offset and length."""
        assert self._file is not None
        offset = self._size
        # Unbuffered: each record reaches the file in one write, never split across two.
        written = 0
        while written < len(data):
            written += self._file.write(memoryview(data)[written:])
        self._size += len(data)
        self._unsynced = True
        return offset, len(data)

    def write(self, fetch: Fetch, previous: Previous | None = None, record_id: str | None = None) -> Capture:
        """Write the fetch's response record (or a revisit of ``previous`` when the payload is the
        same), then its request record; returns the capture of the first, whose record id is
        ``record_id`` when given (a new one otherwise)."""
        if self._file is None or self._size >= self.max_bytes:
            self._open_next()
        digest = payload_digest(fetch.body)
        date = warc_date(fetch.fetched_at)
        record_id = record_id or new_record_id()
        http = StatusAndHeaders(_status_line(fetch.status), _response_headers(fetch.headers), protocol=fetch.protocol)
        head = http.to_ascii_bytes()
        fields = [("WARC-Record-ID", record_id), ("WARC-Date", date), ("WARC-Target-URI", fetch.url)]
        if previous is not None and previous.payload_digest == digest:
            record_type, refers_to = "revisit", previous.record_id
            fields += [
                ("WARC-Payload-Digest", digest),
                ("WARC-Profile", REVISIT_PROFILE),
                ("WARC-Refers-To", previous.record_id),
                ("WARC-Refers-To-Target-URI", previous.url),
                ("WARC-Refers-To-Date", previous.date),
            ]
            block: tuple[bytes, ...] = (head,)  # the headers only: the payload is the earlier record's
        else:
            record_type, refers_to = "response", None
            fields.append(("WARC-Payload-Digest", digest))
            block = (head, fetch.body)
        offset, length = self._append(_record(record_type, fields, "application/http; msgtype=response", block))
        self._append(self._request_record(fetch, date, record_id))
        content_type = next((value for name, value in fetch.headers if name.lower() == "content-type"), None)
        return Capture(
            url=fetch.url,
            fetched_at=fetch.fetched_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
            status=fetch.status,
            content_type=content_type,
            payload_digest=digest,
            record_type=record_type,
            record_id=record_id,
            warc_file=self._name,
            offset=offset,
            length=length,
            refers_to=refers_to,
        )

    def _request_record(self, fetch: Fetch, date: str, concurrent_to: str) -> bytes:
        host, target = _request_target(fetch.url)
        headers = fetch.request_headers
        if not any(name.lower() == "host" for name, _ in headers):
            headers = [("Host", host), *headers]
        head = StatusAndHeaders(f"{fetch.method} {target} HTTP/1.1", headers, is_http_request=True).to_ascii_bytes()
        fields = [
            ("WARC-Record-ID", new_record_id()),
            ("WARC-Date", date),
            ("WARC-Target-URI", fetch.url),
            ("WARC-Concurrent-To", concurrent_to),
            ("WARC-Payload-Digest", payload_digest(fetch.request_body)),
        ]
        return _record("request", fields, "application/http; msgtype=request", (head, fetch.request_body))

    def sync(self) -> None:
        """Make every record written so far durable (flush and ``fsync``): before the archive
        commits rows that point at them."""
        if self._file is not None and self._unsynced:
            os.fsync(self._file.fileno())
            self._unsynced = False

    def close(self) -> None:
        """Sync and close the current file."""
        if self._file is not None:
            self.sync()
            self._file.close()
            self._file = None


def complete_end(path: Path, start: int = 0) -> int:
    """Where the last complete gzip member of the file at ``path`` ends, reading from ``start``
    (the start of a member known whole: the end of the last record the archive points at)."""
    end = start
    with path.open("rb") as stream:
        stream.seek(start)
        position = start
        member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        data = stream.read(1 << 20)
        while data:
            try:
                member.decompress(data)
            except zlib.error:
                return end
            # Decompressed output is dropped: only where members end matters.
            if member.eof:
                tail = member.unused_data
                position += len(data) - len(tail)
                end = position
                member = zlib.decompressobj(zlib.MAX_WBITS | 16)
                data = tail or stream.read(1 << 20)
                continue
            position += len(data)
            data = stream.read(1 << 20)
    return end


def cut_truncated_tail(path: Path, start: int = 0) -> int:
    """Move aside what follows the last complete record of a WARC file (what a killed crawl left
    of a record it was writing) into ``<name>.cut-<offset>`` beside it, and cut the file there, so
    it passes ``warcio check``; a file left with nothing whole is removed. A file a crawl is
    writing (it holds its lock) is left as it is. Returns the bytes cut."""
    with path.open("r+b") as stream:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # a crawl is writing it
        size = os.fstat(stream.fileno()).st_size
        end = complete_end(path, start)
        if end >= size:
            return 0
        stream.seek(end)
        tail = stream.read()
        aside = path.with_name(f"{path.name}.cut-{end}")
        aside.write_bytes(tail)
        stream.truncate(end)
        stream.flush()
        os.fsync(stream.fileno())
    logger.warning(
        "WARC file %s ended with %d bytes of an incomplete record (a killed crawl): moved to %s", path, len(tail), aside
    )
    if end == 0:
        path.unlink()
    return size - end


def run_of(name: str) -> int | None:
    """The run id in a WARC file name (:func:`newscrawl.warc.warc_file_name`), ``None`` for another name."""
    if not (name.startswith("newscrawl-") and name.endswith(SUFFIX)):
        return None
    parts = name.removesuffix(SUFFIX).split("-")
    return int(parts[1]) if len(parts) in (3, 4) and parts[1].isdigit() else None
