"""Where WARC files go, and a capture's response read back from its record."""

from __future__ import annotations

import gzip
from dataclasses import replace
from io import BytesIO
from typing import TYPE_CHECKING

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.archive import Archive
from newscrawl.warc import Capture, Exchange, WarcReadError, default_warc_dir, read_exchange, warc_file_name

if TYPE_CHECKING:
    from pathlib import Path

PAGE = "<html><body><p>Un article, عربي.</p></body></html>".encode()


def write_records(path: Path, records: list[tuple[str, list[tuple[str, str]], bytes]]) -> list[int]:
    """Write one response record per ``(url, headers, body)`` to ``path``; returns their offsets."""
    offsets = []
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, headers, body in records:
            offsets.append(stream.tell())
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body), http_headers=http)
            )
    return offsets


def test_default_warc_dir_and_names() -> None:
    assert str(default_warc_dir("data/archive.db")) == "data/warc"
    assert warc_file_name(12, 3) == "newscrawl-000012-00003.warc.gz"
    assert sorted([warc_file_name(2, 10), warc_file_name(2, 9), warc_file_name(10, 1)]) == [
        warc_file_name(2, 9),
        warc_file_name(2, 10),
        warc_file_name(10, 1),
    ]


def test_read_exchange_reads_each_record_at_its_offset_with_encodings_undone(tmp_path: Path) -> None:
    path = tmp_path / warc_file_name(1, 1)
    plain = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(PAGE)))]
    zipped = gzip.compress(PAGE)
    encoded = [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Content-Length", str(len(zipped)))]
    first, second = write_records(path, [("http://a.example/one", plain, PAGE), ("http://a.example/two", encoded, zipped)])
    assert read_exchange(path, first) == Exchange("http://a.example/one", 200, plain, PAGE)
    assert read_exchange(path, second) == Exchange("http://a.example/two", 200, encoded, PAGE)


def test_read_exchange_says_what_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / warc_file_name(1, 1)
    (offset,) = write_records(path, [("http://a.example/one", [], PAGE)])
    with pytest.raises(WarcReadError, match="no response record at offset"):
        read_exchange(path, path.stat().st_size)  # past the last record
    # inside a record: what warcio makes of the bytes there depends on the gzip header's time
    with pytest.raises(WarcReadError, match=r"^(cannot read .* at offset 7:|no response record at offset 7 of)"):
        read_exchange(path, offset + 7)
    with pytest.raises(WarcReadError, match="cannot read"):
        read_exchange(tmp_path / "missing.warc.gz", 0)


def test_record_captures_resolves_a_revisit_to_its_response(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a.db")
    run = archive.start_run("almayadeen", {})
    first = Capture("http://a.example/one", "2025-01-01T00:00:00+00:00", 200, "text/html", "sha1:AAA", "response",
                    "<urn:uuid:1>", warc_file_name(run, 1), 0, 900)  # fmt: skip
    again = replace(first, fetched_at="2025-01-02T00:00:00+00:00", record_type="revisit", record_id="<urn:uuid:2>",
                    offset=900, length=300, refers_to="<urn:uuid:1>")  # fmt: skip
    archive.record_captures([first, again], run)
    rows = archive.db.execute("SELECT id, run_id, record_type, refers_to, offset, length, record_id FROM captures ORDER BY id")
    assert rows.fetchall() == [
        (1, run, "response", None, 0, 900, "<urn:uuid:1>"),
        (2, run, "revisit", 1, 900, 300, "<urn:uuid:2>"),
    ]
    archive.close()
