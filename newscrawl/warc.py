"""The WARC files (ISO 28500) that keep every fetch: where they are, what a capture is, and
reading one back.

A crawl writes each response it receives as a WARC ``response`` record (or a ``revisit`` record
when the payload is the URL's previous capture's), followed by its ``request`` record, into
gzip-per-record files ``newscrawl-<run id>-<sequence>.warc.gz`` in the archive's WARC folder
(``WARC_DIR``; by default ``warc/`` beside the archive). The archive's ``captures`` table has one
row per response or revisit record: the file's name, and the offset and length of the record's
gzip member in it, so a record is read without scanning its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArchiveLoadFailed

#: A WARC file's name ends so: gzip per record.
SUFFIX = ".warc.gz"


def default_warc_dir(archive: str | Path) -> Path:
    """The WARC folder of the archive at ``archive`` when ``WARC_DIR`` does not name one:
    ``warc/`` beside it."""
    return Path(archive).parent / "warc"


def warc_file_name(run_id: int, sequence: int, tag: str = "") -> str:
    """The name of a crawl run's ``sequence``-th WARC file (from 1): sorted by name, the files
    are in the order they were written. ``tag`` names the worker of a distributed run that
    wrote it (letters, digits, ``_``), so the files of several machines never share a name."""
    return f"newscrawl-{run_id:06d}-{sequence:05d}{f'-{tag}' if tag else ''}{SUFFIX}"


@dataclass(frozen=True)
class Capture:
    """A WARC record of one fetch, as the ``captures`` table holds it."""

    #: The URL fetched (``WARC-Target-URI``).
    url: str
    #: When it was fetched (``WARC-Date``), ISO 8601 UTC with seconds.
    fetched_at: str
    #: The HTTP status.
    status: int
    #: The ``Content-Type`` header as received, ``None`` without one.
    content_type: str | None
    #: ``WARC-Payload-Digest``, e.g. ``sha1:2X5...``.
    payload_digest: str
    #: ``response``, or ``revisit`` (the payload is that of the capture ``refers_to`` names).
    record_type: str
    #: ``WARC-Record-ID``, e.g. ``<urn:uuid:...>``.
    record_id: str
    #: The file holding the record, by name in the WARC folder.
    warc_file: str
    #: Where the record's gzip member starts in the file, and its size in bytes.
    offset: int
    length: int
    #: For a revisit: the ``WARC-Record-ID`` of the response record holding the payload.
    refers_to: str | None = None


@dataclass(frozen=True)
class Exchange:
    """A response read back from a WARC record: what the crawl received."""

    url: str
    status: int
    #: The HTTP headers as received, in order (a name may repeat).
    headers: list[tuple[str, str]]
    #: The body, its transfer and content encodings undone (as the crawl's callbacks saw it).
    body: bytes


class WarcReadError(Exception):
    """A capture's record cannot be read: its file is missing, or no response record starts at
    its offset."""


def file_info(path: Path) -> dict[str, str]:
    """The fields of the ``warcinfo`` record a WARC file starts with (``software``,
    ``newscrawl-archive``...); empty when it starts with none or cannot be read."""
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "warcinfo":
                    break
                lines = record.content_stream().read().decode("utf-8", "replace").splitlines()
                return dict(line.split(": ", 1) for line in lines if ": " in line)
    except (OSError, ArchiveLoadFailed):
        pass
    return {}


def read_exchange(path: Path, offset: int) -> Exchange:
    """The response whose record starts at ``offset`` in the WARC file ``path``. Raises
    :class:`WarcReadError` when there is none."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    break
                return Exchange(
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    status=int(record.http_headers.get_statuscode()),
                    headers=list(record.http_headers.headers),
                    body=record.content_stream().read(),
                )
    except (OSError, ArchiveLoadFailed) as exc:
        raise WarcReadError(f"cannot read {path} at offset {offset}: {exc}") from exc
    raise WarcReadError(f"no response record at offset {offset} of {path}")
